"""Comparing Backlot's parse with other parsers' expected outputs.

The peers' fixtures are normalized into one case format (shared/corpus/peer_suites/
README.md); this module applies the same normalization to Backlot's elements so both sides
compare as `(type, text, extra)` rows.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from backlot.script.fountain import parse_fountain
from backlot.script.models import ElementType, Screenplay

Row = tuple[str, str, object]

_BLANKS = re.compile(r"[ \t]+")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")


def normalize_text(text: str) -> str:
    """The fixtures' text rule: per line collapse blanks and strip; trim empty end lines."""
    lines = [_BLANKS.sub(" ", line.replace("\u00a0", " ")).strip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def rows_of(screenplay: Screenplay) -> list[Row]:
    """Backlot's parse as fixture rows (notes dropped: no peer outputs them)."""
    rows: list[Row] = [
        ("title_entry", normalize_text(e.value), e.key.lower()) for e in screenplay.title_page
    ]
    for element in screenplay.elements:
        kind = element.type
        if kind is ElementType.NOTE:
            continue
        if kind is ElementType.ACTION:
            rows.extend(
                ("action", text, None)
                for para in _PARAGRAPHS.split(element.text)
                if (text := normalize_text(para))
            )
            continue
        extra: object = None
        if kind is ElementType.SCENE_HEADING:
            extra = element.scene_number
        elif kind is ElementType.CHARACTER:
            extra = element.dual or None
        elif kind is ElementType.SECTION:
            extra = element.depth
        rows.append((kind.value, normalize_text(element.text), extra))
    return rows


def expected_rows(expected: list[dict]) -> list[Row]:
    """A case's `expected` list as rows comparable with `rows_of`."""
    rows: list[Row] = []
    for e in expected:
        if e["type"] in ("note", "boneyard"):
            continue
        if e["type"] == "title_entry":
            extra: object = e.get("key", "").lower()
        else:
            extra = e.get("scene_number") or e.get("dual") or e.get("depth")
        rows.append((e["type"], e["text"], extra))
    return rows


@dataclass
class CaseResult:
    """One peer case: did Backlot agree, and if not, the first differing row and why."""

    suite: str
    case: str
    passed: bool
    known: str | None = None
    reason: str = ""


def _first_difference(got: list[Row], want: list[Row]) -> str:
    for index, (g, w) in enumerate(zip(got, want, strict=False)):
        if g != w:
            return f"row {index}: got {g!r}, expected {w!r}"
    return f"got {len(got)} rows, expected {len(want)}"


def load_disagreements(path: Path) -> dict[str, str]:
    """`suite/case` → the spec's words for each case where the peer departs from the spec."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {f"{d['suite']}/{d['case']}": d["spec"] for d in data["disagreement"]}


def run_suites(suites_dir: Path, disagreements: dict[str, str]) -> list[CaseResult]:
    """Run every normalized peer case under `suites_dir` through the Fountain parser."""
    results: list[CaseResult] = []
    for case_path in sorted(suites_dir.glob("*/cases/*.json")):
        suite, case = case_path.parent.parent.name, case_path.stem
        data = json.loads(case_path.read_text(encoding="utf-8"))
        if data["expected"] is None:
            continue
        got = rows_of(parse_fountain(data["input"]))
        want = expected_rows(data["expected"])
        passed = got == want
        results.append(
            CaseResult(
                suite,
                case,
                passed,
                known=disagreements.get(f"{suite}/{case}"),
                reason="" if passed else _first_difference(got, want),
            )
        )
    return results
