"""Bad and hostile input: one line naming the file, exit code 2, no traceback, nothing written."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backlot.errors import ScriptError
from backlot.script.fountain import parse_fountain
from backlot.script.source import MAX_SCRIPT_BYTES, decode_script, read_script
from tests.cli_helpers import backlot

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<FinalDraft><Content><Paragraph Type="Action"><Text>&lol3;</Text></Paragraph></Content></FinalDraft>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<FinalDraft><Content>
<Paragraph Type="Action"><Text>&secret;</Text></Paragraph>
</Content></FinalDraft>
"""
TRUNCATED = b'<?xml version="1.0"?>\n<FinalDraft>\n<Content>\n<Paragraph Type="Action">'

BAD_FILES = {
    "empty.fountain": b"",
    "blank.fountain": b"\n\n   \n",
    "binary.fountain": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "laughs.fdx": BILLION_LAUGHS,
    "external.fdx": EXTERNAL_ENTITY,
    "truncated.fdx": TRUNCATED,
    "notfdx.fdx": b'<?xml version="1.0"?><html><body>hi</body></html>',
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_one_line_exit_2_nothing_written(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    target = tmp_path / "out.json"
    result = backlot("parse", path, "--to", "json", "-o", target)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0] and "Traceback" not in result.stderr
    assert not target.exists()
    assert "root:" not in result.stderr + result.stdout  # /etc/passwd never leaks


def test_build_of_bad_script_leaves_no_build_folder(tmp_path: Path) -> None:
    path = tmp_path / "script.fdx"
    path.write_bytes(TRUNCATED)
    result = backlot("build", path)
    assert result.returncode == 2
    assert "script.fdx:4" in result.stderr  # expat's line for the unclosed element
    assert not (tmp_path / "build").exists()


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.fountain"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    assert path.stat().st_size > MAX_SCRIPT_BYTES
    result = backlot("parse", path)
    assert result.returncode == 2
    assert "huge.fountain" in result.stderr and "too large" in result.stderr


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert "no such file" in backlot("parse", tmp_path / "nope.fountain").stderr
    result = backlot("parse", tmp_path)
    assert result.returncode == 2 and "not a file" in result.stderr


@pytest.mark.parametrize(
    ("data", "warned"),
    [
        ("INT. CAFÉ - DAY\n\nÉlodie waits.\n".encode(), False),
        (codecs.BOM_UTF8 + "INT. CAFÉ - DAY\n\nÉlodie waits.\n".encode(), False),
        ("INT. CAFÉ - DAY\n\nÉlodie waits.\n".encode("utf-16"), False),
        ("INT. CAFÉ - DAY\n\nÉlodie waits.\n".encode("cp1252"), True),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "cp1252"],
)
def test_encodings(tmp_path: Path, data: bytes, warned: bool) -> None:
    path = tmp_path / "s.fountain"
    path.write_bytes(data)
    screenplay, warnings = read_script(path)
    assert screenplay.scenes[0].heading == "INT. CAFÉ - DAY"
    assert screenplay.elements[1].text == "Élodie waits."
    assert bool(warnings) is warned
    if warned:
        assert warnings[0].startswith("line 1:") and "Windows-1252" in warnings[0]


def test_cp1252_warning_goes_to_stderr_and_parse_succeeds(tmp_path: Path) -> None:
    path = tmp_path / "old.fountain"
    path.write_bytes("INT. CAFÉ - DAY\n\nHi.\n".encode("cp1252"))
    result = backlot("parse", path, "--to", "json")
    assert result.returncode == 0
    assert "old.fountain: line 1: not UTF-8" in result.stderr
    assert "INT. CAF\\u00c9 - DAY" in result.stdout or "INT. CAFÉ - DAY" in result.stdout


def test_bad_utf16_is_a_script_error() -> None:
    with pytest.raises(ScriptError, match=r"x\.fountain"):
        decode_script(codecs.BOM_UTF16_LE + b"\x00\xd8", "x.fountain")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_parser_never_raises_on_arbitrary_text(text: str) -> None:
    screenplay = parse_fountain(text)
    for element in screenplay.elements:
        assert element.line >= 1
        for span in element.spans:
            assert 0 <= span.start < span.end <= len(element.text)


FOUNTAIN_BITS = st.sampled_from(
    [
        "INT. ",
        "EXT. ",
        "\n",
        "\n\n",
        "BOB",
        "(beat)",
        "[[",
        "]]",
        "/*",
        "*/",
        "*",
        "**",
        "_",
        "\\",
        "#",
        "=",
        "===",
        ">",
        "<",
        "~",
        "!",
        "@",
        "^",
        "Title:",
        "    ",
        "  ",
        "CUT TO:",
        "x",
        " - NIGHT",
        "#1#",
        ".",
        "\t",
        "\r",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(FOUNTAIN_BITS, max_size=60).map("".join))
def test_parser_never_raises_on_fountain_shaped_noise(text: str) -> None:
    screenplay = parse_fountain(text)
    assert all(e.line >= 1 for e in screenplay.elements)
