"""Breakdown lexicons (data/lexicon.toml) and a matcher of their terms in running text."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from types import ModuleType
from typing import NamedTuple

from backlot.breakdown.models import Category

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")


class Token(NamedTuple):
    """A word of a text: as written, lower-cased, and where it stands."""

    text: str
    lower: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Words with their offsets; a possessive 's is not part of the word ("CAR's" → "CAR")."""
    tokens = []
    for m in _WORD.finditer(text):
        word = m.group()
        if word[-2:] in ("'s", "'S") and len(word) > 2:
            word = word[:-2]
        tokens.append(Token(word, word.lower(), m.start(), m.start() + len(word)))
    return tokens


# Nouns that are plural in form but name one thing: never singularized.
_PLURALIA = frozenset(
    [
        "glasses",
        "sunglasses",
        "eyeglasses",
        "pants",
        "jeans",
        "shorts",
        "trousers",
        "scissors",
        "binoculars",
        "headphones",
        "clothes",
        "goggles",
        "overalls",
        "pajamas",
        "pyjamas",
        "tongs",
        "pliers",
        "tweezers",
        "suds",
        "news",
        "species",
        "series",
    ]
)


@cache
def _lemminflect() -> ModuleType:
    """lemminflect, imported on first use: it loads numpy, which every CLI call would pay."""
    import lemminflect

    return lemminflect


@cache
def word_classes(word: str) -> dict[str, tuple[str, ...]]:
    """The dictionary's parts of speech for a lower-case word; empty for unknown words."""
    return _lemminflect().getAllLemmas(word)


@cache
def singular(word: str) -> str:
    """The singular of a lower-case noun ("guards" → "guard"); other words unchanged."""
    if len(word) < 4 or not word.endswith("s") or word.endswith("ss") or word in _PLURALIA:
        return word
    lemma = _lemminflect().getLemma(word, upos="NOUN")
    return lemma[0] if lemma else word


@cache
def verb_base(word: str) -> str:
    """The base form of a lower-case verb ("screeches" → "screech")."""
    lemma = _lemminflect().getLemma(word, upos="VERB")
    return lemma[0] if lemma else word


class Match(NamedTuple):
    """A lexicon term found in a text: its categories, its name in each, and its token span."""

    categories: tuple[Category, ...]
    names: tuple[str, ...]
    first: int
    last: int


class Breakaways(NamedTuple):
    """What breaks on camera (data/lexicon.toml [breakaway])."""

    subject_verbs: frozenset[str]
    subject_phrases: frozenset[str]
    object_verbs: frozenset[str]
    particles: frozenset[str]
    things: frozenset[str]
    glass: frozenset[str]


@dataclass(frozen=True)
class Lexicon:
    """Terms per category, their canonical names, and a few word lists the rules need."""

    # First word of a term → (term's words, categories, name in each), longest first.
    by_first: dict[str, list[tuple[tuple[str, ...], tuple[Category, ...], tuple[str, ...]]]]
    plural_only: frozenset[str]
    sound_verbs: frozenset[str]
    prose_sound_verbs: frozenset[str]
    ambiguous_wardrobe: frozenset[str]
    worn_or_held: frozenset[str]
    dressing: frozenset[tuple[str, str]]
    """Verbs of dressing with their particle, or "" for none: ("pull", "on"), ("don", "")."""
    terms: dict[Category, frozenset[str]]
    category_aliases: dict[Category, dict[str, str]]
    firearms: frozenset[str]
    firing_verbs: frozenset[str]
    trigger_verbs: frozenset[str]
    gunshot_nouns: frozenset[str]
    """Sound terms that are gunshots only in a scene with a firearm ("SHOTS")."""
    not_sound_before: dict[str, frozenset[str]]
    """Sound verb → words after it that make it a push or a mood ("knocks him down")."""
    take_idioms: frozenset[str]
    caps_roles: frozenset[str]
    driving: frozenset[str]
    """Verbs of driving with their particle ("drive off"): a car where none is named."""
    """Nouns that name a person when written in capitals ("the JUDGE", "a STEWARDESS")."""
    breakaway: Breakaways
    film_camera_words: frozenset[str]
    film_camera_verbs: frozenset[str]
    film_camera_before: frozenset[str]
    vehicle_make: re.Pattern[str]
    """Any make of vehicle, in any case (the tagger wants its capital)."""
    makes_alone: frozenset[str]
    """Makes that name a vehicle without a model after them."""
    generic_vehicles: frozenset[str]
    """Words for a vehicle of any make ("the car"), which may be one named before."""

    def name_in(self, category: Category, name: str) -> str:
        """What `category`'s department calls `name` ("phone" is a "phone ring" in sound)."""
        return self.category_aliases.get(category, {}).get(name, name)

    def find(self, tokens: list[Token]) -> list[Match]:
        """Every longest, non-overlapping term match, left to right.

        The last word of a term also matches its plural ("patrol cars" → "patrol car").
        """
        matches: list[Match] = []
        i = 0
        n = len(tokens)
        while i < n:
            found = None
            for key in (tokens[i].lower, singular(tokens[i].lower)):
                for words, categories, names in self.by_first.get(key, ()):
                    end = i + len(words)
                    if end > n:
                        continue
                    last = tokens[end - 1].lower
                    if all(tokens[i + k].lower == w for k, w in enumerate(words[:-1])) and (
                        last == words[-1] or singular(last) == words[-1]
                    ):
                        found = Match(categories, names, i, end - 1)
                        break
                if found:
                    break
            if found:
                matches.append(found)
                i = found.last + 1
            else:
                i += 1
        return matches


def phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    """Any of the phrases as whole words, in any case, longest first; a space in a phrase
    matches any run of spaces."""
    ordered = sorted(phrases, key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
    return re.compile(rf"\b(?:{body})\b", re.IGNORECASE)


@cache
def load_lexicon() -> Lexicon:
    """The packaged lexicon, parsed once."""
    data = tomllib.loads(
        files("backlot.breakdown").joinpath("data/lexicon.toml").read_text(encoding="utf-8")
    )
    aliases: dict[str, str] = data["aliases"]
    makes = data["vehicle_makes"]
    category_aliases = {Category(c): table for c, table in data["category_aliases"].items()}
    entries: dict[tuple[str, ...], dict[Category, str]] = {}
    terms: dict[Category, frozenset[str]] = {}
    for category_id, words in data["terms"].items():
        category = Category(category_id)
        terms[category] = frozenset(words)
        for term in words:
            # Keyed and named by the singular, so "vaults" and "vault" are one term, "vault".
            *head, last = term.split()
            key = (*head, singular(last))
            name = (
                category_aliases.get(category, {}).get(term) or aliases.get(term) or " ".join(key)
            )
            entries.setdefault(key, {}).setdefault(category, name)
    for phrase in data["no_tag"]["terms"]:
        # Matched as no category, so that its words tag nothing ("train station").
        *head, last = phrase.split()
        entries.setdefault((*head, singular(last)), {})
    by_first: dict[str, list[tuple[tuple[str, ...], tuple[Category, ...], tuple[str, ...]]]] = {}
    for words, named in entries.items():
        ordered = tuple(c for c in Category if c in named)
        by_first.setdefault(words[0], []).append((words, ordered, tuple(named[c] for c in ordered)))
    for options in by_first.values():
        options.sort(key=lambda entry: -len(entry[0]))
    return Lexicon(
        by_first=by_first,
        plural_only=frozenset(data["plural_only"]["extras"]),
        sound_verbs=frozenset(data["caps_verbs"]["sound"]),
        prose_sound_verbs=frozenset(data["prose_verbs"]["sound"]),
        ambiguous_wardrobe=frozenset(data["needs_determiner"]["wardrobe"]),
        worn_or_held=frozenset(data["worn_or_held"]["wardrobe"]),
        dressing=frozenset(
            (verb, particle)
            for phrase in data["worn_or_held"]["dressing"]
            for verb, particle in [(*phrase.split(), "")[:2]]
        ),
        terms=terms,
        category_aliases=category_aliases,
        firearms=frozenset(data["gunfire"]["firearms"]),
        firing_verbs=frozenset(data["gunfire"]["verbs"]),
        trigger_verbs=frozenset(data["gunfire"]["trigger_verbs"]),
        gunshot_nouns=frozenset(data["gunfire"]["nouns"]),
        not_sound_before={
            verb: frozenset(words) for verb, words in data["not_sound_before"].items()
        },
        take_idioms=frozenset(data["idioms"]["take"]),
        caps_roles=frozenset(data["caps_roles"]["extras"]),
        driving=frozenset(data["driving"]["vehicles"]),
        breakaway=Breakaways(**{key: frozenset(words) for key, words in data["breakaway"].items()}),
        film_camera_words=frozenset(data["film_camera"]["words"]),
        film_camera_verbs=frozenset(data["film_camera"]["verbs"]),
        film_camera_before=frozenset(data["film_camera"]["before"]),
        vehicle_make=phrase_pattern([*makes["makes"], *makes["needs_model"]]),
        makes_alone=frozenset(makes["makes"]),
        generic_vehicles=frozenset(makes["generic"]),
    )
