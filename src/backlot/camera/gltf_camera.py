"""A shot's camera as binary glTF, for the web studio's three.js view.

One node carries a perspective camera; one animation moves it with a translation and a
rotation sample per frame, timed in seconds from the shot's first frame. glTF cameras look
down −Z with +Y up, so the OpenCV poses are turned the way the USD export turns them.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from pygltflib import (
    FLOAT,
    GLTF2,
    SCALAR,
    VEC3,
    VEC4,
    Accessor,
    Animation,
    AnimationChannel,
    AnimationChannelTarget,
    AnimationSampler,
    Asset,
    Buffer,
    BufferView,
    Camera,
    Node,
    Perspective,
    Scene,
)

from backlot.camera.formats import camera_frames
from backlot.camera.framing import intrinsics
from backlot.camera.models import Shot
from backlot.fileio import atomic_write

ZNEAR_M = 0.1
"""Near plane, metres; glTF's far plane is left out, which means an infinite one."""
# OpenCV cameras look down +Z with +Y down; glTF's down −Z with +Y up (see usd_camera).
_OPENCV_TO_GLTF = np.diag([1.0, -1.0, -1.0])


def _quaternion(rotation: np.ndarray) -> np.ndarray:
    """The unit quaternion (x, y, z, w), as glTF orders it, of a 3×3 rotation matrix.

    Each entry of the symmetric matrix 4·q·qᵀ is a sum of the rotation's entries; its row
    with the largest diagonal is divided by that diagonal's root, so the division is never
    by a value near zero."""
    m, t = rotation, np.trace(rotation)
    four_qq = np.array(
        [
            [1 + 2 * m[0, 0] - t, m[0, 1] + m[1, 0], m[0, 2] + m[2, 0], m[2, 1] - m[1, 2]],
            [m[0, 1] + m[1, 0], 1 + 2 * m[1, 1] - t, m[1, 2] + m[2, 1], m[0, 2] - m[2, 0]],
            [m[0, 2] + m[2, 0], m[1, 2] + m[2, 1], 1 + 2 * m[2, 2] - t, m[1, 0] - m[0, 1]],
            [m[2, 1] - m[1, 2], m[0, 2] - m[2, 0], m[1, 0] - m[0, 1], 1 + t],
        ]
    )
    k = int(np.argmax(np.diag(four_qq)))
    quaternion = four_qq[k] / (2.0 * math.sqrt(four_qq[k, k]))
    return quaternion / np.linalg.norm(quaternion)


def _add(gltf: GLTF2, blob: bytearray, data: np.ndarray, kind: str) -> int:
    """Append float32 `data` to the buffer as its own view and return its accessor's
    index; min and max are given, which glTF requires of an animation sampler's input."""
    data = np.ascontiguousarray(data, dtype=np.float32)
    gltf.bufferViews.append(BufferView(buffer=0, byteOffset=len(blob), byteLength=data.nbytes))
    blob.extend(data.tobytes())
    rows = data.reshape(len(data), -1)
    gltf.accessors.append(
        Accessor(
            bufferView=len(gltf.bufferViews) - 1,
            componentType=FLOAT,
            count=len(data),
            type=kind,
            min=rows.min(axis=0).tolist(),
            max=rows.max(axis=0).tolist(),
        )
    )
    return len(gltf.accessors) - 1


def write_camera_gltf(
    shot: Shot,
    fps: float,
    sensor_mm: tuple[float, float],
    resolution: tuple[int, int],
    path: Path,
) -> None:
    """Write `shot`'s camera to `path` as a GLB: a node `Shot_<id>` with a perspective
    camera and an animation sampled at every frame of the shot.

    The field of view is the first frame's, for the image region a `resolution` frame
    takes from the sensor (as in the RealEstate10K intrinsics); glTF cannot animate a lens.
    """
    frames = camera_frames(shot)
    width, height = resolution
    _, fy, _, _ = intrinsics(frames[0][2], sensor_mm, resolution)
    times = np.array([(frame - shot.start_frame) / fps for frame, _, _ in frames])
    translations = np.array([pose[:3, 3] for _, pose, _ in frames])
    rotations = [_quaternion(pose[:3, :3] @ _OPENCV_TO_GLTF) for _, pose, _ in frames]
    # q and −q are one rotation; keeping neighbours in the same hemisphere stops the
    # player's interpolation from swinging the long way round between them.
    for i in range(1, len(rotations)):
        if np.dot(rotations[i], rotations[i - 1]) < 0:
            rotations[i] = -rotations[i]

    name = f"Shot_{shot.id}"
    gltf = GLTF2(
        asset=Asset(generator="backlot"),
        scene=0,
        scenes=[Scene(name=name, nodes=[0])],
        cameras=[
            Camera(
                name=name,
                type="perspective",
                perspective=Perspective(
                    yfov=2.0 * math.atan(height / (2.0 * fy)),
                    aspectRatio=width / height,
                    znear=ZNEAR_M,
                ),
            )
        ],
        nodes=[
            Node(
                name=name,
                camera=0,
                translation=translations[0].tolist(),
                rotation=rotations[0].tolist(),
            )
        ],
    )
    blob = bytearray()
    times_at = _add(gltf, blob, times, SCALAR)
    samplers = [
        AnimationSampler(input=times_at, output=_add(gltf, blob, values, kind))
        for values, kind in ((translations, VEC3), (np.array(rotations), VEC4))
    ]
    gltf.animations = [
        Animation(
            name=name,
            samplers=samplers,
            channels=[
                AnimationChannel(sampler=i, target=AnimationChannelTarget(node=0, path=field))
                for i, field in enumerate(("translation", "rotation"))
            ],
        )
    ]
    gltf.buffers = [Buffer(byteLength=len(blob))]
    gltf.set_binary_blob(bytes(blob))
    atomic_write(path, b"".join(gltf.save_to_bytes()))
