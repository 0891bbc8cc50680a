"""The cut: chosen takes end to end, the dialogue list, subtitles, and every export.

Writes (build-relative) `timeline.otio` (the truth), `timeline.otioz`, `timeline.edl`,
`timeline.xml`, `cuts/vNNN.otio` for each version, `cut.mp4` (the chosen takes with the
dialogue), `dialogue_list.csv` / `.xlf`, `subtitles/<lang>.srt|.vtt|.ttml` and the original
voices' viseme tracks under `visemes/<lang>/`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import opentimelineio as otio

from backlot.camera.models import ShotPlan
from backlot.edit.dialogue_list import dialogue_csv, dialogue_list, dialogue_xliff
from backlot.edit.models import (
    Clip,
    DialogueLine,
    DialogueList,
    Shot,
    SubtitleTrack,
    Timeline,
)
from backlot.edit.subtitles import subtitle_track, to_imsc, to_srt, to_webvtt
from backlot.edit.timeline import Sound, build_timeline, choose_takes, write_timeline
from backlot.edit.versions import next_versions
from backlot.edit.visemes import viseme_json, visemes
from backlot.fileio import atomic_write
from backlot.render.encode import concat_takes, mix
from backlot.render.models import ScratchDialogue, Takes
from backlot.render.take import read_wav
from backlot.script.models import Screenplay
from backlot.world.models import World

if TYPE_CHECKING:
    from backlot.config import ProjectConfig

TIMELINE = "timeline"
CUT_VIDEO = "cut.mp4"


def cut_shots(clips: list[Clip]) -> list[Shot]:
    return [
        Shot(id=c.shot, record_in=c.record_in, record_out=c.record_in + c.frames) for c in clips
    ]


def _on_the_cut(lines: DialogueList, plan: ShotPlan, clips: list[Clip]) -> DialogueList:
    """The plan's dialogue list moved to where each scene starts in this cut: an earlier
    take of a different length shifts the scenes after it."""
    planned, at = {}, 0
    for timing in plan.scenes:
        planned[timing.scene], at = at, at + timing.frames
    starts: dict[str, int] = {}
    for clip in clips:
        starts.setdefault(clip.scene, clip.record_in)
    moved = []
    for line in lines.lines:
        shift = starts.get(line.scene, planned[line.scene]) - planned[line.scene]
        moved.append(
            line.model_copy(
                update={"record_in": line.record_in + shift, "record_out": line.record_out + shift}
            )
        )
    return lines.model_copy(update={"lines": moved})


def film_audio(
    lines: list[DialogueLine],
    audio: dict[str, str],
    build_dir: Path,
    fps: float,
    rate: int,
    frames: int,
) -> np.ndarray:
    """The cut's sound: each line's WAV (`audio`: line id → build-relative path) at its place."""
    return mix(
        (
            (round(line.record_in / fps * rate), read_wav(build_dir / audio[line.id]))
            for line in lines
            if line.id in audio
        ),
        round(frames / fps * rate),
    )


def subtitle_files(track: SubtitleTrack, build_dir: Path, stem: str) -> dict[str, str]:
    """SRT, WebVTT and IMSC 1.1 files of a subtitle track, at `stem`.srt|.vtt|.ttml."""
    files = {"srt": f"{stem}.srt", "webvtt": f"{stem}.vtt", "imsc": f"{stem}.ttml"}
    for kind, write in (("srt", to_srt), ("webvtt", to_webvtt), ("imsc", to_imsc)):
        atomic_write(build_dir / files[kind], write(track))
    return files


def cut_film(
    screenplay: Screenplay,
    world: World,
    dialogue: ScratchDialogue,
    plan: ShotPlan,
    takes: Takes,
    config: ProjectConfig,
    build_dir: Path,
    previous: Timeline | None = None,
) -> Timeline:
    """Cut the chosen takes together and write the timeline, its exports and subtitles.

    The takes chosen are the last cut's, updated by `[cut] takes` (0 returns a shot to its
    newest take). A cut unlike the newest version becomes a new numbered version."""
    fps, language = plan.fps, config.cut.language
    selects = dict(previous.selects) if previous else {}
    for shot, number in config.cut.takes.items():
        if number == 0:
            selects.pop(shot, None)
        else:
            selects[shot] = number
    clips = choose_takes(takes, selects)
    selects = {c.shot: c.take for c in clips if c.shot in selects}
    lines = _on_the_cut(dialogue_list(dialogue, plan, world, language), plan, clips)
    shots = cut_shots(clips)
    subtitles = subtitle_track(lines.lines, shots, fps, language)
    spoken = {line.id: line for line in dialogue.lines}
    versions = next_versions(previous.versions if previous else [], clips)
    title = config.title or screenplay.title or "Untitled"
    by_id = {s.id: s for s in plan.shots}
    scenes = {s.number: s for s in screenplay.scenes}
    sounds = [
        Sound(
            name=f"{line.id} {line.character}",
            record_in=line.record_in,
            frames=line.record_out - line.record_in,
            audio=spoken[line.id].audio,
        )
        for line in lines.lines
    ]

    def timeline_of(url: Callable[[str], str]) -> otio.schema.Timeline:
        return build_timeline(title, fps, clips, by_id, scenes, sounds, url)

    files = write_timeline(timeline_of, build_dir, TIMELINE)
    newest = versions[-1]
    if not (build_dir / newest.timeline).is_file():  # a version, once written, stays as it is
        atomic_write(build_dir / newest.timeline, (build_dir / files["otio"]).read_bytes())
    files["version"] = newest.timeline
    files |= {
        f"subtitles_{k}": v
        for k, v in subtitle_files(subtitles, build_dir, f"subtitles/{language}").items()
    }
    atomic_write(build_dir / "dialogue_list.csv", dialogue_csv(lines))
    atomic_write(build_dir / "dialogue_list.xlf", dialogue_xliff(lines))
    files |= {"dialogue_csv": "dialogue_list.csv", "dialogue_xliff": "dialogue_list.xlf"}
    for line in dialogue.lines:
        if line.phonemes:
            track = visemes(line.phonemes, line.duration_s)
            path = f"visemes/{language}/{line.id}.json"
            atomic_write(build_dir / path, viseme_json(track, line.id, line.audio))
            files[f"visemes_{line.id}"] = path
    total = sum(c.frames for c in clips)
    sound = film_audio(
        lines.lines,
        {i: s.audio for i, s in spoken.items()},
        build_dir,
        fps,
        dialogue.sample_rate,
        total,
    )
    concat_takes(
        [build_dir / c.media for c in clips],
        build_dir / CUT_VIDEO,
        sound,
        dialogue.sample_rate,
        fps,
    )
    files["video"] = CUT_VIDEO
    return Timeline(
        fps=fps,
        version=newest.number,
        versions=versions,
        selects=selects,
        dialogue=lines,
        subtitles=subtitles,
        files=files,
    )
