"""Which side of the body faces the camera, and whether the camera sees the person from the side."""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np

from pose.geometry import distance, joint_angle_deg, midpoint, widen_horizontal
from pose.landmarks import Landmark, Side, sided

View = Literal["side", "oblique", "front", "unknown"]

_TORSO_PARTS = ("shoulder", "hip", "knee")
# Shoulder width over trunk length: about 0.0-0.3 seen from the side, 0.6-0.9 from the front
# (BlazePose landmarks on adults); the band between is an oblique view.
SIDE_VIEW_WIDTH_RATIO_MAX = 0.35
FRONT_VIEW_WIDTH_RATIO_MIN = 0.6
# The shoulder width ratio of an adult seen square-on (the middle of the front band above).
_FRONT_WIDTH_RATIO = 0.75
# The view as read (view_from_side_deg, smoothed as the engine does) against the camera's true turn from side-on:
# MediaPipe's depth is shallow, so a turned body reads further round than it is. Medians of rendered wall squats
# (seeds 13, 29, 37, 53, 79; pitch -16..+16, field of view 50-75): a true 0 reads 4, 20 reads 20, 40 reads 55, 60
# reads 72, the front 85-89.
_READ_VIEW_DEG = (0.0, 20.0, 55.0, 72.0, 90.0)
_TRUE_YAW_DEG = (0.0, 20.0, 40.0, 60.0, 90.0)


def nearer_side(world_xyz: np.ndarray, visibility: np.ndarray) -> np.ndarray:
    """Per frame, the body side nearer the camera.

    MediaPipe's world z grows away from the camera, so the side with the smaller z is nearer; visibility
    breaks ties when depth is flat (front views).

    Args:
        world_xyz: (..., 33, 3) world landmarks in metres.
        visibility: (..., 33) visibilities.

    Returns:
        (...) array of +1 where the left side is nearer, -1 where the right is, 0 where unknown.
    """
    left = [sided(p, "left") for p in _TORSO_PARTS]
    right = [sided(p, "right") for p in _TORSO_PARTS]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-unknown frame is simply NaN
        dz = np.nanmean(world_xyz[..., right, 2] - world_xyz[..., left, 2], axis=-1)
    dv = np.mean(visibility[..., left] - visibility[..., right], axis=-1)
    score = np.where(np.isfinite(dz), dz + 0.1 * dv, np.nan)
    return np.where(np.isfinite(score), np.sign(score), 0.0)


def majority_side(votes: np.ndarray) -> Side:
    """The side most frames vote for (+1 left, -1 right); left on a tie or with no votes."""
    return "right" if np.sum(votes < 0) > np.sum(votes > 0) else "left"


def shoulder_width_ratio(xy_px: np.ndarray) -> np.ndarray:
    """Shoulder width seen in the image over trunk length: small from the side, large from the front.

    Args:
        xy_px: (..., 33, 2) landmarks in pixels.

    Returns:
        (...) ratio, NaN where unknown.
    """
    width = distance(xy_px[..., Landmark.LEFT_SHOULDER, :], xy_px[..., Landmark.RIGHT_SHOULDER, :])
    trunk = distance(
        midpoint(xy_px[..., Landmark.LEFT_SHOULDER, :], xy_px[..., Landmark.RIGHT_SHOULDER, :]),
        midpoint(xy_px[..., Landmark.LEFT_HIP, :], xy_px[..., Landmark.RIGHT_HIP, :]),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(trunk > 0, width / trunk, np.nan)


def classify_view(ratio: float) -> View:
    """Name the view from a (median) shoulder width ratio."""
    if not np.isfinite(ratio):
        return "unknown"
    if ratio <= SIDE_VIEW_WIDTH_RATIO_MAX:
        return "side"
    if ratio >= FRONT_VIEW_WIDTH_RATIO_MIN:
        return "front"
    return "oblique"


def view_from_side_deg(world_xyz: np.ndarray) -> np.ndarray:
    """How far the camera is from side-on, from the body's left-right lines against the camera axis.

    MediaPipe's world landmarks keep the camera's orientation (x right, y down, z away from the camera), so the
    hip and shoulder lines run along z when the camera sees the person side-on and along x from the front. The two
    lines are summed (each pointing from the right side to the left) so that one noisy line weighs less.

    Args:
        world_xyz: (..., 33, 3) world landmarks in metres, NaN where unknown.

    Returns:
        (...) degrees in [0, 90]: 0 side-on, 90 from the front (or the back); NaN where a line is unknown.
    """
    lines = [world_xyz[..., sided(p, "left"), :] - world_xyz[..., sided(p, "right"), :] for p in ("hip", "shoulder")]
    across = lines[0] + lines[1]
    return np.degrees(np.arctan2(np.abs(across[..., 0]), np.abs(across[..., 2])))


def yaw_from_view_deg(view_deg: np.ndarray) -> np.ndarray:
    """The camera's turn from side-on (degrees) that a view as read (view_from_side_deg) most likely means.

    Args:
        view_deg: (...) the view as read, 0..90; NaN where unknown.

    Returns:
        (...) degrees 0..90, NaN where the view is unknown.
    """
    view = np.asarray(view_deg, float)
    return np.where(np.isfinite(view), np.interp(np.nan_to_num(view), _READ_VIEW_DEG, _TRUE_YAW_DEG), np.nan)


def side_plane_angle_deg(a: np.ndarray, joint: np.ndarray, c: np.ndarray, yaw_deg: np.ndarray) -> np.ndarray:
    """The angle at `joint` of a-joint-c in the picture, as a camera side-on to the body's side plane would see it.

    A limb bending in the body's side plane, filmed with the camera turned `yaw_deg` from side-on, shows its
    forward-backward extent shrunk by cos(yaw) and its up-down extent whole; both segments are widened by 1/cos(yaw)
    before the angle is taken. Side-on (yaw 0) this is the picture's angle.

    Args:
        a: (..., 2) pixel point at one end (the hip for a knee).
        joint: (..., 2) pixel point of the joint.
        c: (..., 2) pixel point at the other end.
        yaw_deg: (...) the camera's turn in degrees; NaN counts as side-on. Keep it below 90: the widening grows
            without bound there (callers cap it).

    Returns:
        (...) degrees in [0, 180]; NaN where a point is unknown.
    """
    factor = 1.0 / np.cos(np.radians(np.nan_to_num(np.asarray(yaw_deg, float))))
    return joint_angle_deg(widen_horizontal(joint, a, factor), joint, widen_horizontal(joint, c, factor))


def view_from_width_ratio_deg(ratio: np.ndarray) -> np.ndarray:
    """A rough view angle from the image shoulder width ratio alone, for frames without world landmarks.

    A shoulder width of about 0.75 of the trunk length seen square-on shrinks with the sine of the view angle.
    """
    with np.errstate(invalid="ignore"):
        return np.degrees(np.arcsin(np.clip(np.asarray(ratio, float) / _FRONT_WIDTH_RATIO, 0.0, 1.0)))



def tilt_from_drop_deg(top_xy: np.ndarray, bottom_xy: np.ndarray, full_px: np.ndarray,
                       seen_ratio: float) -> np.ndarray:
    """How far a limb segment is tilted from vertical (towards or away from the camera), from its drop in the picture.

    A segment hanging straight down drops its full length in the picture; tilted by an angle towards the camera (a
    thigh swinging up in a squat filmed from the front) it drops its full length times the angle's cosine, from any
    side the camera looks. The pose model shows only part of that shrinking from the front (it keeps a level
    thigh's knee below its hip), so the shrinking seen is divided by `seen_ratio` (1: as the landmarks show it).

    Args:
        top_xy: (..., 2) upper end in pixels, y down (the hip for a thigh).
        bottom_xy: (..., 2) lower end in pixels (the knee).
        full_px: (...) the segment's length hanging straight, in pixels; NaN or 0 where unknown.
        seen_ratio: the share of the true shrinking the landmarks show, in (0, 1].

    Returns:
        (...) degrees, 0 hanging straight, 90 level, up to 180; NaN where the full length or an end is unknown.
    """
    drop = np.asarray(bottom_xy, float)[..., 1] - np.asarray(top_xy, float)[..., 1]
    full = np.asarray(full_px, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        seen = np.where(full > 0, np.minimum(drop / full, 1.0), np.nan)
        cos_tilt = np.clip(1.0 - (1.0 - seen) / seen_ratio, -1.0, 1.0)
    return np.degrees(np.arccos(cos_tilt))
