"""What each character does over a scene beyond walking its path: sitting and talking.

Sitting comes from the breakdown's action requirements (sit … stand), placed at the
frame where the script element that says so begins; talking spans the scratch line's
own audio, so the gestures start and stop with the voice.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from backlot.breakdown.models import SceneBreakdown
from backlot.camera.blocking import element_at_line
from backlot.camera.models import SceneTiming
from backlot.render.models import SpokenLine
from backlot.script.models import Scene

RAMP_S = 0.6
"""Seconds it takes to sit down or stand up, and to start or stop gesturing."""


class Performance(BaseModel):
    """One scene's business per character: frame ranges [start, end) seated and talking."""

    sitting: dict[str, list[tuple[int, int]]] = Field(default_factory=dict)
    talking: dict[str, list[tuple[int, int]]] = Field(default_factory=dict)


def scene_performance(
    scene: Scene,
    row: SceneBreakdown,
    timing: SceneTiming,
    lines: list[SpokenLine],
    cast_ids: dict[str, str],
    fps: float,
) -> Performance:
    """Seated and talking ranges of the scene's characters (`cast_ids`: name → id)."""
    seated_since: dict[str, int] = {}
    sitting: dict[str, list[tuple[int, int]]] = {}
    for action in sorted(row.actions, key=lambda a: a.line):
        if action.verb not in ("sit", "stand"):
            continue
        index = element_at_line(scene.elements, action.line)
        frame = timing.element_frames[index][0] if index is not None else 0
        for name in action.characters:
            who = cast_ids.get(name.upper())
            if who is None:
                continue
            if action.verb == "sit":
                seated_since.setdefault(who, frame)
            elif who in seated_since:
                sitting.setdefault(who, []).append((seated_since.pop(who), frame))
    for who, start in seated_since.items():
        sitting.setdefault(who, []).append((start, timing.frames))
    talking: dict[str, list[tuple[int, int]]] = {}
    for line in lines:
        start = timing.element_frames[line.element][0]
        talking.setdefault(line.character, []).append(
            (start, start + round(line.duration_s * fps))
        )
    return Performance(sitting=sitting, talking=talking)


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
