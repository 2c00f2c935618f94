"""Pose generators: small dataclasses of angles -> joint positions + drawing hints.

Each generator is a pure function. Positions are in the canonical body frame
(body heights, x forward, y up, z towards the near side, floor at y = 0); see
``synth.skeleton`` for the angle conventions. The "near" side is the working
side, the one a side-on camera (yaw 0) looks at. Each chain is built in the
sagittal plane, then lifted to 3D with the body's widths: hips and feet
``hip_width`` apart, shoulders ``shoulder_width`` apart, the far side the
mirror image of the near side in z unless the pose says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synth.skeleton import (
    BodyProportions,
    Skeleton,
    arc_points,
    direction_deg,
    foot_points,
    head_points,
    lift,
    planar_length,
    rotate,
    sole_dir_for_ankle_angle,
    two_link_ik,
    unit,
)

#: The ear sits on the side of the skull, this many head radii from the midline.
EAR_LATERAL_RATIO = 0.97


@dataclass(frozen=True)
class Pose:
    """One frame of a pose: joints plus what the scene and drawing need.

    Attributes:
        skeleton: Joint positions in the canonical body frame.
        hand_style: ``"relaxed"`` (hanging), ``"grip"`` (holding the thigh) or
            ``"flat"`` (palms on the floor).
        prop: Scene prop the pose needs: ``"wall"``, ``"mat"`` or ``"chair"``.
    """

    skeleton: Skeleton
    hand_style: str
    prop: str


@dataclass(frozen=True)
class WallSquatAngles:
    """Wall squat, side view, back against a wall behind the person.

    Attributes:
        knee_deg: Knee interior angle, 180 = straight.
        trunk_lean_deg: Signed trunk angle from vertical; positive = leaning
            forward, i.e. the back leaves the wall (the hip stays on it).
        shin_from_vertical_deg: Signed shin angle; positive = knee ahead of
            the ankle ("knees past toes" when large).
        heel_lift_deg: Foot rotation about the toes, 0 = heel on the floor.
        neck_flexion_deg: Head tilt relative to the trunk, positive = chin down.
        arms: Where the arms rest, one of ``WALL_SQUAT_ARMS``: ``"crossed"``
            over the chest, ``"hanging"`` relaxed by the sides, or ``"wall"``
            (palms flat on the wall beside the hips).
        hands_on_thighs: 0 = arms as ``arms`` says, 1 = both hands pushing on
            the lower thighs (the fault); in between blends the two.
        knee_valgus: Each knee's shift towards the midline (knees collapsing
            inward, seen only from the front), body heights; 0 = over the feet.
    """

    knee_deg: float = 180.0
    trunk_lean_deg: float = 0.0
    shin_from_vertical_deg: float = 0.0
    heel_lift_deg: float = 0.0
    neck_flexion_deg: float = 0.0
    arms: str = "crossed"
    hands_on_thighs: float = 0.0
    knee_valgus: float = 0.0

    def __post_init__(self) -> None:
        if self.arms not in WALL_SQUAT_ARMS:
            raise ValueError(f"unknown arms {self.arms!r}; expected one of {WALL_SQUAT_ARMS}")
        if not 0.0 <= self.hands_on_thighs <= 1.0:
            raise ValueError(f"hands_on_thighs must be in [0, 1], got {self.hands_on_thighs!r}")


#: Arm placements of a correct wall squat; none touches the thighs.
WALL_SQUAT_ARMS: tuple[str, ...] = ("crossed", "hanging", "wall")
#: Where a pushing hand's wrist sits: this far along the thigh from the hip
#: (just into the knee half, with the palm and fingers over the lower thigh;
#: an upright trunk's arms reach no further), and this far (body heights) off
#: the thigh's axis towards its top/front: the palm is on the outer side of the
#: thigh, so in a side view the wrist projects inside the thigh's outline.
PUSH_ALONG_THIGH = 0.53
PUSH_OFF_AXIS = 0.015
#: Palms on the wall: wrist behind and a little above the hip joint (body heights).
WALL_HAND_OFFSET = np.array([-0.045, -0.015])
#: How far out of the shoulder's plane (body heights) the elbow and the wrist go, per arm placement; None for a
#: crossed wrist, which goes as far across the chest as the forearm reaches. Palms on the wall sit just outside
#: the hips.
ARM_LATERAL: dict[str, tuple[float, float | None]] = {
    "crossed": (0.01, None),
    "hanging": (0.015, 0.02),
    "wall": (0.04, 0.035),
}
#: A pushing hand: how far (body heights) the elbow goes out of the shoulder's plane, and the wrist out of the
#: hip's: the palm is on the outer side of the thigh, so the arm reaches straight down to it.
PUSH_LATERAL = (0.0, 0.055)


@dataclass(frozen=True)
class NerveGlideAngles:
    """Supine sciatic nerve glide: lying on the back, near leg raised.

    Attributes:
        knee_deg: Raised-leg knee interior angle (about 90 at rest, extends
            towards straight).
        hip_deg: Raised-leg hip interior angle; 90 = thigh vertical.
        ankle_deg: Interior angle knee-ankle-toe; smaller = toes pulled towards
            the head (dorsiflexion).
        neck_flexion_deg: Positive = chin towards the chest (the "slider").
        other_leg_lift_deg: The resting leg raised off the floor, straight, by this many degrees at the hip (the
            pelvis_lift fault); 0 lies flat.
    """

    knee_deg: float = 90.0
    hip_deg: float = 90.0
    ankle_deg: float = 105.0
    neck_flexion_deg: float = 0.0
    other_leg_lift_deg: float = 0.0


@dataclass(frozen=True)
class CatCowAngles:
    """Quadruped cat-cow: hands under shoulders, knees under hips.

    Attributes:
        spine_flexion_deg: Turning angle of the back arc; positive = cat
            (rounded up), negative = cow (sagging).
        neck_flexion_deg: Head relative to the end of the back curve; positive =
            chin tucked, negative = looking up.
    """

    spine_flexion_deg: float = 0.0
    neck_flexion_deg: float = 0.0


def wall_squat_shin_deg(knee_deg: float, hip_setback: float, props: BodyProportions) -> float:
    """Shin angle that keeps the hip on the wall and the feet still.

    With the feet planted at a fixed distance from the wall and the hip sliding
    down the wall, the shin angle is not free: it follows from the knee angle.
    Solves ``shin*sin(s) - thigh*sin(s + k) = -hip_setback`` for s.

    Args:
        knee_deg: Knee interior angle.
        hip_setback: Horizontal distance from the ankle back to the hip joint,
            body heights (feet 30-60 cm from a wall give about 0.1-0.25).
        props: Body proportions.

    Returns:
        Signed shin angle from vertical in degrees (positive = knee ahead).
    """
    k = np.radians(knee_deg)
    a = props.shin - props.thigh * np.cos(k)
    b = -props.thigh * np.sin(k)
    r = float(np.hypot(a, b))
    phi = float(np.arctan2(b, a))
    ratio = float(np.clip(-hip_setback / r, -1.0, 1.0))
    return float(np.degrees(np.arcsin(ratio) - phi))


def _wall_squat_arm(shoulder: np.ndarray, hip: np.ndarray, knee: np.ndarray, trunk_dir: float,
                    angles: WallSquatAngles, props: BodyProportions,
                    far: bool) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Elbow and wrist of one arm in a wall squat: (2,) sagittal positions, then their z on the near side.

    Crossed arms are mostly across the body: the forearm runs across the chest,
    so seen from the side it is foreshortened and the wrist shows in front of
    the chest; its z follows from the forearm's length.
    """
    down = trunk_dir - 180.0  # along the trunk, towards the hips
    spread = 3.0 if far else 0.0  # the far arm is not an exact copy
    z_shoulder, z_hip = props.shoulder_width / 2.0, props.hip_width / 2.0
    elbow_out, wrist_out = ARM_LATERAL[angles.arms]
    z_elbow = z_shoulder + elbow_out
    if angles.arms == "crossed":
        elbow = shoulder + props.upper_arm * unit(down + 24.0 + spread)
        wrist = elbow + 0.55 * props.forearm * unit(trunk_dir - 8.0)
        z_wrist = z_elbow - planar_length(props.forearm, 0.55 * props.forearm)
    elif angles.arms == "hanging":
        elbow = shoulder + props.upper_arm * unit(down + 3.0 + spread)
        wrist = elbow + props.forearm * unit(down + 8.0 + spread)
        z_wrist = z_shoulder + wrist_out
    else:
        # The hip stays on the wall, so the palms do too (even when the back leans off), beside the hips.
        target = hip + WALL_HAND_OFFSET
        z_wrist = z_shoulder + wrist_out
        # The arm is almost straight; the soft elbow goes out to the side, seen a little forward, not
        # through the wall.
        l1 = planar_length(props.upper_arm, elbow_out)
        l2 = planar_length(props.forearm, z_wrist - z_elbow)
        elbow = two_link_ik(shoulder, target, l1, l2, bend_left=True)
        wrist = elbow + l2 * unit(float(direction_deg(target - elbow)))
    if angles.hands_on_thighs <= 0.0:
        return elbow, wrist, z_elbow, z_wrist
    along = unit(float(direction_deg(knee - hip)))
    target = hip + PUSH_ALONG_THIGH * (knee - hip) + PUSH_OFF_AXIS * rotate(along, 90.0)
    push_z_elbow, push_z_wrist = z_shoulder + PUSH_LATERAL[0], z_hip + PUSH_LATERAL[1]
    l1 = planar_length(props.upper_arm, PUSH_LATERAL[0])
    l2 = planar_length(props.forearm, push_z_wrist - push_z_elbow)
    push_elbow = two_link_ik(shoulder, target, l1, l2, bend_left=False)
    push_wrist = push_elbow + l2 * unit(float(direction_deg(target - push_elbow)))
    f = angles.hands_on_thighs
    return ((1 - f) * elbow + f * push_elbow, (1 - f) * wrist + f * push_wrist,
            (1 - f) * z_elbow + f * push_z_elbow, (1 - f) * z_wrist + f * push_z_wrist)


def _legs_lateral(props: BodyProportions) -> dict[str, float]:
    """Near-side z of the trunk and leg joints: shoulders and hips apart, feet hip-width."""
    z_hip = props.hip_width / 2.0
    return {"shoulder": props.shoulder_width / 2.0, "hip": z_hip, "knee": z_hip, "ankle": z_hip, "heel": z_hip,
            "toe": z_hip}


def assemble_skeleton(near: dict[str, np.ndarray], far: dict[str, np.ndarray], z_near: dict[str, float],
              z_far: dict[str, float], head: dict[str, np.ndarray], spine: np.ndarray, head_dir_deg: float,
              props: BodyProportions) -> Skeleton:
    """Lift planar joints to 3D and assemble the skeleton; head and spine on the midline, the ear on the near side."""
    joints = {f"near_{k}": v for k, v in lift(near, z_near).items()}
    joints.update({f"far_{k}": v for k, v in lift(far, z_far).items()})
    joints.update(lift(head, {"ear": EAR_LATERAL_RATIO * props.head_radius}))
    return Skeleton(joints=joints, spine=np.column_stack([spine, np.zeros(len(spine))]), head_dir_deg=head_dir_deg)


def wall_squat_pose(angles: WallSquatAngles, props: BodyProportions) -> Pose:
    """Joints of a wall squat; the hip joint is at x = 0, the floor at y = 0.

    The wall is behind the person (at negative x); the scene puts its surface
    where the drawn buttocks are.

    Args:
        angles: Joint angles.
        props: Body proportions.

    Returns:
        The pose.
    """
    s, k, lean = angles.shin_from_vertical_deg, angles.knee_deg, angles.trunk_lean_deg
    # Build from the toes up: the toes stay on the floor even with a heel lift.
    sole_dir = -angles.heel_lift_deg
    heel0, toe0 = foot_points(np.zeros(2), sole_dir, props)
    ankle = -toe0
    heel = heel0 - toe0
    toe = np.zeros(2)
    knee = ankle + props.shin * np.array([np.sin(np.radians(s)), np.cos(np.radians(s))])
    hip = knee + props.thigh * unit(-90.0 - s - k)
    trunk_dir = 90.0 - lean
    shoulder = hip + props.trunk * unit(trunk_dir)
    elbow, wrist, z_elbow, z_wrist = _wall_squat_arm(shoulder, hip, knee, trunk_dir, angles, props, far=False)
    near = {"shoulder": shoulder, "elbow": elbow, "wrist": wrist, "hip": hip, "knee": knee,
            "ankle": ankle, "heel": heel, "toe": toe}
    far = dict(near)
    far["elbow"], far["wrist"], far_z_elbow, far_z_wrist = _wall_squat_arm(shoulder, hip, knee, trunk_dir, angles,
                                                                           props, far=True)
    z_near = _legs_lateral(props) | {"elbow": z_elbow, "wrist": z_wrist}
    z_near["knee"] -= angles.knee_valgus  # towards the midline (z = 0)
    z_far = {k_: -v for k_, v in (_legs_lateral(props) | {"elbow": far_z_elbow, "wrist": far_z_wrist}).items()}
    z_far["knee"] += angles.knee_valgus
    neck_base = shoulder + 0.02 * unit(trunk_dir) + 0.012 * unit(trunk_dir + 90.0)
    head_dir = trunk_dir - angles.neck_flexion_deg
    skel = assemble_skeleton(near, far, z_near, z_far, head_points(neck_base, head_dir, props),
                             arc_points(hip, shoulder, 0.0), head_dir, props)
    return Pose(skeleton=skel.translated(np.array([-hip[0], 0.0])), hand_style="relaxed", prop="wall")


#: Heights of joints above the floor when lying or kneeling, body heights; the
#: soft tissue under the joint keeps it off the floor.
SUPINE_HIP_HEIGHT = 0.055
SUPINE_SHOULDER_HEIGHT = 0.05
KNEELING_KNEE_HEIGHT = 0.03
PALM_HEIGHT = 0.02


def nerve_glide_pose(angles: NerveGlideAngles, props: BodyProportions) -> Pose:
    """Joints of a supine nerve glide; head towards -x, feet towards +x.

    The near leg is the raised (working) leg; both hands hold behind its thigh.

    Args:
        angles: Joint angles.
        props: Body proportions.

    Returns:
        The pose.
    """
    hip = np.array([0.0, SUPINE_HIP_HEIGHT])
    dy = SUPINE_SHOULDER_HEIGHT - SUPINE_HIP_HEIGHT
    shoulder = hip + np.array([-np.sqrt(props.trunk**2 - dy**2), dy])
    trunk_back = float(direction_deg(shoulder - hip))  # about 180: hip -> shoulder
    thigh_dir = trunk_back - angles.hip_deg
    knee = hip + props.thigh * unit(thigh_dir)
    ankle = knee + props.shin * unit(thigh_dir + 180.0 + angles.knee_deg)
    heel, toe = foot_points(ankle, sole_dir_for_ankle_angle(knee, ankle, angles.ankle_deg, props), props)
    # Hands clasp the back of the thigh, a little above the knee: the near hand on its outer side, the far hand
    # (reaching across the body) on its inner side.
    grip = hip + 0.62 * props.thigh * unit(thigh_dir) + 0.05 * rotate(unit(thigh_dir), -90.0)
    z_shoulder, z_hip = props.shoulder_width / 2.0, props.hip_width / 2.0
    reach = props.forearm + 0.3 * props.hand

    def arm(z_from: float, z_elbow: float, z_wrist: float) -> tuple[np.ndarray, np.ndarray]:
        l1, l2 = planar_length(props.upper_arm, z_elbow - z_from), planar_length(reach, z_wrist - z_elbow)
        elbow = two_link_ik(shoulder, grip, l1, l2, bend_left=True)
        return elbow, elbow + planar_length(props.forearm, z_wrist - z_elbow) * unit(float(direction_deg(grip - elbow)))

    near_z_wrist, far_z_wrist = z_hip + 0.045, z_hip - 0.045
    elbow, wrist = arm(z_shoulder, z_shoulder + 0.03, near_z_wrist)
    far_z_elbow = (far_z_wrist - z_shoulder) / 2.0
    far_elbow, far_wrist = arm(-z_shoulder, far_z_elbow, far_z_wrist)
    near = {"shoulder": shoulder, "elbow": elbow, "wrist": wrist, "hip": hip, "knee": knee,
            "ankle": ankle, "heel": heel, "toe": toe}
    # The other leg lies flat, knee almost straight, toes up (or rises that way off the floor).
    far_thigh_dir = -2.5 + angles.other_leg_lift_deg
    far_knee = hip + props.thigh * unit(far_thigh_dir)
    far_ankle = far_knee + props.shin * unit(far_thigh_dir + 180.0 + 176.0)
    far_heel, far_toe = foot_points(far_ankle, sole_dir_for_ankle_angle(far_knee, far_ankle, 100.0, props), props)
    far = {"shoulder": shoulder, "elbow": far_elbow, "wrist": far_wrist, "hip": hip, "knee": far_knee,
           "ankle": far_ankle, "heel": far_heel, "toe": far_toe}
    z_near = _legs_lateral(props) | {"elbow": z_shoulder + 0.03, "wrist": near_z_wrist}
    z_far = {k: -v for k, v in _legs_lateral(props).items()} | {"elbow": far_z_elbow, "wrist": far_z_wrist}
    neck_base = shoulder + 0.02 * unit(trunk_back) + 0.012 * unit(trunk_back + 90.0)
    head_dir = trunk_back - angles.neck_flexion_deg
    skel = assemble_skeleton(near, far, z_near, z_far, head_points(neck_base, head_dir, props),
                             arc_points(hip, shoulder, 0.0), head_dir, props)
    return Pose(skeleton=skel, hand_style="grip", prop="mat")


def cat_cow_pose(angles: CatCowAngles, props: BodyProportions) -> Pose:
    """Joints of a quadruped cat-cow; head towards +x, knee at x = 0.

    Hands and knees stay planted: shoulder and hip joints do not move, the back
    curve between them bends (the arc's chord is fixed).

    Args:
        angles: Spine and neck angles.
        props: Body proportions.

    Returns:
        The pose.
    """
    knee = np.array([0.0, KNEELING_KNEE_HEIGHT])
    hip = knee + np.array([0.0, props.thigh])
    ankle = knee + np.array([-props.shin, 0.006])
    # Top of the foot on the floor, toes pointing back: the sole faces up.
    heel, toe = foot_points(ankle, 180.0, props)
    arm = props.upper_arm + props.forearm
    shoulder_y = PALM_HEIGHT + arm
    dy = shoulder_y - hip[1]
    shoulder = hip + np.array([np.sqrt(max(props.trunk**2 - dy**2, 1e-6)), dy])
    elbow = shoulder + np.array([0.0, -props.upper_arm])
    wrist = shoulder + np.array([0.0, -arm])
    near = {"shoulder": shoulder, "elbow": elbow, "wrist": wrist, "hip": hip, "knee": knee,
            "ankle": ankle, "heel": heel, "toe": toe}
    # Hands under the shoulders, knees under the hips.
    z_near = _legs_lateral(props) | {"elbow": props.shoulder_width / 2.0, "wrist": props.shoulder_width / 2.0}
    spine = arc_points(hip, shoulder, angles.spine_flexion_deg, n=32)
    end_tangent = float(direction_deg(spine[-1] - spine[-2]))
    head_dir = end_tangent - angles.neck_flexion_deg
    neck_base = shoulder + 0.02 * unit(end_tangent) + 0.012 * unit(end_tangent + 90.0)
    skel = assemble_skeleton(near, dict(near), z_near, {k: -v for k, v in z_near.items()},
                             head_points(neck_base, head_dir, props), spine, head_dir, props)
    return Pose(skeleton=skel, hand_style="flat", prop="mat")
