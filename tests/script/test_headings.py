"""Scene headings split into INT/EXT, location, sublocation and a normalized time of day."""

from __future__ import annotations

import random

import pytest

from backlot.script.headings import _PARTS, Heading, dash_parts, split_heading


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("INT. HOUSE - DAY", Heading("INT", "HOUSE", None, "DAY")),
        (
            "INT. JOHN'S APARTMENT - KITCHEN - NIGHT",
            Heading("INT", "JOHN'S APARTMENT", "KITCHEN", "NIGHT"),
        ),
        ("EXT. STREET - MOMENTS LATER", Heading("EXT", "STREET", None, "MOMENTS LATER")),
        ("EXT. STREET - A MOMENT LATER", Heading("EXT", "STREET", None, "MOMENTS LATER")),
        ("INT. CAR - CONTINUOUS", Heading("INT", "CAR", None, "CONTINUOUS")),
        ("EXT. BEACH - SUNSET", Heading("EXT", "BEACH", None, "DUSK")),
        ("EXT. FIELD - DAY (1985)", Heading("EXT", "FIELD", None, "DAY")),
        ("INT./EXT. TAXI - MOVING - NIGHT", Heading("INT/EXT", "TAXI", "MOVING", "NIGHT")),
        ("I/E VAN - DAY", Heading("INT/EXT", "VAN", None, "DAY")),
        ("EST. CITY SKYLINE - DAWN", Heading("EXT", "CITY SKYLINE", None, "DAWN")),
        ("INT. HOUSE - KITCHEN", Heading("INT", "HOUSE", "KITCHEN", None)),
        # Unknown time words are kept verbatim when the heading clearly has a time slot.
        (
            "INT. LAB - CORRIDOR - HOUR OF THE WOLF",
            Heading("INT", "LAB", "CORRIDOR", "HOUR OF THE WOLF"),
        ),
        ("INT. T-BONE'S GARAGE - SAME", Heading("INT", "T-BONE'S GARAGE", None, "SAME")),
        ("INT. ATTIC", Heading("INT", "ATTIC", None, None)),
        ("FLASHBACK", Heading(None, "FLASHBACK", None, None)),
        ("INT. KITCHEN — NIGHT", Heading("INT", "KITCHEN", None, "NIGHT")),
        # A continuity word after the time of day: the light is the time of day's.
        ("INT. TENT - NIGHT - CONTINUOUS", Heading("INT", "TENT", None, "NIGHT")),
        ("INT. TENT - RING - CONTINUOUS", Heading("INT", "TENT", "RING", "CONTINUOUS")),
        ("EXT. MARSH - ANOTHER DAY", Heading("EXT", "MARSH", None, "DAY")),
        ("INT. FLAT, LATER THAT EVENING", Heading("INT", "FLAT", None, "EVENING")),
        ("EXT. DOCK - ONE NIGHT", Heading("EXT", "DOCK", None, "NIGHT")),
        ("EXT. DOCK - LATER THAT DAY", Heading("EXT", "DOCK", None, "DAY")),
        ("INT.  HOSPITAL ROOM - PRE-DAWN", Heading("INT", "HOSPITAL ROOM", None, "DAWN")),
        ("INT. KITCHEN - PRESENT DAY", Heading("INT", "KITCHEN", None, "DAY")),
    ],
)
def test_split_heading(heading: str, expected: Heading) -> None:
    assert split_heading(heading) == expected


def test_dash_parts_splits_as_the_pattern_does() -> None:
    """The string-split shortcut gives the pattern's parts on every kind of dash and space."""
    rng = random.Random(7)
    alphabet = ["A", "B", " ", " ", "-", "-", "–", "—", "\t", "[", "\u00a0", "é"]
    texts = ["".join(rng.choices(alphabet, k=rng.randint(0, 12))) for _ in range(20000)]
    texts += ["LIBRARY - DAY", "T-BONE'S - NIGHT", "A - - B", "A -  - B", "A -", "- A", "A --B"]
    assert [t for t in texts if dash_parts(t) != _PARTS.split(t)] == []
    assert dash_parts("KITCHEN - NIGHT") == ["KITCHEN", "NIGHT"]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("INT. / EXT. CAR - DAY", Heading("INT/EXT", "CAR", None, "DAY")),
        ("int. hall - day", Heading("INT", "hall", None, "DAY")),
        ("EXT.  YARD - DUSK", Heading("EXT", "YARD", None, "DUSK")),
        ("EST. CITY", Heading("EXT", "CITY", None, None)),
        ("INT.", Heading("INT", "", None, None)),
    ],
)
def test_plain_prefixes(heading: str, expected: Heading) -> None:
    """The common prefixes, read without the pattern, and a slash that makes INT./EXT."""
    assert split_heading(heading) == expected
