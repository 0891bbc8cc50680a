"""The one error type users see: a message that names the file (and line) at fault."""

from __future__ import annotations

from pathlib import Path


class BacklotError(Exception):
    """Bad input or a failed step, reported to the user as one line; the CLI exits with 2."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class ScriptError(BacklotError):
    """A screenplay that cannot be read: empty, binary, too large, malformed or hostile."""
