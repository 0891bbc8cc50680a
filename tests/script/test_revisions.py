"""Locked pages: numbers kept, A-pages for new material, revised lines and colours."""

from __future__ import annotations

from pathlib import Path

import pytest

from backlot.errors import BacklotError
from backlot.script.fountain import parse_fountain
from backlot.script.models import PagedScript, Screenplay
from backlot.script.pagination import paginate
from backlot.script.revisions import REVISION_COLOURS, lock, page_suffix


def scene(number: int, lines: int = 24) -> str:
    """A scene of one heading and `lines` rows of action: with 24, two fill a page."""
    action = "\n".join(f"Scene {number}, beat {k}." for k in range(lines))
    return f"INT. ROOM {number} - DAY\n\n{action}\n\n"


def draft(*scenes: str) -> Screenplay:
    return parse_fountain("".join(scenes))


FOUR_PAGES = [scene(n) for n in range(1, 9)]


def texts(paged: PagedScript, number: str) -> list[str]:
    page = next(p for p in paged.pages if p.number == number)
    return [line.text for line in page.lines]


def revised(paged: PagedScript) -> list[str]:
    return [line.text for page in paged.pages for line in page.lines if line.revised]


def test_the_fixture_draft_is_four_pages_of_two_scenes() -> None:
    paged = paginate(draft(*FOUR_PAGES))
    assert [p.number for p in paged.pages] == ["1", "2", "3", "4"]
    assert texts(paged, "2")[0] == "INT. ROOM 3 - DAY"


def test_unchanged_draft_keeps_numbers_and_marks_nothing() -> None:
    old = draft(*FOUR_PAGES)
    locked = lock(old, old)
    assert locked.pages == paginate(old).pages
    assert revised(locked) == []
    assert locked.revision == "BLUE"
    assert all(page.revision is None for page in locked.pages)


def test_long_insert_on_page_two_goes_on_a_pages() -> None:
    old = draft(*FOUR_PAGES)
    new = draft(*FOUR_PAGES[:3], scene(99, lines=40), *FOUR_PAGES[3:])
    locked = lock(new, old)
    numbers = [p.number for p in locked.pages]
    assert numbers[:2] == ["1", "2"] and numbers[-2:] == ["3", "4"]
    assert numbers == ["1", "2", "2A", "3", "4"]
    before = paginate(old)
    for number in ("1", "3", "4"):
        assert texts(locked, number) == texts(before, number)
    marked = revised(locked)
    assert marked[0] == "INT. ROOM 99 - DAY"
    assert len(marked) == 41 and all("99" in text for text in marked)
    colours = {p.number: p.revision for p in locked.pages}
    assert colours["1"] is None and colours["3"] is None and colours["4"] is None
    assert colours["2A"] == "BLUE"


def test_changed_line_is_flagged_and_its_page_coloured() -> None:
    old = draft(*FOUR_PAGES)
    changed = FOUR_PAGES[5].replace("Scene 6, beat 3.", "Scene 6, beat 3, now in the rain.")
    locked = lock(draft(*FOUR_PAGES[:5], changed, *FOUR_PAGES[6:]), old, "pink")
    assert [p.number for p in locked.pages] == ["1", "2", "3", "4"]
    # The scene's action is one element; only the line whose words changed is marked.
    assert revised(locked) == ["Scene 6, beat 3, now in the rain."]
    assert [p.revision for p in locked.pages] == [None, None, "PINK", None]
    stars = [line for line in locked.pages[2].lines if line.revised]
    assert stars and all(line.element is not None for line in stars)


def test_change_in_an_action_running_over_a_page_stays_on_its_page() -> None:
    # Scene 2's action starts at the foot of page 1 and runs onto page 2.
    old = draft(scene(1, lines=40), scene(2, lines=40), scene(3, lines=10))
    changed = scene(2, lines=40).replace("beat 35.", "beat 35, and the dam breaks.")
    locked = lock(draft(scene(1, lines=40), changed, scene(3, lines=10)), old)
    before = paginate(old)
    assert [p.number for p in locked.pages] == [p.number for p in before.pages] == ["1", "2"]
    assert revised(locked) == ["Scene 2, beat 35, and the dam breaks."]
    assert texts(locked, "1") == texts(before, "1")
    assert [p.revision for p in locked.pages] == [None, "BLUE"]


def test_page_whose_content_was_cut_prints_omitted() -> None:
    old = draft(*FOUR_PAGES)
    locked = lock(draft(*FOUR_PAGES[:4], *FOUR_PAGES[6:]), old)
    assert [(p.number, p.omitted) for p in locked.pages] == [
        ("1", False),
        ("2", False),
        ("3", True),
        ("4", False),
    ]
    assert locked.pages[2].lines == [] and locked.pages[2].revision == "BLUE"
    assert texts(locked, "4") == texts(paginate(old), "4")


def test_speech_running_over_a_locked_page_resumes_where_it_did(corpus_dir: Path) -> None:
    text = (corpus_dir / "scripts" / "big_fish.fountain").read_text()
    old = parse_fountain(text)
    # A new line on page 2 must not move any later page.
    new = parse_fountain(text.replace("This is The Beast.", "This is The Beast. Huge."))
    locked, before = lock(new, old), paginate(old)
    assert [p.number for p in locked.pages] == [p.number for p in before.pages]
    assert revised(locked) == ["This is The Beast. Huge."]
    for old_page, new_page in zip(before.pages[2:], locked.pages[2:], strict=True):
        assert [line.text for line in old_page.lines] == [line.text for line in new_page.lines]


def test_revision_colours_and_suffixes() -> None:
    assert REVISION_COLOURS[:3] == ("WHITE", "BLUE", "PINK")
    assert [page_suffix(n) for n in (1, 2, 26, 27, 28)] == ["A", "B", "Z", "AA", "AB"]
    with pytest.raises(BacklotError, match="revision colour"):
        lock(draft(scene(1)), draft(scene(1)), "PLAID")
