"""The tagger's reading rules, one script line at a time: what the words say is tagged."""

from __future__ import annotations

import pytest

from backlot.breakdown import analyze
from backlot.breakdown.models import BreakdownConfig, Category
from backlot.script.fountain import parse_fountain

C = Category


def tags(action: str, *, dialogue: str = "") -> set[tuple[str, str]]:
    """(category, name) of every tag in a one-scene script with `action` (and `dialogue`)."""
    text = f"INT. OFFICE - NIGHT\n\nMAYA enters.\n\n{action}\n\n{dialogue}"
    breakdown = analyze(parse_fountain(text), BreakdownConfig())
    return {(t.category.value, t.name) for t in breakdown.scenes[0].tags}


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("Maya pulls a pistol from her coat, FIRING into the ceiling.", "gunshot"),
        ("Maya aims a gun at the door. Fires twice.", "gunshot"),
        ("Maya raises the rifle and pulls the trigger.", "gunshot"),
        ("The noise of the ENGINES is deafening.", "engine"),
        ("The sound of the gun cocking stops her.", "gun cocking"),
        ("A SOUND in the hall wakes her.", "hall noise"),
        ("Whirring sounds as the printer warms up.", "whir"),
        ("Maya doesn't hear the phone.", "phone ring"),
        ("The printer audibly snickers behind her.", "snicker"),
        ("A deep DRUM ROLL begins.", "drum roll"),
        ("The crowd APPLAUDS.", "applause"),
        ("Two men STOMPING on the boards.", "stomp"),
    ],
)
def test_sounds_from_what_the_prose_says(action: str, expected: str) -> None:
    assert (C.SOUND.value, expected) in tags(action)


@pytest.mark.parametrize(
    ("action", "category", "name"),
    [
        # A thing on fire is a practical effect.
        ("Maya waves a flaming stick.", C.SPECIAL_EFFECTS, "fire"),
        ("The smoldering wreck hisses.", C.SPECIAL_EFFECTS, "smoke"),
        # Clothes described or worn.
        ("Joe stands in cheap black shoes.", C.WARDROBE, "shoe"),
        ("A man whose expensive suit gleams.", C.WARDROBE, "suit"),
        ("Jing pulls out her eyeglasses.", C.WARDROBE, "eyeglasses"),
    ],
)
def test_effects_and_clothes_from_what_the_prose_says(
    action: str, category: Category, name: str
) -> None:
    assert (category.value, name) in tags(action)


def test_gunfire_needs_a_firearm_and_a_shot_fired() -> None:
    fired = tags("Maya pulls a pistol from her coat, FIRING into the ceiling.")
    assert (C.SPECIAL_EFFECTS.value, "squib") in fired
    assert (C.PROPS.value, "firing") not in fired
    # Wanting to shoot is not a shot; firing a question is not gunfire.
    assert (C.SOUND.value, "gunshot") not in tags("She has a gun but won't shoot him.")
    assert (C.SOUND.value, "gunshot") not in tags("Maya fires questions at the clerk.")


def test_a_sound_word_used_as_a_verb_is_not_an_effect() -> None:
    snapped = tags("A SOUND in the hall snaps her out of it.")
    assert (C.SOUND.value, "snap") not in snapped
    steamed = tags("Maya steams for a moment, then crumples the paper.", dialogue="MAYA\nNo.\n")
    assert (C.SPECIAL_EFFECTS.value, "steam") not in steamed
    assert (C.SOUND.value, "ring") not in tags("The catfish spits out Maya's gold ring.")


def test_a_ringing_phone_is_a_sound_and_a_prop() -> None:
    found = tags("The phone rings.")
    assert {(C.SOUND.value, "phone ring"), (C.PROPS.value, "phone")} <= found
    assert (C.SOUND.value, "ring") not in found


@pytest.mark.parametrize(
    ("action", "prop"),
    [
        ("The catfish spits out Maya's gold ring box.", "ring box"),
        ("Money, drugs, and ridiculous props are strewn about the table.", "money"),
        ("Money, drugs, and ridiculous props are strewn about the table.", "drug"),
        ("They are drinking beer.", "beer"),
        ("Legos are used to build a dinosaur.", "lego"),
        ("The room is littered with art supplies and canvasses.", "canvas"),
        ("Maya reaches for a pen and paper.", "paper"),
        ("Maya bumps her coffee mug.", "coffee mug"),
    ],
)
def test_props_without_an_article(action: str, prop: str) -> None:
    assert (C.PROPS.value, prop) in tags(action)


def test_words_that_are_acts_or_verbs_are_not_props() -> None:
    assert (C.PROPS.value, "picture") not in tags("Maya takes another picture.")
    assert (C.PROPS.value, "check") not in tags("Checks the printer status light.")
    assert (C.PROPS.value, "watch") not in tags("Maya twiddles her fingers and watches the door.")


def test_voices_and_devices_are_not_cast() -> None:
    heard = tags(
        "The INTERCOM on the desk buzzes. A voice booms from the speaker.",
        dialogue="INTERCOM\nMaya, my office.\n\nCALLER\nHello?\n\nMAYA\nYes?\n",
    )
    cast = {name for category, name in heard if category == C.CAST.value}
    assert cast == {"MAYA"}


def test_a_role_cue_unmasked_is_not_a_second_cast_member() -> None:
    found = tags(
        "A man in a mask steps up.",
        dialogue="THE MAN\nHand it over.\n\nThe man is none other than...\n\nNORTHER\nIt's me.\n",
    )
    cast = {name for category, name in found if category == C.CAST.value}
    assert "THE MAN" not in cast
    assert "NORTHER" in cast


def vehicles_of(script: str) -> list[set[str]]:
    """The vehicle names of each scene of a script."""
    breakdown = analyze(parse_fountain(script), BreakdownConfig())
    return [{t.name for t in s.tags if t.category is C.VEHICLES} for s in breakdown.scenes]


def test_vehicles_by_make_and_model() -> None:
    script = (
        "EXT. STREET - DAY\n\nMaya sits behind the wheel of her '77 Toyota Landcruiser.\n\n"
        "A LAND ROVER DEFENDER 90 AND A VOLKSWAGON GTI.\n\n"
        "A champagne-colored Lexus pulls up. Maya dodges the puddle.\n\n"
        "THE TRUCK SLAMS INTO THE BACK OF THE LEXUS DOING FORTY.\n\n"
        "EXT. CLIFF - NIGHT\n\nThe Landcruiser is parked on the edge. Harrison Ford waves.\n\n"
        "INT. GTI - MOVING\n\nMaya drives.\n"
    )
    first, second, third = vehicles_of(script)
    # A model names the vehicle; a make without one names it by the make.
    assert first == {"landcruiser", "defender 90", "gti", "lexus", "truck"}
    # The model alone, in a later scene or a heading, is the same vehicle; a make that is a
    # common word or a name ("Ford") is no vehicle without a model.
    assert second == {"landcruiser"}
    assert third == {"gti"}
    assert vehicles_of("EXT. ROAD - DAY\n\nA ford crosses the river. A dodge.\n") == [set()]


def test_a_thing_word_before_a_determiner_is_a_verb() -> None:
    rang = tags("Maya RINGS THE DOORBELL.")
    assert (C.WARDROBE.value, "ring") not in rang
    assert (C.SOUND.value, "doorbell ring") in rang  # the sound named as its department does
    assert (C.WARDROBE.value, "ring") in tags("Maya wears a gold ring on her finger.")
    assert (C.WARDROBE.value, "tie") not in tags("Maya ties the rope to the rail.")


def test_jewellery_is_a_prop_in_hand_and_wardrobe_when_worn() -> None:
    held = tags("Maya holds up her ring.")
    assert (C.PROPS.value, "ring") in held
    assert (C.WARDROBE.value, "ring") not in held
    worn = tags("Maya, wearing a silver locket, sits.")
    assert (C.WARDROBE.value, "locket") in worn
    assert (C.PROPS.value, "locket") not in worn
