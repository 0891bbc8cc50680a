"""The previz renderer, passes, scratch dialogue and the animatic.

Two stages live here. `dialogue` (Screenplay + World → ScratchDialogue) speaks every line
before the shots are planned, so the planner times speeches from real audio. `render`
(… + ShotPlan → Takes) draws every shot whose inputs changed, in parallel, and cuts the
takes together into `animatic.mp4` with the dialogue track and a contact sheet.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from backlot.camera.models import Shot, ShotPlan
from backlot.fileio import atomic_write
from backlot.render import history
from backlot.render.contact_sheet import ContactEntry, contact_sheet_html
from backlot.render.encode import PASS_FILES, concat_takes
from backlot.render.executor import LocalExecutor
from backlot.render.gl import DEPTH_SCALE_M
from backlot.render.models import ScratchDialogue, Take, Takes
from backlot.render.performance import scene_performance
from backlot.render.scratch import scratch_dialogue
from backlot.render.take import (
    LEGEND_FILE,
    STAMP_FILE,
    TAKE_FILE,
    THUMBNAIL_FILE,
    ShotJob,
    SpeechClip,
    is_current,
    render_take,
    shot_audio,
    take_files,
)
from backlot.script.models import Screenplay
from backlot.stage import Runtime, Stage
from backlot.world.models import World

if TYPE_CHECKING:
    from backlot.config import ProjectConfig

__all__ = ["DIALOGUE_STAGE", "STAGE", "Takes", "shot_jobs"]

ANIMATIC = "animatic.mp4"
CONTACT_SHEET = "storyboard.html"


def shot_jobs(
    world: World,
    dialogue: ScratchDialogue,
    plan: ShotPlan,
    config: ProjectConfig,
    build_dir: Path,
) -> list[ShotJob]:
    """One job per planned shot, holding everything its pictures are made from."""
    sets = {s.id: s for s in world.sets}
    setups = {s.number: s for s in world.scenes}
    characters = {c.id: c for c in world.characters}
    timings = {t.scene: t for t in plan.scenes}
    lines: dict[str, list] = {}
    for line in dialogue.lines:
        lines.setdefault(line.scene, []).append(line)
    performances, speech = {}, {}
    for number, timing in timings.items():
        scene_lines = lines.get(number, [])
        performances[number] = scene_performance(timing, scene_lines, plan.fps)
        speech[number] = [
            SpeechClip(
                start_frame=timing.element_frames[line.element][0],
                end_frame=timing.element_frames[line.element][0]
                + round(line.duration_s * plan.fps),
                speaker=characters[line.character].name,
                text=line.text,
                audio=line.audio,
            )
            for line in scene_lines
        ]
    jobs = []
    for shot in plan.shots:
        setup = setups[shot.scene]
        end = shot.start_frame + shot.frames
        jobs.append(
            ShotJob(
                shot=shot,
                set=sets[setup.set],
                setup=setup,
                characters=[characters[c] for c in setup.cast],
                paths=plan.blocking.get(shot.scene, []),
                performance=performances[shot.scene],
                speech=[
                    clip
                    for clip in speech[shot.scene]
                    if clip.start_frame < end and clip.end_frame > shot.start_frame
                ],
                fps=plan.fps,
                size=config.render.size,
                sensor_mm=config.camera.sensor_mm,
                burn_in=config.render.burn_in,
                build_dir=str(build_dir),
            )
        )
    return jobs


def _take(shot: Shot, folder: Path, number: int, digest: str, build_dir: Path, frames: int) -> Take:
    where = folder.relative_to(build_dir).as_posix()
    return Take(
        shot=shot.id,
        scene=shot.scene,
        number=number,
        frames=frames,
        inputs=digest,
        video=f"{where}/{TAKE_FILE}",
        passes={name: f"{where}/passes/{file}" for name, file in PASS_FILES.items()},
        legend=f"{where}/{LEGEND_FILE}",
        thumbnail=f"{where}/{THUMBNAIL_FILE}",
        depth_scale_m=DEPTH_SCALE_M,
    )


def _earlier_takes(job: ShotJob, build_dir: Path) -> list[Take]:
    """The shot's shelved takes (their frame counts as their stamps recorded them)."""
    folder = job.folder / history.TAKES_DIR
    return [
        _take(
            job.shot,
            folder / str(number),
            number,
            stamp["inputs"],
            build_dir,
            stamp.get("frames", job.shot.frames),
        )
        for number, stamp in history.earlier(job.folder, take_files()).items()
    ]


def _file_takes(jobs: list[ShotJob], digests: list[str]) -> list[ShotJob]:
    """Make way for every job's new take; return the jobs still to render.

    A take on disk from other inputs is shelved under its number; a shelved take from
    exactly this job's inputs comes back instead of being drawn again.
    """
    files = take_files()
    todo = []
    for job, digest in zip(jobs, digests, strict=True):
        if history.complete(job.folder, files):
            history.shelve(job.folder, files)
        shelf = history.earlier(job.folder, files)
        back = [number for number, stamp in shelf.items() if stamp["inputs"] == digest]
        if back:
            history.unshelve(job.folder, back[0], files)
        else:
            todo.append(job.model_copy(update={"take": history.next_number(job.folder)}))
    return todo


def render_film(
    screenplay: Screenplay,
    world: World,
    dialogue: ScratchDialogue,
    plan: ShotPlan,
    config: ProjectConfig,
    build_dir: Path,
    runtime: Runtime,
    only: set[str] | None = None,
) -> Takes:
    """Render every shot whose take is missing or stale (of `only`, when given), then cut
    the animatic and the contact sheet from all takes. A stale take is kept as an earlier
    take of its shot, not overwritten."""
    jobs = shot_jobs(world, dialogue, plan, config, build_dir)
    digests = [job.digest() for job in jobs]
    stale = [
        (job, digest)
        for job, digest in zip(jobs, digests, strict=True)
        if (only is None or job.shot.id in only) and not is_current(job, digest)
    ]
    pending = _file_takes([job for job, _ in stale], [digest for _, digest in stale])
    total = sum(job.shot.frames for job in pending)
    drawn = 0

    def done(_: int, frames: int) -> None:
        nonlocal drawn
        drawn += frames
        if runtime.progress:
            runtime.progress("render", drawn, total)

    if runtime.progress:
        runtime.progress("render", 0, total)
    LocalExecutor(runtime.jobs).map(
        partial(render_take, sample_rate=dialogue.sample_rate), pending, done
    )
    takes = [
        _take(
            job.shot,
            job.folder,
            (history.stamp(job.folder) or {}).get("take", 1),
            digest,
            build_dir,
            job.shot.frames,
        )
        for job, digest in zip(jobs, digests, strict=True)
    ]
    earlier = [take for job in jobs for take in _earlier_takes(job, build_dir)]
    ready = [job for job, digest in zip(jobs, digests, strict=True) if is_current(job, digest)]
    film_audio = np.concatenate(
        [shot_audio(job, dialogue.sample_rate) for job in ready] or [np.zeros(0, np.int16)]
    )
    concat_takes(
        [job.folder / TAKE_FILE for job in ready],
        build_dir / ANIMATIC,
        film_audio,
        dialogue.sample_rate,
        plan.fps,
    )
    entries = [
        ContactEntry(
            shot=job.shot.id,
            scene=job.shot.scene,
            type=job.shot.type.value,
            size=job.shot.size.value,
            lens_mm=job.shot.lens_mm,
            move=job.shot.move.value,
            duration_s=round(job.shot.frames / plan.fps, 2),
            description=job.shot.description,
            image=f"shots/{job.shot.id}/{THUMBNAIL_FILE}",
        )
        for job in ready
    ]
    title = config.title or screenplay.title or "Storyboard"
    atomic_write(build_dir / CONTACT_SHEET, contact_sheet_html(entries, title))
    return Takes(
        fps=plan.fps,
        size=config.render.size,
        takes=takes,
        earlier=earlier,
        animatic=ANIMATIC,
        contact_sheet=CONTACT_SHEET,
    )


def _render_files(takes: Takes, build_dir: Path, *_: object) -> list[Path]:
    files = [build_dir / takes.animatic, build_dir / takes.contact_sheet]
    for take in takes.takes:
        folder = build_dir / Path(take.video).parent
        files += [
            build_dir / take.video,
            build_dir / take.legend,
            build_dir / take.thumbnail,
            folder / STAMP_FILE,
            *(build_dir / path for path in take.passes.values()),
        ]
    return files


def _run_dialogue(
    screenplay: Screenplay,
    world: World,
    config: ProjectConfig,
    build_dir: Path,
    runtime: Runtime,
    previous: ScratchDialogue | None = None,
) -> ScratchDialogue:
    return scratch_dialogue(screenplay, world, build_dir, previous, config.dialogue.voice)


def _dialogue_files(dialogue: ScratchDialogue, build_dir: Path, *_: object) -> list[Path]:
    return sorted({build_dir / line.audio for line in dialogue.lines})


DIALOGUE_STAGE = Stage(
    name="dialogue",
    version="1",
    model=ScratchDialogue,
    run=_run_dialogue,
    inputs=("screenplay", "world"),
    config_keys=("dialogue",),
    exports=_dialogue_files,
    reads_previous=True,
    makes_files=True,
)

STAGE = Stage(
    name="render",
    version="2",
    model=Takes,
    run=render_film,
    inputs=("screenplay", "world", "dialogue", "shots"),
    config_keys=("render", "camera", "fps"),
    exports=_render_files,
    makes_files=True,
)
