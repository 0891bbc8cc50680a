"""Scene timing: element frames add up, and longer speeches play longer."""

from __future__ import annotations

from backlot.camera.models import CameraConfig
from backlot.camera.timing import OPENING_S, scene_timing
from backlot.script.models import Element, ElementType, Scene
from tests.camera.night_run import FPS, night_run


def _scene(*elements: tuple[ElementType, str]) -> Scene:
    return Scene(
        number="1",
        heading="INT. ROOM - DAY",
        line=1,
        elements=[Element(type=t, text=text, line=i + 1) for i, (t, text) in enumerate(elements)],
    )


def test_frames_sum_and_starts_are_cumulative() -> None:
    screenplay, _, _ = night_run()
    for scene in screenplay.scenes:
        timing = scene_timing(scene, FPS, CameraConfig())
        assert len(timing.element_frames) == len(scene.elements)
        assert sum(f for _, f in timing.element_frames) == timing.frames > 0
        start = 0
        for s, f in timing.element_frames:
            assert s == start and f >= 0
            start += f


def test_heading_breathes_and_cues_take_no_time() -> None:
    scene = _scene(
        (ElementType.SCENE_HEADING, "INT. ROOM - DAY"),
        (ElementType.CHARACTER, "ANNA"),
        (ElementType.DIALOGUE, "Hello."),
        (ElementType.NOTE, "a note"),
    )
    frames = [f for _, f in scene_timing(scene, FPS, CameraConfig()).element_frames]
    assert frames[0] == round(OPENING_S * FPS)
    assert frames[1] == 0 and frames[3] == 0


def test_longer_speech_takes_more_frames() -> None:
    short = "Hello there."
    long = "Hello there, it has been a very long time since we last spoke like this."
    scene = _scene(
        (ElementType.SCENE_HEADING, "INT. ROOM - DAY"),
        (ElementType.CHARACTER, "ANNA"),
        (ElementType.DIALOGUE, short),
        (ElementType.CHARACTER, "BEN"),
        (ElementType.DIALOGUE, long),
    )
    frames = [f for _, f in scene_timing(scene, FPS, CameraConfig()).element_frames]
    assert frames[4] > frames[2]
    # A faster speaker takes fewer frames for the same words.
    fast = scene_timing(scene, FPS, CameraConfig(words_per_minute=300.0))
    assert fast.element_frames[4][1] < frames[4]


def test_action_verbs_lengthen_action() -> None:
    calm = _scene((ElementType.ACTION, "She looks at the old door for a while."))
    chase = _scene((ElementType.ACTION, "She runs at the old door for a while."))
    assert (
        scene_timing(chase, FPS, CameraConfig()).frames
        > scene_timing(calm, FPS, CameraConfig()).frames
    )


def test_deterministic() -> None:
    screenplay, _, _ = night_run()
    scene = screenplay.scenes[6]
    assert scene_timing(scene, FPS, CameraConfig()) == scene_timing(scene, FPS, CameraConfig())
