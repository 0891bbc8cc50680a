"""Are takes the same bytes every time? The H.264 take encoded N times beside a pass writer.

A take's encoder runs on a thread while the pass writers encode on others (render/encode.py).
This encodes the same 120 pictures N times, each time with a 16-bit depth pass (FFV1) being
written on a second thread, and counts the distinct take files and the distinct YUV
pictures handed to libx264. One take hash means repeatable; more than one YUV hash would
mean the colour conversion, not the encoder, differs.

    .venv/bin/python benchmarks/take_repeatability.py [--runs 300] [--x264-params mbtree=1]

`--x264-params` overrides the takes' libx264 parameters, to compare settings.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import threading
from collections import Counter
from pathlib import Path

import av
import numpy as np

from backlot.render import encode

SIZE = (160, 96)
FRAMES = 120
RATE = 24
SAMPLE_RATE = 22050


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--x264-params", help="libx264 parameters instead of the takes' own")
    args = parser.parse_args()
    if args.x264_params is not None:
        encode._X264_OPTIONS["x264-params"] = args.x264_params

    width, height = SIZE
    base = np.random.default_rng(1).integers(0, 255, (height, width, 3), dtype=np.uint8)
    pictures = [np.roll(base, i // 3, axis=1) for i in range(FRAMES)]
    audio = np.zeros(SAMPLE_RATE * FRAMES // RATE, np.int16)
    yuv_hashes = threading.local()
    to_yuv = encode._to_yuv

    def hashing_to_yuv(
        reformatter: av.video.reformatter.VideoReformatter, frame: av.VideoFrame
    ) -> av.VideoFrame:
        yuv = to_yuv(reformatter, frame)
        yuv_hashes.sha.update(yuv.to_ndarray().tobytes())
        return yuv

    encode._to_yuv = hashing_to_yuv
    takes: Counter[str] = Counter()
    yuvs: Counter[str] = Counter()

    def write_take(path: Path) -> None:
        yuv_hashes.sha = hashlib.sha256()
        with encode.TakeWriter(path, SIZE, RATE, audio, SAMPLE_RATE) as take:
            for picture in pictures:
                take.write(picture)
        takes[hashlib.sha256(path.read_bytes()).hexdigest()] += 1
        yuvs[yuv_hashes.sha.hexdigest()] += 1

    def write_depth(folder: Path) -> None:
        depth_only = {k: v for k, v in encode.PASS_FILES.items() if k == "depth"}
        with encode.PassWriter(folder, SIZE, RATE, depth_only) as passes:
            for i in range(FRAMES):
                passes.write({"depth": np.full((height, width), i * 100, np.uint16)})

    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            folder = Path(tmp) / str(run)
            folder.mkdir()
            threads = [
                threading.Thread(target=write_take, args=(folder / "take.mp4",)),
                threading.Thread(target=write_depth, args=(folder,)),
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    params = encode._X264_OPTIONS.get("x264-params", "")
    print(
        f"x264-params {params!r}: {args.runs} takes, {len(takes)} distinct take file(s), "
        f"{len(yuvs)} distinct YUV sequence(s); most common take {takes.most_common(1)[0][1]}×"
    )


if __name__ == "__main__":
    main()
