"""The body as the signals see it: smoothed pixel landmarks, the working side and the facing direction."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from exercises.names import Registry
from pose.geometry import midpoint
from pose.landmarks import Landmark, Side, other_side, sided


@dataclass(frozen=True)
class Body:
    """Landmarks of T frames prepared for signal functions.

    Attributes:
        xy: (T, 33, 2) pixel landmarks, x right and y down; NaN where unknown or not visible enough.
        back_profile: (T, K) back outline offsets (see pose.outline).
        side: the working side (nearer the camera, or the moving leg).
        forward: (T,) +1 where the person faces (or their head points) image-right, -1 image-left, NaN unknown.
    """

    xy: np.ndarray
    back_profile: np.ndarray
    side: Side
    forward: np.ndarray
    # Values several signals derive from the same landmarks (which leg supports the body), computed once.
    _derived: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, key: str, compute: Callable[[Body], np.ndarray]) -> np.ndarray:
        """`compute(self)`, computed on the first call with this key and reused after (the body never changes)."""
        if key not in self._derived:
            self._derived[key] = compute(self)
        return self._derived[key]

    def point(self, part: str, side: Side | None = None) -> np.ndarray:
        """(T, 2) pixel positions of a sided part (e.g. "knee") on the working side or the one given."""
        return self.xy[:, sided(part, side or self.side)]

    def other(self, part: str) -> np.ndarray:
        """(T, 2) positions of a part on the non-working side."""
        return self.xy[:, sided(part, other_side(self.side))]

    def mid(self, part: str) -> np.ndarray:
        """(T, 2) midpoint of a part's left and right landmarks; the working side's alone if the other is unknown."""
        both = midpoint(self.point(part, "left"), self.point(part, "right"))
        return np.where(np.isfinite(both), both, self.point(part))


# (xy (T, 33, 2) pixels) -> (T,) image x of the front end of the body less that of the back end, NaN if unknown.
FacingFn = Callable[[np.ndarray], np.ndarray]
FACING_RULES: Registry[FacingFn] = Registry("facing rule")


@FACING_RULES.register("nose")
def _nose_ahead_of_ears(xy: np.ndarray) -> np.ndarray:
    """Upright postures: the nose is ahead of the ears."""
    ears = np.nanmean(xy[:, [Landmark.LEFT_EAR, Landmark.RIGHT_EAR], 0], axis=1)
    return xy[:, Landmark.NOSE, 0] - ears


@FACING_RULES.register("head")
def _head_end_ahead(xy: np.ndarray) -> np.ndarray:
    """Lying and quadruped postures: the head end of the body (the shoulders, seen from the hips) is forward."""
    shoulders = np.nanmean(xy[:, [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER], 0], axis=1)
    hips = np.nanmean(xy[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP], 0], axis=1)
    return shoulders - hips


def facing_sign(xy: np.ndarray, facing_from: str) -> np.ndarray:
    """Per frame, +1 if the person faces image-right, -1 if image-left, NaN if unknown.

    Args:
        xy: (T, 33, 2) pixel landmarks.
        facing_from: a name in FACING_RULES: "nose" (upright postures: the nose is ahead of the ears) or "head"
            (lying and quadruped postures: the head end of the body counts as forward).

    Raises:
        ValueError: for an unknown rule, listing the valid ones.
    """
    rule = FACING_RULES.get(facing_from)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-unknown frame is simply NaN
        dx = rule(xy)
    return np.where(np.isfinite(dx) & (dx != 0), np.sign(dx), np.nan)
