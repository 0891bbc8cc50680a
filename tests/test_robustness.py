"""Odd and hostile scripts through the whole build: no traceback, no file outside build/,
no two scenes or characters sharing a name downstream."""

from __future__ import annotations

import json
from pathlib import Path

from backlot.project import STAGE_NAMES, Project
from backlot.script.fdx import read_fdx
from backlot.script.fountain import parse_fountain
from backlot.world.identity import resolve_sets
from tests.cli_helpers import backlot

FDX_TRAVERSAL = b"""<?xml version="1.0" encoding="UTF-8"?>
<FinalDraft DocumentType="Script" Version="5"><Content>
<Paragraph Type="Scene Heading" Number="../../evil"><Text>INT. HOUSE - DAY</Text></Paragraph>
<Paragraph Type="Action"><Text>Nothing here.</Text></Paragraph>
</Content></FinalDraft>
"""


def test_fdx_scene_number_cannot_name_a_path(tmp_path: Path) -> None:
    assert read_fdx(FDX_TRAVERSAL).scenes[0].number == "1"
    script = tmp_path / "film" / "s.fdx"
    script.parent.mkdir()
    script.write_bytes(FDX_TRAVERSAL)
    assert backlot("build", script).returncode == 0
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and "build" not in p.parts]
    assert outside == [script]


FDX_NAMELESS_CUE = b"""<?xml version="1.0" encoding="UTF-8"?>
<FinalDraft DocumentType="Script" Version="5"><Content>
<Paragraph Type="Scene Heading"><Text>INT. HOUSE - DAY</Text></Paragraph>
<Paragraph Type="Character"><Text>(V.O.)</Text></Paragraph>
<Paragraph Type="Dialogue"><Text>Who said that?</Text></Paragraph>
</Content></FinalDraft>
"""


def test_a_cue_without_a_name_is_no_speaker(tmp_path: Path) -> None:
    script = tmp_path / "s.fdx"
    script.write_bytes(FDX_NAMELESS_CUE)
    result = backlot("breakdown", script)
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "build" / "breakdown.json").read_text())
    assert data["cast"] == [] and data["scenes"][0]["cast"] == []


def test_repeated_scene_numbers_stay_distinct(tmp_path: Path) -> None:
    text = (
        "INT. KITCHEN - DAY #1#\n\nBOB cooks.\n\nEXT. STREET - NIGHT #1#\n\nALICE waits.\n\n"
        "INT. HALL - DAY #2#\n\nQuiet.\n\nINT. HALL - NIGHT\n\nDark.\n"
    )
    sp = parse_fountain(text, "s.fountain")
    assert [s.number for s in sp.scenes] == ["1", "1-2", "2", "4"]
    assert sp.warnings == ["line 5: scene number 1 is used twice; this scene is 1-2"]
    script = tmp_path / "s.fountain"
    script.write_text(text)
    result = backlot("build", script)
    assert result.returncode == 0, result.stderr
    assert "s.fountain: line 5: scene number 1 is used twice" in result.stderr
    world = json.loads((tmp_path / "build" / "world.json").read_text())
    assert len({s["usd"] for s in world["scenes"]}) == 4
    kitchen = next(s for s in world["scenes"] if s["number"] == "1")
    assert kitchen["set"] == "int-kitchen" and kitchen["clock_time"] == "13:00"


def test_names_that_slug_alike_stay_apart(tmp_path: Path) -> None:
    text = (
        "INT. КУХНЯ - DAY\n\nDR. SMITH waits.\n\nDR. SMITH\nHello.\n\nDR SMITH\nHi.\n\n"
        "INT. СПАЛЬНЯ - NIGHT\n\nZOË sleeps.\n\nZOË\nGood night.\n\n"
        "INT. " + "X" * 300 + " - DAY\n\nA long name.\n"
    )
    assert len(resolve_sets(parse_fountain(text).scenes, {}).sets) == 3
    script = tmp_path / "s.fountain"
    script.write_text(text)
    result = backlot("build", script)
    assert result.returncode == 0, result.stderr
    world = json.loads((tmp_path / "build" / "world.json").read_text())
    assert len({c["id"] for c in world["characters"]}) == len(world["characters"]) == 3
    assert len({s["id"] for s in world["sets"]}) == 3


def test_write_errors_are_one_line(film: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("in the way")
    result = backlot("build", film, "-o", blocker / "build")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot write" in result.stderr


def test_renamed_script_and_missing_exports_rebuild(film: Path) -> None:
    Project(film).build()
    renamed = film.with_name("night.fountain")
    film.rename(renamed)
    # The name is in the screenplay's output, so what reads it runs again too.
    assert Project(renamed).build().ran == list(STAGE_NAMES)
    data = json.loads((renamed.parent / "build" / "screenplay.json").read_text())
    assert data["source"] == "night.fountain"
    (renamed.parent / "build" / "report.html").unlink()
    assert Project(renamed).build().ran == ["breakdown"]
    assert (renamed.parent / "build" / "report.html").is_file()


def test_bad_time_zone_names_where_it_came_from(film: Path) -> None:
    result = backlot("world", film, "--tz", "Mars/Olympus")
    assert result.returncode == 2 and "command line: timezone" in result.stderr
