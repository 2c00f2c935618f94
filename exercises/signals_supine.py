"""Signals of the exercises done lying on the back with the knees bent (hook lying), registered with `@signal`.

Import this module before building a spec that names one of them: the spec modules in exercises/specs do.
Rolls of the knees, shoulders and pelvis happen across the camera's line of sight when it films the side, so they
are read from MediaPipe's world landmarks (metres, y down, camera-aligned), which place the far side in depth;
the rest from pixel landmarks (y down). NaN when a landmark is unknown.
"""

from __future__ import annotations

import numpy as np

from exercises.body import Body
from exercises.side import SIDE_RULES
from exercises.signals import signal, spine_flexion_deg
from pose.geometry import distance, joint_angle_deg
from pose.landmarks import sided

# Hook lying: the knee bent between these (feet flat near the buttocks, about 80-110); outside, the back's curve
# belongs to another position (legs out straight, a knee hugged in) and is no pelvic tilt.
HOOK_KNEE_MIN_DEG = 55.0
HOOK_KNEE_MAX_DEG = 135.0
# Both feet on the floor: the ankles within this many trunk lengths of each other's height (a foot rolled onto
# its edge stays within 0.05; an ankle lifted onto the other knee is 0.5 or more above it).
FEET_LEVEL_MAX_RATIO = 0.15


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _line_roll_deg(b: Body, part: str) -> np.ndarray:
    """Unsigned angle of the left-right line of a part (shoulders, hips) out of level, from the world landmarks."""
    d = b.world_point(part, "right") - b.world_point(part, "left")
    with np.errstate(invalid="ignore"):
        return np.degrees(np.arcsin(np.clip(_ratio(np.abs(d[:, 1]), np.linalg.norm(d, axis=1)), 0.0, 1.0)))


@signal("hook_arch_deg")
def hook_arch_deg(b: Body) -> np.ndarray:
    """The back's outline bend (spine_flexion_deg) while hook lying, NaN otherwise.

    Lying on the back the outline is read on the floor side: the lower back's natural arch off the floor reads
    negative (-10 to -25), pressed flat by a posterior pelvic tilt about 0. Only with the working knee bent as in
    hook lying, so a flat back with the legs out straight (a knee-to-chest, a nerve glide) is not a held tilt.
    """
    knee = joint_angle_deg(b.point("hip"), b.point("knee"), b.point("ankle"))
    with np.errstate(invalid="ignore"):
        hook = (knee >= HOOK_KNEE_MIN_DEG) & (knee <= HOOK_KNEE_MAX_DEG)
    return np.where(hook, spine_flexion_deg(b), np.nan)


@signal("knee_roll_ratio")
def knee_roll_ratio(b: Body) -> np.ndarray:
    """Which way, and how far, the bent knees have rolled: the left knee's drop below the right, in trunk lengths.

    Positive with the knees rolled to the person's left. Knees together pointing at the ceiling sit level, side by
    side; rolled to one side, that side's knee goes down towards the floor and the other comes over on top of it,
    which a camera beside the person sees whichever side it films (rendered clips through MediaPipe: about 0.1 for
    a 50-degree roll, within 0.02 of 0 at rest). NaN unless both feet are down (ankles level): one ankle lifted
    over the other knee (a figure four) drops that knee alone, which is no trunk rotation.
    """
    trunk = distance(b.mid("shoulder"), b.mid("hip"))
    dy = b.point("knee", "left")[:, 1] - b.point("knee", "right")[:, 1]
    feet = _ratio(np.abs(b.point("ankle", "left")[:, 1] - b.point("ankle", "right")[:, 1]), trunk)
    with np.errstate(invalid="ignore"):
        return np.where(feet <= FEET_LEVEL_MAX_RATIO, _ratio(dy, trunk), np.nan)


@signal("knee_gap_ratio")
def knee_gap_ratio(b: Body) -> np.ndarray:
    """Distance between the knees over the distance between the hips (world landmarks).

    About 1 with the knees hip-width apart, more as they fall apart.
    """
    knees = distance(b.world_point("knee", "left"), b.world_point("knee", "right"))
    return _ratio(knees, distance(b.world_point("hip", "left"), b.world_point("hip", "right")))


@signal("shoulder_roll_deg")
def shoulder_roll_deg(b: Body) -> np.ndarray:
    """The shoulder line out of level (world landmarks): one shoulder lifting off the floor."""
    return _line_roll_deg(b, "shoulder")


@signal("pelvis_roll_deg")
def pelvis_roll_deg(b: Body) -> np.ndarray:
    """The hip line out of level (world landmarks): the pelvis rolling to one side."""
    return _line_roll_deg(b, "hip")


@signal("ankle_on_knee_ratio")
def ankle_on_knee_ratio(b: Body) -> np.ndarray:
    """Working ankle's distance from the other knee, in thigh lengths (pixels).

    About 0.2-0.4 with the ankle crossed over that knee (figure four), 1 or more with both feet on the floor.
    """
    return _ratio(distance(b.point("ankle"), b.other("knee")), distance(b.point("hip"), b.point("knee")))


@SIDE_RULES.register("raised_ankle")
def _raised_ankle(xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray) -> np.ndarray:
    """The leg whose ankle is higher in the image: the crossed leg of a figure-four stretch."""
    dy = xy[:, sided("ankle", "right"), 1] - xy[:, sided("ankle", "left"), 1]
    return np.where(np.isfinite(dy), np.sign(dy), 0.0)
