"""What a stage declares to the build spine: its name, version, inputs and function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class Runtime:
    """How a build runs, not what it makes: never part of a cache key."""

    jobs: int = 1
    """Worker processes for stages that fan out (rendering)."""
    progress: Callable[[str, int, int], None] | None = None
    """Called as (what, done, total) while a long stage works."""


@dataclass(frozen=True)
class Stage:
    """One arrow of the pipeline (DESIGN.md): typed inputs and config → one typed output.

    `run` takes the outputs of `inputs` in order (the first stage takes the script's path),
    then the project config, and returns `model`. Bump `version` whenever the computation
    changes, so cached outputs of the old code are not reused.
    """

    name: str
    version: str
    model: type[BaseModel]
    run: Callable[..., BaseModel]
    inputs: tuple[str, ...] = ()
    # The backlot.toml sections the stage reads; only these enter its cache key.
    config_keys: tuple[str, ...] = ()
    # What else the stage reads from outside the build (the asset library), as a value
    # that changes when it does; it enters the cache key too.
    key_extra: Callable[[Any], object] | None = None
    # The stage also gets its own last output (or None), as `previous=`: ids that must
    # survive a revision are matched against it. It is not part of the cache key.
    reads_previous: bool = False
    # Derived files (PDF, HTML, CSV…) written from the output into the build folder:
    # called with the output, the build folder, the project config (for what lies outside
    # the build, like the library) and the stage's inputs (a plot may draw the set).
    exports: Callable[..., list[Path]] | None = None
    # The stage makes files as it computes (audio, rendered takes): `run` also gets
    # `build_dir=` and `runtime=`, and its exports list what it made.
    makes_files: bool = False

    @property
    def output(self) -> str:
        return f"{self.name}.json"
