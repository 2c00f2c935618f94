"""Landmark names for MediaPipe's 33-point BlazePose topology, so code never uses magic indices."""

from __future__ import annotations

from enum import IntEnum
from typing import Literal

Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("left", "right")
N_LANDMARKS = 33


class Landmark(IntEnum):
    """BlazePose landmark index, named as MediaPipe names them."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


# Body parts that exist on both sides; `sided(part, side)` turns one into a landmark.
SIDED_PARTS = (
    "eye", "ear", "shoulder", "elbow", "wrist", "index", "hip", "knee", "ankle", "heel", "foot_index",
)


def sided(part: str, side: Side) -> Landmark:
    """Return the landmark for a body part on one side.

    Args:
        part: a name from `SIDED_PARTS`, e.g. "knee".
        side: "left" or "right" (the person's anatomical side).

    Raises:
        ValueError: for an unknown part or side, listing the valid names.
    """
    if part not in SIDED_PARTS:
        raise ValueError(f"unknown body part {part!r}; expected one of {', '.join(SIDED_PARTS)}")
    if side not in SIDES:
        raise ValueError(f"unknown side {side!r}; expected 'left' or 'right'")
    return Landmark[f"{side.upper()}_{part.upper()}"]


def other_side(side: Side) -> Side:
    """Return the opposite side."""
    return "right" if side == "left" else "left"


# Connections drawn as the skeleton overlay (pairs of landmarks).
SKELETON_EDGES: tuple[tuple[Landmark, Landmark], ...] = tuple(
    (sided(a, s), sided(b, s))
    for s in SIDES
    for a, b in (
        ("shoulder", "elbow"), ("elbow", "wrist"), ("shoulder", "hip"), ("hip", "knee"),
        ("knee", "ankle"), ("ankle", "heel"), ("heel", "foot_index"), ("ankle", "foot_index"),
    )
) + (
    (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
)
