"""Placing each shot's camera: keyframes from the framing math, on one side of the line.

The 180° rule: for a scene, every camera stays on one side of the line through its first
two subjects (the side the master chose). The 30° rule: a cut to the same subject moves
the camera by at least 30° or changes the size by two steps; a shot that would not is made
two sizes tighter (or wider, at the end of the scale).
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from backlot.camera.blocking import landmarks_at, pose_at, seated_at
from backlot.camera.framing import frame_subject, intrinsics, look_at, project
from backlot.camera.models import (
    CameraConfig,
    CameraKey,
    CharacterPath,
    Move,
    ShotSize,
    ShotType,
    Vec3,
)
from backlot.world.build import footprint
from backlot.world.models import SetAsset

SIZES = list(ShotSize)
# Shorter lenses tried, longest first, when a shot's lens does not fit in the set.
FALLBACK_LENSES_MM = (50.0, 35.0, 28.0, 24.0, 18.0, 14.0)
# Angle of the camera off the subject's facing, per coverage idiom (degrees).
SIDE = {
    ShotType.SINGLE: 25.0,
    ShotType.REACTION: 25.0,
    ShotType.OTS: 40.0,
    # Group shots face the pair's perpendicular already (see `_subject`).
    ShotType.TWO_SHOT: 0.0,
    ShotType.MASTER: 20.0,
    ShotType.ESTABLISHING: 30.0,
    ShotType.INSERT: 15.0,
    ShotType.POV: 0.0,
}


def pair_of(subjects: list[str], paths: dict[str, CharacterPath]) -> tuple[str, str] | None:
    """The two people a shot is about (its first two subjects on the set), in a fixed order."""
    present = [s for s in subjects if s in paths][:2]
    return (min(present), max(present)) if len(present) == 2 else None


def line_side(
    paths: dict[str, CharacterPath], pair: tuple[str, str], frame: int = 0
) -> tuple[Vec3, Vec3]:
    """The action line of a pair: through the two of them at `frame`."""
    ax, az, _ = pose_at(paths[pair[0]], frame)
    bx, bz, _ = pose_at(paths[pair[1]], frame)
    return (ax, 0.0, az), (bx, 0.0, bz)


def side_of(line: tuple[Vec3, Vec3], point: Vec3) -> float:
    (ax, _, az), (bx, _, bz) = line
    return (bx - ax) * (point[2] - az) - (bz - az) * (point[0] - ax)


def place(
    shot_type: ShotType,
    size: ShotSize,
    move: Move,
    subjects: list[str],
    frames: tuple[int, int],
    paths: dict[str, CharacterPath],
    heights: dict[str, float],
    asset: SetAsset,
    focal_mm: float,
    config: CameraConfig,
    resolution: tuple[int, int],
    line: tuple[Vec3, Vec3] | None,
    master_side: float,
) -> list[CameraKey]:
    """Keyframes of one shot: where the camera stands and what it looks at.

    When the lens asked for would put the camera outside the set (a long lens in a small
    room), a shorter one is used, as a DP would; only if none fits is the camera pulled in.
    """
    start, length = frames
    end = start + max(0, length - 1)
    if not subjects or subjects[0] not in paths:
        return _set_view(asset, start, end, focal_mm, move)
    shorter = [f for f in FALLBACK_LENSES_MM if f < focal_mm]
    for lens in [focal_mm, *shorter]:
        keys = []
        for frame, key_size in _key_sizes(move, size, start, end):
            centre, facing, height = _subject(shot_type, subjects, paths, heights, frame)
            aim = partial(
                frame_subject,
                centre,
                facing,
                height,
                key_size,
                lens,
                config.sensor_mm,
                resolution,
                seated=_seated(shot_type, subjects, paths, frame),
            )
            position, target = aim(side=SIDE[shot_type])
            if line is not None and side_of(line, position) * master_side < 0:
                position, target = aim(side=-SIDE[shot_type])  # back across the line
            keys.append(CameraKey(frame=frame, position=position, target=target, focal_mm=lens))
        if all(_fits(key.position, asset) for key in keys):
            return keys
    return [key.model_copy(update={"position": _inside(key.position, asset)}) for key in keys]


def _key_sizes(move: Move, size: ShotSize, start: int, end: int) -> list[tuple[int, ShotSize]]:
    """A dolly-in starts two sizes wider; a follow re-frames at its end; others hold."""
    if move is Move.DOLLY_IN and end > start:
        wider = SIZES[max(0, SIZES.index(size) - 2)]
        return [(start, wider), (end, size)]
    if move in (Move.FOLLOW, Move.PAN, Move.TRUCK) and end > start:
        return [(start, size), (end, size)]
    return [(start, size)]


def _seated(
    shot_type: ShotType, subjects: list[str], paths: dict[str, CharacterPath], frame: int
) -> bool:
    """Whether the framed subject sits: a group when everyone in it does, else the first."""
    present = [s for s in subjects if s in paths]
    if shot_type in (ShotType.TWO_SHOT, ShotType.MASTER, ShotType.ESTABLISHING):
        return all(seated_at(paths[s], frame) for s in present)
    return seated_at(paths[present[0]], frame)


def _subject(
    shot_type: ShotType,
    subjects: list[str],
    paths: dict[str, CharacterPath],
    heights: dict[str, float],
    frame: int,
) -> tuple[Vec3, float, float]:
    """The point framed, which way it faces, and how tall it is."""
    present = [s for s in subjects if s in paths]
    poses = [pose_at(paths[s], frame) for s in present]
    # A group is framed by its tallest member; anyone else by their own height.
    height = max(heights.get(s, 1.7) for s in present)
    if shot_type in (ShotType.TWO_SHOT, ShotType.MASTER, ShotType.ESTABLISHING) and len(poses) > 1:
        x = sum(p[0] for p in poses) / len(poses)
        z = sum(p[1] for p in poses) / len(poses)
        # Face the camera across the pair: perpendicular to the line between them.
        dx, dz = poses[1][0] - poses[0][0], poses[1][1] - poses[0][1]
        facing = math.degrees(math.atan2(dx, dz)) + 90.0
        return (x, 0.0, z), facing % 360.0, height
    x, z, facing = poses[0]
    return (x, 0.0, z), facing, heights.get(present[0], 1.7)


def _set_view(
    asset: SetAsset, start: int, end: int, focal_mm: float, move: Move
) -> list[CameraKey]:
    """No one to frame: a wide view across the set from near one corner, at eye level."""
    w, _, d = asset.dimensions
    position = (-0.4 * w, 1.6, 0.4 * d)
    target = (0.0, 1.2, 0.0)
    keys = [CameraKey(frame=start, position=position, target=target, focal_mm=focal_mm)]
    if move is Move.PAN and end > start:
        keys.append(
            CameraKey(
                frame=end, position=position, target=(0.2 * w, 1.2, -0.1 * d), focal_mm=focal_mm
            )
        )
    return keys


def _fits(position: Vec3, asset: SetAsset) -> bool:
    """On the set, above the floor, and not inside one of its solids (a building)."""
    if _inside(position, asset) != tuple(round(v, 4) for v in position):
        return False
    x, y, z = position
    for part in asset.parts:
        x0, z0, x1, z1 = footprint(part)
        base = part.position[1]
        if x0 < x < x1 and z0 < z < z1 and base < y < base + part.size[1]:
            return False
    return True


def _inside(position: Vec3, asset: SetAsset) -> Vec3:
    """The camera stays on the set and above the floor."""
    w, h, d = asset.dimensions
    x = float(np.clip(position[0], -w / 2 + 0.2, w / 2 - 0.2))
    y = float(np.clip(position[1], 0.3, max(0.5, h - 0.2)))
    z = float(np.clip(position[2], -d / 2 + 0.2, d / 2 - 0.2))
    return (round(x, 4), round(y, 4), round(z, 4))


def view_angle(key: CameraKey, subject: Vec3) -> float:
    """Bearing of the camera as seen from the subject, degrees."""
    return math.degrees(math.atan2(key.position[0] - subject[0], key.position[2] - subject[2]))


def jump_cut(
    before: CameraKey, after: CameraKey, subject: Vec3, size_before: ShotSize, size_after: ShotSize
) -> bool:
    """The 30° rule broken: a cut on one subject that turns less than 30° and changes size
    by less than two steps reads as a jump, not a new angle."""
    turn = abs((view_angle(after, subject) - view_angle(before, subject) + 180) % 360 - 180)
    steps = abs(SIZES.index(size_after) - SIZES.index(size_before))
    return turn < 30.0 and steps < 2


def group_in_frame(
    key: CameraKey,
    subjects: list[str],
    paths: dict[str, CharacterPath],
    heights: dict[str, float],
    sensor_mm: tuple[float, float],
    resolution: tuple[int, int],
    margin: float = 0.05,
) -> bool:
    """Whether every subject's eyes land inside the frame (less `margin` of its width) at
    the key: a two-shot framed on the pair's centre can leave both people out."""
    width, height = resolution
    fx, fy, cx, cy = intrinsics(key.focal_mm, sensor_mm, resolution)
    for subject in subjects:
        if subject not in paths:
            continue
        path = paths[subject]
        eyes = landmarks_at(path, key.frame, heights.get(subject, 1.7))["eyes"]
        pixels, depths = project(
            np.array([eyes]), look_at(key.position, key.target), fx, fy, cx, cy
        )
        (u, v), depth = pixels[0], depths[0]
        if depth <= 0 or not (margin * width <= u <= (1 - margin) * width and 0 <= v <= height):
            return False
    return True
