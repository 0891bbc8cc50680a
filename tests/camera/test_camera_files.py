"""The shot camera as a USD layer and as glTF: poses, timing, units, determinism."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from pxr import Sdf, Usd, UsdGeom
from pygltflib import GLTF2

from backlot.camera.gltf_camera import write_camera_gltf
from backlot.camera.models import CameraKey, Move, Shot, ShotSize, ShotType
from backlot.camera.usd_camera import write_shot_camera
from backlot.world.usd import validate_layer

FPS = 24.0
SENSOR = (24.89, 18.66)
TARGET = (0.0, 1.5, -4.0)


@pytest.fixture
def dolly() -> Shot:
    """A 24-frame dolly in from 6 m to 3 m on a subject's head, starting at scene frame 10."""
    keys = [
        CameraKey(frame=10, position=(0.5, 1.6, 2.0), target=TARGET, focal_mm=35.0),
        CameraKey(frame=33, position=(0.2, 1.5, -1.0), target=TARGET, focal_mm=40.0),
    ]
    return Shot(
        id="12A",
        scene="12",
        type=ShotType.SINGLE,
        size=ShotSize.MS,
        move=Move.DOLLY_IN,
        lens_mm=35.0,
        subjects=["zoe"],
        start_frame=10,
        frames=24,
        keys=keys,
    )


def _floats(array: object) -> list[float]:
    return [float(v) for v in np.asarray(array).ravel()]


def test_usd_camera(dolly: Shot, tmp_path: Path) -> None:
    path = tmp_path / "12A.usda"
    write_shot_camera(dolly, FPS, SENSOR, path)
    assert validate_layer(path) == []

    stage = Usd.Stage.Open(str(path))
    assert stage.GetTimeCodesPerSecond() == FPS
    assert (stage.GetStartTimeCode(), stage.GetEndTimeCode()) == (10, 33)
    assert UsdGeom.GetStageMetersPerUnit(stage) == 1.0
    camera = UsdGeom.Camera.Get(stage, "/Shot_12A/Camera")
    assert camera
    assert stage.GetDefaultPrim().GetPath() == Sdf.Path("/Shot_12A")
    (op,) = UsdGeom.Xformable(camera).GetOrderedXformOps()
    assert len(op.GetAttr().GetTimeSamples()) == dolly.frames
    assert len(camera.GetFocalLengthAttr().GetTimeSamples()) == dolly.frames
    # Tenths of a scene unit: 35 mm at metres is 0.35.
    assert camera.GetFocalLengthAttr().Get(10) == pytest.approx(0.35)
    assert camera.GetHorizontalApertureAttr().Get() == pytest.approx(0.2489)
    assert camera.GetVerticalApertureAttr().Get() == pytest.approx(0.1866)

    for key in dolly.keys:
        world = np.array(camera.ComputeLocalToWorldTransform(Usd.TimeCode(key.frame)))
        # Row-vector matrices: row 3 is the position, row 2 the camera's +Z axis.
        assert _floats(world[3, :3]) == pytest.approx(key.position, abs=1e-6)
        ahead = -world[2, :3]
        to_target = np.subtract(key.target, key.position)
        assert _floats(ahead) == pytest.approx(
            _floats(to_target / np.linalg.norm(to_target)), abs=1e-4
        )
        # Level: the camera's +Y has no sideways tilt, and points up.
        assert world[0, 1] == pytest.approx(0.0, abs=1e-9)
        assert world[1, 1] > 0


def test_usd_camera_sublayers_the_scene(dolly: Shot, tmp_path: Path) -> None:
    scene = Usd.Stage.CreateNew(str(tmp_path / "scenes" / "scene_12.usda"))
    UsdGeom.SetStageUpAxis(scene, UsdGeom.Tokens.y)
    UsdGeom.SetStageMetersPerUnit(scene, UsdGeom.LinearUnits.meters)
    scene.SetDefaultPrim(UsdGeom.Xform.Define(scene, "/Scene_12").GetPrim())
    scene.Save()

    path = tmp_path / "shots" / "12A.usda"
    write_shot_camera(dolly, FPS, SENSOR, path, scene_layer="../scenes/scene_12.usda")
    assert validate_layer(path) == []
    stage = Usd.Stage.Open(str(path))
    assert stage.GetPrimAtPath("/Scene_12")
    assert stage.GetPrimAtPath("/Shot_12A/Camera")


def test_usd_camera_is_deterministic(dolly: Shot, tmp_path: Path) -> None:
    first, second = tmp_path / "a.usda", tmp_path / "b.usda"
    write_shot_camera(dolly, FPS, SENSOR, first)
    write_shot_camera(dolly, FPS, SENSOR, second)
    assert first.read_bytes() == second.read_bytes()


def _rotate(quaternion: list[float], vector: tuple[float, float, float]) -> np.ndarray:
    """`vector` turned by the unit quaternion (x, y, z, w)."""
    axis, w = np.asarray(quaternion[:3]), quaternion[3]
    v = np.asarray(vector, dtype=float)
    return v + 2.0 * np.cross(axis, np.cross(axis, v) + w * v)


def test_gltf_camera(dolly: Shot, tmp_path: Path) -> None:
    path = tmp_path / "12A.glb"
    write_camera_gltf(dolly, FPS, SENSOR, (1920, 1080), path)
    gltf = GLTF2.load(str(path))
    blob = gltf.binary_blob()

    def read(accessor: int, width: int) -> np.ndarray:
        view = gltf.bufferViews[gltf.accessors[accessor].bufferView]
        data = np.frombuffer(blob, np.float32, view.byteLength // 4, view.byteOffset)
        return data.reshape(-1, width)

    (camera,) = gltf.cameras
    assert camera.type == "perspective"
    assert camera.perspective.aspectRatio == pytest.approx(16 / 9)
    assert camera.perspective.znear == pytest.approx(0.1)
    # 16:9 from a Super 35 gate uses the full width: the height is 24.89 · 9/16 mm.
    expected = 2 * math.atan(24.89 * 9 / 16 / 2 / 35.0)
    assert camera.perspective.yfov == pytest.approx(expected)
    assert gltf.nodes[0].camera == 0

    (animation,) = gltf.animations
    paths = {channel.target.path: channel.sampler for channel in animation.channels}
    assert set(paths) == {"translation", "rotation"}
    times = read(animation.samplers[0].input, 1)
    assert gltf.accessors[animation.samplers[0].input].count == dolly.frames
    assert times[0, 0] == 0.0
    assert times[-1, 0] == pytest.approx(23 / FPS)
    translations = read(animation.samplers[paths["translation"]].output, 3)
    rotations = read(animation.samplers[paths["rotation"]].output, 4)
    assert _floats(translations[0]) == pytest.approx(dolly.keys[0].position, abs=1e-6)
    assert _floats(translations[-1]) == pytest.approx(dolly.keys[-1].position, abs=1e-6)
    assert np.linalg.norm(rotations, axis=1) == pytest.approx(1.0, abs=1e-6)
    # glTF cameras look down −Z: the first pose's −Z points at the target.
    ahead = _rotate(rotations[0].tolist(), (0.0, 0.0, -1.0))
    to_target = np.subtract(TARGET, dolly.keys[0].position)
    assert _floats(ahead) == pytest.approx(_floats(to_target / np.linalg.norm(to_target)), abs=1e-4)


def test_gltf_camera_is_deterministic(dolly: Shot, tmp_path: Path) -> None:
    first, second = tmp_path / "a.glb", tmp_path / "b.glb"
    write_camera_gltf(dolly, FPS, SENSOR, (1920, 1080), first)
    write_camera_gltf(dolly, FPS, SENSOR, (1920, 1080), second)
    assert first.read_bytes() == second.read_bytes()
