"""The breakdown stage on real scripts: tags traceable to their lines, actions, directions,
tension, the interface names later stages read, and quality against hand annotations."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backlot.breakdown import analyze
from backlot.breakdown.camera_directions import find_camera_directions
from backlot.breakdown.evaluation import agreement, evaluate
from backlot.breakdown.models import Breakdown, BreakdownConfig, Category
from backlot.script import load
from backlot.script.fountain import parse_fountain
from backlot.script.models import Screenplay
from tests.conftest import EXAMPLES, shared_root

EXAMPLE = EXAMPLES / "night_run" / "script.fountain"
ANNOTATIONS = sorted((Path(__file__).parent / "annotations").glob("*.toml"))


@cache
def breakdown_of(path: Path) -> tuple[Screenplay, Breakdown]:
    screenplay, _ = load(path)
    return screenplay, analyze(screenplay, BreakdownConfig())


def scene(breakdown: Breakdown, number: str):
    return next(s for s in breakdown.scenes if s.number == number)


def names(row, category: Category) -> set[str]:
    return {t.name for t in row.tags if t.category is category}


def test_example_tags_by_category() -> None:
    _, b = breakdown_of(EXAMPLE)
    warehouse = scene(b, "3")
    assert {"metal case", "flashlight"} <= names(warehouse, Category.PROPS)
    assert "security guard" in names(warehouse, Category.EXTRAS)
    assert "fog" in names(warehouse, Category.WEATHER)
    assert "hoodie" in names(warehouse, Category.WARDROBE)
    assert "vault" in names(warehouse, Category.STUNTS)
    assert names(scene(b, "5"), Category.VEHICLES) >= {"taxi", "patrol car"}
    assert "siren" in names(scene(b, "5"), Category.SOUND)
    assert "crackle" in names(scene(b, "2"), Category.SOUND)
    assert "gull" in names(scene(b, "8"), Category.ANIMALS)
    assert "gull" in names(scene(b, "8"), Category.ANIMAL_WRANGLER)
    assert scene(b, "7").cast == ["RUTH", "MAYA", "LEO"]
    # A voice over the radio is not on the set.
    assert "DISPATCH" not in scene(b, "2").cast


def test_every_tag_points_at_its_words() -> None:
    _, b = breakdown_of(EXAMPLE)
    lines = EXAMPLE.read_text().splitlines()
    tags = [t for s in b.scenes for t in s.tags if t.category is not Category.ADDITIONAL_LABOUR]
    assert len(tags) > 40
    for tag in tags:
        assert tag.evidence.split("\n")[0].lower() in lines[tag.line - 1].lower(), tag


def test_actions_and_who_does_them() -> None:
    _, b = breakdown_of(EXAMPLE)
    found = {(a.verb, tuple(a.characters)) for s in b.scenes for a in s.actions}
    assert ("run", ("LEO",)) in found  # "LEO VANCE … sprints"
    assert ("jump", ("LEO",)) in found  # "Leo vaults a chain fence"
    assert ("drive", ("MAYA",)) in found  # "Maya floors it"
    assert ("sit", ("MAYA", "LEO")) in found  # "Maya and Leo slide into a booth"
    assert ("chase", ()) in found  # the guards "give chase"


def test_camera_directions_are_kept_per_scene() -> None:
    sp = parse_fountain(
        "INT. HOUSE - DAY\n\nCLOSE ON the letter. It trembles.\n\nBOB'S POV - the street.\n\n"
        "INSERT - THE NOTE\n\nA wide field of corn.\n\nINTERCUT WITH:\n\n"
        "EXT. SKY - AERIAL SHOT - DAY\n\nWE TRACK WITH her.\n"
    )
    rows = [(d.kind, d.subject, d.line) for s in sp.scenes for d in find_camera_directions(s)]
    assert rows == [
        ("CLOSE ON", "the letter", 3),
        ("POV", "BOB", 5),
        ("INSERT", "THE NOTE", 7),
        ("INTERCUT", None, 11),
        ("AERIAL", None, 13),
        ("TRACKING", "her", 15),
    ]


def test_tension_curve_and_beats() -> None:
    _, b = breakdown_of(EXAMPLE)
    curve = [s.tension for s in b.scenes]
    assert all(0.0 <= t <= 1.0 for t in curve)
    assert max(curve) > 0.5
    # The chase (scenes 3–5) is tenser than the quiet coda on the pier.
    assert max(curve[2:5]) > curve[-1]
    assert [beat.name for beat in b.beats].count("climax") == 1
    climax = next(beat for beat in b.beats if beat.name == "climax")
    assert climax.scene in {"3", "4", "5", "6"}


def test_schedule_and_day_out_of_days_cover_the_script() -> None:
    _, b = breakdown_of(EXAMPLE)
    scheduled = [n for day in b.schedule.days for n in day.scenes]
    assert sorted(scheduled) == sorted(s.number for s in b.scenes)
    maya = b.day_out_of_days.rows["MAYA"]
    worked = [code for code in maya if code]
    assert worked[0] in ("SW", "SWF") and worked[-1] in ("WF", "SWF")
    assert b.cast[0].name == "MAYA" and b.cast[0].id == 1


def test_breakdown_json_interface_names() -> None:
    _, b = breakdown_of(EXAMPLE)
    data = b.model_dump(mode="json")
    assert {"scenes", "cast", "schedule", "day_out_of_days"} <= set(data)
    row = data["scenes"][0]
    assert {
        "number",
        "int_ext",
        "time_of_day",
        "eighths",
        "tension",
        "tags",
        "actions",
        "camera_directions",
    } <= set(row)
    assert {"category", "name", "line", "evidence"} <= set(row["tags"][0])
    assert {"name", "scenes", "lines", "words", "first_scene"} <= set(data["cast"][0])
    action = next(a for s in data["scenes"] for a in s["actions"])
    assert {"verb", "characters", "line"} <= set(action)


@pytest.mark.parametrize(
    ("action", "synopsis"),
    [
        ("Young Dr. Bennett checks the chart. He frowns.", "Young Dr. Bennett checks the chart."),
        ("MRS. SMITH (60s) waits!  The bus is late.", "MRS. SMITH (60s) waits!"),
        ("Rain. More rain.", "Rain."),
    ],
)
def test_synopsis_is_the_first_sentence_past_a_title(action: str, synopsis: str) -> None:
    breakdown = analyze(parse_fountain(f"INT. WARD - DAY\n\n{action}\n"), BreakdownConfig())
    assert breakdown.scenes[0].synopsis == synopsis


def test_same_script_same_breakdown() -> None:
    screenplay, first = breakdown_of(EXAMPLE)
    again = analyze(screenplay, BreakdownConfig())
    assert again.model_dump_json() == first.model_dump_json()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "INT. ROOM - DAY\n\n",
                "EXT. ROAD - NIGHT\n\n",
                "BOB\nHi!\n\n",
                "A GUN fires.\n\n",
                "Two COPS run (30s).\n\n",
                "CLOSE ON\n\n",
                "MAYA OKAFOR (8) sits.\n\n",
                "~la\n\n",
                "[[note]]\n\n",
                "He falls. BANG!\n\n",
                "rain and fog\n\n",
                "\n",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_analyze_never_raises(text: str) -> None:
    b = analyze(parse_fountain(text), BreakdownConfig())
    assert len(b.scenes) == text.count("INT. ") + text.count("EXT. ")


def _load(name: str) -> tuple[Screenplay, Breakdown]:
    root = shared_root()
    if name == "night_run":
        return breakdown_of(EXAMPLE)
    if root is None:
        pytest.skip("../shared/corpus is absent")
    return breakdown_of(root / "corpus" / "scripts" / name)


def test_quality_against_hand_annotations() -> None:
    """Floors at today's figures (benchmarks/breakdown.py prints them): a regression fails."""
    files = ANNOTATIONS if shared_root() else [p for p in ANNOTATIONS if p.stem == "night_run"]
    result = evaluate(files, _load)
    assert result.scenes >= (98 if shared_root() else 8)
    assert result.heading_errors == []
    assert result.speaking_cast.recall == 1.0
    assert result.speaking_cast.precision >= 0.98
    # Issue 4's goal is ≥ 0.8 for props, vehicles, wardrobe, sound and special effects;
    # on the 98 scenes (the fourth round folded in) all five reach it today.
    floors = {
        "cast": 0.94,
        "vehicles": 0.85,
        "weapons": 0.87,
        "weather": 0.8,
        "props": 0.8,
        "sound": 0.96,
        "special_effects": 0.83,
        "wardrobe": 0.87,
    }
    for category, floor in floors.items():
        assert result.categories[category].f1 >= floor, (category, result.categories[category])


def test_the_two_held_out_annotations_agree() -> None:
    """Two annotators wrote the held-out set apart (heldout/, heldout_b/). Every scene of
    one is in the other, and they agree far above the tagger: the held-out scores measure
    the tagger, not noise in its gold."""
    here = Path(__file__).parent
    first, second = (sorted((here / d).glob("*.toml")) for d in ("heldout", "heldout_b"))
    result = agreement(first, second)
    assert result.scenes == 74  # 49, and 25 more of the fifth round
    assert result.categories["cast"].f1 >= 0.95
    # Today's agreement, a little under: effects are where two people differ most.
    floors = {
        "props": 0.85,
        "vehicles": 0.95,
        "wardrobe": 0.8,
        "sound": 0.85,
        "special_effects": 0.7,
    }
    for category, floor in floors.items():
        assert result.categories[category].f1 >= floor, (category, result.categories[category])
    # Annotators that agree with themselves: every list scored against itself is perfect.
    self_agreement = agreement(first, first)
    assert all(s.false_pos == s.false_neg == 0 for s in self_agreement.categories.values())
