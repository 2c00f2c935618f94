"""Pure, vectorised geometry on landmark arrays. One call serves one frame or a whole clip.

Every function takes points as arrays of shape (..., D) with D = 2 (pixels, y down) or 3, broadcasts
over the leading axes, and returns NaN wherever an input is NaN: an unknown joint never becomes a guess.
"""

from __future__ import annotations

import numpy as np


def joint_angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Interior angle at b between the segments b->a and b->c.

    Args:
        a: (..., D) point at the end of the first segment (e.g. the hip).
        b: (..., D) the joint (e.g. the knee).
        c: (..., D) point at the end of the second segment (e.g. the ankle).

    Returns:
        (...) angle in degrees in [0, 180]; 180 is a straight limb. NaN if a segment has no length.
    """
    u = np.asarray(a, float) - np.asarray(b, float)
    v = np.asarray(c, float) - np.asarray(b, float)
    nu = np.linalg.norm(u, axis=-1)
    nv = np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(u * v, axis=-1) / (nu * nv)
    cos = np.where((nu > 0) & (nv > 0), cos, np.nan)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _forward_and_up(start: np.ndarray, end: np.ndarray,
                    forward_sign: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    # start->end as (towards where the person faces, up the image); image y grows downwards.
    d = np.asarray(end, float) - np.asarray(start, float)
    return d[..., 0] * forward_sign, -d[..., 1]


def angle_from_vertical_deg(start: np.ndarray, end: np.ndarray, forward_sign: np.ndarray | float = 1.0) -> np.ndarray:
    """Signed angle of the segment start->end from straight up in the image (2D, y down).

    Args:
        start: (..., 2) pixel point the segment starts from.
        end: (..., 2) pixel point it goes to.
        forward_sign: +1 where the person faces image-right, -1 where they face image-left (broadcast).

    Returns:
        (...) degrees in (-180, 180]: 0 when end is straight above start, positive when end leans
        towards the direction the person faces.
    """
    dx, up = _forward_and_up(start, end, forward_sign)
    return np.where(np.hypot(dx, up) > 0, np.degrees(np.arctan2(dx, up)), np.nan)


def angle_from_horizontal_deg(start: np.ndarray, end: np.ndarray, forward_sign: np.ndarray | float = 1.0) -> np.ndarray:
    """Signed angle of start->end above the horizontal, measured with the segment pointing forward.

    Args:
        start: (..., 2) pixel point the segment starts from.
        end: (..., 2) pixel point it goes to.
        forward_sign: +1 for facing image-right, -1 for image-left.

    Returns:
        (...) degrees in (-180, 180]: 0 when end is level and in front of start, positive when end is higher.
    """
    dx, up = _forward_and_up(start, end, forward_sign)
    return np.where(np.hypot(dx, up) > 0, np.degrees(np.arctan2(up, dx)), np.nan)


def elevation_deg(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Angle of start->end above the horizontal, whichever way it points (y down: pixels, or world metres).

    Args:
        start: (..., 2) pixel point, or (..., 3) world point.
        end: the same.

    Returns:
        (...) degrees in [-90, 90]: positive when end is higher than start, NaN if the points coincide.
    """
    d = np.asarray(end, float) - np.asarray(start, float)
    length = np.linalg.norm(d, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.degrees(np.arcsin(np.clip(np.where(length > 0, -d[..., 1] / length, np.nan), -1.0, 1.0)))


def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distance between (..., D) points, NaN if either is unknown."""
    return np.linalg.norm(np.asarray(a, float) - np.asarray(b, float), axis=-1)


def point_to_segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance from point p to the segment a-b, all (..., D)."""
    p, a, b = (np.asarray(x, float) for x in (p, a, b))
    ab = b - a
    denom = np.sum(ab * ab, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.clip(np.sum((p - a) * ab, axis=-1) / denom, 0.0, 1.0)
    t = np.where(denom > 0, t, 0.0)
    return np.linalg.norm(p - (a + t[..., None] * ab), axis=-1)


def midpoint(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Midpoint of two (..., D) points."""
    return (np.asarray(a, float) + np.asarray(b, float)) / 2.0


def arc_bend_deg(sagitta_over_chord: np.ndarray) -> np.ndarray:
    """Total turning angle of a circular arc from its sagitta as a fraction of its chord.

    A circular arc with chord c and sagitta h turns through 4*atan(2h/c); this turns a measured
    bulge of the back's outline into degrees of spinal flexion (positive) or extension (negative).
    """
    return np.degrees(4.0 * np.arctan(2.0 * np.asarray(sagitta_over_chord, float)))


def widen_horizontal(start: np.ndarray, end: np.ndarray, factor: np.ndarray | float) -> np.ndarray:
    """`end` moved so that start->end's horizontal image component is `factor` times longer (2D pixels).

    A segment in the body's sagittal plane, filmed with the camera turned v degrees from side-on, shows its
    forward-backward extent shrunk by cos(v) and its vertical extent whole; widening by 1/cos(v) undoes that, so
    angles from the vertical or the horizontal read as they would side-on.

    Args:
        start: (..., 2) pixel point.
        end: (..., 2) pixel point.
        factor: (...) or scalar stretch of the horizontal component.

    Returns:
        (..., 2) the moved end point.
    """
    start, end = np.asarray(start, float), np.asarray(end, float)
    d = end - start
    return start + np.stack([d[..., 0] * factor, d[..., 1]], axis=-1)


def sagittal_from_vertical_deg(start: np.ndarray, end: np.ndarray, up: np.ndarray, forward: np.ndarray) -> np.ndarray:
    """Signed angle of the 3D segment start->end from `up`, within the plane of `up` and `forward`.

    Args:
        start: (..., 3) point.
        end: (..., 3) point.
        up: (..., 3) unit vector, straight up.
        forward: (..., 3) unit vector, horizontal, where the person faces.

    Returns:
        (...) degrees in (-180, 180]: 0 straight up, positive leaning forward; NaN if unknown.
    """
    d = np.asarray(end, float) - np.asarray(start, float)
    along_up, along_fwd = np.sum(d * up, axis=-1), np.sum(d * forward, axis=-1)
    return np.where(np.hypot(along_up, along_fwd) > 0, np.degrees(np.arctan2(along_fwd, along_up)), np.nan)


def unit(v: np.ndarray) -> np.ndarray:
    """(..., D) vectors scaled to length 1; NaN where a vector has no length."""
    v = np.asarray(v, float)
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, v / n, np.nan)
