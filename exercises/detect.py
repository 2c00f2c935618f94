"""Guessing which exercise a clip shows from its posture, for batches scored without --exercise."""

from __future__ import annotations

import warnings

import numpy as np

from pose.frames import LANDMARK_VISIBILITY_MIN_RATIO, PoseSequence, pixel_xy
from pose.geometry import angle_from_vertical_deg, distance, midpoint
from pose.landmarks import Landmark

# A trunk more than this far from upright is lying or on all fours.
_LYING_TRUNK_FROM_VERTICAL_DEG = 50.0
# On all fours the knees sit about a thigh's length below the hips; lying, they are level or above.
_QUADRUPED_KNEE_DROP_RATIO = 0.35


def guess_exercise(sequence: PoseSequence) -> str:
    """"wall_squat" for an upright body, "cat_cow" on hands and knees, "nerve_glide" lying on the back."""
    xy = pixel_xy(sequence.xyz, sequence.visibility, sequence.image_size, LANDMARK_VISIBILITY_MIN_RATIO)
    shoulder = midpoint(xy[:, Landmark.LEFT_SHOULDER], xy[:, Landmark.RIGHT_SHOULDER])
    hip = midpoint(xy[:, Landmark.LEFT_HIP], xy[:, Landmark.RIGHT_HIP])
    knee_y = np.fmin(xy[:, Landmark.LEFT_KNEE, 1], xy[:, Landmark.RIGHT_KNEE, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        tilt = np.nanmedian(np.abs(angle_from_vertical_deg(hip, shoulder)))
        drop = np.nanmedian((knee_y - hip[:, 1]) / distance(shoulder, hip))
    if not np.isfinite(tilt) or tilt < _LYING_TRUNK_FROM_VERTICAL_DEG:
        return "wall_squat"
    return "cat_cow" if drop > _QUADRUPED_KNEE_DROP_RATIO else "nerve_glide"
