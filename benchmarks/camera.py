"""Shot planning on the corpus: rule compliance and time.

For every corpus script: shots planned; framing error of static singles, OTS and reactions
(projected landmarks vs the size's target height; goal ≤ 5 %); the 180° rule (share of a
scene's pair shots on the master's side of the line); the 30° rule (share of consecutive
cuts on the same subject that move ≥ 30° or change size by two steps); cameras inside the
set and above the floor; and the planning time (goal: a feature under 10 s).

    .venv/bin/python benchmarks/camera.py [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from backlot.breakdown import analyze
from backlot.camera.blocking import pose_at, seated_at
from backlot.camera.framing import framing_error
from backlot.camera.models import Move, ShotPlan
from backlot.camera.rules import check_rules
from backlot.camera.stage import plan_shots
from backlot.config import ProjectConfig
from backlot.script import load
from backlot.world.models import World
from backlot.world.stage import build_world

REPO_ROOT = Path(__file__).resolve().parent.parent
FRAMED = ("single", "reaction", "ots")


def compliance(plan: ShotPlan, world: World) -> dict[str, float | int]:
    """The rules, measured on a plan: framing here, the rest as `camera/rules.py` counts."""
    heights = {c.id: c.look.height_m for c in world.characters}
    errors = []
    for shot in plan.shots:
        paths = {p.character: p for p in plan.blocking[shot.scene]}
        main = shot.subjects[0] if shot.subjects else None
        if shot.move is not Move.STATIC or shot.type.value not in FRAMED or main not in paths:
            continue
        x, z, _ = pose_at(paths[main], shot.start_frame)
        if pose_at(paths[main], shot.start_frame + shot.frames - 1)[:2] != (x, z):
            continue
        key = shot.keys[0]
        errors.append(
            framing_error(
                key.position,
                key.target,
                (x, 0.0, z),
                heights[main],
                shot.size,
                shot.lens_mm,
                (24.89, 18.66),
                plan.resolution,
                seated=seated_at(paths[main], shot.start_frame),
            )
        )
    report = check_rules(plan, world)
    moves = Counter(shot.move.value for shot in plan.shots)
    return {
        "shots": len(plan.shots),
        "framed": len(errors),
        "framing_within_5pct": sum(e <= 0.05 for e in errors) / len(errors) if errors else 1.0,
        "framing_error_max": max(errors, default=0.0),
        "rule_180": report.kept_180 / report.cuts_180 if report.cuts_180 else 1.0,
        "rule_30": report.kept_30 / report.cuts_30 if report.cuts_30 else 1.0,
        "head_visible": report.head_visible / report.shots if report.shots else 1.0,
        "camera_inside": report.inside / report.shots if report.shots else 1.0,
        "moves": len(moves),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print machine-readable figures")
    args = parser.parse_args()
    shared = Path(os.environ.get("BACKLOT_SHARED", REPO_ROOT.parent / "shared"))
    scripts = sorted((shared / "corpus" / "scripts").glob("*.fountain"))
    scripts.append(REPO_ROOT / "examples" / "night_run" / "script.fountain")
    config = ProjectConfig()
    rows = []
    for path in scripts:
        screenplay, _ = load(path)
        breakdown = analyze(screenplay, config.breakdown)
        world = build_world(screenplay, breakdown, config)
        start = time.perf_counter()
        plan = plan_shots(screenplay, breakdown, world, config)
        seconds = time.perf_counter() - start
        row = {"script": path.name if path.parent.name != "night_run" else "night_run"}
        row |= compliance(plan, world) | {"plan_s": round(seconds, 3)}
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    table = Table(
        title="Shot planning: rules and time (goals: framing ≤ 5 %, rules 100 %, "
        "a feature under 10 s)"
    )
    for column in rows[0]:
        table.add_column(column, justify="left" if column == "script" else "right")
    for row in rows:
        table.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()))
    Console(width=200).print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
