"""The pose pass: people's skeletons drawn as an OpenPose / ControlNet body-pose image.

The format is the 18-keypoint COCO body model of OpenPose (Cao et al., "Realtime
Multi-Person 2D Pose Estimation using Part Affinity Fields", CVPR 2017), drawn the way the
ControlNet openpose conditioning images are: a black canvas, each of 17 limbs a filled
ellipse spanning its two keypoints in that limb's colour at 60 % opacity, then each
keypoint a filled disc in its own colour. Colours run round the hue circle in 18 steps
(red, orange, … magenta, rose), limb i and keypoint i sharing colour i, so a model
conditioned on such images reads left from right and limb from limb by colour.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from PIL import Image, ImageDraw

OPENPOSE_ORDER: tuple[str, ...] = (
    "nose",
    "neck",
    "r_shoulder",
    "r_elbow",
    "r_wrist",
    "l_shoulder",
    "l_elbow",
    "l_wrist",
    "r_hip",
    "r_knee",
    "r_ankle",
    "l_hip",
    "l_knee",
    "l_ankle",
    "r_eye",
    "l_eye",
    "r_ear",
    "l_ear",
)
"""The 18 keypoints in OpenPose's COCO order, spelt as the skeleton's joints are
(`world/cast.py` uses the same names, so no mapping is needed). r_ is the person's own
right."""

LIMBS: tuple[tuple[int, int], ...] = (
    (1, 2),  # neck – right shoulder
    (1, 5),  # neck – left shoulder
    (2, 3),  # right upper arm
    (3, 4),  # right forearm
    (5, 6),  # left upper arm
    (6, 7),  # left forearm
    (1, 8),  # neck – right hip
    (8, 9),  # right thigh
    (9, 10),  # right shin
    (1, 11),  # neck – left hip
    (11, 12),  # left thigh
    (12, 13),  # left shin
    (1, 0),  # neck – nose
    (0, 14),  # nose – right eye
    (14, 16),  # right eye – right ear
    (0, 15),  # nose – left eye
    (15, 17),  # left eye – left ear
)
"""The body model's 17 drawn connections, as indices into OPENPOSE_ORDER. (OpenPose's
own list has two more, ear to shoulder, which the ControlNet images leave out.)"""

COLOURS: tuple[tuple[int, int, int], ...] = (
    (255, 0, 0),
    (255, 85, 0),
    (255, 170, 0),
    (255, 255, 0),
    (170, 255, 0),
    (85, 255, 0),
    (0, 255, 0),
    (0, 255, 85),
    (0, 255, 170),
    (0, 255, 255),
    (0, 170, 255),
    (0, 85, 255),
    (0, 0, 255),
    (85, 0, 255),
    (170, 0, 255),
    (255, 0, 255),
    (255, 0, 170),
    (255, 0, 85),
)
"""The conventional palette: 18 hues 20° apart (steps of 85 in one channel at a time)."""

LIMB_OPACITY = 0.6
REFERENCE_HEIGHT = 512
"""Image height at which limbs are STICK_WIDTH half-thick and keypoints that radius."""
STICK_WIDTH = 4
ELLIPSE_POINTS = 32
"""Vertices of a limb's ellipse polygon: smooth at the thickness of a limb."""


def keypoints(joints: Mapping[str, np.ndarray]) -> np.ndarray:
    """18×D keypoints in OPENPOSE_ORDER from joint name → position (posed joints, or
    their projections)."""
    return np.stack([np.asarray(joints[name], dtype=float) for name in OPENPOSE_ORDER])


def stick_width(height: int) -> int:
    """Limb half-thickness and keypoint radius in pixels for an image `height` tall."""
    return max(1, round(STICK_WIDTH * height / REFERENCE_HEIGHT))


_CIRCLE = np.stack(
    [
        np.cos(np.linspace(0.0, 2.0 * np.pi, ELLIPSE_POINTS, endpoint=False)),
        np.sin(np.linspace(0.0, 2.0 * np.pi, ELLIPSE_POINTS, endpoint=False)),
    ]
)
"""Unit circle, 2×ELLIPSE_POINTS: scaled per limb into its ellipse."""


def _limb_polygons(a: np.ndarray, b: np.ndarray, half_width: float) -> np.ndarray:
    """N×ELLIPSE_POINTS×2 ellipses spanning a[i]–b[i] (N×2 each): half-axes half the limb's
    length and `half_width`. One array operation for every limb of a frame."""
    centre = (a + b) / 2.0
    along = b - a
    length = np.hypot(along[:, 0], along[:, 1])
    safe = np.where(length > 0.0, length, 1.0)[:, None]
    u = np.where(length[:, None] > 0.0, along / safe, (1.0, 0.0))
    v = np.stack([-u[:, 1], u[:, 0]], axis=1)
    major = np.maximum(length / 2.0, half_width / 2.0)
    cos, sin = _CIRCLE
    return (
        centre[:, None, :]
        + (cos[None, :] * major[:, None])[..., None] * u[:, None, :]
        + (sin * half_width)[None, :, None] * v[:, None, :]
    )


def draw_openpose(
    size: tuple[int, int],
    people: list[np.ndarray],
    visible: list[np.ndarray] | None = None,
) -> np.ndarray:
    """An OpenPose body-pose image, H×W×3 uint8 on black, for `size` = (width, height).

    `people[i]` is an 18×2 array of (x, y) pixel coordinates in OPENPOSE_ORDER (x right,
    y down, pixel centres at integers); `visible[i]` an 18-long boolean array, False for
    a keypoint behind the camera or off screen: it is not drawn, nor any limb that
    touches it. Non-finite coordinates count as not visible."""
    width, height = size
    if visible is not None and len(visible) != len(people):
        raise ValueError("visible must have one array per person")
    stick = stick_width(height)
    shown: list[np.ndarray] = []
    points: list[np.ndarray] = []
    for i, person in enumerate(people):
        xy = np.asarray(person, dtype=float)
        if xy.shape != (len(OPENPOSE_ORDER), 2):
            raise ValueError(f"person {i}: expected 18×2 keypoints, got {xy.shape}")
        ok = np.isfinite(xy).all(axis=1)
        if visible is not None:
            ok &= np.asarray(visible[i], dtype=bool)
        shown.append(ok)
        points.append(xy)
    canvas = np.zeros((height, width, 3), np.uint8)
    drawn = [
        (limb, a, b, xy)
        for limb, (a, b) in enumerate(LIMBS)
        for xy, ok in zip(points, shown, strict=True)
        if ok[a] and ok[b]
    ]
    discs = [
        (k, xy[k])
        for k in range(len(OPENPOSE_ORDER))
        for xy, ok in zip(points, shown, strict=True)
        if ok[k] and -stick <= xy[k][0] < width + stick and -stick <= xy[k][1] < height + stick
    ]
    polygons = (
        _limb_polygons(
            np.array([xy[a] for _, a, _, xy in drawn]),
            np.array([xy[b] for _, _, b, xy in drawn]),
            stick,
        )
        if drawn
        else np.empty((0, ELLIPSE_POINTS, 2))
    )
    # Only the skeletons' bounding box is drawn (most of the frame stays black): a
    # full-frame PIL image cost 6 ms a frame at 1280×720 to fill and convert, the
    # drawing itself a tenth of that. Whole-pixel offsets keep every pixel as it was.
    centres = np.array([xy for _, xy in discs]).reshape(-1, 2)
    extent = np.concatenate([polygons.reshape(-1, 2), centres - stick, centres + stick])
    if len(extent) == 0:
        return canvas
    left, top = np.maximum(np.floor(extent.min(axis=0)) - 1, 0).astype(int)
    right, bottom = np.minimum(np.ceil(extent.max(axis=0)) + 2, (width, height)).astype(int)
    if right <= left or bottom <= top:
        return canvas
    offset = np.array([left, top], float)
    # Limb by limb across everyone, then keypoints over all limbs: the order ControlNet's
    # images are drawn in, so overlapping people blend the same way.
    image = Image.new("RGB", (int(right - left), int(bottom - top)))
    # An "RGBA" drawing context blends each fill over what is already drawn (in C).
    blend = ImageDraw.Draw(image, "RGBA")
    alpha = round(255 * LIMB_OPACITY)
    for (limb, *_), polygon in zip(drawn, polygons - offset, strict=True):
        blend.polygon(polygon.ravel().tolist(), fill=(*COLOURS[limb], alpha))
    draw = ImageDraw.Draw(image)
    for k, xy in discs:
        x, y = xy - offset
        draw.ellipse((x - stick, y - stick, x + stick, y + stick), fill=COLOURS[k])
    canvas[top:bottom, left:right] = np.asarray(image)
    return canvas
