"""The build spine: a film is a folder; stages run in order, cached by content hash.

A stage's cache key is the hash of its name and version, the hashes of its inputs (the
script's bytes, or upstream outputs' JSON) and the config sections it reads. A stage whose
key matches the last run's, with its output file intact, is not run again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from backlot import script
from backlot.config import load_config, validate_config
from backlot.errors import BacklotError
from backlot.fileio import atomic_write
from backlot.stage import Runtime, Stage

CONFIG_FILE = "backlot.toml"
CACHE_FILE = ".backlot-cache.json"

STAGE_NAMES = (
    "screenplay",
    "breakdown",
    "world",
    "dialogue",
    "shots",
    "render",
    "cut",
    "versions",
)


@cache
def stages() -> tuple[Stage, ...]:
    """The stages in build order, named as in STAGE_NAMES.

    Imported on first use: the later stages load USD, numpy, the renderer and OTIO, which a
    command that runs only the breakdown (or prints its help) should not wait for.
    """
    from backlot.breakdown import STAGE as BREAKDOWN
    from backlot.camera.stage import STAGE as SHOTS
    from backlot.edit.stage import CUT_STAGE, VERSIONS_STAGE
    from backlot.render.stage import DIALOGUE_STAGE
    from backlot.render.stage import STAGE as RENDER
    from backlot.world.stage import STAGE as WORLD

    return (
        script.STAGE,
        BREAKDOWN,
        WORLD,
        DIALOGUE_STAGE,
        SHOTS,
        RENDER,
        CUT_STAGE,
        VERSIONS_STAGE,
    )


def to_json(model: BaseModel) -> str:
    """The canonical JSON of a stage output: stable key order, so equal models hash equal."""
    return model.model_dump_json(indent=1) + "\n"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(path: Path) -> str:
    """The hash of a file a stage says it wrote; one it did not write is a clear error."""
    try:
        return _sha(path.read_bytes())
    except OSError as exc:
        raise BacklotError(f"a stage did not leave this file ({exc.strerror})", path) from None


@dataclass
class StageResult:
    """What one stage did in a build."""

    name: str
    ran: bool
    output: Path
    exports: list[Path] = field(default_factory=list)


@dataclass
class BuildReport:
    """The stages of one build, in order, and whether each ran or came from the cache."""

    build_dir: Path
    stages: list[StageResult]

    @property
    def ran(self) -> list[str]:
        return [s.name for s in self.stages if s.ran]


class Project:
    """A film folder: its script, its config and its build folder."""

    def __init__(self, script_path: Path, build_dir: Path | None = None) -> None:
        self.script = script_path
        self.root = script_path.resolve().parent
        self.config_path = self.root / CONFIG_FILE
        self.config = load_config(self.config_path).model_copy(update={"root": self.root})
        self.build_dir = build_dir or self.root / "build"

    def override(self, values: dict[str, object]) -> None:
        """Settings given on the command line win over backlot.toml's."""
        if values:
            merged = validate_config(self.config.model_dump() | values, "command line")
            self.config = merged.model_copy(update={"root": self.root})

    def _cache(self) -> dict[str, dict[str, Any]]:
        try:
            return json.loads((self.build_dir / CACHE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _config_hash(self, stage: Stage) -> str:
        config = self.config.model_dump(mode="json")
        return _sha(json.dumps({k: config.get(k) for k in stage.config_keys}).encode())

    def build(
        self,
        force: Iterable[str] = (),
        on_stage: Callable[[str], None] | None = None,
        runtime: Runtime | None = None,
        until: str | None = None,
    ) -> BuildReport:
        """Run every stage whose inputs changed (and those in `force`), up to and including
        `until` if given; return what ran."""
        forced = set(force)
        unknown = (forced | ({until} if until else set())) - set(STAGE_NAMES)
        if unknown:
            raise BacklotError(
                f"unknown stage {sorted(unknown)[0]!r} (stages: {', '.join(STAGE_NAMES)})"
            )
        script_bytes = script.read_bytes(self.script)
        cache = self._cache()
        hashes: dict[str, str] = {}
        outputs: dict[str, BaseModel] = {}
        results: list[StageResult] = []
        for stage in stages():
            if on_stage:
                on_stage(stage.name)
            # The first stage reads the script: its bytes, and its name (the suffix picks
            # the reader; the name is recorded in the output).
            inputs = [hashes[name] for name in stage.inputs] or [
                _sha(script_bytes),
                self.script.name,
            ]
            extra = stage.key_extra(self.config) if stage.key_extra else None
            key = _sha(
                json.dumps(
                    [stage.name, stage.version, inputs, self._config_hash(stage), extra]
                ).encode()
            )
            out_path = self.build_dir / stage.output
            entry = cache.get(stage.name, {})
            if stage.name not in forced and self._intact(entry, key, out_path):
                hashes[stage.name] = entry["output"]
                results.append(StageResult(stage.name, False, out_path))
                if stage.name == until:
                    break
                continue
            args = [self.load_output(name, outputs) for name in stage.inputs] or [self.script]
            extra_args: dict[str, Any] = {}
            if stage.reads_previous:
                extra_args["previous"] = self._previous(stage)
            if stage.makes_files:
                extra_args |= {"build_dir": self.build_dir, "runtime": runtime or Runtime()}
            model = stage.run(*args, self.config, **extra_args)
            outputs[stage.name] = model
            text = to_json(model)
            # Exports first: the output (and the cache entry) only once everything derived
            # from it is on disk, so a failed export never leaves a "done" stage behind.
            exports = (
                stage.exports(model, self.build_dir, self.config, *args) if stage.exports else []
            )
            atomic_write(out_path, text)
            hashes[stage.name] = _sha(text.encode())
            cache[stage.name] = {
                "key": key,
                "output": hashes[stage.name],
                "exports": {str(p.relative_to(self.build_dir)): _file_sha(p) for p in exports},
            }
            atomic_write(self.build_dir / CACHE_FILE, json.dumps(cache, indent=1))
            results.append(StageResult(stage.name, True, out_path, exports))
            if stage.name == until:
                break
        return BuildReport(self.build_dir, results)

    def _intact(self, entry: dict[str, Any], key: str, out_path: Path) -> bool:
        """A cached stage counts only if its key matches and its files are as it left them."""
        if entry.get("key") != key or not out_path.is_file():
            return False
        if _sha(out_path.read_bytes()) != entry.get("output"):
            return False
        for name, digest in entry.get("exports", {}).items():
            path = self.build_dir / name
            if not path.is_file() or _sha(path.read_bytes()) != digest:
                return False
        return True

    def _previous(self, stage: Stage) -> BaseModel | None:
        """The stage's last output, if there is a readable one."""
        try:
            return stage.model.model_validate_json((self.build_dir / stage.output).read_bytes())
        except (OSError, ValueError):
            return None

    def load_output(self, name: str, outputs: dict[str, BaseModel] | None = None) -> BaseModel:
        """A stage's output: from this build's `outputs`, else from its JSON on disk."""
        outputs = {} if outputs is None else outputs
        if name not in outputs:
            stage = next(s for s in stages() if s.name == name)
            path = self.build_dir / stage.output
            outputs[name] = stage.model.model_validate_json(path.read_bytes())
        return outputs[name]

    def clean(self) -> bool:
        """Delete the build folder, but only one that Backlot made (it holds the cache)."""
        if not (self.build_dir / CACHE_FILE).is_file():
            return False
        shutil.rmtree(self.build_dir)
        return True
