"""The world model: reusable sets, persistent characters and each scene's setup.

Field names are an interface (issue 5, item 8): `world.json` has `sets[]` (`id`, `name`,
`kind`, `areas`, `scenes`, `usd`), `characters[]` (`id`, `name`, `look`, `usd`) and
`scenes[]` (`number`, `set`, `area`, `clock_time`, `sun` with `azimuth_deg` and
`elevation_deg`, `weather`, `usd`). Units: metres, degrees; Y is up, the floor is y = 0,
a set's origin is the centre of its floor.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

Vec3 = tuple[float, float, float]


class WorldConfig(BaseModel):
    """`[world]` in backlot.toml."""

    model_config = ConfigDict(extra="forbid")

    sets: dict[str, str] = Field(
        default_factory=dict,
        description="Override set identity: a heading's location (as written) → a set name.",
    )
    assets: dict[str, str] = Field(
        default_factory=dict,
        description="Replace a generated asset by a library asset: asset id → library name.",
    )
    clock: dict[str, str] = Field(
        default_factory=lambda: {
            "MORNING": "09:00",
            "DAY": "13:00",
            "NOON": "12:00",
            "AFTERNOON": "16:00",
            "NIGHT": "23:00",
            "MIDNIGHT": "00:00",
        },
        description="Time-of-day word → clock time; DAWN is sunrise, DUSK/EVENING sunset.",
    )


class SetKind(StrEnum):
    """What sort of place a set is; decides its size and how it is built."""

    ROOM = "room"
    CORRIDOR = "corridor"
    HALL = "hall"
    VEHICLE = "vehicle"
    STREET = "street"
    LANDSCAPE = "landscape"
    FOREST = "forest"
    ROOFTOP = "rooftop"
    WATERFRONT = "waterfront"


class Shape(StrEnum):
    BOX = "box"
    CYLINDER = "cylinder"
    SPHERE = "sphere"


class Part(BaseModel):
    """One solid of a set or prop: a box, cylinder or sphere, placed on the set.

    `position` is the centre of the solid's base (so y = 0 stands on the floor); `size` is
    width (x), height (y) and depth (z) before rotation about Y.
    """

    name: str = Field(description="Unique within its asset, a valid USD prim name.")
    shape: Shape = Shape.BOX
    size: Vec3
    position: Vec3
    rotation_y_deg: float = 0.0
    colour: str = Field(default="#808080", description="Grey-box colour, #rrggbb.")
    label: str = Field(description="Semantic class for the instance pass: wall, floor, prop…")


class Opening(BaseModel):
    """A door or window cut in a wall: which wall, where along it and how big."""

    kind: str = Field(description="door or window")
    wall: str = Field(description="north, south, east or west")
    offset: float = Field(description="Centre along the wall from its middle, metres.")
    width: float
    height: float
    sill: float = Field(default=0.0, description="Height of the bottom edge above the floor.")


class PlacedItem(BaseModel):
    """A breakdown item (prop or set dressing) placed in the set, with its footprint."""

    name: str
    category: str
    position: Vec3
    size: Vec3
    rotation_y_deg: float = 0.0
    surface: str = Field(description="What it stands on: floor, table, counter, shelf, ground…")
    scenes: list[str] = Field(default_factory=list)


class Mark(BaseModel):
    """An actor's mark on the floor: where someone can stand, and which way they face."""

    name: str
    position: Vec3
    facing_deg: float = Field(description="Heading about Y; 0 faces +Z (towards south).")


class SetAsset(BaseModel):
    """A location built once and referenced by every scene set there."""

    id: str = Field(description="Stable id derived from the name: 'int-johns-apartment'.")
    name: str
    int_ext: str | None
    kind: SetKind
    areas: list[str] = Field(default_factory=list, description="Sublocations: kitchen, hall…")
    scenes: list[str] = Field(default_factory=list, description="Scene numbers shot here.")
    headings: list[str] = Field(
        default_factory=list, description="The headings that resolved to this set (evidence)."
    )
    dimensions: Vec3 = Field(description="Width, height, depth of the playing area, metres.")
    seed: int
    parts: list[Part] = Field(default_factory=list)
    openings: list[Opening] = Field(default_factory=list)
    items: list[PlacedItem] = Field(default_factory=list)
    marks: list[Mark] = Field(default_factory=list)
    usd: str = Field(default="", description="Layer path, relative to the build folder.")
    glb: str = ""
    library_asset: str | None = Field(
        default=None, description="The library asset used instead of the generated set."
    )


class Look(BaseModel):
    """How a character looks: from the script where it says so, seeded where it does not."""

    age: int
    gender: str = Field(description="female, male or unknown")
    build: str = Field(description="slight, average, athletic or heavy")
    height_m: float
    skin: str = Field(description="#rrggbb")
    hair: str = Field(description="#rrggbb")
    clothing: list[str] = Field(description="Clothing colours, #rrggbb: top, bottom.")
    from_script: list[str] = Field(
        default_factory=list, description="The words of the script the look was read from."
    )


class Joint(BaseModel):
    """A joint of the mannequin's skeleton, in rest pose (metres, character space)."""

    name: str = Field(description="OpenPose BODY-18 names: nose, neck, r_shoulder…")
    parent: str | None
    position: Vec3


class CharacterAsset(BaseModel):
    """A character: one persistent asset, with its wardrobe per scene."""

    id: str
    name: str
    look: Look
    wardrobe: dict[str, list[str]] = Field(
        default_factory=dict, description="Scene number → wardrobe items from the breakdown."
    )
    skeleton: list[Joint]
    scenes: list[str] = Field(default_factory=list)
    usd: str = ""
    glb: str = ""


class SunPosition(BaseModel):
    """Where the sun (or moon) is: compass azimuth (0 = north, 90 = east), elevation."""

    azimuth_deg: float
    elevation_deg: float


class Light(BaseModel):
    """A light of a scene's setup."""

    kind: str = Field(description="sun, moon, sky, window, practical, key, fill")
    intensity: float = Field(description="Relative to a clear noon sun = 1.")
    colour: str
    direction: Vec3 | None = Field(default=None, description="Unit vector the light travels.")
    position: Vec3 | None = None


class SceneSetup(BaseModel):
    """One scene on its set: when it is, where the sun is, the weather and the lights."""

    number: str
    set: str = Field(description="Set id.")
    area: str | None = None
    date: str
    clock_time: str = Field(description="HH:MM local solar-ish time at the project's place.")
    sun: SunPosition
    moon: SunPosition | None = None
    weather: list[str] = Field(default_factory=list)
    fog_density: float = 0.0
    sky: str = Field(description="clear, overcast, night, dawn, dusk")
    key_to_fill: float = Field(description="Key-to-fill ratio; tension raises contrast.")
    lights: list[Light] = Field(default_factory=list)
    cast: list[str] = Field(default_factory=list, description="Character ids in the scene.")
    usd: str = ""
    glb: str = ""


class DaylightDay(BaseModel):
    """A shooting day's light at the project's place, and what does not fit in it."""

    day: int
    date: str
    sunrise: str
    sunset: str
    golden_hour_morning: tuple[str, str]
    golden_hour_evening: tuple[str, str]
    blue_hour_morning: tuple[str, str]
    blue_hour_evening: tuple[str, str]
    warnings: list[str] = Field(default_factory=list)


class WorldStats(BaseModel):
    """How much the world reuses: scene uses per distinct set."""

    sets: int
    scenes: int
    characters: int
    reuse_ratio: float = Field(description="Scene uses ÷ distinct sets.")
    scenes_per_set: dict[str, int]


class World(BaseModel):
    """The shootable world of a script."""

    sets: list[SetAsset]
    characters: list[CharacterAsset]
    scenes: list[SceneSetup]
    daylight: list[DaylightDay] = Field(default_factory=list)
    stats: WorldStats
