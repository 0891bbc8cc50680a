"""The HTML shot list and the top-down scene plot, on a small hand-built plan and set."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from backlot.camera.models import (
    CameraKey,
    CharacterPath,
    Move,
    SceneTiming,
    Shot,
    ShotPlan,
    ShotSize,
    ShotType,
)
from backlot.camera.report import scene_plot_svg, shotlist_html
from backlot.world.models import Mark, Part, PlacedItem, SetAsset, SetKind

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert('x')</script> & more"


def _shot(shot_id: str, scene: str, keys: list[CameraKey], **extra) -> Shot:
    return Shot(
        id=shot_id,
        scene=scene,
        type=extra.get("type", ShotType.MASTER),
        size=extra.get("size", ShotSize.WS),
        move=extra.get("move", Move.STATIC),
        lens_mm=keys[0].focal_mm if keys else 35.0,
        subjects=extra.get("subjects", ["ANNA"]),
        start_frame=extra.get("start_frame", 0),
        frames=extra.get("frames", 48),
        description=extra.get("description", ""),
        keys=keys,
    )


def _key(frame: int, x: float, z: float, tx: float, tz: float, focal: float = 35.0) -> CameraKey:
    return CameraKey(frame=frame, position=(x, 1.6, z), target=(tx, 1.5, tz), focal_mm=focal)


@pytest.fixture
def plan() -> ShotPlan:
    return ShotPlan(
        fps=24.0,
        resolution=(1280, 720),
        scenes=[
            SceneTiming(scene="12", frames=120, element_frames=[(0, 120)]),
            SceneTiming(scene="13", frames=24, element_frames=[(0, 24)]),
        ],
        blocking={
            "12": [
                CharacterPath(character="ANNA", keys=[(0, -1.0, 0.0, 90.0), (60, 1.0, 0.5, 90.0)]),
                CharacterPath(character="BEN", keys=[(0, 1.5, -1.0, 270.0)]),
            ]
        },
        shots=[
            _shot("12A", "12", [_key(0, 0.0, 3.0, 0.0, 0.0, 24.0)], frames=72),
            _shot(
                "12B",
                "12",
                [_key(72, -2.0, 2.0, 0.0, 0.0, 50.0), _key(120, -1.0, 1.0, 0.0, 0.0, 50.0)],
                type=ShotType.SINGLE,
                size=ShotSize.MCU,
                move=Move.DOLLY_IN,
                start_frame=72,
                description=HOSTILE,
                subjects=["BEN", "ANNA"],
            ),
            _shot("13A", "13", [_key(0, 5.0, 5.0, 4.0, 4.0)], frames=24),
        ],
    )


@pytest.fixture
def asset() -> SetAsset:
    return SetAsset(
        id="int-kitchen",
        name="INT. KITCHEN <night>",
        int_ext="INT",
        kind=SetKind.ROOM,
        scenes=["12"],
        dimensions=(6.0, 2.8, 5.0),
        seed=1,
        parts=[
            Part(name="floor", size=(6.0, 0.1, 5.0), position=(0.0, -0.1, 0.0), label="floor"),
            Part(name="ceiling", size=(6.0, 0.1, 5.0), position=(0.0, 2.8, 0.0), label="ceiling"),
            Part(name="wall_n", size=(6.0, 2.8, 0.15), position=(0.0, 0.0, -2.5), label="wall"),
            Part(
                name="counter",
                size=(2.0, 0.9, 0.6),
                position=(2.0, 0.0, -2.0),
                rotation_y_deg=90.0,
                label="counter",
            ),
        ],
        items=[
            PlacedItem(
                name="kettle & cup",
                category="prop",
                position=(2.0, 0.9, -2.0),
                size=(0.2, 0.25, 0.2),
                surface="counter",
            )
        ],
        marks=[
            Mark(name="A", position=(-1.0, 0.0, 0.0), facing_deg=90.0),
            Mark(name="B", position=(1.0, 0.0, 0.0), facing_deg=270.0),
        ],
    )


def test_shotlist_lists_every_shot_and_escapes(plan: ShotPlan) -> None:
    page = shotlist_html(plan)
    assert page.startswith("<!DOCTYPE html>")
    for shot in plan.shots:
        assert f"<td>{shot.id}</td>" in page
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in page
    assert "<h2>Scene 12</h2>" in page and "<h2>Scene 13</h2>" in page
    # 12A is 72 frames and 12B 48 at 24 fps: 3 s and 2 s, 5 s for the scene, 6 s in all.
    assert '<td class="num">3.00</td>' in page
    assert '<td class="num">5.00</td>' in page
    assert "3 shots in 2 scenes, 6.00 s at 24 fps." in page
    assert page.index("12B") < page.index("13A")
    assert shotlist_html(plan) == page


def test_shotlist_rejects_bad_fps(plan: ShotPlan) -> None:
    with pytest.raises(ValueError, match="fps"):
        shotlist_html(plan.model_copy(update={"fps": 0.0}))


def test_scene_plot_parses_and_marks_each_shot(asset: SetAsset, plan: ShotPlan) -> None:
    svg = scene_plot_svg(asset, plan, "12")
    root = ET.fromstring(svg)
    assert root.get("viewBox", "").startswith("0 0 800.00 ")

    def of_class(cls: str) -> list[ET.Element]:
        return [el for el in root.iter() if cls in (el.get("class") or "").split()]

    cameras = of_class("camera")
    assert sorted(el.get("id") for el in cameras) == ["camera-12A", "camera-12B"]
    assert len(of_class("wedge")) == 2
    assert len(of_class("camera-move")) == 1  # only 12B dollies
    assert sorted(el.text for el in of_class("mark-label")) == ["A", "B"]
    assert sorted(el.text for el in of_class("path-label")) == ["ANNA", "BEN"]
    assert [el.text for el in of_class("item-label")] == ["kettle & cup"]
    # The ceiling would hide the plan from above; the floor is drawn under the walls.
    parts = of_class("part")
    assert [el.get("class") for el in parts] == [
        "part part-floor",
        "part part-wall",
        "part part-counter",
    ]
    assert parts[2].get("transform", "").startswith("rotate(-90.00 ")
    assert root.find(f"{SVG}title").text == "INT. KITCHEN <night>, scene 12"


def test_scene_plot_wedge_matches_lens(asset: SetAsset, plan: ShotPlan) -> None:
    root = ET.fromstring(scene_plot_svg(asset, plan, "12"))
    wedge = next(el for el in root.iter(f"{SVG}polygon") if el.get("class") == "wedge")
    points = [tuple(map(float, p.split(","))) for p in wedge.get("points", "").split()]
    (ax, ay), first, last = points[0], points[1], points[-1]
    # 12A looks north (up the page) on a 24 mm lens: its wedge spans the lens's FOV.
    spread = math.atan2(last[1] - ay, last[0] - ax) - math.atan2(first[1] - ay, first[0] - ax)
    assert abs(spread) == pytest.approx(2 * math.atan(24.89 / 2 / 24.0), abs=1e-3)
    mid = points[len(points) // 2]
    assert mid[0] == pytest.approx(ax, abs=0.02) and mid[1] < ay


def test_scene_plot_is_deterministic(asset: SetAsset, plan: ShotPlan) -> None:
    assert scene_plot_svg(asset, plan, "12") == scene_plot_svg(asset, plan, "12")
    other = scene_plot_svg(asset, plan, "13")
    root = ET.fromstring(other)
    assert [el.get("id") for el in root.iter(f"{SVG}circle") if el.get("class") == "camera"] == [
        "camera-13A"
    ]
