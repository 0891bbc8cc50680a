"""The paginated screenplay as a PDF: a title page, then each page at the printed geometry.

Drawn with reportlab's canvas in its built-in Courier faces (no font file to ship), from the
character cells and rows that `layout.py` places, so the PDF matches the pagination line for
line. `invariant=1` leaves out creation dates and random ids: the same script gives the same
bytes.
"""

from __future__ import annotations

from io import BytesIO
from itertools import pairwise

from reportlab.pdfgen.canvas import Canvas

from backlot.script.layout import LETTER, PageGeometry, Placed, page_sheet, title_sheet
from backlot.script.models import PagedScript, Screenplay, Style

POINTS_PER_INCH = 72
# The baseline sits this far down its row, as a fraction of the row: Courier's descender
# (about 0.16 of the size) then stays inside the row.
_BASELINE = 0.8
_UNDERLINE = 0.12
_FACES = {
    frozenset(): "Courier",
    frozenset({Style.BOLD}): "Courier-Bold",
    frozenset({Style.ITALIC}): "Courier-Oblique",
    frozenset({Style.BOLD, Style.ITALIC}): "Courier-BoldOblique",
}


def write_pdf(paged: PagedScript, screenplay: Screenplay, geometry: PageGeometry = LETTER) -> bytes:
    """The paginated script as PDF bytes: the title page (when there is one), then every page."""
    out = BytesIO()
    width = geometry.page_width_in * POINTS_PER_INCH
    height = geometry.page_height_in * POINTS_PER_INCH
    canvas = Canvas(out, pagesize=(width, height), invariant=1)
    canvas.setCreator("backlot")
    if screenplay.title:
        canvas.setTitle(screenplay.title)
    sheets = [page_sheet(page, geometry) for page in paged.pages]
    if screenplay.title_page:
        sheets.insert(0, title_sheet(screenplay, geometry))
    cell = POINTS_PER_INCH / geometry.chars_per_inch
    row_height = POINTS_PER_INCH / geometry.lines_per_inch
    for sheet in sheets:
        for placed in sheet:
            baseline = height - (placed.row + _BASELINE) * row_height
            _draw(canvas, placed, cell, baseline, geometry.font_size_pt)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _draw(canvas: Canvas, placed: Placed, cell: float, baseline: float, size: float) -> None:
    """One placed text, cut where its styles change; underlines drawn as rules."""
    text, spans = placed.text, placed.spans
    if not spans:
        canvas.setFont("Courier", size)
        canvas.drawString(placed.column * cell, baseline, text)
        return
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    for start, end in pairwise(cuts):
        styles = {style for s in spans if s.start <= start and end <= s.end for style in s.styles}
        x = (placed.column + start) * cell
        canvas.setFont(_FACES[frozenset(styles - {Style.UNDERLINE})], size)
        canvas.drawString(x, baseline, text[start:end])
        if Style.UNDERLINE in styles:
            under = baseline - size * _UNDERLINE
            canvas.line(x, under, x + (end - start) * cell, under)
