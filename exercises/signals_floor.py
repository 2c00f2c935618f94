"""Signals of the floor exercises (lying face down or on the back), registered with `@signal` by name.

Import this module before building a spec that names one of them: the spec modules in exercises/specs do.
Angles are in degrees from pixel landmarks (y down), NaN when a landmark is unknown.
"""

from __future__ import annotations

import numpy as np

from exercises.body import Body
from exercises.setup import POSTURES
from exercises.signals import SIGNAL_PLANES, fused_joint_deg, signal
from pose.geometry import distance, elevation_deg, joint_angle_deg

# Lying face down: the trunk is judged from level like any lying posture (the press-up's own gate is wider).
if "prone" not in POSTURES.names():
    POSTURES.add("prone", "trunk_from_horizontal_deg")


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


@signal("trunk_rise_deg")
def trunk_rise_deg(b: Body) -> np.ndarray:
    """Mid-hip->mid-shoulder line above the horizontal: positive with the shoulders higher than the hips.

    Lying flat it is about 0; pressed up on straight arms (hips on the floor) 35-50; in a downward dog, with the
    hips high, it is negative.

    From the picture side-on and from the world landmarks away from it, as the hip angle is by default (the trunk's
    view window, ViewLimits.image_window_deg):
    a camera above the floor sees a trunk lying at an angle to it rise towards its far end. Filmed 20-39 degrees
    round, rendered knee to chest clips lying flat read the picture's line 6 degrees up (median; 12-15 on whole clips,
    past the 12 that a head lift is), the world's 3 (p90 7); a head lift read 29-41 and 24-31 (drawn 15-30).
    """
    world = elevation_deg(b.world_mid("hip"), b.world_mid("shoulder"))
    return fused_joint_deg(b, _picture_trunk_rise_deg(b), world, joint="trunk")


def _picture_trunk_rise_deg(b: Body) -> np.ndarray:
    return elevation_deg(b.mid("hip"), b.mid("shoulder"))


# Read from the world landmarks off side-on, as a joint angle is: known from any view, reliable only near side-on.
SIGNAL_PLANES.setdefault("trunk_rise_deg", ("joint", ("shoulder", "hip")))


@signal("trunk_over_thigh_deg")
def trunk_over_thigh_deg(b: Body) -> np.ndarray:
    """The trunk's rise above the line of the thigh (in the picture, less thigh_rise_deg): back and hip extension.

    Lying face down it is about 0 and pressed up with the pelvis down 30-45; a plank (-20), a downward dog (-100)
    and an upward dog with the hips high (about 5) are not extension of the back, though the chest is up in some.

    Unknown where the thigh reads more than `thigh_below_level_max_deg` below the floor, the knee above the hip:
    face down the knees rest on the floor, so that is the pose model fitting the legs to something else (the arms
    folded by the head, rendered seed 871: -42 to -51 for 1.4 s, and a partial press-up counted while lying still).
    The floor is level in a picture taken side-on, but filmed round from a camera above or below it, a line along
    the floor tips towards its far end: the floor is read as the lowest line trunk and thigh lay along together (as
    the rep's rest reads them, within `rise_rest_max_deg`) in the last `floor_line_window_s`, where that is further
    below level than that tolerance. Both together, so that one line misread low for a moment does not lower it.
    """
    thigh = thigh_rise_deg(b)
    trunk = _picture_trunk_rise_deg(b)
    rest_max = b.threshold("rise_rest_max_deg")
    with np.errstate(invalid="ignore"):
        lying = np.where(np.abs(trunk - thigh) <= rest_max, trunk, np.nan)
        # A floor read within the rest's tolerance of level is level: misfit legs read on past the gate by a few
        # degrees (rendered seed 5801, 24 degrees round: a floor read 3 below level let them join two reps).
        lowest = b.recent_lowest("press_up_floor", lying, lying, b.threshold("floor_line_window_s"))
        floor = np.fmin(lowest + rest_max, 0.0)
        misread = thigh < floor - b.threshold("thigh_below_level_max_deg")
    # Both lines from the picture, so that its view of the two matches (the thigh is measured only there).
    return np.where(misread, np.nan, trunk - thigh)


@signal("arm_elbow_deg")
def arm_elbow_deg(b: Body) -> np.ndarray:
    """Working elbow, shoulder-elbow-wrist; 180 is a straight arm."""
    return joint_angle_deg(b.point("shoulder"), b.point("elbow"), b.point("wrist"))


@signal("arm_reach_ratio")
def arm_reach_ratio(b: Body) -> np.ndarray:
    """Working shoulder to wrist, in trunk lengths (shoulder to hip), in the picture: the arm's reach.

    The hands stay planted, so elbows that stop bent bring the shoulder nearer them: a full press-up's reach is the
    straight arm's, the same on every such rep, whatever the elbow landmark says. The pose model often places the
    elbow of an arm bent under the chest on the line from shoulder to wrist (a rep stopped at 100-115 degrees read 163
    median, rendered press-ups), but shoulder and wrist are large, well-seen landmarks. The trunk's length in the same
    frame cancels the camera's distance.
    """
    return _ratio(distance(b.point("shoulder"), b.point("wrist")), distance(b.point("shoulder"), b.point("hip")))


@signal("thigh_rise_deg")
def thigh_rise_deg(b: Body) -> np.ndarray:
    """Working knee->hip line above the horizontal: about 5 with the pelvis resting on the floor, face down.

    The knees stay on the floor, so hips lifting off it tip the thigh up.
    """
    return elevation_deg(b.point("knee"), b.point("hip"))


# Both read in the picture, which shows them only near side-on: an elbow straight at the top of a press-up reads 157-164
# from 38 degrees round and bent further round, and a thigh lying along the floor tips in the picture as the trunk
# rises (rendered seed 5999, 50 degrees round: hips read lifted in a rep where they stayed down). The press-up's
# form_view_max_deg leaves their faults not checked from further round.
SIGNAL_PLANES.setdefault("arm_elbow_deg", ("joint", ("shoulder", "elbow", "wrist")))
SIGNAL_PLANES.setdefault("thigh_rise_deg", ("side", ("hip", "knee")))
SIGNAL_PLANES.setdefault("arm_reach_ratio", ("side", ("shoulder", "wrist", "hip")))


@signal("hip_lift_ratio")
def hip_lift_ratio(b: Body) -> np.ndarray:
    """Hip height above the shoulder-heel line, in trunk lengths; about 0 lying on the back with the feet down.

    Shoulders and heels rest on the floor, so this is the hips rising off it (bridging), whatever the camera's roll.
    """
    shoulder, heel, hip = b.point("shoulder"), b.point("heel"), b.point("hip")
    line = heel - shoulder
    rel = hip - shoulder
    cross = line[:, 0] * rel[:, 1] - line[:, 1] * rel[:, 0]
    # Image y points down: the hip above the line is on the side where the cross product's sign says "up".
    up = -np.sign(line[:, 0]) * cross
    return _ratio(_ratio(up, distance(shoulder, heel)), distance(shoulder, hip))
