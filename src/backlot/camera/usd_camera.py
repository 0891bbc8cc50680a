"""A shot's camera as an OpenUSD layer: `/Shot_<id>/Camera`, animated per scene frame.

The layer's time codes are the scene's frames (`timeCodesPerSecond` is the film's rate),
so with the scene stage sublayered beneath it the camera moves in step with the cast.

Units: UsdGeom measures lens and filmback properties (focalLength, horizontalAperture,
verticalAperture) in *tenths of a scene unit*, not in millimetres. Our stages are in metres
(metersPerUnit 1), where a tenth of a unit is 100 mm, so a 35 mm lens is authored as 0.35
and a 24.89 mm gate as 0.2489. The field of view, a ratio of the two, is unchanged, and a
renderer that honours the stage's units sees the right depth of field.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pxr import Gf, Sdf, Usd, UsdGeom

from backlot.camera.formats import camera_frames
from backlot.camera.models import Shot
from backlot.fileio import atomic_write
from backlot.world.names import prim_name

MM_PER_LENS_UNIT = 100.0
"""Millimetres in a tenth of a scene unit at metersPerUnit 1 (see the module docstring)."""
CLIPPING_M = (0.1, 1000.0)
"""Near and far planes, metres: a camera on a set frames things a few centimetres away,
which the schema's fallback near plane of one unit would clip."""
# OpenCV cameras look down +Z with +Y down; USD's look down −Z with +Y up. Negating the
# pose's Y and Z columns turns one into the other (a half turn about the camera's X).
_OPENCV_TO_USD = np.diag([1.0, -1.0, -1.0, 1.0])


def _matrix(cam_to_world: np.ndarray) -> Gf.Matrix4d:
    """An OpenCV camera-to-world pose as the USD camera's local transform; Gf matrices
    act on row vectors, so it is the transpose of the column-vector matrix."""
    return Gf.Matrix4d((cam_to_world @ _OPENCV_TO_USD).T.tolist())


def write_shot_camera(
    shot: Shot,
    fps: float,
    sensor_mm: tuple[float, float],
    path: Path,
    scene_layer: str | None = None,
) -> None:
    """Write `shot`'s camera to `path` as a `.usda` layer with default prim `/Shot_<id>`.

    The camera's transform and focal length are sampled at every frame of the shot
    (scene-local time codes), its apertures are the sensor's. With `scene_layer` (the
    scene stage's file, relative to `path`) the layer sublayers it, so opening the shot
    shows its camera inside the scene.
    """
    layer = Sdf.Layer.CreateAnonymous(".usda")
    stage = Usd.Stage.Open(layer)
    UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.y)
    UsdGeom.SetStageMetersPerUnit(stage, UsdGeom.LinearUnits.meters)
    frames = camera_frames(shot)
    stage.SetTimeCodesPerSecond(fps)
    stage.SetStartTimeCode(frames[0][0])
    stage.SetEndTimeCode(frames[-1][0])

    root = UsdGeom.Xform.Define(stage, Sdf.Path(f"/{prim_name(f'Shot_{shot.id}')}"))
    stage.SetDefaultPrim(root.GetPrim())
    camera = UsdGeom.Camera.Define(stage, root.GetPath().AppendChild("Camera"))
    sensor_w, sensor_h = sensor_mm
    camera.CreateProjectionAttr(UsdGeom.Tokens.perspective)
    camera.CreateHorizontalApertureAttr(sensor_w / MM_PER_LENS_UNIT)
    camera.CreateVerticalApertureAttr(sensor_h / MM_PER_LENS_UNIT)
    camera.CreateClippingRangeAttr(Gf.Vec2f(*CLIPPING_M))
    transform = camera.AddTransformOp()
    focal = camera.CreateFocalLengthAttr()
    for frame, cam_to_world, focal_mm in frames:
        time = Usd.TimeCode(frame)
        transform.Set(_matrix(cam_to_world), time)
        focal.Set(focal_mm / MM_PER_LENS_UNIT, time)

    # Sublayered only once authoring is done and the stage is gone: the path is relative
    # to the file being written, which an anonymous layer could not resolve.
    del stage
    if scene_layer is not None:
        layer.subLayerPaths.append(scene_layer)
    atomic_write(path, layer.ExportToString())
