"""Pose generators for the standing balance exercises (single-leg stance), in the canonical body frame.

Unlike the sagittal exercises, a single-leg stance moves out of the sagittal plane: the pelvis drops sideways
(a Trendelenburg sign) and an arm may reach out to the side for support. Joints are therefore placed in 3D
directly (x forward, y up, z towards the near side), and the truth is read in the frontal (z, y) plane.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synth.poses import EAR_LATERAL_RATIO, Pose
from synth.skeleton import BodyProportions, Skeleton, arc_points, foot_points, head_points, unit

#: Arm placements of a correct stance; neither reaches out for support.
STANCE_ARMS: tuple[str, ...] = ("hanging", "hips")
#: Knee angle of the lifted leg at full lift: the shin 20 degrees below horizontal, the foot behind.
LIFTED_KNEE_DEG = 110.0
#: A hand holding a chair back beside the body: how far out (z) and down from the shoulder, body heights.
SUPPORT_REACH = (0.27, 0.20)


@dataclass(frozen=True)
class SingleLegStanceAngles:
    """Standing on one leg, the other foot lifted behind.

    Attributes:
        lift: 0 = both feet on the floor, 1 = the foot fully lifted behind: the knee bent to ``LIFTED_KNEE_DEG``,
            the thigh ``thigh_flex_deg`` forward of vertical.
        lifted: ``"near"`` or ``"far"``: which leg is lifted.
        thigh_flex_deg: The lifted thigh's angle forward of vertical at full lift (taught: hanging vertical).
        pelvis_drop_deg: The lifted side's hip below the standing one's, degrees (Trendelenburg when positive).
        arms: One of ``STANCE_ARMS``.
        support: 0 = arms as ``arms`` says; 1 = the hand on the standing leg's side reaching out to hold a
            chair back beside the body (the fault); in between blends the two.
    """

    lift: float = 0.0
    lifted: str = "near"
    thigh_flex_deg: float = 5.0
    pelvis_drop_deg: float = 0.0
    arms: str = "hanging"
    support: float = 0.0

    def __post_init__(self) -> None:
        if self.lifted not in ("near", "far"):
            raise ValueError(f"lifted must be 'near' or 'far', got {self.lifted!r}")
        if self.arms not in STANCE_ARMS:
            raise ValueError(f"unknown arms {self.arms!r}; expected one of {STANCE_ARMS}")
        if not 0.0 <= self.support <= 1.0 or not 0.0 <= self.lift <= 1.0:
            raise ValueError(f"lift and support must be in [0, 1], got {self.lift!r} and {self.support!r}")


def _leg(hip: np.ndarray, lift: float, thigh_flex_deg: float, props: BodyProportions) -> dict[str, np.ndarray]:
    """Knee, ankle, heel and toe of a leg hanging from ``hip`` (2,), lifted by ``lift`` (sagittal x, y)."""
    thigh_dir = -90.0 + thigh_flex_deg * lift
    knee = hip + props.thigh * unit(thigh_dir)
    knee_deg = 180.0 - (180.0 - LIFTED_KNEE_DEG) * lift
    ankle = knee + props.shin * unit(thigh_dir + 180.0 + knee_deg)
    heel, toe = foot_points(ankle, -25.0 * lift, props)
    return {"hip": hip, "knee": knee, "ankle": ankle, "heel": heel, "toe": toe}


def _arm(shoulder: np.ndarray, hip: np.ndarray, arms: str, support: float, sign: float,
         props: BodyProportions) -> tuple[np.ndarray, np.ndarray]:
    """Elbow and wrist (3,) of one arm; ``sign`` is +1 for the near side (z > 0), -1 for the far side."""
    if arms == "hips":
        wrist = np.array([hip[0] + 0.01, hip[1] + 0.06, hip[2] + sign * 0.07])
        elbow_out = sign * 0.13
    else:
        wrist = np.array([shoulder[0] + 0.01, shoulder[1] - props.upper_arm - props.forearm + 0.01,
                          shoulder[2] + sign * 0.03])
        elbow_out = sign * 0.02
    elbow = _elbow(shoulder, wrist, elbow_out, props)
    if support <= 0.0:
        return elbow, wrist
    out, down = SUPPORT_REACH
    reach_wrist = shoulder + np.array([0.04, -down, sign * out])
    reach_wrist = shoulder + (reach_wrist - shoulder) * min(1.0, 0.98 * (props.upper_arm + props.forearm)
                                                           / float(np.linalg.norm(reach_wrist - shoulder)))
    reach_elbow = _elbow(shoulder, reach_wrist, sign * 0.5 * out, props)
    return (1 - support) * elbow + support * reach_elbow, (1 - support) * wrist + support * reach_wrist


def _elbow(shoulder: np.ndarray, wrist: np.ndarray, out: float, props: BodyProportions) -> np.ndarray:
    """An elbow between shoulder and wrist, pushed sideways by ``out`` (z) and placed at upper-arm length."""
    mid = shoulder + (wrist - shoulder) * props.upper_arm / (props.upper_arm + props.forearm)
    guess = mid + np.array([-0.02, 0.0, out])
    return shoulder + props.upper_arm * (guess - shoulder) / float(np.linalg.norm(guess - shoulder))


def single_leg_stance_pose(angles: SingleLegStanceAngles, props: BodyProportions) -> Pose:
    """Joints of a single-leg stance; the standing ankle is at x = 0, the floor at y = 0.

    The pelvis pivots about the standing hip: a drop lowers the lifted side's hip, and its whole leg with it.

    Args:
        angles: Lift, pelvis drop and arms.
        props: Body proportions.

    Returns:
        The pose.
    """
    hw = props.hip_width / 2.0
    stand_z = -hw if angles.lifted == "near" else hw
    lift_z = -stand_z
    ankle = np.array([0.0, props.ankle_height])
    hip = ankle + np.array([0.0, props.shin + props.thigh])
    drop = props.hip_width * np.sin(np.radians(angles.pelvis_drop_deg))
    lifted_hip = hip - np.array([0.0, drop])
    stand = _leg(hip, 0.0, 0.0, props)
    stand["heel"], stand["toe"] = foot_points(ankle, 0.0, props)
    stand["knee"], stand["ankle"] = hip + props.thigh * unit(-90.0), ankle
    lifted = _leg(lifted_hip, angles.lift, angles.thigh_flex_deg, props)
    mid_hip = (hip + lifted_hip) / 2.0
    shoulder = mid_hip + np.array([0.0, props.trunk])
    sw = props.shoulder_width / 2.0
    joints: dict[str, np.ndarray] = {}
    for side, leg, z in (("near", *((lifted, lift_z) if angles.lifted == "near" else (stand, stand_z))),
                         ("far", *((stand, stand_z) if angles.lifted == "near" else (lifted, lift_z)))):
        for name, p in leg.items():
            joints[f"{side}_{name}"] = np.array([p[0], p[1], z])
    for side, sign in (("near", 1.0), ("far", -1.0)):
        sh = np.array([shoulder[0], shoulder[1], sign * sw])
        # The hand that reaches for support is the one on the standing leg's side, towards the chair beside it.
        support = angles.support if (side == "near") == (angles.lifted == "far") else 0.0
        elbow, wrist = _arm(sh, joints[f"{side}_hip"], angles.arms, support, sign, props)
        joints[f"{side}_shoulder"], joints[f"{side}_elbow"], joints[f"{side}_wrist"] = sh, elbow, wrist
    neck_base = shoulder + np.array([0.012, 0.02])
    head = head_points(neck_base, 90.0, props)
    for name, p in head.items():
        joints[name] = np.array([p[0], p[1], EAR_LATERAL_RATIO * props.head_radius if name == "ear" else 0.0])
    spine = arc_points(mid_hip, shoulder, 0.0)
    roll = angles.pelvis_drop_deg if angles.lifted == "near" else -angles.pelvis_drop_deg
    skeleton = Skeleton(joints=joints, spine=np.column_stack([spine, np.zeros(len(spine))]), head_dir_deg=90.0,
                        pelvis_roll_deg=roll)
    return Pose(skeleton=skeleton, hand_style="relaxed", prop="mat")
