"""Fountain parse speed: Backlot against the peer parsers screenplain and Jouvence.

Every `*.fountain` under <shared>/corpus/scripts/ is decoded once, then each parser is timed
on the decoded text (no file I/O): loops are sized so one measurement takes at least
`--min-time` seconds, and `--repeat` rounds each time every parser once, in turn (so the
machine's speed drift falls on all of them alike); the best per-parse time is reported (the
median is in `--json`). A synthetic full-length feature, built from the other
corpus scripts' bodies, is measured too. Each parser first parses each input once in a child
process, so a peer that raises or never returns is reported instead of stopping the run.

The corpus is found at $BACKLOT_SHARED or ../shared next to the repository root.
Peers come from the `bench` extra: `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import multiprocessing
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
GOAL = "goal: ≥3× faster than the fastest peer on every script; 120-page feature well under 50 ms"
GOAL_RATIO = 3.0
GOAL_FEATURE_MS = 50.0
FEATURE_NAME = "feature-120p (synthetic)"
REFERENCE_FEATURE = "big_fish.fountain"  # ~120 pages (125 as Backlot paginates it)
PARSERS = ("backlot", "screenplain", "jouvence")

_TITLE_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9 _-]*:")
_BONEYARD = re.compile(r"/\*.*?\*/", re.DOTALL)


# --- parsers -------------------------------------------------------------------------------


def _backlot_parser() -> Callable[[str], object]:
    from backlot.script.fountain import parse_fountain

    return parse_fountain


def _screenplain_parser() -> Callable[[str], object]:
    # screenplain.parsers.fountain.parse(stream) reads the stream, removes boneyard and
    # parses the lines; wrapping the decoded text in a StringIO costs no I/O.
    from screenplain.parsers.fountain import parse

    return lambda text: parse(io.StringIO(text))


def _jouvence_parser() -> Callable[[str], object]:
    from jouvence.parser import JouvenceParser

    return lambda text: JouvenceParser().parseString(text)


_FACTORIES: dict[str, Callable[[], Callable[[str], object]]] = {
    "backlot": _backlot_parser,
    "screenplain": _screenplain_parser,
    "jouvence": _jouvence_parser,
}


def _get_parser(name: str) -> Callable[[str], object] | None:
    """The parse function for `name`, or None when its package is not installed."""
    try:
        return _FACTORIES[name]()
    except ImportError:
        return None


def _cold_parser() -> Callable[[str], object]:
    """Backlot's parse with its memos (cue and heading splits) emptied first: a script's
    first parse, where the table's figure is a re-parse, as in editing."""
    from backlot.script.assemble import split_cue
    from backlot.script.fountain import parse_fountain
    from backlot.script.headings import split_heading

    def parse(text: str) -> object:
        split_cue.cache_clear()
        split_heading.cache_clear()
        return parse_fountain(text)

    return parse


def _get_loader() -> Callable[[Path], object] | None:
    """`backlot.script.load` (parse + pagination) when the package has it."""
    try:
        from backlot.script import load  # type: ignore[attr-defined]
    except ImportError:
        return None
    return load


# --- inputs --------------------------------------------------------------------------------


@dataclass
class Input:
    """One text to parse; `path` is where the loader reads it from."""

    name: str
    text: str
    path: Path
    note: str = ""


def find_shared() -> Path:
    """The shared folder: $BACKLOT_SHARED, else ../shared next to the repository root."""
    env = os.environ.get("BACKLOT_SHARED")
    return Path(env) if env else REPO_ROOT.parent / "shared"


def _body(text: str) -> str:
    """The script without its title page (the lines up to the first blank one)."""
    lines = text.split("\n")
    if lines and _TITLE_KEY.match(lines[0]):
        for index, line in enumerate(lines):
            if not line.strip():
                return "\n".join(lines[index + 1 :])
        return ""
    return text


def synthetic_feature(scripts: list[Input], size: int) -> tuple[str, str]:
    """The other scripts' bodies, cycled until the text is `size` characters; and a note."""
    sources = [s for s in scripts if not s.name.startswith("big_fish")]
    # Beat appends its metadata as one boneyard at the end of a file; drop boneyards so the
    # feature is screenplay text only (Jouvence also never returns on such a last line).
    bodies = [_BONEYARD.sub("", _body(s.text).replace("\r\n", "\n")).strip("\n") for s in sources]
    parts = ["Title: Synthetic Feature\nCredit: written by\nAuthor: the Backlot corpus\n"]
    length, index = len(parts[0]), 0
    while length < size and any(bodies):
        body = bodies[index % len(bodies)]
        parts.append(body)
        length += len(body) + 2
        index += 1
    text = "\n\n".join(parts) + "\n"
    note = (
        f"{FEATURE_NAME}: bodies of {len(sources)} corpus scripts (title pages and boneyards "
        f"dropped), {index} bodies in name order, cycling, up to the size in characters of "
        f"{REFERENCE_FEATURE} (~120 pages); {len(text.splitlines())} lines"
    )
    return text, note


def load_inputs(scripts_dir: Path, tmp: Path) -> list[Input]:
    """The corpus scripts in name order, then the synthetic feature (written under `tmp`)."""
    inputs = [
        Input(p.name, p.read_text(encoding="utf-8-sig"), p)
        for p in sorted(scripts_dir.glob("*.fountain"))
    ]
    reference = next((s for s in inputs if s.name == REFERENCE_FEATURE), None)
    size = len(reference.text) if reference else 250_000
    text, note = synthetic_feature(inputs, size)
    path = tmp / "synthetic_feature.fountain"
    path.write_text(text, encoding="utf-8")
    return [*inputs, Input(FEATURE_NAME, text, path, note)]


# --- measuring -----------------------------------------------------------------------------


@dataclass
class Timing:
    """One parser on one input: `status` is ok, error, timeout or missing."""

    status: str
    best_ms: float | None = None
    median_ms: float | None = None
    loops: int = 0
    repeats: int = 0
    error: str = ""


def _probe_child(kind: str, name: str, arg: str, conn: Any) -> None:
    """Child process: parse (or load) once and report ok or the exception."""
    try:
        if kind == "load":
            loader = _get_loader()
            assert loader is not None
            loader(Path(arg))
        else:
            parser = _get_parser(name)
            assert parser is not None
            parser(arg)
        conn.send("ok")
    except BaseException as exc:
        conn.send(f"{type(exc).__name__}: {exc}".splitlines()[0][:200])
    finally:
        conn.close()


def probe(kind: str, name: str, arg: str, timeout: float) -> tuple[str, str]:
    """Run one parse in a child process: ("ok", ""), ("error", why) or ("timeout", why)."""
    receive, send = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.Process(target=_probe_child, args=(kind, name, arg, send))
    child.start()
    send.close()
    child.join(timeout)
    if child.is_alive():
        child.terminate()
        child.join()
        return "timeout", f"no result after {timeout:g} s"
    message = receive.recv() if receive.poll() else f"child exited with code {child.exitcode}"
    receive.close()
    return ("ok", "") if message == "ok" else ("error", message)


def _loops_for(call: Callable[[], object], min_time: float) -> int:
    """How many calls make one measurement last at least `min_time` seconds."""
    call()  # warm up caches and lazy imports
    loops = 1
    while True:
        start = time.perf_counter()
        for _ in range(loops):
            call()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            return loops
        loops = max(loops * 2, int(loops * min_time / max(elapsed, 1e-9) * 1.1))


def measure(calls: dict[str, Callable[[], object]], min_time: float, repeat: int) -> dict:
    """Best and median per-call time of each call over `repeat` rounds.

    Each round times every call once, in turn: this machine's speed drifts by tens of per
    cent over seconds (a shared virtual machine), and timing the parsers side by side puts
    the drift on all of them alike, so the ratios hold even when the times move.
    """
    loops = {name: _loops_for(call, min_time) for name, call in calls.items()}
    per_call: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            gc.collect()
            start = time.perf_counter()
            for _ in range(loops[name]):
                call()
            per_call[name].append((time.perf_counter() - start) / loops[name])
    return {
        name: Timing(
            "ok",
            best_ms=min(times) * 1000,
            median_ms=statistics.median(times) * 1000,
            loops=loops[name],
            repeats=len(times),
        )
        for name, times in per_call.items()
    }


@dataclass
class Row:
    """All figures for one input."""

    name: str
    lines: int
    chars: int
    note: str
    parse: dict[str, Timing] = field(default_factory=dict)
    load: Timing | None = None
    cold: Timing | None = None
    ratios: dict[str, float | None] = field(default_factory=dict)
    fastest_peer: str | None = None
    min_ratio: float | None = None
    cold_ratio: float | None = None  # the fastest peer against Backlot's first parse


def benchmark(inputs: list[Input], args: argparse.Namespace, progress: Callable) -> list[Row]:
    """Measure every parser (and the loader, when present) on every input."""
    parsers = {name: _get_parser(name) for name in PARSERS}
    loader = _get_loader()
    cold = _cold_parser()
    rows = []
    for item in inputs:
        row = Row(item.name, len(item.text.splitlines()), len(item.text), item.note)
        calls: dict[str, Callable[[], object]] = {}
        for name, parser in parsers.items():
            if parser is None:
                row.parse[name] = Timing("missing", error=f"{name} is not installed")
                continue
            progress(f"{item.name}: {name} (first parse)")
            status, why = probe("parse", name, item.text, args.timeout)
            if status == "ok":
                calls[name] = lambda p=parser, t=item.text: p(t)
                if name == "backlot":
                    calls["cold"] = lambda t=item.text: cold(t)
            else:
                row.parse[name] = Timing(status, error=why)
        if loader is not None:
            status, why = probe("load", "", str(item.path), args.timeout)
            if status == "ok":
                calls["load"] = lambda p=item.path: loader(p)
            else:
                row.load = Timing(status, error=why)
        progress(f"{item.name}: timing {', '.join(calls)}")
        try:
            timings = measure(calls, args.min_time, args.repeat)
        except Exception as exc:  # each parsed once in a child; report rather than stop
            why = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
            timings = {name: Timing("error", error=why) for name in calls}
        if "load" in timings:
            row.load = timings.pop("load")
        row.cold = timings.pop("cold", None)
        row.parse.update(timings)
        row.parse = {name: row.parse[name] for name in PARSERS}
        base = row.parse["backlot"]
        for name in PARSERS[1:]:
            peer = row.parse[name]
            ok = base.best_ms is not None and peer.best_ms is not None
            row.ratios[name] = peer.best_ms / base.best_ms if ok else None
        measured = {n: r for n, r in row.ratios.items() if r is not None}
        if measured:
            row.fastest_peer = min(measured, key=lambda n: measured[n])
            row.min_ratio = measured[row.fastest_peer]
            peer_ms = row.parse[row.fastest_peer].best_ms
            if row.cold is not None and row.cold.best_ms and peer_ms is not None:
                row.cold_ratio = peer_ms / row.cold.best_ms
        rows.append(row)
    return rows


def goal_verdict(rows: list[Row]) -> dict[str, Any]:
    """Whether the speed goal is met, with the figures it rests on.

    A script's ratio is the lower of its re-parse and first-parse (cold) ratios: a script is
    parsed for the first time at least once, so the goal holds only if both reach it.
    """
    per_script = {r.name: _goal_ratio(r) for r in rows}
    ratios = [x for x in per_script.values() if x is not None]
    features = [r for r in rows if r.name in (REFERENCE_FEATURE, FEATURE_NAME)]
    feature_ms: dict[str, dict[str, float | None]] = {}
    for r in features:
        feature_ms[r.name] = {
            "parse": r.parse["backlot"].best_ms,
            "load": r.load.best_ms if r.load else None,
        }
    worst = max(
        (ms for d in feature_ms.values() for ms in d.values() if ms is not None), default=None
    )
    unmeasured = [r.name for r in rows if r.parse["backlot"].status != "ok"]
    ratio_met = bool(ratios) and min(ratios) >= GOAL_RATIO and not unmeasured
    feature_met = worst is not None and worst < GOAL_FEATURE_MS
    return {
        "goal": GOAL,
        "met": ratio_met and feature_met,
        "ratio_met": ratio_met,
        "min_ratio": min(ratios) if ratios else None,
        "scripts_below_ratio": [
            n for n, x in per_script.items() if x is not None and x < GOAL_RATIO
        ],
        "backlot_unmeasured": unmeasured,
        "feature_met": feature_met,
        "feature_ms": feature_ms,
    }


def _goal_ratio(row: Row) -> float | None:
    measured = [x for x in (row.min_ratio, row.cold_ratio) if x is not None]
    return min(measured) if measured else None


# --- output --------------------------------------------------------------------------------


def _ms(t: Timing | None) -> str:
    if t is None:
        return "-"
    if t.status != "ok":
        return t.status
    return f"{t.best_ms:.2f}" if t.best_ms >= 0.1 else f"{t.best_ms:.3f}"


def _ratio(r: float | None) -> str:
    return "-" if r is None else f"{r:.2f}×"


def print_table(rows: list[Row], verdict: dict[str, Any], args: argparse.Namespace) -> None:
    """The human-readable report."""
    from rich.console import Console
    from rich.table import Table

    console = Console() if sys.stdout.isatty() else Console(width=160)
    has_load = any(r.load is not None for r in rows)
    table = Table(
        title=f"Fountain parse time, best of {args.repeat} (ms per parse, text already decoded)"
    )
    table.add_column("script", no_wrap=True)
    table.add_column("lines", justify="right")
    table.add_column("backlot", justify="right")
    table.add_column("cold†", justify="right")
    if has_load:
        table.add_column("load*", justify="right")
    for name in PARSERS[1:]:
        table.add_column(name, justify="right")
        table.add_column("×", justify="right")
    table.add_column("min × vs fastest peer", justify="right", no_wrap=True)
    table.add_column("cold ×", justify="right")
    for r in rows:
        cells = [r.name, str(r.lines), _ms(r.parse["backlot"]), _ms(r.cold)]
        if has_load:
            cells.append(_ms(r.load))
        for name in PARSERS[1:]:
            cells += [_ms(r.parse[name]), _ratio(r.ratios[name])]
        best = f"{_ratio(r.min_ratio)} {r.fastest_peer or ''}".strip()
        cold = _ratio(r.cold_ratio)
        for text, ratio in ((best, r.min_ratio), (cold, r.cold_ratio)):
            cells.append(f"[red]{text}[/red]" if ratio is not None and ratio < GOAL_RATIO else text)
        table.add_row(*cells)
    console.print(table)
    console.print("× = peer time / Backlot time (higher is better for Backlot)")
    console.print(
        "cold† = Backlot with its cue and heading memos emptied before each parse (a script's "
        "first parse); cold × = the fastest peer against it; the goal needs both × and cold ×"
    )
    if has_load:
        console.print("load* = backlot.script.load(path): read, decode, parse and paginate")
    else:
        console.print("backlot.script.load is not importable: load+paginate column skipped")
    for r in rows:
        if r.note:
            console.print(r.note)
    for r in rows:
        timings = [("load", r.load)] if r.load else []
        for name, t in [*r.parse.items(), *timings]:
            if t is not None and t.status != "ok":
                console.print(f"{t.status}: {name} on {r.name}: {t.error}", markup=False)
    console.print()
    console.print(GOAL)
    low = ", ".join(verdict["scripts_below_ratio"]) or "none"
    console.print(
        f"  ratio: minimum {_ratio(verdict['min_ratio'])} against the fastest peer, "
        "first parse or re-parse "
        f"(scripts below {GOAL_RATIO:g}×: {low}) → {'met' if verdict['ratio_met'] else 'NOT met'}"
    )
    for name, figures in verdict["feature_ms"].items():
        shown = ", ".join(f"{k} {v:.2f} ms" for k, v in figures.items() if v is not None)
        console.print(f"  {name}: {shown}")
    console.print(
        f"  feature under {GOAL_FEATURE_MS:g} ms → {'met' if verdict['feature_met'] else 'NOT met'}"
    )
    console.print(f"goal {'MET' if verdict['met'] else 'NOT MET'}")


def as_json(rows: list[Row], verdict: dict[str, Any], args: argparse.Namespace) -> str:
    """The machine-readable report."""
    data = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "repeat": args.repeat,
        "min_time_s": args.min_time,
        "statistic": "best_ms is the minimum per-parse time over the repeats",
        "load_measured": any(r.load is not None for r in rows),
        "inputs": [asdict(r) for r in rows],
        "verdict": verdict,
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, measure, report."""
    parser = argparse.ArgumentParser(
        description="Fountain parse speed: Backlot against screenplain and Jouvence.",
        epilog="Corpus: $BACKLOT_SHARED or ../shared next to the repository root.",
    )
    parser.add_argument("--json", action="store_true", help="print figures as JSON")
    parser.add_argument("--repeat", type=int, default=9, help="rounds of measurements (9)")
    parser.add_argument(
        "--min-time", type=float, default=0.05, help="seconds per measurement, at least (0.05)"
    )
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="seconds before a parse counts as hung (10)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.min_time <= 0 or args.timeout <= 0:
        parser.error("--repeat, --min-time and --timeout must be positive")

    scripts_dir = find_shared() / "corpus" / "scripts"
    if not scripts_dir.is_dir() or not any(scripts_dir.glob("*.fountain")):
        print(
            f"corpus not found: no *.fountain under {scripts_dir} "
            "(set BACKLOT_SHARED to the shared folder)",
            file=sys.stderr,
        )
        return 2
    if _get_parser("backlot") is None:
        print("backlot is not importable: run with the project's virtualenv", file=sys.stderr)
        return 2

    def progress(message: str) -> None:
        if sys.stderr.isatty():
            print(f"\r\033[Kmeasuring {message}", end="", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="backlot-bench-") as tmp:
        inputs = load_inputs(scripts_dir, Path(tmp))
        rows = benchmark(inputs, args, progress)
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    verdict = goal_verdict(rows)
    if args.json:
        print(as_json(rows, verdict, args))
    else:
        print_table(rows, verdict, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
