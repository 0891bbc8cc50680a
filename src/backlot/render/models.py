"""What previz produces: the scratch dialogue, and a take (video and passes) per shot.

File paths in these models are relative to the build folder. Pass files are lossless
videos, one per pass (`render/encode.py` says which codec carries which pass).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

PASSES = ("beauty", "depth", "inverse_depth", "normal", "instance", "pose")


class VoiceSpec(BaseModel):
    """An espeak-ng voice and how it is driven: what a line's audio is made from."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9_-]+(\+[A-Za-z0-9_ -]+)?$",
        description="espeak voice + variant: 'en-us+m3'.",
    )
    rate_wpm: int = Field(ge=80, le=450, description="espeakRATE, words per minute.")
    pitch: int = Field(ge=0, le=100, description="espeakPITCH; 50 is the voice's own.")
    language: str = Field(default="en-us", description="What the voice speaks; `name` says it too.")


class RenderConfig(BaseModel):
    """`[render]` in backlot.toml."""

    model_config = ConfigDict(extra="forbid")

    size: tuple[int, int] = Field(
        default=(640, 360),
        description="Frame size of takes and passes (even numbers: H.264 halves chroma).",
    )
    burn_in: bool = Field(
        default=True, description="Scene, shot, lens, timecode and line on takes."
    )

    @field_validator("size")
    @classmethod
    def _even(cls, value: tuple[int, int]) -> tuple[int, int]:
        width, height = value
        if width < 16 or height < 16 or width % 2 or height % 2:
            raise ValueError(f"frame size must be even and at least 16×16, got {width}x{height}")
        return value


class DialogueConfig(BaseModel):
    """`[dialogue]` in backlot.toml."""

    model_config = ConfigDict(extra="forbid")

    voice: Literal["espeak", "piper"] = Field(
        default="espeak",
        description="Scratch voices: espeak-ng (Debian), or piper (the optional 'piper' "
        "extra, a neural voice; its lines carry no phoneme timings).",
    )


class SpokenLine(BaseModel):
    """One speech of the script as the scratch track speaks it."""

    id: str = Field(description="Scene number and element index: '12-4'.")
    scene: str
    element: int = Field(description="Index of the dialogue element in its scene.")
    line: int = Field(description="Script line of the speech.")
    character: str = Field(description="Character id.")
    text: str
    voice: VoiceSpec
    audio: str = Field(description="16-bit mono WAV, build-relative.")
    duration_s: float
    phonemes: list[tuple[float, str]] = Field(
        default_factory=list, description="(start seconds, phoneme) from the synthesizer."
    )


class ScratchDialogue(BaseModel):
    """Every speech synthesized; the shot planner times dialogue from these durations."""

    sample_rate: int
    lines: list[SpokenLine]


class Take(BaseModel):
    """A shot rendered: its animatic clip and its passes."""

    shot: str
    scene: str
    number: int = Field(default=1, description="Take number of its shot: 1, 2…, never reused.")
    frames: int
    inputs: str = Field(description="Hash of everything the take was rendered from.")
    video: str = Field(description="H.264 MP4 with burn-ins and the scene's dialogue.")
    passes: dict[str, str] = Field(description="Pass name → lossless video file.")
    legend: str = Field(description="JSON: instance colour → asset id.")
    thumbnail: str
    depth_scale_m: float = Field(description="Metres per unit of the 16-bit depth pass.")


class Takes(BaseModel):
    """Every shot's current take, its earlier takes, and the film's animatic."""

    fps: float
    size: tuple[int, int]
    takes: list[Take] = Field(description="Each planned shot's current take, in plan order.")
    earlier: list[Take] = Field(
        default_factory=list,
        description="Takes a shot had before its inputs changed (another lens, another "
        "move), kept under shots/<id>/takes/<n>/ for the cut to choose.",
    )
    animatic: str
    contact_sheet: str
