"""Named signals: functions of a Body giving one value per frame (degrees or ratios), NaN when unknown.

Specs refer to signals by name; `get_signal` rejects an unknown name with the list of valid ones.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from exercises.body import Body
from exercises.names import Registry
from pose.geometry import (
    angle_from_horizontal_deg,
    angle_from_vertical_deg,
    arc_bend_deg,
    distance,
    elevation_deg,
    joint_angle_deg,
    point_to_segment_distance,
)
from pose.outline import BACK_SAMPLE_FRACTIONS

SignalFn = Callable[[Body], np.ndarray]
# Every signal by name (its unit is the name's suffix); `@signal(name)` adds one.
SIGNALS: Registry[SignalFn] = Registry("signal")
signal = SIGNALS.register
get_signal = SIGNALS.get
# A back outline needs most of its samples to fit a curve through them.
_BACK_SAMPLES_MIN = 5
# Neighbouring outline samples are a ninth of the trunk apart; a smooth back cannot move further than this
# fraction of the trunk between them.
_BACK_OUTLINE_STEP_MAX_RATIO = 0.15
# A standing shin leans at most 60 degrees from vertical (cos 60 = 0.5), even in the deepest squat.
_SHIN_DROP_MIN_RATIO = 0.5


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _trunk_length(b: Body) -> np.ndarray:
    return distance(b.point("shoulder"), b.point("hip"))


@signal("knee_deg")
def knee_deg(b: Body) -> np.ndarray:
    """Working knee, hip-knee-ankle; 180 is straight."""
    return joint_angle_deg(b.point("hip"), b.point("knee"), b.point("ankle"))


@signal("hip_deg")
def hip_deg(b: Body) -> np.ndarray:
    """Working hip, shoulder-hip-knee; 180 standing straight, 90 thigh square to the trunk."""
    return joint_angle_deg(b.point("shoulder"), b.point("hip"), b.point("knee"))


@signal("trunk_lean_deg")
def trunk_lean_deg(b: Body) -> np.ndarray:
    """Hip->shoulder line from vertical; positive leans towards where the person faces (away from a wall behind)."""
    return angle_from_vertical_deg(b.mid("hip"), b.mid("shoulder"), b.forward)


@signal("hand_thigh_gap_ratio")
def hand_thigh_gap_ratio(b: Body) -> np.ndarray:
    """Nearest wrist's distance to the knee half of the thigh, as a fraction of thigh length (0 = pushing on it).

    Only the knee half: arms hanging at the sides put the wrists by the hips, which is no fault.
    """
    hip, knee = b.point("hip"), b.point("knee")
    thigh = distance(hip, knee)
    mid = (hip + knee) / 2.0
    gaps = [point_to_segment_distance(b.point("wrist", s), mid, knee) for s in ("left", "right")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _ratio(np.nanmin(np.stack(gaps), axis=0), thigh)


@signal("ankle_deg")
def ankle_deg(b: Body) -> np.ndarray:
    """Working ankle, knee-ankle-toe; smaller is more dorsiflexed."""
    return joint_angle_deg(b.point("knee"), b.point("ankle"), b.point("foot_index"))


@signal("other_leg_lift_deg")
def other_leg_lift_deg(b: Body) -> np.ndarray:
    """Non-working hip->ankle line above the horizontal: a leg that should rest on the floor rising."""
    return elevation_deg(b.other("hip"), b.other("ankle"))


def _until_step(prof: np.ndarray) -> np.ndarray:
    out = prof.copy()
    steps = np.abs(np.diff(prof, axis=1)) > _BACK_OUTLINE_STEP_MAX_RATIO  # (T, K-1); step k is between k and k+1
    for i, k in zip(*np.nonzero(steps)):
        out[i, : k + 1] = np.nan
    return out


@signal("spine_flexion_deg")
def spine_flexion_deg(b: Body) -> np.ndarray:
    """Bend of the back's outline between shoulder and hip: positive rounded up (cat), negative sagging (cow).

    A parabola fitted through the outline samples gives the bulge at mid-back relative to the line through
    its ends; `arc_bend_deg` turns that into the turning angle of an equivalent circular arc.

    The back is smooth, so the outline is followed from the hip end (which nothing covers) towards the
    shoulders only until it jumps: a jump means the sample hit the head or hair raised over the shoulders
    (looking up in cow), not the back.
    """
    prof = _until_step(b.back_profile)
    ok = np.isfinite(prof)
    out = np.full(len(prof), np.nan)
    design = np.stack([np.ones_like(BACK_SAMPLE_FRACTIONS), BACK_SAMPLE_FRACTIONS, BACK_SAMPLE_FRACTIONS**2], axis=1)
    for i in np.flatnonzero(ok.sum(axis=1) >= _BACK_SAMPLES_MIN):
        coef, *_ = np.linalg.lstsq(design[ok[i]], prof[i, ok[i]], rcond=None)
        out[i] = arc_bend_deg(-coef[2] / 4.0)
    return out


@signal("neck_deg")
def neck_deg(b: Body) -> np.ndarray:
    """Head relative to the trunk line: ear direction from the shoulder minus trunk direction; positive looks up."""
    head = angle_from_horizontal_deg(b.point("shoulder"), b.point("ear"), b.forward)
    trunk = angle_from_horizontal_deg(b.point("hip"), b.point("shoulder"), b.forward)
    return (head - trunk + 180.0) % 360.0 - 180.0


@signal("wrist_offset_ratio")
def wrist_offset_ratio(b: Body) -> np.ndarray:
    """Wrist ahead of (+) or behind (-) the shoulder, as a fraction of trunk length."""
    return _ratio((b.point("wrist")[:, 0] - b.point("shoulder")[:, 0]) * b.forward, _trunk_length(b))


@signal("knee_offset_ratio")
def knee_offset_ratio(b: Body) -> np.ndarray:
    """Knee ahead of (+) or behind (-) the hip, as a fraction of trunk length."""
    return _ratio((b.point("knee")[:, 0] - b.point("hip")[:, 0]) * b.forward, _trunk_length(b))


@signal("neck_length_ratio")
def neck_length_ratio(b: Body) -> np.ndarray:
    """Ear-to-shoulder distance over trunk length; it shrinks when the shoulders shrug."""
    return _ratio(distance(b.point("ear"), b.point("shoulder")), _trunk_length(b))


@signal("trunk_from_vertical_deg")
def trunk_from_vertical_deg(b: Body) -> np.ndarray:
    """Unsigned tilt of the hip->shoulder line from upright (posture check for standing exercises)."""
    return np.abs(angle_from_vertical_deg(b.mid("hip"), b.mid("shoulder")))


@signal("trunk_from_horizontal_deg")
def trunk_from_horizontal_deg(b: Body) -> np.ndarray:
    """Unsigned tilt of the hip->shoulder line from level (posture check lying down or on all fours)."""
    return 90.0 - trunk_from_vertical_deg(b)


def _support_is_other(b: Body) -> np.ndarray:
    return b.derived("support_is_other", _find_support_is_other)


def _find_support_is_other(b: Body) -> np.ndarray:
    # The supporting leg is the one whose ankle is lower (larger y): during a single-leg lift in a wall sit
    # the lifted leg's knee angle says nothing about the squat. Ties go to the working (nearer) side.
    own, other = b.point("ankle")[:, 1], b.other("ankle")[:, 1]
    shin = distance(b.point("knee"), b.point("ankle"))
    with np.errstate(invalid="ignore"):
        return np.isfinite(other) & (other - own > 0.25 * np.nan_to_num(shin, nan=np.inf))


def _support_point(b: Body, part: str) -> np.ndarray:
    return np.where(_support_is_other(b)[:, None], b.other(part), b.point(part))


def _support_foot_point(b: Body, part: str) -> np.ndarray:
    """A supporting-leg point, NaN in frames where that leg's foot is not plausibly on the floor.

    A standing foot is below its knee: an "ankle" level with or above the knee is the pose model taking a hand
    (hanging behind the hips in a deep squat) for the foot. The shin and foot angles of such frames would claim
    knees far past the toes; they are unknown instead. The knee angle is kept, as the rep still happened.
    """
    return np.where(b.derived("support_foot_on_floor", _support_foot_on_floor)[:, None], _support_point(b, part),
                    np.nan)


def _support_foot_on_floor(b: Body) -> np.ndarray:
    knee, ankle = _support_point(b, "knee"), _support_point(b, "ankle")
    with np.errstate(invalid="ignore"):
        return (ankle[:, 1] - knee[:, 1]) >= _SHIN_DROP_MIN_RATIO * distance(knee, ankle)


@signal("support_knee_deg")
def support_knee_deg(b: Body) -> np.ndarray:
    """Knee of the supporting leg (the one with the lower foot); 180 is straight."""
    return joint_angle_deg(_support_point(b, "hip"), _support_point(b, "knee"), _support_point(b, "ankle"))


@signal("support_shin_from_vertical_deg")
def support_shin_from_vertical_deg(b: Body) -> np.ndarray:
    """Supporting leg's ankle->knee line from vertical; positive when the knee is ahead of the ankle."""
    return angle_from_vertical_deg(_support_foot_point(b, "ankle"), _support_foot_point(b, "knee"), b.forward)


@signal("support_heel_lift_deg")
def support_heel_lift_deg(b: Body) -> np.ndarray:
    """Supporting foot's toe->heel line above the horizontal; about 0 with the heel down."""
    return elevation_deg(_support_foot_point(b, "foot_index"), _support_foot_point(b, "heel"))


@signal("thigh_drop_deg")
def thigh_drop_deg(b: Body) -> np.ndarray:
    """Supporting thigh's knee->hip line below the horizontal: positive when the hips sink below the knees."""
    return elevation_deg(_support_point(b, "hip"), _support_point(b, "knee"))
