"""Human-readable views of a shot plan: an HTML shot list and a top-down SVG floor plan.

Both outputs are pure functions of their inputs (no clock, no randomness, numbers rounded
to 0.01) so that a rebuild of an unchanged plan gives byte-identical files.
"""

from __future__ import annotations

import math
from html import escape

from backlot.camera.models import Shot, ShotPlan, Vec3
from backlot.world.models import SetAsset

# Super 35 sensor width, the default of CameraConfig.sensor_mm, for the plot's FOV wedges.
SENSOR_WIDTH_MM = 24.89
WEDGE_LENGTH_M = 3.0
PLOT_WIDTH_PX = 800.0
PLOT_PADDING_PX = 20.0
# Metres of floor kept around everything plotted, so labels at the edge stay readable.
PLOT_MARGIN_M = 0.5
# Seen from above these would hide the whole set, so the plot leaves them out.
OVERHEAD_LABELS = frozenset({"ceiling", "roof"})
GROUND_LABELS = frozenset({"floor", "ground"})

_CSS = """
body { font-family: sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.6em; }
h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left;
         vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: bold; background: #f6f6f6; }
""".strip()


def _n(value: float) -> str:
    """A number rounded to 0.01 for SVG, without a '-0.00' that would differ from '0.00'."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def _seconds(frames: int, fps: float) -> str:
    return f"{frames / fps:.2f}"


def _scene_order(plan: ShotPlan) -> list[str]:
    """Scenes with shots: in the plan's timing order, then any others as the shots list them."""
    with_shots = {shot.scene for shot in plan.shots}
    order = [timing.scene for timing in plan.scenes if timing.scene in with_shots]
    for shot in plan.shots:
        if shot.scene not in order:
            order.append(shot.scene)
    return order


def _shot_row(shot: Shot, fps: float) -> str:
    cells = [
        escape(shot.id),
        escape(str(shot.type)),
        escape(str(shot.size)),
        escape(str(shot.move)),
        f"{shot.lens_mm:g}",
        escape(", ".join(shot.subjects)),
        _seconds(shot.frames, fps),
        escape(shot.description),
    ]
    numeric = {4, 6}
    return (
        "<tr>"
        + "".join(
            f'<td class="num">{cell}</td>' if i in numeric else f"<td>{cell}</td>"
            for i, cell in enumerate(cells)
        )
        + "</tr>"
    )


def shotlist_html(plan: ShotPlan) -> str:
    """The plan's shot list as one self-contained HTML page: a table per scene, with totals.

    Raises ValueError when the plan's fps is not positive (durations would be meaningless).
    """
    if plan.fps <= 0:
        raise ValueError(f"fps must be positive, got {plan.fps}")
    header = (
        "<tr><th>Shot</th><th>Type</th><th>Size</th><th>Move</th><th>Lens (mm)</th>"
        "<th>Subjects</th><th>Duration (s)</th><th>Description</th></tr>"
    )
    sections: list[str] = []
    for scene in _scene_order(plan):
        shots = [shot for shot in plan.shots if shot.scene == scene]
        frames = sum(shot.frames for shot in shots)
        rows = "\n".join(_shot_row(shot, plan.fps) for shot in shots)
        sections.append(
            f"<h2>Scene {escape(scene)}</h2>\n"
            f"<table>\n<thead>{header}</thead>\n<tbody>\n{rows}\n</tbody>\n"
            f'<tfoot><tr><td colspan="6">{len(shots)} shots</td>'
            f'<td class="num">{_seconds(frames, plan.fps)}</td><td></td></tr></tfoot>\n'
            "</table>"
        )
    total_frames = sum(shot.frames for shot in plan.shots)
    summary = (
        f'<p class="totals">{len(plan.shots)} shots in {len(sections)} scenes, '
        f"{_seconds(total_frames, plan.fps)} s at {plan.fps:g} fps.</p>"
    )
    body = "\n".join([summary, *sections])
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Shot list</title>\n'
        f"<style>\n{_CSS}\n</style>\n</head>\n<body>\n<h1>Shot list</h1>\n{body}\n"
        "</body>\n</html>\n"
    )


def _horizontal_fov(focal_mm: float) -> float:
    """Horizontal field of view in radians of a lens on the Super 35 sensor."""
    return 2.0 * math.atan(SENSOR_WIDTH_MM / 2.0 / focal_mm)


def _wedge(shot: Shot) -> list[tuple[float, float]] | None:
    """The (x, z) outline of the first key's field of view, or None when it looks straight
    up or down (no horizontal direction to draw it towards)."""
    key = shot.keys[0]
    dx = key.target[0] - key.position[0]
    dz = key.target[2] - key.position[2]
    if math.hypot(dx, dz) < 1e-9:
        return None
    focal = key.focal_mm if key.focal_mm > 0 else shot.lens_mm
    half = _horizontal_fov(focal) / 2.0
    heading = math.atan2(dz, dx)
    x, _, z = key.position
    # A few points along the arc so the wedge reads as a sector, not a triangle.
    steps = 8
    arc = [
        (
            x + WEDGE_LENGTH_M * math.cos(heading - half + 2 * half * i / steps),
            z + WEDGE_LENGTH_M * math.sin(heading - half + 2 * half * i / steps),
        )
        for i in range(steps + 1)
    ]
    return [(x, z), *arc]


def scene_plot_svg(asset: SetAsset, plan: ShotPlan, scene: str) -> str:
    """A top-down SVG plan of one scene: its set, items, marks, blocking and cameras.

    X runs right and Z down. Cameras are drawn at their first key with a field-of-view
    wedge towards the target; shots without keys have no position and are left out.
    Elements carry classes (`part`, `item`, `mark`, `path`, `camera`, `wedge`,
    `camera-move`) and cameras an id `camera-<shot id>` so that tools can pick them out.
    """
    shots = [shot for shot in plan.shots if shot.scene == scene and shot.keys]
    paths = [path for path in plan.blocking.get(scene, []) if path.keys]
    wedges = {shot.id: _wedge(shot) for shot in shots}

    # The frame holds the set and everything drawn, so cameras outside the walls still show.
    w, _, d = asset.dimensions
    xs = [-w / 2, w / 2]
    zs = [-d / 2, d / 2]
    for shot in shots:
        for key in shot.keys:
            xs.append(key.position[0])
            zs.append(key.position[2])
        for x, z in wedges[shot.id] or []:
            xs.append(x)
            zs.append(z)
    for path in paths:
        for _, x, z, _ in path.keys:
            xs.append(x)
            zs.append(z)
    x0, x1 = min(xs) - PLOT_MARGIN_M, max(xs) + PLOT_MARGIN_M
    z0, z1 = min(zs) - PLOT_MARGIN_M, max(zs) + PLOT_MARGIN_M
    scale = (PLOT_WIDTH_PX - 2 * PLOT_PADDING_PX) / (x1 - x0)
    height = (z1 - z0) * scale + 2 * PLOT_PADDING_PX

    def to_px(x: float, z: float) -> tuple[float, float]:
        return PLOT_PADDING_PX + (x - x0) * scale, PLOT_PADDING_PX + (z - z0) * scale

    def pt(x: float, z: float) -> str:
        sx, sz = to_px(x, z)
        return f"{_n(sx)},{_n(sz)}"

    def at(x: float, z: float, dx: float = 0.0, dz: float = 0.0) -> str:
        sx, sz = to_px(x, z)
        return f'x="{_n(sx + dx)}" y="{_n(sz + dz)}"'

    def footprint(cls: str, position: Vec3, size: Vec3, rotation: float, fill: str) -> str:
        cx, cz = to_px(position[0], position[2])
        fw, fd = size[0] * scale, size[2] * scale
        # rotate_y is right-handed about +Y (+Z turns to +X); with Z drawn downwards that
        # is a counter-clockwise turn on screen, i.e. SVG's rotate by minus the angle.
        return (
            f'<rect class="{cls}" x="{_n(cx - fw / 2)}" y="{_n(cz - fd / 2)}" '
            f'width="{_n(fw)}" height="{_n(fd)}" fill="{fill}" '
            f'transform="rotate({_n(-rotation)} {_n(cx)} {_n(cz)})"/>'
        )

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(PLOT_WIDTH_PX)} '
        f'{_n(height)}" width="{_n(PLOT_WIDTH_PX)}" height="{_n(height)}" '
        'font-family="sans-serif" font-size="11">',
        f"<title>{escape(asset.name)}, scene {escape(scene)}</title>",
        f'<rect class="bounds" {at(-w / 2, -d / 2)} width="{_n(w * scale)}" '
        f'height="{_n(d * scale)}" fill="#fafafa" stroke="#999" stroke-dasharray="4 3"/>',
    ]
    # Ground first so walls and furniture are drawn over it.
    visible = [part for part in asset.parts if part.label not in OVERHEAD_LABELS]
    visible.sort(key=lambda part: part.label not in GROUND_LABELS)
    for part in visible:
        fill = "#f0f0f0" if part.label in GROUND_LABELS else "#d4d4d4"
        if part.label == "wall":
            fill = "#333333"
        out.append(
            footprint(
                f"part part-{escape(part.label)}",
                part.position,
                part.size,
                part.rotation_y_deg,
                fill,
            )
        )
    for item in asset.items:
        out.append(footprint("item", item.position, item.size, item.rotation_y_deg, "#b9cfe8"))
        out.append(
            f'<text class="item-label" {at(item.position[0], item.position[2])} '
            f'text-anchor="middle" fill="#234">{escape(item.name)}</text>'
        )
    for mark in asset.marks:
        cx, cz = to_px(mark.position[0], mark.position[2])
        out.append(f'<circle class="mark" cx="{_n(cx)}" cy="{_n(cz)}" r="4" fill="#c0392b"/>')
        out.append(
            f'<text class="mark-label" {at(mark.position[0], mark.position[2], 6, -6)} '
            f'fill="#c0392b">{escape(mark.name)}</text>'
        )
    for path in paths:
        points = " ".join(pt(x, z) for _, x, z, _ in path.keys)
        _, sx, sz, _ = path.keys[0]
        out.append(
            f'<polyline class="path" points="{points}" fill="none" stroke="#27ae60" '
            'stroke-width="2"/>'
        )
        out.append(
            f'<text class="path-label" {at(sx, sz)} fill="#1e8449">{escape(path.character)}</text>'
        )
    for shot in shots:
        first = shot.keys[0].position
        outline = wedges[shot.id]
        if outline is not None:
            points = " ".join(pt(x, z) for x, z in outline)
            out.append(
                f'<polygon class="wedge" points="{points}" fill="#2e86c1" '
                'fill-opacity="0.12" stroke="#2e86c1" stroke-width="0.5"/>'
            )
        if len(shot.keys) > 1 and shot.keys[-1].position != first:
            points = " ".join(pt(key.position[0], key.position[2]) for key in shot.keys)
            out.append(
                f'<polyline class="camera-move" points="{points}" fill="none" '
                'stroke="#2e86c1" stroke-width="1.5" stroke-dasharray="5 3"/>'
            )
        cx, cz = to_px(first[0], first[2])
        out.append(
            f'<circle class="camera" id="camera-{escape(shot.id)}" cx="{_n(cx)}" '
            f'cy="{_n(cz)}" r="5" fill="#1b4f72"/>'
        )
        out.append(
            f'<text class="camera-label" {at(first[0], first[2], 7, 4)} '
            f'fill="#1b4f72">{escape(shot.id)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"
