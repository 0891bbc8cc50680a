"""Running the real `backlot` command, as a user would, for exit codes and stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def backlot(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backlot", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )
