"""How long each script element plays on screen: the default cut's clock for a scene.

Dialogue runs at the configured speaking rate with a short pause after each speech; action
is read at about three words a second (never less than a beat and a half) and lengthened
for physical business, since a chase takes longer to play than to read. The scene heading
gives the scene's first shot a moment to breathe; notes, sections and synopses are not seen.
"""

from __future__ import annotations

from backlot.breakdown.lexicon import tokenize, verb_base
from backlot.camera.models import CameraConfig, SceneTiming
from backlot.script.models import Element, ElementType, Scene

SPEECH_PAUSE_S = 0.3
"""Silence after each speech, before the next line or business."""
PARENTHETICAL_S = 0.5
TRANSITION_S = 1.0
OPENING_S = 1.5
"""Breathing room the scene heading gives the scene's first shot."""
READING_WPS = 3.0
"""Words per second an action line is read at."""
ACTION_MIN_S = 1.5
ACTION_MAX_EXTRA_S = 4.0
"""Cap on the extra time physical business adds to one action element."""

# Extra seconds a verb's business adds to the action it is written in (base forms).
VERB_EXTRA_S: dict[str, float] = {
    "run": 2.0,
    "sprint": 2.0,
    "chase": 2.0,
    "fight": 2.0,
    "drive": 2.0,
    "race": 2.0,
    "flee": 2.0,
    "struggle": 2.0,
    "jump": 1.0,
    "vault": 1.0,
    "climb": 1.0,
    "fall": 1.0,
    "stumble": 1.0,
    "scramble": 1.0,
    "crash": 1.0,
    "swerve": 1.0,
    "fishtail": 1.0,
    "throw": 1.0,
    "walk": 1.0,
}


def _words(text: str) -> int:
    return len(tokenize(text))


def action_seconds(text: str) -> float:
    """Reading time of an action paragraph, lengthened once per distinct action verb."""
    verbs = {verb_base(token.lower) for token in tokenize(text)}
    extra = min(ACTION_MAX_EXTRA_S, sum(VERB_EXTRA_S.get(v, 0.0) for v in sorted(verbs)))
    return max(ACTION_MIN_S, _words(text) / READING_WPS) + extra


def element_seconds(
    element: Element, config: CameraConfig, first: bool, spoken_s: float | None = None
) -> float:
    """Screen time of one element; `first` marks the scene's opening element, `spoken_s`
    is how long the scratch track takes to say it (the speaking rate estimates it if None)."""
    kind = element.type
    if kind is ElementType.SCENE_HEADING:
        return OPENING_S if first else 0.0
    if kind in (ElementType.DIALOGUE, ElementType.LYRICS):
        if spoken_s is None:
            spoken_s = _words(element.text) * 60.0 / config.words_per_minute
        return spoken_s + SPEECH_PAUSE_S
    if kind is ElementType.PARENTHETICAL:
        return PARENTHETICAL_S
    if kind in (ElementType.ACTION, ElementType.CENTERED):
        return action_seconds(element.text)
    if kind is ElementType.TRANSITION:
        return TRANSITION_S
    # Character cues, page breaks, notes, sections and synopses take no screen time.
    return 0.0


def scene_timing(
    scene: Scene, fps: float, config: CameraConfig, spoken: dict[int, float] | None = None
) -> SceneTiming:
    """Each element's (start frame, frames) and the scene's length in frames; `spoken`
    gives the scratch track's duration (seconds) of dialogue elements by index.

    Boundaries are rounded on the running total rather than per element, so rounding never
    accumulates: the frames always sum to the scene's length.
    """
    element_frames: list[tuple[int, int]] = []
    seconds = 0.0
    start = 0
    for i, element in enumerate(scene.elements):
        spoken_s = spoken.get(i) if spoken else None
        seconds += element_seconds(element, config, first=i == 0, spoken_s=spoken_s)
        end = round(seconds * fps)
        element_frames.append((start, end - start))
        start = end
    return SceneTiming(scene=scene.number, frames=start, element_frames=element_frames)
