"""Localized versions end to end: Brick & Steel (a corpus script) in Korean, Japanese,
Chinese, French and Spanish, from translations written for these tests; and the bundled
example's own French and Spanish in every build."""

from __future__ import annotations

import json
import shutil
import wave
from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pytest

from backlot.edit.cut import cut_shots
from backlot.edit.dialogue_list import dialogue_xliff
from backlot.edit.models import Timeline, Versions
from backlot.edit.subtitles import check_track, norms_for
from backlot.project import Project
from tests.cli_helpers import backlot
from tests.conftest import TEST_FRAME_SIZE, copy_example
from tests.edit.translation_fixtures import load_test_translation

LANGUAGES = ("ko", "ja", "zh", "fr", "es")


@pytest.fixture(scope="module")
def brick(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Brick & Steel built through the cut, with every test translation imported."""
    folder = tmp_path_factory.mktemp("brick")
    script = folder / "script.fountain"
    shutil.copyfile(corpus_dir / "scripts" / "brick_and_steel.fountain", script)
    (folder / "backlot.toml").write_text("[render]\nsize = [{}, {}]\n".format(*TEST_FRAME_SIZE))
    Project(script).build(until="cut")
    cut = Timeline.model_validate_json((folder / "build" / "cut.json").read_bytes())
    for language in LANGUAGES:
        translation = load_test_translation(cut.dialogue, language)
        xliff = folder / f"{language}-from-translator.xlf"
        xliff.write_text(dialogue_xliff(cut.dialogue, language, translation), encoding="utf-8")
        result = backlot("dialogue", "import", script, xliff)
        assert result.returncode == 0, result.stderr
    result = backlot("localize", script, "--lang", "ko", "--json")
    assert result.returncode == 0, result.stderr
    return script


def _versions(script: Path) -> dict[str, object]:
    versions = Versions.model_validate_json((script.parent / "build/versions.json").read_bytes())
    return {v.language: v for v in versions.languages}


def _wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as handle:
        return np.frombuffer(handle.readframes(handle.getnframes()), np.int16)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_line_dubbed_and_fitted(brick: Path, language: str) -> None:
    build = brick.parent / "build"
    cut = Timeline.model_validate_json((build / "cut.json").read_bytes())
    version = _versions(brick)[language]
    assert [line.id for line in version.lines] == [line.id for line in cut.dialogue.lines]
    for line in version.lines:
        samples = _wav(build / line.audio)
        assert len(samples) / 22050 == pytest.approx(line.duration_s, abs=1e-3)
        assert 0.9 <= line.duration_s / line.target_s <= 1.1, (line.id, line.text, line.fit)
        track = json.loads((build / line.visemes).read_text(encoding="utf-8"))
        assert track["visemes"][0][0] == 0 and track["visemes"][-1][1] == pytest.approx(
            line.duration_s, abs=1e-3
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_subtitles_keep_the_norms_or_say_why(brick: Path, language: str) -> None:
    build = brick.parent / "build"
    cut = Timeline.model_validate_json((build / "cut.json").read_bytes())
    version = _versions(brick)[language]
    track = version.subtitles
    assert {e.source for e in track.events} == {line.id for line in cut.dialogue.lines}
    found = check_track(track, cut_shots(cut.versions[-1].clips), norms_for(language))
    assert {(p.event, p.rule) for p in found} <= {(p.event, p.rule) for p in track.problems}
    srt = (build / version.files["srt"]).read_text(encoding="utf-8")
    assert srt.count(" --> ") == len(track.events)
    first = track.events[0].lines[0]
    assert first in srt and first in (build / version.files["imsc"]).read_text(encoding="utf-8")


@pytest.mark.parametrize("language", LANGUAGES)
def test_version_timeline_and_animatic(brick: Path, language: str) -> None:
    build = brick.parent / "build"
    cut = Timeline.model_validate_json((build / "cut.json").read_bytes())
    version = _versions(brick)[language]
    timeline = otio.adapters.read_from_file(str(build / version.files["otio"]))
    picture = [c.name for c in timeline.video_tracks()[0].find_clips()]
    assert picture == [c.shot for c in cut.versions[-1].clips]
    sounds = timeline.audio_tracks()[0].find_clips()
    assert [Path(s.media_reference.target_url).name for s in sounds] == [
        Path(line.audio).name for line in version.lines
    ]
    edl = otio.adapters.read_from_file(str(build / version.files["edl"]), rate=cut.fps)
    assert [c.name for c in edl.find_clips()] == picture
    # The animatic carries the dubbed sound where the dialogue list says each line starts.
    with av.open(str(build / version.files["video"])) as video:
        audio = np.concatenate(
            [frame.to_ndarray().reshape(-1) for frame in video.decode(video.streams.audio[0])]
        )
        rate = video.streams.audio[0].rate
    for line in cut.dialogue.lines[:4]:
        start = round(line.record_in / cut.fps * rate)
        voiced = audio[start : start + rate // 2]
        silent_before = audio[max(0, start - rate // 20) : start]
        assert np.sqrt(np.mean(voiced.astype(float) ** 2)) > 0.01
        assert len(silent_before) == 0 or np.abs(silent_before).max() < np.abs(voiced).max()


def test_changed_line_refuses_the_translation(brick: Path, tmp_path: Path) -> None:
    build = brick.parent / "build"
    cut = Timeline.model_validate_json((build / "cut.json").read_bytes())
    translation = load_test_translation(cut.dialogue, "fr")
    stale = cut.dialogue.model_copy(deep=True)
    stale.lines[0].text = "Words the script no longer has."
    xliff = tmp_path / "fr.xlf"
    xliff.write_text(dialogue_xliff(stale, "fr", translation), encoding="utf-8")
    result = backlot("localize", brick, "--lang", "fr", "--translations", xliff)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{xliff}:" in result.stderr and "other words" in result.stderr


def test_example_build_makes_its_french_and_spanish_versions(tmp_path: Path) -> None:
    script = copy_example(tmp_path / "film")
    report = Project(script).build()
    assert report.ran[-2:] == ["cut", "versions"]
    versions = _versions(script)
    assert sorted(versions) == ["es", "fr"]
    for version in versions.values():
        assert (script.parent / "build" / version.files["video"]).stat().st_size > 0
        assert all(0.9 <= line.fit <= 1.1 for line in version.lines)
    # Nothing changed: nothing runs; a changed translation re-runs the versions alone.
    assert Project(script).build().ran == []
    xlf = script.parent / "translations" / "fr.xlf"
    xlf.write_text(xlf.read_text(encoding="utf-8").replace("</target>", " !</target>", 1))
    assert Project(script).build().ran == ["versions"]
