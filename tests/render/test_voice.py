"""Scratch voices: real synthesis through libespeak-ng, checked on the signal it produces."""

from __future__ import annotations

import io
import threading
import wave

import numpy as np
import pytest
from pydantic import ValidationError

from backlot.errors import BacklotError
from backlot.render import voice as voice_module
from backlot.render.models import VoiceSpec
from backlot.render.voice import SAMPLE_RATE, Speech, speak, voice_for, wav_bytes
from backlot.world.models import CharacterAsset
from tests.camera.night_run import night_run
from tests.conftest import needs_espeak

SENTENCE = "I told you never to come back here tonight."  # eight words
MALE = VoiceSpec(name="en-us+m3", rate_wpm=175, pitch=50)
FEMALE = VoiceSpec(name="en-us+f2", rate_wpm=175, pitch=50)


def _character(cid: str, gender: str, age: int) -> CharacterAsset:
    base = night_run()[2].characters[0]
    look = base.look.model_copy(update={"gender": gender, "age": age})
    return base.model_copy(update={"id": cid, "name": cid.upper(), "look": look})


def _median_f0(speech: Speech) -> float:
    """Median pitch of the voiced frames, by normalised autocorrelation (60–400 Hz)."""
    x = speech.samples.astype(np.float64)
    frame, hop = 882, 441  # 40 ms windows every 20 ms
    lo, hi = SAMPLE_RATE // 400, SAMPLE_RATE // 60
    loud = max(float(np.sum(x[i : i + frame] ** 2)) for i in range(0, len(x) - frame, hop))
    pitches = []
    for start in range(0, len(x) - frame, hop):
        w = x[start : start + frame] - x[start : start + frame].mean()
        energy = float(np.dot(w, w))
        if energy < 0.05 * loud:
            continue
        ac = np.correlate(w, w, mode="full")[frame - 1 :] / energy
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] > 0.5:
            pitches.append(SAMPLE_RATE / lag)
    assert len(pitches) > 10, "too few voiced frames to estimate pitch"
    return float(np.median(pitches))


def test_voice_for_is_stable_and_follows_gender() -> None:
    characters = night_run()[2].characters
    first = [voice_for(c) for c in characters]
    assert first == [voice_for(c.model_copy(deep=True)) for c in characters]
    for character, spec in zip(characters, first, strict=True):
        variant = spec.name.split("+")[1]
        if character.look.gender == "female":
            assert variant.startswith("f")
        elif character.look.gender == "male":
            assert variant.startswith("m")
    women = {voice_for(_character(f"char-w{i}", "female", 35)).name for i in range(20)}
    men = {voice_for(_character(f"char-m{i}", "male", 35)).name for i in range(20)}
    assert all("+f" in n for n in women) and len(women) >= 3
    assert all("+m" in n for n in men) and len(men) >= 4
    unknown = {voice_for(_character(f"char-u{i}", "unknown", 35)).name[6] for i in range(20)}
    assert unknown == {"f", "m"}


def test_voice_for_age_moves_pitch_and_pace() -> None:
    child, adult, elder = (voice_for(_character("char-kim", "female", a)) for a in (8, 35, 80))
    assert child.name == adult.name == elder.name  # the same person, aged
    assert child.pitch > adult.pitch > elder.pitch
    assert elder.rate_wpm < adult.rate_wpm


def test_voice_spec_rejects_paths_and_out_of_range_values() -> None:
    with pytest.raises(ValidationError):
        VoiceSpec(name="../../etc/passwd", rate_wpm=175, pitch=50)
    with pytest.raises(ValidationError):
        VoiceSpec(name="en-us+m3", rate_wpm=20, pitch=50)
    with pytest.raises(ValidationError):
        VoiceSpec(name="en-us+m3", rate_wpm=175, pitch=101)


def test_missing_library_is_a_backlot_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(name: str) -> None:
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(voice_module.ctypes, "CDLL", refuse)
    monkeypatch.setattr(voice_module.ctypes.util, "find_library", lambda _: None)
    with pytest.raises(BacklotError, match=r"apt install espeak-ng"):
        voice_module._load()


def test_empty_text_is_silence_without_synthesis() -> None:
    for text in ("", "   \n\t", "\0"):
        speech = speak(text, MALE)
        assert len(speech.samples) == 0 and speech.phonemes == () and speech.duration_s == 0


@needs_espeak
def test_sentence_duration_is_plausible_and_rate_scales_it() -> None:
    normal = speak(SENTENCE, MALE)
    assert normal.samples.dtype == np.int16 and normal.sample_rate == SAMPLE_RATE == 22050
    assert 1.6 < normal.duration_s < 5.0  # eight words at 175 wpm: 2.7 s; espeak is brisk
    fast = speak(SENTENCE, MALE.model_copy(update={"rate_wpm": 350}))
    assert 0.4 < fast.duration_s / normal.duration_s < 0.7
    assert normal.samples[-1] != 0  # trailing zeros are stripped


@needs_espeak
def test_same_text_and_voice_give_identical_samples() -> None:
    first = speak(SENTENCE, MALE)
    # Lines in between must not leak state: espeak keeps pitch flutter, gain and clause
    # timing from one call to the next unless each line starts afresh.
    speak("Whoa! Stop right there!", FEMALE)
    speak("Another line, slower.", VoiceSpec(name="en-us+m1", rate_wpm=90, pitch=80))
    again = speak(SENTENCE, MALE)
    assert np.array_equal(first.samples, again.samples)
    assert first.phonemes == again.phonemes


@needs_espeak
def test_parallel_calls_match_serial_ones() -> None:
    lines = [f"Line number {n}, spoken from a thread." for n in range(6)]
    serial = [speak(t, FEMALE if i % 2 else MALE).samples for i, t in enumerate(lines)]
    results: dict[int, np.ndarray] = {}

    def work(i: int) -> None:
        results[i] = speak(lines[i], FEMALE if i % 2 else MALE).samples

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(lines))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(np.array_equal(serial[i], results[i]) for i in range(len(lines)))


@needs_espeak
def test_unknown_voice_is_a_backlot_error_and_a_dead_worker_is_replaced() -> None:
    with pytest.raises(BacklotError, match="no voice 'xx-nope"):
        speak("Hello.", VoiceSpec(name="xx-nope+m3", rate_wpm=175, pitch=50))
    before = speak(SENTENCE, MALE)
    worker = voice_module._worker
    assert worker is not None
    worker.process.kill()  # not waited for: the next line may find it dying mid-request
    assert np.array_equal(speak(SENTENCE, MALE).samples, before.samples)
    assert voice_module._worker is not worker


@needs_espeak
def test_phoneme_events_are_timed_inside_the_audio() -> None:
    speech = speak("Hello, my name is Maya.", FEMALE)
    starts = [t for t, _ in speech.phonemes]
    names = [p for _, p in speech.phonemes]
    assert len(speech.phonemes) >= 12
    assert starts == sorted(starts)
    assert starts[0] >= 0 and starts[-1] <= speech.duration_s
    assert "h" in names and "m" in names  # espeak's own mnemonics
    assert all(0 < len(p.encode()) <= 8 for p in names)


@needs_espeak
def test_female_voice_is_higher_than_male() -> None:
    line = "We have maybe ten minutes before they find out the ledger is gone."
    male, female = _median_f0(speak(line, MALE)), _median_f0(speak(line, FEMALE))
    assert 60 < male < 180 and 130 < female < 330
    assert female > 1.3 * male


@needs_espeak
def test_wav_bytes_reads_back() -> None:
    speech = speak(SENTENCE, FEMALE)
    with wave.open(io.BytesIO(wav_bytes(speech))) as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        assert wav.getframerate() == SAMPLE_RATE
        assert wav.getnframes() == len(speech.samples)
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    assert np.array_equal(data, speech.samples)


@needs_espeak
def test_unicode_and_markup_like_text_is_spoken_as_text() -> None:
    accented = speak("Café — ¿qué?", MALE)
    assert accented.duration_s > 0.5 and accented.phonemes
    # SSML and [[phoneme]] input stay off: nothing here may swallow the words after it.
    short = speak("one < two", MALE)
    longer = speak("one < two </speak> [[ three four five", MALE)
    assert longer.duration_s > short.duration_s + 0.5
