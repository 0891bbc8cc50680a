"""Final Draft reading and writing: hostile XML, type mapping, styles, dual dialogue, title page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from backlot.errors import ScriptError
from backlot.script.fdx import read_fdx, write_fdx
from backlot.script.models import Element, ElementType, Screenplay, Span, Style, TitleEntry

T = ElementType


def fdx(content: str, title_page: str = "") -> bytes:
    """A minimal FinalDraft document around `content` paragraphs."""
    title = f"<TitlePage><Content>{title_page}</Content></TitlePage>" if title_page else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<FinalDraft DocumentType="Script" Template="No" Version="5">\n'
        f"<Content>\n{content}\n</Content>\n{title}</FinalDraft>\n"
    ).encode()


def rows(screenplay: Screenplay) -> list[tuple[str, str]]:
    return [(e.type.value, e.text) for e in screenplay.elements]


def same(a: Screenplay, b: Screenplay) -> None:
    fields = ("type", "text", "spans", "scene_number", "dual", "depth", "extension")
    assert [[getattr(e, f) for f in fields] for e in a.elements] == [
        [getattr(e, f) for f in fields] for e in b.elements
    ]
    assert [(e.key, e.value) for e in a.title_page] == [(e.key, e.value) for e in b.title_page]


def el(kind: ElementType, text: str, **extra: object) -> Element:
    return Element(type=kind, text=text, line=1, **extra)


# -- hostile and broken input -----------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<FinalDraft><Content><Paragraph Type="Action"><Text>&lol9;</Text></Paragraph></Content></FinalDraft>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE FinalDraft [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<FinalDraft><Content><Paragraph Type="Action"><Text>&xxe;</Text></Paragraph></Content></FinalDraft>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE FinalDraft SYSTEM "http://example.invalid/finaldraft.dtd">
<FinalDraft><Content><Paragraph Type="Action"><Text>Hi</Text></Paragraph></Content></FinalDraft>
"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE FinalDraft [<!ENTITY % remote SYSTEM "http://example.invalid/x.dtd"> %remote;]>
<FinalDraft/>
"""


@pytest.mark.parametrize(
    ("data", "line"),
    [
        pytest.param(BILLION_LAUGHS, 2, id="billion-laughs"),
        pytest.param(EXTERNAL_ENTITY, 2, id="external-entity"),
        pytest.param(EXTERNAL_DTD, 2, id="external-dtd"),
        pytest.param(PARAMETER_ENTITY, 2, id="parameter-entity"),
    ],
)
def test_hostile_xml_is_refused_before_expansion(data: bytes, line: int) -> None:
    with pytest.raises(ScriptError) as caught:
        read_fdx(data, "evil.fdx")
    err = caught.value
    assert err.path == "evil.fdx"
    assert err.line == line
    message = str(err)
    assert message.startswith(f"evil.fdx:{line}: refused unsafe XML")
    assert "\n" not in message
    assert "root:" not in message  # nothing of /etc/passwd leaks into the message


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        pytest.param(
            b'<?xml version="1.0"?>\n<FinalDraft>\n<Content>\n<Paragraph Type="Action">',
            4,
            "malformed XML: no element found",
            id="truncated",
        ),
        pytest.param(
            b"<FinalDraft>\n<Content>\n</Contnt>\n</FinalDraft>",
            3,
            "malformed XML: mismatched tag",
            id="mismatched",
        ),
        pytest.param(b"", 1, "malformed XML: no element found", id="empty"),
        pytest.param(b"INT. HOUSE - DAY\n\nNot XML.", 1, "malformed XML", id="not-xml"),
        pytest.param(
            b"<FinalDraft>\n<Text>\xff\xfe</Text></FinalDraft>",
            2,
            "malformed XML: not well-formed",
            id="bad-utf8",
        ),
        pytest.param(
            b'<?xml version="1.0"?>\n<html><body>hi</body></html>',
            2,
            "not a Final Draft document (root element is <html>",
            id="wrong-root",
        ),
        pytest.param(
            b'<?xml version="1.0" encoding="klingon"?>\n<FinalDraft/>',
            1,
            "malformed XML: unknown encoding: klingon",
            id="unknown-encoding",
        ),
    ],
)
def test_broken_xml_is_one_line_error_naming_the_file(data: bytes, line: int, words: str) -> None:
    with pytest.raises(ScriptError) as caught:
        read_fdx(data, "scripts/broken.fdx")
    message = str(caught.value)
    assert message.startswith(f"scripts/broken.fdx:{line}: {words}")
    assert "\n" not in message


def test_error_without_source_still_reads() -> None:
    with pytest.raises(ScriptError, match="malformed XML"):
        read_fdx(b"<FinalDraft>")


# -- reading ----------------------------------------------------------------------------


def test_paragraph_types_map_to_elements() -> None:
    data = fdx(
        """
<Paragraph Type="Scene Heading" Number="12A"><Text>INT. HOUSE - DAY</Text></Paragraph>
<Paragraph Type="Action"><Text>Rain.</Text></Paragraph>
<Paragraph Type="Shot"><Text>CLOSE ON THE DOOR</Text></Paragraph>
<Paragraph Type="General"><Text>A general line.</Text></Paragraph>
<Paragraph Type="Cast List"><Text>BOB, a man</Text></Paragraph>
<Paragraph Type="Character"><Text>MOM (O. S.)</Text></Paragraph>
<Paragraph Type="Parenthetical"><Text>(softly)</Text></Paragraph>
<Paragraph Type="Dialogue"><Text>Come in.</Text></Paragraph>
<Paragraph Type="Transition"><Text>CUT TO:</Text></Paragraph>
<Paragraph Type="Lyrics"><Text>La la la</Text></Paragraph>
<Paragraph Type="Action" Alignment="Center"><Text>THE END</Text></Paragraph>
<Paragraph Type="Outline 2 (Sequences)"><Text>The chase</Text></Paragraph>
<Paragraph Type="Outline Body"><Text>They run.</Text></Paragraph>
<Paragraph Type="Summary"><Text>They stop.</Text></Paragraph>
"""
    )
    sp = read_fdx(data, "t.fdx")
    assert rows(sp) == [
        ("scene_heading", "INT. HOUSE - DAY"),
        ("action", "Rain."),
        ("action", "CLOSE ON THE DOOR"),
        ("action", "A general line."),
        ("action", "BOB, a man"),
        ("character", "MOM (O. S.)"),
        ("parenthetical", "(softly)"),
        ("dialogue", "Come in."),
        ("transition", "CUT TO:"),
        ("lyrics", "La la la"),
        ("centered", "THE END"),
        ("section", "The chase"),
        ("synopsis", "They run."),
        ("synopsis", "They stop."),
    ]
    heading, character, section = sp.elements[0], sp.elements[5], sp.elements[11]
    assert heading.scene_number == "12A"
    assert sp.scenes[0].number == "12A"
    assert character.extension == "O. S."
    assert section.depth == 2
    assert [c.name for c in sp.characters] == ["MOM"]
    assert sp.source == "t.fdx"


def test_texts_concatenate_and_styles_become_spans() -> None:
    sp = read_fdx(
        fdx(
            """
<Paragraph Type="Action">
  <Text>From INCHES AWAY. </Text>
  <Text Style="Underline">Steel's face FILLS the </Text>
  <Text Style="Italic+Underline">Leupold</Text>
  <Text Style="AllCaps+Underline"> scope</Text>
  <Text Style="Bold+Italic+Underline">!</Text>
  <Text Style="Strikeout">.</Text>
</Paragraph>
"""
        )
    )
    (action,) = sp.elements
    assert action.text == "From INCHES AWAY. Steel's face FILLS the Leupold scope!."
    u, iu, b = Style.UNDERLINE, Style.ITALIC, Style.BOLD
    assert action.spans == [
        Span(start=18, end=41, styles=[u]),
        Span(start=41, end=48, styles=[iu, u]),
        Span(start=48, end=54, styles=[u]),
        Span(start=54, end=55, styles=[b, iu, u]),
    ]
    assert action.text[41:48] == "Leupold"


def test_empty_paragraphs_are_dropped_and_lines_are_xml_lines() -> None:
    data = fdx(
        """<Paragraph Type="Action"><Text>One.</Text></Paragraph>
<Paragraph Type="General"><Text></Text></Paragraph>
<Paragraph Type="Action"><Text>   </Text></Paragraph>
<Paragraph Type="Action"/>
<Paragraph Type="Action">
  <Text>Two.</Text>
</Paragraph>"""
    )
    sp = read_fdx(data)
    assert rows(sp) == [("action", "One."), ("action", "Two.")]
    assert [e.line for e in sp.elements] == [4, 8]


def test_speech_lines_in_separate_paragraphs_are_one_dialogue() -> None:
    sp = read_fdx(
        fdx(
            """
<Paragraph Type="Character"><Text>DAN</Text></Paragraph>
<Paragraph Type="Dialogue"><Text>Then let's retire them.</Text></Paragraph>
<Paragraph Type="Dialogue"><Text Style="Underline">Permanently</Text><Text>.</Text></Paragraph>
<Paragraph Type="Parenthetical"><Text>(beat)</Text></Paragraph>
<Paragraph Type="Dialogue"><Text>Yes.</Text></Paragraph>
"""
        )
    )
    assert rows(sp) == [
        ("character", "DAN"),
        ("dialogue", "Then let's retire them.\nPermanently."),
        ("parenthetical", "(beat)"),
        ("dialogue", "Yes."),
    ]
    assert sp.elements[1].spans == [Span(start=24, end=35, styles=[Style.UNDERLINE])]


def test_centered_paragraph_is_one_element_per_line() -> None:
    sp = read_fdx(
        fdx(
            '<Paragraph Alignment="Center" Type="Action"><Text>BRICK BRADDOCK\n</Text>'
            '<Text Style="Bold">&amp; DICK</Text><Text> STEEL IN</Text></Paragraph>'
        )
    )
    assert rows(sp) == [("centered", "BRICK BRADDOCK"), ("centered", "& DICK STEEL IN")]
    assert sp.elements[1].spans == [Span(start=0, end=6, styles=[Style.BOLD])]


def test_dual_dialogue_marks_the_second_speaker() -> None:
    sp = read_fdx(
        fdx(
            """
<Paragraph Type="Action"><Text>The men look at each other.</Text></Paragraph>
<Paragraph>
  <DualDialogue>
    <Paragraph Type="Character"><Text>STEEL</Text></Paragraph>
    <Paragraph Type="Dialogue"><Text>Screw retirement.</Text></Paragraph>
    <Paragraph Type="Character"><Text>BRICK</Text></Paragraph>
    <Paragraph Type="Dialogue"><Text>Screw retirement.</Text></Paragraph>
  </DualDialogue>
</Paragraph>
<Paragraph Type="Character"><Text>BRICK</Text></Paragraph>
<Paragraph Type="Dialogue"><Text>Beer?</Text></Paragraph>
"""
        )
    )
    cues = [(e.text, e.dual) for e in sp.elements if e.type is T.CHARACTER]
    assert cues == [("STEEL", False), ("BRICK", True), ("BRICK", False)]
    # Lines 1-4 are the declaration, <FinalDraft>, <Content> and a blank line.
    assert [e.line for e in sp.elements[1:3]] == [8, 9]


def test_script_notes_and_page_breaks() -> None:
    sp = read_fdx(
        fdx(
            """
<Paragraph Type="Action"><Text>Before.</Text></Paragraph>
<Paragraph Type="Action" StartsNewPage="Yes">
  <ScriptNote ID="1"><Paragraph><Text>check this</Text></Paragraph>
    <Paragraph><Text>twice</Text></Paragraph></ScriptNote>
  <Text>After.</Text>
</Paragraph>
"""
        )
    )
    assert rows(sp) == [
        ("action", "Before."),
        ("page_break", ""),
        ("action", "After."),
        ("note", "check this\ntwice"),
    ]


def test_only_the_script_content_is_read() -> None:
    data = b"""<FinalDraft><Content><Paragraph Type="Action"><Text>Body.</Text></Paragraph>
</Content><HeaderAndFooter><Header><Paragraph><Text>HEADER</Text></Paragraph></Header>
</HeaderAndFooter></FinalDraft>"""
    assert rows(read_fdx(data)) == [("action", "Body.")]


# -- title page -------------------------------------------------------------------------

FINAL_DRAFT_TITLE_PAGE = """
<Paragraph Alignment="Left"><Text></Text></Paragraph>
<Paragraph Alignment="Center"><Text Style="Underline">BRICK &amp; STEEL</Text></Paragraph>
<Paragraph Alignment="Center"><Text>FULL RETIRED</Text></Paragraph>
<Paragraph Alignment="Center"><Text></Text></Paragraph>
<Paragraph Alignment="Center"><Text>Written by</Text></Paragraph>
<Paragraph Alignment="Center"><Text></Text></Paragraph>
<Paragraph Alignment="Center"><Text>Stu Maschwitz</Text></Paragraph>
<Paragraph Alignment="Center"><Text></Text></Paragraph>
<Paragraph Alignment="Center"><Text>Story by KTM</Text></Paragraph>
<Paragraph Alignment="Left"><Text></Text></Paragraph>
<Paragraph Alignment="Left"><Text>Next Level Productions</Text></Paragraph>
<Paragraph Alignment="Left"><Text>1588 Mission Dr.
Solvang, CA 93463</Text></Paragraph>
<Paragraph Alignment="Left"><Text></Text></Paragraph>
<Paragraph Alignment="Left"><Text>Copyright (c) 2012</Text></Paragraph>
<Paragraph Alignment="Right"><Text>First draft</Text></Paragraph>
<Paragraph Alignment="Right"><Text>1/27/2012</Text></Paragraph>
"""


def test_title_page_keys_are_guessed_from_layout() -> None:
    sp = read_fdx(fdx("", FINAL_DRAFT_TITLE_PAGE), "b.fdx")
    assert [(e.key, e.value) for e in sp.title_page] == [
        ("Title", "BRICK & STEEL\nFULL RETIRED"),
        ("Credit", "Written by"),
        ("Author", "Stu Maschwitz"),
        ("Source", "Story by KTM"),
        ("Contact", "Next Level Productions\n1588 Mission Dr.\nSolvang, CA 93463"),
        ("Copyright", "Copyright (c) 2012"),
        ("Draft date", "First draft\n1/27/2012"),
    ]
    assert sp.title == "BRICK & STEEL"
    assert sp.title_page[0].line == 8  # the XML line of the title's first paragraph


def test_title_page_credit_and_author_on_one_line() -> None:
    page = (
        '<Paragraph Alignment="Center"><Text>BIG FISH</Text></Paragraph>'
        '<Paragraph Alignment="Center"><Text></Text></Paragraph>'
        '<Paragraph Alignment="Center"><Text>Screenplay by John August</Text></Paragraph>'
        '<Paragraph Alignment="Left"><Text></Text></Paragraph>'
        '<Paragraph Alignment="Left"><Text>john@example.com</Text></Paragraph>'
    )
    sp = read_fdx(fdx("", page))
    assert [(e.key, e.value) for e in sp.title_page] == [
        ("Title", "BIG FISH"),
        ("Credit", "Screenplay by"),
        ("Author", "John August"),
        ("Contact", "john@example.com"),
    ]


def test_corpus_final_draft_title_page(corpus_dir: Path) -> None:
    sp = read_fdx((corpus_dir / "scripts" / "rsdoiel_sample_01.fdx").read_bytes())
    assert [(e.key, e.value) for e in sp.title_page] == [
        ("Title", "TITLE"),
        ("Credit", "Written by"),
        ("Author", "Author's Name"),
        ("Copyright", "Copyright (c) 2018"),
        ("Draft date", "Draft\ninformation"),
        ("Contact", "Contact\ninformation"),
    ]
    # The sample's scene heading carries SceneProperties before its Text; the header,
    # footer and watermark paragraphs are not script content.
    assert rows(sp)[:2] == [("action", "FADE IN:"), ("scene_heading", "EXT. LIBRARY - DAY")]
    assert len(sp.elements) == 7


# -- writing ----------------------------------------------------------------------------


def sample() -> Screenplay:
    return Screenplay(
        title_page=[
            TitleEntry(key="title", value="Big <Fish> & Co"),
            TitleEntry(key="Credit", value="written by"),
            TitleEntry(key="Author", value="John August"),
            TitleEntry(key="Contact", value=""),
            TitleEntry(key="Notes", value="FINAL DRAFT\nincludes omitted scenes"),
            TitleEntry(key="Draft date", value="1/27/2012"),
            TitleEntry(key="Revision", value="Blue"),
        ],
        elements=[
            el(T.SECTION, "Act One", depth=1),
            el(T.SYNOPSIS, "Meet everyone."),
            el(T.SCENE_HEADING, "INT. HOUSE - DAY", scene_number="1A"),
            el(T.ACTION, "  Indented & <tagged>\n    second line ]]>", forced=True),
            el(T.NOTE, "a note\nover two lines"),
            el(T.CHARACTER, "STEEL", dual=False),
            el(T.DIALOGUE, "Screw retirement."),
            el(T.CHARACTER, "BRICK (V.O.)", extension="V.O.", dual=True),
            el(T.PARENTHETICAL, "(to Steel)"),
            el(T.DIALOGUE, "Screw it.", spans=[Span(start=6, end=8, styles=[Style.ITALIC])]),
            el(T.PAGE_BREAK, ""),
            el(T.CHARACTER, "DAN"),
            el(T.DIALOGUE, "Bold and under", spans=[Span(start=0, end=8, styles=[Style.BOLD])]),
            el(T.TRANSITION, "SMASH CUT TO:"),
            el(T.CENTERED, "THE END"),
            el(T.LYRICS, "La la\nla"),
            el(T.SECTION, "Deep", depth=4),
            el(T.PAGE_BREAK, ""),
            el(T.PAGE_BREAK, ""),
        ],
    )


def test_write_then_read_restores_everything() -> None:
    original = sample()
    text = write_fdx(original)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n')
    back = read_fdx(text.encode("utf-8"), "out.fdx")
    same(original, back)


def test_written_document_is_plain_final_draft_xml() -> None:
    root = ET.fromstring(write_fdx(sample()).encode("utf-8"))
    assert root.tag == "FinalDraft"
    assert root.attrib == {"DocumentType": "Script", "Template": "No", "Version": "5"}
    content = root.find("Content")
    assert content is not None
    types = [p.get("Type") for p in content.findall("Paragraph")]
    assert types[:4] == ["Outline 1", "Outline Body", "Scene Heading", "Action"]
    heading = content.findall("Paragraph")[2]
    assert heading.get("Number") == "1A"
    dual = content.find("Paragraph/DualDialogue")
    assert dual is not None
    assert ["".join(t.text or "" for t in p.findall("Text")) for p in dual] == [
        "STEEL",
        "Screw retirement.",
        "BRICK (V.O.)",
        "(to Steel)",
        "Screw it.",
    ]
    styled = dual.findall("Paragraph")[-1].findall("Text")
    assert [(t.text, t.get("Style")) for t in styled] == [
        ("Screw ", None),
        ("it", "Italic"),
        (".", None),
    ]
    # The page break rides on the next paragraph, as Final Draft stores it.
    dan = next(p for p in content.findall("Paragraph") if p.findtext("Text") == "DAN")
    assert dan.get("StartsNewPage") == "Yes"
    note = content.find("Paragraph/ScriptNote")
    assert note is not None
    assert [p.findtext("Text") for p in note.findall("Paragraph")] == [
        "a note",
        "over two lines",
    ]
    centered = next(p for p in content.findall("Paragraph") if p.findtext("Text") == "THE END")
    assert centered.get("Alignment") == "Center"
    assert centered.get("Type") == "Action"
    title_paragraphs = root.findall("TitlePage/Content/Paragraph")
    title = next(p for p in title_paragraphs if p.get("BacklotKey") == "title")
    assert title.get("Alignment") == "Center"
    assert title.findtext("Text") == "Big <Fish> & Co"


def test_dual_speaker_without_a_speech_before_it() -> None:
    original = Screenplay(
        elements=[
            el(T.ACTION, "Silence."),
            el(T.CHARACTER, "A", dual=True),
            el(T.DIALOGUE, "One."),
            el(T.CHARACTER, "B", dual=True),
            el(T.DIALOGUE, "Two."),
        ]
    )
    same(original, read_fdx(write_fdx(original).encode()))


def test_three_speakers_in_one_dual_block() -> None:
    original = Screenplay(
        elements=[
            el(T.CHARACTER, "A"),
            el(T.DIALOGUE, "One."),
            el(T.CHARACTER, "B", dual=True),
            el(T.DIALOGUE, "Two."),
            el(T.CHARACTER, "C", dual=True),
            el(T.DIALOGUE, "Three."),
        ]
    )
    text = write_fdx(original)
    assert text.count("<DualDialogue>") == 1
    same(original, read_fdx(text.encode()))


def test_page_break_before_a_dual_block_stays_before_it() -> None:
    original = Screenplay(
        elements=[
            el(T.PAGE_BREAK, ""),
            el(T.CHARACTER, "A"),
            el(T.DIALOGUE, "One."),
            el(T.CHARACTER, "B", dual=True),
            el(T.DIALOGUE, "Two."),
        ]
    )
    text = write_fdx(original)
    root = ET.fromstring(text)
    (wrapper,) = root.findall("Content/Paragraph")
    assert wrapper.get("StartsNewPage") == "Yes"
    same(original, read_fdx(text.encode()))


def test_characters_xml_cannot_carry_are_replaced() -> None:
    original = Screenplay(elements=[el(T.ACTION, "bell\x07 and form\x0cfeed")])
    back = read_fdx(write_fdx(original).encode())
    assert rows(back) == [("action", "bell\ufffd and form\ufffdfeed")]


def test_big_fish_reads(corpus_dir: Path) -> None:
    screenplay = read_fdx((corpus_dir / "scripts" / "big_fish.fdx").read_bytes())
    assert len(screenplay.scenes) > 150
