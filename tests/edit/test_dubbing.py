"""Dubbed scratch audio: each language's line fitted by rate to the original's duration,
its WAV and viseme track on disk, reused on a re-build, the same bytes every time."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from backlot.edit import dubbing
from backlot.edit.dubbing import ESPEAK_VOICES, dub_line, dub_voice, espeak_voice
from backlot.edit.models import DubbedLine, Viseme
from backlot.errors import BacklotError
from backlot.render.models import VoiceSpec
from backlot.render.voice import speak
from tests.conftest import needs_espeak
from tests.edit.test_visemes import check_track

LINES = {
    "fr": "Je ne sais pas où il est parti ce matin, avec le chien.",
    "es": "No sé dónde está mi hermano, salió temprano con el perro.",
    "ko": "오늘 아침에, 제 동생이 어디에 갔는지 모르겠어요.",
    "ja": "きょうは とても いい てんき ですね、さんぽに いきましょう。",  # kana: kanji are not read
    "zh": "我不知道，我的弟弟今天早上去哪里了。",
}
ORIGINAL = VoiceSpec(name="en-us+f2", rate_wpm=175, pitch=58, language="en-us")


def _wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        return wav.getnframes() / wav.getframerate()


@pytest.fixture
def count_speech(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every line the dubbing synthesizes, in order."""
    spoken: list[str] = []

    def counting(text: str, voice: VoiceSpec):
        spoken.append(text)
        return speak(text, voice)

    monkeypatch.setattr(dubbing, "speak", counting)
    return spoken


def test_voices_by_language_tag() -> None:
    assert set(ESPEAK_VOICES) == {"fr", "es", "ko", "ja", "zh"}
    assert espeak_voice("fr-CA") == "fr"
    assert espeak_voice("es-419") == "es"
    assert espeak_voice("zh-Hans") == espeak_voice("zh_TW") == "cmn-latn-pinyin"
    assert espeak_voice("KO") == "ko"
    for tag in ("de", "xx-YY", ""):
        with pytest.raises(BacklotError, match="no dubbing voice for language"):
            espeak_voice(tag)
    with pytest.raises(BacklotError, match="'tlh'"):
        dub_voice(ORIGINAL, "tlh")


def test_a_character_keeps_its_variant_and_pitch() -> None:
    voice = dub_voice(ORIGINAL, "ja")
    assert (voice.name, voice.pitch, voice.rate_wpm, voice.language) == ("ja+f2", 58, 175, "ja")
    assert dub_voice(VoiceSpec(name="en-us", rate_wpm=150, pitch=40), "zh-Hans").name == (
        "cmn-latn-pinyin"
    )


@needs_espeak
@pytest.mark.parametrize("language", sorted(LINES))
def test_a_line_is_fitted_to_the_original_duration(
    language: str, tmp_path: Path, count_speech: list[str]
) -> None:
    text, voice = LINES[language], dub_voice(ORIGINAL, language)
    natural = speak(text, voice).duration_s
    assert natural > 1.5
    for factor in (0.8, 1.2):  # the original line 20 % shorter, 20 % longer
        target = round(natural * factor, 3)
        count_speech.clear()
        line = dub_line("4-2", text, voice, target, tmp_path, f"dub/{language}")
        assert 1 <= len(count_speech) <= dubbing.TRIES
        assert 0.9 <= line.fit <= 1.1, (language, factor, line.fit)
        assert line.fit == round(line.duration_s / target, 4)
        assert line.target_s == target and line.voice == voice.name
        assert (line.rate_wpm < voice.rate_wpm) == (factor > 1)
        assert line.audio.startswith(f"dub/{language}/") and line.audio.endswith(".wav")
        assert abs(_wav_duration(tmp_path / line.audio) - line.duration_s) < 1e-4

        # the viseme track on disk is that of the audio on disk
        fitted = voice.model_copy(update={"rate_wpm": line.rate_wpm})
        speech = speak(text, fitted)
        with wave.open(str(tmp_path / line.audio), "rb") as wav:
            on_disk = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
        assert np.array_equal(on_disk, speech.samples)
        document = json.loads((tmp_path / line.visemes).read_text("utf-8"))
        assert (document["line"], document["audio"]) == ("4-2", line.audio)
        track = [Viseme(start_s=a, end_s=b, viseme=v) for a, b, v in document["visemes"]]
        check_track(track, speech.phonemes, line.duration_s)

        # a re-build synthesizes nothing and finds the same line
        mtime = (tmp_path / line.audio).stat().st_mtime_ns
        count_speech.clear()
        assert dub_line("4-2", text, voice, target, tmp_path, f"dub/{language}") == line
        assert count_speech == []
        assert (tmp_path / line.audio).stat().st_mtime_ns == mtime


@needs_espeak
def test_the_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    voice = dub_voice(ORIGINAL, "fr")
    lines = [
        dub_line("1-1", LINES["fr"], voice, 2.5, tmp_path / name, "dub/fr") for name in ("a", "b")
    ]
    assert lines[0] == lines[1]
    for name in ("audio", "visemes"):
        first, second = (tmp_path / d / getattr(lines[0], name) for d in ("a", "b"))
        assert first.read_bytes() == second.read_bytes()
    # another target is another fit, and its own files
    other = dub_line("1-1", LINES["fr"], voice, 3.2, tmp_path / "a", "dub/fr")
    assert other.audio != lines[0].audio and other.rate_wpm < lines[0].rate_wpm


@needs_espeak
def test_missing_files_are_made_again(tmp_path: Path, count_speech: list[str]) -> None:
    voice = dub_voice(ORIGINAL, "es")
    line = dub_line("2-7", LINES["es"], voice, 3.0, tmp_path, "dub/es")
    data = (tmp_path / line.audio).read_bytes()
    (tmp_path / line.audio).unlink()
    count_speech.clear()
    assert dub_line("2-7", LINES["es"], voice, 3.0, tmp_path, "dub/es") == line
    assert count_speech and (tmp_path / line.audio).read_bytes() == data
    for record in (tmp_path / "dub/es").glob("*.line.json"):
        record.write_text("{not json", "utf-8")
    assert dub_line("2-7", LINES["es"], voice, 3.0, tmp_path, "dub/es") == line


@needs_espeak
def test_a_line_the_rate_limits_cannot_fit_is_returned_anyway(tmp_path: Path) -> None:
    voice = dub_voice(ORIGINAL, "ko")
    natural = speak(LINES["ko"], voice).duration_s
    slow = dub_line("5-1", LINES["ko"], voice, natural * 4, tmp_path, "dub/ko")
    assert slow.rate_wpm == dubbing.MIN_RATE and slow.fit < 0.9
    fast = dub_line("5-1", LINES["ko"], voice, natural / 6, tmp_path, "dub/ko")
    assert fast.fit > 1.1 and fast.rate_wpm >= 400
    assert DubbedLine.model_validate_json(fast.model_dump_json()) == fast


def test_bad_lines_are_clear_errors(tmp_path: Path) -> None:
    voice = dub_voice(ORIGINAL, "fr")
    with pytest.raises(BacklotError, match="no text"):
        dub_line("1-1", "  \n ", voice, 2.0, tmp_path, "dub/fr")
    for target in (0.0, -1.0, float("nan")):
        with pytest.raises(BacklotError, match="target duration"):
            dub_line("1-1", "Bonjour.", voice, target, tmp_path, "dub/fr")
