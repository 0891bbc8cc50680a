"""What the editorial stages produce: the cut, its versions, the dialogue list, subtitles,
dubbed lines with their visemes, and localized versions.

Times are film frames at the project's fps unless a field says seconds. File paths are
relative to the build folder.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CutConfig(BaseModel):
    """`[cut]` in backlot.toml."""

    model_config = ConfigDict(extra="forbid")

    takes: dict[str, int] = Field(
        default_factory=dict,
        description="Shot id → the take the cut uses (1 is the first rendered; 0 the latest).",
    )
    language: str = Field(default="en", description="The original language of the script.")


# --- the dialogue list ---------------------------------------------------------------------


class DialogueLine(BaseModel):
    """One speech as the dialogue list gives it to a translator."""

    id: str = Field(description="The spoken line's id: scene number and element index, '12-4'.")
    scene: str
    shot: str = Field(description="The shot of the cut the line starts in.")
    character: str = Field(description="The speaker's name as the script writes it.")
    text: str = Field(description="The original words.")
    record_in: int = Field(description="Film frame where the line starts in the cut.")
    record_out: int = Field(description="Film frame after its last.")


class DialogueList(BaseModel):
    """Every speech of the cut, in order, with where it falls."""

    fps: float
    language: str
    lines: list[DialogueLine]


class Translation(BaseModel):
    """A translator's words for a dialogue list, checked against it line by line."""

    language: str = Field(description="BCP 47 tag of the target language: 'ko', 'fr'.")
    lines: dict[str, str] = Field(description="Dialogue line id → translated text.")


# --- subtitles -----------------------------------------------------------------------------


class SubtitleNorms(BaseModel):
    """The limits a subtitle event must keep (streaming style guides)."""

    max_chars_per_line: int
    max_lines: int = 2
    max_chars_per_second: float
    min_duration_s: float = 5 / 6
    max_duration_s: float = 7.0
    min_gap_frames: int = 2


class Shot(BaseModel):
    """Where one shot of the cut lies: subtitles avoid crossing its edges."""

    id: str
    record_in: int
    record_out: int


class SubtitleEvent(BaseModel):
    """One subtitle on screen: its frames and its one or two lines of text."""

    start: int = Field(description="First film frame shown.")
    end: int = Field(description="Film frame after the last shown.")
    lines: list[str]
    source: str = Field(description="Id of the dialogue line it shows.")


class SubtitleProblem(BaseModel):
    """A norm an event could not keep, and why (the shot too short for it, when that is it)."""

    source: str = Field(description="Dialogue line id.")
    event: int = Field(description="Index of the event in the track.")
    rule: str = Field(
        description="'chars_per_line', 'lines', 'reading_speed', 'min_duration', "
        "'max_duration', 'gap' or 'shot_change'."
    )
    shot: str = Field(default="", description="The shot the event falls in, when that matters.")
    message: str


class SubtitleTrack(BaseModel):
    """A language's subtitles, and every norm they could not keep."""

    language: str
    fps: float
    events: list[SubtitleEvent]
    problems: list[SubtitleProblem]


# --- dubbing and visemes -------------------------------------------------------------------


class Viseme(BaseModel):
    """A mouth shape held from `start_s` to `end_s` (seconds from the line's start)."""

    start_s: float
    end_s: float
    viseme: str = Field(description="One of the 15 Oculus / MPEG-4 visemes: sil, PP, FF, …")


class DubbedLine(BaseModel):
    """A line spoken in another language, fitted to the original line's duration."""

    id: str = Field(description="Dialogue line id.")
    text: str
    voice: str = Field(description="espeak-ng voice and variant.")
    rate_wpm: int
    audio: str = Field(description="16-bit mono WAV, build-relative.")
    duration_s: float
    target_s: float = Field(description="The original line's duration.")
    fit: float = Field(description="duration_s / target_s; 0.9–1.1 is a fit.")
    visemes: str = Field(description="JSON file of the line's viseme track, build-relative.")


# --- the cut and its versions --------------------------------------------------------------


class Clip(BaseModel):
    """One shot in the cut: which take, and where it lies on the record side."""

    shot: str
    scene: str
    take: int = Field(description="The take used (1 = first rendered).")
    record_in: int
    frames: int
    media: str = Field(description="The take's video, build-relative.")
    inputs: str = Field(description="Hash of what the take was rendered from.")


class CutVersion(BaseModel):
    """One numbered version of the cut: kept, never renumbered."""

    number: int
    clips: list[Clip]
    timeline: str = Field(description="This version's .otio, build-relative.")


class Timeline(BaseModel):
    """The cut (its newest version), every earlier version, and what was exported."""

    fps: float
    version: int = Field(description="The number of the current version.")
    versions: list[CutVersion]
    selects: dict[str, int] = Field(
        default_factory=dict, description="Shot id → chosen take, as the cut was last told."
    )
    dialogue: DialogueList
    subtitles: SubtitleTrack
    files: dict[str, str] = Field(description="What was written: 'otio', 'edl', 'fcp_xml', …")


class LanguageVersion(BaseModel):
    """One localized version: its dubbed lines, subtitles, timeline and animatic."""

    language: str
    lines: list[DubbedLine]
    subtitles: SubtitleTrack
    files: dict[str, str]


class Versions(BaseModel):
    """Every language the film has translations for."""

    languages: list[LanguageVersion]


class Retimed(BaseModel):
    """A shot whose length changed between two versions."""

    shot: str
    frames_before: int
    frames_after: int


class Retaken(BaseModel):
    """A shot cut from another take (or a take re-rendered from other inputs)."""

    shot: str
    take_before: int
    take_after: int


class CutChanges(BaseModel):
    """What changed from one version of the cut to another."""

    before: int
    after: int
    added: list[str] = Field(description="Shots in `after` only.")
    removed: list[str] = Field(description="Shots in `before` only.")
    retimed: list[Retimed]
    retaken: list[Retaken]
    frames_before: int
    frames_after: int
