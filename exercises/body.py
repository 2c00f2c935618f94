"""The body as the signals see it: smoothed pixel and world landmarks, the working side, the facing direction.

Also how far the camera is from side-on, which decides how much each kind of measurement can be trusted.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from exercises.lookback import Lookback
from exercises.names import Registry
from pose.geometry import joint_angle_deg, midpoint
from pose.landmarks import Landmark, Side, other_side, sided
from pose.view import side_plane_angle_deg, yaw_from_view_deg

# How much each view of the camera is trusted, by the plane a measurement lies in. Names end in their unit, as every
# threshold's does; a spec takes them into its thresholds (so a patient's file may override them), and a spec
# without them gets these values.
VIEW_THRESHOLDS: dict[str, float] = {
    # Joint angles come from the image alone up to the first value of their pair (degrees off side-on, as the view
    # is read), from the world landmarks alone from the second on, blended in between; measured per joint and yaw on
    # rendered clips (bench.accuracy; seeds 13 and 29, pitch -15..+15, field of view 50-75). The view is read high
    # (MediaPipe's depth is about half the true one: a true 40 reads 45-68, a true 60 reads 65-80), so the values
    # are in the view as read. The knee (and every joint but the hip): MediaPipe's world knee reads a deep bend
    # 10-30 degrees too straight away from side-on, and the picture's is better (median) until the view reads
    # nearly front-on; but the picture's reads a squat filmed at a true 60 too shallow to count (wall squat reps
    # exact at 60: 0.75 with the world from a read 35 on, 0.38 with the image up to 70). Image up to 35: the knee
    # at a true 20 goes 3.9|7.3 -> 3.4|6.6 degrees (median|p90), 40 7.8 -> 8.3, reps unchanged.
    "view_image_only_max_deg": 35.0,
    "view_world_only_min_deg": 50.0,
    # The hip: a turned trunk foreshortens the shoulder-hip line in the picture at once, and the world hip is
    # better from a read 20 on (wall squat at a true 20: 6.2 -> 4.8 median; side-on unchanged at 2.1).
    "view_hip_image_only_max_deg": 0.0,
    "view_hip_world_only_min_deg": 20.0,
    # A trunk line's rise from the floor (exercises.signals_floor.trunk_rise_deg), read as the hip's window is by
    # default but on its own pair, so a spec that reads its hip angle from the picture further round (the knee to
    # chest) keeps the world's trunk: filmed round, the picture sees a trunk lying flat rise towards its far end.
    "view_trunk_image_only_max_deg": 0.0,
    "view_trunk_world_only_min_deg": 20.0,
    # 1 (default): past its image-only view the knee is the more bent of picture and depth, as both read a deep bend
    # too straight there (see exercises.signals.fused_joint_deg); 0: the blend alone (bench.accuracy's sources).
    "knee_more_bent_flag": 1.0,
    # Within this of side-on (or of square-on, for what only the front shows) a measurement is reliable; beyond it
    # at best approximate.
    "view_reliable_max_deg": 20.0,
    # Angles in the body's side plane (trunk lean, shin, thigh, the back's bend) are read from the picture, corrected
    # for the camera's turn; past this turn the correction divides by too small a cosine (cos 55 = 0.57) and the
    # value is unknown. At 65 a wall sit filmed at 60 degrees lost 1.5 s of its hold to a shin read far forward
    # (seeds 13 and 29); the price is that a view read past 55 (some true 40 degree views) judges no back lean.
    "view_sagittal_max_deg": 55.0,
    # What only the front shows (knees collapsing inward) is unknown closer to side-on than this. High, because the
    # view estimate reads up to 80 at a true 60 degrees (seed 13 suite), where a knee moving forward already looks
    # like a knee moving inward.
    "view_frontal_min_deg": 80.0,
    # A landmark seen with less visibility than this (but enough to use) makes the measurement approximate.
    "landmark_reliable_min_ratio": 0.8,
    # The view angle is averaged over about this long: the body turns slowly, MediaPipe's depth jitters fast.
    "view_smoothing_s": 1.0,
    # 0 (default): joint angles away from side-on from MediaPipe's world landmarks as they are; 1: from the picture
    # with each segment's depth from its foreshortening (see exercises.signals._segment_3d; measured no better).
    "depth_from_foreshortening_flag": 0.0,
    # A line from a part on one side to one nearer the middle (shoulder to ear) is not in the body's side plane: turned
    # from side-on, the camera sees the step in across it as a step forward or back. So up to the first of these
    # (degrees off side-on, as the view is read) such an angle comes from the near side's landmarks, from the
    # midpoints of both sides' from the second on (the midline is in the side plane), blended in between. Side-on the
    # far side is hidden and guessed: rendered sphinxes read the head raised 44 degrees as 37 from the near side and 22
    # from the midpoints, level as 12 and 0. Filmed 20-60 degrees round the near side read -3 to -5 level and 15-20
    # raised (a neck extension of 40-54 degrees missed), the midpoints 14-16 and 45-50. The view reads under 11
    # side-on (95th percentile) and 29-36 filmed 20-60 round (median; rendered seeds 617-1251, 42 clips).
    "view_near_side_only_max_deg": 15.0,
    "view_midline_only_min_deg": 30.0,
    # 1: a joint's picture angle is taken as a side-on camera would see it (pose.view.side_plane_angle_deg, the turn
    # from pose.view.yaw_from_view_deg), and the hip's trunk is the shoulders' midpoint over the hips' (a turned
    # trunk shows the shoulders' extra width as a lean); 0 (default): the picture's angle as it is.
    "joint_side_plane_flag": 0.0,
    # The widening by 1/cos(turn) stops growing here (cos 70 = 0.34): nearer the front a few degrees of error in
    # the turn would swing the angle far.
    "joint_side_plane_yaw_max_deg": 70.0,
}

# Segments whose full length (in pixels) is tracked, to read their depth from their foreshortening.
REFERENCE_SEGMENTS: tuple[tuple[str, str], ...] = (
    ("shoulder", "hip"), ("hip", "knee"), ("knee", "ankle"), ("ankle", "foot_index"))


@dataclass(frozen=True)
class ViewLimits:
    """The view thresholds a Body's signals and their confidence use (see VIEW_THRESHOLDS for each one's meaning)."""

    image_only_max_deg: float = VIEW_THRESHOLDS["view_image_only_max_deg"]
    world_only_min_deg: float = VIEW_THRESHOLDS["view_world_only_min_deg"]
    reliable_max_deg: float = VIEW_THRESHOLDS["view_reliable_max_deg"]
    sagittal_max_deg: float = VIEW_THRESHOLDS["view_sagittal_max_deg"]
    frontal_min_deg: float = VIEW_THRESHOLDS["view_frontal_min_deg"]
    landmark_reliable_min_ratio: float = VIEW_THRESHOLDS["landmark_reliable_min_ratio"]
    depth_from_foreshortening: bool = False
    hip_image_only_max_deg: float = VIEW_THRESHOLDS["view_hip_image_only_max_deg"]
    hip_world_only_min_deg: float = VIEW_THRESHOLDS["view_hip_world_only_min_deg"]
    knee_more_bent: bool = True
    side_plane_joints: bool = False
    side_plane_yaw_max_deg: float = VIEW_THRESHOLDS["joint_side_plane_yaw_max_deg"]
    near_side_only_max_deg: float = VIEW_THRESHOLDS["view_near_side_only_max_deg"]
    midline_only_min_deg: float = VIEW_THRESHOLDS["view_midline_only_min_deg"]
    trunk_image_only_max_deg: float = VIEW_THRESHOLDS["view_trunk_image_only_max_deg"]
    trunk_world_only_min_deg: float = VIEW_THRESHOLDS["view_trunk_world_only_min_deg"]

    @classmethod
    def from_thresholds(cls, thresholds: Mapping[str, float]) -> ViewLimits:
        """The limits from a spec's thresholds, VIEW_THRESHOLDS filling in what it does not set."""
        t = {**VIEW_THRESHOLDS, **thresholds}
        return cls(t["view_image_only_max_deg"], t["view_world_only_min_deg"], t["view_reliable_max_deg"],
                   t["view_sagittal_max_deg"], t["view_frontal_min_deg"], t["landmark_reliable_min_ratio"],
                   bool(t["depth_from_foreshortening_flag"]), t["view_hip_image_only_max_deg"],
                   t["view_hip_world_only_min_deg"], bool(t["knee_more_bent_flag"]),
                   bool(t["joint_side_plane_flag"]), t["joint_side_plane_yaw_max_deg"],
                   t["view_near_side_only_max_deg"], t["view_midline_only_min_deg"],
                   t["view_trunk_image_only_max_deg"], t["view_trunk_world_only_min_deg"])

    def image_window_deg(self, joint: str) -> tuple[float, float]:
        """(image only up to, world only from) the view in degrees, for an angle ("hip", "trunk", "knee", ...)."""
        if joint == "hip":
            return self.hip_image_only_max_deg, self.hip_world_only_min_deg
        if joint == "trunk":
            return self.trunk_image_only_max_deg, self.trunk_world_only_min_deg
        return self.image_only_max_deg, self.world_only_min_deg


@dataclass(frozen=True)
class Body:
    """Landmarks of T frames prepared for signal functions.

    Attributes:
        xy: (T, 33, 2) pixel landmarks, x right and y down; NaN where unknown or not visible enough.
        back_profile: (T, K) back outline offsets (see pose.outline).
        side: the working side (nearer the camera, or the moving leg).
        forward: (T,) +1 where the person faces (or their head points) image-right, -1 image-left, NaN unknown.
        world: (T, 33, 3) world landmarks in metres (camera-aligned axes, origin between the hips), NaN where unknown;
            None when there are none (every value unknown).
        view_deg: (T,) how far the camera is from side-on, 0..90 (see pose.view.view_from_side_deg); None or NaN
            where unknown, which signals treat as side-on.
        visibility: (T, 33) landmark visibility, or None (every known landmark counts as well seen).
        limits: how the view angle weighs image against world and decides each measurement's confidence.
        reference_px: (T, 2 * len(REFERENCE_SEGMENTS)) each segment's full length in pixels so far (left side's
            segments, then the right's), NaN where unknown; None when not tracked.
        thresholds: the spec's thresholds, for the few signals that take a limit of their own (see `threshold`).
        t_s: (T,) frame times in seconds, for the few signals that look back (see `recent_lowest`); None: unknown.
        lookback: what those signals remember of earlier frames (the Checker's, so a live set fed a frame at a time
            reads what a recorded clip fed at once does); None: these frames alone.
    """

    xy: np.ndarray
    back_profile: np.ndarray
    side: Side
    forward: np.ndarray
    world: np.ndarray | None = None
    view_deg: np.ndarray | None = None
    visibility: np.ndarray | None = None
    limits: ViewLimits = ViewLimits()
    reference_px: np.ndarray | None = None
    thresholds: Mapping[str, float] = field(default_factory=dict)
    t_s: np.ndarray | None = None
    lookback: Lookback | None = None
    # Values several signals derive from the same landmarks (which leg supports the body), computed once.
    _derived: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, key: str, compute: Callable[[Body], np.ndarray]) -> np.ndarray:
        """`compute(self)`, computed on the first call with this key and reused after (the body never changes)."""
        if key not in self._derived:
            self._derived[key] = compute(self)
        return self._derived[key]

    def recent_lowest(self, key: str, score: np.ndarray, payload: np.ndarray, window_s: float) -> np.ndarray:
        """(T, ...) per frame, `payload` at the frame of lowest `score` in the `window_s` up to it (Lookback)."""
        if self.t_s is None:  # no times: each frame alone
            return np.where(np.isfinite(score).reshape((-1,) + (1,) * (payload.ndim - 1)), payload, np.nan)
        return (self.lookback or Lookback()).recent_lowest(key, np.asarray(self.t_s, float), score, payload, window_s)

    def threshold(self, name: str) -> float:
        """A threshold of the spec being scored; NaN when the spec has none by that name (the limit is off)."""
        return float(self.thresholds.get(name, np.nan))

    def point(self, part: str, side: Side | None = None) -> np.ndarray:
        """(T, 2) pixel positions of a sided part (e.g. "knee") on the working side or the one given."""
        return self.xy[:, sided(part, side or self.side)]

    def world_point(self, part: str, side: Side | None = None) -> np.ndarray:
        """(T, 3) world position (metres) of a sided part on the working side or the one given; NaN if unknown."""
        if self.world is None:
            return np.full((len(self.xy), 3), np.nan)
        return self.world[:, sided(part, side or self.side)]

    def world_mid(self, part: str) -> np.ndarray:
        """(T, 3) world midpoint of a part's left and right landmarks; the working side's alone if the other is not."""
        both = midpoint(self.world_point(part, "left"), self.world_point(part, "right"))
        return np.where(np.isfinite(both), both, self.world_point(part))

    def reference(self, a: str, c: str, side: Side | None = None) -> np.ndarray:
        """(T,) full length in pixels of the segment a-c (either direction) on a side; NaN where not tracked."""
        if self.reference_px is None:
            return np.full(len(self.xy), np.nan)
        key = (a, c) if (a, c) in REFERENCE_SEGMENTS else (c, a)
        if key not in REFERENCE_SEGMENTS:
            return np.full(len(self.xy), np.nan)
        k = REFERENCE_SEGMENTS.index(key) + (0 if (side or self.side) == "left" else len(REFERENCE_SEGMENTS))
        return self.reference_px[:, k]

    @property
    def view(self) -> np.ndarray:
        """(T,) degrees off side-on, NaN where unknown."""
        return np.full(len(self.xy), np.nan) if self.view_deg is None else np.asarray(self.view_deg, float)

    def image_weight(self, joint: str = "knee") -> np.ndarray:
        """(T,) weight of the image-plane angle against the world angle for a joint's angle: 1 side-on, 0 far off it.

        An unknown view counts as side-on, the view every exercise was first measured from.

        Args:
            joint: which joint's view window (ViewLimits.image_window_deg): "hip", "trunk", or any other for the knee's.
        """
        return self._side_on_weight(*self.limits.image_window_deg(joint))

    def near_side_weight(self) -> np.ndarray:
        """(T,) weight of the near side's landmarks against both sides' midpoints: 1 side-on, 0 well round from it.

        For a line that steps in towards the middle (shoulder to ear); an unknown view counts as side-on.
        """
        return self._side_on_weight(self.limits.near_side_only_max_deg, self.limits.midline_only_min_deg)

    def _side_on_weight(self, full_max_deg: float, none_min_deg: float) -> np.ndarray:
        """(T,) 1 up to a view of `full_max_deg`, 0 from `none_min_deg`, linear between; 1 where the view is unknown."""
        w = np.clip((none_min_deg - self.view) / max(none_min_deg - full_max_deg, 1e-9), 0.0, 1.0)
        return np.where(np.isfinite(w), w, 1.0)

    def picture_joint_deg(self, a: np.ndarray, joint: np.ndarray, c: np.ndarray) -> np.ndarray:
        """(T,) the angle at `joint` of three (T, 2) pixel points: as seen, or as seen side-on (ViewLimits).

        With `side_plane_joints` the segments are widened to undo the camera's turn (pose.view.side_plane_angle_deg),
        the turn read from the view (pose.view.yaw_from_view_deg) and capped at `side_plane_yaw_max_deg`; an unknown
        view counts as side-on.
        """
        if not self.limits.side_plane_joints:
            return joint_angle_deg(a, joint, c)
        yaw = np.minimum(np.nan_to_num(yaw_from_view_deg(self.view)), self.limits.side_plane_yaw_max_deg)
        return side_plane_angle_deg(a, joint, c, yaw)

    def trunk_top(self) -> np.ndarray:
        """(T, 2) the trunk's upper end for the working hip's angle.

        Its shoulder; with `side_plane_joints`, the hip plus the line from the hips' midpoint to the shoulders' (the
        shoulders are wider than the hips, so a turned camera shows the near shoulder off the hip's line: about 10
        degrees on a wall squat's hip angle at a true 40).
        """
        if not self.limits.side_plane_joints:
            return self.point("shoulder")
        return self.point("hip") + (self.mid("shoulder") - self.mid("hip"))

    def well_seen(self, parts: tuple[str, ...], side: Side | None = None) -> np.ndarray:
        """(T,) whether every given sided part was seen with at least the reliable visibility."""
        if self.visibility is None:
            return np.ones(len(self.xy), bool)
        idx = [sided(p, side or self.side) for p in parts]
        return (self.visibility[:, idx] >= self.limits.landmark_reliable_min_ratio).all(axis=1)

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


@FACING_RULES.register("knees")
def _knees_ahead_of_hips(xy: np.ndarray) -> np.ndarray:
    """Seated postures: the thighs point forward, so the knees are ahead of the hips.

    Not the nose: a slump drops the chin until the nose is straight below the ears, within a pixel either side, and
    a rendered slump of 45 degrees was read facing backwards for most of its clip, every rep's slump then reading as
    a lean back (rendered seed 401: three false trunk_not_slumped). The knees sat 75-80 pixels ahead of the hips.
    """
    knees = np.nanmean(xy[:, [Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE], 0], axis=1)
    hips = np.nanmean(xy[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP], 0], axis=1)
    return knees - hips


def facing_sign(xy: np.ndarray, facing_from: str) -> np.ndarray:
    """Per frame, +1 if the person faces image-right, -1 if image-left, NaN if unknown.

    Args:
        xy: (T, 33, 2) pixel landmarks.
        facing_from: a name in FACING_RULES: "nose" (upright postures: the nose is ahead of the ears), "knees"
            (seated: the knees are ahead of the hips) or "head" (lying and quadruped postures: the head end of the
            body counts as forward).

    Raises:
        ValueError: for an unknown rule, listing the valid ones.
    """
    rule = FACING_RULES.get(facing_from)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-unknown frame is simply NaN
        dx = rule(xy)
    return np.where(np.isfinite(dx) & (dx != 0), np.sign(dx), np.nan)


def segment_lengths_px(xy: np.ndarray) -> np.ndarray:
    """(T, 2 * len(REFERENCE_SEGMENTS)) image lengths of the tracked segments, left side then right (see Body)."""
    return np.stack([np.linalg.norm(xy[:, sided(c, side)] - xy[:, sided(a, side)], axis=-1)
                     for side in ("left", "right") for a, c in REFERENCE_SEGMENTS], axis=1)
