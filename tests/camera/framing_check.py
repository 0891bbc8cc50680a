"""The framing of a plan's static close shots, measured by projecting the subject."""

from __future__ import annotations

from collections.abc import Iterator

from backlot.camera.blocking import pose_at, seated_at
from backlot.camera.framing import framing_error
from backlot.camera.models import Move, Shot, ShotPlan
from backlot.world.models import World

FRAMED = ("single", "reaction", "ots")
SUPER35 = (24.89, 18.66)


def static_framings(plan: ShotPlan, world: World) -> Iterator[tuple[Shot, float]]:
    """(shot, framing error) for every static single, reaction and OTS whose subject stands
    still through the shot: its screen height against the size's target, as a fraction."""
    heights = {c.id: c.look.height_m for c in world.characters}
    for shot in plan.shots:
        if shot.move is not Move.STATIC or shot.type.value not in FRAMED:
            continue
        paths = {p.character: p for p in plan.blocking[shot.scene]}
        if not shot.subjects or shot.subjects[0] not in paths:
            continue  # a voice, not on the set
        path = paths[shot.subjects[0]]
        x, z, _ = pose_at(path, shot.start_frame)
        if pose_at(path, shot.start_frame + shot.frames - 1)[:2] != (x, z):
            continue  # the subject moves during the shot: not a static framing
        key = shot.keys[0]
        error = framing_error(
            key.position,
            key.target,
            (x, 0.0, z),
            heights[shot.subjects[0]],
            shot.size,
            shot.lens_mm,
            SUPER35,
            plan.resolution,
            seated=seated_at(path, shot.start_frame),
        )
        yield shot, error
