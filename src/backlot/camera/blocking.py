"""Blocking: where each character stands and moves over a scene, as floor keyframes.

Everyone starts on a mark (A, B, … in cast order); people beyond the marks stand 0.8 m off
one. The breakdown's action requirements move them at the time their action line plays:
enter and exit cross 3 m beyond the nearest door (or the walkable zone's nearest edge),
walk/run/chase cross the walkable zone, the rest (sit, fall, drive…) stay put. Speakers of
a dialogue exchange turn to face each other when a speech starts. Paths are straight
segments that go round placed items by a corner of the item's footprint.

Headings follow world/models.py: 0 faces +Z, 90 faces +X. Keys hold (frame, x, z, facing);
a segment's facing is that of the key it ends on (the walker looks where they go).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from itertools import pairwise

from backlot.breakdown.models import SceneBreakdown
from backlot.camera.framing import landmarks
from backlot.camera.models import CharacterPath, SceneTiming, Vec3
from backlot.script.models import Element, ElementType, Scene
from backlot.world.build import Rect, footprint, walkable_zone
from backlot.world.models import CharacterAsset, Opening, SceneSetup, SetAsset, SetKind

WALK_MPS = 1.4
RUN_MPS = 3.5
EXTRA_OFFSET_M = 0.8
"""How far someone without a mark of their own stands from a mark."""
OFFSTAGE_M = 3.0
"""How far beyond a door or the walkable zone's edge an entrance starts and an exit ends."""
ROUTE_MARGIN_M = 0.4
"""How far round an item's footprint a detour's corner lies."""
BODY_M = 0.2
"""Clearance a walker keeps from a footprint: about half a body's width."""
INSET_M = 0.25
"""How far inside the set's bounds a person's centre stays."""

_MOVES = {"walk": WALK_MPS, "run": RUN_MPS, "chase": RUN_MPS, "sprint": RUN_MPS, "flee": RUN_MPS}
_CUE_EXTRAS = re.compile(r"\s*\(.*?\)|\^")

Point = tuple[float, float]


def heading(dx: float, dz: float) -> float:
    """Heading about Y of direction (dx, dz): 0 faces +Z, 90 faces +X."""
    return round(math.degrees(math.atan2(dx, dz)) % 360.0, 1)


def cue_name(text: str) -> str:
    """A character cue without its extensions ("DISPATCH (V.O.)" → "DISPATCH")."""
    return _CUE_EXTRAS.sub("", text).strip().upper()


def speeches(scene: Scene) -> list[tuple[int, str]]:
    """(dialogue element index, speaker's cue name) for every speech of the scene."""
    found: list[tuple[int, str]] = []
    speaker: str | None = None
    for i, element in enumerate(scene.elements):
        if element.type is ElementType.CHARACTER:
            speaker = cue_name(element.text)
        elif element.type is ElementType.DIALOGUE and speaker is not None:
            found.append((i, speaker))
        elif element.type is not ElementType.PARENTHETICAL:
            speaker = None
    return found


def element_at_line(elements: list[Element], line: int) -> int | None:
    """Index of the element whose source lines include `line`."""
    for i, element in enumerate(elements):
        if element.line <= line <= element.line + element.text.count("\n"):
            return i
    return None


def pose_at(path: CharacterPath, frame: int) -> tuple[float, float, float]:
    """(x, z, facing) at a frame: position linear between keys, facing of the key ahead."""
    keys = path.keys
    if frame <= keys[0][0]:
        return keys[0][1:]
    for a, b in pairwise(keys):
        if frame <= b[0]:
            t = (frame - a[0]) / max(1, b[0] - a[0])
            return (a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t, b[3])
    return keys[-1][1:]


def seated_at(path: CharacterPath, frame: int) -> bool:
    """Whether the character sits at a frame."""
    return any(start <= frame < end for start, end in path.seated)


def landmarks_at(path: CharacterPath, frame: int, height_m: float) -> dict[str, Vec3]:
    """World positions of a character's landmarks (LANDMARKS) at a frame, seated or not."""
    x, z, _ = pose_at(path, frame)
    return {name: (x, y, z) for name, y in landmarks(height_m, seated_at(path, frame)).items()}


def _segment_hits(p: Point, q: Point, rect: Rect) -> bool:
    """Whether segment p–q passes through the open rectangle (Liang–Barsky clipping)."""
    x0, z0, x1, z1 = rect
    dx, dz = q[0] - p[0], q[1] - p[1]
    lo, hi = 0.0, 1.0
    for delta, start, low, high in ((dx, p[0], x0, x1), (dz, p[1], z0, z1)):
        if abs(delta) < 1e-12:
            if not low < start < high:
                return False
            continue
        t0, t1 = (low - start) / delta, (high - start) / delta
        lo, hi = max(lo, min(t0, t1)), min(hi, max(t0, t1))
        if lo >= hi:
            return False
    return hi - lo > 1e-9


def _grow(rect: Rect, by: float) -> Rect:
    return (rect[0] - by, rect[1] - by, rect[2] + by, rect[3] + by)


class _Stage:
    """The set as blocking sees it: bounds, obstacles, walkable zone, doors."""

    def __init__(self, asset: SetAsset) -> None:
        w, _, d = asset.dimensions
        self.width, self.depth = w, d
        self.bounds: Rect = (-w / 2 + INSET_M, -d / 2 + INSET_M, w / 2 - INSET_M, d / 2 - INSET_M)
        self.zone = walkable_zone(asset.kind, asset.dimensions)
        self.obstacles = [_grow(footprint(item), BODY_M) for item in asset.items]
        self.doors = [o for o in asset.openings if o.kind == "door"]

    def clamp(self, p: Point) -> Point:
        x0, z0, x1, z1 = self.bounds
        return (min(max(p[0], x0), x1), min(max(p[1], z0), z1))

    def free(self, p: Point) -> bool:
        x0, z0, x1, z1 = self.bounds
        inside = x0 <= p[0] <= x1 and z0 <= p[1] <= z1
        return inside and not any(r[0] < p[0] < r[2] and r[1] < p[1] < r[3] for r in self.obstacles)

    def route(self, p: Point, q: Point, depth: int = 3) -> list[Point]:
        """Waypoints after p up to q, detouring by a corner round each item in the way."""
        blocking = [r for r in self.obstacles if _segment_hits(p, q, r)]
        if not blocking or depth == 0:
            return [q]
        # The item first met along the way is the one to go round.
        rect = min(blocking, key=lambda r: math.dist(p, ((r[0] + r[2]) / 2, (r[1] + r[3]) / 2)))
        x0, z0, x1, z1 = _grow(rect, ROUTE_MARGIN_M - BODY_M)
        corners = [self.clamp(c) for c in ((x0, z0), (x1, z0), (x1, z1), (x0, z1))]
        best: list[Point] | None = None
        for c in sorted(corners, key=lambda c: (math.dist(p, c) + math.dist(c, q), c)):
            if not _segment_hits(p, c, rect) and not _segment_hits(c, q, rect):
                best = [*self.route(p, c, depth - 1), *self.route(c, q, depth - 1)]
                break
        if best is None:
            # No single corner sees both ends: go round two adjacent corners.
            pairs = [(corners[i], corners[(i + 1) % 4]) for i in range(4)]
            pairs += [(b, a) for a, b in pairs]

            def around(ab: tuple[Point, Point]) -> float:
                return math.dist(p, ab[0]) + math.dist(*ab) + math.dist(ab[1], q)

            a, b = min(pairs, key=lambda ab: (around(ab), ab))
            best = [*self.route(p, a, depth - 1), b, *self.route(b, q, depth - 1)]
        return best

    def door_point(self, door: Opening, out: float) -> Point:
        """A point on the line through a door, `out` metres beyond the wall (negative: in)."""
        hw, hd = self.width / 2, self.depth / 2
        if door.wall == "north":
            return (door.offset, -hd - out)
        if door.wall == "south":
            return (door.offset, hd + out)
        if door.wall == "east":
            return (hw + out, door.offset)
        return (-hw - out, door.offset)

    def offstage(self, p: Point) -> list[Point]:
        """The way off stage from p: [just inside the door, beyond it], or [beyond the edge].

        A door's far side is the only place a path leaves the set's bounds: the character
        is behind the wall there, out of the set.
        """
        if self.doors:
            door = min(self.doors, key=lambda d: (math.dist(p, self.door_point(d, 0.0)), d.offset))
            return [self.door_point(door, -0.5), self.door_point(door, OFFSTAGE_M)]
        x0, z0, x1, z1 = self.zone
        edges = [
            (p[0] - x0, (x0 - OFFSTAGE_M, p[1])),
            (x1 - p[0], (x1 + OFFSTAGE_M, p[1])),
            (p[1] - z0, (p[0], z0 - OFFSTAGE_M)),
            (z1 - p[1], (p[0], z1 + OFFSTAGE_M)),
        ]
        # The nearest edge whose off-stage point is clear of items (a parked car, a crate).
        outs = [self.clamp(point) for _, point in sorted(edges)]
        return [next((point for point in outs if self.free(point)), outs[0])]

    def across(self, p: Point, k: int) -> Point:
        """A free point across the walkable zone from p: its farthest corner, stepped in
        EXTRA_OFFSET_M per companion `k` so people moving together do not meet."""
        x0, z0, x1, z1 = self.zone
        x0, z0, x1, z1 = x0 + INSET_M, z0 + INSET_M, x1 - INSET_M, z1 - INSET_M
        corners = [(x0, z0), (x1, z0), (x1, z1), (x0, z1)]
        far = max(corners, key=lambda c: (math.dist(p, c), c))
        cx, cz = (x0 + x1) / 2, (z0 + z1) / 2
        length = math.dist(far, (cx, cz)) or 1.0
        step = EXTRA_OFFSET_M * k / length
        target = (far[0] + (cx - far[0]) * step, far[1] + (cz - far[1]) * step)
        return self.clamp(target)


class _Track:
    """One character's keys as they are written, in frame order."""

    def __init__(self, character: str, height: float, start: Point, facing: float) -> None:
        self.path = CharacterPath(
            character=character, keys=[(0, start[0], start[1], facing)], height_m=height
        )

    @property
    def busy_until(self) -> int:
        return self.path.keys[-1][0]

    def position(self) -> Point:
        return self.path.keys[-1][1], self.path.keys[-1][2]

    def add(self, frame: int, p: Point, facing: float) -> None:
        last = self.path.keys[-1]
        key = (frame, round(p[0], 3), round(p[1], 3), facing)
        if frame == last[0]:
            self.path.keys[-1] = key
        else:
            self.path.keys.append(key)

    def travel(self, frame: int, waypoints: list[Point], speed: float, fps: float) -> None:
        """Walk the waypoints from the current position, leaving at `frame`."""
        frame = max(frame, self.busy_until)
        here = self.position()
        self.add(frame, here, self.path.keys[-1][3])
        seconds = 0.0
        for point in waypoints:
            seconds += math.dist(here, point) / speed
            if math.dist(here, point) > 1e-6:
                facing = heading(point[0] - here[0], point[1] - here[1])
                self.add(frame + max(1, round(seconds * fps)), point, facing)
            here = point

    def face(self, frame: int, facing: float) -> None:
        """Turn to `facing` at `frame`, holding the old facing until the frame before."""
        last = self.path.keys[-1]
        if abs((facing - last[3] + 180.0) % 360.0 - 180.0) < 0.05:
            return
        if frame - 1 > last[0]:
            self.add(frame - 1, self.position(), last[3])
        self.add(max(frame, last[0]), self.position(), facing)


def _starts(stage: _Stage, asset: SetAsset, count: int) -> list[tuple[Point, float]]:
    """Start spot and facing for each of `count` people: marks, then 0.8 m off them."""
    marks = [((m.position[0], m.position[2]), m.facing_deg) for m in asset.marks]
    if not marks:
        cx, cz = (stage.zone[0] + stage.zone[2]) / 2, (stage.zone[1] + stage.zone[3]) / 2
        marks = [((cx, cz), 180.0)]
    spots = list(marks[:count])
    for i in range(len(spots), count):
        (mx, mz), facing = marks[i % len(marks)]
        spot = (mx, mz)
        for step in range(8):
            angle = math.radians(45.0 * step + 90.0)
            candidate = (
                mx + EXTRA_OFFSET_M * math.sin(angle),
                mz + EXTRA_OFFSET_M * math.cos(angle),
            )
            if stage.free(candidate) and all(math.dist(candidate, s) >= 0.5 for s, _ in spots):
                spot = candidate
                break
        spots.append((spot, facing))
    return spots


def block_scene(
    setup: SceneSetup,
    set_asset: SetAsset,
    characters: Iterable[CharacterAsset],
    breakdown_scene: SceneBreakdown,
    timing: SceneTiming,
    scene: Scene,
    fps: float = 24.0,
) -> list[CharacterPath]:
    """Each cast member's floor path over the scene, in `setup.cast` order."""
    stage = _Stage(set_asset)
    assets = {c.id: c for c in characters}
    ids_by_name = {assets[cid].name.upper(): cid for cid in setup.cast if cid in assets}
    tracks: dict[str, _Track] = {}
    for cid, (spot, facing) in zip(
        setup.cast, _starts(stage, set_asset, len(setup.cast)), strict=True
    ):
        height = assets[cid].look.height_m if cid in assets else 1.7
        tracks[cid] = _Track(cid, height, spot, facing)

    events: list[tuple[int, int, str, list[str]]] = []  # (frame, order, verb, ids)
    for order, action in enumerate(breakdown_scene.actions):
        index = element_at_line(scene.elements, action.line)
        ids = [ids_by_name[n.upper()] for n in action.characters if n.upper() in ids_by_name]
        if index is not None and ids:
            events.append((timing.element_frames[index][0], order, action.verb, ids))
    previous: str | None = None
    for order, (index, name) in enumerate(speeches(scene)):
        speaker = ids_by_name.get(name)
        if speaker is not None:
            events.append(
                (
                    timing.element_frames[index][0],
                    len(breakdown_scene.actions) + order,
                    "speak",
                    [speaker],
                )
            )
            if previous is not None and previous != speaker:
                events[-1][3].append(previous)
            previous = speaker
    events.sort(key=lambda e: (e[0], e[1]))

    # An entrance before a character's first speech, action or mention in the action
    # starts them off stage; a later one (getting into a car after talking, "CLOSE ON
    # Edward's hand" before he climbs into the tub) leaves them where they are. An exit
    # leaves the set only after their last: one before it ("steps out of the truck",
    # then talks) keeps them on the set, where the shots of their lines can see them.
    marks: dict[str, Point] = {}
    seen: set[str] = set()
    mentioned = _first_mentions(scene, timing, ids_by_name)
    last_event = {cid: k for k, (_, _, _, ids) in enumerate(events) for cid in ids}
    for frame, _, verb, ids in events:
        for cid in ids:
            if verb == "enter" and cid not in seen and mentioned.get(cid, frame) >= frame:
                track = tracks[cid]
                marks[cid] = track.position()
                x, z = stage.offstage(marks[cid])[-1]
                facing = heading(marks[cid][0] - x, marks[cid][1] - z)
                track.path.keys[0] = (0, round(x, 3), round(z, 3), facing)
            seen.add(cid)

    for k, (frame, _, verb, ids) in enumerate(events):
        if verb == "speak":
            _face_pair(tracks, ids, frame)
        elif verb == "enter":
            for cid in ids:
                if cid in marks:
                    mark = marks.pop(cid)
                    track = tracks[cid]
                    # In by the way out, reversed: through the doorway, then to the mark.
                    way = [*reversed(stage.offstage(mark)[:-1]), mark]
                    track.travel(frame, _routed(stage, track.position(), way), WALK_MPS, fps)
        elif verb == "exit":
            leaving = [tracks[c] for c in ids if last_event[c] == k]
            if not leaving:
                continue
            # People who leave together go out by one way: the one nearest them all.
            points = [track.position() for track in leaving]
            centre = (
                sum(p[0] for p in points) / len(points),
                sum(p[1] for p in points) / len(points),
            )
            way = stage.offstage(centre)
            for track in leaving:
                track.travel(frame, _routed(stage, track.position(), way), WALK_MPS, fps)
        elif verb in _MOVES:
            for k, cid in enumerate(ids):
                track = tracks[cid]
                target = stage.across(track.position(), k)
                track.travel(frame, stage.route(track.position(), target), _MOVES[verb], fps)
    paths = [tracks[cid].path for cid in setup.cast]
    return [
        path.model_copy(update={"seated": _seated(path.character, events, set_asset, timing)})
        for path in paths
    ]


def _first_mentions(
    scene: Scene, timing: SceneTiming, ids_by_name: dict[str, str]
) -> dict[str, int]:
    """The frame each character is first named in the scene's action."""
    found: dict[str, int] = {}
    words = {name: re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE) for name in ids_by_name}
    for index, element in enumerate(scene.elements):
        if element.type is not ElementType.ACTION:
            continue
        for name, pattern in words.items():
            if ids_by_name[name] not in found and pattern.search(element.text):
                found[ids_by_name[name]] = timing.element_frames[index][0]
    return found


def _seated(
    character: str,
    events: list[tuple[int, int, str, list[str]]],
    asset: SetAsset,
    timing: SceneTiming,
) -> list[tuple[int, int]]:
    """When a character sits: all scene in a vehicle, else from each 'sit' to the next
    'stand' (or the scene's end)."""
    if asset.kind is SetKind.VEHICLE:
        return [(0, timing.frames)]
    ranges: list[tuple[int, int]] = []
    since: int | None = None
    for frame, _, verb, ids in events:
        if character not in ids:
            continue
        if verb == "sit" and since is None:
            since = frame
        elif verb in ("stand", "enter", "exit", *_MOVES) and since is not None:
            ranges.append((since, frame))
            since = None
    if since is not None:
        ranges.append((since, timing.frames))
    return ranges


def _routed(stage: _Stage, start: Point, waypoints: list[Point]) -> list[Point]:
    """The waypoints, each leg detoured round the items in its way."""
    way: list[Point] = []
    here = start
    for point in waypoints:
        way += stage.route(here, point)
        here = point
    return way


def _face_pair(tracks: dict[str, _Track], ids: list[str], frame: int) -> None:
    """A speaker and the one they answer turn to face each other, unless either is moving."""
    if len(ids) < 2 or any(tracks[cid].busy_until > frame for cid in ids):
        return
    a, b = tracks[ids[0]], tracks[ids[1]]
    (ax, az), (bx, bz) = a.position(), b.position()
    if math.dist((ax, az), (bx, bz)) < 1e-6:
        return
    a.face(frame, heading(bx - ax, bz - az))
    b.face(frame, heading(ax - bx, az - bz))
