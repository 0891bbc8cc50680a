"""The dialogue list a translator works from, out as CSV or XLIFF 2.0 and back in.

A translation comes back checked line by line: a unit whose id the list does not have, or
whose source text is no longer the script's (the line was rewritten since the list was
exported), is refused with the file and line where it stands, and nothing is taken from a
file with a refused line. XLIFF 2.0: OASIS XLIFF Version 2.0 (2014), core elements only.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

from backlot.camera.models import ShotPlan
from backlot.edit.models import DialogueLine, DialogueList, Translation
from backlot.errors import BacklotError
from backlot.fileio import read_input
from backlot.render.models import ScratchDialogue
from backlot.render.overlay import timecode
from backlot.safexml import parse_xml
from backlot.world.models import World

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
MAX_BYTES = 20_000_000
CSV_COLUMNS = (
    "id",
    "scene",
    "shot",
    "character",
    "timecode_in",
    "timecode_out",
    "text",
    "translation",
)


def dialogue_list(
    dialogue: ScratchDialogue, plan: ShotPlan, world: World, language: str
) -> DialogueList:
    """Every spoken line placed on the planned film: in and out frames, and its shot."""
    names = {c.id: c.name for c in world.characters}
    timings = {t.scene: t for t in plan.scenes}
    offsets, at = {}, 0
    for timing in plan.scenes:
        offsets[timing.scene], at = at, at + timing.frames
    shots: dict[str, list] = {}
    for shot in plan.shots:
        shots.setdefault(shot.scene, []).append(shot)
    lines = []
    for line in dialogue.lines:
        start = timings[line.scene].element_frames[line.element][0]
        shot = next(
            (
                s
                for s in shots.get(line.scene, [])
                if s.start_frame <= start < s.start_frame + s.frames
            ),
            None,
        )
        record_in = offsets[line.scene] + start
        lines.append(
            DialogueLine(
                id=line.id,
                scene=line.scene,
                shot=shot.id if shot else "",
                character=names.get(line.character, line.character),
                text=line.text,
                record_in=record_in,
                record_out=record_in + max(1, round(line.duration_s * plan.fps)),
            )
        )
    return DialogueList(fps=plan.fps, language=language, lines=lines)


def dialogue_csv(dialogue: DialogueList, translation: Translation | None = None) -> str:
    """The list as CSV (UTF-8, a header row), with a translation column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    done = translation.lines if translation else {}
    for line in dialogue.lines:
        writer.writerow(
            [
                line.id,
                line.scene,
                line.shot,
                line.character,
                timecode(line.record_in, dialogue.fps),
                timecode(line.record_out, dialogue.fps),
                line.text,
                done.get(line.id, ""),
            ]
        )
    return buffer.getvalue()


def dialogue_xliff(
    dialogue: DialogueList,
    target_language: str | None = None,
    translation: Translation | None = None,
) -> str:
    """The list as an XLIFF 2.0 document: a unit per line with its character, scene, shot
    and timecodes as notes, and the translation's targets where given."""
    ET.register_namespace("", XLIFF_NS)
    q = f"{{{XLIFF_NS}}}"
    root = ET.Element(f"{q}xliff", {"version": "2.0", "srcLang": dialogue.language})
    if target_language:
        root.set("trgLang", target_language)
    file = ET.SubElement(root, f"{q}file", {"id": "dialogue"})
    done = translation.lines if translation else {}
    for line in dialogue.lines:
        unit = ET.SubElement(file, f"{q}unit", {"id": line.id})
        notes = ET.SubElement(unit, f"{q}notes")
        for category, value in (
            ("character", line.character),
            ("scene", line.scene),
            ("shot", line.shot),
            ("timecode_in", timecode(line.record_in, dialogue.fps)),
            ("timecode_out", timecode(line.record_out, dialogue.fps)),
        ):
            ET.SubElement(notes, f"{q}note", {"category": category}).text = value
        segment = ET.SubElement(unit, f"{q}segment")
        ET.SubElement(segment, f"{q}source").text = line.text
        if line.id in done:
            ET.SubElement(segment, f"{q}target").text = done[line.id]
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def read_translation(
    path: Path, dialogue: DialogueList, language: str | None = None, strict: bool = True
) -> Translation:
    """A translated dialogue list (`.csv`, `.xlf` or `.xliff`), checked against `dialogue`.

    Refused, as one error naming the file and line: an id the list lacks, a source that is
    not the line's current text, a missing or empty target, a repeated id, and any file
    that is not well-formed, safe XLIFF 2.0 (or CSV with the export's columns). Lines the
    file leaves out are simply untranslated. `language` (the file name's, say) must agree
    with the file's own. Not `strict` (a build reading a translation the script has since
    moved past), units for lines that are gone or rewritten are left out instead."""
    data = read_input(path, MAX_BYTES, "translation file")
    if path.suffix.lower() == ".csv":
        found, stated = _read_csv(data, path), None
    else:
        found, stated = _read_xliff(data, path)
    if stated and language and stated.lower() != language.lower():
        raise BacklotError(f"the file is in {stated!r}, not {language!r}", path)
    language = stated or language
    if not language:
        raise BacklotError("which language? (the file says none: give --lang)", path)
    originals = {line.id: line.text for line in dialogue.lines}
    lines: dict[str, str] = {}
    for line_no, line_id, source, target in found:
        if line_id in lines:
            raise BacklotError(f"line {line_id!r} is translated twice", path, line_no)
        stale = line_id not in originals or (
            source is not None and not _same(source, originals[line_id])
        )
        if stale and not strict:
            continue
        if line_id not in originals:
            raise BacklotError(f"no line {line_id!r} in the dialogue list", path, line_no)
        if source is not None and not _same(source, originals[line_id]):
            raise BacklotError(
                f"line {line_id!r} was translated from other words than the script's "
                f"({source[:40]!r}, now {originals[line_id][:40]!r}): export the list again",
                path,
                line_no,
            )
        if not target.strip():
            raise BacklotError(f"line {line_id!r} has no translation", path, line_no)
        lines[line_id] = " ".join(target.split())
    return Translation(language=language, lines=lines)


def _read_csv(data: bytes, path: Path) -> list[tuple[int, str, str | None, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BacklotError(f"not UTF-8 (byte {exc.start})", path) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = {"id", "text", "translation"} - set(reader.fieldnames or [])
    if missing:
        raise BacklotError(f"no {sorted(missing)[0]!r} column (export the list again)", path, 1)
    try:
        return [
            (reader.line_num, row["id"] or "", row["text"], row["translation"] or "")
            for row in reader
            if any((value or "").strip() for value in row.values() if isinstance(value, str))
        ]
    except csv.Error as exc:
        raise BacklotError(f"malformed CSV ({exc})", path, reader.line_num) from None


def _read_xliff(data: bytes, path: Path) -> tuple[list[tuple[int, str, str | None, str]], str]:
    q = f"{{{XLIFF_NS}}}"
    root, builder = parse_xml(data, str(path), frozenset({f"{q}unit"}), "an XLIFF file")
    if root.tag != f"{q}xliff" or root.get("version") != "2.0":
        raise BacklotError(
            f"not an XLIFF 2.0 document (root <{root.tag}> version {root.get('version')!r})",
            path,
            builder.root_line,
        )
    found = []
    for unit in root.iter(f"{q}unit"):
        line_no = builder.lines.get(id(unit), 0)
        segments = unit.findall(f"{q}segment")
        source = "".join(
            "".join(s.find(f"{q}source").itertext())
            for s in segments
            if s.find(f"{q}source") is not None
        )
        target = "".join(
            "".join(s.find(f"{q}target").itertext())
            for s in segments
            if s.find(f"{q}target") is not None
        )
        found.append((line_no, unit.get("id") or "", source, target))
    return found, root.get("trgLang") or ""
