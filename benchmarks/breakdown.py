"""Breakdown quality and speed.

Quality: precision, recall and F1 per category against the hand-annotated scenes in
tests/breakdown/annotations/ (the development set, 98 scenes of six scripts; the *_round2,
*_round3 and *_round4 files were written blind to the tagger and scored before it was fitted
to them) and tests/breakdown/heldout/ (74 scenes written later by hand without seeing the
tagger, the last 25 of them as round 5; round 5's two time-of-day and three speaking-cast
errors were mended by general rules after it was scored, but no rule was fitted to its item
lists), plus INT/EXT and time-of-day accuracy and the speaking cast. The held-out scenes
were annotated twice, by two annotators working apart (heldout/ and heldout_b/): how far
the second agrees with the first is printed beside the tagger's scores against each, the
ceiling any tagger is measured under.
Speed: the breakdown of every corpus script (parse and pagination excluded, they are the
script stage's), best of N runs; and the whole `backlot breakdown` command on the longest
script, as a user runs it (a new process: start-up, parse, breakdown, JSON written).

    .venv/bin/python benchmarks/breakdown.py [--runs N] [--json]

The corpus is found at $BACKLOT_SHARED or ../shared next to the repository root.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from backlot.breakdown import analyze
from backlot.breakdown.evaluation import Evaluation, agreement, evaluate
from backlot.breakdown.models import Breakdown, BreakdownConfig
from backlot.script import load
from backlot.script.models import Screenplay

REPO_ROOT = Path(__file__).resolve().parent.parent
# Two gold sets: the one the rules were developed against, and a held-out one written later
# without seeing the tagger, which says how the rules carry to scenes they were not fitted to.
SETS = {
    "development": sorted((REPO_ROOT / "tests" / "breakdown" / "annotations").glob("*.toml")),
    "held-out": sorted((REPO_ROOT / "tests" / "breakdown" / "heldout").glob("*.toml")),
    "held-out, second annotator": sorted(
        (REPO_ROOT / "tests" / "breakdown" / "heldout_b").glob("*.toml")
    ),
}
EXAMPLE = REPO_ROOT / "examples" / "night_run" / "script.fountain"
GOALS = {"props": 0.8, "vehicles": 0.8, "wardrobe": 0.8, "sound": 0.8, "special_effects": 0.8}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timing runs per script (best of)")
    parser.add_argument("--json", action="store_true", help="print machine-readable figures")
    args = parser.parse_args()
    shared = Path(os.environ.get("BACKLOT_SHARED", REPO_ROOT.parent / "shared"))
    scripts_dir = shared / "corpus" / "scripts"
    if not scripts_dir.is_dir():
        print(f"corpus not found at {scripts_dir} (set BACKLOT_SHARED)", file=sys.stderr)
        return 2

    loaded: dict[str, tuple[Screenplay, Breakdown]] = {}

    def load_script(name: str) -> tuple[Screenplay, Breakdown]:
        if name not in loaded:
            path = EXAMPLE if name == "night_run" else scripts_dir / name
            screenplay, _ = load(path)
            loaded[name] = (screenplay, analyze(screenplay, BreakdownConfig()))
        return loaded[name]

    results = {name: evaluate(files, load_script) for name, files in SETS.items() if files}
    agreed = agreement(SETS["held-out"], SETS["held-out, second annotator"])
    timings = {}
    for path in sorted(scripts_dir.glob("*.fountain")):
        screenplay, _ = load(path)
        best = float("inf")
        for _ in range(args.runs):
            start = time.perf_counter()
            analyze(screenplay, BreakdownConfig())
            best = min(best, time.perf_counter() - start)
        timings[path.name] = {"pages": screenplay.pages, "seconds": round(best, 4)}
    longest = max(timings, key=lambda name: timings[name]["pages"])  # the first, of ties
    command = {
        "script": longest,
        "seconds": round(_command_time(scripts_dir / longest, args.runs), 3),
    }

    if args.json:
        print(
            json.dumps(
                {
                    "sets": {name: _figures(result) for name, result in results.items()},
                    "annotator_agreement": _figures(agreed),
                    "timings": timings,
                    "command": command,
                },
                indent=2,
            )
        )
        return 0

    console = Console()
    for set_name, result in results.items():
        _print_quality(console, set_name, result)
    if agreed.scenes:
        _print_agreement(console, results, agreed)
    timing = Table(title=f"Breakdown time (best of {args.runs}; goal: a feature under 2 s)")
    for column in ("script", "pages", "seconds"):
        timing.add_column(column, justify="left" if column == "script" else "right")
    for name, t in timings.items():
        timing.add_row(name, str(t["pages"]), f"{t['seconds']:.3f}")
    console.print(timing)
    console.print(
        f"`backlot breakdown {command['script']}`, whole command (best of {args.runs}): "
        f"{command['seconds']:.2f} s"
    )
    return 0


def _command_time(script: Path, runs: int) -> float:
    """Best wall time of `backlot breakdown SCRIPT` in a new process."""
    best = float("inf")
    with tempfile.TemporaryDirectory() as out:
        for _ in range(runs):
            start = time.perf_counter()
            run = subprocess.run(
                [sys.executable, "-m", "backlot", "breakdown", str(script), "-o", out],
                capture_output=True,
                text=True,
            )
            if run.returncode:
                raise SystemExit(f"backlot breakdown {script.name} failed: {run.stderr.strip()}")
            best = min(best, time.perf_counter() - start)
    return best


def _figures(result: Evaluation) -> dict:
    return {
        "scenes": result.scenes,
        "heading_errors": result.heading_errors,
        "speaking_cast": {
            "precision": result.speaking_cast.precision,
            "recall": result.speaking_cast.recall,
        },
        "categories": {
            name: {
                "precision": s.precision,
                "recall": s.recall,
                "f1": s.f1,
                "gold": s.true_pos + s.false_neg,
            }
            for name, s in result.categories.items()
        },
    }


def _print_agreement(console: Console, results: dict[str, Evaluation], agreed: Evaluation) -> None:
    table = Table(
        title=f"Held-out F1: the tagger against each annotator, and the second annotator "
        f"against the first ({agreed.scenes} scenes both annotated)"
    )
    for column in ("category", "tagger vs first", "tagger vs second", "second vs first"):
        table.add_column(column, justify="left" if column == "category" else "right")
    first, second = results["held-out"], results["held-out, second annotator"]
    for name, s in agreed.categories.items():
        table.add_row(
            name,
            f"{first.categories[name].f1:.2f}",
            f"{second.categories[name].f1:.2f}",
            f"{s.f1:.2f}",
        )
    console.print(table)


def _print_quality(console: Console, set_name: str, result: Evaluation) -> None:
    table = Table(title=f"Breakdown quality, {set_name} set: {result.scenes} hand-annotated scenes")
    for column in ("category", "gold", "found", "precision", "recall", "F1", "goal"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for name, s in result.categories.items():
        goal = GOALS.get(name)
        mark = "" if goal is None else (f"≥{goal} ✓" if s.f1 >= goal else f"≥{goal} ✗")
        table.add_row(
            name,
            str(s.true_pos + s.false_neg),
            str(s.true_pos + s.false_pos),
            f"{s.precision:.2f}",
            f"{s.recall:.2f}",
            f"{s.f1:.2f}",
            mark,
        )
    console.print(table)
    sc = result.speaking_cast
    console.print(
        f"speaking cast: precision {sc.precision:.2f}, recall {sc.recall:.2f} (goal 1.00); "
        f"INT/EXT and time of day: {result.scenes - len(result.heading_errors)}/{result.scenes}"
        " scenes right (goal all)"
    )
    for error in result.heading_errors:
        console.print(f"  {error}")


if __name__ == "__main__":
    sys.exit(main())
