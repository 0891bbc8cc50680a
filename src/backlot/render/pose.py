"""Posing the mannequin: walk, sit and talk as rigid rotations of its skeleton's bones.

A character's mannequin is a set of rigid parts, each riding one joint of its OpenPose
BODY-18 skeleton (`world.meshes.mannequin_rig`). Posing gives every joint a 4×4 matrix
that takes the rest-pose, character-space points of the parts riding it to world space:
forward kinematics over the skeleton's parent tree, each joint turning about its own rest
position, then the whole body turned to its heading and stood on its floor position.

Conventions follow world/models.py and world/meshes.py: metres, Y up, the character faces
+Z at rest with its right side towards -X, and a heading θ takes +Z to (sin θ, 0, cos θ).
Joint rotations in the body's sagittal plane are about its X axis; a positive *flexion*
swings a hanging limb forwards (towards +Z), except at the knee, whose flexion folds the
shin backwards, and the foot, whose pitch tips the toes down.

The walk is planned from the feet: each ankle follows a path that keeps its foot planted
on the floor through stance (rolling up onto the toes at the end of it) and lifts it
clear through swing, the hips ride as high as both legs allow, and two-bone inverse
kinematics turns that into hip and knee angles. So feet neither slide nor sink, whatever
the walking speed, as long as the phase advances with the distance walked (`pose_state`).

The renderer calls this for every character on every frame, so everything that depends
only on the character (rest positions, the tree's levels, bone lengths) is computed once
in a `Rig`; a frame costs a few dozen small numpy operations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

import numpy as np

from backlot.camera.blocking import pose_at
from backlot.camera.models import CharacterPath
from backlot.world.models import CharacterAsset

# Gait timing and amplitudes after J. Perry & J. M. Burnfield, "Gait Analysis: Normal and
# Pathological Function", 2nd ed. (2010): stance takes 60 % of the cycle and swing 40 %,
# the heel rises from about 30 % of the cycle (terminal stance), the knee flexes to about
# 60° early in swing, the thigh swings about 20-25° either side of vertical and the arms
# swing opposite to the legs.
STEP_FRACTION = 0.415
"""Step length as a fraction of standing height: the usual rule for adults walking at
their own pace (0.413 × height for women, 0.415 for men); a stride is two steps."""
STANCE_SHARE = 0.6
"""Share of the gait cycle a foot spends on the ground."""
HEEL_OFF = 0.5
"""Share of stance after which the heel rises (terminal stance begins)."""
CONTACT_SHARE = 0.34
"""How far ahead of the hip a foot lands, as a share of the distance it then travels
back under the body: the rest of that travel is behind the hip, where the rising heel
lengthens the leg. Chosen so that the hips dip by about 3 % of height (5 cm at 1.75 m),
the vertical excursion of the pelvis in normal walking."""
TOE_OFF_PITCH_DEG = 40.0
"""Foot pitch (toes down, the foot rolling over its toe tip) at toe-off."""
SWING_LIFT = 0.05
"""Peak toe clearance in swing as a fraction of height, early in the swing (SWING_PEAK):
enough that the toe never drags even in a long shot."""
SWING_PEAK = 0.3
"""Where in the swing (0 toe-off, 1 heel strike) the foot is highest."""
KNEE_MIN_DEG = 5.0
"""Least knee flexion in a weight-bearing leg: a fully straight knee has no defined
direction to bend in, and a real one stays slightly flexed at heel strike."""
KNEE_MIDSTANCE_DEG = 10.0
"""Knee flexion of the supporting leg at midstance: caps how high the hips ride."""
ARM_SWING_DEG = 20.0
"""Arm swing either side of vertical at the shoulder, opposite to the same side's leg."""
ELBOW_WALK_DEG = 15.0
"""Elbow flexion while walking; it grows as the arm swings forwards and shrinks behind."""
TOE_FRACTION = 0.114
"""Ankle to toe tip as a fraction of height: `world.meshes` puts the ankle a quarter of
the way along a foot 0.152 × height long, so the toes reach 0.75 × 0.152 ahead."""

WALK_MIN_MPS = 0.2
"""Below this speed a character stands: slower is a shuffle blocking never asks for."""
SPEED_WINDOW_FRAMES = 2
"""Speed is the central difference of the path's position this many frames either side."""

SEAT_HEIGHT_M = 0.45
"""Seated height of the hip joints for a 1.75 m person (scaled with height): a standard
chair's seat (BIFMA X5.1 puts office seats at 0.38-0.56 m), the thighs level on it."""
SEAT_FOR_HEIGHT_M = 1.75
SIT_HIP_DEG = 90.0
"""Hip flexion when seated: thighs level, torso upright."""
SIT_ELBOW_DEG = 60.0
"""Elbow flexion when seated, which brings the hands down beside the thighs."""

# Speech gestures: a beat of the dominant (right) hand and a smaller one of the other,
# plus a small nod. Frequencies are incommensurate so the motion never visibly repeats,
# and all are around the 1-2 Hz of syllable stress that beat gestures follow.
_GESTURE_RIGHT = ((25.0, 12.0, 0.8, 0.0), (10.0, 5.0, 0.53, 1.0), (70.0, 20.0, 1.1, 0.5))
"""Right arm: (mean, amplitude, Hz, phase) of shoulder flexion, abduction, elbow flexion."""
_GESTURE_LEFT = ((10.0, 6.0, 0.6, 2.0), (5.0, 3.0, 0.47, 0.3), (35.0, 15.0, 0.9, 1.3))
"""Left arm, the same three, smaller."""
_NOD = (0.0, 4.0, 0.7, 0.0)
"""Head pitch about the nose while speaking."""

_MOVING = (
    "nose",
    "r_shoulder",
    "l_shoulder",
    "r_elbow",
    "l_elbow",
    "r_hip",
    "l_hip",
    "r_knee",
    "l_knee",
    "r_ankle",
    "l_ankle",
)
"""The joints that turn, in the order `Rig._angles` lists them; every other joint's parts
follow its parent."""


class Activity(StrEnum):
    """What a pose shows, as a word: the dominant one of a `PoseState`."""

    STAND = "stand"
    WALK = "walk"
    SIT = "sit"
    TALK = "talk"


@dataclass(frozen=True)
class PoseState:
    """Everything that poses a character at one instant."""

    position: tuple[float, float]
    """x, z on the floor, metres."""
    facing_deg: float
    """Heading about Y: 0 faces +Z, 90 faces +X."""
    walk_phase: float | None
    """Gait cycle phase in [0, 1) while walking, None when still. 0 is the right heel
    striking the ground, 0.5 the left; each foot is on the ground for STANCE_SHARE of the
    cycle from its heel strike."""
    sitting: float
    """0 standing … 1 seated; values between blend the sit down."""
    talking: float
    """0..1: how much the character gestures while speaking."""
    time_s: float
    """Scene time; gestures are a deterministic function of it."""

    @property
    def activity(self) -> Activity:
        """The dominant activity: seated, else walking, else talking, else standing."""
        if self.sitting >= 0.5:
            return Activity.SIT
        if self.walk_phase is not None:
            return Activity.WALK
        if self.talking > 0.0:
            return Activity.TALK
        return Activity.STAND


def stride_length(height_m: float) -> float:
    """Distance covered by one gait cycle (two steps) of a person `height_m` tall."""
    return 2.0 * STEP_FRACTION * height_m


def path_speed(path: CharacterPath, frame: int, fps: float) -> float:
    """Floor speed (m/s) around `frame`: central difference over SPEED_WINDOW_FRAMES."""
    half = SPEED_WINDOW_FRAMES
    xa, za, _ = pose_at(path, frame - half)
    xb, zb, _ = pose_at(path, frame + half)
    return math.hypot(xb - xa, zb - za) * fps / (2 * half)


def distance_along(path: CharacterPath, frame: int) -> float:
    """Arc length walked along the keyed polyline from its first key up to `frame`,
    interpolated exactly as `pose_at` interpolates position."""
    total = 0.0
    for a, b in pairwise(path.keys):
        if frame <= a[0]:
            break
        segment = math.hypot(b[1] - a[1], b[2] - a[2])
        if frame >= b[0]:
            total += segment
        else:
            total += segment * (frame - a[0]) / max(1, b[0] - a[0])
            break
    return total


def pose_state(
    path: CharacterPath,
    frame: int,
    fps: float,
    *,
    sitting: float = 0.0,
    talking: float = 0.0,
) -> PoseState:
    """A character's pose state at a scene frame, from its blocking path.

    Walking when the path's speed exceeds WALK_MIN_MPS; the gait phase is the distance
    walked so far over the stride length (for the path's `height_m`), so planted feet keep
    pace with the ground at any speed, and a frame's phase does not depend on where
    rendering started."""
    x, z, facing = pose_at(path, frame)
    phase: float | None = None
    if path_speed(path, frame, fps) > WALK_MIN_MPS:
        phase = (distance_along(path, frame) / stride_length(path.height_m)) % 1.0
    return PoseState(
        position=(float(x), float(z)),
        facing_deg=float(facing),
        walk_phase=phase,
        sitting=sitting,
        talking=talking,
        time_s=frame / fps,
    )


def _wave(mean: float, amplitude: float, hertz: float, phase: float, t: float) -> float:
    """mean + amplitude · sin(2π f t + phase), in degrees."""
    return mean + amplitude * math.sin(2.0 * math.pi * hertz * t + phase)


def _smooth(u: float) -> float:
    """Smoothstep on [0, 1]: eases in and out, so a foot leaves and meets the ground at
    rest relative to it."""
    u = min(max(u, 0.0), 1.0)
    return u * u * (3.0 - 2.0 * u)


class _Leg:
    """A leg's sagittal geometry and its foot's path through the gait cycle, relative to
    the hip: forward `dz` and elevation `up` of the ankle above its standing height."""

    def __init__(self, thigh: float, shin: float, ankle_y: float, height: float) -> None:
        self.thigh, self.shin, self.ankle_y = thigh, shin, ankle_y
        self.toe = TOE_FRACTION * height
        self.stride = stride_length(height)
        travel = STANCE_SHARE * self.stride  # under the body while the foot is planted
        self.travel = travel
        self.contact = CONTACT_SHARE * travel
        self.pitch_max = math.radians(TOE_OFF_PITCH_DEG)
        self.lift = SWING_LIFT * height
        self.peak_power = math.log(0.5) / math.log(SWING_PEAK)
        # Longest hip-to-ankle reach when weight-bearing, and the cap at midstance.
        self.reach = self._span(KNEE_MIN_DEG)
        self.highest = self._span(KNEE_MIDSTANCE_DEG)
        self.toe_off = self._rolled(self.contact - travel, self.pitch_max)

    def _span(self, knee_deg: float) -> float:
        """Hip-to-ankle distance with the knee flexed `knee_deg` (law of cosines)."""
        a, b = self.thigh, self.shin
        return math.sqrt(a * a + b * b + 2.0 * a * b * math.cos(math.radians(knee_deg)))

    def _rolled(self, dz: float, pitch: float) -> tuple[float, float]:
        """The ankle of a foot planted at `dz` once it has rolled `pitch` over its toe tip,
        which stays put: the ankle rises and moves forwards."""
        c, s = math.cos(pitch), math.sin(pitch)
        return dz + self.ankle_y * s + self.toe * (1.0 - c), self.ankle_y * (c - 1.0) + self.toe * s

    def foot(self, q: float) -> tuple[float, float, float]:
        """(dz, up, pitch) of the ankle at leg phase q in [0, 1), 0 being heel strike."""
        if q < STANCE_SHARE:
            v = q / STANCE_SHARE
            pitch = self.pitch_max * _smooth((v - HEEL_OFF) / (1.0 - HEEL_OFF))
            dz, up = self._rolled(self.contact - self.travel * v, pitch)
            return dz, up, pitch
        u = (q - STANCE_SHARE) / (1.0 - STANCE_SHARE)
        start_dz, _ = self.toe_off
        # The foot itself moves a smooth stride's worth minus its roll; the body meanwhile
        # covers the swing's share of the stride, which is subtracted to make it relative.
        body = (1.0 - STANCE_SHARE) * self.stride
        dz = start_dz + (self.contact - start_dz + body) * _smooth(u) - body * u
        pitch = self.pitch_max * (1.0 - _smooth(2.0 * u))  # level by mid-swing
        # Toe tip above the floor by the clearance bump: rolled height plus the bump.
        _, rolled_up = self._rolled(0.0, pitch)
        up = rolled_up + self.lift * math.sin(math.pi * u**self.peak_power)
        return dz, up, pitch

    def angles(self, dz: float, drop: float) -> tuple[float, float]:
        """Thigh angle from vertical (forward +) and knee flexion, radians, that put the
        ankle `dz` ahead of and `drop` below the hip: two-bone inverse kinematics, the knee
        bending forwards of the hip-ankle line as a knee does."""
        a, b = self.thigh, self.shin
        d = min(max(math.hypot(dz, drop), abs(a - b) + 1e-9), a + b)
        inner = (a * a + b * b - d * d) / (2.0 * a * b)
        knee = math.pi - math.acos(min(max(inner, -1.0), 1.0))
        at_hip = (a * a + d * d - b * b) / (2.0 * a * d)
        thigh = math.atan2(dz, drop) + math.acos(min(max(at_hip, -1.0), 1.0))
        return thigh, knee


class Rig:
    """A character's skeleton made ready for posing: built once, posed every frame.

    `matrix_array(state)` gives J×4×4 matrices and `joint_array(state)` J×3 positions in
    the order of `names`, the skeleton's own order (the order the renderer gives bone
    slots); `matrices` and `joints` give the same as dicts by joint name."""

    def __init__(self, character: CharacterAsset) -> None:
        skeleton = character.skeleton
        self.names: tuple[str, ...] = tuple(joint.name for joint in skeleton)
        self.index = {name: i for i, name in enumerate(self.names)}
        missing = [name for name in (*_MOVING, "neck") if name not in self.index]
        if missing:
            raise ValueError(f"{character.id}: skeleton lacks joints {', '.join(missing)}")
        count = len(skeleton)
        self.rest = np.array([joint.position for joint in skeleton], dtype=float)
        self._rest_h = np.concatenate([self.rest, np.ones((count, 1))], axis=1)[:, :, None]
        parent = [-1 if j.parent is None else self.index[j.parent] for j in skeleton]
        depth = [0] * count
        for i in range(count):
            k, seen = parent[i], 0
            while k >= 0:
                depth[i], k, seen = depth[i] + 1, parent[k], seen + 1
                if seen > count:
                    raise ValueError(f"{character.id}: skeleton's parents form a cycle")
        # Internally the joints are sorted by depth, so each level of the tree is one
        # contiguous block composed with its parents in one batched product.
        order = sorted(range(count), key=lambda i: depth[i])
        slot = {joint: k for k, joint in enumerate(order)}
        self._to_skeleton = np.array([slot[i] for i in range(count)])
        self._levels = []
        for d in range(1, max(depth) + 1):
            level = [k for k, i in enumerate(order) if depth[i] == d]
            parents = np.array([slot[parent[order[k]]] for k in level])
            self._levels.append((slice(level[0], level[-1] + 1), parents))
        self._moving = np.array([slot[self.index[name]] for name in _MOVING])
        self._moving_rest = self.rest[[self.index[name] for name in _MOVING]][:, :, None]
        self._eye = np.broadcast_to(np.eye(4), (count, 4, 4)).copy()
        self._ankles = np.array([self.index["r_ankle"], self.index["l_ankle"]])
        self._ankle_slots = self._moving[[_MOVING.index("r_ankle"), _MOVING.index("l_ankle")]]
        ankle_y = float(self.rest[self._ankles, 1].min())
        self._ankle_y = ankle_y
        hip, knee, ankle = (self.rest[self.index[f"r_{n}"]] for n in ("hip", "knee", "ankle"))
        thigh = float(np.linalg.norm(knee - hip))
        shin = float(np.linalg.norm(ankle - knee))
        height = character.look.height_m
        self._hip_above_ankle = float(hip[1]) - ankle_y
        self._leg = _Leg(thigh, shin, ankle_y, height)
        # Sitting: thighs level at seat height and feet flat on the floor, so the shin
        # slants forwards by whatever angle makes up the difference in height.
        seat = SEAT_HEIGHT_M * height / SEAT_FOR_HEIGHT_M
        drop = min(max(seat - ankle_y, 0.0), shin)
        self._sit_knee_deg = SIT_HIP_DEG - math.degrees(math.acos(drop / shin)) if shin else 0.0
        self._last: tuple[PoseState, np.ndarray] | None = None

    def _gait(self, phase: float) -> tuple[list[float], list[float], list[float], float]:
        """Thigh angles, knee flexions and foot pitches (radians, right then left) and
        the hips' height above the ankles' standing height, at a gait phase."""
        leg = self._leg
        feet = [leg.foot(phase % 1.0), leg.foot((phase + 0.5) % 1.0)]
        # The hips ride as high as both legs reach, and no higher than midstance's.
        hips = leg.highest
        for dz, up, _ in feet:
            hips = min(hips, up + math.sqrt(max(leg.reach**2 - dz * dz, 0.0)))
        thighs, knees, pitches = [], [], []
        for dz, up, pitch in feet:
            thigh, knee = leg.angles(dz, hips - up)
            thighs.append(thigh)
            knees.append(knee)
            pitches.append(pitch)
        return thighs, knees, pitches, hips

    def _angles(self, state: PoseState) -> tuple[list[float], list[float], float | None]:
        """Local rotations of each of _MOVING about X (flexion) and Z (abduction), signed
        as rotations (radians; Rx(+α) takes a hanging limb backwards), and the hips'
        height above the ankles' standing height if the gait decides it."""
        rad = math.radians
        sit = min(max(state.sitting, 0.0), 1.0)
        talk = min(max(state.talking, 0.0), 1.0)
        # Flexions, radians, forwards positive (knees: folding the shin back; feet: toes
        # down), right then left.
        hip = [rad(SIT_HIP_DEG) * sit] * 2
        knee = [rad(self._sit_knee_deg) * sit] * 2
        foot = [0.0, 0.0]
        shoulder = [0.0, 0.0]
        abduction = [0.0, 0.0]
        elbow = [rad(SIT_ELBOW_DEG) * sit] * 2
        nod = 0.0
        hips: float | None = None
        walk = 1.0 - sit if state.walk_phase is not None else 0.0
        if walk > 0.0:
            phase = state.walk_phase or 0.0
            thighs, knees, pitches, hips = self._gait(phase)
            # Each arm swings opposite to the leg on its own side: back as its foot lands.
            arm = -math.cos(2.0 * math.pi * phase)
            for side, swing in ((0, arm), (1, -arm)):
                hip[side] += walk * thighs[side]
                knee[side] += walk * knees[side]
                foot[side] += walk * pitches[side]
                shoulder[side] += walk * rad(ARM_SWING_DEG) * swing
                elbow[side] += walk * rad(ELBOW_WALK_DEG) * (1.0 + 0.6 * swing)
            if sit > 0.0:
                hips = None  # a blend: stand on the lower foot instead
        if talk > 0.0:
            t = state.time_s
            for side, gesture in ((0, _GESTURE_RIGHT), (1, _GESTURE_LEFT)):
                flex, out, bend = (rad(_wave(*wave, t)) for wave in gesture)
                shoulder[side] += talk * flex
                abduction[side] += talk * out
                elbow[side] += talk * bend
            nod = talk * rad(_wave(*_NOD, t))
        # Forward flexion is Rx(-α), the knee folds back with Rx(+α), and each ankle
        # undoes its leg's pitch before tipping the toes, so the foot is level unless
        # rolling (flat on the floor in stance and when seated).
        flexion = [
            nod,
            -shoulder[0],
            -shoulder[1],
            -elbow[0],
            -elbow[1],
            -hip[0],
            -hip[1],
            knee[0],
            knee[1],
            hip[0] - knee[0] + foot[0],
            hip[1] - knee[1] + foot[1],
        ]
        # Abduction lifts an arm sideways, away from the body: the right arm hangs at -X,
        # so it turns by Rz(-α), the left by Rz(+α).
        sideways = [0.0, -abduction[0], abduction[1], *([0.0] * 8)]
        return flexion, sideways, hips

    def _pose(self, state: PoseState) -> np.ndarray:
        """J×4×4 world matrices, remembered for the last state: a renderer asks for the
        matrices and then the joints of the same pose. Callers must not modify it."""
        last = self._last
        if last is not None and last[0] == state:
            return last[1]
        posed = self._compute(state)
        self._last = (state, posed)  # one assignment: safe to share between threads
        return posed

    def _compute(self, state: PoseState) -> np.ndarray:
        """J×4×4 world matrices."""
        flexion, sideways, hips = self._angles(state)
        # R = Rx(flexion) @ Rz(sideways), written out; a dozen joints are quicker in
        # plain floats than through numpy's per-call overhead.
        cos, sin = math.cos, math.sin
        rows = []
        for x, z in zip(flexion, sideways, strict=True):
            cx, sx, cz, sz = cos(x), sin(x), cos(z), sin(z)
            rows.append((cz, -sz, 0.0, cx * sz, cx * cz, -sx, sx * sz, sx * cz, cx))
        rot = np.array(rows).reshape(-1, 3, 3)
        body = self._eye.copy()
        body[self._moving, :3, :3] = rot
        # A rotation about the joint's rest position p: x → R x + (p - R p).
        body[self._moving, :3, 3] = (self._moving_rest - rot @ self._moving_rest)[:, :, 0]
        for joints, parents in self._levels:
            body[joints] = body[parents] @ body[joints]
        if hips is not None:
            lift = hips - self._hip_above_ankle
        else:
            # Stand on the lower ankle: bent legs lower the body, the foot stays down.
            ankle = body[self._ankle_slots, 1, :] * self._rest_h[self._ankles, :, 0]
            lift = self._ankle_y - float(ankle.sum(axis=1).min())
        theta = math.radians(state.facing_deg)
        c, s = math.cos(theta), math.sin(theta)
        x, z = state.position
        # Turn as world.meshes.rotate_y does (+Z → (sin θ, 0, cos θ)), then place.
        world = np.array(
            [[c, 0.0, s, x], [0.0, 1.0, 0.0, lift], [-s, 0.0, c, z], [0.0, 0.0, 0.0, 1.0]]
        )
        return world @ body[self._to_skeleton]

    def matrix_array(self, state: PoseState) -> np.ndarray:
        """J×4×4 world matrices in `names` order: world = M[j] @ rest point of a part
        riding joint j (homogeneous, column vector). A fresh array, the caller's own."""
        return self._pose(state).copy()

    def joint_array(self, state: PoseState) -> np.ndarray:
        """J×3 posed world positions in `names` order. A joint turns about itself, so its
        own matrix and its parent's put it at the same place: the end of its parent bone."""
        return (self._pose(state) @ self._rest_h)[:, :3, 0]

    def matrices(self, state: PoseState) -> dict[str, np.ndarray]:
        """Joint name → 4×4 world matrix (views of one fresh array)."""
        return dict(zip(self.names, self.matrix_array(state), strict=True))

    def joints(self, state: PoseState) -> dict[str, np.ndarray]:
        """Joint name → posed world position (3,)."""
        return dict(zip(self.names, self.joint_array(state), strict=True))


_RIGS: dict[tuple[str, float, str, int], Rig] = {}
_RIG_CACHE_SIZE = 256


def rig_of(character: CharacterAsset) -> Rig:
    """The character's `Rig`, built once and cached by id, height, build and joint count
    (what decides its skeleton in `world/cast.py`)."""
    key = (character.id, character.look.height_m, character.look.build, len(character.skeleton))
    rig = _RIGS.get(key)
    if rig is None:
        if len(_RIGS) >= _RIG_CACHE_SIZE:
            _RIGS.clear()
        rig = _RIGS[key] = Rig(character)
    return rig


def joint_matrices(character: CharacterAsset, state: PoseState) -> dict[str, np.ndarray]:
    """Every skeleton joint's name → 4×4 matrix taking rest character-space points of the
    parts riding that joint to world space, for this pose."""
    return rig_of(character).matrices(state)


def posed_joints(character: CharacterAsset, state: PoseState) -> dict[str, np.ndarray]:
    """Every skeleton joint's name → its world position (3,) in this pose."""
    return rig_of(character).joints(state)
