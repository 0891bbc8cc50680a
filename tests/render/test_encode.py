"""Pass files, takes and the animatic: lossless round trips, MP4s that decode to what was
written (frames, size, rate, sound), byte-identical re-encodes, splicing without
re-encoding, atomic files, and the dialogue mix."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from backlot.errors import BacklotError
from backlot.render import encode
from backlot.render.encode import (
    PASS_FILES,
    PassWriter,
    TakeWriter,
    concat_takes,
    mix,
    read_pass,
)

FPS = 24
RATE = 22050
SIZE = (192, 108)  # small for speed; even, as yuv420p wants


def pass_frames(count: int, size: tuple[int, int], seed: int = 0) -> list[dict[str, np.ndarray]]:
    """Random arrays of every pass's dtype and shape, depth over the full uint16 range."""
    rng = np.random.default_rng(seed)
    width, height = size
    frames = []
    for _ in range(count):
        depth = rng.integers(0, 65536, (height, width), dtype=np.uint16)
        depth[0, 0], depth[0, 1] = 0, 65535
        frames.append(
            {
                "beauty": rng.integers(0, 256, (height, width, 3), dtype=np.uint8),
                "depth": depth,
                "inverse_depth": rng.integers(0, 256, (height, width), dtype=np.uint8),
                "normal": rng.integers(0, 256, (height, width, 3), dtype=np.uint8),
                "instance": rng.integers(0, 256, (height, width, 3), dtype=np.uint8),
                "pose": rng.integers(0, 256, (height, width, 3), dtype=np.uint8),
            }
        )
    return frames


def gradient(size: tuple[int, int], shift: int = 0) -> np.ndarray:
    """A smooth colour gradient (what H.264 keeps well), scrolled by `shift` pixels."""
    width, height = size
    y, x = np.mgrid[0:height, 0:width]
    x = (x + shift) % width
    image = np.stack(
        [x * 255 // (width - 1), y * 255 // (height - 1), (x + y) * 255 // (width + height - 2)],
        axis=-1,
    )
    return image.astype(np.uint8)


def tone(seconds: float, hz: float = 440.0) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return (8000 * np.sin(2 * np.pi * hz * t)).astype(np.int16)


def write_take(
    path: Path, frames: int, *, audio: np.ndarray | None = None, offset: int = 0, **kwargs
) -> list[np.ndarray]:
    images = [gradient(SIZE, offset + 3 * i) for i in range(frames)]
    with TakeWriter(path, SIZE, FPS, audio, RATE, **kwargs) as take:
        for image in images:
            take.write(image)
    return images


def decoded(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def seconds(stream: av.stream.Stream) -> float:
    assert stream.duration is not None and stream.time_base is not None
    return float(stream.duration * stream.time_base)


def mean_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


# Passes


@pytest.mark.parametrize("background", [True, False])
@pytest.mark.parametrize("size", [SIZE, (63, 35)])
def test_every_pass_round_trips_losslessly(
    tmp_path: Path, background: bool, size: tuple[int, int]
) -> None:
    frames = pass_frames(5, size)
    folder = tmp_path / "passes"
    with PassWriter(folder, size, FPS, PASS_FILES, background=background) as writer:
        for frame in frames:
            writer.write(frame)
    assert sorted(p.name for p in folder.iterdir()) == sorted(PASS_FILES.values())
    for name, file in PASS_FILES.items():
        back = read_pass(folder / file)
        assert len(back) == len(frames), name
        for original, restored in zip(frames, back, strict=True):
            assert restored.dtype == original[name].dtype, name
            assert np.array_equal(restored, original[name]), name


def test_a_pass_left_out_of_a_frame_holds_its_previous_picture(tmp_path: Path) -> None:
    frames = pass_frames(3, SIZE, seed=1)
    del frames[0]["beauty"]  # before any picture: black
    del frames[2]["pose"]  # later: the previous one again
    with PassWriter(tmp_path, SIZE, FPS, PASS_FILES) as writer:
        for frame in frames:
            writer.write(frame)
    beauty = read_pass(tmp_path / PASS_FILES["beauty"])
    pose = read_pass(tmp_path / PASS_FILES["pose"])
    assert len(beauty) == len(pose) == 3
    assert not beauty[0].any() and np.array_equal(beauty[1], frames[1]["beauty"])
    assert np.array_equal(pose[2], frames[1]["pose"])


def test_pass_files_stay_in_frame_order_when_the_caller_reuses_its_arrays(
    tmp_path: Path,
) -> None:
    frames = pass_frames(6, SIZE, seed=2)
    buffers = {name: np.empty_like(array) for name, array in frames[0].items()}
    with PassWriter(tmp_path, SIZE, FPS, ["beauty", "depth"]) as writer:
        for frame in frames:
            for name in ("beauty", "depth"):
                buffers[name][...] = frame[name]  # a renderer overwriting its readback
            writer.write({"beauty": buffers["beauty"], "depth": buffers["depth"]})
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted([PASS_FILES["beauty"], PASS_FILES["depth"]])
    back = read_pass(tmp_path / PASS_FILES["depth"])
    assert all(np.array_equal(b, f["depth"]) for b, f in zip(back, frames, strict=True))


def test_pass_writer_leaves_no_files_when_the_block_raises(tmp_path: Path) -> None:
    folder = tmp_path / "passes"
    frames = pass_frames(2, SIZE)
    with (
        pytest.raises(RuntimeError, match="renderer failed"),
        PassWriter(folder, SIZE, FPS, PASS_FILES) as writer,
    ):
        for frame in frames:
            writer.write(frame)
        raise RuntimeError("renderer failed")
    assert list(folder.iterdir()) == []


def test_a_failed_shot_keeps_the_previous_pass_files(tmp_path: Path) -> None:
    frames = pass_frames(2, SIZE)
    with PassWriter(tmp_path, SIZE, FPS, ["depth"]) as writer:
        writer.write({"depth": frames[0]["depth"]})
    before = (tmp_path / PASS_FILES["depth"]).read_bytes()
    with pytest.raises(KeyboardInterrupt), PassWriter(tmp_path, SIZE, FPS, ["depth"]) as writer:
        writer.write({"depth": frames[1]["depth"]})
        raise KeyboardInterrupt
    assert [p.name for p in tmp_path.iterdir()] == [PASS_FILES["depth"]]
    assert (tmp_path / PASS_FILES["depth"]).read_bytes() == before


@pytest.mark.parametrize("background", [True, False])
def test_an_encoder_failure_surfaces_as_a_backlot_error_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, background: bool
) -> None:
    real = encode._PassStream.encode

    def encode_until_the_disk_fills(self: encode._PassStream, slot: int, pts: int) -> None:
        if pts == 2:
            raise OSError(28, "No space left on device")
        real(self, slot, pts)

    monkeypatch.setattr(encode._PassStream, "encode", encode_until_the_disk_fills)
    with (
        pytest.raises(BacklotError, match="No space left"),
        PassWriter(tmp_path, SIZE, FPS, PASS_FILES, background=background) as writer,
    ):
        for frame in pass_frames(8, SIZE):
            writer.write(frame)  # raises once the encoder has failed, or close() does
    assert list(tmp_path.iterdir()) == []


def test_pass_writer_rejects_what_it_cannot_store(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown passes"):
        PassWriter(tmp_path, SIZE, FPS, ["beauty", "albedo"])
    frame = pass_frames(1, SIZE)[0]
    with PassWriter(tmp_path, SIZE, FPS, ["beauty", "depth"]) as writer:
        with pytest.raises(ValueError, match="depth: expected uint16"):
            writer.write({"depth": frame["depth"].astype(np.float32)})
        with pytest.raises(ValueError, match="beauty: expected uint8"):
            writer.write({"beauty": frame["beauty"][:, :-2]})  # would broadcast otherwise
        with pytest.raises(ValueError, match="not opened"):
            writer.write({"pose": frame["pose"]})
        writer.write({"beauty": frame["beauty"], "depth": frame["depth"]})
    assert len(read_pass(tmp_path / PASS_FILES["beauty"])) == 1
    with pytest.raises(ValueError, match="closed"):
        writer.write({"beauty": frame["beauty"]})


# Takes


def test_take_has_its_frames_size_rate_sound_and_pixels(tmp_path: Path) -> None:
    path = tmp_path / "take.mp4"
    audio = tone(1.25)
    images = write_take(path, 30, audio=audio)
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        (sound,) = container.streams.audio
        assert video.codec_context.name == "h264"
        assert (video.codec_context.width, video.codec_context.height) == SIZE
        assert video.average_rate == FPS
        assert sound.codec_context.name == "aac" and sound.codec_context.sample_rate == RATE
        assert seconds(sound) == pytest.approx(len(audio) / RATE, abs=0.05)
        assert seconds(video) == pytest.approx(30 / FPS, abs=1e-6)
    frames = decoded(path)
    assert len(frames) == 30
    assert frames[0].shape == (SIZE[1], SIZE[0], 3)
    assert max(mean_error(a, b) for a, b in zip(frames, images, strict=True)) < 6


def test_take_sound_survives_decoding(tmp_path: Path) -> None:
    path = tmp_path / "take.mp4"
    audio = tone(1.0, hz=300.0)
    write_take(path, 24, audio=audio)
    with av.open(str(path)) as container:
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
    assert len(samples) == pytest.approx(len(audio), abs=0.05 * RATE)
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    assert np.argmax(spectrum) * RATE / len(samples) == pytest.approx(300.0, abs=3.0)


@pytest.mark.parametrize("background", [True, False])
def test_take_bytes_are_identical_across_encodes(tmp_path: Path, background: bool) -> None:
    audio = tone(0.5)
    write_take(tmp_path / "a.mp4", 12, audio=audio)
    write_take(tmp_path / "b.mp4", 12, audio=audio, background=background)
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()


def test_take_of_odd_size_is_padded_to_even(tmp_path: Path) -> None:
    path = tmp_path / "odd.mp4"
    image = gradient((63, 35))
    with TakeWriter(path, (63, 35), FPS) as take:
        for _ in range(3):
            take.write(image)
    with av.open(str(path)) as container:
        assert not container.streams.audio
    frames = decoded(path)
    assert len(frames) == 3 and frames[0].shape == (36, 64, 3)
    assert mean_error(frames[0][:35, :63], image) < 6


def test_take_writer_leaves_no_file_when_the_block_raises(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), TakeWriter(tmp_path / "t.mp4", SIZE, FPS, tone(1.0)) as take:
        take.write(gradient(SIZE))
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_take_writer_checks_its_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="int16 mono"):
        TakeWriter(tmp_path / "t.mp4", SIZE, FPS, np.zeros(10, np.float32))
    with TakeWriter(tmp_path / "t.mp4", SIZE, FPS) as take:
        with pytest.raises(ValueError, match="expected uint8"):
            take.write(gradient((SIZE[0] + 2, SIZE[1])))
        take.write(gradient(SIZE))
    assert len(decoded(tmp_path / "t.mp4")) == 1


# The animatic


def video_packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(video=0) if p.size]


def test_concat_splices_the_takes_without_reencoding(tmp_path: Path) -> None:
    lengths = [12, 30, 20]
    takes, images = [], []
    for i, length in enumerate(lengths):
        path = tmp_path / f"take{i}.mp4"
        # Each take has sound of its own, which the animatic replaces with the film's mix.
        images.append(write_take(path, length, audio=tone(length / FPS), offset=50 * i))
        takes.append(path)
    total = sum(lengths)
    film_audio = tone(total / FPS, hz=220.0)
    out = tmp_path / "animatic.mp4"
    concat_takes(takes, out, film_audio, RATE, FPS)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["animatic.mp4", "take0.mp4", "take1.mp4", "take2.mp4"]
    )
    with av.open(str(out)) as container:
        video = container.streams.video[0]
        assert len(container.streams.audio) == 1
        assert seconds(video) == pytest.approx(total / FPS, abs=0.5 / FPS)
        assert seconds(container.streams.audio[0]) == pytest.approx(total / FPS, abs=0.05)
        assert container.duration / 1e6 == pytest.approx(total / FPS, abs=0.05)
    # The very packets of the takes, in order: nothing was encoded again.
    assert video_packets(out) == [p for t in takes for p in video_packets(t)]
    frames = decoded(out)
    assert len(frames) == total
    for k in (0, 7, 29):
        assert mean_error(frames[lengths[0] + k], images[1][k]) < 6
    assert mean_error(frames[-1], images[2][-1]) < 6
    with av.open(str(out)) as container:
        times = [f.time for f in container.decode(video=0)]
    assert times == pytest.approx([i / FPS for i in range(total)], abs=1e-3)


def test_concat_reencodes_takes_that_cannot_be_spliced(tmp_path: Path) -> None:
    first, second = tmp_path / "a.mp4", tmp_path / "b.mp4"
    write_take(first, 5)
    small = (96, 54)
    with TakeWriter(second, small, FPS) as take:
        for i in range(7):
            take.write(gradient(small, i))
    out = tmp_path / "animatic.mp4"
    concat_takes([first, second], out, None, RATE, FPS)
    with av.open(str(out)) as container:
        assert not container.streams.audio
        video = container.streams.video[0]
        assert (video.codec_context.width, video.codec_context.height) == SIZE
    frames = decoded(out)
    assert len(frames) == 12
    assert mean_error(frames[5], np.asarray(_resized(gradient(small, 0), SIZE))) < 8


def _resized(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(Image.fromarray(image).resize(size, Image.Resampling.BILINEAR))


def test_concat_with_no_takes_still_writes_a_playable_file(tmp_path: Path) -> None:
    out = tmp_path / "animatic.mp4"
    concat_takes([], out, tone(0.5), RATE, FPS)
    with av.open(str(out)) as container:
        assert not container.streams.video
        assert seconds(container.streams.audio[0]) == pytest.approx(0.5, abs=0.05)
    concat_takes([], out, np.zeros(0, np.int16), RATE, FPS)
    assert out.stat().st_size > 0


def test_concat_of_a_missing_take_says_which(tmp_path: Path) -> None:
    with pytest.raises(BacklotError, match=r"nowhere\.mp4"):
        concat_takes([tmp_path / "nowhere.mp4"], tmp_path / "out.mp4", None, RATE, FPS)
    assert list(tmp_path.iterdir()) == []


def test_fractional_frame_rate_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "ntsc.mp4"
    fps = 24000 / 1001
    with TakeWriter(path, SIZE, fps) as take:
        for i in range(5):
            take.write(gradient(SIZE, i))
    with av.open(str(path)) as container:
        assert container.streams.video[0].average_rate == Fraction(24000, 1001)


# The mix


def test_mix_places_clips_and_clips_their_sum() -> None:
    loud = np.full(4, 30000, np.int16)
    track = mix([(2, loud), (4, loud), (9, np.array([5, 6, 7], np.int16))], 10)
    assert track.dtype == np.int16 and len(track) == 10
    assert track.tolist() == [0, 0, 30000, 30000, 32767, 32767, 30000, 30000, 0, 5]
    low = mix([(0, np.full(3, -30000, np.int16)), (1, np.full(3, -30000, np.int16))], 3)
    assert low.tolist() == [-30000, -32768, -32768]


def test_mix_cuts_clips_before_the_start_and_past_the_end() -> None:
    clip = np.arange(1, 6, dtype=np.int16)
    assert mix([(-2, clip)], 4).tolist() == [3, 4, 5, 0]
    assert mix([(3, clip)], 4).tolist() == [0, 0, 0, 1]
    assert mix([(7, clip), (-9, clip)], 4).tolist() == [0, 0, 0, 0]
    assert mix([], 0).tolist() == []
