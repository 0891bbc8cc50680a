"""Screenplay + Breakdown + World → the ShotPlan (blocking, coverage, cameras)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from backlot.breakdown.models import Breakdown
from backlot.camera.blocking import block_scene, landmarks_at
from backlot.camera.cameras import (
    SIZES,
    SceneSpace,
    candidates,
    fits,
    framed_point,
    group_in_frame,
    jump_cut,
    pair_of,
    same_subject,
)
from backlot.camera.coverage import ShotSpec, plan_coverage
from backlot.camera.formats import camera_record, realestate10k, shotlist_csv
from backlot.camera.gltf_camera import write_camera_gltf
from backlot.camera.ids import assign_ids
from backlot.camera.models import (
    CameraConfig,
    CameraKey,
    CharacterPath,
    Shot,
    ShotPlan,
    ShotSize,
    ShotType,
    Vec3,
)
from backlot.camera.occlusion import HEAD_VISIBLE_SHARE, Occluders
from backlot.camera.report import scene_plot_svg, shotlist_html
from backlot.camera.rules import (
    check_rules,
    head_visible,
    keeps_side,
    pair_line,
    placed,
    sampled,
    sight_points,
)
from backlot.camera.timing import scene_timing
from backlot.camera.usd_camera import write_shot_camera
from backlot.fileio import atomic_write
from backlot.render.models import ScratchDialogue
from backlot.script.models import Screenplay
from backlot.stage import Stage
from backlot.world.models import World

if TYPE_CHECKING:
    from backlot.config import ProjectConfig

__all__ = ["STAGE", "ShotPlan", "plan_shots"]

FRAMED_TOGETHER = frozenset(
    {ShotType.TWO_SHOT, ShotType.MASTER, ShotType.ESTABLISHING, ShotType.OTS}
)
"""Shots in which every subject must be in frame."""


def plan_shots(
    screenplay: Screenplay,
    breakdown: Breakdown,
    world: World,
    config: ProjectConfig,
    previous: ShotPlan | None = None,
    dialogue: ScratchDialogue | None = None,
) -> ShotPlan:
    """Time, block, cover and place cameras for every scene; ids carry over from
    `previous`, the plan of the script's last revision. Speeches last as long as the
    scratch `dialogue` says them, else as the speaking rate estimates."""
    settings: CameraConfig = config.camera
    fps, resolution = config.fps, config.resolution
    sets = {s.id: s for s in world.sets}
    characters = {c.id: c for c in world.characters}
    heights = {c.id: c.look.height_m for c in world.characters}
    cast_ids = {c.name: c.id for c in world.characters}
    rows = {row.number: row for row in breakdown.scenes}
    setups = {s.number: s for s in world.scenes}
    spoken: dict[str, dict[int, float]] = {}
    for line in dialogue.lines if dialogue else []:
        spoken.setdefault(line.scene, {})[line.element] = line.duration_s
    occluders = {s.id: Occluders(s) for s in world.sets}
    seen_sets: set[str] = set()
    timings, blocking, shots = [], {}, []
    first_lines: list[str] = []
    for scene in screenplay.scenes:
        setup, row = setups[scene.number], rows[scene.number]
        asset = sets[setup.set]
        timing = scene_timing(scene, fps, settings, spoken.get(scene.number))
        paths = [
            path.model_copy(update={"height_m": heights.get(path.character, 1.7)})
            for path in block_scene(
                setup, asset, [characters[c] for c in setup.cast], row, timing, scene, fps
            )
        ]
        by_character = {p.character: p for p in paths}
        items = frozenset(i.name for i in asset.items if scene.number in i.scenes)
        specs = plan_coverage(
            scene.number, row, setup, setup.set not in seen_sets, timing, scene, cast_ids, items
        )
        seen_sets.add(setup.set)
        space = SceneSpace(asset, by_character, heights, settings, resolution)
        # The 180° rule holds each cut to the side of the pair's line the last shot of the
        # pair ended on; the first shot of a pair chooses the side.
        pair: tuple[str, str] | None = None
        held: Shot | None = None
        last: Shot | None = None
        for spec in specs:
            shot_pair = pair_of(spec.subjects, by_character)
            if shot_pair is not None and shot_pair != pair:
                pair, held = shot_pair, None
            holds = pair is not None and bool(spec.subjects) and spec.subjects[0] in pair
            side = None
            if holds and held is not None and pair is not None:
                line = pair_line(by_character, pair, spec.start_frame)
                side = (line, held.keys[-1]) if line is not None else None
            lens = settings.lenses_mm.get(spec.type.value, 35.0)
            size, keys, visible, compromise = _choose(
                spec, space, occluders[asset.id], lens, side, last
            )
            shot = Shot(
                id="",
                scene=scene.number,
                type=spec.type,
                size=size,
                move=spec.move,
                lens_mm=keys[0].focal_mm if keys else lens,  # a shorter lens if it had to fit
                subjects=spec.subjects,
                prop=spec.prop,
                start_frame=spec.start_frame,
                frames=spec.frames,
                description=spec.description,
                elements=spec.elements,
                keys=keys,
                reason=f"{spec.reason}; {compromise}" if compromise else spec.reason,
                head_visible=round(visible, 4),
            )
            shots.append(shot)
            first_lines.append(scene.elements[spec.elements[0]].text if spec.elements else "")
            last = shot
            if holds:
                held = shot
        timings.append(timing)
        blocking[scene.number] = paths
    named, retired = assign_ids(list(zip(shots, first_lines, strict=True)), previous)
    named = [s.model_copy(update={"camera_file": f"shots/{s.id}/camera.txt"}) for s in named]
    return ShotPlan(
        fps=fps,
        resolution=resolution,
        scenes=timings,
        blocking=blocking,
        shots=named,
        first_lines={s.id: line for s, line in zip(named, first_lines, strict=True)},
        retired=retired,
    )


def _choose(
    spec: ShotSpec,
    space: SceneSpace,
    occluders: Occluders,
    lens: float,
    side: tuple[tuple[Vec3, Vec3], CameraKey] | None,
    last: Shot | None,
) -> tuple[ShotSize, list[CameraKey], float, str]:
    """The shot's size and camera: the first candidate that keeps every rule, else the one
    that keeps the most (in the rules' order of weight: 180°, 30°, everyone in frame, on
    the set, eyes seen, then the size's distance); with the share of frames its subjects'
    eyes are seen, and what the framing gave up for the rules."""
    index = SIZES.index(spec.size)
    # Who must be seen: a group, or an OTS's listener; a reaction's second subject is only
    # who the reaction is to.
    framed = spec.subjects if spec.type in FRAMED_TOGETHER else spec.subjects[:1]
    sizes = [spec.size]
    if len(framed) > 1:
        # A group shot is as wide as it must be for everyone in it to be seen.
        sizes += SIZES[index - 1 : SIZES.index(ShotSize.WS) : -1] if index > 1 else []
    # Too like the last cut on the same subject: two sizes tighter, else two wider.
    sizes += [SIZES[min(len(SIZES) - 1, index + 2)], SIZES[max(0, index - 2)]]
    tries = [(size, framed, "") for size in dict.fromkeys(sizes)]
    if spec.type is ShotType.OTS:
        # A room too small to stand behind the listener: a clean single, as a DP would.
        tries.append((spec.size, framed[:1], "clean single: no room behind the listener"))
    frames = sampled(spec.start_frame, spec.frames)
    item = placed(space.asset, spec.prop)
    eyes = sight_points(
        spec.type, spec.subjects, item, frames, space.paths, space.heights, space.asset
    )
    seed = f"{last.scene if last else ''}:{spec.start_frame}:{','.join(spec.subjects)}"
    best: tuple[tuple, ShotSize, list[CameraKey], str] | None = None
    for size, framed, given_up in tries:
        ruled_out: set[float] = set()
        for angle, keys, compromise, sized in candidates(
            spec.type,
            size,
            spec.move,
            spec.subjects,
            (spec.start_frame, spec.frames),
            space,
            lens,
            seed,
            item,
        ):
            if angle in ruled_out:
                continue
            checks = (
                side is None or keeps_side(side[0], side[1], keys[0]),
                last is None or not _jump_cut(last, spec, size, keys, space.paths),
                len(framed) < 2
                or group_in_frame(
                    keys[0],
                    framed,
                    space.paths,
                    space.heights,
                    space.config.sensor_mm,
                    space.resolution,
                ),
                fits(keys, space),
            )
            compromise = "; ".join(filter(None, (given_up, compromise)))
            # The ray casts only where the other rules hold: the dearest test goes last.
            visible = head_visible(keys, frames, eyes, occluders) if all(checks) else 0.0
            seen_enough = visible >= HEAD_VISIBLE_SHARE
            if seen_enough and sized:
                return size, keys, visible, compromise
            # A rule outweighs the size: a camera pulled in that sees the eyes beats one
            # at the size's distance that does not.
            score = (*checks, seen_enough, sized, visible)
            if best is None or score > best[0]:
                best = (score, size, keys, compromise)
            if not checks[0] or not checks[2]:
                # Another lens at an angle that crosses the line crosses it too; one that
                # leaves someone out of the group leaves them out too.
                ruled_out.add(angle)
    assert best is not None  # every size yields at least one candidate
    _, size, keys, compromise = best
    return size, keys, head_visible(keys, frames, eyes, occluders), compromise


def _jump_cut(
    previous: Shot,
    spec: ShotSpec,
    size: ShotSize,
    keys: list[CameraKey],
    paths: dict[str, CharacterPath],
) -> bool:
    """Whether this shot would cut on the previous one's subject too alike (30° rule)."""
    subjects = spec.subjects
    if not same_subject(previous.type, previous.subjects, spec.type, subjects):
        return False
    if subjects[0] not in paths or not previous.keys or not keys:
        return False
    point = framed_point(spec.type, subjects, paths, keys[0].frame)
    return jump_cut(previous.keys[-1], keys[0], point, previous.size, size)


def run(
    screenplay: Screenplay,
    breakdown: Breakdown,
    world: World,
    dialogue: ScratchDialogue,
    config: ProjectConfig,
    previous: ShotPlan | None = None,
) -> ShotPlan:
    """The stage."""
    return plan_shots(screenplay, breakdown, world, config, previous, dialogue)


def export(
    plan: ShotPlan,
    build_dir: Path,
    config: ProjectConfig,
    screenplay: Screenplay,
    breakdown: Breakdown,
    world: World,
    dialogue: ScratchDialogue,
) -> list[Path]:
    """shotlist.csv and shotlist.html; rules.json (the rules kept and broken); per shot
    camera.txt (RealEstate10K) and camera.json; per scene blocking.json (per frame, each
    character's landmarks in world metres) and a top-down plot.svg of the set, marks,
    paths and cameras."""
    settings: CameraConfig = config.camera
    files = {
        build_dir / "shotlist.csv": shotlist_csv(plan),
        build_dir / "shotlist.html": shotlist_html(plan),
        build_dir / "rules.json": check_rules(plan, world).model_dump_json(indent=2),
    }
    sets = {s.id: s for s in world.sets}
    for setup in world.scenes:
        plot = scene_plot_svg(sets[setup.set], plan, setup.number)
        files[build_dir / "scenes" / setup.number / "plot.svg"] = plot
    for shot in plan.shots:
        folder = build_dir / "shots" / shot.id
        files[folder / "camera.txt"] = realestate10k(shot, plan.fps, plan.resolution, settings)
        files[folder / "camera.json"] = camera_record(shot, plan.fps, settings)
    for timing in plan.scenes:
        paths = plan.blocking.get(timing.scene, [])
        frames = [
            {
                p.character: {
                    name: [round(v, 3) for v in point]
                    for name, point in landmarks_at(p, frame, p.height_m).items()
                }
                for p in paths
            }
            for frame in range(timing.frames)
        ]
        files[build_dir / "scenes" / timing.scene / "blocking.json"] = json.dumps(
            {"scene": timing.scene, "fps": plan.fps, "frames": frames}, separators=(",", ":")
        )
    for path, text in files.items():
        atomic_write(path, text)
    written = list(files)
    for shot in plan.shots:
        folder = build_dir / "shots" / shot.id
        # The shot's camera inside its scene stage, and as a glTF animation.
        write_shot_camera(
            shot,
            plan.fps,
            settings.sensor_mm,
            folder / "camera.usda",
            scene_layer=f"../../scenes/{shot.scene}.usda",
        )
        write_camera_gltf(
            shot, plan.fps, settings.sensor_mm, plan.resolution, folder / "camera.glb"
        )
        written += [folder / "camera.usda", folder / "camera.glb"]
    return written


STAGE = Stage(
    name="shots",
    version="8",
    model=ShotPlan,
    run=run,
    inputs=("screenplay", "breakdown", "world", "dialogue"),
    config_keys=("camera", "fps", "resolution"),
    exports=export,
    reads_previous=True,
)
