"""Localized versions: for each translation in the film's `translations/` folder, dubbed
scratch lines fitted to the original timing, their viseme tracks, subtitles, a timeline
and an animatic with the dubbed sound.

Everything of language `xx` lands in `build/versions/xx/`: `timeline.otio|.edl|.xml`,
`animatic.mp4`, `subtitles.srt|.vtt|.ttml`, and `audio/` (WAVs and `.visemes.json`).
A translation file is `translations/<lang>.xlf` (XLIFF 2.0, as `backlot dialogue export`
writes it) or `translations/<lang>.csv`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import opentimelineio as otio

from backlot.camera.models import ShotPlan
from backlot.edit.cut import cut_shots, film_audio, subtitle_files
from backlot.edit.dialogue_list import read_translation
from backlot.edit.dubbing import dub_line, dub_voice
from backlot.edit.models import LanguageVersion, Timeline, Translation, Versions
from backlot.edit.subtitles import subtitle_track
from backlot.edit.timeline import Sound, build_timeline, write_timeline
from backlot.render.encode import concat_takes
from backlot.render.models import ScratchDialogue
from backlot.script.models import Screenplay

if TYPE_CHECKING:
    from backlot.config import ProjectConfig

TRANSLATIONS_DIR = "translations"
SUFFIXES = (".xlf", ".xliff", ".csv")


def translation_files(root: Path | None) -> list[Path]:
    """The film's translation files, one per language, in name order."""
    folder = (root or Path()) / TRANSLATIONS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())


def translations_key(config: ProjectConfig) -> list[tuple[str, str]]:
    """What the versions stage reads from outside the build: each translation's bytes."""
    return [
        (path.name, hashlib.sha256(path.read_bytes()).hexdigest())
        for path in translation_files(config.root)
    ]


def localize_version(
    translation: Translation,
    screenplay: Screenplay,
    dialogue: ScratchDialogue,
    plan: ShotPlan,
    cut: Timeline,
    title: str,
    build_dir: Path,
) -> LanguageVersion:
    """One language's version of the cut's newest version."""
    language, fps = translation.language, cut.fps
    folder = f"versions/{language}"
    spoken = {line.id: line for line in dialogue.lines}
    clips = cut.versions[-1].clips
    lines = [line for line in cut.dialogue.lines if line.id in translation.lines]
    dubbed = [
        dub_line(
            line.id,
            translation.lines[line.id],
            dub_voice(spoken[line.id].voice, language),
            spoken[line.id].duration_s,
            build_dir,
            f"{folder}/audio",
        )
        for line in lines
    ]
    audio = {d.id: d.audio for d in dubbed}
    shots = cut_shots(clips)
    subtitles = subtitle_track(cut.dialogue.lines, shots, fps, language, translation.lines)
    sounds = [
        Sound(
            name=f"{line.id} {line.character} ({language})",
            record_in=line.record_in,
            frames=round(d.duration_s * fps),
            audio=d.audio,
        )
        for line, d in zip(lines, dubbed, strict=True)
    ]
    by_id = {s.id: s for s in plan.shots}
    scenes = {s.number: s for s in screenplay.scenes}

    def timeline_of(url: Callable[[str], str]) -> otio.schema.Timeline:
        name = f"{title} ({language})"
        return build_timeline(name, fps, clips, by_id, scenes, sounds, url)

    files = write_timeline(timeline_of, build_dir, f"{folder}/timeline", bundle=False)
    files |= subtitle_files(subtitles, build_dir, f"{folder}/subtitles")
    total = sum(c.frames for c in clips)
    sound = film_audio(lines, audio, build_dir, fps, dialogue.sample_rate, total)
    animatic = f"{folder}/animatic.mp4"
    concat_takes(
        [build_dir / c.media for c in clips], build_dir / animatic, sound, dialogue.sample_rate, fps
    )
    files["video"] = animatic
    return LanguageVersion(language=language, lines=dubbed, subtitles=subtitles, files=files)


def localize_film(
    screenplay: Screenplay,
    dialogue: ScratchDialogue,
    plan: ShotPlan,
    cut: Timeline,
    config: ProjectConfig,
    build_dir: Path,
) -> Versions:
    """A version for every translation the film has. A line the script has rewritten or cut
    since it was translated is left out of its version (importing such a file is refused;
    here the script moved on), so a revision never stops the build."""
    title = config.title or screenplay.title or "Untitled"
    versions = []
    for path in translation_files(config.root):
        translation = read_translation(path, cut.dialogue, path.stem, strict=False)
        versions.append(
            localize_version(translation, screenplay, dialogue, plan, cut, title, build_dir)
        )
    return Versions(languages=versions)
