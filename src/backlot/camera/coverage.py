"""Coverage: which shots film a scene, and the default cut through them.

Film idioms, in order of precedence at each script element:

1. The script's own direction at the element's line (CLOSE ON, INSERT, POV, WIDE…).
2. The establishing shot: the heading and opening action of a scene first at its set,
   or of any exterior (a crane down into an exterior's first scene, a pan on a return).
3. Dialogue: the first exchange on a two-shot (arcing round the pair at a tension peak),
   then OTS and MCU singles alternating on the speaker; an exclamation in a tense scene
   (≥ 0.6) plays on the listener's reaction.
4. Action: a walk trucked beside, a run followed, a chase or fight handheld, a sit or
   stand on the pedestal.
5. Inserts: a prop written in capitals in the action (the writer's mark of a prop that
   matters, and the breakdown's), at its first mention in the scene, where the set has it.
6. The master (WS/FS) covers everything else.

Consecutive elements with the same choice make one shot, so the default cut is a sequence
of contiguous shots from frame 0 to the scene's end, each element in exactly one of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from backlot.breakdown.models import CameraDirection, Category, SceneBreakdown
from backlot.camera.blocking import element_at_line, speeches
from backlot.camera.models import Move, SceneTiming, ShotSize, ShotType
from backlot.script.models import ElementType, Scene
from backlot.world.models import SceneSetup
from backlot.world.names import prim_name

REACTION_TENSION = 0.6
"""Scene tension from which an exclamation cuts to the listener's reaction."""
PEAK_TENSION = 0.75
"""Scene tension from which singles push in (dolly in)."""
_ACTION_MOVES = {
    # A walk is trucked beside, a run followed, a chase or a fight shot handheld in the
    # thick of it; a sit or a stand rides the pedestal with the eyes.
    "walk": Move.TRUCK,
    "run": Move.FOLLOW,
    "sprint": Move.FOLLOW,
    "chase": Move.HANDHELD,
    "flee": Move.HANDHELD,
    "fight": Move.HANDHELD,
    "sit": Move.PEDESTAL,
    "stand": Move.PEDESTAL,
}
_DIALOGUE = (ElementType.CHARACTER, ElementType.PARENTHETICAL, ElementType.DIALOGUE)
_OFFSCREEN = frozenset({"VO", "OS", "OC"})
"""Cue extensions of a voice whose speaker is not in the shot."""
_POSSESSIVE = re.compile(r"'S\b.*$")
_INSERTED = frozenset({Category.PROPS, Category.WEAPONS})


@dataclass(frozen=True)
class ShotSpec:
    """A shot of the default cut, before its camera is placed."""

    type: ShotType
    size: ShotSize
    subjects: list[str]
    move: Move
    start_frame: int
    frames: int
    elements: list[int] = field(default_factory=list)
    reason: str = ""
    description: str = ""
    prop: str = ""
    """The placed item an insert frames (its name in the set)."""


@dataclass(frozen=True)
class _Choice:
    """What films one element; equal choices on neighbouring elements join into one shot."""

    type: ShotType
    size: ShotSize
    subjects: tuple[str, ...]
    move: Move
    reason: str
    description: str
    group: int = 0
    """Tells apart equal choices that must stay separate shots (two speeches)."""
    prop: str = ""


def _subject_id(subject: str | None, cast_ids: dict[str, str]) -> str | None:
    """The character a direction's subject names ("MAYA'S POV", "Leo"), if any."""
    if not subject:
        return None
    name = _POSSESSIVE.sub("", subject.strip().upper()).strip()
    return cast_ids.get(name)


def _directed(
    direction: CameraDirection, cast_ids: dict[str, str], everyone: tuple[str, ...]
) -> _Choice | None:
    """The shot a written direction asks for, or None for the ones that are no shot."""
    who = _subject_id(direction.subject, cast_ids)
    person = (who,) if who else ()
    what = direction.subject or ""
    reason = f"script: {direction.kind} (line {direction.line})"
    text = direction.text.strip()
    table: dict[str, tuple[ShotType, ShotSize, tuple[str, ...], Move]] = {
        "CLOSE ON": (ShotType.SINGLE, ShotSize.CU, person, Move.STATIC)
        if who
        else (ShotType.INSERT, ShotSize.CU, (), Move.STATIC),
        "INSERT": (ShotType.INSERT, ShotSize.ECU, person, Move.STATIC),
        "ANGLE ON": (ShotType.SINGLE, ShotSize.MS, person, Move.STATIC)
        if who
        else (ShotType.INSERT, ShotSize.MS, (), Move.STATIC),
        "WIDE": (ShotType.MASTER, ShotSize.WS, everyone, Move.STATIC),
        "POV": (ShotType.POV, ShotSize.MS, person, Move.STATIC),
        "TRACKING": (ShotType.MASTER, ShotSize.FS, person or everyone, Move.FOLLOW),
        "AERIAL": (ShotType.ESTABLISHING, ShotSize.EWS, everyone, Move.CRANE),
        "PUSH IN": (ShotType.SINGLE, ShotSize.MCU, person or everyone[:1], Move.DOLLY_IN),
        "PULL BACK": (ShotType.MASTER, ShotSize.WS, person or everyone, Move.DOLLY_OUT),
        "PAN": (ShotType.MASTER, ShotSize.WS, person or everyone, Move.PAN),
        "CRANE": (ShotType.MASTER, ShotSize.WS, person or everyone, Move.CRANE),
        "PEDESTAL": (ShotType.SINGLE, ShotSize.MS, person or everyone[:1], Move.PEDESTAL),
        "ARC": (ShotType.TWO_SHOT, ShotSize.MS, person or everyone, Move.ARC),
        "TRUCK": (ShotType.SINGLE, ShotSize.FS, person or everyone[:1], Move.TRUCK),
        "HANDHELD": (ShotType.SINGLE, ShotSize.MS, person or everyone[:1], Move.HANDHELD),
    }
    if direction.kind not in table:
        return None
    kind, size, subjects, move = table[direction.kind]
    return _Choice(kind, size, subjects, move, reason, text or what, group=direction.line)


def plan_coverage(
    scene_number: str,
    breakdown_scene: SceneBreakdown,
    setup: SceneSetup,
    first_at_set: bool,
    timing: SceneTiming,
    scene: Scene,
    cast_ids: dict[str, str],
    items: frozenset[str] = frozenset(),
) -> list[ShotSpec]:
    """The scene's default cut: contiguous shots covering every element exactly once.
    `items` names the things placed in the set for this scene, which inserts can frame."""
    cast_ids = {name.upper(): cid for name, cid in cast_ids.items()}
    everyone = tuple(setup.cast)
    exterior = (breakdown_scene.int_ext or "").startswith("EXT")
    tension = breakdown_scene.tension
    master_size = ShotSize.WS if exterior or len(everyone) > 2 else ShotSize.FS
    master = _Choice(
        ShotType.MASTER,
        master_size,
        everyone,
        Move.STATIC,
        "master",
        f"Master of scene {scene_number}",
    )
    choices: list[_Choice] = [master] * len(scene.elements)

    # 6 → 1: later idioms overwrite earlier ones, so the strongest is written last.
    _inserts(choices, breakdown_scene, scene, items)
    for action in breakdown_scene.actions:
        index = element_at_line(scene.elements, action.line)
        movers = tuple(cast_ids[n.upper()] for n in action.characters if n.upper() in cast_ids)
        move = _ACTION_MOVES.get(action.verb)
        if index is None or move is None or not movers:
            continue
        kind = ShotType.SINGLE if len(movers) == 1 else ShotType.TWO_SHOT
        size = ShotSize.MS if move is Move.PEDESTAL else ShotSize.FS
        reason = f"{move.value}: {action.verb} (line {action.line})"
        choices[index] = _Choice(kind, size, movers, move, reason, action.evidence)

    _dialogue(choices, scene, cast_ids, everyone, tension)

    if (first_at_set or exterior) and scene.elements:
        opening = [0]
        if len(scene.elements) > 1 and scene.elements[1].type is ElementType.ACTION:
            opening.append(1)
        reason = (
            "establishing: first scene at the set" if first_at_set else "establishing: exterior"
        )
        size = ShotSize.EWS if exterior else ShotSize.WS
        # The first look at an exterior cranes down into it; a return to it pans across.
        move = (Move.CRANE if first_at_set else Move.PAN) if exterior else Move.STATIC
        establishing = _Choice(
            ShotType.ESTABLISHING, size, everyone, move, reason, scene.heading, group=-1
        )
        for index in opening:
            choices[index] = establishing

    for direction in breakdown_scene.camera_directions:
        index = element_at_line(scene.elements, direction.line)
        directed = _directed(direction, cast_ids, everyone)
        if index is not None and directed is not None:
            choices[index] = directed

    return _cut(choices, timing)


def _inserts(
    choices: list[_Choice], breakdown_scene: SceneBreakdown, scene: Scene, items: frozenset[str]
) -> None:
    """An insert on the first capitalised mention of each prop or weapon the set holds."""
    shown: set[str] = set()
    for tag in breakdown_scene.tags:
        if tag.category not in _INSERTED or not _capitalised(tag.evidence):
            continue
        item = prim_name(tag.name.lower())
        index = element_at_line(scene.elements, tag.line)
        if item in shown or item not in items or index is None:
            continue
        if scene.elements[index].type is not ElementType.ACTION:
            continue
        shown.add(item)
        reason = f"insert: {tag.evidence} (line {tag.line})"
        choices[index] = _Choice(
            ShotType.INSERT,
            ShotSize.CU,
            (),
            Move.STATIC,
            reason,
            f"Insert: {tag.name}",
            prop=item,
        )


def _capitalised(words: str) -> bool:
    letters = [c for c in words if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _dialogue(
    choices: list[_Choice],
    scene: Scene,
    cast_ids: dict[str, str],
    everyone: tuple[str, ...],
    tension: float,
) -> None:
    """Choose each speech's shot: two-shot first, then OTS and singles, reactions."""
    elements = scene.elements
    previous: str | None = None
    last: int | None = None  # the previous speech's line
    count = 0
    for index, name in speeches(scene):
        # A speech's elements: its cue and parentheticals back to the cue, and the line.
        first = index
        while first > 0 and elements[first - 1].type in _DIALOGUE[:2]:
            first -= 1
        between = range(last + 1, first) if last is not None else range(0)
        if any(elements[i].type not in _DIALOGUE for i in between):
            previous, count = None, 0  # business between speeches ends the exchange
        last = index
        cue = elements[first]
        offscreen = (cue.extension or "").upper().replace(".", "") in _OFFSCREEN
        speaker = None if offscreen else cast_ids.get(name)
        if speaker not in everyone:
            speaker = None
        others = [cid for cid in everyone if cid != speaker]
        listener = previous if previous and previous != speaker else None
        listener = listener or (others[0] if others else None)
        line = elements[index].text.strip()
        choice = _speech_choice(speaker, listener, count, tension, line, index)
        for i in range(first, index + 1):
            choices[i] = choice
        if speaker is not None:
            previous = speaker
        count += 1


def _speech_choice(
    speaker: str | None,
    listener: str | None,
    count: int,
    tension: float,
    line: str,
    index: int,
) -> _Choice:
    """The shot one speech plays on."""
    push = Move.DOLLY_IN if tension >= PEAK_TENSION else Move.STATIC
    if speaker is None:
        # An off-screen voice (V.O., a phone): hold on whoever hears it.
        heard = (listener,) if listener else ()
        return _Choice(ShotType.SINGLE, ShotSize.MCU, heard, push, "off-screen voice", line, index)
    if listener and tension >= REACTION_TENSION and line.endswith("!"):
        return _Choice(
            ShotType.REACTION,
            ShotSize.CU,
            (listener, speaker),
            Move.STATIC,
            "reaction",
            line,
            index,
        )
    if listener and count == 0:
        pair = (speaker, listener)
        # At a tension peak the camera circles the pair as the exchange begins.
        circle = Move.ARC if tension >= PEAK_TENSION else Move.STATIC
        return _Choice(ShotType.TWO_SHOT, ShotSize.MS, pair, circle, "first exchange", line, index)
    if listener and count % 2 == 1:
        pair = (speaker, listener)
        return _Choice(ShotType.OTS, ShotSize.MS, pair, Move.STATIC, "dialogue: OTS", line, index)
    return _Choice(ShotType.SINGLE, ShotSize.MCU, (speaker,), push, "dialogue: single", line, index)


def _cut(choices: list[_Choice], timing: SceneTiming) -> list[ShotSpec]:
    """Join equal neighbouring choices into shots; fold shots with no frames into a neighbour."""
    runs: list[tuple[_Choice, list[int]]] = []
    for index, choice in enumerate(choices):
        if runs and runs[-1][0] == choice:
            runs[-1][1].append(index)
        else:
            runs.append((choice, [index]))
    frames = [sum(timing.element_frames[i][1] for i in indices) for _, indices in runs]
    kept: list[tuple[_Choice, list[int]]] = []
    carry: list[int] = []  # elements of empty runs met before the first shot with frames
    for (choice, indices), length in zip(runs, frames, strict=True):
        if length == 0 and kept:
            kept[-1][1].extend(indices)
        elif length == 0:
            carry.extend(indices)
        else:
            kept.append((choice, carry + indices))
            carry = []
    if carry:  # a scene with no frames at all: one empty master keeps its elements
        kept.append((runs[0][0], carry))
    shots: list[ShotSpec] = []
    for choice, indices in kept:
        start = timing.element_frames[indices[0]][0]
        length = sum(timing.element_frames[i][1] for i in indices)
        shots.append(
            ShotSpec(
                type=choice.type,
                size=choice.size,
                subjects=list(choice.subjects),
                move=choice.move,
                start_frame=start,
                frames=length,
                elements=indices,
                reason=choice.reason,
                description=choice.description,
                prop=choice.prop,
            )
        )
    return shots
