"""Light from time and place: the sun and moon, the clock of a scene, and each scene's lights.

Angles are degrees. Sun and moon positions are compass bearings (0 = north, 90 = east) and
apparent elevations (refraction included, as almanacs and the NOAA calculator give them).

World axes (shared with `world.models`): X points east, Y up, Z south, so a body at azimuth A
and elevation E lies along (sin A cos E, sin E, -cos A cos E) from the set, and the light it
sends travels along the opposite vector, which is what `Light.direction` holds.

Shooting day N is the calendar day `first_day + (N - 1)`: a schedule's days are taken as
consecutive calendar days, with no days off, since the stripboard does not say which days
are worked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

from astral import Observer, SunDirection
from astral.julian import julianday_2000
from astral.moon import moon_position as _lunar_ephemeris
from astral.sidereal import lmst
from astral.sun import azimuth as _sun_azimuth
from astral.sun import elevation as _sun_elevation
from astral.sun import refraction_at_zenith, sunrise, sunset, time_at_elevation

from backlot.breakdown.models import SceneBreakdown, Schedule
from backlot.errors import BacklotError
from backlot.script.headings import normalize_time_of_day, split_heading
from backlot.world.models import DaylightDay, Light, SetKind, SunPosition, Vec3, WorldConfig

# --- clock ------------------------------------------------------------------------------------

# Words that keep the story's clock where the scene before left it, and how far they move it.
_RELATIVE_MINUTES = {"CONTINUOUS": 0, "SAME": 0, "MOMENTS LATER": 2, "LATER": 10}
# Words tied to the sun rather than to a clock time (DESIGN.md, time-of-day vocabulary).
_SUNRISE_WORDS = frozenset({"DAWN"})
_SUNSET_WORDS = frozenset({"DUSK", "EVENING"})
# Where the sun never rises or never sets that day there is no sunrise to shoot at: the
# conventional 06:00 and 18:00 stand in.
_POLAR_SUNRISE = time(6, 0)
_POLAR_SUNSET = time(18, 0)
# The clock words a project gets when its [world.clock] leaves them out.
_DEFAULT_CLOCK = WorldConfig().clock
_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
# "3 AM", "10:30 PM", "04:15": a heading that names the clock time outright.
_EXPLICIT_TIME = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*([AP])\.?M\b|\b(\d{1,2}):(\d{2})\b")

# Apparent elevations bounding the golden hour (-4° to +6°) and the blue hour (-6° to -4°), the
# PhotoPills definitions astral's golden_hour and blue_hour use.
_GOLDEN = (-4.0, 6.0)
_BLUE = (-6.0, -4.0)

# --- weather ----------------------------------------------------------------------------------

# Script words (the breakdown lexicon's weather and effects terms, and heading words) → the
# normalized weather words later stages read.
_WEATHER_WORDS: dict[str, tuple[str, ...]] = {
    "rain": ("rain",),
    "raining": ("rain",),
    "rainy": ("rain",),
    "downpour": ("rain",),
    "drizzle": ("rain",),
    "sleet": ("rain", "snow"),
    "storm": ("storm",),
    "stormy": ("storm",),
    "thunder": ("storm",),
    "lightning": ("storm",),
    "hail": ("storm",),
    "thunderstorm": ("storm", "rain"),
    "hurricane": ("storm", "rain", "wind"),
    "tornado": ("storm", "wind"),
    "blizzard": ("snow", "wind"),
    "fog": ("fog",),
    "foggy": ("fog",),
    "mist": ("fog",),
    "misty": ("fog",),
    "haze": ("fog",),
    "hazy": ("fog",),
    "smog": ("fog",),
    "snow": ("snow",),
    "snowing": ("snow",),
    "snowy": ("snow",),
    "snowfall": ("snow",),
    "wind": ("wind",),
    "windy": ("wind",),
    "gale": ("wind",),
    "breeze": ("wind",),
    "breezy": ("wind",),
    "gusty": ("wind",),
    "overcast": ("overcast",),
    "cloudy": ("overcast",),
    "clouds": ("overcast",),
    "grey sky": ("overcast",),
    "gray sky": ("overcast",),
    "grey skies": ("overcast",),
    "gray skies": ("overcast",),
    "sunny": ("sunny",),
    "sunshine": ("sunny",),
    "sunlight": ("sunny",),
    "sun": ("sunny",),
    "heat": ("sunny",),
    "heatwave": ("sunny",),
    "scorching": ("sunny",),
    "clear": ("clear",),
    "cloudless": ("clear",),
    "starry": ("clear",),
    "starlit": ("clear",),
}
_WEATHER_ORDER = ("storm", "rain", "snow", "fog", "wind", "overcast", "sunny", "clear")
_WORD = re.compile(r"[a-z]+")

# --- scene light ------------------------------------------------------------------------------

# How much of the direct beam (sun or moon) each weather lets through, and the sky's diffuse
# level under it (relative to a clear noon sun = 1). Grey weather hides the disc and leaves a
# bright, even sky: a dimmer, flatter light. Judged values for previz, not photometry.
_DIRECT_THROUGH = {"storm": 0.05, "rain": 0.1, "overcast": 0.15, "snow": 0.15, "fog": 0.3}
_SKY_UNDER = {"storm": 0.15, "rain": 0.25, "overcast": 0.35, "snow": 0.4, "fog": 0.4}
_CLEAR_SKY = 0.2
# Night is lit for camera, as a cinematographer lights it (a dim blue "moonlight" key and a
# little sky), not at its photometric level, which would render black.
_NIGHT_SKY = 0.04
_MOONLIGHT = 0.12
# A key from a moon at or under the horizon lights nothing, so night scenes keep a
# conventional moonlight from at least this high when the real moon is low or down.
_MOON_MIN_ELEVATION = 30.0
# Meteorological visibility (metres) in each weather; Koschmieder's law turns it into the
# extinction coefficient sigma = 3.912 / V (per metre), the fog density the renderer reads.
_VISIBILITY_M = {"fog": 150.0, "snow": 500.0, "storm": 1000.0, "rain": 2000.0}
_KOSCHMIEDER = 3.912
# Lighting ratios (key + fill : fill), as cinematographers grade contrast: 2:1 is the flat,
# high-key look of comedy and light drama, 4:1 to 8:1 the low-key look of suspense and
# noir (Blain Brown, "Motion Picture and Video Lighting", Focal Press, on lighting ratios).
# Tension 0..1 spans one to three stops of contrast, 2:1 to 8:1, evenly in stops.
_CALM_STOPS = 1.0
_PEAK_STOPS = 3.0
# Cloud turns the sky into one big soft source: exteriors under it keep 3/4 of the stops.
_SOFT_WEATHER_STOPS = 0.75
_STREET_LAMP_SPACING_M = 15.0
_STREET_LAMP_HEIGHT_M = 6.0

_COLOURS = {
    "sun_high": "#fff4e6",  # ~5500 K daylight
    "sun_mid": "#ffd9a8",  # ~4000 K, the sun below 20°
    "sun_low": "#ffb46b",  # ~3000 K, golden hour
    "cloud": "#dfe5ee",  # ~6500 K, light through cloud
    "sky_clear": "#9dbcf0",
    "sky_overcast": "#c9ced6",
    "sky_twilight": "#f0a878",
    "sky_night": "#1b2a4a",
    "moon": "#9fb8ff",  # the blue convention for moonlight
    "tungsten": "#ffc08a",  # ~3200 K practicals
    "sodium": "#ffa54f",  # ~2100 K high-pressure sodium street lamps
}
_SKY_COLOURS = {
    "clear": "sky_clear",
    "overcast": "sky_overcast",
    "night": "sky_night",
    "dawn": "sky_twilight",
    "dusk": "sky_twilight",
}
_SUN_LOW_DEG = 6.0
_SUN_MID_DEG = 20.0
_TWILIGHT_DEG = 6.0  # |elevation| under which the sky reads as dawn or dusk
_DAYLIGHT_FLOOR_DEG = -6.0  # the end of civil twilight: no daylight left in the sky
_DAYLIGHT_FULL_DEG = 10.0  # above this the sky's diffuse light hardly grows


class SceneLight(NamedTuple):
    """A scene's light: how the sky reads, fog, contrast and the lights themselves."""

    sky: str
    fog_density: float
    key_to_fill: float
    lights: list[Light]


# --- positions --------------------------------------------------------------------------------


def _utc(when: datetime) -> datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"{when.isoformat()} has no time zone; light needs an absolute time")
    return when.astimezone(UTC)


def sun_position(when: datetime, latitude: float, longitude: float) -> SunPosition:
    """The sun seen from (latitude, longitude) at `when` (time-zone aware).

    astral implements the NOAA solar calculator (Meeus, "Astronomical Algorithms"), so the
    values match the NOAA calculator; elevation includes atmospheric refraction.
    """
    observer = Observer(latitude, longitude)
    utc = _utc(when)
    return SunPosition(
        azimuth_deg=round(_sun_azimuth(observer, utc) % 360.0, 4),
        elevation_deg=round(_sun_elevation(observer, utc), 4),
    )


def moon_position(when: datetime, latitude: float, longitude: float) -> SunPosition:
    """The moon seen from (latitude, longitude) at `when` (time-zone aware).

    The geocentric right ascension, declination and distance come from astral's lunar series
    (van Flandern & Pulkkinen, "Low-precision formulae for planetary positions", ApJS 41,
    1979), within a few hundredths of a degree of Meeus's example 47.a. They are turned into
    the local horizon (Meeus ch. 13) as seen from the Earth's surface rather than its
    centre: the observer stands one Earth radius up the vertical, which lowers the moon by
    its parallax (up to ~1°, Meeus ch. 40). Refraction is added as for the sun.
    """
    utc = _utc(when)
    # astral's lunar series reads the wall-clock fields of the datetime: give it UTC.
    body = _lunar_ephemeris(julianday_2000(utc))
    hour_angle = math.radians(lmst(utc, longitude)) - body.right_ascension
    lat = math.radians(latitude)
    dec = body.declination
    east = -math.sin(hour_angle) * math.cos(dec)
    north = math.cos(lat) * math.sin(dec) - math.sin(lat) * math.cos(dec) * math.cos(hour_angle)
    up = math.sin(lat) * math.sin(dec) + math.cos(lat) * math.cos(dec) * math.cos(hour_angle)
    # Seen from the surface, one Earth radius up the vertical (distance is in Earth radii).
    up -= 1.0 / body.distance
    elevation = math.degrees(math.atan2(up, math.hypot(east, north)))
    elevation += refraction_at_zenith(90.0 - elevation)
    return SunPosition(
        azimuth_deg=round(math.degrees(math.atan2(east, north)) % 360.0, 4),
        elevation_deg=round(elevation, 4),
    )


def light_direction(position: SunPosition) -> Vec3:
    """The unit vector light from a body at `position` travels, in world axes (X east, Y up,
    Z south): from the sky down towards the set."""
    az = math.radians(position.azimuth_deg)
    el = math.radians(position.elevation_deg)
    toward = (math.sin(az) * math.cos(el), math.sin(el), -math.cos(az) * math.cos(el))
    return (round(-toward[0], 6), round(-toward[1], 6), round(-toward[2], 6))


# --- clock ------------------------------------------------------------------------------------


def _parse_hhmm(word: str, value: str) -> time:
    match = _HHMM.match(value)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise BacklotError(f"[world.clock] {word} = {value!r} is not a time of day (HH:MM)")


def _explicit_time(text: str) -> time | None:
    """The clock time a heading names outright ("3 AM", "22:15"), if any."""
    match = _EXPLICIT_TIME.search(text.upper())
    if match is None:
        return None
    if match.group(3):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        return time(hour % 12 + (12 if match.group(3) == "P" else 0), minute)
    hour, minute = int(match.group(4)), int(match.group(5))
    return time(hour, minute) if hour < 24 and minute < 60 else None


def _time_word(text: str) -> str | None:
    """The vocabulary word for a heading's time: the whole of it, else its last known word
    ("LATER THAT NIGHT" is NIGHT), else None."""
    known = normalize_time_of_day(text)
    if known:
        return known
    for word in reversed(re.findall(r"[A-Z']+", text.upper())):
        known = normalize_time_of_day(word)
        if known:
            return known
    return None


def _sun_event(observer: Observer, day: date, tz: tzinfo, *, rising: bool) -> datetime | None:
    """Sunrise (or sunset) on the local date `day`; None where the sun does not cross the
    horizon that day (polar day or night)."""
    try:
        return (sunrise if rising else sunset)(observer, day, tz)
    except ValueError:
        return None


def _ceil_minute(moment: datetime) -> time:
    """The first whole minute at or after `moment`, as a local wall-clock time."""
    whole = moment.replace(second=0, microsecond=0)
    if whole != moment:
        whole += timedelta(minutes=1)
    return whole.time()


def _add_minutes(start: time, minutes: int) -> time:
    total = (start.hour * 60 + start.minute + minutes) % (24 * 60)
    return time(total // 60, total % 60)


def clock_time(
    time_of_day: str | None,
    day: date,
    latitude: float,
    longitude: float,
    tz: tzinfo,
    clock: Mapping[str, str],
    previous: time | None = None,
) -> time:
    """The local clock time a scene whose heading says `time_of_day` plays at on `day`.

    In order: a heading without a time, CONTINUOUS or SAME keeps `previous` (the scene
    before's resolved time); LATER adds 10 minutes and MOMENTS LATER 2 (past midnight they
    wrap round); without a previous scene these fall to DAY. A word in `clock` (the
    project's [world.clock], which may also re-time DAWN or DUSK) is that time. DAWN is the
    first whole minute at or after sunrise, DUSK and EVENING the first at or after sunset,
    so the sun is just up for a dawn scene and just down for a dusk one; where the sun does
    not rise or set that day they are 06:00 and 18:00. Other vocabulary words take the
    default clock (MORNING 09:00, DAY 13:00, AFTERNOON 16:00, NIGHT 23:00…), a clock time
    written in the heading ("3 AM") is taken as written, and anything else is DAY's time.
    """
    user = {key.strip().upper(): value for key, value in clock.items()}
    raw = (time_of_day or "").strip().upper()
    word = _time_word(raw) if raw else None
    if not raw or word in _RELATIVE_MINUTES:
        if previous is not None:
            return _add_minutes(previous, _RELATIVE_MINUTES.get(word or "SAME", 0))
        word = "DAY"
    for key in (raw, word):
        if key and key in user:
            return _parse_hhmm(key, user[key])
    if word in _SUNRISE_WORDS or word in _SUNSET_WORDS:
        rising = word in _SUNRISE_WORDS
        event = _sun_event(Observer(latitude, longitude), day, tz, rising=rising)
        if event is None:
            return _POLAR_SUNRISE if rising else _POLAR_SUNSET
        return _ceil_minute(event)
    if word in _DEFAULT_CLOCK:
        return _parse_hhmm(word, _DEFAULT_CLOCK[word])
    explicit = _explicit_time(raw) if word is None else None
    if explicit is not None:
        return explicit
    return _parse_hhmm("DAY", user.get("DAY", _DEFAULT_CLOCK["DAY"]))


def shoot_dates(schedule: Schedule, first_day: date) -> dict[str, date]:
    """Scene number → the calendar date it is shot on (day N is first_day + N - 1)."""
    return {
        number: first_day + timedelta(days=shoot_day.day - 1)
        for shoot_day in schedule.days
        for number in shoot_day.scenes
    }


def planned_times(
    scenes: Iterable[SceneBreakdown],
    dates: Mapping[str, date],
    default_day: date,
    latitude: float,
    longitude: float,
    tz: tzinfo,
    clock: Mapping[str, str],
) -> dict[str, time]:
    """Scene number → its clock time, walking `scenes` in script order so that CONTINUOUS
    and LATER follow the scene before in the story (not the one before on the stripboard).
    A scene's sun-tied times are taken on its shoot date, `default_day` when unscheduled."""
    times: dict[str, time] = {}
    previous: time | None = None
    for scene in scenes:
        day = dates.get(scene.number, default_day)
        previous = clock_time(
            scene.time_of_day, day, latitude, longitude, tz, clock, previous=previous
        )
        times[scene.number] = previous
    return times


# --- weather ----------------------------------------------------------------------------------


def _weather_in(text: str, found: set[str]) -> None:
    words = _WORD.findall(text.lower())
    for i, word in enumerate(words):
        found.update(_WEATHER_WORDS.get(word, ()))
        if i + 1 < len(words):
            found.update(_WEATHER_WORDS.get(f"{word} {words[i + 1]}", ()))


def weather_of(tags: Sequence[str], heading: str) -> list[str]:
    """Normalized weather words (storm, rain, snow, fog, wind, overcast, sunny, clear) for a
    scene, from its weather and special-effects tag names and its heading.

    The heading's location is left out, so EXT. SUN VALLEY is not sunny; words are returned
    once each, in the fixed order above.
    """
    found: set[str] = set()
    for tag in tags:
        _weather_in(tag, found)
    location = split_heading(heading).location
    rest = heading
    if location:
        rest = re.sub(re.escape(location), " ", heading, count=1, flags=re.IGNORECASE)
    _weather_in(rest, found)
    return [word for word in _WEATHER_ORDER if word in found]


# --- scene light ------------------------------------------------------------------------------


def _direct_sun(elevation_deg: float) -> float:
    """The clear-sky direct beam at this elevation, relative to the sun at the zenith.

    Meinel & Meinel (1976): I = 1.353 kW/m² x 0.7^(AM^0.678), with the air mass AM of
    Kasten & Young (1989, Applied Optics 28:4735) so that it stays finite at the horizon.
    """
    if elevation_deg <= 0.0:
        return 0.0
    zenith = 90.0 - elevation_deg
    air_mass = 1.0 / (math.cos(math.radians(zenith)) + 0.50572 * (96.07995 - zenith) ** -1.6364)
    return min(1.0, 0.7 ** (air_mass**0.678) / 0.7)


def _daylight(elevation_deg: float) -> float:
    """0 at the end of civil twilight, 1 with the sun 10° up: how much daylight the sky has."""
    span = _DAYLIGHT_FULL_DEG - _DAYLIGHT_FLOOR_DEG
    return min(1.0, max(0.0, (elevation_deg - _DAYLIGHT_FLOOR_DEG) / span))


def _sun_colour(elevation_deg: float, cloudy: bool) -> str:
    if cloudy:
        return _COLOURS["cloud"]
    if elevation_deg < _SUN_LOW_DEG:
        return _COLOURS["sun_low"]
    if elevation_deg < _SUN_MID_DEG:
        return _COLOURS["sun_mid"]
    return _COLOURS["sun_high"]


def _sky_word(night: bool, sun: SunPosition, cloudy: bool) -> str:
    twilight = "dawn" if sun.azimuth_deg < 180.0 else "dusk"
    if night:
        return twilight if abs(sun.elevation_deg) < _TWILIGHT_DEG else "night"
    if sun.elevation_deg <= -_TWILIGHT_DEG:
        return "night"
    if cloudy:
        return "overcast"
    return twilight if sun.elevation_deg < _TWILIGHT_DEG else "clear"


def _key_to_fill(tension: float, soft: bool) -> float:
    level = min(1.0, max(0.0, tension))
    stops = _CALM_STOPS + (_PEAK_STOPS - _CALM_STOPS) * level
    if soft:
        stops *= _SOFT_WEATHER_STOPS
    return round(2.0**stops, 2)


def _fog_density(weather: Sequence[str]) -> float:
    # Extinction coefficients add (Beer–Lambert), so fog and snow together are thicker.
    sigma = sum((_KOSCHMIEDER / _VISIBILITY_M[w] for w in weather if w in _VISIBILITY_M), 0.0)
    return round(sigma, 5)


def _street_lamps(dimensions: Vec3) -> list[Light]:
    """Lamps down both kerbs, one per 15 m of street, at lamp-column height."""
    width, height, depth = dimensions
    count = max(1, round(width / _STREET_LAMP_SPACING_M))
    y = min(_STREET_LAMP_HEIGHT_M, height)
    kerb = max(0.0, depth / 2.0 - 1.0)
    return [
        Light(
            kind="practical",
            intensity=0.25,
            colour=_COLOURS["sodium"],
            position=(round(-width / 2.0 + width * (i + 0.5) / count, 3), y, side * kerb),
        )
        for side in (-1.0, 1.0)
        for i in range(count)
    ]


def _room_practicals(dimensions: Vec3, *, night: bool, daylit: bool) -> list[Light]:
    """A ceiling fixture, and at night a table lamp: warm tungsten, dimmer beside daylight."""
    width, height, depth = dimensions
    lights = [
        Light(
            kind="practical",
            intensity=0.1 if daylit else 0.4,
            colour=_COLOURS["tungsten"],
            position=(0.0, round(max(0.0, height - 0.3), 3), 0.0),
        )
    ]
    if night:
        lights.append(
            Light(
                kind="practical",
                intensity=0.2,
                colour=_COLOURS["tungsten"],
                position=(round(-width / 4.0, 3), 1.0, round(-depth / 4.0, 3)),
            )
        )
    return lights


def scene_light(
    int_ext: str | None,
    day_night: str,
    sun: SunPosition,
    moon: SunPosition | None,
    weather: Sequence[str],
    tension: float,
    *,
    windows: bool,
    kind: SetKind | None = None,
    dimensions: Vec3 = (8.0, 3.0, 8.0),
) -> SceneLight:
    """The light of one scene, deterministic in its inputs.

    `int_ext` EXT or INT/EXT is lit as an exterior, anything else as an interior;
    `day_night` is the script's intent (DAY or NIGHT), `sun` and `moon` where the clock puts
    them, `weather` words from `weather_of`, `tension` 0..1, `windows` whether the set has
    any, `kind` and `dimensions` (width, height, depth in metres) place the practicals.

    - Exterior day: the sun (while it is up), its intensity by air mass and dimmed by grey
      weather, and the sky, brighter and greyer under cloud.
    - Exterior night: a dim blue moonlight (from the real moon when it is high enough, else
      from 30° up its bearing), a night sky, and street lamps on a street.
    - Interior: window light along the sun's direction while the sun is up on a day scene
      with windows, and warm practicals.
    - Fog density: the extinction coefficient per metre of fog, snow, storm and rain
      outdoors (Koschmieder: 3.912 / visibility), 0 indoors.
    - Key-to-fill: 2:1 calm to 8:1 at peak tension, softened under cloud outdoors.
    """
    exterior = (int_ext or "").upper() in ("EXT", "INT/EXT")
    night = day_night.upper() == "NIGHT"
    cloudy = [w for w in weather if w in _DIRECT_THROUGH]
    through = min((_DIRECT_THROUGH[w] for w in cloudy), default=1.0)
    sky_level = min((_SKY_UNDER[w] for w in cloudy), default=_CLEAR_SKY)
    sky = _sky_word(night, sun, bool(cloudy))
    sun_up = not night and sun.elevation_deg > 0.0
    sun_intensity = round(_direct_sun(sun.elevation_deg) * through, 4) if sun_up else 0.0
    daylight = 0.0 if night else sky_level * _daylight(sun.elevation_deg)

    lights: list[Light] = []
    if exterior:
        if sun_up:
            lights.append(
                Light(
                    kind="sun",
                    intensity=sun_intensity,
                    colour=_sun_colour(sun.elevation_deg, bool(cloudy)),
                    direction=light_direction(sun),
                )
            )
        if night:
            moon_up = moon is not None and moon.elevation_deg > 0.0
            bearing = moon.azimuth_deg if moon is not None else 180.0
            height = max(moon.elevation_deg if moon is not None else 0.0, _MOON_MIN_ELEVATION)
            lights.append(
                Light(
                    kind="moon",
                    intensity=round(_MOONLIGHT * (1.0 if moon_up else 0.5) * max(through, 0.3), 4),
                    colour=_COLOURS["moon"],
                    direction=light_direction(
                        SunPosition(azimuth_deg=bearing, elevation_deg=height)
                    ),
                )
            )
        lights.append(
            Light(
                kind="sky",
                intensity=round(max(daylight, _NIGHT_SKY), 4),
                colour=_COLOURS[_SKY_COLOURS[sky]],
            )
        )
        if night and kind is SetKind.STREET:
            lights.extend(_street_lamps(dimensions))
    else:
        daylit = windows and sun_up
        if daylit:
            # Glass passes about four fifths of the beam; the window also carries the sky.
            lights.append(
                Light(
                    kind="window",
                    intensity=round(0.8 * sun_intensity + 0.5 * daylight, 4),
                    colour=_sun_colour(sun.elevation_deg, bool(cloudy)),
                    direction=light_direction(sun),
                )
            )
        lights.extend(_room_practicals(dimensions, night=night, daylit=daylit))

    return SceneLight(
        sky=sky,
        fog_density=_fog_density(weather) if exterior else 0.0,
        key_to_fill=_key_to_fill(tension, soft=exterior and bool(cloudy)),
        lights=lights,
    )


# --- daylight per shooting day ----------------------------------------------------------------


def _hhmm(moment: datetime | None) -> str:
    """Nearest whole minute, as almanacs print it; "" for an event that does not happen."""
    if moment is None:
        return ""
    return (moment + timedelta(seconds=30)).strftime("%H:%M")


def _crossing(
    observer: Observer, day: date, elevation: float, rising: bool, tz: tzinfo
) -> datetime | None:
    """When the sun crosses `elevation` (apparent) on the local date `day`.

    astral solves for a UTC date, so far from Greenwich the answer can land on the local
    day before or after; the neighbouring dates are tried until one falls on `day`.
    """
    direction = SunDirection.RISING if rising else SunDirection.SETTING
    for candidate in (day, day - timedelta(days=1), day + timedelta(days=1)):
        try:
            moment = time_at_elevation(observer, elevation, candidate, direction, tz)
        except ValueError:
            continue
        if moment.date() == day:
            return moment
    return None


def _window(
    observer: Observer, day: date, band: tuple[float, float], tz: tzinfo
) -> tuple[tuple[str, str], tuple[str, str]]:
    """(morning, evening) HH:MM pairs of the time the sun spends in the elevation band."""
    low, high = band
    morning = (
        _hhmm(_crossing(observer, day, low, True, tz)),
        _hhmm(_crossing(observer, day, high, True, tz)),
    )
    evening = (
        _hhmm(_crossing(observer, day, high, False, tz)),
        _hhmm(_crossing(observer, day, low, False, tz)),
    )
    return morning, evening


def _sun_is_up(
    when: datetime, rise: datetime | None, set_: datetime | None, lat: float, lon: float
) -> bool:
    """Whether the sun's upper limb is above the horizon at `when`, by the day's sunrise and
    sunset (the same definition the daylight table prints); by the sun's elevation on days
    without both (the midnight sun, polar night)."""
    if rise is not None and set_ is not None:
        if rise <= set_:
            return rise <= when < set_
        # Near the poles the evening's sunset can fall after midnight: up outside the gap.
        return when >= rise or when < set_
    return sun_position(when, lat, lon).elevation_deg > 0.0


def daylight_days(
    schedule: Schedule,
    scenes_by_number: Mapping[str, SceneBreakdown],
    first_day: date,
    latitude: float,
    longitude: float,
    tz: tzinfo,
    clock: Mapping[str, str],
) -> list[DaylightDay]:
    """Each shooting day's sunrise, sunset, golden and blue hours, and the scenes that do not
    fit its light.

    Shooting day N is `first_day + (N - 1)` (consecutive calendar days). Times are local
    HH:MM, rounded to the nearest minute; an event the sun does not reach that day is "".
    Scenes are timed by `planned_times` in the order of `scenes_by_number` (script order).
    An exterior (EXT, INT/EXT) DAY scene planned while the sun is below the horizon, and an
    exterior NIGHT scene planned while it is above, each get a warning.
    """
    dates = shoot_dates(schedule, first_day)
    times = planned_times(
        scenes_by_number.values(), dates, first_day, latitude, longitude, tz, clock
    )
    observer = Observer(latitude, longitude)
    days: list[DaylightDay] = []
    for shoot_day in schedule.days:
        day = first_day + timedelta(days=shoot_day.day - 1)
        rise = _sun_event(observer, day, tz, rising=True)
        set_ = _sun_event(observer, day, tz, rising=False)
        golden_morning, golden_evening = _window(observer, day, _GOLDEN, tz)
        blue_morning, blue_evening = _window(observer, day, _BLUE, tz)
        if rise is not None and set_ is not None:
            light = f"sunrise {_hhmm(rise)}, sunset {_hhmm(set_)}"
        else:
            light = "no sunrise or no sunset that day"
        warnings = []
        for number in shoot_day.scenes:
            scene = scenes_by_number.get(number)
            if scene is None or (scene.int_ext or "").upper() not in ("EXT", "INT/EXT"):
                continue
            planned = times[number]
            when = datetime.combine(day, planned, tzinfo=tz)
            up = _sun_is_up(when, rise, set_, latitude, longitude)
            night = scene.day_night.upper() == "NIGHT"
            if up == night:
                state = "up" if up else "down"
                warnings.append(
                    f"scene {number} ({scene.int_ext} {scene.day_night}) is planned at "
                    f"{planned:%H:%M} with the sun {state} ({light})"
                )
        days.append(
            DaylightDay(
                day=shoot_day.day,
                date=day.isoformat(),
                sunrise=_hhmm(rise),
                sunset=_hhmm(set_),
                golden_hour_morning=golden_morning,
                golden_hour_evening=golden_evening,
                blue_hour_morning=blue_morning,
                blue_hour_evening=blue_evening,
                warnings=warnings,
            )
        )
    return days
