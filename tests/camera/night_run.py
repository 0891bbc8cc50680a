"""The bundled example, parsed, broken down and built once for the camera tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from backlot.breakdown import analyze
from backlot.breakdown.models import Breakdown, BreakdownConfig
from backlot.config import ProjectConfig
from backlot.script import load
from backlot.script.models import Screenplay
from backlot.world.models import World
from backlot.world.stage import build_world

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "night_run" / "script.fountain"
FPS = 24.0


@cache
def night_run() -> tuple[Screenplay, Breakdown, World]:
    """Screenplay, breakdown and world of examples/night_run."""
    screenplay, _ = load(SCRIPT)
    breakdown = analyze(screenplay, BreakdownConfig())
    return screenplay, breakdown, build_world(screenplay, breakdown, ProjectConfig())
