"""Burn-ins (text boxes only where they belong, cached, legible), SMPTE timecode, and the
storyboard page and its thumbnails."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from backlot.render import overlay
from backlot.render.contact_sheet import ContactEntry, contact_sheet_html, thumbnail_bytes
from backlot.render.overlay import burn_in, font_size, timecode

LONG_LINE = (
    "MARA: I told you we should never have come back here, not after what happened last "
    "winter on the ridge road, and not with the river this high and the bridge half gone, "
    "but nobody ever listens to me."
)


def picture(width: int = 640, height: int = 360) -> np.ndarray:
    y, x = np.mgrid[0:height, 0:width]
    return np.stack([x * 255 // width, y * 255 // height, (x ^ y) & 255], -1).astype(np.uint8)


def changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a != b).any(axis=2)


def boxes(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (x0, y0, x1, y1) of the changed areas in the top-left, top-right and
    bottom of the frame."""
    height, width = mask.shape
    found = []
    for rows, cols in [
        (slice(0, height // 2), slice(0, width // 2)),
        (slice(0, height // 2), slice(width // 2, width)),
        (slice(height // 2, height), slice(0, width)),
    ]:
        ys, xs = np.nonzero(mask[rows, cols])
        if len(ys):
            y0, x0 = rows.start + ys.min(), cols.start + xs.min()
            found.append(
                (int(x0), int(y0), int(cols.start + xs.max() + 1), int(rows.start + ys.max() + 1))
            )
    return found


def test_burn_in_changes_only_the_three_text_boxes() -> None:
    image = picture()
    original = image.copy()
    out = burn_in(image, "12A  MS single  50 mm", "12  01:00:01:01", LONG_LINE)
    assert np.array_equal(image, original), "the input frame is left alone"
    assert out.shape == image.shape and out.dtype == np.uint8
    mask = changed(out, image)
    found = boxes(mask)
    assert len(found) == 3
    # Everything changed lies inside those boxes, and each box is filled (a box, not
    # scattered pixels), so outside them the frame is untouched.
    inside = np.zeros_like(mask)
    for x0, y0, x1, y1 in found:
        inside[y0:y1, x0:x1] = True
        assert mask[y0:y1, x0:x1].mean() > 0.95
    assert not (mask & ~inside).any()
    (lx0, ly0, lx1, _), (rx0, ry0, rx1, _), (bx0, _, bx1, by1) = found
    assert lx0 < 20 and ly0 < 20 and ry0 < 20 and rx1 > 620, "near the top corners"
    assert lx1 < rx0, "the top texts do not overlap"
    assert by1 > 340 and abs((bx0 + bx1) / 2 - 320) <= 1, "the line is centred at the bottom"
    # The box darkens the picture; the text is brighter than the box around it.
    x0, y0, x1, y1 = found[2]
    region = out[y0:y1, x0:x1].astype(int).sum(axis=2)
    assert (
        region.max() > 600
        and np.median(region) < image[y0:y1, x0:x1].astype(int).sum(axis=2).mean()
    )


def test_dialogue_wraps_to_two_lines_and_short_text_to_one() -> None:
    image = picture()
    size = font_size(360)
    long_box = boxes(changed(burn_in(image, "", "", LONG_LINE), image))
    short_box = boxes(changed(burn_in(image, "", "", "MARA: Go."), image))
    assert len(long_box) == len(short_box) == 1
    long_height = long_box[0][3] - long_box[0][1]
    short_height = short_box[0][3] - short_box[0][1]
    # One line more than the short text's box, not two: (pad + 2 lines + pad) vs (pad + 1 + pad).
    assert size < short_height < 2 * size
    assert 1.4 * short_height < long_height < 2 * short_height
    assert long_box[0][2] - long_box[0][0] <= 0.9 * 640 + 1


def test_empty_texts_draw_nothing() -> None:
    image = picture(320, 180)
    assert np.array_equal(burn_in(image, "", "  ", ""), image)


def test_text_boxes_are_rendered_once_and_reused() -> None:
    image = picture()
    overlay._sprite.cache_clear()
    first = burn_in(image, "12A", "12  00:00:00:00", "MARA: Go.")
    second = burn_in(image, "12A", "12  00:00:00:00", "MARA: Go.")
    assert np.array_equal(first, second)
    info = overlay._sprite.cache_info()
    assert info.misses == 3 and info.hits == 3


@pytest.mark.parametrize("size", [(1280, 720), (200, 112), (64, 36)])
def test_burn_in_fits_any_frame(size: tuple[int, int]) -> None:
    image = picture(*size)
    out = burn_in(image, "12A  MS single  50 mm", "12  01:00:01:01", LONG_LINE)
    assert out.shape == image.shape and changed(out, image).any()


def test_burn_in_rejects_what_is_not_an_rgb_frame() -> None:
    with pytest.raises(ValueError, match="uint8"):
        burn_in(np.zeros((36, 64), np.uint8), "a", "b", "c")


def test_timecode_is_smpte_non_drop() -> None:
    assert timecode(24 * 3600 + 25, 24) == "01:00:01:01"
    assert timecode(0, 24) == "00:00:00:00"
    assert timecode(23, 24) == "00:00:00:23"
    assert timecode(24 * 60 - 1, 24) == "00:00:59:23"
    assert timecode(25 * 61, 25) == "00:01:01:00"
    assert timecode(24, 24000 / 1001) == "00:00:01:00"  # NDF counts at the nominal 24
    assert timecode(24 * 86400 + 2, 24) == "00:00:00:02"  # hours wrap at a day
    with pytest.raises(ValueError):
        timecode(-1, 24)


# The storyboard


def entry(shot: str, scene: str, description: str = "", image: str = "") -> ContactEntry:
    return ContactEntry(
        shot=shot,
        scene=scene,
        type="single",
        size="MS",
        lens_mm=50.0,
        move="static",
        duration_s=2.5,
        description=description,
        image=image or f"shots/{shot}/thumbnail.jpg",
    )


def test_contact_sheet_has_one_card_per_shot_under_scene_headers() -> None:
    entries = [entry("1A", "1"), entry("1B", "1"), entry("2A", "2"), entry("1C", "1")]
    page = contact_sheet_html(entries, "Night Run")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert page.count('class="card"') == 4
    headers = re.findall(r"<h2>Scene (\w+)</h2>", page)
    assert headers == ["1", "2", "1"], "in order; a scene cut back to gets a header again"
    order = [page.index(f'id="shot-{s}"') for s in ("1A", "1B", "2A", "1C")]
    assert order == sorted(order)
    assert 'src="shots/1A/thumbnail.jpg"' in page
    assert "<title>Night Run</title>" in page and "50 mm" in page and "2.5 s" in page
    assert "<script" not in page and "http" not in page, "self-contained, nothing fetched"


def test_contact_sheet_escapes_all_text() -> None:
    hostile = entry(
        "3<b>",
        'S"1',
        description="<script>alert('x')</script> & more",
        image='x" onerror="alert(1).jpg',
    )
    page = contact_sheet_html([hostile], "<Title> & co")
    assert "<script>" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&amp; more" in page and "&lt;Title&gt; &amp; co" in page
    assert "<b>" not in page and 'onerror="' not in page
    assert page.count('class="card"') == 1


def test_contact_sheet_of_no_shots_is_still_a_page() -> None:
    page = contact_sheet_html([], "Empty")
    assert "card" not in page.split("</style>")[1] and "0 shots" in page


def test_thumbnail_is_a_deterministic_jpeg_of_the_asked_width() -> None:
    image = picture(640, 360)
    data = thumbnail_bytes(image, 320)
    assert data[:3] == b"\xff\xd8\xff" and data == thumbnail_bytes(image, 320)
    thumb = Image.open(io.BytesIO(data))
    assert thumb.format == "JPEG" and thumb.size == (320, 180)
    small = Image.open(io.BytesIO(thumbnail_bytes(picture(100, 50), 320)))
    assert small.size == (100, 50), "never enlarged"
    mean = np.asarray(thumb, float).mean(axis=(0, 1))
    assert mean == pytest.approx(image.reshape(-1, 3).mean(axis=0), abs=4)
