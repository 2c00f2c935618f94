"""Which side of the body an exercise watches."""

from __future__ import annotations

import numpy as np

from pose.landmarks import Side, sided
from pose.view import majority_side, nearer_side


def side_votes(side_rule: str, xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray) -> np.ndarray:
    """Per frame, +1 for the left side, -1 for the right, 0 when unknown.

    Args:
        side_rule: "nearer" (the side facing the camera) or "raised_leg" (the leg whose knee is higher in the
            image: the moving leg of a supine nerve glide).
        xy: (T, 33, 2) pixel landmarks.
        world_xyz: (T, 33, 3) world landmarks.
        visibility: (T, 33) visibilities.

    Raises:
        ValueError: for an unknown rule.
    """
    if side_rule == "nearer":
        return nearer_side(world_xyz, visibility)
    if side_rule == "raised_leg":
        # y grows downwards: the raised knee has the smaller y.
        dy = xy[:, sided("knee", "right"), 1] - xy[:, sided("knee", "left"), 1]
        return np.where(np.isfinite(dy), np.sign(dy), 0.0)
    raise ValueError(f"unknown side_rule {side_rule!r}; expected 'nearer' or 'raised_leg'")


def choose_side(side_rule: str, xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray) -> Side:
    """The side most frames vote for (see side_votes)."""
    return majority_side(side_votes(side_rule, xy, world_xyz, visibility))
