"""Grey-box sets: procedural geometry by kind, breakdown items placed in it, actors' marks.

Conventions (those of world/models.py): metres, Y up, the floor at y = 0, the origin at the
centre of the set's floor. The set's `dimensions` (w, h, d) are its playing area: x in
[-w/2, w/2], z in [-d/2, d/2]. Walls (north = -Z, south = +Z, east = +X, west = -X) stand
just outside it, so the playing area is the clear inside measure, as a room is measured.
An Opening's `offset` runs along +X on the north and south walls and along +Z on the east
and west walls, from the wall's middle.

Every part and item is an axis-aligned box in XZ (rotations are multiples of 90°), which
keeps the collision tests exact. Placement keeps a `MARGIN` between any two footprints,
between an item and any part it does not stand on, and between an item and the walkable
zone (`walkable_zone`), which stays empty so that actors and camera have somewhere to be.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from backlot.world.models import Mark, Opening, Part, PlacedItem, SetAsset, SetKind, Shape, Vec3
from backlot.world.names import prim_name, unique

Rect = tuple[float, float, float, float]
"""An axis-aligned rectangle in XZ: min x, min z, max x, max z."""

MARGIN = 0.05
"""Least gap (m) between two footprints, and between an item and a part or the walkable zone."""
TRIES = 200
"""Seeded positions tried for one item before it is left out of the set."""
_FLUSH = MARGIN + 0.01  # against a wall: just over the margin, so cm rounding stays clear
_TALL = 1e3  # a footprint as a solid reaches this far up and down: nothing may share it
_SIDES = ("north", "south", "east", "west")
_FACING = {"north": 0.0, "south": 180.0, "west": 90.0, "east": 270.0}  # backs to that wall

# Restrained grey-box colours: surfaces in greys so light reads, nature and water muted,
# breakdown items tinted towards their breakdown-sheet colour code so they stand out.
PALETTE = {
    "floor": "#7a7a7a",
    "ceiling": "#c9c9c9",
    "wall": "#bdbdbd",
    "road": "#4b4b4d",
    "pavement": "#9d9d9a",
    "building": "#a9a9a6",
    "roof": "#8c8c8c",
    "quay": "#8f857a",
    "water": "#5d7f94",
    "terrain": "#7e8a6b",
    "path": "#9b8d73",
    "tree": "#5f7a50",
    "trunk": "#6b5a47",
    "rock": "#8a8580",
    "bush": "#6f8a5b",
    "seat": "#6d6d75",
    "vehicle": "#b0b4b8",
    "railing": "#8c8c8c",
    "lamp": "#5a5a5a",
    "vent": "#9a9a9a",
    "table": "#8d7c69",
    "props": "#a98bb0",
    "weapons": "#7d6690",
    "set_dressing": "#a89a84",
    "vehicles": "#b07f90",
    "greenery": "#7f9f6a",
    "animals": "#c2a5a0",
}
_DEFAULT_COLOUR = "#909090"

# Breakdown categories that are people, sound or paperwork, not things on the set.
_NOT_OBJECTS = frozenset(
    {
        "cast",
        "extras",
        "stunts",
        "wardrobe",
        "makeup_hair",
        "animal_wrangler",
        "music",
        "sound",
        "visual_effects",
        "security",
        "additional_labour",
        "weather",
        "notes",
    }
)
# Where each category goes: on a surface, against a wall, on open ground, on the road.
_RULES = {
    "props": "surface",
    "weapons": "surface",
    "set_dressing": "wall",
    "greenery": "wall",
    "vehicles": "road",
}
# Size ranges (w, h, d) by category for names not in _KNOWN: hand props fit a hand
# (0.1–0.4 m); set dressing is furniture (wardrobes to side tables); the rest mid-sized.
_CATEGORY_SIZES = {
    "props": ((0.1, 0.4), (0.05, 0.35), (0.1, 0.4)),
    "weapons": ((0.1, 0.4), (0.05, 0.2), (0.1, 0.4)),
    "set_dressing": ((0.5, 1.5), (0.4, 1.8), (0.35, 0.7)),
    "greenery": ((0.4, 1.0), (0.5, 1.5), (0.4, 1.0)),
    "animals": ((0.3, 0.6), (0.3, 0.8), (0.5, 1.0)),
}
_OTHER_SIZE = ((0.4, 1.0), (0.4, 1.0), (0.4, 1.0))
# Common large things by their head noun, (w, h, d) in m: furniture at catalogue sizes
# (a three-seat sofa ~2.0 × 0.85 × 0.9, a double bed 1.6 × 2.1, desks 0.75 high per
# EN 527), vehicles at typical overall sizes (a car 1.8 × 1.45 × 4.5, a city bus
# 2.55 × 3.2 × 12), animals at body length. Hand props keep the category's small range.
_KNOWN: dict[str, Vec3] = {
    "sofa": (2.0, 0.85, 0.9),
    "couch": (2.0, 0.85, 0.9),
    "armchair": (0.85, 0.9, 0.85),
    "chair": (0.5, 0.9, 0.5),
    "stool": (0.4, 0.75, 0.4),
    "table": (1.4, 0.75, 0.8),
    "desk": (1.4, 0.75, 0.7),
    "counter": (2.0, 0.9, 0.6),
    "bed": (1.6, 0.6, 2.1),
    "bookcase": (0.9, 1.9, 0.35),
    "bookshelf": (0.9, 1.9, 0.35),
    "shelf": (0.9, 1.9, 0.35),
    "cabinet": (0.8, 1.0, 0.45),
    "dresser": (1.0, 0.9, 0.5),
    "wardrobe": (1.2, 2.0, 0.6),
    "fridge": (0.7, 1.8, 0.7),
    "refrigerator": (0.7, 1.8, 0.7),
    "piano": (1.5, 1.2, 0.6),
    "television": (1.1, 1.2, 0.45),
    "tv": (1.1, 1.2, 0.45),
    "lamp": (0.4, 1.6, 0.4),
    "bench": (1.6, 0.45, 0.5),
    "crate": (0.8, 0.8, 0.8),
    "barrel": (0.6, 0.9, 0.6),
    "dumpster": (1.8, 1.3, 1.0),
    "plant": (0.5, 1.0, 0.5),
    "tree": (1.5, 4.0, 1.5),
    "bush": (1.0, 1.0, 1.0),
    "car": (1.8, 1.45, 4.5),
    "taxi": (1.8, 1.5, 4.6),
    "cab": (1.8, 1.5, 4.6),
    "van": (2.0, 2.2, 5.2),
    "truck": (2.5, 3.5, 8.0),
    "lorry": (2.5, 3.5, 8.0),
    "bus": (2.55, 3.2, 12.0),
    "motorcycle": (0.8, 1.2, 2.1),
    "motorbike": (0.8, 1.2, 2.1),
    "bicycle": (0.6, 1.1, 1.8),
    "bike": (0.6, 1.1, 1.8),
    "boat": (2.2, 1.5, 6.0),
    "dinghy": (1.5, 0.6, 3.0),
    "horse": (0.6, 1.6, 2.4),
    "dog": (0.3, 0.6, 0.8),
}
_WATERCRAFT = frozenset({"boat", "dinghy", "ship", "yacht", "ferry", "canoe", "kayak"})

# Vehicle buck, front at -Z (mm rounded, a mid-size car's package): dashboard, front
# legroom, seat cushion depth, rear legroom; marks sit on the driver's and a rear seat.
_DASH_DEPTH, _DASH_HEIGHT = 0.5, 0.8
_FRONT_LEGROOM, _SEAT_DEPTH, _REAR_LEGROOM = 0.5, 0.55, 0.75
_CUSHION, _BACKREST = 0.45, 0.65
_KERB = 0.15  # kerb upstand: UK/US practice is 100–150 mm
_WATER_LEVEL = -0.8  # freeboard from quay top to water
_PATH_WIDTH = 3.0  # a forest track two people walk abreast on, with a dolly beside


# --- geometry helpers -------------------------------------------------------------------


def footprint(item: PlacedItem | Part) -> Rect:
    """(min x, min z, max x, max z) of an item or part's box, rotated about its centre."""
    w, _, d = item.size
    angle = math.radians(item.rotation_y_deg)
    # Rounded so that a quarter turn swaps width and depth exactly.
    c, s = round(abs(math.cos(angle)), 12), round(abs(math.sin(angle)), 12)
    hx, hz = (c * w + s * d) / 2, (s * w + c * d) / 2
    x, _, z = item.position
    return (x - hx, z - hz, x + hx, z + hz)


def overlaps(a: PlacedItem | Part, b: PlacedItem | Part, margin: float = 0.0) -> bool:
    """Whether the footprints of `a` and `b` come closer than `margin` (touching is not)."""
    ax0, az0, ax1, az1 = footprint(a)
    bx0, bz0, bx1, bz1 = footprint(b)
    return ax0 < bx1 + margin and bx0 < ax1 + margin and az0 < bz1 + margin and bz0 < az1 + margin


def walkable_zone(kind: SetKind, dimensions: Vec3) -> Rect:
    """The rectangle in XZ kept free of items, where the marks go.

    Rooms: 40 % of each side, at least 1.6 m (two actors 1.2–1.5 m apart and room to
    turn). Halls: 30 % of each side (3–6 m). Corridors: a 0.9 m lane (the ADA 403.5.1 clear
    width) along the middle half. Vehicles: the seating, from dashboard to rear backrest.
    Streets: the road for 8 m. Waterfronts: 5 × 4 m mid-quay. Landscapes: 6 × 6 m.
    Forests: the path for 10 m. Rooftops: 25 % of each side, at least 4 m.
    """
    w, _, d = dimensions
    if kind is SetKind.VEHICLE:
        z0 = -d / 2 + _DASH_DEPTH
        return (-w / 2, z0, w / 2, z0 + _FRONT_LEGROOM + 2 * _SEAT_DEPTH + _REAR_LEGROOM)
    if kind is SetKind.WATERFRONT:
        middle = (-d / 2 + _quay_edge(d)) / 2
        return (-2.5, middle - 2.0, 2.5, middle + 2.0)
    width, depth = {
        SetKind.ROOM: (max(1.6, 0.4 * w), max(1.6, 0.4 * d)),
        SetKind.HALL: (0.3 * w, 0.3 * d),
        SetKind.CORRIDOR: (0.9, 0.5 * d),
        SetKind.STREET: (_street_widths(w)[0], 8.0),
        SetKind.LANDSCAPE: (6.0, 6.0),
        SetKind.FOREST: (_PATH_WIDTH, 10.0),
        SetKind.ROOFTOP: (max(4.0, 0.25 * w), max(4.0, 0.25 * d)),
    }[kind]
    width, depth = min(width, w), min(depth, d)
    return (-width / 2, -depth / 2, width / 2, depth / 2)


def _street_widths(w: float) -> tuple[float, float]:
    """Road and pavement widths of a street `w` wide façade to façade (≥ 1.5 m façades)."""
    road = min(7.5, max(6.0, 0.4 * w))
    return road, min(3.0, (w - road) / 2 - 1.5)


def _quay_edge(d: float) -> float:
    """z of the quay's water edge: the far 40 % of a waterfront is water."""
    return d / 2 - 0.4 * d


def colour_for(key: str) -> str:
    """The grey-box colour of a part label or a breakdown category."""
    return PALETTE.get(key, _DEFAULT_COLOUR)


def _part(
    name: str,
    label: str,
    size: Vec3,
    position: Vec3,
    shape: Shape = Shape.BOX,
    colour: str | None = None,
) -> Part:
    return Part(
        name=name,
        shape=shape,
        size=(round(size[0], 4), round(size[1], 4), round(size[2], 4)),
        position=(round(position[0], 4), round(position[1], 4), round(position[2], 4)),
        colour=colour_for(colour or label),
        label=label,
    )


def _grow(rect: Rect, by: float) -> Rect:
    return (rect[0] - by, rect[1] - by, rect[2] + by, rect[3] + by)


class _Solids:
    """Boxes (parts, items, kept-free volumes) that a new box may not come near."""

    def __init__(self) -> None:
        self._boxes: list[tuple[float, ...]] = []
        self._array = np.empty((0, 6))

    def add(self, lo: Vec3, hi: Vec3) -> None:
        self._boxes.append((*lo, *hi))
        self._array = np.empty((0, 6))  # rebuilt on the next query

    def add_rect(self, rect: Rect) -> None:
        """A footprint that nothing may share at any height."""
        self.add((rect[0], -_TALL, rect[1]), (rect[2], _TALL, rect[3]))

    def add_part(self, part: Part) -> None:
        x0, z0, x1, z1 = footprint(part)
        y = part.position[1]
        self.add((x0, y, z0), (x1, y + part.size[1], z1))

    def hits(self, lo: Vec3, hi: Vec3, margin: float) -> bool:
        """Whether box lo–hi, grown by `margin` in XZ, cuts into any box (touching is not)."""
        if len(self._array) != len(self._boxes):
            self._array = np.array(self._boxes, dtype=float).reshape(-1, 6)
        a = self._array
        grown_lo = np.array([lo[0] - margin, lo[1], lo[2] - margin])
        grown_hi = np.array([hi[0] + margin, hi[1], hi[2] + margin])
        return bool(np.any(np.all((grown_lo < a[:, 3:]) & (a[:, :3] < grown_hi), axis=1)))


def _rect_box(rect: Rect, y: float, height: float) -> tuple[Vec3, Vec3]:
    return (rect[0], y, rect[1]), (rect[2], y + height, rect[3])


# --- sites: the geometry of each kind, and where things may go -------------------------


@dataclass(frozen=True)
class _Region:
    """A flat area items may stand on: its rectangle, height, name, and walled sides."""

    rect: Rect
    y: float
    surface: str
    backed: tuple[str, ...] = ()
    rotations: tuple[float, ...] = (0.0, 90.0, 180.0, 270.0)

    @property
    def area(self) -> float:
        return (self.rect[2] - self.rect[0]) * (self.rect[3] - self.rect[1])

    def side_length(self, side: str) -> float:
        x0, z0, x1, z1 = self.rect
        return x1 - x0 if side in ("north", "south") else z1 - z0


@dataclass
class _Site:
    """A kind's built geometry and the regions where each sort of item may be placed.

    `table` is the surface (name, size) to add when hand props need one; `seats` are the
    marks of a vehicle, whose actors sit.
    """

    parts: list[Part]
    ground: list[_Region]
    openings: list[Opening] = field(default_factory=list)
    road: list[_Region] = field(default_factory=list)
    water: list[_Region] = field(default_factory=list)
    surfaces: list[_Region] = field(default_factory=list)
    keep_out: list[tuple[Vec3, Vec3]] = field(default_factory=list)
    table: tuple[str, Vec3] | None = None
    seats: list[Vec3] = field(default_factory=list)


def _wall_pieces(
    length: float, height: float, openings: list[Opening]
) -> list[tuple[float, float, float, float]]:
    """Rectangles (u0, u1, y0, y1) of one wall that leave each opening a hole.

    Full-height pieces run between openings; over each opening a lintel, and under a
    window the wall below its sill.
    """
    pieces = []
    cursor = -length / 2
    for o in sorted(openings, key=lambda o: o.offset):
        left, right = o.offset - o.width / 2, o.offset + o.width / 2
        pieces.append((cursor, left, 0.0, height))
        pieces.append((left, right, 0.0, o.sill))
        pieces.append((left, right, o.sill + o.height, height))
        cursor = right
    pieces.append((cursor, length / 2, 0.0, height))
    return [p for p in pieces if p[1] - p[0] > 1e-6 and p[3] - p[2] > 1e-6]


def _walls(
    w: float,
    h: float,
    d: float,
    thickness: float,
    openings: list[Opening],
    label: str,
    prefix: str,
) -> list[Part]:
    """Four walls standing just outside a w × d floor, cut around `openings`.

    North and south walls run the full outer width so they close the corners; east and
    west walls fit between them. Shared by rooms, halls, corridors, the vehicle buck and
    the rooftop parapet.
    """
    parts = []
    for side in _SIDES:
        along_x = side in ("north", "south")
        length = w + 2 * thickness if along_x else d
        sign = -1 if side in ("north", "west") else 1
        across = sign * ((d if along_x else w) / 2 + thickness / 2)
        on_side = [o for o in openings if o.wall == side]
        for i, (u0, u1, y0, y1) in enumerate(_wall_pieces(length, h, on_side)):
            u, span = (u0 + u1) / 2, u1 - u0
            size = (span, y1 - y0, thickness) if along_x else (thickness, y1 - y0, span)
            position = (u, y0, across) if along_x else (across, y0, u)
            parts.append(_part(f"{prefix}_{side}_{i}", label, size, position))
    return parts


def _free_offset(
    rng: random.Random, length: float, width: float, taken: list[Opening]
) -> float | None:
    """A seeded offset for an opening `width` wide on a wall `length` long, or None.

    It keeps 0.3 m of wall at each corner and between openings, so every wall piece is a
    buildable flat.
    """
    reach = length / 2 - 0.3 - width / 2
    if reach < 0:
        return None
    for _ in range(20):
        offset = round(rng.uniform(-reach, reach), 2)
        if all(abs(offset - o.offset) >= (width + o.width) / 2 + 0.3 for o in taken):
            return offset
    return None


def _cut_openings(rng: random.Random, w: float, d: float) -> list[Opening]:
    """A door (0.9 × 2.1 m) on one wall and 1–3 windows (1.2 × 1.2 m, sill 0.9 m) on others."""
    lengths = {"north": w, "south": w, "east": d, "west": d}
    sides = list(_SIDES)
    rng.shuffle(sides)
    openings: list[Opening] = []
    specs = [("door", 0.9, 2.1, 0.0)] + [("window", 1.2, 1.2, 0.9)] * rng.randint(1, 3)
    for kind, width, height, sill in specs:
        door_walls = {o.wall for o in openings if o.kind == "door"}
        walls = [s for s in sides if s not in door_walls]
        rng.shuffle(walls)
        for wall in walls:
            taken = [o for o in openings if o.wall == wall]
            offset = _free_offset(rng, lengths[wall], width, taken)
            if offset is not None:
                openings.append(
                    Opening(
                        kind=kind, wall=wall, offset=offset, width=width, height=height, sill=sill
                    )
                )
                break
    return openings


def _in_front(opening: Opening, w: float, d: float, depth: float) -> tuple[Vec3, Vec3]:
    """The volume inside the set in front of an opening, `depth` deep: kept free."""
    u0, u1 = opening.offset - opening.width / 2, opening.offset + opening.width / 2
    y0, y1 = opening.sill, opening.sill + opening.height
    if opening.wall in ("north", "south"):
        z = -d / 2 if opening.wall == "north" else d / 2 - depth
        return (u0, y0, z), (u1, y1, z + depth)
    x = -w / 2 if opening.wall == "west" else w / 2 - depth
    return (x, y0, u0), (x + depth, y1, u1)


def _slab(name: str, label: str, dims: Vec3, wall: float, y: float, thickness: float) -> Part:
    """A slab over the floor and under (or over) its `wall`-thick walls, from `y` up."""
    w, _, d = dims
    return _part(name, label, (w + 2 * wall, thickness, d + 2 * wall), (0.0, y, 0.0))


def _interior(kind: SetKind, dims: Vec3, rng: random.Random) -> _Site:
    """A room, hall or corridor: floor, ceiling, four walls with a door and windows."""
    w, h, d = dims
    openings = _cut_openings(rng, w, d)
    parts = [
        _slab("floor", "floor", dims, 0.15, -0.1, 0.1),
        _slab("ceiling", "ceiling", dims, 0.15, h, 0.1),
        *_walls(w, h, d, 0.15, openings, "wall", "wall"),
    ]
    # A door swing (1 m) stays clear; in front of a window only what is lower than its sill.
    keep_out = [_in_front(o, w, d, 1.0 if o.kind == "door" else 0.6) for o in openings]
    table = {
        SetKind.ROOM: ("table", (1.2, 0.75, 0.7)),
        SetKind.HALL: ("counter", (2.4, 1.0, 0.6)),
        SetKind.CORRIDOR: ("console", (1.0, 0.8, 0.35)),
    }[kind]
    floor = _Region((-w / 2, -d / 2, w / 2, d / 2), 0.0, "floor", _SIDES)
    return _Site(parts, [floor], openings, keep_out=keep_out, table=table)


def _vehicle(dims: Vec3, rng: random.Random) -> _Site:
    """A car buck, front at -Z: shell with window holes, dashboard, two seats and a bench."""
    del rng  # a buck is built to one package; its size already varies
    w, h, d = dims
    z0 = -d / 2
    front = z0 + _DASH_DEPTH + _FRONT_LEGROOM + _SEAT_DEPTH / 2
    rear = front + _SEAT_DEPTH + _REAR_LEGROOM
    top = h - 0.12  # the roof rail above the glass
    openings = [
        Opening(kind="window", wall="north", offset=0.0, width=w - 0.3, height=top - 0.8, sill=0.8),
        Opening(
            kind="window", wall="south", offset=0.0, width=w - 0.4, height=top - 0.85, sill=0.85
        ),
    ]
    for wall in ("east", "west"):
        for centre, width in ((front, 0.9), (rear, 0.8)):
            openings.append(
                Opening(
                    kind="window",
                    wall=wall,
                    offset=round(centre, 4),
                    width=width,
                    height=top - 0.85,
                    sill=0.85,
                )
            )
    parts = [
        _slab("floor", "vehicle", dims, 0.05, -0.05, 0.05),
        _slab("roof", "vehicle", dims, 0.05, h, 0.05),
        *_walls(w, h, d, 0.05, openings, "vehicle", "body"),
        _part(
            "dashboard", "vehicle", (w, _DASH_HEIGHT, _DASH_DEPTH), (0.0, 0.0, z0 + _DASH_DEPTH / 2)
        ),
    ]
    seats = [
        ("seat_front_left", -w / 4, 0.5, front),
        ("seat_front_right", w / 4, 0.5, front),
        ("seat_rear", 0.0, w - 0.2, rear),
    ]
    for name, x, width, z in seats:
        back_z = z + _SEAT_DEPTH / 2 - 0.06
        parts.append(_part(name, "seat", (width, _CUSHION, _SEAT_DEPTH), (x, 0.0, z)))
        parts.append(_part(f"{name}_back", "seat", (width, _BACKREST, 0.12), (x, _CUSHION, back_z)))
    cargo_z = rear + _SEAT_DEPTH / 2
    cargo = _Region((-w / 2, cargo_z, w / 2, d / 2), 0.0, "floor", ("south", "east", "west"))
    dash = _Region((-w / 2, z0, w / 2, z0 + _DASH_DEPTH), _DASH_HEIGHT, "dashboard")
    # Driver and the passenger behind on the far side: more than 1.2 m apart diagonally.
    marks = [(-w / 4, 0.0, front), (w / 4, 0.0, rear)]
    return _Site(parts, [cargo], openings, surfaces=[dash], seats=marks)


def _scatter(
    rng: random.Random,
    count: int,
    area: Rect,
    avoid: list[Rect],
    gap: float,
    make: Callable[[int, float, float], list[Part]],
) -> list[Part]:
    """Up to `count` things made by `make(index, x, z)`, seeded over `area`.

    A thing's first part is its base (a trunk, a rock): bases keep `gap` from each other
    and from the `avoid` rectangles. A thing with no room after 30 tries is left out.
    """
    taken = _Solids()
    for rect in avoid:
        taken.add_rect(rect)
    parts: list[Part] = []
    made = 0
    for _ in range(count):
        for _ in range(30):
            x, z = rng.uniform(area[0], area[2]), rng.uniform(area[1], area[3])
            thing = make(made, x, z)
            base = footprint(thing[0])
            lo, hi = _rect_box(base, -_TALL, 2 * _TALL)
            if not taken.hits(lo, hi, gap):
                taken.add_rect(base)
                parts.extend(thing)
                made += 1
                break
    return parts


def _street_site(dims: Vec3, rng: random.Random) -> _Site:
    """A road between raised pavements, façade blocks with gaps, and lamp posts."""
    w, h, d = dims
    road, pavement = _street_widths(w)
    side = (w - road) / 2
    kerb_x = road / 2
    parts = [_part("road", "road", (road, 0.1, d), (0.0, -0.1, 0.0))]
    walks: list[_Region] = []
    for name, sign in (("west", -1), ("east", 1)):
        # The pavement runs under the façades too, so a gap between blocks is paved.
        parts.append(
            _part(
                f"pavement_{name}",
                "pavement",
                (side, _KERB, d),
                (sign * (kerb_x + side / 2), 0.0, 0.0),
            )
        )
        walk = (kerb_x, -d / 2, kerb_x + pavement, d / 2)
        if sign < 0:
            walk = (-walk[2], walk[1], -walk[0], walk[3])
        walks.append(_Region(walk, _KERB, "pavement", (name,)))
        facade = side - pavement
        z, block = -d / 2, 0
        while d / 2 - z >= 3.0:
            length = min(rng.uniform(6.0, 15.0), d / 2 - z)
            height = rng.uniform(6.0, max(6.0, h))
            x = sign * (w / 2 - facade / 2)
            parts.append(
                _part(
                    f"building_{name}_{block}",
                    "building",
                    (facade, height, length),
                    (x, _KERB, z + length / 2),
                )
            )
            block += 1
            z += length + rng.uniform(2.0, 5.0)  # an alley or a gap between buildings
        # Columns of 5–6 m at 12–15 m spacing, 0.4 m in from the kerb (BS 5489 practice).
        z, post = -d / 2 + rng.uniform(2.0, 8.0), 0
        while z < d / 2 - 1.0:
            tall = rng.uniform(5.0, 6.0)
            x = sign * (kerb_x + 0.4)
            parts.append(
                _part(
                    f"lamp_{name}_{post}", "lamp", (0.15, tall, 0.15), (x, _KERB, z), Shape.CYLINDER
                )
            )
            parts.append(
                _part(
                    f"lamp_{name}_{post}_head",
                    "lamp",
                    (0.45, 0.3, 0.45),
                    (x, _KERB + tall, z),
                    Shape.SPHERE,
                )
            )
            post += 1
            z += rng.uniform(12.0, 15.0)
    lane = _Region((-kerb_x, -d / 2, kerb_x, d / 2), 0.0, "road", rotations=(0.0, 180.0))
    return _Site(parts, walks, road=[lane], table=("stall", (1.6, 0.9, 0.8)))


def _waterfront(dims: Vec3, rng: random.Random) -> _Site:
    """A quay (the near 60 %) with a railing along its edge, and water beyond."""
    w, _, d = dims
    edge = _quay_edge(d)
    quay_depth, water_depth = edge + d / 2, d / 2 - edge
    parts = [
        _part("quay", "quay", (w, 0.5, quay_depth), (0.0, -0.5, -d / 2 + quay_depth / 2)),
        _part(
            "water",
            "water",
            (w, 0.1, water_depth),
            (0.0, _WATER_LEVEL - 0.1, edge + water_depth / 2),
        ),
    ]
    rail_z = edge - 0.15
    # A 1.1 m guard (UK Approved Document K) on posts about 2 m apart, slightly seeded.
    posts = max(2, int((w - 1.0) / 2.0) + 1)
    step = (w - 1.0) / (posts - 1)
    for i in range(posts):
        x = -w / 2 + 0.5 + i * step
        parts.append(
            _part(
                f"railing_post_{i}", "railing", (0.08, 1.1, 0.08), (x, 0.0, rail_z), Shape.CYLINDER
            )
        )
    parts.append(_part("railing_rail", "railing", (w - 1.0, 0.06, 0.06), (0.0, 1.04, rail_z)))
    bollards = rng.randint(2, 4)
    for i in range(bollards):
        x = -w / 2 + (i + 0.5) * w / bollards + rng.uniform(-0.5, 0.5)
        parts.append(
            _part(
                f"bollard_{i}", "railing", (0.35, 0.5, 0.35), (x, 0.0, rail_z - 0.6), Shape.CYLINDER
            )
        )
    quay = _Region((-w / 2, -d / 2, w / 2, edge - 0.3), 0.0, "quay", ("north", "south"))
    water = _Region((-w / 2, edge + 0.3, w / 2, d / 2), _WATER_LEVEL, "water")
    return _Site(parts, [quay], water=[water], table=("crate", (1.2, 0.8, 0.8)))


def _landscape(dims: Vec3, rng: random.Random) -> _Site:
    """Open ground with rocks and bushes scattered clear of the walkable zone."""
    w, _, d = dims
    bounds = (-w / 2, -d / 2, w / 2, d / 2)

    def rock_or_bush(i: int, x: float, z: float) -> list[Part]:
        size = rng.uniform(0.4, 1.6)
        if rng.random() < 0.5:
            flat = (size, size * rng.uniform(0.4, 0.8), size * rng.uniform(0.7, 1.3))
            return [_part(f"rock_{i}", "rock", flat, (x, 0.0, z), Shape.SPHERE)]
        return [_part(f"bush_{i}", "bush", (size, size * 0.8, size), (x, 0.0, z), Shape.SPHERE)]

    # About one feature per 150 m², so the ground reads as ground and still leaves room.
    count = min(40, int(w * d / 150))
    avoid = [_grow(walkable_zone(SetKind.LANDSCAPE, dims), 1.0)]
    parts = [_part("terrain", "terrain", (w, 0.2, d), (0.0, -0.2, 0.0))]
    parts += _scatter(rng, count, _grow(bounds, -1.0), avoid, 1.0, rock_or_bush)
    return _Site(parts, [_Region(bounds, 0.0, "ground")], table=("table", (1.8, 0.75, 0.8)))


def _forest(dims: Vec3, rng: random.Random) -> _Site:
    """Forest floor either side of a straight path along Z, trees seeded off the path."""
    w, h, d = dims
    half = _PATH_WIDTH / 2
    strip = w / 2 - half
    parts = [
        _part("terrain_west", "terrain", (strip, 0.2, d), (-(half + strip / 2), -0.2, 0.0)),
        _part("path", "path", (_PATH_WIDTH, 0.2, d), (0.0, -0.2, 0.0)),
        _part("terrain_east", "terrain", (strip, 0.2, d), (half + strip / 2, -0.2, 0.0)),
    ]

    def tree(i: int, x: float, z: float) -> list[Part]:
        trunk = rng.uniform(0.25, 0.6)
        tall = rng.uniform(4.0, min(10.0, 0.5 * h))
        crown = rng.uniform(3.0, 6.0)
        return [
            _part(
                f"tree_{i}_trunk",
                "tree",
                (trunk, tall, trunk),
                (x, 0.0, z),
                Shape.CYLINDER,
                colour="trunk",
            ),
            _part(
                f"tree_{i}_canopy",
                "tree",
                (crown, 1.2 * crown, crown),
                (x, tall - 0.3 * crown, z),
                Shape.SPHERE,
            ),
        ]

    # One tree per ~40 m² is an open, shootable wood; trunks 2 m apart at least.
    count = min(120, int(w * d / 40))
    path = (-half - 0.5, -d / 2, half + 0.5, d / 2)
    bounds = (-w / 2, -d / 2, w / 2, d / 2)
    parts += _scatter(rng, count, _grow(bounds, -1.0), [path], 2.0, tree)
    return _Site(parts, [_Region(bounds, 0.0, "ground")], table=("table", (1.8, 0.75, 0.8)))


def _rooftop(dims: Vec3, rng: random.Random) -> _Site:
    """A roof slab inside a 1.1 m parapet, a stair housing in a corner, and vents."""
    w, _, d = dims
    sx, sz = rng.uniform(2.5, 3.5), rng.uniform(2.5, 3.5)
    cx, cz = rng.choice((-1, 1)), rng.choice((-1, 1))
    housing = _part(
        "stair_housing",
        "building",
        (sx, 2.8, sz),
        (cx * (w / 2 - sx / 2), 0.0, cz * (d / 2 - sz / 2)),
    )
    parts = [
        _slab("roof", "roof", dims, 0.2, -0.3, 0.3),
        *_walls(w, 1.1, d, 0.2, [], "wall", "parapet"),
        housing,
    ]

    def vent(i: int, x: float, z: float) -> list[Part]:
        size, tall = rng.uniform(0.4, 1.0), rng.uniform(0.5, 1.2)
        shape = rng.choice((Shape.BOX, Shape.CYLINDER))
        return [_part(f"vent_{i}", "vent", (size, tall, size), (x, 0.0, z), shape)]

    avoid = [_grow(walkable_zone(SetKind.ROOFTOP, dims), 1.0), _grow(footprint(housing), 1.0)]
    bounds = (-w / 2, -d / 2, w / 2, d / 2)
    parts += _scatter(rng, rng.randint(2, 5), _grow(bounds, -1.0), avoid, 1.0, vent)
    roof = _Region(bounds, 0.0, "roof", _SIDES)
    return _Site(parts, [roof], table=("table", (1.2, 0.75, 0.7)))


def _site(kind: SetKind, dims: Vec3, rng: random.Random) -> _Site:
    builders: dict[SetKind, Callable[[Vec3, random.Random], _Site]] = {
        SetKind.VEHICLE: _vehicle,
        SetKind.STREET: _street_site,
        SetKind.WATERFRONT: _waterfront,
        SetKind.LANDSCAPE: _landscape,
        SetKind.FOREST: _forest,
        SetKind.ROOFTOP: _rooftop,
    }
    builder = builders.get(kind)
    return builder(dims, rng) if builder else _interior(kind, dims, rng)


# --- placement ---------------------------------------------------------------------------


@dataclass
class _Request:
    """A breakdown request that is an object: where it goes (`rule`) and how big it is."""

    index: int
    name: str
    category: str
    scenes: list[str]
    rule: str
    size: Vec3
    water: bool


def _head(name: str) -> str:
    """The last word of a name, singular where a plural 's' is all that differs."""
    words = re.findall(r"[a-z]+", name.lower())
    word = words[-1] if words else ""
    return word[:-1] if word not in _KNOWN and word[:-1] in _KNOWN else word


def _size(name: str, category: str, rule: str, rng: random.Random) -> Vec3:
    """A plausible size: a known thing's, varied ±10 %, else the category's range."""
    known = _KNOWN.get(_head(name))
    if known and rule != "surface":
        ranges = tuple((v * 0.9, v * 1.1) for v in known)
    else:
        ranges = _CATEGORY_SIZES.get(category, _OTHER_SIZE)
    w, h, d = (round(rng.uniform(lo, hi), 2) for lo, hi in ranges)
    return (w, h, d)


def _half(size: Vec3, rotation: float) -> tuple[float, float]:
    """Half extents in x and z of a box turned a multiple of 90°."""
    quarter = rotation % 180 == 90
    return (size[2] / 2, size[0] / 2) if quarter else (size[0] / 2, size[2] / 2)


def _item_box(position: Vec3, size: Vec3, rotation: float) -> tuple[Vec3, Vec3]:
    hx, hz = _half(size, rotation)
    x, y, z = position
    return (x - hx, y, z - hz), (x + hx, y + size[1], z + hz)


def _attempts(
    request: _Request, site: _Site, surfaces: list[_Region]
) -> list[tuple[list[_Region], bool]]:
    """Where to try a request, in order: (regions, whether against a wall)."""
    if request.rule == "surface":
        return [(surfaces, False), (site.ground, False)]  # a prop with no table: the floor
    if request.rule == "road":
        lanes = site.water if request.water and site.water else site.road
        return [(lanes or site.ground, False)]
    return [(site.ground, request.rule == "wall")]


class _Placer:
    """Seeded rejection sampling of boxes on regions, clear of everything placed so far."""

    def __init__(self, site: _Site, clear: Rect, rng: random.Random) -> None:
        self.rng = rng
        self.solids = _Solids()
        for part in site.parts:
            self.solids.add_part(part)
        for lo, hi in site.keep_out:
            self.solids.add(lo, hi)
        self.solids.add_rect(clear)

    def place(
        self, size: Vec3, regions: list[_Region], against: bool
    ) -> tuple[_Region, Vec3, float] | None:
        """A free spot for a box `size` on one of `regions`: (region, position, rotation).

        `against` puts its back to a walled side of a region (facing into it) where a
        region has one. None after TRIES failures; the caller `take`s what it keeps.
        """
        walled = [(r, s) for r in regions for s in r.backed] if against else []
        for _ in range(TRIES):
            if walled:
                region, side = self.rng.choices(walled, [r.side_length(s) for r, s in walled])[0]
                spot = self._against(region, side, size)
            elif regions:
                region = self.rng.choices(regions, [r.area for r in regions])[0]
                spot = self._free(region, size)
            else:
                return None
            if spot is None:
                continue
            position, rotation = spot
            lo, hi = _item_box(position, size, rotation)
            # A hair over the margin, so float noise never leaves a gap a hair under it.
            if not self.solids.hits(lo, hi, MARGIN + 1e-6):
                return region, position, rotation
        return None

    def take(self, lo: Vec3, hi: Vec3) -> None:
        self.solids.add(lo, hi)

    def _free(self, region: _Region, size: Vec3) -> tuple[Vec3, float] | None:
        rotation = self.rng.choice(region.rotations)
        hx, hz = _half(size, rotation)
        x0, z0, x1, z1 = region.rect
        # 1 cm in from the edges, so rounding to the centimetre stays inside.
        if x1 - x0 < 2 * hx + 0.02 or z1 - z0 < 2 * hz + 0.02:
            return None
        x = round(self.rng.uniform(x0 + hx + 0.01, x1 - hx - 0.01), 2)
        z = round(self.rng.uniform(z0 + hz + 0.01, z1 - hz - 0.01), 2)
        return (x, region.y, z), rotation

    def _against(self, region: _Region, side: str, size: Vec3) -> tuple[Vec3, float] | None:
        rotation = _FACING[side]
        hx, hz = _half(size, rotation)
        x0, z0, x1, z1 = region.rect
        if x1 - x0 < 2 * hx + 2 * _FLUSH or z1 - z0 < 2 * hz + 2 * _FLUSH:
            return None
        x = round(self.rng.uniform(x0 + hx + _FLUSH, x1 - hx - _FLUSH), 2)
        z = round(self.rng.uniform(z0 + hz + _FLUSH, z1 - hz - _FLUSH), 2)
        # The depth coordinate goes flush to its wall, keeping just over the margin.
        if side == "north":
            z = round(z0 + hz + _FLUSH, 2)
        elif side == "south":
            z = round(z1 - hz - _FLUSH, 2)
        elif side == "west":
            x = round(x0 + hx + _FLUSH, 2)
        else:
            x = round(x1 - hx - _FLUSH, 2)
        return (x, region.y, z), rotation


def _heading(dx: float, dz: float) -> float:
    """Heading about Y of direction (dx, dz): 0 faces +Z, 90 faces +X."""
    return round(math.degrees(math.atan2(dx, dz)) % 360.0, 1)


def _marks(rng: random.Random, clear: Rect, seats: list[Vec3]) -> list[Mark]:
    """2–4 marks in the walkable zone, ≥ 1.25 m apart: A and B face each other across its
    centre, C and D face the middle of A–B. In a vehicle the marks are seats, facing forward.
    """
    if seats:
        return [
            Mark(name=chr(ord("A") + i), position=(round(x, 2), y, round(z, 2)), facing_deg=180.0)
            for i, (x, y, z) in enumerate(seats)
        ]
    inset = 0.25  # an actor's half-width, so a mark's person stands inside the zone
    x0, z0, x1, z1 = clear[0] + inset, clear[1] + inset, clear[2] - inset, clear[3] - inset
    cx, cz = (x0 + x1) / 2, (z0 + z1) / 2
    hx, hz = max(0.0, (x1 - x0) / 2), max(0.0, (z1 - z0) / 2)
    spacing = 1.25  # 1.2 m asked, with room for centimetre rounding
    longest, angle = 0.0, 0.0
    for _ in range(50):
        angle = rng.uniform(0.0, math.pi)
        s, c = abs(math.sin(angle)), abs(math.cos(angle))
        longest = 2 * min(hx / s if s > 1e-9 else math.inf, hz / c if c > 1e-9 else math.inf)
        if longest >= spacing:
            break
    else:  # a zone too narrow at every angle tried: run along its longer axis
        angle = 0.0 if hz >= hx else math.pi / 2
        longest = 2 * max(hx, hz)
    apart = rng.uniform(spacing, max(spacing, min(2.5, longest)))
    dx, dz = math.sin(angle) * apart / 2, math.cos(angle) * apart / 2
    points = [(round(cx - dx, 2), round(cz - dz, 2)), (round(cx + dx, 2), round(cz + dz, 2))]
    wanted = rng.randint(2, 4)
    for _ in range(100):
        if len(points) >= wanted:
            break
        p = (round(rng.uniform(x0, x1), 2), round(rng.uniform(z0, z1), 2))
        if all(math.dist(p, q) >= spacing for q in points):
            points.append(p)
    (ax, az), (bx, bz) = points[0], points[1]
    mx, mz = (ax + bx) / 2, (az + bz) / 2
    targets = [(bx, bz), (ax, az)] + [(mx, mz)] * (len(points) - 2)
    return [
        Mark(name=chr(ord("A") + i), position=(x, 0.0, z), facing_deg=_heading(tx - x, tz - z))
        for i, ((x, z), (tx, tz)) in enumerate(zip(points, targets, strict=True))
    ]


def _add_tables(site: _Site, placer: _Placer, small: int) -> tuple[list[Part], list[_Region]]:
    """Tables (counters, stalls…) for `small` hand props, one per six, at most three.

    Returns the table parts and their tops as surfaces; a table with no room is not built.
    """
    if not site.table or not small:
        return [], []
    name, size = site.table
    tables: list[Part] = []
    tops: list[_Region] = []
    for i in range(min(3, math.ceil(small / 6))):
        spot = placer.place(size, site.ground, against=True)
        if spot is None:
            break
        _, position, rotation = spot
        placer.take(*_item_box(position, size, rotation))  # props may stand on top
        table = Part(
            name=f"{name}_{i}",
            size=size,
            position=position,
            rotation_y_deg=rotation,
            colour=colour_for("table"),
            label="table",
        )
        tables.append(table)
        tops.append(_Region(footprint(table), position[1] + size[1], name))
    return tables, tops


def _place_items(
    plan: list[_Request],
    site: _Site,
    surfaces: list[_Region],
    placer: _Placer,
    names: dict[int, str],
) -> list[PlacedItem]:
    """The requests that find room, in request order; the biggest are placed first, as
    small things fit round big ones and not the other way about."""
    placed: list[tuple[int, PlacedItem]] = []
    for request in sorted(plan, key=lambda r: -r.size[0] * r.size[2]):
        for regions, against in _attempts(request, site, surfaces):
            spot = placer.place(request.size, regions, against)
            if spot is not None:
                break
        else:
            continue
        region, position, rotation = spot
        lo, hi = _item_box(position, request.size, rotation)
        placer.take((lo[0], -_TALL, lo[2]), (hi[0], _TALL, hi[2]))  # nothing above or below
        item = PlacedItem(
            name=names[request.index],
            category=request.category,
            position=position,
            size=request.size,
            rotation_y_deg=rotation,
            surface=region.surface,
            scenes=request.scenes,
        )
        placed.append((request.index, item))
    return [item for _, item in sorted(placed, key=lambda p: p[0])]


def build_set(
    asset: SetAsset, requests: list[tuple[str, str, list[str]]], rng: random.Random
) -> SetAsset:
    """A copy of `asset` with its grey-box `parts`, `openings`, placed `items` and `marks`.

    `requests` are the breakdown's (item name, category, scene numbers) for the set. Hand
    props and weapons go on a surface (a dashboard, or tables added for them: one per six
    props, at most three), else on the floor; set dressing and greenery stand against a
    wall where the region has one; vehicles go on the road (boats on the water); other
    objects stand anywhere on the ground. People, sound and paperwork categories are not
    objects and are skipped, as are vehicles requested for a vehicle set (the set is the
    vehicle). An item with no room after TRIES seeded tries is left out: compare `items`
    with `requests` to see which. Same `rng` state, same set.
    """
    kind, dims = asset.kind, asset.dimensions
    site = _site(kind, dims, rng)
    clear = walkable_zone(kind, dims)
    plan: list[_Request] = []
    for index, (name, category, scenes) in enumerate(requests):
        if category in _NOT_OBJECTS or (category == "vehicles" and kind is SetKind.VEHICLE):
            continue
        rule = _RULES.get(category, "ground")
        size = _size(name, category, rule, rng)
        water = _head(name) in _WATERCRAFT
        plan.append(_Request(index, name, category, list(scenes), rule, size, water))

    placer = _Placer(site, clear, rng)
    tables, tops = _add_tables(site, placer, sum(r.rule == "surface" for r in plan))
    parts = site.parts + tables
    marks = _marks(rng, clear, site.seats)
    taken = {p.name for p in parts} | {m.name for m in marks}
    names = {r.index: unique(prim_name(r.name.lower()), taken) for r in plan}
    items = _place_items(plan, site, site.surfaces + tops, placer, names)
    update = {"parts": parts, "openings": site.openings, "items": items, "marks": marks}
    return asset.model_copy(deep=True, update=update)
