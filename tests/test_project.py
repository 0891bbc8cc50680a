"""The build spine: cached stages, forced re-runs, atomic writes, config, clean."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backlot.config import load_config
from backlot.errors import BacklotError
from backlot.fileio import atomic_write
from backlot.project import CACHE_FILE, STAGE_NAMES, Project, stages


def test_stage_names_are_the_build_order() -> None:
    assert tuple(stage.name for stage in stages()) == STAGE_NAMES


def test_the_breakdown_command_loads_no_later_stage(tmp_path: Path) -> None:
    """`backlot breakdown` does not wait for USD, OTIO, the renderer or the later stages."""
    heavy = ("pxr", "opentimelineio", "moderngl", "av", "pygltflib")
    heavy += tuple(f"backlot.{stage}.stage" for stage in ("world", "camera", "render", "edit"))
    script = Path(__file__).parent.parent / "examples" / "night_run" / "script.fountain"
    probe = (
        "import sys\n"
        "from backlot.cli import main\n"
        f"sys.argv = ['backlot', 'breakdown', {str(script)!r}, '-o', {str(tmp_path)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {heavy!r} if m in sys.modules])\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert (tmp_path / "breakdown.json").is_file()
    assert loaded.strip().splitlines()[-1] == "[]"


def test_second_build_runs_no_stage(film: Path) -> None:
    first = Project(film).build()
    assert first.ran == list(STAGE_NAMES)
    output = film.parent / "build" / "screenplay.json"
    data = json.loads(output.read_text())
    assert len(data["scenes"]) == 8 and data["source"] == "script.fountain"
    assert Project(film).build().ran == []


def test_same_input_same_bytes(film: Path, tmp_path: Path) -> None:
    Project(film).build()
    Project(film, tmp_path / "again").build()
    a = (film.parent / "build" / "screenplay.json").read_bytes()
    b = (tmp_path / "again" / "screenplay.json").read_bytes()
    assert a == b


def test_edit_reruns_and_force_reruns(film: Path) -> None:
    Project(film).build()
    film.write_text(film.read_text().replace("Still wet.", "Still soaked."))
    assert Project(film).build().ran == list(STAGE_NAMES)
    assert Project(film).build().ran == []
    # Forcing a stage re-runs it; its output is unchanged, so what reads it stays cached.
    assert Project(film).build(force=["screenplay"]).ran == ["screenplay"]
    assert Project(film).build(force=["breakdown"]).ran == ["breakdown"]
    assert Project(film).build(force=["world"]).ran == ["world"]
    assert Project(film).build(force=["shots"]).ran == ["shots"]
    with pytest.raises(BacklotError, match="unknown stage 'nope'"):
        Project(film).build(force=["nope"])


def test_tampered_output_is_rebuilt(film: Path) -> None:
    Project(film).build()
    output = film.parent / "build" / "screenplay.json"
    output.write_text("{}")
    assert Project(film).build().ran == ["screenplay"]
    assert json.loads(output.read_text())["scenes"]


def test_config_change_reruns_only_the_stage_that_reads_it(film: Path) -> None:
    Project(film).build()
    config = film.parent / "backlot.toml"
    original = config.read_text()
    config.write_text(original + "\n[breakdown]\npages_per_day = 2.0\n")
    # The schedule changed; the world's dates come from it, and the rest from the world.
    assert Project(film).build().ran == [
        "breakdown",
        "world",
        "dialogue",
        "shots",
        "render",
        "cut",
        "versions",
    ]
    schedule = json.loads((film.parent / "build" / "breakdown.json").read_text())["schedule"]
    assert schedule["eighths_per_day"] == 16
    # A key no stage reads yet changes nothing.
    config.write_text('style = "noir"\n' + original + "\n[breakdown]\npages_per_day = 2.0\n")
    assert Project(film).build().ran == []
    # The world alone reads the place.
    config.write_text(
        original.replace("latitude = 33.754", "latitude = 40.0")
        + "\n[breakdown]\npages_per_day = 2.0\n"
    )
    assert Project(film).build().ran == ["world", "dialogue", "shots", "render", "cut", "versions"]


def test_config_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "backlot.toml"
    bad.write_text("fps = 'fast'\n")
    with pytest.raises(BacklotError, match=r"backlot.toml: fps"):
        load_config(bad)
    bad.write_text("fsp = 24\n")
    with pytest.raises(BacklotError, match="fsp"):
        load_config(bad)
    bad.write_text("title = \n")
    with pytest.raises(BacklotError, match="invalid TOML"):
        load_config(bad)


def test_example_config_is_read(film: Path) -> None:
    config = Project(film).config
    assert config.title == "Night Run" and config.latitude == pytest.approx(33.754)


def test_atomic_write_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.json"
    atomic_write(target, "{}")
    atomic_write(target, b"[]")
    assert target.read_text() == "[]"
    assert [p.name for p in target.parent.iterdir()] == ["b.json"]


def test_clean_only_removes_backlot_builds(film: Path, tmp_path: Path) -> None:
    Project(film).build()
    assert (film.parent / "build" / CACHE_FILE).is_file()
    assert Project(film).clean()
    assert not (film.parent / "build").exists()
    foreign = tmp_path / "precious"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    assert not Project(film, foreign).clean()
    assert (foreign / "keep.txt").exists()
