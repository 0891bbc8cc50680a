"""Set identity: headings that name one place become one set, with areas."""

from __future__ import annotations

from pathlib import Path

from backlot.script.fountain import parse_fountain
from backlot.world.identity import resolve_sets

SCRIPT = """\
INT. JOHN'S APARTMENT - KITCHEN - DAY

John cooks.

INT. JOHN'S APT. - KITCHEN - NIGHT

John eats.

INT. JOHN'S APARTMENT - BEDROOM - NIGHT

John sleeps.

INT. KITCHEN - MORNING

John makes coffee.

EXT. STREET - PARIS - DAY

A cafe.

EXT. STREET - LONDON - NIGHT

A pub.

EXT. STREET - DAY

Anywhere.

EXT. STREET - NIGHT

Anywhere again.

INT. OFFICE - DAY

Not the apartment's kitchen any more.

INT. KITCHEN - DAY

A restaurant kitchen, after the office: its own set.

INT./EXT. TAXI - MOVING - NIGHT

A ride.

INT. TAXI - DAY

Another ride.

EXT. JOHN'S APARTMENT - DAY

The building's front.
"""


def resolution():
    return resolve_sets(parse_fountain(SCRIPT).scenes, {})


def test_same_place_spelled_differently_is_one_set_with_areas() -> None:
    r = resolution()
    apartment = next(s for s in r.sets if s.id == "int-johns-apartment")
    assert apartment.scenes == ["1", "2", "3", "4"]
    assert apartment.areas == ["KITCHEN", "BEDROOM"]
    assert apartment.name == "JOHN'S APARTMENT"
    assert r.scene_set["4"] == ("int-johns-apartment", "KITCHEN")


def test_generic_places_split_only_when_the_script_tells_them_apart() -> None:
    r = resolution()
    assert r.scene_set["5"][0] != r.scene_set["6"][0]  # Paris and London
    assert r.scene_set["7"][0] == r.scene_set["8"][0]  # two plain STREETs: one set


def test_room_after_another_place_is_not_the_apartment() -> None:
    r = resolution()
    assert r.scene_set["10"][0] != "int-johns-apartment"


def test_vehicle_inside_and_interior_exterior() -> None:
    r = resolution()
    assert r.scene_set["11"][0] == r.scene_set["12"][0] == "int-taxi"
    assert r.scene_set["13"][0] == "ext-johns-apartment"  # the exterior is its own build
    assert len(r.sets) == len({s.id for s in r.sets})


def test_override_from_config() -> None:
    scenes = parse_fountain(SCRIPT).scenes
    r = resolve_sets(scenes, {"OFFICE": "JOHN'S APARTMENT"})
    assert r.scene_set["9"][0] == "int-johns-apartment"


def test_corpus_reuse(corpus_dir: Path) -> None:
    scenes = parse_fountain((corpus_dir / "scripts" / "big_fish.fountain").read_text()).scenes
    r = resolve_sets(scenes, {})
    bloom = next(s for s in r.sets if s.id == "int-bloom-house")
    assert {"KITCHEN", "MASTER BEDROOM"} <= set(bloom.areas)
    assert len(r.sets) < len(scenes)
