"""Locked pages and coloured revisions, as productions print them.

Once a shooting script is locked, its page numbers never change: schedules and call sheets
point at them. A later draft is laid out against the locked one:

- each element of the new draft is aligned with the old draft's (difflib over
  (type, text)); a kept or changed element stays on the page its old version started on,
  an inserted one on the page of the element before it;
- each old page's content is laid out on its own; the first sheet keeps the old number and
  what overflows goes on A-pages ("12A", "12B", … "12Z", "12AA");
- an old page whose content was all cut prints as a single "12 OMITTED" sheet (rather
  than merging numbers into "12-13"), so every locked number still has its sheet;
- lines of new elements, and the lines of a changed element where its words changed, are
  marked revised (an asterisk in the right margin); every page that changed, a cut
  included, carries the revision colour in its header.

An unchanged draft therefore prints exactly as the locked one, with nothing marked.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from string import ascii_uppercase

from backlot.errors import BacklotError
from backlot.script.layout import LETTER, PageGeometry
from backlot.script.models import Element, PagedScript, Screenplay
from backlot.script.pagination import UNPRINTED, Anchor, Line, lay_out, paginate

REVISION_COLOURS = (
    "WHITE",
    "BLUE",
    "PINK",
    "YELLOW",
    "GREEN",
    "GOLDENROD",
    "BUFF",
    "SALMON",
    "CHERRY",
    "TAN",
)
"""The usual US production order of revision page colours, after the white first lock."""

Changes = bool | list[tuple[int, int]]
"""Per element: unchanged (False), all new (True), or the changed (start, end) text ranges."""

_WORD = re.compile(r"\S+")


def page_suffix(n: int) -> str:
    """The letters of the n-th overflow sheet (1 → "A", 26 → "Z", 27 → "AA")."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = ascii_uppercase[rest] + letters
    return letters


def lock(
    current: Screenplay,
    previous: Screenplay,
    revision: str = "BLUE",
    geometry: PageGeometry = LETTER,
) -> PagedScript:
    """Paginate `current` against the locked pages of `previous`, marking what changed."""
    colour = revision.strip().upper()
    if colour not in REVISION_COLOURS:
        raise BacklotError(
            f"unknown revision colour {revision!r}; use one of {', '.join(REVISION_COLOURS)}"
        )
    old = paginate(previous, geometry)
    alignment = _align(previous.elements, current.elements, _start_pages(previous.elements, old))
    anchors = _anchors(old, alignment, previous.elements, current.elements)
    sheets: dict[int, list[list[Line]]] = {}
    for segment, lines in lay_out(current.elements, geometry, anchors):
        for line in lines:
            if line["element"] is not None and _touches(alignment.changes[line["element"]], line):
                line["revised"] = True
        sheets.setdefault(segment, []).append(lines)
    pages = []
    # A locked draft that printed nothing still has a page one for the new one to go on.
    numbers = [page.number for page in old.pages] or ["1"]
    for segment, number in enumerate(numbers):
        group = sheets.get(segment)
        if not group:
            pages.append({"number": number, "omitted": True, "revision": colour})
            continue
        for k, lines in enumerate(group):
            changed = any(
                line.get("revised") or line["element"] in alignment.cut_before for line in lines
            )
            pages.append(
                {
                    "number": number + page_suffix(k),
                    "lines": lines,
                    "revision": colour if changed else None,
                }
            )
    return PagedScript.model_validate(
        {"pages": pages, "body_lines": geometry.body_lines, "revision": colour}
    )


@dataclass
class _Alignment:
    """The new draft against the old, element by element."""

    pages: list[int] = field(default_factory=list)
    """Per new element: the index of the locked page it belongs to."""
    changes: list[Changes] = field(default_factory=list)
    """Per new element: what changed in it."""
    paired: dict[int, int] = field(default_factory=dict)
    """Old element index → the new element that keeps or changes it in place."""
    cut_before: set[int] = field(default_factory=set)
    """New elements next to a cut (the one after it, or the last): their page changed."""


def _key(element: Element) -> tuple[str, str]:
    return element.type.value, element.text


def _start_pages(elements: list[Element], paged: PagedScript) -> list[int]:
    """The index of the page each element starts on; unprinted ones take the one before."""
    start: list[int | None] = [None] * len(elements)
    for number, page in enumerate(paged.pages):
        for line in page.lines:
            if line.element is not None and start[line.element] is None:
                start[line.element] = number
    pages: list[int] = []
    for found in start:
        pages.append(found if found is not None else (pages[-1] if pages else 0))
    return pages


def _align(old: list[Element], new: list[Element], old_page: list[int]) -> _Alignment:
    matcher = SequenceMatcher(None, [_key(e) for e in old], [_key(e) for e in new], False)
    result = _Alignment()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "delete" and new:
            result.cut_before.add(min(j1, len(new) - 1))
        for k in range(j2 - j1):
            element = new[j1 + k]
            # A changed element replaces its old version in place; extra ones follow it.
            if tag in ("equal", "replace") and k < i2 - i1 and old[i1 + k].type is element.type:
                result.paired[i1 + k] = j1 + k
                result.pages.append(old_page[i1 + k])
            else:
                result.pages.append(result.pages[-1] if result.pages else 0)
            if tag == "equal" or element.type in UNPRINTED:
                result.changes.append(False)
            elif i1 + k in result.paired:
                result.changes.append(_changed_ranges(old[i1 + k].text, element.text))
            else:
                result.changes.append(True)
    return result


def _word_diff(
    old: str, new: str
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[tuple[str, int, int, int, int]]]:
    """Word spans of both texts and the opcodes that turn the old words into the new."""
    old_spans = [match.span() for match in _WORD.finditer(old)]
    new_spans = [match.span() for match in _WORD.finditer(new)]
    opcodes = SequenceMatcher(
        None, [old[s:e] for s, e in old_spans], [new[s:e] for s, e in new_spans], False
    ).get_opcodes()
    return old_spans, new_spans, opcodes


def _changed_ranges(old: str, new: str) -> list[tuple[int, int]]:
    """Where `new` differs from `old` word by word, as (start, end) in `new`; a cut is an
    empty range where it was. Text that differs only in spacing counts as changed whole."""
    _, spans, opcodes = _word_diff(old, new)
    ranges = []
    for tag, _, _, j1, j2 in opcodes:
        if tag == "equal":
            continue
        if j1 < j2:
            ranges.append((spans[j1][0], spans[j2 - 1][1]))
        else:
            at = spans[j1][0] if j1 < len(spans) else len(new)
            ranges.append((at, at))
    return ranges or [(0, len(new))]


def _map_offset(old: str, new: str, offset: int) -> int:
    """Where the old text's `offset` (a word start) falls in the new text: at the same word
    when it was kept, else just after the changed run of words that replaced it."""
    if old == new:
        return offset
    old_spans, new_spans, opcodes = _word_diff(old, new)
    word = bisect_left(old_spans, (offset, 0))
    for tag, i1, i2, j1, j2 in opcodes:
        if i1 <= word < i2:
            target = j1 + word - i1 if tag == "equal" else j2
            return new_spans[target][0] if target < len(new_spans) else len(new)
    return len(new)


def _touches(changes: Changes, line: Line) -> bool:
    """Whether a printed line shows part of what changed in its element."""
    if isinstance(changes, bool):
        return changes
    start = line["offset"]
    end = start + len(line["text"])
    return any(a <= end and b >= start for a, b in changes)


def _anchors(
    old: PagedScript, alignment: _Alignment, old_elements: list[Element], new: list[Element]
) -> list[tuple[Anchor, int]]:
    """Where each locked page after the first must begin in the new draft.

    A page that began inside an element (a speech or action running over) begins at the
    same words of it, if the element is still there; otherwise at the first new element
    assigned to it. A page with no element assigned gets no anchor (it is omitted).
    """
    anchors: list[tuple[Anchor, int]] = []
    first_on: dict[int, int] = {}
    for index, page in enumerate(alignment.pages):
        first_on.setdefault(page, index)
    for number in range(1, len(old.pages)):
        lines = old.pages[number].lines
        continued = old.pages[number - 1].lines[-1].kind == "more"
        top = lines[1] if continued and len(lines) > 1 else lines[0]
        inside = top.element is not None and (continued or top.offset > 0)
        if inside and top.element in alignment.paired:
            index = alignment.paired[top.element]
            offset = _map_offset(old_elements[top.element].text, new[index].text, top.offset)
            anchors.append(((index, offset), number))
        elif number in first_on:
            anchors.append(((first_on[number], 0), number))
    return anchors
