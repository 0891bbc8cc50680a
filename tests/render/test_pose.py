"""Posing the mannequin (walk, sit, talk) and drawing OpenPose images, on the example's cast."""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest

from backlot.camera.models import CharacterPath
from backlot.render.openpose import COLOURS, LIMBS, OPENPOSE_ORDER, draw_openpose, keypoints
from backlot.render.pose import (
    SEAT_FOR_HEIGHT_M,
    SEAT_HEIGHT_M,
    Activity,
    PoseState,
    Rig,
    joint_matrices,
    path_speed,
    pose_state,
    posed_joints,
    rig_of,
    stride_length,
)
from backlot.world.meshes import mannequin_rig, part_mesh, rotate_y
from backlot.world.models import CharacterAsset
from tests.camera.night_run import night_run

FPS = 24.0
CYCLE = [i / 48 for i in range(48)]
"""Gait phases sampled twice a frame's worth at a normal cadence."""


@pytest.fixture(scope="module")
def cast() -> list[CharacterAsset]:
    return night_run()[2].characters


@pytest.fixture(scope="module")
def maya(cast: list[CharacterAsset]) -> CharacterAsset:
    return cast[0]


def still(**changes: object) -> PoseState:
    """A standing pose at the origin facing +Z, with `changes`."""
    fields: dict[str, object] = {
        "position": (0.0, 0.0),
        "facing_deg": 0.0,
        "walk_phase": None,
        "sitting": 0.0,
        "talking": 0.0,
        "time_s": 0.0,
    }
    fields.update(changes)
    return PoseState(**fields)  # type: ignore[arg-type]


def rest_of(character: CharacterAsset) -> dict[str, np.ndarray]:
    return {j.name: np.asarray(j.position, dtype=float) for j in character.skeleton}


def apply(matrix: np.ndarray, point: np.ndarray) -> np.ndarray:
    return (matrix @ np.append(point, 1.0))[:3]


def test_rest_state_reproduces_the_rest_skeleton_exactly(cast: list[CharacterAsset]) -> None:
    for character in cast:
        joints = posed_joints(character, still())
        matrices = joint_matrices(character, still())
        assert set(joints) == set(matrices) == {j.name for j in character.skeleton}
        for name, rest in rest_of(character).items():
            assert np.array_equal(joints[name], rest), name
            assert np.array_equal(matrices[name], np.eye(4)), name


def test_facing_follows_rotate_y_and_90_degrees_takes_front_to_plus_x(maya: CharacterAsset) -> None:
    rest = rest_of(maya)
    matrices = joint_matrices(maya, still(facing_deg=90.0))
    # A point a metre in front of the chest ends up a metre towards +X.
    chest = rest["neck"] + np.array([0.0, 0.0, 1.0])
    assert np.allclose(apply(matrices["neck"], chest), (1.0, rest["neck"][1], 0.0))
    # The right shoulder (at -X, facing +Z) turns to +Z when facing +X.
    right = posed_joints(maya, still(facing_deg=90.0))["r_shoulder"]
    assert right[2] > 0.15 and abs(right[0]) < 1e-9
    for facing in (37.0, 180.0, 271.5):
        joints = posed_joints(maya, still(facing_deg=facing))
        for name, point in rest.items():
            assert np.allclose(joints[name], rotate_y(point, facing), atol=1e-12), name


def test_position_translates_the_body_on_the_floor(maya: CharacterAsset) -> None:
    joints = posed_joints(maya, still(position=(3.0, -2.5), facing_deg=0.0))
    for name, point in rest_of(maya).items():
        assert np.allclose(joints[name], point + np.array([3.0, 0.0, -2.5]), atol=1e-12), name


def bones(character: CharacterAsset) -> list[tuple[str, str]]:
    return [(j.parent, j.name) for j in character.skeleton if j.parent is not None]


def test_every_pose_keeps_every_bone_length(cast: list[CharacterAsset]) -> None:
    states = [
        *(still(walk_phase=p, facing_deg=33.0 * i) for i, p in enumerate(CYCLE)),
        *(still(sitting=s) for s in (0.25, 0.5, 0.75, 1.0)),
        *(still(talking=1.0, time_s=t) for t in (0.0, 0.37, 1.9, 12.5)),
        still(walk_phase=0.3, sitting=0.4, talking=0.6, time_s=3.3, position=(2.0, 5.0)),
    ]
    for character in cast:
        rest = rest_of(character)
        for state in states:
            joints = posed_joints(character, state)
            for parent, child in bones(character):
                expected = np.linalg.norm(rest[child] - rest[parent])
                actual = np.linalg.norm(joints[child] - joints[parent])
                assert abs(actual - expected) < 1e-6, (character.id, state, parent, child)


def test_a_joint_sits_at_the_end_of_its_parent_bone(maya: CharacterAsset) -> None:
    rest = rest_of(maya)
    parent = {j.name: j.parent for j in maya.skeleton}
    for state in (still(walk_phase=0.2, facing_deg=120.0), still(sitting=1.0, talking=0.5)):
        matrices = joint_matrices(maya, state)
        joints = posed_joints(maya, state)
        for name, point in rest.items():
            # Its own matrix and its parent's agree: the joint turns about itself.
            assert np.allclose(apply(matrices[name], point), joints[name], atol=1e-12)
            if parent[name] is not None:
                assert np.allclose(apply(matrices[parent[name]], point), joints[name])
        # The knee moves with the swinging hip.
        assert not np.allclose(joints["r_knee"], rest["r_knee"])


def test_matrices_are_rigid(maya: CharacterAsset) -> None:
    for matrix in Rig(maya).matrix_array(still(walk_phase=0.7, talking=1.0, time_s=2.0)):
        rotation = matrix[:3, :3]
        assert np.allclose(rotation @ rotation.T, np.eye(3), atol=1e-12)
        assert np.isclose(np.linalg.det(rotation), 1.0)
        assert np.array_equal(matrix[3], (0.0, 0.0, 0.0, 1.0))


def test_repeated_calls_for_one_state_agree_and_do_not_share_arrays(maya: CharacterAsset) -> None:
    rig = Rig(maya)
    state = still(walk_phase=0.4, position=(1.0, 2.0))
    first = rig.matrix_array(state)
    first[:] = 0.0  # the caller's own copy
    assert np.array_equal(rig.matrix_array(state), Rig(maya).matrix_array(state))
    assert np.array_equal(rig.joint_array(state), Rig(maya).joint_array(state))
    other = still(walk_phase=0.9)
    assert np.array_equal(rig.joint_array(other), Rig(maya).joint_array(other))


def test_walking_feet_stay_on_or_above_the_floor(cast: list[CharacterAsset]) -> None:
    for character in cast:
        ankle_rest = rest_of(character)["r_ankle"][1]
        lowest = [
            min(posed_joints(character, still(walk_phase=p))[a][1] for a in ("r_ankle", "l_ankle"))
            for p in CYCLE
        ]
        assert min(lowest) >= -0.01
        # No ankle ever sinks below its standing height, and while a foot is flat (heel
        # strike to heel-off, 30 % of the cycle) it is exactly there.
        assert min(lowest) >= ankle_rest - 1e-9
        flat = [low for p, low in zip(CYCLE, lowest, strict=True) if p % 0.5 <= 0.3]
        assert np.allclose(flat, ankle_rest, atol=1e-9)


def test_walking_mannequin_feet_never_sink_into_the_floor(maya: CharacterAsset) -> None:
    rig = Rig(maya)
    feet = [
        (rig.index[joint], part_mesh(part).points.astype(float))
        for joint, part in mannequin_rig(maya)
        if part.name.endswith("_foot")
    ]
    assert len(feet) == 2
    for p in [*CYCLE, None]:
        for sitting in (0.0, 1.0):
            matrices = rig.matrix_array(still(walk_phase=p, sitting=sitting))
            soles = []
            for joint, points in feet:
                world = points @ matrices[joint, :3, :3].T + matrices[joint, :3, 3]
                soles.append(world[:, 1].min())
            # Never into the floor, and always some foot on it (rolling over the toes
            # at the end of stance, flat otherwise).
            assert min(soles) == pytest.approx(0.0, abs=1e-5), (p, sitting)


def test_walking_feet_alternate_and_arms_swing_against_legs(maya: CharacterAsset) -> None:
    legs, arms = [], []
    for p in CYCLE:
        joints = posed_joints(maya, still(walk_phase=p))
        legs.append(joints["r_ankle"][2] - joints["l_ankle"][2])
        arms.append(joints["r_wrist"][2] - joints["l_wrist"][2])
    legs_a, arms_a = np.array(legs), np.array(arms)
    # Each foot leads for part of the cycle, by a good step.
    assert legs_a.max() > 0.3 and legs_a.min() < -0.3
    # The right arm is back while the right foot is forward, and vice versa.
    assert np.corrcoef(legs_a, arms_a)[0, 1] < -0.9
    for p in (0.0, 0.5):  # heel strikes: feet furthest apart
        i = CYCLE.index(p)
        assert legs_a[i] * arms_a[i] < 0.0


def test_planted_foot_does_not_slide_when_the_phase_follows_distance(
    maya: CharacterAsset,
) -> None:
    stride = stride_length(maya.look.height_m)
    planted = []
    for k in range(20):  # heel strike to heel-off of the right foot: 30 % of the cycle
        walked = 0.3 * stride * k / 19
        joints = posed_joints(maya, still(position=(0.0, walked), walk_phase=walked / stride))
        planted.append(joints["r_ankle"])
    assert np.ptp(np.array(planted), axis=0).max() < 1e-6


def test_sitting_puts_hips_at_seat_height_and_knees_level(cast: list[CharacterAsset]) -> None:
    for character in cast:
        height = character.look.height_m
        joints = posed_joints(character, still(sitting=1.0, position=(1.0, 1.0)))
        seat = SEAT_HEIGHT_M * height / SEAT_FOR_HEIGHT_M
        rest = rest_of(character)
        for side in ("r", "l"):
            assert abs(joints[f"{side}_hip"][1] - seat) < 0.05
            assert abs(joints[f"{side}_knee"][1] - joints[f"{side}_hip"][1]) < 0.05
            # Thighs forward, feet flat on the floor.
            assert joints[f"{side}_knee"][2] - joints[f"{side}_hip"][2] > 0.3
            assert abs(joints[f"{side}_ankle"][1] - rest[f"{side}_ankle"][1]) < 1e-9
        # The torso stays upright above the seat.
        assert np.allclose(joints["neck"][[0, 2]], (1.0, 1.0))
    seat_for_175 = SEAT_HEIGHT_M * 1.75 / SEAT_FOR_HEIGHT_M
    assert abs(seat_for_175 - 0.45) < 1e-9


def test_sitting_down_keeps_the_feet_on_the_floor(maya: CharacterAsset) -> None:
    ankle = rest_of(maya)["r_ankle"][1]
    hips = []
    for s in np.linspace(0.0, 1.0, 11):
        joints = posed_joints(maya, still(sitting=float(s)))
        assert abs(min(joints["r_ankle"][1], joints["l_ankle"][1]) - ankle) < 1e-9
        hips.append(joints["r_hip"][1])
    assert all(b < a for a, b in itertools.pairwise(hips))  # steadily lowered


def test_talking_gestures_move_with_time_and_repeat_exactly(maya: CharacterAsset) -> None:
    rest = rest_of(maya)
    a = posed_joints(maya, still(talking=1.0, time_s=1.0))
    b = posed_joints(maya, still(talking=1.0, time_s=1.4))
    again = posed_joints(maya, still(talking=1.0, time_s=1.0))
    assert np.linalg.norm(a["r_wrist"] - b["r_wrist"]) > 0.02
    assert all(np.array_equal(a[name], again[name]) for name in a)
    # The gesturing hand is raised and forward; the legs do not move.
    assert a["r_wrist"][1] > rest["r_wrist"][1] + 0.1 and a["r_wrist"][2] > 0.1
    for name in ("r_hip", "r_knee", "r_ankle", "l_ankle", "neck"):
        assert np.allclose(a[name], rest[name])


def test_activity_names_the_dominant_business() -> None:
    assert still().activity is Activity.STAND
    assert still(walk_phase=0.2).activity is Activity.WALK
    assert still(sitting=0.8, walk_phase=0.2).activity is Activity.SIT
    assert still(talking=0.5).activity is Activity.TALK


def test_pose_state_standing_still_has_no_walk_phase() -> None:
    path = CharacterPath(character="x", keys=[(0, 1.0, 2.0, 45.0)], height_m=1.7)
    state = pose_state(path, 30, FPS, talking=0.5)
    assert state.walk_phase is None
    assert state.position == (1.0, 2.0) and state.facing_deg == 45.0
    assert state.time_s == pytest.approx(30 / FPS)
    assert state.talking == 0.5


def test_pose_state_walking_advances_the_phase_with_distance() -> None:
    speed, height = 1.4, 1.75
    frames = 96
    path = CharacterPath(
        character="x",
        keys=[(0, 0.0, 0.0, 90.0), (frames, speed * frames / FPS, 0.0, 90.0)],
        height_m=height,
    )
    expected_step = speed / FPS / stride_length(height)
    phases = []
    for frame in range(10, 60):
        assert path_speed(path, frame, FPS) == pytest.approx(speed)
        state = pose_state(path, frame, FPS)
        assert state.walk_phase is not None and 0.0 <= state.walk_phase < 1.0
        assert state.position[0] == pytest.approx(speed * frame / FPS)
        phases.append(state.walk_phase)
    steps = np.diff(np.unwrap(np.array(phases) * 2 * math.pi)) / (2 * math.pi)
    assert np.allclose(steps, expected_step)
    # A cycle of a 1.75 m walker is about 1.45 m: a realistic cadence at 1.4 m/s.
    assert 0.8 < speed / stride_length(height) < 1.1
    # Before leaving and after arriving: still.
    assert pose_state(path, frames + 10, FPS).walk_phase is None


def test_rigs_are_cached_and_fast(maya: CharacterAsset) -> None:
    assert rig_of(maya) is rig_of(maya)
    rig = rig_of(maya)
    states = [
        still(walk_phase=i / 200, talking=0.5, time_s=i / 24, facing_deg=30.0) for i in range(200)
    ]
    rig.matrix_array(states[-1])
    start = time.perf_counter()
    for state in states:  # a new state each call, as frame after frame
        rig.matrix_array(state)
        rig.joint_array(state)
    # Budget 0.1 ms a character a frame; allow a slow, busy test machine ten times that.
    assert (time.perf_counter() - start) / len(states) < 1e-3


def test_openpose_names_are_skeleton_joints(maya: CharacterAsset) -> None:
    assert len(OPENPOSE_ORDER) == 18 and len(LIMBS) == 17 and len(COLOURS) == 18
    assert set(OPENPOSE_ORDER) == {j.name for j in maya.skeleton}
    points = keypoints(posed_joints(maya, still()))
    assert points.shape == (18, 3)
    assert np.allclose(points[OPENPOSE_ORDER.index("l_wrist")], rest_of(maya)["l_wrist"])


def figure(dx: float = 0.0) -> np.ndarray:
    """A front-facing stick figure in a 512×512 image (person's right on image left)."""
    named = {
        "nose": (256, 100),
        "neck": (256, 150),
        "r_shoulder": (216, 150),
        "r_elbow": (176, 190),
        "r_wrist": (136, 230),
        "l_shoulder": (296, 150),
        "l_elbow": (336, 190),
        "l_wrist": (376, 230),
        "r_hip": (236, 280),
        "r_knee": (236, 370),
        "r_ankle": (236, 460),
        "l_hip": (276, 280),
        "l_knee": (276, 370),
        "l_ankle": (276, 460),
        "r_eye": (246, 90),
        "l_eye": (266, 90),
        "r_ear": (236, 95),
        "l_ear": (276, 95),
    }
    return np.array([named[name] for name in OPENPOSE_ORDER], dtype=float) + np.array([dx, 0.0])


def test_draw_openpose_colours_keypoints_and_limbs() -> None:
    image = draw_openpose((512, 512), [figure()])
    assert image.shape == (512, 512, 3) and image.dtype == np.uint8
    for k, (x, y) in enumerate(figure()):
        assert tuple(image[int(y), int(x)]) == COLOURS[k], OPENPOSE_ORDER[k]
    # Limbs at 60 % of their colour (on black), midway along each.
    for limb, (a, b) in enumerate(LIMBS):
        x, y = (figure()[a] + figure()[b]) / 2.0
        expected = np.rint(np.array(COLOURS[limb]) * 0.6)
        if limb in (13, 15):  # nose–eye limbs are shorter than a keypoint disc is wide
            continue
        assert np.array_equal(image[int(y), int(x)], expected), limb
    # Black wherever there is nobody: the figure spans x 136-376, y 90-460.
    assert not image[:80].any() and not image[470:].any()
    assert not image[:, :120].any() and not image[:, 392:].any()


def test_draw_openpose_skips_invisible_keypoints_and_their_limbs() -> None:
    visible = np.ones(18, dtype=bool)
    wrist = OPENPOSE_ORDER.index("r_wrist")
    visible[wrist] = False
    image = draw_openpose((512, 512), [figure()], [visible])
    x, y = figure()[wrist]
    assert not image[int(y) - 6 : int(y) + 7, int(x) - 6 : int(x) + 7].any()
    # The forearm's middle is black; the upper arm, still visible, is drawn.
    elbow = figure()[OPENPOSE_ORDER.index("r_elbow")]
    shoulder = figure()[OPENPOSE_ORDER.index("r_shoulder")]
    mx, my = (elbow + figure()[wrist]) / 2.0
    assert not image[int(my), int(mx)].any()
    ux, uy = (elbow + shoulder) / 2.0
    assert image[int(uy), int(ux)].any()


def test_draw_openpose_scales_with_height_and_draws_several_people() -> None:
    small = draw_openpose((512, 512), [figure()])
    large = draw_openpose((1024, 1024), [figure() * 2.0])
    # Twice the height, twice the line: about four times the lit pixels.
    ratio = large.any(axis=2).sum() / small.any(axis=2).sum()
    assert 3.5 < ratio < 4.5
    two = draw_openpose((1024, 512), [figure(), figure(dx=512.0)])
    assert np.array_equal(two[:, :512], small) and np.array_equal(two[:, 512:], small)
    # Off-screen and non-finite points neither draw nor fail.
    away = figure(dx=5000.0)
    away[0] = (np.nan, np.inf)
    assert not draw_openpose((512, 512), [away]).any()
    with pytest.raises(ValueError):
        draw_openpose((512, 512), [figure()[:17]])


def test_draw_openpose_draws_whole_discs() -> None:
    # Only the skeletons' bounding box is drawn: nothing of a disc may be cut off there.
    stick = 4  # at 512 pixels high
    for k in range(len(OPENPOSE_ORDER)):
        alone = np.zeros(18, dtype=bool)
        alone[k] = True
        image = draw_openpose((512, 512), [figure()], [alone])
        ys, xs = np.nonzero(image.any(axis=2))
        x, y = figure()[k]
        assert xs.min() == x - stick and xs.max() == x + stick, OPENPOSE_ORDER[k]
        assert ys.min() == y - stick and ys.max() == y + stick, OPENPOSE_ORDER[k]
