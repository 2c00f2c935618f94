"""Signals of the sphinx (prone on elbows), the bird dog and the open book (side-lying), registered by name.

Import this module before building a spec that names one of them: the spec modules in exercises/specs do.
Angles are in degrees and ratios in trunk lengths, from pixel landmarks (y down); NaN when a landmark is unknown.
The side-lying posture and the "upper" side rule (the top arm of someone lying on their side) are added here too.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np

from exercises.body import Body
from exercises.setup import POSTURES
from exercises.side import SIDE_RULES
from exercises.signals import SEEN_RULES, SIGNAL_PLANES, signal
from pose.geometry import distance, elevation_deg
from pose.landmarks import Side, sided

# Lying on one side, seen from the front (the chest towards the camera): the hip-shoulder line is level.
if "side_lying" not in POSTURES.names():
    POSTURES.add("side_lying", "trunk_from_horizontal_deg")


def _upper_shoulder(xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray,
                    thresholds: Mapping[str, float]) -> np.ndarray:
    """The side whose shoulder is higher in the image: the top arm, which opens, of someone lying on their side."""
    dy = xy[:, sided("shoulder", "right"), 1] - xy[:, sided("shoulder", "left"), 1]
    return np.where(np.isfinite(dy), np.sign(dy), 0.0)


if "upper" not in SIDE_RULES.names():
    SIDE_RULES.add("upper", _upper_shoulder)


def _in_trunks(b: Body, length: np.ndarray, *, working_side: bool = True) -> np.ndarray:
    """A length in pixels over the trunk's (hip to shoulder, the working side's or the midline's): build-free."""
    trunk = (distance(b.point("hip"), b.point("shoulder")) if working_side
             else distance(b.mid("hip"), b.mid("shoulder")))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(trunk > 0, length / trunk, np.nan)


def _higher(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per frame the larger of two sides' values, either alone where the other is unknown."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # both unknown: NaN
        return np.nanmax(np.stack([left, right]), axis=0)


def _vertical_split(b: Body, part: str) -> np.ndarray:
    """Image height of the left landmark of a part above the right one, in pixels (positive: left higher)."""
    return b.point(part, "right")[:, 1] - b.point(part, "left")[:, 1]


@signal("elbow_ahead_ratio")
def elbow_ahead_ratio(b: Body) -> np.ndarray:
    """Working elbow ahead of (+, towards the head) or behind (-) its shoulder, in trunk lengths.

    Propped on the forearms the elbow sits under the shoulder (about 0); planted well ahead of it, the upper arm
    slopes forward and the back sags into extension without support.
    """
    return _in_trunks(b, (b.point("elbow")[:, 0] - b.point("shoulder")[:, 0]) * b.forward)


@signal("reach_deg")
def reach_deg(b: Body) -> np.ndarray:
    """How far the reaching leg of a bird dog has come up from hanging, degrees: 0 kneeling on all fours, 90 level.

    The leg is the higher of the two hip->knee lines, so either diagonal counts. The arm is not measured: the pose
    model loses an arm reaching out past the head and reads it hanging under the shoulder, seen as well as an arm
    read right (visibility 0.89 at 22 degrees off side-on; 0.44-0.79 side-on). As the lesser of arm and leg, the
    reach split such reps into small ones: rendered bird dogs 5-40 degrees off side-on (seeds 911-916) counted 7 of
    24 clips exact that way and 17 on the leg, side-on ones (901-908) 27 and 32 of 32.

    Filmed round from the side, the far leg reaching back hides behind the body, and the pose model reads its knee
    with little visibility and its picture position hanging: 18-21 degrees low (median, rendered bird dogs, knees
    read under 0.5), where its world position reads 4-11 low. A knee seen less well than `landmark_reliable_min_ratio`
    is read as the higher of the two (see _reaching_thigh_deg): on rendered bird dogs up to 60 degrees round (seeds
    617-1151 and 1201-1210, 148 clips), reps exact 132 -> 136 against reading it so only under 0.5, and the same at 0.7.
    A leg whose ankle reads at the hip's height is reaching back even where its knee, seen well, reads low (the
    spec's reach_ankle_at_hip_within_deg; see _reaching_thigh_deg).
    """
    return _higher(*_thighs(b)) + 90.0


def _thighs(b: Body) -> tuple[np.ndarray, np.ndarray]:
    """The left and right thighs' lines above level as reach_deg reads them (computed once per body)."""
    both = b.derived("reaching_thighs",
                     lambda body: np.stack([_reaching_thigh_deg(body, s) for s in ("left", "right")]))
    return both[0], both[1]


def _reaching_knee_seen(b: Body) -> np.ndarray:
    """(T,) whether the knee of the higher thigh, the one reach_deg reads, was seen reliably."""
    if b.visibility is None:
        return np.ones(len(b.xy), bool)
    left, right = _thighs(b)
    seen = b.visibility[:, [sided("knee", "left"), sided("knee", "right")]] >= b.limits.landmark_reliable_min_ratio
    return np.where(np.nan_to_num(right, nan=-np.inf) > np.nan_to_num(left, nan=-np.inf), seen[:, 1], seen[:, 0])


# A far leg's reach read from a hidden knee (see reach_deg) is approximate.
SEEN_RULES.setdefault("reach_deg", _reaching_knee_seen)


def _reaching_thigh_deg(b: Body, side: Side) -> np.ndarray:
    """(T,) one thigh's hip->knee line above level, in the picture, or where its knee is hidden the higher of two.

    Both the picture and the world landmarks read a hidden knee low, the picture far lower. And where the ankle is
    level with the hip (within the spec's `reach_ankle_at_hip_within_deg`), the leg is reaching back whatever its
    knee reads: filmed round, the far leg reaching out straight behind the body has its ankle placed at hip height
    while the pose model leaves its knee 35-50 degrees low, seen at 0.84-0.88 (rendered seed 6204, 24 degrees
    round). Kneeling, the ankle lies on the floor 45-52 degrees below the hip; a small reach with the shin trailing
    level leaves it 16 or more below.
    """
    image = elevation_deg(b.point("hip", side), b.point("knee", side))
    within = b.threshold("reach_ankle_at_hip_within_deg")
    leg = elevation_deg(b.point("hip", side), b.point("ankle", side))
    with np.errstate(invalid="ignore"):
        image = np.where(np.abs(leg) <= within, np.fmax(image, leg), image)
    if b.visibility is None:
        return image
    hidden = b.visibility[:, sided("knee", side)] < b.limits.landmark_reliable_min_ratio
    return np.where(hidden, np.fmax(image, elevation_deg(b.world_point("hip", side), b.world_point("knee", side))),
                    image)


@signal("raised_thigh_rise_deg")
def raised_thigh_rise_deg(b: Body) -> np.ndarray:
    """The higher thigh's hip->knee line above level: -90 kneeling on all fours, 0 reaching back level.

    A leg lifted past level takes the lower back into extension with it (the back sags).
    """
    return _higher(*(elevation_deg(b.point("hip", s), b.point("knee", s)) for s in ("left", "right")))


@signal("hip_hike_ratio")
def hip_hike_ratio(b: Body) -> np.ndarray:
    """Height of the lifted leg's hip (the side whose knee is higher) above the other hip, in trunk lengths.

    Judged only from in front or behind (SIGNAL_PLANES below): from the side MediaPipe's hip landmark follows the
    near leg whenever it is lifted, and rendered bird dogs read 0.14-0.19 with the near leg up whether the hip
    hiked or not (0.05 with the far leg up), so there the value is unknown and the rule stays silent.
    """
    knee_up = b.point("knee", "right")[:, 1] < b.point("knee", "left")[:, 1]
    split = _vertical_split(b, "hip")  # left hip above the right, pixels
    return _in_trunks(b, np.where(knee_up, -split, split), working_side=False)


SIGNAL_PLANES.setdefault("hip_hike_ratio", ("front", ("hip", "knee")))
SIGNAL_PLANES.setdefault("elbow_ahead_ratio", ("side", ("elbow", "shoulder")))
SIGNAL_PLANES.setdefault("raised_thigh_rise_deg", ("side", ("hip", "knee")))


@signal("shoulder_stack_ratio")
def shoulder_stack_ratio(b: Body) -> np.ndarray:
    """Height of the top shoulder above the bottom one, in trunk lengths, lying on one side seen from the front.

    Stacked (chest towards the camera) it is the shoulder width, about 0.7-0.8 trunk lengths; as the chest turns
    open to the ceiling it falls with the cosine of the turn, to about 0 flat.
    """
    return _in_trunks(b, np.abs(_vertical_split(b, "shoulder")))


@signal("knee_stack_gap_ratio")
def knee_stack_gap_ratio(b: Body) -> np.ndarray:
    """Distance between the two knees, in trunk lengths.

    About 0.3 resting one on the other (side-lying), more as the top knee lifts or slides off the bottom one.
    """
    return _in_trunks(b, distance(b.point("knee", "left"), b.point("knee", "right")))


@signal("chest_turn_deg")
def chest_turn_deg(b: Body) -> np.ndarray:
    """How far the chest of someone lying on their side has turned open, from MediaPipe's world landmarks, degrees.

    The line from the lower shoulder (in the picture) to the upper one, seen end-on along the body: 0 straight up
    (stacked, the chest towards the camera in front), 90 pointing away from the camera (the chest to the ceiling).
    The picture alone does not show it: as the chest turns, MediaPipe keeps the shoulders' height split in the
    picture within a fifth of its resting value (rendered open books: 0.58 stacked, 0.40-0.46 turned 80 degrees),
    while its world shoulders swing 60-75 degrees.
    """
    left, right = b.world_point("shoulder", "left"), b.world_point("shoulder", "right")
    right_up = (b.point("shoulder", "right")[:, 1] < b.point("shoulder", "left")[:, 1])[:, None]
    d = np.where(right_up, right - left, left - right)  # lower -> upper shoulder (y down, z away from the camera)
    return np.degrees(np.arctan2(d[:, 2], -d[:, 1]))
