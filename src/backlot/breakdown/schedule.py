"""A stripboard and its day-out-of-days, laid out the way a first AD would start one.

Strip order. Scenes are grouped so the company moves as little as possible:
1. by location, in order of first appearance in the script, so a location's interior and
   exterior sets (EXT. DINER, INT. DINER) are shot back to back;
2. within a location, exterior sets first, then INT/EXT, then interiors: exteriors are at
   the weather's mercy, so they go early and the interiors stay in hand as cover sets;
3. within a set, DAY strips before NIGHT strips, so the company works towards night rather
   than breaking the crew's turnaround by coming back to day work after a night;
4. within that, script order.

Packing. Strips fill shooting days in that order towards a target of
`pages_per_day` × 8 eighths. A scene is never split: when the next scene does not fit, the
day takes it anyway only if it is on the set already being shot and the overflow is no
larger than the gap it would otherwise leave (a day comes nearer its target, and no set is
started late in a day just to run over). Otherwise the scene starts the next day. A scene
longer than a whole day gets a day of its own.
"""

from __future__ import annotations

from backlot.breakdown.models import (
    BreakdownConfig,
    DayOutOfDays,
    SceneBreakdown,
    Schedule,
    ShootDay,
)

_INT_EXT_ORDER = {"EXT": 0, "INT/EXT": 1, "INT": 2}
_DAY_NIGHT_ORDER = {"DAY": 0, "NIGHT": 1}

WORK_CODES = frozenset({"SW", "W", "WF", "SWF"})


def _strip_order(scenes: list[SceneBreakdown]) -> list[SceneBreakdown]:
    """The scenes as strips on the board, in the order the module docstring describes."""
    locations: dict[str, int] = {}
    sets: dict[str, int] = {}
    for scene in scenes:
        locations.setdefault(scene.location.strip().upper(), len(locations))
        sets.setdefault(scene.set, len(sets))

    def key(item: tuple[int, SceneBreakdown]) -> tuple[int, int, int, int, int]:
        index, scene = item
        return (
            locations[scene.location.strip().upper()],
            _INT_EXT_ORDER.get(scene.int_ext or "", len(_INT_EXT_ORDER)),
            sets[scene.set],
            _DAY_NIGHT_ORDER.get(scene.day_night, len(_DAY_NIGHT_ORDER)),
            index,
        )

    return [scene for _, scene in sorted(enumerate(scenes), key=key)]


def _takes(day: list[SceneBreakdown], load: int, scene: SceneBreakdown, target: int) -> bool:
    """Whether a day already holding `day` (`load` eighths) takes `scene` too."""
    if not day:
        return True
    if scene.eighths > target:
        return False
    if load + scene.eighths <= target:
        return True
    if scene.set != day[-1].set:
        return False
    return load + scene.eighths - target <= target - load


def build_schedule(scenes: list[SceneBreakdown], config: BreakdownConfig) -> Schedule:
    """Order `scenes` into strips and pack them into shooting days (see the module docstring)."""
    target = max(1, round(config.pages_per_day * 8))
    days: list[list[SceneBreakdown]] = []
    day: list[SceneBreakdown] = []
    load = 0
    for scene in _strip_order(scenes):
        if not _takes(day, load, scene, target):
            days.append(day)
            day, load = [], 0
        day.append(scene)
        load += scene.eighths
        if load >= target:
            days.append(day)
            day, load = [], 0
    if day:
        days.append(day)
    return Schedule(
        eighths_per_day=target,
        days=[
            ShootDay(
                day=number,
                scenes=[s.number for s in strips],
                eighths=sum(s.eighths for s in strips),
                sets=list(dict.fromkeys(s.set for s in strips)),
            )
            for number, strips in enumerate(days, start=1)
        ],
    )


def day_out_of_days(
    schedule: Schedule,
    scene_cast: dict[str, list[str]],
    cast_order: list[str],
    config: BreakdownConfig,
) -> DayOutOfDays:
    """Per cast member, per day, the industry code: SW, W, WF, SWF, H, T, R or '' (off).

    Work days are the shooting days with a scene the name is in. The first is SW, the last
    WF, one alone SWF, those between W; a day off between the first and last is H (held and
    paid; no drop-and-pick-up is applied). Rehearsal (R, `config.rehearsal_days`) takes the
    days just before SW, and travel (T, `config.travel`) the day before the first R or SW and
    the day after WF. Those days go on the schedule's own days when there are any, since the
    actor is free then; where they fall before day 1 the day list grows backwards (day 0,
    -1, …: prep days) and after the last shooting day it grows to day N+1. `days` runs over
    every day any row uses; `rows` are keyed by `cast_order`.
    """
    scenes_on: dict[str, int] = {}
    for shoot_day in schedule.days:
        for number in shoot_day.scenes:
            scenes_on.setdefault(number, shoot_day.day)
    work: dict[str, set[int]] = {name: set() for name in cast_order}
    for number, names in scene_cast.items():
        if number in scenes_on:
            for name in names:
                if name in work:
                    work[name].add(scenes_on[number])

    travel = set(config.travel)
    codes: dict[str, dict[int, str]] = {}
    for name in cast_order:
        worked = sorted(work[name])
        row: dict[int, str] = {}
        if worked:
            first, last = worked[0], worked[-1]
            for day in range(first, last + 1):
                row[day] = "H"
            for day in worked:
                row[day] = "W"
            row[first] = "SW"
            row[last] = "SWF" if first == last else "WF"
            start = first - max(0, config.rehearsal_days.get(name, 0))
            for day in range(start, first):
                row[day] = "R"
            if name in travel:
                row[start - 1] = "T"
                row[last + 1] = "T"
        codes[name] = row

    shown = [d.day for d in schedule.days]
    used = [day for row in codes.values() for day in row]
    if used:
        low, high = min([*used, *shown]), max([*used, *shown])
        shown = list(range(low, high + 1))
    return DayOutOfDays(
        days=shown, rows={name: [codes[name].get(day, "") for day in shown] for name in cast_order}
    )


def dood_totals(dood: DayOutOfDays) -> dict[str, dict[str, int]]:
    """Per cast member: work, hold, travel and rehearsal days, and the total on the payroll."""
    totals: dict[str, dict[str, int]] = {}
    for name, row in dood.rows.items():
        counts = {
            "work": sum(code in WORK_CODES for code in row),
            "hold": row.count("H"),
            "travel": row.count("T"),
            "rehearsal": row.count("R"),
        }
        counts["total"] = sum(counts.values())
        totals[name] = counts
    return totals
