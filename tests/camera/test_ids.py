"""Shot ids survive a script revision: kept where the shot is the same, never reused."""

from __future__ import annotations

import json
from pathlib import Path

from backlot.camera.ids import letters
from backlot.project import Project


def _ids(build: Path, scene: str) -> list[str]:
    shots = json.loads((build / "shots.json").read_text())
    return [s["id"] for s in shots["shots"] if s["scene"] == scene]


def test_letters() -> None:
    assert [letters(n) for n in (0, 1, 25, 26, 27, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_ids_survive_a_revision_and_are_never_reused(film: Path) -> None:
    build = Project(film).build().build_dir
    before = _ids(build, "7")
    assert before[:3] == ["7A", "7B", "7C"]
    lines = json.loads((build / "shots.json").read_text())["first_lines"]
    # Cut Ruth's question (and Leo's answer): their shots go, the rest keep their ids.
    text = film.read_text()
    film.write_text(
        text.replace("RUTH\n(to Leo)\nAnd who's this?\n\nLEO\nNobody. I'm leaving.\n\n", "")
    )
    Project(film).build()
    after = _ids(build, "7")
    plan = json.loads((build / "shots.json").read_text())
    gone = set(before) - set(after)
    assert gone and sorted(gone) == plan["retired"]["7"]
    assert after[:3] == before[:3]
    # Put them back: the returning shots get new letters, not the retired ones.
    film.write_text(text)
    Project(film).build()
    again = json.loads((build / "shots.json").read_text())
    restored = _ids(build, "7")
    assert set(restored).isdisjoint(set(again["retired"]["7"]))
    assert len(restored) == len(before) and set(restored) != set(before)
    assert lines  # first lines recorded for matching
