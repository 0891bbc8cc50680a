"""Dubbed scratch audio: a translated line spoken by the character's voice in the target
language, its rate fitted so that it lasts as long as the original line, and its viseme track.

The visemes come from the same synthesis as the audio (libespeak-ng's phoneme events, see
`backlot.render.voice`), so the mouth moves with the dubbed words to the millisecond.

Files, under `build_dir/folder/`, are named by the hash of what they are made from:

- `<hash of version, text, voice with the fitted rate>.wav`: the audio;
- `<hash of version, line id, audio>.visemes.json`: the viseme track (`viseme_json`);
- `<hash of version, line id, text, voice as asked, target>.line.json`: the fitted line, so
  that a re-build finds the rate the fit settled on, and with it the WAV, without
  synthesizing anything.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

from pydantic import ValidationError

from backlot.edit.language import primary_subtag
from backlot.edit.models import DubbedLine
from backlot.edit.visemes import viseme_json, visemes
from backlot.errors import BacklotError
from backlot.fileio import atomic_write
from backlot.render.models import VoiceSpec
from backlot.render.voice import Speech, speak, wav_bytes

VERSION = "dub-espeak-ng-1"
"""Names every dubbed file: bump it when synthesis, fitting or the viseme mapping changes."""

ESPEAK_VOICES: dict[str, str] = {
    "fr": "fr",  # 'fr-fr' is the CLI's language name; espeak_SetVoiceByName knows it as 'fr'
    "es": "es",
    "ko": "ko",
    "ja": "ja",  # reads kana; kanji come out as "Chinese letter"
    "zh": "cmn-latn-pinyin",  # Debian's 'cmn' reads the pinyin tone digits out in English
}
"""Language (primary subtag of a BCP 47 tag) → espeak-ng voice."""

MIN_RATE, MAX_RATE = 80, 450
"""espeak-ng's rate limits (words per minute), as VoiceSpec allows them."""
TOLERANCE = 0.10
"""A dubbed line fits when it lasts within ±10 % of the original."""
AIM = 0.03
"""The fit keeps trying rates until it is this close (or out of tries)."""
TRIES = 6
"""Syntheses a line may take to fit, the first at the voice's own rate included."""


def espeak_voice(language: str) -> str:
    """The espeak-ng voice for a language tag: 'fr', 'fr-CA', 'es-419', 'zh-Hans' (the
    primary subtag decides); a language espeak is not set up for here is a BacklotError."""
    voice = ESPEAK_VOICES.get(primary_subtag(language))
    if voice is None:
        known = ", ".join(sorted(ESPEAK_VOICES))
        raise BacklotError(f"no dubbing voice for language {language!r} (known: {known})")
    return voice


def dub_voice(original: VoiceSpec, language: str) -> VoiceSpec:
    """The character's voice speaking `language`: the same variant ('+m3') and pitch, so a
    character sounds like itself in every version, and its own rate to start fitting from."""
    _, plus, variant = original.name.partition("+")
    name = espeak_voice(language) + (f"+{variant}" if plus and variant else "")
    return VoiceSpec(name=name, rate_wpm=original.rate_wpm, pitch=original.pitch, language=language)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join((VERSION, *parts)).encode("utf-8")).hexdigest()[:16]


def _fit(text: str, voice: VoiceSpec, target_s: float) -> tuple[Speech, int]:
    """Speak `text` at rates until it lasts `target_s` (within AIM), at most TRIES times;
    the best try wins. Duration goes roughly as 1 / rate, but pauses do not scale quite
    with it and espeak-ng's top rate switches to another speed-up (450 can come out longer
    than 449), so each next rate is the secant through the last two tries in log–log
    (proportional from the first), and the best try is kept, whatever came after it."""
    tried: dict[int, Speech] = {}
    rate = voice.rate_wpm
    while len(tried) < TRIES and rate not in tried:
        speech = speak(text, voice.model_copy(update={"rate_wpm": rate}))
        tried[rate] = speech
        if speech.duration_s <= 0 or abs(speech.duration_s / target_s - 1) <= AIM:
            break
        rates = list(tried)
        if len(rates) == 1:
            slope = -1.0  # duration ∝ 1 / rate
        else:
            (r0, s0), (r1, s1) = (rates[-2], tried[rates[-2]]), (rates[-1], tried[rates[-1]])
            slope = (math.log(s1.duration_s) - math.log(s0.duration_s)) / (
                math.log(r1) - math.log(r0)
            )
            if not -3.0 <= slope <= -0.3:  # flat, rising or wild: trust the simple model
                slope = -1.0
        wanted = math.exp(
            math.log(rate) + (math.log(target_s) - math.log(speech.duration_s)) / slope
        )
        rate = min(MAX_RATE, max(MIN_RATE, round(wanted)))
    best = min(tried, key=lambda r: (abs(math.log(max(tried[r].duration_s, 1e-9) / target_s)), r))
    return tried[best], best


def dub_line(
    line_id: str, text: str, voice: VoiceSpec, target_s: float, build_dir: Path, folder: str
) -> DubbedLine:
    """Speak a translated line in `voice` (see `dub_voice`), fitted by rate to last
    `target_s` seconds, and write its WAV and viseme track under `build_dir/folder/`.

    A line whose files a previous build left is not synthesized again. When even espeak's
    rate limits cannot bring the line within ±10 % (a translation far longer or shorter
    than the original), the closest try is returned: its `fit` says by how much it misses."""
    text = " ".join(text.split())
    if not text:
        raise BacklotError(f"dubbed line {line_id!r} has no text to speak")
    if not (math.isfinite(target_s) and target_s > 0):
        raise BacklotError(f"dubbed line {line_id!r}: target duration {target_s!r} s is not > 0")
    where = Path(build_dir)
    record = f"{folder}/{_digest(line_id, text, voice.model_dump_json(), repr(float(target_s)))}"
    record += ".line.json"
    if (where / record).is_file():
        try:
            line = DubbedLine.model_validate_json((where / record).read_bytes())
        except (OSError, ValueError, ValidationError):
            line = None  # unreadable: make it again
        if line is not None and (where / line.audio).is_file() and (where / line.visemes).is_file():
            return line

    speech, rate = _fit(text, voice, float(target_s))
    fitted = voice.model_copy(update={"rate_wpm": rate})
    audio = f"{folder}/{_digest(fitted.model_dump_json(), text)}.wav"
    track_name = f"{folder}/{_digest(line_id, audio)}.visemes.json"
    duration = round(speech.duration_s, 4)
    track = visemes(speech.phonemes, duration)
    if not (where / audio).is_file():  # the same name is the same bytes
        atomic_write(where / audio, wav_bytes(speech))
    atomic_write(where / track_name, viseme_json(track, line_id, audio))
    line = DubbedLine(
        id=line_id,
        text=text,
        voice=fitted.name,
        rate_wpm=rate,
        audio=audio,
        duration_s=duration,
        target_s=float(target_s),
        fit=round(duration / float(target_s), 4),
        visemes=track_name,
    )
    atomic_write(where / record, line.model_dump_json(indent=1) + "\n")
    return line
