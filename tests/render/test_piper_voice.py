"""The optional piper voice: real synthesis with the packaged model, when the extra is there."""

from __future__ import annotations

import numpy as np
import pytest

from backlot.errors import BacklotError
from backlot.render.models import VoiceSpec
from backlot.render.piper_voice import _pitch_factor, _resample, available, speak_piper
from backlot.render.voice import SAMPLE_RATE

needs_piper = pytest.mark.skipif(
    not available(),
    reason="the piper extra is not installed (pip install 'backlot[piper]')",
)

SENTENCE = "I told you never to come back here tonight."  # eight words
JOE = VoiceSpec(name="en-us+m3", rate_wpm=175, pitch=50)


def test_available_is_a_bool() -> None:
    assert isinstance(available(), bool)


def test_pitch_factor() -> None:
    assert _pitch_factor(JOE) == 1.0
    assert _pitch_factor(JOE.model_copy(update={"pitch": 80})) > 1.0
    assert _pitch_factor(JOE.model_copy(update={"pitch": 30})) < 1.0
    female = VoiceSpec(name="en-us+f2", rate_wpm=175, pitch=50)
    assert _pitch_factor(female) > 1.1


def test_resample_keeps_the_signal() -> None:
    ramp = np.arange(100, dtype=np.float32)
    assert _resample(ramp, 1.0) is ramp
    half = _resample(ramp, 2.0)
    assert len(half) == 50 and np.allclose(half, np.arange(0, 100, 2))
    double = _resample(ramp, 0.5)
    assert len(double) == 199 and double[1] == pytest.approx(0.5)


@needs_piper
def test_empty_text_is_silence() -> None:
    speech = speak_piper(" \n\x00 ", JOE)
    assert speech.sample_rate == SAMPLE_RATE and len(speech.samples) == 0


@needs_piper
def test_sentence_duration_and_rate() -> None:
    speech = speak_piper(SENTENCE, JOE)
    assert speech.sample_rate == SAMPLE_RATE
    assert speech.samples.dtype == np.int16
    assert speech.phonemes == ()
    # Eight words at 175 wpm is about 2.7 s of speech; piper's pauses add a little.
    assert 1.5 < speech.duration_s < 5.0
    peak = int(np.abs(speech.samples.astype(np.int32)).max())
    assert 10_000 < peak <= 32767


@needs_piper
def test_deterministic() -> None:
    first = speak_piper(SENTENCE, JOE)
    speak_piper("Something else in between, to move any hidden state along.", JOE)
    again = speak_piper(SENTENCE, JOE)
    assert np.array_equal(first.samples, again.samples)


@needs_piper
def test_faster_rate_is_shorter() -> None:
    normal = speak_piper(SENTENCE, JOE).duration_s
    fast = speak_piper(SENTENCE, JOE.model_copy(update={"rate_wpm": 300})).duration_s
    slow = speak_piper(SENTENCE, JOE.model_copy(update={"rate_wpm": 120})).duration_s
    assert fast < 0.85 * normal < normal < slow


@needs_piper
def test_pitch_shift_keeps_the_pace() -> None:
    normal = speak_piper(SENTENCE, JOE).duration_s
    high = speak_piper(SENTENCE, VoiceSpec(name="en-us+f2", rate_wpm=175, pitch=70))
    assert high.sample_rate == SAMPLE_RATE
    assert 0.8 * normal < high.duration_s < 1.2 * normal


@pytest.mark.skipif(available(), reason="the piper extra is installed")
def test_missing_extra_says_how_to_install() -> None:
    with pytest.raises(BacklotError, match=r"backlot\[piper\]"):
        speak_piper(SENTENCE, JOE)
