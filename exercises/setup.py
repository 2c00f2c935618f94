"""The setup check before a live set: is the whole body in the picture, seen from the side, at a usable distance?

Pure functions of one PoseFrame. They return a status code; the words for each code live in
feedback.wording.SETUP_WORDING, so the check itself never talks to the patient. One code at a time, in the
order a person would fix things: be seen at all, get the whole body in, centre it, come close enough, turn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

import numpy as np

from exercises.names import Registry
from exercises.signals import SIGNAL_PLANES
from pose.frames import LANDMARK_VISIBILITY_MIN_RATIO, PoseFrame
from pose.landmarks import Landmark, sided
from pose.view import classify_view, shoulder_width_ratio

if TYPE_CHECKING:  # only a type here; exercises.spec itself imports POSTURES from this module
    from exercises.spec import ExerciseSpec

# "not_in_posture" and "not_in_position" are never returned by check_setup (one frame cannot tell them): a live set
# gives them when the body has been seen for a while but out of the exercise's posture (standing for a floor
# exercise), or in it but with the rep measurement unreadable (scoring.live).
SetupStatus = Literal[
    "no_person", "too_close_feet_cut", "head_cut", "too_close", "off_centre", "too_far", "not_side_view", "ready",
    "not_in_posture", "not_in_position",
]
SETUP_STATUSES: tuple[SetupStatus, ...] = get_args(SetupStatus)

# The postures an exercise is done in (a spec's `posture`), each with the signal that measures how far the trunk
# is from it: the spec's `posture_signal`, which the engine's posture gate reads. The words of the setup check may
# differ by posture (feedback.wording.SETUP_WORDING).
POSTURES: Registry[str] = Registry("posture")
POSTURES.add("standing", "trunk_from_vertical_deg")
POSTURES.add("supine", "trunk_from_horizontal_deg")
POSTURES.add("quadruped", "trunk_from_horizontal_deg")

# A landmark closer than this to an image edge (fraction of width or height) counts as cut off: a joint at
# the very edge is usually half out of the picture, and the person will move a little during the set.
EDGE_MARGIN_RATIO = 0.02
# The body's centre may sit this far from the image centre (fraction of the width) before we ask to move.
OFF_CENTRE_MAX_RATIO = 0.25
# A body wider than this (fraction of the image width) cannot be centred with room to move: step back.
BODY_WIDTH_MAX_RATIO = 0.85
# The body's longer extent (fraction of the image's matching side) below which the person is too far:
# BlazePose's model card puts people more than about 4 m away out of scope.
BODY_EXTENT_MIN_RATIO = 0.35

_TRUNK = ("shoulder", "hip")
_FEET = ("ankle", "heel", "foot_index")
_HEAD = (Landmark.NOSE, Landmark.LEFT_EAR, Landmark.RIGHT_EAR)


def _both(parts: tuple[str, ...]) -> list[int]:
    return [int(sided(p, s)) for p in parts for s in ("left", "right")]


def _inside(xy: np.ndarray, sides_too: bool = True) -> np.ndarray:
    m = EDGE_MARGIN_RATIO
    within_height = (xy[:, 1] >= m) & (xy[:, 1] <= 1 - m)
    return within_height & (xy[:, 0] >= m) & (xy[:, 0] <= 1 - m) if sides_too else within_height


def crosses_the_picture(spec: ExerciseSpec | None) -> bool:
    """Whether the person walks across the picture (a spec whose reps an event detector finds: walking).

    Entering at one side, leaving at the other and being out of view while turning are then the exercise, not a
    setup problem. Rendered walks past the camera and back, and the three real walks, read off-centre for the
    first and last 0.5-1.2 s of every pass, then head-cut as the walker left, then nobody: with the standing
    checks, a walker was told to move into the middle of the picture at both ends of every pass.
    """
    return spec is not None and spec.events is not None


def check_setup(frame: PoseFrame, spec: ExerciseSpec | None = None) -> SetupStatus:
    """The first thing to fix before the set, or "ready".

    Args:
        frame: one pose frame (an empty frame means nobody was found).
        spec: the exercise; the person is asked to turn side-on only when it needs a side view (see needs_side_view).
            None asks for a side view, the view every exercise can be measured from.

    Returns:
        A code from SETUP_STATUSES.
    """
    if not frame.found:
        return "no_person"
    xy = frame.xyz[:, :2]
    seen = frame.visibility >= LANDMARK_VISIBILITY_MIN_RATIO  # below it, not trusted to be in the picture
    trunk = _both(_TRUNK)
    if not seen[trunk].any():
        return "no_person"
    crossing = crosses_the_picture(spec)
    inside = _inside(xy, sides_too=not crossing) & seen  # a walker's feet and head leave at the side as they go
    feet = _both(_FEET)
    if not inside[feet].any():
        return "too_close_feet_cut"
    head = [int(i) for i in _HEAD]
    if not inside[head].any():
        return "head_cut"
    # The body box from the landmarks the model is sure of; MediaPipe still places unseen ones, off-image.
    body = xy[seen]
    x0, y0 = body.min(axis=0)
    x1, y1 = body.max(axis=0)
    m = EDGE_MARGIN_RATIO
    if not crossing:  # a walker is off-centre, and cut at a side, each time they come in and go out
        if x0 < m or x1 > 1 - m:
            # Cut at the left or right: if the body would fit, moving sideways fixes it; else step back.
            return "off_centre" if (x1 - x0) <= BODY_WIDTH_MAX_RATIO else "too_close"
        if abs((x0 + x1) / 2 - 0.5) > OFF_CENTRE_MAX_RATIO:
            return "off_centre"
    if max(x1 - x0, y1 - y0) < BODY_EXTENT_MIN_RATIO:
        return "too_far"
    if (spec is None or needs_side_view(spec)) and not side_view(frame):
        return "not_side_view"
    return "ready"


def needs_side_view(spec: ExerciseSpec) -> bool:
    """Whether only a side view can score the exercise (its count, its hold or its form).

    The count or hold may be read in the body's side plane, or the form judged only near side-on
    (ExerciseSpec.form_view_max).

    Cat-cow's back bend is read from the back's outline, which only the side shows. The nerve glide counts from any
    angle, but its form faults are judged only side-on: filmed 40 degrees round, the pose model misplaces the raised
    leg. The wall squat's knee angle comes from the world landmarks away from side-on, so it works from the front or
    at an angle too (what only the side shows, such as the trunk's lean, is then reported as not measured).
    """
    if spec.form_view_max is not None:
        return True
    watched = {spec.rep.signal, *((spec.hold.signal,) if spec.hold else ())}
    return any(SIGNAL_PLANES.get(name, ("any", ()))[0] == "side" for name in watched)


def side_view(frame: PoseFrame) -> bool:
    """Whether the camera sees the person from the side (shoulders overlapping in the picture).

    Raw landmark positions are used, not only confident ones: from the side the far shoulder is hidden and has
    a low visibility, yet the model still places it close behind the near one, which is what a side view means.
    """
    xy_px = frame.xyz[:, :2] * np.array(frame.image_size, dtype=float)
    return classify_view(float(shoulder_width_ratio(xy_px))) == "side"
