"""The storyboard: one self-contained HTML page of shot cards, and the thumbnails it shows.

The page has its CSS inline and no script, so it opens from disk anywhere; thumbnails are
separate JPEG files beside it, referenced by relative path. Every piece of text comes
from the screenplay or the plan and is escaped, so a description such as `<script>` is
shown, never run.
"""

from __future__ import annotations

import html
import io
from itertools import groupby
from urllib.parse import quote

import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ContactEntry", "contact_sheet_html", "thumbnail_bytes"]


class ContactEntry(BaseModel):
    """One shot's card on the storyboard."""

    model_config = ConfigDict(extra="forbid")

    shot: str = Field(description="Shot id (12A).")
    scene: str
    type: str = Field(description="Coverage idiom: master, ots, single…")
    size: str = Field(description="Shot size: WS, MS, CU…")
    lens_mm: float
    move: str
    duration_s: float
    description: str = ""
    image: str = Field(description="Thumbnail path relative to the HTML page.")


_CSS = """
:root { color-scheme: dark; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; background: #16181c; color: #e8e8e8;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { margin: 0 0 8px; font-size: 22px; font-weight: 600; }
.summary { margin: 0 0 20px; color: #9aa0a6; }
h2 { margin: 28px 0 12px; padding-bottom: 4px; border-bottom: 1px solid #30343a;
  font-size: 16px; font-weight: 600; color: #c9ced6; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr));
  gap: 16px; }
.card { margin: 0; background: #22252b; border-radius: 6px; overflow: hidden;
  box-shadow: 0 1px 3px rgba(0, 0, 0, 0.4); break-inside: avoid; }
.card img { display: block; width: 100%; aspect-ratio: 16 / 9; object-fit: cover;
  background: #000; }
.card figcaption { padding: 8px 10px 10px; }
.head { display: flex; justify-content: space-between; gap: 8px; }
.id { font-weight: 700; }
.dur { color: #9aa0a6; font-variant-numeric: tabular-nums; }
.tech { margin-top: 2px; color: #8ab4f8; font-size: 12px; }
.desc { margin: 6px 0 0; color: #d0d3d8; }
@media print {
  body { background: #fff; color: #000; }
  .card { background: #fff; box-shadow: none; border: 1px solid #bbb; }
  .tech { color: #1a4fa0; } .desc { color: #000; }
}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _number(value: float) -> str:
    """2.5 → "2.5", 24.0 → "24", 4.25 → "4.25": at most two decimals, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _words(value: str) -> str:
    return value.replace("_", " ")  # plan vocabulary (dolly_in, two_shot) as words


def _card(entry: ContactEntry) -> str:
    # The path is percent-encoded too: spaces and '#' work, and no scheme (javascript:)
    # survives, since ':' becomes %3A.
    src = _e(quote(entry.image, safe="/"))
    tech = " · ".join(
        _e(part)
        for part in (
            entry.size,
            _words(entry.type),
            f"{_number(entry.lens_mm)} mm",
            _words(entry.move),
        )
        if part
    )
    description = f'<p class="desc">{_e(entry.description)}</p>' if entry.description else ""
    return (
        f'<figure class="card" id="shot-{_e(entry.shot)}">'
        f'<img src="{src}" alt="Shot {_e(entry.shot)}" loading="lazy">'
        "<figcaption>"
        f'<div class="head"><span class="id">{_e(entry.shot)}</span>'
        f'<span class="dur">{_e(_number(entry.duration_s))} s</span></div>'
        f'<div class="tech">{tech}</div>'
        f"{description}"
        "</figcaption></figure>"
    )


def contact_sheet_html(entries: list[ContactEntry], title: str) -> str:
    """The storyboard page: a header per scene (in order), each over its shots' cards.

    Shots stay in the order given; a scene that comes back later (intercutting) gets a
    header again where it does.
    """
    total = sum(entry.duration_s for entry in entries)
    minutes, seconds = divmod(round(total), 60)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="summary">{len(entries)} shots · {minutes}:{seconds:02d}</p>',
    ]
    for scene, group in groupby(entries, key=lambda entry: entry.scene):
        parts.append(f'<section class="scene"><h2>Scene {_e(scene)}</h2><div class="grid">')
        parts.extend(_card(entry) for entry in group)
        parts.append("</div></section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def thumbnail_bytes(rgb: np.ndarray, width: int = 320) -> bytes:
    """A JPEG of the uint8 H×W×3 frame, `width` pixels wide (never enlarged).

    The same pixels make the same bytes: no timestamp or metadata is written.
    """
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected uint8 H×W×3, got {rgb.dtype} {rgb.shape}")
    if width < 1:
        raise ValueError(f"width must be positive, got {width}")
    image = Image.fromarray(rgb)
    if width < image.width:
        height = max(1, round(image.height * width / image.width))
        image = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True)
    return buffer.getvalue()
