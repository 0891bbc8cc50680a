"""The shot plan: blocking, shots with their cameras, and the default cut's timing.

Field names are an interface (issue 6, item 10): `shots.json` has `shots[]` with `id`,
`scene`, `type`, `size`, `move`, `lens_mm`, `subjects`, `start_frame` (scene-local),
`frames` and `camera_file`. World units: metres, Y up, X east, Z south (world/models.py);
camera axes in files are OpenCV's (x right, y down, z forward) where a format says so.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

Vec3 = tuple[float, float, float]

# Landmarks of a standing subject, top to bottom, that framing and blocking.json use.
LANDMARKS = ("head_top", "eyes", "chin", "chest", "waist", "knees", "feet")


class ShotSize(StrEnum):
    """How much of a standing subject fills the frame height (DESIGN.md vocabulary)."""

    EWS = "EWS"
    WS = "WS"
    FS = "FS"
    MLS = "MLS"
    MS = "MS"
    MCU = "MCU"
    CU = "CU"
    ECU = "ECU"


class ShotType(StrEnum):
    """The coverage idiom a shot serves."""

    ESTABLISHING = "establishing"
    MASTER = "master"
    TWO_SHOT = "two_shot"
    OTS = "ots"
    SINGLE = "single"
    REACTION = "reaction"
    INSERT = "insert"
    POV = "pov"


class Move(StrEnum):
    STATIC = "static"
    PAN = "pan"
    TILT = "tilt"
    DOLLY_IN = "dolly_in"
    DOLLY_OUT = "dolly_out"
    TRUCK = "truck"
    PEDESTAL = "pedestal"
    CRANE = "crane"
    ARC = "arc"
    FOLLOW = "follow"
    HANDHELD = "handheld"


class CameraConfig(BaseModel):
    """`[camera]` in backlot.toml."""

    model_config = ConfigDict(extra="forbid")

    sensor_mm: tuple[float, float] = Field(
        default=(24.89, 18.66), description="Sensor width and height (Super 35)."
    )
    lenses_mm: dict[str, float] = Field(
        default_factory=lambda: {
            "establishing": 18.0,
            "master": 24.0,
            "two_shot": 35.0,
            "ots": 50.0,
            "single": 75.0,
            "reaction": 75.0,
            "insert": 100.0,
            "pov": 32.0,
        },
        description="Focal length per shot type.",
    )
    words_per_minute: float = Field(default=150.0, gt=0, description="Speaking rate.")
    f_stop: float = 2.8


class CameraKey(BaseModel):
    """A camera keyframe: where the camera is and what it looks at, from a scene frame."""

    frame: int = Field(description="Scene-local frame.")
    position: Vec3
    target: Vec3
    focal_mm: float


class Shot(BaseModel):
    """One shot of the plan, with its camera path and the script it covers."""

    id: str = Field(description="Scene number and letters (12A, 12B…), never reused.")
    scene: str
    type: ShotType
    size: ShotSize
    move: Move
    lens_mm: float
    subjects: list[str] = Field(description="Character ids framed (first is the main one).")
    prop: str = Field(default="", description="The set's placed item an insert frames.")
    start_frame: int = Field(description="First frame in the scene's timeline.")
    frames: int
    description: str = ""
    elements: list[int] = Field(
        default_factory=list, description="Indices of the scene's script elements it covers."
    )
    keys: list[CameraKey] = Field(default_factory=list)
    camera_file: str = Field(default="", description="RealEstate10K file, build-relative.")
    reason: str = Field(default="", description="Which idiom or script direction chose it.")
    head_visible: float = Field(
        default=1.0,
        description="Share of frames in which no part of the set hides a subject's eyes.",
    )


class CharacterPath(BaseModel):
    """Where one character is over a scene: keyframes on the floor, and facing."""

    character: str
    keys: list[tuple[int, float, float, float]] = Field(
        description="(frame, x, z, facing_deg) keyframes; linear between them."
    )
    height_m: float = Field(default=1.7, description="The character's standing height.")
    seated: list[tuple[int, int]] = Field(
        default_factory=list, description="Frame ranges [start, end) the character sits."
    )


class SceneTiming(BaseModel):
    """A scene's length and where each script element falls in it."""

    scene: str
    frames: int
    element_frames: list[tuple[int, int]] = Field(
        description="Per script element of the scene: (start frame, frames)."
    )


class ShotPlan(BaseModel):
    """Every scene's blocking and timing, and the shot list with cameras."""

    fps: float
    resolution: tuple[int, int]
    scenes: list[SceneTiming]
    blocking: dict[str, list[CharacterPath]] = Field(description="Scene number → paths.")
    shots: list[Shot]
    first_lines: dict[str, str] = Field(
        default_factory=dict,
        description="Shot id → the first script line it covers: what a revision matches on.",
    )
    retired: dict[str, list[str]] = Field(
        default_factory=dict, description="Scene → ids of shots cut in a revision, never reused."
    )


class RuleBreak(BaseModel):
    """A cut or shot that breaks a rule the planner could not keep."""

    shot: str = Field(description="The shot's id (for a cut: the shot cut to).")
    rule: str = Field(description="180, 30, occlusion or inside.")
    detail: str


class RuleReport(BaseModel):
    """How a plan keeps the grammar of film, counted as `camera/rules.py` defines it."""

    cuts_180: int = Field(description="Cuts between two shots held to one dialogue pair's line.")
    kept_180: int
    cuts_30: int = Field(description="Cuts from one shot of a subject to another of it.")
    kept_30: int
    shots: int
    head_visible: int = Field(
        description="Shots whose subjects' eyes are seen in ≥ 95 % of frames."
    )
    inside: int = Field(description="Shots whose camera stays on the set, above the floor.")
    breaks: list[RuleBreak] = Field(default_factory=list)
