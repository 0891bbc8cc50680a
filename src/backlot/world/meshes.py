"""Grey-box geometry: the one place where parts become triangles.

A `Part` is a box, cylinder or sphere standing on its base; `part_mesh` turns it into
triangles in set space (rotated about Y, then moved to its position). Items get a box
stand-in coloured by category, and a character is a jointed mannequin of parts placed
along its skeleton's bones. Everything here is a pure function of the models, so USD and
glTF exports of the same world carry the same geometry.

Conventions: metres, Y up, a part's local origin is the centre of its base, faces wind
counter-clockwise seen from outside (the USD `rightHanded` and glTF front face), and a
rotation of θ about Y takes +Z to (sin θ, 0, cos θ) — a mark's `facing_deg`.
"""

from __future__ import annotations

import itertools
import math
import re
from typing import NamedTuple

import numpy as np

from backlot.world.cast import COLOURS
from backlot.world.models import (
    CharacterAsset,
    Mark,
    Part,
    PlacedItem,
    SceneSetup,
    SetAsset,
    Shape,
    Vec3,
)
from backlot.world.names import prim_name

SEGMENTS = 16
"""Facets around a cylinder or sphere: round enough for previz, cheap enough for a crowd."""
RINGS = 12
"""Latitude bands of a sphere."""

CATEGORY_COLOURS = {
    "props": "#c8a040",
    "weapons": "#a03030",
    "set_dressing": "#8f7a66",
    "vehicles": "#5a6f8f",
    "greenery": "#4f8a3f",
    "animals": "#a0785a",
    "special_equipment": "#7a7a9a",
}
"""Stand-in colour per breakdown category, so a grey-box set still reads at a glance."""
ITEM_COLOUR = "#9a9a9a"
SHOE_COLOUR = "#2b2b2b"
CAST_SPACING = 0.7
"""Metres between characters who share a mark: about two shoulder widths."""


class Mesh(NamedTuple):
    """Triangles in set space: `points` and per-vertex `normals` (N×3 float32), `indices`
    (M×3 uint32) into them."""

    points: np.ndarray
    normals: np.ndarray
    indices: np.ndarray


def linear_rgb(colour: str) -> tuple[float, float, float]:
    """A #rrggbb sRGB colour as linear RGB, which both USD colour attributes and glTF's
    baseColorFactor expect (IEC 61966-2-1 transfer function)."""
    channels = (int(colour[i : i + 2], 16) / 255.0 for i in (1, 3, 5))
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return r, g, b


def rotate_y(vectors: np.ndarray, degrees: float) -> np.ndarray:
    """Vectors (…×3) rotated about +Y, right-handed: 90° takes +Z to +X."""
    theta = math.radians(degrees)
    c, s = math.cos(theta), math.sin(theta)
    rotation = np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])
    return vectors @ rotation.T


def part_mesh(part: Part) -> Mesh:
    """The part's triangles in set space."""
    builders = {Shape.BOX: _box, Shape.CYLINDER: _cylinder, Shape.SPHERE: _sphere}
    points, normals, indices = builders[part.shape](*part.size)
    points = rotate_y(points, part.rotation_y_deg) + np.asarray(part.position)
    normals = rotate_y(normals, part.rotation_y_deg)
    return Mesh(_tidy(points), _tidy(normals), indices.astype(np.uint32))


def _tidy(values: np.ndarray) -> np.ndarray:
    """float32 rounded to a micrometre: trigonometric noise (1e-17, -0.0) would otherwise
    reach the files and could differ between platforms' maths libraries."""
    return (np.round(values, 6) + 0.0).astype(np.float32)


def _box(width: float, height: float, depth: float) -> tuple[np.ndarray, ...]:
    """24 vertices, four per face, so each face keeps its own flat normal."""
    points, normals, indices = [], [], []
    for axis in range(3):
        for sign in (1.0, -1.0):
            normal = np.eye(3)[axis] * sign
            # u × v = normal, so the corners below run counter-clockwise seen from outside.
            u, v = np.eye(3)[(axis + 1) % 3], np.eye(3)[(axis + 2) % 3]
            if sign < 0:
                u, v = v, u
            base = len(points)
            for du, dv in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
                points.append((normal + du * u + dv * v) * 0.5)
                normals.append(normal)
            indices += [(base, base + 1, base + 2), (base, base + 2, base + 3)]
    unit = np.array(points) + np.array([0.0, 0.5, 0.0])
    return unit * (width, height, depth), np.array(normals), np.array(indices)


def _ring(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Cosines and sines of `count` angles once round the circle."""
    angles = np.arange(count) * (2.0 * math.pi / count)
    return np.cos(angles), np.sin(angles)


def _band(upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """Two triangles per facet between two closed rings of vertex indices, the upper ring
    above the lower, facing outwards."""
    upper_next, lower_next = np.roll(upper, -1), np.roll(lower, -1)
    return np.concatenate(
        [
            np.stack([upper, lower_next, lower], axis=1),
            np.stack([upper, upper_next, lower_next], axis=1),
        ]
    )


def _fan(centre: int, ring: np.ndarray, above: bool) -> np.ndarray:
    """A fan from `centre` to a closed ring, facing up when the centre is above the ring's
    inside (a top cap, a north pole) and down otherwise."""
    ring_next = np.roll(ring, -1)
    first, second = (ring_next, ring) if above else (ring, ring_next)
    return np.stack([np.full_like(ring, centre), first, second], axis=1)


def _ellipse_normals(x: np.ndarray, y: np.ndarray, z: np.ndarray, radii: Vec3) -> np.ndarray:
    """Normals of an ellipsoid (or elliptic cylinder) at unit-sphere directions (x, y, z)
    scaled by `radii`: the gradient divides by the radii instead of multiplying."""
    normals = np.stack([x / radii[0], y / radii[1], z / radii[2]], axis=1)
    return normals / np.linalg.norm(normals, axis=1, keepdims=True)


def _cylinder(width: float, height: float, depth: float) -> tuple[np.ndarray, ...]:
    """An upright (elliptic) cylinder: a smooth side and two flat caps."""
    cos, sin = _ring(SEGMENTS)
    a, c = width / 2.0, depth / 2.0
    zeros = np.zeros(SEGMENTS)
    side = _ellipse_normals(cos, zeros, sin, (a, 1.0, c))
    rim = np.stack([a * cos, zeros, c * sin], axis=1)
    top = rim + np.array([0.0, height, 0.0])
    up = np.tile((0.0, 1.0, 0.0), (SEGMENTS, 1))
    points = np.concatenate([rim, top, [(0.0, height, 0.0)], top, [(0.0, 0.0, 0.0)], rim])
    normals = np.concatenate([side, side, up[:1], up, -up[:1], -up])
    lower = np.arange(SEGMENTS)
    top_centre, bottom_centre = 2 * SEGMENTS, 3 * SEGMENTS + 1
    indices = np.concatenate(
        [
            _band(lower + SEGMENTS, lower),
            _fan(top_centre, lower + top_centre + 1, above=True),
            _fan(bottom_centre, lower + bottom_centre + 1, above=False),
        ]
    )
    return points, normals, indices


def _sphere(width: float, height: float, depth: float) -> tuple[np.ndarray, ...]:
    """An ellipsoid filling the part's size, its base on y = 0: poles plus RINGS - 1 rows of
    SEGMENTS vertices, smooth normals."""
    cos, sin = _ring(SEGMENTS)
    polar = np.arange(1, RINGS) * (math.pi / RINGS)
    x = np.concatenate([[0.0], np.outer(np.sin(polar), cos).ravel(), [0.0]])
    y = np.concatenate([[1.0], np.repeat(np.cos(polar), SEGMENTS), [-1.0]])
    z = np.concatenate([[0.0], np.outer(np.sin(polar), sin).ravel(), [0.0]])
    radii = (width / 2.0, height / 2.0, depth / 2.0)
    points = np.stack([x * radii[0], (y + 1.0) * radii[1], z * radii[2]], axis=1)
    rows = [1 + r * SEGMENTS + np.arange(SEGMENTS) for r in range(RINGS - 1)]
    south = len(points) - 1
    indices = np.concatenate(
        [
            _fan(0, rows[0], above=True),
            *(_band(upper, lower) for upper, lower in itertools.pairwise(rows)),
            _fan(south, rows[-1], above=False),
        ]
    )
    return points, _ellipse_normals(x, y, z, radii), indices


def item_part(item: PlacedItem) -> Part:
    """An item's grey-box stand-in: a box of its footprint, coloured by its category."""
    return Part(
        name=prim_name(item.name),
        shape=Shape.BOX,
        size=item.size,
        position=item.position,
        rotation_y_deg=item.rotation_y_deg,
        colour=CATEGORY_COLOURS.get(item.category, ITEM_COLOUR),
        label=item.category,
    )


def set_parts(asset: SetAsset) -> list[Part]:
    """Everything solid on a set: its own parts, then its items' stand-ins."""
    return [*asset.parts, *(item_part(item) for item in asset.items)]


# Garment words that decide where a wardrobe item's colour goes; anything else is a top.
_WHOLE_BODY = {"dress", "gown", "suit", "robe", "overalls", "jumpsuit", "uniform", "coveralls"}
_LEGWEAR = {"jeans", "trousers", "pants", "slacks", "skirt", "shorts", "leggings"}


def wardrobe_colours(character: CharacterAsset, scene: str | None = None) -> tuple[str, str]:
    """(top, bottom) clothing colours in a scene: the first coloured wardrobe item that
    covers each ('red dress' both, 'blue jeans' the legs, 'grey jacket' the top), else the
    character's look."""
    clothing = character.look.clothing or [ITEM_COLOUR]
    top: str | None = None
    bottom: str | None = None
    for item in character.wardrobe.get(scene, []) if scene is not None else []:
        words = re.findall(r"[a-z]+", item.lower())
        colour = next((COLOURS[w] for w in words if w in COLOURS), None)
        if colour is None:
            continue
        garment = set(words)
        if not garment & _LEGWEAR:
            top = top or colour
        if garment & (_LEGWEAR | _WHOLE_BODY):
            bottom = bottom or colour
    return top or clothing[0], bottom or clothing[min(1, len(clothing) - 1)]


# Limb segments of the mannequin, per side: (part, from joint, to joint, thickness as a
# fraction of standing height, colour role). Thicknesses are grey-box guesses that keep
# arms clear of the torso and legs clear of each other at BODY-18 rest-pose spacing.
_LIMBS = (
    ("upper_arm", "shoulder", "elbow", 0.05, "top"),
    ("forearm", "elbow", "wrist", 0.042, "top"),
    ("thigh", "hip", "knee", 0.075, "bottom"),
    ("shin", "knee", "ankle", 0.055, "bottom"),
)
_SIDES = ("r", "l")
_Ends = tuple[np.ndarray, np.ndarray]
_Pair = tuple[float, float]
CLOTHED_PARTS = frozenset(
    ["torso"] + [f"{side}_{limb}" for side in _SIDES for limb, *_, role in _LIMBS if role != "skin"]
)
"""Mannequin parts that wear the wardrobe (the rest are skin, hair or shoes)."""


def _upright(
    name: str,
    shape: Shape,
    lower: np.ndarray,
    upper: np.ndarray,
    width: float,
    depth: float,
    colour: str,
) -> Part:
    """A solid spanning two joints. Parts turn only about Y, so a bone is stood upright over
    its vertical extent, centred between its joints: exact for the rest pose's hanging
    limbs, an approximation for anything slanted."""
    centre = (lower + upper) / 2.0
    return Part(
        name=name,
        shape=shape,
        size=(width, abs(float(upper[1] - lower[1])), depth),
        position=(float(centre[0]), float(min(lower[1], upper[1])), float(centre[2])),
        colour=colour,
        label="character",
    )


def mannequin_rig(character: CharacterAsset, scene: str | None = None) -> list[tuple[str, Part]]:
    """The mannequin in character space, each part with the joint it rides on (so posing
    that joint moves it), dressed for `scene` (the look's clothing when None).

    Sizes are fractions of standing height h: head 0.13 h crown to chin, hand 0.108 h and
    foot 0.152 h long, after the segment proportions cited in `cast.py`; thicknesses are
    grey-box guesses."""
    look = character.look
    h = look.height_m
    joint = {j.name: np.asarray(j.position, dtype=float) for j in character.skeleton}
    top, bottom = wardrobe_colours(character, scene)
    paint = {
        "top": top,
        "bottom": bottom,
        "skin": look.skin,
        "hair": look.hair,
        "shoes": SHOE_COLOUR,
    }
    up = np.array([0.0, 1.0, 0.0]) * h
    rig: list[tuple[str, Part]] = []

    def add(on: str, name: str, shape: Shape, ends: _Ends, footprint: _Pair, role: str) -> None:
        """One part between two points `ends`, (width, depth) `footprint`, riding `on`."""
        rig.append((on, _upright(name, shape, *ends, *footprint, paint[role])))

    hips = (joint["r_hip"] + joint["l_hip"]) / 2.0
    span = float(np.linalg.norm(joint["l_shoulder"] - joint["r_shoulder"]))
    ears = (joint["r_ear"] + joint["l_ear"]) / 2.0
    head = 1.15 * float(np.linalg.norm(joint["l_ear"] - joint["r_ear"]))
    crown = ears * (1.0, 0.0, 1.0) + up
    chin = crown - 0.13 * up
    add("neck", "torso", Shape.BOX, (hips, joint["neck"]), (0.75 * span, 0.4 * span), "top")
    add("neck", "neck", Shape.CYLINDER, (joint["neck"], chin + 0.01 * up), (0.06 * h,) * 2, "skin")
    add("nose", "head", Shape.SPHERE, (chin, crown), (head, 0.12 * h), "skin")
    if look.hair:  # a flattened cap over the crown, a little larger than the head
        cap = (crown - 0.07 * up, crown + 0.005 * up)
        add("nose", "hair", Shape.SPHERE, cap, (1.06 * head, 0.127 * h), "hair")
    for side in _SIDES:
        for name, start, end, thick, role in _LIMBS:
            bone = (joint[f"{side}_{start}"], joint[f"{side}_{end}"])
            add(f"{side}_{start}", f"{side}_{name}", Shape.CYLINDER, bone, (thick * h,) * 2, role)
        wrist = joint[f"{side}_wrist"]
        hand = (wrist - 0.108 * up, wrist)
        add(f"{side}_wrist", f"{side}_hand", Shape.SPHERE, hand, (0.03 * h, 0.05 * h), "skin")
        # The ankle sits a quarter of the foot's length from the heel: the foot reaches forward.
        instep = joint[f"{side}_ankle"] + (0.0, 0.0, 0.038 * h)
        foot = (instep * (1.0, 0.0, 1.0), instep)
        add(f"{side}_ankle", f"{side}_foot", Shape.BOX, foot, (0.055 * h, 0.152 * h), "shoes")
    return rig


def mannequin_parts(character: CharacterAsset, scene: str | None = None) -> list[Part]:
    """The mannequin's parts in character space (feet on y = 0, facing +Z)."""
    return [part for _, part in mannequin_rig(character, scene)]


def cast_placements(count: int, marks: list[Mark]) -> list[tuple[Vec3, float]]:
    """Where each of `count` characters stands and which way they face: on the marks in
    order (A, B, C…); with more characters than marks the extras line up to the right of
    the marks, CAST_SPACING apart; with no marks, from the set's centre facing +Z."""
    spots = marks or [Mark(name="centre", position=(0.0, 0.0, 0.0), facing_deg=0.0)]
    placements: list[tuple[Vec3, float]] = []
    for i in range(count):
        mark = spots[i % len(spots)]
        theta = math.radians(mark.facing_deg)
        # Facing (sin θ, 0, cos θ) with Y up, the character's right is (-cos θ, 0, sin θ).
        step = (i // len(spots)) * CAST_SPACING
        x, y, z = mark.position
        position = (x - step * math.cos(theta), y, z + step * math.sin(theta))
        placements.append((position, mark.facing_deg))
    return placements


def _placed(part: Part, position: Vec3, facing_deg: float, prefix: str) -> Part:
    """A character-space part moved into set space, its name prefixed to stay unique."""
    where = rotate_y(np.asarray(part.position), facing_deg) + np.asarray(position)
    return part.model_copy(
        update={
            "name": f"{prefix}_{part.name}",
            "position": tuple(float(v) for v in where),
            "rotation_y_deg": part.rotation_y_deg + facing_deg,
        }
    )


def scene_parts(asset: SetAsset, characters: list[CharacterAsset], setup: SceneSetup) -> list[Part]:
    """A scene's solids in set space: the set with its items, and each of the scene's cast
    as a mannequin in this scene's wardrobe, standing on the marks."""
    by_id = {character.id: character for character in characters}
    parts = set_parts(asset)
    spots = cast_placements(len(setup.cast), asset.marks)
    for char_id, (position, facing) in zip(setup.cast, spots, strict=True):
        character = by_id[char_id]
        parts += [
            _placed(part, position, facing, prim_name(character.id))
            for part in mannequin_parts(character, setup.number)
        ]
    return parts
