"""Pose generators of the supine exercises done lying on the back with the knees bent (hook lying).

Same conventions as ``synth.poses``: canonical body frame in body heights, y up, floor at y = 0, z towards the
near side; head towards -x, feet towards +x, the hip joints at x = 0. One pose serves pelvic tilt, lower trunk
rotation and figure-four stretch: each exercise moves some of its parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synth.floor_poses import SUPINE_HIP_HEIGHT, SUPINE_SHOULDER_HEIGHT
from synth.poses import EAR_LATERAL_RATIO, Pose
from synth.skeleton import (
    BodyProportions,
    Skeleton,
    arc_points,
    direction_deg,
    foot_points,
    head_points,
    planar_length,
    unit,
)

#: The ankle joint above the floor with the foot flat, body heights.
FLAT_FOOT_ANKLE_HEIGHT = 0.045
#: Hook lying: the feet rest this far (body heights) from the hips along the floor, so the knees bend to about 90.
HOOK_FEET_AHEAD = 0.3
#: The pelvis rocks on the sacrum's contact with the floor, this far (body heights) along x from the hip joints; the
#: hip bone (front of the pelvis, where the hands rest) sits this far along x and above the hip joint.
SACRUM_CONTACT = (-0.03,)
HIP_BONE = (-0.04, 0.045)
#: The crossed ankle rests on the other thigh this far (thigh lengths) up from that knee, and this far (body
#: heights) outside the thigh's midline.
CROSS_ALONG_THIGH_RATIO = 0.1
CROSS_LATERAL = 0.045


@dataclass(frozen=True)
class HookLyingAngles:
    """Lying on the back, knees bent, feet on the floor (or one ankle crossed over the other knee).

    Attributes:
        lumbar_arch_deg: Turn of the back's curve from hip to shoulder; negative arches the lower back up off the
            floor (the natural curve lying hook-lying is about -25), 0 presses it flat (a posterior pelvic tilt).
        hip_lift: Hips raised off the floor (body heights), the thighs following with the feet planted: a bridge.
        knee_roll_deg: Both knees rolled to one side about the hip-foot line, the feet staying down; positive
            towards the near side (the camera).
        pelvis_follow_ratio: The pelvis rolls this share of the knees' roll (the lower trunk turns with them).
        knee_gap: Extra gap between the knees (body heights) beyond hip width: knees falling apart.
        shoulder_lift_deg: The far shoulder's rise off the floor, as a roll of the shoulder line (degrees).
        cross: 0 both feet on the floor; 1 the near ankle rests on the far knee (figure four), in between on its way.
        pelvis_roll_deg: Extra roll of the pelvis and legs towards the near side (figure four's fault).
        arms: Where the arms rest: ``"sides"`` (along the floor by the body), ``"pelvis"`` (hands on the hip bones,
            feeling the pelvis tilt, as taught) or ``"out"`` (spread on the floor, away from the body).
        pelvic_tilt_deg: Posterior tilt of the pelvis: it rocks on the sacrum, the hip bones (and the hands on them)
            turning towards the head, the hip joints with them; the feet stay planted.
    """

    lumbar_arch_deg: float = -25.0
    hip_lift: float = 0.0
    knee_roll_deg: float = 0.0
    pelvis_follow_ratio: float = 0.4
    knee_gap: float = 0.0
    shoulder_lift_deg: float = 0.0
    cross: float = 0.0
    pelvis_roll_deg: float = 0.0
    arms: str = "sides"
    pelvic_tilt_deg: float = 0.0


def _tilt(p: np.ndarray, centre: np.ndarray, deg: float) -> np.ndarray:
    """``p`` (3,) turned ``deg`` in the sagittal plane about ``centre``: positive turns +y towards -x (the head)."""
    a = np.radians(deg)
    d = p - centre
    return centre + np.array([d[0] * np.cos(a) - d[1] * np.sin(a), d[0] * np.sin(a) + d[1] * np.cos(a), d[2]])


def _roll_about_x(p: np.ndarray, centre: np.ndarray, deg: float) -> np.ndarray:
    """``p`` (3,) turned ``deg`` about the x axis through ``centre``: positive takes +y (up) towards +z (near)."""
    a = np.radians(deg)
    d = p - centre
    return centre + np.array([d[0], d[1] * np.cos(a) - d[2] * np.sin(a), d[1] * np.sin(a) + d[2] * np.cos(a)])


def knee_between(hip: np.ndarray, ankle: np.ndarray, thigh: float, shin: float, towards: np.ndarray) -> np.ndarray:
    """(3,) knee at ``thigh`` from ``hip`` and ``shin`` from ``ankle``, bent towards the direction ``towards``."""
    d = ankle - hip
    dist = float(np.linalg.norm(d))
    axis = d / dist
    a = np.clip((thigh**2 - shin**2 + dist**2) / (2.0 * dist), -thigh, thigh)
    r = np.sqrt(max(thigh**2 - a**2, 0.0))
    out = towards - np.dot(towards, axis) * axis
    return hip + a * axis + r * out / np.linalg.norm(out)


def _arm(shoulder: np.ndarray, hip_bone: np.ndarray, sign: float, arms: str,
         props: BodyProportions) -> tuple[np.ndarray, np.ndarray]:
    """(elbow, wrist) of one arm; ``sign`` +1 for the near side."""
    if arms == "sides":  # along the floor, palms down
        elbow = shoulder + [props.upper_arm * 0.97, -0.01, sign * 0.04]
        return elbow, elbow + [props.forearm * 0.97, -0.005, sign * 0.02]
    if arms == "pelvis":  # elbows on the floor beside the waist, hands on the hip bones (``waist``: the hip bone)
        elbow = shoulder + [props.upper_arm * 0.8, -0.01, sign * 0.1]
        return elbow, hip_bone + [0.0, 0.02, 0.0]
    if arms == "out":  # spread on the floor, square to the body
        elbow = shoulder + [0.03, -0.01, sign * props.upper_arm * 0.97]
        return elbow, elbow + [0.03, -0.005, sign * props.forearm * 0.97]
    raise ValueError(f"unknown arms {arms!r}; expected 'sides', 'pelvis' or 'out'")


def hook_lying_pose(angles: HookLyingAngles, props: BodyProportions) -> Pose:
    """Joints of a person lying on the back with the knees bent; see ``HookLyingAngles`` for what moves.

    Args:
        angles: What the exercise moves.
        props: Body proportions.

    Returns:
        The pose.
    """
    z_hip, z_sh = props.hip_width / 2.0, props.shoulder_width / 2.0
    sacrum = np.array([SACRUM_CONTACT[0], angles.hip_lift, 0.0])
    hip_mid = _tilt(np.array([0.0, SUPINE_HIP_HEIGHT + angles.hip_lift, 0.0]), sacrum, angles.pelvic_tilt_deg)
    hip_bone = _tilt(np.array([HIP_BONE[0], SUPINE_HIP_HEIGHT + HIP_BONE[1] + angles.hip_lift, 0.0]), sacrum,
                     angles.pelvic_tilt_deg)
    dy = SUPINE_SHOULDER_HEIGHT - SUPINE_HIP_HEIGHT
    shoulder_mid = np.array([-planar_length(props.trunk, dy + angles.hip_lift), SUPINE_SHOULDER_HEIGHT, 0.0])
    pelvis_roll = angles.pelvis_follow_ratio * angles.knee_roll_deg + angles.pelvis_roll_deg
    hips = {s: _roll_about_x(hip_mid + [0.0, 0.0, z], hip_mid, pelvis_roll) for s, z in (("near", z_hip),
                                                                                        ("far", -z_hip))}
    ankle_x = HOOK_FEET_AHEAD + 0.25 * props.foot
    ankles = {s: np.array([ankle_x, FLAT_FOOT_ANKLE_HEIGHT, z]) for s, z in (("near", z_hip), ("far", -z_hip))}
    up = np.array([0.0, 1.0, 0.0])
    knees = {}
    for s, sign in (("near", 1.0), ("far", -1.0)):
        knee = knee_between(hips[s], ankles[s], props.thigh, props.shin, up + [0.3, 0.0, 0.0])
        knee = knee + [0.0, 0.0, sign * angles.knee_gap / 2.0]
        # The knees roll about the line from the hips' middle to the feet's: both sides together.
        roll = angles.knee_roll_deg + angles.pelvis_roll_deg
        knees[s] = _roll_about_x(knee, np.array([0.0, SUPINE_HIP_HEIGHT, 0.0]), roll)
    if angles.cross > 0:
        # Figure four: the near ankle lifts onto the far thigh just above its knee, the near knee falling outwards.
        far_thigh = knees["far"] - hips["far"]
        rest = hips["far"] + (1.0 - CROSS_ALONG_THIGH_RATIO) * far_thigh + [0.0, 0.04, CROSS_LATERAL]
        ankles["near"] = (1.0 - angles.cross) * ankles["near"] + angles.cross * rest
        lift = np.sin(np.pi * min(angles.cross, 1.0)) * 0.08  # clear of the far shin on the way up
        ankles["near"] = ankles["near"] + [0.0, lift, 0.0]
        out = np.array([0.2, 1.0 - angles.cross, 1.6 * angles.cross])
        knees["near"] = knee_between(hips["near"], ankles["near"], props.thigh, props.shin, out)
    joints: dict[str, np.ndarray] = {}
    for s, sign in (("near", 1.0), ("far", -1.0)):
        ankle, knee = ankles[s], knees[s]
        heel, toe = (np.array([*p, ankle[2]]) for p in foot_points(ankle[:2], 0.0, props))
        if s == "near" and angles.cross > 0:
            # The crossed foot lies across the other thigh, toes towards the far side.
            across = np.array([0.2 * props.foot, -0.02, -0.75 * props.foot])
            toe = (1.0 - angles.cross) * toe + angles.cross * (ankle + across)
            heel = (1.0 - angles.cross) * heel + angles.cross * (ankle - 0.33 * across)
        shoulder = shoulder_mid + [0.0, 0.0, sign * z_sh]
        if s == "far":
            # About the near shoulder: a positive roll takes the far side (-z) up off the floor.
            shoulder = _roll_about_x(shoulder, shoulder_mid + [0.0, 0.0, z_sh], angles.shoulder_lift_deg)
        elbow, wrist = _arm(shoulder, hip_bone + [0.0, 0.0, sign * 0.8 * z_hip], sign, angles.arms, props)
        if s == "far":
            # The arm comes up off the floor with its shoulder.
            pivot = shoulder_mid + [0.0, 0.0, z_sh]
            elbow, wrist = (_roll_about_x(p, pivot, angles.shoulder_lift_deg) for p in (elbow, wrist))
        joints.update({f"{s}_shoulder": shoulder, f"{s}_elbow": elbow, f"{s}_wrist": wrist, f"{s}_hip": hips[s],
                       f"{s}_knee": knee, f"{s}_ankle": ankle, f"{s}_heel": heel,
                       f"{s}_toe": toe})
    trunk_dir = float(direction_deg((shoulder_mid - hip_mid)[:2]))
    neck_base = shoulder_mid[:2] + 0.02 * unit(trunk_dir) + 0.012 * unit(trunk_dir + 90.0)
    head = head_points(neck_base, trunk_dir, props)
    joints.update({k: np.array([*v, EAR_LATERAL_RATIO * props.head_radius if k == "ear" else 0.0])
                   for k, v in head.items()})
    spine = arc_points(hip_mid[:2], shoulder_mid[:2], angles.lumbar_arch_deg)
    skel = Skeleton(joints=joints, spine=np.column_stack([spine, np.zeros(len(spine))]), head_dir_deg=trunk_dir,
                    pelvis_roll_deg=pelvis_roll)
    return Pose(skeleton=skel, hand_style="flat", prop="mat")
