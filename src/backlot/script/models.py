"""The screenplay model: what every later stage reads.

Field names here are an interface (issue 3, item 8): the breakdown, the world builder and
outside tools read exactly these names, so rename nothing without a schema version bump.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class ElementType(StrEnum):
    """The kind of a script element; the vocabulary shared with the corpus fixtures."""

    SCENE_HEADING = "scene_heading"
    ACTION = "action"
    CHARACTER = "character"
    DIALOGUE = "dialogue"
    PARENTHETICAL = "parenthetical"
    TRANSITION = "transition"
    CENTERED = "centered"
    LYRICS = "lyrics"
    PAGE_BREAK = "page_break"
    SECTION = "section"
    SYNOPSIS = "synopsis"
    NOTE = "note"


class Style(StrEnum):
    """An emphasis style, as Fountain marks it (`*italic*`, `**bold**`, `_underline_`)."""

    ITALIC = "italic"
    BOLD = "bold"
    UNDERLINE = "underline"


class Span(BaseModel):
    """A run of styled characters in an element's plain `text`: `text[start:end]`."""

    model_config = ConfigDict(frozen=True)

    start: int
    end: int
    styles: list[Style]


class Element(BaseModel):
    """One paragraph of the script, in document order.

    `text` is plain: emphasis markers and forcing characters are removed (emphasis is kept
    in `spans`). Action keeps its line breaks and indentation.
    """

    type: ElementType
    text: str
    line: int = Field(description="1-based line in the source file where the element starts.")
    spans: list[Span] = Field(default_factory=list)
    scene_number: str | None = Field(
        default=None, description="Scene headings: the number written in the script (#12A#)."
    )
    extension: str | None = Field(
        default=None, description="Character cues: the extension, e.g. 'V.O.' or 'CONT'D'."
    )
    dual: bool = Field(
        default=False,
        description="Character cues: the second (right-hand) speaker of dual dialogue (`^`).",
    )
    depth: int | None = Field(default=None, description="Sections: the number of `#` marks.")
    forced: bool = Field(
        default=False,
        description="The source forced this type ('.', '!', '@', '>', '~'); writers keep it.",
    )


class TitleEntry(BaseModel):
    """One key of the title page, in the order written ("Title", "Credit", "Author", …)."""

    key: str
    value: str
    line: int = 0


class Scene(BaseModel):
    """A scene: its heading split into parts, where it sits on the page, and its elements."""

    number: str = Field(description="The script's scene number, or its ordinal when it has none.")
    heading: str
    int_ext: str | None = Field(default=None, description="INT, EXT or INT/EXT.")
    location: str = ""
    sublocation: str | None = None
    time_of_day: str | None = Field(
        default=None, description="Normalized (DAY, NIGHT, CONTINUOUS…); unknown words verbatim."
    )
    line: int
    start_page: str | None = Field(default=None, description="Printed page the scene starts on.")
    eighths: int | None = Field(default=None, description="Length in eighths of a page.")
    elements: list[Element] = Field(
        default_factory=list,
        description="The heading and every element up to the next scene heading.",
    )


class CharacterStat(BaseModel):
    """A speaking character: cue name without extensions, and how many speeches."""

    name: str
    dialogue_count: int


class Screenplay(BaseModel):
    """A parsed screenplay: title page, elements in order, scenes and speaking characters."""

    title: str | None = None
    source: str | None = Field(default=None, description="The file it was read from.")
    title_page: list[TitleEntry] = Field(default_factory=list)
    elements: list[Element] = Field(default_factory=list)
    scenes: list[Scene] = Field(default_factory=list)
    characters: list[CharacterStat] = Field(default_factory=list)
    pages: int | None = Field(default=None, description="Printed page count.")
    warnings: list[str] = Field(
        default_factory=list, description="How reading the file went wrong but recoverably."
    )


class PageLine(BaseModel):
    """One printed line of a paginated script, placed in character cells and rows.

    `kind` is the element type it prints (an `ElementType` value) or "more" for the
    "(MORE)" under a speech that goes on over the page. Spans are relative to `text`.
    """

    row: int = Field(description="0-based row in the page body (six rows per inch).")
    text: str
    kind: str
    indent: int = Field(description="Character cells from the paper's left edge (ten per inch).")
    element: int | None = Field(
        default=None, description="Index in Screenplay.elements; None for (MORE)."
    )
    offset: int = Field(default=0, description="Where `text` starts in the element's text.")
    revised: bool = Field(default=False, description="New or changed since the locked draft.")
    spans: list[Span] | None = None


class Page(BaseModel):
    """A printed page: its number as production prints it ("12", "12A") and its lines."""

    number: str
    lines: list[PageLine] = Field(default_factory=list)
    revision: str | None = Field(
        default=None, description="The revision colour in the header when the page changed."
    )
    omitted: bool = Field(default=False, description="A locked page whose content was cut.")


class PagedScript(BaseModel):
    """A screenplay laid out on pages, as it prints; `revision` names the colour of a lock."""

    pages: list[Page] = Field(default_factory=list)
    body_lines: int = Field(description="Rows in a page body: a page's worth of lines.")
    revision: str | None = None
