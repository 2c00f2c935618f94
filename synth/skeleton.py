"""Forward kinematics for the mannequin: planar chains in the sagittal plane, placed in 3D.

Everything here is in the canonical body frame (see the package docstring):
units of body height, x forward, y up, z towards the near (working) side,
floor at y = 0. Angles are degrees.

The exercises move the limbs in planes parallel to the body's sagittal plane,
so the generators build each chain in (x, y) with the 2D helpers below, then
set each joint's z from the body's widths (hips and shoulders apart, feet
hip-width). A leg then lies in the plane z = +-hip_width / 2, and its 3D
angles equal the planar ones; the trunk angles are those of the midline
(mid-hip to mid-shoulder), which is in the sagittal plane too.

Angle conventions (shared with the truth JSON and with ``formcheck``):
    * knee angle: interior angle hip-knee-ankle, 180 = straight leg.
    * hip angle: interior angle shoulder-hip-knee, 180 = standing straight,
      90 = thigh perpendicular to the trunk.
    * trunk lean: angle of the hip->shoulder line from vertical, 0 = upright.
    * ankle angle: interior angle knee-ankle-toe (smaller = more dorsiflexed).
    * spine flexion: total turning angle of the back curve from hip to
      shoulder, drawn as a circular arc; positive = rounded towards the dorsal
      side (cat / flexion), negative = sagging (cow / extension), 0 = flat.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

#: Joints every pose provides, for the near (camera) side and the far side.
SIDED_JOINTS: tuple[str, ...] = (
    "shoulder",
    "elbow",
    "wrist",
    "hip",
    "knee",
    "ankle",
    "heel",
    "toe",
)
#: Head points; the head is drawn once, so these are unsided.
HEAD_JOINTS: tuple[str, ...] = ("neck", "head", "ear", "nose")


@dataclass(frozen=True)
class BodyProportions:
    """Segment lengths as fractions of standing height.

    Defaults follow the classic Drillis-Contini anthropometric fractions, so an
    "average" body looks human to the pose model.

    Attributes:
        trunk: Hip joint to shoulder joint.
        thigh: Hip to knee.
        shin: Knee to ankle.
        foot: Heel to toe along the sole.
        ankle_height: Ankle joint above the sole.
        upper_arm: Shoulder to elbow.
        forearm: Elbow to wrist.
        hand: Wrist to finger tips.
        neck: Top of the trunk to the base of the skull.
        head_radius: Radius of the (circular) skull.
        hip_width: Between the hip joint centres; the feet stand this far
            apart too.
        shoulder_width: Between the shoulder joint centres.
    """

    trunk: float = 0.30
    thigh: float = 0.245
    shin: float = 0.235
    foot: float = 0.152
    ankle_height: float = 0.039
    upper_arm: float = 0.186
    forearm: float = 0.146
    hand: float = 0.09
    neck: float = 0.035
    head_radius: float = 0.062
    # About 19 and 38 cm on a 1.75 m adult: the spread of BlazePose's hip and shoulder landmarks seen from the front.
    hip_width: float = 0.11
    shoulder_width: float = 0.22

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not 0.0 < value < 1.0:
                raise ValueError(f"BodyProportions.{name} must be in (0, 1) body heights, got {value!r}")

    def scaled(self, legs: float = 1.0, arms: float = 1.0, trunk: float = 1.0) -> BodyProportions:
        """Return proportions with limb groups stretched, e.g. a long-legged body.

        Args:
            legs: Factor for thigh and shin.
            arms: Factor for upper arm, forearm and hand.
            trunk: Factor for the trunk.

        Returns:
            New proportions (not renormalised: "height" stays the unit).
        """
        return replace(
            self,
            thigh=self.thigh * legs,
            shin=self.shin * legs,
            upper_arm=self.upper_arm * arms,
            forearm=self.forearm * arms,
            hand=self.hand * arms,
            trunk=self.trunk * trunk,
        )


@dataclass(frozen=True)
class Skeleton:
    """Named 3D joint positions of one frame, in the canonical body frame.

    Attributes:
        joints: Name -> (3,) position. Sided joints are ``near_<joint>`` and
            ``far_<joint>`` for every name in ``SIDED_JOINTS``, plus the
            ``HEAD_JOINTS`` (on the midline, except ``ear``: the near ear).
        spine: (n, 3) polyline of the back curve from mid-hip to
            mid-shoulder, in the midline plane z = 0.
        head_dir_deg: Direction of the head's long axis (neck -> crown) in the
            sagittal plane, degrees counter-clockwise from +x.
        pelvis_roll_deg: Tilt of the pelvis about the forward axis, seen from
            the front; positive lowers the near side's hip (a single-leg
            stance's Trendelenburg drop). The drawn pelvis tilts with it,
            fading out towards the waist.
        trunk_roll_deg: Roll of the drawn trunk and head about the x axis
            through the spine, for a body lying along x: -90 lies on the far
            side with the near side up and the chest towards +z (side-lying,
            seen from the front). The pelvis rolls by this plus
            ``pelvis_roll_deg``. The joints are not moved: a pose places them.
    """

    joints: dict[str, np.ndarray]
    spine: np.ndarray
    head_dir_deg: float
    pelvis_roll_deg: float = 0.0
    trunk_roll_deg: float = 0.0

    def __post_init__(self) -> None:
        expected = {f"{s}_{j}" for s in ("near", "far") for j in SIDED_JOINTS} | set(HEAD_JOINTS)
        missing = expected - set(self.joints)
        if missing:
            raise ValueError(f"Skeleton is missing joints {sorted(missing)}")
        bad = sorted(k for k, v in self.joints.items() if np.shape(v) != (3,))
        if bad:
            raise ValueError(f"joints must be (3,) positions; {bad} are not")
        if self.spine.ndim != 2 or self.spine.shape[1] != 3 or len(self.spine) < 2:
            raise ValueError(f"spine must be (n>=2, 3), got {self.spine.shape}")

    def __getitem__(self, name: str) -> np.ndarray:
        return self.joints[name]

    def translated(self, offset: np.ndarray) -> Skeleton:
        """Return the skeleton moved by ``offset``, (2,) in the sagittal plane or (3,), body heights."""
        offset = np.asarray(offset, dtype=float)
        offset = np.concatenate([offset, np.zeros(3 - offset.size)])
        return replace(
            self,
            joints={k: v + offset for k, v in self.joints.items()},
            spine=self.spine + offset,
        )

    def mirrored(self) -> Skeleton:
        """The same pose done with the body's other side: reflected across the midline plane (z -> -z).

        Joint names keep their roles, so the ``near_`` joints are then the far ones: a pose built with its working
        leg near is mirrored to film that leg on the far side. Only for poses without a pelvis or trunk roll.
        """
        if self.pelvis_roll_deg or self.trunk_roll_deg:
            raise ValueError("a rolled pelvis or trunk cannot be mirrored")
        flip = np.array([1.0, 1.0, -1.0])
        return replace(self, joints={k: v * flip for k, v in self.joints.items()}, spine=self.spine * flip)

    def points3d(self) -> np.ndarray:
        """All joint and spine points stacked, (n, 3)."""
        return np.vstack([np.stack(list(self.joints.values())), self.spine])

    def points(self) -> np.ndarray:
        """All joint and spine points in the sagittal plane, (n, 2) (x, y); used to frame the side view."""
        return self.points3d()[:, :2]


def lift(points: dict[str, np.ndarray], lateral: dict[str, float]) -> dict[str, np.ndarray]:
    """Place planar (x, y) joints in 3D at the given lateral offsets.

    Args:
        points: Name -> (2,) sagittal position.
        lateral: Name -> z in body heights (+ towards the near side); names
            missing here get z = 0.

    Returns:
        Name -> (3,) position.
    """
    return {k: np.array([v[0], v[1], lateral.get(k, 0.0)], dtype=float) for k, v in points.items()}


def planar_length(length: float, lateral: float) -> float:
    """Length a segment shows in the sagittal plane when its ends are ``lateral`` apart in z."""
    return float(np.sqrt(max(length * length - lateral * lateral, 1e-12)))


def unit(angle_deg: float) -> np.ndarray:
    """Unit vector at ``angle_deg`` counter-clockwise from +x, shape (2,)."""
    a = np.radians(angle_deg)
    return np.array([np.cos(a), np.sin(a)])


def direction_deg(vector: np.ndarray) -> np.ndarray:
    """Direction of (..., 2) vectors in degrees counter-clockwise from +x."""
    vector = np.asarray(vector, dtype=float)
    return np.degrees(np.arctan2(vector[..., 1], vector[..., 0]))


def interior_angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Interior angle a-b-c at vertex ``b`` in degrees, in [0, 180].

    Works for one frame ((2,) or (3,) points) or a clip ((T, 2) or (T, 3)
    points); NaN in, NaN out.

    Args:
        a: (..., 2 or 3) first end point.
        b: (..., 2 or 3) vertex.
        c: (..., 2 or 3) second end point.

    Returns:
        (...) angles in degrees.
    """
    u = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    v = np.asarray(c, dtype=float) - np.asarray(b, dtype=float)
    if u.shape[-1] == 3:
        cross = np.linalg.norm(np.cross(u, v), axis=-1)
    else:
        cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = np.sum(u * v, axis=-1)
    # atan2 of |cross| and dot stays accurate near 0 and 180, unlike arccos.
    return np.degrees(np.arctan2(np.abs(cross), dot))


def angle_from_vertical_deg(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Unsigned angle of the line lower->upper from straight up, in degrees.

    Args:
        lower: (..., 2) lower end (e.g. hip for the trunk, ankle for the shin).
        upper: (..., 2) upper end, in a y-up frame.

    Returns:
        (...) angles in [0, 180].
    """
    d = np.asarray(upper, dtype=float) - np.asarray(lower, dtype=float)
    return np.degrees(np.arctan2(np.abs(d[..., 0]), d[..., 1]))


def rotate(vector: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotate (..., 2) vectors counter-clockwise by ``angle_deg``."""
    a = np.radians(angle_deg)
    c, s = np.cos(a), np.sin(a)
    v = np.asarray(vector, dtype=float)
    return np.stack([c * v[..., 0] - s * v[..., 1], s * v[..., 0] + c * v[..., 1]], axis=-1)


def arc_points(start: np.ndarray, end: np.ndarray, turn_deg: float, n: int = 24) -> np.ndarray:
    """Circular arc from ``start`` to ``end`` whose tangent turns by ``turn_deg``.

    Positive ``turn_deg`` bulges to the left of the start->end direction (the
    dorsal side in the canonical frame: behind a standing body, above a body on
    hands and knees); the tangent then turns clockwise along the arc.

    Args:
        start: (2,) first end point.
        end: (2,) last end point.
        turn_deg: Total turning angle of the tangent, |turn_deg| < 360.
        n: Number of points.

    Returns:
        (n, 2) points along the arc, including both ends.
    """
    start = np.asarray(start, dtype=float)
    end = np.asarray(end, dtype=float)
    t = np.linspace(0.0, 1.0, n)
    if abs(turn_deg) < 1e-6:
        return start + t[:, None] * (end - start)
    chord = end - start
    length = float(np.hypot(*chord))
    half = np.radians(turn_deg) / 2.0
    radius = length / (2.0 * np.sin(abs(half)))
    # The centre lies on the chord's bisector, on the side opposite the bulge.
    left = rotate(chord / length, 90.0)
    mid = (start + end) / 2.0
    centre = mid - np.sign(half) * left * radius * np.cos(half)
    a0 = direction_deg(start - centre)
    # A left bulge is traversed clockwise (decreasing polar angle).
    sweep = -np.degrees(2.0 * half)
    angles = np.radians(a0 + sweep * t)
    return centre + radius * np.stack([np.cos(angles), np.sin(angles)], axis=-1)


def turning_angle_deg(polyline: np.ndarray) -> float:
    """Total clockwise turning of the curve a polyline samples, in degrees.

    This is the inverse of ``arc_points``: a left bulge (dorsal, flexion) gives
    a positive value. Used to recompute spine flexion from drawn points. The
    chords of a sampled curve turn less than its tangents (by half a step at
    each end), so the end tangents are extrapolated by half the end turns.

    Args:
        polyline: (n, 2) points, n >= 3.

    Returns:
        Clockwise turn of the tangent from the first to the last point.
    """
    d = np.diff(np.asarray(polyline, dtype=float), axis=0)
    heading = np.unwrap(np.arctan2(d[:, 1], d[:, 0]))
    turns = np.diff(heading)
    total = heading[-1] - heading[0] + 0.5 * (turns[0] + turns[-1]) if turns.size else 0.0
    return float(-np.degrees(total))


def two_link_ik(root: np.ndarray, target: np.ndarray, l1: float, l2: float, bend_left: bool) -> np.ndarray:
    """Middle joint of a two-segment chain reaching from ``root`` towards ``target``.

    Args:
        root: (2,) chain root (e.g. shoulder).
        target: (2,) wanted end point (e.g. wrist).
        l1: First segment length.
        l2: Second segment length.
        bend_left: Put the middle joint on the left of root->target.

    Returns:
        (2,) middle joint; if the target is out of reach the chain points
        straight at it.
    """
    root = np.asarray(root, dtype=float)
    d = np.asarray(target, dtype=float) - root
    dist = float(np.hypot(*d))
    dist = float(np.clip(dist, abs(l1 - l2) + 1e-9, l1 + l2))
    # Law of cosines for the angle at the root.
    cos_a = (l1 * l1 + dist * dist - l2 * l2) / (2.0 * l1 * dist)
    a = np.degrees(np.arccos(np.clip(cos_a, -1.0, 1.0)))
    base = direction_deg(d)
    return root + l1 * unit(float(base + (a if bend_left else -a)))


def foot_points(ankle: np.ndarray, sole_dir_deg: float, props: BodyProportions) -> tuple[np.ndarray, np.ndarray]:
    """Heel and toe of a foot whose sole points along ``sole_dir_deg``.

    The sole runs heel->toe; the ankle sits ``ankle_height`` above it, a quarter
    of the foot length in front of the heel.

    Args:
        ankle: (2,) ankle joint.
        sole_dir_deg: Direction heel->toe, degrees counter-clockwise from +x.
        props: Body proportions.

    Returns:
        (heel, toe), each (2,).
    """
    along = unit(sole_dir_deg)
    sole_side = rotate(along, -90.0)  # the sole is clockwise of the heel->toe direction
    heel = ankle - 0.25 * props.foot * along + props.ankle_height * sole_side
    toe = ankle + 0.75 * props.foot * along + props.ankle_height * sole_side
    return heel, toe


def sole_dir_for_ankle_angle(knee: np.ndarray, ankle: np.ndarray, ankle_deg: float, props: BodyProportions) -> float:
    """Sole direction giving interior angle knee-ankle-toe = ``ankle_deg``.

    The toe lies below the sole line through the ankle, so the foot is turned
    by that small offset angle to hit the requested interior angle exactly.
    The foot is rotated clockwise from the shin (toes ahead of the shin).

    Args:
        knee: (2,) knee joint.
        ankle: (2,) ankle joint.
        ankle_deg: Wanted interior angle knee-ankle-toe.
        props: Body proportions.

    Returns:
        Sole direction in degrees.
    """
    offset = np.degrees(np.arctan2(props.ankle_height, 0.75 * props.foot))
    to_knee = float(direction_deg(np.asarray(knee) - np.asarray(ankle)))
    return to_knee - ankle_deg + offset


def head_points(neck_base: np.ndarray, head_dir_deg: float, props: BodyProportions) -> dict[str, np.ndarray]:
    """Neck, head centre, ear and nose from the neck base and head axis.

    The face looks 90 degrees clockwise of the head axis (towards +x when the
    axis points up), so a standing body faces +x.

    Args:
        neck_base: (2,) top of the trunk.
        head_dir_deg: Head axis direction (neck -> crown).
        props: Body proportions.

    Returns:
        Dict with ``neck``, ``head``, ``ear`` and ``nose`` (2,) points.
    """
    axis = unit(head_dir_deg)
    face = rotate(axis, -90.0)
    neck_top = neck_base + props.neck * axis
    head = neck_top + 0.8 * props.head_radius * axis + 0.15 * props.head_radius * face
    ear = head - 0.05 * props.head_radius * face
    nose = head + 1.08 * props.head_radius * face - 0.05 * props.head_radius * axis
    return {"neck": neck_base, "head": head, "ear": ear, "nose": nose}
