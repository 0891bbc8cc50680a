"""Occlusion: is a subject's head hidden from the camera by the set?

Every solid of the set (its parts and the placed items) is an oriented box about Y; the
sight line from the lens to the subject's eyes is tested against each box with the slab
method (Kay & Kajiya, "Ray Tracing Complex Scenes", SIGGRAPH 1986), in the box's own axes.
Cylinders and spheres are tested as their bounding boxes, which errs on the side of
reporting an occlusion. A box that holds the eyes themselves (a car's cabin, a booth's
back the head rests against) or the lens does not count: the subject is inside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from backlot.camera.models import Vec3
from backlot.world.models import SetAsset

HEAD_VISIBLE_SHARE = 0.95
"""Share of a shot's frames in which the subject's eyes must be in plain sight (issue 6)."""
_EDGE = 1e-6


class Occluders:
    """The solids of one set, as arrays for testing many sight lines at once."""

    def __init__(self, asset: SetAsset) -> None:
        boxes = [(p.position, p.size, p.rotation_y_deg) for p in asset.parts]
        boxes += [(i.position, i.size, i.rotation_y_deg) for i in asset.items]
        centres, halves, angles = [], [], []
        for (x, y, z), (w, h, d), rotation in boxes:
            centres.append((x, y + h / 2.0, z))
            halves.append((w / 2.0, h / 2.0, d / 2.0))
            angles.append(math.radians(rotation))
        self.centres = np.array(centres, dtype=float).reshape(-1, 3)
        self.halves = np.array(halves, dtype=float).reshape(-1, 3)
        self.cos = np.cos(np.array(angles, dtype=float))
        self.sin = np.sin(np.array(angles, dtype=float))

    def _local(self, points: np.ndarray) -> np.ndarray:
        """Points (N, 3) in every box's axes: (N, B, 3)."""
        offset = points[:, None, :] - self.centres[None, :, :]
        x, y, z = offset[..., 0], offset[..., 1], offset[..., 2]
        # The inverse of the box's turn about +Y (which takes +Z towards +X).
        return np.stack([x * self.cos - z * self.sin, y, x * self.sin + z * self.cos], axis=-1)

    def blocked(self, eyes: Sequence[Vec3], cameras: Sequence[Vec3]) -> np.ndarray:
        """Per sight line (camera i to eyes i), whether a solid of the set cuts it."""
        start = np.asarray(cameras, dtype=float).reshape(-1, 3)
        end = np.asarray(eyes, dtype=float).reshape(-1, 3)
        if not len(self.centres) or not len(start):
            return np.zeros(len(start), dtype=bool)
        a, b = self._local(start), self._local(end)
        inside_a = np.all(np.abs(a) < self.halves, axis=-1)
        inside_b = np.all(np.abs(b) < self.halves, axis=-1)
        direction = b - a
        safe = np.where(np.abs(direction) < _EDGE, _EDGE, direction)
        t0 = (-self.halves - a) / safe
        t1 = (self.halves - a) / safe
        near = np.minimum(t0, t1)
        far = np.maximum(t0, t1)
        # An axis the line runs parallel to: inside that slab for all t, or never.
        parallel = np.abs(direction) < _EDGE
        within = np.abs(a) < self.halves
        near = np.where(parallel, np.where(within, -np.inf, np.inf), near)
        far = np.where(parallel, np.where(within, np.inf, -np.inf), far)
        enter = np.max(near, axis=-1)
        leave = np.min(far, axis=-1)
        hit = (enter < leave) & (leave > 0.0) & (enter < 1.0)
        return np.any(hit & ~inside_a & ~inside_b, axis=-1)


def visible_share(occluders: Occluders, eyes: Sequence[Vec3], cameras: Sequence[Vec3]) -> float:
    """Share of the sight lines (one per sampled frame) that reach the eyes unobstructed."""
    if not len(eyes):
        return 1.0
    return 1.0 - float(np.mean(occluders.blocked(eyes, cameras)))
