"""Staging read from the action: who is on the set when, and what an over-the-shoulder,
an insert and a POV show; on a script written for these tests."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import pytest

from backlot.breakdown import analyze
from backlot.camera.blocking import landmarks_at, pose_at
from backlot.camera.cameras import same_subject
from backlot.camera.framing import intrinsics, project_point
from backlot.camera.models import CharacterPath, Shot, ShotPlan, ShotType, Vec3
from backlot.camera.stage import plan_shots
from backlot.config import ProjectConfig
from backlot.script import load
from backlot.world.models import World
from backlot.world.stage import build_world

SCRIPT = """\
INT. BATHROOM - NIGHT

CLOSE ON Hal's hand as he turns the tap.

HAL climbs into the bath and lowers himself.

HAL
Nobody ever knocks.

EXT. LAY-BY - DAY

A white van on the verge. IRIS steps out of the van.

IRIS
Is this the place?

BEN
Looks like it.

IRIS
Then we wait.

Ben walks away down the road and leaves.

INT. KITCHEN - DAY

MAYA and JONAH stand at the counter.

MAYA
You took the car again.

JONAH
I brought it back.

MAYA
With no petrol in it.

JONAH
I'll fill it tomorrow.

MAYA
You said that yesterday.

EXT. PIER - NIGHT

KIT and LOU lean on the rail.

KIT
Cold.

LOU
Let's go.

Kit and Lou leave.

INT. GUN SHOP - DAY

A glass counter under a buzzing strip light.

RAY lays a REVOLVER on the counter.

RAY
Take it or leave it.

ZOE
I'll leave it.

ZOE'S POV

The street outside, through the dirty window.
"""


@cache
def _planned(tmp: Path) -> tuple[ShotPlan, World]:
    path = tmp / "staging.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    screenplay, _ = load(path)
    config = ProjectConfig()
    breakdown = analyze(screenplay, config.breakdown)
    world = build_world(screenplay, breakdown, config)
    return plan_shots(screenplay, breakdown, world, config), world


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[ShotPlan, World]:
    return _planned(tmp_path_factory.mktemp("staging"))


def _path(plan: ShotPlan, world: World, scene: str, name: str) -> CharacterPath:
    cid = next(c.id for c in world.characters if c.name == name)
    return next(p for p in plan.blocking[scene] if p.character == cid)


def test_someone_seen_before_they_enter_is_already_there(planned) -> None:
    # "CLOSE ON Hal's hand" comes before "Hal climbs into the bath": he never walks in.
    plan, world = planned
    setup = next(s for s in world.scenes if s.number == "1")
    w, _, d = next(s for s in world.sets if s.id == setup.set).dimensions
    keys = _path(plan, world, "1", "HAL").keys
    assert all(abs(x) <= w / 2 and abs(z) <= d / 2 for _, x, z, _ in keys)


def test_an_exit_before_their_last_line_leaves_them_on_the_set(planned) -> None:
    plan, world = planned
    # Iris "steps out of the van" and then talks: she stays on her mark to be filmed.
    iris = _path(plan, world, "2", "IRIS").keys
    assert {(x, z) for _, x, z, _ in iris} == {iris[0][1:3]}
    # Ben walks away after his last line: he goes, out past the edge of the action.
    ben = _path(plan, world, "2", "BEN").keys
    assert math.dist(ben[0][1:3], ben[-1][1:3]) >= 3.0


def test_people_who_leave_together_go_out_one_way(planned) -> None:
    plan, world = planned
    kit, lou = (_path(plan, world, "4", name).keys for name in ("KIT", "LOU"))
    assert math.dist(kit[0][1:3], kit[-1][1:3]) >= 3.0
    assert math.dist(kit[-1][1:3], lou[-1][1:3]) < 1.0


def test_over_the_shoulder_shows_the_listener_nearer_than_the_speaker(planned) -> None:
    plan, world = planned
    heights = {c.id: c.look.height_m for c in world.characters}
    paths = {p.character: p for p in plan.blocking["3"]}
    width, height = plan.resolution
    shots = [s for s in plan.shots if s.scene == "3" and s.type is ShotType.OTS]
    assert len(shots) >= 2
    for shot in shots:
        key = shot.keys[0]
        fx, fy, cx, cy = intrinsics(key.focal_mm, (24.89, 18.66), plan.resolution)
        speaker, listener = (
            project_point(
                key.position,
                key.target,
                landmarks_at(paths[c], key.frame, heights[c])["eyes"],
                fx,
                fy,
                cx,
                cy,
            )
            for c in shot.subjects[:2]
        )
        assert 0.3 * width < speaker[0] < 0.7 * width and 0 < speaker[1] < height, shot.id
        # The listener's head at a side of the frame, between the lens and the speaker.
        assert 0.05 * width <= listener[0] <= 0.95 * width, shot.id
        assert abs(listener[0] - cx) >= 0.2 * width, shot.id
        assert 0 < listener[2] < speaker[2], shot.id


def test_the_thirty_degree_rule_compares_like_with_like() -> None:
    pair = ["char-maya", "char-jonah"]
    # A two-shot and a single of one of the pair frame different things: no jump.
    assert not same_subject(ShotType.TWO_SHOT, pair, ShotType.SINGLE, pair[:1])
    assert not same_subject(ShotType.TWO_SHOT, pair, ShotType.OTS, pair)
    # The pair again, in either order, or one person twice: the rule applies.
    assert same_subject(ShotType.MASTER, pair, ShotType.TWO_SHOT, pair[::-1])
    assert same_subject(ShotType.OTS, pair, ShotType.SINGLE, pair[:1])
    assert not same_subject(ShotType.SINGLE, pair[:1], ShotType.SINGLE, pair[1:])


def _projected(plan: ShotPlan, shot: Shot, point: Vec3) -> tuple[float, float, float]:
    key = shot.keys[0]
    fx, fy, cx, cy = intrinsics(key.focal_mm, (24.89, 18.66), plan.resolution)
    return project_point(key.position, key.target, point, fx, fy, cx, cy)


def test_a_prop_written_in_capitals_gets_an_insert_on_it(planned) -> None:
    plan, world = planned
    shot = next(s for s in plan.shots if s.scene == "5" and s.type is ShotType.INSERT)
    assert shot.prop == "revolver" and "REVOLVER" in shot.reason
    setup = next(s for s in world.scenes if s.number == "5")
    asset = next(s for s in world.sets if s.id == setup.set)
    item = next(i for i in asset.items if i.name == shot.prop)
    x, y, z = item.position
    u, v, depth = _projected(plan, shot, (x, y + item.size[1], z))
    width, height = plan.resolution
    assert abs(u - width / 2) < 0.05 * width and abs(v - height / 2) < 0.05 * height
    assert shot.keys[0].position[1] > y + item.size[1]  # looking down at it
    assert depth > 0 and shot.head_visible == 1.0


def test_a_pov_looks_out_from_the_eyes(planned) -> None:
    plan, world = planned
    shot = next(s for s in plan.shots if s.scene == "5" and s.type is ShotType.POV)
    zoe = _path(plan, world, "5", "ZOE")
    x, z, facing = pose_at(zoe, shot.start_frame)
    eyes = landmarks_at(zoe, shot.start_frame, zoe.height_m)["eyes"]
    (px, py, pz), (tx, _, tz) = shot.keys[0].position, shot.keys[0].target
    assert math.dist((px, pz), (x, z)) < 0.2 and py == pytest.approx(eyes[1], abs=0.01)
    looking = math.degrees(math.atan2(tx - px, tz - pz)) % 360.0
    assert abs((looking - facing + 180.0) % 360.0 - 180.0) < 1.0
