"""Shared fixtures. `../shared/` is reached only through `shared_dir`, which skips when absent."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from backlot.errors import BacklotError
from backlot.render import voice as voice_module

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


def shared_root() -> Path | None:
    """Where `shared/` lies: $BACKLOT_SHARED, else beside the checkout; None when absent."""
    root = Path(os.environ.get("BACKLOT_SHARED", REPO.parent / "shared"))
    return root if (root / "corpus").is_dir() else None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    root = shared_root()
    if root is None:
        pytest.skip("../shared/corpus is absent (set BACKLOT_SHARED to its folder)")
    return root


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpus"


TEST_FRAME_SIZE = (64, 36)
"""Takes of the example in tests: every frame is still drawn, encoded and cut, but small."""


def copy_example(folder: Path) -> Path:
    """A fresh copy of the bundled example in `folder` (its build/ left behind), rendering
    at TEST_FRAME_SIZE; the script."""
    shutil.copytree(EXAMPLES / "night_run", folder, ignore=shutil.ignore_patterns("build"))
    with (folder / "backlot.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[render]\nsize = [{}, {}]\n".format(*TEST_FRAME_SIZE))
    return folder / "script.fountain"


@pytest.fixture
def film(tmp_path: Path) -> Path:
    """The bundled example copied into tmp, so builds write there."""
    return copy_example(tmp_path / "film")


def _espeak_missing() -> str | None:
    try:
        voice_module._load()
    except BacklotError as exc:
        return str(exc)
    return None


_ESPEAK_MISSING = _espeak_missing()
needs_espeak = pytest.mark.skipif(
    _ESPEAK_MISSING is not None, reason=f"libespeak-ng cannot be loaded: {_ESPEAK_MISSING}"
)
"""Tests that speak: skipped, with the reason, where libespeak-ng is not installed."""
