"""Rule-based breakdown tagging: every tag from the script's own words, with its line.

Sources, in the order a breakdown artist reads them:
- character cues and characters named or introduced in capitals in action → cast;
- words written in capitals (screenplay convention for sounds, key props, new characters);
- lexicon terms in action and parentheticals (data/lexicon.toml), plural roles → extras;
- the heading (INT. TAXI is a vehicle, "- RAIN" is weather), lyrics → music, notes → notes;
- needs that follow from other tags (weapons need an armorer, animals a wrangler).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Set
from dataclasses import dataclass, field
from typing import NamedTuple

from backlot.breakdown.lexicon import (
    Lexicon,
    Match,
    Token,
    phrase_pattern,
    singular,
    tokenize,
    verb_base,
    word_classes,
)
from backlot.breakdown.models import Category, Tag
from backlot.script.assemble import split_cue
from backlot.script.models import Element, ElementType, Scene

C = Category
# Words before a noun that make it a thing in hand ("a padded ENVELOPE", "his keys").
NUMBERS = frozenset("two three four five six seven eight nine ten".split())
DETERMINERS = NUMBERS | frozenset(
    "a an the his her their its my your our whose this that these those some another one "
    "several few many each every".split()
)
# Determiners that open a noun phrase however long ("a single deposit envelope"); "that"
# three words back is more often a clause ("that look like horns").
ARTICLES = NUMBERS | frozenset("a an the his her their its my your our whose".split())
# Determiners of a thing already known: "the car", "her truck".
DEFINITE = frozenset("the his her their its my your our".split())
QUANTIFIERS = NUMBERS | frozenset(
    "dozen dozens hundreds thousands several many few some other more crowds".split()
)
# Words of a cue that are not what others call the character by ("THE BOSS" is "the Boss").
TITLES = frozenset(
    "THE A AN MR MRS MS MISS DR DOCTOR OLD YOUNG LITTLE BIG SIR LADY LORD UNCLE AUNT".split()
)
_INTRO = re.compile(r"\s*\((?:\d|[a-z]*\s*\d|late|early|mid|teen|twent|thirt|fort|fift|sixt)")
_AGE = re.compile(r"\(\s*(\d{1,2})\b")
_OF = re.compile(r"\s+of\s", re.IGNORECASE)
# Lexicon categories that only count in capitals or camera directions: the words are too
# common in running prose ("tracking the suspect", "a dolly of a girl").
CAPS_ONLY = frozenset({C.SPECIAL_EQUIPMENT, C.MECHANICAL_EFFECTS})
# Things in hand need a determiner before them, so verbs ("can", "match") are not props.
# So do sounds in lower case: "a scream" is a sound, "the sirens wail" has one (siren).
NEEDS_DETERMINER = frozenset({C.PROPS, C.SET_DRESSING, C.SOUND})
# Categories whose terms are nouns: after a subject the same word is a verb ("Mike steams").
NOUN_ONLY = frozenset({C.PROPS, C.SET_DRESSING, C.SOUND, C.SPECIAL_EFFECTS})
THINGS = frozenset({C.PROPS, C.SET_DRESSING, C.VEHICLES})
# Things handled or worn: a noun before another noun only describes it ("a photo printer",
# "a torch song", "the coat rack").
HELD = frozenset({C.PROPS, C.SET_DRESSING, C.WARDROBE})
# Words before a name in capitals that introduce a character: "This is COLOSSUS."
NAMING = frozenset({"is", "named", "called"})
# Words that name a sound, for the phrases that say what made it.
SOUND_NOUNS = frozenset({"sound", "sounds", "noise", "noises"})
PLACE_WORDS = frozenset({"in", "from", "outside", "behind"})
# Prepositions of place: a bare plural after one is a thing ("on coasters", "into boxes").
LOCATIVES = frozenset("on onto into in from under beneath among inside".split())
EVENTS = frozenset({C.SOUND, C.SPECIAL_EFFECTS})
# Weather that may be past, the cause of a state: "heavy from the rain".
WET = frozenset({C.SPECIAL_EFFECTS, C.WEATHER})
# Weather over by now: "the storm has passed".
AUXILIARIES = frozenset({"has", "had", "is", "was"})
WEATHER_ENDS = frozenset({"passed", "over", "stopped", "ended", "cleared", "lifted", "gone"})
# Particles of phrasal verbs: "putting on", "picking up".
PARTICLES = frozenset("on up out off down".split())
VOICES = frozenset({"voice", "whisper"})
# What is heard but said, not a sound effect: "hear the forbidden story", "hears the news".
SPEECH = frozenset(
    "story stories news word words name truth joke answer question rumor rumour explanation "
    "lecture speech conversation argument announcement message reply excuse".split()
)
OBJECTS = frozenset("him her them me us you it".split())
# Objects that are people: a sound verb done to one is a mood ("snaps her out of it").
PEOPLE_OBJECTS = OBJECTS - {"it", "them"}
PRONOUNS = frozenset("he she they it we i you who".split())
WEARING = frozenset({"wearing", "wears", "wear", "in", "with", "dons", "sporting"})
CROWD_WORDS = frozenset({"crowd", "mob", "audience", "congregation", "army"})
PEOPLE = frozenset(
    {"man", "woman", "guy", "girl", "boy", "kid", "child", "person", "lady", "gentleman"}
)
# Capitals that are script vocabulary, not things: camera words and sound cues' labels.
CAPS_STOPWORDS = frozenset(
    {"POV", "ANGLE", "SOUND", "NOISE", "VOICE", "BEAT", "SHOT", "CLOSE", "WIDE", "LATER"}
)


@dataclass(frozen=True)
class CastIndex:
    """The script's characters, and the word sequences that name each of them in action."""

    names: frozenset[str]
    # First word (upper) → (words, cast name), longest first.
    by_first: dict[str, list[tuple[tuple[str, ...], str]]]

    @classmethod
    def from_names(cls, names: list[str]) -> CastIndex:
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        firsts = [name.split()[0] for name in names if name.split()]
        for name in names:
            words = tuple(name.replace(".", "").split())
            if not words:
                continue
            by_first.setdefault(words[0], []).append((words, name))
            # "MAYA OKAFOR" is called "Maya"; "DR. BENNET" is called "Bennet".
            given = [w for w in words if w not in TITLES]
            if len(words) > 1 and given:
                short = given[0]
                if short not in names and firsts.count(short) <= 1 and len(short) > 2:
                    by_first.setdefault(short, []).append(((short,), name))
        for options in by_first.values():
            options.sort(key=lambda entry: -len(entry[0]))
        return cls(frozenset(names), by_first)

    def match(self, tokens: list[Token], i: int) -> tuple[str, int] | None:
        """The cast name that starts at token i (capitalized words only), and its last index."""
        token = tokens[i]
        if not token.text[:1].isupper():
            return None
        for words, name in self.by_first.get(token.text.upper().replace(".", ""), ()):
            end = i + len(words)
            if end <= len(tokens) and all(
                tokens[i + k].text.upper() == w and tokens[i + k].text[:1].isupper()
                for k, w in enumerate(words)
            ):
                return name, end - 1
        return None


@dataclass
class SceneTags:
    """What the tagger found in one scene."""

    tags: list[Tag] = field(default_factory=list)
    cast: list[str] = field(default_factory=list)
    minors: dict[str, tuple[int, str]] = field(default_factory=dict)
    named_vehicles: set[str] = field(default_factory=set)
    """Vehicles named by make or model here: where there is one, "the car" is that one."""
    _seen: set[tuple[Category, str]] = field(default_factory=set)

    def add(self, category: Category, name: str, line: int, evidence: str) -> None:
        key = (category, name)
        if key in self._seen or not name:
            return
        if category is not C.CAST:
            # "the case" after "a METAL CASE" is the same thing; so is "a coffee cup" after
            # "the cups", which then takes the fuller name. Background roles are told
            # apart by their words ("soldier", "enemy soldier"), so they are not renamed.
            for k, tag in enumerate(self.tags):
                if tag.category is not category:
                    continue
                if _same_item(name, tag.name, category):
                    return
                if category is not C.EXTRAS and _same_item(tag.name, name, category):
                    self._seen.discard((category, tag.name))
                    self._seen.add(key)
                    self.tags[k] = tag.model_copy(update={"name": name})
                    return
        self._seen.add(key)
        self.tags.append(Tag(category=category, name=name, line=line, evidence=evidence))
        if category is C.CAST and name not in self.cast:
            self.cast.append(name)


def _same_item(general: str, specific: str, category: Category) -> bool:
    """Whether `general` names no more than `specific` does: its last words ("case" of
    "metal case"), its head before a preposition ("key" of "key to the city"), or, for a
    sound, one word that is its last word as a verb ("ringing" of "phone ring")."""
    if specific.endswith(" " + general) or specific.split(" to ")[0].split(" of ")[0] == general:
        return True
    # A closed compound is its last word too: "the ladder" after "a stepladder".
    if (
        len(general) >= 5
        and len(specific) > len(general) + 2
        and " " not in specific
        and specific.endswith(general)
    ):
        return True
    return (
        category is C.SOUND
        and " " not in general
        and verb_base(general) == verb_base(specific.rsplit(" ", 1)[-1])
    )


# Cues spoken by a crowd ("VARIOUS TOWNFOLK", "ALL") are background, not a cast member.
GROUP_CUES = frozenset({"VARIOUS", "ALL", "EVERYONE", "CROWD", "TOGETHER", "OTHERS"})
# A speaker heard through a device is not on the set: the cue names the device, or the
# extension says how the voice arrives (V.O., ON PHONE, FILTERED…). Off-screen (O.S.) is.
_REMOTE_NAMES = re.compile(
    r"\b(?:VOICE|INTERCOM|RADIO|SPEAKER|TV|TELEVISION|P\.?A\.?|RECORDING"
    r"|(?:MESSAGE|ANSWERING) MACHINE)\b"
)
# PRELAP: the line is heard over this scene from the next one.
_REMOTE_EXTENSIONS = re.compile(r"V\.?\s*O\.?|PHONE|FILTERED|RADIO|\bTV\b|SPEAKER|RECORD|PRE-?LAP")


_JOINT_CUE = re.compile(r"\s+(?:AND|&)\s+")


def cue_speakers(name: str, names: Collection[str]) -> list[str]:
    """The cast members who speak a cue (its name, as `split_cue` gives it), among the
    script's cue `names`: none for a crowd ("THE CROWD", "ALL"), both for "EDWARD AND
    WILL" where each has cues of his own, and otherwise the one the cue names. A cue with
    no name (an FDX character paragraph that reads only "(V.O.)") has no speaker."""
    words = name.removeprefix("THE ").split()
    if not words or words[0] in GROUP_CUES:
        return []
    parts = _JOINT_CUE.split(name)
    if len(parts) > 1 and all(part in names for part in parts):
        return parts
    return [name]


def on_set(name: str, extension: str | None) -> bool:
    """Whether a speaker is physically in the scene (and so cast for its day)."""
    if _REMOTE_NAMES.search(name):
        return False
    return not (extension and _REMOTE_EXTENSIONS.search(extension.upper()))


_VOICE = re.compile(r"\bvoices?\b", re.IGNORECASE)
_POSSESSED_VOICE = re.compile(r"['’]s\s+voice\b", re.IGNORECASE)
_REVEAL = re.compile(
    r"\b((?:the |a )?\w+) (?:is|was) (?:none other than|revealed to be|really)\b", re.IGNORECASE
)


def _not_on_set(scene: Scene) -> set[str]:
    """Cues that are not a cast member on the set: speakers the action brings in as a voice
    only ("A voice booms from the intercom speaker.") — the action just before their first
    cue speaks of a voice and does not name them, and no INTERCUT shows them afterwards —
    and a role cue the action unmasks ("The man is none other than…" someone named in the
    cast)."""
    heard: set[str] = set()
    unmasked: set[str] = set()
    seen: set[str] = set()
    action = ""
    for element in scene.elements[1:]:
        if element.text.upper().startswith("INTERCUT"):
            # "INTERCUT HALLWAY / BEDROOM": the voices heard so far are now seen too.
            heard.clear()
        if element.type is ElementType.ACTION:
            action = element.text
        elif element.type is ElementType.CHARACTER:
            name = split_cue(element.text)[0]
            if name in seen:
                continue
            seen.add(name)
            if _VOICE.search(action) and name.lower() not in action.lower():
                heard.add(name)
        # "The man is none other than…": the cue was a disguise for someone named next.
        if element.type is ElementType.ACTION and (reveal := _REVEAL.search(element.text)):
            unmasked.add(reveal.group(1).upper())
    return heard | unmasked


# A vehicle's model after its make: capitalized words or a number ("Defender 90").
_MODEL_WORD = re.compile(r"[ \t]+([A-Z][A-Za-z0-9-]*|\d{1,4})\b")


def _model_word(word: str, number_next: bool) -> bool:
    """Whether a capitalized word after a make is (part of) its model: a number, a word no
    dictionary knows ("GTI", "Landcruiser"), one written as a name in mixed case ("Ford
    Mustang"), or any word before a number ("DEFENDER 90"). In capitals a dictionary word
    is the sentence going on ("THE LEXUS DOING FORTY")."""
    return word.isdigit() or number_next or not word_classes(word.lower()) or not word.isupper()


class VehicleName(NamedTuple):
    """A make found in a text, with its model ("landcruiser") or the kind of vehicle the
    text calls it ("pickup" of "a Mazda pickup") when one follows, in lower case."""

    start: int
    end: int
    model: str | None
    make: str
    kind: str | None = None


_KIND_WORD = re.compile(r"[ \t]+([a-z]+)\b")


def vehicle_names(text: str, lexicon: Lexicon) -> list[VehicleName]:
    """Makes of vehicle with a capital in `text`, each with its model or kind when one
    follows."""
    found = []
    for m in lexicon.vehicle_make.finditer(text):
        if not m.group()[0].isupper():
            continue
        words, end = [], m.end()
        while len(words) < 2 and (w := _MODEL_WORD.match(text, end)):
            following = _MODEL_WORD.match(text, w.end())
            if not _model_word(w.group(1), bool(following and following.group(1).isdigit())):
                break
            words.append(w.group(1).lower())
            end = w.end()
        make = " ".join(m.group().lower().split())
        kind = _KIND_WORD.match(text, end) if not words else None
        if kind and singular(kind.group(1)) in lexicon.terms[C.VEHICLES]:
            found.append(VehicleName(m.start(), kind.end(), None, make, singular(kind.group(1))))
        elif words or make in lexicon.makes_alone:
            found.append(VehicleName(m.start(), end, " ".join(words) or None, make))
    return found


@dataclass(frozen=True)
class VehicleIndex:
    """The vehicles a script names by make, found once per text, and the models among them:
    later scenes call a vehicle by its model alone ("the Landcruiser")."""

    names: dict[str, list[VehicleName]]
    """Heading or action text → the makes in it (only texts that have one)."""
    models: re.Pattern[str] | None
    kinds: dict[str, str]
    """Make → its name with the one kind the script gives it ("mazda" → "mazda pickup"),
    for the later mentions by make alone ("THE MAZDA")."""

    @classmethod
    def of(cls, scenes: list[Scene], lexicon: Lexicon) -> VehicleIndex:
        names: dict[str, list[VehicleName]] = {}
        for scene in scenes:
            for element in scene.elements:
                kind, text = element.type, element.text
                if kind in (ElementType.SCENE_HEADING, ElementType.ACTION) and text not in names:
                    names[text] = vehicle_names(text, lexicon)
        models = {v.model for found in names.values() for v in found if v.model}
        kinds: dict[str, set[str]] = {}
        for found in names.values():
            for v in found:
                if v.kind:
                    kinds.setdefault(v.make, set()).add(v.kind)
        return cls(
            {text: found for text, found in names.items() if found},
            phrase_pattern(sorted(models)) if models else None,
            {make: f"{make} {kind}" for make, (kind, *more) in kinds.items() if not more},
        )

    def name_of(self, vehicle: VehicleName) -> str:
        """The vehicle's name: its model, else its make and kind, as the script gives them."""
        if vehicle.model:
            return vehicle.model
        if vehicle.kind:
            return f"{vehicle.make} {vehicle.kind}"
        return self.kinds.get(vehicle.make, vehicle.make)


def _tag_vehicle_names(element: Element, vehicles: VehicleIndex, found: SceneTags) -> None:
    """Vehicles by make and model: named by the model where the script gives one."""
    text = element.text
    for vehicle in vehicles.names.get(text, ()):
        start, end = vehicle.start, vehicle.end
        name = vehicles.name_of(vehicle)
        found.add(C.VEHICLES, name, _line_of(element, start), text[start:end])
        found.named_vehicles.add(name)
    for m in vehicles.models.finditer(text) if vehicles.models else ():
        if m.group()[0].isupper():
            name = " ".join(m.group().lower().split())
            found.add(C.VEHICLES, name, _line_of(element, m.start()), m.group())
            found.named_vehicles.add(name)


def tag_scene(
    scene: Scene, cast: CastIndex, lexicon: Lexicon, vehicles: VehicleIndex | None = None
) -> SceneTags:
    """Breakdown tags for one scene, each with its line and the words it came from;
    `vehicles` is the script's (`VehicleIndex.of`), else the scene's own."""
    if vehicles is None:
        vehicles = VehicleIndex.of([scene], lexicon)
    found = SceneTags()
    heading = scene.elements[0] if scene.elements else None
    if heading is not None:
        _tag_vehicle_names(heading, vehicles, found)
        _tag_heading(heading, scene, lexicon, found)
    # Each action and parenthetical tokenized once, for every rule that reads it.
    words = {
        k: tokenize(e.text)
        for k, e in enumerate(scene.elements)
        if k and e.type in (ElementType.ACTION, ElementType.PARENTHETICAL)
    }
    actions = [
        (scene.elements[k], t)
        for k, t in words.items()
        if scene.elements[k].type is ElementType.ACTION
    ]
    armed = _armed(actions, lexicon)
    offstage = _not_on_set(scene)
    for k, element in enumerate(scene.elements[1:], start=1):
        kind = element.type
        if kind is ElementType.CHARACTER:
            name, extension = split_cue(element.text)
            speakers = cue_speakers(name, cast.names)
            if not speakers:
                found.add(C.EXTRAS, name.removeprefix("THE ").lower(), element.line, element.text)
            elif on_set(name, extension) and name not in offstage:
                for speaker in speakers:
                    found.add(C.CAST, speaker, element.line, element.text)
        elif kind is ElementType.ACTION:
            _tag_vehicle_names(element, vehicles, found)
            _tag_prose(element, words[k], cast, lexicon, found, caps=True, armed=armed)
        elif kind is ElementType.PARENTHETICAL:
            _tag_prose(element, words[k], cast, lexicon, found, caps=False, armed=armed)
        elif kind is ElementType.LYRICS:
            found.add(C.MUSIC, "song", element.line, element.text.split("\n")[0])
        elif kind is ElementType.NOTE:
            found.add(C.NOTES, element.text.lower()[:60], element.line, element.text)
    if not any(t.category is C.VEHICLES for t in found.tags):
        _tag_driving(actions, lexicon, found)
    _derived(found)
    return found


def _tag_driving(
    actions: list[tuple[Element, list[Token]]], lexicon: Lexicon, found: SceneTags
) -> None:
    """A vehicle the action drives without naming it: "Edward drives off", "they speed
    away", "Sandra and Josephine pull up" is a car (in a scene that names no vehicle). A
    phrase with an object after it is no driving: "pulls up his pant legs"."""
    for element, tokens in actions:
        text = element.text
        for v in range(len(tokens) - 1):
            phrase = f"{verb_base(tokens[v].lower)} {tokens[v + 1].lower}"
            # After a determiner the words are a noun: "a pull up".
            if phrase not in lexicon.driving or (v and tokens[v - 1].lower in DETERMINERS):
                continue
            following = tokens[v + 2].lower if v + 2 < len(tokens) else ""
            gap = text[tokens[v + 1].end : tokens[v + 2].start] if following else "."
            # An object right after, in the same sentence ("pulls up his pant legs"), or
            # what is left ("pulls out of the hug").
            if not gap.strip() and (
                following in DETERMINERS or following in OBJECTS or following == "of"
            ):
                continue
            evidence = text[tokens[v].start : tokens[v + 1].end]
            found.add(C.VEHICLES, "car", _line_of(element, tokens[v].start), evidence)
            return


def _tag_heading(heading: Element, scene: Scene, lexicon: Lexicon, found: SceneTags) -> None:
    """A vehicle set (INT. TAXI) and weather in the heading ("- NIGHT - [THE STORM]")."""
    for match in lexicon.find(tokenize(heading.text)):
        for category, name in zip(match.categories, match.names, strict=True):
            if category in (C.VEHICLES, C.WEATHER):
                found.add(category, name, heading.line, heading.text)


# A quotation in action: a sign's words, a letter read out, a line said in passing.
_QUOTE = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”")


def _line_of(element: Element, offset: int) -> int:
    return element.line + element.text.count("\n", 0, offset)


def _armed(actions: list[tuple[Element, list[Token]]], lexicon: Lexicon) -> bool:
    """Whether a firearm is named in the scene's action, so firing words are gunshots."""
    return any(
        set(m.names) & lexicon.firearms
        for _, tokens in actions
        for m in lexicon.find(tokens)
        if C.WEAPONS in m.categories
    )


def _tag_prose(
    element: Element,
    tokens: list[Token],
    cast: CastIndex,
    lexicon: Lexicon,
    found: SceneTags,
    *,
    caps: bool,
    armed: bool,
) -> None:
    """Action or a parenthetical (and its tokens): cast mentions, capitals, then lexicon
    terms."""
    text = element.text
    taken: set[int] = set()
    i = 0
    while i < len(tokens):
        hit = cast.match(tokens, i)
        if hit:
            name, last = hit
            # "DICK STEEL" for STEEL: a first name in capitals belongs to the name.
            first = i
            while (
                first - 1 >= 0
                and first - 1 not in taken
                and _is_caps(tokens[first - 1])
                and tokens[i].text.isupper()
                and not text[tokens[first - 1].end : tokens[first].start].strip()
            ):
                first -= 1
            # "MAYA OKAFOR": a surname in capitals belongs to a name in capitals ("Steel
            # SMACKS him" is a name and a sound).
            while (
                last + 1 < len(tokens)
                and tokens[last].text.isupper()
                and _is_caps(tokens[last + 1])
                and not text[tokens[last].end : tokens[last + 1].start].strip()
            ):
                last += 1
            evidence = text[tokens[first].start : tokens[last].end]
            # "The INTERCOM on the phone buzzes" is not a person; "Edward's VOICE begins"
            # is Edward heard, not seen.
            if on_set(name, None) and not _POSSESSED_VOICE.match(text, tokens[last].end):
                found.add(C.CAST, name, _line_of(element, tokens[first].start), evidence)
            taken.update(range(first, last + 1))
            i = last + 1
        else:
            i += 1
    # Words in quotation marks are written on something or said: "You've won a million
    # dollars" on a flyer is no money.
    quotes = [m.span() for m in _QUOTE.finditer(text)]
    taken.update(k for k, t in enumerate(tokens) if any(a < t.start < b for a, b in quotes))
    if armed:
        _tag_gunfire(element, tokens, taken, lexicon, found)
    if caps:
        _tag_capitals(element, tokens, taken, cast, lexicon, found)
    verbs = _tag_sound_verbs(element, tokens, taken, lexicon, found)
    _tag_sound_phrases(element, tokens, taken, lexicon, found)
    for match in lexicon.find(tokens):
        if any(k in taken for k in range(match.first, match.last + 1)):
            continue
        _tag_match(element, tokens, match, taken, lexicon, found, verbs=verbs, armed=armed)
    _tag_breakaways(element, tokens, lexicon, found)


def _tag_breakaways(
    element: Element, tokens: list[Token], lexicon: Lexicon, found: SceneTags
) -> None:
    """Things broken on camera: "the chain finally breaks", "SMASHING a small table",
    "break through the tiny retaining wall" (data/lexicon.toml [breakaway])."""
    text = element.text
    rules = lexicon.breakaway
    for v, token in enumerate(tokens):
        base = verb_base(token.lower)
        thing = None
        if base in rules.object_verbs:
            start = v + 1
            if start < len(tokens) and tokens[start].lower in rules.particles:
                start += 1
            if start < len(tokens) and not _punctuated(text, tokens, v, start):
                thing = _phrase_head(text, tokens, start)
        # The subject of an inflected verb ("breaks", or a plural's "walls splinter"),
        # past an adverb or two: "the chain finally breaks".
        inflected = base != token.lower or (v > 0 and _s_form(tokens[v - 1].lower))
        # A verb and its particle break a thing too: "the ladder gives way".
        phrase = v + 1 < len(tokens) and f"{base} {tokens[v + 1].lower}" in rules.subject_phrases
        if thing is None and (base in rules.subject_verbs or phrase) and inflected:
            k = v - 1
            while k > 0 and v - k <= 2 and "ADV" in word_classes(tokens[k].lower):
                k -= 1
            if k >= 0 and not _sentence_break(text, tokens, k, v):
                thing = k
        if thing is None or not _breakable(tokens, thing, lexicon):
            continue
        noun = singular(tokens[thing].lower)
        name = (
            "glass"
            if noun in rules.glass
            else _singular_phrase(_compound_before(tokens, thing, rules.things))
        )
        line = _line_of(element, token.start)
        span = text[min(token.start, tokens[thing].start) : max(token.end, tokens[thing].end)]
        found.add(C.SPECIAL_EFFECTS, f"breakaway {name}", line, span)


def _phrase_head(text: str, tokens: list[Token], i: int) -> int | None:
    """The last noun of the noun phrase that opens at token i with a determiner ("a small
    table", "the tiny retaining wall"), or None."""
    if i >= len(tokens) or tokens[i].lower not in DETERMINERS:
        return None
    head = None
    k = i + 1
    # Up to four words, to the first mark (a comma, a full stop) or a word that is neither
    # a noun nor describes one.
    while k < len(tokens) and k - i <= 4 and not _punctuated(text, tokens, k - 1, k):
        classes = word_classes(tokens[k].lower)
        if "NOUN" in classes:
            head = k
        elif "ADJ" not in classes and not tokens[k].lower.endswith("ing"):
            break
        k += 1
    return head


def _punctuated(text: str, tokens: list[Token], a: int, b: int) -> bool:
    """Anything but spaces between tokens a and b (a comma, a full stop, a line break)."""
    return any(text[tokens[k].end : tokens[k + 1].start].strip(" ") for k in range(a, b))


def _sentence_break(text: str, tokens: list[Token], a: int, b: int) -> bool:
    return any(mark in text[tokens[a].end : tokens[b].start] for mark in ".!?;")


def _breakable(tokens: list[Token], k: int, lexicon: Lexicon) -> bool:
    """Token k is a thing that can break: a breakaway thing, a prop or set dressing."""
    noun = singular(tokens[k].lower)
    return noun in lexicon.breakaway.things or _term_ends_at(
        tokens, k, lexicon, {C.PROPS, C.SET_DRESSING}
    )


def _compound_before(tokens: list[Token], k: int, things: Set[str]) -> str:
    """The thing at token k with the word before it where the two are one thing ("door
    frame"), else the word alone."""
    if k and f"{tokens[k - 1].lower} {singular(tokens[k].lower)}" in things:
        return f"{tokens[k - 1].lower} {tokens[k].lower}"
    return tokens[k].lower


def _tag_match(
    element: Element,
    tokens: list[Token],
    match: Match,
    taken: set[int],
    lexicon: Lexicon,
    found: SceneTags,
    *,
    verbs: Set[int],
    armed: bool,
) -> None:
    """One lexicon term in prose: each of its categories where the words read as that.

    `verbs` are the tokens already read as sound verbs ("Windows shatter"): their noun
    readings are spent, but an effect they name still counts.
    """
    text = element.text
    first, last = tokens[match.first], tokens[match.last]
    shouted = all(tokens[k].text.isupper() for k in range(match.first, match.last + 1))
    evidence = text[first.start : last.end]
    line = _line_of(element, first.start)
    before = tokens[match.first - 1].lower if match.first else ""
    # "We TILT UP", "we pan to the door": the camera moving, nothing on the set.
    if (
        before == "we"
        and match.first == match.last
        and verb_base(last.lower) in lexicon.film_camera_verbs
    ):
        return
    # A bare plural after a verb or a preposition is a thing ("counts banknotes", "sets
    # them on coasters"); after a noun it is more likely a verb itself ("rain hammers").
    plural = singular(last.lower) != last.lower and (
        before.endswith(("s", "ed", "ing")) or before in LOCATIVES
    )
    # After its subject a word is a verb: "Mike steams", "he sweats". A sound verb after a
    # voice or with a person as its object is not an effect: "a voice booms", "the hall
    # snaps him out of it".
    after_subject = not shouted and (match.first - 1 in taken or before in PRONOUNS)
    # In capitals after a name, an -s word is the name's verb: "Edward WHISTLES" is a
    # sound, not a whistle in hand ("Edward's WATCH" has a possessive between).
    named_verb = (
        shouted
        and match.first - 1 in taken
        and not text[tokens[match.first - 1].end : first.start].strip()
        and _s_form(last.lower)
        and "VERB" in word_classes(last.lower)
    )
    after = tokens[match.last + 1].lower if match.last + 1 < len(tokens) else ""
    after_noun = (
        not shouted
        and _s_form(last.lower)
        and match.first >= 2
        and (
            singular(before) in VOICES
            or singular(before) in lexicon.terms[C.SOUND]  # "Its SIREN wails": one sound
            or after in OBJECTS
        )
    )
    modifier = _modifies_next(text, tokens, match.last, lexicon)
    # "Over the sound of rain" is heard, and "heavy from the rain" is past: no effect on
    # the day.
    back = [t.lower for t in tokens[max(0, match.first - 3) : match.first]]
    if back and back[-1] in DETERMINERS:
        back = back[:-1]
    heard = len(back) >= 2 and back[-1] == "of" and back[-2] in SOUND_NOUNS
    ahead = tokens[match.last + 1 : match.last + 3]
    past = (
        C.WEATHER in match.categories
        and (
            (bool(back) and back[-1] == "from")
            # "The storm has passed", "the rain had stopped": weather that is over; but "the
            # storm is over the valley" is still there, so the clause must end at that word.
            or (
                len(ahead) == 2
                and ahead[0].lower in AUXILIARIES
                and ahead[1].lower in WEATHER_ENDS
                and text[ahead[1].end :].lstrip()[:1] in ("", ".", ",", ";", ":", "!", "?", "-")
            )
        )
    )
    # A simile names no thing on the set: "a RUMBLE, like a train coming".
    simile = bool(back) and back[-1] == "like" and not shouted
    # A word with a determiner right after it is a verb: "RINGS THE DOORBELL", "ties his
    # shoe", "fires a shot".
    verb_use = match.first in verbs or (
        match.first == match.last
        and after in DETERMINERS
        and not text[last.end : tokens[match.last + 1].start].strip()
        and "VERB" in word_classes(last.lower)
    )
    for category, name in zip(match.categories, match.names, strict=True):
        if category in CAPS_ONLY and not shouted:
            continue
        if (after_subject and category in NOUN_ONLY) or (after_noun and category in EVENTS):
            continue
        if (named_verb or modifier) and category in HELD:
            continue
        if (category is C.SPECIAL_EFFECTS and heard) or (category in WET and past):
            continue
        if simile and category in THINGS | {C.ANIMALS}:
            continue
        if category is C.PROPS and (
            C.WEAPONS in match.categories or _film_camera(tokens, match, lexicon)
        ):
            continue  # the armorer's, or the camera shooting the film
        # A sound verb's effect still counts: "Windows shatter" is breakaway glass.
        sound_verb_effect = match.first in verbs and category is C.SPECIAL_EFFECTS
        if verb_use and (category in NOUN_ONLY or category is C.WARDROBE) and not sound_verb_effect:
            continue
        if category is C.SOUND and (
            _pushed(tokens, match.last, lexicon)
            or (not armed and singular(last.lower) in lexicon.gunshot_nouns)
        ):
            continue
        if category is C.PROPS and _taken_not_held(tokens, match.first, lexicon):
            continue
        needs_determiner = category in NEEDS_DETERMINER or (
            category is C.WARDROBE and name in lexicon.ambiguous_wardrobe
        )
        if needs_determiner and not (
            shouted
            or plural
            or _determined(text, tokens, match.first)
            or (category is C.PROPS and _bare_thing(text, tokens, match.first, lexicon))
            or (category is C.WARDROBE and _described(text, tokens, match.first, lexicon))
            # A sound of several words is a noun phrase: "KEYS in the lock", "a torrent of
            # machine gun fire".
            or (category is C.SOUND and match.last > match.first)
        ):
            continue
        if category is C.EXTRAS and not shouted and not _is_background(name, last, before, lexicon):
            continue
        if (
            category is C.VEHICLES
            and len(found.named_vehicles) == 1
            and before in DEFINITE
            and last.lower in lexicon.generic_vehicles
        ):
            continue  # "the car" in a scene with one Chevrolet is the Chevrolet
        if category in (C.WARDROBE, C.PROPS) and name in lexicon.worn_or_held:
            category = C.WARDROBE if _described(text, tokens, match.first, lexicon) else C.PROPS
        found.add(category, name, line, evidence)
        if category is C.SOUND and match.last > match.first:
            # "The phone rings": the sound's source is in hand too.
            for source in lexicon.find(tokens[match.first : match.last]):
                if C.PROPS in source.categories:
                    found.add(
                        C.PROPS, source.names[source.categories.index(C.PROPS)], line, evidence
                    )


def _modifies_next(text: str, tokens: list[Token], k: int, lexicon: Lexicon) -> bool:
    """Token k modifies the noun after it: the next word, with only a space between, is a
    thing of its own ("photo printer", "beer bottle") or a word that is only a noun
    ("phone number"), and not a verb of the first ("the phone rings")."""
    if k + 1 >= len(tokens) or text[tokens[k].end : tokens[k + 1].start] != " ":
        return False
    word = tokens[k + 1].lower
    if tokens[k + 1].text.isupper() != tokens[k].text.isupper():
        return False
    classes = word_classes(word)
    if _s_form(word) and "VERB" in classes:
        return False
    if _term_ends_at(tokens, k + 1, lexicon, HELD | {C.VEHICLES}) and not any(
        m.first == 0 and m.last == 1 for m in lexicon.find(tokens[k : k + 2])
    ):
        return True
    return set(classes) == {"NOUN"}


def _film_camera(tokens: list[Token], match: Match, lexicon: Lexicon) -> bool:
    """The camera filming the scene, not one in hand: "the camera pans", "into the camera"."""
    if tokens[match.last].lower not in lexicon.film_camera_words:
        return False
    after = tokens[match.last + 1].lower if match.last + 1 < len(tokens) else ""
    before = tokens[match.first - 2].lower if match.first >= 2 else ""
    return verb_base(after) in lexicon.film_camera_verbs or before in lexicon.film_camera_before


def _tag_sound_verbs(
    element: Element, tokens: list[Token], taken: set[int], lexicon: Lexicon, found: SceneTags
) -> set[int]:
    """Sounds written as verbs in prose: "the phone rings", "everyone's shouting"; the
    tokens read so.

    A verb right after the sound's source ("Its SIREN wails") is that same sound; a word
    after a determiner is a noun ("a ring"), left to the lexicon. A verb with a person as
    its object or a particle that makes it a push ("snaps him out of it", "knocks the
    lamp over") is no sound.
    """
    verbs: set[int] = set()
    for i, token in enumerate(tokens):
        if i in taken or token.text.isupper():
            continue
        base = verb_base(token.lower)
        # An inflected verb ("rings", "shouting"), or a plural subject's ("the bells ring");
        # "a gold ring" is neither.
        if base == token.lower and not (i and singular(tokens[i - 1].lower) != tokens[i - 1].lower):
            continue
        if base not in lexicon.prose_sound_verbs:
            continue
        previous = tokens[i - 1].lower if i else ""
        if previous in DETERMINERS or singular(previous) in lexicon.terms[C.SOUND]:
            continue
        if _sound_term_ends_at(tokens, i, lexicon):
            continue
        following = tokens[i + 1].lower if i + 1 < len(tokens) else ""
        if following in PEOPLE_OBJECTS or _pushed(tokens, i, lexicon):
            continue
        found.add(
            C.SOUND, lexicon.name_in(C.SOUND, base), _line_of(element, token.start), token.text
        )
        verbs.add(i)
    return verbs


def _pushed(tokens: list[Token], i: int, lexicon: Lexicon) -> bool:
    """Token i is a sound verb that its next word, or the word after its object, makes a
    push or a mood: "knock down the birds", "knocking him down", "slams into the wall"."""
    particles = lexicon.not_sound_before.get(verb_base(tokens[i].lower))
    if not particles:
        return False
    ahead = [t.lower for t in tokens[i + 1 : i + 5]]
    if ahead[:1] and ahead[0] in particles:
        return True
    # Past a pronoun ("knocking him down") or a short noun phrase ("knocks the lamp over").
    for k, word in enumerate(ahead[1:], start=1):
        if word in particles:
            return all(
                w in OBJECTS
                or w in DETERMINERS
                or "NOUN" in word_classes(w)
                or "ADJ" in word_classes(w)
                for w in ahead[:k]
            )
    return False


def _tag_sound_phrases(
    element: Element, tokens: list[Token], taken: set[int], lexicon: Lexicon, found: SceneTags
) -> None:
    """Sounds the prose names by phrase: "the noise of the ENGINES", "the sound of the gun
    cocking", "the WHIRR of cicadas", "a SOUND in the hall", "Whirring sounds", "doesn't
    hear the phone", and a sound verb whose subject is a thing ("the printer audibly
    snickers")."""
    text = element.text
    n = len(tokens)
    for i, token in enumerate(tokens):
        word = token.lower
        name = None
        if word in SOUND_NOUNS and i + 2 < n and tokens[i + 1].lower == "of":
            name = _sound_source(text, tokens, i + 2, lexicon)
        elif i + 2 < n and tokens[i + 1].lower == "of" and _names_a_sound(tokens, i, lexicon):
            # "the WHIRR of cicadas" is the cicadas' whirr, as a sound editor logs it.
            source = _sound_source(text, tokens, i + 2, lexicon)
            name = f"{source} {verb_base(word)}" if source else None
        elif word in SOUND_NOUNS and i + 2 < n and tokens[i + 1].lower in PLACE_WORDS:
            place = _sound_source(text, tokens, i + 2, lexicon)
            name = f"{place} noise" if place else None
        elif word in SOUND_NOUNS and i and tokens[i - 1].lower.endswith("ing"):
            name = lexicon.name_in(C.SOUND, verb_base(tokens[i - 1].lower))
        elif verb_base(word) == "hear" and i + 1 < n:
            source = _sound_source(text, tokens, i + 1, lexicon)
            # "can't hear her voice": a voice is dialogue, not an effect; "hear a PIANO
            # playing" is music.
            heard = source.split()[0] if source else ""
            if (
                heard
                and heard not in VOICES
                and heard not in SPEECH
                and heard not in lexicon.terms[C.MUSIC]
            ):
                name = lexicon.name_in(C.SOUND, source)
        elif (
            i not in taken
            and _s_form(word)
            and verb_base(word) in lexicon.sound_verbs
            and not _sound_term_ends_at(tokens, i, lexicon)
            and _thing_before(element.text, tokens, i, lexicon)
            and not _pushed(tokens, i, lexicon)
        ):
            name = lexicon.name_in(C.SOUND, verb_base(word))
        if name:
            found.add(C.SOUND, name, _line_of(element, token.start), token.text)


def _tag_gunfire(
    element: Element, tokens: list[Token], taken: set[int], lexicon: Lexicon, found: SceneTags
) -> None:
    """Shots fired in a scene with a firearm: "FIRING both into the ceiling", "Fires twice",
    "pulls the trigger" (but not "doesn't want to shoot")."""
    for i, token in enumerate(tokens):
        base = verb_base(token.lower)
        fired = base in lexicon.firing_verbs and base != token.lower
        pulled = (
            token.lower == "trigger"
            and i >= 2
            and verb_base(tokens[i - 2].lower) in lexicon.trigger_verbs
        )
        if fired or pulled:
            line = _line_of(element, token.start)
            found.add(C.SOUND, "gunshot", line, token.text)
            found.add(C.SPECIAL_EFFECTS, "squib", line, token.text)
            taken.add(i)


def _sound_term_ends_at(tokens: list[Token], i: int, lexicon: Lexicon) -> bool:
    """Token i ends a two-word sound term: "the phone rings" is the lexicon's "phone ring",
    a sound and a prop, left to the lexicon pass."""
    return i > 0 and any(
        m.first == 0 and C.SOUND in m.categories for m in lexicon.find(tokens[i - 1 : i + 1])
    )


def _sound_source(text: str, tokens: list[Token], i: int, lexicon: Lexicon) -> str | None:
    """The noun a sound comes from, at token i past any determiner, adjectives and
    possessor ("a car's engine" → "engine"); with the gerund after it ("the gun cocking" →
    "gun cocking"). None where a sound verb in capitals follows the noun ("hear the fabric
    TEAR"): that verb is the sound, tagged as written."""
    n = len(tokens)
    while i < n and (tokens[i].lower in DETERMINERS or "NOUN" not in word_classes(tokens[i].lower)):
        if tokens[i].lower not in DETERMINERS and "ADJ" not in word_classes(tokens[i].lower):
            return None
        i += 1
    while i + 1 < n and text[tokens[i].end : tokens[i + 1].start].startswith(("'s ", "’s ")):
        i += 1
    if i >= n or tokens[i].lower in PRONOUNS:
        return None
    noun = singular(tokens[i].lower)
    following = tokens[i + 1] if i + 1 < n else None
    if following is None:
        return noun
    if _is_caps(following) and verb_base(following.lower) in lexicon.sound_verbs:
        return None
    if following.lower.endswith("ing") and "VERB" in word_classes(following.lower):
        return f"{noun} {following.lower}"
    return noun


def _names_a_sound(tokens: list[Token], i: int, lexicon: Lexicon) -> bool:
    """Token i, after a determiner, is a sound by itself: a one-word sound term or a sound
    verb in capitals ("the rumble", "the WHIRR")."""
    word = tokens[i].lower
    if not i or tokens[i - 1].lower not in DETERMINERS or word in SOUND_NOUNS:
        return False
    return (_is_caps(tokens[i]) and verb_base(word) in lexicon.sound_verbs) or any(
        m.first == m.last and C.SOUND in m.categories for m in lexicon.find(tokens[i : i + 1])
    )


def _thing_before(text: str, tokens: list[Token], i: int, lexicon: Lexicon) -> bool:
    """A thing (prop, set dressing, vehicle) is the subject of token i, past one adverb."""
    j = i - 1
    if j >= 1 and "ADV" in word_classes(tokens[j].lower) and tokens[j].lower.endswith("ly"):
        j -= 1
    if j < 0:
        return False
    if any(mark in text[tokens[j].end : tokens[i].start] for mark in ".!?;"):
        return False
    return _term_ends_at(tokens, j, lexicon, THINGS)


def _is_background(name: str, last: Token, before: str, lexicon: Lexicon) -> bool:
    """Plural roles and crowds are extras; "the man" alone is a character, not background."""
    if name in CROWD_WORDS:
        return True
    plural = singular(last.lower) != last.lower or last.lower in ("people", "men", "women")
    if name in lexicon.plural_only:
        return plural or before in QUANTIFIERS
    return True


def _tag_capitals(
    element: Element,
    tokens: list[Token],
    taken: set[int],
    cast: CastIndex,
    lexicon: Lexicon,
    found: SceneTags,
) -> None:
    """Runs of capitals that the lexicon does not know: new characters, sounds, key props."""
    text = element.text
    i = 0
    while i < len(tokens):
        if i in taken or not _is_caps(tokens[i]):
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and j + 1 not in taken and _is_caps(tokens[j + 1]):
            if text[tokens[j].end : tokens[j + 1].start].strip(" "):
                break  # punctuation or a line break ends the run
            j += 1
        run = tokens[i : j + 1]
        words = text[run[0].start : run[-1].end]
        line = _line_of(element, run[0].start)
        after = text[run[-1].end :]
        before = tokens[i - 1].lower if i else ""
        if _INTRO.match(after):
            # "RUTH ALVAREZ (60s, …)": a character's introduction.
            name = cast.match(run, 0)
            found.add(C.CAST, name[0] if name else words.upper(), line, words)
            age = _AGE.match(after.lstrip())
            if age and int(age.group(1)) < 16:
                found.minors[name[0] if name else words.upper()] = (line, words + after[:8])
        elif i and any(
            m.first == 0 and m.last == j - i + 1 for m in lexicon.find(tokens[i - 1 : j + 1])
        ):
            # "lightning FLASH": the end of a term that starts before, left to the lexicon.
            i = j + 1
            continue
        elif (known := lexicon.find(run)) and verb_base(run[0].lower) in lexicon.sound_verbs:
            # "SMASHING DOWN THREE CARS": the sound before the thing the lexicon knows; and
            # "KICKS the gun away", a sound besides the stunt the lexicon knows it for.
            name = lexicon.name_in(C.SOUND, verb_base(run[0].lower))
            if known[0].first > 0:
                found.add(C.SOUND, name, line, run[0].text)
                taken.add(i)
            elif C.SOUND not in known[0].categories and not _pushed(tokens, i, lexicon):
                found.add(C.SOUND, name, line, run[0].text)
        elif not known:
            determined = _determined(text, tokens, i)
            kind = _classify_capitals(run, before, after, determined, lexicon)
            if kind is None:
                i = j + 1
                continue
            category, name = kind
            found.add(category, name, line, words)
        # Runs the lexicon knows stay free for the lexicon pass; the rest are spent.
        if not lexicon.find(run) or _INTRO.match(after):
            taken.update(range(i, j + 1))
        i = j + 1


def _classify_capitals(
    run: list[Token], before: str, after: str, determined: bool, lexicon: Lexicon
) -> tuple[Category, str] | None:
    """What a run of capitals the lexicon does not know is, by the dictionary's word classes.

    A word no dictionary knows is a sound written out (PTEW, KRUMF); a sound verb is a
    sound (CRACKLES, a CLACK); a role ends in a person noun (AN EXTREMELY HANDSOME MAN); a
    noun after a determiner is a key prop (a padded ENVELOPE).
    """
    last = run[-1].lower
    if run[0].text in CAPS_STOPWORDS or last.upper() in CAPS_STOPWORDS:
        return None
    # "DR. JULIUS BENNETT": a title before a name is no sound written out.
    if len(run) == 1 and run[0].text in TITLES:
        return None
    # An unknown word standing alone as its own exclamation: "PTEW!", "KRUMF."
    if len(run) == 1 and not word_classes(last) and after.lstrip()[:1] in ("!", "."):
        return C.SOUND, last
    base = verb_base(last)
    if base in lexicon.sound_verbs:
        if before in DETERMINERS and _OF.match(after):
            return None  # "the WHIRR of cicadas": named with its source by the phrase rule
        return C.SOUND, lexicon.name_in(C.SOUND, base)
    if singular(last) in PEOPLE or singular(last) in lexicon.caps_roles:
        plural = before in QUANTIFIERS or singular(last) != last
        return C.EXTRAS, singular(last) if plural else " ".join(t.lower for t in run)
    if before in NAMING and len(run) == 1:
        return C.CAST, run[0].text  # "This is COLOSSUS."
    # A verb's -s form after its subject: "A flashlight SWEEPS past", "his PITCH DROPS".
    if (
        _s_form(last)
        and "VERB" in word_classes(last)
        and (len(run) > 1 or before not in DETERMINERS)
    ):
        return None
    if determined and "NOUN" in word_classes(last):
        if before in QUANTIFIERS and singular(last) != last:
            return C.EXTRAS, _singular_phrase(" ".join(t.lower for t in run))
        return C.PROPS, _singular_phrase(" ".join(t.lower for t in run))
    return None


def _determined(text: str, tokens: list[Token], i: int) -> bool:
    """A determiner stands before token i, in the same sentence: at most one word earlier,
    or two when both describe it ("a single deposit envelope", "his Big Beef Burrito")."""
    for back in (1, 2, 3):
        if i - back < 0:
            return False
        gap = text[tokens[i - back].end : tokens[i].start]
        if any(mark in gap for mark in ".!?;:\n"):
            return False
        # A possessive is a determiner too: "Edward's gold ring".
        word = tokens[i - back].lower
        if gap.startswith(("'s", "'S")) or word in (DETERMINERS if back < 3 else ARTICLES):
            return True
        if back == 2 and not (_describes(tokens[i - 1].lower) and _describes(tokens[i - 2].lower)):
            return False
    return False


def _describes(word: str) -> bool:
    """A word that can stand between a determiner and its noun: an adjective or a noun,
    not a verb's -s form ("the man holds envelopes")."""
    classes = word_classes(word)
    if word in DETERMINERS or (_s_form(word) and "VERB" in classes):
        return False
    return "ADJ" in classes or "NOUN" in classes


def _bare_thing(text: str, tokens: list[Token], i: int, lexicon: Lexicon) -> bool:
    """A prop without an article that still reads as a thing: in a list ("Money, drugs,
    and…", "pen and paper"), after "with" or "of" past adjectives ("a stack of blank
    canvasses"), after a verb ("drinking beer"), or a plural opening a sentence ("Legos
    are used")."""
    word = tokens[i].lower
    if i == 0 or any(mark in text[tokens[i - 1].end : tokens[i].start] for mark in ".!?"):
        # "Legos are used" (a subject), not "Checks the printer" (a verb).
        subject = i + 1 < len(tokens) and "AUX" in word_classes(tokens[i + 1].lower)
        return (_s_form(word) and subject) or _listed(text, tokens, i, lexicon)
    j = i - 1
    while j > 0 and j > i - 3 and set(word_classes(tokens[j].lower)) == {"ADJ"}:
        j -= 1
    lead = tokens[j].lower
    gap = text[tokens[j].end : tokens[i].start] if j == i - 1 else ""
    if lead in ("with", "of") or (j == i - 1 and lead.endswith(("ing", "ed"))):
        return True
    # After a verb and its particle: "putting on hand lotion", "picking up rocks".
    if lead in PARTICLES and j >= 1 and tokens[j - 1].lower.endswith(("ing", "ed")):
        return True
    # "and watches the screen" is a verb; "pen and paper" and "art supplies and canvasses"
    # are lists.
    if lead in ("and", "or") and (
        not _s_form(word) or _term_ends_at(tokens, j - 1, lexicon, {C.PROPS})
    ):
        return True
    return ("," in gap and _is_prop(tokens[j : j + 1], lexicon)) or _listed(
        text, tokens, i, lexicon
    )


def _listed(text: str, tokens: list[Token], i: int, lexicon: Lexicon) -> bool:
    """The next word, after a comma, is a prop as well: the first item of a list."""
    return (
        i + 1 < len(tokens)
        and text[tokens[i].end : tokens[i + 1].start].strip() == ","
        and _is_prop(tokens[i + 1 : i + 2], lexicon)
    )


def _taken_not_held(tokens: list[Token], i: int, lexicon: Lexicon) -> bool:
    """ "takes a picture", "take another look": the noun is what is done, not a thing."""
    if tokens[i].lower not in lexicon.take_idioms:
        return False
    # "pose for a photograph" is the act as well.
    for k in (i - 2, i - 3):
        if k >= 0 and tokens[k + 1].lower == "for" and verb_base(tokens[k].lower) == "pose":
            return True
    return any(verb_base(tokens[k].lower) == "take" for k in (i - 1, i - 2) if k >= 0)


def _term_ends_at(tokens: list[Token], k: int, lexicon: Lexicon, categories: Set[Category]) -> bool:
    """A term of one of `categories`, one or two words long ("printer", "laser printer"),
    ends at token k."""
    return k >= 0 and any(
        start + m.last == k and not categories.isdisjoint(m.categories)
        for start in (k, k - 1)
        if start >= 0
        for m in lexicon.find(tokens[start : k + 1])
    )


def _is_prop(run: list[Token], lexicon: Lexicon) -> bool:
    return any(C.PROPS in m.categories for m in lexicon.find(run))


def _described(text: str, tokens: list[Token], i: int, lexicon: Lexicon) -> bool:
    """Clothes in a character's description: "(30s, wiry, red rain jacket)", a wearing
    word among the three words before, in the same sentence ("wears a gold ring", "in
    cheap black shoes"), or a dressing verb and its particle among the seven before ("pulls
    on a pair of leather racing gloves")."""
    start = tokens[i - 2].end if i > 1 else 0
    if "(" in text[start : tokens[i].start] or "," in text[start : tokens[i].start]:
        return True
    for k in range(i - 1, max(-1, i - 8), -1):
        if _sentence_break(text, tokens, k, k + 1):
            return False
        if tokens[k].lower in WEARING and k >= i - 3:
            return True
        base, following = verb_base(tokens[k].lower), tokens[k + 1].lower if k + 1 < i else ""
        if (base, following) in lexicon.dressing or (base, "") in lexicon.dressing:
            return True
    return False


def _s_form(word: str) -> bool:
    """A word that may be a plural noun or a verb's -s form ("snaps", "wails")."""
    return word.endswith("s") and singular(word) != word


def _is_caps(token: Token) -> bool:
    return len(token.text) > 1 and token.text.isupper()


def _singular_phrase(words: str) -> str:
    *head, last = words.split()
    return " ".join([*head, singular(last)])


# Tags that imply others: what a line producer adds to the budget from the breakdown.
_IMPLIES: dict[Category, tuple[Category, str]] = {
    C.WEAPONS: (C.ADDITIONAL_LABOUR, "armorer"),
    C.STUNTS: (C.ADDITIONAL_LABOUR, "stunt coordinator"),
}


def _derived(found: SceneTags) -> None:
    for tag in list(found.tags):
        if tag.category is C.ANIMALS:
            found.add(C.ANIMAL_WRANGLER, tag.name, tag.line, tag.evidence)
        elif tag.category in _IMPLIES:
            category, name = _IMPLIES[tag.category]
            found.add(category, name, tag.line, tag.evidence)
        elif tag.category is C.EXTRAS and tag.name in CROWD_WORDS:
            found.add(C.SECURITY, "crowd control", tag.line, tag.evidence)
        if tag.category is C.WEAPONS:
            found.add(C.SECURITY, "weapons safety", tag.line, tag.evidence)
    for line, evidence in found.minors.values():
        found.add(C.ADDITIONAL_LABOUR, "studio teacher", line, evidence)
