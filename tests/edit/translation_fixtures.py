"""The translations written for these tests (tests/edit/translations/*.toml), checked against
the dialogue list a build made before they are used.

Each toml table is a dialogue line id with the `source_sha256` of the words it was translated
from (the first 16 hex digits of the SHA-256 of the line, its whitespace collapsed) and one
key per language. A line whose words changed, or one the file lacks, fails the test that
asked rather than passing a stale translation along.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import pytest

from backlot.edit.models import DialogueList, Translation

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
SCRIPT = "brick_and_steel"


def source_sha256(text: str) -> str:
    """The fingerprint a toml table keeps of the words it was translated from."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def load_test_translation(
    dialogue: DialogueList, language: str, script: str = SCRIPT
) -> Translation:
    """`language`'s translation of every line of `dialogue`, from `<script>.toml`."""
    path = TRANSLATIONS / f"{script}.toml"
    with path.open("rb") as file:
        tables = tomllib.load(file)
    lines: dict[str, str] = {}
    for line in dialogue.lines:
        table = tables.get(line.id)
        if table is None:
            pytest.fail(f"{path.name}: no translation of line {line.id!r} ({line.text!r})")
        if table.get("source_sha256") != source_sha256(line.text):
            pytest.fail(
                f"{path.name}: line {line.id!r} was translated from other words than the "
                f"script's ({line.text!r} now): translate it again and update source_sha256"
            )
        text = table.get(language)
        if not isinstance(text, str) or not text.strip():
            pytest.fail(f"{path.name}: line {line.id!r} has no {language!r} translation")
        lines[line.id] = text
    return Translation(language=language, lines=lines)
