"""The stripboard: grouping, packing into days, and the day-out-of-days codes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from backlot.breakdown.models import BreakdownConfig, SceneBreakdown, Schedule, ShootDay
from backlot.breakdown.schedule import build_schedule, day_out_of_days, dood_totals

ONE_PAGE = BreakdownConfig(pages_per_day=1)  # 8 eighths a day keeps the numbers small


def scene(
    number: str,
    location: str,
    eighths: int,
    int_ext: str = "INT",
    day_night: str = "DAY",
) -> SceneBreakdown:
    return SceneBreakdown(
        number=number,
        heading=f"{int_ext}. {location} - {day_night}",
        int_ext=int_ext,
        time_of_day=day_night,
        day_night=day_night,
        location=location,
        set=f"{int_ext}. {location}",
        line=int("".join(c for c in number if c.isdigit()) or 0),
        eighths=eighths,
        tension=0.0,
        valence=0.0,
        arousal=0.0,
    )


def day_of(schedule: Schedule) -> dict[str, int]:
    return {number: d.day for d in schedule.days for number in d.scenes}


def assert_within_target(schedule: Schedule, scenes: list[SceneBreakdown]) -> None:
    """Every day is at most the target, or one oversized scene, or one scene of overflow."""
    target = schedule.eighths_per_day
    by_number = {s.number: s for s in scenes}
    for day in schedule.days:
        if day.eighths <= target or len(day.scenes) == 1:
            continue
        last = by_number[day.scenes[-1]]
        before = by_number[day.scenes[-2]]
        assert day.eighths - last.eighths < target, day
        assert last.set == before.set, f"day {day.day} started a set only to run over"


def test_scenes_at_one_set_share_a_day_when_they_fit() -> None:
    scenes = [
        scene("1", "KITCHEN", 2),
        scene("2", "GARAGE", 3),
        scene("3", "KITCHEN", 2),
        scene("4", "GARAGE", 3),
        scene("5", "KITCHEN", 3),
    ]
    schedule = build_schedule(scenes, ONE_PAGE)
    days = day_of(schedule)
    assert days["1"] == days["3"] == days["5"]
    assert days["2"] == days["4"]
    assert days["1"] != days["2"]
    assert [d.scenes for d in schedule.days] == [["1", "3", "5"], ["2", "4"]]
    assert [d.eighths for d in schedule.days] == [7, 6]
    assert schedule.days[0].sets == ["INT. KITCHEN"]
    assert schedule.eighths_per_day == 8


def test_exteriors_before_interiors_and_day_before_night_at_a_location() -> None:
    scenes = [
        scene("1", "DINER", 2, "INT", "NIGHT"),
        scene("2", "DINER", 2, "EXT", "NIGHT"),
        scene("3", "DINER", 2, "INT", "DAY"),
        scene("4", "DINER", 2, "EXT", "DAY"),
    ]
    schedule = build_schedule(scenes, BreakdownConfig(pages_per_day=2))
    assert [d.scenes for d in schedule.days] == [["4", "2", "3", "1"]]
    assert schedule.days[0].sets == ["EXT. DINER", "INT. DINER"]


def test_an_oversized_scene_takes_its_own_day() -> None:
    scenes = [scene("1", "ROOF", 3), scene("2", "ROOF", 20), scene("3", "ROOF", 3)]
    schedule = build_schedule(scenes, ONE_PAGE)
    assert [d.scenes for d in schedule.days] == [["1"], ["2"], ["3"]]
    assert schedule.days[1].eighths == 20


def test_a_day_overflows_by_one_scene_at_the_same_set_only() -> None:
    # 7 of 8 eighths shot; 2 more at the same set run over by 1, no more than the 1 left...
    same = build_schedule([scene("1", "BAR", 7), scene("2", "BAR", 2)], ONE_PAGE)
    assert [d.scenes for d in same.days] == [["1", "2"]]
    assert same.days[0].eighths == 9
    # ...but a new set is not started late in the day just to run over.
    other = build_schedule([scene("1", "BAR", 7), scene("2", "CAR", 2)], ONE_PAGE)
    assert [d.scenes for d in other.days] == [["1"], ["2"]]
    # And running over by more than the gap it fills (4 > 3) waits for tomorrow.
    far = build_schedule([scene("1", "BAR", 5), scene("2", "BAR", 7)], ONE_PAGE)
    assert [d.scenes for d in far.days] == [["1"], ["2"]]


def test_the_target_follows_pages_per_day() -> None:
    scenes = [scene(str(n), "STUDIO", 8) for n in range(1, 9)]
    schedule = build_schedule(scenes, BreakdownConfig(pages_per_day=2.5))
    assert schedule.eighths_per_day == 20
    # 8 + 8 leaves 4 unshot; a third scene overflows by 4, no more than that gap, so it goes.
    assert [d.eighths for d in schedule.days] == [24, 24, 16]
    assert_within_target(schedule, scenes)


@st.composite
def scripts(draw: st.DrawFn) -> list[SceneBreakdown]:
    count = draw(st.integers(min_value=0, max_value=40))
    return [
        scene(
            str(n),
            draw(st.sampled_from(["BAR", "CAR", "PIER", "HALL"])),
            draw(st.integers(min_value=0, max_value=50)),
            draw(st.sampled_from(["INT", "EXT", "INT/EXT"])),
            draw(st.sampled_from(["DAY", "NIGHT"])),
        )
        for n in range(1, count + 1)
    ]


@settings(max_examples=200, deadline=None)
@given(scenes=scripts(), pages=st.sampled_from([0.5, 1.0, 2.75, 4.0, 6.0]))
def test_every_scene_once_and_days_within_target(
    scenes: list[SceneBreakdown], pages: float
) -> None:
    config = BreakdownConfig(pages_per_day=pages)
    schedule = build_schedule(scenes, config)
    scheduled = [n for d in schedule.days for n in d.scenes]
    assert sorted(scheduled) == sorted(s.number for s in scenes)
    assert len(scheduled) == len(set(scheduled))
    assert [d.day for d in schedule.days] == list(range(1, len(schedule.days) + 1))
    by_number = {s.number: s for s in scenes}
    for day in schedule.days:
        assert day.eighths == sum(by_number[n].eighths for n in day.scenes)
        assert day.scenes
    assert_within_target(schedule, scenes)
    assert build_schedule(list(scenes), config) == schedule


def board(*days: list[str]) -> Schedule:
    return Schedule(
        eighths_per_day=8,
        days=[
            ShootDay(day=n, scenes=numbers, eighths=8, sets=["INT. SET"])
            for n, numbers in enumerate(days, start=1)
        ],
    )


def test_dood_work_hold_and_single_day_codes() -> None:
    schedule = board(["1"], ["2"], ["3"], ["4"])
    scene_cast = {"1": ["ANNA", "BEN"], "2": ["BEN"], "3": ["ANNA", "BEN"], "4": ["CARL"]}
    dood = day_out_of_days(schedule, scene_cast, ["BEN", "ANNA", "CARL", "DORA"], BreakdownConfig())
    assert dood.days == [1, 2, 3, 4]
    assert list(dood.rows) == ["BEN", "ANNA", "CARL", "DORA"]
    assert dood.rows["ANNA"] == ["SW", "H", "WF", ""]
    assert dood.rows["BEN"] == ["SW", "W", "WF", ""]
    assert dood.rows["CARL"] == ["", "", "", "SWF"]
    assert dood.rows["DORA"] == ["", "", "", ""]


def test_dood_travel_and_rehearsal_on_free_days() -> None:
    schedule = board(["1"], ["2"], ["3"], ["4"], ["5"])
    config = BreakdownConfig(travel=["ANNA"], rehearsal_days={"ANNA": 1})
    dood = day_out_of_days(schedule, {"3": ["ANNA"], "4": ["ANNA"]}, ["ANNA"], config)
    assert dood.days == [1, 2, 3, 4, 5]
    assert dood.rows["ANNA"] == ["T", "R", "SW", "WF", "T"]


def test_dood_extends_the_days_for_prep_and_travel_home() -> None:
    schedule = board(["1"], ["2"])
    config = BreakdownConfig(travel=["ANNA"], rehearsal_days={"ANNA": 2})
    dood = day_out_of_days(schedule, {"1": ["ANNA", "BEN"], "2": ["ANNA"]}, ["ANNA", "BEN"], config)
    assert dood.days == [-2, -1, 0, 1, 2, 3]
    assert dood.rows["ANNA"] == ["T", "R", "R", "SW", "WF", "T"]
    assert dood.rows["BEN"] == ["", "", "", "SWF", "", ""]
    totals = dood_totals(dood)
    assert totals["ANNA"] == {"work": 2, "hold": 0, "travel": 2, "rehearsal": 2, "total": 6}
    assert totals["BEN"] == {"work": 1, "hold": 0, "travel": 0, "rehearsal": 0, "total": 1}


def test_dood_totals_count_holds() -> None:
    schedule = board(["1"], ["2"], ["3"])
    dood = day_out_of_days(schedule, {"1": ["ANNA"], "3": ["ANNA"]}, ["ANNA"], BreakdownConfig())
    assert dood_totals(dood)["ANNA"] == {
        "work": 2,
        "hold": 1,
        "travel": 0,
        "rehearsal": 0,
        "total": 3,
    }


def test_dood_follows_the_shooting_order_not_the_script() -> None:
    scenes = [scene("1", "KITCHEN", 4), scene("2", "GARAGE", 4), scene("3", "KITCHEN", 4)]
    schedule = build_schedule(scenes, ONE_PAGE)
    assert [d.scenes for d in schedule.days] == [["1", "3"], ["2"]]
    # Scenes 1 and 3 are apart in the script but shot on one day: one day's work.
    dood = day_out_of_days(schedule, {"1": ["ANNA"], "3": ["ANNA"]}, ["ANNA"], ONE_PAGE)
    assert dood.rows["ANNA"] == ["SWF", ""]
