"""Scratch dialogue: every speech of the script spoken in its character's stable voice.

WAV files are named by the hash of what they are made from (text, voice, synthesizer
version), so a re-build synthesizes only the lines that changed, and the durations feed
the shot planner's timing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from backlot.camera.blocking import speeches
from backlot.fileio import atomic_write
from backlot.render.models import ScratchDialogue, SpokenLine, VoiceSpec
from backlot.render.piper_voice import speak_piper
from backlot.render.voice import SAMPLE_RATE, Speech, speak, voice_for, wav_bytes
from backlot.script.models import Screenplay
from backlot.world.models import World

AUDIO_DIR = "audio"
SYNTHESIZERS: dict[str, tuple[str, Callable[[str, VoiceSpec], Speech]]] = {
    "espeak": ("espeak-ng-1", speak),
    "piper": ("piper-joe-1", speak_piper),
}
"""Voice engine → (version, which names its WAVs: bump it when synthesis changes, so
old files are not reused; the function that speaks)."""


def audio_name(text: str, voice: VoiceSpec, engine: str = "espeak") -> str:
    """The build-relative WAV path of a line spoken in a voice by an engine."""
    key = f"{SYNTHESIZERS[engine][0]}\0{voice.model_dump_json()}\0{text}"
    return f"{AUDIO_DIR}/{hashlib.sha256(key.encode()).hexdigest()[:16]}.wav"


def scratch_dialogue(
    screenplay: Screenplay,
    world: World,
    build_dir: Path,
    previous: ScratchDialogue | None = None,
    engine: str = "espeak",
) -> ScratchDialogue:
    """Synthesize every speech by a cast member (into `build_dir`) and time it; a line
    whose WAV the `previous` run left in place is not synthesized again."""
    cast = {c.name: c for c in world.characters}
    done = {line.audio: line for line in previous.lines} if previous else {}
    lines: list[SpokenLine] = []
    for scene in screenplay.scenes:
        for index, cue in speeches(scene):
            character = cast.get(cue)
            element = scene.elements[index]
            text = " ".join(element.text.split())
            if character is None or not text:
                continue
            voice = voice_for(character)
            audio = audio_name(text, voice, engine)
            line_id = f"{scene.number}-{index}"
            old = done.get(audio)
            if old is not None and (build_dir / audio).is_file():
                lines.append(
                    old.model_copy(
                        update={
                            "id": line_id,
                            "scene": scene.number,
                            "element": index,
                            "line": element.line,
                        }
                    )
                )
                continue
            speech = SYNTHESIZERS[engine][1](text, voice)
            atomic_write(build_dir / audio, wav_bytes(speech))
            lines.append(
                SpokenLine(
                    id=line_id,
                    scene=scene.number,
                    element=index,
                    line=element.line,
                    character=character.id,
                    text=text,
                    voice=voice,
                    audio=audio,
                    duration_s=round(speech.duration_s, 4),
                    phonemes=[(round(t, 4), p) for t, p in speech.phonemes],
                )
            )
    return ScratchDialogue(sample_rate=SAMPLE_RATE, lines=lines)
