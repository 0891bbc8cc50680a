"""Coverage: every element in exactly one shot, contiguous shots, film idioms, directions."""

from __future__ import annotations

from pathlib import Path

from backlot.breakdown import analyze
from backlot.breakdown.models import Breakdown, BreakdownConfig
from backlot.camera.coverage import ShotSpec, plan_coverage
from backlot.camera.models import CameraConfig, Move, ShotSize, ShotType
from backlot.camera.timing import scene_timing
from backlot.config import ProjectConfig
from backlot.script import load
from backlot.script.models import Screenplay
from backlot.world.models import World
from backlot.world.stage import build_world
from tests.camera.night_run import FPS, night_run


def _plan(screenplay: Screenplay, breakdown: Breakdown, world: World) -> dict[str, list[ShotSpec]]:
    ids = {c.name: c.id for c in world.characters}
    seen: set[str] = set()
    plans = {}
    for scene, sheet, setup in zip(screenplay.scenes, breakdown.scenes, world.scenes, strict=True):
        timing = scene_timing(scene, FPS, CameraConfig())
        first = setup.set not in seen
        seen.add(setup.set)
        plans[scene.number] = plan_coverage(scene.number, sheet, setup, first, timing, scene, ids)
    return plans


def test_every_element_once_and_shots_contiguous() -> None:
    screenplay, breakdown, world = night_run()
    plans = _plan(screenplay, breakdown, world)
    for scene in screenplay.scenes:
        shots = plans[scene.number]
        covered = sorted(i for shot in shots for i in shot.elements)
        assert covered == list(range(len(scene.elements)))
        timing = scene_timing(scene, FPS, CameraConfig())
        frame = 0
        for shot in shots:
            assert shot.start_frame == frame and shot.frames > 0
            assert shot.frames == sum(timing.element_frames[i][1] for i in shot.elements)
            frame += shot.frames
        assert frame == timing.frames


def test_idioms_on_the_example() -> None:
    screenplay, breakdown, world = night_run()
    plans = _plan(screenplay, breakdown, world)
    opening = plans["1"][0]  # first at the harbour road, and an exterior
    assert opening.type is ShotType.ESTABLISHING and opening.size is ShotSize.EWS
    assert opening.move is Move.CRANE and 0 in opening.elements  # cranes down into it
    back = plans["4"][0]  # back at the harbour road: an exterior, not the first time
    assert back.type is ShotType.ESTABLISHING and back.move is Move.PAN
    diner = plans["7"]  # Ruth, Maya and Leo talk
    types = {shot.type for shot in diner}
    assert {ShotType.TWO_SHOT, ShotType.OTS, ShotType.SINGLE} <= types
    speakers = {s for shot in diner if shot.type is ShotType.SINGLE for s in shot.subjects}
    assert len(speakers) >= 2
    assert any(shot.type is ShotType.MASTER for shot in diner)
    # The run in the warehouse district (tension 0.75) is followed.
    assert any(shot.move is Move.FOLLOW for shot in plans["3"])
    # Maya and Leo slide into the booth and sit: the camera sinks with them.
    assert any(shot.move is Move.PEDESTAL and "sit" in shot.reason for shot in diner)


def test_script_direction_wins(tmp_path: Path) -> None:
    script = tmp_path / "letter.fountain"
    script.write_text(
        "INT. KITCHEN - NIGHT\n\n"
        "ANNA sits at the table. BEN stands by the window.\n\n"
        "ANNA\nYou wrote to her.\n\n"
        "BEN\nI did.\n\n"
        "CLOSE ON the letter.\n\n"
        "ANNA\nWhy?\n",
        encoding="utf-8",
    )
    screenplay, _ = load(script)
    breakdown = analyze(screenplay, BreakdownConfig())
    world = build_world(screenplay, breakdown, ProjectConfig())
    shots = _plan(screenplay, breakdown, world)[screenplay.scenes[0].number]
    elements = screenplay.scenes[0].elements
    index = next(i for i, e in enumerate(elements) if e.text.startswith("CLOSE ON"))
    shot = next(s for s in shots if index in s.elements)
    assert shot.type is ShotType.INSERT and shot.size in (ShotSize.CU, ShotSize.ECU)
    assert "CLOSE ON" in shot.reason
    assert shot.elements == [index]


def test_deterministic() -> None:
    screenplay, breakdown, world = night_run()
    assert _plan(screenplay, breakdown, world) == _plan(screenplay, breakdown, world)
