"""USD layers of a hand-built set, character and scene: usd-core's validators pass them,
the scene composes the set and cast by reference, variants pick wardrobe and light."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from pxr import Gf, Kind, Pcp, Sdf, Usd, UsdGeom, UsdLux, UsdSemantics

from backlot.world.meshes import linear_rgb, wardrobe_colours
from backlot.world.models import (
    CharacterAsset,
    Joint,
    Light,
    Look,
    Mark,
    Part,
    PlacedItem,
    SceneSetup,
    SetAsset,
    SunPosition,
)
from backlot.world.usd import (
    SUN_INTENSITY,
    validate_layer,
    write_character_layer,
    write_scene_stage,
    write_set_layer,
)

HEIGHT = 1.75
# OpenPose BODY-18 in rest pose for a 1.75 m figure facing +Z: (name, parent, x, y).
BODY_18 = (
    ("neck", None, 0.0, 1.43),
    ("nose", "neck", 0.0, 1.62),
    ("r_eye", "nose", -0.03, 1.64),
    ("l_eye", "nose", 0.03, 1.64),
    ("r_ear", "r_eye", -0.08, 1.62),
    ("l_ear", "l_eye", 0.08, 1.62),
    ("r_shoulder", "neck", -0.23, 1.43),
    ("r_elbow", "r_shoulder", -0.26, 1.10),
    ("r_wrist", "r_elbow", -0.26, 0.85),
    ("l_shoulder", "neck", 0.23, 1.43),
    ("l_elbow", "l_shoulder", 0.26, 1.10),
    ("l_wrist", "l_elbow", 0.26, 0.85),
    ("r_hip", "neck", -0.17, 0.93),
    ("r_knee", "r_hip", -0.17, 0.50),
    ("r_ankle", "r_knee", -0.17, 0.07),
    ("l_hip", "neck", 0.17, 0.93),
    ("l_knee", "l_hip", 0.17, 0.50),
    ("l_ankle", "l_knee", 0.17, 0.07),
)


def a_set() -> SetAsset:
    """A 6 × 5 m room: floor, four walls, a table, a mug on it, a chair, marks A and B."""

    def wall(name: str, size: tuple[float, float, float], x: float, z: float) -> Part:
        return Part(name=name, size=size, position=(x, 0.0, z), colour="#d8d0c0", label="wall")

    return SetAsset(
        id="int-johns-apartment",
        name="JOHN'S APARTMENT",
        int_ext="INT",
        kind="room",
        dimensions=(6.0, 3.0, 5.0),
        seed=7,
        parts=[
            Part(
                name="floor",
                size=(6.0, 0.05, 5.0),
                position=(0.0, -0.05, 0.0),
                colour="#7a6a58",
                label="floor",
            ),
            wall("wall_north", (6.0, 3.0, 0.1), 0.0, -2.55),
            wall("wall_south", (6.0, 3.0, 0.1), 0.0, 2.55),
            wall("wall_east", (0.1, 3.0, 5.0), 3.05, 0.0),
            wall("wall_west", (0.1, 3.0, 5.0), -3.05, 0.0),
            Part(
                name="table",
                shape="cylinder",
                size=(1.2, 0.75, 0.8),
                position=(0.5, 0.0, -0.5),
                rotation_y_deg=30.0,
                colour="#6b4a2f",
                label="furniture",
            ),
        ],
        items=[
            PlacedItem(
                name="coffee mug",
                category="props",
                position=(0.5, 0.75, -0.5),
                size=(0.09, 0.1, 0.09),
                surface="table",
            ),
            PlacedItem(
                name="armchair",
                category="set_dressing",
                position=(-2.0, 0.0, -1.5),
                size=(0.9, 1.0, 0.9),
                rotation_y_deg=45.0,
                surface="floor",
            ),
        ],
        marks=[
            Mark(name="A", position=(-0.8, 0.0, 0.6), facing_deg=90.0),
            Mark(name="B", position=(0.8, 0.0, 0.6), facing_deg=-90.0),
        ],
    )


def a_character(char_id: str = "char-john", name: str = "JOHN") -> CharacterAsset:
    """A hand-made BODY-18 mannequin with a different wardrobe in scenes 1 and 2."""
    return CharacterAsset(
        id=char_id,
        name=name,
        look=Look(
            age=45,
            gender="male",
            build="average",
            height_m=HEIGHT,
            skin="#c68863",
            hair="#4e3621",
            clothing=["#3b4a5a", "#6b5b4b"],
        ),
        wardrobe={"1": ["grey suit"], "2": ["red jacket", "blue jeans"]},
        skeleton=[
            Joint(name=joint, parent=parent, position=(x, y, 0.0))
            for joint, parent, x, y in BODY_18
        ],
        scenes=["1", "2"],
    )


def a_scene() -> SceneSetup:
    """Scene 2 at night: moonlight, sky and a lamp; John and Mary in the room."""
    return SceneSetup(
        number="2",
        set="int-johns-apartment",
        date="2024-11-02",
        clock_time="23:00",
        sun=SunPosition(azimuth_deg=340.0, elevation_deg=-40.0),
        moon=SunPosition(azimuth_deg=135.0, elevation_deg=35.0),
        weather=["rain"],
        fog_density=0.02,
        sky="night",
        key_to_fill=4.0,
        lights=[
            Light(kind="moon", intensity=0.002, colour="#a0b0ff"),
            Light(kind="sky", intensity=0.0005, colour="#203060"),
            Light(kind="practical", intensity=0.01, colour="#ffd090", position=(0.5, 1.2, -0.5)),
            Light(kind="practical", intensity=0.01, colour="#ffd090", position=(-2.0, 1.8, 2.0)),
        ],
        cast=["char-john", "char-mary"],
    )


def write_world(root: Path) -> dict[str, Path]:
    """All three kinds of layer in a build folder; the set referenced by a relative path,
    the characters by absolute ones."""
    paths = {
        "set": root / "world" / "int-johns-apartment.usda",
        "john": root / "cast" / "char-john.usda",
        "mary": root / "cast" / "char-mary.usda",
        "scene": root / "scenes" / "2.usda",
    }
    write_set_layer(a_set(), paths["set"])
    write_character_layer(a_character(), paths["john"])
    write_character_layer(a_character("char-mary", "MARY"), paths["mary"])
    write_scene_stage(
        a_scene(),
        "../world/int-johns-apartment.usda",
        {"char-john": str(paths["john"]), "char-mary": str(paths["mary"])},
        a_set().marks,
        paths["scene"],
    )
    return paths


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    return write_world(tmp_path / "build")


def _open(path: Path) -> Usd.Stage:
    return Usd.Stage.Open(str(path))


def _world_point(prim: Usd.Prim, local: tuple[float, float, float] = (0, 0, 0)) -> Gf.Vec3d:
    matrix = UsdGeom.Xformable(prim).ComputeLocalToWorldTransform(Usd.TimeCode.Default())
    return matrix.Transform(Gf.Vec3d(*local))


def _colour_of(stage: Usd.Stage, path: str) -> Gf.Vec3f:
    return UsdGeom.Gprim(stage.GetPrimAtPath(path)).GetDisplayColorPrimvar().Get()[0]


def _close(a: object, b: object) -> bool:
    return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), atol=1e-5))


def test_every_layer_passes_usd_validation(world: dict[str, Path]) -> None:
    for path in world.values():
        assert validate_layer(path) == [], path


def test_the_validators_do_run(tmp_path: Path) -> None:
    bad = tmp_path / "bad.usda"
    bad.write_text('#usda 1.0\n\ndef Xform "X" (\n    references = @./missing.usda@\n)\n{\n}\n')
    errors = validate_layer(bad)
    assert any("upAxis" in error for error in errors)
    assert any("defaultPrim" in error for error in errors)
    assert any("missing.usda" in error for error in errors)
    assert validate_layer(tmp_path / "absent.usda")[0].startswith(str(tmp_path / "absent.usda"))


def test_stage_metadata(world: dict[str, Path]) -> None:
    for path in world.values():
        assert path.read_text().startswith("#usda 1.0")
        stage = _open(path)
        assert UsdGeom.GetStageUpAxis(stage) == UsdGeom.Tokens.y
        assert UsdGeom.GetStageMetersPerUnit(stage) == 1.0
        assert stage.GetDefaultPrim().IsValid()
    names = {key: _open(path).GetRootLayer().defaultPrim for key, path in world.items()}
    assert names == {
        "set": "int_johns_apartment",
        "john": "char_john",
        "mary": "char_mary",
        "scene": "Scene_2",
    }


def test_set_layer_prims(world: dict[str, Path]) -> None:
    stage = _open(world["set"])
    root = stage.GetDefaultPrim()
    assert Usd.ModelAPI(root).GetKind() == Kind.Tokens.component
    assert UsdSemantics.LabelsAPI(root, "class").GetLabelsAttr().Get() == ["set", "room"]
    for part in a_set().parts:
        mesh = UsdGeom.Mesh(root.GetChild(part.name))
        assert mesh, part.name
        labels = UsdSemantics.LabelsAPI(mesh.GetPrim(), "class").GetLabelsAttr().Get()
        assert list(labels) == [part.label]
        assert _close(mesh.GetDisplayColorPrimvar().Get()[0], linear_rgb(part.colour))
        points = np.asarray(mesh.GetPointsAttr().Get())
        assert _close(mesh.GetExtentAttr().Get(), [points.min(0), points.max(0)])
        assert len(mesh.GetFaceVertexCountsAttr().Get()) * 3 == len(
            mesh.GetFaceVertexIndicesAttr().Get()
        )
    floor = np.asarray(UsdGeom.Mesh(root.GetChild("floor")).GetPointsAttr().Get())
    assert _close(floor.max(0) - floor.min(0), (6.0, 0.05, 5.0))
    mug = root.GetPrimAtPath("Items/coffee_mug")
    assert mug.IsA(UsdGeom.Mesh)
    assert mug.GetAttribute("backlot:name").Get() == "coffee mug"
    assert mug.GetAttribute("backlot:category").Get() == "props"
    assert root.GetPrimAtPath("Items/armchair").IsA(UsdGeom.Mesh)
    mark = root.GetPrimAtPath("Marks/B")
    assert mark.IsA(UsdGeom.Xform)
    assert mark.GetAttribute("backlot:facingDeg").Get() == -90.0
    assert _close(_world_point(mark), (0.8, 0.0, 0.6))


def test_semantic_labels_on_every_mesh(world: dict[str, Path]) -> None:
    for path in world.values():
        stage = _open(path)
        meshes = [prim for prim in stage.Traverse() if prim.IsA(UsdGeom.Mesh)]
        assert meshes, path
        for prim in meshes:
            assert prim.HasAPI(UsdSemantics.LabelsAPI, "class"), prim.GetPath()
            assert UsdSemantics.LabelsAPI(prim, "class").GetLabelsAttr().Get(), prim.GetPath()


def test_character_joints_carry_the_mannequin(world: dict[str, Path]) -> None:
    stage = _open(world["john"])
    root = stage.GetDefaultPrim()
    assert list(UsdSemantics.LabelsAPI(root, "class").GetLabelsAttr().Get()) == [
        "character",
        "JOHN",
    ]
    joints = {p.GetName(): p for p in stage.Traverse() if p.IsA(UsdGeom.Xform) and p != root}
    assert set(joints) == {name for name, *_ in BODY_18}
    for name, parent, x, y in BODY_18:
        assert joints[name].GetParent() == (joints[parent] if parent else root)
        assert _close(_world_point(joints[name]), (x, y, 0.0)), name
    # Each limb rides on the joint it hangs from: rotating that joint would swing it.
    assert root.GetPrimAtPath("neck/r_shoulder/r_upper_arm").IsA(UsdGeom.Mesh)
    assert root.GetPrimAtPath("neck/r_shoulder/r_elbow/r_wrist/r_hand").IsA(UsdGeom.Mesh)
    assert root.GetPrimAtPath("neck/l_hip/l_knee/l_shin").IsA(UsdGeom.Mesh)
    bounds = UsdGeom.BBoxCache(Usd.TimeCode.Default(), ["default"]).ComputeWorldBound(root)
    box = bounds.ComputeAlignedRange()
    assert box.GetMin()[1] == pytest.approx(0.0, abs=1e-6)
    assert HEIGHT <= box.GetMax()[1] <= HEIGHT * 1.01


def test_wardrobe_variants(world: dict[str, Path]) -> None:
    stage = _open(world["john"])
    root = stage.GetDefaultPrim()
    wardrobe = root.GetVariantSet("wardrobe")
    assert wardrobe.GetVariantNames() == ["1", "2"]
    assert wardrobe.GetVariantSelection() == "1"
    john = a_character()
    torso = f"{root.GetPath()}/neck/torso"
    thigh = f"{root.GetPath()}/neck/r_hip/r_thigh"
    head = f"{root.GetPath()}/neck/nose/head"
    for scene in ("1", "2"):
        wardrobe.SetVariantSelection(scene)
        top, bottom = wardrobe_colours(john, scene)
        assert _close(_colour_of(stage, torso), linear_rgb(top))
        assert _close(_colour_of(stage, thigh), linear_rgb(bottom))
        assert _close(_colour_of(stage, head), linear_rgb(john.look.skin))
        assert list(root.GetAttribute("backlot:wardrobe").Get()) == john.wardrobe[scene]
    assert wardrobe_colours(john, "1") == ("#8a8a8a", "#8a8a8a")  # grey suit
    assert wardrobe_colours(john, "2") == ("#b02a2a", "#2f4f9e")  # red jacket, blue jeans


def test_character_without_wardrobe_keeps_its_look(tmp_path: Path) -> None:
    plain = a_character().model_copy(update={"wardrobe": {}})
    write_character_layer(plain, tmp_path / "plain.usda")
    assert validate_layer(tmp_path / "plain.usda") == []
    stage = _open(tmp_path / "plain.usda")
    assert not stage.GetDefaultPrim().GetVariantSets().HasVariantSet("wardrobe")
    torso = stage.GetPrimAtPath("/char_john/neck/torso")
    assert _close(UsdGeom.Gprim(torso).GetDisplayColorPrimvar().Get()[0], linear_rgb("#3b4a5a"))


def test_scene_references_the_set_and_does_not_copy_it(world: dict[str, Path]) -> None:
    text = world["scene"].read_text()
    assert "points" not in text and "faceVertexIndices" not in text
    assert str(world["set"].parent.parent) not in text  # every asset path is relative
    stage = _open(world["scene"])
    scenery = stage.GetPrimAtPath("/Scene_2/Set")
    references = scenery.GetMetadata("references")
    assert [ref.assetPath for ref in references.GetAddedOrExplicitItems()] == [
        "../world/int-johns-apartment.usda"
    ]
    arcs = Usd.PrimCompositionQuery.GetDirectReferences(scenery).GetCompositionArcs()
    assert len(arcs) == 1
    assert arcs[0].GetArcType() == Pcp.ArcTypeReference
    target = arcs[0].GetTargetNode().layerStack.identifier.rootLayer
    assert Path(target.realPath) == world["set"].resolve()
    # Composed through the arc: the set's floor is there, with the set layer's points.
    floor = UsdGeom.Mesh(stage.GetPrimAtPath("/Scene_2/Set/floor"))
    original = target.GetAttributeAtPath("/int_johns_apartment/floor.points").default
    assert floor.GetPointsAttr().Get() == original
    assert stage.GetPrimAtPath("/Scene_2/Set/Items/coffee_mug").IsValid()


def test_scene_cast_stands_on_marks_in_scene_wardrobe(world: dict[str, Path]) -> None:
    stage = _open(world["scene"])
    scene, marks = a_scene(), a_set().marks
    for char_id, mark in zip(scene.cast, marks, strict=True):
        actor = stage.GetPrimAtPath(f"/Scene_2/Cast/{char_id.replace('-', '_')}")
        arcs = Usd.PrimCompositionQuery.GetDirectReferences(actor).GetCompositionArcs()
        assert [arc.GetArcType() for arc in arcs] == [Pcp.ArcTypeReference]
        assert actor.GetVariantSet("wardrobe").GetVariantSelection() == scene.number
        assert _close(_world_point(actor), mark.position)
        facing = math.radians(mark.facing_deg)
        forward = _world_point(actor, (0, 0, 1)) - _world_point(actor)
        assert _close(forward, (math.sin(facing), 0.0, math.cos(facing)))
        top, _ = wardrobe_colours(a_character(), scene.number)
        assert _close(_colour_of(stage, f"{actor.GetPath()}/neck/torso"), linear_rgb(top))
        assert stage.GetPrimAtPath(f"{actor.GetPath()}/neck/r_shoulder/r_elbow").IsA(UsdGeom.Xform)


def test_scene_lights_in_time_of_day_variant(world: dict[str, Path]) -> None:
    stage = _open(world["scene"])
    scene = a_scene()
    lights = stage.GetPrimAtPath("/Scene_2/Lights")
    time_of_day = lights.GetVariantSet("timeOfDay")
    assert time_of_day.GetVariantNames() == ["night"]
    assert time_of_day.GetVariantSelection() == "night"
    kinds = {child.GetName(): child.GetTypeName() for child in lights.GetChildren()}
    assert kinds == {
        "Moon": "DistantLight",
        "Sky": "DomeLight",
        "Practical": "SphereLight",
        "Practical_2": "SphereLight",
    }
    moon = lights.GetChild("Moon")
    assert UsdLux.LightAPI(moon).GetIntensityAttr().Get() == pytest.approx(
        scene.lights[0].intensity * SUN_INTENSITY
    )
    # A distant light shines down its -Z axis: away from the moon, downwards.
    shine = _world_point(moon, (0, 0, -1)) - _world_point(moon)
    az, el = (math.radians(a) for a in (135.0, 35.0))
    towards_moon = (math.sin(az) * math.cos(el), math.sin(el), -math.cos(az) * math.cos(el))
    assert _close(shine, [-c for c in towards_moon])
    lamp = lights.GetChild("Practical")
    assert _close(_world_point(lamp), (0.5, 1.2, -0.5))
    assert _close(UsdLux.LightAPI(lamp).GetColorAttr().Get(), linear_rgb("#ffd090"))
    # The lights exist only inside the variant: the layer's Lights prim has no children.
    layer = Sdf.Layer.FindOrOpen(str(world["scene"]))
    assert not layer.GetPrimAtPath("/Scene_2/Lights").nameChildren


def test_scene_weather_attributes(world: dict[str, Path]) -> None:
    stage = _open(world["scene"])
    root = stage.GetDefaultPrim()
    assert Usd.ModelAPI(root).GetKind() == Kind.Tokens.assembly
    assert root.GetAttribute("backlot:fogDensity").Get() == pytest.approx(0.02)
    assert list(root.GetAttribute("backlot:weather").Get()) == ["rain"]
    assert root.GetAttribute("backlot:sky").Get() == "night"
    assert root.GetAttribute("backlot:clockTime").Get() == "23:00"


def test_layers_are_deterministic_and_rewritable_while_open(tmp_path: Path) -> None:
    first = write_world(tmp_path / "a")
    second = write_world(tmp_path / "b")
    for key in ("set", "john", "scene"):
        assert first[key].read_bytes() == second[key].read_bytes(), key
    # Rewriting a layer this process holds open updates it in place.
    held = _open(first["scene"])
    changed = a_set()
    changed.parts.append(Part(name="rug", size=(2.0, 0.01, 1.5), position=(0, 0, 0), label="rug"))
    write_set_layer(changed, first["set"])
    assert "rug" in first["set"].read_text()
    assert held.GetPrimAtPath("/Scene_2/Set/rug").IsA(UsdGeom.Mesh)
    assert validate_layer(first["scene"]) == []
