"""The `backlot` command end to end: build on the bundled example, parse, schema, clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backlot.project import STAGE_NAMES
from tests.assets.test_store import make_glb
from tests.cli_helpers import backlot


def test_build_runs_every_stage_then_nothing(film: Path) -> None:
    first = backlot("build", film, "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    ran = [s["name"] for s in report["stages"] if s["ran"]]
    assert ran == list(STAGE_NAMES)
    build = film.parent / "build"
    for name in ("breakdown.json", "report.html", "breakdown.csv", "stripboard.csv"):
        assert (build / name).stat().st_size > 0, name
    screenplay = json.loads((film.parent / "build" / "screenplay.json").read_text())
    assert screenplay["title"] == "NIGHT RUN"
    assert all(scene["start_page"] and scene["eighths"] >= 1 for scene in screenplay["scenes"])
    second = json.loads(backlot("build", film, "--json").stdout)
    assert not any(s["ran"] for s in second["stages"])
    quiet = backlot("build", film)
    assert quiet.stdout == "" and "nothing to do" in quiet.stderr


def test_build_to_other_folder_and_clean(film: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    assert backlot("build", film, "-o", out).returncode == 0
    assert (out / "screenplay.json").is_file()
    assert backlot("clean", film, "-o", out).returncode == 0
    assert not out.exists()


def test_parse_json_has_the_interface_names(film: Path) -> None:
    result = backlot("parse", film, "--to", "json")
    data = json.loads(result.stdout)
    assert {"title", "title_page", "elements", "scenes", "characters"} <= set(data)
    assert {"key", "value"} <= set(data["title_page"][0])
    element = data["elements"][0]
    assert {"type", "text", "line", "spans"} <= set(element)
    scene = data["scenes"][0]
    assert {
        "number",
        "heading",
        "int_ext",
        "location",
        "sublocation",
        "time_of_day",
        "start_page",
        "eighths",
        "line",
        "elements",
    } <= set(scene)
    maya = next(c for c in data["characters"] if c["name"] == "MAYA")
    assert maya["dialogue_count"] == 7


@pytest.mark.parametrize(("fmt", "marker"), [("fdx", "<FinalDraft"), ("fountain", "INT. TAXI")])
def test_parse_to_text_formats(film: Path, fmt: str, marker: str, tmp_path: Path) -> None:
    result = backlot("parse", film, "--to", fmt)
    assert result.returncode == 0, result.stderr
    assert marker in result.stdout
    # What it wrote parses back to the same scenes.
    again = tmp_path / f"again.{fmt}"
    again.write_text(result.stdout)
    data = json.loads(backlot("parse", again).stdout)
    assert len(data["scenes"]) == 8


def test_parse_to_pdf_and_html(film: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "s.pdf"
    assert backlot("parse", film, "--to", "pdf", "-o", pdf).returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    html = backlot("parse", film, "--to", "html").stdout
    assert "<html" in html.lower() and "NIGHT RUN" in html


def test_schema_prints_json_schema() -> None:
    result = backlot("schema", "screenplay")
    schema = json.loads(result.stdout)
    assert schema["title"] == "Screenplay"
    assert "scenes" in schema["properties"]
    bad = backlot("schema", "nope")
    assert bad.returncode == 2 and "unknown model" in bad.stderr


def test_help_and_version() -> None:
    assert "build" in backlot("--help").stdout
    assert backlot("--version").stdout.startswith("backlot ")


def test_assets_import_refuses_without_licence_then_lists(tmp_path: Path) -> None:
    glb = make_glb(tmp_path / "chair.glb")
    refused = backlot("assets", "import", glb, "--project", tmp_path)
    assert refused.returncode == 2 and "licence" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert backlot("assets", "list", "--json", "--project", tmp_path).stdout.strip() == "[]"
    done = backlot("assets", "import", glb, "-l", "CC-BY-4.0", "--project", tmp_path)
    assert done.returncode == 0, done.stderr
    listed = json.loads(backlot("assets", "list", "--json", "--project", tmp_path).stdout)
    assert [(r["name"], r["license"]) for r in listed] == [("chair", "CC-BY-4.0")]
    shown = json.loads(backlot("assets", "show", "chair", "--project", tmp_path).stdout)
    assert Path(shown["path"]).read_bytes() == glb.read_bytes()
    missing = backlot("assets", "show", "table", "--project", tmp_path)
    assert missing.returncode == 2 and "no library asset" in missing.stderr


def test_shots_plans_without_rendering(film: Path, tmp_path: Path) -> None:
    out = tmp_path / "planned"
    result = backlot("shots", film, "-o", out, "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["id"] == "1A" and {"type", "size", "move", "lens_mm"} <= set(rows[0])
    assert len((out / "shotlist.csv").read_text().splitlines()) == len(rows) + 1
    assert (out / "shots" / "1A" / "camera.txt").is_file()
    assert not (out / "animatic.mp4").exists()  # planning stops at the shots stage
    missing = backlot("shots", tmp_path / "nope.fountain")
    assert missing.returncode == 2 and "nope.fountain" in missing.stderr
    assert "Traceback" not in missing.stderr
