"""From a flat list of elements (any reader's) to the full Screenplay: scenes and cast."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from backlot.script.headings import split_heading
from backlot.script.models import CharacterStat, Element, ElementType, Scene, Screenplay, TitleEntry
from backlot.trusted import trusted

_EXTENSION = re.compile(r"\(([^()]*)\)")


# Memoized: a script repeats its cues hundreds of times, and a re-parse after an edit repeats
# them all; bounded, so hostile input cannot grow it without limit.
@lru_cache(maxsize=4096)
def split_cue(cue: str) -> tuple[str, str | None]:
    """'BOB (V.O.) (CONT'D)' → ('BOB', "V.O., CONT'D"); the name is what the cast list keys on."""
    head, paren, _ = cue.partition("(")
    name = " ".join(head.split()).upper()
    if not paren:
        return name, None
    extensions = [e.strip() for e in _EXTENSION.findall(cue) if e.strip()]
    return name, ", ".join(extensions) or None


def assemble(
    title_page: list[TitleEntry], elements: list[Element], source: str | None = None
) -> Screenplay:
    """Group `elements` into scenes and count speeches; every reader ends here."""
    scenes: list[Scene] = []
    counts: dict[str, int] = {}
    taken: set[str] = set()
    warnings: list[str] = []
    heading, character = ElementType.SCENE_HEADING, ElementType.CHARACTER
    starts: list[int] = []
    for i, element in enumerate(elements):
        kind = element.type
        if kind is heading:
            starts.append(i)
        elif kind is character and (name := split_cue(element.text)[0]):
            counts[name] = counts.get(name, 0) + 1
    for start, end in pairwise([*starts, len(elements)]):
        element = elements[start]
        parts = split_heading(element.text)
        number = element.scene_number or str(len(scenes) + 1)
        if number in taken:
            number = _unique_number(number, taken)
        taken.add(number)
        if element.scene_number and number != element.scene_number:
            warnings.append(
                f"line {element.line}: scene number {element.scene_number} is used "
                f"twice; this scene is {number}"
            )
        scene = {
            "number": number,
            "heading": element.text,
            "int_ext": parts.int_ext,
            "location": parts.location,
            "sublocation": parts.sublocation,
            "time_of_day": parts.time_of_day,
            "line": element.line,
            "start_page": None,
            "eighths": None,
            "elements": elements[start:end],
        }
        scenes.append(trusted(Scene, scene))
    title = None
    for entry in title_page:
        if entry.key.lower() == "title":
            title = entry.value
            break
    characters = []
    for name, count in counts.items():
        characters.append(trusted(CharacterStat, {"name": name, "dialogue_count": count}))
    return trusted(
        Screenplay,
        {
            "title": title.splitlines()[0].strip() if title else None,
            "source": source,
            "title_page": title_page,
            "elements": elements,
            "scenes": scenes,
            "characters": characters,
            "pages": None,
            "warnings": warnings,
        },
    )


def _unique_number(base: str, taken: set[str]) -> str:
    """A repeated scene number with a suffix (12-2), since every later stage keys scenes by
    number."""
    number, n = base, 2
    while number in taken:
        number, n = f"{base}-{n}", n + 1
    return number
