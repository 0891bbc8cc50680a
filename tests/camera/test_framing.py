"""Framing math: every size frames its span within 5 % (the issue's acceptance test)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from backlot.camera.framing import (
    HEADROOM_SIZES,
    SIZE_SPAN,
    frame_subject,
    framing_error,
    intrinsics,
    landmark_points,
    landmarks,
    look_at,
    project,
    vertical_fov,
    world_to_camera,
)
from backlot.camera.models import LANDMARKS, CameraConfig, ShotSize

SENSOR = CameraConfig().sensor_mm
RESOLUTION = (1920, 1080)
SUBJECT = (1.5, 0.0, -2.0)
CASES = list(itertools.product(ShotSize, (18.0, 35.0, 50.0, 85.0), (1.55, 1.8), (0.0, 30.0, -45.0)))


def _shoot(size: ShotSize, focal: float, height: float, side: float, **kwargs: float):
    facing = 40.0
    camera, target = frame_subject(
        SUBJECT, facing, height, size, focal, SENSOR, RESOLUTION, side=side, **kwargs
    )
    fx, fy, cx, cy = intrinsics(focal, SENSOR, RESOLUTION)
    pixels, depth = project(
        landmark_points(SUBJECT, height), look_at(camera, target), fx, fy, cx, cy
    )
    return camera, target, dict(zip(LANDMARKS, pixels, strict=True)), depth


def test_landmarks_are_ordered_fractions_of_height() -> None:
    marks = landmarks(1.8)
    assert list(marks) == list(LANDMARKS)
    assert marks["head_top"] == pytest.approx(1.8)
    assert marks["eyes"] == pytest.approx(0.936 * 1.8)
    assert marks["feet"] == 0.0
    heights = list(marks.values())
    assert heights == sorted(heights, reverse=True)


def test_every_size_has_a_span_of_known_landmarks() -> None:
    assert set(SIZE_SPAN) == set(ShotSize)
    for top, bottom, fraction in SIZE_SPAN.values():
        assert LANDMARKS.index(top) < LANDMARKS.index(bottom)
        assert 0 < fraction < 1


@pytest.mark.parametrize(("size", "focal", "height", "side"), CASES)
def test_frame_subject_fills_the_span(
    size: ShotSize, focal: float, height: float, side: float
) -> None:
    camera, target, px, depth = _shoot(size, focal, height, side)
    error = framing_error(camera, target, SUBJECT, height, size, focal, SENSOR, RESOLUTION)
    assert error <= 0.05
    assert np.all(depth > 0)
    top, bottom, _ = SIZE_SPAN[size]
    width, image_h = RESOLUTION
    for name in (top, bottom):
        assert 0 <= px[name][0] <= width
        assert 0 <= px[name][1] <= image_h
    if size in HEADROOM_SIZES:
        assert px["head_top"][1] == pytest.approx(0.05 * image_h, abs=0.01 * image_h)
    elif size is not ShotSize.ECU:
        assert px["head_top"][1] > 0


@pytest.mark.parametrize("size", list(ShotSize))
def test_longer_lens_stands_farther_back(size: ShotSize) -> None:
    distances = []
    for focal in (18.0, 35.0, 50.0, 85.0):
        camera, _, _, _ = _shoot(size, focal, 1.7, 0.0)
        distances.append(math.dist((camera[0], camera[2]), (SUBJECT[0], SUBJECT[2])))
    assert distances == sorted(distances)
    assert distances[-1] / distances[0] == pytest.approx(85 / 18, rel=0.1)


def test_wider_size_stands_farther_back() -> None:
    order = [
        ShotSize.ECU,
        ShotSize.CU,
        ShotSize.MCU,
        ShotSize.MS,
        ShotSize.MLS,
        ShotSize.FS,
        ShotSize.WS,
        ShotSize.EWS,
    ]
    distances = [math.dist(_shoot(size, 50.0, 1.7, 0.0)[0], SUBJECT) for size in order]
    assert distances == sorted(distances)


def test_side_goes_round_to_the_subjects_left() -> None:
    # Facing +Z the subject's left is +X (east).
    camera, _ = frame_subject((0, 0, 0), 0.0, 1.7, ShotSize.MS, 50.0, SENSOR, RESOLUTION, side=90)
    assert camera[0] > 1.0
    assert abs(camera[2]) < 1e-6
    camera, _ = frame_subject((0, 0, 0), 0.0, 1.7, ShotSize.MS, 50.0, SENSOR, RESOLUTION)
    assert camera[2] > 1.0
    assert abs(camera[0]) < 1e-6


def test_look_room_opens_the_side_the_subject_faces() -> None:
    # At side +30 the subject looks past the camera's left: it sits right of centre.
    _, _, px, _ = _shoot(ShotSize.MCU, 50.0, 1.7, 30.0, look_room=1 / 6)
    assert px["head_top"][0] == pytest.approx(960 + 1920 / 6, abs=1.0)
    _, _, px, _ = _shoot(ShotSize.MCU, 50.0, 1.7, -30.0, look_room=1 / 6)
    assert px["head_top"][0] == pytest.approx(960 - 1920 / 6, abs=1.0)
    # Straight on there is no side to look to.
    _, _, px, _ = _shoot(ShotSize.MCU, 50.0, 1.7, 0.0, look_room=1 / 6)
    assert px["head_top"][0] == pytest.approx(960, abs=1.0)


def test_headroom_follows_the_request() -> None:
    _, _, px, _ = _shoot(ShotSize.MS, 35.0, 1.7, 0.0, headroom=0.1)
    assert px["head_top"][1] == pytest.approx(108, abs=1.0)
    with pytest.raises(ValueError, match="headroom"):
        _shoot(ShotSize.MS, 35.0, 1.7, 0.0, headroom=0.3)


def test_intrinsics_match_the_sensor() -> None:
    fx, fy, cx, cy = intrinsics(50.0, SENSOR, RESOLUTION)
    assert fx == pytest.approx(50.0 / SENSOR[0] * 1920)
    assert fy == fx
    assert (cx, cy) == (960.0, 540.0)
    # A frame taller than the sensor's aspect uses the sensor's full height.
    fx, fy, _, _ = intrinsics(50.0, SENSOR, (1000, 1000))
    assert fy == pytest.approx(50.0 / SENSOR[1] * 1000)


def test_vertical_fov() -> None:
    assert vertical_fov(50.0, 18.66) == pytest.approx(2 * math.atan(18.66 / 100))
    assert vertical_fov(85.0, 18.66) < vertical_fov(18.0, 18.66)


def test_look_at_is_orthonormal_and_centres_the_target() -> None:
    position, target = (1.0, 1.6, 3.0), (-2.0, 0.5, -4.0)
    pose = look_at(position, target)
    rotation = pose[:3, :3]
    assert rotation.T @ rotation == pytest.approx(np.eye(3))
    assert np.linalg.det(rotation) == pytest.approx(1.0)
    assert rotation[1, 0] == pytest.approx(0.0)  # no roll: x stays horizontal
    assert rotation[1, 1] < 0  # y points down
    pixels, depth = project(np.array([target]), pose, 1000.0, 1000.0, 960.0, 540.0)
    assert pixels[0] == pytest.approx((960.0, 540.0))
    assert depth[0] == pytest.approx(math.dist(position, target))
    extrinsic = world_to_camera(pose)
    assert extrinsic.shape == (3, 4)
    assert extrinsic @ np.append(target, 1.0) == pytest.approx((0, 0, depth[0]))


def test_project_straight_ahead_lands_on_the_centre() -> None:
    pose = look_at((0.0, 1.5, 0.0), (0.0, 1.5, -1.0))  # looking north
    pixels, depth = project(
        np.array([[0.0, 1.5, -7.0], [1.0, 1.5, -2.0]]), pose, 800, 800, 640, 360
    )
    assert pixels[0] == pytest.approx((640.0, 360.0))
    assert depth == pytest.approx((7.0, 2.0))
    assert pixels[1][0] > 640  # east is to the right looking north


def test_look_at_refuses_degenerate_aims() -> None:
    with pytest.raises(ValueError):
        look_at((0, 0, 0), (0, 0, 0))
    with pytest.raises(ValueError):
        look_at((0, 0, 0), (0, 5, 0))
