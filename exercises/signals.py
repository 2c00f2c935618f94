"""Named signals: functions of a Body giving one value per frame (degrees or ratios), NaN when unknown.

Specs refer to signals by name; `get_signal` rejects an unknown name with the list of valid ones.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from exercises.body import Body
from exercises.names import Registry
from pose.geometry import (
    angle_from_horizontal_deg,
    angle_from_vertical_deg,
    arc_bend_deg,
    distance,
    elevation_deg,
    joint_angle_deg,
    point_to_segment_distance,
    widen_horizontal,
)
from pose.landmarks import other_side
from pose.outline import BACK_SAMPLE_FRACTIONS
from pose.view import tilt_from_drop_deg

SignalFn = Callable[[Body], np.ndarray]
# Every signal by name (its unit is the name's suffix); `@signal(name)` adds one.
SIGNALS: Registry[SignalFn] = Registry("signal")
signal = SIGNALS.register
get_signal = SIGNALS.get
# A back outline needs most of its samples to fit a curve through them.
_BACK_SAMPLES_MIN = 5
# Neighbouring outline samples are a ninth of the trunk apart; a smooth back cannot move further than this
# fraction of the trunk between them.
_BACK_OUTLINE_STEP_MAX_RATIO = 0.15
# A standing shin leans at most 60 degrees from vertical (cos 60 = 0.5), even in the deepest squat.
_SHIN_DROP_MIN_RATIO = 0.5


def _segment_3d(b: Body, a: str, c: str, side: str | None = None) -> np.ndarray:
    """(T, 3) the segment a->c in 3D: from MediaPipe's world landmarks (metres), or from its foreshortening.

    With `depth_from_foreshortening`, the segment is taken in pixels, and one seen shorter than its full length (its
    longest so far, see Body.reference_px) points into or out of the picture by sqrt(full^2 - seen^2), the world
    landmarks saying only which way. Measured on rendered clips (bench.accuracy, seed 13), neither reads a deep
    oblique squat well (both 8 degrees median at 40 degrees off side-on); the world landmarks count reps better at
    60, so they are the default.
    """
    if not b.limits.depth_from_foreshortening:
        return b.world_point(c, side) - b.world_point(a, side)  # type: ignore[arg-type]
    d = b.point(c, side) - b.point(a, side)  # type: ignore[arg-type]
    seen = np.hypot(d[:, 0], d[:, 1])
    full = b.reference(a, c, side)  # type: ignore[arg-type]
    dz_world = b.world_point(c, side)[:, 2] - b.world_point(a, side)[:, 2]  # type: ignore[arg-type]
    depth = np.sqrt(np.clip(full**2 - seen**2, 0.0, None)) * np.where(dz_world < 0, -1.0, 1.0)
    return np.concatenate([d, np.where(np.isfinite(full), depth, 0.0)[:, None]], axis=1)


def joint_3d_deg(b: Body, a: str, joint: str, c: str, side: str | None = None) -> np.ndarray:
    """The angle at `joint` between the 3D segments to `a` and to `c` (see _segment_3d)."""
    zero = np.zeros((len(b.xy), 3))
    return joint_angle_deg(_segment_3d(b, joint, a, side), zero, _segment_3d(b, joint, c, side))


def fused_joint_deg(b: Body, image_deg: np.ndarray, world_deg: np.ndarray, joint: str = "knee") -> np.ndarray:
    """A joint angle from the image near side-on and from the world landmarks further round, blended between.

    Where one of the two is unknown the other is used alone: a missing world landmark does not hide a side view.
    `joint` picks the view window measured for that joint (exercises.body.ViewLimits.image_window_deg).

    Past the knee's image-only window the more bent of the two is taken: away from side-on both read a deep knee
    bend too straight (the picture foreshortens it, MediaPipe's depth is shallow; median +6 to +27 degrees at a
    true 40-60, seeds 13 and 29), so the more bent is the nearer (wall squat knee at a true 40: 8.3 -> 6.5 degrees
    median; nerve glide reps exact at 60: 0.67 -> 1.00).
    """
    w = b.image_weight(joint)
    fused = weighted_blend(w, image_deg, world_deg)
    if joint != "knee" or not b.limits.knee_more_bent:
        return fused
    both = np.isfinite(image_deg) & np.isfinite(world_deg)
    return np.where((w < 1.0) & both, np.fmin(image_deg, world_deg), fused)


def weighted_blend(w: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(T,) w * a + (1 - w) * b; where either is unknown, the one weighted at least half alone."""
    blend = w * a + (1.0 - w) * b
    return np.where(np.isfinite(blend), blend, np.where(w >= 0.5, a, b))


def side_plane(b: Body, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """`end` with start->end widened to undo the camera's turn, for a segment in the body's side plane.

    Past `view_sagittal_max_deg` the widening is capped there (the value is reported unknown anyway).
    """
    view = np.nan_to_num(np.minimum(b.view, b.limits.sagittal_max_deg), nan=0.0)
    return widen_horizontal(start, end, 1.0 / np.cos(np.radians(view)))


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _trunk_length(b: Body) -> np.ndarray:
    return distance(b.point("shoulder"), b.point("hip"))


@signal("knee_deg")
def knee_deg(b: Body) -> np.ndarray:
    """Working knee, hip-knee-ankle; 180 is straight. Image angle side-on, world angle further round."""
    return fused_joint_deg(b, b.picture_joint_deg(b.point("hip"), b.point("knee"), b.point("ankle")),
                           joint_3d_deg(b, "hip", "knee", "ankle"))


@signal("hip_deg")
def hip_deg(b: Body) -> np.ndarray:
    """Working hip, shoulder-hip-knee; 180 standing straight, 90 thigh square to the trunk."""
    return fused_joint_deg(
        b, b.picture_joint_deg(b.trunk_top(), b.point("hip"), b.point("knee")),
        joint_3d_deg(b, "shoulder", "hip", "knee"), "hip")


@signal("trunk_lean_deg")
def trunk_lean_deg(b: Body) -> np.ndarray:
    """Hip->shoulder line from vertical; positive leans towards where the person faces (away from a wall behind).

    Read in the picture, which keeps vertical whatever the camera's turn or tilt (MediaPipe's world axes follow
    the camera, so a tilted camera tilts their vertical), with the forward-backward extent corrected for the turn.
    """
    hip = b.mid("hip")
    return angle_from_vertical_deg(hip, side_plane(b, hip, b.mid("shoulder")), b.forward)


@signal("hand_thigh_gap_ratio")
def hand_thigh_gap_ratio(b: Body) -> np.ndarray:
    """Nearest wrist's distance to the knee half of the thigh, as a fraction of thigh length (0 = pushing on it).

    Only the knee half: arms hanging at the sides put the wrists by the hips, which is no fault.
    """
    hip, knee = b.point("hip"), b.point("knee")
    thigh = distance(hip, knee)
    mid = (hip + knee) / 2.0
    gaps = [point_to_segment_distance(b.point("wrist", s), mid, knee) for s in ("left", "right")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _ratio(np.nanmin(np.stack(gaps), axis=0), thigh)


@signal("ankle_deg")
def ankle_deg(b: Body) -> np.ndarray:
    """Working ankle, knee-ankle-toe; smaller is more dorsiflexed.

    From the picture only: MediaPipe's world foot is 30 degrees off even side-on (bench.accuracy, seed 13 nerve
    glides), so away from side-on the value is only approximate (see SIGNAL_PLANES).
    """
    return joint_angle_deg(b.point("knee"), b.point("ankle"), b.point("foot_index"))


@signal("other_leg_lift_deg")
def other_leg_lift_deg(b: Body) -> np.ndarray:
    """Non-working hip->ankle line above the horizontal: a leg that should rest on the floor rising.

    Two checks, each on only when the spec has its threshold, for where the pose model lays the far leg onto the
    near one:
    - `other_knee_folded_max_deg`: unknown unless that leg's knee is seen and straighter than it. A resting leg lies
      straight or with its foot on the floor (knee 120-180), and lifting off the floor it stays straight; a knee
      folded under 100 degrees, or too hidden to place, while the other knee is hugged in is the far leg laid onto
      the near one (rendered knee-to-chest clips: knee 48-120 or unseen, reading a "lift" of 20-87).
    - `other_knee_off_working_thigh_min_ratio`: unknown while that leg's knee lies within this many thigh lengths of
      the working thigh (hip to knee). The raised thigh stands straight up from the hip; a resting leg lifted straight
      by e degrees has its knee cos(e) thigh lengths off it (0.87 at 30, 0.71 at 45). The pose model's far leg laid
      along the raised one reads 0.1-0.6 there (rendered nerve glides 20 degrees off side-on, where the view still
      reads side-on), a true lift of 25-30 degrees 0.81-0.91.
    """
    hip = b.other("hip")
    lift = elevation_deg(hip, side_plane(b, hip, b.other("ankle")))
    # The resting leg is the one the pose model invents when it cannot find it (placed in the air beside the raised
    # one at visibility 0.5-0.6 on rendered nerve glides; a true lift reads 0.8-0.95): judged only when well seen.
    lift = np.where(b.well_seen(("knee", "ankle"), other_side(b.side)), lift, np.nan)
    with np.errstate(invalid="ignore"):
        folded_max = b.threshold("other_knee_folded_max_deg")
        if np.isfinite(folded_max):
            lift = np.where(joint_angle_deg(hip, b.other("knee"), b.other("ankle")) >= folded_max, lift, np.nan)
        off_min = b.threshold("other_knee_off_working_thigh_min_ratio")
        if np.isfinite(off_min):
            off = _ratio(point_to_segment_distance(b.other("knee"), b.point("hip"), b.point("knee")),
                         distance(b.point("hip"), b.point("knee")))
            lift = np.where(off >= off_min, lift, np.nan)
    return lift


def _until_step(prof: np.ndarray) -> np.ndarray:
    out = prof.copy()
    steps = np.abs(np.diff(prof, axis=1)) > _BACK_OUTLINE_STEP_MAX_RATIO  # (T, K-1); step k is between k and k+1
    for i, k in zip(*np.nonzero(steps)):
        out[i, : k + 1] = np.nan
    return out


@signal("spine_flexion_deg")
def spine_flexion_deg(b: Body) -> np.ndarray:
    """Bend of the back's outline between shoulder and hip: positive rounded up (cat), negative sagging (cow).

    A parabola fitted through the outline samples gives the bulge at mid-back relative to the line through
    its ends; `arc_bend_deg` turns that into the turning angle of an equivalent circular arc.

    The back is smooth, so the outline is followed from the hip end (which nothing covers) towards the
    shoulders only until it jumps: a jump means the sample hit the head or hair raised over the shoulders
    (looking up in cow), not the back.
    """
    prof = _until_step(b.back_profile)
    ok = np.isfinite(prof)
    out = np.full(len(prof), np.nan)
    design = np.stack([np.ones_like(BACK_SAMPLE_FRACTIONS), BACK_SAMPLE_FRACTIONS, BACK_SAMPLE_FRACTIONS**2], axis=1)
    # The bulge is up or down, whole in the picture; the shoulder-hip chord it is measured against runs forward and
    # is shortened by the cosine of the camera's turn, so the ratio is scaled back by it (seed-13 suite, offset
    # removed: 7.8 -> 3.4 degrees median at 40 degrees off side-on, 16 -> 11 at 60).
    turn = np.cos(np.radians(np.nan_to_num(np.minimum(b.view, b.limits.sagittal_max_deg), nan=0.0)))
    for i in np.flatnonzero(ok.sum(axis=1) >= _BACK_SAMPLES_MIN):
        coef, *_ = np.linalg.lstsq(design[ok[i]], prof[i, ok[i]], rcond=None)
        out[i] = arc_bend_deg(-coef[2] / 4.0 * turn[i])
    return out


@signal("neck_deg")
def neck_deg(b: Body) -> np.ndarray:
    """Head relative to the trunk line: ear direction from the shoulder minus trunk direction; positive looks up.

    From the near side's ear, shoulder and hip side-on, and from the midpoints of both sides' further round (the ear
    is nearer the middle than the shoulder, so the near side's line is not in the side plane; see
    exercises.body.VIEW_THRESHOLDS, view_near_side_only_max_deg), blended in between.
    """
    near = _neck_in_picture_deg(b, b.point("ear"), b.point("shoulder"), b.point("hip"))
    middle = _neck_in_picture_deg(b, b.mid("ear"), b.mid("shoulder"), b.mid("hip"))
    return weighted_blend(b.near_side_weight(), near, middle)


def _neck_in_picture_deg(b: Body, ear: np.ndarray, shoulder: np.ndarray, hip: np.ndarray) -> np.ndarray:
    head = angle_from_horizontal_deg(shoulder, side_plane(b, shoulder, ear), b.forward)
    trunk = angle_from_horizontal_deg(hip, side_plane(b, hip, shoulder), b.forward)
    return (head - trunk + 180.0) % 360.0 - 180.0


@signal("wrist_offset_ratio")
def wrist_offset_ratio(b: Body) -> np.ndarray:
    """Wrist ahead of (+) or behind (-) the shoulder, as a fraction of trunk length."""
    return _ratio((b.point("wrist")[:, 0] - b.point("shoulder")[:, 0]) * b.forward, _trunk_length(b))


@signal("knee_offset_ratio")
def knee_offset_ratio(b: Body) -> np.ndarray:
    """Knee ahead of (+) or behind (-) the hip, as a fraction of trunk length."""
    return _ratio((b.point("knee")[:, 0] - b.point("hip")[:, 0]) * b.forward, _trunk_length(b))


@signal("neck_length_ratio")
def neck_length_ratio(b: Body) -> np.ndarray:
    """Ear-to-shoulder distance over trunk length; it shrinks when the shoulders shrug."""
    return _ratio(distance(b.point("ear"), b.point("shoulder")), _trunk_length(b))


@signal("trunk_from_vertical_deg")
def trunk_from_vertical_deg(b: Body) -> np.ndarray:
    """Unsigned tilt of the hip->shoulder line from upright (posture check for standing exercises)."""
    return np.abs(angle_from_vertical_deg(b.mid("hip"), b.mid("shoulder")))


@signal("trunk_from_horizontal_deg")
def trunk_from_horizontal_deg(b: Body) -> np.ndarray:
    """Unsigned tilt of the hip->shoulder line from level (posture check lying down or on all fours)."""
    return 90.0 - trunk_from_vertical_deg(b)


def _support_is_other(b: Body) -> np.ndarray:
    return b.derived("support_is_other", _find_support_is_other)


def _find_support_is_other(b: Body) -> np.ndarray:
    # The supporting leg is the one whose ankle is lower (larger y): during a single-leg lift in a wall sit
    # the lifted leg's knee angle says nothing about the squat. Ties go to the working (nearer) side.
    own, other = b.point("ankle")[:, 1], b.other("ankle")[:, 1]
    shin = distance(b.point("knee"), b.point("ankle"))
    with np.errstate(invalid="ignore"):
        return np.isfinite(other) & (other - own > 0.25 * np.nan_to_num(shin, nan=np.inf))


def _support_point(b: Body, part: str) -> np.ndarray:
    return np.where(_support_is_other(b)[:, None], b.other(part), b.point(part))




def _support_foot_point(b: Body, part: str) -> np.ndarray:
    """A supporting-leg point, NaN in frames where that leg's foot is not plausibly on the floor.

    A standing foot is below its knee: an "ankle" level with or above the knee is the pose model taking a hand
    (hanging behind the hips in a deep squat) for the foot. The shin and foot angles of such frames would claim
    knees far past the toes; they are unknown instead. The knee angle is kept, as the rep still happened.
    """
    return np.where(b.derived("support_foot_on_floor", _support_foot_on_floor)[:, None], _support_point(b, part),
                    np.nan)


def _support_foot_on_floor(b: Body) -> np.ndarray:
    knee, ankle = _support_point(b, "knee"), _support_point(b, "ankle")
    with np.errstate(invalid="ignore"):
        return (ankle[:, 1] - knee[:, 1]) >= _SHIN_DROP_MIN_RATIO * distance(knee, ankle)


@signal("support_knee_deg")
def support_knee_deg(b: Body) -> np.ndarray:
    """Knee of the supporting leg (the one with the lower foot); 180 is straight.

    Image side-on, world further round; near the front, blended towards the thighs' drop (see `front_knee_deg`),
    as both the picture's and the world landmarks' angles read a deep bend 15-30 degrees too straight from there.
    """
    fused = fused_joint_deg(
        b, b.picture_joint_deg(_support_point(b, "hip"), _support_point(b, "knee"), _support_point(b, "ankle")),
        np.where(_support_is_other(b), joint_3d_deg(b, "hip", "knee", "ankle", other_side(b.side)),
                 joint_3d_deg(b, "hip", "knee", "ankle")))
    w = front_knee_weight(b)
    front = front_knee_deg(b)
    return weighted_blend(w, front, fused)


def front_knee_weight(b: Body) -> np.ndarray:
    """(T,) weight of the thighs' drop (front_knee_deg) in the knee angle, by the view.

    0 up to `view_front_knee_from_deg`, 1 from `view_front_knee_full_deg`, blended between; 0 where the view is
    unknown or the spec sets neither threshold.
    """
    start, full = b.threshold("view_front_knee_from_deg"), b.threshold("view_front_knee_full_deg")
    if not (np.isfinite(start) and np.isfinite(full)):
        return np.zeros(len(b.xy))
    w = np.clip((b.view - start) / max(full - start, 1e-9), 0.0, 1.0)
    return np.where(np.isfinite(w), w, 0.0)


def _standing_length_px(b: Body, part: str, end: str, other_part: str, other_end: str, side: str) -> np.ndarray:
    """A leg segment's length standing straight, in pixels, from its longest seen so far (Body.reference).

    The longest is capped at `leg_segment_max_ratio` times the other leg segment's longest: one frame with a joint
    placed far off would otherwise stretch the reference for the rest of the set. A standing segment reads a little
    short of its longest (landmark noise), so a segment seen at `front_standing_seen_min_ratio` of it counts as
    hanging straight.
    """
    longest = b.reference(part, end, side)  # type: ignore[arg-type]
    cap = b.threshold("leg_segment_max_ratio") * b.reference(other_part, other_end, side)  # type: ignore[arg-type]
    return b.threshold("front_standing_seen_min_ratio") * np.fmin(longest, cap)


def front_knee_deg(b: Body) -> np.ndarray:
    """(T,) the knee from how far the thigh and shin drop in the picture, for the view from the front.

    From the front a knee bending shows as the thigh and shin shortening in the picture (pose.view.tilt_from_drop_deg):
    the knee is 180 less the thigh's and the shin's tilts from vertical. NaN where a segment's standing length is
    unknown or the spec sets no `front_drop_seen_ratio`. Both legs are averaged (from the front both are seen, and
    their errors are partly independent), except while one foot is lifted: then the supporting leg alone.
    """
    seen = b.threshold("front_drop_seen_ratio")
    if not np.isfinite(seen):
        return np.full(len(b.xy), np.nan)
    legs = {}
    for s in ("left", "right"):
        hip, knee, ankle = (b.point(p, s) for p in ("hip", "knee", "ankle"))  # type: ignore[arg-type]
        thigh = tilt_from_drop_deg(hip, knee, _standing_length_px(b, "hip", "knee", "knee", "ankle", s), seen)
        shin = tilt_from_drop_deg(knee, ankle, _standing_length_px(b, "knee", "ankle", "hip", "knee", s), seen)
        legs[s] = 180.0 - thigh - shin
    own, other = legs[b.side], legs[other_side(b.side)]
    with np.errstate(invalid="ignore"):
        other_lifted = (b.point("ankle")[:, 1] - b.other("ankle")[:, 1]
                        > b.threshold("front_foot_lifted_min_ratio") * distance(b.point("knee"), b.point("ankle")))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # both legs unknown: NaN
        both = np.nanmean(np.stack([own, other]), axis=0)
    return np.where(_support_is_other(b), other, np.where(other_lifted, own, both))


@signal("support_shin_from_vertical_deg")
def support_shin_from_vertical_deg(b: Body) -> np.ndarray:
    """Supporting leg's ankle->knee line from vertical; positive when the knee is ahead of the ankle."""
    ankle = _support_foot_point(b, "ankle")
    return angle_from_vertical_deg(ankle, side_plane(b, ankle, _support_foot_point(b, "knee")), b.forward)


@signal("support_heel_lift_deg")
def support_heel_lift_deg(b: Body) -> np.ndarray:
    """Supporting foot's toe->heel line above the horizontal; about 0 with the heel down."""
    toe = _support_foot_point(b, "foot_index")
    return elevation_deg(toe, side_plane(b, toe, _support_foot_point(b, "heel")))


@signal("thigh_drop_deg")
def thigh_drop_deg(b: Body) -> np.ndarray:
    """Supporting thigh's knee->hip line below the horizontal: positive when the hips sink below the knees."""
    hip = _support_point(b, "hip")
    return elevation_deg(hip, side_plane(b, hip, _support_point(b, "knee")))


@signal("knee_valgus_ratio")
def knee_valgus_ratio(b: Body) -> np.ndarray:
    """Knees collapsing inward, seen from the front: how much narrower the knees are than the feet.

    1 less the knees' distance apart over the ankles' (across the picture): 0 with the knees over the feet, 0.5 with
    them half as far apart as the feet, negative bowed outward. NaN while the ankles are closer together than
    `valgus_feet_apart_min_ratio` of a shin (feet together: the ratio would be noise; a spec without it has no such
    limit).

    Only the front shows it; from the side the knees overlap in depth and the value is withheld (signal_confidence).
    """
    knees = np.abs(b.point("knee", "left")[:, 0] - b.point("knee", "right")[:, 0])
    ankles = np.abs(b.point("ankle", "left")[:, 0] - b.point("ankle", "right")[:, 0])
    shin = distance(b.point("knee"), b.point("ankle"))
    with np.errstate(invalid="ignore"):
        too_close = ankles < b.threshold("valgus_feet_apart_min_ratio") * shin
    return np.where(too_close, np.nan, 1.0 - _ratio(knees, ankles))


# Confidence of a measurement in a frame (see signal_confidence); stored as small integers in series.
UNKNOWN, APPROXIMATE, RELIABLE = 0, 1, 2
CONFIDENCE_NAMES: dict[int, str] = {UNKNOWN: "unknown", APPROXIMATE: "approximate", RELIABLE: "reliable"}

# Which plane each signal measures in, and the (working-side) parts it reads, for its confidence:
# "joint": an angle between two segments, read from the world landmarks away from side-on, so known from any view
# but reliable only side-on; "side": an angle or offset in the body's side plane (against the vertical, the
# horizontal, or forward), unknown past view_sagittal_max_deg; "front": what only the front shows; "any": the same
# from every view. A signal not listed is "any" over no particular parts.
SIGNAL_PLANES: dict[str, tuple[str, tuple[str, ...]]] = {
    "knee_deg": ("joint", ("hip", "knee", "ankle")),
    "support_knee_deg": ("joint", ("hip", "knee", "ankle")),
    "hip_deg": ("joint", ("shoulder", "hip", "knee")),
    "ankle_deg": ("joint", ("knee", "ankle", "foot_index")),
    "trunk_lean_deg": ("side", ("shoulder", "hip")),
    "support_shin_from_vertical_deg": ("side", ("knee", "ankle")),
    "support_heel_lift_deg": ("side", ("heel", "foot_index")),
    "thigh_drop_deg": ("side", ("hip", "knee")),
    "other_leg_lift_deg": ("side", ()),
    "spine_flexion_deg": ("side", ("shoulder", "hip")),
    "neck_deg": ("side", ("ear", "shoulder", "hip")),
    "wrist_offset_ratio": ("side", ("wrist", "shoulder")),
    "knee_offset_ratio": ("side", ("knee", "hip")),
    "knee_valgus_ratio": ("front", ("hip", "knee", "ankle")),
    "hand_thigh_gap_ratio": ("any", ("hip", "knee")),
}


# Signals that read whichever side moves (either leg), not the working side: per signal, (T,) whether the parts it
# read in each frame were seen reliably, in place of `Body.well_seen` of its SIGNAL_PLANES parts.
SEEN_RULES: dict[str, Callable[[Body], np.ndarray]] = {}


def signal_plane(name: str) -> str:
    """Where a measurement is seen from: its SIGNAL_PLANES plane ("joint", "side", "front", "any").

    "timing" for a rep's duration (RepSpec.timing_view_max), which the view decides as it decides a side-plane angle.
    """
    return "timing" if name == "duration_s" else SIGNAL_PLANES.get(name, ("any", ()))[0]


def signal_confidence(name: str, b: Body, values: np.ndarray) -> np.ndarray:
    """(T,) confidence codes of a signal's values: RELIABLE, APPROXIMATE or UNKNOWN.

    From the view angle of the plane the signal measures in (an unknown view counts as side-on) and the visibility
    of the parts it reads (SIGNAL_PLANES, or SEEN_RULES for a signal reading either side); a NaN value is always
    UNKNOWN.
    """
    plane, parts = SIGNAL_PLANES.get(name, ("any", ()))
    lim = b.limits
    view = np.nan_to_num(b.view, nan=0.0)
    off = 90.0 - view if plane == "front" else view  # degrees away from the view this plane is best seen from
    seen = SEEN_RULES[name](b) if name in SEEN_RULES else b.well_seen(parts)
    reliable = seen & ((off <= lim.reliable_max_deg) | (plane == "any"))
    known = np.isfinite(values)
    if plane == "side":
        known &= view <= lim.sagittal_max_deg
    elif plane == "front":
        known &= view >= lim.frontal_min_deg
    return np.where(known, np.where(reliable, RELIABLE, APPROXIMATE), UNKNOWN).astype(np.int8)


def measure(name: str, b: Body) -> tuple[np.ndarray, np.ndarray]:
    """A signal's (T,) values and confidence codes; values whose confidence is UNKNOWN are NaN, so no rule fires."""
    values = np.asarray(get_signal(name)(b), float)
    conf = signal_confidence(name, b, values)
    return np.where(conf == UNKNOWN, np.nan, values), conf
