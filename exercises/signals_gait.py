"""Signals for gait, per leg: foot points in pixels and the joint angles of swing and contact.

Walking is judged on both legs, so each signal names its leg (`..._left_...`, `..._right_...`) rather than
following the spec's working side. Importing this module registers them in exercises.signals.SIGNALS; the
walk spec imports it. Gait events need whole trajectories, so exercises.gait reads these signals from the
engine's recorded series rather than frame by frame.
"""

from __future__ import annotations

import numpy as np

from exercises.body import Body
from exercises.signals import SIGNALS
from pose.geometry import distance, joint_angle_deg
from pose.landmarks import SIDES, Side, sided

# Foot points whose image positions the gait events are found from.
FOOT_POINTS = ("heel", "foot_index", "ankle")
AXES = ("x", "y")


def point_signal_name(part: str, axis: str, leg: Side) -> str:
    """The name of one coordinate of one foot point, e.g. heel_y_left_px."""
    return f"{part}_{axis}_{leg}_px"


def leg_signal_name(quantity: str, leg: Side) -> str:
    """The name of a per-leg quantity whose unit ends `quantity`, e.g. ("ankle_dorsiflexion_deg", "left")."""
    stem, _, unit = quantity.rpartition("_")
    return f"{stem}_{leg}_{unit}"


def _signed_angle_deg(u: np.ndarray, v: np.ndarray, forward: np.ndarray) -> np.ndarray:
    """Angle from u to v (T, 2 pixels, y down), positive when v is turned towards where the person faces."""
    cross = u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]
    dot = np.sum(u * v, axis=1)
    # y grows downwards: turning from "down" towards image-right is a negative cross product.
    return np.degrees(np.arctan2(-cross, dot)) * forward


def ankle_dorsiflexion_deg(b: Body, leg: Side) -> np.ndarray:
    """Foot (heel->toe) against shank (knee->ankle), minus 90: 0 square, positive toes up, negative pointed."""
    return 90.0 - joint_angle_deg(b.point("knee", leg), b.point("ankle", leg),
                                  b.point("ankle", leg) + b.point("foot_index", leg) - b.point("heel", leg))


def knee_flexion_deg(b: Body, leg: Side) -> np.ndarray:
    """180 less the hip-knee-ankle angle: 0 straight."""
    return 180.0 - joint_angle_deg(b.point("hip", leg), b.point("knee", leg), b.point("ankle", leg))


def hip_flexion_deg(b: Body, leg: Side) -> np.ndarray:
    """Thigh (hip->knee) forward of the trunk's downward line (mid-shoulder->mid-hip); negative is extension."""
    return _signed_angle_deg(b.mid("hip") - b.mid("shoulder"), b.point("knee", leg) - b.point("hip", leg), b.forward)


def shank_px(b: Body, leg: Side) -> np.ndarray:
    """Knee-ankle distance in pixels: the length clearance and step length are scaled by."""
    return distance(b.point("knee", leg), b.point("ankle", leg))


def lower_leg_visibility_ratio(b: Body, leg: Side) -> np.ndarray:
    """Mean visibility the pose model gives the knee, ankle, heel and toe of a leg (1 when it gives none).

    From the side the far leg is behind the near one: the model sees it less well, and places its foot from its
    prior of a foot more than from the picture.
    """
    if b.visibility is None:
        return np.ones(len(b.xy))
    idx = [sided(part, leg) for part in ("knee", "ankle", "heel", "foot_index")]
    return np.mean(b.visibility[:, idx], axis=1)


def step_spread_ratio(b: Body) -> np.ndarray:
    """How far apart the ankles are along the image, over the mean hip-ankle length: one rise and fall per step."""
    dx = np.abs(b.point("ankle", "left")[:, 0] - b.point("ankle", "right")[:, 0])
    legs = (distance(b.point("hip", "left"), b.point("ankle", "left"))
            + distance(b.point("hip", "right"), b.point("ankle", "right"))) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(legs > 0, dx / legs, np.nan)


def pelvic_obliquity_deg(b: Body) -> np.ndarray:
    """Left hip above (+) the right, in degrees of the hip line from level (meaningful from the front)."""
    d = b.point("hip", "left") - b.point("hip", "right")
    return np.degrees(np.arctan2(-d[:, 1], np.abs(d[:, 0])))


def hip_width_px(b: Body) -> np.ndarray:
    """Distance between the hips in the image (a front view's lateral scale)."""
    return distance(b.point("hip", "left"), b.point("hip", "right"))


def _coordinate(part: str, axis: str, leg: Side):
    i = AXES.index(axis)
    return lambda b: b.point(part, leg)[:, i]


def _per_leg(fn, leg: Side):
    return lambda b: fn(b, leg)


PER_LEG = {
    "ankle_dorsiflexion_deg": ankle_dorsiflexion_deg,
    "knee_flexion_deg": knee_flexion_deg,
    "hip_flexion_deg": hip_flexion_deg,
    "shank_px": shank_px,
    "lower_leg_visibility_ratio": lower_leg_visibility_ratio,
}

for _leg in SIDES:
    for _part in (*FOOT_POINTS, "hip", "knee"):
        for _axis in AXES:
            SIGNALS.add(point_signal_name(_part, _axis, _leg), _coordinate(_part, _axis, _leg))
    for _quantity, _fn in PER_LEG.items():
        SIGNALS.add(leg_signal_name(_quantity, _leg), _per_leg(_fn, _leg))
SIGNALS.add("step_spread_ratio", step_spread_ratio)
SIGNALS.add("pelvic_obliquity_deg", pelvic_obliquity_deg)
SIGNALS.add("hip_width_px", hip_width_px)

# Every gait signal, in the order the walk spec lists them (after its rep and posture signals).
GAIT_SIGNALS: tuple[str, ...] = (
    *(point_signal_name(p, a, leg) for leg in SIDES for p in (*FOOT_POINTS, "hip", "knee") for a in AXES),
    *(leg_signal_name(q, leg) for leg in SIDES for q in PER_LEG),
    "pelvic_obliquity_deg", "hip_width_px",
)
