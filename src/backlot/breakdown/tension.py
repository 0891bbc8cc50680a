"""Tension and emotion per scene: valence, arousal, and a smoothed curve with named beats.

Valence comes from the VADER lexicon (Hutto & Gilbert, ICWSM 2014), which ships inside the
vaderSentiment package. No arousal lexicon (NRC VAD, Warriner) is packaged on the registries
this project reaches, so arousal is measured from the page the way a reader feels pace:
exclamations, words in capitals, violent or fast action, short clipped speeches and
interruptions (a speech broken off with "--").
"""

from __future__ import annotations

import re
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from backlot.breakdown.models import ActionRequirement, Beat
from backlot.script.models import ElementType, Scene

INTENSE_VERBS = frozenset({"run", "chase", "fight", "fall", "jump", "shoot", "drive", "climb"})
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_CAPS_WORD = re.compile(r"\b[A-Z]{2,}\b")
_WORD = re.compile(r"\b\w+\b")
# Smoothing kernel over neighbouring scenes: a scene's tension carries into the next.
_KERNEL = (0.25, 0.5, 0.25)


@cache
def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def scene_emotion(scene: Scene, actions: list[ActionRequirement]) -> tuple[float, float]:
    """(valence −1…1, arousal 0…1) of one scene."""
    vader = _vader()
    weighted = 0.0
    total = 0
    exclaims = caps = words = speeches = clipped = interrupted = 0
    for element in scene.elements[1:]:
        kind = element.type
        if kind not in (ElementType.ACTION, ElementType.DIALOGUE):
            continue
        text = element.text
        for sentence in _SENTENCE.findall(text):
            size = len(sentence)
            if sentence.strip():
                weighted += vader.polarity_scores(sentence)["compound"] * size
                total += size
        exclaims += text.count("!")
        count = len(_WORD.findall(text))
        words += count
        if kind is ElementType.ACTION:
            caps += len(_CAPS_WORD.findall(text))
        else:
            speeches += 1
            clipped += count <= 6
            interrupted += text.rstrip().endswith(("--", "—", "-"))
    valence = weighted / total if total else 0.0
    if not words:
        return valence, 0.0
    intense = sum(1 for a in actions if a.verb in INTENSE_VERBS)
    signals = (
        min(1.0, exclaims / max(1, words) * 25),
        min(1.0, caps / max(1, words) * 15),
        min(1.0, intense / 3),
        clipped / speeches if speeches else 0.0,
        min(1.0, interrupted / max(1, speeches) * 3),
        max(0.0, -valence),
    )
    weights = (0.2, 0.15, 0.3, 0.1, 0.1, 0.15)
    arousal = sum(w * s for w, s in zip(weights, signals, strict=True))
    return valence, round(min(1.0, arousal), 4)


def tension_curve(raw: list[float]) -> list[float]:
    """Scale raw per-scene tension to 0…1 over the film, then smooth it."""
    if not raw:
        return []
    low, high = min(raw), max(raw)
    scaled = [(r - low) / (high - low) if high > low else 0.0 for r in raw]
    smoothed = []
    for i in range(len(scaled)):
        total = weight = 0.0
        for k, w in zip((-1, 0, 1), _KERNEL, strict=True):
            if 0 <= i + k < len(scaled):
                total += w * scaled[i + k]
                weight += w
        smoothed.append(round(total / weight, 4))
    return smoothed


def name_beats(
    curve: list[float], scenes: list[Scene], actions: list[list[ActionRequirement]]
) -> list[Beat]:
    """The curve's peaks as beats: the highest is the climax, an early one the inciting
    incident; the others are named by what happens in them."""
    if len(curve) < 3:
        return []
    mean = sum(curve) / len(curve)
    peaks = [
        i
        for i in range(len(curve))
        if curve[i] > mean
        and (i == 0 or curve[i] > curve[i - 1])
        and (i == len(curve) - 1 or curve[i] >= curve[i + 1])
    ]
    if not peaks:
        return []
    climax = max(peaks, key=lambda i: (curve[i], -i))
    beats = []
    for i in peaks:
        scene = scenes[i]
        if i == climax:
            name = "climax"
        elif i == peaks[0] and i < len(curve) / 4:
            name = "inciting incident"
        else:
            verbs = [a.verb for a in actions[i] if a.verb in INTENSE_VERBS]
            what = max(sorted(set(verbs)), key=verbs.count) if verbs else "confrontation"
            name = f"{what} at {scene.location.lower() or scene.heading.lower()}"
        beats.append(Beat(name=name, scene=scene.number, line=scene.line, tension=curve[i]))
    return beats
