"""Previz rendering speed: Backlot's renderer against Blender's Workbench, same scene.

Builds a corpus script up to its shots (screenplay, breakdown, world, scratch dialogue,
shots) in a temporary film folder, picks an exterior dialogue scene of 10–30 s, and renders
its shots with every pass written (beauty, depth, inverse depth, normal, instance, pose and
the H.264 take) at 640×360 and 1280×720: in this process (one core's worth) and in two
worker processes. Blender (the `bpy` package, Workbench, anti-aliasing off, PNG frames)
renders the same cameras on the scene's GLB in the same run; its mannequins stand still,
which favours Blender. Frames where camera and cast hold still reuse the last frame's
picture and packets; the table also gives the share of such frames and the speed with every
frame drawn and encoded anew. Then the whole feature's animatic at 640×360 with two processes:
rendered whole when that takes under ~10 min, else its first minutes and extrapolated.
Goals (printed, not asserted): ≥ 48 fps at 640×360, ≥ 24 fps at 1280×720, ≥ 5× Blender.

    .venv/bin/python benchmarks/render.py [--quick] [--script big_fish.fountain] [--scene N]

Blender runs from its own venv (benchmarks/.venv-bpy, made with uv on first use: bpy 4.2
is the last release for Python 3.11 and wants numpy 1.x). The corpus is found at
$BACKLOT_SHARED or ../shared next to the repository root.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from PIL import Image
from rich.console import Console
from rich.table import Table

from backlot.project import Project
from backlot.render import take
from backlot.render.executor import LocalExecutor
from backlot.render.stage import render_film, shot_jobs
from backlot.render.take import ShotJob, render_take
from backlot.stage import Runtime

REPO_ROOT = Path(__file__).resolve().parent.parent
BPY_VENV = REPO_ROOT / "benchmarks" / ".venv-bpy"
BPY_REQUIREMENTS = ("bpy>=4.2,<4.3", "numpy<2")
GOAL_FPS = {(640, 360): 48.0, (1280, 720): 24.0}
GOAL_RATIO = 5.0
FEATURE_LIMIT_S = 600.0
COLUMNS = (
    "scene|size|frames|shots|Backlot\nwarm-up|Backlot fps\n1 proc|Backlot fps\n2 proc|"
    "Blender\nfps|×Blender\n1 proc|×Blender\n2 proc|still\nframes|every frame\ndrawn fps|"
    "×Blender\nevery frame|fps goal\n(2 proc)|ratio goal\n(1 proc)|"
    "Blender\nwarm-up"
)


def bpy_python() -> Path:
    """The Python of the Blender venv, made once with uv."""
    python = BPY_VENV / "bin" / "python"
    if not python.exists():
        print(f"making {BPY_VENV} (bpy, once)…", file=sys.stderr)
        base = Path(sys.base_prefix) / "bin" / "python3.11"
        subprocess.run(["uv", "venv", "--python", str(base), str(BPY_VENV)], check=True)
        install = ["uv", "pip", "install", "--python", str(python), *BPY_REQUIREMENTS]
        subprocess.run(install, check=True)
    return python


def pick_scene(p: Project, target_s: float, wanted: str | None) -> str:
    """The exterior dialogue scene with two or more characters nearest `target_s` long."""
    screenplay, world, dialogue, plan = (
        p.load_output(n) for n in ("screenplay", "world", "dialogue", "shots")
    )
    if wanted:
        return wanted
    exterior = {s.number for s in screenplay.scenes if (s.int_ext or "").startswith("EXT")}
    cast = {s.number: len(s.cast) for s in world.scenes}
    spoken = {line.scene for line in dialogue.lines}
    fitting = [
        (abs(t.frames / plan.fps - target_s), t.scene)
        for t in plan.scenes
        if t.scene in exterior
        and t.scene in spoken
        and cast.get(t.scene, 0) >= 2
        and 0.5 * target_s <= t.frames / plan.fps <= 1.5 * target_s
    ]
    if not fitting:
        raise SystemExit(f"no exterior dialogue scene of about {target_s:g} s; use --scene")
    return min(fitting)[1]


def jobs_at(p: Project, size: tuple[int, int]) -> list[ShotJob]:
    p.override({"render": {"size": list(size), "burn_in": True}})
    inputs = (p.load_output(n) for n in ("world", "dialogue", "shots"))
    return shot_jobs(*inputs, p.config, p.build_dir)


def warm_up(job: ShotJob, sample_rate: int, folder: Path) -> float:
    """One frame of the shot elsewhere: the EGL context, shaders and encoders, timed apart."""
    shot = job.shot.model_copy(update={"frames": 1})
    one = job.model_copy(update={"shot": shot, "speech": [], "build_dir": str(folder)})
    start = time.perf_counter()
    render_take(one, sample_rate)
    return time.perf_counter() - start


def backlot_fps(jobs: list[ShotJob], sample_rate: int, workers: int) -> float:
    frames = sum(job.shot.frames for job in jobs)
    start = time.perf_counter()
    if workers == 1:
        drawn = sum(render_take(job, sample_rate) for job in jobs)
    else:
        drawn = sum(LocalExecutor(workers).map(partial(render_take, sample_rate=sample_rate), jobs))
    assert drawn == frames, (drawn, frames)
    return frames / (time.perf_counter() - start)


def redrawn_fps(jobs: list[ShotJob], sample_rate: int) -> tuple[float, float]:
    """One process with every frame drawn and encoded anew (no still frame reuses the last
    one's picture and packets), and the share of frames that normally reuse them."""
    still = 0
    same_view = take._same_view

    def never_same(view: tuple, drawn: tuple) -> bool:
        nonlocal still
        still += same_view(view, drawn)
        return False

    take._same_view = never_same
    try:
        fps = backlot_fps(jobs, sample_rate, 1)
    finally:
        take._same_view = same_view
    return fps, still / sum(job.shot.frames for job in jobs)


def blender(p: Project, jobs: list[ShotJob], size: tuple[int, int], out: Path) -> dict:
    """Blender's Workbench on the scene's GLB through the same cameras."""
    world = p.load_output("world")
    setup = next(s for s in world.scenes if s.number == jobs[0].shot.scene)
    out.mkdir(parents=True, exist_ok=True)
    args = {
        "glb": str(p.build_dir / setup.glb),
        "cameras": [str(job.folder / "camera.json") for job in jobs],
        "size": list(size),
        "out": str(out),
    }
    script = Path(__file__).with_name("_bpy_render.py")
    run = subprocess.run(
        [str(bpy_python()), str(script), json.dumps(args)], capture_output=True, text=True
    )
    result = next((ln for ln in run.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if run.returncode or result is None:
        raise SystemExit(f"Blender failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    return json.loads(result.removeprefix("RESULT "))


def compare(job: ShotJob, frames: Path, path: Path) -> None:
    """Backlot's thumbnail (middle frame of the scene's first shot) beside Blender's."""
    ours = Image.open(job.folder / "thumbnail.jpg").convert("RGB")
    theirs = Image.open(frames / f"f_{job.shot.frames // 2 + 1:04d}.png").convert("RGB")
    theirs = theirs.resize(ours.size)
    both = Image.new("RGB", (ours.width * 2 + 8, ours.height), "white")
    both.paste(ours, (0, 0))
    both.paste(theirs, (ours.width + 8, 0))
    both.save(path)


def feature(p: Project, quick: bool, fps_guess: float) -> tuple[str, str]:
    """The whole film's animatic at 640×360 with two processes, or its first minutes."""
    jobs = jobs_at(p, (640, 360))
    plan = p.load_output("shots")
    total = sum(job.shot.frames for job in jobs)
    for stamp in (p.build_dir / "shots").glob("*/take.json"):
        stamp.unlink()  # the scene runs' takes would count as done
    budget = 30 * plan.fps if quick else fps_guess * FEATURE_LIMIT_S / 2
    whole = not quick and total / fps_guess <= FEATURE_LIMIT_S
    only, frames = set(), 0
    for job in jobs:
        if not whole and frames >= budget:
            break
        only.add(job.shot.id)
        frames += job.shot.frames
    inputs = [p.load_output(n) for n in ("screenplay", "world", "dialogue")]
    start = time.perf_counter()
    render_film(*inputs, plan, p.config, p.build_dir, Runtime(jobs=2), only=only)
    seconds = time.perf_counter() - start
    film = f"{total / plan.fps / 60:.1f} min of film, {len(jobs)} shots, {total} frames"
    if whole or frames == total:
        return film, f"rendered whole: {seconds:.0f} s ({total / seconds:.1f} fps)"
    estimate = seconds * total / frames
    return film, (
        f"EXTRAPOLATED from the first {frames / plan.fps / 60:.1f} min ({len(only)} shots, "
        f"{frames} frames, {seconds:.0f} s, {frames / seconds:.1f} fps): "
        f"~{estimate / 60:.1f} min for the whole animatic"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="640×360 only, a short scene")
    parser.add_argument("--script", default="big_fish.fountain", help="corpus script")
    parser.add_argument("--scene", help="scene number (default: picked, and printed)")
    parser.add_argument("--no-feature", action="store_true", help="skip the whole animatic")
    parser.add_argument("--keep", action="store_true", help="keep the temporary film folder")
    parser.add_argument(
        "--folder", type=Path, help="film folder to use and keep (reruns skip the build)"
    )
    parser.add_argument(
        "--compare",
        type=Path,
        default=Path("/tmp/backlot_vs_blender.png"),
        help="where to save a Backlot frame beside Blender's",
    )
    args = parser.parse_args()
    shared = Path(os.environ.get("BACKLOT_SHARED", REPO_ROOT.parent / "shared"))
    source = shared / "corpus" / "scripts" / args.script
    if not source.is_file():
        print(f"no {source} (set BACKLOT_SHARED)", file=sys.stderr)
        return 2
    bpy_python()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="backlot-render-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    args.keep = args.keep or args.folder is not None
    console = Console(width=240)
    try:
        if not (folder / source.name).is_file():
            shutil.copy(source, folder / source.name)
        p = Project(folder / source.name, folder / "build")
        start = time.perf_counter()
        p.build(until="shots")
        console.print(f"{args.script}: built to the shots in {time.perf_counter() - start:.0f} s")
        number = pick_scene(p, 8.0 if args.quick else 20.0, args.scene)
        sample_rate = p.load_output("dialogue").sample_rate
        sizes = [(640, 360)] if args.quick else [(640, 360), (1280, 720)]
        rows, fps_640, version = [], 0.0, ""
        for size in sizes:
            jobs = [job for job in jobs_at(p, size) if job.shot.scene == number]
            frames = sum(job.shot.frames for job in jobs)
            warm = warm_up(jobs[0], sample_rate, folder / "warmup")
            one = backlot_fps(jobs, sample_rate, 1)
            two = backlot_fps(jobs, sample_rate, 2)
            redrawn, still = redrawn_fps(jobs, sample_rate)
            bl = blender(p, jobs, size, folder / f"blender-{size[0]}")
            bl_fps = bl["frames"] / bl["render_s"]
            if size == (640, 360):
                fps_640 = two
                compare(jobs[0], folder / f"blender-{size[0]}", args.compare)
            goal = GOAL_FPS[size]
            row = [number, f"{size[0]}×{size[1]}", str(frames), str(len(jobs)), f"{warm:.2f} s"]
            row += [f"{one:.1f}", f"{two:.1f}", f"{bl_fps:.1f}"]
            row += [f"{one / bl_fps:.2f}×", f"{two / bl_fps:.2f}×"]
            row += [f"{still:.0%}", f"{redrawn:.1f}", f"{redrawn / bl_fps:.2f}×"]
            row.append(f"≥ {goal:g}: {'yes' if two >= goal else 'no'}")
            row.append(f"≥ {GOAL_RATIO:g}×: {'yes' if one / bl_fps >= GOAL_RATIO else 'no'}")
            rows.append([*row, f"{bl['warmup_s']:.2f} s"])
            version = bl["version"]
        heading = next(s.heading for s in p.load_output("screenplay").scenes if s.number == number)
        table = Table(title=f"Previz rendering, scene {number} of {args.script}: {heading}")
        for column in COLUMNS.split("|"):
            table.add_column(column, justify="left" if column == "scene" else "right")
        for row in rows:
            table.add_row(*row)
        console.print(table)
        console.print(
            "Backlot: every pass + H.264 take with burn-ins and dialogue, posed mannequins; "
            "fps = frames ÷ wall time (warm-up = first frame's EGL context, shaders and "
            "encoders, excluded; 2 proc includes starting the workers). Blender "
            f"{version} Workbench, AA off, PNG frames, one process, mannequins static "
            "(not animated: favours Blender), import and first render excluded. "
            "Still frames (camera and cast unchanged) normally reuse the last frame's picture "
            "and pass packets; 'every frame drawn' renders and encodes each anew, 1 proc. "
            f"Frames side by side: {args.compare}"
        )
        if not args.no_feature:
            film, figure = feature(p, args.quick, fps_640)
            console.print(f"Whole animatic at 640×360, 2 processes ({film}): {figure}")
    finally:
        if args.keep:
            console.print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
