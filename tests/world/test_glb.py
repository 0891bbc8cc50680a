"""Grey-box geometry and its GLB export: shapes, stand-ins, mannequins, placements, and a
GLB that reloads with pygltflib and is byte-identical when written twice."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from pygltflib import GLTF2

from backlot.world.glb import write_glb
from backlot.world.meshes import (
    CAST_SPACING,
    CATEGORY_COLOURS,
    CLOTHED_PARTS,
    cast_placements,
    item_part,
    linear_rgb,
    mannequin_parts,
    part_mesh,
    scene_parts,
    set_parts,
    wardrobe_colours,
)
from backlot.world.models import Mark, Part
from backlot.world.names import prim_name
from tests.world.test_usd import HEIGHT, a_character, a_scene, a_set


def test_box_mesh_has_12_triangles_and_the_parts_bounds() -> None:
    box = Part(name="crate", size=(2.0, 1.0, 0.5), position=(1.0, 0.0, -3.0), label="prop")
    mesh = part_mesh(box)
    assert mesh.points.shape == (24, 3) and mesh.normals.shape == (24, 3)
    assert mesh.indices.shape == (12, 3) and mesh.indices.dtype == np.uint32
    assert mesh.points.dtype == np.float32
    np.testing.assert_allclose(mesh.points.min(0), (0.0, 0.0, -3.25))
    np.testing.assert_allclose(mesh.points.max(0), (2.0, 1.0, -2.75))
    # Turned a quarter about Y, width and depth swap.
    turned = part_mesh(box.model_copy(update={"rotation_y_deg": 90.0}))
    np.testing.assert_allclose(turned.points.max(0) - turned.points.min(0), (0.5, 1.0, 2.0))


@pytest.mark.parametrize("shape", ["box", "cylinder", "sphere"])
@pytest.mark.parametrize("turn", [0.0, 37.0])
def test_shapes_fill_their_size_and_face_outwards(shape: str, turn: float) -> None:
    part = Part(name="p", shape=shape, size=(2.0, 3.0, 1.0), position=(0.0, 0.0, 0.0), label="x")
    mesh = part_mesh(part.model_copy(update={"rotation_y_deg": turn}))
    if turn == 0.0:
        np.testing.assert_allclose(mesh.points.min(0), (-1.0, 0.0, -0.5), atol=1e-6)
        np.testing.assert_allclose(mesh.points.max(0), (1.0, 3.0, 0.5), atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(mesh.normals, axis=1), 1.0, atol=1e-5)
    corners = mesh.points[mesh.indices]
    facing = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    assert (np.linalg.norm(facing, axis=1) > 0).all()  # no degenerate triangles
    # Counter-clockwise seen from outside: each face agrees with its vertices' normals.
    assert ((facing * mesh.normals[mesh.indices].mean(axis=1)).sum(axis=1) > 0).all()
    assert int(mesh.indices.max()) == len(mesh.points) - 1


def test_item_stand_ins_and_names() -> None:
    asset = a_set()
    mug, chair = (item_part(item) for item in asset.items)
    assert (mug.name, mug.colour, mug.label) == ("coffee_mug", CATEGORY_COLOURS["props"], "props")
    assert chair.rotation_y_deg == 45.0 and chair.size == (0.9, 1.0, 0.9)
    assert [p.name for p in set_parts(asset)][-2:] == ["coffee_mug", "armchair"]
    assert prim_name("char-john") == "char_john" and prim_name("2A") == "_2A"


def test_mannequin_follows_the_skeleton_and_the_wardrobe() -> None:
    john = a_character()
    parts = {part.name: part for part in mannequin_parts(john)}
    assert set(parts) >= {"head", "hair", "neck", "r_hand", "l_foot"} | CLOTHED_PARTS
    assert {"torso", "r_upper_arm", "l_forearm", "r_thigh", "l_shin"} <= CLOTHED_PARTS
    points = np.concatenate([part_mesh(part).points for part in parts.values()])
    assert points[:, 1].min() == pytest.approx(0.0, abs=1e-6)
    assert HEIGHT <= points[:, 1].max() <= HEIGHT * 1.01
    # The right forearm hangs from elbow (y 1.10) to wrist (y 0.85) at x = -0.26.
    forearm = parts["r_forearm"]
    assert forearm.position == pytest.approx((-0.26, 0.85, 0.0))
    assert forearm.size[1] == pytest.approx(0.25)
    assert parts["torso"].colour == john.look.clothing[0]
    assert parts["r_thigh"].colour == john.look.clothing[1]
    assert parts["head"].colour == parts["l_hand"].colour == john.look.skin
    assert parts["hair"].colour == john.look.hair
    dressed = {part.name: part.colour for part in mannequin_parts(john, "2")}
    assert (dressed["torso"], dressed["l_shin"]) == wardrobe_colours(john, "2")
    bald = john.model_copy(update={"look": john.look.model_copy(update={"hair": ""})})
    assert "hair" not in {part.name for part in mannequin_parts(bald)}


def test_cast_placements_offset_extras_beside_the_marks() -> None:
    marks = [
        Mark(name="A", position=(1.0, 0.0, 2.0), facing_deg=0.0),
        Mark(name="B", position=(-1.0, 0.0, 0.0), facing_deg=90.0),
    ]
    spots = cast_placements(4, marks)
    assert [facing for _, facing in spots] == [0.0, 90.0, 0.0, 90.0]
    assert spots[0][0] == (1.0, 0.0, 2.0) and spots[1][0] == (-1.0, 0.0, 0.0)
    # Facing +Z one's right is -X; facing +X it is +Z.
    assert spots[2][0] == pytest.approx((1.0 - CAST_SPACING, 0.0, 2.0))
    assert spots[3][0] == pytest.approx((-1.0, 0.0, CAST_SPACING))
    assert cast_placements(2, []) == [((0.0, 0.0, 0.0), 0.0), ((-CAST_SPACING, 0.0, 0.0), 0.0)]


def test_scene_parts_put_the_cast_on_the_marks() -> None:
    asset, scene = a_set(), a_scene()
    mary = a_character("char-mary", "MARY")
    parts = {part.name: part for part in scene_parts(asset, [a_character(), mary], scene)}
    assert {p.name for p in set_parts(asset)} <= set(parts)
    for char_id, mark in zip(scene.cast, asset.marks, strict=True):
        torso = parts[f"{prim_name(char_id)}_torso"]
        assert torso.rotation_y_deg == mark.facing_deg
        assert torso.position == pytest.approx((mark.position[0], 0.93, mark.position[2]))
        assert torso.colour == wardrobe_colours(mary, scene.number)[0]
        # John on A faces +X: his right hand hangs on his -Z side.
        hand = parts[f"{prim_name(char_id)}_r_hand"]
        facing = math.radians(mark.facing_deg)
        right = (-math.cos(facing), 0.0, math.sin(facing))
        offset = np.subtract(hand.position, mark.position)
        assert float(np.dot(offset, right)) == pytest.approx(0.26)


def _glb(tmp_path: Path, name: str, parts: list[Part]) -> tuple[Path, GLTF2]:
    path = tmp_path / f"{name}.glb"
    write_glb(parts, path, name)
    return path, GLTF2.load(str(path))


def test_glb_reloads_with_nodes_materials_and_bounds(tmp_path: Path) -> None:
    parts = set_parts(a_set())
    _, gltf = _glb(tmp_path, "int_johns_apartment", parts)
    assert len(gltf.nodes) == len(parts) + 1 and len(gltf.meshes) == len(parts)
    root = gltf.nodes[gltf.scenes[gltf.scene].nodes[0]]
    assert root.name == "int_johns_apartment"
    assert [gltf.nodes[i].name for i in root.children] == [p.name for p in parts]
    assert [gltf.nodes[i].extras["label"] for i in root.children] == [p.label for p in parts]
    colours = list(dict.fromkeys(p.colour for p in parts))
    assert [m.name for m in gltf.materials] == colours
    blob = gltf.binary_blob()
    for part, index in zip(parts, root.children, strict=True):
        mesh = part_mesh(part)
        primitive = gltf.meshes[gltf.nodes[index].mesh].primitives[0]
        accessor = gltf.accessors[primitive.attributes.POSITION]
        assert accessor.count == len(mesh.points)
        np.testing.assert_allclose(accessor.min, mesh.points.min(0))
        np.testing.assert_allclose(accessor.max, mesh.points.max(0))
        view = gltf.bufferViews[accessor.bufferView]
        stored = np.frombuffer(blob, np.float32, len(mesh.points) * 3, view.byteOffset)
        np.testing.assert_array_equal(stored.reshape(-1, 3), mesh.points)
        indices = gltf.accessors[primitive.indices]
        assert indices.count == mesh.indices.size
        factor = gltf.materials[primitive.material].pbrMetallicRoughness.baseColorFactor
        assert factor == pytest.approx([*linear_rgb(part.colour), 1.0])


def test_glb_bytes_are_deterministic(tmp_path: Path) -> None:
    parts = scene_parts(a_set(), [a_character(), a_character("char-mary", "MARY")], a_scene())
    first, _ = _glb(tmp_path, "Scene_2", parts)
    again = tmp_path / "again.glb"
    write_glb(parts, again, "Scene_2")
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes()[:4] == b"glTF" and len(first.read_bytes()) % 4 == 0
