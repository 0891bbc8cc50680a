"""Scene headings split into INT/EXT, location, sublocation and time of day."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

# The prefixes the Fountain spec lists (INT, EXT, EST, INT./EXT, INT/EXT, I/E), plus the
# reversed EXT./INT. and E/I that Final Draft users write; EST(ablishing) is an exterior.
_PREFIX = re.compile(
    r"^(?P<p>INT\.?\s*/\s*EXT|EXT\.?\s*/\s*INT|I\s*/\s*E|E\s*/\s*I|INT|EXT|EST)(?:\.|\s|$)\s*",
    re.IGNORECASE,
)
_INT_EXT = {"INT": "INT", "EXT": "EXT", "EST": "EXT"}
# The prefixes as most headings write them, looked up before trying `_PREFIX`.
_PLAIN_PREFIX = {"INT. ": "INT", "EXT. ": "EXT", "EST. ": "EXT"}
# " - ", " – ", " — " separate the parts; a bare hyphen inside a name ("T-BONE") does not.
_PARTS = re.compile(r"\s+[-–—]+(?:\s+|$)|^[-–—]+\s+")

# Normalized time-of-day vocabulary: spoken variants → the word later stages read.
TIME_OF_DAY: dict[str, str] = {
    "DAY": "DAY",
    "DAYTIME": "DAY",
    "PRESENT DAY": "DAY",  # the era and the light at once: "KITCHEN - PRESENT DAY"
    "NIGHT": "NIGHT",
    "NIGHTTIME": "NIGHT",
    "LATE NIGHT": "NIGHT",
    "MIDNIGHT": "MIDNIGHT",
    "MORNING": "MORNING",
    "EARLY MORNING": "MORNING",
    "LATE MORNING": "MORNING",
    "NOON": "NOON",
    "MIDDAY": "NOON",
    "AFTERNOON": "AFTERNOON",
    "LATE AFTERNOON": "AFTERNOON",
    "EVENING": "EVENING",
    "DAWN": "DAWN",
    "PRE DAWN": "DAWN",
    "PREDAWN": "DAWN",
    "BEFORE DAWN": "DAWN",
    "SUNRISE": "DAWN",
    "FIRST LIGHT": "DAWN",
    "DUSK": "DUSK",
    "SUNSET": "DUSK",
    "TWILIGHT": "DUSK",
    "MAGIC HOUR": "DUSK",
    "CONTINUOUS": "CONTINUOUS",
    "CONTINUED": "CONTINUOUS",
    "CONT'D": "CONTINUOUS",
    "CONT": "CONTINUOUS",
    "LATER": "LATER",
    "MOMENTS LATER": "MOMENTS LATER",
    "MOMENT LATER": "MOMENTS LATER",
    "A MOMENT LATER": "MOMENTS LATER",
    "SECONDS LATER": "MOMENTS LATER",
    "SAME": "SAME",
    "SAME TIME": "SAME",
}


_CONTINUITY = frozenset({"CONTINUOUS", "LATER", "MOMENTS LATER", "SAME"})
"""Vocabulary words that say when relative to the scene before, not what light it has."""
# "LATER THAT EVENING", "ANOTHER DAY", "ONE NIGHT": the light is the last word's.
_TIME_QUALIFIERS = re.compile(r"^(?:(?:LATER|EARLIER|THAT|THIS|ANOTHER|ONE|SAME) )+")

# Time words outside the vocabulary that still name when, not where: kept verbatim.
_RELATIVE_TIME = re.compile(r"\bLATER$|^SAME\b|^CONTINU|\bMORNING$|\bNIGHT$", re.IGNORECASE)


# What a scene number may hold (Fountain's #12A#, #2-B#, #1.1#): it names files downstream.
SCENE_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,15}")


class Heading(NamedTuple):
    """The parts of one scene heading."""

    int_ext: str | None
    location: str
    sublocation: str | None
    time_of_day: str | None


_NOT_TIME_WORD = re.compile(r"[^A-Z' ]+")
_SPACES = re.compile(r"\s+")
_PREFIX_NOISE = re.compile(r"[\s.]")
_ASIDE = re.compile(r"\s*(?:\(.*?\)|\[.*?\])\s*")


def normalize_time_of_day(word: str) -> str | None:
    """The vocabulary word for `word`, or None when it is not a time of day."""
    key = word.upper()
    if key in TIME_OF_DAY:  # the common case, written plainly: "NIGHT"
        return TIME_OF_DAY[key]
    key = _SPACES.sub(" ", _NOT_TIME_WORD.sub(" ", word.upper()).strip())
    key = key.removeprefix("THE ").removeprefix("NEXT ").removeprefix("FOLLOWING ")
    if key in TIME_OF_DAY:
        return TIME_OF_DAY[key]
    light = TIME_OF_DAY.get(_TIME_QUALIFIERS.sub("", key))
    return light if light not in _CONTINUITY else None


def dash_parts(text: str) -> list[str]:
    """`text` split at its separating dashes, as `_PARTS` splits it.

    Most headings are plain ASCII with single spaces around single hyphens, where a string
    split gives the same parts as the pattern in a fraction of the time; a script's first
    parse meets every heading once.
    """
    if "-" not in text and "–" not in text and "—" not in text:
        return [text]
    if (
        text.isascii()
        and text.isprintable()  # so the only whitespace is " "
        and "  " not in text
        and "--" not in text
        and text[:1] != "-"
        and text[-1:] != "-"
    ):
        return text.split(" - ")
    return _PARTS.split(text)


# Memoized like cues: a feature returns to its sets, and a re-parse repeats every heading.
@lru_cache(maxsize=4096)
def split_heading(heading: str) -> Heading:
    """Split 'INT. JOHN'S APARTMENT - KITCHEN - NIGHT' into its parts.

    The last dash-separated part is the time of day when it is a known word, or verbatim when
    a heading has three or more parts; otherwise every part after the first is sublocation.
    """
    text = heading.strip()
    int_ext = _PLAIN_PREFIX.get(text[:5].upper())
    if int_ext is not None and text[5:].lstrip()[:1] != "/":  # not "INT. / EXT."
        text = text[5:].lstrip()
    elif match := _PREFIX.match(text):
        prefix = match.group("p").upper()
        int_ext = _INT_EXT.get(prefix) or _INT_EXT.get(_PREFIX_NOISE.sub("", prefix), "INT/EXT")
        text = text[match.end() :]
    else:
        int_ext = None
    # Bracketed asides ("- [THE STORM]", "(1985)") qualify the scene; they are not its parts.
    parts = [q for p in dash_parts(text) if (q := p.strip()) and q[0] != "["]
    if not parts:
        return Heading(int_ext, "", None, None)
    if len(parts) == 1 and ", " in parts[0]:
        # "INT. SAUSALITO HOME, THE NEXT MORNING": some writers use a comma for the dash.
        place, _, last = parts[0].rpartition(", ")
        if normalize_time_of_day(last) or _RELATIVE_TIME.search(last):
            parts = [place, last]
    time_of_day = None
    if len(parts) >= 2:
        last = parts[-1]
        if "(" in last or "[" in last:
            last = _ASIDE.sub(" ", last).strip() or last
        known = normalize_time_of_day(last)
        if known in _CONTINUITY and len(parts) >= 3:
            # "NIGHT - CONTINUOUS": the scene runs on from the one before, and it is night.
            light = normalize_time_of_day(parts[-2])
            if light is not None and light not in _CONTINUITY:
                known = light
                parts.pop()
        if known is not None:
            time_of_day = known
            parts.pop()
        elif len(parts) >= 3 or _RELATIVE_TIME.search(last):
            time_of_day = parts.pop()
    location = parts[0]
    sublocation = " - ".join(parts[1:]) or None
    return Heading(int_ext, location, sublocation, time_of_day)
