"""The breakdown's exports: CSV sheets, the stripboard CSV, the HTML report, category styles."""

from __future__ import annotations

import csv
import io
import re

import pytest

from backlot.breakdown.categories import category_styles
from backlot.breakdown.models import (
    Beat,
    Breakdown,
    CastMember,
    Category,
    DayOutOfDays,
    SceneBreakdown,
    Schedule,
    SetSummary,
    ShootDay,
    Tag,
)
from backlot.breakdown.report import pages_text, render_report
from backlot.breakdown.sheets import (
    BREAKDOWN_COLUMNS,
    STRIPBOARD_COLUMNS,
    breakdown_csv,
    stripboard_csv,
)

HOSTILE = "<script>alert(1)</script>"


def scene(
    number: str,
    heading: str,
    eighths: int,
    tension: float,
    cast: list[str],
    tags: list[Tag],
) -> SceneBreakdown:
    """A scene whose INT/EXT, set and day/night are read off `heading` ("INT. DINER - NIGHT")."""
    int_ext, rest = heading.split(". ", 1)
    location, time = rest.rsplit(" - ", 1)
    return SceneBreakdown(
        number=number,
        heading=heading,
        int_ext=int_ext,
        time_of_day=time,
        day_night="NIGHT" if time == "NIGHT" else "DAY",
        location=location,
        set=f"{int_ext}. {location}",
        line=int(number) * 10,
        start_page=number,
        eighths=eighths,
        synopsis=f"Scene {number} begins.",
        tension=tension,
        valence=0.0,
        arousal=tension,
        cast=cast,
        tags=tags,
    )


def tag(category: Category, name: str, line: int, evidence: str, source: str = "rules") -> Tag:
    return Tag(category=category, name=name, line=line, evidence=evidence, source=source)


@pytest.fixture
def breakdown() -> Breakdown:
    """Four scenes on three sets, tags in six categories, two shooting days, a DOOD."""
    scenes = [
        scene(
            "1",
            "INT. DINER - DAY",
            11,
            0.2,
            ["ANNA", "BEN"],
            [
                tag(Category.CAST, "ANNA", 11, "ANNA slides into the booth."),
                tag(Category.CAST, "BEN", 12, "BEN pours coffee."),
                tag(Category.PROPS, "coffee pot", 12, "BEN pours coffee from a pot."),
                tag(Category.EXTRAS, "diner", 13, "DINERS eat in silence."),
            ],
        ),
        scene(
            "2",
            "EXT. DINER - NIGHT",
            6,
            0.9,
            ["ANNA"],
            [
                tag(Category.CAST, "ANNA", 21, "ANNA runs to the car."),
                tag(Category.VEHICLES, "car", 21, "ANNA runs to the car."),
                tag(Category.STUNTS, "car chase", 22, "The car skids."),
                tag(Category.SPECIAL_EFFECTS, "rain", 23, "Rain hammers.", source="llm"),
            ],
        ),
        scene("3", "INT. MOTEL - NIGHT", 4, 0.5, [], []),
        scene(
            "4",
            "EXT. ROAD - DAY",
            20,
            0.4,
            ["BEN"],
            [tag(Category.WARDROBE, "raincoat", 41, "BEN, in a raincoat.")],
        ),
    ]
    return Breakdown(
        title="Night Run",
        scenes=scenes,
        cast=[
            CastMember(id=1, name="ANNA", scenes=["1", "2"], lines=8, words=120, first_scene="1"),
            CastMember(id=2, name="BEN", scenes=["1", "4"], lines=5, words=60, first_scene="1"),
        ],
        sets=[
            SetSummary(name="INT. DINER", int_ext="INT", scenes=["1"], eighths=11),
            SetSummary(name="EXT. DINER", int_ext="EXT", scenes=["2"], eighths=6),
            SetSummary(name="INT. MOTEL", int_ext="INT", scenes=["3"], eighths=4),
            SetSummary(name="EXT. ROAD", int_ext="EXT", scenes=["4"], eighths=20),
        ],
        beats=[Beat(name="climax", scene="2", line=20, tension=0.9)],
        # Strip order differs from script order, so "in day order" is a real check.
        schedule=Schedule(
            eighths_per_day=32,
            days=[
                ShootDay(day=1, scenes=["2", "1"], eighths=17, sets=["EXT. DINER", "INT. DINER"]),
                ShootDay(day=2, scenes=["4", "3"], eighths=24, sets=["EXT. ROAD", "INT. MOTEL"]),
            ],
        ),
        day_out_of_days=DayOutOfDays(days=[1, 2], rows={"ANNA": ["SWF", ""], "BEN": ["SW", "WF"]}),
    )


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_pages_text_keeps_eighths_unreduced() -> None:
    assert [pages_text(n) for n in (0, 3, 4, 8, 11, 100)] == [
        "0",
        "3/8",
        "4/8",
        "1",
        "1 3/8",
        "12 4/8",
    ]


def test_breakdown_csv_has_a_row_per_tag_and_one_per_untagged_scene(breakdown: Breakdown) -> None:
    text = breakdown_csv(breakdown)
    assert next(csv.reader(io.StringIO(text))) == list(BREAKDOWN_COLUMNS)
    rows = parse(text)
    assert [r["scene"] for r in rows] == ["1"] * 4 + ["2"] * 4 + ["3"] + ["4"]
    props = next(r for r in rows if r["category"] == "props")
    assert props == {
        "scene": "1",
        "heading": "INT. DINER - DAY",
        "int_ext": "INT",
        "day_night": "DAY",
        "set": "INT. DINER",
        "eighths": "11",
        "page": "1",
        "category": "props",
        "name": "coffee pot",
        "line": "12",
        "evidence": "BEN pours coffee from a pot.",
        "source": "rules",
    }
    untagged = rows[8]
    assert untagged["heading"] == "INT. MOTEL - NIGHT"
    assert [untagged[c] for c in ("category", "name", "line", "evidence", "source")] == [""] * 5


def test_stripboard_csv_follows_the_schedule(breakdown: Breakdown) -> None:
    text = stripboard_csv(breakdown)
    assert next(csv.reader(io.StringIO(text))) == list(STRIPBOARD_COLUMNS)
    rows = parse(text)
    assert [(r["day"], r["scene"]) for r in rows] == [
        ("1", "2"),
        ("1", "1"),
        ("2", "4"),
        ("2", "3"),
    ]
    assert rows[1] == {
        "day": "1",
        "scene": "1",
        "set": "INT. DINER",
        "int_ext": "INT",
        "day_night": "DAY",
        "eighths": "11",
        "cast": "1, 2",
    }
    assert rows[3]["cast"] == ""


def test_report_shows_every_scene_and_a_coloured_chip_per_tag(breakdown: Breakdown) -> None:
    html = render_report(breakdown)
    styles = category_styles()
    for s in breakdown.scenes:
        assert s.heading in html
        for t in s.tags:
            chip = re.search(
                r'<span class="chip[^"]*" style="background:(#[0-9a-f]{6});[^"]*" '
                rf'title="Line {t.line}: [^"]*">{re.escape(t.name)}</span>',
                html,
            )
            assert chip, t
            assert chip.group(1) == styles[t.category].colour
    assert "Night Run" in html
    assert "5 1/8" in html  # 41 eighths in all
    assert "1 3/8 pp" in html  # scene 1's length on its sheet


def test_report_draws_an_svg_per_chart(breakdown: Breakdown) -> None:
    html = render_report(breakdown)
    assert re.findall(r'<svg [^>]*aria-label="([^"]+)"', html) == [
        "Tension over scenes",
        "Pages per set",
        "Day/night and INT/EXT split",
        "Dialogue share",
        "Scenes per character",
    ]
    assert ">climax</text>" in html


def test_crowded_beats_keep_their_markers_and_names_never_overlap(breakdown: Breakdown) -> None:
    """Forty beats on forty scenes: each keeps its marker and tooltip; the names that are
    drawn share no space in their row, the first beat and the highest among them."""
    scenes = [scene(str(i), f"EXT. ROAD {i} - DAY", 8, 0.3, [], []) for i in range(1, 41)]
    beats = [
        Beat(name=f"chase at road number {i}", scene=str(i), line=i, tension=0.3 + i / 100)
        for i in range(1, 41)
    ]
    html = render_report(breakdown.model_copy(update={"scenes": scenes, "beats": beats}))
    chart = html[: html.index('aria-label="Pages per set"')]
    assert chart.count('r="5.5"') == 40 and chart.count("<title>chase at road") == 40
    drawn = re.findall(
        r'<text x="([\d.]+)" y="(\d+)" text-anchor="(\w+)" style="fill:[^"]*;font-weight:600">'
        r"([^<]+)</text>",
        chart,
    )
    names = {name for *_, name in drawn}
    assert {"chase at road number 1", "chase at road number 40"} <= names
    assert 3 <= len(drawn) < 40
    rows: dict[str, list[tuple[float, float]]] = {}
    for x, y, anchor, name in drawn:
        # About the mean width of a 12 px semibold character in these names.
        width = len(name) * 6.5
        start = float(x) - {"start": 0, "middle": width / 2, "end": width}[anchor]
        for a, b in rows.get(y, []):
            assert start + width <= a or start >= b
        rows.setdefault(y, []).append((start, start + width))


def test_report_stripboard_is_in_day_order_with_day_breaks(breakdown: Breakdown) -> None:
    html = render_report(breakdown)
    strips = re.findall(r'<a class="strip ([a-z-]+)" href="#scene-(\w+)"', html)
    assert strips == [("ext-night", "2"), ("int-day", "1"), ("ext-day", "4"), ("int-night", "3")]
    board = html[html.index('<div class="board">') :]
    assert board.index("scene-1") < board.index("End of day 1") < board.index("scene-4")
    assert "End of day 2 — 3 pages" in board


def test_report_has_the_day_out_of_days_with_totals(breakdown: Breakdown) -> None:
    html = render_report(breakdown)
    dood = html[html.index('<table class="dood">') :]
    for code in ("SWF", "SW", "WF"):
        assert f">{code}</td>" in dood
    ben = re.search(r'<th class="name">BEN</th>(.*?)</tr>', dood).group(1)
    # Two work days, no hold, travel or rehearsal, two days in all.
    assert re.findall(r'<td class="total">(\d+)</td>', ben) == ["2", "0", "0", "0", "2"]
    working = re.search(r"Cast working</th>(.*?)</tr>", dood).group(1)
    assert re.findall(r"<td>(\d+)</td>", working) == ["2", "1"]


def test_a_voice_never_on_set_is_named_under_the_day_out_of_days(breakdown: Breakdown) -> None:
    rows = breakdown.day_out_of_days.rows | {"DISPATCH": ["", ""]}
    voiced = breakdown.model_copy(
        update={"day_out_of_days": breakdown.day_out_of_days.model_copy(update={"rows": rows})}
    )
    html = render_report(voiced)
    dood = html[html.index('<table class="dood">') :]
    assert '<th class="name">DISPATCH</th>' not in dood
    assert "Voice only, no day on set: DISPATCH." in dood
    assert '<th class="name">ANNA</th>' in dood


def test_report_escapes_hostile_script_text(breakdown: Breakdown) -> None:
    first = breakdown.scenes[0]
    first.heading = f"INT. DINER {HOSTILE} - DAY"
    first.tags[2].evidence = f"BEN pours {HOSTILE}"
    first.tags[3].name = 'diner" onmouseover="alert(1)'
    breakdown.title = HOSTILE
    html = render_report(breakdown)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'onmouseover="' not in html
    assert "INT. DINER &lt;script&gt;" in html


def test_report_is_deterministic(breakdown: Breakdown) -> None:
    copy = Breakdown.model_validate_json(breakdown.model_dump_json())
    assert render_report(breakdown) == render_report(copy)
    assert breakdown_csv(breakdown) == breakdown_csv(copy)


def test_report_renders_an_empty_breakdown() -> None:
    empty = Breakdown(
        scenes=[],
        cast=[],
        sets=[],
        schedule=Schedule(eighths_per_day=32, days=[]),
        day_out_of_days=DayOutOfDays(days=[], rows={}),
    )
    html = render_report(empty)
    assert "<h1>Untitled</h1>" in html
    assert "No shooting days scheduled." in html
    assert breakdown_csv(empty) == ",".join(BREAKDOWN_COLUMNS) + "\n"


def test_every_category_has_a_distinct_style() -> None:
    styles = category_styles()
    assert list(styles) == list(Category)
    assert all(s.label and re.fullmatch(r"#[0-9a-f]{6}", s.colour) for s in styles.values())
    assert len({s.colour for s in styles.values()}) == len(Category)
    assert len({s.label for s in styles.values()}) == len(Category)
    assert styles[Category.CAST].label == "Cast Members"
    assert styles[Category.EXTRAS].label == "Background / Extras"
