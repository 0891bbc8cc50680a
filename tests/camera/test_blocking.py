"""Blocking: marks, facing in dialogue, paths round items and inside the set."""

from __future__ import annotations

import math

from backlot.camera.blocking import block_scene, landmarks_at, pose_at, speeches
from backlot.camera.models import CameraConfig, CharacterPath
from backlot.camera.timing import scene_timing
from backlot.world.build import footprint
from backlot.world.models import PlacedItem, SetAsset
from tests.camera.night_run import FPS, night_run


def _paths(number: str, asset: SetAsset | None = None) -> tuple[list[CharacterPath], SetAsset]:
    screenplay, breakdown, world = night_run()
    index = [s.number for s in screenplay.scenes].index(number)
    scene, setup = screenplay.scenes[index], world.scenes[index]
    asset = asset or next(s for s in world.sets if s.id == setup.set)
    timing = scene_timing(scene, FPS, CameraConfig())
    paths = block_scene(setup, asset, world.characters, breakdown.scenes[index], timing, scene)
    return paths, asset


def _samples(path: CharacterPath, steps: int = 20) -> list[tuple[float, float]]:
    points = []
    for (_, ax, az, _), (_, bx, bz, _) in zip(path.keys, path.keys[1:], strict=False):
        points += [
            (ax + (bx - ax) * t / steps, az + (bz - az) * t / steps) for t in range(steps + 1)
        ]
    return points or [(path.keys[0][1], path.keys[0][2])]


def _angle(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def test_everyone_starts_on_a_mark() -> None:
    _, _, world = night_run()
    for setup in world.scenes:
        paths, asset = _paths(setup.number)
        assert [p.character for p in paths] == setup.cast
        for path, mark in zip(paths, asset.marks, strict=False):
            assert path.keys[0][0] == 0
            assert math.dist(path.keys[0][1:3], (mark.position[0], mark.position[2])) < 1e-6


def test_dialogue_pairs_face_each_other() -> None:
    screenplay, _, world = night_run()
    scene = screenplay.scenes[6]  # the diner: Ruth, Maya and Leo talk
    paths, _ = _paths("7")
    by_id = {p.character: p for p in paths}
    ids = {c.name: c.id for c in world.characters}
    timing = scene_timing(scene, FPS, CameraConfig())
    checked = 0
    previous = None
    for index, name in speeches(scene):
        speaker = ids[name]
        if previous and previous != speaker:
            frame = timing.element_frames[index][0] + 1
            for me, other in ((speaker, previous), (previous, speaker)):
                x, z, facing = pose_at(by_id[me], frame)
                ox, oz, _ = pose_at(by_id[other], frame)
                toward = math.degrees(math.atan2(ox - x, oz - z)) % 360.0
                assert _angle(facing, toward) <= 10.0
            checked += 1
        previous = speaker
    assert checked >= 4


def test_paths_stay_in_bounds_and_off_items() -> None:
    _, _, world = night_run()
    for setup in world.scenes:
        paths, asset = _paths(setup.number)
        w, _, d = asset.dimensions
        rects = [footprint(item) for item in asset.items]
        for path in paths:
            frames = [k[0] for k in path.keys]
            assert frames == sorted(frames)
            for x, z in _samples(path):
                assert -w / 2 <= x <= w / 2 and -d / 2 <= z <= d / 2
                assert not any(r[0] < x < r[2] and r[1] < z < r[3] for r in rects)


def test_walk_goes_round_an_item_in_the_way() -> None:
    # Scene 8: Maya and Leo walk the pier. Put a crate on the straight line Maya would take.
    plain, asset = _paths("8")
    maya = plain[0]
    (ax, az), (bx, bz) = maya.keys[0][1:3], maya.keys[2][1:3]
    assert math.dist((ax, az), (bx, bz)) > 1.0  # she does move
    crate = PlacedItem(
        name="crate",
        category="set_dressing",
        position=((ax + bx) / 2, 0.0, (az + bz) / 2),
        size=(0.6, 1.0, 0.6),
        surface="quay",
    )
    blocked = asset.model_copy(update={"items": [*asset.items, crate]})
    paths, _ = _paths("8", blocked)
    x0, z0, x1, z1 = footprint(crate)
    for path in paths:
        for x, z in _samples(path, steps=50):
            assert not (x0 < x < x1 and z0 < z < z1)
    assert len(paths[0].keys) > len(maya.keys)  # a detour corner was added


def test_runner_moves_and_landmarks_follow() -> None:
    paths, _ = _paths("3")
    leo = paths[0]
    assert leo.character == "char-leo"
    assert math.dist(pose_at(leo, 0)[:2], pose_at(leo, leo.keys[-1][0])[:2]) > 1.0
    marks = landmarks_at(leo, 0, leo.height_m)
    assert marks["head_top"][1] == leo.height_m and marks["feet"][1] == 0.0
    assert marks["eyes"][1] > marks["chin"][1] > marks["chest"][1] > marks["waist"][1]
    assert marks["feet"][0] == leo.keys[0][1] and marks["feet"][2] == leo.keys[0][2]


def test_deterministic() -> None:
    assert _paths("8")[0] == _paths("8")[0]
