"""Set kinds, sizes and grey-box builds: geometry, placement without collisions, marks."""

from __future__ import annotations

import itertools
import math
import random
import re

import pytest

from backlot.world.build import (
    MARGIN,
    build_set,
    footprint,
    overlaps,
    walkable_zone,
)
from backlot.world.kinds import dimensions, set_kind
from backlot.world.models import Opening, Part, PlacedItem, SetAsset, SetKind
from backlot.world.names import prim_name

REQUESTS = [
    ("coffee mug", "props", ["1"]),
    ("revolver", "weapons", ["1", "3"]),
    ("letter", "props", ["2"]),
    ("phone", "props", ["1"]),
    ("car keys", "props", ["3"]),
    ("wallet", "props", ["2"]),
    ("sofa", "set_dressing", ["1"]),
    ("bookshelf", "set_dressing", ["1"]),
    ("armchair", "set_dressing", ["2"]),
    ("floor lamp", "set_dressing", ["2"]),
    ("filing cabinet", "set_dressing", ["3"]),
    ("potted plant", "greenery", ["1"]),
]
SEEDS = (0, 1, 2)
PRIM = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _asset(kind: SetKind, seed: int) -> SetAsset:
    dims = dimensions(kind, random.Random(f"{kind.value}-{seed}"))
    return SetAsset(
        id=f"set-{kind.value}",
        name=kind.value.upper(),
        int_ext=None,
        kind=kind,
        dimensions=dims,
        seed=seed,
    )


def _build(kind: SetKind, seed: int, requests=REQUESTS) -> SetAsset:
    return build_set(_asset(kind, seed), requests, random.Random(seed))


@pytest.fixture(
    scope="module",
    params=list(itertools.product(SetKind, SEEDS)),
    ids=lambda p: f"{p[0].value}-{p[1]}",
)
def built(request) -> SetAsset:
    return _build(*request.param)


# Independent geometry: boxes from position, size and a quarter-turn rotation.
def _rect(thing: Part | PlacedItem) -> tuple[float, float, float, float]:
    w, _, d = thing.size
    quarter = round(thing.rotation_y_deg) % 180 == 90
    assert round(thing.rotation_y_deg) % 90 == 0, "grey-box things turn in quarter turns"
    hx, hz = (d / 2, w / 2) if quarter else (w / 2, d / 2)
    x, _, z = thing.position
    return (x - hx, z - hz, x + hx, z + hz)


def _box(thing: Part | PlacedItem) -> tuple[float, ...]:
    x0, z0, x1, z1 = _rect(thing)
    y = thing.position[1]
    return (x0, y, z0, x1, y + thing.size[1], z1)


def _rects_cut(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _boxes_cut(a, b) -> bool:
    return all(a[i] < b[i + 3] - 1e-9 and b[i] < a[i + 3] - 1e-9 for i in range(3))


def test_every_kind_places_most_requests(built: SetAsset) -> None:
    # A car buck has room for the hand props and little else, a narrow corridor for most
    # of them; every other kind places nearly all twelve.
    least = {SetKind.VEHICLE: 6, SetKind.CORRIDOR: 8}.get(built.kind, 10)
    assert len(built.items) >= least
    assert built.parts and 2 <= len(built.marks) <= 4


def test_no_two_items_overlap(built: SetAsset) -> None:
    for a, b in itertools.combinations(built.items, 2):
        assert not overlaps(a, b, MARGIN), (a.name, b.name)
        assert not _rects_cut(_rect(a), _rect(b)), (a.name, b.name)
        assert footprint(a) == pytest.approx(_rect(a))


def test_items_inside_the_set_and_clear_of_every_part(built: SetAsset) -> None:
    w, _, d = built.dimensions
    for item in built.items:
        x0, z0, x1, z1 = _rect(item)
        assert -w / 2 <= x0 and x1 <= w / 2 and -d / 2 <= z0 and z1 <= d / 2, item.name
        for part in built.parts:
            assert not _boxes_cut(_box(item), _box(part)), (item.name, part.name)
            if part.label == "wall":
                assert not _rects_cut(_rect(item), _rect(part)), (item.name, part.name)


def test_items_stand_on_something(built: SetAsset) -> None:
    for item in built.items:
        y = item.position[1]
        if item.surface in ("floor", "ground", "road", "roof", "quay") and y == 0.0:
            continue
        # On a table, dashboard, pavement or water: a part whose top is the item's base
        # and whose footprint holds the item's.
        x0, z0, x1, z1 = _rect(item)
        under = [
            p
            for p in built.parts
            if math.isclose(p.position[1] + p.size[1], y, abs_tol=1e-6)
            and _rect(p)[0] <= x0 + 1e-6
            and x1 <= _rect(p)[2] + 1e-6
            and _rect(p)[1] <= z0 + 1e-6
            and z1 <= _rect(p)[3] + 1e-6
        ]
        assert under, item.name


def test_walkable_zone_is_free(built: SetAsset) -> None:
    zone = walkable_zone(built.kind, built.dimensions)
    assert zone[2] - zone[0] >= 0.9 and zone[3] - zone[1] >= 1.6
    for item in built.items:
        assert not _rects_cut(_rect(item), zone), item.name


def test_marks_apart_inside_and_facing(built: SetAsset) -> None:
    zone = walkable_zone(built.kind, built.dimensions)
    marks = built.marks
    assert [m.name for m in marks] == ["A", "B", "C", "D"][: len(marks)]
    for m in marks:
        x, _, z = m.position
        assert zone[0] <= x <= zone[2] and zone[1] <= z <= zone[3], m.name
    for a, b in itertools.combinations(marks, 2):
        distance = math.dist(a.position, b.position)
        assert distance >= 1.2, (a.name, b.name)
    if built.kind is SetKind.VEHICLE:
        assert all(m.facing_deg == 180.0 for m in marks)  # seated, facing the front (-Z)
        return
    a, b = marks[0], marks[1]
    dx, dz = b.position[0] - a.position[0], b.position[2] - a.position[2]
    toward = math.degrees(math.atan2(dx, dz)) % 360
    assert math.isclose(a.facing_deg, toward, abs_tol=1.0)
    assert math.isclose(b.facing_deg, (toward + 180) % 360, abs_tol=1.0) or math.isclose(
        abs(b.facing_deg - (toward + 180) % 360), 360, abs_tol=1.0
    )


def test_prim_names_valid_and_unique(built: SetAsset) -> None:
    names = [p.name for p in built.parts] + [i.name for i in built.items]
    names += [m.name for m in built.marks]
    assert all(PRIM.match(n) for n in names), [n for n in names if not PRIM.match(n)]
    assert len(names) == len(set(names))


def _hole(opening: Opening, dims) -> tuple[float, ...]:
    """The opening's volume through the wall band (1 m outward from the playing area)."""
    w, _, d = dims
    u0, u1 = opening.offset - opening.width / 2, opening.offset + opening.width / 2
    y0, y1 = opening.sill, opening.sill + opening.height
    if opening.wall in ("north", "south"):
        z = -d / 2 - 1.0 if opening.wall == "north" else d / 2
        return (u0, y0, z, u1, y1, z + 1.0)
    x = -w / 2 - 1.0 if opening.wall == "west" else w / 2
    return (x, y0, u0, x + 1.0, y1, u1)


def test_openings_are_real_holes(built: SetAsset) -> None:
    kinds = [o.kind for o in built.openings]
    if built.kind in (SetKind.ROOM, SetKind.HALL, SetKind.CORRIDOR):
        assert kinds.count("door") == 1 and 1 <= kinds.count("window") <= 3
    elif built.kind is SetKind.VEHICLE:
        assert len(kinds) == 6 and set(kinds) == {"window"}
    else:
        assert kinds == []
    for opening in built.openings:
        hole = _hole(opening, built.dimensions)
        for part in built.parts:
            assert not _boxes_cut(hole, _box(part)), (opening, part.name)
        # ...and it is a hole in a wall: wall stands just beside it, at mid-height.
        beside = list(hole)
        along = 0 if opening.wall in ("north", "south") else 2
        beside[along], beside[along + 3] = hole[along] - 0.1, hole[along] - 0.05
        assert any(_boxes_cut(tuple(beside), _box(p)) for p in built.parts), opening


@pytest.mark.parametrize("kind", list(SetKind), ids=lambda k: k.value)
def test_same_seed_same_set_other_seed_other_layout(kind: SetKind) -> None:
    assert _build(kind, 7).model_dump() == _build(kind, 7).model_dump()
    one = build_set(_asset(kind, 7), REQUESTS, random.Random(8))
    two = build_set(_asset(kind, 7), REQUESTS, random.Random(9))
    assert [i.position for i in one.items] != [i.position for i in two.items]


def test_forest_path_has_no_trunks() -> None:
    forest = _build(SetKind.FOREST, 0)
    trunks = [p for p in forest.parts if p.name.endswith("_trunk")]
    assert len(trunks) > 20
    assert all(abs(t.position[0]) - t.size[0] / 2 > 1.5 for t in trunks)


def test_vehicle_and_non_object_requests_skipped_and_giants_left_out() -> None:
    requests = [
        ("taxi", "vehicles", ["1"]),
        ("JOHN", "cast", ["1"]),
        ("thunder", "sound", ["1"]),
        ("wardrobe", "set_dressing", ["1"]),
        ("map", "props", ["1"]),
    ]
    taxi = _build(SetKind.VEHICLE, 0, requests)
    assert [i.name for i in taxi.items] == ["map"]  # a 2 m wardrobe: taller than the roof
    street = _build(SetKind.STREET, 0, requests)
    assert {i.name: i.surface for i in street.items}["taxi"] == "road"
    giant = _build(SetKind.ROOM, 0, [("bus", "vehicles", ["1"]), ("cup", "props", ["1"])])
    assert [i.name for i in giant.items] == ["cup"]


def test_boats_float_on_the_water() -> None:
    pier = _build(SetKind.WATERFRONT, 0, [("boat", "vehicles", ["1"])])
    (boat,) = pier.items
    water = next(p for p in pier.parts if p.label == "water")
    assert boat.surface == "water"
    assert boat.position[1] == pytest.approx(water.position[1] + water.size[1])


def test_item_names_are_prim_names_made_unique() -> None:
    requests = [
        ("coffee mug", "props", ["1"]),
        ("Coffee Mug", "props", ["2"]),
        ("9mm pistol", "weapons", ["1"]),
        ("café chair", "set_dressing", ["1"]),
        ("wall", "set_dressing", ["1"]),
    ]
    room = _build(SetKind.HALL, 0, requests)
    names = {i.name for i in room.items}
    assert {"coffee_mug", "coffee_mug_2", "_9mm_pistol", "cafe_chair"} <= names
    assert prim_name("!!!") == "item"


def test_footprint_turns_with_the_item() -> None:
    item = PlacedItem(
        name="sofa",
        category="set_dressing",
        position=(1.0, 0.0, 2.0),
        size=(2.0, 0.8, 0.9),
        rotation_y_deg=90.0,
        surface="floor",
    )
    assert footprint(item) == pytest.approx((0.55, 1.0, 1.45, 3.0))
    other = item.model_copy(update={"position": (2.0, 0.0, 2.0), "rotation_y_deg": 0.0})
    assert overlaps(item, other) and not overlaps(
        item, other.model_copy(update={"position": (2.46, 0.0, 2.0)})
    )
    assert overlaps(item, other.model_copy(update={"position": (2.46, 0.0, 2.0)}), margin=0.05)


@pytest.mark.parametrize(
    ("name", "int_ext", "kind"),
    [
        ("TAXI", "INT", SetKind.VEHICLE),
        ("TAXI", "EXT", SetKind.VEHICLE),
        ("HARBOUR ROAD", "EXT", SetKind.STREET),
        ("WAREHOUSE DISTRICT", "EXT", SetKind.STREET),
        ("DINER", "INT", SetKind.HALL),  # a counter and booths for dozens: a hall
        ("PIER", "EXT", SetKind.WATERFRONT),
        ("BEACH", "EXT", SetKind.WATERFRONT),
        ("JOHN'S APARTMENT - KITCHEN", "INT", SetKind.ROOM),
        ("HOSPITAL - CORRIDOR", "INT", SetKind.CORRIDOR),
        ("POLICE STATION - LOBBY", "INT", SetKind.HALL),
        ("WAREHOUSE", "INT", SetKind.HALL),
        ("WAREHOUSE - OFFICE", "INT", SetKind.ROOM),
        ("FOREST", "EXT", SetKind.FOREST),
        ("DARK WOODS", "EXT", SetKind.FOREST),
        ("ROOFTOP", "EXT", SetKind.ROOFTOP),
        ("FIELD", "EXT", SetKind.LANDSCAPE),
        ("CAR PARK", "EXT", SetKind.STREET),
        ("TRAIN STATION", "INT", SetKind.HALL),
        ("TRAIN STATION", "EXT", SetKind.STREET),
        ("CAR - MOVING", "INT/EXT", SetKind.VEHICLE),
        ("THE DOCKS", "EXT", SetKind.WATERFRONT),
        ("MARY'S PLACE", "INT", SetKind.ROOM),
        ("MARY'S PLACE", "EXT", SetKind.LANDSCAPE),
    ],
)
def test_set_kind_from_name(name: str, int_ext: str, kind: SetKind) -> None:
    assert set_kind(name, int_ext, "") is kind


def test_set_kind_from_action_when_the_name_says_nothing() -> None:
    assert set_kind("MARY'S PLACE", "EXT", "Cars crawl down the street.") is SetKind.STREET
    assert set_kind("THE VENUE", "INT", "A vast, echoing space.") is SetKind.HALL


@pytest.mark.parametrize("kind", list(SetKind), ids=lambda k: k.value)
def test_dimensions_in_range_and_seeded(kind: SetKind) -> None:
    w, h, d = dimensions(kind, random.Random(1))
    assert dimensions(kind, random.Random(1)) == (w, h, d)
    low = {
        SetKind.ROOM: (3.5, 2.6, 3.5),
        SetKind.CORRIDOR: (1.5, 2.6, 8.0),
        SetKind.VEHICLE: (1.7, 1.3, 4.2),
        SetKind.STREET: (14.0, 6.0, 40.0),
    }
    lo = low.get(kind, (10.0, 2.6, 10.0))
    assert w >= lo[0] and h >= lo[1] and d >= lo[2]
    if kind is SetKind.ROOM:
        assert w <= 6.0 and h <= 3.0 and d <= 6.0
