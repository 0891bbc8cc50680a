"""Binary glTF exports of sets and scenes, for the web studio's three.js view.

GLB is an export derived from the world, not a source of truth: one node per part under
a root node, one material per colour, everything in one binary buffer. The same parts
give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pygltflib import (
    ARRAY_BUFFER,
    ELEMENT_ARRAY_BUFFER,
    FLOAT,
    GLTF2,
    SCALAR,
    UNSIGNED_INT,
    VEC3,
    Accessor,
    Asset,
    Attributes,
    Buffer,
    BufferView,
    Material,
    Mesh,
    Node,
    PbrMetallicRoughness,
    Primitive,
    Scene,
)

from backlot.fileio import atomic_write
from backlot.world.meshes import linear_rgb, part_mesh
from backlot.world.models import Part

ROUGHNESS = 0.9
"""Grey boxes are matte: painted plaster and wood, not varnish."""


def _accessor(
    gltf: GLTF2, blob: bytearray, data: np.ndarray, kind: str, component: int, target: int
) -> int:
    """Append `data` (float32 or uint32, so every view stays 4-byte aligned) to the buffer
    as its own view, and return the index of an accessor to it; vertex attributes carry
    the min/max the glTF spec requires of POSITION."""
    gltf.bufferViews.append(
        BufferView(buffer=0, byteOffset=len(blob), byteLength=data.nbytes, target=target)
    )
    blob.extend(data.tobytes())
    bounds = {}
    if kind == VEC3:
        bounds = {"min": data.min(axis=0).tolist(), "max": data.max(axis=0).tolist()}
    gltf.accessors.append(
        Accessor(
            bufferView=len(gltf.bufferViews) - 1,
            componentType=component,
            count=len(data),
            type=kind,
            **bounds,
        )
    )
    return len(gltf.accessors) - 1


def write_glb(parts: list[Part], path: Path, name: str) -> None:
    """Write `parts` (in set space) as a GLB: a root node `name` whose children are one
    node and mesh per part, named after it, with its semantic label in `extras`."""
    gltf = GLTF2(
        asset=Asset(generator="backlot"),
        scene=0,
        scenes=[Scene(name=name, nodes=[0])],
        nodes=[Node(name=name, children=list(range(1, len(parts) + 1)))],
    )
    blob = bytearray()
    materials: dict[str, int] = {}
    for part in parts:
        mesh = part_mesh(part)
        attributes = Attributes(
            POSITION=_accessor(gltf, blob, mesh.points, VEC3, FLOAT, ARRAY_BUFFER),
            NORMAL=_accessor(gltf, blob, mesh.normals, VEC3, FLOAT, ARRAY_BUFFER),
        )
        indices = mesh.indices.ravel()
        primitive = Primitive(
            attributes=attributes,
            indices=_accessor(gltf, blob, indices, SCALAR, UNSIGNED_INT, ELEMENT_ARRAY_BUFFER),
            material=materials.setdefault(part.colour.lower(), len(materials)),
        )
        gltf.meshes.append(Mesh(name=part.name, primitives=[primitive]))
        gltf.nodes.append(
            Node(name=part.name, mesh=len(gltf.meshes) - 1, extras={"label": part.label})
        )
    gltf.materials = [
        Material(
            name=colour,
            pbrMetallicRoughness=PbrMetallicRoughness(
                baseColorFactor=[*linear_rgb(colour), 1.0],
                metallicFactor=0.0,
                roughnessFactor=ROUGHNESS,
            ),
        )
        for colour in materials
    ]
    gltf.buffers = [Buffer(byteLength=len(blob))]
    gltf.set_binary_blob(bytes(blob))
    atomic_write(path, b"".join(gltf.save_to_bytes()))
