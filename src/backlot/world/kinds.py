"""What sort of place a set is (from its name and its scenes' action) and how big to build it.

The words live in data/kinds.toml; the sizes are here, each with where it comes from.
"""

from __future__ import annotations

import random
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from backlot.world.models import SetKind, Vec3

# " - " splits a location from its sublocation ("JOHN'S APARTMENT - KITCHEN"); the last
# part is the most specific, so it is read first.
_PARTS = re.compile(r"\s+[-–—]+\s+|\s*--\s*")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class _Lexicon:
    """kinds.toml, read: each kind's side and phrases (as word tuples), and the hint words."""

    side: dict[SetKind, str]
    phrases: dict[SetKind, frozenset[tuple[str, ...]]]
    vocabulary: frozenset[str]
    large: frozenset[tuple[str, ...]]


def _words(text: str) -> list[str]:
    # Apostrophes go first so a possessive stays one word ("JOHN'S" → "johns").
    return _WORD.findall(text.lower().replace("'", "").replace("’", ""))


@cache
def _lexicon() -> _Lexicon:
    data = tomllib.loads(
        files("backlot.world").joinpath("data/kinds.toml").read_text(encoding="utf-8")
    )
    hints = data.pop("hints")
    side = {SetKind(name): table["side"] for name, table in data.items()}
    phrases = {
        SetKind(name): frozenset(tuple(_words(w)) for w in table["words"])
        for name, table in data.items()
    }
    vocabulary = frozenset(w for terms in phrases.values() for term in terms for w in term)
    large = frozenset(tuple(_words(w)) for w in hints["large"])
    return _Lexicon(side, phrases, vocabulary | {w for t in large for w in t}, large)


def _canonical(words: list[str], vocabulary: frozenset[str]) -> list[str]:
    """Each word as the lexicon spells it: a plural 's' or 'es' dropped when that helps."""
    out = []
    for word in words:
        for candidate in (word, word[:-1], word[:-2]):
            if candidate in vocabulary:
                out.append(candidate)
                break
        else:
            out.append(word)
    return out


def _occurrences(words: list[str], phrase: tuple[str, ...]) -> list[int]:
    """End positions (exclusive) where `phrase` occurs in `words`."""
    n = len(phrase)
    return [i + n for i in range(len(words) - n + 1) if tuple(words[i : i + n]) == phrase]


def _allowed(side: str, int_ext: str | None) -> bool:
    upper = (int_ext or "").upper()
    inside, outside = "INT" in upper or "I/E" in upper, "EXT" in upper or "I/E" in upper
    if side == "int":
        return inside or not outside
    if side == "ext":
        return outside or not inside
    return True


def _best_in(words: list[str], kinds: list[SetKind], lex: _Lexicon) -> SetKind | None:
    """The kind whose phrase in `words` is longest, then rightmost (the head noun)."""
    best: tuple[int, int, SetKind] | None = None
    for kind in kinds:
        for phrase in lex.phrases[kind]:
            for end in _occurrences(words, phrase):
                score = (len(phrase), end, kind)
                if best is None or score[:2] > best[:2]:
                    best = score
    return best[2] if best else None


def set_kind(name: str, int_ext: str | None, text: str) -> SetKind:
    """The kind of a set called `name`, seen `int_ext` ("INT", "EXT", "INT/EXT" or None).

    The name decides when it can: its parts are read from the last (most specific) to the
    first, and in a part the longest matching phrase, then the rightmost, wins. A vehicle
    word gives a vehicle from either side. With no word the name knows, an interior is a
    room, or a hall when the action (`text`) calls it vast or crowded; an exterior takes the
    exterior kind whose words the action uses most, else a landscape.
    """
    lex = _lexicon()
    kinds = [k for k, side in lex.side.items() if _allowed(side, int_ext)]
    for part in reversed(_PARTS.split(name)):
        found = _best_in(_canonical(_words(part), lex.vocabulary), kinds, lex)
        if found is not None:
            return found
    action = _canonical(_words(text), lex.vocabulary)
    if SetKind.ROOM in kinds:
        # An interior (or a heading that says neither side) is built as an interior.
        big = any(_occurrences(action, phrase) for phrase in lex.large)
        return SetKind.HALL if big else SetKind.ROOM
    counts = {
        kind: sum(len(_occurrences(action, p)) for p in lex.phrases[kind])
        for kind in kinds
        if kind != SetKind.VEHICLE
    }
    # max() keeps the first of equal counts: the data file's order breaks ties.
    kind, count = max(counts.items(), key=lambda kv: kv[1])
    return kind if count else SetKind.LANDSCAPE


# (width x, height y, depth z) ranges in metres; depth is the long axis where there is one.
_RANGES: dict[SetKind, tuple[tuple[float, float], tuple[float, float], tuple[float, float]]] = {
    # Domestic rooms: English Housing Survey / RIBA "Space Standards for Homes" (2015) put
    # double bedrooms and living rooms at roughly 3.5–5.5 m a side; film flats are built a
    # little taller than the 2.4 m domestic ceiling (2.6–3 m) to leave room to light.
    SetKind.ROOM: ((3.5, 6.0), (2.6, 3.0), (3.5, 6.0)),
    # Corridors: IBC 1020.2 asks 44 in (1.12 m) for egress and 8 ft (2.44 m) in hospitals;
    # a shootable corridor (dolly plus actors abreast) sits between, 1.5–2.5 m; 8–15 m gives
    # a walk-and-talk of 6–10 s at a 1.4 m/s walking pace.
    SetKind.CORRIDOR: ((1.5, 2.5), (2.6, 3.0), (8.0, 15.0)),
    # Lobbies, diners, churches, gyms: 10–20 m spans (a school gym is ~18 × 30 m, a diner
    # ~10 × 20 m); ceilings 4–7 m from a commercial ground floor to a chapel nave.
    SetKind.HALL: ((10.0, 20.0), (4.0, 7.0), (10.0, 20.0)),
    # A mid-size car (VW Golf / Toyota Corolla class): ~1.8 m wide without mirrors,
    # ~1.45 m high, 4.3–4.8 m long; built as a buck of that outline.
    SetKind.VEHICLE: ((1.75, 1.85), (1.4, 1.5), (4.3, 4.8)),
    # Façade to façade: two 3.0–3.65 m lanes (AASHTO / DMRB lane widths), 2–3 m pavements
    # and shallow backlot façades; 40–60 m is one city block's frontage. The height is the
    # tallest façade (a 6–8 storey street wall).
    SetKind.STREET: ((14.0, 20.0), (20.0, 25.0), (40.0, 60.0)),
    # Open country: as much ground as a wide lens sees to its middle distance; the height
    # leaves room for a camera crane and tall scrub.
    SetKind.LANDSCAPE: ((40.0, 80.0), (15.0, 20.0), (40.0, 80.0)),
    # A wood the same size as open country; mature broadleaf and conifer trees reach 15–25 m.
    SetKind.FOREST: ((40.0, 80.0), (15.0, 25.0), (40.0, 80.0)),
    # The roof of a mid-rise block (15–25 m a side); the height is the stair housing plus
    # headroom for a high angle.
    SetKind.ROOFTOP: ((15.0, 25.0), (4.0, 6.0), (15.0, 25.0)),
    # A quay or pier with its stretch of water: 20–40 m either way, about half water.
    SetKind.WATERFRONT: ((20.0, 40.0), (8.0, 12.0), (20.0, 40.0)),
}


def dimensions(kind: SetKind, rng: random.Random) -> Vec3:
    """A seeded (width, height, depth) for a set of `kind`, in metres, to the centimetre."""
    (w0, w1), (h0, h1), (d0, d1) = _RANGES[kind]
    return (
        round(rng.uniform(w0, w1), 2),
        round(rng.uniform(h0, h1), 2),
        round(rng.uniform(d0, d1), 2),
    )
