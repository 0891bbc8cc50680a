"""One shot rendered: every frame drawn once, its passes and its take written.

A `ShotJob` holds everything a shot's pictures depend on, so a worker process needs
nothing else, and the hash of the job is the take's cache key: a take whose stamp
(`take.json`) carries the same hash is not rendered again.
"""

from __future__ import annotations

import hashlib
import json
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from backlot.camera.formats import camera_at
from backlot.camera.framing import intrinsics, look_at
from backlot.camera.models import CharacterPath, Shot
from backlot.fileio import atomic_write
from backlot.render.contact_sheet import thumbnail_bytes
from backlot.render.encode import PASS_FILES, PassWriter, TakeWriter, mix
from backlot.render.gl import Frame, Renderer
from backlot.render.openpose import OPENPOSE_ORDER, draw_openpose
from backlot.render.overlay import burn_in, timecode
from backlot.render.performance import Performance, level
from backlot.render.pose import pose_state, rig_of
from backlot.render.scene import scene_geometry, scene_lighting
from backlot.world.models import CharacterAsset, SceneSetup, SetAsset

RENDER_VERSION = "6"
"""Part of every take's hash: bump it when the pictures or their files change for the same
inputs (the pass files' names are in the hash too)."""
TAKE_FILE = "take.mp4"
STAMP_FILE = "take.json"
LEGEND_FILE = "instances.json"
THUMBNAIL_FILE = "thumbnail.jpg"


class SpeechClip(BaseModel):
    """A line of the scratch track as a shot plays it."""

    start_frame: int
    """Scene frame where the line starts."""
    end_frame: int
    speaker: str
    text: str
    audio: str
    """Build-relative WAV path (content-addressed: its name changes when its sound does)."""


class ShotJob(BaseModel):
    """Everything one shot's take is rendered from."""

    shot: Shot
    set: SetAsset
    setup: SceneSetup
    characters: list[CharacterAsset]
    paths: list[CharacterPath]
    performance: Performance
    speech: list[SpeechClip]
    fps: float
    size: tuple[int, int]
    sensor_mm: tuple[float, float]
    burn_in: bool
    build_dir: str
    take: int = 1
    """The take's number among its shot's takes (where it is filed, not what it shows)."""

    @property
    def folder(self) -> Path:
        return Path(self.build_dir) / "shots" / self.shot.id

    def digest(self) -> str:
        """The take's cache key: the job without where it is written or filed."""
        payload = self.model_dump_json(exclude={"build_dir", "take"})
        layout = json.dumps(take_files())
        return hashlib.sha256(f"{RENDER_VERSION}\0{layout}\0{payload}".encode()).hexdigest()


def take_files() -> list[str]:
    """What a take folder holds, relative to it."""
    return [
        TAKE_FILE,
        LEGEND_FILE,
        THUMBNAIL_FILE,
        *(f"passes/{name}" for name in PASS_FILES.values()),
    ]


def is_current(job: ShotJob, digest: str) -> bool:
    """Whether the take on disk was rendered from exactly this job (`digest` is its
    `digest()`, which serializes the whole job: callers compute it once)."""
    folder = job.folder
    try:
        stamp = json.loads((folder / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stamp.get("inputs") == digest and all((folder / name).is_file() for name in take_files())


_RENDERERS: dict[tuple[int, int], Renderer] = {}


def _renderer(size: tuple[int, int]) -> Renderer:
    """One renderer per process and size: an EGL context costs tens of milliseconds."""
    if size not in _RENDERERS:
        _RENDERERS[size] = Renderer(size)
    return _RENDERERS[size]


def shot_audio(job: ShotJob, sample_rate: int) -> np.ndarray:
    """The shot's stretch of the scene's dialogue, as int16 samples."""
    shot = job.shot
    clips = (
        (
            round((clip.start_frame - shot.start_frame) / job.fps * sample_rate),
            read_wav(Path(job.build_dir) / clip.audio),
        )
        for clip in job.speech
    )
    return mix(clips, round(shot.frames / job.fps * sample_rate))


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as handle:
        return np.frombuffer(handle.readframes(handle.getnframes()), np.int16)


def render_take(job: ShotJob, sample_rate: int) -> int:
    """Render the shot's frames into its take and passes; returns the frames drawn."""
    renderer = _renderer(job.size)
    geometry = scene_geometry(job.set, job.characters, job.shot.scene)
    renderer.load(
        geometry.vertices,
        geometry.indices,
        scene_lighting(job.setup, job.set),
        geometry.static,
    )
    # Bone slots follow each skeleton's order (scene_geometry), as a rig's names do.
    rigs = [(c, rig_of(c)) for c in job.characters]
    paths = {p.character: p for p in job.paths}
    order = {name: i for i, name in enumerate(rigs[0][1].names)} if rigs else {}
    openpose_index = [order[name] for name in OPENPOSE_ORDER] if rigs else []
    bones = np.tile(np.eye(4), (geometry.bone_count, 1, 1))
    shot, fps, width = job.shot, job.fps, job.size[0]
    folder = job.folder
    lens = f"{shot.id}  {shot.size.value} {shot.type.value}  {shot.lens_mm:g} mm"
    # Inverse depth is white at half the distance to what the camera frames first.
    position, target, _ = camera_at(shot, shot.start_frame)
    subject_m = float(np.linalg.norm(np.subtract(target, position)))
    thumbnail_frame = shot.start_frame + shot.frames // 2
    with (
        PassWriter(folder / "passes", job.size, fps, PASS_FILES) as passes,
        TakeWriter(
            folder / TAKE_FILE, job.size, fps, shot_audio(job, sample_rate), sample_rate
        ) as take,
    ):
        drawn: tuple[np.ndarray, ...] = ()  # what the last frame drawn was drawn from
        image = None  # the last frame read back
        pending: _Pending | None = None  # read back (or held still), not yet written

        def write(done: _Pending) -> None:
            if done.camera is None:
                # Camera and cast hold still (half the frames of a film): the picture is
                # the last one again, and every pass codec is intra-only, so the passes
                # repeat its packets rather than draw and encode it anew.
                passes.write({})
            else:
                pose = draw_openpose(job.size, *_keypoints(done.people, *done.camera, job.size))
                passes.write(
                    {
                        "beauty": done.image.beauty,
                        "depth": done.image.depth,
                        "inverse_depth": done.image.inverse_depth,
                        "normal": done.image.normal,
                        "instance": done.image.instance,
                        "pose": pose,
                    }
                )
            if done.frame == thumbnail_frame:
                thumbnail = thumbnail_bytes(done.image.beauty, min(320, width))
                atomic_write(folder / THUMBNAIL_FILE, thumbnail)
            beauty = done.image.beauty
            if job.burn_in:
                clock = f"{job.setup.number}  {timecode(done.frame, fps)}"
                beauty = burn_in(beauty, lens, clock, _spoken(job.speech, done.frame))
            take.write(beauty)

        for frame in range(shot.start_frame, shot.start_frame + shot.frames):
            people = []
            for character, rig in rigs:
                path = paths.get(character.id)
                if path is None:
                    continue
                state = pose_state(
                    path,
                    frame,
                    fps,
                    sitting=level(path.seated, frame, fps),
                    talking=level(job.performance.talking.get(character.id, []), frame, fps),
                )
                base = geometry.bones[character.id]
                bones[base : base + len(rig.names)] = rig.matrix_array(state)
                people.append(rig.joint_array(state)[openpose_index])
            position, target, focal = camera_at(shot, frame)
            view = (np.array([*position, *target, focal]), bones, *people)
            camera = None
            if not _same_view(view, drawn):
                drawn = tuple(a.copy() for a in view)
                camera = look_at(position, target), intrinsics(focal, job.sensor_mm, job.size)
                renderer.draw(*camera, bones, 0.5 * subject_m)
            # The frame before is written while the driver draws this one.
            if pending is not None:
                write(pending)
            if camera is not None:
                image = renderer.read()
            assert image is not None  # the first frame is always drawn
            pending = _Pending(frame, image, people, camera)
        if pending is not None:
            write(pending)
    atomic_write(folder / LEGEND_FILE, json.dumps(geometry.legend, indent=1, sort_keys=True))
    stamp = {"inputs": job.digest(), "take": job.take, "frames": shot.frames}
    atomic_write(folder / STAMP_FILE, json.dumps(stamp, indent=1))
    return shot.frames


@dataclass
class _Pending:
    """A frame read back (or held still: no camera) whose passes and take are not written."""

    frame: int
    image: Frame
    people: list[np.ndarray]
    camera: tuple[np.ndarray, tuple[float, float, float, float]] | None
    """Camera-to-world and intrinsics of a frame drawn; None for one held still."""


def _same_view(view: tuple[np.ndarray, ...], drawn: tuple[np.ndarray, ...]) -> bool:
    return len(view) == len(drawn) and all(
        np.array_equal(a, b) for a, b in zip(view, drawn, strict=True)
    )


def _spoken(speech: list[SpeechClip], frame: int) -> str:
    """The line being said at a frame, as a burn-in shows it ('' in silence)."""
    for clip in speech:
        if clip.start_frame <= frame < clip.end_frame:
            return f"{clip.speaker}: {clip.text}"
    return ""


def _keypoints(
    people: list[np.ndarray],
    cam_to_world: np.ndarray,
    k: tuple[float, float, float, float],
    size: tuple[int, int],
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Each person's 18 joints in pixels, and which are in front of the camera and on screen."""
    if not people:
        return [], []
    fx, fy, cx, cy = k
    points = np.concatenate(people)
    rotation, origin = cam_to_world[:3, :3], cam_to_world[:3, 3]
    cam = (points - origin) @ rotation
    z = cam[:, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        pixels = np.stack([fx * cam[:, 0] / z + cx, fy * cam[:, 1] / z + cy], axis=1)
    visible = (z > 0.05) & (pixels[:, 0] >= 0) & (pixels[:, 0] < size[0])
    visible &= (pixels[:, 1] >= 0) & (pixels[:, 1] < size[1])
    count = len(people)
    return list(pixels.reshape(count, 18, 2)), list(visible.reshape(count, 18))
