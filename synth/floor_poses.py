"""Pose generators of the floor exercises (lying face down or on the back), beside ``synth.poses``.

Same conventions as ``synth.poses``: canonical body frame in body heights, y up, floor at y = 0, z towards the
near (working) side. Lying face down the head is towards +x (as on hands and knees).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synth.poses import EAR_LATERAL_RATIO, PALM_HEIGHT, Pose
from synth.skeleton import (
    BodyProportions,
    Skeleton,
    arc_points,
    direction_deg,
    foot_points,
    head_points,
    lift,
    planar_length,
    two_link_ik,
    unit,
)

#: Lying face down: the hip joint and the knee above the floor (the pelvis and the knee cap under them), in body
#: heights.
PRONE_HIP_HEIGHT = 0.06
PRONE_KNEE_HEIGHT = 0.035
#: The palm's wrist sits this far out of the shoulder's plane, and the bent elbow this far further out.
PRESS_WRIST_OUT = 0.03
PRESS_ELBOW_OUT = 0.05
#: At the top of a full press-up the arm is this fraction of its full length: straight, not locked past it.
PRESS_ARM_REACH_RATIO = 0.997
#: The lumbar spine bends this much (spine arc turn) per degree of trunk rise: the back curves, it does not hinge.
PRESS_SPINE_BEND_RATIO = 0.6


@dataclass(frozen=True)
class PronePressUpAngles:
    """Prone press-up: lying face down, hands planted by the head, the arms straighten to lift the chest.

    Attributes:
        rise_deg: Hip->shoulder line above the horizontal with the pelvis on the floor (0 lying flat).
        full_rise_deg: Rise at which the arms are straight: it sets where the palms are planted.
        hip_lift: How far the hips come off the floor (body heights), the whole trunk with them, sliding forward
            over the hands where the straight arms hold it (the fault ``hips_lifting``).
        neck_deg: Head tilt back from the line of the upper back (positive looks up).
    """

    rise_deg: float = 0.0
    full_rise_deg: float = 45.0
    hip_lift: float = 0.0
    neck_deg: float = 0.0


def legs_prone(hip: np.ndarray, props: BodyProportions) -> dict[str, np.ndarray]:
    """Knee on the floor behind the hip, leg straight back, top of the foot on the floor (sole up)."""
    dy = hip[1] - PRONE_KNEE_HEIGHT
    knee = hip + np.array([-planar_length(props.thigh, dy), -dy])
    ankle = knee + np.array([-planar_length(props.shin, PRONE_KNEE_HEIGHT - 0.04), 0.04 - PRONE_KNEE_HEIGHT])
    heel, toe = foot_points(ankle, 180.0, props)
    return {"knee": knee, "ankle": ankle, "heel": heel, "toe": toe}


def prone_press_up_pose(angles: PronePressUpAngles, props: BodyProportions) -> Pose:
    """Joints of a prone press-up; head towards +x, the resting hip at x = 0.

    The palms are planted where a straight arm reaches at ``full_rise_deg``; lower rises bend the elbows (up and
    out, as a person's do). Lifted hips raise the trunk, which slides forward over the hands if the arms are straight.

    Args:
        angles: Rise, palms, hip lift and neck.
        props: Body proportions.

    Returns:
        The pose.
    """
    arm = props.upper_arm + props.forearm
    z_shoulder = props.shoulder_width / 2.0
    z_wrist, z_elbow = z_shoulder + PRESS_WRIST_OUT, z_shoulder + PRESS_ELBOW_OUT
    reach = PRESS_ARM_REACH_RATIO * planar_length(arm, PRESS_WRIST_OUT)
    hip_down = np.array([0.0, PRONE_HIP_HEIGHT])
    top = hip_down + props.trunk * unit(angles.full_rise_deg)
    wrist_y = PALM_HEIGHT + 0.01
    wrist = np.array([top[0] + planar_length(reach, top[1] - wrist_y), wrist_y])
    lift_y = max(angles.hip_lift, 0.0)
    shoulder = hip_down + props.trunk * unit(angles.rise_deg) + np.array([0.0, lift_y])
    # Never further from the palm than the arm reaches: lifted hips carry the body forward over the hands.
    if np.hypot(*(shoulder - wrist)) > reach:
        shoulder = np.array([wrist[0] - planar_length(reach, min(shoulder[1] - wrist[1], reach)), shoulder[1]])
    hip = shoulder - props.trunk * unit(angles.rise_deg)
    legs = legs_prone(hip, props)
    l1 = planar_length(props.upper_arm, z_elbow - z_shoulder)
    l2 = planar_length(props.forearm, z_wrist - z_elbow)
    # The elbow bends up and back, behind the line from the shoulder to the palm.
    elbow = two_link_ik(shoulder, wrist, l1, l2, bend_left=True)
    near = {"shoulder": shoulder, "elbow": elbow, "wrist": wrist, "hip": hip, **legs}
    rise = float(direction_deg(shoulder - hip))
    spine = arc_points(hip, shoulder, -PRESS_SPINE_BEND_RATIO * max(rise, 0.0), n=32)
    end_tangent = float(direction_deg(spine[-1] - spine[-2]))
    head_dir = end_tangent + angles.neck_deg
    neck_base = shoulder + 0.02 * unit(end_tangent) + 0.012 * unit(end_tangent + 90.0)
    z_hip = props.hip_width / 2.0
    z_near = {"shoulder": z_shoulder, "elbow": z_elbow, "wrist": z_wrist, "hip": z_hip, "knee": z_hip,
              "ankle": z_hip, "heel": z_hip, "toe": z_hip}
    joints = {f"near_{k}": v for k, v in lift(near, z_near).items()}
    joints.update({f"far_{k}": v for k, v in lift(near, {k: -v for k, v in z_near.items()}).items()})
    joints.update(lift(head_points(neck_base, head_dir, props), {"ear": EAR_LATERAL_RATIO * props.head_radius}))
    skel = Skeleton(joints=joints, spine=np.column_stack([spine, np.zeros(len(spine))]), head_dir_deg=head_dir)
    return Pose(skeleton=skel, hand_style="flat", prop="mat")


#: Lying on the back (as in ``synth.poses.nerve_glide_pose``): hip and shoulder joints above the floor.
SUPINE_HIP_HEIGHT = 0.055
SUPINE_SHOULDER_HEIGHT = 0.05
#: A hugged knee: the hands clasp the shin this far below the knee (shin lengths).
HUG_GRIP_ALONG_SHIN = 0.2


@dataclass(frozen=True)
class KneeToChestAngles:
    """Supine knee-to-chest: the near leg drawn in by the hands, the far leg lying flat (or lifting: the fault).

    Attributes:
        hip_deg: Near hip interior angle shoulder-hip-knee; about 178 lying flat, 40-70 hugged in.
        knee_deg: Near knee interior angle; the knee bends as it comes in.
        other_hip_deg: Far hip angle from the lying trunk's line; 180 flat on the floor, less as the straight leg
            lifts.
        trunk_lift_deg: Head and shoulders curled up off the floor (hip->shoulder line above level).
    """

    hip_deg: float = 178.0
    knee_deg: float = 176.0
    other_hip_deg: float = 180.0
    trunk_lift_deg: float = 0.0


def knee_to_chest_pose(angles: KneeToChestAngles, props: BodyProportions) -> Pose:
    """Joints of a supine knee-to-chest; head towards -x, feet towards +x, the hip at x = 0.

    Both hands clasp the near shin below the knee when it is within reach; further out they reach along the sides.

    Args:
        angles: Hip, knee and trunk angles.
        props: Body proportions.

    Returns:
        The pose.
    """
    hip = np.array([0.0, SUPINE_HIP_HEIGHT])
    dy = SUPINE_SHOULDER_HEIGHT - SUPINE_HIP_HEIGHT
    rest_dir = float(direction_deg(np.array([-planar_length(props.trunk, dy), dy])))  # about 180
    trunk_dir = rest_dir - angles.trunk_lift_deg  # curling up turns the hip->shoulder line towards +y
    shoulder = hip + props.trunk * unit(trunk_dir)

    def leg(hip_deg: float, knee_deg: float, from_dir: float) -> dict[str, np.ndarray]:
        thigh_dir = from_dir - hip_deg  # clockwise from the trunk's line: the thigh lies along +x at 180
        knee = hip + props.thigh * unit(thigh_dir)
        ankle = knee + props.shin * unit(thigh_dir + 180.0 + knee_deg)
        # Ankle relaxed, toes pointing away from the shin's line a little.
        heel, toe = foot_points(ankle, float(direction_deg(ankle - knee)) + 80.0, props)
        return {"knee": knee, "ankle": ankle, "heel": heel, "toe": toe}

    near_leg = leg(angles.hip_deg, angles.knee_deg, trunk_dir)
    # The resting leg stays on the floor when the head and shoulders curl up: its angle is from the lying trunk.
    far_leg = leg(angles.other_hip_deg, 176.0, rest_dir)
    knee, ankle = near_leg["knee"], near_leg["ankle"]
    grip = knee + HUG_GRIP_ALONG_SHIN * (ankle - knee)
    z_shoulder, z_hip = props.shoulder_width / 2.0, props.hip_width / 2.0

    def arm(z_from: float, z_elbow: float, z_wrist: float) -> tuple[np.ndarray, np.ndarray]:
        l1, l2 = planar_length(props.upper_arm, z_elbow - z_from), planar_length(props.forearm, z_wrist - z_elbow)
        elbow = two_link_ik(shoulder, grip, l1, l2, bend_left=False)
        return elbow, elbow + l2 * unit(float(direction_deg(grip - elbow)))

    near_z_wrist, far_z_wrist = z_hip + 0.04, z_hip - 0.04
    elbow, wrist = arm(z_shoulder, z_shoulder + 0.04, near_z_wrist)
    far_elbow, far_wrist = arm(-z_shoulder, -z_shoulder - 0.02, far_z_wrist)
    near = {"shoulder": shoulder, "elbow": elbow, "wrist": wrist, "hip": hip, **near_leg}
    far = {"shoulder": shoulder, "elbow": far_elbow, "wrist": far_wrist, "hip": hip, **far_leg}
    z_legs = {"hip": z_hip, "knee": z_hip, "ankle": z_hip, "heel": z_hip, "toe": z_hip}
    z_near = {"shoulder": z_shoulder, "elbow": z_shoulder + 0.04, "wrist": near_z_wrist, **z_legs}
    z_far = {"shoulder": -z_shoulder, "elbow": -z_shoulder - 0.02, "wrist": far_z_wrist,
             **{k: -v for k, v in z_legs.items()}}
    neck_base = shoulder + 0.02 * unit(trunk_dir) + 0.012 * unit(trunk_dir + 90.0)
    head_dir = trunk_dir
    joints = {f"near_{k}": v for k, v in lift(near, z_near).items()}
    joints.update({f"far_{k}": v for k, v in lift(far, z_far).items()})
    joints.update(lift(head_points(neck_base, head_dir, props), {"ear": EAR_LATERAL_RATIO * props.head_radius}))
    spine = arc_points(hip, shoulder, 0.0)
    skel = Skeleton(joints=joints, spine=np.column_stack([spine, np.zeros(len(spine))]), head_dir_deg=head_dir)
    return Pose(skeleton=skel, hand_style="grip", prop="mat")
