"""Pose generators of the sphinx (prone on elbows), the bird dog and the open book, beside ``synth.floor_poses``.

Same conventions as ``synth.poses``: canonical body frame in body heights, y up, floor at y = 0, z towards the
near (working) side, the head towards +x. The open book lies along x on the far side, the near side up and the chest
towards +z, so the default side-on camera films it from the front.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from synth.floor_poses import PRONE_HIP_HEIGHT, legs_prone
from synth.poses import EAR_LATERAL_RATIO, CatCowAngles, Pose, assemble_skeleton, cat_cow_pose
from synth.skeleton import BodyProportions, Skeleton, arc_points, direction_deg, head_points, planar_length, unit

#: Propped on the forearms, the elbow joint sits this high (the forearm's thickness on the floor), body heights.
ELBOW_ON_FLOOR_HEIGHT = 0.03
#: The elbows rest this far out of the shoulders' plane, the forearms a little further out.
SPHINX_ELBOW_OUT = 0.02
#: The lumbar spine bends this much (spine arc turn) per degree of trunk rise: propped up, the low back sags.
SPHINX_SPINE_BEND_RATIO = 0.6


@dataclass(frozen=True)
class SphinxAngles:
    """Prone on elbows: lying face down, coming up onto the forearms.

    Attributes:
        up: 0 lying flat, 1 propped on the forearms (the shoulders an upper arm's length above the elbows).
        elbow_ahead: How far the elbows are planted ahead of the shoulders when up, body heights (the fault
            ``elbows_ahead_of_shoulders``); 0 is under them.
        neck_deg: Head tilt back from the line of the upper back (positive looks up: ``neck_extension``).
    """

    up: float = 0.0
    elbow_ahead: float = 0.0
    neck_deg: float = 0.0


def sphinx_pose(angles: SphinxAngles, props: BodyProportions) -> Pose:
    """Joints of a sphinx; head towards +x, the pelvis on the floor near x = 0.

    The elbow stays on the floor, an upper arm's length from the shoulder: up with the elbows under the shoulders,
    lower when they are planted ahead (the shoulder drops as the upper arm slopes forward). The forearms lie flat,
    pointing ahead.

    Args:
        angles: How far up, the elbows' place and the neck.
        props: Body proportions.

    Returns:
        The pose.
    """
    z_shoulder = props.shoulder_width / 2.0
    z_elbow = z_shoulder + SPHINX_ELBOW_OUT
    upper = planar_length(props.upper_arm, SPHINX_ELBOW_OUT)
    ahead = min(max(angles.elbow_ahead, 0.0), 0.9 * upper)
    up_height = ELBOW_ON_FLOOR_HEIGHT + float(np.sqrt(upper**2 - ahead**2))
    rest_height = PRONE_HIP_HEIGHT
    height = rest_height + float(np.clip(angles.up, 0.0, 1.0)) * (up_height - rest_height)
    hip = np.array([0.0, PRONE_HIP_HEIGHT])
    rise = float(np.degrees(np.arcsin((height - hip[1]) / props.trunk)))
    shoulder = hip + props.trunk * unit(rise)
    # The elbow slides on the floor: ahead of the shoulder as far as the upper arm reaches down to it.
    reach = planar_length(upper, shoulder[1] - ELBOW_ON_FLOOR_HEIGHT)
    elbow = np.array([shoulder[0] + max(reach, ahead), ELBOW_ON_FLOOR_HEIGHT])
    wrist = elbow + np.array([planar_length(props.forearm, 0.01), 0.0])
    near = {"shoulder": shoulder, "elbow": elbow, "wrist": wrist, "hip": hip, **legs_prone(hip, props)}
    spine = arc_points(hip, shoulder, -SPHINX_SPINE_BEND_RATIO * max(rise, 0.0), n=32)
    end_tangent = float(direction_deg(spine[-1] - spine[-2]))
    head_dir = end_tangent + angles.neck_deg
    neck_base = shoulder + 0.02 * unit(end_tangent) + 0.012 * unit(end_tangent + 90.0)
    z_hip = props.hip_width / 2.0
    z_near = {"shoulder": z_shoulder, "elbow": z_elbow, "wrist": z_elbow + 0.01, "hip": z_hip, "knee": z_hip,
              "ankle": z_hip, "heel": z_hip, "toe": z_hip}
    skel = assemble_skeleton(near, dict(near), z_near, {k: -v for k, v in z_near.items()},
                             head_points(neck_base, head_dir, props), spine, head_dir, props)
    return Pose(skeleton=skel, hand_style="flat", prop="mat")


@dataclass(frozen=True)
class BirdDogAngles:
    """Bird dog: on hands and knees, one arm reaching forward and the opposite leg back.

    Attributes:
        arm_deg: The reaching arm from hanging straight down (0) towards level ahead (90).
        leg_deg: The reaching thigh from hanging straight down (0) towards level behind (90); past 90 the leg is
            kicked up above the back.
        diagonal: +1 reaches the near arm and the far leg, -1 the far arm and the near leg.
        hip_hike: How far the reaching leg's hip rises above the other (body heights): the pelvis rolls.
        spine_flexion_deg: Turn of the back arc, negative sagging (as ``CatCowAngles``).
    """

    arm_deg: float = 0.0
    leg_deg: float = 0.0
    diagonal: int = 1
    hip_hike: float = 0.0
    spine_flexion_deg: float = 0.0


def _raise_arm(joints: dict[str, np.ndarray], side: str, deg: float, props: BodyProportions) -> None:
    shoulder = joints[f"{side}_shoulder"]
    direction = np.array([*unit(deg - 90.0), 0.0])
    joints[f"{side}_elbow"] = shoulder + props.upper_arm * direction
    joints[f"{side}_wrist"] = shoulder + (props.upper_arm + props.forearm) * direction


def _raise_leg(joints: dict[str, np.ndarray], side: str, deg: float, dy: float, props: BodyProportions) -> None:
    """The thigh swings back from hanging, the whole leg up by `dy` with a hiked hip.

    The shin stays level behind (on the floor, then as the leg comes up) until the leg passes level, then follows
    the thigh.
    """
    hip = joints[f"{side}_hip"] + np.array([0.0, dy, 0.0])
    thigh_dir = -90.0 - deg
    knee = hip + props.thigh * np.array([*unit(thigh_dir), 0.0])
    shin_dir = thigh_dir if deg > 90.0 else 180.0
    ankle = knee + props.shin * np.array([*unit(shin_dir), 0.0])
    shift = {"hip": hip, "knee": knee, "ankle": ankle}
    offset = ankle - joints[f"{side}_ankle"]
    for part in ("heel", "toe"):
        shift[part] = joints[f"{side}_{part}"] + offset
    for part, p in shift.items():
        joints[f"{side}_{part}"] = np.array([p[0], p[1], joints[f"{side}_{part}"][2]])


def bird_dog_pose(angles: BirdDogAngles, props: BodyProportions) -> Pose:
    """Joints of a bird dog: the cat-cow's quadruped with one diagonal reaching out; head towards +x.

    Args:
        angles: Reach of the arm and leg, which diagonal, the hip hike and the back's sag.
        props: Body proportions.

    Returns:
        The pose.
    """
    base = cat_cow_pose(CatCowAngles(spine_flexion_deg=angles.spine_flexion_deg), props).skeleton
    joints = {k: np.array(v, dtype=float) for k, v in base.joints.items()}
    arm_side, leg_side = ("near", "far") if angles.diagonal > 0 else ("far", "near")
    _raise_arm(joints, arm_side, angles.arm_deg, props)
    # The pelvis rolls about its middle: the reaching leg's hip up half the hike, the other down half.
    _raise_leg(joints, leg_side, angles.leg_deg, angles.hip_hike / 2.0, props)
    joints[f"{arm_side}_hip"] = joints[f"{arm_side}_hip"] - np.array([0.0, angles.hip_hike / 2.0, 0.0])
    roll = float(np.degrees(np.arctan2(angles.hip_hike, props.hip_width)))
    skel = Skeleton(joints=joints, spine=base.spine, head_dir_deg=base.head_dir_deg,
                    pelvis_roll_deg=roll if leg_side == "far" else -roll)
    return replace(cat_cow_pose(CatCowAngles(), props), skeleton=skel)


#: Lying on the side, the spine runs level this far above the floor beyond half the shoulder width (the bottom
#: shoulder's flesh under its joint), body heights.
SIDE_LYING_SHOULDER_PAD = 0.035
#: The knees rest one on the other: their joint centres this far apart, body heights (a knee's thickness).
KNEES_STACKED_GAP = 0.09
#: Hips and knees bent as an open book is taught (thighs forward of the trunk, the shins back under them).
OPEN_BOOK_HIP_FLEXION_DEG = 60.0
OPEN_BOOK_KNEE_FLEXION_DEG = 90.0
#: The top arm leads the chest: it sweeps this many times the chest's turn, up to OPEN_BOOK_ARM_MAX_DEG.
OPEN_BOOK_ARM_LEAD_RATIO = 1.8
OPEN_BOOK_ARM_MAX_DEG = 170.0


@dataclass(frozen=True)
class OpenBookAngles:
    """Open book: lying on the far side, knees bent and stacked, the top arm sweeping the chest open.

    Attributes:
        turn_deg: How far the chest has turned from facing the camera (0, stacked shoulders) towards the ceiling
            (90), the pelvis staying on its side.
        knee_lift: How far the top knee has lifted off the bottom one, body heights (``knees_separating``).
    """

    turn_deg: float = 0.0
    knee_lift: float = 0.0


def _roll_x(p: np.ndarray, centre: np.ndarray, deg: float) -> np.ndarray:
    """``p`` (3,) turned ``deg`` about the x axis through ``centre``: positive takes +y (up) towards +z."""
    a = np.radians(deg)
    d = p - centre
    return centre + np.array([d[0], d[1] * np.cos(a) - d[2] * np.sin(a), d[1] * np.sin(a) + d[2] * np.cos(a)])


def open_book_pose(angles: OpenBookAngles, props: BodyProportions) -> Pose:
    """Joints of an open book: lying along x on the far side (the near side up), the chest towards +z (the camera).

    The trunk is level, the head towards +x and the pelvis near x = 0. The chest rolls about the spine by
    ``turn_deg`` while the pelvis and the legs stay on their side; the top arm starts lying on the bottom one, both
    reaching towards the camera, and sweeps up over the chest and back. The mannequin draws the rolled trunk and
    head (``Skeleton.trunk_roll_deg``).

    Args:
        angles: The chest's turn and the top knee's lift.
        props: Body proportions.

    Returns:
        The pose.
    """
    height = props.shoulder_width / 2.0 + SIDE_LYING_SHOULDER_PAD
    hip_mid = np.array([0.0, height, 0.0])
    shoulder_mid = hip_mid + np.array([props.trunk, 0.0, 0.0])
    chest_roll = -90.0 - angles.turn_deg  # -90: the near side straight up, the chest towards +z
    joints: dict[str, np.ndarray] = {}
    for side, sign in (("near", 1.0), ("far", -1.0)):
        joints[f"{side}_shoulder"] = _roll_x(shoulder_mid + [0.0, 0.0, sign * props.shoulder_width / 2.0],
                                             shoulder_mid, chest_roll)
        joints[f"{side}_hip"] = hip_mid + np.array([0.0, sign * props.hip_width / 2.0, 0.0])
    # Both legs bent forward (+z) and back, the top knee and ankle resting on the bottom ones.
    flex, knee = np.radians(OPEN_BOOK_HIP_FLEXION_DEG), np.radians(OPEN_BOOK_HIP_FLEXION_DEG
                                                                    - OPEN_BOOK_KNEE_FLEXION_DEG)
    thigh_dir = np.array([-np.cos(flex), 0.0, np.sin(flex)])
    shin_dir = np.array([-np.cos(knee), 0.0, np.sin(knee)])
    bottom_knee = joints["far_hip"] + props.thigh * thigh_dir
    bottom_ankle = bottom_knee + props.shin * shin_dir
    top_knee = bottom_knee + np.array([0.0, KNEES_STACKED_GAP + max(angles.knee_lift, 0.0), 0.0])
    top_ankle = bottom_ankle + np.array([0.0, KNEES_STACKED_GAP, 0.0])
    for side, k, a in (("far", bottom_knee, bottom_ankle), ("near", top_knee, top_ankle)):
        joints[f"{side}_knee"], joints[f"{side}_ankle"] = k, a
        # Feet pointed, along the shin.
        joints[f"{side}_heel"] = a + np.array([0.0, -0.02, 0.0]) - 0.02 * shin_dir
        joints[f"{side}_toe"] = a + 0.8 * props.foot * (a - k) / np.linalg.norm(a - k)
    # The bottom arm lies on the floor reaching towards the camera; the top one lies on it and sweeps open.
    reach = props.upper_arm + props.forearm
    arm_dir = np.array([0.25, 0.0, 1.0]) / np.hypot(0.25, 1.0)
    floor_shoulder = joints["far_shoulder"]
    joints["far_elbow"] = floor_shoulder + props.upper_arm * arm_dir
    joints["far_wrist"] = floor_shoulder + reach * arm_dir
    top = joints["near_shoulder"]
    rest_dir = joints["far_wrist"] + np.array([0.0, 0.05, 0.0]) - top
    rest_dir = rest_dir / np.linalg.norm(rest_dir)
    sweep = min(OPEN_BOOK_ARM_LEAD_RATIO * max(angles.turn_deg, 0.0), OPEN_BOOK_ARM_MAX_DEG)
    top_dir = _roll_x(rest_dir, np.zeros(3), -sweep)
    joints["near_elbow"] = top + props.upper_arm * top_dir
    joints["near_wrist"] = top + reach * top_dir
    # The head lies on in line with the trunk and rolls with the chest.
    head2 = head_points(np.array([props.trunk + 0.02, height]), 0.0, props)
    for name, p in head2.items():
        lateral = EAR_LATERAL_RATIO * props.head_radius if name == "ear" else 0.0
        joints[name] = _roll_x(np.array([p[0], p[1], lateral]), shoulder_mid, chest_roll)
    spine = np.linspace(hip_mid, shoulder_mid, 32)
    skel = Skeleton(joints=joints, spine=spine, head_dir_deg=0.0, pelvis_roll_deg=angles.turn_deg,
                    trunk_roll_deg=chest_roll)
    return Pose(skeleton=skel, hand_style="relaxed", prop="mat")
