"""Where a screenplay prints on the page: US Letter, Courier 12 pt, in character cells and rows.

Source for the numbers: "The Ultimate Screenplay Format Reference", Screenplay
Measurements (http://www.trilane.com/ref/measure/measure.html), which agrees with the
common US format guides: 8.5 x 11 in paper; 12 pt Courier, so 10 characters per inch and
6 lines per inch; 1.5 in left margin, 1 in top, bottom and right margins; dialogue from
2.5 in and at most 3.5 in wide; parentheticals ("actor's instructions") from 3.1 in;
character cues from 3.7 in; transitions flush right; page numbers 0.5 in from the top,
flush right, followed by a dot and left off page one; one blank line between scenes.
Software varies by a tenth of an inch here and there.

Columns are counted from the paper's left edge, so a column of 15 sits at 1.5 in.
"""

from __future__ import annotations

from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from backlot.script.models import ElementType, Page, Screenplay, Span

T = ElementType


class Column(BaseModel):
    """A text column: first character cell (from the page's left edge) and width in cells."""

    model_config = ConfigDict(frozen=True)

    indent: int
    width: int


class SpeechColumns(BaseModel):
    """The three columns of a speech: the cue, its parentheticals and its dialogue."""

    model_config = ConfigDict(frozen=True)

    cue: Column
    parenthetical: Column
    dialogue: Column


class PageGeometry(BaseModel):
    """A printed screenplay page, in inches for the paper and in cells and rows for text."""

    model_config = ConfigDict(frozen=True)

    page_width_in: float = 8.5
    page_height_in: float = 11.0
    chars_per_inch: int = 10
    lines_per_inch: int = 6
    font_size_pt: float = 12.0
    top_margin_in: float = 1.0
    bottom_margin_in: float = 1.0
    header_in: float = 0.5
    right_edge: int = 75
    revision_mark_column: int = 77
    action: Column = Column(indent=15, width=60)
    # Parentheticals get 2.5 in rather than the 2 in some guides give: the common asides
    # ("(beat)", "(looking at the river)") then stay on one line, as in produced scripts.
    speech: SpeechColumns = SpeechColumns(
        cue=Column(indent=37, width=38),
        parenthetical=Column(indent=31, width=25),
        dialogue=Column(indent=25, width=35),
    )
    # Dual dialogue: two half-width speeches side by side across the action column.
    dual_left: SpeechColumns = SpeechColumns(
        cue=Column(indent=25, width=20),
        parenthetical=Column(indent=19, width=22),
        dialogue=Column(indent=15, width=28),
    )
    dual_right: SpeechColumns = SpeechColumns(
        cue=Column(indent=56, width=19),
        parenthetical=Column(indent=51, width=22),
        dialogue=Column(indent=47, width=28),
    )
    # Blank lines printed before an element that is not at the top of a page. The source
    # recommends one before a scene heading (two is "okay"); with one, Big Fish comes to
    # 125 pages (about 120 as published), with two to 128.
    space_before: int = 1
    space_before_heading: int = 1

    @property
    def body_lines(self) -> int:
        """Rows of text between the top and bottom margins (54 on US Letter)."""
        body_in = self.page_height_in - self.top_margin_in - self.bottom_margin_in
        return round(body_in * self.lines_per_inch)

    @property
    def page_lines(self) -> int:
        """Rows on the whole sheet (66 on US Letter)."""
        return round(self.page_height_in * self.lines_per_inch)

    @property
    def top_rows(self) -> int:
        """Rows above the body: where body row 0 sits on the sheet."""
        return round(self.top_margin_in * self.lines_per_inch)

    @property
    def header_row(self) -> int:
        """The sheet row of the page number and revision header."""
        return round(self.header_in * self.lines_per_inch)


LETTER = PageGeometry()


class Placed(NamedTuple):
    """Text at a place on the sheet, for a renderer: row from the paper's top, column from
    its left edge. `kind` is a PageLine kind, "number", "revision", "mark" (a revision
    asterisk), "omitted", or a title-page key."""

    row: int
    column: int
    text: str
    kind: str
    spans: list[Span] | None = None


_CENTRED_KEYS = ("title", "credit", "author", "authors", "source")
_LEFT_KEYS = ("contact", "notes", "copyright")
_RIGHT_KEYS = ("draft date", "date", "revision")


def title_sheet(screenplay: Screenplay, geometry: PageGeometry = LETTER) -> list[Placed]:
    """The title page: title, credit and authors centred a third of the way down; contact,
    notes and copyright at the bottom left; the draft date at the bottom right."""
    values: dict[str, list[str]] = {}
    for entry in screenplay.title_page:
        lines = [line.strip() for line in entry.value.splitlines()]
        values.setdefault(entry.key.strip().lower(), []).extend(line for line in lines if line)
    placed: list[Placed] = []
    row = geometry.page_lines // 3
    paper = round(geometry.page_width_in * geometry.chars_per_inch)
    for key in _CENTRED_KEYS:
        for line in values.get(key, []):
            placed.append(Placed(row, max(0, (paper - len(line)) // 2), line, key))
            row += 1
        row += key in values
    bottom = geometry.page_lines - geometry.top_rows
    left = [(key, line) for key in _LEFT_KEYS for line in values.get(key, [])]
    for k, (key, line) in enumerate(left):
        placed.append(Placed(bottom - len(left) + k, geometry.action.indent, line, key))
    right = [(key, line) for key in _RIGHT_KEYS for line in values.get(key, [])]
    for k, (key, line) in enumerate(right):
        placed.append(Placed(bottom - len(right) + k, geometry.right_edge - len(line), line, key))
    return placed


def page_sheet(page: Page, geometry: PageGeometry = LETTER) -> list[Placed]:
    """A script page: its number top right ("12.", none on page one), the revision colour
    top left when it changed, its lines, and an asterisk in the margin at revised lines."""
    placed: list[Placed] = []
    header = geometry.header_row
    if page.number != "1":
        number = f"{page.number}."
        placed.append(Placed(header, geometry.right_edge - len(number), number, "number"))
    if page.revision:
        placed.append(
            Placed(header, geometry.action.indent, f"{page.revision} REVISION", "revision")
        )
    top = geometry.top_rows
    if page.omitted:
        text = "OMITTED"
        column = geometry.action.indent + (geometry.action.width - len(text)) // 2
        placed.append(Placed(top + geometry.body_lines // 2, column, text, "omitted"))
    for line in page.lines:
        placed.append(Placed(top + line.row, line.indent, line.text, line.kind, line.spans))
        if line.revised:
            placed.append(Placed(top + line.row, geometry.revision_mark_column, "*", "mark"))
    return placed
