"""Signals for the standing balance exercises, read from the front: which foot is up, how far, and the pelvis.

A single-leg stance is filmed from the front (the pelvis drops sideways, which a side view cannot see), and either
leg may be the one lifted, so these signals compare the two legs rather than follow the spec's working side.
Importing this module registers them in exercises.signals.SIGNALS; the specs that use them import it.
"""

from __future__ import annotations

import warnings

import numpy as np

from exercises.body import Body
from exercises.signals import SIGNALS, fused_joint_deg, joint_3d_deg
from pose.geometry import distance, joint_angle_deg


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _left_foot_up(b: Body) -> np.ndarray:
    """(T,) True where the left ankle is higher in the image than the right (y grows downwards)."""
    return b.derived("left_foot_up",
                     lambda body: body.point("ankle", "left")[:, 1] < body.point("ankle", "right")[:, 1])


def _lifted(b: Body, part: str) -> np.ndarray:
    return np.where(_left_foot_up(b)[:, None], b.point(part, "left"), b.point(part, "right"))


def _standing(b: Body, part: str) -> np.ndarray:
    return np.where(_left_foot_up(b)[:, None], b.point(part, "right"), b.point(part, "left"))


def _standing_knee_deg(b: Body) -> np.ndarray:
    """The lower foot's knee: image angle side-on, world angle further round (from the front only depth shows it)."""
    image = joint_angle_deg(_standing(b, "hip"), _standing(b, "knee"), _standing(b, "ankle"))
    world = np.where(_left_foot_up(b), joint_3d_deg(b, "hip", "knee", "ankle", "right"),
                     joint_3d_deg(b, "hip", "knee", "ankle", "left"))
    return fused_joint_deg(b, image, world)


@SIGNALS.register("foot_lift_ratio")
def foot_lift_ratio(b: Body) -> np.ndarray:
    """How far the higher ankle is above the other, as a fraction of the standing leg's hip-ankle length.

    About 0 with both feet on the floor; a foot lifted behind with the knee bent reads about 0.3. NaN while the
    standing knee is bent like a squat's (below the spec's `standing_knee_min_deg`; a spec without it has no
    such limit): a leg raised out of a wall sit is not a balance stance.
    """
    lift = _standing(b, "ankle")[:, 1] - _lifted(b, "ankle")[:, 1]
    ratio = _ratio(lift, distance(_standing(b, "hip"), _standing(b, "ankle")))
    # Not a balance stance while the standing knee is bent like a squat's (an unknown knee does not veto).
    with np.errstate(invalid="ignore"):
        squatting = _standing_knee_deg(b) < b.threshold("standing_knee_min_deg")
    return np.where(squatting, np.nan, ratio)


@SIGNALS.register("pelvis_drop_deg")
def pelvis_drop_deg(b: Body) -> np.ndarray:
    """Slope of the hip line seen from the front: positive when the lifted leg's hip is below the standing one's.

    A level pelvis reads 0; a Trendelenburg sign (the standing hip's abductors failing) drops the lifted side.
    """
    standing, lifted = _standing(b, "hip"), _lifted(b, "hip")
    drop = lifted[:, 1] - standing[:, 1]
    across = np.abs(lifted[:, 0] - standing[:, 0])
    with np.errstate(invalid="ignore"):
        return np.degrees(np.arctan2(drop, across))


@SIGNALS.register("hand_reach_ratio")
def hand_reach_ratio(b: Body) -> np.ndarray:
    """The wrist furthest out to the side of the shoulders' midpoint, as a fraction of trunk length (front view).

    Hands on the hips or hanging read about 0.5; an arm reaching out to hold a chair or a wall reads over 1.
    """
    centre = b.mid("shoulder")[:, 0]
    reach = [np.abs(b.point("wrist", s)[:, 0] - centre) for s in ("left", "right")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # both wrists unknown: NaN
        out = np.nanmax(np.stack(reach), axis=0)
    return _ratio(out, distance(b.mid("hip"), b.mid("shoulder")))
