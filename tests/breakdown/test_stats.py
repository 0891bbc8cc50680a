"""Cast list numbering and counts, set summaries, and day/night resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from backlot.breakdown.models import SceneBreakdown
from backlot.breakdown.stats import cast_members, day_night, set_summaries
from backlot.script.assemble import split_cue
from backlot.script.fountain import parse_fountain
from backlot.script.models import ElementType, Screenplay

NIGHT_RUN = Path(__file__).resolve().parents[2] / "examples" / "night_run" / "script.fountain"


def cue_cast(screenplay: Screenplay) -> dict[str, list[str]]:
    """Scene number → the names with a cue in that scene (what the tagger would find, roughly)."""
    return {
        scene.number: list(
            dict.fromkeys(
                split_cue(e.text)[0] for e in scene.elements if e.type is ElementType.CHARACTER
            )
        )
        for scene in screenplay.scenes
    }


def scene(number: str, set_name: str, eighths: int, int_ext: str = "INT") -> SceneBreakdown:
    return SceneBreakdown(
        number=number,
        heading=f"{int_ext}. {set_name} - DAY",
        int_ext=int_ext,
        time_of_day="DAY",
        day_night="DAY",
        location=set_name,
        set=f"{int_ext}. {set_name}",
        line=1,
        eighths=eighths,
        tension=0.0,
        valence=0.0,
        arousal=0.0,
    )


SCRIPT = """\
NARRATOR (V.O.)
Once upon a time.

INT. KITCHEN - DAY

ANNA
(quietly)
Pass the salt -- please.

BEN
Don't. It's half-past (beat) nine.

ANNA (CONT'D)
Fine.

INT. HALL - NIGHT

CARL
Hello there.

BEN
Bye.

INT. GARDEN - DAY

Ben waters the roses. Carl watches.
"""


@pytest.fixture
def small() -> Screenplay:
    return parse_fountain(SCRIPT)


def test_counts_speeches_and_words_without_parentheticals(small: Screenplay) -> None:
    cast = {c.name: c for c in cast_members(small, cue_cast(small))}
    anna = cast["ANNA"]
    # "(quietly)" is a parenthetical element: not counted; CONT'D is stripped from the cue.
    assert (anna.lines, anna.words) == (2, 4 + 1)
    ben = cast["BEN"]
    # "don't", "it's" and "half-past" are one word each; the inline "(beat)" is not spoken.
    assert (ben.lines, ben.words) == (2, 4 + 1)
    assert ben.scenes == ["1", "2"]


def test_cast_ids_by_scenes_then_lines_then_first_appearance(small: Screenplay) -> None:
    scene_cast = cue_cast(small)
    # Present without a line in the garden: scenes count, speeches do not.
    scene_cast["3"] = ["BEN", "CARL"]
    cast = cast_members(small, scene_cast)
    assert [(c.id, c.name) for c in cast] == [
        (1, "BEN"),  # three scenes
        (2, "CARL"),  # two scenes
        (3, "ANNA"),  # one scene, two speeches
        (4, "NARRATOR"),  # no scene
    ]
    carl = cast[1]
    assert (carl.scenes, carl.lines, carl.first_scene) == (["2", "3"], 1, "2")


def test_a_joint_cue_is_a_line_for_each_and_a_crowd_is_no_cast_member() -> None:
    screenplay = parse_fountain(
        "INT. HALL - DAY\n\nANNA\nHi.\n\nBEN\nHi.\n\nANNA AND BEN\nTogether now.\n\n"
        "THE CROWD\nHooray!\n"
    )
    members = {m.name: m for m in cast_members(screenplay, {"1": ["ANNA", "BEN"]})}
    assert set(members) == {"ANNA", "BEN"}
    assert (members["ANNA"].lines, members["ANNA"].words) == (2, 3)
    assert (members["BEN"].lines, members["BEN"].words) == (2, 3)


def test_ties_go_to_who_appears_first() -> None:
    screenplay = parse_fountain("INT. A - DAY\n\nED\nHi.\n\nINT. B - DAY\n\nDORA\nHi.\n")
    # One scene and one speech each: ED is on screen first, so ED is 1 although DORA < ED.
    cast = cast_members(screenplay, {"1": ["ED"], "2": ["DORA"]})
    assert [(c.id, c.name) for c in cast] == [(1, "ED"), (2, "DORA")]


def test_speaker_outside_any_scene_still_counts(small: Screenplay) -> None:
    narrator = next(c for c in cast_members(small, cue_cast(small)) if c.name == "NARRATOR")
    assert (narrator.scenes, narrator.first_scene, narrator.lines, narrator.words) == (
        [],
        "",
        1,
        4,
    )


def test_night_run_example() -> None:
    screenplay = parse_fountain(NIGHT_RUN.read_text(encoding="utf-8"))
    cast = cast_members(screenplay, cue_cast(screenplay))
    maya = cast[0]
    assert maya.name == "MAYA" and maya.id == 1
    assert maya.lines == 7
    # 4 + 7 + 5 + 3 + 6 + 7 + 9: "(eyes on the mirror)" is not spoken.
    assert maya.words == 41
    assert maya.scenes == ["2", "4", "5", "7", "8"]
    assert maya.first_scene == "2"
    assert [c.name for c in cast] == ["MAYA", "LEO", "RUTH", "DISPATCH", "GUARD"]
    assert [c.id for c in cast] == [1, 2, 3, 4, 5]


def test_set_summaries_group_in_order_of_first_appearance() -> None:
    scenes = [
        scene("1", "DINER", 3),
        scene("2", "PIER", 5, "EXT"),
        scene("3", "DINER", 4),
        scene("3A", "PIER", 1, "EXT"),
    ]
    sets = set_summaries(scenes)
    assert [(s.name, s.int_ext, s.scenes, s.eighths) for s in sets] == [
        ("INT. DINER", "INT", ["1", "3"], 7),
        ("EXT. PIER", "EXT", ["2", "3A"], 6),
    ]


@pytest.mark.parametrize(
    ("time_of_day", "previous", "expected"),
    [
        ("NIGHT", "DAY", "NIGHT"),
        ("MIDNIGHT", "DAY", "NIGHT"),
        ("EVENING", "DAY", "NIGHT"),
        ("DUSK", "DAY", "NIGHT"),
        ("DAWN", "NIGHT", "DAY"),
        ("MORNING", "NIGHT", "DAY"),
        ("AFTERNOON", "NIGHT", "DAY"),
        ("NOON", "NIGHT", "DAY"),
        ("CONTINUOUS", "NIGHT", "NIGHT"),
        ("CONTINUOUS", "DAY", "DAY"),
        ("MOMENTS LATER", "NIGHT", "NIGHT"),
        ("LATER", "NIGHT", "NIGHT"),
        ("SAME", "NIGHT", "NIGHT"),
        ("SUNSET", "DAY", "NIGHT"),  # a spoken variant, normalized first
        ("LATE NIGHT", "DAY", "NIGHT"),
        ("FLASHBACK", "NIGHT", "NIGHT"),  # unknown: keep the clock
        (None, "NIGHT", "NIGHT"),
    ],
)
def test_day_night(time_of_day: str | None, previous: str, expected: str) -> None:
    assert day_night(time_of_day, previous) == expected


def test_day_night_starts_in_daylight() -> None:
    assert day_night("CONTINUOUS") == "DAY"
    assert day_night(None) == "DAY"


def test_continuous_follows_the_scene_before_through_a_script() -> None:
    screenplay = parse_fountain(NIGHT_RUN.read_text(encoding="utf-8"))
    resolved: list[str] = []
    for each in screenplay.scenes:
        resolved.append(day_night(each.time_of_day, resolved[-1] if resolved else "DAY"))
    # Scenes 2 and 4 are CONTINUOUS after night scenes; 7 is DAWN.
    assert resolved == ["NIGHT"] * 6 + ["DAY", "DAY"]
