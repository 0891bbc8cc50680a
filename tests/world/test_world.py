"""The world stage on the bundled example: sets reused, cast, light, USD that composes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pxr import Pcp, Usd, UsdGeom

from backlot.project import Project
from backlot.world.models import World
from backlot.world.usd import validate_layer
from tests.assets.test_store import make_usd
from tests.cli_helpers import backlot
from tests.conftest import copy_example


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    root = tmp_path_factory.mktemp("world") / "film"
    copy_example(root)
    report = Project(root / "script.fountain").build()
    return report.build_dir, World.model_validate_json(
        (report.build_dir / "world.json").read_text()
    )


def test_world_json_interface(built: tuple[Path, World]) -> None:
    build, _ = built
    data = json.loads((build / "world.json").read_text())
    assert {"id", "name", "kind", "areas", "scenes", "usd"} <= set(data["sets"][0])
    assert {"id", "name", "look", "usd"} <= set(data["characters"][0])
    scene = data["scenes"][0]
    assert {"number", "set", "area", "clock_time", "sun", "weather", "usd"} <= set(scene)
    assert {"azimuth_deg", "elevation_deg"} <= set(scene["sun"])


def test_one_set_serves_every_scene_there(built: tuple[Path, World]) -> None:
    _, world = built
    by_id = {s.id: s for s in world.sets}
    assert by_id["ext-harbour-road"].scenes == ["1", "4"]
    assert by_id["int-taxi"].scenes == ["2", "5"] and by_id["int-taxi"].kind == "vehicle"
    assert by_id["ext-pier"].kind == "waterfront"
    assert world.stats.reuse_ratio == pytest.approx(8 / 6, abs=1e-3)


def test_light_follows_the_clock(built: tuple[Path, World]) -> None:
    _, world = built
    scenes = {s.number: s for s in world.scenes}
    assert scenes["1"].sun.elevation_deg < 0 and scenes["1"].sky == "night"
    assert scenes["8"].sun.elevation_deg > 30  # EXT. PIER - DAY, 13:00 in March, Long Beach
    assert 60 < scenes["7"].sun.azimuth_deg < 120  # DAWN: the sun at the eastern horizon
    assert abs(scenes["7"].sun.elevation_deg) < 1.0
    assert "rain" in scenes["1"].weather and "fog" in scenes["3"].weather
    # Night exteriors are lit by the moon and the sky, never the sun.
    assert {"moon", "sky"} <= {light.kind for light in scenes["1"].lights}
    assert "sun" not in {light.kind for light in scenes["1"].lights}
    assert world.daylight[0].sunrise < world.daylight[0].sunset


def test_every_layer_validates_and_scenes_reference_their_set(built: tuple[Path, World]) -> None:
    build, world = built
    layers = sorted(build.glob("world/**/*.usda")) + sorted(build.glob("scenes/*.usda"))
    assert len(layers) == len(world.sets) + len(world.characters) + len(world.scenes)
    for layer in layers:
        assert validate_layer(layer) == [], layer
    scene = world.scenes[0]
    stage = Usd.Stage.Open(str(build / scene.usd))
    assert UsdGeom.GetStageUpAxis(stage) == UsdGeom.Tokens.y
    assert UsdGeom.GetStageMetersPerUnit(stage) == 1.0
    set_prim = stage.GetDefaultPrim().GetChild("Set")
    arcs = Usd.PrimCompositionQuery(set_prim).GetCompositionArcs()
    assert any(arc.GetArcType() == Pcp.ArcTypeReference for arc in arcs)
    text = (build / scene.usd).read_text()
    assert "point3f[] points" not in text  # composition, not a copy of the set
    meshes = [p for p in stage.Traverse() if p.IsA(UsdGeom.Mesh)]
    assert len(meshes) > 10


def test_same_inputs_same_world(built: tuple[Path, World], tmp_path: Path) -> None:
    build, _ = built
    again = Project(build.parent / "script.fountain", tmp_path / "again").build()
    for name in ("world.json", "world/ext-harbour-road.usda", "scenes/4.usda", "scenes/4.glb"):
        assert (build / name).read_bytes() == (again.build_dir / name).read_bytes(), name


def test_world_cli_sets_and_stats(built: tuple[Path, World]) -> None:
    build, _ = built
    script = build.parent / "script.fountain"
    sets = json.loads(backlot("world", "sets", script, "--json").stdout)
    harbour = next(s for s in sets if s["id"] == "ext-harbour-road")
    assert harbour["headings"] == ["EXT. HARBOUR ROAD - NIGHT", "EXT. HARBOUR ROAD - CONTINUOUS"]
    stats = json.loads(backlot("world", script, "--stats", "--json").stdout)
    assert stats["sets"] == 6 and stats["scenes"] == 8
    bad = backlot("world", script, "--date", "2027-13-01")
    assert bad.returncode == 2 and "shoot_date" in bad.stderr


def test_place_and_date_move_the_sun(built: tuple[Path, World], tmp_path: Path) -> None:
    build, world = built
    out = tmp_path / "north"
    result = backlot(
        "world",
        build.parent / "script.fountain",
        "-o",
        out,
        "--lat",
        "64.1",
        "--lon",
        "-21.9",
        "--date",
        "2027-06-21",
        "--tz",
        "Atlantic/Reykjavik",
    )
    assert result.returncode == 0, result.stderr
    north = World.model_validate_json((out / "world.json").read_text())
    day = next(s for s in north.scenes if s.number == "8")
    before = next(s for s in world.scenes if s.number == "8")
    assert day.date == "2027-06-21" and day.sun != before.sun
    # Reykjavik at midsummer: the sun sets after midnight, so the night scenes are warned.
    assert north.daylight[0].sunrise < "04:00"
    assert any("EXT NIGHT" in w and "sun up" in w for w in north.daylight[0].warnings)


def test_library_asset_replaces_a_generated_set(film: Path) -> None:
    usd = make_usd(film.parent / "pier.usda")
    imported = backlot(
        "assets", "import", usd, "-l", "CC-BY-4.0", "--name", "real-pier", "-p", film.parent
    )
    assert imported.returncode == 0, imported.stderr
    config = film.parent / "backlot.toml"
    config.write_text(config.read_text() + '\n[world.assets]\n"ext-pier" = "real-pier"\n')
    report = Project(film).build()
    world = World.model_validate_json((report.build_dir / "world.json").read_text())
    pier = next(s for s in world.sets if s.id == "ext-pier")
    assert pier.library_asset is not None and len(pier.library_asset) == 64
    layer = report.build_dir / pier.usd
    assert validate_layer(layer) == []
    stage = Usd.Stage.Open(str(layer))
    assert stage.GetPrimAtPath("/ext_pier/Library").HasAuthoredReferences()
    # The library's own prims compose in, and the generated grey box is gone.
    assert any(p.IsA(UsdGeom.Cube) for p in stage.Traverse())
    assert not any(p.GetName() == "water" for p in stage.Traverse())
    shown = json.loads(backlot("assets", "show", "real-pier", "-p", film.parent).stdout)
    assert shown["scenes"] == pier.scenes == ["8"]


def test_unknown_library_asset_is_a_clear_error(film: Path) -> None:
    config = film.parent / "backlot.toml"
    config.write_text(config.read_text() + '\n[world.assets]\n"ext-pier" = "nope"\n')
    result = backlot("build", film)
    assert result.returncode == 2
    assert "backlot.toml" in result.stderr and "nope" in result.stderr
