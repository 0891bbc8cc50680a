"""Pagination: page counts, keep-together rules, split speeches, start pages and eighths."""

from __future__ import annotations

import random
from pathlib import Path

from backlot.script.assemble import assemble
from backlot.script.fountain import parse_fountain
from backlot.script.layout import LETTER
from backlot.script.models import Element, ElementType, PagedScript, Screenplay
from backlot.script.pagination import paginate, with_pages, wrap

T = ElementType
BODY = LETTER.body_lines
SENTENCES = [
    "I never told you about the river.",
    "It was wider then, and the fish were bigger!",
    "Nobody believed me, of course.",
    "Why would they?",
    "A man tells stories so that he becomes them.",
]


def script(*elements: tuple[ElementType, str]) -> Screenplay:
    return assemble([], [Element(type=t, text=x, line=n + 1) for n, (t, x) in enumerate(elements)])


def actions(count: int) -> list[tuple[ElementType, str]]:
    return [(T.ACTION, f"Beat {n}.") for n in range(count)]


def speech(cue: str, sentences: int) -> list[tuple[ElementType, str]]:
    text = " ".join(SENTENCES[n % len(SENTENCES)] for n in range(sentences))
    return [(T.CHARACTER, cue), (T.DIALOGUE, text)]


def last_line(paged: PagedScript, page: int):
    return max(paged.pages[page].lines, key=lambda line: line.row)


def printed_words(paged: PagedScript, screenplay: Screenplay) -> dict[int, str]:
    """Each element's printed text, words only; (MORE) and added (CONT'D) cues left out."""
    words: dict[int, list[str]] = {}
    seen_cues: set[int] = set()
    for page in paged.pages:
        for line in page.lines:
            if line.element is None:
                continue
            if screenplay.elements[line.element].type is T.CHARACTER:
                if line.element in seen_cues:
                    continue
                seen_cues.add(line.element)
            words.setdefault(line.element, []).extend(line.text.split())
    return {k: " ".join(v) for k, v in words.items()}


def test_wrap_keeps_words_whole_and_offsets_exact() -> None:
    text = "The Beast isn't worried.  He has seen it all before, every lure and hook.\n\nEnd"
    lines = wrap(text, 20)
    assert all(end - start <= 20 for start, end in lines)
    assert [text[s:e] for s, e in lines] == [
        "The Beast isn't",
        "worried.  He has",
        "seen it all before,",
        "every lure and hook.",
        "",
        "End",
    ]
    assert wrap("x" * 25, 10) == [(0, 10), (10, 20), (20, 25)]


def test_page_count_of_known_line_count() -> None:
    # One-line actions with a blank line between: rows 0, 2, … 52, so 27 to a page.
    per_page = (BODY + 1) // 2
    assert len(paginate(script(*actions(per_page * 10))).pages) == 10
    assert len(paginate(script(*actions(per_page * 10 + 1))).pages) == 11


def test_lines_fit_their_columns_and_the_page() -> None:
    long = " ".join(["word"] * 400)
    paged = paginate(
        script(
            (T.SCENE_HEADING, "INT. HOUSE - DAY"),
            (T.ACTION, long),
            (T.CHARACTER, "BOB"),
            (T.DIALOGUE, long),
        )
    )
    for page in paged.pages:
        for line in page.lines:
            width = 35 if line.kind == "dialogue" else 60
            assert len(line.text) <= width
            assert 0 <= line.row < BODY
    action = [line for page in paged.pages for line in page.lines if line.kind == "action"]
    assert {line.indent for line in action} == {15}


def test_scene_heading_is_never_left_at_the_bottom() -> None:
    # 26 beats fill rows 0-50; a heading at 52 would have no room for what follows it.
    paged = paginate(
        script(*actions(26), (T.SCENE_HEADING, "EXT. RIVER - DAY"), (T.ACTION, "A\nB\nC\nD\nE"))
    )
    assert last_line(paged, 0).kind == "action"
    assert paged.pages[1].lines[0].kind == "scene_heading"
    assert paged.pages[1].lines[0].row == 0


def test_character_cue_is_never_left_at_the_bottom() -> None:
    paged = paginate(script(*actions(26), (T.CHARACTER, "BOB"), (T.DIALOGUE, "Hi.\nYes.\nNo.")))
    assert last_line(paged, 0).text == "Beat 25."
    assert [line.text for line in paged.pages[1].lines] == ["BOB", "Hi.", "Yes.", "No."]


def test_long_speech_splits_after_a_sentence_with_more_and_contd() -> None:
    paged_script = script(*actions(20), *speech("EDWARD (V.O.)", 40), (T.ACTION, "After."))
    paged = paginate(paged_script)
    first, second = paged.pages[0], paged.pages[1]
    bottom = last_line(paged, 0)
    assert (bottom.text, bottom.kind, bottom.element) == ("(MORE)", "more", None)
    before_more = [line for line in first.lines if line.kind == "dialogue"][-1]
    assert before_more.text.endswith((".", "!", "?"))
    assert second.lines[0].text == "EDWARD (V.O.) (CONT'D)"
    assert second.lines[0].kind == "character"
    assert second.lines[1].kind == "dialogue"
    # Nothing lost or doubled across the break.
    index = next(k for k, e in enumerate(paged_script.elements) if e.type is T.DIALOGUE)
    dialogue = paged_script.elements[index].text
    assert printed_words(paged, paged_script)[index] == " ".join(dialogue.split())


def test_cue_already_continued_is_not_marked_twice() -> None:
    paged = paginate(script(*actions(20), *speech("BOB (CONT'D)", 40)))
    assert paged.pages[1].lines[0].text == "BOB (CONT'D)"


def test_page_break_starts_a_new_page() -> None:
    paged = paginate(script((T.ACTION, "One."), (T.PAGE_BREAK, ""), (T.ACTION, "Two.")))
    assert [[line.text for line in page.lines] for page in paged.pages] == [["One."], ["Two."]]


def test_notes_sections_and_synopses_are_not_printed() -> None:
    paged = paginate(
        script(
            (T.SECTION, "Act one"),
            (T.SYNOPSIS, "He lies."),
            (T.ACTION, "Go."),
            (T.NOTE, "fix this"),
        )
    )
    assert [line.text for line in paged.pages[0].lines] == ["Go."]


def test_dual_dialogue_prints_side_by_side() -> None:
    dual = Element(type=T.CHARACTER, text="SANDRA", line=3, dual=True)
    screenplay = assemble(
        [],
        [
            Element(type=T.CHARACTER, text="EDWARD", line=1),
            Element(type=T.DIALOGUE, text="Marry me.", line=2),
            dual,
            Element(type=T.DIALOGUE, text="I'm engaged.", line=4),
        ],
    )
    lines = paginate(screenplay).pages[0].lines
    assert [(line.row, line.text) for line in lines if line.kind == "character"] == [
        (0, "EDWARD"),
        (0, "SANDRA"),
    ]
    left, right = (line for line in lines if line.kind == "dialogue")
    assert left.row == right.row == 1 and left.indent < right.indent


def random_script(rng: random.Random) -> Screenplay:
    elements: list[tuple[ElementType, str]] = []
    for _ in range(rng.randint(20, 160)):
        roll = rng.random()
        if roll < 0.15:
            elements.append((T.SCENE_HEADING, f"INT. ROOM {len(elements)} - DAY"))
        elif roll < 0.5:
            elements.append((T.CHARACTER, rng.choice(["BOB", "ALICE (O.S.)", "WILL"])))
            for _ in range(rng.randint(1, 3)):
                if rng.random() < 0.3:
                    elements.append((T.PARENTHETICAL, "(quietly)"))
                elements.append(speech("", rng.randint(1, 25))[1])
        elif roll < 0.55:
            elements.append((T.TRANSITION, "CUT TO:"))
        else:
            words = rng.randint(1, 200)
            sentences = [rng.choice(SENTENCES) for _ in range(words // 8 + 1)]
            elements.append((T.ACTION, " ".join(sentences)))
    return script(*elements, (T.ACTION, "THE END"))


def test_random_scripts_keep_every_rule_and_every_word() -> None:
    rng = random.Random(7)
    for _ in range(60):
        screenplay = random_script(rng)
        paged = paginate(screenplay)
        for number, page in enumerate(paged.pages):
            rows = [line.row for line in page.lines]
            assert rows == sorted(rows) and max(rows) < BODY
            assert last_line(paged, number).kind not in (
                "scene_heading",
                "character",
                "parenthetical",
            )
        words = printed_words(paged, screenplay)
        for index, element in enumerate(screenplay.elements):
            assert words[index] == " ".join(element.text.split())


def test_eighths_of_a_full_page_scene_and_a_short_one() -> None:
    full = "\n".join(f"Line {n}" for n in range(BODY - 2))
    screenplay = script(
        (T.SCENE_HEADING, "INT. HALL - DAY"),
        (T.ACTION, full),
        (T.SCENE_HEADING, "EXT. YARD - DAY"),
        (T.ACTION, "Short."),
        (T.SCENE_HEADING, "EXT. ROAD - NIGHT"),
        (T.ACTION, " ".join(["Long."] * 600)),
    )
    paged = paginate(screenplay)
    scenes = with_pages(screenplay, paged).scenes
    assert [(s.start_page, s.eighths) for s in scenes[:2]] == [("1", 8), ("2", 1)]
    # The third scene runs over pages 2 and 3: all its lines count.
    assert scenes[2].start_page == "2"
    assert scenes[2].eighths is not None and 8 < scenes[2].eighths < 16


def test_with_pages_sets_start_pages_and_page_count() -> None:
    screenplay = script(
        (T.SCENE_HEADING, "INT. ONE - DAY"),
        *actions(30),
        (T.SCENE_HEADING, "INT. TWO - DAY"),
        *actions(60),
        (T.SCENE_HEADING, "INT. THREE - DAY"),
        (T.ACTION, "End."),
    )
    paged = paginate(screenplay)
    paged_screenplay = with_pages(screenplay, paged)
    assert [s.start_page for s in paged_screenplay.scenes] == ["1", "2", "4"]
    assert paged_screenplay.pages == len(paged.pages) == 4
    assert screenplay.scenes[0].start_page is None  # the input is left as it was


def test_big_fish_paginates_to_a_feature_length(corpus_dir: Path) -> None:
    screenplay = parse_fountain((corpus_dir / "scripts" / "big_fish.fountain").read_text())
    paged = paginate(screenplay)
    assert 100 <= len(paged.pages) <= 135
    scenes = with_pages(screenplay, paged).scenes
    assert all(s.start_page is not None and s.eighths >= 1 for s in scenes)
    total = sum(s.eighths for s in scenes) / 8
    assert abs(total - len(paged.pages)) < 0.1 * len(paged.pages)


def test_paginated_models_equal_validated_ones() -> None:
    """Pages are built without validation; they must serialize exactly as validated ones."""
    sp = parse_fountain(
        "INT. A - DAY\n\n*Styled* action that is long enough to wrap past the sixty-"
        "character line.\n\n"
        "BOB\n(beat)\nHello **there**.\n"
    )
    paged = paginate(sp)
    assert PagedScript.model_validate(paged.model_dump()).model_dump_json() == (
        paged.model_dump_json()
    )
