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
from exercises.signals import SIGNAL_PLANES, SIGNALS
from pose.geometry import angle_from_vertical_deg

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
