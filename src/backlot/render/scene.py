"""A scene made ready for the renderer: one vertex buffer, the bone slots, the light.

Every vertex carries its grey-box colour, its asset's instance colour and the bone that
moves it: bone 0 is the identity (the set and its items never move), and each mannequin
part rides the bone of its skeleton joint, so one draw call renders the whole scene.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np

from backlot.render.gl import FLOATS_PER_VERTEX, PRACTICAL_GAIN, Lighting
from backlot.world.meshes import linear_rgb, mannequin_rig, part_mesh, set_parts
from backlot.world.models import CharacterAsset, Part, SceneSetup, SetAsset

# Sky colours (linear RGB, zenith then horizon) per `SceneSetup.sky`.
SKIES: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "clear": ((0.16, 0.32, 0.75), (0.62, 0.74, 0.92)),
    "overcast": ((0.42, 0.45, 0.5), (0.66, 0.68, 0.72)),
    "night": ((0.004, 0.007, 0.02), (0.03, 0.04, 0.075)),
    "dawn": ((0.2, 0.28, 0.58), (0.92, 0.55, 0.35)),
    "dusk": ((0.14, 0.16, 0.42), (0.9, 0.42, 0.25)),
}
SUBJECT_HEIGHT_M = 1.5
"""Where exposure is metered: a face, under each practical."""
MIDDLE_GREY = 1.1
"""Exposure × the scene's key light: a mid-grey wall under the key reads as mid-grey."""


@dataclass(frozen=True)
class SceneGeometry:
    """A scene's triangles, which bone slots its characters' joints use, and the legend
    of instance colours."""

    vertices: np.ndarray
    indices: np.ndarray
    bones: dict[str, int]
    """Character id → its first bone slot; its joints follow in skeleton order."""
    bone_count: int
    static: int
    """Triangles of the set and its items, first in `indices`; the cast's follow."""
    legend: dict[str, str]
    """Instance colour (#rrggbb) → asset id (a set part class, an item, a character)."""


def instance_colour(asset_id: str, taken: set[tuple[int, int, int]]) -> tuple[int, int, int]:
    """A stable colour for an asset: from the hash of its id, never black (black is 'no
    asset') and never one already taken in the scene."""
    salt = 0
    while True:
        digest = hashlib.sha256(f"{asset_id}#{salt}".encode()).digest()
        colour = (digest[0], digest[1], digest[2])
        if max(colour) >= 32 and colour not in taken:
            taken.add(colour)
            return colour
        salt += 1


def _vertices(part: Part, instance: tuple[int, int, int], bone: int) -> tuple[np.ndarray, ...]:
    mesh = part_mesh(part)
    count = len(mesh.points)
    data = np.empty((count, FLOATS_PER_VERTEX), np.float32)
    data[:, 0:3] = mesh.points
    data[:, 3:6] = mesh.normals
    data[:, 6:9] = linear_rgb(part.colour)
    data[:, 9:12] = np.asarray(instance, np.float32) / 255.0
    data[:, 12] = bone
    return data, mesh.indices


def scene_geometry(asset: SetAsset, characters: list[CharacterAsset], scene: str) -> SceneGeometry:
    """The set with its items, and each character's mannequin dressed for `scene`."""
    taken: set[tuple[int, int, int]] = set()
    legend: dict[str, str] = {}
    colours: dict[str, tuple[int, int, int]] = {}

    def colour_of(asset_id: str) -> tuple[int, int, int]:
        if asset_id not in colours:
            colours[asset_id] = instance_colour(asset_id, taken)
            legend["#{:02x}{:02x}{:02x}".format(*colours[asset_id])] = asset_id
        return colours[asset_id]

    chunks: list[tuple[np.ndarray, np.ndarray]] = []
    own = len(asset.parts)
    for i, part in enumerate(set_parts(asset)):
        # The set's own parts by class (all walls are one 'wall'), items one by one.
        item = f"{asset.id}/items/{asset.items[i - own].name}" if i >= own else None
        chunks.append(_vertices(part, colour_of(item or f"{asset.id}/{part.label}"), 0))
    static = sum(len(tris) for _, tris in chunks)
    bones: dict[str, int] = {}
    slot = 1
    for character in characters:
        bones[character.id] = slot
        joints = {joint.name: slot + i for i, joint in enumerate(character.skeleton)}
        slot += len(joints)
        colour = colour_of(character.id)
        for joint_name, part in mannequin_rig(character, scene):
            chunks.append(_vertices(part, colour, joints[joint_name]))
    vertices, indices, offset = [], [], 0
    for data, tris in chunks:
        vertices.append(data)
        indices.append(tris.astype(np.uint32) + offset)
        offset += len(data)
    return SceneGeometry(
        np.concatenate(vertices), np.concatenate(indices), bones, slot, static, legend
    )


def _scaled(colour: str, intensity: float) -> tuple[float, float, float]:
    r, g, b = linear_rgb(colour)
    return (r * intensity, g * intensity, b * intensity)


def scene_lighting(setup: SceneSetup, asset: SetAsset) -> Lighting:
    """The shader's light for a scene: its sun or moon (with shadows), the sky's ambient,
    up to four practicals, an exposure that puts the key at mid-grey, and the fog."""
    directional = next((light for light in setup.lights if light.kind in ("sun", "moon")), None)
    sky = next((light for light in setup.lights if light.kind == "sky"), None)
    practicals = [light for light in setup.lights if light.position is not None]
    sun_direction = (0.0, -1.0, 0.0)
    sun_colour = (0.0, 0.0, 0.0)
    key = 0.0
    if directional is not None and directional.direction is not None:
        sun_direction = directional.direction
        sun_colour = _scaled(directional.colour, directional.intensity)
        key += directional.intensity
    if sky is not None:
        sky_colour = _scaled(sky.colour, sky.intensity * 4.0)
        key += sky.intensity
    else:
        # Indoors without a sky: the practicals' light bouncing off the walls.
        bounce = sum(light.intensity for light in practicals) * 0.25
        sky_colour = _scaled(practicals[0].colour, bounce) if practicals else (0.05,) * 3
        key += bounce
    if practicals:
        # A practical lights a pool: meter a face standing under each one, with the
        # shader's falloff, and expose for the average pool.
        pools = [
            light.intensity * PRACTICAL_GAIN / (1.0 + (light.position[1] - SUBJECT_HEIGHT_M) ** 2)
            for light in practicals
            if light.position is not None
        ]
        key += sum(pools) / len(pools)
    zenith, horizon = SKIES.get(setup.sky, SKIES["clear"])
    width, height, depth = asset.dimensions
    return Lighting(
        sun_direction=tuple(sun_direction),  # type: ignore[arg-type]
        sun_colour=sun_colour,
        sky_colour=sky_colour,
        ground_colour=tuple(c * 0.35 for c in sky_colour),  # type: ignore[arg-type]
        practicals=tuple(
            (light.position, _scaled(light.colour, light.intensity))  # type: ignore[misc]
            for light in practicals
        ),
        exposure=MIDDLE_GREY / max(key, 0.02),
        fog_colour=horizon,
        fog_density=setup.fog_density,
        zenith=zenith,
        horizon=horizon,
        shadow_centre=(0.0, height / 2.0, 0.0),
        shadow_radius=0.5 * math.sqrt(width * width + height * height + depth * depth) + 2.0,
    )
