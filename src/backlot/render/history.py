"""Earlier takes: when a shot's inputs change, its last take is kept, not overwritten.

A shot's folder holds its current take; `takes/<n>/` holds take n as it was when the shot
moved on (another lens, another move). The take number lives in each take's stamp, so the
folders on disk are the whole record: numbers are never reused, and a shot whose inputs
come back to an earlier take's gets that take back instead of being drawn again.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from backlot.errors import BacklotError

TAKES_DIR = "takes"


def stamp(folder: Path) -> dict | None:
    """A take folder's stamp ({"inputs": hash, "take": n}), or None without a readable one."""
    try:
        data = json.loads((folder / "take.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("inputs"), str) else None


def complete(folder: Path, files: list[str]) -> bool:
    return stamp(folder) is not None and all((folder / name).is_file() for name in files)


def earlier(folder: Path, files: list[str]) -> dict[int, dict]:
    """The shot's shelved takes: number → stamp."""
    shelf = folder / TAKES_DIR
    found: dict[int, dict] = {}
    if shelf.is_dir():
        for entry in shelf.iterdir():
            if entry.name.isdigit() and complete(entry, files):
                found[int(entry.name)] = stamp(entry)  # type: ignore[assignment]
    return dict(sorted(found.items()))


def next_number(folder: Path) -> int:
    """A take number the shot never had: one past every shelved take and the current one."""
    used = [0]
    shelf = folder / TAKES_DIR
    if shelf.is_dir():
        used += [int(entry.name) for entry in shelf.iterdir() if entry.name.isdigit()]
    current = stamp(folder)
    if current and isinstance(current.get("take"), int):
        used.append(current["take"])
    return max(used) + 1


def _move(source: Path, target: Path, files: list[str]) -> None:
    try:
        for name in files:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source / name, target / name)
    except OSError as exc:
        raise BacklotError(f"cannot move a take ({exc.strerror or exc})", source) from None


def shelve(folder: Path, files: list[str]) -> None:
    """Move the shot's current take (`files` and its stamp) to `takes/<its number>/`."""
    current = stamp(folder) or {}
    number = current.get("take") if isinstance(current.get("take"), int) else None
    number = number or next_number(folder)
    target = folder / TAKES_DIR / str(number)
    if target.exists():  # a half-moved take from an interrupted run: the current one wins
        shutil.rmtree(target)
    _move(folder, target, [*files, "take.json"])


def unshelve(folder: Path, number: int, files: list[str]) -> None:
    """Make shelved take `number` the shot's current take again."""
    source = folder / TAKES_DIR / str(number)
    _move(source, folder, [*files, "take.json"])
    shutil.rmtree(source, ignore_errors=True)
