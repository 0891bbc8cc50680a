"""Camera files: per-frame cameras in the RealEstate10K layout, a JSON record, the shot list.

RealEstate10K (Zhou et al., "Stereo Magnification", SIGGRAPH 2018) stores one line per
frame: a timestamp in microseconds, the intrinsics fx fy cx cy normalised by the image
size, two zeros, then the 3×4 world-to-camera matrix in OpenCV axes (x right, y down,
z forward), row-major. Camera-controlled video models read exactly this layout.
"""

from __future__ import annotations

import csv
import io
import itertools
import json

import numpy as np

from backlot.camera.framing import intrinsics, look_at
from backlot.camera.models import CameraConfig, CameraKey, Shot, ShotPlan, Vec3


def _ease(t: float) -> float:
    """Smoothstep: a move starts and ends at rest, as a dolly or crane does."""
    return t * t * (3.0 - 2.0 * t)


def camera_at(shot: Shot, frame: int) -> tuple[Vec3, Vec3, float]:
    """Position, target and focal length at a scene frame (see `path_at`)."""
    return path_at(shot.keys, frame)


def path_at(keys: list[CameraKey], frame: int) -> tuple[Vec3, Vec3, float]:
    """Position, target and focal length at a scene frame of a keyframed camera path.

    Two keys ease from one to the other (the move starts and ends at rest). More keys lie
    on a Catmull-Rom spline through them (Catmull & Rom, "A class of local interpolating
    splines", 1974): a tracking or handheld camera passes every key without stopping.
    """
    if frame <= keys[0].frame:
        return keys[0].position, keys[0].target, keys[0].focal_mm
    if frame >= keys[-1].frame:
        last = keys[-1]
        return last.position, last.target, last.focal_mm
    for i, (a, b) in enumerate(itertools.pairwise(keys)):
        if frame <= b.frame:
            t = (frame - a.frame) / max(1, b.frame - a.frame)
            if len(keys) == 2:
                return _mix(a, b, _ease(t))
            before = keys[max(0, i - 1)]
            after = keys[min(len(keys) - 1, i + 2)]
            return _spline(before, a, b, after, t)
    raise AssertionError("unreachable: frame lies between the first and last key")


def _mix(a: CameraKey, b: CameraKey, t: float) -> tuple[Vec3, Vec3, float]:
    pa, pb, ta, tb = (
        np.asarray(v, dtype=float) for v in (a.position, b.position, a.target, b.target)
    )
    position = tuple(float(v) for v in pa + (pb - pa) * t)
    target = tuple(float(v) for v in ta + (tb - ta) * t)
    return position, target, a.focal_mm + (b.focal_mm - a.focal_mm) * t  # type: ignore[return-value]


def _spline(
    p0: CameraKey, p1: CameraKey, p2: CameraKey, p3: CameraKey, t: float
) -> tuple[Vec3, Vec3, float]:
    """The uniform Catmull-Rom segment from key p1 to key p2 at t in [0, 1]."""
    weights = np.array(
        [
            -0.5 * t**3 + t**2 - 0.5 * t,
            1.5 * t**3 - 2.5 * t**2 + 1.0,
            -1.5 * t**3 + 2.0 * t**2 + 0.5 * t,
            0.5 * t**3 - 0.5 * t**2,
        ]
    )
    keys = (p0, p1, p2, p3)
    position = weights @ np.array([k.position for k in keys], dtype=float)
    target = weights @ np.array([k.target for k in keys], dtype=float)
    focal = p1.focal_mm + (p2.focal_mm - p1.focal_mm) * t
    return _vec(position), _vec(target), focal


def _vec(array: np.ndarray) -> Vec3:
    return (float(array[0]), float(array[1]), float(array[2]))


def camera_frames(shot: Shot) -> list[tuple[int, np.ndarray, float]]:
    """(scene frame, 4×4 camera-to-world in OpenCV axes, focal mm) for every frame."""
    frames = []
    for frame in range(shot.start_frame, shot.start_frame + shot.frames):
        position, target, focal = camera_at(shot, frame)
        frames.append((frame, look_at(position, target), focal))
    return frames


def realestate10k(shot: Shot, fps: float, resolution: tuple[int, int], config: CameraConfig) -> str:
    """The shot's camera file: one line per frame, timestamps from the shot's first frame."""
    width, height = resolution
    lines = []
    for frame, cam_to_world, focal in camera_frames(shot):
        fx, fy, cx, cy = intrinsics(focal, config.sensor_mm, resolution)
        world_to_cam = np.linalg.inv(cam_to_world)[:3, :4]
        micros = round((frame - shot.start_frame) * 1_000_000 / fps)
        numbers = [fx / width, fy / height, cx / width, cy / height, 0.0, 0.0]
        # Rounded first, so a -1e-12 prints as 0, not -0.000000.
        numbers += [round(float(v), 6) + 0.0 for v in world_to_cam.reshape(-1)]
        lines.append(" ".join([str(micros), *(f"{v:.6f}" for v in numbers)]))
    return "\n".join(lines) + "\n"


def camera_record(shot: Shot, fps: float, config: CameraConfig) -> str:
    """The shot's camera as JSON: lens, sensor, f-stop, focus distance, per-frame pose."""
    frames = []
    for frame, cam_to_world, focal in camera_frames(shot):
        position, target, _ = camera_at(shot, frame)
        focus = float(np.linalg.norm(np.subtract(target, position)))
        frames.append(
            {
                "frame": frame,
                "focal_mm": round(focal, 4),
                "focus_m": round(focus, 4),
                "camera_to_world": [[round(float(v), 6) for v in row] for row in cam_to_world],
            }
        )
    record = {
        "shot": shot.id,
        "fps": fps,
        "sensor_mm": list(config.sensor_mm),
        "f_stop": config.f_stop,
        "axes": "OpenCV (x right, y down, z forward); world metres, Y up",
        "frames": frames,
    }
    return json.dumps(record, indent=1) + "\n"


SHOTLIST_COLUMNS = (
    "scene",
    "shot",
    "type",
    "size",
    "move",
    "lens_mm",
    "subjects",
    "start_frame",
    "frames",
    "seconds",
    "description",
)


def shotlist_csv(plan: ShotPlan) -> str:
    """The shot list a first AD prints: one row per shot, in cut order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SHOTLIST_COLUMNS)
    for shot in plan.shots:
        writer.writerow(
            [
                shot.scene,
                shot.id,
                shot.type.value,
                shot.size.value,
                shot.move.value,
                shot.lens_mm,
                " ".join(shot.subjects),
                shot.start_frame,
                shot.frames,
                round(shot.frames / plan.fps, 2),
                shot.description,
            ]
        )
    return out.getvalue()
