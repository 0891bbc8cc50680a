"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from backlot.errors import BacklotError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


def read_input(
    path: Path, max_bytes: int, what: str, error: type[BacklotError] = BacklotError
) -> bytes:
    """The bytes of an input file, refusing (as one `error` naming it) what is missing,
    not a file, unreadable, larger than `max_bytes` or empty; `what` ('script') names it."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise error("not a file", path)
        if size > max_bytes:
            raise error(
                f"file too large ({size / 1e6:.1f} MB; a {what} is under {max_bytes / 1e6:.0f} MB)",
                path,
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise error("no such file", path) from None
    except OSError as exc:
        raise error(f"cannot read ({exc.strerror or exc})", path) from None
    if not data.strip():
        raise error(f"empty {what}", path)
    return data


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write `data` to `path` through a temporary file and a rename: never half-written.

    A failure to write (no such folder, a file in the way, no permission, a full disk) is
    the user's to fix: it is reported as a BacklotError naming the path.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".tmp")
    except OSError as exc:
        raise BacklotError(f"cannot write ({exc.strerror or exc})", path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        # mkstemp makes the file private; a build's outputs are as readable as any file.
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BacklotError(f"cannot write ({exc.strerror or exc})", path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
