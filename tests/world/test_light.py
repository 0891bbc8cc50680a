"""Sun, moon and clock against published tables; scene lights and the daylight warnings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from backlot.breakdown.models import SceneBreakdown, Schedule, ShootDay
from backlot.world.light import (
    clock_time,
    daylight_days,
    light_direction,
    moon_position,
    planned_times,
    scene_light,
    shoot_dates,
    sun_position,
    weather_of,
)
from backlot.world.models import SetKind, SunPosition, WorldConfig

CLOCK = WorldConfig().clock
LA = ZoneInfo("America/Los_Angeles")
LA_LAT, LA_LON = 34.05, -118.25
SVALBARD = ZoneInfo("Arctic/Longyearbyen")
SVALBARD_LAT, SVALBARD_LON = 78.22, 15.65


def offset(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


def angle_between(a: float, b: float) -> float:
    """The smaller angle between two bearings, degrees."""
    return abs((a - b + 180.0) % 360.0 - 180.0)


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def scene(
    number: str,
    int_ext: str | None = "EXT",
    time_of_day: str | None = "DAY",
    day_night: str = "DAY",
) -> SceneBreakdown:
    return SceneBreakdown(
        number=number,
        heading=f"{int_ext}. PLACE {number} - {time_of_day}",
        int_ext=int_ext,
        time_of_day=time_of_day,
        day_night=day_night,
        location=f"PLACE {number}",
        set=f"{int_ext}. PLACE {number}",
        line=int(number),
        eighths=8,
        tension=0.0,
        valence=0.0,
        arousal=0.0,
    )


def one_day(*scenes: SceneBreakdown, day: int = 1) -> Schedule:
    return Schedule(
        eighths_per_day=32,
        days=[ShootDay(day=day, scenes=[s.number for s in scenes], eighths=0, sets=[])],
    )


# --- the sun against published values --------------------------------------------------------

SUN_CASES = [
    # NREL, Reda & Andreas, "Solar Position Algorithm for Solar Radiation Applications",
    # NREL/TP-560-34302 (rev. 2008), Table A5.1: Golden, Colorado, 39.742476 N 105.1786 W,
    # 17 Oct 2003 12:30:30 at UTC-7: topocentric zenith 50.11162° (elevation 39.88838°,
    # refraction included), azimuth 194.34024°. Northern hemisphere, autumn, midday.
    pytest.param(
        datetime(2003, 10, 17, 12, 30, 30, tzinfo=offset(-7)),
        39.742476,
        -105.1786,
        194.34024,
        39.88838,
        id="nrel-spa-golden-october",
    ),
    # NOAA Global Monitoring Laboratory solar calculator spreadsheet
    # (gml.noaa.gov/grad/solcalc/calcdetails.html, NOAA_Solar_Calculations_day.xls), its
    # default inputs: 40 N 105 W, time zone -7, 21 Jun 2010, first row 00:06 local: solar
    # elevation corrected for refraction -26.5422°, azimuth 1.0987°. Midsummer, night.
    pytest.param(
        datetime(2010, 6, 21, 0, 6, tzinfo=offset(-7)),
        40.0,
        -105.0,
        1.0987,
        -26.5422,
        id="noaa-spreadsheet-june-night",
    ),
    # South African Astronomical Observatory, "How to calculate the altitude and azimuth
    # of the Sun" (after Yallop, NAO Technical Note 46), worked example (a): Cape Town,
    # 15 Feb 1995 10:30 SAST (UTC+2): altitude 49.822°, azimuth 67.49°. Southern
    # hemisphere, summer, morning.
    pytest.param(
        datetime(1995, 2, 15, 10, 30, tzinfo=offset(2)),
        -33.93,
        18.47,
        67.49,
        49.822,
        id="saao-cape-town-february",
    ),
]


@pytest.mark.parametrize(("when", "lat", "lon", "azimuth", "elevation"), SUN_CASES)
def test_sun_position_matches_published_values(when, lat, lon, azimuth, elevation):
    sun = sun_position(when, lat, lon)
    assert angle_between(sun.azimuth_deg, azimuth) <= 0.5
    assert abs(sun.elevation_deg - elevation) <= 0.5


def test_sun_position_is_the_same_instant_in_any_time_zone():
    local = datetime(2003, 10, 17, 12, 30, 30, tzinfo=offset(-7))
    assert sun_position(local, 39.74, -105.18) == sun_position(
        local.astimezone(ZoneInfo("Asia/Tokyo")), 39.74, -105.18
    )


def test_sun_position_needs_a_time_zone():
    with pytest.raises(ValueError, match="time zone"):
        sun_position(datetime(2027, 6, 1, 12), LA_LAT, LA_LON)


SUNRISE_CASES = [
    # U.S. Naval Observatory, "Sun and Moon Data for One Day", as quoted by S. Kluge
    # (stevekluge.com/astronomy/equinoxsunrise.html): Washington, DC (W77.0, N38.9),
    # Wednesday 20 March 2002, Eastern Standard Time: sunrise 6:12 a.m., sunset 6:21 p.m.
    pytest.param(
        date(2002, 3, 20), 38.9, -77.0, "America/New_York", "06:12", "18:21", id="usno-dc"
    ),
    # Melbourne Planetarium (Museums Victoria), Skynotes December 2013: Melbourne
    # (37°50' S, 145° E), AEDT: Saturday 21st rise 5:54, set 8:42 pm; Sunday 1st 5:52, 8:26.
    pytest.param(
        date(2013, 12, 21),
        -(37 + 50 / 60),
        145.0,
        "Australia/Melbourne",
        "05:54",
        "20:42",
        id="melbourne-solstice",
    ),
    pytest.param(
        date(2013, 12, 1),
        -(37 + 50 / 60),
        145.0,
        "Australia/Melbourne",
        "05:52",
        "20:26",
        id="melbourne-december",
    ),
]


@pytest.mark.parametrize(("day", "lat", "lon", "zone", "rise", "set_"), SUNRISE_CASES)
def test_sunrise_and_sunset_match_published_times(day, lat, lon, zone, rise, set_):
    (daylight,) = daylight_days(one_day(), {}, day, lat, lon, ZoneInfo(zone), CLOCK)
    assert daylight.date == day.isoformat()
    assert abs(minutes(daylight.sunrise) - minutes(rise)) <= 2
    assert abs(minutes(daylight.sunset) - minutes(set_)) <= 2


def test_golden_and_blue_hours_bracket_sunrise_and_sunset():
    (daylight,) = daylight_days(one_day(), {}, date(2027, 6, 1), LA_LAT, LA_LON, LA, CLOCK)
    blue_start, blue_end = map(minutes, daylight.blue_hour_morning)
    golden_start, golden_end = map(minutes, daylight.golden_hour_morning)
    assert blue_start < blue_end == golden_start < minutes(daylight.sunrise) < golden_end
    golden_start, golden_end = map(minutes, daylight.golden_hour_evening)
    blue_start, blue_end = map(minutes, daylight.blue_hour_evening)
    assert golden_start < minutes(daylight.sunset) < golden_end == blue_start < blue_end


def test_golden_hour_is_on_the_local_day_far_east_of_greenwich():
    # astral solves on the UTC date; in Tokyo the morning golden hour must still be the
    # one of the local date, just before that date's sunrise.
    (daylight,) = daylight_days(
        one_day(), {}, date(2024, 6, 21), 35.68, 139.69, ZoneInfo("Asia/Tokyo"), CLOCK
    )
    start, end = map(minutes, daylight.golden_hour_morning)
    assert start < minutes(daylight.sunrise) < end
    assert minutes(daylight.sunrise) - start < 60


def test_daylight_at_polar_latitudes_does_not_crash():
    schedule = one_day(scene("1", time_of_day="DAY"), scene("2", time_of_day="DAWN"))
    scenes = {"1": scene("1"), "2": scene("2", time_of_day="DAWN")}
    (midnight_sun,) = daylight_days(
        schedule, scenes, date(2027, 6, 21), SVALBARD_LAT, SVALBARD_LON, SVALBARD, CLOCK
    )
    assert midnight_sun.sunrise == midnight_sun.sunset == ""
    assert midnight_sun.golden_hour_morning == ("", "")
    assert midnight_sun.warnings == []
    (polar_night,) = daylight_days(
        schedule, scenes, date(2027, 12, 21), SVALBARD_LAT, SVALBARD_LON, SVALBARD, CLOCK
    )
    assert polar_night.sunrise == ""
    assert len(polar_night.warnings) == 2


# --- the moon against a published value ------------------------------------------------------


def test_moon_position_matches_meeus_example_47a():
    # Meeus, "Astronomical Algorithms" (2nd ed.), example 47.a: on 1992 April 12 at 0h TD
    # the Moon's geocentric right ascension is 134.688470°, declination 13.768368°,
    # distance 368409.7 km. Greenwich mean sidereal time at 0h UT that day (Meeus eq. 12.4)
    # is 200.442224°, so at longitude 134.688470 - 200.442224 = -65.753754° the Moon is on
    # the meridian; at latitude 13.768368 - 30 = -16.231632° it culminates 60° up, due
    # north. Seen from the surface rather than the Earth's centre it stands lower by its
    # parallax: atan2(D sin 60° - 1, D cos 60°) with D = 368409.7 / 6378.14 Earth radii
    # gives 59.496°, plus 0.01° of refraction. (TD - UT, 59 s, moves the Moon 0.01°.)
    moon = moon_position(datetime(1992, 4, 12, tzinfo=UTC), -16.231632, -65.753754)
    assert angle_between(moon.azimuth_deg, 0.0) <= 1.5
    assert abs(moon.elevation_deg - 59.506) <= 1.5


def test_moon_position_is_below_the_horizon_half_the_time():
    start = datetime(2027, 6, 1, tzinfo=UTC)
    elevations = [
        moon_position(start + timedelta(hours=h), LA_LAT, LA_LON).elevation_deg
        for h in range(0, 24 * 28, 3)
    ]
    up = sum(e > 0 for e in elevations) / len(elevations)
    assert 0.4 < up < 0.6
    assert max(elevations) < 90 and min(elevations) > -90


# --- the clock --------------------------------------------------------------------------------


def test_clock_words_map_to_the_configured_times():
    day = date(2027, 6, 1)
    assert clock_time("MORNING", day, LA_LAT, LA_LON, LA, CLOCK) == time(9, 0)
    assert clock_time("DAY", day, LA_LAT, LA_LON, LA, CLOCK) == time(13, 0)
    assert clock_time("AFTERNOON", day, LA_LAT, LA_LON, LA, CLOCK) == time(16, 0)
    assert clock_time("NIGHT", day, LA_LAT, LA_LON, LA, CLOCK) == time(23, 0)
    assert clock_time("LATE NIGHT", day, LA_LAT, LA_LON, LA, CLOCK) == time(23, 0)
    assert clock_time("LATER THAT NIGHT", day, LA_LAT, LA_LON, LA, CLOCK) == time(23, 0)
    assert clock_time("3 AM", day, LA_LAT, LA_LON, LA, CLOCK) == time(3, 0)
    assert clock_time("HALLOWEEN", day, LA_LAT, LA_LON, LA, CLOCK) == time(13, 0)
    override = {"DAY": "11:30", "MORNING": "07:15"}
    assert clock_time("DAY", day, LA_LAT, LA_LON, LA, override) == time(11, 30)
    assert clock_time("HALLOWEEN", day, LA_LAT, LA_LON, LA, override) == time(11, 30)
    # Words the override leaves out keep their defaults.
    assert clock_time("NIGHT", day, LA_LAT, LA_LON, LA, override) == time(23, 0)


def test_dawn_is_sunrise_and_dusk_is_sunset():
    day = date(2027, 6, 1)
    (daylight,) = daylight_days(one_day(), {}, day, LA_LAT, LA_LON, LA, CLOCK)
    dawn = clock_time("DAWN", day, LA_LAT, LA_LON, LA, CLOCK)
    dusk = clock_time("DUSK", day, LA_LAT, LA_LON, LA, CLOCK)
    assert 0 <= dawn.hour * 60 + dawn.minute - minutes(daylight.sunrise) <= 1
    assert 0 <= dusk.hour * 60 + dusk.minute - minutes(daylight.sunset) <= 1
    assert clock_time("EVENING", day, LA_LAT, LA_LON, LA, CLOCK) == dusk
    assert clock_time("SUNSET", day, LA_LAT, LA_LON, LA, CLOCK) == dusk


def test_relative_words_follow_the_previous_scene():
    day = date(2027, 6, 1)
    before = time(22, 0)
    for word, expected in [
        ("CONTINUOUS", time(22, 0)),
        ("SAME", time(22, 0)),
        (None, time(22, 0)),
        ("MOMENTS LATER", time(22, 2)),
        ("LATER", time(22, 10)),
    ]:
        assert clock_time(word, day, LA_LAT, LA_LON, LA, CLOCK, previous=before) == expected
    assert clock_time("LATER", day, LA_LAT, LA_LON, LA, CLOCK, previous=time(23, 55)) == time(0, 5)
    # The first scene has nothing to follow: DAY.
    assert clock_time("CONTINUOUS", day, LA_LAT, LA_LON, LA, CLOCK) == time(13, 0)


def test_polar_day_and_night_fall_back_to_six_and_eighteen():
    for day in (date(2027, 6, 21), date(2027, 12, 21)):
        assert clock_time("DAWN", day, SVALBARD_LAT, SVALBARD_LON, SVALBARD, CLOCK) == time(6)
        assert clock_time("DUSK", day, SVALBARD_LAT, SVALBARD_LON, SVALBARD, CLOCK) == time(18)


def test_planned_times_chain_in_script_order_on_each_shoot_date():
    scenes = [
        scene("1", time_of_day="NIGHT", day_night="NIGHT"),
        scene("2", time_of_day="CONTINUOUS", day_night="NIGHT"),
        scene("3", time_of_day="DAWN"),
    ]
    schedule = Schedule(
        eighths_per_day=32,
        days=[
            ShootDay(day=1, scenes=["3"], eighths=8, sets=[]),
            ShootDay(day=2, scenes=["2", "1"], eighths=16, sets=[]),
        ],
    )
    first = date(2027, 6, 1)
    dates = shoot_dates(schedule, first)
    assert dates == {"3": first, "2": first + timedelta(days=1), "1": first + timedelta(days=1)}
    times = planned_times(scenes, dates, first, LA_LAT, LA_LON, LA, CLOCK)
    assert times["1"] == times["2"] == time(23, 0)
    assert times["3"] == clock_time("DAWN", first, LA_LAT, LA_LON, LA, CLOCK)


# --- weather and the scene's light ------------------------------------------------------------


def test_weather_words_are_normalized_from_tags_and_heading():
    assert weather_of(["downpour", "thunder"], "EXT. PIER - NIGHT") == ["storm", "rain"]
    assert weather_of([], "EXT. MOOR - FOG - DAY") == ["fog"]
    assert weather_of(["wind", "cloudy"], "EXT. FIELD - DAY (GREY SKY)") == ["wind", "overcast"]
    # The location's own words are a name, not the weather.
    assert weather_of([], "EXT. SUN VALLEY MOTEL - DAY") == []
    assert weather_of(["pistol"], "INT. KITCHEN - DAY") == []


NOON_SUN = SunPosition(azimuth_deg=180.0, elevation_deg=60.0)
NIGHT_SUN = SunPosition(azimuth_deg=0.0, elevation_deg=-30.0)
HIGH_MOON = SunPosition(azimuth_deg=135.0, elevation_deg=40.0)


def kinds(lights) -> list[str]:
    return [light.kind for light in lights]


def test_light_direction_is_the_way_the_light_travels_in_world_axes():
    # X east, Y up, Z south: a sun due south 45° up shines north (-Z) and down (-Y).
    x, y, z = light_direction(SunPosition(azimuth_deg=180.0, elevation_deg=45.0))
    assert (x, y, z) == pytest.approx((0.0, -(0.5**0.5), -(0.5**0.5)), abs=1e-6)
    # A sun rising due east shines west (-X).
    assert light_direction(SunPosition(azimuth_deg=90.0, elevation_deg=0.0)) == pytest.approx(
        (-1.0, 0.0, 0.0), abs=1e-6
    )


def test_exterior_day_has_the_sun_and_the_sky():
    light = scene_light("EXT", "DAY", NOON_SUN, None, [], 0.0, windows=False)
    assert kinds(light.lights) == ["sun", "sky"]
    assert light.sky == "clear"
    sun = light.lights[0]
    assert sun.direction == light_direction(NOON_SUN)
    assert 0.8 < sun.intensity <= 1.0


def test_night_exterior_has_a_moon_light_and_no_sun_light():
    light = scene_light("EXT", "NIGHT", NIGHT_SUN, HIGH_MOON, [], 0.3, windows=False)
    assert "moon" in kinds(light.lights)
    assert "sun" not in kinds(light.lights)
    assert light.sky == "night"
    moon = next(lt for lt in light.lights if lt.kind == "moon")
    assert moon.direction == light_direction(HIGH_MOON)
    assert moon.intensity < 0.2
    # With the moon down, night is still lit by a conventional moonlight, from high up.
    dark = scene_light("EXT", "NIGHT", NIGHT_SUN, None, [], 0.3, windows=False)
    stand_in = next(lt for lt in dark.lights if lt.kind == "moon")
    assert stand_in.direction[1] < -0.4


def test_night_street_has_street_lamps():
    light = scene_light(
        "EXT",
        "NIGHT",
        NIGHT_SUN,
        HIGH_MOON,
        [],
        0.3,
        windows=False,
        kind=SetKind.STREET,
        dimensions=(30.0, 8.0, 12.0),
    )
    lamps = [lt for lt in light.lights if lt.kind == "practical"]
    assert len(lamps) == 4
    assert all(lamp.position is not None and lamp.position[1] == 6.0 for lamp in lamps)
    field = scene_light("EXT", "NIGHT", NIGHT_SUN, HIGH_MOON, [], 0.3, windows=False)
    assert "practical" not in kinds(field.lights)


def test_overcast_dims_and_flattens_the_sun():
    clear = scene_light("EXT", "DAY", NOON_SUN, None, [], 0.5, windows=False)
    grey = scene_light("EXT", "DAY", NOON_SUN, None, ["overcast"], 0.5, windows=False)
    rain = scene_light("EXT", "DAY", NOON_SUN, None, ["rain", "overcast"], 0.5, windows=False)
    clear_sun, grey_sun, rain_sun = (
        next(lt for lt in light.lights if lt.kind == "sun") for light in (clear, grey, rain)
    )
    assert rain_sun.intensity < grey_sun.intensity < clear_sun.intensity / 4
    assert grey.sky == "overcast"
    assert grey.key_to_fill < clear.key_to_fill
    clear_sky, grey_sky = (next(lt for lt in x.lights if lt.kind == "sky") for x in (clear, grey))
    assert grey_sky.intensity > clear_sky.intensity


def test_a_low_sun_is_weaker_and_warmer():
    low = scene_light(
        "EXT", "DAY", SunPosition(azimuth_deg=95.0, elevation_deg=3.0), None, [], 0, windows=False
    )
    sun = next(lt for lt in low.lights if lt.kind == "sun")
    assert sun.intensity < 0.5
    assert sun.colour == "#ffb46b"
    assert low.sky == "dawn"


def test_higher_tension_raises_key_to_fill():
    ratios = [
        scene_light("INT", "DAY", NOON_SUN, None, [], t, windows=True).key_to_fill
        for t in (0.0, 0.25, 0.5, 0.75, 1.0)
    ]
    assert ratios == sorted(ratios) and len(set(ratios)) == len(ratios)
    assert ratios[0] == 2.0 and ratios[2] == 4.0 and ratios[-1] == 8.0


def test_interior_day_has_a_window_light_along_the_sun():
    light = scene_light("INT", "DAY", NOON_SUN, None, [], 0.2, windows=True)
    window = next(lt for lt in light.lights if lt.kind == "window")
    assert window.direction == light_direction(NOON_SUN)
    assert "practical" in kinds(light.lights)
    assert "sun" not in kinds(light.lights)
    assert "window" not in kinds(
        scene_light("INT", "DAY", NOON_SUN, None, [], 0.2, windows=False).lights
    )
    night = scene_light("INT", "NIGHT", NIGHT_SUN, HIGH_MOON, [], 0.2, windows=True)
    assert "window" not in kinds(night.lights)
    assert kinds(night.lights).count("practical") == 2


def test_fog_density_comes_from_fog_rain_and_snow_outdoors():
    def fog(weather, int_ext="EXT"):
        return scene_light(int_ext, "DAY", NOON_SUN, None, weather, 0, windows=True).fog_density

    assert fog([]) == 0.0
    assert fog(["overcast", "wind"]) == 0.0
    assert 0 < fog(["rain"]) < fog(["snow"]) < fog(["fog"]) < fog(["fog", "snow"])
    assert fog(["fog"], int_ext="INT") == 0.0


def test_scene_light_is_deterministic():
    args = ("EXT", "NIGHT", NIGHT_SUN, HIGH_MOON, ["fog", "wind"], 0.7)
    first = scene_light(*args, windows=False, kind=SetKind.STREET)
    again = scene_light(*args, windows=False, kind=SetKind.STREET)
    assert first == again


# --- warnings ---------------------------------------------------------------------------------


def test_ext_day_scene_at_night_is_warned():
    scenes = {"1": scene("1"), "2": scene("2", int_ext="INT")}
    late = {**CLOCK, "DAY": "23:00"}
    (daylight,) = daylight_days(
        one_day(*scenes.values()), scenes, date(2027, 6, 1), LA_LAT, LA_LON, LA, late
    )
    assert len(daylight.warnings) == 1
    assert "scene 1" in daylight.warnings[0]
    assert "23:00" in daylight.warnings[0] and "sun down" in daylight.warnings[0]


def test_ext_night_scene_in_daylight_is_warned():
    scenes = {"1": scene("1", time_of_day="NIGHT", day_night="NIGHT")}
    noon_night = {**CLOCK, "NIGHT": "12:00"}
    (daylight,) = daylight_days(
        one_day(*scenes.values()), scenes, date(2027, 6, 1), LA_LAT, LA_LON, LA, noon_night
    )
    assert len(daylight.warnings) == 1 and "sun up" in daylight.warnings[0]


def test_a_normal_schedule_has_no_warnings():
    scenes = {
        "1": scene("1", time_of_day="DAWN"),
        "2": scene("2", time_of_day="MORNING"),
        "3": scene("3", time_of_day="DAY"),
        "4": scene("4", time_of_day="CONTINUOUS"),
        "5": scene("5", time_of_day="AFTERNOON"),
        "6": scene("6", time_of_day="DUSK", day_night="NIGHT"),
        "7": scene("7", time_of_day="NIGHT", day_night="NIGHT"),
        "8": scene("8", int_ext="INT/EXT", time_of_day="LATER", day_night="NIGHT"),
        "9": scene("9", int_ext="INT", time_of_day="DAY", day_night="NIGHT"),
    }
    schedule = Schedule(
        eighths_per_day=32,
        days=[
            ShootDay(day=1, scenes=["1", "2", "3", "4", "5"], eighths=40, sets=[]),
            ShootDay(day=2, scenes=["6", "7", "8", "9"], eighths=32, sets=[]),
        ],
    )
    for first, lat, lon, zone in [
        (date(2027, 6, 1), LA_LAT, LA_LON, LA),
        (date(2027, 12, 20), -33.87, 151.21, ZoneInfo("Australia/Sydney")),
    ]:
        days = daylight_days(schedule, scenes, first, lat, lon, zone, CLOCK)
        assert [d.day for d in days] == [1, 2]
        assert days[1].date == (first + timedelta(days=1)).isoformat()
        assert all(d.warnings == [] for d in days)
