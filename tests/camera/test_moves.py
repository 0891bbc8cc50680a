"""Camera moves, measured on the cameras the planner writes: each move does what a crew's
rig does, at speeds a real dolly, crane or operator could go, and keeps every rule."""

from __future__ import annotations

import itertools
import math
from functools import cache
from pathlib import Path

import pytest

from backlot.breakdown import analyze
from backlot.camera.blocking import pose_at
from backlot.camera.formats import camera_at
from backlot.camera.models import Move, Shot, ShotPlan
from backlot.camera.rules import check_rules
from backlot.camera.stage import plan_shots
from backlot.config import ProjectConfig
from backlot.script import load
from backlot.world.models import World
from backlot.world.stage import build_world

# Written for these tests: every action a move is chosen for, and a tense exchange.
SCRIPT = """\
EXT. RIVER PATH - DAY

Willows over brown water. A heron on a post.

NORA walks along the towpath with her bicycle.

EXT. CANAL BRIDGE - NIGHT

Sirens. Blue light on wet stone.

OWEN runs along the bridge, his coat flapping.

Two POLICE OFFICERS chase Owen across the bridge.

INT. WAITING ROOM - DAY

A row of plastic chairs. NORA and OWEN stand apart, furious.

NORA
You lied to me. Every single day. You looked at me and lied!

OWEN
I did it to keep you out of it!

NORA
Out of what? Tell me!

OWEN
Out of the whole rotten thing!

Nora sits on a plastic chair.

OWEN
Nora. Please.
"""

# Fastest a rig moves the camera, m/s: a dolly or a jib on its own; a tracking vehicle
# or an operator on foot moves with the subject, so there the limit is the subject's
# own speed plus what re-framing adds.
RIG_MPS = 1.5
TRACKING_MARGIN_MPS = 2.0


@cache
def _planned(tmp: Path) -> tuple[ShotPlan, World]:
    path = tmp / "moves.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    screenplay, _ = load(path)
    config = ProjectConfig()
    breakdown = analyze(screenplay, config.breakdown)
    world = build_world(screenplay, breakdown, config)
    return plan_shots(screenplay, breakdown, world, config), world


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[ShotPlan, World]:
    return _planned(tmp_path_factory.mktemp("moves"))


def _one(plan: ShotPlan, move: Move) -> Shot:
    shots = [s for s in plan.shots if s.move is move]
    assert shots, f"no {move.value} shot in {[(s.id, s.move.value) for s in plan.shots]}"
    return shots[0]


def _positions(shot: Shot) -> list[tuple[float, float, float]]:
    return [camera_at(shot, f)[0] for f in range(shot.start_frame, shot.start_frame + shot.frames)]


def _subject(plan: ShotPlan, shot: Shot, frame: int) -> tuple[float, float]:
    path = next(p for p in plan.blocking[shot.scene] if p.character == shot.subjects[0])
    x, z, _ = pose_at(path, frame)
    return x, z


def _speeds(plan: ShotPlan, shot: Shot) -> list[float]:
    points = _positions(shot)
    return [math.dist(a, b) * plan.fps for a, b in itertools.pairwise(points)]


def test_every_move_the_script_asks_for(planned: tuple[ShotPlan, World]) -> None:
    plan, _ = planned
    moves = {s.move for s in plan.shots}
    wanted = {Move.CRANE, Move.TRUCK, Move.FOLLOW, Move.HANDHELD, Move.ARC, Move.PEDESTAL}
    assert wanted <= moves, sorted(m.value for m in moves)


def test_the_plan_keeps_every_rule(planned: tuple[ShotPlan, World]) -> None:
    plan, world = planned
    report = check_rules(plan, world)
    assert report.breaks == []
    assert report.kept_180 == report.cuts_180 > 0


def test_truck_runs_beside_the_walker(planned: tuple[ShotPlan, World]) -> None:
    plan, _ = planned
    shot = _one(plan, Move.TRUCK)
    first, last = shot.start_frame, shot.start_frame + shot.frames - 1
    (ax, az), (bx, bz) = _subject(plan, shot, first), _subject(plan, shot, last)
    walked = (bx - ax, bz - az)
    assert math.hypot(*walked) > 1.0
    cam_a, cam_b = camera_at(shot, first)[0], camera_at(shot, last)[0]
    moved = (cam_b[0] - cam_a[0], cam_b[2] - cam_a[2])
    # The camera travels with the walker, the same way and about as far...
    cosine = (walked[0] * moved[0] + walked[1] * moved[1]) / (
        math.hypot(*walked) * math.hypot(*moved)
    )
    assert cosine > 0.9 and 0.7 < math.hypot(*moved) / math.hypot(*walked) < 1.3
    # ...and looks at them from the side: the sight line is square to the way they walk.
    for frame in (first, (first + last) // 2, last):
        x, z = _subject(plan, shot, frame)
        cam = camera_at(shot, frame)[0]
        sight = (x - cam[0], z - cam[2])
        across = abs(sight[0] * walked[0] + sight[1] * walked[1]) / (
            math.hypot(*sight) * math.hypot(*walked)
        )
        assert across < 0.35, (frame, across)


def test_follow_keeps_its_distance(planned: tuple[ShotPlan, World]) -> None:
    plan, _ = planned
    shot = _one(plan, Move.FOLLOW)
    distances = []
    for frame in range(shot.start_frame, shot.start_frame + shot.frames):
        x, z = _subject(plan, shot, frame)
        cam = camera_at(shot, frame)[0]
        distances.append(math.hypot(cam[0] - x, cam[2] - z))
    assert max(distances) / min(distances) < 1.35


def test_handheld_sways_and_is_seeded(
    planned: tuple[ShotPlan, World], tmp_path_factory: pytest.TempPathFactory
) -> None:
    plan, _ = planned
    shot = _one(plan, Move.HANDHELD)
    again = _planned(tmp_path_factory.mktemp("again"))[0]
    assert next(s for s in again.shots if s.id == shot.id).keys == shot.keys
    # The sway: keys a few frames apart, each off the smooth follow by centimetres.
    gaps = [b.frame - a.frame for a, b in zip(shot.keys, shot.keys[1:], strict=False)]
    assert len(shot.keys) >= 4 and max(gaps) <= 8
    speeds = _speeds(plan, shot)
    changes = [abs(b - a) for a, b in itertools.pairwise(speeds)]
    assert max(changes) > 0.05  # not a dolly's even glide


def test_arc_circles_the_pair(planned: tuple[ShotPlan, World]) -> None:
    plan, _ = planned
    shot = _one(plan, Move.ARC)
    first, last = shot.start_frame, shot.start_frame + shot.frames - 1
    paths = {p.character: p for p in plan.blocking[shot.scene]}
    centre = [sum(pose_at(paths[s], first)[i] for s in shot.subjects[:2]) / 2 for i in (0, 1)]

    def bearing(frame: int) -> tuple[float, float]:
        cam = camera_at(shot, frame)[0]
        dx, dz = cam[0] - centre[0], cam[2] - centre[1]
        return math.degrees(math.atan2(dx, dz)), math.hypot(dx, dz)

    (start, radius_a), (end, radius_b) = bearing(first), bearing(last)
    turn = abs((end - start + 180) % 360 - 180)
    assert 25.0 <= turn <= 35.0
    assert abs(radius_a - radius_b) / radius_a < 0.1


def test_pedestal_rises_or_sinks_in_place(planned: tuple[ShotPlan, World]) -> None:
    plan, _ = planned
    shot = _one(plan, Move.PEDESTAL)
    points = _positions(shot)
    assert max(math.dist((p[0], p[2]), (points[0][0], points[0][2])) for p in points) < 1e-6
    assert abs(points[-1][1] - points[0][1]) > 0.2  # the eyes sank as she sat


def test_crane_comes_down_onto_the_framing(planned: tuple[ShotPlan, World]) -> None:
    plan, _ = planned
    shot = _one(plan, Move.CRANE)
    points = _positions(shot)
    assert points[0][1] - points[-1][1] >= 1.0
    heights = [p[1] for p in points]
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(heights))


def test_speeds_a_rig_can_do(planned: tuple[ShotPlan, World]) -> None:
    plan, _ = planned
    tracking = {Move.FOLLOW, Move.TRUCK, Move.HANDHELD}
    for shot in plan.shots:
        if shot.move is Move.STATIC:
            assert max(_speeds(plan, shot), default=0.0) == 0.0
            continue
        limit = RIG_MPS
        if shot.move in tracking:
            subject = [
                math.dist(_subject(plan, shot, f), _subject(plan, shot, f + 1)) * plan.fps
                for f in range(shot.start_frame, shot.start_frame + shot.frames - 1)
            ]
            limit = max(subject) + TRACKING_MARGIN_MPS
        elif shot.move is Move.CRANE:
            limit = 2.0 * RIG_MPS  # a jib arm's swing
        assert max(_speeds(plan, shot)) <= limit, (shot.id, shot.move.value)
