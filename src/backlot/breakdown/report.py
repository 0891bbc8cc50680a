"""The breakdown as one self-contained HTML page a line producer can show or print.

The page holds a summary, charts (tension, pages per set, day/night and INT/EXT, dialogue
and scenes per character), a breakdown sheet per scene with its tags as chips in the
category colour code, the stripboard in the standard strip colours, and the day-out-of-days.
Everything is inline (CSS, SVG drawn here, no script, no outside request), so the file can
be mailed or opened offline. Every string from the script goes through `html.escape`: a
script cannot inject markup. The output is a pure function of the breakdown.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from html import escape
from typing import NamedTuple

from backlot.breakdown.categories import CategoryStyle, category_styles
from backlot.breakdown.models import Breakdown, Category, SceneBreakdown, Tag
from backlot.breakdown.schedule import WORK_CODES
from backlot.breakdown.sheets import scene_cast_ids

_INK = "#1f2430"
_RULE = "#e3e6ea"
_ACCENT = "#2f5d8a"
_BEAT = "#c2410c"
_WHITE_INK = "#ffffff"

# Strip colours, the standard stripboard code. An INT/EXT scene strips as exterior: its
# exterior half is the one at the mercy of light and weather.
_STRIPS = {
    ("INT", "DAY"): ("int-day", "#ffffff", "INT DAY"),
    ("EXT", "DAY"): ("ext-day", "#fff2a8", "EXT DAY"),
    ("INT", "NIGHT"): ("int-night", "#bcd4f6", "INT NIGHT"),
    ("EXT", "NIGHT"): ("ext-night", "#c4e6b8", "EXT NIGHT"),
}
# Fixed order for the splits, so the page is the same whichever comes first in the script.
_INT_EXT_ORDER = ("INT", "EXT", "INT/EXT")
_DAY_NIGHT_ORDER = ("DAY", "NIGHT")
_SPLIT_COLOURS = {
    "DAY": "#e0a526",
    "NIGHT": "#2d3e70",
    "INT": "#7b8ba1",
    "EXT": "#4f9a5a",
    "INT/EXT": "#a3b86c",
}
_OTHER_COLOUR = "#b8bec8"
# Bar charts longer than this fold their tail into one "+ N more" line.
_MAX_BARS = 20

_CSS = """
:root { --ink: #1f2430; --muted: #6b7280; --rule: #e3e6ea; --accent: #2f5d8a; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #f4f5f7; color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 0 24px 48px; }
header.top { background: #1f2430; color: #fff; padding: 28px 0 24px; margin-bottom: 24px; }
header.top .inner { max-width: 1120px; margin: 0 auto; padding: 0 24px; }
header.top h1 { margin: 0; font-size: 30px; font-weight: 650; letter-spacing: -0.01em; }
header.top .kicker { margin: 0 0 4px; font-size: 12px; letter-spacing: 0.12em;
  text-transform: uppercase; color: #aeb6c4; }
.figures { display: flex; flex-wrap: wrap; gap: 10px 32px; margin: 20px 0 0; padding: 0; }
.figures div { min-width: 88px; }
.figures dt { font-size: 11px; letter-spacing: 0.08em; text-transform: uppercase;
  color: #aeb6c4; }
.figures dd { margin: 0; font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.figures dd.split { font-size: 15px; font-weight: 500; padding-top: 5px; }
nav { margin-top: 18px; font-size: 13px; }
nav a { color: #d5dbe5; margin-right: 18px; text-decoration: none;
  border-bottom: 1px solid #55607a; }
h2 { font-size: 19px; margin: 36px 0 12px; padding-bottom: 6px;
  border-bottom: 2px solid var(--ink); }
.note { color: var(--muted); margin: -4px 0 12px; font-size: 13px; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
figure { margin: 0; background: #fff; border: 1px solid var(--rule); border-radius: 6px;
  padding: 14px 16px 12px; break-inside: avoid; }
figure.wide { grid-column: 1 / -1; }
figcaption { font-weight: 600; margin-bottom: 8px; }
svg { display: block; width: 100%; height: auto; }
svg text { font-size: 12px; fill: var(--ink); }
svg text.muted { fill: var(--muted); font-size: 11px; }
.empty { color: var(--muted); font-style: italic; margin: 8px 0; }
.legend { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 14px; }
.sheets { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
article.sheet { background: #fff; border: 1px solid var(--rule); border-radius: 6px;
  padding: 12px 14px; break-inside: avoid; }
.sheet h3 { margin: 0; font-size: 14px; letter-spacing: 0.02em; display: flex; gap: 10px;
  align-items: baseline; }
.sheet h3 .num { flex: none; min-width: 30px; padding: 1px 6px; border-radius: 4px;
  background: var(--ink); color: #fff; text-align: center; font-size: 12px; }
.meta { color: var(--muted); font-size: 12px; margin: 4px 0 0 40px; }
.synopsis { margin: 6px 0 0 40px; font-size: 13px; font-style: italic; }
.tags { margin: 8px 0 0 40px; padding: 0; }
.tags div { display: flex; gap: 6px; align-items: baseline; margin-top: 4px; }
.tags dt { flex: none; width: 128px; font-size: 11px; color: var(--muted);
  text-transform: uppercase; letter-spacing: 0.05em; }
.tags dd { margin: 0; display: flex; flex-wrap: wrap; gap: 4px; }
.chip { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
  line-height: 18px; white-space: nowrap; max-width: 100%; overflow: hidden;
  text-overflow: ellipsis; }
.chip.llm { outline: 1.5px dashed var(--ink); outline-offset: 1px; }
.untagged { margin: 8px 0 0 40px; color: var(--muted); font-size: 12px; }
.key { display: flex; gap: 8px; margin-bottom: 10px; font-size: 12px; }
.key span { padding: 2px 10px; border: 1px solid #9aa3b0; }
.board { border: 1px solid #9aa3b0; background: #fff; }
.strip { display: grid; grid-template-columns: 56px 1fr 72px 64px 140px;
  gap: 16px; align-items: center; padding: 4px 10px; border-bottom: 1px solid #9aa3b0;
  font-size: 13px; color: var(--ink); text-decoration: none; }
.strip .n { font-weight: 700; }
.strip.head { background: #eef0f3; font-size: 11px; text-transform: uppercase;
  letter-spacing: 0.06em; color: var(--muted); }
.strip .pp, .strip .c { font-variant-numeric: tabular-nums; }
.strip .pp { text-align: right; }
.daybreak { background: #111; color: #fff; padding: 4px 10px; font-size: 12px;
  font-weight: 600; letter-spacing: 0.06em; text-transform: uppercase; }
.dood-wrap { overflow-x: auto; }
table.dood { border-collapse: collapse; background: #fff; font-size: 13px; }
.dood th, .dood td { border: 1px solid var(--rule); padding: 4px 6px; width: 40px;
  text-align: center;
  font-variant-numeric: tabular-nums; }
.dood thead th { background: #eef0f3; font-size: 12px; }
.dood th.name { text-align: left; width: auto; min-width: 160px; }
.dood td.work { background: #e6eef8; font-weight: 600; }
.dood td.hold { background: #f1f2f4; color: var(--muted); }
.dood td.prep { background: #fbf3e4; font-style: italic; }
.dood .total { background: #f7f8fa; font-weight: 600; }
.dood tfoot th, .dood tfoot td { background: #eef0f3; font-weight: 600; }
.dood th.offday { color: var(--muted); font-style: italic; }
@media screen and (max-width: 820px) { .charts, .sheets { grid-template-columns: 1fr; } }
@media print {
  @page { margin: 12mm; }
  body { background: #fff; font-size: 11px; }
  header.top { background: #fff; color: var(--ink); border-bottom: 2px solid var(--ink);
    padding: 0 0 12px; }
  header.top .kicker, .figures dt { color: var(--muted); }
  nav { display: none; }
  main { max-width: none; padding: 0; }
  figure, article.sheet { border-color: #c9ced6; }
  h2.page { break-before: page; }
  .strip, .daybreak, tr { break-inside: avoid; }
  .dood-wrap { overflow: visible; }
  .dood th, .dood td { width: auto; padding: 2px 4px; }
  .dood th.name { min-width: 0; }
}
"""


def pages_text(eighths: int) -> str:
    """Eighths as a breakdown writes pages: 11 → "1 3/8", 100 → "12 4/8", 3 → "3/8".

    Fractions are never reduced: a sheet says 4/8, not 1/2.
    """
    whole, rest = divmod(eighths, 8)
    if not rest:
        return str(whole)
    return f"{whole} {rest}/8" if whole else f"{rest}/8"


def _ink_on(colour: str) -> str:
    """The text colour (near-black or white) that reads best on a `#rrggbb` background."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    # WCAG relative luminance; the threshold is where both inks give the same contrast.
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return _INK if luminance > 0.179 else _WHITE_INK


def _share(part: float, whole: float) -> str:
    """`part` as a whole percentage of `whole`; a sliver shows as "<1%", never as "0%"."""
    share = part / whole if whole else 0.0
    return "<1%" if 0 < share < 0.005 else f"{share:.0%}"


def _f(value: float) -> str:
    """A coordinate as SVG text: one decimal, so output is stable and small."""
    return f"{value:.1f}"


def _svg(width: int, height: float, label: str, body: Iterable[str]) -> str:
    """An inline SVG chart that scales to its container's width."""
    return (
        f'<svg viewBox="0 0 {width} {_f(height)}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>"
    )


def _figure(caption: str, content: str, wide: bool = False) -> str:
    """A chart card with its caption."""
    cls = ' class="wide"' if wide else ""
    return f"<figure{cls}><figcaption>{escape(caption)}</figcaption>{content}</figure>"


def _clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis, so a long name fits its column."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _strip(scene: SceneBreakdown) -> tuple[str, str, str]:
    """A scene's strip: CSS class, colour and name (see `_STRIPS`)."""
    outside = "INT" if scene.int_ext in (None, "INT") else "EXT"
    return _STRIPS[(outside, "NIGHT" if scene.day_night == "NIGHT" else "DAY")]


def _int_ext(scene: SceneBreakdown) -> str:
    """A scene's INT/EXT for the splits; a heading without one counts as "—"."""
    return scene.int_ext or "—"


def _day_night(scene: SceneBreakdown) -> str:
    """A scene's DAY or NIGHT for the splits."""
    return scene.day_night


def _ordered(keys: Iterable[str], first: tuple[str, ...]) -> list[str]:
    """The distinct `keys`: those in `first` in its order, then the rest sorted."""
    present = set(keys)
    return [k for k in first if k in present] + sorted(present - set(first))


# ---------------------------------------------------------------------------------- header


def _header(breakdown: Breakdown) -> str:
    """The dark title band: title, the summary figures and links to the sections."""
    scenes = breakdown.scenes
    figures = [
        ("Scenes", str(len(scenes)), ""),
        ("Pages", pages_text(sum(s.eighths for s in scenes)), ""),
        ("Cast", str(len(breakdown.cast)), ""),
        ("Sets", str(len(breakdown.sets)), ""),
        ("Shooting days", str(len(breakdown.schedule.days)), ""),
        ("INT / EXT", _split_text(scenes, _int_ext, _INT_EXT_ORDER), ' class="split"'),
        ("Day / night", _split_text(scenes, _day_night, _DAY_NIGHT_ORDER), ' class="split"'),
    ]
    items = "".join(
        f"<div><dt>{label}</dt><dd{cls}>{escape(value)}</dd></div>" for label, value, cls in figures
    )
    nav = "".join(
        f'<a href="#{anchor}">{label}</a>'
        for anchor, label in (
            ("charts", "Charts"),
            ("sheets", "Breakdown sheets"),
            ("stripboard", "Stripboard"),
            ("dood", "Day out of days"),
        )
    )
    return (
        '<header class="top"><div class="inner">'
        '<p class="kicker">Script breakdown</p>'
        f"<h1>{escape(breakdown.title or 'Untitled')}</h1>"
        f'<dl class="figures">{items}</dl><nav>{nav}</nav></div></header>'
    )


def _split_text(
    scenes: list[SceneBreakdown], key: Callable[[SceneBreakdown], str], first: tuple[str, ...]
) -> str:
    """Scene counts per value of `key`, e.g. "INT 5 · EXT 3"."""
    values = [key(s) for s in scenes]
    return " · ".join(f"{k} {values.count(k)}" for k in _ordered(values, first)) or "—"


# ---------------------------------------------------------------------------------- charts


class _Bar(NamedTuple):
    """One bar of a horizontal bar chart."""

    label: str
    value: float
    text: str
    title: str


def _bar_chart(label: str, bars: list[_Bar], colour: str = _ACCENT) -> str:
    """Horizontal bars, longest scale to the plot width; the tail past `_MAX_BARS` folds."""
    if not bars:
        return '<p class="empty">Nothing to chart.</p>'
    shown, rest = bars[:_MAX_BARS], bars[_MAX_BARS:]
    width, label_w, value_w, row = 520, 180, 100, 24
    plot_x = label_w + 10
    plot_w = width - plot_x - value_w
    top = max(b.value for b in shown) or 1
    body = []
    for i, bar in enumerate(shown):
        y = i * row + 4
        w = max(1.0, bar.value / top * plot_w) if bar.value else 0.0
        body.append(
            f"<g><title>{escape(bar.title)}</title>"
            f'<text x="{label_w}" y="{_f(y + 12)}" text-anchor="end">'
            f"{escape(_clip(bar.label, 22))}</text>"
            f'<rect x="{plot_x}" y="{y + 2}" width="{_f(w)}" height="14" rx="2" '
            f'fill="{colour}"/>'
            f'<text class="muted" x="{_f(plot_x + w + 6)}" y="{_f(y + 12)}">'
            f"{escape(bar.text)}</text></g>"
        )
    height = len(shown) * row + 6
    if rest:
        body.append(
            f'<text class="muted" x="{plot_x}" y="{_f(height + 10)}">+ {len(rest)} more</text>'
        )
        height += 18
    return _svg(width, height, label, body)


def _tension_chart(breakdown: Breakdown) -> str:
    """Tension over the scenes as a filled line, with the named beats marked above it."""
    scenes = breakdown.scenes
    if not scenes:
        return '<p class="empty">No scenes.</p>'
    width, height = 1040, 250
    left, right, top, bottom = 36, 16, 56, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / (len(scenes) - 1) if len(scenes) > 1 else 0.0

    def x(i: int) -> float:
        return left + (i * step if len(scenes) > 1 else plot_w / 2)

    def y(t: float) -> float:
        return top + (1 - min(max(t, 0.0), 1.0)) * plot_h

    body = []
    for level in (0.0, 0.5, 1.0):
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_f(y(level))}" y2="{_f(y(level))}" '
            f'stroke="{_RULE}"/>'
            f'<text class="muted" x="{left - 6}" y="{_f(y(level) + 4)}" text-anchor="end">'
            f"{level:g}</text>"
        )
    points = " ".join(f"{_f(x(i))},{_f(y(s.tension))}" for i, s in enumerate(scenes))
    base = _f(y(0.0))
    body.append(
        f'<polygon points="{_f(x(0))},{base} {points} {_f(x(len(scenes) - 1))},{base}" '
        f'fill="{_ACCENT}" fill-opacity="0.12"/>'
        f'<polyline points="{points}" fill="none" stroke="{_ACCENT}" stroke-width="2" '
        'stroke-linejoin="round"/>'
    )
    # Label every scene while they fit, else every n-th, so numbers never overlap.
    every = max(1, math.ceil(len(scenes) / 40))
    for i, scene in enumerate(scenes):
        body.append(
            f'<circle cx="{_f(x(i))}" cy="{_f(y(scene.tension))}" r="3" fill="{_ACCENT}">'
            f"<title>Scene {escape(scene.number)}: {escape(scene.heading)}\n"
            f"tension {scene.tension:.2f}</title></circle>"
        )
        if i % every == 0:
            body.append(
                f'<text class="muted" x="{_f(x(i))}" y="{height - 8}" text-anchor="middle">'
                f"{escape(scene.number)}</text>"
            )
    index = {scene.number: i for i, scene in enumerate(scenes)}
    beats = [b for b in breakdown.beats if b.scene in index]
    names = [_clip(b.name, 40) for b in beats]
    rows = _label_rows(
        [(x(index[b.scene]), name) for b, name in zip(beats, names, strict=True)],
        [b.tension for b in beats],
        lo=left,
        hi=width - right,
    )
    for k, beat in enumerate(beats):
        bx, by = x(index[beat.scene]), y(beat.tension)
        label = ""
        if k in rows:
            row, anchor = rows[k]
            ly = _LABEL_ROWS[row]
            label = (
                f'<line x1="{_f(bx)}" x2="{_f(bx)}" y1="{ly + 4}" y2="{_f(by)}" '
                f'stroke="{_BEAT}" stroke-dasharray="3 3"/>'
                f'<text x="{_f(bx)}" y="{ly}" text-anchor="{anchor}" '
                f'style="fill:{_BEAT};font-weight:600">{escape(names[k])}</text>'
            )
        body.append(
            f"<g><title>{escape(beat.name)}: scene {escape(beat.scene)}, line {beat.line}, "
            f"tension {beat.tension:.2f}</title>{label}"
            f'<circle cx="{_f(bx)}" cy="{_f(by)}" r="5.5" fill="#fff" stroke="{_BEAT}" '
            'stroke-width="2"/></g>'
        )
    return _svg(width, height, "Tension over scenes", body)


# Baselines of the beat-name rows above the tension curve, and the width a character of
# their 12 px semibold text takes at most, for placing names without overlap.
_LABEL_ROWS = (14, 30, 46)
_CHAR_W = 7.0


def _label_extent(bx: float, text: str, lo: float, hi: float) -> tuple[str, float, float]:
    """The anchor of a beat's name at x `bx`, and the span it covers, kept inside lo..hi."""
    w = len(text) * _CHAR_W
    if bx - w / 2 < lo:
        return "start", bx, bx + w
    if bx + w / 2 > hi:
        return "end", bx - w, bx
    return "middle", bx - w / 2, bx + w / 2


def _label_rows(
    labels: list[tuple[float, str]], tension: list[float], lo: float, hi: float
) -> dict[int, tuple[int, str]]:
    """A row and text anchor for each beat name that fits beside the others: the first beat
    (the inciting incident, where there is one), then the highest. A beat left without a
    row keeps its marker, and its name in the marker's tooltip. A name's leader line runs
    down through the rows below it, so no name there may cover it."""
    spans: list[list[tuple[float, float]]] = [[] for _ in _LABEL_ROWS]
    leaders: list[list[float]] = [[] for _ in _LABEL_ROWS]
    rows: dict[int, tuple[int, str]] = {}
    for k in sorted(range(len(labels)), key=lambda k: (k > 0, -tension[k])):
        bx = labels[k][0]
        anchor, a, b = _label_extent(*labels[k], lo, hi)
        for row in range(len(_LABEL_ROWS)):
            clear = (
                all(b + 8 <= s or a >= e + 8 for s, e in spans[row])
                and all(not s - 4 <= bx <= e + 4 for lower in spans[row + 1 :] for s, e in lower)
                and all(not a - 4 <= x <= b + 4 for upper in leaders[:row] for x in upper)
            )
            if clear:
                spans[row].append((a, b))
                leaders[row].append(bx)
                rows[k] = (row, anchor)
                break
    return rows


def _split_chart(scenes: list[SceneBreakdown]) -> str:
    """Day/night and INT/EXT as two 100 % bars measured in pages, scenes in the legend."""
    if not scenes:
        return '<p class="empty">No scenes.</p>'
    width, bar_h, group_h = 520, 26, 82
    body = []
    splits = (
        ("Day / night", _day_night, _DAY_NIGHT_ORDER),
        ("INT / EXT", _int_ext, _INT_EXT_ORDER),
    )
    for g, (name, key, first) in enumerate(splits):
        top = g * group_h
        values = [key(s) for s in scenes]
        total = sum(s.eighths for s in scenes) or 1
        body.append(f'<text x="0" y="{top + 12}" style="font-weight:600">{name}</text>')
        x = 0.0
        legend_x = 0
        for value in _ordered(values, first):
            members = [s for s in scenes if key(s) == value]
            eighths = sum(s.eighths for s in members)
            w = eighths / total * width
            colour = _SPLIT_COLOURS.get(value, _OTHER_COLOUR)
            share = _share(eighths, total)
            detail = f"{len(members)} sc · {pages_text(eighths)} pp"
            body.append(
                f"<g><title>{escape(value)}: {detail} ({share})</title>"
                f'<rect x="{_f(x)}" y="{top + 20}" width="{_f(w)}" height="{bar_h}" '
                f'fill="{colour}"/>'
            )
            if w > 70:
                body.append(
                    f'<text x="{_f(x + 8)}" y="{top + 20 + 17}" '
                    f'style="fill:{_ink_on(colour)};font-weight:600">'
                    f"{escape(value)} {share}</text>"
                )
            body.append("</g>")
            body.append(
                f'<rect x="{legend_x}" y="{top + 55}" width="10" height="10" fill="{colour}"/>'
                f'<text class="muted" x="{legend_x + 14}" y="{top + 64}">'
                f"{escape(value)} {detail}</text>"
            )
            x += w
            legend_x += 170
    return _svg(width, len(splits) * group_h - 8, "Day/night and INT/EXT split", body)


def _charts(breakdown: Breakdown) -> str:
    """The charts section."""
    sets = sorted(breakdown.sets, key=lambda s: (-s.eighths, s.name))
    set_bars = [
        _Bar(s.name, s.eighths, f"{pages_text(s.eighths)} pp", f"{s.name}: {len(s.scenes)} sc")
        for s in sets
    ]
    words = sum(c.words for c in breakdown.cast)
    talkers = sorted(breakdown.cast, key=lambda c: (-c.words, c.id))
    word_bars = [
        _Bar(
            c.name,
            c.words,
            f"{c.words:,} · {_share(c.words, words)}",
            f"{c.name}: {c.words:,} words in {c.lines} speeches",
        )
        for c in talkers
    ]
    in_scenes = sorted(breakdown.cast, key=lambda c: (-len(c.scenes), c.id))
    scene_bars = [
        _Bar(c.name, len(c.scenes), str(len(c.scenes)), f"{c.name}: first in {c.first_scene}")
        for c in in_scenes
    ]
    figures = [
        _figure("Tension over scenes, with beats", _tension_chart(breakdown), wide=True),
        _figure("Pages per set", _bar_chart("Pages per set", set_bars)),
        _figure("Day / night and INT / EXT (by pages)", _split_chart(breakdown.scenes)),
        _figure(
            "Dialogue share (words)", _bar_chart("Dialogue share", word_bars, colour="#5b7f4f")
        ),
        _figure(
            "Scenes per character",
            _bar_chart("Scenes per character", scene_bars, colour="#8a6d3b"),
        ),
    ]
    return '<h2 id="charts">Charts</h2><div class="charts">' + "".join(figures) + "</div>"


# -------------------------------------------------------------------------- breakdown sheets


def _paint(style: CategoryStyle) -> str:
    """The inline style that colours a chip in its category's colour, with readable text."""
    return f"background:{style.colour};color:{_ink_on(style.colour)}"


def _chip(tag: Tag, style: CategoryStyle) -> str:
    """A tag as a chip in its category colour; hovering shows the evidence and its line."""
    title = f"Line {tag.line}: {tag.evidence}"
    cls = "chip"
    if tag.source != "rules":
        title += f"\n(found by {tag.source})"
        cls += " llm"
    return (
        f'<span class="{cls}" style="{_paint(style)}" title="{escape(title)}">'
        f"{escape(tag.name)}</span>"
    )


def _sheet(scene: SceneBreakdown, styles: dict[Category, CategoryStyle], cast: list[str]) -> str:
    """One scene's breakdown sheet: heading, page and length, cast numbers, tags by category."""
    meta = [
        f"Page {scene.start_page}" if scene.start_page else "Page —",
        f"{pages_text(scene.eighths)} pp",
        scene.day_night,
        scene.set,
    ]
    if cast:
        meta.append("Cast " + ", ".join(cast))
    by_category: dict[Category, list[Tag]] = {}
    for tag in scene.tags:
        by_category.setdefault(tag.category, []).append(tag)
    rows = "".join(
        f"<div><dt>{escape(styles[c].label)}</dt>"
        f"<dd>{''.join(_chip(t, styles[c]) for t in by_category[c])}</dd></div>"
        for c in Category
        if c in by_category
    )
    tags = f'<dl class="tags">{rows}</dl>' if rows else '<p class="untagged">No tags.</p>'
    synopsis = f'<p class="synopsis">{escape(scene.synopsis)}</p>' if scene.synopsis else ""
    return (
        f'<article class="sheet" id="scene-{escape(scene.number)}">'
        f'<h3><span class="num">{escape(scene.number)}</span>{escape(scene.heading)}</h3>'
        f'<p class="meta">{escape(" · ".join(meta))}</p>{synopsis}{tags}</article>'
    )


def _sheets(breakdown: Breakdown, cast: dict[str, list[str]]) -> str:
    """The breakdown sheets section, with a key to the categories it uses."""
    styles = category_styles()
    used = {t.category for s in breakdown.scenes for t in s.tags}
    legend = "".join(
        f'<span class="chip" style="{_paint(styles[c])}">{escape(styles[c].label)}</span>'
        for c in Category
        if c in used
    )
    sheets = "".join(_sheet(s, styles, cast[s.number]) for s in breakdown.scenes)
    return (
        '<h2 id="sheets" class="page">Breakdown sheets</h2>'
        '<p class="note">Hover a tag for the script line it came from; a dashed outline marks '
        "a tag found by the language model.</p>"
        f'<div class="legend">{legend}</div><div class="sheets">{sheets}</div>'
    )


# ------------------------------------------------------------------------------ stripboard


_STRIP_HEAD = (
    '<div class="strip head"><span>Scene</span><span>Set</span><span>D / N</span>'
    '<span class="pp">Pages</span><span>Cast</span></div>'
)


def _stripboard(breakdown: Breakdown, cast: dict[str, list[str]]) -> str:
    """Strips by shooting day in the standard colours, each day closed by a black bar."""
    scenes = {s.number: s for s in breakdown.scenes}
    key = "".join(
        f'<span style="background:{colour}">{name}</span>' for _, colour, name in _STRIPS.values()
    )
    parts = []
    for day in breakdown.schedule.days:
        for number in day.scenes:
            scene = scenes[number]
            cls, colour, _ = _strip(scene)
            parts.append(
                f'<a class="strip {cls}" href="#scene-{escape(number)}" '
                f'style="background:{colour}" title="{escape(scene.heading)}">'
                f'<span class="n">{escape(number)}</span><span>{escape(scene.set)}</span>'
                f"<span>{escape(scene.day_night)}</span>"
                f'<span class="pp">{pages_text(scene.eighths)}</span>'
                f'<span class="c">{escape(", ".join(cast[number]))}</span></a>'
            )
        parts.append(
            f'<div class="daybreak">End of day {day.day} — {pages_text(day.eighths)} pages</div>'
        )
    board = (
        f'<div class="board">{_STRIP_HEAD}{"".join(parts)}</div>'
        if parts
        else '<p class="empty">No shooting days scheduled.</p>'
    )
    target = pages_text(breakdown.schedule.eighths_per_day)
    return (
        '<h2 id="stripboard" class="page">Stripboard</h2>'
        f'<p class="note">Target {target} pages a day.</p>'
        f'<div class="key">{key}</div>{board}'
    )


# ------------------------------------------------------------------------- day out of days

# Totals columns: header and the codes each counts.
_DOOD_TOTALS = (
    ("Work", WORK_CODES),
    ("Hold", frozenset({"H"})),
    ("Travel", frozenset({"T"})),
    ("Rehearse", frozenset({"R"})),
)
_CODE_CLASS = {"H": "hold", "T": "prep", "R": "prep"}


def _dood(breakdown: Breakdown) -> str:
    """The day-out-of-days table with per-actor totals and cast working per day."""
    dood = breakdown.day_out_of_days
    if not dood.rows:
        return '<h2 id="dood">Day out of days</h2><p class="empty">No cast.</p>'
    ids = {c.name: str(c.id) for c in breakdown.cast}
    shooting = {d.day for d in breakdown.schedule.days}
    day_heads = "".join(
        f"<th>{d}</th>"
        if d in shooting
        else f'<th class="offday" title="Not a shooting day">{d}</th>'
        for d in dood.days
    )
    total_heads = "".join(f"<th>{name}</th>" for name, _ in _DOOD_TOTALS)
    body = []
    # A voice never on set (a radio dispatcher, a narrator) has no day to schedule: it is
    # recorded apart, and named under the table instead of as an empty row.
    rows = {name: codes for name, codes in dood.rows.items() if any(codes) or not dood.days}
    voices = [name for name in dood.rows if name not in rows]
    for name, codes in rows.items():
        cells = "".join(
            f'<td class="{"work" if c in WORK_CODES else _CODE_CLASS.get(c, "")}">{escape(c)}</td>'
            if c
            else "<td></td>"
            for c in codes
        )
        totals = "".join(
            f'<td class="total">{sum(c in counted for c in codes)}</td>'
            for _, counted in _DOOD_TOTALS
        )
        body.append(
            f'<tr><td>{escape(ids.get(name, ""))}</td><th class="name">{escape(name)}</th>'
            f'{cells}{totals}<td class="total">{sum(bool(c) for c in codes)}</td></tr>'
        )
    working = "".join(
        f"<td>{sum(codes[i] in WORK_CODES for codes in rows.values())}</td>"
        for i in range(len(dood.days))
    )
    heard = (
        f'<p class="note">Voice only, no day on set: {escape(", ".join(voices))}.</p>'
        if voices
        else ""
    )
    return (
        '<h2 id="dood" class="page">Day out of days</h2>'
        '<p class="note">SW start work · W work · WF work finish · SWF start-work-finish · '
        "H hold · T travel · R rehearsal. Days outside the shoot are in italics.</p>"
        '<div class="dood-wrap"><table class="dood"><thead><tr><th>#</th><th class="name">Cast</th>'
        f"{day_heads}{total_heads}<th>Total</th></tr></thead><tbody>{''.join(body)}</tbody>"
        f'<tfoot><tr><th></th><th class="name">Cast working</th>{working}'
        f'<td colspan="{len(_DOOD_TOTALS) + 1}"></td></tr></tfoot></table></div>{heard}'
    )


def render_report(breakdown: Breakdown) -> str:
    """The breakdown as one self-contained HTML document (see the module docstring)."""
    cast = scene_cast_ids(breakdown)
    title = escape(f"{breakdown.title or 'Untitled'} — breakdown")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{_header(breakdown)}\n<main>\n{_charts(breakdown)}\n"
        f"{_sheets(breakdown, cast)}\n{_stripboard(breakdown, cast)}\n{_dood(breakdown)}\n"
        "</main>\n</body>\n</html>\n"
    )
