"""Placing each shot's camera: candidate keyframed paths from the framing math and the move.

A shot's camera is chosen from candidates, in order of preference: the idiom's angle off
the subject's facing, then the mirror angle, then wider angles on both sides; for each, the
shot's lens, or a shorter one where the longer would leave the set. The planner
(`camera/stage.py`) takes the first candidate that keeps every rule (`camera/rules.py`).

Moves, as a crew would rig them: a dolly in starts two sizes wider, a dolly out ends two
sizes wider; a pan turns on a fixed head; a truck runs beside the subject (profile), a
follow keeps ahead of it, a handheld follows closer with a seeded operator's sway; a
pedestal rises or sinks with the subject's eyes (sit, stand); a crane comes down from
above onto the framing; an arc circles the subject by 30° with the move's ease.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from backlot.camera.blocking import landmarks_at, pose_at, seated_at
from backlot.camera.formats import path_at
from backlot.camera.framing import frame_subject, intrinsics, over_the_shoulder, project_point
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
from backlot.world.models import PlacedItem, SetAsset

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
# Further angles tried, on both sides, when the idiom's own angle breaks a rule.
WIDER_ANGLES = (25.0, 50.0, 75.0)
GROUPS = frozenset({ShotType.TWO_SHOT, ShotType.MASTER, ShotType.ESTABLISHING})

TRACK_KEY_FRAMES = 24
"""A truck or follow re-frames its moving subject once a second; the spline joins them."""
HANDHELD_KEY_FRAMES = 6
PATH_CHECK_FRAMES = 4
HANDHELD_SWAY_M = (0.02, 0.04)
"""Standard deviation of the operator's sway at the lens and at the aim point, metres."""
RISES_M = (0.3, 0.6)
"""How far a camera is raised, keeping its aim, to see over what hides the subject."""
ARC_DEGREES = 30.0
ARC_KEYS = 5
CRANE_RISE_M = 3.0
"""How far above its final framing a crane starts (a jib arm's reach)."""
INSERT_FILL = {ShotSize.ECU: 0.8, ShotSize.CU: 0.5, ShotSize.MCU: 0.35, ShotSize.MS: 0.25}
"""Share of the frame height an insert's item fills, per size."""
INSERT_AZIMUTHS = (0, 60, 300, 120, 240, 180)
INSERT_ELEVATION_DEG = 40.0
POV_AHEAD_M = 0.15
"""How far in front of the eyes a POV's lens is: clear of the subject's own head."""
POV_LOOK_M = 5.0
"""How far ahead a POV's target is set; any distance gives the same level look."""
INSERT_NEAREST_M = 0.35
"""A lens focuses no nearer (and a camera body needs the room)."""


class Candidate(NamedTuple):
    """One way to film a shot: the angle off the subject's facing and the camera's keys."""

    angle: float
    keys: list[CameraKey]
    compromise: str = ""
    """What the framing gave up for the rules (a camera pulled in or raised), if anything."""
    sized: bool = True
    """False where the camera was pulled in from the size's distance: the size is not kept."""


@dataclass(frozen=True)
class SceneSpace:
    """What placing a camera in one scene needs: the set, the blocking and the lenses."""

    asset: SetAsset
    paths: dict[str, CharacterPath]
    heights: dict[str, float]
    config: CameraConfig
    resolution: tuple[int, int]
    solids: np.ndarray = field(init=False, repr=False, compare=False)
    """The set's parts as rows of (x0, z0, x1, z1, y0, y1): what a camera cannot stand in."""

    def __post_init__(self) -> None:
        rows = [
            (*footprint(part), part.position[1], part.position[1] + part.size[1])
            for part in self.asset.parts
        ]
        object.__setattr__(self, "solids", np.array(rows, dtype=float).reshape(-1, 6))


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


def candidates(
    shot_type: ShotType,
    size: ShotSize,
    move: Move,
    subjects: list[str],
    frames: tuple[int, int],
    space: SceneSpace,
    focal_mm: float,
    seed: str,
    item: PlacedItem | None = None,
) -> Iterator[Candidate]:
    """Candidate camera paths for a shot, most preferred first, each with its angle; an
    insert frames its `item`.

    For each angle, the shot's lens, then each shorter one that keeps the camera on the
    set, as a DP would in a small room (a shorter lens also comes closer, in front of what
    hid the subject); if none fits, the camera is pulled in. Last, the first angles with
    the camera raised over what stands between (a seat back in a car).
    """
    start, length = frames
    end = start + max(0, length - 1)
    if item is not None:
        yield from _insert_views(item, size, start, space, focal_mm)
        return
    if not subjects or subjects[0] not in space.paths:
        yield Candidate(0.0, _set_view(space.asset, start, end, focal_mm, move))
        return
    if shot_type is ShotType.POV:
        yield from _point_of_view(subjects[0], start, space, focal_mm)
        return
    base = SIDE[shot_type]
    angles = [base, -base] if base else [0.0]
    for extra in WIDER_ANGLES:
        angles += [base + extra, -(base + extra)]
    if shot_type in GROUPS:
        # A group faces the camera across the pair either way: the reverse too.
        angles += [angle + 180.0 for angle in angles]
    lenses = [focal_mm, *(f for f in FALLBACK_LENSES_MM if f < focal_mm)]
    firsts: list[tuple[float, list[CameraKey]]] = []
    for angle in angles:
        keys: list[CameraKey] = []
        fitted = False
        for lens in lenses:
            keys = _path(shot_type, size, move, subjects, start, end, space, lens, angle, seed)
            if fits(keys, space):
                fitted = True
                yield Candidate(angle, keys)
        if not fitted:
            pulled = _pulled_in(angle, keys, space)
            keys = pulled.keys
            yield pulled
        if len(firsts) < 2:
            firsts.append((angle, keys))
    for rise in RISES_M:
        for angle, keys in firsts:
            raised = [k.model_copy(update={"position": _raise(k.position, rise)}) for k in keys]
            if fits(raised, space):
                # A raise is a new way of seeing: its own angle for the chooser.
                yield Candidate(angle + rise, raised, f"raised {rise} m to see over the set")


def item_point(item: PlacedItem) -> Vec3:
    """Where an insert looks: the middle of the item's top face."""
    x, y, z = item.position
    return (x, y + item.size[1], z)


def _insert_views(
    item: PlacedItem, size: ShotSize, frame: int, space: SceneSpace, focal_mm: float
) -> Iterator[Candidate]:
    """An insert's cameras: looking down at the item from round about it, far enough on
    each lens for the item to fill its share of the frame height (a prop on a table is
    shot from above, as a hand would hold it up to the lens)."""
    extent = max(item.size)
    fill = INSERT_FILL.get(size, INSERT_FILL[ShotSize.CU])
    target = item_point(item)
    lenses = [focal_mm, *(f for f in FALLBACK_LENSES_MM if f < focal_mm)]
    pulled: list[CameraKey] = []
    for azimuth in INSERT_AZIMUTHS:
        for lens in lenses:
            distance = max(INSERT_NEAREST_M, lens * extent / (fill * space.config.sensor_mm[1]))
            key = _looking_down(target, azimuth, distance, lens, frame)
            if fits([key], space):
                yield Candidate(float(azimuth), [key])
                break
            pulled = pulled or [key]
    if pulled:
        yield _pulled_in(0.0, pulled, space)


def _looking_down(
    target: Vec3, azimuth: float, distance: float, lens: float, frame: int
) -> CameraKey:
    elevation = math.radians(INSERT_ELEVATION_DEG)
    turn = math.radians(azimuth)
    reach = distance * math.cos(elevation)
    position = (
        round(target[0] + reach * math.sin(turn), 4),
        round(target[1] + distance * math.sin(elevation), 4),
        round(target[2] + reach * math.cos(turn), 4),
    )
    return CameraKey(frame=frame, position=position, target=target, focal_mm=lens)


def _point_of_view(
    subject: str, frame: int, space: SceneSpace, focal_mm: float
) -> Iterator[Candidate]:
    """A POV: the lens at the subject's eyes (a little ahead of them, clear of the head),
    looking level the way they face."""
    path = space.paths[subject]
    x, z, facing = pose_at(path, frame)
    eyes = landmarks_at(path, frame, space.heights.get(subject, 1.7))["eyes"]
    ahead = math.radians(facing)
    dx, dz = math.sin(ahead), math.cos(ahead)
    position = (
        round(x + POV_AHEAD_M * dx, 4),
        round(eyes[1], 4),
        round(z + POV_AHEAD_M * dz, 4),
    )
    # Any point ahead will do: the lens looks level along the facing.
    target = (position[0] + POV_LOOK_M * dx, position[1], position[2] + POV_LOOK_M * dz)
    key = CameraKey(frame=frame, position=position, target=target, focal_mm=focal_mm)
    yield Candidate(0.0, [key]) if fits([key], space) else _pulled_in(0.0, [key], space)


def _raise(position: Vec3, rise: float) -> Vec3:
    return (position[0], round(position[1] + rise, 4), position[2])


def _path(
    shot_type: ShotType,
    size: ShotSize,
    move: Move,
    subjects: list[str],
    start: int,
    end: int,
    space: SceneSpace,
    lens: float,
    angle: float,
    seed: str,
) -> list[CameraKey]:
    """The keyframes of one candidate: the move's keys, each framed by the framing math."""

    # The way the subject faces as the shot gets going (a walker faces where they walk).
    heading = _subject(shot_type, subjects, space.paths, space.heights, min(end, start + 1))[1]
    if shot_type is ShotType.OTS and abs(angle) == SIDE[ShotType.OTS]:
        angle = _over_the_shoulder(angle, subjects, space, size, lens, start)

    def key(
        frame: int,
        key_size: ShotSize,
        side: float = angle,
        posture: int | None = None,
        steady: bool = False,
    ) -> CameraKey:
        """A key framing the subject at `frame`, seated or standing as at `posture`; a
        `steady` key keeps the angle off the way the subject faced at the start, so a
        camera tracking someone who turns round does not whip round them."""
        centre, facing, height = _subject(shot_type, subjects, space.paths, space.heights, frame)
        facing = heading if steady else facing
        position, target = frame_subject(
            centre,
            facing,
            height,
            key_size,
            lens,
            space.config.sensor_mm,
            space.resolution,
            side=side,
            seated=_seated(shot_type, subjects, space.paths, frame if posture is None else posture),
        )
        return CameraKey(frame=frame, position=position, target=target, focal_mm=lens)

    if end <= start or move is Move.STATIC:
        return [key(start, size)]
    wider = SIZES[max(0, SIZES.index(size) - 2)]
    if move is Move.DOLLY_IN:
        return [key(start, wider), key(end, size)]
    if move is Move.DOLLY_OUT:
        return [key(start, size), key(end, wider)]
    if move is Move.PAN:
        first, last = key(start, size), key(end, size)
        return [first, _panned(first, last, end)]
    if move is Move.PEDESTAL:
        # The sit or stand begins on the shot's first frame: frame it as it was just before.
        first, last = key(start, size, posture=max(0, start - 1)), key(end, size)
        return [first, _raised(first, last)]
    if move is Move.CRANE:
        last = key(end, size)
        top = min(last.position[1] + CRANE_RISE_M, space.asset.dimensions[1] - 0.2)
        high = (last.position[0], max(top, last.position[1]), last.position[2])
        return [last.model_copy(update={"frame": start, "position": high}), last]
    if move is Move.ARC:
        steps = [i / (ARC_KEYS - 1) for i in range(ARC_KEYS)]
        sweep = [angle - ARC_DEGREES / 2 + ARC_DEGREES * t * t * (3 - 2 * t) for t in steps]
        frames = [round(start + (end - start) * t) for t in steps]
        return [key(f, size, a, steady=True) for f, a in zip(frames, sweep, strict=True)]
    if move is Move.TRUCK:
        # Beside the subject (in profile), on the side the angle leans to.
        side = angle + math.copysign(90.0 - abs(SIDE[shot_type]), angle or 1.0)
        return [key(f, size, side, steady=True) for f in _every(start, end, TRACK_KEY_FRAMES)]
    if move is Move.HANDHELD:
        rng = random.Random(f"{seed}:{angle}:{lens}")
        sway, aim = HANDHELD_SWAY_M
        return [
            k.model_copy(
                update={
                    "position": _jitter(k.position, sway, rng),
                    "target": _jitter(k.target, aim, rng),
                }
            )
            for k in (key(f, size, steady=True) for f in _every(start, end, HANDHELD_KEY_FRAMES))
        ]
    # FOLLOW and TILT: re-framed as the subject moves.
    return [key(f, size, steady=True) for f in _every(start, end, TRACK_KEY_FRAMES)]


def _over_the_shoulder(
    angle: float, subjects: list[str], space: SceneSpace, size: ShotSize, lens: float, frame: int
) -> float:
    """The idiom's own OTS angle, on the side `angle` leans to, set behind the listener's
    shoulder by the framing math; `angle` itself where the set or the lens allow none."""
    present = [s for s in subjects if s in space.paths]
    if len(present) < 2:
        return angle
    sx, sz, facing = pose_at(space.paths[present[0]], frame)
    lx, lz, _ = pose_at(space.paths[present[1]], frame)
    sides = over_the_shoulder(
        (sx, sz),
        facing,
        (lx, lz),
        space.heights.get(present[0], 1.7),
        size,
        lens,
        space.config.sensor_mm,
        space.resolution,
        seated=seated_at(space.paths[present[0]], frame),
    )
    if sides is None:
        return angle
    return sides[0] if angle > 0 else sides[1]


def _every(start: int, end: int, step: int) -> list[int]:
    """Key frames from `start` to `end` about `step` apart, both ends included."""
    count = max(1, round((end - start) / step))
    return [round(start + (end - start) * i / count) for i in range(count + 1)]


def _jitter(point: Vec3, sigma: float, rng: random.Random) -> Vec3:
    return tuple(round(v + rng.gauss(0.0, sigma), 4) for v in point)  # type: ignore[return-value]


def _panned(first: CameraKey, last: CameraKey, frame: int) -> CameraKey:
    """The pan's last key: the head stays where it stood and turns to the end framing."""
    (px, _, pz), (tx, ty, tz) = first.position, first.target
    _, (mx, _, mz) = last.position, last.target
    # From the fixed head: the bearing of the end framing's aim point less the start's.
    turn = math.atan2(mx - px, mz - pz) - math.atan2(tx - px, tz - pz)
    c, s = math.cos(turn), math.sin(turn)
    dx, dz = tx - px, tz - pz
    target = (px + dx * c + dz * s, ty, pz - dx * s + dz * c)
    return first.model_copy(update={"frame": frame, "target": target})


def _raised(first: CameraKey, last: CameraKey) -> CameraKey:
    """The pedestal's last key: the column stays put and rises (or sinks) to the end
    framing's height, aimed as that framing is."""
    rise = last.position[1] - first.position[1]
    tilt = last.target[1] - last.position[1]
    position = (first.position[0], first.position[1] + rise, first.position[2])
    target = (first.target[0], position[1] + tilt, first.target[2])
    return last.model_copy(update={"position": position, "target": target})


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
    w, h, d = asset.dimensions
    position = _inside((-0.4 * w, 1.6, 0.4 * d), asset)
    target = (0.0, 1.2, 0.0)
    keys = [CameraKey(frame=start, position=position, target=target, focal_mm=focal_mm)]
    if move is Move.PAN and end > start:
        keys.append(
            CameraKey(
                frame=end, position=position, target=(0.2 * w, 1.2, -0.1 * d), focal_mm=focal_mm
            )
        )
    elif move is Move.CRANE and end > start:
        high = (
            position[0],
            max(position[1], min(position[1] + CRANE_RISE_M, h - 0.2)),
            position[2],
        )
        keys = [
            keys[0].model_copy(update={"position": high}),
            keys[0].model_copy(update={"frame": end}),
        ]
    return keys


def fits(keys: list[CameraKey], space: SceneSpace) -> bool:
    """Every key on the set, above the floor, and not inside one of its solids (a building)."""
    positions = [key.position for key in keys]
    if len(keys) > 2:
        # A spline through many keys can swing wide of them between keys.
        first, last = keys[0].frame, keys[-1].frame
        positions += [path_at(keys, f)[0] for f in range(first, last, PATH_CHECK_FRAMES)]
    points = np.array(positions, dtype=float)
    low, high = _bounds(space.asset)
    # `_inside` rounds to 0.1 mm: a point it would not move is on the set.
    if np.any(points < low - 5e-5) or np.any(points > high + 5e-5):
        return False
    x, y, z = points[:, None, 0], points[:, None, 1], points[:, None, 2]
    s = space.solids
    within = (s[:, 0] < x) & (x < s[:, 2]) & (s[:, 1] < z) & (z < s[:, 3])
    return not np.any(within & (s[:, 4] < y) & (y < s[:, 5]))


def _bounds(asset: SetAsset) -> tuple[np.ndarray, np.ndarray]:
    """Where a camera may stand: 0.2 m in from the set's edges and ceiling, 0.3 m up."""
    w, h, d = asset.dimensions
    low = np.array([-w / 2 + 0.2, 0.3, -d / 2 + 0.2])
    high = np.array([w / 2 - 0.2, max(0.5, h - 0.2), d / 2 - 0.2])
    return low, high


def _pulled_in(angle: float, keys: list[CameraKey], space: SceneSpace) -> Candidate:
    """The fallback when no lens fits a view on the set: the same keys moved inside it (the
    framing is lost, so the candidate is not `sized`)."""
    inside = [k.model_copy(update={"position": _inside(k.position, space.asset)}) for k in keys]
    return Candidate(angle, inside, "pulled in to stay on the set", sized=False)


def _inside(position: Vec3, asset: SetAsset) -> Vec3:
    """The camera stays on the set and above the floor."""
    low, high = _bounds(asset)
    x, y, z = np.clip(np.asarray(position, dtype=float), low, high)
    return (round(float(x), 4), round(float(y), 4), round(float(z), 4))


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


def same_subject(a: ShotType, a_subjects: list[str], b: ShotType, b_subjects: list[str]) -> bool:
    """Whether two shots film one subject, so that a cut between them falls under the 30°
    rule: both of one person (single, reaction, OTS, insert on the same main subject),
    or both of one group (the same people). A cut from a two-shot to an OTS changes what
    the frame is of, whatever the angle on either person; a POV is of what its subject
    sees, not of them."""
    if not a_subjects or not b_subjects or (a in GROUPS) != (b in GROUPS):
        return False
    if ShotType.POV in (a, b):
        return False
    if a in GROUPS:
        return set(a_subjects) == set(b_subjects)
    return a_subjects[0] == b_subjects[0]


def framed_point(
    shot_type: ShotType, subjects: list[str], paths: dict[str, CharacterPath], frame: int
) -> Vec3:
    """The floor point a shot frames at `frame`: a group's centre, else its main subject."""
    return _subject(shot_type, subjects, paths, {}, frame)[0]


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
        eyes = landmarks_at(paths[subject], key.frame, heights.get(subject, 1.7))["eyes"]
        u, v, depth = project_point(key.position, key.target, eyes, fx, fy, cx, cy)
        if depth <= 0 or not (margin * width <= u <= (1 - margin) * width and 0 <= v <= height):
            return False
    return True
