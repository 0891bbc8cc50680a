"""PDF and HTML exports of the paginated script: page counts, determinism, escaping."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from backlot.script.fountain import parse_fountain
from backlot.script.html import render_html
from backlot.script.layout import page_sheet
from backlot.script.models import Page, PageLine
from backlot.script.pagination import paginate
from backlot.script.pdf import write_pdf
from backlot.script.revisions import lock

SCRIPT = """Title: The <b>Bold</b> Catch
Credit: written by
Author: Ed Bloom
Contact: 1 River Road <script>alert(1)</script>
Draft date: 2003-05-01

INT. KITCHEN - DAY

Sandra reads a note: <script>alert("pwned")</script> & more.

EDWARD
(grinning)
I caught **the Beast** with a _gold_ ring. It took *years*.

CUT TO:
"""


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", data))


def long_script(scenes: int = 12) -> str:
    body = "".join(
        f"EXT. RIVER {n} - DAY\n\n"
        + "\n".join(f"The river runs, beat {k}." for k in range(30))
        + "\n\n"
        for n in range(scenes)
    )
    return SCRIPT + "\n" + body


def test_pdf_has_a_title_page_and_every_page() -> None:
    screenplay = parse_fountain(long_script())
    paged = paginate(screenplay)
    data = write_pdf(paged, screenplay)
    assert data.startswith(b"%PDF-")
    assert len(paged.pages) > 3
    assert pdf_pages(data) == len(paged.pages) + 1


def test_pdf_without_title_page_has_only_script_pages() -> None:
    screenplay = parse_fountain("INT. HALL - DAY\n\nA door.\n")
    assert pdf_pages(write_pdf(paginate(screenplay), screenplay)) == 1


def test_pdf_bytes_are_the_same_for_the_same_input() -> None:
    screenplay = parse_fountain(long_script(4))
    paged = paginate(screenplay)
    assert write_pdf(paged, screenplay) == write_pdf(paginate(screenplay), screenplay)


def test_pdf_of_big_fish(corpus_dir: Path) -> None:
    screenplay = parse_fountain((corpus_dir / "scripts" / "big_fish.fountain").read_text())
    paged = paginate(screenplay)
    assert pdf_pages(write_pdf(paged, screenplay)) == len(paged.pages) + 1


def test_html_escapes_hostile_text() -> None:
    screenplay = parse_fountain(SCRIPT)
    html = render_html(paginate(screenplay), screenplay)
    assert "<script>" not in html and "<b>Bold</b>" not in html
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; more." in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the title page's contact
    assert "<title>The &lt;b&gt;Bold&lt;/b&gt; Catch</title>" in html


def test_html_shows_sheets_styles_and_columns() -> None:
    screenplay = parse_fountain(SCRIPT)
    paged = paginate(screenplay)
    html = render_html(paged, screenplay)
    assert html.count('<section class="sheet"') == len(paged.pages) + 1
    assert "<b>the Beast</b>" in html and "<u>gold</u>" in html and "<i>years</i>" in html
    # Rows are padded to their columns: the cue at 3.7 in is 37 cells in.
    assert "\n" + " " * 37 + '<span class="character">EDWARD</span>' in html


def test_revised_lines_get_a_star_and_the_page_its_colour() -> None:
    old = parse_fountain(long_script(3))
    new = parse_fountain(long_script(3).replace("beat 4.", "beat 4, in the rain.", 1))
    locked = lock(new, old, "YELLOW")
    html = render_html(locked, new)
    assert '<span class="revision">YELLOW REVISION</span>' in html
    assert html.count('<span class="mark">*</span>') == 1
    assert pdf_pages(write_pdf(locked, new)) == len(locked.pages) + 1


def test_page_sheet_places_number_header_and_mark() -> None:
    line = PageLine(row=0, text="Changed.", kind="action", indent=15, element=0, revised=True)
    page = Page(number="12A", lines=[line], revision="BLUE")
    placed = {p.kind: (p.row, p.column, p.text) for p in page_sheet(page)}
    assert placed["number"] == (3, 75 - len("12A."), "12A.")
    assert placed["revision"] == (3, 15, "BLUE REVISION")
    assert placed["action"] == (6, 15, "Changed.")
    assert placed["mark"] == (6, 77, "*")
    assert "number" not in {p.kind for p in page_sheet(Page(number="1"))}
    omitted = page_sheet(Page(number="7", omitted=True))
    assert [p.text for p in omitted] == ["7.", "OMITTED"]


def test_printed_page_geometry_when_rasterized(tmp_path: Path) -> None:
    """The PDF as paper: poppler's pdftoppm renders a page and the ink sits where the
    screenplay format puts it (action from 1.5 in, nothing in the left margin)."""
    text = "INT. ROOM - DAY\n\n" + "\n\n".join(
        f"Line {n} of plain action that runs on long enough to wrap to a second line."
        for n in range(40)
    )
    screenplay = parse_fountain(text)
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(write_pdf(paginate(screenplay), screenplay))
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "40", "-f", "2", "-l", "2", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    (page,) = tmp_path.glob("p*.pgm")
    width, height, pixels = _read_pgm(page.read_bytes())
    assert (width, height) == (340, 440)  # US Letter at 40 dpi
    ink = [[pixels[y * width + x] < 128 for x in range(width)] for y in range(height)]
    columns = [any(row[x] for row in ink) for x in range(width)]
    first_ink = columns.index(True)
    assert 58 <= first_ink <= 62  # 1.5 in from the paper's edge
    rows = [any(row) for row in ink]
    body = [y for y, inked in enumerate(rows) if inked and y > 30]
    assert body[0] >= 38 and body[-1] <= 404  # inside the 1 in top and bottom margins


def _read_pgm(data: bytes) -> tuple[int, int, bytes]:
    """A binary PGM (P5): header words, then one byte per pixel."""
    fields = data.split(maxsplit=4)
    assert fields[0] == b"P5"
    width, height = int(fields[1]), int(fields[2])
    return width, height, fields[4][: width * height]
