"""Fountain emphasis: `*italic*`, `**bold**`, `***bold italic***`, `_underline_`, `\\*` escapes.

Markers pair within one line (the spec: emphasis does not span line breaks); an opening
marker must be followed, and a closing one preceded, by a non-space; unpaired markers stay
literal. The result is plain text plus styled spans over it.
"""

from __future__ import annotations

import re

from backlot.script.models import Span, Style
from backlot.trusted import trusted

# A single `*` must not be half of a `**`, so "*said **no** today*" nests bold in italic.
_MARKER = re.compile(
    r"(?P<m>\*\*\*|\*\*|_)(?=\S)(?P<t>.+?)(?<=\S)(?P=m)"
    r"|(?<!\*)\*(?!\*)(?=\S)(?P<i>.+?)(?<=\S)(?<!\*)\*(?!\*)"
)
_STYLES: dict[str, frozenset[Style]] = {
    "***": frozenset({Style.BOLD, Style.ITALIC}),
    "**": frozenset({Style.BOLD}),
    "*": frozenset({Style.ITALIC}),
    "_": frozenset({Style.UNDERLINE}),
}
_ORDER = (Style.BOLD, Style.ITALIC, Style.UNDERLINE)
# Escaped markers are swapped for private-use characters while pairing, then restored.
_ESCAPES = {"\\*": "\ue000", "\\_": "\ue001"}
_RESTORE = str.maketrans({"\ue000": "*", "\ue001": "_"})


def parse_emphasis(raw: str) -> tuple[str, list[Span]]:
    """Split `raw` Fountain text into plain text and emphasis spans."""
    if "*" not in raw and "_" not in raw:
        return raw, []
    escaped = "\\" in raw
    if escaped:
        for escape, placeholder in _ESCAPES.items():
            raw = raw.replace(escape, placeholder)
    pieces: list[str] = []
    runs: list[tuple[int, int, frozenset[Style]]] = []
    length = 0
    for line_no, line in enumerate(raw.split("\n")):
        if line_no:
            pieces.append("\n")
            length += 1
        length = _walk(line, frozenset(), pieces, runs, length)
    text = "".join(pieces)
    if escaped:
        text = text.translate(_RESTORE)
    spans = [
        trusted(Span, {"start": s, "end": e, "styles": [x for x in _ORDER if x in styles]})
        for s, e, styles in _merge(runs)
    ]
    return text, spans


def _walk(
    s: str,
    styles: frozenset[Style],
    pieces: list[str],
    runs: list[tuple[int, int, frozenset[Style]]],
    length: int,
) -> int:
    """Append `s` to `pieces`, recursing into paired markers; returns the new text length."""
    pos = 0
    for m in _MARKER.finditer(s):
        length = _emit(s[pos : m.start()], styles, pieces, runs, length)
        marker = m.group("m") or "*"
        inner = m.group("t") if m.group("m") else m.group("i")
        length = _walk(inner, styles | _STYLES[marker], pieces, runs, length)
        pos = m.end()
    return _emit(s[pos:], styles, pieces, runs, length)


def _emit(
    chunk: str,
    styles: frozenset[Style],
    pieces: list[str],
    runs: list[tuple[int, int, frozenset[Style]]],
    length: int,
) -> int:
    if not chunk:
        return length
    pieces.append(chunk)
    if styles:
        runs.append((length, length + len(chunk), styles))
    return length + len(chunk)


def _merge(
    runs: list[tuple[int, int, frozenset[Style]]],
) -> list[tuple[int, int, frozenset[Style]]]:
    """Join touching runs of the same styles, so one word is one span."""
    merged: list[tuple[int, int, frozenset[Style]]] = []
    for start, end, styles in runs:
        if merged and merged[-1][1] == start and merged[-1][2] == styles:
            merged[-1] = (merged[-1][0], end, styles)
        else:
            merged.append((start, end, styles))
    return merged
