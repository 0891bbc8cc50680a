"""Scratch voices: each character's stable espeak-ng voice, and lines spoken in it.

libespeak-ng is driven through its C API (ctypes), not the `espeak-ng` program, because the
synthesizer's own timed phoneme events come back with the audio.

The same line must always give the same samples, and espeak-ng cannot promise that within
one process: it keeps state between calls that no API call resets (wavegen's pitch-flutter
phase, cycle and gain counters, and clause timing in the translator), so a line comes out
differently depending on what was spoken before it. So the library lives in a worker process
that initialises it once and forks a child per line: every line starts from the same
freshly initialised state. Breath noise draws on libc's rand(), re-seeded in each child.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import traceback
import warnings
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from backlot.errors import BacklotError
from backlot.render.models import VoiceSpec

if TYPE_CHECKING:
    from backlot.world.models import CharacterAsset

SAMPLE_RATE = 22050
"""What espeak_Initialize returns for espeak-ng's own (non-MBROLA) voices."""

FEMALE = ("f1", "f2", "f3", "f4", "f5")
MALE = ("m1", "m2", "m3", "m4", "m5", "m6", "m7")
NORMAL_RATE = 175  # espeakRATE_NORMAL, words per minute


def voice_for(character: CharacterAsset) -> VoiceSpec:
    """One stable voice per character, from its look: gender picks the variant family, age
    shifts pitch and pace, and a hash of the id picks the variant (sha256, so it does not
    change between runs the way Python's hash() does)."""
    digest = hashlib.sha256(character.id.encode("utf-8")).digest()
    gender = character.look.gender
    if gender not in ("female", "male"):
        gender = "female" if digest[0] % 2 else "male"
    family = FEMALE if gender == "female" else MALE
    variant = family[int.from_bytes(digest[1:5], "big") % len(family)]
    age = character.look.age
    pitch, rate = 50, NORMAL_RATE
    if age < 13:
        pitch, rate = 78, 180
    elif age < 20:
        pitch = 62
    elif age >= 75:
        pitch, rate = 36, 145
    elif age >= 60:
        pitch, rate = 42, 160
    # A little per-character spread, so two people on one variant still differ.
    pitch += digest[5] % 9 - 4
    return VoiceSpec(name=f"en-us+{variant}", rate_wpm=rate, pitch=pitch, language="en-us")


@dataclass(frozen=True)
class Speech:
    """A spoken line: int16 mono samples and espeak's (start seconds, phoneme) events."""

    samples: np.ndarray
    sample_rate: int
    phonemes: tuple[tuple[float, str], ...]

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


def wav_bytes(speech: Speech) -> bytes:
    """The speech as a 16-bit mono PCM WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(speech.sample_rate)
        out.writeframes(np.asarray(speech.samples, dtype="<i2").tobytes())
    return buffer.getvalue()


def speak(text: str, voice: VoiceSpec) -> Speech:
    """Synthesize `text` in `voice`; the same text and voice give the same samples.
    Trailing all-zero samples are dropped; espeak's lead-in is kept."""
    # NUL would end the C string early; other control codes are not speech.
    text = "".join(" " if ord(c) < 32 or c == "\x7f" else c for c in text).strip()
    if not text:
        return Speech(np.zeros(0, np.int16), SAMPLE_RATE, ())
    global _worker
    with _lock:  # one request at a time on the worker's pipes
        for attempt in (1, 2):  # a worker that died since the last line is replaced once
            if _worker is None or not _worker.usable():
                _worker = _Worker()
            try:
                samples, events = _worker.synth(text, voice)
                break
            except _WorkerStopped:
                _worker.close()
                if attempt == 2:
                    raise
    nonzero = np.flatnonzero(samples)
    samples = samples[: nonzero[-1] + 1] if len(nonzero) else samples[:0]
    # A pause event can start inside the stripped silence; report it at the end instead.
    end = len(samples) / SAMPLE_RATE
    phonemes = tuple((min(ms / 1000, end), name) for ms, name in events)
    return Speech(samples, SAMPLE_RATE, phonemes)


# --- libespeak-ng through ctypes (speak_lib.h, API revision 12) -----------------------------

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_PHONEME_EVENTS = 0x0001  # events carry eSpeak phoneme names (not IPA)
_INITIALIZE_DONT_EXIT = 0x8000  # missing data must not exit() the process
_CHARS_UTF8 = 1  # and neither espeakSSML nor espeakPHONEMES: '<' and '[[' are plain text
_POS_CHARACTER = 1
_EVENT_PHONEME = 7
_RATE, _PITCH = 1, 3


class _EventId(ctypes.Union):
    _fields_ = (("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8))


class _Event(ctypes.Structure):
    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # ms from the start of this espeak_Synth call
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    )


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


def _load() -> ctypes.CDLL:
    for name in ("libespeak-ng.so.1", ctypes.util.find_library("espeak-ng")):
        if name:
            try:
                return ctypes.CDLL(name)
            except OSError:
                continue
    raise BacklotError("espeak-ng is not installed (apt install espeak-ng)")


def _serve() -> None:
    """The worker's loop: one JSON request a line on stdin; per request a JSON reply line on
    stdout, then that many bytes of little-endian int16 samples."""
    lib, libc = _load(), ctypes.CDLL(None)
    lib.espeak_Initialize.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int)
    lib.espeak_SetVoiceByName.argtypes = (ctypes.c_char_p,)
    where = (ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint)
    lib.espeak_Synth.argtypes = (*where, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p)
    options = _INITIALIZE_PHONEME_EVENTS | _INITIALIZE_DONT_EXIT
    rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, options)
    chunks: list[bytes] = []
    events: list[tuple[int, str]] = []

    def receive(wav: Any, count: int, event: Any) -> int:
        if wav and count > 0:
            chunks.append(ctypes.string_at(wav, count * 2))
        i = 0
        while event and event[i].type != 0:  # the list ends with espeakEVENT_LIST_TERMINATED
            if event[i].type == _EVENT_PHONEME:
                name = event[i].id.string.split(b"\0", 1)[0].decode("utf-8", "replace")
                events.append((event[i].audio_position, name))
            i += 1
        return 0  # go on synthesizing

    def answer(request: dict[str, Any]) -> bytes:
        if lib.espeak_SetVoiceByName(request["voice"].encode()) != 0:
            error = f"espeak-ng has no voice {request['voice']!r}"
            return json.dumps({"error": error}).encode() + b"\n"
        lib.espeak_SetParameter(_RATE, request["rate"], 0)
        lib.espeak_SetParameter(_PITCH, request["pitch"], 0)
        libc.srand(0)
        text = request["text"].encode() + b"\0"
        if lib.espeak_Synth(text, len(text), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None):
            return json.dumps({"error": "espeak-ng could not speak the line"}).encode() + b"\n"
        data = b"".join(chunks)
        return json.dumps({"bytes": len(data), "events": events}).encode() + b"\n" + data

    # espeak_Initialize starts a queue thread even in synchronous mode. It idles, unused, so
    # forking is safe; the child runs only on this thread. Python 3.12+ would warn each fork.
    warnings.filterwarnings("ignore", r".*fork\(\) may lead to deadlocks", DeprecationWarning)
    callback = _CALLBACK(receive)  # referenced until exit: C keeps only the pointer
    lib.espeak_SetSynthCallback(callback)
    out = sys.stdout.buffer
    out.write(json.dumps({"rate": rate}).encode() + b"\n")
    out.flush()
    for line in sys.stdin.buffer:
        if os.fork() == 0:  # the child speaks from the pristine state, then is gone
            try:
                out.write(answer(json.loads(line)))
                out.flush()
                os._exit(0)
            except BaseException:
                traceback.print_exc()
                os._exit(1)
        if os.wait()[1] != 0:
            return  # a child failed mid-reply: stop, so the caller sees the pipe close


class _WorkerStopped(BacklotError):
    """The worker process ended (or crashed) while a line was being spoken."""


class _Worker:
    """The worker process, seen from the caller; use only while holding `_lock`."""

    def __init__(self) -> None:
        _load()  # fail here, with the install hint, rather than in the worker
        # The worker runs this file alone: importing the backlot.render package would pull
        # in the whole renderer. It must find the same backlot, and no cwd (-P) on its path.
        boot = "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__')"
        here = Path(__file__).resolve()
        path = [str(here.parents[2]), *os.environ.get("PYTHONPATH", "").split(os.pathsep)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in path if p)}
        # No idle BLAS thread pool in a process that forks for every line.
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-c", boot, str(here)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            start_new_session=True,  # Ctrl-C reaches the caller; the worker ends at EOF
        )
        self.owner = os.getpid()  # a forked copy of this process must start its own
        atexit.register(self.close)
        rate = self._reply().get("rate")
        if rate != SAMPLE_RATE:
            self.close()
            raise BacklotError(f"espeak-ng started at {rate} Hz, not {SAMPLE_RATE}")

    def _reply(self) -> dict[str, Any]:
        line = self.process.stdout.readline() if self.process.stdout else b""
        if not line:
            raise _WorkerStopped("espeak-ng stopped unexpectedly (see the messages above)")
        return json.loads(line)

    def synth(self, text: str, voice: VoiceSpec) -> tuple[np.ndarray, list[tuple[int, str]]]:
        request = {"text": text, "voice": voice.name, "rate": voice.rate_wpm, "pitch": voice.pitch}
        assert self.process.stdin and self.process.stdout
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except OSError as exc:
            raise _WorkerStopped(f"espeak-ng stopped unexpectedly: {exc}") from exc
        reply = self._reply()
        if "error" in reply:
            raise BacklotError(reply["error"])
        data = self.process.stdout.read(reply["bytes"])
        if len(data) != reply["bytes"]:
            raise _WorkerStopped("espeak-ng stopped unexpectedly (see the messages above)")
        events = [(int(ms), str(p)) for ms, p in reply["events"]]
        return np.frombuffer(data, dtype="<i2").astype(np.int16), events

    def usable(self) -> bool:
        return self.owner == os.getpid() and self.process.poll() is None

    def close(self) -> None:
        if self.owner != os.getpid():
            return
        for pipe in (self.process.stdin, self.process.stdout):  # EOF ends the worker's loop
            with contextlib.suppress(OSError):
                if pipe:
                    pipe.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_lock = threading.Lock()
_worker: _Worker | None = None

if __name__ == "__main__":
    _serve()
