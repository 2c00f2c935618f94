"""Signals for the upright stretches and the standing back extension, read from the side.

In a half-kneeling hip flexor stretch one knee is on the floor and the other leg is in front; in a calf stretch at
a wall one foot is stepped back. Either leg may take either role, and the camera may see either side, so these
signals find each leg's role frame by frame (the knee lower in the picture kneels; the ankle further behind, in
the direction the person faces, is the back foot) rather than follow the spec's working side.

Importing this module registers the signals, the half-kneeling posture and the side rules that name the stretched
leg; the specs that use them import it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np

from exercises.body import Body, facing_sign
from exercises.setup import POSTURES
from exercises.side import SIDE_RULES
from exercises.signals import SIGNAL_PLANES, SIGNALS, fused_joint_deg, joint_3d_deg, side_plane, trunk_lean_deg
from pose.geometry import angle_from_vertical_deg, distance, joint_angle_deg
from pose.landmarks import sided

if "half_kneeling" not in POSTURES.names():
    # Kneeling on one knee keeps the trunk upright: the same posture check as standing.
    POSTURES.add("half_kneeling", "trunk_from_vertical_deg")


def _left_kneels(b: Body) -> np.ndarray:
    """(T,) True where the left knee is lower in the picture than the right (y grows downwards): it kneels."""
    return b.derived("left_knee_down",
                     lambda body: body.point("knee", "left")[:, 1] > body.point("knee", "right")[:, 1])


def _left_foot_back(b: Body) -> np.ndarray:
    """(T,) True where the left ankle is further behind than the right, along the direction the person faces."""
    def find(body: Body) -> np.ndarray:
        ahead = (body.point("ankle", "left")[:, 0] - body.point("ankle", "right")[:, 0]) * body.forward
        with np.errstate(invalid="ignore"):
            return ahead < 0

    return b.derived("left_foot_back", find)


def _role(b: Body, part: str, left: np.ndarray) -> np.ndarray:
    """(T, 2) `part` of the leg whose role `left` says is the left one's."""
    return np.where(left[:, None], b.point(part, "left"), b.point(part, "right"))


def _role_length(b: Body, a: str, c: str, left: np.ndarray) -> np.ndarray:
    """(T,) full length in pixels of the segment a-c of the leg whose role `left` says is the left one's."""
    return np.where(left, b.reference(a, c, "left"), b.reference(a, c, "right"))


def _forward_lean_deg(b: Body, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """start->end from vertical in the body's side plane, positive when `end` is ahead of `start`."""
    return angle_from_vertical_deg(start, side_plane(b, start, end), b.forward)


def _per_length(b: Body, ahead_px: np.ndarray, length_px: np.ndarray) -> np.ndarray:
    """A forward offset in pixels (the camera's turn undone) as a fraction of a segment's length."""
    turn = np.cos(np.radians(np.nan_to_num(np.minimum(b.view, b.limits.sagittal_max_deg), nan=0.0)))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(length_px > 0, ahead_px * b.forward / turn / length_px, np.nan)


def _kneeling_knee_read(b: Body) -> np.ndarray:
    """(T,) True where the kneeling knee is read where it can be, not thrown by the pose model.

    Its thigh is at least `kneeling_thigh_seen_min_ratio` of full length and the hip no more than
    `thigh_behind_max_deg` behind it. Otherwise the pose model has thrown the half-hidden knee, and the legs'
    landmarks are mixed up.
    """

    def find(body: Body) -> np.ndarray:
        kneels = _left_kneels(body)
        knee, hip = _role(body, "knee", kneels), _role(body, "hip", kneels)
        with np.errstate(invalid="ignore"):
            return (distance(knee, hip) >= body.threshold("kneeling_thigh_seen_min_ratio") * _role_length(
                body, "hip", "knee", kneels)) & (_forward_lean_deg(body, knee, hip) >= -body.threshold(
                    "thigh_behind_max_deg"))

    return b.derived("kneeling_knee_read", find)


@SIGNALS.register("back_thigh_extension_deg")
def back_thigh_extension_deg(b: Body) -> np.ndarray:
    """Kneeling leg's knee->hip line from vertical, positive when the hip is pushed ahead of the knee.

    About 0 kneeling upright; a half-kneeling hip flexor stretch brings the hip 15-30 degrees ahead. The hip moving
    forward over the knee is the hip extension that stretches the front of the kneeling hip.

    The kneeling knee rests on the floor and stays there as the hip moves over it. Half hidden behind the front leg,
    the pose model drags it forward towards under the hip, for seconds at a time in a stretch, and reads the hip
    over the knee. So the knee used is the one read furthest back, among those read well (`_kneeling_knee_read`), in
    the last `kneeling_knee_window_s`: a dragged knee is never further back than where the knee rests. Unknown where
    the thigh from that knee to the hip is more than `kneeling_thigh_fit_max_ratio` off its full length: the knee
    is no longer there (moved on the mat, or a new kneel).
    """
    kneels = _left_kneels(b)
    knee, hip = _role(b, "knee", kneels), _role(b, "hip", kneels)
    with np.errstate(invalid="ignore"):
        behind = np.where(_kneeling_knee_read(b), knee[:, 0] * b.forward, np.nan)  # lower is further back
    on_floor = b.recent_lowest("kneeling_knee", behind, knee, b.threshold("kneeling_knee_window_s"))
    full = _role_length(b, "hip", "knee", kneels)
    with np.errstate(invalid="ignore", divide="ignore"):
        fits = np.abs(distance(on_floor, hip) / full - 1.0) <= b.threshold("kneeling_thigh_fit_max_ratio")
    return np.where(fits, _forward_lean_deg(b, on_floor, hip), np.nan)


@SIGNALS.register("front_knee_past_toes_ratio")
def front_knee_past_toes_ratio(b: Body) -> np.ndarray:
    """Front (not kneeling) leg's knee ahead of its toes, as a fraction of its shin length; negative behind them.

    A front shin upright over the ankle puts the knee about half a shin behind the toes. Unknown where the front shin
    reads shorter than `front_shin_seen_min_ratio` of its full length: near upright it is not foreshortened by the
    camera's turn, so the pose model has misplaced its knee or its foot. Unknown too where the kneeling knee is not
    read well: the legs' landmarks are then mixed up, and the front foot is often drawn back under the knee. And
    unknown for `front_legs_mixed_settle_s` after either: between misreads the model reads a frame or two well whose
    knee is still thrown.
    """
    front = ~_left_kneels(b)
    knee, toe = _role(b, "knee", front), _role(b, "foot_index", front)
    shin = distance(knee, _role(b, "ankle", front))
    full = _role_length(b, "knee", "ankle", front)
    with np.errstate(invalid="ignore"):
        misplaced = (shin < b.threshold("front_shin_seen_min_ratio") * full) | ~_kneeling_knee_read(b)
    recently = b.recent_lowest("front_legs_mixed", np.where(misplaced, 0.0, np.nan), np.zeros(len(shin)),
                               b.threshold("front_legs_mixed_settle_s"))
    return np.where(misplaced | np.isfinite(recently), np.nan, _per_length(b, knee[:, 0] - toe[:, 0], shin))


@SIGNALS.register("trunk_lean_back_deg")
def trunk_lean_back_deg(b: Body) -> np.ndarray:
    """Hip->shoulder line from vertical, positive leaning back (away from where the person faces)."""
    return -trunk_lean_deg(b)


@SIGNALS.register("back_shin_lean_deg")
def back_shin_lean_deg(b: Body) -> np.ndarray:
    """Back leg's ankle->knee line from vertical, positive when the knee is ahead of the ankle.

    With the heel down this is the ankle's bend that stretches the calf: about 15 degrees standing with one foot
    stepped back, 25-40 leaning into a wall. Unknown unless one foot is a step behind the other (the spec's
    `feet_stagger_min_ratio` of a leg length; a spec without it has no such limit): knees moving forward over feet
    side by side are a squat, not a calf stretch.

    Standing upright side-on, the back knee hides behind the front leg (rendered clips through MediaPipe: seen
    under half the time at rest); with that leg straight, as it stands and as the gastrocnemius version holds it,
    the shin lies along the hip-ankle line, whose lean stands in for it. So a rest between stretches reads as rest
    rather than unknown, and the stretches around it are counted. A bent knee brings the hip back over the ankle, so
    the stand-in reads more upright than the shin: where it reads more than `shin_stand_in_drop_max_deg` below the
    shin last read (within `shin_stand_in_window_s`) it stands in for nothing, and the lean is unknown.
    """
    back = _left_foot_back(b)
    ankle, front_ankle = _role(b, "ankle", back), _role(b, "ankle", ~back)
    hip = _role(b, "hip", back)
    stagger = np.abs(_per_length(b, front_ankle[:, 0] - ankle[:, 0], distance(hip, ankle)))
    shin = _forward_lean_deg(b, ankle, _role(b, "knee", back))
    stand_in = _forward_lean_deg(b, ankle, hip)
    # The newest reading scores lowest, so the window's lowest is the shin last read. A spec without the limit (NaN)
    # compares false: the stand-in always stands in.
    age = -np.asarray(b.t_s, float) if b.t_s is not None else np.zeros(len(shin))
    last_shin = b.recent_lowest("back_shin_last_read", np.where(np.isfinite(shin), age, np.nan), shin,
                                b.threshold("shin_stand_in_window_s"))
    with np.errstate(invalid="ignore"):
        hides_a_bend = stand_in < last_shin - b.threshold("shin_stand_in_drop_max_deg")
    lean = np.where(np.isfinite(shin), shin, np.where(hides_a_bend, np.nan, stand_in))
    with np.errstate(invalid="ignore"):
        together = stagger < b.threshold("feet_stagger_min_ratio")
    return np.where(together, np.nan, lean)


@SIGNALS.register("back_heel_rise_ratio")
def back_heel_rise_ratio(b: Body) -> np.ndarray:
    """How high the back foot's heel and ankle stand above the floor (their mean), in back leg hip-ankle lengths.

    A heel coming off the floor pivots the foot on its toes, so both rise; the rule judges the rise from the foot's
    own reading at rest. A height rather than the toe-heel line's angle (judged before), which hangs on the
    foot's length in the picture, a few pixels for a far foot: through MediaPipe the angle of clean and lifted heels
    overlapped, their rise did not (figures with the calf stretch's back_heel_rise_max_ratio).

    The floor is the middle of three points on it: the back foot's toes and the front foot's heel and toes (flat in a
    calf stretch). The back toes alone jumped 8 px down for seconds at a time on some clean clips, which read as a heel
    coming up; one of three points going astray leaves the middle where it was.
    """
    back = _left_foot_back(b)
    on_floor = np.stack([_role(b, "foot_index", back)[:, 1], _role(b, "heel", ~back)[:, 1],
                         _role(b, "foot_index", ~back)[:, 1]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a frame with none of the three seen is unknown
        floor = np.nanmedian(on_floor, axis=0)
    rise_px = floor - (_role(b, "heel", back)[:, 1] + _role(b, "ankle", back)[:, 1]) / 2.0  # y grows downwards
    length_px = distance(_role(b, "hip", back), _role(b, "ankle", back))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(length_px > 0, rise_px / length_px, np.nan)


@SIGNALS.register("back_knee_deg")
def back_knee_deg(b: Body) -> np.ndarray:
    """Back leg's knee, hip-knee-ankle; 180 is straight. Image angle side-on, world angle further round."""
    back = _left_foot_back(b)
    image = joint_angle_deg(_role(b, "hip", back), _role(b, "knee", back), _role(b, "ankle", back))
    world = np.where(back, joint_3d_deg(b, "hip", "knee", "ankle", "left"),
                     joint_3d_deg(b, "hip", "knee", "ankle", "right"))
    return fused_joint_deg(b, image, world)


@SIGNALS.register("hips_forward_ratio")
def hips_forward_ratio(b: Body) -> np.ndarray:
    """Hips ahead of the ankles (mid-points), as a fraction of the working leg's hip-ankle length.

    About 0 standing tall; a standing back extension done well pushes the hips forward as the trunk leans back.
    """
    hip, ankle = b.mid("hip"), b.mid("ankle")
    return _per_length(b, hip[:, 0] - ankle[:, 0], distance(b.point("hip"), b.point("ankle")))


# Each leg's role changes frame by frame, so no working-side part decides reliability ("side", no parts); the
# knee angle is a joint angle, known from any view.
SIGNAL_PLANES.update({
    "back_thigh_extension_deg": ("side", ()),
    "front_knee_past_toes_ratio": ("side", ()),
    "trunk_lean_back_deg": ("side", ("shoulder", "hip")),
    "back_shin_lean_deg": ("side", ()),
    "back_heel_rise_ratio": ("side", ()),
    "back_knee_deg": ("joint", ()),
    "hips_forward_ratio": ("side", ("hip", "ankle")),
})


@SIDE_RULES.register("kneeling_leg")
def _kneeling_leg(xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray,
                  thresholds: Mapping[str, float]) -> np.ndarray:
    """The leg whose knee is lower in the picture: the one kneeling, whose hip is stretched."""
    dy = xy[:, sided("knee", "left"), 1] - xy[:, sided("knee", "right"), 1]
    return np.where(np.isfinite(dy), np.sign(dy), 0.0)


@SIDE_RULES.register("back_foot")
def _back_foot(xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray,
               thresholds: Mapping[str, float]) -> np.ndarray:
    """The leg whose ankle is further behind, along the way the person faces: the calf being stretched."""
    ahead = (xy[:, sided("ankle", "right"), 0] - xy[:, sided("ankle", "left"), 0]) * facing_sign(xy, "nose")
    return np.where(np.isfinite(ahead), np.sign(ahead), 0.0)
