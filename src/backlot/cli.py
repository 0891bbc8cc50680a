"""`backlot`: one command, a sub-command per stage, plus `build` and `clean`.

Quiet by default (one summary line), `--json` where scripts read the output, errors as one
line on stderr with exit code 2. What only one command needs (the renderer, OTIO, numpy)
is imported in that command, so that `backlot breakdown` and `--help` start quickly.
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from backlot import __version__
from backlot.assets.models import IMPORTED_SOURCE_TYPE
from backlot.assets.store import Library
from backlot.breakdown import analyze
from backlot.breakdown.llm import LlmTagger
from backlot.breakdown.report import render_report
from backlot.breakdown.sheets import breakdown_csv, stripboard_csv
from backlot.camera.models import ShotPlan
from backlot.edit.models import CutChanges, DialogueList, Timeline, Versions
from backlot.errors import BacklotError
from backlot.fileio import atomic_write
from backlot.project import STAGE_NAMES, BuildReport, Project, stages, to_json
from backlot.render.models import ScratchDialogue, Takes
from backlot.script import load
from backlot.script.fdx import write_fdx
from backlot.script.fountain_writer import write_fountain
from backlot.script.html import render_html
from backlot.script.models import Screenplay
from backlot.script.pagination import paginate
from backlot.script.revisions import lock as lock_pages
from backlot.stage import Runtime
from backlot.world.models import World

app = typer.Typer(
    name="backlot",
    help="Turn a screenplay into a shootable world.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)

ScriptArg = Annotated[
    Path, typer.Argument(help="A Fountain (.fountain) or Final Draft (.fdx) screenplay.")
]
BuildDirOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Build folder (default: build/ beside the script)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON report for scripts.")]


def _version(value: bool) -> None:
    if value:
        out.print(f"backlot {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = None,
) -> None:
    """Backlot builds a film's world from its script: breakdown, sets, cast, shots, previz."""


def _warn(script: Path, warnings: list[str]) -> None:
    for warning in warnings:
        err.print(f"[yellow]warning:[/] {script}: {warning}", soft_wrap=True)


JobsOpt = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, help="Processes that render shots (default: all cores)."),
]


def _build_with_progress(
    project: Project, show: bool, jobs: int | None, until: str | None = None, **build: object
) -> BuildReport:
    """Build with a spinner per stage and a bar while a stage reports its progress."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not show,
    ) as progress:
        task = progress.add_task("building", total=None)

        def on_stage(name: str) -> None:
            progress.update(task, description=f"[bold]{name}[/]", total=None, completed=0)

        def on_progress(what: str, done: int, total: int) -> None:
            progress.update(task, description=f"[bold]{what}[/]", total=total, completed=done)

        runtime = Runtime(jobs=jobs or os.cpu_count() or 1, progress=on_progress)
        return project.build(on_stage=on_stage, runtime=runtime, until=until, **build)  # type: ignore[arg-type]


@app.command()
def build(
    script: ScriptArg,
    out_dir: BuildDirOpt = None,
    force: Annotated[
        list[str] | None,
        typer.Option(
            "--force", help=f"Re-run this stage even if cached ({', '.join(STAGE_NAMES)})."
        ),
    ] = None,
    jobs: JobsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run every stage on SCRIPT; only what changed since the last build runs again."""
    project = Project(script, out_dir)
    report = _build_with_progress(project, err.is_terminal and not as_json, jobs, force=force or ())
    if as_json:
        sys.stdout.write(
            json.dumps(
                {
                    "build_dir": str(report.build_dir),
                    "stages": [
                        {
                            "name": s.name,
                            "ran": s.ran,
                            "output": str(s.output),
                            "exports": [str(p) for p in s.exports],
                        }
                        for s in report.stages
                    ],
                },
                indent=2,
            )
            + "\n"
        )
        return
    ran = report.ran
    if "screenplay" in ran:
        screenplay = Screenplay.model_validate_json(report.stages[0].output.read_bytes())
        _warn(script, screenplay.warnings)
    summary = f"ran {', '.join(ran)}" if ran else "nothing to do, all stages cached"
    err.print(f"[green]built[/] {report.build_dir} ({summary})")


@app.command()
def clean(script: ScriptArg, out_dir: BuildDirOpt = None) -> None:
    """Delete SCRIPT's build folder (only one that backlot made)."""
    project = Project(script, out_dir)
    if project.clean():
        err.print(f"removed {project.build_dir}")
    else:
        err.print(f"nothing to clean at {project.build_dir}")


class ParseFormat(StrEnum):
    JSON = "json"
    FDX = "fdx"
    FOUNTAIN = "fountain"
    PDF = "pdf"
    HTML = "html"


@app.command()
def parse(
    script: ScriptArg,
    to: Annotated[ParseFormat, typer.Option("--to", help="Output format.")] = ParseFormat.JSON,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write here (default: stdout; a PDF beside the script)."
        ),
    ] = None,
    lock: Annotated[
        Path | None,
        typer.Option(
            "--lock", help="Previous draft: keep its page numbers, mark changes (pdf, html)."
        ),
    ] = None,
    revision: Annotated[
        str, typer.Option("--revision", help="Revision colour for changed pages.")
    ] = "BLUE",
) -> None:
    """Parse SCRIPT and write it as JSON, Final Draft, Fountain, a printed PDF or HTML."""
    screenplay, warnings = load(script)
    _warn(script, warnings)
    if to in (ParseFormat.PDF, ParseFormat.HTML):
        if lock is not None:
            previous, _ = load(lock)
            paged = lock_pages(screenplay, previous, revision.upper())
        else:
            paged = paginate(screenplay)
        # reportlab is imported only when a PDF is asked for: it slows every other command.
        from backlot.script.pdf import write_pdf

        data: str | bytes = (
            write_pdf(paged, screenplay)
            if to is ParseFormat.PDF
            else render_html(paged, screenplay)
        )
        if to is ParseFormat.PDF and output is None:
            output = script.with_suffix(".pdf")
    elif to is ParseFormat.FDX:
        data = write_fdx(screenplay)
    elif to is ParseFormat.FOUNTAIN:
        data = write_fountain(screenplay)
    else:
        data = to_json(screenplay)
    if output is None:
        sys.stdout.write(data if isinstance(data, str) else data.decode())
        return
    atomic_write(output, data)
    err.print(f"wrote {output}")


class BreakdownFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    HTML = "html"


@app.command("breakdown")
def breakdown_command(
    script: ScriptArg,
    out_dir: BuildDirOpt = None,
    fmt: Annotated[
        BreakdownFormat, typer.Option("--format", help="json, csv (sheets) or html (report).")
    ] = BreakdownFormat.JSON,
    llm: Annotated[
        str | None,
        typer.Option("--llm", help="OpenAI-compatible endpoint (…/v1) to add a model's tags."),
    ] = None,
    llm_model: Annotated[
        str | None, typer.Option("--llm-model", help="Model name at that endpoint.")
    ] = None,
) -> None:
    """Break SCRIPT down: cast, props, vehicles… with evidence, tension, schedule, DOOD."""
    project = Project(script, out_dir)
    settings = project.config.breakdown
    screenplay, warnings = load(script)
    _warn(script, warnings)
    url = llm or settings.llm_url
    tagger = LlmTagger(url, llm_model or settings.llm_model) if url else None
    result = analyze(screenplay, settings, tagger)
    target = project.build_dir
    files: dict[Path, str] = {}
    if fmt is BreakdownFormat.JSON:
        files[target / "breakdown.json"] = to_json(result)
    elif fmt is BreakdownFormat.CSV:
        files[target / "breakdown.csv"] = breakdown_csv(result)
        files[target / "stripboard.csv"] = stripboard_csv(result)
    else:
        files[target / "report.html"] = render_report(result)
    for path, text in files.items():
        atomic_write(path, text)
        err.print(f"wrote {path}")


@app.command("world")
def world_command(
    target: Annotated[
        str, typer.Argument(help="SCRIPT, or 'sets' followed by SCRIPT to show set identity.")
    ],
    script: Annotated[Path | None, typer.Argument(help="The script, after 'sets'.")] = None,
    out_dir: BuildDirOpt = None,
    lat: Annotated[float | None, typer.Option("--lat", help="Latitude (overrides toml).")] = None,
    lon: Annotated[float | None, typer.Option("--lon", help="Longitude (overrides toml).")] = None,
    shoot_date: Annotated[
        str | None, typer.Option("--date", help="First shooting day, YYYY-MM-DD.")
    ] = None,
    tz: Annotated[
        str | None, typer.Option("--tz", help="IANA time zone of the place, e.g. Europe/Paris.")
    ] = None,
    stats: Annotated[bool, typer.Option("--stats", help="Print sets, reuse and cast.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Build SCRIPT's world: sets, cast, light, USD and GLB, in the build folder.

    `backlot world sets SCRIPT` shows which headings became which set.
    """
    show_sets = target == "sets"
    path = script if show_sets else Path(target)
    if path is None:
        raise BacklotError("backlot world sets: which script? (backlot world sets SCRIPT)")
    project = Project(path, out_dir)
    overrides = {"latitude": lat, "longitude": lon, "shoot_date": shoot_date, "timezone": tz}
    project.override({k: v for k, v in overrides.items() if v is not None})
    report = project.build()
    world = World.model_validate_json((report.build_dir / "world.json").read_bytes())
    if show_sets:
        _print_sets(world, as_json)
    elif stats:
        _print_stats(world, as_json)
    else:
        err.print(f"[green]built[/] {report.build_dir / 'world'} ({len(world.sets)} sets)")


def _print_sets(world: World, as_json: bool) -> None:
    if as_json:
        rows = [
            {"id": s.id, "name": s.name, "kind": s.kind, "areas": s.areas, "headings": s.headings}
            for s in world.sets
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table(box=None, header_style="bold")
    for column in ("set", "kind", "areas", "scenes", "headings"):
        table.add_column(column)
    for s in world.sets:
        table.add_row(s.id, s.kind, ", ".join(s.areas), ", ".join(s.scenes), "\n".join(s.headings))
    out.print(table)


def _print_stats(world: World, as_json: bool) -> None:
    stats = world.stats
    if as_json:
        sys.stdout.write(stats.model_dump_json(indent=2) + "\n")
        return
    out.print(
        f"{stats.sets} sets, {stats.scenes} scenes, {stats.characters} characters; "
        f"reuse ratio {stats.reuse_ratio:.2f} scene uses per set"
    )
    busiest = sorted(stats.scenes_per_set.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    for set_id, count in busiest:
        out.print(f"  {count:3d}  {set_id}")


@app.command("shots")
def shots_command(script: ScriptArg, out_dir: BuildDirOpt = None, as_json: JsonOpt = False) -> None:
    """Plan SCRIPT's shots: coverage, framing, camera paths, timing (and what they need)."""
    report = Project(script, out_dir).build(until="shots")
    plan = ShotPlan.model_validate_json((report.build_dir / "shots.json").read_bytes())
    if as_json:
        rows = [s.model_dump(mode="json", exclude={"keys", "elements"}) for s in plan.shots]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    seconds = sum(t.frames for t in plan.scenes) / plan.fps
    err.print(
        f"[green]planned[/] {len(plan.shots)} shots over {len(plan.scenes)} scenes, "
        f"{seconds / 60:.1f} min: {report.build_dir / 'shotlist.csv'}"
    )


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise typer.BadParameter(f"expected WIDTHxHEIGHT such as 640x360, got {text!r}")
    return int(width), int(height)


@app.command("render")
def render_command(
    script: ScriptArg,
    out_dir: BuildDirOpt = None,
    shots: Annotated[
        str | None,
        typer.Option("--shots", help="Only these shots, comma-separated: 12A,12B."),
    ] = None,
    size: Annotated[
        str | None, typer.Option("--size", help="Frame size WIDTHxHEIGHT (default 640x360).")
    ] = None,
    jobs: JobsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Render SCRIPT's shots (takes, passes) and the animatic; only stale shots are drawn."""
    from backlot.render.stage import render_film

    project = Project(script, out_dir)
    if size:
        project.override({"render": project.config.render.model_dump() | {"size": _size(size)}})
    show = err.is_terminal and not as_json
    if shots is None:
        report = _build_with_progress(project, show, jobs)
        takes = Takes.model_validate_json((report.build_dir / "render.json").read_bytes())
    else:
        wanted = {s.strip() for s in shots.split(",") if s.strip()}
        report = _build_with_progress(project, show, jobs, until="shots")
        build_dir = report.build_dir
        plan = ShotPlan.model_validate_json((build_dir / "shots.json").read_bytes())
        unknown = sorted(wanted - {shot.id for shot in plan.shots})
        if unknown:
            raise BacklotError(f"no shot {unknown[0]!r} in the plan", build_dir / "shots.json")
        inputs = [project.load_output(name) for name in ("screenplay", "world")]
        dialogue = ScratchDialogue.model_validate_json((build_dir / "dialogue.json").read_bytes())
        runtime = Runtime(jobs=jobs or os.cpu_count() or 1)
        takes = render_film(
            *inputs,
            dialogue,
            plan,
            project.config,
            build_dir,
            runtime,
            only=wanted,  # type: ignore[arg-type]
        )
    rows = [t for t in takes.takes if shots is None or t.shot in wanted]
    if as_json:
        sys.stdout.write(json.dumps([t.model_dump(mode="json") for t in rows], indent=2) + "\n")
        return
    err.print(
        f"[green]rendered[/] {len(rows)} takes at {takes.size[0]}x{takes.size[1]}: "
        f"{report.build_dir / takes.animatic}"
    )


def _selects(pairs: list[str]) -> dict[str, int]:
    """`--take 12A=2` options as shot → take (0 or 'latest': the newest take)."""
    selects = {}
    for pair in pairs:
        shot, _, number = pair.partition("=")
        number = "0" if number.strip().lower() == "latest" else number.strip()
        if not shot.strip() or not number.isdigit():
            raise typer.BadParameter(f"expected SHOT=TAKE such as 12A=2, got {pair!r}")
        selects[shot.strip()] = int(number)
    return selects


def _version_pair(text: str) -> tuple[int, int]:
    before, _, after = text.partition(":")
    if not (before.strip().isdigit() and after.strip().isdigit()):
        raise typer.BadParameter(f"expected two version numbers such as 1:2, got {text!r}")
    return int(before), int(after)


@app.command("cut")
def cut_command(
    script: ScriptArg,
    out_dir: BuildDirOpt = None,
    take: Annotated[
        list[str] | None,
        typer.Option("--take", help="Cut shot 12A from take 2: 12A=2 (12A=latest undoes it)."),
    ] = None,
    compare: Annotated[
        str | None,
        typer.Option("--compare", help="Print what changed between two versions: 1:2."),
    ] = None,
    jobs: JobsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Cut SCRIPT's takes into a timeline (OTIO, EDL, FCP XML) with subtitles; every new cut
    is kept as a numbered version."""
    project = Project(script, out_dir)
    if take:
        chosen = project.config.cut.takes | _selects(take)
        project.override({"cut": project.config.cut.model_dump() | {"takes": chosen}})
    report = _build_with_progress(project, err.is_terminal and not as_json, jobs, until="cut")
    cut = Timeline.model_validate_json((report.build_dir / "cut.json").read_bytes())
    if compare:
        from backlot.edit.versions import compare as compare_versions
        from backlot.edit.versions import find_version

        before, after = (find_version(cut.versions, n) for n in _version_pair(compare))
        _print_changes(compare_versions(before, after), as_json)
        return
    if as_json:
        sys.stdout.write(cut.model_dump_json(indent=2, exclude={"dialogue", "subtitles"}) + "\n")
        return
    clips = cut.versions[-1].clips
    seconds = sum(c.frames for c in clips) / cut.fps
    err.print(
        f"[green]cut[/] version {cut.version}: {len(clips)} shots, {seconds / 60:.1f} min, "
        f"{len(cut.subtitles.events)} subtitles: {report.build_dir / cut.files['otio']}"
    )
    for problem in cut.subtitles.problems:
        err.print(f"[yellow]subtitle:[/] {problem.message}", soft_wrap=True)


def _print_changes(changes: CutChanges, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(changes.model_dump_json(indent=2) + "\n")
        return
    table = Table(title=f"version {changes.before} → {changes.after}", box=None)
    table.add_column("change")
    table.add_column("shots")
    table.add_row("added", ", ".join(changes.added) or "—")
    table.add_row("removed", ", ".join(changes.removed) or "—")
    table.add_row(
        "retimed",
        ", ".join(f"{r.shot} {r.frames_before}→{r.frames_after}f" for r in changes.retimed) or "—",
    )
    table.add_row(
        "retaken",
        ", ".join(f"{r.shot} take {r.take_before}→{r.take_after}" for r in changes.retaken) or "—",
    )
    out.print(table)


dialogue_app = typer.Typer(
    help="The dialogue list for translators: export it, import a translation.",
    no_args_is_help=True,
)
app.add_typer(dialogue_app, name="dialogue")


class ListFormat(StrEnum):
    CSV = "csv"
    XLIFF = "xliff"


def _cut_dialogue(project: Project) -> DialogueList:
    report = _build_with_progress(project, err.is_terminal, None, until="cut")
    return Timeline.model_validate_json((report.build_dir / "cut.json").read_bytes()).dialogue


@dialogue_app.command("export")
def dialogue_export(
    script: ScriptArg,
    out_dir: BuildDirOpt = None,
    to: Annotated[ListFormat, typer.Option("--to", help="csv or xliff (2.0).")] = ListFormat.XLIFF,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Target language for the XLIFF (trgLang).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Print (or write) SCRIPT's dialogue list: line ids, character, text, timecodes."""
    from backlot.edit.dialogue_list import dialogue_csv, dialogue_xliff

    lines = _cut_dialogue(Project(script, out_dir))
    text = dialogue_csv(lines) if to is ListFormat.CSV else dialogue_xliff(lines, lang)
    if output is None:
        sys.stdout.write(text)
    else:
        atomic_write(output, text)


def _import_translation(project: Project, file: Path, lang: str | None) -> Path:
    """Check FILE against the cut's dialogue list, then keep it as translations/<lang>."""
    from backlot.edit.dialogue_list import read_translation
    from backlot.edit.localize import TRANSLATIONS_DIR

    translation = read_translation(file, _cut_dialogue(project), lang)
    suffix = ".csv" if file.suffix.lower() == ".csv" else ".xlf"
    target = project.root / TRANSLATIONS_DIR / f"{translation.language}{suffix}"
    if file.resolve() != target.resolve():
        atomic_write(target, file.read_bytes())
    return target


@dialogue_app.command("import")
def dialogue_import(
    script: ScriptArg,
    file: Annotated[Path, typer.Argument(help="A translated dialogue list (.xlf or .csv).")],
    out_dir: BuildDirOpt = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Its language, if it says none.")
    ] = None,
) -> None:
    """Check a translation against the dialogue list and keep it in translations/."""
    target = _import_translation(Project(script, out_dir), file, lang)
    err.print(f"[green]imported[/] {target}")


@app.command("localize")
def localize_command(
    script: ScriptArg,
    lang: Annotated[str, typer.Option("--lang", help="The version's language: ko, ja, fr…")],
    translations: Annotated[
        Path | None,
        typer.Option("--translations", help="Its translated dialogue list (.xlf or .csv)."),
    ] = None,
    out_dir: BuildDirOpt = None,
    jobs: JobsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Make SCRIPT's version in another language: dubbed scratch audio fitted to the
    original timing, visemes, subtitles, timeline and animatic under build/versions/LANG/."""
    from backlot.edit.localize import TRANSLATIONS_DIR

    project = Project(script, out_dir)
    if translations is not None:
        _import_translation(project, translations, lang)
    report = _build_with_progress(project, err.is_terminal and not as_json, jobs)
    versions = Versions.model_validate_json((report.build_dir / "versions.json").read_bytes())
    version = next((v for v in versions.languages if v.language == lang), None)
    if version is None:
        raise BacklotError(
            f"no translation for {lang!r} (import one: backlot dialogue import SCRIPT FILE)",
            project.root / TRANSLATIONS_DIR,
        )
    if as_json:
        sys.stdout.write(version.model_dump_json(indent=2) + "\n")
        return
    fitted = sum(0.9 <= line.fit <= 1.1 for line in version.lines)
    err.print(
        f"[green]localized[/] {lang}: {len(version.lines)} lines dubbed ({fitted} within ±10 %), "
        f"{len(version.subtitles.events)} subtitles: {report.build_dir / version.files['video']}"
    )
    for problem in version.subtitles.problems:
        err.print(f"[yellow]subtitle:[/] {problem.message}", soft_wrap=True)


assets_app = typer.Typer(
    help="The project's asset library: imported and generated meshes, with licences.",
    no_args_is_help=True,
)
app.add_typer(assets_app, name="assets")
ProjectOpt = Annotated[
    Path, typer.Option("--project", "-p", help="The film's folder (default: here).")
]


@assets_app.command("import")
def assets_import(
    file: Annotated[Path, typer.Argument(help="A glTF/GLB or USD (usda, usdc, usdz) file.")],
    license: Annotated[
        str | None, typer.Option("--license", "-l", help="SPDX licence id, e.g. CC-BY-4.0.")
    ] = None,
    license_uri: Annotated[
        str | None, typer.Option("--license-uri", help="Licence text URI (LicenseRef-* ids).")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Name in the library.")] = None,
    author: Annotated[str | None, typer.Option("--author")] = None,
    kind: Annotated[str, typer.Option("--kind", help="set, character, prop, material…")] = "other",
    source_type: Annotated[
        str, typer.Option("--source-type", help="IPTC digital source type (term or URI).")
    ] = IMPORTED_SOURCE_TYPE,
    project: ProjectOpt = Path("."),
) -> None:
    """Bring FILE into the library; an asset without a licence is refused."""
    record = Library.for_project(project).import_file(
        file,
        license,
        name=name,
        author=author,
        kind=kind,
        digital_source_type=source_type,
        license_uri=license_uri,
    )
    err.print(f"imported {record.name} ({record.id[:12]}, {record.license})")


@assets_app.command("list")
def assets_list(
    kind: Annotated[str | None, typer.Option("--kind")] = None,
    as_json: JsonOpt = False,
    project: ProjectOpt = Path("."),
) -> None:
    """List the library's assets."""
    records = Library.for_project(project).list(kind)
    if as_json:
        sys.stdout.write(json.dumps([r.model_dump(mode="json") for r in records], indent=2) + "\n")
        return
    table = Table(box=None, header_style="bold")
    for column in ("name", "kind", "format", "licence", "id", "bytes"):
        table.add_column(column, justify="right" if column == "bytes" else "left")
    for r in records:
        table.add_row(r.name, r.kind, r.format, r.license, r.id[:12], str(r.size_bytes))
    out.print(table)


@assets_app.command("show")
def assets_show(
    name: Annotated[str, typer.Argument(help="Name or id (8+ hex digits).")],
    project: ProjectOpt = Path("."),
) -> None:
    """Print one asset's record, and where its file is."""
    library = Library.for_project(project)
    record = library.get(name)
    if record is None:
        raise BacklotError(f"no library asset named {name!r}", library.root)
    data = record.model_dump(mode="json") | {"path": str(library.path_of(record))}
    sys.stdout.write(json.dumps(data, indent=2) + "\n")


@app.command()
def schema(
    name: Annotated[str, typer.Argument(help=f"One of: {', '.join(STAGE_NAMES)}.")],
) -> None:
    """Print the JSON Schema of a stage's output model."""
    stage = next((s for s in stages() if s.name == name), None)
    if stage is None:
        raise BacklotError(f"unknown model {name!r} (models: {', '.join(STAGE_NAMES)})")
    sys.stdout.write(json.dumps(stage.model.model_json_schema(), indent=2) + "\n")


def main() -> None:
    """Entry point: run the app; a BacklotError becomes one line on stderr and exit code 2."""
    try:
        app()
    except BacklotError as exc:
        err.print(f"[red]error:[/] {exc}", soft_wrap=True)
        sys.exit(2)
