"""script/: a Fountain or Final Draft file → the Screenplay model (paginated)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from backlot.script.models import Screenplay
from backlot.script.pagination import paginate, with_pages
from backlot.script.source import read_bytes, read_script
from backlot.stage import Stage

if TYPE_CHECKING:
    from backlot.config import ProjectConfig

__all__ = ["STAGE", "Screenplay", "load", "read_bytes", "run"]


def load(path: Path) -> tuple[Screenplay, list[str]]:
    """Read and paginate a script: every scene gets its start page and eighths."""
    screenplay, warnings = read_script(path)
    return with_pages(screenplay, paginate(screenplay)), warnings


def run(path: Path, config: ProjectConfig) -> Screenplay:
    """The stage: parse and paginate the project's script."""
    screenplay, warnings = load(path)
    # The file name, not the absolute path, so the JSON is the same on every machine.
    return screenplay.model_copy(update={"source": path.name, "warnings": warnings})


STAGE = Stage(name="screenplay", version="4", model=Screenplay, run=run)
