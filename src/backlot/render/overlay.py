"""Burn-ins on the take (never on the passes): slate text at the top, the line at the bottom.

Each text is drawn in white on a dark translucent box so it reads over any picture. The
same strings come back frame after frame (the lens line for a whole shot, a speech for
seconds), so each distinct text is rasterised once with Pillow into a premultiplied
sprite and cached; a frame then costs a copy and a few small integer alpha blends in
numpy (about 0.05 ms at 640×360 and 0.2 ms at 1280×720 once cached).

The font is Pillow's built-in scalable one (`ImageFont.load_default(size=…)`, Pillow ≥
10.1 with FreeType), so no system font is needed; its size follows the frame height.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

__all__ = ["burn_in", "font_size", "timecode"]

_BOX_ALPHA = 0.6
"""Opacity of the black box behind text: dark enough to read, light enough to see through."""
_ELLIPSIS = "…"
_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def timecode(frame: int, fps: float) -> str:
    """SMPTE non-drop timecode HH:MM:SS:FF of a frame count (hours wrap at 24).

    Non-drop counts whole frames at the nominal rate (24 for 23.976), as NDF does.
    """
    if frame < 0:
        raise ValueError(f"frame must not be negative, got {frame}")
    nominal = round(fps)
    if nominal < 1:
        raise ValueError(f"fps must be at least 0.5, got {fps}")
    seconds, frames = divmod(int(frame), nominal)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours % 24:02d}:{minutes:02d}:{seconds:02d}:{frames:02d}"


def font_size(height: int) -> int:
    """Text size in pixels for a frame `height` pixels tall: 1/24 of it, at least 10."""
    return max(10, round(height / 24))


@dataclass(frozen=True)
class _Sprite:
    """A text box ready to blend: out = (pixels × keep + paint) >> 8."""

    keep: np.ndarray
    """uint16 H×W×3: how much of the picture shows through, 0–256."""
    paint: np.ndarray
    """uint16 H×W×3: the premultiplied (white) text, 0–65280; the box itself adds black."""

    @property
    def shape(self) -> tuple[int, int]:
        return self.keep.shape[0], self.keep.shape[1]


@lru_cache(maxsize=16)
def _font(size: int) -> _Font:
    return ImageFont.load_default(size=size)


def _line_height(font: _Font) -> int:
    if isinstance(font, ImageFont.FreeTypeFont):
        ascent, descent = font.getmetrics()
        return ascent + descent
    return int(font.getbbox("Ag")[3])  # the bitmap fallback has no metrics


def _fit(words: list[str], font: _Font, width: float) -> tuple[str, list[str]]:
    """The longest run of `words` that fits in `width` (at least part of one), and the rest."""
    line = ""
    for i, word in enumerate(words):
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            return line, words[i:]
        # One word wider than the line: break it where it overflows (after a character at
        # least, so that wrapping always moves on).
        cut = 1
        while cut < len(word) and font.getlength(word[: cut + 1]) <= width:
            cut += 1
        return word[:cut], [word[cut:], *words[i + 1 :]]
    return line, []


def _ellipsize(line: str, font: _Font, width: float) -> str:
    """`line` cut short with an ellipsis so that it fits `width`."""
    while line and font.getlength(line + _ELLIPSIS) > width:
        line = line[:-1]
    return line.rstrip() + _ELLIPSIS


def _wrap(text: str, font: _Font, width: float, max_lines: int) -> list[str]:
    text = text.strip()
    if not text:
        return []
    if font.getlength(text) <= width:
        return [text]  # as given: the caller's spacing (double spaces between fields) stays
    words = text.split()
    lines: list[str] = []
    while words and len(lines) < max_lines:
        line, words = _fit(words, font, width)
        lines.append(line)
    if words:  # more than fits: say so rather than drop it silently
        lines[-1] = _ellipsize(lines[-1], font, width)
    return lines


@lru_cache(maxsize=512)
def _sprite(text: str, size: int, max_width: int, max_lines: int) -> _Sprite | None:
    """The text, wrapped to `max_lines` lines within `max_width` pixels, centred, on a box."""
    font = _font(size)
    pad = max(2, round(size * 0.35))
    lines = _wrap(text, font, max(1, max_width - 2 * pad), max_lines)
    if not lines:
        return None
    widths = [font.getlength(line) for line in lines]
    line_height = _line_height(font)
    text_width = int(np.ceil(max(widths)))
    box = (text_width + 2 * pad, line_height * len(lines) + 2 * pad)
    mask = Image.new("L", box, 0)
    draw = ImageDraw.Draw(mask)
    for i, (line, width) in enumerate(zip(lines, widths, strict=True)):
        draw.text((pad + (text_width - width) / 2, pad + i * line_height), line, 255, font)
    # Channels repeated up front: numpy blends H×W×3 by H×W×3 ten times faster than it
    # broadcasts an H×W×1 factor (measured), and the sprite is made once.
    cover = np.repeat(np.asarray(mask, np.float32)[:, :, None] / 255.0, 3, axis=2)
    # White text of coverage c over a black box of opacity A over the picture p:
    # p·(1−A)(1−c) + 255·c. Both factors are kept in fixed point (×256) for uint16 maths;
    # rounding keeps p·keep + paint ≤ 255·256 + 128, so the sum cannot overflow uint16.
    keep = np.rint(256.0 * (1.0 - _BOX_ALPHA) * (1.0 - cover)).astype(np.uint16)
    paint = np.rint(255.0 * 256.0 * cover).astype(np.uint16)
    return _Sprite(keep, paint)


def _blend(out: np.ndarray, sprite: _Sprite | None, x: int, y: int) -> None:
    """Blend `sprite` into `out` with its top-left corner at (x, y), cropped to the frame."""
    if sprite is None:
        return
    height, width = out.shape[:2]
    sh, sw = sprite.shape
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(width, x + sw), min(height, y + sh)
    if x0 >= x1 or y0 >= y1:
        return
    region = out[y0:y1, x0:x1]
    keep = sprite.keep[y0 - y : y1 - y, x0 - x : x1 - x]
    paint = sprite.paint[y0 - y : y1 - y, x0 - x : x1 - x]
    mixed = region.astype(np.uint16)
    mixed *= keep
    mixed += paint
    mixed >>= 8
    region[...] = mixed


def burn_in(rgb: np.ndarray, top_left: str, top_right: str, bottom: str) -> np.ndarray:
    """A copy of the uint8 H×W×3 frame with the three texts burnt in.

    `top_left` and `top_right` take one line each (cut short with "…" when too long for
    half the width); `bottom`, the dialogue, wraps to at most two centred lines. An empty
    text draws nothing, and pixels outside the text boxes are left exactly as they were.
    """
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected uint8 H×W×3, got {rgb.dtype} {rgb.shape}")
    out = rgb.copy()
    height, width = rgb.shape[:2]
    size = font_size(height)
    margin = max(2, size // 2)
    half = max(1, width // 2 - margin - margin // 2)
    left = _sprite(top_left, size, half, 1) if top_left.strip() else None
    _blend(out, left, margin, margin)
    right = _sprite(top_right, size, half, 1) if top_right.strip() else None
    if right is not None:
        _blend(out, right, width - margin - right.shape[1], margin)
    line = _sprite(bottom, size, int(width * 0.9), 2) if bottom.strip() else None
    if line is not None:
        _blend(out, line, (width - line.shape[1]) // 2, height - margin - line.shape[0])
    return out
