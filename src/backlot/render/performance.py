"""What each character does over a scene beyond its blocking: talking.

Talking spans the scratch line's own audio, so the gestures start and stop with the
voice. (Walking and sitting are in the blocking itself, which the shots are framed for.)
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from backlot.camera.models import SceneTiming
from backlot.render.models import SpokenLine

RAMP_S = 0.6
"""Seconds it takes to sit down or stand up, and to start or stop gesturing."""


class Performance(BaseModel):
    """One scene's business per character: frame ranges [start, end) talking."""

    talking: dict[str, list[tuple[int, int]]] = Field(default_factory=dict)


def scene_performance(timing: SceneTiming, lines: list[SpokenLine], fps: float) -> Performance:
    """Talking ranges of the scene's speakers, from their lines' audio."""
    talking: dict[str, list[tuple[int, int]]] = {}
    for line in lines:
        start = timing.element_frames[line.element][0]
        talking.setdefault(line.character, []).append((start, start + round(line.duration_s * fps)))
    return Performance(talking=talking)


def level(ranges: list[tuple[int, int]], frame: int, fps: float) -> float:
    """0 outside the ranges, 1 inside, eased over RAMP_S at each end."""
    ramp = max(1.0, RAMP_S * fps)
    best = 0.0
    for start, end in ranges:
        if start <= frame < end:
            inside = min(frame - start, end - 1 - frame) / ramp
            t = min(1.0, inside + 0.5 / ramp) if inside < 1.0 else 1.0
            best = max(best, t * t * (3.0 - 2.0 * t))
    return best
