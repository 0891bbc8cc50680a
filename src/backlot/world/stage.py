"""Screenplay + Breakdown → the World (reusable sets, persistent cast, light, USD)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from backlot.assets.store import Library
from backlot.breakdown.models import Breakdown, Category
from backlot.errors import BacklotError
from backlot.fileio import atomic_write
from backlot.script.models import ElementType, Screenplay
from backlot.stage import Stage
from backlot.world.build import build_set
from backlot.world.cast import build_cast
from backlot.world.glb import write_glb
from backlot.world.identity import ResolvedSet, resolve_sets
from backlot.world.kinds import dimensions, set_kind
from backlot.world.light import (
    daylight_days,
    moon_position,
    planned_times,
    scene_light,
    shoot_dates,
    sun_position,
    weather_of,
)
from backlot.world.meshes import scene_parts, set_parts
from backlot.world.models import SceneSetup, SetAsset, SunPosition, World, WorldStats
from backlot.world.usd import write_character_layer, write_scene_stage, write_set_layer

if TYPE_CHECKING:
    from backlot.config import ProjectConfig

__all__ = ["STAGE", "World", "build_world"]

# Breakdown items a set is dressed with (cast, sound, effects… are not objects on a set).
PLACED = (
    Category.PROPS,
    Category.WEAPONS,
    Category.SET_DRESSING,
    Category.VEHICLES,
    Category.GREENERY,
)


def _set_text(screenplay: Screenplay, resolved: ResolvedSet) -> str:
    """The action of a set's scenes: what the kind of place is read from."""
    numbers = set(resolved.scenes)
    return " ".join(
        e.text
        for scene in screenplay.scenes
        if scene.number in numbers
        for e in scene.elements
        if e.type is ElementType.ACTION
    )


def _requests(breakdown: Breakdown, resolved: ResolvedSet) -> list[tuple[str, str, list[str]]]:
    """The set's items from the breakdown, each with the scenes that use it."""
    scenes: dict[tuple[str, str], list[str]] = {}
    numbers = set(resolved.scenes)
    for row in breakdown.scenes:
        if row.number not in numbers:
            continue
        for tag in row.tags:
            if tag.category in PLACED:
                scenes.setdefault((tag.name, tag.category.value), []).append(row.number)
    return [(name, category, found) for (name, category), found in scenes.items()]


def _library(config: ProjectConfig) -> Library:
    return Library.for_project(config.root or Path("."))


def _library_id(config: ProjectConfig, set_id: str) -> str | None:
    """The library asset `[world.assets]` puts in place of a generated set, by its id."""
    name = config.world.assets.get(set_id)
    if name is None:
        return None
    record = _library(config).get(name)
    if record is None:
        raise BacklotError(
            f"world.assets.{set_id}: no library asset named {name!r}", "backlot.toml"
        )
    return record.id


def library_key(config: ProjectConfig) -> dict[str, str | None]:
    """The library assets the world uses, by id: a changed asset re-runs the world."""
    return {set_id: _library_id(config, set_id) for set_id in sorted(config.world.assets)}


def build_world(screenplay: Screenplay, breakdown: Breakdown, config: ProjectConfig) -> World:
    """Sets from the headings, cast from the breakdown, light from place, date and clock."""
    settings = config.world
    tz = ZoneInfo(config.timezone)  # checked when the config was read
    resolution = resolve_sets(screenplay.scenes, settings.sets)
    sets: dict[str, SetAsset] = {}
    for resolved in resolution.sets:
        rng = random.Random(f"{config.seed}:{resolved.id}")
        kind = set_kind(resolved.name, resolved.int_ext, _set_text(screenplay, resolved))
        asset = SetAsset(
            id=resolved.id,
            name=resolved.name,
            int_ext=resolved.int_ext,
            kind=kind,
            areas=resolved.areas,
            scenes=resolved.scenes,
            headings=resolved.headings,
            dimensions=dimensions(kind, rng),
            seed=rng.randrange(2**31),
            usd=f"world/{resolved.id}.usda",
            glb=f"world/{resolved.id}.glb",
            library_asset=_library_id(config, resolved.id),
        )
        sets[asset.id] = build_set(asset, _requests(breakdown, resolved), rng)
    characters = build_cast(screenplay, breakdown)
    for character in characters:
        character.usd = f"world/characters/{character.id}.usda"
    ids = {c.name: c.id for c in characters}
    dates = shoot_dates(breakdown.schedule, config.shoot_date)
    clock = settings.clock
    times = planned_times(
        breakdown.scenes, dates, config.shoot_date, config.latitude, config.longitude, tz, clock
    )
    setups = []
    for row in breakdown.scenes:
        set_id, area = resolution.scene_set[row.number]
        asset = sets[set_id]
        day = dates.get(row.number, config.shoot_date)
        when = datetime.combine(day, times[row.number], tz)
        sun = sun_position(when, config.latitude, config.longitude)
        moon = moon_position(when, config.latitude, config.longitude)
        weather = weather_of(
            [
                t.name
                for t in row.tags
                if t.category in (Category.WEATHER, Category.SPECIAL_EFFECTS)
            ],
            row.heading,
        )
        light = scene_light(
            row.int_ext,
            row.day_night,
            sun,
            moon,
            weather,
            row.tension,
            windows=any(o.kind == "window" for o in asset.openings),
            kind=asset.kind,
            dimensions=asset.dimensions,
        )
        setups.append(
            SceneSetup(
                number=row.number,
                set=set_id,
                area=area,
                date=day.isoformat(),
                clock_time=times[row.number].strftime("%H:%M"),
                sun=_rounded(sun),
                moon=_rounded(moon),
                weather=weather,
                fog_density=light.fog_density,
                sky=light.sky,
                key_to_fill=light.key_to_fill,
                lights=light.lights,
                cast=[ids[name] for name in row.cast if name in ids],
                usd=f"scenes/{row.number}.usda",
                glb=f"scenes/{row.number}.glb",
            )
        )
    uses = Counter(setup.set for setup in setups)
    return World(
        sets=list(sets.values()),
        characters=characters,
        scenes=setups,
        daylight=daylight_days(
            breakdown.schedule,
            {row.number: row for row in breakdown.scenes},
            config.shoot_date,
            config.latitude,
            config.longitude,
            tz,
            clock,
        ),
        stats=WorldStats(
            sets=len(sets),
            scenes=len(setups),
            characters=len(characters),
            reuse_ratio=round(len(setups) / len(sets), 3) if sets else 0.0,
            scenes_per_set=dict(uses),
        ),
    )


def _rounded(position: SunPosition) -> SunPosition:
    """Hundredths of a degree: finer than any light needs, and stable across platforms."""
    return SunPosition(
        azimuth_deg=round(position.azimuth_deg, 2), elevation_deg=round(position.elevation_deg, 2)
    )


def run(screenplay: Screenplay, breakdown: Breakdown, config: ProjectConfig) -> World:
    """The stage."""
    return build_world(screenplay, breakdown, config)


def export(world: World, build_dir: Path, config: ProjectConfig, *_: object) -> list[Path]:
    """The USD layers (sets and characters once, scenes referencing them) and the GLBs."""
    written: list[Path] = []
    sets = {s.id: s for s in world.sets}
    characters = {c.id: c for c in world.characters}
    for asset in world.sets:
        written += _export_set(asset, build_dir, config)
    for character in world.characters:
        write_character_layer(character, build_dir / character.usd)
        written.append(build_dir / character.usd)
    for setup in world.scenes:
        asset = sets[setup.set]
        scene_path = build_dir / setup.usd
        # References are relative, so the build folder can move as a whole.
        write_scene_stage(
            setup,
            f"../{asset.usd}",
            {cid: f"../{characters[cid].usd}" for cid in setup.cast},
            asset.marks,
            scene_path,
        )
        cast = [characters[cid] for cid in setup.cast]
        write_glb(scene_parts(asset, cast, setup), build_dir / setup.glb, f"scene_{setup.number}")
        written += [scene_path, build_dir / setup.glb]
    return written


def _export_set(asset: SetAsset, build_dir: Path, config: ProjectConfig) -> list[Path]:
    """A set's layer and GLB: generated, or the library asset that replaces it.

    A USD library asset is referenced by the set layer; a glTF one becomes the set's GLB
    (usd-core reads no glTF), while the layer keeps the grey box for planning.
    """
    usd, glb = build_dir / asset.usd, build_dir / asset.glb
    if asset.library_asset is None:
        write_set_layer(asset, usd)
        write_glb(set_parts(asset), glb, asset.id)
        return [usd, glb]
    library = _library(config)
    record = library.get(asset.library_asset)
    if record is None:
        raise BacklotError(f"library asset {asset.library_asset} is gone", library.root)
    data = library.path_of(record).read_bytes()
    library.set_scenes(record.name, asset.scenes)  # the library says where it is used
    if record.format == "glb":
        atomic_write(glb, data)
        write_set_layer(asset, usd)
        return [usd, glb]
    copy = usd.with_name(f"{asset.id}.library.{record.format}")
    atomic_write(copy, data)
    write_set_layer(asset, usd, library_file=f"./{copy.name}")
    write_glb(set_parts(asset), glb, asset.id)
    return [usd, copy, glb]


STAGE = Stage(
    name="world",
    version="2",
    model=World,
    run=run,
    inputs=("screenplay", "breakdown"),
    config_keys=("world", "latitude", "longitude", "shoot_date", "timezone", "seed"),
    key_extra=library_key,
    exports=export,
)
