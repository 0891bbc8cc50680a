"""The breakdown model: what a first AD, a line producer and the world builder read.

Field names are an interface (issue 4, item 10): later stages read `scenes[].tags`,
`scenes[].actions`, `cast`, `schedule` and `day_out_of_days` by exactly these names.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class BreakdownConfig(BaseModel):
    """`[breakdown]` in backlot.toml."""

    model_config = ConfigDict(extra="forbid")

    pages_per_day: float = Field(
        default=4.0, gt=0, description="Shooting-day target in script pages (stripboard)."
    )
    llm_url: str | None = Field(
        default=None,
        description="OpenAI-compatible endpoint (…/v1) for an optional language-model pass.",
    )
    llm_model: str = "llama3.1"
    rehearsal_days: dict[str, int] = Field(
        default_factory=dict, description="Cast name → rehearsal days before their first day."
    )
    travel: list[str] = Field(
        default_factory=list, description="Cast who travel in the day before and after their run."
    )


class Category(StrEnum):
    """Breakdown categories, as on an industry breakdown sheet (snake_case ids)."""

    CAST = "cast"
    EXTRAS = "extras"
    STUNTS = "stunts"
    VEHICLES = "vehicles"
    PROPS = "props"
    WEAPONS = "weapons"
    SPECIAL_EQUIPMENT = "special_equipment"
    WARDROBE = "wardrobe"
    MAKEUP_HAIR = "makeup_hair"
    ANIMALS = "animals"
    ANIMAL_WRANGLER = "animal_wrangler"
    MUSIC = "music"
    SOUND = "sound"
    SET_DRESSING = "set_dressing"
    GREENERY = "greenery"
    SPECIAL_EFFECTS = "special_effects"
    VISUAL_EFFECTS = "visual_effects"
    MECHANICAL_EFFECTS = "mechanical_effects"
    SECURITY = "security"
    ADDITIONAL_LABOUR = "additional_labour"
    WEATHER = "weather"
    NOTES = "notes"


class Tag(BaseModel):
    """One breakdown element in one scene, with the evidence it was found from."""

    category: Category
    name: str = Field(description="Lower-case singular noun ('pistol'), or a cast name.")
    line: int = Field(description="Source line of the evidence.")
    evidence: str = Field(description="The words of the script the tag came from.")
    source: str = Field(default="rules", description="'rules' or 'llm'.")


class ActionRequirement(BaseModel):
    """Who does what in a scene: a verb in base form and the characters doing it."""

    verb: str = Field(description="Base form: enter, exit, walk, run, chase, fight, drive…")
    characters: list[str] = Field(default_factory=list)
    line: int
    evidence: str


class CameraDirection(BaseModel):
    """A camera direction written in the script (CLOSE ON, POV, INSERT…)."""

    kind: str = Field(description="CLOSE ON, ANGLE ON, WIDE, INSERT, POV, TRACKING, AERIAL, …")
    subject: str | None = Field(default=None, description="What the direction points at.")
    line: int
    text: str


class Beat(BaseModel):
    """A named peak or trough of the tension curve."""

    name: str
    scene: str
    line: int
    tension: float


class SceneBreakdown(BaseModel):
    """One scene's breakdown sheet."""

    number: str
    heading: str
    int_ext: str | None
    time_of_day: str | None
    day_night: str = Field(description="DAY or NIGHT, resolving CONTINUOUS/LATER from context.")
    location: str
    sublocation: str | None = None
    set: str = Field(description="The set the scene is shot on (INT/EXT and location).")
    line: int
    start_page: str | None = None
    eighths: int
    synopsis: str = Field(default="", description="The scene's first line of action.")
    tension: float = Field(description="0 (calm) to 1 (peak), smoothed over the film.")
    valence: float = Field(description="-1 (negative) to 1 (positive), from the VADER lexicon.")
    arousal: float = Field(description="0 (calm) to 1 (excited).")
    cast: list[str] = Field(default_factory=list, description="Cast names in the scene.")
    tags: list[Tag] = Field(default_factory=list)
    actions: list[ActionRequirement] = Field(default_factory=list)
    camera_directions: list[CameraDirection] = Field(default_factory=list)


class CastMember(BaseModel):
    """A speaking or named character, numbered by size of part as on a call sheet."""

    id: int = Field(description="Cast number: 1 is the largest part.")
    name: str
    scenes: list[str]
    lines: int = Field(description="Speeches.")
    words: int = Field(description="Words of dialogue.")
    first_scene: str


class SetSummary(BaseModel):
    """A set (INT/EXT and location) with its scenes and total length."""

    name: str
    int_ext: str | None
    scenes: list[str]
    eighths: int


class ShootDay(BaseModel):
    """One shooting day: the scenes (strips) shot, in order."""

    day: int
    scenes: list[str]
    eighths: int
    sets: list[str]


class Schedule(BaseModel):
    """A stripboard grouped into shooting days by set, INT/EXT and day/night."""

    eighths_per_day: int
    days: list[ShootDay]


class DayOutOfDays(BaseModel):
    """Per cast member, per shooting day: SW, W, WF, SWF, H, T, R (or empty)."""

    days: list[int]
    rows: dict[str, list[str]] = Field(description="Cast name → a code per day ('' = off).")


class Breakdown(BaseModel):
    """The whole script's breakdown."""

    title: str | None = None
    scenes: list[SceneBreakdown]
    cast: list[CastMember]
    sets: list[SetSummary]
    beats: list[Beat] = Field(default_factory=list)
    schedule: Schedule
    day_out_of_days: DayOutOfDays
