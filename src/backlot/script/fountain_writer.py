"""Screenplay → Fountain 1.1 text that reads back as the same elements.

Each element is written as its own paragraph (a cue and its parentheticals and dialogue
form one), so only the first line of a paragraph decides its type. Where that line would be
read as another type, the writer adds Fountain's forcing character: `.` for a heading that
does not start with INT/EXT, `!` for action that looks like a heading, cue, transition or
markup, `@` for a cue that is not all upper case or has no speech, `>` for a transition that
does not end in "TO:". An element the source forced (`forced=True`) keeps its forcing.

Emphasis is written back as `*`/`**`/`***`/`_` markers and literal `*` and `_` are escaped
with a backslash. Fountain's emphasis grammar is line-based and cannot express every span
layout, so each styled line is checked against the emphasis parser and, when the natural
nesting would be misread, another nesting is tried.

Limits (Fountain has no syntax for these, so they cannot round-trip): a blank line inside an
action, note or title-page value; a title page whose first value is empty; literal "[[…]]"
in text, or "]]" in a note; a dialogue line that looks like a (parenthetical); a
parenthetical or dialogue with no cue before it, or right after another dialogue (they
merge); a multi-line centered element (each line becomes one); a styled run whose marker
would follow a "/" and so open a /* boneyard */ (that line is written unstyled).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

from backlot.script.emphasis import parse_emphasis
from backlot.script.fountain import is_cue
from backlot.script.models import Element, ElementType, Screenplay, Span, Style, TitleEntry

T = ElementType

_HEADING = re.compile(r"^(?:INT\.?/EXT|EXT\.?/INT|I/E|E/I|INT|EXT|EST)(?:\.|\s|$)", re.IGNORECASE)
_TITLE_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9 _-]*:")
_BONEYARD_OPEN = "/*"
# A paragraph starting with one of these is markup of some kind, never plain action.
_MARKUP_START = frozenset("!@~#=>.[")
_MARK = {Style.BOLD: "**", Style.ITALIC: "*", Style.UNDERLINE: "_"}
_ORDER = (Style.BOLD, Style.ITALIC, Style.UNDERLINE)
_ESCAPES = str.maketrans({"*": "\\*", "_": "\\_"})
_SPEECH = frozenset({T.PARENTHETICAL, T.DIALOGUE})

Segment = tuple[int, int, frozenset[Style]]


def write_fountain(screenplay: Screenplay) -> str:
    """Write `screenplay` as Fountain; `parse_fountain` of the result gives the same elements."""
    paragraphs: list[str] = []
    if screenplay.title_page:
        paragraphs.append(_title_page(screenplay.title_page))
    elements = screenplay.elements
    i, n = 0, len(elements)
    while i < n:
        element = elements[i]
        if element.type is T.CHARACTER:
            end = i + 1
            while end < n and elements[end].type in _SPEECH:
                end += 1
            paragraphs.append(_speech(element, elements[i + 1 : end]))
            i = end
            continue
        paragraphs.append(_paragraph(element))
        i += 1
    text = "\n\n".join(paragraphs)
    # Without a title page, a first line like "Note: …" would be read as one.
    if not screenplay.title_page and _TITLE_KEY.match(text):
        text = "\n" + text
    return text + "\n"


def _title_page(entries: list[TitleEntry]) -> str:
    """`Key: value`, or `Key:` and the value's lines indented, ending at the first blank line."""
    lines: list[str] = []
    for entry in entries:
        # A blank line would end the title page, so empty value lines cannot be kept.
        values = [v.strip().translate(_ESCAPES) for v in entry.value.split("\n") if v.strip()]
        if len(values) == 1:
            lines.append(f"{entry.key}: {values[0]}")
        else:
            lines.append(f"{entry.key}:")
            lines.extend(f"    {v}" for v in values)
    return "\n".join(lines)


def _paragraph(element: Element) -> str:
    kind = element.type
    if kind is T.NOTE:
        # "]]]" would close the note one bracket early; the parser strips the space.
        return f"[[{element.text} ]]" if element.text.endswith("]") else f"[[{element.text}]]"
    if kind is T.PAGE_BREAK:
        return "==="
    text = _markup(element.text, element.spans)
    if kind is T.ACTION:
        return _action(text, element.forced)
    if kind is T.SCENE_HEADING:
        heading = text if _HEADING.match(text) and not element.forced else f".{text}"
        return f"{heading} #{element.scene_number}#" if element.scene_number else heading
    if kind is T.TRANSITION:
        plain = text.isupper() and text.endswith("TO:") and not _special_start(text)
        return text if plain and not element.forced else f"> {text}"
    if kind is T.CENTERED:
        return "\n".join(f">{line}<" for line in text.split("\n"))
    if kind is T.LYRICS:
        return "\n".join(f"~{line}" for line in text.split("\n"))
    if kind is T.SECTION:
        return f"{'#' * (element.depth or 1)} {text}"
    if kind is T.SYNOPSIS:
        return f"= {text}"
    # A parenthetical or dialogue without a cue: Fountain can only read it as action.
    return _action(text, forced=False)


def _action(text: str, forced: bool) -> str:
    first, _, rest = text.partition("\n")
    stripped = first.strip()
    misread = (
        _special_start(stripped)
        or (stripped.isupper() and stripped.endswith("TO:"))
        or (bool(rest) and is_cue(stripped))
    )
    return f"!{text}" if forced or misread else text


def _speech(cue: Element, speech: list[Element]) -> str:
    """A cue and its speech as one paragraph; blank dialogue lines become two spaces."""
    name = _markup(cue.text, cue.spans)
    plain = bool(speech) and is_cue(name) and not _special_start(name)
    lines = [("" if plain and not cue.forced else "@") + name + (" ^" if cue.dual else "")]
    for element in speech:
        text = _markup(element.text, element.spans)
        if element.type is T.PARENTHETICAL:
            lines.append(text)
        else:
            lines.extend(line if line.strip() else "  " for line in text.split("\n"))
    return "\n".join(lines)


def _special_start(stripped: str) -> bool:
    """True when a paragraph starting with `stripped` would not read as action or a cue."""
    return not stripped or stripped[0] in _MARKUP_START or bool(_HEADING.match(stripped))


# -- emphasis ------------------------------------------------------------------------------


def _markup(text: str, spans: list[Span]) -> str:
    """Plain `text` with its emphasis `spans` as Fountain markers, literal `*` `_` escaped."""
    if not spans:
        return text.translate(_ESCAPES)
    out: list[str] = []
    offset = 0
    for line in text.split("\n"):
        end = offset + len(line)
        clipped = [
            (max(s.start, offset) - offset, min(s.end, end) - offset, frozenset(s.styles))
            for s in spans
            if s.start < end and s.end > offset and s.styles
        ]
        out.append(_markup_line(line, clipped) if clipped else line.translate(_ESCAPES))
        offset = end + 1
    return "\n".join(out)


def _markup_line(line: str, spans: list[Segment]) -> str:
    segments = _segments(line, spans)
    want = [(s, e, [x for x in _ORDER if x in st]) for s, e, st in _merged(segments) if st]
    for candidate in (
        _nested(line, segments, outer_first=True),
        _nested(line, segments, outer_first=False),
        _flat(line, segments),
    ):
        # A marker after a slash would open a /* boneyard */ and hide what follows.
        if _BONEYARD_OPEN in candidate:
            continue
        text, got = parse_emphasis(candidate)
        if text == line and [(g.start, g.end, g.styles) for g in got] == want:
            return candidate
    # No layout reads back exactly (e.g. a span that starts with a space): plain text
    # loses the styling but nothing else.
    return line.translate(_ESCAPES)


def _segments(line: str, spans: list[Segment]) -> list[Segment]:
    """`line` cut at every span edge, each piece with the union of its spans' styles."""
    edges = sorted({0, len(line), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[Segment] = []
    for start, end in pairwise(edges):
        if start < end:
            styles = frozenset(x for s, e, st in spans if s <= start and end <= e for x in st)
            out.append((start, end, styles))
    return out


def _merged(segments: Iterable[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for start, end, styles in segments:
        if merged and merged[-1][1] == start and merged[-1][2] == styles:
            merged[-1] = (merged[-1][0], end, styles)
        else:
            merged.append((start, end, styles))
    return merged


def _nested(line: str, segments: list[Segment], *, outer_first: bool) -> str:
    """Markers opened and closed like brackets; `outer_first` opens the longer run first."""
    out: list[str] = []
    stack: list[Style] = []
    for index, (start, end, styles) in enumerate(segments):
        keep = next((k for k, style in enumerate(stack) if style not in styles), len(stack))
        out.extend(_MARK[style] for style in reversed(stack[keep:]))
        del stack[keep:]
        opening = [s for s in _ORDER if s in styles and s not in stack]
        if outer_first:
            opening.sort(key=lambda s: -_run_end(segments, index, s))
        for style in opening:
            out.append(_MARK[style])
            stack.append(style)
        out.append(line[start:end].translate(_ESCAPES))
    out.extend(_MARK[style] for style in reversed(stack))
    return "".join(out)


def _run_end(segments: list[Segment], index: int, style: Style) -> int:
    """How many segments from `index` on keep `style` (the run's length)."""
    count = 0
    for _, _, styles in segments[index:]:
        if style not in styles:
            break
        count += 1
    return count


def _flat(line: str, segments: list[Segment]) -> str:
    """Each styled run wrapped in its own markers, closed before the next run opens."""
    out: list[str] = []
    for start, end, styles in _merged(segments):
        chunk = line[start:end].translate(_ESCAPES)
        opening = "".join(_MARK[s] for s in _ORDER if s in styles)
        closing = "".join(_MARK[s] for s in reversed(_ORDER) if s in styles)
        out.append(f"{opening}{chunk}{closing}")
    return "".join(out)
