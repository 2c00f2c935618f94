"""Pose generator for the seated exercises (seated knee extension, the slump), in the canonical body frame.

The person sits on a chair (the scene draws it), side-on, facing +x: thighs level, the far leg hanging with its foot
on the floor, the near (working) leg straightening at the knee. A slump leans the trunk forward with a rounded back and
drops the chin; the hands rest on the seat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synth.poses import EAR_LATERAL_RATIO, Pose
from synth.skeleton import (
    BodyProportions,
    Skeleton,
    arc_points,
    foot_points,
    head_points,
    lift,
    two_link_ik,
    unit,
)

#: Share of a slump carried by the trunk's lean (the hip-shoulder line); the rest is the chin dropping.
TRUNK_SHARE_OF_SLUMP = 0.6


@dataclass(frozen=True)
class SeatedKneeExtensionAngles:
    """Sitting with the near knee straightening.

    Attributes:
        knee_deg: Near knee interior angle, 90 = the shin hanging vertical, 180 = straight out in front.
        slump_deg: How far the person slumps, degrees: 0 sitting tall, 30-45 slumped with the chin down.
            ``TRUNK_SHARE_OF_SLUMP`` of it leans the trunk (its back rounds), the rest bends the neck. The drawn
            hip-ear line leans about three quarters of it (the truth measures the drawn line).
        far_knee_deg: The other knee, hanging.
    """

    knee_deg: float = 90.0
    slump_deg: float = 40.0
    far_knee_deg: float = 90.0

    def __post_init__(self) -> None:
        if not 60.0 <= self.knee_deg <= 180.0 or not -10.0 <= self.slump_deg <= 60.0:
            raise ValueError(f"knee_deg must be in [60, 180] and slump_deg in [-10, 60], got {self.knee_deg!r} and "
                             f"{self.slump_deg!r}")


def _leg(hip: np.ndarray, knee_deg: float, props: BodyProportions) -> dict[str, np.ndarray]:
    """Knee, ankle, heel and toe of a leg whose thigh lies level forward from ``hip`` (2,)."""
    knee = hip + np.array([props.thigh, 0.0])
    shin_dir = -90.0 + (knee_deg - 90.0)
    ankle = knee + props.shin * unit(shin_dir)
    heel, toe = foot_points(ankle, knee_deg - 90.0, props)
    return {"hip": hip, "knee": knee, "ankle": ankle, "heel": heel, "toe": toe}


def seated_knee_extension_pose(angles: SeatedKneeExtensionAngles, props: BodyProportions) -> Pose:
    """Joints of a seated knee extension; the hip is at x = 0, the floor at y = 0.

    Args:
        angles: Knee and slump.
        props: Body proportions.

    Returns:
        The pose.
    """
    hip = np.array([0.0, props.ankle_height + props.shin])
    near, far = _leg(hip, angles.knee_deg, props), _leg(hip, angles.far_knee_deg, props)
    lean = TRUNK_SHARE_OF_SLUMP * angles.slump_deg
    trunk_dir = 90.0 - lean
    shoulder = hip + props.trunk * unit(trunk_dir)
    # The hands rest on the seat beside the hips, out of the way of the moving leg; the elbows bend back.
    wrist = hip + np.array([0.08, 0.0])
    elbow = two_link_ik(shoulder, wrist, props.upper_arm, props.forearm, bend_left=False)
    for leg in (near, far):
        leg["shoulder"], leg["elbow"], leg["wrist"] = shoulder, elbow, wrist
    z_near = {"shoulder": props.shoulder_width / 2.0, "elbow": props.shoulder_width / 2.0 + 0.02,
              "wrist": props.hip_width / 2.0 + 0.07, **{k: props.hip_width / 2.0 for k in
                                                        ("hip", "knee", "ankle", "heel", "toe")}}
    joints = {f"near_{k}": v for k, v in lift(near, z_near).items()}
    joints.update({f"far_{k}": v for k, v in lift(far, {k: -z for k, z in z_near.items()}).items()})
    neck_base = shoulder + 0.02 * unit(trunk_dir) + 0.012 * unit(trunk_dir + 90.0)
    # The chin drops by the rest of the slump, and a little more: the head turns further than the hip-ear line.
    head_dir = trunk_dir - 3.0 * (angles.slump_deg - lean)
    joints.update(lift(head_points(neck_base, head_dir, props), {"ear": EAR_LATERAL_RATIO * props.head_radius}))
    # A slump rounds the back: the spine bulges behind the hip-shoulder line.
    spine = arc_points(hip, shoulder, 1.2 * max(angles.slump_deg, 0.0))
    skeleton = Skeleton(joints=joints, spine=np.column_stack([spine, np.zeros(len(spine))]), head_dir_deg=head_dir)
    return Pose(skeleton=skeleton, hand_style="relaxed", prop="chair")
