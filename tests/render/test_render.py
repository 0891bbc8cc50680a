"""The renderer and the render stage: passes line up, takes are complete, deterministic
and incremental, and the animatic holds every shot and the dialogue."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from functools import cache
from pathlib import Path

import av
import numpy as np
import pytest

from backlot.camera.formats import camera_at
from backlot.camera.framing import intrinsics, look_at
from backlot.camera.models import ShotPlan
from backlot.camera.stage import plan_shots
from backlot.config import ProjectConfig
from backlot.project import Project
from backlot.render import take as take_module
from backlot.render.encode import PASS_FILES, TakeWriter, read_pass
from backlot.render.gl import DEPTH_SCALE_M, Renderer
from backlot.render.models import RenderConfig, ScratchDialogue, Takes
from backlot.render.openpose import OPENPOSE_ORDER
from backlot.render.pose import pose_state, rig_of
from backlot.render.scene import scene_geometry, scene_lighting
from backlot.render.stage import render_film, shot_jobs
from backlot.render.take import render_take
from backlot.stage import Runtime
from tests.camera.night_run import night_run
from tests.cli_helpers import backlot
from tests.conftest import copy_example

SIZE = (160, 90)


@cache
def _plan() -> ShotPlan:
    screenplay, breakdown, world = night_run()
    return plan_shots(screenplay, breakdown, world, ProjectConfig())


def _config(size: tuple[int, int] = SIZE) -> ProjectConfig:
    return ProjectConfig(render=RenderConfig(size=size))


def _jobs(build_dir: Path, size: tuple[int, int] = SIZE) -> list:
    silent = ScratchDialogue(sample_rate=22050, lines=[])
    return shot_jobs(night_run()[2], silent, _plan(), _config(size), build_dir)


def _master_frame(number: str, size: tuple[int, int]) -> tuple:
    """A renderer with a scene of the night run loaded, and the middle frame of the
    scene's master: the shot, the frame, the geometry, the bones and joints of the cast
    posed at that frame, and the camera intrinsics."""
    world, plan = night_run()[2], _plan()
    setup = next(s for s in world.scenes if s.number == number)
    asset = next(s for s in world.sets if s.id == setup.set)
    characters = [c for c in world.characters if c.id in setup.cast]
    geometry = scene_geometry(asset, characters, number)
    renderer = Renderer(size)
    renderer.load(
        geometry.vertices, geometry.indices, scene_lighting(setup, asset), geometry.static
    )
    shot = next(s for s in plan.shots if s.scene == number and s.type.value == "master")
    frame = shot.start_frame + shot.frames // 2
    bones = np.tile(np.eye(4), (geometry.bone_count, 1, 1))
    paths = {p.character: p for p in plan.blocking[number]}
    joints = {}
    for character in characters:
        rig = rig_of(character)
        state = pose_state(paths[character.id], frame, plan.fps)
        base = geometry.bones[character.id]
        bones[base : base + len(rig.names)] = rig.matrix_array(state)
        joints[character.id] = rig.joints(state)
    _, _, focal = camera_at(shot, frame)
    k = intrinsics(focal, ProjectConfig().camera.sensor_mm, size)
    return renderer, shot, frame, geometry, bones, joints, k


def _two_shot_frame(size: tuple[int, int], outside: bool = False) -> tuple:
    """A frame of the diner scene's master (three people) drawn straight by the renderer,
    with the camera and the posed joints it was drawn from. `outside` puts the camera high
    outside the set, looking at it with the sky behind: an interior master may see no sky."""
    renderer, shot, frame, geometry, bones, joints, k = _master_frame("7", size)
    position, target, _ = camera_at(shot, frame)
    if outside:
        # A set's origin is the centre of its floor.
        position, target = (0.0, 12.0, -40.0), (0.0, 1.0, 0.0)
    cam_to_world = look_at(position, target)
    image = renderer.render(cam_to_world, k, bones)
    return image, cam_to_world, k, joints, geometry


def _assert_sky_agrees(image) -> None:
    """Geometry and sky agree in every pass: where nothing was hit, no instance, no normal."""
    hit = image.depth > 0
    assert hit.any()
    assert np.array_equal(hit, image.instance.any(axis=2))
    assert np.array_equal(hit, image.normal.any(axis=2))
    assert np.array_equal(hit, image.inverse_depth > 0)


def test_sky_is_empty_in_every_pass() -> None:
    image = _two_shot_frame(SIZE, outside=True)[0]
    assert not (image.depth > 0).all()
    _assert_sky_agrees(image)


def test_passes_line_up_with_the_beauty_frame_pixel_for_pixel() -> None:
    image, cam_to_world, (fx, fy, cx, cy), joints, geometry = _two_shot_frame(SIZE)
    _assert_sky_agrees(image)
    colours = {asset: colour for colour, asset in geometry.legend.items()}
    checked = 0
    for character, points in joints.items():
        # A point inside the torso, between neck and the hips, projected by the camera.
        torso = (points["neck"] + (points["r_hip"] + points["l_hip"]) / 2.0) / 2.0
        cam = (torso - cam_to_world[:3, 3]) @ cam_to_world[:3, :3]
        if cam[2] <= 0:
            continue
        u, v = fx * cam[0] / cam[2] + cx, fy * cam[1] / cam[2] + cy
        col, row = int(u), int(v)
        if not (0 <= col < SIZE[0] and 0 <= row < SIZE[1]):
            continue
        pixel = "#{:02x}{:02x}{:02x}".format(*image.instance[row, col])
        if geometry.legend.get(pixel) != character:
            continue  # someone stands in front of them here
        checked += 1
        assert colours[character] == pixel
        # The depth pass at that pixel is the torso's front, a few centimetres nearer.
        depth_m = image.depth[row, col] * DEPTH_SCALE_M
        assert cam[2] - 0.3 < depth_m <= cam[2] + 0.01
    assert checked >= 2


def test_normals_follow_the_scannet_colours() -> None:
    image, _, _, _, geometry = _two_shot_frame(SIZE)
    # The floor faces up, and the camera looks at it from above: green well over 0.5.
    colour = next(c for c, asset in geometry.legend.items() if asset.endswith("/floor"))
    rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    floor = (image.instance == rgb).all(axis=2)
    assert floor.sum() > 100
    assert (image.normal[floor][:, 1] > 0.9 * 255).all()
    # Red is the normal's leftward part: the floor has none.
    assert (abs(image.normal[floor][:, 0].astype(int) - 128) <= 2).all()
    # Blue is towards the camera: what the camera sees faces it (but for grazing surfaces
    # off the optical axis and smooth normals at silhouettes).
    seen = image.depth > 0
    assert (image.normal[seen][:, 2] >= 120).mean() > 0.95


def test_a_take_has_every_frame_of_every_pass(tmp_path: Path) -> None:
    job = next(j for j in _jobs(tmp_path) if j.shot.scene == "7" and j.shot.type.value == "master")
    assert render_take(job, 22050) == job.shot.frames
    folder = job.folder
    with av.open(str(folder / "take.mp4")) as take:
        video = take.streams.video[0]
        assert (video.width, video.height) == SIZE
        assert sum(1 for _ in take.decode(video=0)) == job.shot.frames
    passes = {name: read_pass(folder / "passes" / file) for name, file in PASS_FILES.items()}
    assert {len(frames) for frames in passes.values()} == {job.shot.frames}
    assert passes["depth"][0].dtype == np.uint16
    legend = json.loads((folder / "instances.json").read_text())
    seen = {
        "#{:02x}{:02x}{:02x}".format(*c)
        for c in np.unique(passes["instance"][job.shot.frames // 2].reshape(-1, 3), axis=0)
        if c.any()
    }
    assert seen and seen <= set(legend)
    assert {legend[c] for c in seen} & {c.id for c in job.characters}
    # The pose pass draws the cast in the OpenPose colours: neck is orange (255, 85, 0).
    pose = passes["pose"][job.shot.frames // 2]
    assert np.all(pose[(pose == (255, 85, 0)).all(axis=2)] == (255, 85, 0))
    assert ((pose == (255, 85, 0)).all(axis=2)).sum() > 0
    assert len(OPENPOSE_ORDER) == 18


def test_frames_held_still_repeat_the_frame_before_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A frame whose camera and cast hold still is not drawn again: the take is given the
    same pictures, and the passes are byte for byte those of a take with every frame drawn.

    The take's own bytes are not compared: libx264 beside another encoder thread in the
    process gives a different take about once in a hundred encodes of identical YUV input
    (measured this session), which is no fault of the reuse."""
    job = next(j for j in _jobs(tmp_path) if j.shot.scene == "2" and j.shot.type.value == "master")
    still = []
    reuse = take_module._same_view
    pictures: dict[str, list[str]] = {}
    write = TakeWriter.write

    def counting(view: tuple, drawn: tuple) -> bool:
        still.append(reuse(view, drawn))
        return still[-1]

    def recording(self: TakeWriter, rgb: np.ndarray) -> None:
        pictures.setdefault(str(self.path), []).append(hashlib.sha256(rgb.tobytes()).hexdigest())
        write(self, rgb)

    monkeypatch.setattr(TakeWriter, "write", recording)
    monkeypatch.setattr(take_module, "_same_view", counting)
    render_take(job, 22050)
    assert 0 < sum(still) < job.shot.frames  # the shot both holds still and moves
    monkeypatch.setattr(take_module, "_same_view", lambda view, drawn: False)
    drawn = job.model_copy(update={"build_dir": str(tmp_path / "every-frame")})
    render_take(drawn, 22050)
    held, redrawn = (pictures[str(j.folder / "take.mp4")] for j in (job, drawn))
    assert len(held) == job.shot.frames and held == redrawn
    files = sorted(
        f.relative_to(job.folder)
        for f in job.folder.rglob("*")
        if f.is_file() and f.name != "take.mp4"
    )
    assert files and [f for f in files if _sha(job.folder / f) != _sha(drawn.folder / f)] == []


def test_the_cast_shadow_follows_the_cast_alone() -> None:
    """The cast's shadow map is kept while the cast holds still, whatever the camera does,
    and redrawn when it moves: every frame is what a fresh renderer draws."""
    kept, shot, frame, _, bones, _, k = _master_frame("8", SIZE)  # the pier, in sunlight
    camera = look_at(*camera_at(shot, frame)[:2])
    other_camera = camera.copy()
    other_camera[:3, 3] += (0.5, 0.2, 0.0)
    moved = bones.copy()
    moved[1:, :3, 3] += (0.6, 0.0, 0.4)  # the whole cast steps aside
    for view, pose in ((camera, bones), (other_camera, bones), (other_camera, moved)):
        fresh = _master_frame("8", SIZE)[0]
        got, want = kept.render(view, k, pose), fresh.render(view, k, pose)
        for name in ("beauty", "normal", "instance", "depth", "inverse_depth"):
            assert np.array_equal(getattr(got, name), getattr(want, name)), name


def test_practicals_light_what_is_near_them() -> None:
    """Each scene's lit program has its practicals compiled in: the diner's lamp lights
    the room, and a second practical beside the camera adds light to every frame's pixel
    it faces."""
    world = night_run()[2]
    setup = next(s for s in world.scenes if s.number == "7")  # the diner: one lamp, no sun
    asset = next(s for s in world.sets if s.id == setup.set)
    renderer, shot, frame, geometry, bones, _, k = _master_frame("7", SIZE)
    lit = scene_lighting(setup, asset)
    assert len(lit.practicals) == 1 and not any(lit.sun_colour)
    position, target, _ = camera_at(shot, frame)
    camera = look_at(position, target)
    beside = (tuple(position), lit.practicals[0][1])
    brightness = {}
    for name, practicals in (
        ("none", ()),
        ("lamp", lit.practicals),
        ("two", (*lit.practicals, beside)),
    ):
        renderer.load(
            geometry.vertices,
            geometry.indices,
            dataclasses.replace(lit, practicals=practicals),
            geometry.static,
        )
        image = renderer.render(camera, k, bones)
        brightness[name] = image.beauty[image.depth > 0].astype(float).mean()
    assert brightness["none"] + 5 < brightness["lamp"] < brightness["two"] - 5


def test_two_builds_render_identical_takes(film: Path, tmp_path: Path) -> None:
    """Two builds of the same film, in separate processes: the same bytes, shot for shot."""
    other = copy_example(tmp_path / "other")
    for script in (film, other):
        result = backlot("render", script, "--shots", "4B,8A", "--size", "160x90")
        assert result.returncode == 0, result.stderr
    names = ["take.mp4", *(f"passes/{f}" for f in PASS_FILES.values())]
    for shot in ("4B", "8A"):
        one, two = (s.parent / "build" / "shots" / shot for s in (film, other))
        assert [n for n in names if _sha(one / n) != _sha(two / n)] == []


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _mtimes(build_dir: Path) -> dict[str, int]:
    return {p.parent.name: p.stat().st_mtime_ns for p in (build_dir / "shots").glob("*/take.mp4")}


def test_moving_one_camera_re_renders_that_shot_alone(film: Path) -> None:
    project = Project(film)
    project.build()
    build = film.parent / "build"
    before = _mtimes(build)
    inputs = [project.load_output(n) for n in ("screenplay", "world", "dialogue")]
    plan = project.load_output("shots")
    moved = plan.shots[3]
    keys = [
        k.model_copy(update={"position": (k.position[0] + 0.4, *k.position[1:])})
        for k in moved.keys
    ]
    shots = [s.model_copy(update={"keys": keys}) if s.id == moved.id else s for s in plan.shots]
    takes = render_film(
        *inputs,
        plan.model_copy(update={"shots": shots}),
        project.config,
        build,
        Runtime(jobs=1),
    )
    after = _mtimes(build)
    assert [shot for shot in before if after[shot] != before[shot]] == [moved.id]
    assert len(takes.takes) == len(plan.shots)


def test_the_build_ends_with_the_animatic_and_its_dialogue(film: Path) -> None:
    Project(film).build()
    build = film.parent / "build"
    takes = Takes.model_validate_json((build / "render.json").read_bytes())
    plan = ShotPlan.model_validate_json((build / "shots.json").read_bytes())
    dialogue = ScratchDialogue.model_validate_json((build / "dialogue.json").read_bytes())
    frames = sum(shot.frames for shot in plan.shots)
    with av.open(str(build / takes.animatic)) as animatic:
        assert sum(1 for _ in animatic.demux(video=0) if _.size) == frames
        audio = animatic.streams.audio[0]
        assert audio.duration * audio.time_base == pytest.approx(frames / plan.fps, abs=0.1)
    # The scratch lines are real audio, and the planner timed each speech by its WAV.
    timing = {t.scene: t for t in plan.scenes}
    for line in dialogue.lines:
        with open(build / line.audio, "rb") as wav:
            samples = (os.fstat(wav.fileno()).st_size - 44) // 2
        assert samples / dialogue.sample_rate == pytest.approx(line.duration_s, abs=0.01)
        frames_given = timing[line.scene].element_frames[line.element][1]
        assert frames_given / plan.fps == pytest.approx(line.duration_s + 0.3, abs=1.5 / plan.fps)
    sheet = (build / takes.contact_sheet).read_text()
    assert sheet.count("<img") == len(plan.shots)


def test_render_command_redraws_only_the_shots_asked_for(film: Path) -> None:
    assert backlot("build", film).returncode == 0
    build = film.parent / "build"
    before = _mtimes(build)
    (build / "shots" / "2A" / "take.mp4").unlink()
    (build / "shots" / "3A" / "take.mp4").unlink()
    result = backlot("render", film, "--shots", "2A", "--json")
    assert result.returncode == 0, result.stderr
    assert [take["shot"] for take in json.loads(result.stdout)] == ["2A"]
    after = _mtimes(build)
    # 2A is back; 3A was not asked for; nothing else was touched.
    assert "2A" in after and "3A" not in after
    assert {s: t for s, t in after.items() if s != "2A"} == {
        s: t for s, t in before.items() if s not in ("2A", "3A")
    }
    # The next build notices the missing take and draws it, alone.
    assert backlot("build", film).returncode == 0
    final = _mtimes(build)
    assert [s for s in final if final[s] != after.get(s)] == ["3A"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--shots", "99Z"), "no shot '99Z'"),
        (("--size", "640by360"), "WIDTHxHEIGHT"),
        (("--size", "641x360"), "even"),
    ],
)
def test_render_command_bad_options_are_one_line(
    film: Path, args: tuple[str, ...], message: str
) -> None:
    result = backlot("render", film, *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
