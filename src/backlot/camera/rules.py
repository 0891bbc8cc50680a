"""The grammar of film, as tests: what the planner enforces and what the report counts.

* 180°: a cut between two shots held to one dialogue pair's line (their main subject is
  one of the pair) keeps the camera on the side of the line, at the cut, that the shot
  before ended on. A shot may move across the line on screen; the next cut then holds to
  the side it ended on.
* 30°: a cut from one shot of a subject to another of the same subject (one person, or
  one group: `cameras.same_subject`) turns the camera by 30° or more about the subject,
  or changes the size by two steps or more.
* Occlusion: the eyes of each subject (every member of a group shot, the main subject of
  any other; an insert's item) are in plain sight of the lens in at least 95 % of the
  shot's frames.
* Inside: the camera stays on the set and above its floor at every frame.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from backlot.camera.blocking import landmarks_at
from backlot.camera.cameras import (
    GROUPS,
    framed_point,
    item_point,
    jump_cut,
    line_side,
    pair_of,
    same_subject,
    side_of,
)
from backlot.camera.formats import path_at
from backlot.camera.models import (
    CameraKey,
    CharacterPath,
    RuleBreak,
    RuleReport,
    Shot,
    ShotPlan,
    ShotType,
    Vec3,
)
from backlot.camera.occlusion import HEAD_VISIBLE_SHARE, Occluders, visible_share
from backlot.world.models import PlacedItem, SetAsset, World

MIN_LINE_M = 0.2
"""Two people closer than this have no line between them."""
SAMPLE_FRAMES = 4
"""Occlusion and the set's bounds are tested on every fourth frame (and the last)."""


def sampled(start: int, frames: int) -> list[int]:
    """The frames of a shot that the per-frame rules look at."""
    last = start + max(0, frames - 1)
    return sorted({*range(start, last + 1, SAMPLE_FRAMES), last})


def watched(
    shot_type: ShotType, subjects: Sequence[str], paths: dict[str, CharacterPath]
) -> list[str]:
    """Whose eyes must be seen: everyone in a group shot, else the main subject."""
    present = [s for s in subjects if s in paths]
    return present if shot_type in GROUPS else present[:1]


def eyes_at(
    frames: Sequence[int],
    subjects: Sequence[str],
    paths: dict[str, CharacterPath],
    heights: dict[str, float],
    asset: SetAsset,
) -> list[list[Vec3]]:
    """Per frame, the eyes of each subject on the set: what every candidate camera must
    see. Someone who has gone off the set (out of a door) is not looked for."""
    w, _, d = asset.dimensions
    frame_eyes = []
    for frame in frames:
        seen = [landmarks_at(paths[s], frame, heights.get(s, 1.7))["eyes"] for s in subjects]
        frame_eyes.append([e for e in seen if abs(e[0]) <= w / 2 and abs(e[2]) <= d / 2])
    return frame_eyes


def sight_points(
    shot_type: ShotType,
    subjects: Sequence[str],
    item: PlacedItem | None,
    frames: Sequence[int],
    paths: dict[str, CharacterPath],
    heights: dict[str, float],
    asset: SetAsset,
) -> list[list[Vec3]]:
    """Per frame, what the lens must see: an insert's item, else the subjects' eyes."""
    if item is not None:
        return [[item_point(item)] for _ in frames]
    return eyes_at(frames, watched(shot_type, subjects, paths), paths, heights, asset)


def placed(asset: SetAsset, name: str) -> PlacedItem | None:
    """The set's item of that name (an insert's `prop`), if there is one."""
    return next((item for item in asset.items if name and item.name == name), None)


def head_visible(
    keys: list[CameraKey], frames: Sequence[int], eyes: list[list[Vec3]], occluders: Occluders
) -> float:
    """Share of (frame, subject) sight lines from the lens to the eyes that nothing cuts."""
    points, cameras = [], []
    fixed = path_at(keys, frames[0])[0] if len(keys) == 1 else None
    for frame, seen in zip(frames, eyes, strict=True):
        position = fixed or path_at(keys, frame)[0]
        points += seen
        cameras += [position] * len(seen)
    return visible_share(occluders, points, cameras)


def pair_line(
    paths: dict[str, CharacterPath], pair: tuple[str, str], frame: int
) -> tuple[Vec3, Vec3] | None:
    """The pair's line at a frame; None where they stand on one spot (both gone out of the
    same door), which leaves no line to cross."""
    line = line_side(paths, pair, frame)
    (ax, _, az), (bx, _, bz) = line
    return line if math.hypot(bx - ax, bz - az) >= MIN_LINE_M else None


def keeps_side(line: tuple[Vec3, Vec3], before: CameraKey, after: CameraKey) -> bool:
    """Whether a cut from `before` to `after` keeps the camera on one side of the line."""
    return side_of(line, before.position) * side_of(line, after.position) > 0


def on_set(position: tuple[float, float, float], asset: SetAsset) -> bool:
    w, h, d = asset.dimensions
    x, y, z = position
    return abs(x) <= w / 2 and abs(z) <= d / 2 and 0 < y <= max(h, 0.5)


def check_rules(plan: ShotPlan, world: World) -> RuleReport:
    """Every rule over every cut and shot of the plan, and the breaks found."""
    heights = {c.id: c.look.height_m for c in world.characters}
    setups = {s.number: s for s in world.scenes}
    sets = {s.id: s for s in world.sets}
    occluders = {s.id: Occluders(s) for s in world.sets}
    counts = {"cuts_180": 0, "kept_180": 0, "cuts_30": 0, "kept_30": 0}
    visible = inside = 0
    breaks: list[RuleBreak] = []
    for scene, group in itertools.groupby(plan.shots, key=lambda s: s.scene):
        shots = list(group)
        paths = {p.character: p for p in plan.blocking.get(scene, [])}
        asset = sets[setups[scene].set]
        pair: tuple[str, str] | None = None
        held: Shot | None = None
        for shot in shots:
            frames = sampled(shot.start_frame, shot.frames)
            if all(on_set(path_at(shot.keys, f)[0], asset) for f in frames):
                inside += 1
            else:
                breaks.append(RuleBreak(shot=shot.id, rule="inside", detail="camera off the set"))
            item = placed(asset, shot.prop)
            eyes = sight_points(shot.type, shot.subjects, item, frames, paths, heights, asset)
            share = head_visible(shot.keys, frames, eyes, occluders[asset.id])
            if share >= HEAD_VISIBLE_SHARE:
                visible += 1
            else:
                detail = f"eyes hidden by the set in {1 - share:.0%} of frames"
                breaks.append(RuleBreak(shot=shot.id, rule="occlusion", detail=detail))
            shot_pair = pair_of(shot.subjects, paths)
            if shot_pair is not None and shot_pair != pair:
                pair, held = shot_pair, None
            if pair is None or not shot.subjects or shot.subjects[0] not in pair:
                continue
            line = pair_line(paths, pair, shot.start_frame)
            if held is not None and line is not None:
                counts["cuts_180"] += 1
                if keeps_side(line, held.keys[-1], shot.keys[0]):
                    counts["kept_180"] += 1
                else:
                    detail = f"crosses the line of {pair[0]} and {pair[1]} from {held.id}"
                    breaks.append(RuleBreak(shot=shot.id, rule="180", detail=detail))
            held = shot
        for a, b in itertools.pairwise(shots):
            if not same_subject(a.type, a.subjects, b.type, b.subjects):
                continue
            if b.subjects[0] not in paths or not a.keys or not b.keys:
                continue
            counts["cuts_30"] += 1
            point = framed_point(b.type, b.subjects, paths, b.start_frame)
            if jump_cut(a.keys[-1], b.keys[0], point, a.size, b.size):
                detail = f"turns under 30° and under two sizes from {a.id}"
                breaks.append(RuleBreak(shot=b.id, rule="30", detail=detail))
            else:
                counts["kept_30"] += 1
    return RuleReport(
        **counts, shots=len(plan.shots), head_visible=visible, inside=inside, breaks=breaks
    )
