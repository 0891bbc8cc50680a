"""Characters: looks read from the script, seeded defaults, skeletons, wardrobe per scene."""

from __future__ import annotations

from backlot.breakdown import analyze
from backlot.breakdown.models import BreakdownConfig
from backlot.script import load
from backlot.script.fountain import parse_fountain
from backlot.world.cast import build_cast, look_of, skeleton
from tests.conftest import EXAMPLES

SCRIPT = """\
INT. OFFICE - DAY

JOHN (40s, tall, heavy, grey suit) waits. He checks his watch.

MARY (late 20s, petite, blonde, red dress) enters. She smiles.

JOHN
You're late.

KID (8) runs past.
"""


def test_look_from_the_script() -> None:
    sp = parse_fountain(SCRIPT)
    john = look_of("JOHN", sp)
    assert (john.age, john.build, john.gender) == (45, "heavy", "male")
    assert john.height_m > 1.8
    assert john.clothing[0] == "#8a8a8a"  # grey suit
    assert john.from_script == ["40s, tall, heavy, grey suit"]
    mary = look_of("MARY", sp)
    assert (mary.age, mary.build, mary.gender) == (28, "slight", "female")
    assert mary.hair == "#d9bf77" and mary.clothing[0] == "#b02a2a"
    assert look_of("KID", sp).age == 8 and look_of("KID", sp).height_m < 1.5


def test_seeded_default_is_stable() -> None:
    sp = parse_fountain("INT. ROOM - DAY\n\nNobody is described.\n")
    assert look_of("ZED", sp) == look_of("ZED", sp)
    assert look_of("ZED", sp) != look_of("YAN", sp)


def test_skeleton_is_openpose_18_and_scales() -> None:
    joints = skeleton(1.8, "average")
    assert len(joints) == 18 and len({j.name for j in joints}) == 18
    by_name = {j.name: j for j in joints}
    assert by_name["nose"].position[1] > by_name["neck"].position[1] > by_name["r_hip"].position[1]
    assert by_name["r_ankle"].position[1] < 0.1
    assert by_name["l_shoulder"].position[0] == -by_name["r_shoulder"].position[0]
    parents = {j.parent for j in joints} - {None}
    assert parents <= set(by_name)


def test_example_cast_wardrobe_follows_the_character() -> None:
    path = EXAMPLES / "night_run" / "script.fountain"
    sp, _ = load(path)
    cast = {c.name: c for c in build_cast(sp, analyze(sp, BreakdownConfig()))}
    assert cast["MAYA"].wardrobe["1"] == ["rain jacket"]
    assert cast["MAYA"].wardrobe["8"] == ["rain jacket"]  # kept from scene to scene
    assert cast["LEO"].wardrobe["3"] == ["hoodie"]
    assert cast["RUTH"].wardrobe["7"] == ["apron", "reading glasses"]
    assert cast["MAYA"].look.gender == "female" and cast["LEO"].look.gender == "male"
