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
from backlot.script.headings import SCENE_NUMBER
from backlot.script.models import Element, ElementType, Screenplay, Span, TitleEntry
from backlot.trusted import trusted

T = ElementType

_BONEYARD = re.compile(r"/\*.*?\*/", re.DOTALL)
_TITLE_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9 _-]*?):[ \t]*(.*)$")
_INDENTED = re.compile(r"^(?: {3,}|\t)")
_HEADING = re.compile(r"^(?:INT\.?/EXT|EXT\.?/INT|I/E|E/I|INT|EXT|EST)(?:\.|\s)", re.IGNORECASE)
_SCENE_NUMBER = re.compile(r"\s+#([A-Za-z0-9.\-]+)#\s*$|^#([A-Za-z0-9.\-]+)#\s*$")
_PAGE_BREAK = re.compile(r"^={3,}\s*$")
_HEADING_START = frozenset("IiEe")
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
    parser = _BodyParser(lines, first, has_notes="[[" in text)
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
        trusted(TitleEntry, {"key": key, "value": parse_emphasis("\n".join(values))[0], "line": no})
        for key, values, no in entries
    ], i


def _element(
    kind: ElementType,
    text: str,
    line: int,
    spans: list,
    scene_number: str | None = None,
    extension: str | None = None,
    dual: bool = False,
    depth: int | None = None,
    forced: bool = False,
) -> Element:
    """An element with every field given, in the model's order, for `trusted`."""
    return trusted(
        Element,
        {
            "type": kind,
            "text": text,
            "line": line,
            "spans": spans,
            "scene_number": scene_number,
            "extension": extension,
            "dual": dual,
            "depth": depth,
            "forced": forced,
        },
    )


def is_cue(stripped: str) -> bool:
    """True when a stripped line reads as a character cue: upper case up to any extension.

    "Entirely in uppercase" is `str.isupper`: some cased letter, none lower case.
    """
    name = stripped.removesuffix("^").split("(", 1)[0]
    return name.isupper() and not name.rstrip().endswith(":")


class _BodyParser:
    """Turns body lines into elements; holds the cursor so helpers stay small.

    Notes are lifted out first (`_lift_notes`), so the loop sees only text lines, each with
    its source line number; a note waits in `notes` until the paragraph around it is out.
    """

    def __init__(self, lines: list[str], first: int, *, has_notes: bool) -> None:
        # (index of the logical line the note belongs before or in, note element)
        self.notes: list[tuple[int, Element]] = []
        self.texts: list[str] = []
        self.numbers: list[int] = []
        if has_notes:
            self._lift_notes(lines, first)
        else:
            self.texts += lines[first:]
            self.numbers += range(first + 1, len(lines) + 1)
        self.i = 0
        self.elements: list[Element] = []
        self._next_note = 0

    # -- notes ---------------------------------------------------------------------------

    def _lift_notes(self, lines: list[str], first: int) -> None:
        """Cut [[notes]] out of the lines, joining text before and after a multi-line note.

        A note may span lines but not a blank line (a line of two spaces is allowed), as the
        spec says; a `[[` that meets a blank line first is literal text. A line that held
        only notes is dropped, so it neither breaks nor starts a paragraph.
        """
        texts, numbers = self.texts, self.numbers
        i = first
        # Only lines holding "[[" need a look; the runs between them are copied whole.
        for at in [k for k in range(first, len(lines)) if "[[" in lines[k]]:
            if at < i:  # inside a note that an earlier line opened
                continue
            texts += lines[i:at]
            numbers += range(i + 1, at + 1)
            line = lines[at]
            number = at + 1
            i = at + 1
            start = line.find("[[")
            if line.find("]]", start + 2) < 0:
                end = _note_end(lines, at)
                if end is not None:
                    line = "\n".join(lines[at : end + 1])
                    i = end + 1
            found = False
            while (start := line.find("[[")) >= 0 and (end := line.find("]]", start + 2)) >= 0:
                note_line = number + line.count("\n", 0, start)
                note = _element(T.NOTE, line[start + 2 : end].strip(), note_line, [])
                self.notes.append((len(texts), note))
                line = line[:start] + line[end + 2 :]
                found = True
            if found:
                line = line.replace("\n", "")
                if not line.strip():
                    continue
            texts.append(line)
            numbers.append(number)
        texts += lines[i:]
        numbers += range(i + 1, len(lines) + 1)

    def _flush_notes(self, before: int) -> int:
        """Emit the notes that belong before logical line `before`; where the next one sits."""
        notes = self.notes
        while self._next_note < len(notes) and notes[self._next_note][0] < before:
            self.elements.append(notes[self._next_note][1])
            self._next_note += 1
        return notes[self._next_note][0] if self._next_note < len(notes) else len(self.texts)

    # -- the loop ------------------------------------------------------------------------

    def run(self) -> None:
        texts = self.texts
        n = len(texts)
        i = 0
        note_at = self.notes[0][0] if self.notes else n
        while i < n:
            if not texts[i].strip():
                i += 1
                continue
            self.i = i
            # Notes from before this paragraph come first; notes from inside it follow its
            # elements, so a speech stays contiguous.
            if note_at < i:
                note_at = self._flush_notes(i)
            self._paragraph()
            i = self.i
            if note_at < i:
                note_at = self._flush_notes(i)
        self._flush_notes(n + 1)

    def _paragraph(self) -> None:
        i = self.i
        raw = self.texts[i]
        stripped = raw.strip()
        first = stripped[0]
        if first in _FORCING:
            self._marked(raw, stripped, first)
            return
        if first in _HEADING_START and _HEADING.match(stripped):
            self._heading(stripped, forced=False)
            return
        nxt = self.texts[i + 1] if i + 1 < len(self.texts) else ""
        if not nxt.strip():
            if raw.endswith("TO:") and stripped.isupper():
                self._single(T.TRANSITION, stripped)
                return
        elif is_cue(stripped):
            self._dialogue_block(stripped, forced=False)
            return
        self._action(raw, forced=False)

    def _marked(self, raw: str, stripped: str, first: str) -> None:
        """A paragraph that starts with one of Fountain's marks: forced types and more."""
        if len(stripped) == 1:
            # A forcing mark with nothing to force is just a character of action.
            self._action(raw, forced=False)
        elif first == "!":
            self._action(raw.lstrip()[1:], forced=True)
        elif first == "@":
            self._dialogue_block(stripped[1:], forced=True)
        elif first == "~":
            self._lyrics()
        elif first == "=" and _PAGE_BREAK.match(stripped):
            self._single(T.PAGE_BREAK, "")
        elif first == "#":
            depth = len(stripped) - len(stripped.lstrip("#"))
            self._single(T.SECTION, stripped[depth:].strip(), depth=depth)
        elif first == "=" and not stripped.startswith("=="):
            self._single(T.SYNOPSIS, stripped[1:].strip())
        elif first == ">" and stripped.endswith("<"):
            self._centered()
        elif first == ">":
            self._single(T.TRANSITION, stripped[1:].strip(), forced=True)
        elif first == "." and stripped[1].isalnum():
            self._heading(stripped[1:], forced=True)
        else:
            self._action(raw, forced=False)

    # -- element builders ----------------------------------------------------------------

    def _emit(
        self,
        kind: ElementType,
        raw: str,
        line: int,
        scene_number: str | None = None,
        depth: int | None = None,
        forced: bool = False,
    ) -> None:
        if "*" in raw or "_" in raw:
            text, spans = parse_emphasis(raw)
        else:
            text, spans = raw, []
        self.elements.append(
            _element(kind, text, line, spans, scene_number, None, False, depth, forced)
        )

    def _single(
        self,
        kind: ElementType,
        raw: str,
        scene_number: str | None = None,
        depth: int | None = None,
        forced: bool = False,
    ) -> None:
        """A one-line paragraph element; any further lines of the paragraph are action.

        Sections and synopses are the exception: an outline stacks them line on line.
        """
        self._emit(kind, raw, self.numbers[self.i], scene_number, depth, forced)
        self.i += 1
        if self.i < len(self.texts) and (nxt := self.texts[self.i].strip()):
            if nxt[0] in ("#", "=") and not _PAGE_BREAK.match(nxt):
                self._paragraph()
            else:
                self._action(self.texts[self.i], forced=False)

    def _heading(self, raw: str, *, forced: bool) -> None:
        number = None
        m = _SCENE_NUMBER.search(raw) if "#" in raw else None
        if m and SCENE_NUMBER.fullmatch(m.group(1) or m.group(2)):
            number = m.group(1) or m.group(2)
            raw = raw[: m.start()].rstrip()
        self._single(T.SCENE_HEADING, raw, scene_number=number, forced=forced)

    def _centered(self) -> None:
        """One or more `>text<` lines: one centered element each."""
        texts = self.texts
        while self.i < len(texts) and (s := texts[self.i].strip()).startswith(">"):
            if not s.endswith("<") or len(s) < 2:
                break
            self._emit(T.CENTERED, s[1:-1].strip(), self.numbers[self.i])
            self.i += 1
        self._finish_paragraph_as_action()

    def _lyrics(self) -> None:
        """A run of `~` lines is one lyrics element, like the lines of one speech."""
        texts = self.texts
        start = self.i
        parts: list[str] = []
        while self.i < len(texts) and (s := texts[self.i].strip()).startswith("~"):
            parts.append(s[1:].lstrip())
            self.i += 1
        self._emit(T.LYRICS, "\n".join(parts), self.numbers[start], forced=True)
        self._finish_paragraph_as_action()

    def _finish_paragraph_as_action(self) -> None:
        if self.i < len(self.texts) and self.texts[self.i].strip():
            self._action(self.texts[self.i], forced=False)

    def _action(self, first_line: str, *, forced: bool) -> None:
        """An action paragraph: every line up to the next blank one, indentation kept."""
        texts = self.texts
        start = self.i
        parts = [first_line.rstrip().replace("\t", _TAB)]
        i = start + 1
        n = len(texts)
        while i < n and (line := texts[i]).strip():
            parts.append(line.rstrip().replace("\t", _TAB))
            i += 1
        self.i = i
        self._emit(T.ACTION, "\n".join(parts), self.numbers[start], forced=forced)

    def _dialogue_block(self, cue: str, *, forced: bool) -> None:
        """Character cue, then parentheticals and dialogue until a blank line.

        A line of two or more spaces keeps the speech going as an empty line (the spec's
        way to put a blank line inside dialogue).
        """
        texts, numbers = self.texts, self.numbers
        dual = cue.endswith("^")
        text = cue.removesuffix("^").strip()
        spans: list[Span] = []
        if "*" in text or "_" in text:
            text, spans = parse_emphasis(text)
        # From the plain text, so an escaped '(O\_S)' gives the extension 'O_S'.
        extension = split_cue(text)[1]
        self.elements.append(
            _element(T.CHARACTER, text, numbers[self.i], spans, None, extension, dual, None, forced)
        )
        speech: list[str] = []
        speech_line = 0
        i = self.i + 1
        while i < len(texts):
            line = texts[i]
            stripped = line.strip()
            if not stripped and len(line) < 2:
                break
            if stripped[:1] == "(" and stripped[-1:] == ")":
                self._flush_speech(speech, speech_line)
                self._emit(T.PARENTHETICAL, stripped, numbers[i])
            else:
                if not speech:
                    speech_line = numbers[i]
                speech.append(stripped)
            i += 1
        self.i = i
        self._flush_speech(speech, speech_line)

    def _flush_speech(self, speech: list[str], line: int) -> None:
        while speech and not speech[-1]:
            speech.pop()
        if speech:
            self._emit(T.DIALOGUE, "\n".join(speech), line)
        speech.clear()


def _note_end(lines: list[str], i: int) -> int | None:
    """The line where a note opened on line `i` closes, or None if a blank line comes first."""
    for j in range(i + 1, len(lines)):
        line = lines[j]
        if not line.strip() and len(line) < 2:
            return None
        if "]]" in line:
            return j
    return None
