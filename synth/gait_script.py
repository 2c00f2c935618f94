"""Scripted walking with exact truth: normal gait and drop-foot gait, across the frame or on a treadmill.

The walk is built from where the feet are, so the truth holds by construction:
- each foot is placed on the floor at its initial contact (phase 0 of its cycle), rolls flat over its heel, stays
  flat, then rolls up over its toe until toe-off (phase `stance_ratio`);
- in swing the ankle travels from its toe-off position to its next contact position (minimum-jerk forward, lifted
  in between) with a scripted ankle angle; the foot hangs from the ankle at that angle and the shank's tilt;
- the pelvis travels at the walking speed and bobs twice per cycle; hips and knees follow by two-link inverse
  kinematics, so the leg lengths never change.

Drop foot: the affected ankle stays `drop_plantarflexion_deg` plantarflexed through swing and at contact (a flat or
toes-first landing, a lower toe in swing, dragging when the swing is not lifted); `steppage` lifts that ankle higher
in swing, so its hip and knee flex more. On a treadmill the belt carries everything back at the walking speed.

Truth: contact and toe-off times per leg, which end of the foot lands first, the true ankle angle each frame,
toe clearance per swing, and which leg's steps carry foot drop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from synth.skeleton import BodyProportions

LEGS: tuple[str, str] = ("left", "right")

#: Shapes of the scripted gait, one place, units in names.
THRESHOLDS: dict[str, float] = {
    # Stance share of the cycle: 0.64 at 0.6 m/s down to 0.60 at 1.2 m/s and faster.
    "stance_ratio_slow": 0.64,
    "stance_ratio_fast": 0.60,
    # At contact the heel lands this share of a stride ahead of the pelvis (the rest of the stride's travel is
    # behind it, under the stance foot).
    "heel_ahead_stride_ratio": 0.2,
    # Foot tilt at a normal heel strike (toes up) and at toe-off (toes down).
    "contact_pitch_deg": 20.0,
    "toe_off_pitch_deg": 60.0,
    # The heel rolls the foot flat over this share of the cycle; the heel rises this long before toe-off.
    "loading_ratio": 0.08,
    "heel_rise_ratio": 0.22,
    # Ankle lift in mid-swing above the straight path; steppage adds this much.
    "swing_lift_m": 0.06,
    "steppage_lift_m": 0.09,
    # Normal ankle in swing (slightly toes up) and at contact.
    "swing_ankle_deg": 3.0,
    "contact_ankle_deg": 0.0,
    # Pelvis bob, up at mid-stance, down at double support.
    "pelvis_bob_m": 0.035,
    # The leg is never straighter than this share of thigh + shank (a locked knee hides the knee's angle).
    "leg_reach_ratio": 0.995,
    # A foot dragging in swing keeps its toe this high (it slides on the floor).
    "drag_height_m": 0.002,
    # Contact kind: heel first above this foot tilt, toes first below minus it, flat between.
    "contact_kind_pitch_deg": 3.0,
}


def min_jerk(u: np.ndarray) -> np.ndarray:
    """Smooth 0 -> 1 over u in [0, 1] with zero speed and acceleration at both ends."""
    u = np.clip(u, 0.0, 1.0)
    return 10 * u**3 - 15 * u**4 + 6 * u**5


@dataclass(frozen=True)
class WalkScript:
    """One walk.

    Attributes:
        speed_m_per_s: walking speed (0.6-1.4 typical).
        duration_s: clip length.
        height_m: standing height.
        drop_leg: the leg with foot drop, or None for normal gait.
        drop_plantarflexion_deg: how far the affected ankle stays plantarflexed in swing (10-25).
        steppage: whether the affected leg lifts high in swing to clear the foot.
        treadmill: walk in place on a belt (the pelvis stays) instead of across the frame.
        start_phase: the left leg's gait phase at t = 0 (0 = its initial contact).
        start_x_m: where the pelvis is at t = 0 (overground).
    """

    speed_m_per_s: float = 1.1
    duration_s: float = 5.0
    height_m: float = 1.72
    drop_leg: str | None = None
    drop_plantarflexion_deg: float = 15.0
    steppage: bool = False
    treadmill: bool = False
    start_phase: float = 0.0
    start_x_m: float = 0.0

    def __post_init__(self) -> None:
        if not 0.3 <= self.speed_m_per_s <= 2.0:
            raise ValueError(f"speed_m_per_s must be in [0.3, 2.0], got {self.speed_m_per_s}")
        if self.drop_leg not in (None, *LEGS):
            raise ValueError(f"drop_leg must be None, 'left' or 'right', got {self.drop_leg!r}")
        if not 0 <= self.drop_plantarflexion_deg <= 40:
            raise ValueError(f"drop_plantarflexion_deg must be in [0, 40], got {self.drop_plantarflexion_deg}")

    @property
    def cadence_steps_per_min(self) -> float:
        """Steps per minute: faster walking takes quicker steps as well as longer ones."""
        return 75.0 + 35.0 * self.speed_m_per_s

    @property
    def stride_s(self) -> float:
        """Time of one gait cycle (two steps)."""
        return 120.0 / self.cadence_steps_per_min

    @property
    def stance_ratio(self) -> float:
        """Share of the cycle in stance, longer when slow."""
        th = THRESHOLDS
        w = float(np.clip((self.speed_m_per_s - 0.6) / 0.6, 0.0, 1.0))
        return th["stance_ratio_slow"] + w * (th["stance_ratio_fast"] - th["stance_ratio_slow"])


@dataclass(frozen=True)
class WalkFrames:
    """A walk sampled at times t_s: 2D sagittal points (x forward, y up from the floor, metres), and the truth.

    Attributes:
        t_s: (T,) times.
        points: name -> (T, 2): "pelvis", "shoulder", "ear", "nose", and per leg "<part>_<leg>" for hip, knee,
            ankle, heel, toe, elbow and wrist.
        ankle_deg: leg -> (T,) true ankle dorsiflexion (foot square to the shank is 0, toes up positive).
        knee_flexion_deg, hip_flexion_deg: leg -> (T,) true angles.
        contacts: leg -> initial contact times within the clip, seconds.
        toe_offs: leg -> toe-off times within the clip, seconds.
        contact_kind: leg -> "heel", "flat" or "forefoot" per contact.
        clearance_m: leg -> lowest toe height in the middle half of the swing ending in each contact (NaN when the
            swing began before the clip).
        drop_leg: the leg with foot drop, or None.
    """

    t_s: np.ndarray
    points: dict[str, np.ndarray]
    ankle_deg: dict[str, np.ndarray]
    knee_flexion_deg: dict[str, np.ndarray]
    hip_flexion_deg: dict[str, np.ndarray]
    contacts: dict[str, list[float]]
    toe_offs: dict[str, list[float]]
    contact_kind: dict[str, list[str]]
    clearance_m: dict[str, list[float]]
    drop_leg: str | None


def _dir(deg: np.ndarray | float) -> np.ndarray:
    """Unit vector at `deg` above the forward horizontal."""
    a = np.radians(deg)
    return np.stack([np.cos(a), np.sin(a)], axis=-1)


def _down_dir(deg: np.ndarray | float) -> np.ndarray:
    """Unit vector `deg` forward of straight down."""
    a = np.radians(deg)
    return np.stack([np.sin(a), -np.cos(a)], axis=-1)


class _Body:
    def __init__(self, script: WalkScript, props: BodyProportions) -> None:
        h = script.height_m
        self.thigh, self.shank = props.thigh * h, props.shin * h
        self.foot, self.ankle_h = props.foot * h, props.ankle_height * h

    def ankle_from_heel(self, heel: np.ndarray, pitch_deg: np.ndarray) -> np.ndarray:
        return heel + 0.25 * self.foot * _dir(pitch_deg) + self.ankle_h * _dir(np.asarray(pitch_deg) + 90.0)

    def heel_toe_from_ankle(self, ankle: np.ndarray, pitch_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        heel = ankle - 0.25 * self.foot * _dir(pitch_deg) - self.ankle_h * _dir(np.asarray(pitch_deg) + 90.0)
        return heel, heel + self.foot * _dir(pitch_deg)

    def knee(self, hip: np.ndarray, ankle: np.ndarray) -> np.ndarray:
        """Two-link inverse kinematics, the knee bending forward."""
        d = ankle - hip
        dist = np.clip(np.linalg.norm(d, axis=-1), 1e-6, self.thigh + self.shank - 1e-6)
        u = d / np.linalg.norm(d, axis=-1, keepdims=True)
        cos_a = np.clip((self.thigh**2 + dist**2 - self.shank**2) / (2 * self.thigh * dist), -1.0, 1.0)
        a = np.arccos(cos_a)
        # Turning the hip->ankle line counter-clockwise (x forward, y up) swings the knee forward.
        rot = np.stack([u[..., 0] * np.cos(a) - u[..., 1] * np.sin(a), u[..., 0] * np.sin(a) + u[..., 1] * np.cos(a)],
                       axis=-1)
        return hip + self.thigh * rot


def _from_vertical_deg(upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """Angle of upper->lower from straight down, forward positive."""
    d = lower - upper
    return np.degrees(np.arctan2(d[..., 0], -d[..., 1]))


class _Leg:
    """One leg's scripted foot, cycle by cycle."""

    def __init__(self, script: WalkScript, body: _Body, leg: str, phase0: float) -> None:
        self.s, self.b, self.leg, self.phase0 = script, body, leg, phase0
        self.affected = script.drop_leg == leg
        th = THRESHOLDS
        self.ic_ankle = -script.drop_plantarflexion_deg if self.affected else th["contact_ankle_deg"]
        self.swing_ankle = -script.drop_plantarflexion_deg if self.affected else th["swing_ankle_deg"]
        self.lift = th["swing_lift_m"] + (th["steppage_lift_m"] if self.affected and script.steppage else 0.0)
        self.stride_m = script.speed_m_per_s * script.stride_s
        self._ic_pitch: dict[int, float] = {}

    def cycle(self, t: np.ndarray) -> np.ndarray:
        """Continuous cycle count: k + phase, contact k at integer values."""
        return self.phase0 + t / self.s.stride_s

    def time_of(self, c: float) -> float:
        return (c - self.phase0) * self.s.stride_s

    def heel_x(self, k: int, pelvis_x0: float) -> float:
        """Where the heel lands at contact k: ahead of the pelvis by half a step's reach."""
        ahead = THRESHOLDS["heel_ahead_stride_ratio"] * self.stride_m
        return pelvis_x0 + self.s.speed_m_per_s * self.time_of(k) + ahead

    def stance_foot(self, k: int, p: np.ndarray, pelvis_x0: float) -> tuple[np.ndarray, np.ndarray]:
        """(heel, pitch) during stance of cycle k at phases p in [0, stance_ratio)."""
        th, st = THRESHOLDS, self.s.stance_ratio
        hx = self.heel_x(k, pelvis_x0)
        ic_pitch = self.ic_pitch(k, pelvis_x0)
        load = min_jerk(p / th["loading_ratio"])
        rise = min_jerk((p - (st - th["heel_rise_ratio"])) / th["heel_rise_ratio"])
        pitch = ic_pitch * (1.0 - load) - th["toe_off_pitch_deg"] * rise
        heel = np.stack([np.full(len(p), hx), np.zeros(len(p))], axis=-1)
        # Rolling over the toe: the toe stays put, the heel lifts.
        toe_fixed = np.array([hx + self.b.foot, 0.0])
        heel = np.where((rise > 0)[:, None], toe_fixed - self.b.foot * _dir(pitch), heel)
        return heel, pitch

    def ic_pitch(self, k: int, pelvis_x0: float) -> float:
        """Foot tilt at contact k: the shank's tilt then plus the scripted ankle angle (solved by iteration)."""
        if k not in self._ic_pitch:
            pitch = THRESHOLDS["contact_pitch_deg"]
            hip = self.hip_at(self.time_of(k), pelvis_x0)
            heel = np.array([self.heel_x(k, pelvis_x0), 0.0])
            for _ in range(8):
                ankle = self.b.ankle_from_heel(heel, pitch)
                shank = _from_vertical_deg(self.b.knee(hip, ankle), ankle)
                pitch = float(shank + self.ic_ankle)
            self._ic_pitch[k] = pitch
        return self._ic_pitch[k]

    def hip_at(self, t: float, pelvis_x0: float) -> np.ndarray:
        return pelvis(self.s, np.array([t]), pelvis_x0, self.height0)[0]


def pelvis(script: WalkScript, t: np.ndarray, x0: float, height0: float) -> np.ndarray:
    """(T, 2) pelvis (hip joint) positions: forward at the walking speed, bobbing up at each mid-stance."""
    c = script.start_phase + t / script.stride_s
    y = height0 - THRESHOLDS["pelvis_bob_m"] * 0.5 * (1.0 + np.cos(4.0 * np.pi * c))
    return np.stack([x0 + script.speed_m_per_s * t, y], axis=-1)


def _leg_frames(lg: _Leg, t: np.ndarray, x0: float) -> dict[str, np.ndarray]:
    s, b, st = lg.s, lg.b, lg.s.stance_ratio
    c = lg.cycle(t)
    k = np.floor(c).astype(int)
    p = c - k
    hips = pelvis(s, t, x0, lg.height0)
    ankle = np.zeros((len(t), 2))
    pitch = np.zeros(len(t))
    stance = p < st
    for kk in np.unique(k):
        m = (k == kk) & stance
        if m.any():
            heel, pt = lg.stance_foot(int(kk), p[m], x0)
            ankle[m], pitch[m] = b.ankle_from_heel(heel, pt), pt
        m = (k == kk) & ~stance
        if m.any():
            u = (p[m] - st) / (1.0 - st)
            heel0, pitch0 = lg.stance_foot(int(kk), np.array([st - 1e-9]), x0)
            a0 = b.ankle_from_heel(heel0, pitch0)[0]
            heel1 = np.array([lg.heel_x(int(kk) + 1, x0), 0.0])
            a1 = b.ankle_from_heel(heel1, lg.ic_pitch(int(kk) + 1, x0))
            path = a0 + min_jerk(u)[:, None] * (a1 - a0)
            path[:, 1] += lg.lift * np.sin(np.pi * u) ** 1.5
            ankle[m] = path
            # The ankle angle eases from its toe-off value to the swing value, and to the contact value at the end.
            shank_to = _from_vertical_deg(b.knee(lg.hip_at(lg.time_of(kk + st), x0), a0), a0)
            a_to = float(pitch0[0] - shank_to)
            early, late = min_jerk(u / 0.4), min_jerk((u - 0.75) / 0.25)
            want = a_to + (lg.swing_ankle - a_to) * early
            want = want + (lg.ic_ankle - want) * late
            shank = _from_vertical_deg(b.knee(hips[m], ankle[m]), ankle[m])
            pitch[m] = shank + want
    heel, toe = b.heel_toe_from_ankle(ankle, pitch)
    # A toe that would pass under the floor in swing slides on it: the foot drags.
    sink = np.minimum(toe[:, 1] - THRESHOLDS["drag_height_m"], 0.0) * ~stance
    ankle[:, 1] -= sink
    heel[:, 1] -= sink
    toe[:, 1] -= sink
    knee = b.knee(hips, ankle)
    shank = _from_vertical_deg(knee, ankle)
    thigh = _from_vertical_deg(hips, knee)
    return {"hip": hips, "knee": knee, "ankle": ankle, "heel": heel, "toe": toe, "ankle_deg": pitch - shank,
            "knee_flexion_deg": thigh - shank, "hip_flexion_deg": thigh, "pitch_deg": pitch}


def simulate_walk(script: WalkScript, t_s: np.ndarray, props: BodyProportions | None = None) -> WalkFrames:
    """Sample a walk at the given times.

    Args:
        script: the walk.
        t_s: (T,) sample times in seconds.
        props: body proportions (fractions of height); the skeleton's defaults when None.

    Returns:
        The sampled points and the truth.
    """
    props = props or BodyProportions()
    t = np.asarray(t_s, float)
    b = _Body(script, props)
    legs = {leg: _Leg(script, b, leg, script.start_phase + off) for leg, off in (("left", 0.0), ("right", 0.5))}
    x0 = script.start_x_m
    # The pelvis is as high as the leg's reach allows at its longest (a heel strike, or the toe at toe-off).
    reach = THRESHOLDS["leg_reach_ratio"] * (b.thigh + b.shank)
    # The contact tilts depend on the pelvis height and it on them: a few rounds settle both.
    height0 = b.thigh + b.shank
    fine = np.linspace(0.0, script.duration_s, max(2, int(script.duration_s * 200)))
    for _ in range(4):
        for lg in legs.values():
            lg.height0, lg._ic_pitch = height0, {}
        worst = np.inf
        for lg in legs.values():
            c = lg.cycle(fine)
            k, p = np.floor(c).astype(int), c - np.floor(c)
            for kk in np.unique(k):
                m = (k == kk) & (p < script.stance_ratio)
                if m.any():
                    heel, pt = lg.stance_foot(int(kk), p[m], x0)
                    ank = b.ankle_from_heel(heel, pt)
                    hip = pelvis(script, fine[m], x0, 0.0)
                    top = ank[:, 1] + np.sqrt(np.maximum(reach**2 - (ank[:, 0] - hip[:, 0]) ** 2, 0.0)) - hip[:, 1]
                    worst = min(worst, float(top.min()))
        height0 = worst
    for lg in legs.values():
        lg.height0, lg._ic_pitch = height0, {}
    frames = {leg: _leg_frames(lg, t, x0) for leg, lg in legs.items()}
    points: dict[str, np.ndarray] = {}
    hips = frames["left"]["hip"]
    h = script.height_m
    points["pelvis"] = hips
    points["shoulder"] = hips + np.array([0.02 * h, props.trunk * h])
    points["ear"] = points["shoulder"] + np.array([0.0, (props.neck + props.head_radius) * h])
    points["nose"] = points["ear"] + np.array([0.05 * h, -0.01 * h])
    for leg, f in frames.items():
        for part in ("hip", "knee", "ankle", "heel", "toe"):
            points[f"{part}_{leg}"] = f[part]
        # Arms swing against the opposite leg.
        other = frames["right" if leg == "left" else "left"]["hip_flexion_deg"]
        swing = 0.6 * other
        elbow = points["shoulder"] + props.upper_arm * h * _down_dir(swing)
        points[f"elbow_{leg}"] = elbow
        points[f"wrist_{leg}"] = elbow + props.forearm * h * _down_dir(swing + 20.0)
    if script.treadmill:
        belt = np.stack([script.speed_m_per_s * t, np.zeros(len(t))], axis=-1)
        points = {name: v - belt for name, v in points.items()}
    return WalkFrames(t, points, {leg: f["ankle_deg"] for leg, f in frames.items()},
                      {leg: f["knee_flexion_deg"] for leg, f in frames.items()},
                      {leg: f["hip_flexion_deg"] for leg, f in frames.items()},
                      *_truth_events(script, legs, x0, t), script.drop_leg)


def _truth_events(script: WalkScript, legs: dict[str, _Leg], x0: float,
                  t: np.ndarray) -> tuple[dict, dict, dict, dict]:
    contacts, toe_offs, kinds, clearance = {}, {}, {}, {}
    th, st = THRESHOLDS, script.stance_ratio
    end = script.duration_s
    for leg, lg in legs.items():
        contacts[leg], toe_offs[leg], kinds[leg], clearance[leg] = [], [], [], []
        k_first, k_last = math.floor(lg.cycle(np.array([0.0]))[0]) - 1, math.ceil(lg.cycle(np.array([end]))[0]) + 1
        for k in range(k_first, k_last + 1):
            t_on, t_off = lg.time_of(k), lg.time_of(k + st)
            if 0.0 <= t_off <= end:
                toe_offs[leg].append(t_off)
            if not 0.0 <= t_on <= end:
                continue
            contacts[leg].append(t_on)
            pitch = lg.ic_pitch(k, x0)
            lim = th["contact_kind_pitch_deg"]
            kinds[leg].append("heel" if pitch > lim else "forefoot" if pitch < -lim else "flat")
            swing_start = lg.time_of(k - 1 + st)
            if swing_start < 0.0:
                clearance[leg].append(math.nan)
                continue
            sw = t_on - swing_start
            fine = np.linspace(swing_start + sw / 4, t_on - sw / 4, 60)
            clearance[leg].append(float(_leg_frames(lg, fine, x0)["toe"][:, 1].min()))
    return contacts, toe_offs, kinds, clearance
