"""The shots stage on the bundled example: framing measured by projection, the default cut,
the 180° line, camera files a video model can read."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from backlot.camera.framing import landmarks
from backlot.camera.models import ShotPlan
from backlot.project import Project
from backlot.world.models import World
from tests.camera.framing_check import static_framings
from tests.conftest import copy_example


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ShotPlan, World]:
    root = tmp_path_factory.mktemp("shots") / "film"
    copy_example(root)
    build = Project(root / "script.fountain").build().build_dir
    plan = ShotPlan.model_validate_json((build / "shots.json").read_text())
    world = World.model_validate_json((build / "world.json").read_text())
    return build, plan, world


def test_shots_json_interface(built) -> None:
    build, _, _ = built
    shot = json.loads((build / "shots.json").read_text())["shots"][0]
    assert {
        "id",
        "scene",
        "type",
        "size",
        "move",
        "lens_mm",
        "subjects",
        "start_frame",
        "frames",
        "camera_file",
    } <= set(shot)
    assert shot["id"] == "1A"


def test_default_cut_covers_each_scene_exactly(built) -> None:
    _, plan, _ = built
    for timing in plan.scenes:
        shots = [s for s in plan.shots if s.scene == timing.scene]
        assert shots[0].start_frame == 0
        for a, b in itertools.pairwise(shots):
            assert b.start_frame == a.start_frame + a.frames
        assert sum(s.frames for s in shots) == timing.frames
        covered = sorted(i for s in shots for i in s.elements)
        assert covered == list(range(len(timing.element_frames)))


def test_static_singles_are_framed_within_five_percent(built) -> None:
    _, plan, world = built
    checked = 0
    for shot, error in static_framings(plan, world):
        # Clamping a camera inside a small set (the taxi), or raising it over a container
        # that hid the subject, can cost framing; the shot's reason says so.
        compromised = "pulled in" in shot.reason or "raised" in shot.reason
        assert error <= 0.05 or compromised, (shot.id, error)
        assert compromised or not _clamped(shot.keys[0].position, world, shot.scene), shot.id
        checked += 1
    assert checked >= 5


def _clamped(position, world: World, scene: str) -> bool:
    """Pulled in to the set's walls, floor or roof: no lens let it frame from inside."""
    setup = next(s for s in world.scenes if s.number == scene)
    w, h, d = next(s for s in world.sets if s.id == setup.set).dimensions
    x, y, z = position
    return abs(x) >= w / 2 - 0.21 or abs(z) >= d / 2 - 0.21 or y >= h - 0.21 or y <= 0.31


def test_cameras_stay_on_one_side_of_the_line(built) -> None:
    _, plan, _ = built
    pair = {"char-ruth", "char-maya"}  # the scene's line runs through its first two
    diner = [
        s
        for s in plan.shots
        if s.scene == "7"
        and s.type.value in ("single", "ots", "master", "two_shot")
        and s.subjects[0] in pair
        and s.start_frame < 542  # Maya turns to Leo at frame 543: a new pair, a new line
    ]
    assert len(diner) >= 3
    paths = {p.character: p for p in plan.blocking["7"]}
    a, b = (paths[c].keys[0] for c in ("char-ruth", "char-maya"))
    sides = {
        np.sign(
            (b[1] - a[1]) * (s.keys[0].position[2] - a[2])
            - (b[2] - a[2]) * (s.keys[0].position[0] - a[1])
        )
        for s in diner
    }
    assert len(sides) == 1


def test_camera_file_is_realestate10k(built) -> None:
    build, plan, _ = built
    shot = next(s for s in plan.shots if s.id == "7C")
    lines = (build / shot.camera_file).read_text().splitlines()
    assert len(lines) == shot.frames
    first = [float(v) for v in lines[0].split()]
    assert len(first) == 19 and first[0] == 0
    assert first[3:5] == [0.5, 0.5] and first[5:7] == [0.0, 0.0]
    pose = np.array(first[7:]).reshape(3, 4)
    rotation, translation = pose[:, :3], pose[:, 3]
    assert np.allclose(rotation @ rotation.T, np.eye(3), atol=1e-5)
    centre = -rotation.T @ translation
    assert np.allclose(centre, shot.keys[0].position, atol=1e-3)
    second = [float(v) for v in lines[1].split()]
    assert second[0] == pytest.approx(1_000_000 / plan.fps, abs=1)


def test_cameras_above_the_floor_and_blocking_file(built) -> None:
    build, plan, _ = built
    assert all(k.position[1] > 0.2 for s in plan.shots for k in s.keys)
    data = json.loads((build / "scenes" / "7" / "blocking.json").read_text())
    timing = next(t for t in plan.scenes if t.scene == "7")
    assert len(data["frames"]) == timing.frames
    ruth = data["frames"][0]["char-ruth"]
    assert set(ruth) == set(landmarks(1.7))
    assert ruth["head_top"][1] > ruth["eyes"][1] > ruth["chest"][1] > ruth["feet"][1] == 0.0


def test_shot_camera_lives_in_its_scene_stage(built) -> None:
    from pxr import Usd, UsdGeom

    from backlot.world.usd import validate_layer

    build, plan, _ = built
    shot = next(s for s in plan.shots if s.id == "7C")
    layer = build / "shots" / "7C" / "camera.usda"
    assert validate_layer(layer) == []
    stage = Usd.Stage.Open(str(layer))
    assert stage.GetPrimAtPath("/Scene_7/Set").IsValid()  # the scene stage, composed in
    camera = stage.GetPrimAtPath("/Shot_7C/Camera")
    assert camera.IsA(UsdGeom.Camera)
    where = UsdGeom.Xformable(camera).ComputeLocalToWorldTransform(shot.start_frame)
    assert np.allclose(list(where.ExtractTranslation()), shot.keys[0].position, atol=1e-4)
    assert (build / "shots" / "7C" / "camera.glb").read_bytes()[:4] == b"glTF"
    assert "7C" in (build / "shotlist.html").read_text()
    assert "camera-7C" in (build / "scenes" / "7" / "plot.svg").read_text()
