"""World building on the corpus: sets, reuse and time.

For every corpus script: distinct sets, scenes, characters, the reuse ratio (scene uses ÷
distinct sets), and the time to build the world model and to write its USD and GLB files
(the script and breakdown stages excluded). Goal: a feature-length script under 30 s.

    .venv/bin/python benchmarks/world.py [--json]

The corpus is found at $BACKLOT_SHARED or ../shared next to the repository root.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from backlot.breakdown import analyze
from backlot.config import ProjectConfig
from backlot.script import load
from backlot.world.stage import build_world
from backlot.world.stage import export as export_world

REPO_ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print machine-readable figures")
    args = parser.parse_args()
    shared = Path(os.environ.get("BACKLOT_SHARED", REPO_ROOT.parent / "shared"))
    scripts = sorted((shared / "corpus" / "scripts").glob("*.fountain"))
    if not scripts:
        print(f"no corpus scripts under {shared} (set BACKLOT_SHARED)", file=sys.stderr)
        return 2
    config = ProjectConfig()
    rows = []
    for path in scripts:
        screenplay, _ = load(path)
        breakdown = analyze(screenplay, config.breakdown)
        start = time.perf_counter()
        world = build_world(screenplay, breakdown, config)
        built = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            files = export_world(world, Path(out))
            written = time.perf_counter() - start
        rows.append(
            {
                "script": path.name,
                "pages": screenplay.pages,
                "sets": world.stats.sets,
                "scenes": world.stats.scenes,
                "characters": world.stats.characters,
                "reuse_ratio": world.stats.reuse_ratio,
                "build_s": round(built, 3),
                "export_s": round(written, 3),
                "files": len(files),
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    table = Table(title="World on the corpus (goal: a feature under 30 s)")
    for column in rows[0]:
        table.add_column(column, justify="left" if column == "script" else "right")
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
