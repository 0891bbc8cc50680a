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
from collections.abc import Set
from dataclasses import dataclass, field

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
QUANTIFIERS = NUMBERS | frozenset(
    "dozen dozens hundreds thousands several many few some other more crowds".split()
)
# Words of a cue that are not what others call the character by ("THE BOSS" is "the Boss").
TITLES = frozenset(
    "THE A AN MR MRS MS MISS DR DOCTOR OLD YOUNG LITTLE BIG SIR LADY LORD UNCLE AUNT".split()
)
_INTRO = re.compile(r"\s*\((?:\d|[a-z]*\s*\d|late|early|mid|teen|twent|thirt|fort|fift|sixt)")
_AGE = re.compile(r"\(\s*(\d{1,2})\b")
# Lexicon categories that only count in capitals or camera directions: the words are too
# common in running prose ("tracking the suspect", "a dolly of a girl").
CAPS_ONLY = frozenset({C.SPECIAL_EQUIPMENT, C.MECHANICAL_EFFECTS})
# Things in hand need a determiner before them, so verbs ("can", "match") are not props.
# So do sounds in lower case: "a scream" is a sound, "the sirens wail" has one (siren).
NEEDS_DETERMINER = frozenset({C.PROPS, C.SET_DRESSING, C.SOUND})
# Categories whose terms are nouns: after a subject the same word is a verb ("Mike steams").
NOUN_ONLY = frozenset({C.PROPS, C.SET_DRESSING, C.SOUND, C.SPECIAL_EFFECTS})
THINGS = frozenset({C.PROPS, C.SET_DRESSING, C.VEHICLES})
# Words before a name in capitals that introduce a character: "This is COLOSSUS."
NAMING = frozenset({"is", "named", "called"})
# Words that name a sound, for the phrases that say what made it.
SOUND_NOUNS = frozenset({"sound", "sounds", "noise", "noises"})
PLACE_WORDS = frozenset({"in", "from", "outside", "behind"})
EVENTS = frozenset({C.SOUND, C.SPECIAL_EFFECTS})
VOICES = frozenset({"voice", "whisper"})
OBJECTS = frozenset("him her them me us you it".split())
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
    _seen: set[tuple[Category, str]] = field(default_factory=set)

    def add(self, category: Category, name: str, line: int, evidence: str) -> None:
        key = (category, name)
        if key in self._seen or not name:
            return
        # "the case" after "a METAL CASE" is the same thing.
        if category is not C.CAST and any(
            c is category and seen.endswith(" " + name) for c, seen in self._seen
        ):
            return
        self._seen.add(key)
        self.tags.append(Tag(category=category, name=name, line=line, evidence=evidence))
        if category is C.CAST and name not in self.cast:
            self.cast.append(name)


# Cues spoken by a crowd ("VARIOUS TOWNFOLK", "ALL") are background, not a cast member.
GROUP_CUES = frozenset({"VARIOUS", "ALL", "EVERYONE", "CROWD", "TOGETHER", "OTHERS"})
# A speaker heard through a device is not on the set: the cue names the device, or the
# extension says how the voice arrives (V.O., ON PHONE, FILTERED…). Off-screen (O.S.) is.
_REMOTE_NAMES = re.compile(r"\b(?:VOICE|INTERCOM|RADIO|SPEAKER|TV|TELEVISION|P\.?A\.?|RECORDING)\b")
_REMOTE_EXTENSIONS = re.compile(r"V\.?\s*O\.?|PHONE|FILTERED|RADIO|\bTV\b|SPEAKER|RECORD")


def on_set(name: str, extension: str | None) -> bool:
    """Whether a speaker is physically in the scene (and so cast for its day)."""
    if _REMOTE_NAMES.search(name):
        return False
    return not (extension and _REMOTE_EXTENSIONS.search(extension.upper()))


_VOICE = re.compile(r"\bvoices?\b", re.IGNORECASE)
_REVEAL = re.compile(
    r"\b((?:the |a )?\w+) (?:is|was) (?:none other than|revealed to be|really)\b", re.IGNORECASE
)


def _not_on_set(scene: Scene) -> set[str]:
    """Cues that are not a cast member on the set: speakers the action brings in as a voice
    only ("A voice booms from the intercom speaker.") — the action just before their first
    cue speaks of a voice and does not name them — and a role cue the action unmasks ("The
    man is none other than…" someone named in the cast)."""
    heard: set[str] = set()
    seen: set[str] = set()
    action = ""
    for element in scene.elements[1:]:
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
            heard.add(reveal.group(1).upper())
    return heard


# A vehicle's model after its make: capitalized words or a number ("Defender 90").
_MODEL_WORD = re.compile(r"[ \t]+([A-Z][A-Za-z0-9-]*|\d{1,4})\b")


def _model_word(word: str, number_next: bool) -> bool:
    """Whether a capitalized word after a make is (part of) its model: a number, a word no
    dictionary knows ("GTI", "Landcruiser"), one written as a name in mixed case ("Ford
    Mustang"), or any word before a number ("DEFENDER 90"). In capitals a dictionary word
    is the sentence going on ("THE LEXUS DOING FORTY")."""
    return word.isdigit() or number_next or not word_classes(word.lower()) or not word.isupper()


VehicleName = tuple[int, int, str | None, str]
"""A make found in a text: (start, end, model or None, make)."""


def vehicle_names(text: str, lexicon: Lexicon) -> list[VehicleName]:
    """Makes of vehicle with a capital in `text`, each with its model when one follows:
    (start, end, model or None, make), models in lower case."""
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
        if words or make in lexicon.makes_alone:
            found.append((m.start(), end, " ".join(words) or None, make))
    return found


@dataclass(frozen=True)
class VehicleIndex:
    """The vehicles a script names by make, found once per text, and the models among them:
    later scenes call a vehicle by its model alone ("the Landcruiser")."""

    names: dict[str, list[VehicleName]]
    """Heading or action text → the makes in it (only texts that have one)."""
    models: re.Pattern[str] | None

    @classmethod
    def of(cls, scenes: list[Scene], lexicon: Lexicon) -> VehicleIndex:
        names: dict[str, list[VehicleName]] = {}
        for scene in scenes:
            for element in scene.elements:
                kind, text = element.type, element.text
                if kind in (ElementType.SCENE_HEADING, ElementType.ACTION) and text not in names:
                    names[text] = vehicle_names(text, lexicon)
        models = {model for found in names.values() for _, _, model, _ in found if model}
        return cls(
            {text: found for text, found in names.items() if found},
            phrase_pattern(sorted(models)) if models else None,
        )


def _tag_vehicle_names(element: Element, vehicles: VehicleIndex, found: SceneTags) -> None:
    """Vehicles by make and model: named by the model where the script gives one."""
    text = element.text
    for start, end, model, make in vehicles.names.get(text, ()):
        found.add(C.VEHICLES, model or make, _line_of(element, start), text[start:end])
    for m in vehicles.models.finditer(text) if vehicles.models else ():
        if m.group()[0].isupper():
            name = " ".join(m.group().lower().split())
            found.add(C.VEHICLES, name, _line_of(element, m.start()), m.group())


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
    armed = _armed(scene, lexicon)
    offstage = _not_on_set(scene)
    for element in scene.elements[1:]:
        kind = element.type
        if kind is ElementType.CHARACTER:
            name, extension = split_cue(element.text)
            if name.split()[0] in GROUP_CUES:
                found.add(C.EXTRAS, name.lower(), element.line, element.text)
            elif on_set(name, extension) and name not in offstage:
                found.add(C.CAST, name, element.line, element.text)
        elif kind is ElementType.ACTION:
            _tag_vehicle_names(element, vehicles, found)
            _tag_prose(element, cast, lexicon, found, caps=True, armed=armed)
        elif kind is ElementType.PARENTHETICAL:
            _tag_prose(element, cast, lexicon, found, caps=False, armed=armed)
        elif kind is ElementType.LYRICS:
            found.add(C.MUSIC, "song", element.line, element.text.split("\n")[0])
        elif kind is ElementType.NOTE:
            found.add(C.NOTES, element.text.lower()[:60], element.line, element.text)
    _derived(found)
    return found


def _tag_heading(heading: Element, scene: Scene, lexicon: Lexicon, found: SceneTags) -> None:
    """A vehicle set (INT. TAXI) and weather in the heading ("- NIGHT - [THE STORM]")."""
    for match in lexicon.find(tokenize(heading.text)):
        for category, name in zip(match.categories, match.names, strict=True):
            if category in (C.VEHICLES, C.WEATHER):
                found.add(category, name, heading.line, heading.text)


def _line_of(element: Element, offset: int) -> int:
    return element.line + element.text.count("\n", 0, offset)


def _armed(scene: Scene, lexicon: Lexicon) -> bool:
    """Whether a firearm is named in the scene's action, so firing words are gunshots."""
    return any(
        set(m.names) & lexicon.firearms
        for e in scene.elements
        if e.type is ElementType.ACTION
        for m in lexicon.find(tokenize(e.text))
        if C.WEAPONS in m.categories
    )


def _tag_prose(
    element: Element,
    cast: CastIndex,
    lexicon: Lexicon,
    found: SceneTags,
    *,
    caps: bool,
    armed: bool,
) -> None:
    """Action or a parenthetical: cast mentions, capitals, then lexicon terms."""
    text = element.text
    tokens = tokenize(text)
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
            if on_set(name, None):  # "The INTERCOM on the phone buzzes" is not a person
                found.add(C.CAST, name, _line_of(element, tokens[first].start), evidence)
            taken.update(range(first, last + 1))
            i = last + 1
        else:
            i += 1
    if armed:
        _tag_gunfire(element, tokens, taken, lexicon, found)
    if caps:
        _tag_capitals(element, tokens, taken, cast, lexicon, found)
    _tag_sound_verbs(element, tokens, taken, lexicon, found)
    _tag_sound_phrases(element, tokens, taken, lexicon, found)
    for match in lexicon.find(tokens):
        if any(k in taken for k in range(match.first, match.last + 1)):
            continue
        _tag_match(element, tokens, match, taken, lexicon, found)


def _tag_match(
    element: Element,
    tokens: list[Token],
    match: Match,
    taken: set[int],
    lexicon: Lexicon,
    found: SceneTags,
) -> None:
    """One lexicon term in prose: each of its categories where the words read as that."""
    text = element.text
    first, last = tokens[match.first], tokens[match.last]
    shouted = all(tokens[k].text.isupper() for k in range(match.first, match.last + 1))
    evidence = text[first.start : last.end]
    line = _line_of(element, first.start)
    before = tokens[match.first - 1].lower if match.first else ""
    # A bare plural after a verb is a thing ("counts banknotes"); after a noun it is
    # more likely a verb itself ("rain hammers").
    plural = singular(last.lower) != last.lower and before.endswith(("s", "ed", "ing"))
    # After its subject a word is a verb: "Mike steams", "he sweats". A sound verb after a
    # voice or with a person as its object is not an effect: "a voice booms", "the hall
    # snaps him out of it".
    after_subject = not shouted and (match.first - 1 in taken or before in PRONOUNS)
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
    # A word with a determiner right after it is a verb: "RINGS THE DOORBELL", "ties his
    # shoe", "fires a shot".
    verb_use = (
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
        if verb_use and (category in NOUN_ONLY or category is C.WARDROBE):
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
            or (category is C.WARDROBE and _described(text, tokens, match.first))
        ):
            continue
        if category is C.EXTRAS and not shouted and not _is_background(name, last, before, lexicon):
            continue
        if category in (C.WARDROBE, C.PROPS) and name in lexicon.worn_or_held:
            category = C.WARDROBE if _described(text, tokens, match.first) else C.PROPS
        found.add(category, name, line, evidence)
        if category is C.SOUND and match.last > match.first:
            # "The phone rings": the sound's source is in hand too.
            for source in lexicon.find(tokens[match.first : match.last]):
                if C.PROPS in source.categories:
                    found.add(
                        C.PROPS, source.names[source.categories.index(C.PROPS)], line, evidence
                    )


def _tag_sound_verbs(
    element: Element, tokens: list[Token], taken: set[int], lexicon: Lexicon, found: SceneTags
) -> None:
    """Sounds written as verbs in prose: "the phone rings", "everyone's shouting".

    A verb right after the sound's source ("Its SIREN wails") is that same sound; a word
    after a determiner is a noun ("a ring"), left to the lexicon.
    """
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
        found.add(C.SOUND, base, _line_of(element, token.start), token.text)
        taken.add(i)


def _tag_sound_phrases(
    element: Element, tokens: list[Token], taken: set[int], lexicon: Lexicon, found: SceneTags
) -> None:
    """Sounds the prose names by phrase: "the noise of the ENGINES", "the sound of the gun
    cocking", "a SOUND in the hall", "Whirring sounds", "doesn't hear the phone", and a
    sound verb whose subject is a thing ("the printer audibly snickers")."""
    n = len(tokens)
    for i, token in enumerate(tokens):
        word = token.lower
        name = None
        if word in SOUND_NOUNS and i + 2 < n and tokens[i + 1].lower == "of":
            name = _sound_source(tokens, i + 2)
        elif word in SOUND_NOUNS and i + 2 < n and tokens[i + 1].lower in PLACE_WORDS:
            place = _sound_source(tokens, i + 2)
            name = f"{place} noise" if place else None
        elif word in SOUND_NOUNS and i and tokens[i - 1].lower.endswith("ing"):
            name = lexicon.name_in(C.SOUND, verb_base(tokens[i - 1].lower))
        elif verb_base(word) == "hear" and i + 1 < n:
            source = _sound_source(tokens, i + 1)
            # "can't hear her voice": a voice is dialogue, not an effect.
            if source and source not in VOICES:
                name = lexicon.name_in(C.SOUND, source)
        elif (
            i not in taken
            and _s_form(word)
            and verb_base(word) in lexicon.sound_verbs
            and not _sound_term_ends_at(tokens, i, lexicon)
            and _thing_before(element.text, tokens, i, lexicon)
        ):
            name = verb_base(word)
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


def _sound_source(tokens: list[Token], i: int) -> str | None:
    """The noun a sound comes from, at token i past any determiner and adjectives; with the
    gerund after it ("the gun cocking" → "gun cocking")."""
    n = len(tokens)
    while i < n and (tokens[i].lower in DETERMINERS or "NOUN" not in word_classes(tokens[i].lower)):
        if tokens[i].lower not in DETERMINERS and "ADJ" not in word_classes(tokens[i].lower):
            return None
        i += 1
    if i >= n or tokens[i].lower in PRONOUNS:
        return None
    noun = singular(tokens[i].lower)
    if (
        i + 1 < n
        and tokens[i + 1].lower.endswith("ing")
        and "VERB" in word_classes(tokens[i + 1].lower)
    ):
        return f"{noun} {tokens[i + 1].lower}"
    return noun


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
        elif not lexicon.find(run):
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
    # An unknown word standing alone as its own exclamation: "PTEW!", "KRUMF."
    if len(run) == 1 and not word_classes(last) and after.lstrip()[:1] in ("!", "."):
        return C.SOUND, last
    base = verb_base(last)
    if base in lexicon.sound_verbs:
        return C.SOUND, lexicon.name_in(C.SOUND, base)
    if singular(last) in PEOPLE:
        plural = before in QUANTIFIERS or singular(last) != last
        return C.EXTRAS, singular(last) if plural else " ".join(t.lower for t in run)
    if before in NAMING and len(run) == 1:
        return C.CAST, run[0].text  # "This is COLOSSUS."
    if determined and "NOUN" in word_classes(last):
        if before in QUANTIFIERS and singular(last) != last:
            return C.EXTRAS, _singular_phrase(" ".join(t.lower for t in run))
        return C.PROPS, _singular_phrase(" ".join(t.lower for t in run))
    return None


def _determined(text: str, tokens: list[Token], i: int) -> bool:
    """A determiner stands before token i, at most one word earlier, in the same sentence."""
    for back in (1, 2):
        if i - back < 0:
            return False
        gap = text[tokens[i - back].end : tokens[i].start]
        if any(mark in gap for mark in ".!?;:\n"):
            return False
        # A possessive is a determiner too: "Edward's gold ring".
        if tokens[i - back].lower in DETERMINERS or gap.startswith(("'s", "'S")):
            return True
    return False


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
    return tokens[i].lower in lexicon.take_idioms and any(
        verb_base(tokens[k].lower) == "take" for k in (i - 1, i - 2) if k >= 0
    )


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


def _described(text: str, tokens: list[Token], i: int) -> bool:
    """Clothes in a character's description: "(30s, wiry, red rain jacket)", or a wearing
    word among the three words before, in the same sentence ("wears a gold ring", "in
    cheap black shoes")."""
    start = tokens[i - 2].end if i > 1 else 0
    if "(" in text[start : tokens[i].start] or "," in text[start : tokens[i].start]:
        return True
    for k in range(i - 1, max(-1, i - 4), -1):
        if any(mark in text[tokens[k].end : tokens[k + 1].start] for mark in ".!?;"):
            return False
        if tokens[k].lower in WEARING:
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
