"""The cut as OpenTimelineIO: a picture track of takes, a dialogue track, scene markers.

The `.otio` file is the source of truth. EDL (CMX 3600) and FCP 7 XML are written from it
through OpenTimelineIO's own adapter plugins; they drop the custom metadata, which is why
the `.otio` keeps it (shot, take, camera, lens, prompt on every clip).

Media paths in the `.otio` are relative to the build folder, so the file stays true when the
film's folder moves; the EDL and XML name absolute file URLs, which is what an editing
system needs to relink the media.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import opentimelineio as otio

from backlot.camera.models import Shot
from backlot.edit.models import Clip
from backlot.errors import BacklotError
from backlot.fileio import atomic_write
from backlot.render.models import Take, Takes
from backlot.script.models import Scene

RECORD_START_HOURS = 1
"""Editorial convention: a reel's record timecode starts at 01:00:00:00."""

_MARKER_COLOURS = {
    "INT": otio.schema.MarkerColor.BLUE,
    "EXT": otio.schema.MarkerColor.GREEN,
    "INT/EXT": otio.schema.MarkerColor.CYAN,
}


@dataclass(frozen=True)
class Sound:
    """A line on the dialogue track: its name, where it starts in the cut, its WAV."""

    name: str
    record_in: int
    frames: int
    audio: str
    """Build-relative WAV path."""


def choose_takes(takes: Takes, selects: dict[str, int]) -> list[Clip]:
    """Each planned shot's chosen take (the current one unless `selects` names another),
    laid end to end. An unknown shot or take number is one clear error."""
    by_shot: dict[str, dict[int, Take]] = {}
    for take in [*takes.takes, *takes.earlier]:
        by_shot.setdefault(take.shot, {})[take.number] = take
    current = {take.shot: take.number for take in takes.takes}
    for shot, number in selects.items():
        if shot not in current:
            raise BacklotError(f"no shot {shot!r} in the plan (a take was chosen for it)")
        if number not in by_shot[shot]:
            have = ", ".join(str(n) for n in sorted(by_shot[shot]))
            raise BacklotError(f"shot {shot} has takes {have}: there is no take {number}")
    clips, record = [], 0
    for take in takes.takes:
        chosen = by_shot[take.shot][selects.get(take.shot, take.number)]
        clips.append(
            Clip(
                shot=take.shot,
                scene=take.scene,
                take=chosen.number,
                record_in=record,
                frames=chosen.frames,
                media=chosen.video,
                inputs=chosen.inputs,
            )
        )
        record += clips[-1].frames
    return clips


def _range(start: int, frames: int, fps: float) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(
        otio.opentime.RationalTime(start, fps), otio.opentime.RationalTime(frames, fps)
    )


def _reel(clip: Clip) -> str:
    """A CMX 3600 reel name: at most 8 characters, unique per shot and take."""
    return f"{clip.shot}_T{clip.take}"[:8] if len(clip.shot) <= 5 else f"T{clip.take}"


def build_timeline(
    title: str,
    fps: float,
    clips: list[Clip],
    shots: dict[str, Shot],
    scenes: dict[str, Scene],
    sounds: list[Sound],
    url: Callable[[str], str],
) -> otio.schema.Timeline:
    """The cut as an OTIO timeline: V1 holds the takes, A1 the dialogue lines, and each
    scene's first clip carries a marker naming the scene. `url` turns a build-relative
    path into the media reference's target URL."""
    timeline = otio.schema.Timeline(name=title)
    timeline.global_start_time = otio.opentime.RationalTime(RECORD_START_HOURS * 3600 * fps, fps)
    picture = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    dialogue = otio.schema.Track(name="A1 dialogue", kind=otio.schema.TrackKind.Audio)
    timeline.tracks.extend([picture, dialogue])
    marked: set[str] = set()
    for clip in clips:
        shot = shots[clip.shot]
        item = otio.schema.Clip(
            name=clip.shot,
            media_reference=otio.schema.ExternalReference(
                target_url=url(clip.media), available_range=_range(0, clip.frames, fps)
            ),
            source_range=_range(0, clip.frames, fps),
            metadata={
                "backlot": {
                    "shot": clip.shot,
                    "scene": clip.scene,
                    "take": clip.take,
                    "inputs": clip.inputs,
                    "type": shot.type.value,
                    "size": shot.size.value,
                    "move": shot.move.value,
                    "lens_mm": shot.lens_mm,
                    "camera": shot.camera_file,
                    "subjects": list(shot.subjects),
                    "prompt": shot.description,
                },
                "cmx_3600": {"reel": _reel(clip)},
            },
        )
        if clip.scene not in marked:
            marked.add(clip.scene)
            scene = scenes[clip.scene]
            item.markers.append(
                otio.schema.Marker(
                    name=f"{scene.number} {scene.heading}",
                    marked_range=_range(0, 1, fps),
                    color=_MARKER_COLOURS.get(scene.int_ext or "", otio.schema.MarkerColor.RED),
                    metadata={"backlot": {"scene": scene.number, "line": scene.line}},
                )
            )
        picture.append(item)
    at = 0
    for sound in sorted(sounds, key=lambda s: s.record_in):
        start = max(sound.record_in, at)  # a line that overlaps the last starts after it
        if start > at:
            dialogue.append(otio.schema.Gap(source_range=_range(0, start - at, fps)))
        frames = max(1, sound.frames)
        dialogue.append(
            otio.schema.Clip(
                name=sound.name,
                media_reference=otio.schema.ExternalReference(
                    target_url=url(sound.audio), available_range=_range(0, frames, fps)
                ),
                source_range=_range(0, frames, fps),
            )
        )
        at = start + frames
    return timeline


def _file_url(build_dir: Path) -> Callable[[str], str]:
    return lambda path: otio.url_utils.url_from_filepath(str((build_dir / path).resolve()))


def picture_only(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """The timeline with its video track alone: a CMX 3600 EDL carries one picture track."""
    edl = otio.schema.Timeline(name=timeline.name)
    edl.global_start_time = timeline.global_start_time
    edl.tracks.append(timeline.video_tracks()[0].deepcopy())
    return edl


def write_timeline(
    timeline_of: Callable[[Callable[[str], str]], otio.schema.Timeline],
    build_dir: Path,
    stem: str,
    bundle: bool = True,
) -> dict[str, str]:
    """Write `<stem>.otio` (relative media), `<stem>.edl`, `<stem>.xml` (absolute file
    URLs) and `<stem>.otioz` (the timeline with its media inside), each through a temporary
    file. `timeline_of(url)` builds the timeline with a given media URL scheme. Returns
    kind → build-relative path."""
    relative = timeline_of(lambda path: path)
    absolute = timeline_of(_file_url(build_dir))
    files = {
        "otio": f"{stem}.otio",
        "edl": f"{stem}.edl",
        "fcp_xml": f"{stem}.xml",
    }
    try:
        atomic_write(
            build_dir / files["otio"], otio.adapters.write_to_string(relative, "otio_json")
        )
        edl = otio.adapters.write_to_string(picture_only(absolute), "cmx_3600")
        atomic_write(build_dir / files["edl"], edl)
        atomic_write(
            build_dir / files["fcp_xml"], otio.adapters.write_to_string(absolute, "fcp_xml")
        )
        if bundle:
            files["otioz"] = f"{stem}.otioz"
            _write_bundle(absolute, build_dir / files["otioz"])
    except otio.exceptions.OTIOError as exc:
        raise BacklotError(f"cannot export the timeline ({exc})", build_dir / stem) from None
    return files


def _write_bundle(timeline: otio.schema.Timeline, path: Path) -> None:
    """An .otioz: the adapter wants media with unique file names, and every take is called
    take.mp4, so the bundle is made from links named by shot and take."""
    bundle = timeline.deepcopy()
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".otioz-") as staging:
        for index, clip in enumerate(bundle.find_clips()):
            source = otio.url_utils.filepath_from_url(clip.media_reference.target_url)
            name = f"{index:04d}_{clip.name}{Path(source).suffix}"
            os.symlink(source, Path(staging) / name)
            clip.media_reference.target_url = otio.url_utils.url_from_filepath(
                str(Path(staging) / name)
            )
        temp = Path(staging) / path.name
        otio.adapters.write_to_file(bundle, str(temp))
        os.replace(temp, path)
