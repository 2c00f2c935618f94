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


def _legs_prone(hip: np.ndarray, props: BodyProportions) -> dict[str, np.ndarray]:
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
    legs = _legs_prone(hip, props)
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
