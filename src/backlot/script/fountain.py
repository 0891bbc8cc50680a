"""Fountain 1.1 parser (https://fountain.io/syntax): text → Screenplay.

One pass over the lines. Fountain is paragraph-structured: every element but dialogue's
inner lines starts after a blank line (or at the top), so the loop classifies the first line
of each paragraph and then consumes the rest of it. Boneyard is removed first and notes are
lifted out of the lines, both keeping the line numbers of the source.
"""

from __future__ import annotations

import re

from backlot.script.assemble import assemble, split_cue
from backlot.script.emphasis import parse_emphasis
from backlot.script.models import Element, ElementType, Screenplay, TitleEntry
from backlot.trusted import trusted

T = ElementType

_BONEYARD = re.compile(r"/\*.*?\*/", re.DOTALL)
_TITLE_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9 _-]*?):[ \t]*(.*)$")
_INDENTED = re.compile(r"^(?: {3,}|\t)")
_HEADING = re.compile(r"^(?:INT\.?/EXT|EXT\.?/INT|I/E|E/I|INT|EXT|EST)(?:\.|\s)", re.IGNORECASE)
_SCENE_NUMBER = re.compile(r"\s+#([A-Za-z0-9.\-]+)#\s*$|^#([A-Za-z0-9.\-]+)#\s*$")
_PAGE_BREAK = re.compile(r"^={3,}\s*$")
_PARENTHETICAL = re.compile(r"^\s*\(.*\)\s*$")
_TAB = "    "
_FORCING = frozenset("!@~#=>.")


def parse_fountain(text: str, source: str | None = None) -> Screenplay:
    """Parse Fountain `text`; `source` names the file for messages and provenance."""
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "/*" in text:
        # Replace each boneyard by its own newlines so every later line keeps its number.
        text = _BONEYARD.sub(lambda m: "\n" * m.group().count("\n"), text)
    lines = text.split("\n")
    title_page, first = _title_page(lines)
    parser = _BodyParser(lines, first)
    parser.run()
    return assemble(title_page, parser.elements, source)


def _title_page(lines: list[str]) -> tuple[list[TitleEntry], int]:
    """Title-page entries at the top of the file, and the index of the first body line."""
    first = _TITLE_KEY.match(lines[0]) if lines and not _HEADING.match(lines[0]) else None
    # "CUT TO:" alone is not a title page: the first key needs a value, inline or indented.
    if first is None or not (
        first.group(2).strip()
        or (len(lines) > 1 and _INDENTED.match(lines[1]) and lines[1].strip())
    ):
        return [], 0
    entries: list[tuple[str, list[str], int]] = []
    i = 0
    while i < len(lines) and lines[i].strip():
        line = lines[i]
        key_match = _TITLE_KEY.match(line)
        if key_match and not _INDENTED.match(line):
            value = key_match.group(2).strip()
            entries.append((key_match.group(1).strip(), [value] if value else [], i + 1))
        elif entries:
            entries[-1][1].append(line.strip())
        i += 1
    return [
        TitleEntry.model_construct(key=key, value=parse_emphasis("\n".join(values))[0], line=no)
        for key, values, no in entries
    ], i


def _element(kind: ElementType, text: str, line: int, spans: list, **extra: object) -> Element:
    values = {
        "type": kind,
        "text": text,
        "line": line,
        "spans": spans,
        "scene_number": None,
        "extension": None,
        "dual": False,
        "depth": None,
        "forced": False,
    }
    values.update(extra)
    return trusted(Element, values)


def _is_upper(text: str) -> bool:
    """True for a line with letters, none lower-case (the spec's "entirely in uppercase")."""
    return text == text.upper() and text != text.lower()


def _strip_trailing(line: str) -> str:
    return line.rstrip().replace("\t", _TAB)


class _BodyParser:
    """Turns body lines into elements; holds the cursor so helpers stay small."""

    def __init__(self, lines: list[str], first: int) -> None:
        self.lines = lines
        self.i = first
        self.elements: list[Element] = []
        # Notes found inside a paragraph wait here until its elements are out.
        self.pending_notes: list[Element] = []
        self.note_only: set[int] = set()
        self._lift_notes(first)

    # -- notes ---------------------------------------------------------------------------

    def _lift_notes(self, first: int) -> None:
        """Cut [[notes]] out of the lines, joining text before and after a multi-line note.

        A note may span lines but not a blank line (a line of two spaces is allowed), as the
        spec says; a `[[` that meets a blank line first is literal text.
        """
        lines = self.lines
        self.notes_at: dict[int, list[Element]] = {}
        i = first
        while i < len(lines):
            line = lines[i]
            if line is None or "[[" not in line:
                i += 1
                continue
            start = line.find("[[")
            end = line.find("]]", start + 2)
            if end < 0:
                j = self._note_end(i)
                if j is None:
                    i += 1
                    continue
                # Merge lines i..j into line i, blanking the consumed lines' slots so the
                # paragraph does not break and later lines keep their numbers.
                joined = "\n".join(lines[i : j + 1])
                lines[i] = joined
                for k in range(i + 1, j + 1):
                    lines[k] = None  # type: ignore[call-overload]
                line = joined
            found = False
            while (start := line.find("[[")) >= 0 and (end := line.find("]]", start + 2)) >= 0:
                note = line[start + 2 : end]
                self.notes_at.setdefault(i, []).append(
                    _element(T.NOTE, note.strip(), i + 1 + line.count("\n", 0, start), [])
                )
                line = line[:start] + line[end + 2 :]
                found = True
            if found:
                lines[i] = line.replace("\n", "")
                if not lines[i].strip():
                    self.note_only.add(i)
            i += 1

    def _note_end(self, i: int) -> int | None:
        """The line where a note opened on line `i` closes, or None if a blank line comes first."""
        lines = self.lines
        for j in range(i + 1, len(lines)):
            line = lines[j]
            if line is None:
                return None
            if not line.strip() and len(line) < 2:
                return None
            if "]]" in line:
                return j
        return None

    # -- the loop ------------------------------------------------------------------------

    def run(self) -> None:
        lines = self.lines
        n = len(lines)
        while self.i < n:
            line = lines[self.i]
            if line is None:
                self.i += 1
                continue
            if self.i in self.note_only:
                self._flush_notes_at(self.i)
                self.i += 1
                continue
            if not line.strip():
                self.i += 1
                continue
            self._paragraph()
            self._flush_pending()

    def _next_line(self, i: int) -> str | None:
        """The first line after `i` that is not a consumed note slot (None at the end)."""
        lines = self.lines
        i += 1
        while i < len(lines):
            line = lines[i]
            if line is not None and i not in self.note_only:
                return line
            i += 1
        return None

    def _paragraph(self) -> None:
        i = self.i
        raw = self.lines[i]
        stripped = raw.strip()
        nxt = self._next_line(i)
        next_blank = nxt is None or not nxt.strip()
        first = stripped[0]
        if len(stripped) == 1 and first in _FORCING:
            # A forcing mark with nothing to force is just a character of action.
            self._action(raw, forced=False)
            return

        if first == "!":
            self._action(raw.lstrip()[1:], forced=True)
        elif first == "@":
            self._dialogue_block(stripped[1:], forced=True)
        elif first == "~":
            self._lyrics()
        elif _PAGE_BREAK.match(stripped):
            self._single(T.PAGE_BREAK, "")
        elif first == "#":
            depth = len(stripped) - len(stripped.lstrip("#"))
            self._single(T.SECTION, stripped[depth:].strip(), depth=depth)
        elif first == "=" and not stripped.startswith("=="):
            self._single(T.SYNOPSIS, stripped[1:].strip())
        elif first == ">" and stripped.endswith("<") and len(stripped) > 1:
            self._centered()
        elif first == ">":
            self._single(T.TRANSITION, stripped[1:].strip(), forced=True)
        elif first == "." and stripped[1:2].isalnum():
            self._heading(stripped[1:], forced=True)
        elif _HEADING.match(stripped):
            self._heading(stripped, forced=False)
        elif next_blank and _is_upper(stripped) and raw.endswith("TO:"):
            self._single(T.TRANSITION, stripped)
        elif not next_blank and self._is_cue(stripped):
            self._dialogue_block(stripped, forced=False)
        else:
            self._action(raw, forced=False)

    @staticmethod
    def _is_cue(stripped: str) -> bool:
        name = stripped.removesuffix("^").split("(", 1)[0]
        return _is_upper(name) and not name.rstrip().endswith(":")

    # -- element builders ----------------------------------------------------------------

    def _emit(self, kind: ElementType, raw: str, line: int, **extra: object) -> Element:
        text, spans = parse_emphasis(raw)
        element = _element(kind, text, line, spans, **extra)
        self.elements.append(element)
        return element

    def _single(self, kind: ElementType, raw: str, **extra: object) -> None:
        """A one-line paragraph element; any further lines of the paragraph are action."""
        self._emit(kind, raw, self.i + 1, **extra)
        self._take_notes(self.i)
        self.i += 1
        self._rest_as_action()

    def _rest_as_action(self) -> None:
        """Lines that follow a one-line element without a blank line read as action.

        Sections and synopses are the exception: an outline stacks them line on line.
        """
        nxt = self._next_line(self.i - 1)
        if nxt is not None and nxt.strip():
            self._skip_to_content()
            if nxt.lstrip()[:1] in ("#", "=") and not _PAGE_BREAK.match(nxt.strip()):
                self._paragraph()
            else:
                self._action(self.lines[self.i], forced=False)

    def _skip_to_content(self) -> None:
        while self.lines[self.i] is None or self.i in self.note_only:
            self._take_notes(self.i)
            self.i += 1

    def _heading(self, raw: str, *, forced: bool) -> None:
        number = None
        m = _SCENE_NUMBER.search(raw)
        if m:
            number = m.group(1) or m.group(2)
            raw = raw[: m.start()].rstrip()
        self._single(T.SCENE_HEADING, raw.strip(), scene_number=number, forced=forced)

    def _centered(self) -> None:
        """One or more `>text<` lines: one centered element each."""
        while self._has_line() and (s := self.lines[self.i].strip()).startswith(">"):
            if not s.endswith("<"):
                break
            self._emit(T.CENTERED, s[1:-1].strip(), self.i + 1)
            self._take_notes(self.i)
            self.i += 1
        self._finish_paragraph_as_action()

    def _lyrics(self) -> None:
        """A run of `~` lines is one lyrics element, like the lines of one speech."""
        start = self.i
        parts: list[str] = []
        while self._has_line() and (s := self.lines[self.i].strip()).startswith("~"):
            parts.append(s[1:].lstrip())
            self._take_notes(self.i)
            self.i += 1
        self._emit(T.LYRICS, "\n".join(parts), start + 1, forced=True)
        self._finish_paragraph_as_action()

    def _finish_paragraph_as_action(self) -> None:
        if self._has_line() and self.lines[self.i].strip():
            self._action(self.lines[self.i], forced=False)

    def _has_line(self) -> bool:
        """Move past consumed note slots; True while a line remains."""
        lines = self.lines
        while self.i < len(lines) and (lines[self.i] is None or self.i in self.note_only):
            self._take_notes(self.i)
            self.i += 1
        return self.i < len(lines)

    def _action(self, first_line: str, *, forced: bool) -> None:
        """An action paragraph: every line up to the next blank one, indentation kept."""
        start = self.i
        parts = [_strip_trailing(first_line)]
        self._take_notes(self.i)
        self.i += 1
        while self._has_line():
            line = self.lines[self.i]
            if not line.strip():
                break
            parts.append(_strip_trailing(line))
            self._take_notes(self.i)
            self.i += 1
        self._emit(T.ACTION, "\n".join(parts), start + 1, forced=forced)

    def _dialogue_block(self, cue: str, *, forced: bool) -> None:
        """Character cue, then parentheticals and dialogue until a blank line.

        A line of two or more spaces keeps the speech going as an empty line (the spec's
        way to put a blank line inside dialogue).
        """
        dual = cue.endswith("^")
        element = self._emit(
            T.CHARACTER, cue.removesuffix("^").strip(), self.i + 1, dual=dual, forced=forced
        )
        # From the plain text, so an escaped '(O\_S)' gives the extension 'O_S'.
        element.extension = split_cue(element.text)[1]
        self._take_notes(self.i)
        self.i += 1
        speech: list[str] = []
        speech_line = 0
        while self._has_line():
            line = self.lines[self.i]
            if not line.strip() and len(line) < 2:
                break
            if _PARENTHETICAL.match(line):
                self._flush_speech(speech, speech_line)
                self._emit(T.PARENTHETICAL, line.strip(), self.i + 1)
            else:
                if not speech:
                    speech_line = self.i + 1
                speech.append(line.strip())
            self._take_notes(self.i)
            self.i += 1
        self._flush_speech(speech, speech_line)

    def _flush_speech(self, speech: list[str], line: int) -> None:
        while speech and not speech[-1]:
            speech.pop()
        if speech:
            self._emit(T.DIALOGUE, "\n".join(speech), line)
        speech.clear()

    # -- notes in flow -------------------------------------------------------------------

    def _take_notes(self, i: int) -> None:
        notes = self.notes_at.get(i)
        if notes:
            self.pending_notes.extend(notes)

    def _flush_pending(self) -> None:
        """Notes from inside a paragraph follow its elements, so speech stays contiguous."""
        if self.pending_notes:
            self.elements.extend(self.pending_notes)
            self.pending_notes.clear()

    def _flush_notes_at(self, i: int) -> None:
        self._take_notes(i)
        self._flush_pending()
