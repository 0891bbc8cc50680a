"""The Fountain 1.1 syntax, element by element, with source line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from backlot.script.fountain import parse_fountain
from backlot.script.models import Element, Screenplay, Style
from backlot.script.models import ElementType as T
from tests.conftest import EXAMPLES, shared_root


def kinds(text: str) -> list[tuple[str, str]]:
    return [(e.type.value, e.text) for e in parse_fountain(text).elements]


def test_title_page_keys_and_indented_values() -> None:
    sp = parse_fountain(
        "Title:\n    _**BRICK & STEEL**_\n    _**FULL RETIRED**_\nCredit: Written by\n"
        "Author: Stu\nDraft date: 1/1/2020\n\nEXT. YARD - DAY\n"
    )
    assert [(e.key, e.value) for e in sp.title_page] == [
        ("Title", "BRICK & STEEL\nFULL RETIRED"),
        ("Credit", "Written by"),
        ("Author", "Stu"),
        ("Draft date", "1/1/2020"),
    ]
    assert sp.title == "BRICK & STEEL"
    assert sp.elements[0].type is T.SCENE_HEADING and sp.elements[0].line == 8


def test_transition_alone_is_not_a_title_page() -> None:
    assert kinds("CUT TO:\n\nINT. ROOM - DAY\n")[0] == ("transition", "CUT TO:")


@pytest.mark.parametrize(
    ("line", "int_ext"),
    [
        ("INT. KITCHEN - DAY", "INT"),
        ("EXT. STREET - NIGHT", "EXT"),
        ("EST. CITY - DAWN", "EXT"),
        ("INT./EXT. CAR - DAY", "INT/EXT"),
        ("INT/EXT CAR - DAY", "INT/EXT"),
        ("I/E CAR - DAY", "INT/EXT"),
        ("int. lowercase room - day", "INT"),
    ],
)
def test_scene_heading_prefixes(line: str, int_ext: str) -> None:
    sp = parse_fountain(f"{line}\n\nAction.\n")
    assert sp.elements[0].type is T.SCENE_HEADING
    assert sp.scenes[0].int_ext == int_ext


def test_forced_heading_and_scene_numbers() -> None:
    sp = parse_fountain(".FLASHBACK\n\nINT. HOUSE - DAY #12A#\n\nEXT. YARD - NIGHT\n")
    headings = [(e.text, e.scene_number, e.forced) for e in sp.elements]
    assert headings == [
        ("FLASHBACK", None, True),
        ("INT. HOUSE - DAY", "12A", False),
        ("EXT. YARD - NIGHT", None, False),
    ]
    # Explicit numbers win; others take their ordinal.
    assert [s.number for s in sp.scenes] == ["1", "12A", "3"]
    assert sp.scenes[0].int_ext is None and sp.scenes[0].location == "FLASHBACK"


def test_ellipsis_is_not_a_forced_heading() -> None:
    assert kinds("...and then nothing.\n")[0][0] == "action"


def test_action_keeps_indentation_and_forcing() -> None:
    sp = parse_fountain("EXT. X - DAY\n\n    Four spaces\n\tTabbed\n\n!SHOUTED ACTION\nmore\n")
    action = sp.elements[1]
    assert action.text == "    Four spaces\n    Tabbed"
    forced = sp.elements[2]
    assert (forced.type, forced.text, forced.forced) == (T.ACTION, "SHOUTED ACTION\nmore", True)


def test_character_cues_extensions_and_dialogue() -> None:
    sp = parse_fountain(
        "BOB (V.O.)\nHello.\n\n@McCLANE\nYippee.\n\nHANS (on the radio) (CONT'D)\n"
        "(beat)\nWhat?\nSay it.\n(sighs)\nFine.\n"
    )
    rows = [(e.type.value, e.text, e.extension) for e in sp.elements]
    assert rows == [
        ("character", "BOB (V.O.)", "V.O."),
        ("dialogue", "Hello.", None),
        ("character", "McCLANE", None),
        ("dialogue", "Yippee.", None),
        ("character", "HANS (on the radio) (CONT'D)", "on the radio, CONT'D"),
        ("parenthetical", "(beat)", None),
        ("dialogue", "What?\nSay it.", None),
        ("parenthetical", "(sighs)", None),
        ("dialogue", "Fine.", None),
    ]
    assert [(c.name, c.dialogue_count) for c in sp.characters] == [
        ("BOB", 1),
        ("MCCLANE", 1),
        ("HANS", 1),
    ]


def test_uppercase_line_before_blank_is_action_not_cue() -> None:
    assert kinds("THE END\n\nMore.\n")[0] == ("action", "THE END")


def test_two_spaces_keep_a_speech_going() -> None:
    assert kinds("DEALER\nSeven.\n  \nHit or stand?\n")[1] == (
        "dialogue",
        "Seven.\n\nHit or stand?",
    )


def test_dual_dialogue_marks_the_second_speaker() -> None:
    sp = parse_fountain("BRICK\nScrew retirement.\n\nSTEEL ^\nScrew retirement.\n")
    cues = [(e.text, e.dual) for e in sp.elements if e.type is T.CHARACTER]
    assert cues == [("BRICK", False), ("STEEL", True)]


def test_lyrics_transitions_centered_page_break() -> None:
    text = "~Willy Wonka!\n~The amazing chocolatier!\n\n>fade to black\n\nSMASH CUT TO:\n\n"
    text += ">THE END<\n\n===\n\nAfter.\n"
    assert kinds(text) == [
        ("lyrics", "Willy Wonka!\nThe amazing chocolatier!"),
        ("transition", "fade to black"),
        ("transition", "SMASH CUT TO:"),
        ("centered", "THE END"),
        ("page_break", ""),
        ("action", "After."),
    ]


def test_transition_needs_blank_after_and_exact_ending() -> None:
    assert kinds("CUT TO:\nthe chase\n")[0][0] == "action"
    assert kinds("NOT A TRANSITION TO:  \n\nx\n")[0][0] == "action"


def test_sections_synopses_notes() -> None:
    sp = parse_fountain(
        "# Act One\n\n## Sequence\n\n= A synopsis.\n\nHe waits [[check this]] and waits.\n\n"
        "[[A note\non two lines]]\n\nEnd.\n"
    )
    rows = [(e.type.value, e.text, e.depth, e.line) for e in sp.elements]
    assert rows == [
        ("section", "Act One", 1, 1),
        ("section", "Sequence", 2, 3),
        ("synopsis", "A synopsis.", None, 5),
        ("action", "He waits  and waits.", None, 7),
        ("note", "check this", None, 7),
        ("note", "A note\non two lines", None, 9),
        ("action", "End.", None, 12),
    ]


def test_note_with_blank_line_is_literal() -> None:
    assert kinds("Not [[\na note\n\nat all]]\n")[0] == ("action", "Not [[\na note")


def test_note_inside_dialogue_does_not_split_it() -> None:
    sp = parse_fountain("BOB\nOne.\n[[aside]]\nTwo.\n")
    assert [(e.type.value, e.text) for e in sp.elements] == [
        ("character", "BOB"),
        ("dialogue", "One.\nTwo."),
        ("note", "aside"),
    ]


def test_boneyard_is_ignored_and_lines_keep_their_numbers() -> None:
    sp = parse_fountain(
        "Before.\n\n/*\nINT. CUT SCENE - DAY\n\nGone.\n*/\n\nAfter /* inline */ this.\n"
    )
    assert [(e.text, e.line) for e in sp.elements] == [("Before.", 1), ("After  this.", 9)]


def test_emphasis_spans_and_escapes() -> None:
    sp = parse_fountain("He is ***very*** _sure_ of **it** and *this*, \\*not this\\*.\n")
    action = sp.elements[0]
    assert action.text == "He is very sure of it and this, *not this*."
    spans = [(action.text[s.start : s.end], s.styles) for s in action.spans]
    assert spans == [
        ("very", [Style.BOLD, Style.ITALIC]),
        ("sure", [Style.UNDERLINE]),
        ("it", [Style.BOLD]),
        ("this", [Style.ITALIC]),
    ]


def test_unbalanced_emphasis_stays_literal() -> None:
    assert kinds("2 * 3 = 6 and a_b\n")[0] == ("action", "2 * 3 = 6 and a_b")


def test_nested_emphasis() -> None:
    action = parse_fountain("_underlined with *italic* inside_\n").elements[0]
    assert action.text == "underlined with italic inside"
    assert [(s.start, s.end, s.styles) for s in action.spans] == [
        (0, 16, [Style.UNDERLINE]),
        (16, 22, [Style.ITALIC, Style.UNDERLINE]),
        (22, 29, [Style.UNDERLINE]),
    ]


def test_crlf_and_bom() -> None:
    sp = parse_fountain("\ufeffINT. A - DAY\r\n\r\nBOB\r\nHi.\r\n")
    assert [(e.type.value, e.text, e.line) for e in sp.elements] == [
        ("scene_heading", "INT. A - DAY", 1),
        ("character", "BOB", 3),
        ("dialogue", "Hi.", 4),
    ]


def test_example_script_scenes() -> None:
    sp = parse_fountain((EXAMPLES / "night_run" / "script.fountain").read_text())
    assert len(sp.scenes) == 8
    assert {s.int_ext for s in sp.scenes} == {"INT", "EXT"}
    assert {"NIGHT", "DAY", "DAWN", "CONTINUOUS"} <= {s.time_of_day for s in sp.scenes}
    assert {c.name for c in sp.characters} >= {"MAYA", "LEO", "RUTH"}


CORPUS = shared_root()
SCRIPTS = sorted((CORPUS / "corpus" / "scripts").glob("*.fountain")) if CORPUS else []


@pytest.mark.skipif(not SCRIPTS, reason="../shared/corpus is absent")
@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.stem)
def test_corpus_script_parses(path: Path) -> None:
    sp = parse_fountain(path.read_text(encoding="utf-8-sig"), path.name)
    assert sp.elements
    lines = [e.line for e in sp.elements]
    assert lines == sorted(lines), "elements are in source order"
    source_lines = path.read_text(encoding="utf-8-sig").splitlines()
    for element in sp.elements:
        if element.type is T.SCENE_HEADING and not element.forced:
            # The element's line number points at its words in the file.
            assert element.text.split()[0] in source_lines[element.line - 1]


def test_big_fish_counts(corpus_dir: Path) -> None:
    sp = parse_fountain((corpus_dir / "scripts" / "big_fish.fountain").read_text())
    assert sp.title and "BIG FISH" in sp.title.upper()
    assert len(sp.scenes) > 150
    names = {c.name for c in sp.characters}
    assert {"EDWARD", "WILL", "SANDRA", "JOSEPHINE"} <= names


def test_trusted_elements_are_whole_models() -> None:
    """The parser builds models without validation; each must still equal a validated one."""
    sp = parse_fountain(
        "Title: T\n\n# Act\n\n= syn\n\nINT. A - DAY #1#\n\n*Bold* move [[n]].\n\n"
        "BOB (V.O.)\n(beat)\nHi.\n\nAL ^\nYo.\n\n~la\n\n>x<\n\n===\n"
    )
    validated = Screenplay.model_validate(sp.model_dump())
    assert validated.model_dump_json() == sp.model_dump_json()
    for element in sp.elements:
        assert Element.model_validate(element.model_dump()) == element
