"""Reading a script file safely: size limit, binary detection, encodings, format sniffing."""

from __future__ import annotations

import codecs
from pathlib import Path

from backlot.errors import ScriptError
from backlot.fileio import read_input
from backlot.script.fdx import read_fdx
from backlot.script.fountain import parse_fountain
from backlot.script.models import Screenplay

# A 300-page feature in Fountain is about 300 kB; FDX about 1.5 MB. Anything past this is
# not a screenplay, and reading it whole would only waste memory.
MAX_SCRIPT_BYTES = 20 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_script(data: bytes, path: str) -> tuple[str, list[str]]:
    """Text of a script file and any warnings about how it was decoded.

    UTF-8 and BOM-marked UTF-16/32 decode silently; anything else is read as Windows-1252
    (what older screenwriting tools on Windows wrote) with a warning.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), []
            except UnicodeDecodeError as exc:
                raise ScriptError(f"invalid {codec} text ({exc.reason})", path) from None
    if b"\x00" in data[:8192]:
        raise ScriptError("binary file, not a screenplay (NUL bytes)", path)
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        warning = f"line {line}: not UTF-8; decoded as Windows-1252"
    # cp1252 leaves five bytes undefined; latin-1 maps every byte, so it is the last resort.
    try:
        return data.decode("cp1252"), [warning]
    except UnicodeDecodeError:
        return data.decode("latin-1"), [warning.replace("Windows-1252", "Latin-1")]


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing what is missing, unreadable, oversized or empty."""
    return read_input(path, MAX_SCRIPT_BYTES, "script", ScriptError)


def is_fdx(path: Path, data: bytes) -> bool:
    """Final Draft by extension, or XML whose root is FinalDraft."""
    if path.suffix.lower() == ".fdx":
        return True
    head = data[:512].lstrip(codecs.BOM_UTF8).lstrip()
    return head.startswith(b"<?xml") or head.startswith(b"<FinalDraft")


def read_script(path: Path) -> tuple[Screenplay, list[str]]:
    """Parse a Fountain or Final Draft file; returns the screenplay and its warnings (how it
    was decoded, repeated scene numbers), each led by the line it concerns."""
    data = read_bytes(path)
    if is_fdx(path, data):
        return read_fdx(data, str(path)), []
    text, warnings = decode_script(data, str(path))
    if not text.strip():
        raise ScriptError("empty script", path)
    screenplay = parse_fountain(text, str(path))
    if not screenplay.elements and not screenplay.title_page:
        raise ScriptError("no screenplay content found", path)
    return screenplay, warnings + screenplay.warnings
