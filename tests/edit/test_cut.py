"""The cut on the bundled example: timeline and exports read back to the same cut, takes
kept and chosen, numbered versions compared, subtitles and dialogue list written."""

from __future__ import annotations

import json
from pathlib import Path

import av
import opentimelineio as otio
import pytest

from backlot.camera.models import CameraConfig, ShotPlan
from backlot.edit.models import Timeline
from backlot.project import Project
from backlot.render.models import Takes
from tests.cli_helpers import backlot
from tests.conftest import copy_example


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example built once through the cut (module-wide: the render is the slow part)."""
    script = copy_example(tmp_path_factory.mktemp("cut") / "film")
    Project(script).build(until="cut")
    return script


def _load(build: Path) -> tuple[Timeline, ShotPlan, Takes]:
    return (
        Timeline.model_validate_json((build / "cut.json").read_bytes()),
        ShotPlan.model_validate_json((build / "shots.json").read_bytes()),
        Takes.model_validate_json((build / "render.json").read_bytes()),
    )


def _cut_of(timeline: otio.schema.Timeline) -> list[tuple[str, int]]:
    return [(c.name, round(c.duration().value)) for c in timeline.video_tracks()[0].find_clips()]


def _markers(timeline: otio.schema.Timeline) -> list[tuple[str, str]]:
    return [
        (clip.name, marker.name.upper())
        for clip in timeline.video_tracks()[0].find_clips()
        for marker in clip.markers
    ]


def test_timeline_has_every_shot_dialogue_and_scene_markers(built: Path) -> None:
    build = built.parent / "build"
    cut, plan, _ = _load(build)
    timeline = otio.adapters.read_from_file(str(build / "timeline.otio"))
    assert _cut_of(timeline) == [(s.id, s.frames) for s in plan.shots]
    assert timeline.global_start_time.to_timecode() == "01:00:00:00"
    first = timeline.video_tracks()[0].find_clips()[0]
    meta = first.metadata["backlot"]
    shot = plan.shots[0]
    assert (meta["shot"], meta["take"], meta["lens_mm"]) == (shot.id, 1, shot.lens_mm)
    assert meta["camera"] == shot.camera_file and meta["prompt"] == shot.description
    assert first.media_reference.target_url == f"shots/{shot.id}/take.mp4"
    scenes = {s.scene for s in plan.shots}
    assert len(_markers(timeline)) == len(scenes)
    audio = timeline.audio_tracks()[0].find_clips()
    assert len(audio) == len(cut.dialogue.lines) > 0
    # Each line sits on the dialogue track where the dialogue list says it starts.
    for clip, line in zip(audio, cut.dialogue.lines, strict=True):
        start = clip.range_in_parent().start_time.value
        assert start == pytest.approx(line.record_in, abs=1)
        assert Path(clip.media_reference.target_url).suffix == ".wav"


@pytest.mark.parametrize(("kind", "adapter"), [("edl", "cmx_3600"), ("fcp_xml", "fcp_xml")])
def test_exports_read_back_to_the_same_cut(built: Path, kind: str, adapter: str) -> None:
    build = built.parent / "build"
    cut, _, _ = _load(build)
    truth = otio.adapters.read_from_file(str(build / "timeline.otio"))
    path = build / cut.files[kind]
    options = {"rate": cut.fps} if adapter == "cmx_3600" else {}
    back = otio.adapters.read_from_file(str(path), adapter, **options)
    assert _cut_of(back) == _cut_of(truth)
    assert _markers(back) == _markers(truth)
    for clip in back.video_tracks()[0].find_clips():
        media = otio.url_utils.filepath_from_url(clip.media_reference.target_url)
        assert Path(media).is_file(), media  # an editing system can relink every take
    if kind == "fcp_xml":
        assert len(back.audio_tracks()[0].find_clips()) == len(cut.dialogue.lines)


def test_bundle_holds_the_media(built: Path) -> None:
    build = built.parent / "build"
    unzipped = build.parent / "unzipped"
    unzipped.mkdir(exist_ok=True)
    bundle = otio.adapters.read_from_file(
        str(build / "timeline.otioz"), extract_to_directory=str(unzipped)
    )
    clips = bundle.video_tracks()[0].find_clips()
    assert len(clips) == len(_load(build)[1].shots)
    media = unzipped / otio.url_utils.filepath_from_url(clips[0].media_reference.target_url)
    with av.open(str(media)) as video:
        assert video.streams.video[0].frames == round(clips[0].duration().value)


def test_cut_video_is_the_chosen_takes(built: Path) -> None:
    build = built.parent / "build"
    cut, plan, _ = _load(build)
    with av.open(str(build / cut.files["video"])) as video:
        packets = sum(1 for p in video.demux(video.streams.video[0]) if p.size)
    assert packets == sum(s.frames for s in plan.shots)


def test_subtitles_and_dialogue_list_written(built: Path) -> None:
    build = built.parent / "build"
    cut, _, _ = _load(build)
    srt = (build / cut.files["subtitles_srt"]).read_text(encoding="utf-8")
    assert srt.count(" --> ") == len(cut.subtitles.events) > 0
    assert (build / cut.files["subtitles_webvtt"]).read_text().startswith("WEBVTT")
    rows = (build / "dialogue_list.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == len(cut.dialogue.lines) + 1
    line = cut.dialogue.lines[0]
    viseme = json.loads((build / f"visemes/en/{line.id}.json").read_text())
    assert viseme["visemes"][-1][1] == pytest.approx(viseme["duration_s"], abs=1e-3)


def test_new_take_kept_chosen_and_compared(tmp_path: Path) -> None:
    script = copy_example(tmp_path / "film")
    build = tmp_path / "film" / "build"
    Project(script).build(until="cut")
    _, plan, before = _load(build)
    kind = plan.shots[1].type
    # Another lens for every shot of one type: those get a take 2, the old take is kept.
    toml = script.parent / "backlot.toml"
    original = toml.read_text()
    lenses = CameraConfig().lenses_mm | {kind.value: 14.0}
    toml.write_text(
        original + "\n[camera.lenses_mm]\n" + "".join(f"{k} = {v}\n" for k, v in lenses.items())
    )
    Project(script).build(until="cut")
    second, plan2, takes = _load(build)
    assert second.version == 2
    old = {t.shot: t.inputs for t in before.takes}
    retaken = {t.shot for t in takes.takes if t.inputs != old[t.shot]}
    assert retaken and all(s.type == kind for s in plan2.shots if s.id in retaken)
    current = {t.shot: t for t in takes.takes}
    assert all(current[s].number == 2 for s in retaken)
    shot = next(s for s in plan2.shots if s.id in retaken)
    earlier = {(t.shot, t.number) for t in takes.earlier}
    assert (shot.id, 1) in earlier
    assert (build / f"shots/{shot.id}/takes/1/take.mp4").is_file()

    result = backlot("cut", script, "--take", f"{shot.id}=1", "--json")
    assert result.returncode == 0, result.stderr
    third = Timeline.model_validate_json((build / "cut.json").read_bytes())
    assert third.version == 3 and third.selects == {shot.id: 1}
    chosen = next(c for c in third.versions[-1].clips if c.shot == shot.id)
    assert (chosen.take, chosen.media) == (1, f"shots/{shot.id}/takes/1/take.mp4")
    otio_clip = next(
        c
        for c in otio.adapters.read_from_file(str(build / "timeline.otio")).find_clips()
        if c.name == shot.id
    )
    assert otio_clip.metadata["backlot"]["take"] == 1
    for number in (1, 2, 3):
        assert (build / f"cuts/v00{number}.otio").is_file()

    # The choice holds in later builds, with no new version.
    assert backlot("build", script).returncode == 0
    assert Timeline.model_validate_json((build / "cut.json").read_bytes()).version == 3

    changes = json.loads(backlot("cut", script, "--compare", "2:3", "--json").stdout)
    assert changes["retaken"] == [{"shot": shot.id, "take_before": 2, "take_after": 1}]
    assert changes["added"] == changes["removed"] == []
    changes = json.loads(backlot("cut", script, "--compare", "1:2", "--json").stdout)
    assert {r["shot"] for r in changes["retaken"]} == retaken

    # Back to the first lens: take 1 comes back from the shelf, nothing is drawn again.
    toml.write_text(original)
    mtime = (build / f"shots/{shot.id}/takes/1/take.mp4").stat().st_mtime_ns
    Project(script).build(until="render")
    takes = Takes.model_validate_json((build / "render.json").read_bytes())
    assert {t.shot: t.number for t in takes.takes}[shot.id] == 1
    assert (build / f"shots/{shot.id}/take.mp4").stat().st_mtime_ns == mtime


def test_bad_take_choice_is_one_line(built: Path) -> None:
    result = backlot("cut", built, "--take", "1A=9")
    assert result.returncode == 2
    assert "there is no take 9" in result.stderr and "Traceback" not in result.stderr
    result = backlot("cut", built, "--take", "ZZ=1")
    assert result.returncode == 2 and "no shot 'ZZ'" in result.stderr
    result = backlot("cut", built, "--take", "1A")
    assert result.returncode == 2 and "SHOT=TAKE" in result.stderr
