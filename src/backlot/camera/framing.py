"""Framing math: where a camera stands so a subject fills the frame as a shot size asks.

Conventions. World: metres, X east, Y up, Z south; a subject's `facing_deg` 0 faces +Z and
grows turning left (about +Y), so the subject's left is +X when facing +Z. Camera axes are
OpenCV's: x right, y down, z forward; pixels count from the top-left corner. The camera
never rolls: its x axis stays horizontal.

A shot size is a span of the standing subject (two landmarks) that fills a fraction of the
frame height, following the usual definitions of the scale (Mascelli, "The Five C's of
Cinematography", 1965, ch. 1 "Camera Angles"; Katz, "Film Directing Shot by Shot", 1991,
ch. 7): each tighter size cuts the figure at the next body line, never at a joint, with a
little headroom above the head. The subject is a vertical line through its feet: landmark
heights come from anthropometric fractions of the standing height.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

import numpy as np

from backlot.camera.models import LANDMARKS, ShotSize, Vec3

# Heights above the floor as fractions of standing height H: Drillis & Contini (1966), as
# tabulated in Winter, "Biomechanics and Motor Control of Human Movement", 4th ed., fig. 4.1.
# Chest is the nipple line; waist is taken at elbow height (0.630 H), which is where the
# natural waist sits with the arms hanging.
_LANDMARK_FRACTION = {
    "head_top": 1.0,
    "eyes": 0.936,
    "chin": 0.870,
    "chest": 0.720,
    "waist": 0.630,
    "knees": 0.285,
    "feet": 0.0,
}
SEAT_DROP = 0.273
"""How far (× standing height) the upper body sinks when seated: the hip joint goes from
0.530 H standing to a chair seat's 0.257 H (0.45 m for 1.75 m, the mannequin's sit)."""
_SEATED_FRACTION = {
    name: (
        fraction - SEAT_DROP
        if name not in ("knees", "feet")
        else {"knees": 0.257, "feet": 0.0}[name]
    )
    for name, fraction in _LANDMARK_FRACTION.items()
}

# Size → (top landmark, bottom landmark, fraction of the frame height the span fills).
# CU is head and shoulders: the head (top to chin) fills a little over half the frame so
# the shoulders come in below. MCU, MS and MLS cut just below the chest, waist and knees:
# the span fills 85 %, leaving the headroom above and a margin below the cut line. FS keeps
# a little floor under the feet. WS and EWS show the person small in the setting. ECU is a
# detail of the face: eyes to chin fill most of the frame, forehead cropped.
SIZE_SPAN: dict[ShotSize, tuple[str, str, float]] = {
    ShotSize.EWS: ("head_top", "feet", 0.2),
    ShotSize.WS: ("head_top", "feet", 0.5),
    ShotSize.FS: ("head_top", "feet", 0.8),
    ShotSize.MLS: ("head_top", "knees", 0.85),
    ShotSize.MS: ("head_top", "waist", 0.85),
    ShotSize.MCU: ("head_top", "chest", 0.85),
    ShotSize.CU: ("head_top", "chin", 0.55),
    ShotSize.ECU: ("eyes", "chin", 0.6),
}

# Sizes composed by headroom: the head top sits `headroom` below the top of the frame.
HEADROOM_SIZES = frozenset({ShotSize.FS, ShotSize.MLS, ShotSize.MS, ShotSize.MCU, ShotSize.CU})

# The others pin one landmark to a third line instead: the ECU puts the eyes on the upper
# third (the face reads from the eyes); wide shots stand the figure on the lower third so
# the setting fills the frame above, as a landscape is composed.
_THIRD_ANCHOR: dict[ShotSize, tuple[str, float]] = {
    ShotSize.ECU: ("eyes", 1.0 / 3.0),
    ShotSize.WS: ("feet", 2.0 / 3.0),
    ShotSize.EWS: ("feet", 2.0 / 3.0),
}

# Camera height per size, as a landmark of the subject: eye level for the close sizes (a
# neutral angle, Mascelli ch. 1), lower as the frame widens so the figure is not shot
# steeply down at; the extreme wide goes back to a standing observer's eye level.
_CAMERA_HEIGHT = {
    ShotSize.ECU: "eyes",
    ShotSize.CU: "eyes",
    ShotSize.MCU: "eyes",
    ShotSize.MS: "eyes",
    ShotSize.MLS: "chest",
    ShotSize.FS: "waist",
    ShotSize.WS: "chest",
    ShotSize.EWS: "eyes",
}


def landmarks(height_m: float, seated: bool = False) -> dict[str, float]:
    """Heights above the floor (metres) of the LANDMARKS of a person standing (or seated)."""
    if height_m <= 0:
        raise ValueError(f"height must be positive, got {height_m}")
    fractions = _SEATED_FRACTION if seated else _LANDMARK_FRACTION
    return {name: fractions[name] * height_m for name in LANDMARKS}


def landmark_points(position: Vec3, height_m: float, seated: bool = False) -> np.ndarray:
    """World points (N×3, in LANDMARKS order) of a subject with its feet at position."""
    x, y, z = position
    return np.array([(x, y + h, z) for h in landmarks(height_m, seated).values()], dtype=float)


def vertical_fov(focal_mm: float, sensor_h_mm: float) -> float:
    """Vertical field of view in radians of a pinhole lens on a sensor of that height."""
    return 2.0 * math.atan(sensor_h_mm / (2.0 * focal_mm))


@cache
def intrinsics(
    focal_mm: float, sensor_mm: tuple[float, float], resolution: tuple[int, int]
) -> tuple[float, float, float, float]:
    """Pinhole intrinsics (fx, fy, cx, cy) in pixels, with square pixels.

    The image is the largest centred region of the sensor with the image's aspect (the way
    a 16:9 or scope frame is extracted from a Super 35 gate): a frame wider than the sensor
    uses its full width, a taller one its full height.
    """
    sensor_w, sensor_h = sensor_mm
    width, height = resolution
    # The largest region that fits: its pixel pitch is the smaller of the two.
    pitch_mm = min(sensor_w / width, sensor_h / height)
    f_px = focal_mm / pitch_mm
    return f_px, f_px, width / 2.0, height / 2.0


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a × b for 3-vectors: np.cross's axis handling costs more than the product itself,
    and the distance solver calls this tens of thousands of times."""
    return np.array(
        (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])
    )


def look_at(position: Vec3, target: Vec3, up: Vec3 = (0.0, 1.0, 0.0)) -> np.ndarray:
    """4×4 camera-to-world matrix of a camera at position aiming at target, with no roll."""
    eye = np.asarray(position, dtype=float)
    forward = np.asarray(target, dtype=float) - eye
    norm = np.linalg.norm(forward)
    if norm == 0:
        raise ValueError("camera position and target coincide")
    forward /= norm
    right = _cross(forward, np.asarray(up, dtype=float))
    if np.linalg.norm(right) < 1e-9:
        raise ValueError("camera looks along the up vector; its roll is undefined")
    right /= np.linalg.norm(right)
    down = _cross(forward, right)
    cam_to_world = np.eye(4)
    cam_to_world[:3, 0] = right
    cam_to_world[:3, 1] = down
    cam_to_world[:3, 2] = forward
    cam_to_world[:3, 3] = eye
    return cam_to_world


def world_to_camera(cam_to_world: np.ndarray) -> np.ndarray:
    """3×4 world-to-camera matrix [Rᵀ | −Rᵀt], the inverse of a rigid camera-to-world pose."""
    rotation = cam_to_world[:3, :3]
    translation = cam_to_world[:3, 3]
    return np.hstack([rotation.T, (-rotation.T @ translation)[:, None]])


def project(
    points_world: np.ndarray, cam_to_world: np.ndarray, fx: float, fy: float, cx: float, cy: float
) -> tuple[np.ndarray, np.ndarray]:
    """Pixels (N×2) and depths (N) of world points; pixels mean something only where depth > 0."""
    points = np.atleast_2d(np.asarray(points_world, dtype=float))
    extrinsic = world_to_camera(cam_to_world)
    cam = points @ extrinsic[:, :3].T + extrinsic[:, 3]
    depth = cam[:, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        pixels = np.stack([fx * cam[:, 0] / depth + cx, fy * cam[:, 1] / depth + cy], axis=1)
    return pixels, depth


def _aim(
    camera: Sequence[float],
    anchor: Sequence[float],
    pixel: tuple[float, float],
    fx: float,
    fy: float,
    cx: float,
    cy: float,
) -> np.ndarray:
    """Forward axis of a roll-free camera at `camera` that images `anchor` at `pixel`.

    The camera ray through the pixel is (a, b, 1). For pitch φ its world elevation e obeys
    sin e = √(1+b²)·sin(φ − atan b) / √(1+a²+b²), so φ follows in closed form; the ray's
    horizontal part lies atan2(a, cos φ + b sin φ) to the right of the camera's heading.
    """
    # Plain floats: numpy's per-call cost dwarfs the arithmetic on one 3-vector.
    a = (pixel[0] - cx) / fx
    b = (pixel[1] - cy) / fy
    ox, oy, oz = (anchor[i] - camera[i] for i in range(3))
    horizontal = math.hypot(ox, oz)
    elevation = math.atan2(oy, horizontal)
    ratio = math.sin(elevation) * math.sqrt(1 + a * a + b * b) / math.sqrt(1 + b * b)
    pitch = math.atan(b) + math.asin(max(-1.0, min(1.0, ratio)))
    turn = math.atan2(a, math.cos(pitch) + b * math.sin(pitch))
    c, s = math.cos(turn), math.sin(turn)
    hx, hz = ox / horizontal, oz / horizontal
    level = math.cos(pitch)
    return np.array([level * (hx * c + hz * s), math.sin(pitch), level * (-hx * s + hz * c)])


def _span_px(
    camera: np.ndarray,
    forward: np.ndarray,
    top: np.ndarray,
    bottom: np.ndarray,
    fx: float,
    fy: float,
    cx: float,
    cy: float,
) -> float:
    """On-screen height of the span in pixels; infinite when a landmark is behind the lens."""
    pixels, depth = project(
        np.stack([top, bottom]), look_at(camera, camera + forward), fx, fy, cx, cy
    )
    if np.any(depth <= 0):
        return math.inf
    return float(pixels[1, 1] - pixels[0, 1])


def frame_subject(
    position: Vec3,
    facing_deg: float,
    height_m: float,
    size: ShotSize,
    focal_mm: float,
    sensor_mm: tuple[float, float],
    resolution: tuple[int, int],
    *,
    side: float = 0.0,
    headroom: float = 0.05,
    look_room: float = 0.0,
    seated: bool = False,
) -> tuple[Vec3, Vec3]:
    """Camera position and look-at target that frame a standing (or `seated`) subject at a
    shot size.

    `position` is the subject's feet on the floor. `side` is the camera's azimuth off the
    subject's facing in degrees (0 straight on, +30 round to the subject's left). `headroom`
    is the fraction of the frame above the head for the sizes composed by headroom.
    `look_room` (fraction of frame width) moves the subject off centre, away from the way
    it faces on screen, so that it looks into the open part of the frame.

    The camera stands at the size's height (eye level when close, lower when wider) on the
    chosen azimuth; for each trial distance it is aimed, without roll, so that its anchor
    landmark lands on the required pixel; the distance is then bisected until the span's
    projected height equals its fraction of the image height (the span shrinks as the
    camera backs off).
    """
    azimuth = math.radians(facing_deg + side)
    ox, oz = math.sin(azimuth), math.cos(azimuth)
    facing = math.radians(facing_deg)
    # The subject's facing against screen right, which is (oz, 0, −ox) seen from outward.
    faces = math.sin(facing) * oz - math.cos(facing) * ox
    # Straight on the subject faces neither way on screen and takes no look room.
    turn = 0.0 if abs(faces) < 1e-9 else math.copysign(1.0, faces)
    distance, lift, anchor_y, pixel = _framing_distance(
        size, focal_mm, sensor_mm, resolution, height_m, seated, headroom, turn * look_room
    )
    x, y, z = position
    anchor = (x, y + anchor_y, z)
    camera = (x + distance * ox, y + lift, z + distance * oz)
    fx, fy, cx, cy = intrinsics(focal_mm, sensor_mm, resolution)
    forward = _aim(camera, anchor, pixel, fx, fy, cx, cy)
    # The target lies on the optical axis at about the subject's distance, so easing between
    # keyframes' targets swings the aim smoothly.
    reach = math.dist(anchor, camera)
    target = tuple(float(camera[i] + forward[i] * reach) for i in range(3))
    return camera, target  # type: ignore[return-value]


def project_point(
    position: Vec3, target: Vec3, point: Vec3, fx: float, fy: float, cx: float, cy: float
) -> tuple[float, float, float]:
    """(u, v, depth) of one world point seen by a roll-free camera aimed at `target`; the
    pixel means something only where depth > 0. The same axes as `look_at`."""
    fx_, fy_, fz_ = (target[i] - position[i] for i in range(3))
    norm = math.sqrt(fx_ * fx_ + fy_ * fy_ + fz_ * fz_)
    fx_, fy_, fz_ = fx_ / norm, fy_ / norm, fz_ / norm
    # right = forward × up, down = forward × right (x right, y down, z forward).
    rx, rz = -fz_, fx_
    r = math.hypot(rx, rz)
    rx, rz = rx / r, rz / r
    dx, dy, dz = fy_ * rz, fz_ * rx - fx_ * rz, -fy_ * rx
    px, py, pz = (point[i] - position[i] for i in range(3))
    depth = px * fx_ + py * fy_ + pz * fz_
    if depth <= 0:
        return math.nan, math.nan, depth
    u = fx * (px * rx + pz * rz) / depth + cx
    v = fy * (px * dx + py * dy + pz * dz) / depth + cy
    return u, v, depth


@cache
def _framing_distance(
    size: ShotSize,
    focal_mm: float,
    sensor_mm: tuple[float, float],
    resolution: tuple[int, int],
    height_m: float,
    seated: bool,
    headroom: float,
    look_room: float,
) -> tuple[float, float, float, tuple[float, float]]:
    """(camera distance, camera height, anchor height, anchor pixel) of a framing.

    The span's projected height depends only on the camera's offset from the subject, not
    on where the subject stands or which way the camera looks from, so the bisection runs
    once per size, lens and figure (a moving shot frames the subject at every key).
    """
    top_name, bottom_name, fraction = SIZE_SPAN[size]
    if size in HEADROOM_SIZES:
        if not 0.0 <= headroom <= 1.0 - fraction:
            raise ValueError(f"headroom {headroom} leaves no room for a {size} framing")
        anchor_name, anchor_row = top_name, headroom
    else:
        anchor_name, anchor_row = _THIRD_ANCHOR[size]
    width, height = resolution
    fx, fy, cx, cy = intrinsics(focal_mm, sensor_mm, resolution)
    heights = landmarks(height_m, seated)
    up = np.array([0.0, 1.0, 0.0])
    top, bottom, anchor = (heights[name] * up for name in (top_name, bottom_name, anchor_name))
    outward = np.array([0.0, 0.0, 1.0])
    pixel = (cx - look_room * width, anchor_row * height)
    lift = heights[_CAMERA_HEIGHT[size]]
    target_px = fraction * height

    def span(distance: float) -> float:
        camera = distance * outward + lift * up
        forward = _aim(camera, anchor, pixel, fx, fy, cx, cy)
        return _span_px(camera, forward, top, bottom, fx, fy, cx, cy)

    # Start from the level pinhole estimate d = f·span / (fraction·image height), bracket.
    guess = fy * (heights[top_name] - heights[bottom_name]) / target_px
    near, far = guess / 2.0, guess * 2.0
    while span(near) < target_px:
        near /= 2.0
    while span(far) > target_px:
        far *= 2.0
    for _ in range(100):
        mid = math.sqrt(near * far)
        if span(mid) > target_px:
            near = mid
        else:
            far = mid
        if far / near < 1.0 + 1e-12:
            break
    return math.sqrt(near * far), lift, heights[anchor_name], pixel


def framing_error(
    camera: Vec3,
    target: Vec3,
    subject: Vec3,
    height_m: float,
    size: ShotSize,
    focal_mm: float,
    sensor_mm: tuple[float, float],
    resolution: tuple[int, int],
    seated: bool = False,
) -> float:
    """|on-screen span height − target| / target, for the size's span of the subject.

    The on-screen height is the vertical pixel distance between the projected top and
    bottom landmarks; the target is the size's fraction of the image height. A subject
    behind the camera has an infinite error.
    """
    top_name, bottom_name, fraction = SIZE_SPAN[size]
    heights = landmarks(height_m, seated)
    feet = np.asarray(subject, dtype=float)
    up = np.array([0.0, 1.0, 0.0])
    eye = np.asarray(camera, dtype=float)
    forward = np.asarray(target, dtype=float) - eye
    fx, fy, cx, cy = intrinsics(focal_mm, sensor_mm, resolution)
    measured = _span_px(
        eye,
        forward,
        feet + heights[top_name] * up,
        feet + heights[bottom_name] * up,
        fx,
        fy,
        cx,
        cy,
    )
    wanted = fraction * resolution[1]
    return abs(measured - wanted) / wanted


OTS_LISTENER_OFFSET = 0.35
"""Where an over-the-shoulder puts the listener's head: this fraction of the frame's width
off centre (a fifth of the frame in from its edge), so their shoulder frames the speaker."""
OTS_CLEARANCE_M = 0.4
"""How far behind the listener's head the camera must stand for the shot to be over it."""


def over_the_shoulder(
    subject: tuple[float, float],
    facing_deg: float,
    listener: tuple[float, float],
    height_m: float,
    size: ShotSize,
    focal_mm: float,
    sensor_mm: tuple[float, float],
    resolution: tuple[int, int],
    seated: bool = False,
    headroom: float = 0.05,
) -> tuple[float, float] | None:
    """The two `side` angles (for `frame_subject`) of an over-the-shoulder on `subject`
    past `listener`, one behind each of the listener's shoulders; None where the size's
    distance on this lens would not put the camera behind the listener.

    In the plane, with the subject at the origin and the listener at distance D straight
    ahead, a camera at distance R and azimuth θ sees the listener at an angle φ(θ) off the
    subject; the smallest θ with φ(θ) = `OTS_LISTENER_OFFSET` of the horizontal field of
    view keeps the camera most nearly behind the listener's head.
    """
    distance = _framing_distance(
        size, focal_mm, sensor_mm, resolution, height_m, seated, headroom, 0.0
    )[0]
    dx, dz = listener[0] - subject[0], listener[1] - subject[1]
    gap = math.hypot(dx, dz)
    if distance < gap + OTS_CLEARANCE_M:
        return None
    wanted = OTS_LISTENER_OFFSET * 2.0 * math.atan(sensor_mm[0] / (2.0 * focal_mm))
    for step in range(1, 161):
        theta = math.radians(step * 0.5)
        cx, cz = distance * math.sin(theta), distance * math.cos(theta)
        # Angle at the camera between the subject (at the origin) and the listener.
        to_subject, to_listener = (-cx, -cz), (-cx, gap - cz)
        cross = to_subject[0] * to_listener[1] - to_subject[1] * to_listener[0]
        dot = to_subject[0] * to_listener[0] + to_subject[1] * to_listener[1]
        if abs(math.atan2(cross, dot)) >= wanted:
            bearing = math.degrees(math.atan2(dx, dz)) - facing_deg
            offset = math.degrees(theta)
            return bearing + offset, bearing - offset
    return None
