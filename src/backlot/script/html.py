"""The paginated screenplay as one self-contained, readable HTML page.

Each page is a white 8.5 x 11 in sheet holding a `<pre>` of its rows: at 12 pt a Courier
character is exactly a tenth of an inch and a row a sixth, so the character cells and rows
from `layout.py` print where the PDF prints them. All script text goes through
`html.escape`: a script cannot inject markup.
"""

from __future__ import annotations

from html import escape

from backlot.script.layout import LETTER, PageGeometry, Placed, page_sheet, title_sheet
from backlot.script.models import ElementType, PagedScript, Screenplay, Span, Style

_TAGS = {Style.BOLD: "b", Style.ITALIC: "i", Style.UNDERLINE: "u"}
# Kinds that get a CSS class; title-page keys come from the script and get none.
_CLASSED = frozenset({*(t.value for t in ElementType), "more", "number", "revision", "mark"})
_CSS = """
body { margin: 0; padding: 0.3in 0; background: #d9d9d9; }
.sheet { box-sizing: border-box; width: 8.5in; height: 11in; margin: 0 auto 0.3in;
  background: #fff; color: #000; box-shadow: 0 1px 6px rgba(0, 0, 0, 0.35); overflow: hidden; }
.sheet pre { margin: 0; font: 12pt/calc(1in / 6) "Courier Prime", "Courier New", Courier,
  monospace; white-space: pre; }
.scene_heading { font-weight: bold; }
.revision, .mark { color: #1f4fbf; font-weight: bold; }
.omitted { letter-spacing: 0.1em; }
@media print { body { background: none; padding: 0; }
  .sheet { margin: 0; box-shadow: none; page-break-after: always; } }
"""


def render_html(paged: PagedScript, screenplay: Screenplay, geometry: PageGeometry = LETTER) -> str:
    """The paginated script as an HTML document with inline CSS and no outside resources."""
    title = escape(screenplay.title or "Screenplay")
    sheets: list[str] = []
    if screenplay.title_page:
        sheets.append(_sheet("title-page", title_sheet(screenplay, geometry)))
    for page in paged.pages:
        sheets.append(_sheet(f"page-{page.number}", page_sheet(page, geometry)))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(sheets)
        + "\n</body>\n</html>\n"
    )


def _sheet(ident: str, placed: list[Placed]) -> str:
    """One sheet: its rows padded with spaces so every text starts at its column."""
    rows: dict[int, list[Placed]] = {}
    for item in placed:
        rows.setdefault(item.row, []).append(item)
    text: list[str] = []
    for number in range(max(rows, default=-1) + 1):
        width = 0
        row = []
        for item in sorted(rows.get(number, []), key=lambda p: p.column):
            row.append(" " * max(item.column - width, 0) + _styled(item))
            width = max(item.column, width) + len(item.text)
        text.append("".join(row))
    body = "\n".join(text)
    return f'<section class="sheet" id="{escape(ident)}"><pre>{body}</pre></section>'


def _styled(item: Placed) -> str:
    """The escaped text of `item`, its spans in <b>/<i>/<u>, in a span of its kind's class."""
    html = _with_spans(item.text, item.spans) if item.spans else escape(item.text)
    if item.kind in _CLASSED:
        return f'<span class="{item.kind}">{html}</span>'
    return html


def _with_spans(text: str, spans: list[Span]) -> str:
    pieces: list[str] = []
    position = 0
    for span in sorted(spans, key=lambda s: s.start):
        start = max(span.start, position)
        pieces.append(escape(text[position:start]))
        tags = [_TAGS[style] for style in span.styles]
        opening = "".join(f"<{tag}>" for tag in tags)
        closing = "".join(f"</{tag}>" for tag in reversed(tags))
        pieces.append(opening + escape(text[start : span.end]) + closing)
        position = max(position, span.end)
    pieces.append(escape(text[position:]))
    return "".join(pieces)
