"""Pose generators for the upright stretches and the standing back extension, in the canonical body frame.

Side-view exercises (x forward, y up, the floor at y = 0) whose two legs do different things: in a half-kneeling
hip flexor stretch one knee is on the floor and the other foot in front; in a calf stretch one foot is stepped
back. ``stretched`` says whether the near or the far leg is the kneeling (or back) one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synth.poses import KNEELING_KNEE_HEIGHT, Pose, assemble_skeleton
from synth.skeleton import BodyProportions, arc_points, foot_points, head_points, two_link_ik, unit

LEG_ROLES = ("near", "far")


@dataclass(frozen=True)
class HipFlexorAngles:
    """Half-kneeling, the stretched leg's knee on the floor.

    Attributes:
        thigh_extension_deg: The kneeling thigh's knee->hip line ahead of vertical (the hip pushed forward).
        trunk_lean_back_deg: The trunk behind vertical (arching back when large).
        front_shin_deg: The front shin's ankle->knee line ahead of vertical (the knee moving past the toes).
        stretched: Which leg kneels, ``"near"`` or ``"far"``.
    """

    thigh_extension_deg: float = 0.0
    trunk_lean_back_deg: float = 0.0
    front_shin_deg: float = 3.0
    stretched: str = "near"


@dataclass(frozen=True)
class CalfStretchAngles:
    """Facing a wall, hands on it, the stretched leg stepped back.

    Attributes:
        back_shin_deg: The back shin's ankle->knee line ahead of vertical (the lean into the wall).
        back_heel_lift_deg: The back foot's toe->heel line above level (the toes stay down).
        back_knee_bend_deg: The back knee's bend from straight.
        step: The front ankle ahead of the back one, body heights.
        stretched: Which leg is back, ``"near"`` or ``"far"``.
    """

    back_shin_deg: float = 12.0
    back_heel_lift_deg: float = 0.0
    back_knee_bend_deg: float = 0.0
    step: float = 0.3
    stretched: str = "near"


@dataclass(frozen=True)
class BackExtensionAngles:
    """Standing, hands on the low back.

    Attributes:
        lean_back_deg: The trunk behind vertical.
        hips_forward: The hips ahead of the ankles, body heights.
        knee_bend_deg: Both knees' bend from straight.
    """

    lean_back_deg: float = 0.0
    hips_forward: float = 0.0
    knee_bend_deg: float = 0.0


def _check_role(stretched: str) -> None:
    if stretched not in LEG_ROLES:
        raise ValueError(f"stretched must be one of {LEG_ROLES}, got {stretched!r}")


def _along(start: np.ndarray, length: float, from_vertical_deg: float) -> np.ndarray:
    """The point `length` from `start`, leaning `from_vertical_deg` forward of straight up."""
    return start + length * unit(90.0 - from_vertical_deg)


def _upper_body(hip: np.ndarray, trunk_back_deg: float, arms: str, props: BodyProportions
                ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray, float]:
    """Shoulder, elbow and wrist (sagittal), head points, spine and head direction for a trunk from ``hip``.

    ``arms``: ``"hanging"``, ``"wall"`` (reaching forward at shoulder height) or ``"low_back"`` (hands behind the
    hips). A trunk leaning back curves the spine the other way (the low back extending).
    """
    trunk_dir = 90.0 + trunk_back_deg
    shoulder = hip + props.trunk * unit(trunk_dir)
    reach = props.upper_arm + props.forearm
    if arms == "wall":
        wrist = shoulder + 0.92 * reach * unit(-8.0)
        elbow = two_link_ik(shoulder, wrist, props.upper_arm, props.forearm, bend_left=False)
    elif arms == "low_back":
        wrist = hip + np.array([-0.07, 0.07])
        elbow = two_link_ik(shoulder, wrist, props.upper_arm, props.forearm, bend_left=False)
    else:
        elbow = shoulder + props.upper_arm * unit(trunk_dir - 178.0)
        wrist = elbow + props.forearm * unit(trunk_dir - 172.0)
    neck_base = shoulder + 0.02 * unit(trunk_dir) + 0.012 * unit(trunk_dir - 90.0)
    head = head_points(neck_base, trunk_dir, props)
    spine = arc_points(hip, shoulder, -0.8 * max(trunk_back_deg, 0.0))
    return {"shoulder": shoulder, "elbow": elbow, "wrist": wrist}, head, spine, trunk_dir


def _lateral(props: BodyProportions, sign: float) -> dict[str, float]:
    hw, sw = props.hip_width / 2.0, props.shoulder_width / 2.0
    z = {"shoulder": sw, "elbow": sw + 0.03, "wrist": sw + 0.02, "hip": hw, "knee": hw, "ankle": hw, "heel": hw,
         "toe": hw}
    return {k: sign * v for k, v in z.items()}


def _pose(stretched_leg: dict[str, np.ndarray], other_leg: dict[str, np.ndarray], stretched: str,
          upper: tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray, float], props: BodyProportions,
          hand_style: str) -> Pose:
    arms, head, spine, head_dir = upper
    near_leg, far_leg = (stretched_leg, other_leg) if stretched == "near" else (other_leg, stretched_leg)
    skel = assemble_skeleton(near_leg | arms, far_leg | arms, _lateral(props, 1.0), _lateral(props, -1.0), head,
                             spine, head_dir, props)
    return Pose(skeleton=skel, hand_style=hand_style, prop="mat")


def hip_flexor_stretch_pose(angles: HipFlexorAngles, props: BodyProportions) -> Pose:
    """Joints of a half-kneeling hip flexor stretch; the kneeling knee is at x = 0, the floor at y = 0.

    The front foot stays flat; its ankle sits where the front shin's lean and the hip's height put it.
    """
    _check_role(angles.stretched)
    knee = np.array([0.0, KNEELING_KNEE_HEIGHT])
    hip = _along(knee, props.thigh, angles.thigh_extension_deg)
    # The kneeling shin lies back along the floor, toes tucked under.
    ankle = knee + props.shin * unit(185.0)
    heel, toe = foot_points(ankle, 250.0, props)
    back = {"hip": hip, "knee": knee, "ankle": ankle, "heel": heel, "toe": toe}
    s = np.radians(angles.front_shin_deg)
    front_knee_y = props.ankle_height + props.shin * np.cos(s)
    dy = float(np.clip(front_knee_y - hip[1], -0.95 * props.thigh, 0.95 * props.thigh))
    front_knee = np.array([hip[0] + np.sqrt(props.thigh**2 - dy**2), hip[1] + dy])
    front_ankle = front_knee - props.shin * np.array([np.sin(s), np.cos(s)])
    f_heel, f_toe = foot_points(front_ankle, 0.0, props)
    front = {"hip": hip, "knee": front_knee, "ankle": front_ankle, "heel": f_heel, "toe": f_toe}
    upper = _upper_body(hip, angles.trunk_lean_back_deg, "hanging", props)
    return _pose(back, front, angles.stretched, upper, props, "relaxed")


def calf_stretch_pose(angles: CalfStretchAngles, props: BodyProportions) -> Pose:
    """Joints of a calf stretch at a wall; the back foot's toes are at x = 0, the floor at y = 0.

    The back foot turns about its toes when the heel lifts; the front foot is flat, its knee bending to let the
    hips come forward. The trunk continues the back leg's line, leaning towards the wall.
    """
    _check_role(angles.stretched)
    heel0, toe0 = foot_points(np.zeros(2), -angles.back_heel_lift_deg, props)
    ankle, heel, toe = -toe0, heel0 - toe0, np.zeros(2)
    knee = _along(ankle, props.shin, angles.back_shin_deg)
    hip = _along(knee, props.thigh, angles.back_shin_deg - angles.back_knee_bend_deg)
    back = {"hip": hip, "knee": knee, "ankle": ankle, "heel": heel, "toe": toe}
    f_ankle = np.array([ankle[0] + angles.step, props.ankle_height])
    f_knee = two_link_ik(hip, f_ankle, props.thigh, props.shin, bend_left=True)
    f_heel, f_toe = foot_points(f_ankle, 0.0, props)
    front = {"hip": hip, "knee": f_knee, "ankle": f_ankle, "heel": f_heel, "toe": f_toe}
    lean = float(np.degrees(np.arctan2(hip[0] - ankle[0], hip[1] - ankle[1])))
    upper = _upper_body(hip, -0.8 * lean, "wall", props)
    return _pose(back, front, angles.stretched, upper, props, "flat")


def back_extension_pose(angles: BackExtensionAngles, props: BodyProportions) -> Pose:
    """Joints of a standing back extension; the ankles are at x = 0, the floor at y = 0."""
    ankle = np.array([0.0, props.ankle_height])
    bend = np.radians(angles.knee_bend_deg)
    reach = float(np.sqrt(props.thigh**2 + props.shin**2 + 2 * props.thigh * props.shin * np.cos(bend)))
    forward = float(np.clip(angles.hips_forward, -0.5 * reach, 0.5 * reach))
    hip = ankle + np.array([forward, np.sqrt(reach**2 - forward**2)])
    knee = two_link_ik(ankle, hip, props.shin, props.thigh, bend_left=False)
    heel, toe = foot_points(ankle, 0.0, props)
    leg = {"hip": hip, "knee": knee, "ankle": ankle, "heel": heel, "toe": toe}
    upper = _upper_body(hip, angles.lean_back_deg, "low_back", props)
    return _pose(leg, dict(leg), "near", upper, props, "relaxed")
