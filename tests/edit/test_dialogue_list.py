"""The dialogue list out to a translator (CSV, XLIFF 2.0) and back: round trips, the checks
that refuse a stale or broken file at the line where it goes wrong, hostile XML, and the
translations kept for Brick & Steel and for the bundled example."""

from __future__ import annotations

import re
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET

from backlot.camera.models import ShotPlan
from backlot.edit.dialogue_list import (
    XLIFF_NS,
    dialogue_csv,
    dialogue_list,
    dialogue_xliff,
    read_translation,
)
from backlot.edit.models import DialogueLine, DialogueList, Translation
from backlot.errors import BacklotError
from backlot.render.models import ScratchDialogue
from backlot.world.models import World
from tests.conftest import EXAMPLES, copy_example
from tests.edit.translation_fixtures import load_test_translation

Q = f"{{{XLIFF_NS}}}"
TIMECODE = r"^\d\d:\d\d:\d\d:\d\d$"


def make_list() -> DialogueList:
    return DialogueList(
        fps=24,
        language="en",
        lines=[
            DialogueLine(
                id="1-2",
                scene="1",
                shot="1A",
                character="MAYA",
                text="Still here. Still wet.",
                record_in=30,
                record_out=78,
            ),
            DialogueLine(
                id="1-4",
                scene="1",
                shot="1B",
                character="LEO",
                text='Drive! "Please", just drive & go <now>.',
                record_in=90,
                record_out=150,
            ),
            DialogueLine(
                id="2-3",
                scene="2",
                shot="2A",
                character="RUTH",
                text="And who's this?",
                record_in=24 * 3600 + 5,
                record_out=24 * 3602,
            ),
        ],
    )


FRENCH = {
    "1-2": "Toujours là. Toujours trempée.",
    "1-4": "Roule ! « S'il te plaît », roule & file <vite>.",
    "2-3": "Et lui, c'est qui ?",
}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of `text` holding the `nth` occurrence of `needle`."""
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1


def refused(path: Path, dialogue: DialogueList, language: str | None = "fr") -> BacklotError:
    with pytest.raises(BacklotError) as caught:
        read_translation(path, dialogue, language)
    return caught.value


def assert_at(error: BacklotError, path: Path, line: int, words: str) -> None:
    assert error.line == line, str(error)
    assert str(error).startswith(f"{path}:{line}: "), str(error)
    assert words in error.message, str(error)


# --- round trips ---------------------------------------------------------------------------


def test_xliff_round_trip(tmp_path: Path) -> None:
    dialogue = make_list()
    path = write(
        tmp_path / "fr.xlf",
        dialogue_xliff(dialogue, "fr", Translation(language="fr", lines=FRENCH)),
    )
    assert read_translation(path, dialogue, "fr") == Translation(language="fr", lines=FRENCH)
    # The file names its own language: none needs giving.
    assert read_translation(path, dialogue).language == "fr"


def test_xliff_filled_in_by_hand(tmp_path: Path) -> None:
    """An exported list without targets, filled in the way a translator's tool would."""
    dialogue = make_list()
    root = SafeET.fromstring(dialogue_xliff(dialogue, "fr").encode("utf-8"))
    for unit in root.iter(f"{Q}unit"):
        segment = unit.find(f"{Q}segment")
        assert segment.find(f"{Q}target") is None
        target = ET.SubElement(segment, f"{Q}target")
        target.text = "  " + FRENCH[unit.get("id")].replace(" ", "\n   ") + "\n"
    path = tmp_path / "fr.xliff"
    path.write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    # Whitespace the translator's tool wrapped lines with is collapsed back.
    assert read_translation(path, dialogue, "FR").lines == FRENCH


def test_csv_round_trip(tmp_path: Path) -> None:
    dialogue = make_list()
    exported = dialogue_csv(dialogue)
    header, *rows = exported.splitlines()
    assert header == "id,scene,shot,character,timecode_in,timecode_out,text,translation"
    assert rows[0] == "1-2,1,1A,MAYA,00:00:01:06,00:00:03:06,Still here. Still wet.,"
    path = write(
        tmp_path / "fr.csv", dialogue_csv(dialogue, Translation(language="fr", lines=FRENCH))
    )
    assert read_translation(path, dialogue, "fr") == Translation(language="fr", lines=FRENCH)


def test_csv_needs_a_language(tmp_path: Path) -> None:
    dialogue = make_list()
    path = write(
        tmp_path / "list.csv", dialogue_csv(dialogue, Translation(language="fr", lines=FRENCH))
    )
    error = refused(path, dialogue, None)
    assert "which language" in error.message and str(error).startswith(f"{path}: ")


def test_partial_translation_is_accepted(tmp_path: Path) -> None:
    dialogue = make_list()
    some = {"1-4": FRENCH["1-4"]}
    part = DialogueList(fps=24, language="en", lines=[dialogue.lines[1]])
    xlf = write(
        tmp_path / "fr.xlf", dialogue_xliff(part, "fr", Translation(language="fr", lines=some))
    )
    csv = write(tmp_path / "fr.csv", dialogue_csv(part, Translation(language="fr", lines=some)))
    for path in (xlf, csv):
        assert read_translation(path, dialogue, "fr").lines == some


# --- the XLIFF document --------------------------------------------------------------------


def test_xliff_is_xliff_2(tmp_path: Path) -> None:
    dialogue = make_list()
    text = dialogue_xliff(dialogue, "fr", Translation(language="fr", lines=FRENCH))
    assert text.startswith("<?xml")
    root = SafeET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{Q}xliff"
    assert root.get("version") == "2.0"
    assert root.get("srcLang") == "en" and root.get("trgLang") == "fr"
    files = root.findall(f"{Q}file")
    assert len(files) == 1 and files[0].get("id")
    units = files[0].findall(f"{Q}unit")
    assert [u.get("id") for u in units] == ["1-2", "1-4", "2-3"]
    for unit, line in zip(units, dialogue.lines, strict=True):
        notes = {n.get("category"): n.text for n in unit.iter(f"{Q}note")}
        assert notes["character"] == line.character
        assert notes["scene"] == line.scene and notes["shot"] == line.shot
        for key in ("timecode_in", "timecode_out"):
            assert re.match(TIMECODE, notes[key]), notes[key]
        assert unit.find(f"{Q}segment/{Q}source").text == line.text
        assert unit.find(f"{Q}segment/{Q}target").text == FRENCH[line.id]
    notes = {n.get("category"): n.text for n in units[0].iter(f"{Q}note")}
    assert (notes["timecode_in"], notes["timecode_out"]) == ("00:00:01:06", "00:00:03:06")
    notes = {n.get("category"): n.text for n in units[2].iter(f"{Q}note")}
    assert (notes["timecode_in"], notes["timecode_out"]) == ("01:00:00:05", "01:00:02:00")


def test_xliff_without_target_language_or_translation() -> None:
    root = SafeET.fromstring(dialogue_xliff(make_list()).encode("utf-8"))
    assert root.get("srcLang") == "en" and root.get("trgLang") is None
    assert not list(root.iter(f"{Q}target"))


# --- refusals, each at its line ------------------------------------------------------------


@pytest.fixture
def exported() -> tuple[DialogueList, str]:
    dialogue = make_list()
    return dialogue, dialogue_xliff(dialogue, "fr", Translation(language="fr", lines=FRENCH))


def test_unknown_id_refused(tmp_path: Path, exported: tuple[DialogueList, str]) -> None:
    dialogue, text = exported
    path = write(tmp_path / "fr.xlf", text.replace('<unit id="1-4">', '<unit id="9-9">'))
    assert_at(refused(path, dialogue), path, line_of(text, '<unit id="1-4">'), "no line '9-9'")


def test_changed_source_refused(tmp_path: Path, exported: tuple[DialogueList, str]) -> None:
    dialogue, text = exported
    path = write(
        tmp_path / "fr.xlf", text.replace("<source>And who's this?", "<source>And who's that?")
    )
    error = refused(path, dialogue)
    assert_at(error, path, line_of(text, '<unit id="2-3">'), "other words")


def test_source_whitespace_is_not_a_change(
    tmp_path: Path, exported: tuple[DialogueList, str]
) -> None:
    dialogue, text = exported
    path = write(tmp_path / "fr.xlf", text.replace("Still here. Still", "Still\n  here.  Still"))
    assert read_translation(path, dialogue, "fr").lines == FRENCH


def test_empty_target_refused(tmp_path: Path, exported: tuple[DialogueList, str]) -> None:
    dialogue, text = exported
    path = write(
        tmp_path / "fr.xlf", text.replace(f"<target>{FRENCH['2-3']}</target>", "<target> </target>")
    )
    assert_at(refused(path, dialogue), path, line_of(text, '<unit id="2-3">'), "no translation")


def test_duplicate_id_refused(tmp_path: Path, exported: tuple[DialogueList, str]) -> None:
    dialogue, text = exported
    path = write(tmp_path / "fr.xlf", text.replace('<unit id="2-3">', '<unit id="1-2">'))
    # The second unit with the id is the one refused; its source no longer matters.
    path.write_text(
        path.read_text(encoding="utf-8").replace("And who's this?", "Still here. Still wet."),
        encoding="utf-8",
    )
    error = refused(path, dialogue)
    assert_at(error, path, line_of(text, '<unit id="2-3">'), "translated twice")


@pytest.mark.parametrize(
    "document",
    [
        '<?xml version="1.0"?>\n<!-- a web page -->\n<html lang="fr">\n<body/>\n</html>\n',
        f'<?xml version="1.0"?>\n\n<xliff xmlns="{XLIFF_NS}" version="1.2" trgLang="fr">\n'
        "</xliff>\n",
        '<?xml version="1.0"?>\n\n<xliff version="2.0" trgLang="fr"></xliff>\n',
    ],
)
def test_wrong_root_refused(tmp_path: Path, document: str) -> None:
    path = write(tmp_path / "fr.xlf", document)
    assert_at(refused(path, make_list()), path, 3, "not an XLIFF 2.0 document")


def test_malformed_xml_refused(tmp_path: Path, exported: tuple[DialogueList, str]) -> None:
    dialogue, text = exported
    line = line_of(text, "<source>And who's this?</source>")
    path = write(
        tmp_path / "fr.xlf",
        text.replace("<source>And who's this?</source>", "<source>And who's this?</sauce>"),
    )
    assert_at(refused(path, dialogue), path, line, "malformed XML")


def test_not_xml_at_all_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "fr.xlf", "id,text,translation\n1-2,Still here.,Toujours là.\n")
    assert_at(refused(path, make_list()), path, 1, "malformed XML")


def test_language_disagreement_refused(tmp_path: Path, exported: tuple[DialogueList, str]) -> None:
    dialogue, text = exported
    path = write(tmp_path / "es.xlf", text)
    error = refused(path, dialogue, "es")
    assert str(error) == f"{path}: the file is in 'fr', not 'es'"


def test_missing_and_empty_files_refused(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "fr.xlf"
    assert str(refused(missing, make_list())) == f"{missing}: no such file"
    empty = write(tmp_path / "fr.xlf", " \n")
    assert str(refused(empty, make_list())) == f"{empty}: empty translation file"
    assert str(refused(tmp_path, make_list())).startswith(f"{tmp_path}: ")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xliff [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">
 <file id="dialogue">
  <unit id="1-2">
   <segment>
    <source>Still here. Still wet.</source>
    <target>&lol9;</target>
   </segment>
  </unit>
 </file>
</xliff>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY secret SYSTEM "file://{secret}">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">
 <file id="dialogue">
  <unit id="1-2">
   <segment>
    <source>Still here. Still wet.</source>
    <target>&secret;</target>
   </segment>
  </unit>
 </file>
</xliff>
"""


def test_billion_laughs_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "fr.xlf", BILLION_LAUGHS)
    started = time.monotonic()
    error = refused(path, make_list())
    assert time.monotonic() - started < 2
    assert_at(error, path, 2, "refused unsafe XML")
    assert "lollol" not in str(error)


def test_external_entity_refused(tmp_path: Path) -> None:
    secret = write(tmp_path / "secret.txt", "the password is swordfish\n")
    path = write(tmp_path / "fr.xlf", EXTERNAL_ENTITY.format(secret=secret))
    error = refused(path, make_list())
    assert_at(error, path, 2, "refused unsafe XML")
    assert "swordfish" not in str(error)


def test_csv_refusals_name_the_row(tmp_path: Path) -> None:
    dialogue = make_list()
    text = dialogue_csv(dialogue, Translation(language="fr", lines=FRENCH))
    path = write(tmp_path / "fr.csv", text.replace("2-3,2,", "7-7,2,"))
    assert_at(refused(path, dialogue), path, 4, "no line '7-7'")
    path = write(tmp_path / "fr.csv", text.replace("Still here. Still wet.", "Not here."))
    assert_at(refused(path, dialogue), path, 2, "other words")
    path = write(tmp_path / "fr.csv", text.replace(FRENCH["2-3"], ""))
    assert_at(refused(path, dialogue), path, 4, "no translation")
    rows = text.splitlines(keepends=True)
    path = write(tmp_path / "fr.csv", "".join([*rows, rows[1]]))
    assert_at(refused(path, dialogue), path, 5, "translated twice")
    path = write(tmp_path / "fr.csv", "id,words\n1-2,Still here.\n")
    assert_at(refused(path, dialogue), path, 1, "column")


# --- the translations kept for real scripts ------------------------------------------------


def built_dialogue(script: Path) -> DialogueList:
    """`script` built until its shots, and the dialogue list of what was planned."""
    from backlot.project import Project

    Project(script).build(until="shots")
    build = script.parent / "build"
    return dialogue_list(
        ScratchDialogue.model_validate_json((build / "dialogue.json").read_bytes()),
        ShotPlan.model_validate_json((build / "shots.json").read_bytes()),
        World.model_validate_json((build / "world.json").read_bytes()),
        "en",
    )


def test_brick_and_steel_translations_cover_every_line(corpus_dir: Path, tmp_path: Path) -> None:
    script = tmp_path / "brick" / "script.fountain"
    script.parent.mkdir()
    shutil.copyfile(corpus_dir / "scripts" / "brick_and_steel.fountain", script)
    dialogue = built_dialogue(script)
    assert dialogue.lines
    ids = [line.id for line in dialogue.lines]
    for language in ("ko", "ja", "zh", "fr", "es"):
        translation = load_test_translation(dialogue, language)
        assert translation.language == language
        assert list(translation.lines) == ids
        path = write(tmp_path / f"{language}.xlf", dialogue_xliff(dialogue, language, translation))
        assert read_translation(path, dialogue, language).lines == translation.lines


def test_example_translations_are_accepted(tmp_path: Path) -> None:
    dialogue = built_dialogue(copy_example(tmp_path / "film"))
    for language in ("fr", "es"):
        path = EXAMPLES / "night_run" / "translations" / f"{language}.xlf"
        translation = read_translation(path, dialogue, language)
        assert translation.language == language
        assert set(translation.lines) == {line.id for line in dialogue.lines}
