"""Script statistics a production office reads: the numbered cast list, sets, day or night.

Cast numbers follow the call-sheet habit: 1 is the biggest part, measured first by scenes
(days on set follow scenes), then by speeches, then by who appears first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from backlot.breakdown.models import CastMember, SceneBreakdown, SetSummary
from backlot.breakdown.tagging import cue_speakers
from backlot.script.assemble import split_cue
from backlot.script.headings import normalize_time_of_day
from backlot.script.models import ElementType, Screenplay

# Words of dialogue: contractions and hyphenated words count once ("don't", "half-past");
# dashes and ellipses between words separate them.
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
# A wryly written inline, "Well (beat) no.", is direction to the actor, not a spoken word.
_INLINE_PARENTHETICAL = re.compile(r"\([^()]*\)")
# Elements that sit inside a speech without ending it: the cue's wrylies, and notes or page
# breaks that interrupt the page rather than the speech.
_INSIDE_SPEECH = frozenset({ElementType.PARENTHETICAL, ElementType.NOTE, ElementType.PAGE_BREAK})

# Day or night as a stripboard colours a strip: the question is whether the scene needs
# darkness (night work, night lighting, the crew's turnaround), not what the clock says.
# Dusk and evening are shot at the end of light and into dark, with the night unit's
# lighting, so they strip as NIGHT; dawn is shot at first light and starts a day call, so it
# strips as DAY.
_NIGHT = frozenset({"NIGHT", "MIDNIGHT", "EVENING", "DUSK"})
_DAY = frozenset({"DAY", "MORNING", "NOON", "AFTERNOON", "DAWN"})


def day_night(time_of_day: str | None, previous: str = "DAY") -> str:
    """DAY or NIGHT for a scene whose heading says `time_of_day`.

    NIGHT, MIDNIGHT, EVENING and DUSK are NIGHT; DAY, MORNING, NOON, AFTERNOON and DAWN are
    DAY (see the note above `_NIGHT` for why the twilight words split that way). CONTINUOUS,
    LATER, MOMENTS LATER, SAME, words the vocabulary does not know, and a heading without a
    time keep the story's clock where it was: `previous`, the scene before's value, which is
    "DAY" for the first scene. Spoken variants ("LATE NIGHT", "SUNSET") are normalized first.
    """
    if time_of_day:
        word = normalize_time_of_day(time_of_day) or time_of_day.strip().upper()
        if word in _NIGHT:
            return "NIGHT"
        if word in _DAY:
            return "DAY"
    return previous


@dataclass
class _Part:
    """What one name does in the script, gathered while walking it."""

    scenes: list[str] = field(default_factory=list)
    lines: int = 0
    words: int = 0
    # The source line of the first heading of a scene they are in, or of their first cue.
    first_line: int | None = None

    def seen_at(self, line: int) -> None:
        if self.first_line is None or line < self.first_line:
            self.first_line = line


def cast_members(screenplay: Screenplay, scene_cast: dict[str, list[str]]) -> list[CastMember]:
    """The numbered cast list, biggest part first.

    `scene_cast` maps a scene number to the cast names present in it (speaking or not), in
    the form `split_cue` gives cues ("MAYA"). Every name there, and every name that speaks,
    is listed: `scenes` are the scenes `scene_cast` puts them in, in script order; `lines`
    counts their cues anywhere in the script, extensions stripped; `words` counts the words of
    the dialogue under those cues, parentheticals excluded. A name that speaks but is in no
    scene (a voice before the first heading, say) has no scenes and `first_scene` "".
    """
    parts: dict[str, _Part] = {}

    def part(name: str) -> _Part:
        return parts.setdefault(name, _Part())

    for scene in screenplay.scenes:
        for name in scene_cast.get(scene.number, ()):
            found = part(name)
            if scene.number not in found.scenes:
                found.scenes.append(scene.number)
            found.seen_at(scene.line)
    # Names listed under a scene number the screenplay lacks still belong on the cast list.
    for names in scene_cast.values():
        for name in names:
            part(name)

    cues = [c.name for c in screenplay.characters]
    speakers: list[_Part] = []
    for element in screenplay.elements:
        kind = element.type
        if kind is ElementType.CHARACTER:
            name = split_cue(element.text)[0]
            # A crowd's line is no cast member's; "EDWARD AND WILL" is a line for each.
            speakers = [part(n) for n in cue_speakers(name, cues)] if name else []
            for speaker in speakers:
                speaker.lines += 1
                speaker.seen_at(element.line)
        elif kind is ElementType.DIALOGUE:
            spoken = _INLINE_PARENTHETICAL.sub(" ", element.text)
            for speaker in speakers:
                speaker.words += len(_WORD.findall(spoken))
        elif kind not in _INSIDE_SPEECH:
            speakers = []

    never = float("inf")
    ranked = sorted(
        parts.items(),
        key=lambda item: (
            -len(item[1].scenes),
            -item[1].lines,
            never if item[1].first_line is None else item[1].first_line,
            item[0],
        ),
    )
    return [
        CastMember(
            id=number,
            name=name,
            scenes=found.scenes,
            lines=found.lines,
            words=found.words,
            first_scene=found.scenes[0] if found.scenes else "",
        )
        for number, (name, found) in enumerate(ranked, start=1)
    ]


def set_summaries(scenes: list[SceneBreakdown]) -> list[SetSummary]:
    """The sets in order of first appearance, each with its scenes in order and total eighths."""
    sets: dict[str, SetSummary] = {}
    for scene in scenes:
        summary = sets.get(scene.set)
        if summary is None:
            summary = sets[scene.set] = SetSummary(
                name=scene.set, int_ext=scene.int_ext, scenes=[], eighths=0
            )
        summary.scenes.append(scene.number)
        summary.eighths += scene.eighths
    return list(sets.values())
