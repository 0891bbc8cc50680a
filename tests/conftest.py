"""Shared fixtures. `../shared/` is reached only through `shared_dir`, which skips when absent."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

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


@pytest.fixture
def film(tmp_path: Path) -> Path:
    """A fresh copy of the bundled example (its build/ left behind), so builds write in tmp."""
    shutil.copytree(
        EXAMPLES / "night_run", tmp_path / "film", ignore=shutil.ignore_patterns("build")
    )
    return tmp_path / "film" / "script.fountain"
