"""Final Draft (.fdx) reading and writing.

Reading goes only through defusedxml, with document type declarations refused: entities
and external references can only be declared in one, so billion-laughs and XXE documents
fail before anything is expanded or fetched, with a one-line `ScriptError` naming the file
and line, as do malformed XML and a root that is not FinalDraft.

Mapping of `<Paragraph Type=…>` to element types:

==========================  ===============================================================
Final Draft                 Backlot
==========================  ===============================================================
Scene Heading               scene_heading (attribute ``Number`` → ``scene_number``)
Action, General, Shot,      action (Shot lines keep their text); with ``Alignment="Center"``
anything unknown            one centered element per line, as Fountain's ``>line<`` gives
Character                   character (``extension`` from the cue's parentheses)
Dialogue                    dialogue; consecutive Dialogue paragraphs are one speech, their
                            lines joined with "\\n" as in the model
Parenthetical               parenthetical
Transition                  transition
Lyrics                      lyrics (Backlot writes this type for Fountain ``~`` lines)
Outline N (…)               section of depth N (Final Draft 12's outline levels)
Outline Body, Summary       synopsis
``<ScriptNote>`` in a ¶     note (one per ScriptNote, after the paragraph's own text)
``StartsNewPage="Yes"``     a page_break before the paragraph
``<DualDialogue>``          every speaker after the first gets ``dual=True``; a block with a
                            single speaker (only Backlot writes one, for a ``^`` cue with no
                            speech before it) marks that speaker dual
==========================  ===============================================================

`<Text Style="Bold+Italic+Underline">` runs become spans; other styles (AllCaps, Strikeout)
are ignored. Paragraphs with no text are dropped, except that their page break and notes
still count. Each element's `line` is the XML line its paragraph starts on.

The title page has no keys in Final Draft, only aligned paragraphs, so keys are guessed
(`_TitleGuesser`): centred text before any credit line is the Title; a centred "Written by"
/ "Screenplay by" / "by" line is the Credit (a name after "by" on the same line is the
Author), and the centred lines after it the Author; later centred text is the Source.
Left- or right-aligned blocks (usually at the bottom) are the Copyright when they start with
"Copyright", "©" or "(c)", the Draft date when they look like a date or mention a draft or
revision, and otherwise Contact (left; a further left block is Notes) or Draft date (right).
Backlot's own writer also names the Fountain key of each title paragraph in a
``BacklotKey`` attribute, which the reader prefers, so its title pages come back exactly;
Final Draft has no use for the attribute, and where it is gone the guess applies.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from itertools import pairwise

from backlot.errors import ScriptError
from backlot.safexml import parse_xml
from backlot.script.assemble import assemble, split_cue
from backlot.script.headings import SCENE_NUMBER
from backlot.script.models import Element, ElementType, Screenplay, Span, Style, TitleEntry

T = ElementType

_READ_TYPES: dict[str, ElementType] = {
    "Scene Heading": T.SCENE_HEADING,
    "Action": T.ACTION,
    "General": T.ACTION,
    "Shot": T.ACTION,
    "Character": T.CHARACTER,
    "Dialogue": T.DIALOGUE,
    "Parenthetical": T.PARENTHETICAL,
    "Transition": T.TRANSITION,
    "Lyrics": T.LYRICS,
    "Outline Body": T.SYNOPSIS,
    "Summary": T.SYNOPSIS,
}
_WRITE_TYPES: dict[ElementType, str] = {
    T.SCENE_HEADING: "Scene Heading",
    T.ACTION: "Action",
    T.CENTERED: "Action",
    T.CHARACTER: "Character",
    T.DIALOGUE: "Dialogue",
    T.PARENTHETICAL: "Parenthetical",
    T.TRANSITION: "Transition",
    T.LYRICS: "Lyrics",
    T.SYNOPSIS: "Outline Body",
    T.NOTE: "General",
}
# Final Draft lets users rename outline levels ("Outline 2 (Sequences)"); the number rules.
_OUTLINE = re.compile(r"^Outline (\d+)\b")
_STYLE_NAMES: dict[str, Style] = {
    "Bold": Style.BOLD,
    "Italic": Style.ITALIC,
    "Underline": Style.UNDERLINE,
}
# Same order as the Fountain emphasis parser, so spans from both readers compare equal.
_STYLE_ORDER = (Style.BOLD, Style.ITALIC, Style.UNDERLINE)
_STYLE_WORDS = {Style.BOLD: "Bold", Style.ITALIC: "Italic", Style.UNDERLINE: "Underline"}
_SPEECH = frozenset({T.PARENTHETICAL, T.DIALOGUE})
# XML 1.0 cannot carry these at all, not even as character references.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_KEY_ATTRIBUTE = "BacklotKey"

_CREDIT = re.compile(
    r"^(?P<credit>(?:(?:written|screenplay|teleplay|story|script|adapted|adaptation)"
    r"(?:\s+[\w&,]+)*?\s+)?by)(?:\s+(?P<name>\S.*))?$",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(r"^\s*(?:copyright\b|©|\(c\))", re.IGNORECASE)
_DATE = re.compile(
    r"\b\d{1,4}[/.\-]\d{1,2}(?:[/.\-]\d{1,4})?\b|\b(?:19|20)\d\d\b|\bdraft\b|\brevision\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d",
    re.IGNORECASE,
)
_CENTERED_KEYS = frozenset({"title", "credit", "author", "authors", "source"})


# -- reading -------------------------------------------------------------------------------


def read_fdx(data: bytes, source: str | None = None) -> Screenplay:
    """Parse a Final Draft document into a Screenplay; `source` names it in errors.

    Raises ScriptError for malformed XML, any DTD or entity declaration (refused before
    expansion), external references, and documents whose root is not `<FinalDraft>`.
    """
    root, builder = parse_xml(
        data, source, frozenset({"Paragraph"}), "a Final Draft file", ScriptError
    )
    if root.tag != "FinalDraft":
        raise ScriptError(
            f"not a Final Draft document (root element is <{root.tag}>, not <FinalDraft>)",
            source,
            builder.root_line,
        )
    lines = builder.lines
    reader = _ContentReader(lines)
    content = root.find("Content")
    if content is not None:
        for paragraph in content.iterfind("Paragraph"):
            reader.paragraph(paragraph)
    title_page = _read_title_page(root, lines)
    return assemble(title_page, reader.elements, source)


@dataclass
class _ContentReader:
    """Turns `<Content>` paragraphs into elements, in order."""

    lines: dict[int, int]
    elements: list[Element] = field(default_factory=list)

    def paragraph(self, paragraph: ET.Element, dual: bool = False) -> bool:
        """Read one paragraph; returns whether it produced a character cue."""
        line = self.lines.get(id(paragraph), 0)
        if paragraph.get("StartsNewPage") == "Yes":
            self.elements.append(Element(type=T.PAGE_BREAK, text="", line=line))
        pieces: list[str] = []
        runs: list[tuple[int, int, frozenset[Style]]] = []
        notes: list[ET.Element] = []
        length = 0
        for child in paragraph:
            tag = child.tag
            if tag == "Text":
                chunk = child.text or ""
                if not chunk:
                    continue
                styles = _styles_of(child.get("Style"))
                if styles:
                    runs.append((length, length + len(chunk), styles))
                pieces.append(chunk)
                length += len(chunk)
            elif tag == "ScriptNote":
                notes.append(child)
            elif tag == "DualDialogue":
                self._dual_dialogue(child)
        text = "".join(pieces)
        is_cue = False
        if text.strip():
            is_cue = self._content(paragraph, text, _spans(runs), line, dual)
        for note in notes:
            self._note(note, line)
        return is_cue

    def _content(
        self, paragraph: ET.Element, text: str, spans: list[Span], line: int, dual: bool
    ) -> bool:
        """Append the element(s) of a paragraph with text; True for a character cue."""
        kind_name = paragraph.get("Type", "Action")
        kind = _READ_TYPES.get(kind_name)
        depth = None
        if kind is None:
            outline = _OUTLINE.match(kind_name)
            kind = T.SECTION if outline else T.ACTION
            depth = int(outline.group(1)) if outline else None
        if kind is T.ACTION and paragraph.get("Alignment") == "Center":
            # One centered element per line, as Fountain's `>line<` gives.
            offset = 0
            for part in text.split("\n"):
                if part.strip():
                    self.elements.append(
                        Element(
                            type=T.CENTERED,
                            text=part,
                            line=line,
                            spans=_clip(spans, offset, offset + len(part)),
                        )
                    )
                offset += len(part) + 1
            return False
        previous = self.elements[-1] if self.elements else None
        if kind is T.DIALOGUE and previous is not None and previous.type is T.DIALOGUE:
            # Final Draft writers often put each line of a speech in its own paragraph;
            # in the model a speech's lines between parentheticals are one element. (A
            # page break in between was appended first, so it keeps the two apart.)
            shift = len(previous.text) + 1
            previous.text = f"{previous.text}\n{text}"
            previous.spans.extend(
                Span(start=s.start + shift, end=s.end + shift, styles=s.styles) for s in spans
            )
            return False
        is_cue = kind is T.CHARACTER
        number = paragraph.get("Number") if kind is T.SCENE_HEADING else None
        if number is not None and not SCENE_NUMBER.fullmatch(number.strip()):
            number = None  # only what a scene number can hold: later stages name files by it
        self.elements.append(
            Element(
                type=kind,
                text=text,
                line=line,
                spans=spans,
                scene_number=number or None,
                extension=split_cue(text)[1] if is_cue else None,
                dual=dual and is_cue,
                depth=depth,
            )
        )
        return is_cue

    def _dual_dialogue(self, block: ET.Element) -> None:
        paragraphs = block.findall("Paragraph")
        cues = sum(1 for p in paragraphs if p.get("Type") == "Character")
        seen_cue = cues == 1
        for paragraph in paragraphs:
            if self.paragraph(paragraph, dual=seen_cue):
                seen_cue = True

    def _note(self, note: ET.Element, line: int) -> None:
        text = "\n".join(
            "".join(t.text or "" for t in p.iterfind("Text")) for p in note.iterfind("Paragraph")
        )
        self.elements.append(Element(type=T.NOTE, text=text, line=line))


def _clip(spans: list[Span], start: int, end: int) -> list[Span]:
    """The parts of `spans` inside text[start:end], re-based to `start`."""
    return [
        Span(start=max(s.start, start) - start, end=min(s.end, end) - start, styles=s.styles)
        for s in spans
        if s.start < end and s.end > start
    ]


def _styles_of(style: str | None) -> frozenset[Style]:
    if not style:
        return frozenset()
    return frozenset(_STYLE_NAMES[s] for s in style.split("+") if s in _STYLE_NAMES)


def _spans(runs: list[tuple[int, int, frozenset[Style]]]) -> list[Span]:
    """Styled runs as spans, touching runs of the same styles joined (one word, one span)."""
    spans: list[Span] = []
    for start, end, styles in runs:
        ordered = [s for s in _STYLE_ORDER if s in styles]
        if spans and spans[-1].end == start and spans[-1].styles == ordered:
            spans[-1] = Span(start=spans[-1].start, end=end, styles=ordered)
        else:
            spans.append(Span(start=start, end=end, styles=ordered))
    return spans


@dataclass
class _TitleBlock:
    """Consecutive non-empty title-page paragraphs of one alignment (or one keyed paragraph)."""

    alignment: str
    lines: list[str]
    line: int
    key: str | None


def _read_title_page(root: ET.Element, lines: dict[int, int]) -> list[TitleEntry]:
    content = root.find("TitlePage/Content")
    if content is None:
        return []
    blocks: list[_TitleBlock] = []
    previous: _TitleBlock | None = None
    for paragraph in content.iterfind("Paragraph"):
        text = "".join(t.text or "" for t in paragraph.iterfind("Text"))
        line = lines.get(id(paragraph), 0)
        key = paragraph.get(_KEY_ATTRIBUTE)
        if key is not None:
            # Backlot's own paragraph: the key and the value exactly as written.
            blocks.append(_TitleBlock("", [text], line, key))
            previous = None
            continue
        if not text.strip():
            previous = None
            continue
        alignment = paragraph.get("Alignment", "Left")
        value_lines = [part.strip() for part in text.split("\n")]
        if previous is not None and previous.alignment == alignment:
            previous.lines.extend(value_lines)
            continue
        previous = _TitleBlock(alignment, value_lines, line, None)
        blocks.append(previous)
    guesser = _TitleGuesser()
    for block in blocks:
        guesser.block(block)
    return guesser.entries


@dataclass
class _TitleGuesser:
    """Title-page keys for aligned blocks of text (the heuristic in the module docstring)."""

    entries: list[TitleEntry] = field(default_factory=list)

    def _add(self, key: str, value_lines: list[str], line: int) -> None:
        value = "\n".join(value_lines).strip("\n")
        if value:
            self.entries.append(TitleEntry(key=key, value=value, line=line))

    def _has(self, key: str) -> bool:
        return any(e.key == key for e in self.entries)

    def block(self, block: _TitleBlock) -> None:
        if block.key is not None:
            self.entries.append(TitleEntry(key=block.key, value=block.lines[0], line=block.line))
        elif block.alignment == "Center":
            self._centered(block)
        else:
            value = "\n".join(block.lines)
            if _COPYRIGHT.match(value):
                key = "Copyright"
            elif _DATE.search(value) or block.alignment == "Right":
                key = "Draft date"
            else:
                key = "Notes" if self._has("Contact") else "Contact"
            self._add(key, block.lines, block.line)

    def _centered(self, block: _TitleBlock) -> None:
        """Split a centred block at credit lines: Title, then Credit, Author, Source."""
        group: list[str] = []
        for text in block.lines:
            credit = _CREDIT.match(text)
            if credit and not self._has("Author"):
                self._centered_group(group, block.line)
                self._add("Credit", [credit.group("credit")], block.line)
                if credit.group("name"):
                    self._add("Author", [credit.group("name")], block.line)
            else:
                group.append(text)
        self._centered_group(group, block.line)

    def _centered_group(self, group: list[str], line: int) -> None:
        if not group:
            return
        if not self._has("Credit"):
            title = next((e for e in self.entries if e.key == "Title"), None)
            if title is None:
                self._add("Title", group, line)
            else:
                # More centred text before any credit line is the title's second line.
                title.value = "\n".join([title.value, *group])
        elif not self._has("Author"):
            self._add("Author", group, line)
        else:
            self._add("Source", group, line)
        group.clear()


# -- writing -------------------------------------------------------------------------------


def write_fdx(screenplay: Screenplay) -> str:
    """Serialize `screenplay` as a Final Draft document (XML text with its declaration).

    `read_fdx` restores every element's type, text, spans, scene number, extension, dual
    flag and section depth, and the title page's keys and values. Elements Final Draft lacks
    are written the way Final Draft 12 stores them where it can: sections as outline levels
    (``Outline N``), synopses as ``Outline Body``, notes as a ``<ScriptNote>`` on an empty
    General paragraph, page breaks as ``StartsNewPage="Yes"`` on the next paragraph.
    """
    root = ET.Element("FinalDraft", DocumentType="Script", Template="No", Version="5")
    content = ET.SubElement(root, "Content")
    _ContentWriter(content).write(screenplay.elements)
    if screenplay.title_page:
        _write_title_page(ET.SubElement(root, "TitlePage"), screenplay.title_page)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n{body}\n'


@dataclass
class _Speech:
    """A speech already written: its first paragraph, and its DualDialogue block if any."""

    first: ET.Element
    block: ET.Element | None


@dataclass
class _ContentWriter:
    """Appends elements to `<Content>`, grouping dual dialogue and carrying page breaks."""

    content: ET.Element
    page_break: bool = False

    def write(self, elements: list[Element]) -> None:
        # A speech is a cue and the parentheticals and dialogue after it; dual dialogue
        # pairs a `dual` speech with the speech right before it.
        i, n = 0, len(elements)
        previous_speech: _Speech | None = None
        while i < n:
            element = elements[i]
            if element.type is T.PAGE_BREAK:
                if self.page_break:
                    self._paragraph("General")
                self.page_break = True
                previous_speech = None
                i += 1
                continue
            if element.type is not T.CHARACTER:
                self._element(self.content, element)
                previous_speech = None
                i += 1
                continue
            end = i + 1
            while end < n and elements[end].type in _SPEECH:
                end += 1
            previous_speech = self._speech(elements[i:end], previous_speech)
            i = end
        if self.page_break:
            self._paragraph("General")

    def _speech(self, speech: list[Element], previous: _Speech | None) -> _Speech | None:
        """Write one speech; returns what a following `dual` speech may pair with."""
        if not speech[0].dual:
            start = len(self.content)
            for element in speech:
                self._element(self.content, element)
            return _Speech(self.content[start], None)
        if previous is None:
            # A `^` cue with no speech before it: a block of its own, which nothing joins
            # (the reader marks a lone speaker dual, but not the first of two).
            block = ET.SubElement(self._paragraph(None), "DualDialogue")
            for element in speech:
                self._element(block, element)
            return None
        block = previous.block
        if block is None:
            # Move the speech just written into a new dual block in its place.
            children = list(self.content)
            moved = children[children.index(previous.first) :]
            for paragraph in moved:
                self.content.remove(paragraph)
            wrapper = self._paragraph(None)
            if "StartsNewPage" in moved[0].attrib:
                wrapper.set("StartsNewPage", moved[0].attrib.pop("StartsNewPage"))
            block = ET.SubElement(wrapper, "DualDialogue")
            block.extend(moved)
        for element in speech:
            self._element(block, element)
        return _Speech(previous.first, block)

    def _paragraph(self, kind: str | None, parent: ET.Element | None = None) -> ET.Element:
        attributes = {"Type": kind} if kind else {}
        if parent is None or parent is self.content:
            parent = self.content
            if self.page_break:
                attributes["StartsNewPage"] = "Yes"
                self.page_break = False
        return ET.SubElement(parent, "Paragraph", attributes)

    def _element(self, parent: ET.Element, element: Element) -> None:
        kind = element.type
        if kind is T.SECTION:
            paragraph = self._paragraph(f"Outline {element.depth or 1}", parent)
        else:
            paragraph = self._paragraph(_WRITE_TYPES[kind], parent)
        if kind is T.SCENE_HEADING and element.scene_number:
            paragraph.set("Number", element.scene_number)
        elif kind is T.CENTERED:
            paragraph.set("Alignment", "Center")
        if kind is T.NOTE:
            note = ET.SubElement(paragraph, "ScriptNote")
            for note_line in element.text.split("\n"):
                _text(ET.SubElement(note, "Paragraph"), note_line, None)
            return
        for start, end, styles in _runs(element.text, element.spans):
            _text(paragraph, element.text[start:end], styles)


def _runs(text: str, spans: list[Span]) -> list[tuple[int, int, list[Style]]]:
    """`text` cut at span edges into (start, end, styles) runs; overlapping spans combine."""
    if not spans:
        return [(0, len(text), [])]
    edges = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    runs: list[tuple[int, int, list[Style]]] = []
    for start, end in pairwise(edges):
        if start >= end or end > len(text):
            continue
        styles = {st for s in spans if s.start <= start and end <= s.end for st in s.styles}
        runs.append((start, end, [s for s in _STYLE_ORDER if s in styles]))
    return runs


def _text(paragraph: ET.Element, chunk: str, styles: list[Style] | None) -> None:
    attributes = {"Style": "+".join(_STYLE_WORDS[s] for s in styles)} if styles else {}
    node = ET.SubElement(paragraph, "Text", attributes)
    node.text = _XML_ILLEGAL.sub("\ufffd", chunk)


def _write_title_page(title_page: ET.Element, entries: list[TitleEntry]) -> None:
    """One paragraph per entry, aligned as a title page is laid out, blank lines between."""
    content = ET.SubElement(title_page, "Content")
    for index, entry in enumerate(entries):
        if index:
            ET.SubElement(content, "Paragraph", Alignment="Left")
        key = entry.key.lower()
        if key in _CENTERED_KEYS:
            alignment = "Center"
        elif key == "draft date":
            alignment = "Right"
        else:
            alignment = "Left"
        paragraph = ET.SubElement(
            content, "Paragraph", {"Alignment": alignment, _KEY_ATTRIBUTE: entry.key}
        )
        _text(paragraph, entry.value, None)
