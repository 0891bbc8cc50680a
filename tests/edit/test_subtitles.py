"""Subtitles: norms per language, segmentation and line breaks, timing to shot changes,
every broken norm reported, and the SRT, WebVTT and IMSC 1.1 writers read back."""

from __future__ import annotations

import re

import defusedxml.ElementTree as SafeET
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backlot.edit.models import DialogueLine, Shot, SubtitleEvent, SubtitleTrack
from backlot.edit.subtitles import (
    check_track,
    norms_for,
    subtitle_track,
    to_imsc,
    to_srt,
    to_webvtt,
)

FPS = 24.0

RIVER = (
    "I told you before, and I will tell you again: the river does not care who you are. "
    "It takes the strong and the weak alike, and it never gives anything back. "
    "So stay away from the water tonight, or you will regret it for the rest of your life."
)


def _line(id_: str, start: int, end: int, text: str, shot: str = "1A") -> DialogueLine:
    return DialogueLine(
        id=id_, scene="1", shot=shot, character="MARA", text=text, record_in=start, record_out=end
    )


def _shots(*edges: tuple[str, int, int]) -> list[Shot]:
    return [Shot(id=i, record_in=a, record_out=b) for i, a, b in edges]


def _found(track: SubtitleTrack, shots: list[Shot]) -> set[tuple[int, str]]:
    return {(p.event, p.rule) for p in check_track(track, shots, norms_for(track.language))}


def _reported(track: SubtitleTrack) -> set[tuple[int, str]]:
    return {(p.event, p.rule) for p in track.problems}


# --- norms ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr", "es-419", "fr-CA", "de_DE"])
def test_latin_norms(language: str) -> None:
    norms = norms_for(language)
    assert (norms.max_chars_per_line, norms.max_lines, norms.max_chars_per_second) == (42, 2, 17)
    assert norms.min_duration_s == pytest.approx(5 / 6)
    assert (norms.max_duration_s, norms.min_gap_frames) == (7.0, 2)


@pytest.mark.parametrize("language", ["zh", "zh-Hans", "zh-Hant-TW", "ja", "ja-JP", "ko", "KO-kr"])
def test_cjk_norms(language: str) -> None:
    norms = norms_for(language)
    assert (norms.max_chars_per_line, norms.max_lines, norms.max_chars_per_second) == (16, 2, 9)
    assert norms.min_duration_s == pytest.approx(5 / 6)


# --- segmentation --------------------------------------------------------------------------


def test_long_speech_split_into_events_that_keep_every_norm() -> None:
    shots = _shots(("1A", 0, 1000))
    track = subtitle_track([_line("1-1", 24, 24 + 20 * 24, RIVER)], shots, FPS, "en")
    assert len(track.events) >= 4
    for event in track.events:
        assert 1 <= len(event.lines) <= 2
        assert all(len(line) <= 42 for line in event.lines)
        seconds = (event.end - event.start) / FPS
        assert sum(len(line) for line in event.lines) / seconds <= 17
        assert 5 / 6 <= seconds <= 7
        assert event.source == "1-1"
    # Every word is there, once, in order.
    assert " ".join(" ".join(e.lines) for e in track.events).split() == RIVER.split()
    assert track.problems == [] and _found(track, shots) == set()
    # Balanced two-line events: the lines of an event differ by less than half a line.
    for event in track.events:
        if len(event.lines) == 2:
            assert abs(len(event.lines[0]) - len(event.lines[1])) < 21


def test_short_line_stays_on_one_line() -> None:
    track = subtitle_track([_line("1-1", 0, 48, "Get in the car.")], [], FPS, "en")
    assert [e.lines for e in track.events] == [["Get in the car."]]


def test_cjk_breaks_within_sixteen_and_after_punctuation() -> None:
    text = "明日の朝、駅の前で待っていてください。遅れないでね、大事な話があるから。"
    track = subtitle_track([_line("1-1", 0, 240, text)], [], FPS, "ja-JP")
    assert "".join("".join(e.lines) for e in track.events) == text
    for event in track.events:
        assert len(event.lines) <= 2 and all(len(line) <= 16 for line in event.lines)
    # The second sentence breaks after its comma: 7 + 10 beats an evener split mid-word.
    assert ["遅れないでね、", "大事な話があるから。"] in [e.lines for e in track.events]
    assert track.problems == []


def test_chinese_without_punctuation_breaks_between_characters() -> None:
    text = "我们今天晚上一定要在十点以前到达那个地方"  # 20 characters, no punctuation
    track = subtitle_track([_line("1-1", 0, 96, text)], [], FPS, "zh-Hans")
    (event,) = track.events
    assert event.lines == ["我们今天晚上一定要在", "十点以前到达那个地方"]


def test_translations_replace_text_and_missing_lines_are_left_out() -> None:
    lines = [_line("1-1", 0, 48, "Hello."), _line("1-2", 60, 120, "Goodbye.")]
    track = subtitle_track(lines, [], FPS, "fr", {"1-2": "Au revoir."})
    assert [(e.source, e.lines) for e in track.events] == [("1-2", ["Au revoir."])]
    assert track.language == "fr"


# --- timing and problems -------------------------------------------------------------------


def test_too_fast_speech_reported_with_its_shot() -> None:
    shots = _shots(("3A", 0, 100), ("3B", 100, 200), ("3C", 200, 400))
    fast = "You have to listen to me now because there is no time left at all"
    lines = [_line("3-1", 120, 144, fast, "3B"), _line("3-2", 150, 190, "Go!", "3B")]
    track = subtitle_track(lines, shots, FPS, "en")
    first = track.events[0]
    assert first.source == "3-1" and track.events[1].start - first.end >= 2
    speed = [p for p in track.problems if p.rule == "reading_speed" and p.event == 0]
    assert len(speed) == 1
    assert speed[0].shot == "3B" and speed[0].source == "3-1"
    assert "shot 3B" in speed[0].message and "17 chars/s" in speed[0].message
    assert _found(track, shots) <= _reported(track)


def test_in_time_just_before_a_cut_moves_onto_it() -> None:
    shots = _shots(("1A", 0, 100), ("1B", 100, 400))
    track = subtitle_track([_line("1-1", 96, 160, "Where were you?")], shots, FPS, "en")
    (event,) = track.events
    assert event.start == 100
    assert _found(track, shots) == set() and track.problems == []


def test_out_time_near_a_cut_ends_two_frames_before_it() -> None:
    shots = _shots(("1A", 0, 100), ("1B", 100, 400))
    # Ends 6 frames into shot 1B; 18 characters need 26 frames, and it has 78 before the cut.
    track = subtitle_track([_line("1-1", 20, 106, "Nobody saw a thing")], shots, FPS, "en")
    (event,) = track.events
    assert (event.start, event.end) == (20, 98)
    assert track.problems == []


def test_out_time_extended_to_a_cut_just_after_it() -> None:
    shots = _shots(("1A", 0, 100), ("1B", 100, 400))
    track = subtitle_track([_line("1-1", 20, 90, "Nobody saw a thing")], shots, FPS, "en")
    assert (track.events[0].start, track.events[0].end) == (20, 98)


def test_two_chunk_speech_split_at_the_cut() -> None:
    shots = _shots(("2A", 0, 150), ("2B", 150, 500))
    text = "We should have left this place a long time ago. Now the storm is almost here."
    track = subtitle_track([_line("2-1", 10, 280, text)], shots, FPS, "en")
    assert len(track.events) == 2
    first, second = track.events
    assert second.start == 150 and first.end == 148
    assert not any(e.start < 150 < e.end for e in track.events)
    assert track.problems == []


def test_event_trimmed_at_a_cut_it_would_cross() -> None:
    shots = _shots(("1A", 0, 100), ("1B", 100, 400))
    # The speech runs 60 frames into 1B, but "Stop." is read long before the cut.
    track = subtitle_track([_line("1-1", 30, 160, "Stop.")], shots, FPS, "en")
    (event,) = track.events
    assert (event.start, event.end) == (30, 98)


def test_crossing_that_cannot_be_avoided_is_reported() -> None:
    shots = _shots(("4A", 0, 50), ("4B", 50, 400))
    text = "This sentence is far too long to be read before the cut comes."
    track = subtitle_track([_line("4-1", 20, 150, text)], shots, FPS, "en")
    crossing = [p for p in track.problems if p.rule == "shot_change"]
    assert crossing and crossing[0].shot == "4A" and "4B" in crossing[0].message
    assert _found(track, shots) <= _reported(track)


def test_events_keep_the_gap_and_are_extended_to_be_read() -> None:
    lines = [
        _line("1-1", 0, 10, "Hey."),
        _line("1-2", 10, 60, "What is it?"),
        _line("1-3", 60, 200, "Nothing, I thought I heard something outside."),
    ]
    track = subtitle_track(lines, [], FPS, "en")
    assert [e.source for e in track.events] == ["1-1", "1-2", "1-3"]
    for before, after in zip(track.events, track.events[1:], strict=False):
        assert after.start - before.end >= 2
    # "Hey." is spoken for 10 frames but stays up until 2 frames before the next one.
    assert track.events[0].end == 8
    assert {p.rule for p in track.problems} == {"min_duration"}
    assert _found(track, []) <= _reported(track)


def test_extended_into_silence_to_the_minimum_duration() -> None:
    track = subtitle_track([_line("1-1", 0, 6, "No.")], [], FPS, "en")
    assert track.events[0].end == 20 and track.problems == []  # 5/6 s at 24 fps


def test_long_pause_capped_at_seven_seconds() -> None:
    track = subtitle_track([_line("1-1", 0, 400, "Wait.")], [], FPS, "en")
    assert track.events[0].end - track.events[0].start == 168 and track.problems == []


def test_overlapping_speeches_stay_in_order() -> None:
    lines = [_line("1-1", 0, 100, "I can't hear you!"), _line("1-2", 40, 120, "I said run!")]
    track = subtitle_track(lines, [], FPS, "en")
    first, second = track.events
    assert first.end <= second.start - 2 and first.source == "1-1"


def test_check_track_finds_every_kind_of_broken_norm() -> None:
    shots = _shots(("1A", 0, 100), ("1B", 100, 500))
    events = [
        SubtitleEvent(start=0, end=10, lines=["x" * 43, "b", "c"], source="a"),
        SubtitleEvent(start=11, end=300, lines=["fine"], source="b"),
        SubtitleEvent(start=302, end=312, lines=["y" * 30], source="c"),
    ]
    track = SubtitleTrack(language="en", fps=FPS, events=events, problems=[])
    found = _found(track, shots)
    assert found == {
        (0, "chars_per_line"),
        (0, "lines"),
        (0, "reading_speed"),
        (0, "min_duration"),
        (0, "gap"),
        (1, "max_duration"),
        (1, "shot_change"),
        (2, "reading_speed"),
        (2, "min_duration"),
    }
    shots_of = {p.event: p.shot for p in check_track(track, shots, norms_for("en"))}
    assert shots_of == {0: "1A", 1: "1A", 2: "1B"}


def test_deterministic() -> None:
    shots = _shots(("1A", 0, 130), ("1B", 130, 700))
    lines = [_line("1-1", 24, 500, RIVER), _line("1-2", 505, 520, "What?")]
    one = subtitle_track(lines, shots, FPS, "en").model_dump_json()
    assert one == subtitle_track(list(reversed(lines)), shots, FPS, "en").model_dump_json()


# --- writers -------------------------------------------------------------------------------


def _track() -> tuple[SubtitleTrack, list[tuple[float, float, list[str]]]]:
    lines = [
        _line("1-1", 12, 60, "Tom & Jerry <live>"),
        _line("1-2", 100, 1200, RIVER),
        _line("1-3", 86400, 86460, "A day later."),
    ]
    track = subtitle_track(lines, [], 23.976, "en")
    expected = [(e.start / 23.976, e.end / 23.976, e.lines) for e in track.events]
    return track, expected


_TIME = re.compile(r"(\d\d):(\d\d):(\d\d)[,.](\d\d\d)")


def _seconds(stamp: str) -> float:
    match = _TIME.fullmatch(stamp)
    assert match, stamp
    h, m, s, ms = (int(g) for g in match.groups())
    return h * 3600 + m * 60 + s + ms / 1000


def _parse_cues(body: str) -> list[tuple[float, float, list[str]]]:
    cues = []
    for block in body.strip().split("\n\n"):
        rows = block.split("\n")
        at = next(i for i, row in enumerate(rows) if " --> " in row)
        begin, end = rows[at].split(" --> ")
        cues.append((_seconds(begin), _seconds(end), rows[at + 1 :]))
    return cues


def _same(got: list, expected: list) -> None:
    assert len(got) == len(expected)
    for (b, e, text), (b0, e0, text0) in zip(got, expected, strict=True):
        assert b == pytest.approx(b0, abs=5e-4) and e == pytest.approx(e0, abs=5e-4)
        assert text == text0


def test_srt_reads_back() -> None:
    track, expected = _track()
    srt = to_srt(track)
    blocks = srt.strip().split("\n\n")
    assert [b.split("\n")[0] for b in blocks] == [str(n) for n in range(1, len(blocks) + 1)]
    assert re.search(r"^00:00:00,501 --> 00:00:02,503$", srt, re.M)
    assert "01:00:03,604 --> " in srt  # frame 86400 at 23.976 fps
    _same(_parse_cues(srt), expected)


def test_webvtt_reads_back() -> None:
    track, expected = _track()
    vtt = to_webvtt(track)
    assert vtt.startswith("WEBVTT\n\n")
    assert "Tom &amp; Jerry &lt;live&gt;" in vtt and "00:00:00.501 --> 00:00:02.503" in vtt
    cues = _parse_cues(vtt.removeprefix("WEBVTT\n"))
    unescaped = [
        (b, e, [t.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") for t in text])
        for b, e, text in cues
    ]
    _same(unescaped, expected)


TT = "{http://www.w3.org/ns/ttml}"
TTP = "{http://www.w3.org/ns/ttml#parameter}"
TTS = "{http://www.w3.org/ns/ttml#styling}"


def test_imsc_reads_back() -> None:
    track, expected = _track()
    root = SafeET.fromstring(to_imsc(track).encode("utf-8"))
    assert root.tag == f"{TT}tt"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert root.get(f"{TTP}profile") == "http://www.w3.org/ns/ttml/profile/imsc1.1/text"
    assert root.get(f"{TTP}timeBase") == "media"
    assert (root.get(f"{TTP}frameRate"), root.get(f"{TTP}frameRateMultiplier")) == (
        "24",
        "1000 1001",
    )
    style = root.find(f"{TT}head/{TT}styling/{TT}style")
    region = root.find(f"{TT}head/{TT}layout/{TT}region")
    assert style is not None and style.get(f"{TTS}textAlign") == "center"
    assert region is not None and region.get(f"{TTS}displayAlign") == "after"
    paragraphs = root.findall(f"{TT}body/{TT}div/{TT}p")
    got = []
    for p in paragraphs:
        text = [p.text or ""] + [br.tail or "" for br in p.findall(f"{TT}br")]
        assert len(p.findall(f"{TT}br")) == len(text) - 1
        got.append((_seconds(p.get("begin")), _seconds(p.get("end")), text))
    _same(got, expected)
    assert got[0][2] == ["Tom & Jerry <live>"]


def test_imsc_integer_frame_rate_has_no_multiplier() -> None:
    track = subtitle_track([_line("1-1", 0, 50, "Hello.")], [], 25.0, "fr-CA")
    root = SafeET.fromstring(to_imsc(track).encode("utf-8"))
    assert root.get(f"{TTP}frameRate") == "25" and root.get(f"{TTP}frameRateMultiplier") is None
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr-CA"


def test_empty_track_writes_empty_files() -> None:
    track = subtitle_track([], [], FPS, "en")
    assert to_srt(track) == "" and to_webvtt(track) == "WEBVTT\n\n"
    root = SafeET.fromstring(to_imsc(track).encode("utf-8"))
    assert root.findall(f"{TT}body/{TT}div/{TT}p") == []


# --- every broken norm reported ------------------------------------------------------------

_WORDS = st.sampled_from(
    "the a river night go stop who you are never back tonight alright extraordinary "
    "I we can't don't listen, run! now. what? well; yes: impossible—really".split()
)
_LATIN = st.lists(_WORDS, min_size=1, max_size=40).map(" ".join)
_CJK = st.text(
    alphabet="明日の朝駅前で待っていてくださ遅れな大事話があるから、。！？我们今天晚上",
    min_size=1,
    max_size=70,
)


@st.composite
def _film(draw: st.DrawFn) -> tuple[list[DialogueLine], list[Shot], str, float]:
    language = draw(st.sampled_from(["en", "fr", "ja", "zh-Hans", "ko"]))
    fps = draw(st.sampled_from([24.0, 25.0, 23.976, 30.0]))
    texts = _CJK if language in ("ja", "zh-Hans", "ko") else _LATIN
    lines, at = [], 0
    for n in range(draw(st.integers(1, 8))):
        at += draw(st.integers(-20, 120))  # negative: speeches that overlap
        at = max(at, 0)
        length = draw(st.integers(1, 300))
        lines.append(_line(f"1-{n}", at, at + length, draw(texts)))
        at += length
    edges, cut = [], 0
    while cut < at + 200:
        step = draw(st.integers(1, 160))
        edges.append((f"S{len(edges)}", cut, cut + step))
        cut += step
    return lines, _shots(*edges), language, fps


@settings(max_examples=100, deadline=None)
@given(_film())
def test_every_broken_norm_is_reported(
    film: tuple[list[DialogueLine], list[Shot], str, float],
) -> None:
    lines, shots, language, fps = film
    track = subtitle_track(lines, shots, fps, language)
    assert _found(track, shots) <= _reported(track)
    for event in track.events:
        assert event.end > event.start
    for before, after in zip(track.events, track.events[1:], strict=False):
        assert before.start < after.start and before.end <= after.start
    assert {e.source for e in track.events} == {line.id for line in lines}
    known = {s.id for s in shots}
    assert all(p.shot in known for p in track.problems)
