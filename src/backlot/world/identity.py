"""Set identity: which scene headings name the same place, so one set serves them all.

"JOHN'S APARTMENT - KITCHEN", "JOHN'S APT. - KITCHEN" and a bare "KITCHEN" inside a run of
apartment scenes are one set (John's apartment) with an area (kitchen). A generic place
("STREET") that the heading tells apart ("STREET - PARIS", "STREET - LONDON") is two sets.
Interiors and exteriors are separate builds; a vehicle seen from inside (INT., I/E) is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from backlot.script.models import Scene
from backlot.world.names import slug

# Written abbreviations → the word, so "APT." and "APARTMENT" key alike.
ABBREVIATIONS = {
    "APT": "APARTMENT",
    "APTS": "APARTMENTS",
    "ST": "STREET",
    "RD": "ROAD",
    "AVE": "AVENUE",
    "BLVD": "BOULEVARD",
    "BLDG": "BUILDING",
    "DEPT": "DEPARTMENT",
    "HOSP": "HOSPITAL",
    "RM": "ROOM",
    "HQ": "HEADQUARTERS",
    "RESTAURANT'S": "RESTAURANT",
}
# Rooms of a home: alone in a heading they are an area of the dwelling just visited.
ROOM_WORDS = frozenset(
    {
        "KITCHEN",
        "BEDROOM",
        "MASTER BEDROOM",
        "BATHROOM",
        "LIVING ROOM",
        "DINING ROOM",
        "HALLWAY",
        "HALL",
        "CORRIDOR",
        "STAIRS",
        "STAIRCASE",
        "LANDING",
        "BASEMENT",
        "ATTIC",
        "GARAGE",
        "DEN",
        "STUDY",
        "NURSERY",
        "LAUNDRY",
        "PANTRY",
        "CLOSET",
        "FOYER",
        "PORCH",
        "BALCONY",
    }
)
DWELLINGS = re.compile(
    r"\b(?:APARTMENT|HOUSE|HOME|FLAT|CONDO|MANSION|CABIN|COTTAGE|TRAILER|BUNGALOW|VILLA)\b"
)
# Places so common that two of them are the same set only if nothing tells them apart.
GENERIC = frozenset(
    {
        "STREET",
        "ROAD",
        "ALLEY",
        "PARK",
        "BAR",
        "HIGHWAY",
        "SIDEWALK",
        "PARKING LOT",
        "HOTEL ROOM",
        "OFFICE",
        "BEACH",
        "FOREST",
        "WOODS",
        "FIELD",
        "CORRIDOR",
        "ROOFTOP",
        "ROOF",
    }
)


@dataclass
class ResolvedSet:
    """One set and the scenes that use it, before it is built."""

    id: str
    name: str
    int_ext: str | None
    areas: list[str] = field(default_factory=list)
    scenes: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)


@dataclass
class Resolution:
    """Every set, and for each scene number its set id and area."""

    sets: list[ResolvedSet]
    scene_set: dict[str, tuple[str, str | None]]


def _normal(words: str) -> str:
    """Upper case, abbreviations spelt out, punctuation dropped: the key sets match on."""
    tokens = re.findall(r"[^\W_]+(?:'[^\W_]+)*", words.upper())
    expanded = [ABBREVIATIONS.get(t.rstrip("."), t) for t in tokens]
    return " ".join(t.replace("'", "") for t in expanded)


def _split_room(key_name: str) -> tuple[str, str | None]:
    """'BLOOM HOUSE KITCHEN' → ('BLOOM HOUSE', 'KITCHEN'); other names unchanged."""
    for room in sorted(ROOM_WORDS, key=len, reverse=True):
        if key_name.endswith(" " + room):
            rest = key_name[: -len(room) - 1]
            if DWELLINGS.search(rest):
                return rest, room
    return key_name, None


def _side(int_ext: str | None) -> str:
    # A vehicle or doorway seen from both sides is built as its interior.
    return "INT" if int_ext in ("INT", "INT/EXT") else (int_ext or "")


def resolve_sets(scenes: list[Scene], overrides: dict[str, str]) -> Resolution:
    """Group scenes into sets; `overrides` maps a heading's location to a set name."""
    sets: dict[tuple[str, str], ResolvedSet] = {}
    scene_set: dict[str, tuple[str, str | None]] = {}
    previous_dwelling: tuple[str, str] | None = None
    for scene in scenes:
        location = scene.location.strip() or scene.heading.strip()
        area = scene.sublocation
        name = overrides.get(location) or overrides.get(scene.heading) or location
        key_name = _normal(name)
        side = _side(scene.int_ext)
        dwelling, room = _split_room(key_name)
        if name == location and room:
            # "BLOOM HOUSE KITCHEN": the house is the set, the kitchen an area of it.
            key_name, area = dwelling, area or room
            name = location[: len(location) - len(room)].strip(" -,")
        if name == location and key_name in ROOM_WORDS and previous_dwelling:
            # "INT. KITCHEN" right after John's apartment: the apartment's kitchen.
            if previous_dwelling[0] == side:
                area = location
                key_name = previous_dwelling[1]
        elif key_name in GENERIC and area and _normal(area) not in ROOM_WORDS:
            # "STREET - PARIS" and "STREET - LONDON" are different streets.
            name = f"{location} - {area}"
            key_name = _normal(name)
            area = None
        key = (side, key_name)
        resolved = sets.get(key)
        if resolved is None:
            label = f"{side} {key_name}".strip()
            resolved = ResolvedSet(id=slug(label), name=name, int_ext=scene.int_ext)
            sets[key] = resolved
        elif len(name) > len(resolved.name) and name == location:
            resolved.name = name  # the fullest spelling names the set
        if area and area not in resolved.areas:
            resolved.areas.append(area)
        resolved.scenes.append(scene.number)
        if scene.heading not in resolved.headings:
            resolved.headings.append(scene.heading)
        scene_set[scene.number] = (resolved.id, area)
        if DWELLINGS.search(key_name):
            previous_dwelling = key
        elif key_name not in ROOM_WORDS:
            previous_dwelling = None
    return Resolution(list(sets.values()), scene_set)
