"""Breakdown sheets and the stripboard as CSV, for a spreadsheet or scheduling software.

Eighths stay whole numbers of eighths (11, not "1 3/8") so a spreadsheet can sum them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from backlot.breakdown.models import Breakdown

BREAKDOWN_COLUMNS = (
    "scene",
    "heading",
    "int_ext",
    "day_night",
    "set",
    "eighths",
    "page",
    "category",
    "name",
    "line",
    "evidence",
    "source",
)
STRIPBOARD_COLUMNS = ("day", "scene", "set", "int_ext", "day_night", "eighths", "cast")


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """`rows` under `header` as CSV text; "\\n" line ends, so output is the same on every OS."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def scene_cast_ids(breakdown: Breakdown) -> dict[str, list[str]]:
    """Scene number → its cast as call-sheet numbers, lowest first, as a strip lists them.

    A name missing from the numbered cast list keeps its name and goes after the numbers.
    """
    ids = {member.name: member.id for member in breakdown.cast}
    return {
        scene.number: [
            str(ids.get(name, name))
            for name in sorted(scene.cast, key=lambda n: (n not in ids, ids.get(n, 0), n))
        ]
        for scene in breakdown.scenes
    }


def breakdown_csv(breakdown: Breakdown) -> str:
    """One row per scene and tag (BREAKDOWN_COLUMNS), in script order.

    A scene with no tags still gets one row, with the tag columns empty, so every scene of
    the script is on the sheet.
    """
    rows: list[list[object]] = []
    for scene in breakdown.scenes:
        head = [
            scene.number,
            scene.heading,
            scene.int_ext or "",
            scene.day_night,
            scene.set,
            scene.eighths,
            scene.start_page or "",
        ]
        tags = [[t.category.value, t.name, t.line, t.evidence, t.source] for t in scene.tags]
        rows.extend(head + tag for tag in tags or [["", "", "", "", ""]])
    return _csv(BREAKDOWN_COLUMNS, rows)


def stripboard_csv(breakdown: Breakdown) -> str:
    """One row per strip (STRIPBOARD_COLUMNS), by shooting day in the schedule's order.

    `cast` is the scene's cast numbers as `scene_cast_ids` gives them, comma-separated.
    """
    scenes = {scene.number: scene for scene in breakdown.scenes}
    cast = scene_cast_ids(breakdown)
    rows: list[list[object]] = []
    for day in breakdown.schedule.days:
        for number in day.scenes:
            scene = scenes[number]
            rows.append(
                [
                    day.day,
                    number,
                    scene.set,
                    scene.int_ext or "",
                    scene.day_night,
                    scene.eighths,
                    ", ".join(cast[number]),
                ]
            )
    return _csv(STRIPBOARD_COLUMNS, rows)
