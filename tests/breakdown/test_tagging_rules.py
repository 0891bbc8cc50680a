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
        # A sound of something is named with its source; a verb in capitals after "hear"
        # is the sound itself.
        ("The WHIRR of cicadas grows.", "cicada whirr"),
        ("The sound of a car's engine is heard.", "engine"),
        ("We can hear the fabric TEAR.", "tear"),
        # Loud verbs in lower case, a sound verb in capitals before a thing, several-word
        # sounds without an article, and the names sound editors log.
        ("Windows shatter.", "shatter"),
        ("A tiny charge detonates, snapping it like a string.", "detonation"),
        ("A tiny charge detonates, snapping it like a string.", "snap"),
        ("The dog bounds off, SMASHING DOWN THREE CARS.", "smash"),
        ("Maya KICKS the bottle from his hand.", "kick"),
        ("KEYS in the lock.", "key in lock"),
        ("The guns erupt with a torrent of machine gun fire!", "machine gun fire"),
        ("LAUGHTER in the hallway.", "laugh"),
        ("Customers are shooting with rifles. Maya dodges four SHOTS.", "gunshot"),
        ("The crowd goes wild.", "cheer"),  # a crowd's noise by its idiom
        # Levin's verbs of sound and animal noise (1993, classes 43.2 and 38) in capitals.
        ("The radiator CLANKS.", "clank"),
        ("Behind the fence a goat BLEATS.", "bleat"),
        ("The old kettle WHEEZES on the stove.", "wheeze"),
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
        ("Maya takes off her rain coat.", C.WARDROBE, "raincoat"),
        ("His trouser legs catch on the barbs.", C.WARDROBE, "trousers"),
        ("Joe crosses the thorns in his bare feet.", C.WARDROBE, "barefoot"),
        ("What remains of his clothes are ragged.", C.WARDROBE, "clothes"),
        ("Maya, very pregnant, sits down.", C.WARDROBE, "pregnancy pad"),
        ("An OLD WOMAN with a patch over her left eye.", C.WARDROBE, "eye patch"),
        ("Maya pulls on a pair of leather racing gloves.", C.WARDROBE, "glove"),
        # Practical effects by the names the effects crew orders them under.
        ("Maya comes in drenched.", C.SPECIAL_EFFECTS, "wet-down"),
        ("Shafts of sunlight cut through the barn.", C.SPECIAL_EFFECTS, "haze"),
        ("The ground starts to shake.", C.SPECIAL_EFFECTS, "ground shake"),
        ("Another lightning FLASH.", C.SPECIAL_EFFECTS, "lightning"),
        ("TIRES SMOKE as the car peels out.", C.SPECIAL_EFFECTS, "tire smoke"),
        ("A tiny shaped charge is taped to the cable.", C.SPECIAL_EFFECTS, "shaped charge"),
        ("Broken bits of everything fly everywhere.", C.SPECIAL_EFFECTS, "debris"),
        # What breaks on camera is a breakaway: a subject that breaks, a thing smashed.
        ("The chain finally breaks.", C.SPECIAL_EFFECTS, "breakaway chain"),
        ("The door falls in, SMASHING a small table.", C.SPECIAL_EFFECTS, "breakaway table"),
        ("The cars break through the retaining wall.", C.SPECIAL_EFFECTS, "breakaway wall"),
        ("A rock crashes through the window.", C.SPECIAL_EFFECTS, "breakaway glass"),
        ("Windows shatter.", C.SPECIAL_EFFECTS, "breakaway glass"),
        ("Suddenly, the ladder gives way.", C.SPECIAL_EFFECTS, "breakaway ladder"),
        # Props by kind: lights, hoses, lotions, books, prizes.
        ("Maya is changing a lightbulb.", C.PROPS, "lightbulb"),
        ("Maya drops the hose.", C.PROPS, "hose"),
        ("Maya is putting on hand lotion.", C.PROPS, "hand lotion"),  # after verb + particle
        ("Maya reads an encyclopedia.", C.PROPS, "encyclopedia"),
        ("Maya wins a blue ribbon.", C.PROPS, "blue ribbon"),
        # A role in capitals is a background role, not a thing in hand.
        ("A STEWARDESS recites the welcome spiel.", C.EXTRAS, "stewardess"),
        ("Maya leads the CAST out for a curtain call.", C.EXTRAS, "cast"),
        ("A LIBRARIAN shelves returns behind her.", C.EXTRAS, "librarian"),
        ("Maya nods to the BARBER, who sweeps up.", C.EXTRAS, "barber"),
        # Someone who drives off, in a scene that names no vehicle, is in a car.
        ("Maya waves as she drives off.", C.VEHICLES, "car"),
        ("Behind him, Sandra and Maya pull up.", C.VEHICLES, "car"),
        ("The storm is over the valley now.", C.WEATHER, "storm"),  # "over" as a place
    ],
)
def test_effects_and_clothes_from_what_the_prose_says(
    action: str, category: Category, name: str
) -> None:
    assert (category.value, name) in tags(action)


@pytest.mark.parametrize(
    ("action", "not_expected"),
    [
        ("VARIOUS SHOTS: the town at dusk.", "gunshot"),  # camera shots, no firearm
        ("The blow knocks the birds down.", "knock"),
        ("Its jaws snapping at his throat.", "snap"),
        ("We hear a PIANO playing inside.", "piano playing"),  # music, not an effect
        ("We hear the wood CRACKING.", "wood cracking"),
        ("The sound of a car's engine is heard.", "car"),
        ("The phone RINGS. It keeps RINGING.", "ringing"),  # one sound, "phone ring"
        ("Maya hears a voice coming from the hall.", "voice coming"),  # dialogue
        ("Maya is excited to hear the forbidden story.", "story"),  # said, not a sound
        ("DR. JULIUS BENNETT (85) enters.", "dr"),  # a title, not a sound written out
    ],
)
def test_what_is_not_a_sound(action: str, not_expected: str) -> None:
    assert (C.SOUND.value, not_expected) not in tags(action)


@pytest.mark.parametrize(
    "action",
    [
        "Bursting through the doors, Maya runs in.",  # the doors open
        "The cart crashes into the back wall.",  # a hit, nothing breaks
        "Maya breaks the news to him.",  # nothing breakable
    ],
)
def test_what_is_not_a_breakaway(action: str) -> None:
    assert not any(
        category == C.SPECIAL_EFFECTS.value and name.startswith("breakaway")
        for category, name in tags(action)
    )


@pytest.mark.parametrize(
    ("action", "category", "name"),
    [
        ("Over the sound of rain, a phone RINGS.", C.SPECIAL_EFFECTS, "rain"),  # heard only
        ("The cobwebs are heavy from the rain.", C.SPECIAL_EFFECTS, "rain"),  # rain past
        ("The cobwebs are heavy from the rain.", C.WEATHER, "rain"),
        ("The storm has passed. Gulls wheel overhead.", C.WEATHER, "storm"),  # over
        ("The rain had stopped, and the street steams.", C.WEATHER, "rain"),
        ("We hear a RUMBLE, like a train coming.", C.VEHICLES, "train"),  # a simile
        ("Maya pulls up his pant legs.", C.VEHICLES, "car"),  # an object: no driving
        ("Maya pulls out of the hug.", C.VEHICLES, "car"),
        ("We TILT UP from the road to the sky.", C.MECHANICAL_EFFECTS, "tilt"),  # the camera
    ],
)
def test_what_is_not_on_the_set(action: str, category: Category, name: str) -> None:
    assert (category.value, name) not in tags(action)


def test_driving_is_a_car_only_where_no_vehicle_is_named() -> None:
    found = tags("A black Chevrolet pulls up. Maya drives off.")
    assert {n for c, n in found if c == C.VEHICLES.value} == {"chevrolet"}


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
        ("She sets the cups on coasters.", "coaster"),  # a bare plural after a preposition
    ],
)
def test_props_without_an_article(action: str, prop: str) -> None:
    assert (C.PROPS.value, prop) in tags(action)


@pytest.mark.parametrize(
    ("action", "prop"),
    [
        # Money, paper, pictures and devices by the one name a props list uses.
        ("Maya counts five dollars.", "money"),
        ("Maya finds a little cash inside.", "money"),
        ("Even some dimes and pennies.", "coin"),
        ("Maya grabs the page from the tray.", "paper"),
        ("Maya looks at the photo.", "picture"),
        ("Maya picks up the remote.", "remote control"),
        ("Maya disconnects her chute.", "parachute"),
        ("Maya picks up a stone.", "rock"),
        # A determiner two describing words back still makes a thing of the noun.
        ("Maya finds a single deposit envelope.", "envelope"),
        # Cups first and a coffee cup later are one thing, by its fuller name.
        ("Maya pours two cups. She drops her coffee cup.", "coffee cup"),
    ],
)
def test_props_by_their_usual_names(action: str, prop: str) -> None:
    assert (C.PROPS.value, prop) in tags(action)


@pytest.mark.parametrize(
    ("action", "not_a_prop"),
    [
        ("Maya plugs in the photo printer.", "picture"),  # a noun before a noun describes it
        ("A torch song plays.", "torch"),
        ("The camera pans across the room.", "camera"),  # the camera filming the scene
        ("Maya smiles into the camera.", "camera"),
        ('The note says "Bring the money".', "money"),  # words in quotes are written or said
        ("Another lightning FLASH.", "flash"),  # the end of the term "lightning flash"
        ("Maya pulls on a pair of leather racing gloves.", "glove"),  # worn: wardrobe
        ("Maya swings the crowbar.", "crowbar"),  # a weapon: the armorer's
        ("He knocks him out with a right hook.", "hook"),
        ("The SCREEN DOOR slides open.", "screen door"),  # the set, not a prop
        ("The Key to the City hangs on a chain. The silver key falls.", "key"),
        ("Maya pours two cups. She drops her coffee cup.", "cup"),
        ("A flashlight SWEEPS past.", "sweep"),  # a verb in capitals after its subject
        ("As Maya whistles, his PITCH DROPS.", "pitch drop"),
        ("A STEWARDESS recites the welcome spiel.", "stewardess"),  # a role in capitals
        ("A LIBRARIAN shelves returns behind her.", "librarian"),
        ("Maya and the JUDGE pose for a photograph.", "picture"),  # the act, not a thing
        ("A light bulb goes off in Maya's head.", "lightbulb"),  # an idiom
        # A closed compound and its last word are one thing.
        ("Maya stands on a stepladder. The ladder shakes.", "ladder"),
    ],
)
def test_what_is_not_a_prop(action: str, not_a_prop: str) -> None:
    assert (C.PROPS.value, not_a_prop) not in tags(action)


def test_a_name_and_a_verb_in_capitals_is_a_sound_not_a_prop() -> None:
    found = tags("Maya WHISTLES.", dialogue="MAYA\nHi.\n")
    assert (C.SOUND.value, "whistle") in found
    assert (C.PROPS.value, "whistle") not in found


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


def test_who_a_cue_puts_on_the_set() -> None:
    found = tags(
        "Maya and Will wait. The MESSAGE MACHINE clicks on.",
        dialogue=(
            "MAYA\nNow.\n\nWILL\nYes.\n\nMAYA AND WILL\nTogether!\n\n"
            "MESSAGE MACHINE\nYou have one message.\n\nTHE CROWD\nHooray!\n\n"
            "EDWARD (O.S., PRELAP)\nWhich one?\n"
        ),
    )
    assert {name for category, name in found if category == C.CAST.value} == {"MAYA", "WILL"}
    assert (C.EXTRAS.value, "crowd") in found


def test_a_voice_heard_then_intercut_is_cast() -> None:
    found = tags(
        "Will hears voices from the bedroom.",
        dialogue="JOSEPHINE (O.S.)\nThirsty?\n\nINTERCUT HALLWAY / BEDROOM\n\nJOSEPHINE\nHere.\n",
    )
    assert {name for category, name in found if category == C.CAST.value} == {"JOSEPHINE"}


def test_a_name_whose_voice_begins_is_not_cast() -> None:
    found = tags(
        "Maya smiles. Edward's VOICE begins as a memory...",
        dialogue="MAYA\nListen.\n\nEDWARD (V.O.)\nAfter the war...\n",
    )
    assert {name for category, name in found if category == C.CAST.value} == {"MAYA"}


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


def test_vehicles_by_make_and_kind_and_the_one_named() -> None:
    script = (
        "EXT. OVERLOOK - DAY\n\nAn old Mazda pickup is parked on the hill.\n\n"
        "EXT. UNDER THE MAZDA - DAY\n\nA charge hangs under THE MAZDA.\n\n"
        "EXT. PARKING LOT - DAY\n\nWill reaches the Chevrolet.\n\nAT THE CAR\n\n"
        "Will opens the door.\n\n"
        "EXT. OLD TRAIN STATION - DAY\n\nKate waits.\n\n"
        "INT. ARMY AIRPLANE - NIGHT\n\nEdward jumps from the plane.\n"
    )
    # A make with a kind after it names the vehicle, and the make alone later means it;
    # "the car" where one vehicle is named is that one; a station is no train; an
    # airplane is a plane.
    assert vehicles_of(script) == [
        {"mazda pickup"},
        {"mazda pickup"},
        {"chevrolet"},
        set(),
        {"plane"},
    ]


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
