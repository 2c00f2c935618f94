"""Which side of the body an exercise watches: side rules by name (a spec's `side_rule`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from exercises.names import Registry
from pose.landmarks import Side, sided
from pose.view import majority_side, nearer_side

# (xy (T, 33, 2) pixels, world_xyz (T, 33, 3) metres, visibility (T, 33)) -> (T,) votes: +1 left, -1 right, 0 unknown.
SideVoteFn = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
SIDE_RULES: Registry[SideVoteFn] = Registry("side rule")


@SIDE_RULES.register("nearer")
def _nearer(xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray) -> np.ndarray:
    """The side facing the camera."""
    return nearer_side(world_xyz, visibility)


@SIDE_RULES.register("raised_leg")
def _raised_leg(xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray) -> np.ndarray:
    """The leg whose knee is higher in the image: the moving leg of a supine nerve glide."""
    # y grows downwards: the raised knee has the smaller y.
    dy = xy[:, sided("knee", "right"), 1] - xy[:, sided("knee", "left"), 1]
    return np.where(np.isfinite(dy), np.sign(dy), 0.0)


def side_votes(side_rule: str, xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray) -> np.ndarray:
    """Per frame, +1 for the left side, -1 for the right, 0 when unknown.

    Args:
        side_rule: a name in SIDE_RULES: "nearer" (the side facing the camera) or "raised_leg" (the leg whose knee
            is higher in the image).
        xy: (T, 33, 2) pixel landmarks.
        world_xyz: (T, 33, 3) world landmarks.
        visibility: (T, 33) visibilities.

    Raises:
        ValueError: for an unknown rule, listing the valid ones.
    """
    return SIDE_RULES.get(side_rule)(xy, world_xyz, visibility)


def choose_side(side_rule: str, xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray) -> Side:
    """The side most frames vote for (see side_votes)."""
    return majority_side(side_votes(side_rule, xy, world_xyz, visibility))
