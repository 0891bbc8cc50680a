"""Round trips: Fountain → model → FDX or Fountain → model loses nothing.

Over every corpus script and peer case, over generated scripts, and for the writer's
forcing rules one by one; and each corpus Final Draft file that has a Fountain twin reads
as the same script as the twin.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backlot.script.conformance import Row, rows_of
from backlot.script.fdx import read_fdx, write_fdx
from backlot.script.fountain import parse_fountain
from backlot.script.fountain_writer import write_fountain
from backlot.script.models import Element, ElementType, Screenplay, Span, Style
from tests.conftest import shared_root

SHARED = shared_root()
CORPUS = SHARED / "corpus" if SHARED else None
SCRIPTS = sorted((CORPUS / "scripts").glob("*.fountain")) if CORPUS else []
PEER_CASES = sorted((CORPUS / "peer_suites").glob("*/cases/*.json")) if CORPUS else []
NEEDS_CORPUS = pytest.mark.skipif(
    CORPUS is None, reason="../shared/corpus is absent (set BACKLOT_SHARED to its folder)"
)

T = ElementType

# What a round trip must keep. `line` moves (the writers lay text out anew) and `forced`
# may be added where a writer must force a type, so neither is compared.
FIELDS = ("type", "text", "spans", "scene_number", "dual", "depth", "extension")


def elements_of(screenplay: Screenplay) -> list[tuple[object, ...]]:
    return [tuple(getattr(e, f) for f in FIELDS) for e in screenplay.elements]


def title_of(screenplay: Screenplay) -> list[tuple[str, str]]:
    return [(e.key, e.value) for e in screenplay.title_page]


def assert_same(original: Screenplay, back: Screenplay) -> None:
    want, got = elements_of(original), elements_of(back)
    for index, (w, g) in enumerate(zip(want, got, strict=False)):
        assert g == w, f"element {index} differs"
    assert len(got) == len(want)
    assert title_of(back) == title_of(original)


def read_fountain(path: Path) -> Screenplay:
    return parse_fountain(path.read_text(encoding="utf-8"), str(path))


@NEEDS_CORPUS
@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.stem)
def test_fountain_fdx_round_trip(path: Path) -> None:
    original = read_fountain(path)
    assert original.elements
    back = read_fdx(write_fdx(original).encode("utf-8"), "roundtrip.fdx")
    assert_same(original, back)
    assert [s.heading for s in back.scenes] == [s.heading for s in original.scenes]
    assert back.characters == original.characters


@NEEDS_CORPUS
@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.stem)
def test_fountain_fountain_round_trip(path: Path) -> None:
    original = read_fountain(path)
    written = write_fountain(original)
    back = parse_fountain(written)
    assert_same(original, back)
    # Writing what was read back gives the same text: the writer is a fixed point.
    assert write_fountain(back) == written


@NEEDS_CORPUS
@pytest.mark.parametrize("path", PEER_CASES, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_peer_case_round_trips(path: Path) -> None:
    """The peers' edge cases (forcing, emphasis, dual dialogue, notes…) survive both writers."""
    original = parse_fountain(json.loads(path.read_text(encoding="utf-8"))["input"])
    assert_same(original, parse_fountain(write_fountain(original)))
    assert_same(original, read_fdx(write_fdx(original).encode("utf-8")))


# -- Final Draft twins ------------------------------------------------------------------

# big_fish, brick_and_steel and the_last_birthday_card .fdx were written by screenplain from
# the .fountain (SOURCES.md). Its FDX writer leaves out what Final Draft had no element for
# (page breaks, sections, synopses) and does not know the "EXT/INT." heading prefix, which
# it writes as Action; so the Fountain side is viewed the same way before comparing.
SCREENPLAIN_DROPS = frozenset({"page_break", "section", "synopsis"})


def screenplain_view(rows: list[Row]) -> list[Row]:
    view: list[Row] = []
    for kind, text, extra in rows:
        if kind in SCREENPLAIN_DROPS:
            continue
        if kind == "scene_heading" and text.upper().startswith("EXT/INT"):
            view.append(("action", text, None))
            continue
        view.append((kind, text, extra))
    return view


def body_rows(screenplay: Screenplay) -> list[Row]:
    # Title pages are left out: screenplain writes none, and rsdoiel's .fdx has one that its
    # .fountain lacks (that title page is checked in test_fdx).
    return [row for row in rows_of(screenplay) if row[0] != "title_entry"]


@pytest.mark.parametrize(
    ("stem", "view"),
    [
        pytest.param("big_fish", screenplain_view, id="big_fish"),
        pytest.param("brick_and_steel", screenplain_view, id="brick_and_steel"),
        pytest.param("the_last_birthday_card", screenplain_view, id="the_last_birthday_card"),
        # Same content, written by another tool (Version 3 header, SceneProperties).
        pytest.param("rsdoiel_sample_01", list, id="rsdoiel_sample_01"),
    ],
)
def test_fdx_twin_reads_like_its_fountain(
    corpus_dir: Path, stem: str, view: Callable[[list[Row]], list[Row]]
) -> None:
    scripts = corpus_dir / "scripts"
    fountain = body_rows(read_fountain(scripts / f"{stem}.fountain"))
    final_draft = body_rows(read_fdx((scripts / f"{stem}.fdx").read_bytes(), f"{stem}.fdx"))
    want = view(fountain)
    assert want
    for index, (w, g) in enumerate(zip(want, final_draft, strict=False)):
        assert g == w, f"row {index} differs"
    assert len(final_draft) == len(want)


# -- the Fountain writer on its own -----------------------------------------------------


def fountain_round_trip(source: str) -> tuple[str, Screenplay, Screenplay]:
    original = parse_fountain(source)
    written = write_fountain(original)
    back = parse_fountain(written)
    assert_same(original, back)
    return written, original, back


@pytest.mark.parametrize(
    ("source", "paragraph"),
    [
        pytest.param("!INT. NOT A HEADING\n", "!INT. NOT A HEADING", id="action-like-heading"),
        pytest.param(
            "!BOOM!\nThe door flies open.\n", "!BOOM!\nThe door flies open.", id="action-like-cue"
        ),
        pytest.param("!THEY FADE TO:\n", "!THEY FADE TO:", id="action-like-transition"),
        pytest.param("!# not a section\n", "!# not a section", id="action-like-section"),
        pytest.param(".FLASHBACK\n", ".FLASHBACK", id="heading-without-int-ext"),
        pytest.param("INT. HOUSE - DAY #12A#\n", "INT. HOUSE - DAY #12A#", id="scene-number"),
        pytest.param("@McCLANE\nYippee.\n", "@McCLANE\nYippee.", id="lowercase-cue"),
        pytest.param("@BOB\n\nAfter.\n", "@BOB", id="cue-without-speech"),
        pytest.param("> FADE OUT.\n", "> FADE OUT.", id="transition-not-ending-to"),
        pytest.param("CUT TO:\n", "CUT TO:", id="plain-transition"),
        pytest.param(">THE END<\n", ">THE END<", id="centered"),
        pytest.param("~La la la\n~Tra la\n", "~La la la\n~Tra la", id="lyrics"),
        pytest.param("### Deep section\n", "### Deep section", id="section-depth"),
        pytest.param("= A synopsis\n", "= A synopsis", id="synopsis"),
        pytest.param("[[Check this]]\n", "[[Check this]]", id="note"),
        pytest.param("Before.\n\n===\n\nAfter.\n", "===", id="page-break"),
        pytest.param("A\nOne.\n\nB ^\nTwo.\n", "B ^\nTwo.", id="dual"),
        pytest.param(
            "BOB\nLine one.\n  \nLine three.\n",
            "BOB\nLine one.\n  \nLine three.",
            id="blank-dialogue-line",
        ),
        pytest.param(
            "Say *it* **now** ***loud*** _under_ \\*star\\* snake\\_case.\n",
            "Say *it* **now** ***loud*** _under_ \\*star\\* snake\\_case.",
            id="emphasis-and-escapes",
        ),
        pytest.param("    Indented\n  lines.\n", "    Indented\n  lines.", id="indentation"),
    ],
)
def test_writer_forces_what_would_be_misread(source: str, paragraph: str) -> None:
    written, _, _ = fountain_round_trip(source)
    assert paragraph in written.strip("\n").split("\n\n")


def test_writer_title_page_keys_values_and_indentation() -> None:
    source = (
        "Title:\n    _**BRICK & STEEL**_\n    FULL RETIRED\ncredit: Written by\n"
        "Author: Stu Maschwitz\nContact:\n    Next Level\n    Solvang, CA\n\nAction.\n"
    )
    written, original, _ = fountain_round_trip(source)
    assert [(e.key, e.value) for e in original.title_page][:2] == [
        ("Title", "BRICK & STEEL\nFULL RETIRED"),
        ("credit", "Written by"),
    ]
    assert written.startswith("Title:\n    BRICK & STEEL\n    FULL RETIRED\ncredit: Written by\n")


def test_first_line_that_looks_like_a_title_key_stays_action() -> None:
    sp = Screenplay(elements=[Element(type=T.ACTION, text="Note: the door is red.", line=1)])
    back = parse_fountain(write_fountain(sp))
    assert back.title_page == []
    assert [(e.type, e.text) for e in back.elements] == [(T.ACTION, "Note: the door is red.")]


def test_writer_never_writes_wrong_spans() -> None:
    # Italic then bold-italic with no space between has no Fountain spelling (a closing
    # star may not touch another star): the text survives and the styling is dropped,
    # never misread.
    sp = Screenplay(
        elements=[
            Element(
                type=T.ACTION,
                text="ab",
                line=1,
                spans=[
                    Span(start=0, end=1, styles=[Style.ITALIC]),
                    Span(start=1, end=2, styles=[Style.BOLD, Style.ITALIC]),
                ],
            )
        ]
    )
    back = parse_fountain(write_fountain(sp))
    assert back.elements[0].text == "ab"
    assert back.elements[0].spans in (sp.elements[0].spans, [])


def test_marker_after_a_slash_never_opens_a_boneyard() -> None:
    # "either/" in italics would end in "/*"; with a "*/" later the parser would drop
    # everything between as boneyard. The line loses its styling instead.
    sp = Screenplay(
        elements=[
            Element(
                type=T.ACTION,
                text="either/",
                line=1,
                spans=[Span(start=0, end=7, styles=[Style.ITALIC])],
            ),
            Element(type=T.ACTION, text="Middle.", line=3),
            Element(type=T.ACTION, text="a */ b", line=5),
        ]
    )
    back = parse_fountain(write_fountain(sp))
    assert [e.text for e in back.elements] == ["either/", "Middle.", "a */ b"]


def test_cue_extension_with_a_literal_underscore() -> None:
    fountain_round_trip("MOM (O_S)\nDinner!\n")


# Lines that exercise every element type, forcing, emphasis and escapes, in any order and
# with or without blank lines between them. Left out: what Fountain cannot write back (a
# literal "[[", a lone forcing character, which makes an empty element Final Draft drops).
LINES = [
    "INT. HOUSE - DAY",
    "EXT. PARK #12#",
    ".FLASHBACK",
    "BOB",
    "BOB (V.O.)",
    "bob",
    "@bob",
    "BOB ^",
    "(quietly)",
    "Hello there.",
    "*italic* text",
    "**bold** and _under_",
    "***both***",
    "*He said **no** today*",
    "a * star",
    "\\*lit\\*",
    "CUT TO:",
    "> FADE OUT.",
    ">CENTER<",
    "~la la",
    "# Act",
    "## Seq",
    "= synopsis",
    "===",
    "[[note]]",
    "  ",
    "",
    "    indented",
    "!FORCED",
    "Title: X",
    "THE END",
    "BOOM!",
    "I/E CAR",
    "/* bone */",
    "\tTabbed",
]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=14))
def test_any_parsed_script_survives_both_writers(lines: list[str]) -> None:
    original = parse_fountain("\n".join(lines))
    assert_same(original, parse_fountain(write_fountain(original)))
    assert_same(original, read_fdx(write_fdx(original).encode("utf-8")))
