"""Numbered versions of the cut, and what changed between two of them."""

from __future__ import annotations

from backlot.edit.models import Clip, CutChanges, CutVersion, Retaken, Retimed
from backlot.errors import BacklotError

CUTS_DIR = "cuts"


def version_path(number: int) -> str:
    """Where version `number`'s timeline is kept, build-relative."""
    return f"{CUTS_DIR}/v{number:03d}.otio"


def next_versions(previous: list[CutVersion], clips: list[Clip]) -> list[CutVersion]:
    """The version list after this cut: unchanged when the cut is the newest version's,
    else with a new version numbered after every earlier one."""
    if previous and previous[-1].clips == clips:
        return previous
    number = (previous[-1].number if previous else 0) + 1
    return [*previous, CutVersion(number=number, clips=clips, timeline=version_path(number))]


def find_version(versions: list[CutVersion], number: int) -> CutVersion:
    for version in versions:
        if version.number == number:
            return version
    have = ", ".join(str(v.number) for v in versions)
    raise BacklotError(f"no version {number} of the cut (versions: {have})")


def compare(before: CutVersion, after: CutVersion) -> CutChanges:
    """Shots added, removed, retimed and retaken from `before` to `after`."""
    old = {clip.shot: clip for clip in before.clips}
    new = {clip.shot: clip for clip in after.clips}
    both = [shot for shot in new if shot in old]
    return CutChanges(
        before=before.number,
        after=after.number,
        added=[shot for shot in new if shot not in old],
        removed=[shot for shot in old if shot not in new],
        retimed=[
            Retimed(shot=s, frames_before=old[s].frames, frames_after=new[s].frames)
            for s in both
            if old[s].frames != new[s].frames
        ],
        retaken=[
            Retaken(shot=s, take_before=old[s].take, take_after=new[s].take)
            for s in both
            if (old[s].take, old[s].inputs) != (new[s].take, new[s].inputs)
        ],
        frames_before=sum(c.frames for c in before.clips),
        frames_after=sum(c.frames for c in after.clips),
    )
