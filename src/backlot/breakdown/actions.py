"""Action requirements: who does what in a scene, from the action lines' verbs."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib.resources import files

from backlot.breakdown.lexicon import Token, tokenize, verb_base
from backlot.breakdown.models import ActionRequirement
from backlot.breakdown.tagging import DETERMINERS, CastIndex
from backlot.script.models import ElementType, Scene

_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
PRONOUNS = frozenset(["he", "she", "they", "him", "her", "them"])
# Surface forms that read as another word far more often than as the verb.
_NOT_VERBS = frozenset({"left", "lay", "lying", "rose", "felt", "races", "stands", "pace"})
Phrase = tuple[str, tuple[str, ...], str]  # (verb base, particles, base verb asked for)


@cache
def _phrases() -> dict[str, list[Phrase]]:
    """Lemma of a phrase's first word → its phrases, longest first."""
    data = tomllib.loads(
        files("backlot.breakdown").joinpath("data/actions.toml").read_text(encoding="utf-8")
    )
    table: dict[str, list[Phrase]] = {}
    for base, phrases in data.items():
        for phrase in phrases:
            first, *rest = phrase.split()
            table.setdefault(first, []).append((first, tuple(rest), base))
    for options in table.values():
        options.sort(key=lambda p: -len(p[1]))
    return table


def _verb_at(tokens: list[Token], i: int) -> tuple[str, int] | None:
    """The base verb a phrase starting at token i asks for, and the phrase's last index."""
    token = tokens[i]
    if token.lower in _NOT_VERBS:
        return None
    options = _phrases().get(verb_base(token.lower))
    if not options:
        return None
    # "a run", "the fall": the word is a noun here — except "give chase".
    if i and tokens[i - 1].lower in DETERMINERS:
        return None
    for _, rest, base in options:
        end = i + len(rest)
        if end < len(tokens) and all(tokens[i + 1 + k].lower == w for k, w in enumerate(rest)):
            return base, end
        if not rest:
            return base, i
    return None


def find_actions(scene: Scene, cast: CastIndex) -> list[ActionRequirement]:
    """Each verb of the requirement list in the scene's action, with who does it.

    The doers are the cast named in the sentence; a sentence led by a pronoun refers to
    the cast of the sentence before it.
    """
    actions: list[ActionRequirement] = []
    seen: set[tuple[str, int]] = set()
    previous: list[str] = []
    for element in scene.elements:
        if element.type is not ElementType.ACTION:
            continue
        for sentence in _SENTENCE.finditer(element.text):
            text = sentence.group()
            tokens = tokenize(text)
            named = _named(tokens, cast)
            doers = named or (previous if tokens and tokens[0].lower in PRONOUNS else [])
            line = element.line + element.text.count("\n", 0, sentence.start())
            i = 0
            while i < len(tokens):
                hit = _verb_at(tokens, i)
                if hit is None:
                    i += 1
                    continue
                verb, last = hit
                if (verb, line) not in seen:
                    seen.add((verb, line))
                    evidence = text[tokens[i].start : tokens[last].end]
                    actions.append(
                        ActionRequirement(
                            verb=verb, characters=list(doers), line=line, evidence=evidence
                        )
                    )
                i = last + 1
            if named:
                previous = named
    return actions


def _named(tokens: list[Token], cast: CastIndex) -> list[str]:
    names: list[str] = []
    for i in range(len(tokens)):
        hit = cast.match(tokens, i)
        if hit and hit[0] not in names:
            names.append(hit[0])
    return names
