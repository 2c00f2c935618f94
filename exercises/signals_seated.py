"""Signals and the posture of the seated exercises, read from the side: how slumped the sitter is.

A seated knee extension (the slump mobilisation of the sciatic nerve) straightens the knee of a leg hanging from a
chair, often with the back rounded and the chin dropped, which puts the nerve under more tension. The knee is the
existing `knee_deg`; this module adds the slump. Importing it registers the `seated` posture (trunk near upright,
like standing) and the signal in exercises.signals.SIGNALS; the specs that use them import it.
"""

from __future__ import annotations

import numpy as np

from exercises.body import Body
from exercises.setup import POSTURES
from exercises.signals import SIGNAL_PLANES, SIGNALS, fused_joint_deg, joint_3d_deg
from pose.geometry import angle_from_vertical_deg
from pose.landmarks import other_side

# Seated, the trunk stays within the posture gate of upright: a slump leans the hip-shoulder line 10-30 degrees.
if "seated" not in POSTURES.names():
    POSTURES.add("seated", "trunk_from_vertical_deg")


@SIGNALS.register("slump_deg")
def slump_deg(b: Body) -> np.ndarray:
    """Forward lean of the hip-to-ear line from vertical, degrees; positive towards where the person faces.

    Sitting tall puts the ear over the hip (0-8 degrees); a slump rounds the back and drops the chin, and both carry
    the ear forward (25-40 degrees). The ear, not the shoulder, because the chin dropping to the chest is half of a
    slump, and a rounded back moves the shoulder forward less than the head.
    """
    return angle_from_vertical_deg(b.mid("hip"), b.mid("ear"), b.forward)


# A forward lean is seen only in the body's side plane: from the front the ear sits over the hip whatever the slump.
SIGNAL_PLANES.setdefault("slump_deg", ("side", ("ear", "hip")))


def _knee_on(b: Body, side: str) -> np.ndarray:
    return fused_joint_deg(b, b.picture_joint_deg(b.point("hip", side), b.point("knee", side), b.point("ankle", side)),
                           joint_3d_deg(b, "hip", "knee", "ankle", side))


@SIGNALS.register("moving_knee_deg")
def moving_knee_deg(b: Body) -> np.ndarray:
    """The straighter of the two knees, hip-knee-ankle, degrees; 180 is straight.

    Seated, one leg hangs (80-100) while the other straightens, so the straighter knee is the working one whichever
    label MediaPipe gives it: seen from the side with the far leg hidden, it swaps the legs' labels from frame to
    frame while a slumped sitter straightens the near knee (a rendered rep drawn 90-158-90 read 146, 98, 144 on the
    near side's label and 160 on the far one's between them).
    """
    return np.fmax(_knee_on(b, b.side), _knee_on(b, other_side(b.side)))


SIGNAL_PLANES.setdefault("moving_knee_deg", ("joint", ("hip", "knee", "ankle")))
