"""Viseme tracks: the espeak-ng → Oculus/MPEG-4 mapping, the tiling of a line, and a check
on real synthesized audio that the mouth is shut where the sound is."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from backlot.edit.models import Viseme
from backlot.edit.visemes import VISEMES, is_pause, viseme_json, viseme_of, visemes
from backlot.render.models import VoiceSpec
from backlot.render.voice import speak
from tests.conftest import needs_espeak

VOWELS = {"aa", "E", "ih", "oh", "ou"}

SENTENCES = {
    "en-us+m3": "Peter picked a bunch of fresh violets, then thought about the mood.",
    "fr+m3": "Bonjour, je ne sais pas où il est parti ce matin avec le chien.",
    "es+f2": "Buenos días, no sé dónde está mi hermano.",
    "ko+m3": "안녕하세요, 동생이 어디에 갔는지 모르겠어요.",
    "ja+f2": "こんにちは、きょうは とても いい てんき ですね。",
    "cmn-latn-pinyin+m3": "你好，我不知道我的弟弟今天早上去哪里了。",
}


def test_the_fifteen_visemes() -> None:
    assert VISEMES == (
        "sil",
        "PP",
        "FF",
        "TH",
        "DD",
        "kk",
        "CH",
        "SS",
        "nn",
        "RR",
        "aa",
        "E",
        "ih",
        "oh",
        "ou",
    )


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (("p", "b", "m"), "PP"),
        (("f", "v"), "FF"),
        (("T", "D"), "TH"),
        (("t", "d", "th", "t#"), "DD"),
        (("k", "g", "X", "h"), "kk"),
        (("tS", "dZ", "S", "Z", "tS;h", "ts.", "s.", "s\\", "t_s\\"), "CH"),
        (("s", "z", "s-", "ts", "z2"), "SS"),
        (("n", "N", "l", "L", "n^"), "nn"),
        (("r", "R", "R2", "*", "**"), "RR"),
        (("a", "A", "aI", "aU", "Au", "a#", "V", "A~"), "aa"),
        (("E", "e", "eI", "@", "@-", "@2", "3:", "E~", "iE"), "E"),
        (("I", "i", "i:", "I2", "i.", "j", "u-", "_j"), "ih"),
        (("O", "o", "O:", "oU", "O~", "Y", "W"), "oh"),
        (("U", "u", "u:", "w", "y", "H"), "ou"),
        (("_", "_:", "_!", "_|", "_!_"), "sil"),
    ],
)
def test_espeak_names_map_to_their_viseme(names: tuple[str, ...], expected: str) -> None:
    for name in names:
        assert viseme_of(name) == expected, name


def test_unknown_names_go_by_their_leading_sound() -> None:
    assert viseme_of("b#2") == "PP"  # marks stripped
    assert viseme_of("kx") == "kk"  # leading letter
    assert viseme_of("O@3") == "oh"
    assert viseme_of("ff") == "FF"
    assert viseme_of("'a:") == "aa"  # a stress mark, as -x writes it
    assert viseme_of("K") == "kk"  # an unknown capital: its lower case
    assert viseme_of(";") is None  # a bare mark holds the shape before it
    assert is_pause("_:") and not is_pause("_j")


def test_a_track_tiles_the_line_and_merges_runs() -> None:
    events = [
        (0.0504, "h"),
        (0.1, "E"),
        (0.2, "l"),
        (0.25, "oU"),
        (0.30, "U"),
        (0.4, "_:"),
        (0.5, "_"),
        (0.5, "b"),
        (0.52, "i"),
        (0.56, ";"),
        (0.58, "i"),
        (0.6, "_"),
    ]
    track = visemes(events, 0.65)
    assert [(v.start_s, v.end_s, v.viseme) for v in track] == [
        (0.0, 0.05, "sil"),
        (0.05, 0.1, "kk"),
        (0.1, 0.2, "E"),
        (0.2, 0.25, "nn"),
        (0.25, 0.3, "oh"),
        (0.3, 0.4, "ou"),
        (0.4, 0.5, "sil"),  # '_:' and a zero-length '_' at 0.5 give way to 'b'
        (0.5, 0.52, "PP"),
        (0.52, 0.6, "ih"),  # ';' holds 'i', and the next 'i' merges into it
        (0.6, 0.65, "sil"),
    ]


def test_edge_cases() -> None:
    assert visemes([], 1.5) == [Viseme(start_s=0.0, end_s=1.5, viseme="sil")]
    assert visemes([(0.1, "a")], 0.0) == []
    # events at or past the end add nothing; out-of-order events are sorted
    track = visemes([(0.3, "o"), (0.1, "a"), (0.5, "_"), (0.7, "m")], 0.5)
    assert [(v.start_s, v.end_s, v.viseme) for v in track] == [
        (0.0, 0.1, "sil"),
        (0.1, 0.3, "aa"),
        (0.3, 0.5, "oh"),
    ]


def test_viseme_json_is_stable() -> None:
    track = visemes([(0.02, "m"), (0.1, "a"), (0.3, "_:")], 0.4)
    text = viseme_json(track, "3-1", "dub/fr/abc.wav")
    assert text == viseme_json(track, "3-1", "dub/fr/abc.wav")
    assert text.startswith('{\n "line": "3-1",\n')
    document = json.loads(text)
    assert document["audio"] == "dub/fr/abc.wav"
    assert document["duration_s"] == 0.4
    assert document["visemes"] == [
        [0.0, 0.02, "sil"],
        [0.02, 0.1, "PP"],
        [0.1, 0.3, "aa"],
        [0.3, 0.4, "sil"],
    ]


def check_track(track: list[Viseme], events: tuple[tuple[float, str], ...], end: float) -> None:
    """The invariants of a track of real speech: shared with the dubbing tests."""
    times = {round(t, 3) for t, _ in events}
    assert track[0].start_s == 0.0
    for viseme in track[1:]:
        assert viseme.start_s in times
    for before, after in itertools.pairwise(track):
        assert before.end_s == after.start_s
        assert before.viseme != after.viseme
    assert all(v.end_s > v.start_s for v in track)
    assert track[-1].end_s == end
    assert {v.viseme for v in track} <= set(VISEMES)


@needs_espeak
@pytest.mark.parametrize("voice", sorted(SENTENCES))
def test_tracks_of_real_speech_follow_the_audio(voice: str) -> None:
    speech = speak(SENTENCES[voice], VoiceSpec(name=voice, rate_wpm=175, pitch=50))
    track = visemes(speech.phonemes, speech.duration_s)
    check_track(track, speech.phonemes, speech.duration_s)
    names = {v.viseme for v in track}
    assert "sil" in names and len(names & VOWELS) >= 3
    samples = speech.samples.astype(np.float64)

    def rms(kinds: set[str], min_s: float = 0.0) -> float:
        spans = [v for v in track if v.viseme in kinds and v.end_s - v.start_s > min_s]
        assert spans, kinds
        values = [
            samples[round(v.start_s * speech.sample_rate) : round(v.end_s * speech.sample_rate)]
            for v in spans
        ]
        return float(np.sqrt(np.mean(np.concatenate(values) ** 2)))

    assert rms({"sil"}, min_s=0.05) < 0.1 * rms(VOWELS)


@needs_espeak
def test_bilabials_close_the_lips_in_speech() -> None:
    speech = speak("Bob made a big map.", VoiceSpec(name="en-us+m3", rate_wpm=175, pitch=50))
    track = visemes(speech.phonemes, speech.duration_s)
    bilabials = [round(t, 3) for t, name in speech.phonemes if name in ("p", "b", "m")]
    assert len(bilabials) == 6
    for time in bilabials:  # 'b' then 'm' ("Bob made") is one closed-lips span
        (held,) = [v for v in track if v.start_s <= time < v.end_s]
        assert held.viseme == "PP", time
