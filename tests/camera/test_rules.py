"""The rules a plan keeps (180°, 30°, eyes in sight, camera on the set, framing), counted by
`camera/rules.py` on the example and on every corpus script, and the ray casts behind the
occlusion rule on sets built for the test."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from backlot.breakdown import analyze
from backlot.camera.occlusion import Occluders
from backlot.camera.rules import check_rules
from backlot.camera.stage import plan_shots
from backlot.config import ProjectConfig
from backlot.script import load
from backlot.world.models import Part, SetAsset, SetKind
from backlot.world.stage import build_world
from tests.camera.framing_check import static_framings
from tests.camera.night_run import night_run

EYES = (0.0, 1.6, 0.0)


def _room(*parts: Part) -> SetAsset:
    return SetAsset(
        id="int-test",
        name="TEST",
        int_ext="INT",
        kind=SetKind.ROOM,
        dimensions=(10.0, 3.0, 10.0),
        seed=0,
        parts=list(parts),
    )


def _wall(name: str, position: tuple[float, float, float], rotation: float = 0.0) -> Part:
    # 2 m wide, 2.5 m high, 10 cm thick: its long side runs along X before turning.
    return Part(
        name=name,
        size=(2.0, 2.5, 0.1),
        position=position,
        rotation_y_deg=rotation,
        label="wall",
    )


def test_a_wall_between_hides_the_eyes() -> None:
    occluders = Occluders(_room(_wall("screen", (0.0, 0.0, 2.0))))
    blocked = occluders.blocked([EYES, EYES, EYES], [(0, 1.6, 4), (3, 1.6, 4), (0, 1.6, -4)])
    # Straight behind the wall: hidden; off to the side or from the other way: seen.
    assert blocked.tolist() == [True, False, False]


def test_a_turned_wall_is_cast_in_its_own_axes() -> None:
    # The same wall turned a quarter: it now runs along Z, edge-on to the first camera.
    turned = Occluders(_room(_wall("screen", (0.0, 0.0, 2.0), rotation=90.0)))
    assert turned.blocked([EYES], [(0.0, 1.6, 4.0)]).tolist() == [True]  # along its length
    assert turned.blocked([EYES], [(1.5, 1.6, 4.0)]).tolist() == [False]  # 1 m wide: clear
    # Turned 45° (a turn about +Y takes its length from +X towards -Z), it runs across the
    # line from x = 2 and along the line from its mirror x = -2, which passes its end.
    half = Occluders(_room(_wall("screen", (0.0, 0.0, 2.0), rotation=45.0)))
    assert half.blocked([EYES], [(2.0, 1.6, 4.0)]).tolist() == [True]
    assert half.blocked([EYES], [(-2.0, 1.6, 4.0)]).tolist() == [False]


def test_over_a_low_wall_and_inside_a_solid() -> None:
    low = Part(name="counter", size=(2.0, 1.0, 0.5), position=(0.0, 0.0, 2.0), label="prop")
    occluders = Occluders(_room(low))
    assert occluders.blocked([EYES], [(0.0, 1.6, 4.0)]).tolist() == [False]  # over it
    assert occluders.blocked([EYES], [(0.0, 0.3, 4.0)]).tolist() == [True]  # from low
    # A box around the eyes themselves (a car's cabin) does not hide them.
    cabin = Part(name="cabin", size=(2.0, 2.0, 2.0), position=(0.0, 0.5, 0.0), label="body")
    assert Occluders(_room(cabin)).blocked([EYES], [(0.0, 1.6, 4.0)]).tolist() == [False]


def test_the_example_keeps_every_rule() -> None:
    screenplay, breakdown, world = night_run()
    plan = plan_shots(screenplay, breakdown, world, ProjectConfig())
    report = check_rules(plan, world)
    assert report.breaks == []
    assert report.cuts_180 > 5 and report.kept_180 == report.cuts_180
    assert report.cuts_30 > 3 and report.kept_30 == report.cuts_30
    assert report.head_visible == report.inside == report.shots == len(plan.shots)
    assert all(shot.head_visible >= 0.95 for shot in plan.shots)


def test_a_hidden_subject_is_reported() -> None:
    screenplay, breakdown, world = night_run()
    plan = plan_shots(screenplay, breakdown, world, ProjectConfig())
    shot = next(s for s in plan.shots if s.type.value == "single")
    setup = next(s for s in world.scenes if s.number == shot.scene)
    # Stand a wall between the single's camera and its subject, in the set it was shot in.
    path = next(p for p in plan.blocking[shot.scene] if p.character == shot.subjects[0])
    _, x, z, _ = path.keys[0]
    cx, _, cz = shot.keys[0].position
    # Thin and square to the sight line (a turn about +Y takes its depth, +Z, towards +X),
    # so it holds neither the lens nor the eyes.
    wall = Part(
        name="wall_in_the_way",
        size=(3.0, 3.0, 0.05),
        position=((x + cx) / 2, 0.0, (z + cz) / 2),
        rotation_y_deg=math.degrees(math.atan2(cx - x, cz - z)),
        label="wall",
    )
    sets = [
        s.model_copy(update={"parts": [*s.parts, wall]}) if s.id == setup.set else s
        for s in world.sets
    ]
    report = check_rules(plan, world.model_copy(update={"sets": sets}))
    assert any(b.shot == shot.id and b.rule == "occlusion" for b in report.breaks)


@pytest.mark.parametrize(
    "name",
    [
        "big_fish.fountain",
        "brick_and_steel.fountain",
        "my_living_memory.fountain",
        "printing_trouble.fountain",
        "the_last_birthday_card.fountain",
    ],
)
def test_corpus_scripts_keep_the_rules(corpus_dir: Path, name: str) -> None:
    config = ProjectConfig()
    screenplay, _ = load(corpus_dir / "scripts" / name)
    breakdown = analyze(screenplay, config.breakdown)
    world = build_world(screenplay, breakdown, config)
    plan = plan_shots(screenplay, breakdown, world, config)
    report = check_rules(plan, world)
    assert report.kept_180 == report.cuts_180, [b for b in report.breaks if b.rule == "180"]
    assert report.kept_30 == report.cuts_30, [b for b in report.breaks if b.rule == "30"]
    assert report.breaks == []
    assert report.head_visible == report.inside == report.shots
    # Static close shots keep their size's framing; where a camera was raised over what
    # hid the subject, the shot's reason says what the framing gave up.
    misframed = [
        (shot.id, round(error, 3))
        for shot, error in static_framings(plan, world)
        if error > 0.05 and "raised" not in shot.reason
    ]
    assert misframed == []
