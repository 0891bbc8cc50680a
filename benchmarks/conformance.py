"""Conformance: Backlot's Fountain parser against the peers' own test suites.

Runs every normalized case under <shared>/corpus/peer_suites/*/cases/ through
`backlot.script.conformance.run_suites` and reports, per suite, how many cases pass, how
many fail unexpectedly and how many fail as listed in tests/script/known_disagreements.toml
(cases where the peer departs from the Fountain spec). Always exits 0 unless the corpus is
missing (exit 2): this is a report, the test suite is the gate.

The corpus is found at $BACKLOT_SHARED or ../shared next to the repository root.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tomllib
from dataclasses import asdict
from pathlib import Path
from typing import Any

from backlot.script.conformance import CaseResult, load_disagreements, run_suites

REPO_ROOT = Path(__file__).resolve().parent.parent
DISAGREEMENTS = REPO_ROOT / "tests" / "script" / "known_disagreements.toml"


def find_shared() -> Path:
    """The shared folder: $BACKLOT_SHARED, else ../shared next to the repository root."""
    env = os.environ.get("BACKLOT_SHARED")
    return Path(env) if env else REPO_ROOT.parent / "shared"


def peer_behaviour(path: Path) -> dict[str, str]:
    """`suite/case` → the disagreement file's one-line account of what the peer does."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        f"{d['suite']}/{d['case']}": " ".join(str(d.get("peer", "")).split())
        for d in data.get("disagreement", [])
    }


def skipped_cases(suites_dir: Path) -> list[str]:
    """Cases whose expectation is not machine-readable (`expected: null`): not run."""
    skipped = []
    for path in sorted(suites_dir.glob("*/cases/*.json")):
        if json.loads(path.read_text(encoding="utf-8")).get("expected") is None:
            skipped.append(f"{path.parent.parent.name}/{path.stem}")
    return skipped


def summarize(
    results: list[CaseResult], listed: dict[str, str], skipped: list[str]
) -> dict[str, Any]:
    """Per-suite counts, unexpected failures, known disagreements and stale entries."""
    suites: dict[str, dict[str, int]] = {}
    failures, known, stale = [], [], []
    for r in results:
        counts = suites.setdefault(r.suite, {"cases": 0, "passed": 0, "failed": 0, "known": 0})
        counts["cases"] += 1
        case_id = f"{r.suite}/{r.case}"
        if r.passed:
            counts["passed"] += 1
            if r.known is not None:
                stale.append(case_id)
        elif r.known is not None:
            counts["known"] += 1
            known.append({"case": case_id, "peer": listed.get(case_id, ""), "reason": r.reason})
        else:
            counts["failed"] += 1
            failures.append({"case": case_id, "reason": r.reason})
    seen = {f"{r.suite}/{r.case}" for r in results}
    return {
        "suites": dict(sorted(suites.items())),
        "failures": failures,
        "known_disagreements": known,
        "stale_disagreements": stale,
        "unknown_disagreements": sorted(set(listed) - seen),
        "skipped": skipped,
        "results": [asdict(r) for r in results],
    }


def print_report(summary: dict[str, Any]) -> None:
    """The human-readable report."""
    from rich.console import Console
    from rich.table import Table

    console = Console() if sys.stdout.isatty() else Console(width=120)
    table = Table(title="Fountain conformance against the peers' test suites")
    table.add_column("suite")
    for name in ("cases", "passed", "failed", "known disagreements"):
        table.add_column(name, justify="right")
    totals = {"cases": 0, "passed": 0, "failed": 0, "known": 0}
    for suite, counts in summary["suites"].items():
        table.add_row(suite, *(str(counts[k]) for k in totals))
        for k in totals:
            totals[k] += counts[k]
    table.add_section()
    table.add_row("total", *(str(totals[k]) for k in totals))
    console.print(table)
    console.print("failed = not listed in known_disagreements.toml")

    def line(text: str) -> None:
        console.print(text, markup=False, highlight=False)

    line(f"\nfailures ({len(summary['failures'])}):")
    for f in summary["failures"]:
        line(f"  {f['case']}: {f['reason']}")
    if not summary["failures"]:
        line("  none")
    line(f"\nknown disagreements ({len(summary['known_disagreements'])}), the peer's behaviour:")
    for k in summary["known_disagreements"]:
        line(f"  {k['case']}: {k['peer']}")
    if not summary["known_disagreements"]:
        line("  none")
    for case in summary["stale_disagreements"]:
        line(f"\nstale: {case} is listed as a known disagreement but now passes")
    for case in summary["unknown_disagreements"]:
        line(f"\nunknown: {case} is listed as a known disagreement but no such case ran")
    if summary["skipped"]:
        line(f"\nskipped, no machine-readable expectation: {', '.join(summary['skipped'])}")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the suites, report."""
    parser = argparse.ArgumentParser(
        description="Backlot's Fountain parser against the peers' normalized test suites.",
        epilog="Corpus: $BACKLOT_SHARED or ../shared next to the repository root. "
        "Exit status 0 whatever the results; 2 when the corpus is missing.",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--disagreements",
        type=Path,
        default=DISAGREEMENTS,
        help="known disagreements file (tests/script/known_disagreements.toml)",
    )
    args = parser.parse_args(argv)

    suites_dir = find_shared() / "corpus" / "peer_suites"
    if not any(suites_dir.glob("*/cases/*.json")):
        print(
            f"corpus not found: no */cases/*.json under {suites_dir} "
            "(set BACKLOT_SHARED to the shared folder)",
            file=sys.stderr,
        )
        return 2
    if args.disagreements.is_file():
        disagreements = load_disagreements(args.disagreements)
        listed = peer_behaviour(args.disagreements)
    else:
        print(f"warning: {args.disagreements} not found; no known disagreements", file=sys.stderr)
        disagreements, listed = {}, {}

    results = run_suites(suites_dir, disagreements)
    summary = summarize(results, listed, skipped_cases(suites_dir))
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print_report(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
