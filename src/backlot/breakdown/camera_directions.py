"""Camera directions the writer put in the script (CLOSE ON, POV, INSERT…), kept for the planner."""

from __future__ import annotations

import re

from backlot.breakdown.models import CameraDirection
from backlot.script.headings import normalize_time_of_day
from backlot.script.models import ElementType, Scene

# Written form → the kind the shot planner reads. Longest forms first, so "EXTREME CLOSE
# UP ON" is not read as "CLOSE UP".
_KINDS: list[tuple[str, str]] = sorted(
    [
        ("EXTREME CLOSE UP", "CLOSE ON"),
        ("EXTREME CLOSE ON", "CLOSE ON"),
        ("EXTREME CLOSEUP", "CLOSE ON"),
        ("ECU", "CLOSE ON"),
        ("CLOSE ON", "CLOSE ON"),
        ("CLOSE UP", "CLOSE ON"),
        ("CLOSE-UP", "CLOSE ON"),
        ("CLOSEUP", "CLOSE ON"),
        ("CLOSER ON", "CLOSE ON"),
        ("CLOSE SHOT", "CLOSE ON"),
        ("CU", "CLOSE ON"),
        ("ANGLE ON", "ANGLE ON"),
        ("NEW ANGLE", "ANGLE ON"),
        ("REVERSE ANGLE", "ANGLE ON"),
        ("ANOTHER ANGLE", "ANGLE ON"),
        ("LOW ANGLE", "ANGLE ON"),
        ("HIGH ANGLE", "ANGLE ON"),
        ("WIDE SHOT", "WIDE"),
        ("WIDE ON", "WIDE"),
        ("WIDE ANGLE", "WIDE"),
        ("WIDE", "WIDE"),
        ("ESTABLISHING SHOT", "WIDE"),
        ("INSERT", "INSERT"),
        ("POV", "POV"),
        ("P.O.V.", "POV"),
        ("TRACKING SHOT", "TRACKING"),
        ("TRACKING", "TRACKING"),
        ("TRACK WITH", "TRACKING"),
        ("MOVING WITH", "TRACKING"),
        ("AERIAL SHOT", "AERIAL"),
        ("AERIAL VIEW", "AERIAL"),
        ("AERIAL", "AERIAL"),
        ("OVERHEAD SHOT", "AERIAL"),
        ("BIRD'S EYE VIEW", "AERIAL"),
        ("BACK TO SCENE", "BACK TO SCENE"),
        ("BACK TO", "BACK TO SCENE"),
        ("INTERCUT WITH", "INTERCUT"),
        ("INTERCUT", "INTERCUT"),
        ("INTERCUTTING", "INTERCUT"),
        ("BEGIN MONTAGE", "MONTAGE"),
        ("END MONTAGE", "MONTAGE"),
        ("MONTAGE", "MONTAGE"),
        ("SERIES OF SHOTS", "SERIES OF SHOTS"),
        ("END SERIES OF SHOTS", "SERIES OF SHOTS"),
        ("CRANE UP", "CRANE"),
        ("CRANE DOWN", "CRANE"),
        ("CRANE SHOT", "CRANE"),
        ("BOOM UP", "CRANE"),
        ("BOOM DOWN", "CRANE"),
        ("PEDESTAL UP", "PEDESTAL"),
        ("PEDESTAL DOWN", "PEDESTAL"),
        ("ARC AROUND", "ARC"),
        ("CIRCLE AROUND", "ARC"),
        ("CIRCLING", "ARC"),
        ("TRUCK LEFT", "TRUCK"),
        ("TRUCK RIGHT", "TRUCK"),
        ("TRUCKING SHOT", "TRUCK"),
        ("HANDHELD", "HANDHELD"),
        ("HAND-HELD", "HANDHELD"),
        ("PUSH IN", "PUSH IN"),
        ("PULL BACK", "PULL BACK"),
        ("PULL OUT", "PULL BACK"),
        ("PAN TO", "PAN"),
        ("PAN", "PAN"),
        ("SLOW MOTION", "SLOW MOTION"),
        ("FREEZE FRAME", "FREEZE FRAME"),
        ("SPLIT SCREEN", "SPLIT SCREEN"),
        ("UNDERWATER", "UNDERWATER"),
    ],
    key=lambda pair: -len(pair[0]),
)
_FORM = re.compile(
    r"(?<![A-Z'])(?:" + "|".join(re.escape(form) for form, _ in _KINDS) + r")(?![A-Z])"
)
_LEAD = re.compile(r"^(?:ON|OF|TO|WITH)\b|^[\s:\-–—]+")
_KIND_OF = dict(_KINDS)
_WHERE = frozenset({ElementType.SCENE_HEADING, ElementType.ACTION, ElementType.TRANSITION})


def find_camera_directions(scene: Scene) -> list[CameraDirection]:
    """Directions written in capitals that lead a heading part, action line or transition.

    Only the leading run of capitals counts: "a wide field" in prose is an adjective, not an
    instruction to the camera operator.
    """
    found: list[CameraDirection] = []
    for element in scene.elements:
        if element.type not in _WHERE:
            continue
        for offset, line in enumerate(element.text.split("\n")):
            direction = _direction(line.strip(), element.line + offset)
            if direction:
                found.append(direction)
    return found


def _direction(line: str, line_no: int) -> CameraDirection | None:
    # "EXT. SKY - AERIAL SHOT - DAY": a heading's later parts may hold the direction.
    candidates = [line, *line.split(" - ")[1:]] if " - " in line else [line]
    for text in candidates:
        match = _FORM.search(text)
        if match is None or text[: match.end()] != text[: match.end()].upper():
            continue
        form = match.group()
        owner = text[: match.start()].strip(" :-").removesuffix("'S").strip()
        # The subject runs to the end of the sentence or of the heading part.
        after = text[match.end() :]
        while (lead := _LEAD.match(after)) and lead.end():
            after = after[lead.end() :]
        after = re.split(r"[.!?](?:\s|$)| - ", after)[0]
        if normalize_time_of_day(after):
            after = ""  # "AERIAL SHOT - DAY": the heading's time, not a subject
        subject = owner if _KIND_OF[form] == "POV" else after.strip(" .:")
        return CameraDirection(
            kind=_KIND_OF[form], subject=subject or None, line=line_no, text=line
        )
    return None
