"""Pagination as a screenplay prints, and the page numbers and eighths it gives each scene.

Each printable element is word-wrapped to its column (see `layout.py`) and becomes a block;
blocks fill pages of `body_lines` rows with a blank line between elements (none inside a
speech, none at the top of a page). The rules printed scripts follow:

- a scene heading is never the last thing on a page: it moves over unless what follows it
  can start on the same page;
- a speech keeps its cue with at least two lines; one that runs over the page breaks after
  a sentence where it can (else between its elements, else between lines), with "(MORE)" at
  the bottom and the cue repeated with " (CONT'D)" at the top of the next page; it never
  breaks right after a parenthetical;
- action breaks between lines with at least two on each side;
- a page_break element starts a new page.

A block taller than a whole page is cut where it must. Lines are built as plain dicts and
validated into models once at the end, which is faster than a model per line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from backlot.script.layout import LETTER, Column, PageGeometry, SpeechColumns
from backlot.script.models import (
    Element,
    ElementType,
    PagedScript,
    Screenplay,
    Span,
)

T = ElementType
Line = dict[str, Any]
"""A PageLine's fields, before validation."""

Anchor = tuple[int, int]
"""(element index, offset in its text): where a locked page must begin."""

MORE = "(MORE)"
CONTINUED = "(CONT'D)"
# A cue the writer already marked as continued keeps its own mark.
_CONTINUED_CUE = re.compile(r"\(\s*CONT(?:['’]D|INUED)\s*\)", re.IGNORECASE)
UNPRINTED = frozenset({T.SECTION, T.SYNOPSIS, T.NOTE})
_SPEECH_PARTS = frozenset({T.DIALOGUE, T.PARENTHETICAL})
_SPLITTABLE = frozenset({T.ACTION, T.LYRICS})
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")
# "Mr. Bloom" is not a sentence end; a break there would read as one.
_ABBREVIATIONS = frozenset({"MR", "MRS", "MS", "DR", "ST", "JR", "SR", "VS", "MT", "LT"})


def wrap(text: str, width: int, start: int = 0) -> list[tuple[int, int]]:
    """Greedy word wrap of `text[start:]`, each "\\n"-separated paragraph on its own lines.

    Returns (start, end) offsets into `text`, so styles and revisions map back to the element.
    Trailing spaces are dropped, leading ones (indentation) kept; a word longer than `width`
    is cut. An empty paragraph is one empty line.
    """
    size = len(text)
    if size - start <= width and "\n" not in text:
        return [(start, start + len(text[start:].rstrip(" ")))]
    lines: list[tuple[int, int]] = []
    while True:
        stop = text.find("\n", start)
        if stop < 0:
            stop = size
        end = start + len(text[start:stop].rstrip(" "))
        while end - start > width:
            cut = text.rfind(" ", start, start + width + 1)
            line_end = start + len(text[start:cut].rstrip(" ")) if cut > start else start
            if line_end == start:
                line_end = resume = start + width
            else:
                resume = cut + 1
                while text[resume] == " ":
                    resume += 1
            lines.append((start, line_end))
            start = resume
        lines.append((start, end))
        if stop == size:
            return lines
        start = stop + 1


def _emit(
    index: int,
    element: Element,
    column: Column,
    segments: Sequence[tuple[int, int]],
    row: int,
    align: str = "left",
) -> list[Line]:
    """Lines of one element from its wrapped segments, the first at body row `row`."""
    text = element.text
    kind = element.type.value
    lines: list[Line] = [
        {
            "row": row + k,
            "text": text[start:end],
            "kind": kind,
            "indent": column.indent,
            "element": index,
            "offset": start,
        }
        for k, (start, end) in enumerate(segments)
    ]
    if align != "left":
        for line in lines:
            slack = column.width - len(line["text"])
            line["indent"] += slack if align == "right" else slack // 2
    if element.spans:
        for line in lines:
            start = line["offset"]
            line["spans"] = _clip_spans(element.spans, start, start + len(line["text"]))
    return lines


def _clip_spans(spans: Sequence[Span], start: int, end: int) -> list[dict[str, Any]] | None:
    """An element's styled spans that fall on text[start:end], relative to that line."""
    clipped = [
        {"start": max(s.start, start) - start, "end": min(s.end, end) - start, "styles": s.styles}
        for s in spans
        if s.start < end and s.end > start
    ]
    return clipped or None


@dataclass(slots=True)
class _Text:
    """A non-speech element: action, heading, transition, centered text, lyrics."""

    index: int
    element: Element
    column: Column
    align: str
    segments: list[tuple[int, int]]
    space: int
    splittable: bool = False
    keep_next: bool = False

    @property
    def height(self) -> int:
        return len(self.segments)

    @property
    def first(self) -> int:
        return self.index

    @property
    def last(self) -> int:
        return self.index

    def emit(self, row: int) -> list[Line]:
        return _emit(self.index, self.element, self.column, self.segments, row, self.align)

    def split(self, room: int, force: bool = False) -> tuple[_Text, _Text] | None:
        """What goes on this page and the rest, or None when it must move whole."""
        take = room if force else min(room, self.height - 2)
        if take < 1 or not (force or (self.splittable and take >= 2)):
            return None
        return self._cut(take)

    def split_at(self, offset: int) -> tuple[_Text, _Text]:
        """Cut before the first line starting at or after `offset` in the element's text."""
        take = next((k for k, (s, _) in enumerate(self.segments) if s >= offset), self.height)
        return self._cut(take)

    def _cut(self, take: int) -> tuple[_Text, _Text]:
        head, rest = self.segments[:take], self.segments[take:]
        # A blank line of the action's own would open the next page: leave it out.
        while rest and rest[0][0] == rest[0][1]:
            rest = rest[1:]
        return (
            _Text(self.index, self.element, self.column, self.align, head, self.space),
            _Text(self.index, self.element, self.column, self.align, rest, 0, self.splittable),
        )


@dataclass(slots=True)
class _Part:
    """A dialogue or parenthetical in a speech, from `segments[0][0]` of its text on."""

    index: int
    element: Element
    column: Column
    segments: list[tuple[int, int]]

    def cut(self, offset: int) -> tuple[_Part, _Part]:
        """Before `offset` and after it (spaces skipped, the rest re-wrapped)."""
        text = self.element.text
        head = [
            (s, min(e, s + len(text[s:offset].rstrip()))) for s, e in self.segments if s < offset
        ]
        resume = offset
        while resume < len(text) and text[resume] == " ":
            resume += 1
        if text.startswith("\n", resume):
            resume += 1
        rest = wrap(text, self.column.width, resume)
        return (
            _Part(self.index, self.element, self.column, head),
            _Part(self.index, self.element, self.column, rest),
        )

    def sentence_cut(self, most: int, least: int) -> int | None:
        """The offset after the last sentence that ends within lines `least`..`most` (1-based).

        A sentence ending the part's text is no place to break: nothing would follow.
        """
        text = self.element.text
        content_end = len(text.rstrip())
        for row in range(most - 1, max(least, 1) - 2, -1):
            start, end = self.segments[row]
            line = text[start:end]
            for match in reversed(list(_SENTENCE_END.finditer(line))):
                offset = start + match.end()
                if offset >= content_end:
                    continue
                words = line[: match.start()].split()
                if match.group() == "." and words and words[-1].upper() in _ABBREVIATIONS:
                    continue
                return offset
        return None


@dataclass(slots=True)
class _Speech:
    """A character cue and the parentheticals and dialogue that follow it."""

    index: int
    cue: Element
    columns: SpeechColumns
    parts: list[_Part]
    space: int
    continued: bool = False
    more: bool = False
    keep_next: bool = field(default=False, init=False)
    height: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.height = 1 + sum(len(part.segments) for part in self.parts) + self.more

    @property
    def first(self) -> int:
        return self.index

    @property
    def last(self) -> int:
        return self.parts[-1].index if self.parts else self.index

    def emit(self, row: int) -> list[Line]:
        lines = _emit(self.index, self.cue, self.columns.cue, [(0, len(self.cue.text))], row)
        if self.continued and not _CONTINUED_CUE.search(self.cue.text):
            lines[0]["text"] += " " + CONTINUED
        for part in self.parts:
            lines += _emit(part.index, part.element, part.column, part.segments, row + len(lines))
        if self.more:
            more = {"row": row + len(lines), "text": MORE, "kind": "more", "element": None}
            lines.append(more | {"indent": self.columns.cue.indent})
        return lines

    def split(self, room: int, force: bool = False) -> tuple[_Speech, _Speech] | None:
        """Break the speech to fill `room` rows (cue and "(MORE)" included), or None.

        Preference: after a sentence, then between elements, then between lines. `force`
        (a speech longer than a page) allows one line and any break.
        """
        body_room = room - 2
        least = 1 if force else 2
        used = 0
        for k, part in enumerate(self.parts):
            size = len(part.segments)
            if used + size <= body_room:
                used += size
                continue
            fit = body_room - used
            dialogue = part.element.type is T.DIALOGUE
            if fit >= 1 and dialogue:
                offset = part.sentence_cut(fit, least - used)
                if offset is not None:
                    return self._pieces(k, offset)
            if k and used >= 1 and (force or self.parts[k - 1].element.type is T.DIALOGUE):
                return self._pieces(k, None)
            if fit >= 1 and used + fit >= least and (dialogue or force):
                return self._pieces(k, part.segments[fit][0])
            return None
        return None

    def split_at(self, index: int, offset: int) -> tuple[_Speech, _Speech]:
        """Break where a locked page began: at `offset` in element `index`, or before it."""
        for k, part in enumerate(self.parts):
            if part.index == index:
                if offset >= len(part.element.text.rstrip()):
                    return self._pieces(k + 1, None)
                return self._pieces(k, offset if offset > part.segments[0][0] else None)
        return self._pieces(len(self.parts), None)

    def _pieces(self, k: int, offset: int | None) -> tuple[_Speech, _Speech]:
        """The speech before part `k` (or before `offset` in it), ending in "(MORE)", and
        the rest, under the cue again with "(CONT'D)"."""
        before, after = self.parts[:k], self.parts[k:]
        if offset is not None:
            first, second = after[0].cut(offset)
            before, after = [*before, first], [second, *after[1:]]
        head = _Speech(self.index, self.cue, self.columns, before, self.space, self.continued, True)
        rest = _Speech(self.index, self.cue, self.columns, after, 0, True, self.more)
        return head, rest


@dataclass(slots=True)
class _Dual:
    """Two speeches side by side (`^` in Fountain); printed whole or not at all."""

    left: _Speech
    right: _Speech
    space: int
    keep_next: bool = field(default=False, init=False)

    @property
    def height(self) -> int:
        return max(self.left.height, self.right.height)

    @property
    def first(self) -> int:
        return self.left.first

    @property
    def last(self) -> int:
        return self.right.last

    def emit(self, row: int) -> list[Line]:
        return self.left.emit(row) + self.right.emit(row)

    def split(self, room: int, force: bool = False) -> None:
        return None


@dataclass(frozen=True, slots=True)
class _Break:
    """A forced page break; `segment` set when it starts a locked page."""

    segment: int | None = None


_Block = _Text | _Speech | _Dual | _Break


def _speech(items: list[tuple[int, Element]], columns: SpeechColumns, space: int) -> _Speech:
    (index, cue), parts = items[0], items[1:]
    speech_parts = []
    for i, element in parts:
        is_dialogue = element.type is T.DIALOGUE
        column = columns.dialogue if is_dialogue else columns.parenthetical
        speech_parts.append(_Part(i, element, column, wrap(element.text, column.width)))
    return _Speech(index, cue, columns, speech_parts, space)


def _blocks(elements: Sequence[Element], geometry: PageGeometry) -> list[_Block]:
    """Printable elements as blocks; a speech gathers its cue, parentheticals and dialogue."""
    blocks: list[_Block] = []
    previous_speech: list[tuple[int, Element]] | None = None
    count = len(elements)
    i = 0
    while i < count:
        element = elements[i]
        kind = element.type
        if kind is T.CHARACTER:
            items = [(i, element)]
            i += 1
            while i < count and (
                elements[i].type in _SPEECH_PARTS or elements[i].type in UNPRINTED
            ):
                if elements[i].type in _SPEECH_PARTS:
                    items.append((i, elements[i]))
                i += 1
            if element.dual and previous_speech is not None:
                blocks[-1] = _Dual(
                    _speech(previous_speech, geometry.dual_left, 0),
                    _speech(items, geometry.dual_right, 0),
                    geometry.space_before,
                )
                previous_speech = None
            else:
                blocks.append(_speech(items, geometry.speech, geometry.space_before))
                previous_speech = items
            continue
        i += 1
        if kind in UNPRINTED:
            continue
        previous_speech = None
        if kind is T.PAGE_BREAK:
            blocks.append(_Break())
            continue
        blocks.append(_text_block(i - 1, element, geometry))
    return blocks


def _text_block(index: int, element: Element, geometry: PageGeometry) -> _Text:
    kind = element.type
    column = geometry.action
    align = "left"
    if kind is T.TRANSITION:
        align = "right"
    elif kind is T.CENTERED:
        align = "center"
    elif kind is T.DIALOGUE:
        # Dialogue without a cue (a reader's stray paragraph) still prints in its column.
        column = geometry.speech.dialogue
    elif kind is T.PARENTHETICAL:
        column = geometry.speech.parenthetical
    heading = kind is T.SCENE_HEADING
    return _Text(
        index,
        element,
        column,
        align,
        wrap(element.text, column.width),
        geometry.space_before_heading if heading else geometry.space_before,
        kind in _SPLITTABLE,
        heading,
    )


def _mark(blocks: list[_Block], anchors: Sequence[tuple[Anchor, int]]) -> list[_Block]:
    """Insert a `_Break(segment)` at each anchor, cutting the block it falls inside."""
    out: list[_Block] = []
    todo = blocks[::-1]
    for (index, offset), segment in anchors:
        while todo:
            block = todo[-1]
            if isinstance(block, _Break) or block.last < index:
                out.append(todo.pop())
                continue
            if block.first < index or (block.first == index and offset > 0):
                if isinstance(block, _Text):
                    head, rest = block.split_at(offset)
                elif isinstance(block, _Speech):
                    head, rest = block.split_at(index, offset)
                else:
                    # Side-by-side speeches stay together: the page starts before them.
                    break
                todo[-1] = rest
                out.append(head)
            break
        out.append(_Break(segment))
    out.extend(reversed(todo))
    return out


def lay_out(
    elements: Sequence[Element],
    geometry: PageGeometry = LETTER,
    anchors: Sequence[tuple[Anchor, int]] = (),
) -> list[tuple[int, list[Line]]]:
    """Fill pages with the elements' lines: a list of (segment, lines) per page.

    `anchors` pins where pages must begin, as a lock does: each ((element, offset), segment)
    starts a new page there and counts the pages after it as that segment's. Without
    anchors every page is in segment 0.
    """
    blocks = _blocks(elements, geometry)
    if anchors:
        blocks = _mark(blocks, anchors)
    body = geometry.body_lines
    pages: list[tuple[int, list[Line]]] = []
    lines: list[Line] = []
    segment = 0
    used = 0
    todo = blocks[::-1]
    while todo:
        block = todo.pop()
        if isinstance(block, _Break):
            if lines:
                pages.append((segment, lines))
                lines, used = [], 0
            if block.segment is not None:
                segment = block.segment
            continue
        gap = block.space if used else 0
        room = body - used - gap
        fits = block.height <= room
        if fits and (not block.keep_next or not used or _companion_fits(todo, room - block.height)):
            lines += block.emit(used + gap)
            used += gap + block.height
            continue
        if not fits:
            piece = block.split(room, force=not used)
            if piece is not None:
                head, rest = piece
                lines += head.emit(used + gap)
                pages.append((segment, lines))
                lines, used = [], 0
                todo.append(rest)
                continue
            if not used and isinstance(block, _Dual):
                # Too tall to print side by side: one speech after the other.
                todo += [block.right, block.left]
                continue
        pages.append((segment, lines))
        lines, used = [], 0
        todo.append(block)
    if lines:
        pages.append((segment, lines))
    return pages


def _companion_fits(todo: list[_Block], room: int) -> bool:
    """Whether what follows a scene heading can start in the `room` rows below it (a
    heading right after it must bring its own companion along)."""
    for block in reversed(todo):
        if isinstance(block, _Break):
            return True
        room -= block.space
        if not (block.keep_next and block.height <= room):
            return block.height <= room or (room > 0 and block.split(room) is not None)
        room -= block.height
    return True


def paginate(screenplay: Screenplay, geometry: PageGeometry = LETTER) -> PagedScript:
    """Lay the screenplay out on numbered pages as it prints (page 1 prints no number)."""
    pages = lay_out(screenplay.elements, geometry)
    # One validation of the whole script: pydantic's core builds thirteen thousand lines
    # faster than Python can assemble them one model at a time.
    return PagedScript.model_validate(
        {
            "pages": [{"number": str(n), "lines": lines} for n, (_, lines) in enumerate(pages, 1)],
            "body_lines": geometry.body_lines,
        }
    )


def with_pages(screenplay: Screenplay, paged: PagedScript) -> Screenplay:
    """A copy of `screenplay` with each scene's start page and eighths, and the page count.

    A scene's length is the rows from its heading to the next scene's heading (or the last
    printed row of a page it runs off), summed over its pages, in eighths of a page body,
    rounded to nearest and at least 1: the production convention.
    """
    scene_of: list[int] = []
    scene = -1
    for element in screenplay.elements:
        if element.type is T.SCENE_HEADING:
            scene += 1
        scene_of.append(scene)
    rows = [0] * (scene + 1)
    start: list[str | None] = [None] * (scene + 1)
    for page in paged.pages:
        if not page.lines:
            continue
        bottom = max(line.row for line in page.lines) + 1
        tops: list[tuple[int, int]] = []
        for line in page.lines:
            if line.element is None or scene_of[line.element] < 0:
                continue
            owner = scene_of[line.element]
            if not tops or tops[-1][1] != owner:
                tops.append((line.row, owner))
        for k, (top, owner) in enumerate(tops):
            rows[owner] += (tops[k + 1][0] if k + 1 < len(tops) else bottom) - top
            if start[owner] is None:
                start[owner] = page.number
    body = paged.body_lines
    scenes = [
        s.model_copy(
            update={
                "start_page": start[k],
                "eighths": max(1, (rows[k] * 16 + body) // (2 * body)) if start[k] else None,
            }
        )
        if k < len(rows)
        else s
        for k, s in enumerate(screenplay.scenes)
    ]
    return screenplay.model_copy(update={"scenes": scenes, "pages": len(paged.pages)})
