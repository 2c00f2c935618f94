"""The back's outline from the person segmentation mask.

Pose landmarks give shoulders and hips but no spine points, so the curve of the back (cat-cow) is read
from the silhouette: along the shoulder-hip line, how far the body reaches on the back's side.
"""

from __future__ import annotations

import numpy as np

from pose.frames import N_BACK_SAMPLES
from pose.geometry import midpoint
from pose.landmarks import Landmark

# Where along the shoulder->hip line the outline is sampled; the ends are left out because the
# shoulder blade and buttock bulge there whatever the spine does.
BACK_SAMPLE_FRACTIONS = np.linspace(0.1, 0.9, N_BACK_SAMPLES)
_MASK_INSIDE_MIN = 0.5
_MAX_REACH_OF_CHORD = 0.7
_MIN_CHORD_PX = 12.0


def _mid_known(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # The far-side landmark is often occluded; the near one alone still places the body part.
    if np.isfinite(a).all() and np.isfinite(b).all():
        return midpoint(a, b)
    return a if np.isfinite(a).all() else b


def back_profile(mask: np.ndarray, xy_px: np.ndarray) -> np.ndarray:
    """Offsets of the back's outline from the shoulder-hip line.

    The back is taken to be on the side of the shoulder-hip line away from the knees; that holds standing,
    lying on the back and on hands and knees.

    Args:
        mask: (height, width) person segmentation in [0, 1].
        xy_px: (33, 2) landmarks in pixels (NaN where unknown).

    Returns:
        (N_BACK_SAMPLES,) signed distance from the line to the outline, as a fraction of the line's length:
        positive when the back's surface is on the back's side of the line, negative when it has sunk below
        it (a deep cow); NaN where unknown (no mask, landmarks unknown, or no body along the sample's normal).
    """
    out = np.full(N_BACK_SAMPLES, np.nan)
    shoulder = _mid_known(xy_px[Landmark.LEFT_SHOULDER], xy_px[Landmark.RIGHT_SHOULDER])
    hip = _mid_known(xy_px[Landmark.LEFT_HIP], xy_px[Landmark.RIGHT_HIP])
    knee = _mid_known(xy_px[Landmark.LEFT_KNEE], xy_px[Landmark.RIGHT_KNEE])
    if not (np.isfinite(shoulder).all() and np.isfinite(hip).all() and np.isfinite(knee).all()):
        return out
    chord = hip - shoulder
    length = float(np.hypot(*chord))
    if length < _MIN_CHORD_PX:
        return out
    normal = np.array([-chord[1], chord[0]]) / length
    if np.dot(knee - shoulder, normal) > 0:
        normal = -normal
    reach = int(length * _MAX_REACH_OF_CHORD)
    steps = np.arange(-reach, reach + 1)
    starts = shoulder + BACK_SAMPLE_FRACTIONS[:, None] * chord
    pts = starts[:, None, :] + steps[None, :, None] * normal
    h, w = mask.shape
    xs = np.round(pts[..., 0]).astype(int)
    ys = np.round(pts[..., 1]).astype(int)
    in_image = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
    inside = np.zeros(xs.shape, bool)
    inside[in_image] = mask[ys[in_image], xs[in_image]] >= _MASK_INSIDE_MIN
    up, down = inside[:, reach:], inside[:, reach::-1]  # from the line towards the back, and away from it
    for k in range(N_BACK_SAMPLES):
        if up[k, 0]:
            # On the body: walk out towards the back until leaving it.
            leaves = ~up[k]
            if leaves.any():
                out[k] = (np.argmax(leaves) - 1) / length
        elif down[k].any():
            # The back has sunk below the line: the surface is the first body pixel on the other side.
            out[k] = -np.argmax(down[k]) / length
    return out
