"""Which side of the body an exercise watches: side rules by name (a spec's `side_rule`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from exercises.names import Registry
from pose.geometry import distance, elevation_deg
from pose.landmarks import Side, sided
from pose.view import majority_side, nearer_side

# (xy (T, 33, 2) pixels, world_xyz (T, 33, 3) metres, visibility (T, 33), the spec's thresholds) -> (T,) votes: +1 left,
# -1 right, 0 unknown.
SideVoteFn = Callable[[np.ndarray, np.ndarray, np.ndarray, Mapping[str, float]], np.ndarray]
SIDE_RULES: Registry[SideVoteFn] = Registry("side rule")


@SIDE_RULES.register("nearer")
def _nearer(xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray,
            thresholds: Mapping[str, float]) -> np.ndarray:
    """The side facing the camera."""
    return nearer_side(world_xyz, visibility)


@SIDE_RULES.register("raised_leg")
def _raised_leg(xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray,
                thresholds: Mapping[str, float]) -> np.ndarray:
    """The leg whose knee is higher in the image, by any amount: the single-leg stance's lifted leg."""
    # y grows downwards: the raised knee has the smaller y.
    dy = xy[:, sided("knee", "right"), 1] - xy[:, sided("knee", "left"), 1]
    return np.where(np.isfinite(dy), np.sign(dy), 0.0)


# Rules whose side is the one leg that works while the other rests: the patient may name that leg.
ONE_LEG_SIDE_RULES = frozenset({"raised_leg", "raised_knee"})

# The raised_knee rule's thresholds, for the specs that use it to include.
RAISED_KNEE_THRESHOLDS: dict[str, float] = {
    # A lying body's raised knee stands about a thigh length above the resting one. The pose model, when it lays the
    # far leg onto the raised one, reads both knees at one height (within 0.05 thigh lengths, the far one at
    # visibility 0.2-0.35): the knee a few pixels higher is then noise, and side-on it chose the unseen leg (rendered
    # nerve glide, seed 804: 8 frames against 5, no reps counted). A knee this many thigh lengths higher votes.
    "raised_knee_above_min_ratio": 0.2,
    # Filmed 25-40 degrees round with the near leg raised, the pose model also places the far knee above the raised
    # one, seen 0.28-0.45 less well, in enough frames to choose the far leg (9 of 245 rendered glides and knee to
    # chest clips; no reps counted in 6). A knee that really is raised, near or far, is seen about as well as the
    # resting one (vote by vote, 0.22 less well at the 5th percentile over 72 glides with either leg raised): a
    # higher knee seen this much less well (visibility) than the other does not vote.
    "raised_knee_seen_below_other_max_ratio": 0.25,
}
# Thresholds a side rule reads from its spec, which must define them (a clinic's spec file gets these defaults).
SIDE_RULE_THRESHOLDS: dict[str, dict[str, float]] = {"raised_knee": RAISED_KNEE_THRESHOLDS}


@SIDE_RULES.register("raised_knee")
def _raised_knee(xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray,
                 thresholds: Mapping[str, float]) -> np.ndarray:
    """The leg whose knee stands clearly higher in the image and is seen about as well: a lying body's raised leg.

    A frame votes when one knee is `raised_knee_above_min_ratio` thigh lengths or more above the other, and is seen
    no more than `raised_knee_seen_below_other_max_ratio` less well (visibility) than it.
    """
    dy = xy[:, sided("knee", "right"), 1] - xy[:, sided("knee", "left"), 1]
    thighs = [distance(xy[:, sided("hip", s)], xy[:, sided("knee", s)]) for s in ("left", "right")]
    # How much better the higher knee is seen than the lower one (negative: less well).
    seen = visibility[:, sided("knee", "left")] - visibility[:, sided("knee", "right")]
    with np.errstate(invalid="ignore"):
        thigh = np.where(np.isnan(thighs[0] + thighs[1]), np.fmax(*thighs), (thighs[0] + thighs[1]) / 2.0)
        clear = np.abs(dy) >= thresholds["raised_knee_above_min_ratio"] * thigh
        seen_enough = np.sign(dy) * seen >= -thresholds["raised_knee_seen_below_other_max_ratio"]
    return np.where(clear & seen_enough, np.sign(dy), 0.0)


def side_votes(side_rule: str, xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray,
               thresholds: Mapping[str, float]) -> np.ndarray:
    """Per frame, +1 for the left side, -1 for the right, 0 when unknown.

    Args:
        side_rule: a name in SIDE_RULES, e.g. "nearer" (the side facing the camera) or "raised_knee" (the leg whose
            knee is clearly higher in the image).
        xy: (T, 33, 2) pixel landmarks.
        world_xyz: (T, 33, 3) world landmarks.
        visibility: (T, 33) visibilities.
        thresholds: the spec's thresholds (a rule reads those SIDE_RULE_THRESHOLDS names for it).

    Raises:
        ValueError: for an unknown rule, listing the valid ones.
    """
    return SIDE_RULES.get(side_rule)(xy, world_xyz, visibility, thresholds)


def choose_side(side_rule: str, xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray,
                thresholds: Mapping[str, float]) -> Side:
    """The side most frames vote for (see side_votes); the side facing the camera when no frame could vote.

    A rule that never votes leaves no evidence either way. Filmed 27 degrees off side-on, a knee to chest's far knee
    stayed under the visibility floor in every frame, so the raised-knee rule never voted, the default (left) chose
    the unseen leg, and a clean clip scored nothing (rendered seed 372). The side facing the camera is the one whose
    parts are seen.
    """
    votes = side_votes(side_rule, xy, world_xyz, visibility, thresholds)
    return majority_side(votes if np.any(votes) else nearer_side(world_xyz, visibility))


_LEG_PARTS = ("hip", "knee", "ankle", "heel", "foot_index")


def unswap_raised_leg(xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray, side: Side,
                      rise_min_deg: float, unseen_swap_thigh_min_deg: float = np.inf,
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Leg labels put back where the pose model swapped them, for an exercise with one leg raised and one resting.

    Filmed off side-on, the pose model labels the resting leg as the raised one and back for up to 2.7 s at a time
    (rendered nerve glides 40 degrees round: 10 of 18 clips; 20 degrees round: 2 of 12; side-on: 1 of 24, a phone on
    a table). The working
    side's signals then read the leg on the floor: a knee at 175 called beyond target, a hip at 175 called a thigh
    drift, the raised leg read as the resting one lifting 80 degrees. A frame whose resting leg's thigh rises at least
    `rise_min_deg` more above the horizontal than the working leg's (in the picture) has its legs' labels swapped
    back. A resting leg truly lifting (30 degrees) under a raised thigh (about 90) is 60 degrees the other way.

    The pose model also lays both legs' labels on the raised leg, the working side's seen too poorly to use: a frame
    whose working knee is unknown while the resting thigh stands `unseen_swap_thigh_min_deg` or more above the
    horizontal takes the resting labels for the working leg (and the working ones, unknown, for the resting leg).

    Args:
        xy: (T, 33, 2) pixel landmarks, NaN where unknown.
        world_xyz: (T, 33, 3) world landmarks.
        visibility: (T, 33) visibilities.
        side: the working (raised) leg's side.
        rise_min_deg: how much higher the resting thigh must rise; NaN or inf: never swapped.
        unseen_swap_thigh_min_deg: how high a resting thigh must stand, with the working knee unknown; inf: never.

    Returns:
        The three arrays, with the legs' landmarks exchanged in the swapped frames (copies only when any are).
    """
    if not (np.isfinite(rise_min_deg) or np.isfinite(unseen_swap_thigh_min_deg)):
        return xy, world_xyz, visibility
    other = "left" if side == "right" else "right"
    working = elevation_deg(xy[:, sided("hip", side)], xy[:, sided("knee", side)])
    resting = elevation_deg(xy[:, sided("hip", other)], xy[:, sided("knee", other)])
    with np.errstate(invalid="ignore"):
        swapped = resting - working >= rise_min_deg
        swapped |= np.isnan(xy[:, sided("knee", side), 0]) & (resting >= unseen_swap_thigh_min_deg)
    if not swapped.any():
        return xy, world_xyz, visibility
    a = [sided(p, side) for p in _LEG_PARTS]
    b = [sided(p, other) for p in _LEG_PARTS]
    out = []
    for arr in (xy, world_xyz, visibility):
        arr = arr.copy()
        arr[np.ix_(swapped, a + b)] = arr[np.ix_(swapped, b + a)]
        out.append(arr)
    return out[0], out[1], out[2]
