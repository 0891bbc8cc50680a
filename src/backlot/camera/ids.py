"""Stable shot ids: 12A, 12B… kept across script revisions, never reused.

A shot of the new plan keeps the id of the previous plan's shot that covered the same
thing (same scene, coverage type, subjects and first line of script); a new shot takes the
next letter its scene has never used; a shot that is gone is retired with its id.
"""

from __future__ import annotations

from backlot.camera.models import Shot, ShotPlan


def letters(n: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the suffixes productions give a scene's shots."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def _index(suffix: str) -> int:
    n = 0
    for char in suffix:
        n = n * 26 + ord(char) - ord("A") + 1
    return n - 1


def assign_ids(
    shots: list[tuple[Shot, str]], previous: ShotPlan | None
) -> tuple[list[Shot], dict[str, list[str]]]:
    """Ids for `shots` (each with the text of the first script line it covers), and the ids
    retired per scene."""
    old: dict[tuple[str, str, tuple[str, ...], str], list[Shot]] = {}
    used: dict[str, set[str]] = {}
    retired: dict[str, list[str]] = {}
    if previous is not None:
        for shot in previous.shots:
            old.setdefault(_signature(shot, previous.first_lines.get(shot.id, "")), []).append(shot)
            used.setdefault(shot.scene, set()).add(shot.id)
        for scene, ids in previous.retired.items():
            retired[scene] = list(ids)
            used.setdefault(scene, set()).update(ids)
    result: list[Shot] = []
    pending: list[int] = []
    for shot, first_line in shots:
        matches = old.get(_signature(shot, first_line))
        shot_id = matches.pop(0).id if matches else ""
        if not shot_id:
            pending.append(len(result))
        result.append(shot.model_copy(update={"id": shot_id}))
    for index in pending:
        shot = result[index]
        taken = used.setdefault(shot.scene, set())
        prefix = len(shot.scene)
        n = max((_index(i[prefix:]) for i in taken if i[prefix:].isalpha()), default=-1) + 1
        shot_id = f"{shot.scene}{letters(n)}"
        taken.add(shot_id)
        result[index] = shot.model_copy(update={"id": shot_id})
    for unmatched in old.values():
        for shot in unmatched:
            retired.setdefault(shot.scene, []).append(shot.id)
    return result, {scene: sorted(ids) for scene, ids in sorted(retired.items())}


def _signature(shot: Shot, first_line: str) -> tuple[str, str, tuple[str, ...], str]:
    return (shot.scene, shot.type.value, tuple(shot.subjects), first_line)
