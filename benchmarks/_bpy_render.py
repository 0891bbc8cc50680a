"""Blender's side of benchmarks/render.py: run by the bpy venv's Python, not Backlot's.

    python _bpy_render.py '{"glb": ..., "cameras": [...], "size": [w, h], "out": ...}'

Imports the scene's GLB, keys one camera per frame from the shots' camera.json files
(OpenCV axes, Y up), renders every frame with Workbench, anti-aliasing off, to PNG, and
prints one line `RESULT {json}` with the frames and the seconds spent.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import bpy
from mathutils import Matrix

# glTF's Y-up world seen in Blender's Z-up one (what the glTF importer does to the scene).
Y_UP_TO_Z_UP = Matrix(((1, 0, 0, 0), (0, 0, -1, 0), (0, 1, 0, 0), (0, 0, 0, 1)))
# OpenCV camera axes (x right, y down, z forward) to Blender's (x right, y up, z backward).
OPENCV_TO_BLENDER = Matrix(((1, 0, 0, 0), (0, -1, 0, 0), (0, 0, -1, 0), (0, 0, 0, 1)))


def main() -> int:
    args = json.loads(sys.argv[1])
    width, height = args["size"]
    out = Path(args["out"])
    start = time.perf_counter()
    bpy.ops.wm.read_factory_settings(use_empty=True)
    bpy.ops.import_scene.gltf(filepath=args["glb"])
    scene = bpy.context.scene
    scene.render.engine = "BLENDER_WORKBENCH"
    scene.display.render_aa = "OFF"
    scene.display.shading.light = "STUDIO"
    scene.display.shading.color_type = "MATERIAL"
    # Backlot culls back faces; so must Blender, or a camera the planner put inside a
    # building sees its inner wall here and the street there.
    scene.display.shading.show_backface_culling = True
    scene.render.resolution_x, scene.render.resolution_y = width, height
    scene.render.resolution_percentage = 100
    scene.render.image_settings.file_format = "PNG"
    scene.render.image_settings.color_mode = "RGB"
    data = bpy.data.cameras.new("camera")
    data.clip_start, data.clip_end = 0.05, 500.0
    camera = bpy.data.objects.new("camera", data)
    scene.collection.objects.link(camera)
    scene.camera = camera
    frame = 0
    for path in args["cameras"]:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
        sensor_w, sensor_h = record["sensor_mm"]
        # Backlot's intrinsics: the largest centred region of the sensor with the image's
        # aspect, square pixels; Blender gets that region's width as its sensor.
        data.sensor_fit = "HORIZONTAL"
        data.sensor_width = min(sensor_w / width, sensor_h / height) * width
        for key in record["frames"]:
            frame += 1
            camera.matrix_world = Y_UP_TO_Z_UP @ Matrix(key["camera_to_world"]) @ OPENCV_TO_BLENDER
            camera.keyframe_insert("location", frame=frame)
            camera.keyframe_insert("rotation_euler", frame=frame)
            data.lens = key["focal_mm"]
            data.keyframe_insert("lens", frame=frame)
    scene.frame_start, scene.frame_end = 1, frame
    setup_s = time.perf_counter() - start
    # Warm-up: the first render compiles Workbench's shaders; timed apart, like Backlot's.
    start = time.perf_counter()
    scene.frame_set(1)
    scene.render.filepath = str(out / "warmup.png")
    bpy.ops.render.render(write_still=True)
    warmup_s = time.perf_counter() - start
    scene.render.filepath = str(out / "f_####")
    start = time.perf_counter()
    bpy.ops.render.render(animation=True)
    render_s = time.perf_counter() - start
    result = {
        "version": bpy.app.version_string,
        "frames": frame,
        "setup_s": setup_s,
        "warmup_s": warmup_s,
        "render_s": render_s,
    }
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
