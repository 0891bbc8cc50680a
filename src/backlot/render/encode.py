"""Video out: a shot's lossless passes, its H.264 take, and the film's animatic.

Every pass is stored lossless and intra-only. Measured with PyAV 18 on real previz
frames at 640×360 (one codec thread, a quiet machine):

=============  ==================================  ============  =============
pass           codec (container)                   ms per frame  KiB per frame
=============  ==================================  ============  =============
beauty         PNG rgb24, zlib level 1 (AVI)       1.5           32
normal         PNG rgb24, zlib level 1, Up (AVI)   1.5           24
instance       PNG rgb24, zlib level 1 (AVI)       1.0           8
pose           PNG rgb24, zlib level 1 (AVI)       1.0           7
depth          FFV1 gray16le, Golomb (MKV)         1.2–2         19
inverse_depth  MagicYUV gray, median (AVI)         0.35          29
=============  ==================================  ============  =============

PNG frames at the fastest zlib level with no row filter are as small as FFV1's for these
flat pictures (FFV1 with its Golomb coder took 3.3–4 ms a pass) and take rgb24 as the
renderer reads it, so nothing is converted. The normals alone take PNG's Up filter: a
surface's normal changes little from row to row, which halves their size and saves time
too (1.54 → 1.44 ms at 640×360, 5.8 → 5.2 ms at 1280×720); the other passes gain
nothing from any filter. FFV-Huffyuv would be faster still but spends a bit per sample
at least: 850 KiB a frame for all passes, 150 GB for a feature. Depth
keeps 16 bits in FFV1 (PNG's 16-bit gray is big-endian, a byte swap per frame). Each
pass file is a sequence of stand-alone pictures that anything built on FFmpeg reads
(`read_pass` below, ffmpeg, OpenCV); `ffmpeg -i beauty.avi frame%05d.png` gives the
per-frame PNGs themselves, unchanged.

The take is H.264 (libx264, yuv420p, preset veryfast, CRF 23, BT.709 limited range,
tagged) with AAC audio in MP4: about 3 ms a frame at 640×360 and 11.5 ms at 1280×720.
libx264 runs on one thread, without macroblock-tree rate control: its output depends on its
thread count, and with mb-tree on, one encode in about twenty came out different when
another encoder (a pass writer) ran in a second thread of the same process, from the same
YUV pictures (`benchmarks/take_repeatability.py`: 10 of 150 takes differed with mb-tree on,
0 of 300 with `mbtree=0`). The same frames must
make the same bytes from run to run.

Encoding runs on a background thread per writer: `write` copies the arrays into reused
frames (so the caller may overwrite its arrays at once) and returns; the encoders and
muxers release the GIL, so they overlap the renderer on a second core. At most
`QUEUE_FRAMES` frames wait, which bounds the memory and makes `write` block when the
encoders fall behind. An encoder's error surfaces from the next `write` or `close`.

Files appear atomically: each is written under a hidden temporary name in its folder and
renamed on a successful `close`; on an exception the temporaries are removed.

The animatic is cut without re-encoding: the takes' H.264 packets are copied one after
another with their timestamps shifted, since all takes come from the same encoder
settings. Takes whose stream parameters differ (another size, another encoder) cannot be
spliced that way, and are then decoded and encoded again.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Self

import av
import numpy as np
from av.video.reformatter import ColorRange, Colorspace, VideoReformatter

from backlot.errors import BacklotError

__all__ = [
    "PASS_FILES",
    "QUEUE_FRAMES",
    "PassWriter",
    "TakeWriter",
    "concat_takes",
    "mix",
    "read_pass",
]


@dataclass(frozen=True)
class _PassCodec:
    """How one pass is stored."""

    codec: str
    pix_fmt: str
    """The encoder's pixel format, also the one the arrays are copied into (no conversion)."""
    channels: int
    dtype: type[np.generic]
    options: dict[str, str] = field(default_factory=dict)
    container: str = "avi"


_FFV1 = {"coder": "0", "context": "0", "slices": "4", "g": "1"}
_RGB = _PassCodec("png", "rgb24", 3, np.uint8, {"compression_level": "1", "pred": "none"})
_PASS_CODECS: dict[str, _PassCodec] = {
    "beauty": _RGB,
    "depth": _PassCodec("ffv1", "gray16le", 1, np.uint16, _FFV1, "matroska"),
    "inverse_depth": _PassCodec("magicyuv", "gray", 1, np.uint8, {"pred": "median"}),
    "normal": _PassCodec("png", "rgb24", 3, np.uint8, {"compression_level": "1", "pred": "up"}),
    "instance": _RGB,
    "pose": _RGB,
}

PASS_FILES: dict[str, str] = {
    name: f"{name}.{'mkv' if spec.container == 'matroska' else 'avi'}"
    for name, spec in _PASS_CODECS.items()
}
"""Pass name → its file inside a shot's `passes/` folder."""

QUEUE_FRAMES = 3
"""Frames a writer holds for its background encoder (each a copy of the arrays)."""

# mbtree=0 keeps takes byte-for-byte repeatable: see the module docstring.
_X264_OPTIONS = {"preset": "veryfast", "crf": "23", "x264-params": "mbtree=0"}
_AUDIO_BIT_RATE = 64_000  # mono speech: AAC at 64 kb/s is transparent enough for previz


def _rate(fps: float) -> Fraction:
    """The frame rate as a fraction (23.976… → 24000/1001), as containers store it."""
    if not fps > 0:
        raise ValueError(f"fps must be positive, got {fps}")
    return Fraction(fps).limit_denominator(1001)


def _size(size: tuple[int, int]) -> tuple[int, int]:
    width, height = (int(v) for v in size)
    if width < 1 or height < 1:
        raise ValueError(f"frame size must be positive, got {width}x{height}")
    return width, height


def _temp_path(path: Path) -> Path:
    """A hidden name beside `path` that no other writer uses."""
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.part")


def _open_output(path: Path, format: str) -> av.container.OutputContainer:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # bitexact: no library version strings or random ids, so the same input makes the
        # same bytes (tests and caches compare files).
        return av.open(str(path), "w", format=format, container_options={"fflags": "+bitexact"})
    except (OSError, av.FFmpegError) as exc:
        raise BacklotError(f"cannot write video ({exc})", path) from None


def _frame_view(frame: av.VideoFrame, channels: int, dtype: type[np.generic]) -> np.ndarray:
    """A writable numpy view of a packed frame's pixels (rows may be padded in memory)."""
    plane = frame.planes[0]
    itemsize = np.dtype(dtype).itemsize
    rows = np.frombuffer(plane, dtype).reshape(frame.height, plane.line_size // itemsize)
    view = rows[:, : frame.width * channels]
    return view.reshape(frame.height, frame.width, channels) if channels > 1 else view


def _check_array(name: str, array: np.ndarray, shape: tuple[int, ...], dtype: type) -> None:
    # np.copyto would broadcast a wrong shape silently, so shapes are checked first.
    if not isinstance(array, np.ndarray) or array.shape != shape or array.dtype != dtype:
        got = f"{array.dtype} {array.shape}" if isinstance(array, np.ndarray) else type(array)
        raise ValueError(f"{name}: expected {np.dtype(dtype)} {shape}, got {got}")


class _Worker:
    """Runs jobs in order on one background thread (or at once, when not `background`).

    A job is `(run, release)`: `release` always runs, even after an earlier job failed, so
    that the frames it holds go back to their pool; `run` is skipped once a job has failed.
    A failure to write (a full disk) becomes a BacklotError naming `where`.
    """

    def __init__(self, name: str, background: bool, where: Path) -> None:
        self.error: BaseException | None = None
        self.where = where
        self._jobs: queue.Queue[tuple[Callable[[], None], Callable[[], None]] | None] | None
        self._thread: threading.Thread | None = None
        if background:
            self._jobs = queue.Queue()
            # A daemon, so that a writer never closed cannot keep the interpreter alive.
            self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
            self._thread.start()
        else:
            self._jobs = None

    def _do(self, run: Callable[[], None], release: Callable[[], None]) -> None:
        try:
            if self.error is None:
                run()
        except (OSError, av.FFmpegError) as exc:
            self.error = BacklotError(f"cannot write video ({exc})", self.where)
            self.error.__cause__ = exc
        except BaseException as exc:
            self.error = exc
        finally:
            release()

    def _loop(self) -> None:
        assert self._jobs is not None
        while (job := self._jobs.get()) is not None:
            self._do(*job)

    def submit(self, run: Callable[[], None], release: Callable[[], None]) -> None:
        self.raise_error()
        if self._jobs is None:
            self._do(run, release)
            self.raise_error()
        else:
            self._jobs.put((run, release))

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        """Wait for the queued jobs to finish (errors are kept in `error`)."""
        if self._thread is not None and self._jobs is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None


class _Pool:
    """Reusable frame slots: `take` blocks until the encoder has given one back.

    Reusing frames keeps their pages mapped: a fresh 720p frame per pass costs page faults
    that measured up to 3 ms a frame, a copy into a warm one 0.06 ms.
    """

    def __init__(self, slots: int) -> None:
        self._free: queue.Queue[int] = queue.Queue()
        for slot in range(slots):
            self._free.put(slot)

    def take(self, worker: _Worker) -> int:
        while True:
            worker.raise_error()
            try:
                return self._free.get(timeout=0.5)
            except queue.Empty:
                continue  # look at the worker's health again, then keep waiting

    def give(self, slot: int) -> None:
        self._free.put(slot)


class _Lifecycle:
    """Temporary files renamed on success, removed on failure; the writers' shared part."""

    _worker: _Worker
    _where: Path
    _temps: list[tuple[Path, Path]]
    _containers: list[av.container.OutputContainer]
    _closed: bool

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def _finish(self) -> None:
        """Flush the encoders and close the containers (in the caller's thread)."""
        raise NotImplementedError

    def close(self) -> None:
        """Encode what is queued, flush the encoders and move the files into place."""
        if self._closed:
            return
        try:
            self._worker.stop()
            self._worker.raise_error()
            self._finish()
            for container in self._containers:
                container.close()
            self._containers = []
            for temp, final in self._temps:
                os.replace(temp, final)
        except (OSError, av.FFmpegError) as exc:
            self.abort()
            raise BacklotError(f"cannot write video ({exc})", self._where) from exc
        except BaseException:
            self.abort()
            raise
        self._closed = True

    def abort(self) -> None:
        """Stop encoding and remove every temporary file; nothing is left behind."""
        self._closed = True
        self._worker.stop()
        for container in self._containers:
            with contextlib.suppress(Exception):
                container.close()
        self._containers = []
        for temp, _ in self._temps:
            temp.unlink(missing_ok=True)


class _PassStream:
    """One pass's container, stream and frame slots."""

    def __init__(
        self, name: str, path: Path, size: tuple[int, int], rate: Fraction, slots: int
    ) -> None:
        spec = _PASS_CODECS[name]
        self.name, self.spec, self.path = name, spec, path
        self.container = _open_output(path, spec.container)
        self.stream = self.container.add_stream(spec.codec, rate=rate)
        self.stream.width, self.stream.height = size
        self.stream.pix_fmt = spec.pix_fmt
        self.stream.codec_context.thread_count = 1  # the writer's own thread is the parallelism
        self.stream.codec_context.time_base = 1 / rate
        self.stream.options = dict(spec.options)
        self.time_base = Fraction(1) / rate
        width, height = size
        self.shape: tuple[int, ...] = (
            (height, width, spec.channels) if spec.channels > 1 else (height, width)
        )
        self.frames = [av.VideoFrame(width, height, spec.pix_fmt) for _ in range(slots)]
        self.views = [_frame_view(f, spec.channels, spec.dtype) for f in self.frames]
        self.last: av.Packet | None = None

    def encode(self, slot: int, pts: int) -> None:
        frame = self.frames[slot]
        frame.pts, frame.time_base = pts, self.time_base
        for packet in self.stream.encode(frame):
            self.container.mux(packet)
            self.last = packet

    def repeat(self, slot: int, pts: int) -> None:
        """The pass is missing from this frame: hold its previous picture (black at first).

        Every pass codec is intra-only, so a copy of the last packet is that picture again,
        for the price of a memory copy instead of an encode.
        """
        if self.last is None:
            self.views[slot].fill(0)
            self.encode(slot, pts)
            return
        packet = av.Packet(bytes(self.last))
        packet.pts = packet.dts = pts
        packet.time_base = self.time_base
        packet.stream = self.stream
        packet.is_keyframe = True
        self.container.mux(packet)

    def flush(self) -> None:
        for packet in self.stream.encode(None):
            self.container.mux(packet)


class PassWriter(_Lifecycle):
    """Writes every pass of one shot into `folder` (files named by `PASS_FILES`).

    `size` is (width, height). Each `write` takes one frame's arrays: beauty, normal,
    instance and pose as uint8 H×W×3 RGB, depth as uint16 H×W, inverse_depth as uint8 H×W.
    A pass left out of a frame repeats its previous picture, so that frame n of every file
    is frame n of the shot. Use it as a context manager, or call `close` (or `abort`).
    """

    def __init__(
        self,
        folder: Path,
        size: tuple[int, int],
        fps: float,
        passes: Iterable[str],
        *,
        background: bool = True,
    ) -> None:
        names = list(dict.fromkeys(passes))
        unknown = [n for n in names if n not in _PASS_CODECS]
        if unknown or not names:
            raise ValueError(f"unknown passes {unknown}; known: {sorted(_PASS_CODECS)}")
        self.folder, self.size, self.fps = Path(folder), _size(size), fps
        rate = _rate(fps)
        slots = QUEUE_FRAMES if background else 1
        # Arguments checked: from here on, a failure must abort() what was opened.
        self._closed = True
        self._temps, self._containers = [], []
        self._where = self.folder
        self._worker = _Worker("pass-writer", background, self._where)
        self._streams: dict[str, _PassStream] = {}
        try:
            for name in names:
                final = self.folder / PASS_FILES[name]
                temp = _temp_path(final)
                self._temps.append((temp, final))
                stream = _PassStream(name, temp, self.size, rate, slots)
                self._containers.append(stream.container)
                self._streams[name] = stream
        except BaseException:
            self.abort()
            raise
        self._closed = False
        self._pool = _Pool(slots)
        self._count = 0

    @property
    def frames(self) -> int:
        """Frames written so far."""
        return self._count

    def write(self, frame: dict[str, np.ndarray]) -> None:
        """Queue one frame of every pass (the arrays are copied before this returns)."""
        if self._closed:
            raise ValueError("write to a closed PassWriter")
        extra = set(frame) - set(self._streams)
        if extra:
            raise ValueError(f"passes not opened for writing: {sorted(extra)}")
        for name, array in frame.items():
            stream = self._streams[name]
            _check_array(name, array, stream.shape, stream.spec.dtype)
        slot = self._pool.take(self._worker)
        for name, array in frame.items():
            np.copyto(self._streams[name].views[slot], array)
        pts = self._count
        self._count += 1
        present = [self._streams[name] for name in frame]
        missing = [s for name, s in self._streams.items() if name not in frame]

        def run() -> None:
            for stream in present:
                stream.encode(slot, pts)
            for stream in missing:
                stream.repeat(slot, pts)

        self._worker.submit(run, lambda: self._pool.give(slot))

    def _finish(self) -> None:
        for stream in self._streams.values():
            stream.flush()


class TakeWriter(_Lifecycle):
    """The shot's take: H.264 video and, when `audio` is given, AAC sound, in one MP4.

    `audio` is the whole shot's int16 mono track; it is encoded alongside the frames so
    that the file is interleaved, and what is left of it when the frames end is written
    on `close`. An odd width or height (which 4:2:0 chroma cannot halve) is padded by one
    pixel, repeating the last column or row.
    """

    def __init__(
        self,
        path: Path,
        size: tuple[int, int],
        fps: float,
        audio: np.ndarray | None = None,
        sample_rate: int = 22050,
        *,
        background: bool = True,
    ) -> None:
        self.path, self.size, self.fps = Path(path), _size(size), fps
        self._rate = _rate(fps)
        width, height = self.size
        self._padded = (width + width % 2, height + height % 2)
        if audio is not None:
            audio = np.asarray(audio)
            if audio.dtype != np.int16 or audio.ndim != 1:
                raise ValueError(f"audio must be int16 mono, got {audio.dtype} {audio.shape}")
            if sample_rate < 1:
                raise ValueError(f"sample rate must be positive, got {sample_rate}")
        self._sample_rate = sample_rate
        slots = QUEUE_FRAMES if background else 1
        # Arguments checked: from here on, a failure must abort() what was opened.
        self._closed = True
        self._temps, self._containers = [], []
        self._where = self.path
        self._worker = _Worker("take-writer", background, self._where)
        temp = _temp_path(self.path)
        self._temps.append((temp, self.path))
        try:
            self._container = _open_output(temp, "mp4")
            self._containers.append(self._container)
            self._video = _add_h264(self._container, self._padded, self._rate)
            self._sound = (
                _AudioTrack(self._container, audio, sample_rate) if audio is not None else None
            )
        except BaseException:
            self.abort()
            raise
        self._rgb = av.VideoFrame(*self._padded, "rgb24")
        self._view = _frame_view(self._rgb, 3, np.uint8)
        self._to_yuv = VideoReformatter()
        # Tokens, not frames: each queued job holds its own YUV frame; the pool only
        # bounds how many wait for the encoder.
        self._pool = _Pool(slots)
        self._count = 0
        self._closed = False

    @property
    def frames(self) -> int:
        """Frames written so far."""
        return self._count

    def write(self, rgb: np.ndarray) -> None:
        """Queue one uint8 H×W×3 RGB frame (copied before this returns)."""
        if self._closed:
            raise ValueError("write to a closed TakeWriter")
        width, height = self.size
        _check_array("take", rgb, (height, width, 3), np.uint8)
        token = self._pool.take(self._worker)
        view = self._view
        np.copyto(view[:height, :width], rgb)
        if self._padded[0] != width:
            view[:height, width] = rgb[:, -1]
        if self._padded[1] != height:
            view[height] = view[height - 1]
        pts = self._count
        self._count += 1
        # Converted here, into a fresh frame the encoder alone holds: converting a shared
        # frame on the encoder's thread made takes differ from run to run under load.
        yuv = _to_yuv(self._to_yuv, self._rgb)
        yuv.pts, yuv.time_base = pts, 1 / self._rate

        def run() -> None:
            for packet in self._video.encode(yuv):
                self._container.mux(packet)
            if self._sound is not None:
                self._sound.encode_until(round((pts + 1) * self._sample_rate / self._rate))

        self._worker.submit(run, lambda: self._pool.give(token))

    def _finish(self) -> None:
        for packet in self._video.encode(None):
            self._container.mux(packet)
        if self._sound is not None:
            self._sound.finish()


def _add_h264(
    container: av.container.OutputContainer, size: tuple[int, int], rate: Fraction
) -> av.VideoStream:
    """The take's video stream; every take (and a re-encoded animatic) uses these settings."""
    stream = container.add_stream("libx264", rate=rate)
    stream.width, stream.height = size
    stream.pix_fmt = "yuv420p"
    stream.options = dict(_X264_OPTIONS)
    context = stream.codec_context
    # One thread: libx264's output depends on its thread count, and a take must be the same
    # bytes from run to run (and every take the same headers, so the animatic can splice).
    context.thread_count = 1
    context.time_base = 1 / rate
    # Tag BT.709 limited range, the matrix the RGB is converted with, so players agree.
    context.colorspace = 1  # AVCOL_SPC_BT709
    context.color_primaries = 1  # AVCOL_PRI_BT709
    context.color_trc = 1  # AVCOL_TRC_BT709
    context.color_range = 1  # AVCOL_RANGE_MPEG
    return stream


def _to_yuv(reformatter: VideoReformatter, frame: av.VideoFrame) -> av.VideoFrame:
    """RGB to the takes' BT.709 limited-range 4:2:0, in a new frame."""
    return reformatter.reformat(
        frame,
        format="yuv420p",
        dst_colorspace=Colorspace.ITU709,
        dst_color_range=ColorRange.MPEG,
        threads=1,
    )


def _encode_video(
    container: av.container.OutputContainer,
    stream: av.VideoStream,
    reformatter: VideoReformatter,
    frame: av.VideoFrame,
) -> None:
    yuv = _to_yuv(reformatter, frame)
    yuv.pts, yuv.time_base = frame.pts, frame.time_base
    for packet in stream.encode(yuv):
        container.mux(packet)


def _add_aac(container: av.container.OutputContainer, sample_rate: int) -> av.AudioStream:
    stream = container.add_stream("aac", rate=sample_rate, layout="mono")
    stream.bit_rate = _AUDIO_BIT_RATE
    stream.codec_context.time_base = Fraction(1, sample_rate)
    return stream


class _AudioTrack:
    """An int16 mono track encoded to AAC a stretch at a time, so that its packets go into
    the file alongside the pictures they belong with (an interleaved file)."""

    def __init__(
        self,
        container: av.container.OutputContainer,
        samples: np.ndarray,
        sample_rate: int,
    ) -> None:
        self.container, self.samples, self.sample_rate = container, samples, sample_rate
        self.stream = _add_aac(container, sample_rate)
        self.done = 0

    def encode_until(self, sample: int) -> None:
        """Encode the track up to `sample` (clamped to its end)."""
        until = min(sample, len(self.samples))
        if until <= self.done:
            return
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(self.samples[self.done : until]).reshape(1, -1),
            format="s16",
            layout="mono",
        )
        frame.sample_rate = self.sample_rate
        frame.pts, frame.time_base = self.done, Fraction(1, self.sample_rate)
        for packet in self.stream.encode(frame):
            self.container.mux(packet)
        self.done = until

    def finish(self) -> None:
        """Encode what is left and flush the encoder."""
        self.encode_until(len(self.samples))
        for packet in self.stream.encode(None):
            self.container.mux(packet)


def read_pass(path: Path) -> list[np.ndarray]:
    """Decode a pass file: uint16 H×W for depth, uint8 H×W for gray, uint8 H×W×3 RGB else."""
    frames: list[np.ndarray] = []
    try:
        with av.open(str(path)) as container:
            for frame in container.decode(video=0):
                name = frame.format.name
                if name.startswith("gray16"):
                    frames.append(frame.to_ndarray(format="gray16le"))
                elif name == "gray":
                    frames.append(frame.to_ndarray())
                else:
                    frames.append(frame.to_ndarray(format="rgb24"))
    except (OSError, av.FFmpegError) as exc:
        raise BacklotError(f"cannot read video ({exc})", path) from None
    return frames


def mix(lines: Iterable[tuple[int, np.ndarray]], length: int) -> np.ndarray:
    """An int16 mono track of `length` samples with each (start sample, samples) clip added.

    Overlapping clips sum (then clip to the int16 range); parts of clips before sample 0 or
    past the end are cut.
    """
    track = np.zeros(max(0, length), np.int32)  # headroom: sums of int16 overflow int16
    for start, samples in lines:
        clip = np.asarray(samples)
        lo, hi = max(0, start), min(len(track), start + len(clip))
        if lo < hi:
            track[lo:hi] += clip[lo - start : hi - start]
    return np.clip(track, -32768, 32767).astype(np.int16)


def concat_takes(
    takes: list[Path],
    out: Path,
    audio: np.ndarray | None,
    sample_rate: int,
    fps: float,
) -> None:
    """Cut the takes one after another into `out` (MP4) with `audio` as its one sound track.

    The takes' H.264 packets are copied, not encoded again, with their timestamps shifted
    by the frames before them; their own sound is dropped for `audio`, the whole film's
    int16 mono mix. Takes whose video parameters differ from the first's are decoded and
    encoded again instead (all of them, at the first take's size). With no takes, the
    animatic is the sound alone (or, with no sound either, an empty MP4).
    """
    rate = _rate(fps)
    if audio is not None:
        audio = np.asarray(audio)
        if audio.dtype != np.int16 or audio.ndim != 1:
            raise ValueError(f"audio must be int16 mono, got {audio.dtype} {audio.shape}")
    out = Path(out)
    temp = _temp_path(out)
    inputs: list[av.container.InputContainer] = []
    container = None
    try:
        for path in takes:
            try:
                inputs.append(av.open(str(path)))
            except (OSError, av.FFmpegError) as exc:
                raise BacklotError(f"cannot read take ({exc})", path) from None
        for path, take in zip(takes, inputs, strict=True):
            if not take.streams.video:
                raise BacklotError("take has no video stream", path)
        container = _open_output(temp, "mp4")
        _Splicer(container, inputs, audio, sample_rate, rate).run()
        container.close()
        container = None
        os.replace(temp, out)
    except (OSError, av.FFmpegError) as exc:
        raise BacklotError(f"cannot write the animatic ({exc})", out) from exc
    finally:
        for take in inputs:
            take.close()
        if container is not None:
            with contextlib.suppress(Exception):
                container.close()
        temp.unlink(missing_ok=True)


def _same_video(a: av.VideoStream, b: av.VideoStream) -> bool:
    """Whether b's packets can follow a's in one stream: same codec, size and headers."""
    ca, cb = a.codec_context, b.codec_context
    return (
        ca.name == cb.name
        and (ca.width, ca.height, ca.pix_fmt) == (cb.width, cb.height, cb.pix_fmt)
        and bytes(ca.extradata or b"") == bytes(cb.extradata or b"")
    )


class _Splicer:
    """The animatic's writer: video by remux (or re-encode), sound interleaved with it."""

    def __init__(
        self,
        container: av.container.OutputContainer,
        inputs: list[av.container.InputContainer],
        audio: np.ndarray | None,
        sample_rate: int,
        rate: Fraction,
    ) -> None:
        self.container, self.inputs, self.rate = container, inputs, rate
        self.audio, self.sample_rate = audio, sample_rate
        self.video: av.VideoStream | None = None
        self.remux = False
        if inputs:
            first = inputs[0].streams.video[0]
            self.remux = all(_same_video(first, t.streams.video[0]) for t in inputs)
            if self.remux:
                self.video = container.add_stream_from_template(first)
                self.video.time_base = first.time_base
            else:
                size = (first.codec_context.width, first.codec_context.height)
                self.video = _add_h264(container, size, rate)
                self.size = size
                self.reformatter = VideoReformatter()
                self.scaler = VideoReformatter()
        # With neither takes nor sound, an empty sound track still makes a valid MP4.
        has_audio = (audio is not None and len(audio) > 0) or not inputs
        track = audio if audio is not None else np.zeros(0, np.int16)
        self.sound = _AudioTrack(container, track, sample_rate) if has_audio else None

    def _audio_until(self, seconds: Fraction) -> None:
        if self.sound is not None:
            self.sound.encode_until(round(seconds * self.sample_rate))

    def run(self) -> None:
        frames_before = 0
        for take in self.inputs:
            source = take.streams.video[0]
            if self.remux:
                frames_before += self._copy(take, source, frames_before)
            else:
                frames_before += self._reencode(take, source, frames_before)
        if self.video is not None and not self.remux:
            for packet in self.video.encode(None):
                self.container.mux(packet)
        if self.sound is not None:
            self.sound.encode_until(len(self.sound.samples))
            if self.sound.done == 0 and not self.inputs:
                self.container.start_encoding()  # no packet will write the header
            self.sound.finish()

    def _copy(
        self, take: av.container.InputContainer, source: av.VideoStream, frames_before: int
    ) -> int:
        assert self.video is not None and source.time_base is not None
        start = Fraction(frames_before) / self.rate
        offset = round(start / source.time_base)
        count = 0
        for packet in take.demux(source):
            if packet.size == 0:  # the demuxer's end-of-stream marker, not a frame
                continue
            packet.pts += offset
            packet.dts += offset
            packet.stream = self.video
            self.container.mux(packet)
            count += 1
            # Keep the sound level with the pictures so the file stays interleaved.
            self._audio_until(start + Fraction(count) / self.rate)
        return count

    def _reencode(
        self, take: av.container.InputContainer, source: av.VideoStream, frames_before: int
    ) -> int:
        assert self.video is not None
        width, height = self.size
        count = 0
        for frame in take.decode(source):
            rgb = self.scaler.reformat(frame, width=width, height=height, format="rgb24")
            rgb.pts, rgb.time_base = frames_before + count, 1 / self.rate
            _encode_video(self.container, self.video, self.reformatter, rgb)
            count += 1
            self._audio_until(Fraction(frames_before + count) / self.rate)
        return count
