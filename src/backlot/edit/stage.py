"""The cut as OpenTimelineIO and its exports, then localized versions.

Two stages. `cut` (… + Takes → Timeline) lays the chosen takes end to end, keeps each
different cut as a numbered version, and writes the timeline (`.otio`, `.otioz`, EDL, FCP
XML), the dialogue list and the original language's subtitles. `versions` (… + Timeline →
Versions) makes a dubbed, subtitled version for every translation in `translations/`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from backlot.edit.cut import cut_film
from backlot.edit.localize import localize_film, translations_key
from backlot.edit.models import Timeline, Versions
from backlot.stage import Runtime, Stage

if TYPE_CHECKING:
    from backlot.camera.models import ShotPlan
    from backlot.config import ProjectConfig
    from backlot.render.models import ScratchDialogue, Takes
    from backlot.script.models import Screenplay
    from backlot.world.models import World

__all__ = ["CUT_STAGE", "VERSIONS_STAGE", "Timeline", "Versions"]


def _run_cut(
    screenplay: Screenplay,
    world: World,
    dialogue: ScratchDialogue,
    plan: ShotPlan,
    takes: Takes,
    config: ProjectConfig,
    build_dir: Path,
    runtime: Runtime,
    previous: Timeline | None = None,
) -> Timeline:
    return cut_film(screenplay, world, dialogue, plan, takes, config, build_dir, previous)


def _files(model: Timeline, build_dir: Path, *_: object) -> list[Path]:
    return sorted({build_dir / path for path in model.files.values()})


def _run_versions(
    screenplay: Screenplay,
    dialogue: ScratchDialogue,
    plan: ShotPlan,
    cut: Timeline,
    config: ProjectConfig,
    build_dir: Path,
    runtime: Runtime,
) -> Versions:
    return localize_film(screenplay, dialogue, plan, cut, config, build_dir)


def _version_files(model: Versions, build_dir: Path, *_: object) -> list[Path]:
    files = set()
    for version in model.languages:
        files |= {build_dir / path for path in version.files.values()}
        files |= {build_dir / p for line in version.lines for p in (line.audio, line.visemes)}
    return sorted(files)


CUT_STAGE = Stage(
    name="cut",
    version="1",
    model=Timeline,
    run=_run_cut,
    inputs=("screenplay", "world", "dialogue", "shots", "render"),
    config_keys=("cut", "title"),
    exports=_files,
    reads_previous=True,
    makes_files=True,
)

VERSIONS_STAGE = Stage(
    name="versions",
    version="1",
    model=Versions,
    run=_run_versions,
    inputs=("screenplay", "dialogue", "shots", "cut"),
    config_keys=("title",),
    key_extra=translations_key,
    exports=_version_files,
    makes_files=True,
)
