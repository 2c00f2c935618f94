"""Signals of the exercises done lying on the back with the knees bent (hook lying), registered with `@signal`.

Import this module before building a spec that names one of them: the spec modules in exercises/specs do.
Rolls of the knees, shoulders and pelvis happen across the camera's line of sight when it films the side, so they
are read from MediaPipe's world landmarks (metres, y down, camera-aligned), which place the far side in depth;
the rest from pixel landmarks (y down). NaN when a landmark is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from exercises.body import Body
from exercises.side import SIDE_RULES
from exercises.signals import signal
from exercises.spec import HOOK_LYING_THRESHOLDS
from pose.geometry import distance, joint_angle_deg
from pose.landmarks import sided


def _hook(b: Body, name: str) -> float:
    """A hook-lying threshold: the spec's (or the patient's) value, else the shared default."""
    value = b.threshold(name)
    return HOOK_LYING_THRESHOLDS[name] if np.isnan(value) else value


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _knee_bent(b: Body, side: str) -> np.ndarray:
    """(T,) whether that leg's knee is bent as in hook lying (NaN-safe: unknown is False)."""
    knee = joint_angle_deg(b.point("hip", side), b.point("knee", side), b.point("ankle", side))
    with np.errstate(invalid="ignore"):
        return (knee >= _hook(b, "hook_knee_min_deg")) & (knee <= _hook(b, "hook_knee_max_deg"))


def _line_roll_deg(b: Body, part: str) -> np.ndarray:
    """Unsigned angle of the left-right line of a part (shoulders, hips) out of level, from the world landmarks."""
    d = b.world_point(part, "right") - b.world_point(part, "left")
    with np.errstate(invalid="ignore"):
        return np.degrees(np.arcsin(np.clip(_ratio(np.abs(d[:, 1]), np.linalg.norm(d, axis=1)), 0.0, 1.0)))


@signal("hand_pelvis_deg")
def hand_pelvis_deg(b: Body) -> np.ndarray:
    """Angle at the working hip between the floor, towards the head, and the hand resting on the hip bone.

    The hands rest on the front of the pelvis, as patients are taught, to feel it tilt: the pelvis rocks back on
    the sacrum, the hip bone turning towards the head, and this angle closes by about the tilt (drawn: 55-60 at
    rest, 12-18 less pressed flat; through MediaPipe the resting value differs from body to body, 28-64, and a tilt
    closes it 6-13, so the pelvic tilt spec reads it from the person's own rest). The floor is the heel->shoulder
    line (both rest on it), so buttocks lifted into a bridge, which carry hip and hand up together, do not read as a
    tilt. Only while hook lying (knee bent), so the same angle with the legs out or a knee hugged in is not read as
    one either, and only with the hand on the front of the pelvis (arms spread, or by the sides beside the thigh,
    are no hand on the pelvis).
    """
    hip, wrist = b.point("hip"), b.point("wrist")
    knee = joint_angle_deg(hip, b.point("knee"), b.point("ankle"))
    angle = joint_angle_deg(hip + (b.mid("shoulder") - b.point("heel")), hip, wrist)
    near = _ratio(distance(wrist, hip), distance(b.mid("shoulder"), b.mid("hip")))
    with np.errstate(invalid="ignore"):
        bent = (knee >= _hook(b, "hook_knee_min_deg")) & (knee <= _hook(b, "hook_knee_max_deg"))
        hook = bent & (near <= _hook(b, "hand_on_hip_max_ratio")) & (angle <= _hook(b, "hand_on_hip_max_deg"))
    return np.where(hook, angle, np.nan)


@signal("arm_lift_ratio")
def arm_lift_ratio(b: Body) -> np.ndarray:
    """One wrist's height above the other, in trunk lengths (pixels): a shoulder and its arm coming off the floor.

    Spread on the floor both hands lie at floor level; when the upper trunk turns with the knees, the far shoulder
    lifts and its arm with it, which a camera beside the person sees as that hand rising.
    """
    dy = np.abs(b.point("wrist", "left")[:, 1] - b.point("wrist", "right")[:, 1])
    return _ratio(dy, distance(b.mid("shoulder"), b.mid("hip")))


@signal("knee_roll_ratio")
def knee_roll_ratio(b: Body) -> np.ndarray:
    """Which way, and how far, the bent knees have rolled: the left knee's drop below the right, in trunk lengths.

    Positive with the knees rolled to the person's left. Knees together pointing at the ceiling sit level, side by
    side; rolled to one side, that side's knee goes down towards the floor and the other comes over on top of it,
    which a camera beside the person sees whichever side it films (rendered clips through MediaPipe: about 0.1 for
    a 50-degree roll, within 0.02 of 0 at rest). NaN unless both feet are down (ankles level): one ankle lifted
    over the other knee (a figure four) drops that knee alone, which is no trunk rotation. One knee bent as in hook
    lying is enough: the lower knee of a deep roll, or of knees falling apart, lies across the camera's line of
    sight and reads 130-175 degrees in the picture.
    """
    trunk = distance(b.mid("shoulder"), b.mid("hip"))
    dy = b.point("knee", "left")[:, 1] - b.point("knee", "right")[:, 1]
    feet = _ratio(np.abs(b.point("ankle", "left")[:, 1] - b.point("ankle", "right")[:, 1]), trunk)
    hook = _knee_bent(b, "left") | _knee_bent(b, "right")
    with np.errstate(invalid="ignore"):
        return np.where((feet <= _hook(b, "feet_level_max_ratio")) & hook, _ratio(dy, trunk), np.nan)


@signal("knee_gap_ratio")
def knee_gap_ratio(b: Body) -> np.ndarray:
    """Distance between the knees over the distance between the hips (world landmarks).

    About 1 with the knees hip-width apart, more as they fall apart.
    """
    knees = distance(b.world_point("knee", "left"), b.world_point("knee", "right"))
    return _ratio(knees, distance(b.world_point("hip", "left"), b.world_point("hip", "right")))


def _knee_height(b: Body, side: str) -> np.ndarray:
    """(T,) that knee's height above its own hip-ankle line, in pixels, positive up the picture."""
    hip, ankle = b.point("hip", side), b.point("ankle", side)
    d = ankle - hip
    normal = np.stack([d[:, 1], -d[:, 0]], axis=1)
    normal = np.where(normal[:, 1:] > 0, -normal, normal)  # y grows downwards: up is negative y
    return _ratio(np.sum((b.point("knee", side) - hip) * normal, axis=1), np.linalg.norm(d, axis=1))


@signal("knees_parting_ratio")
def knees_parting_ratio(b: Body) -> np.ndarray:
    """How far the lower knee has dropped below the upper one: (upper - lower) / (upper + lower) of their heights.

    Each knee's height is over its own hip-ankle line, in the picture. Knees held together turn as one pair, so
    rolled 40-60 degrees the lower knee keeps over half the upper one's height (rendered clips through MediaPipe:
    0.05-0.38; about 0.07 at rest). Knees falling apart, the lower knee
    drops to the floor while the upper one stays up (0.5-0.9). MediaPipe's world landmarks flatten the knees' gap
    in depth (three hip widths read 1.2-1.4), so the world gap cannot tell them apart.
    """
    left, right = _knee_height(b, "left"), _knee_height(b, "right")
    upper, lower = np.fmax(left, right), np.fmin(left, right)
    return np.where(np.isfinite(left) & np.isfinite(right), _ratio(upper - lower, upper + lower), np.nan)


@signal("knees_height_ratio")
def knees_height_ratio(b: Body) -> np.ndarray:
    """The knees' mean height over their own hip-ankle lines, in hip-ankle lengths (pixels): NaN unless both known.

    Rolled either way the bent knees come down towards the floor, and the picture's vertical is the room's from any
    camera turned about it, so this sees a roll that the knees' drop (knee_roll_ratio) misses: the one whose lower
    knee hides behind the upper from where the camera stands. Rendered rolls of 40-55 degrees through MediaPipe, 0-36
    degrees off side-on, that the knees' drop missed brought it 0.08-0.14 below the person's resting height (read by
    exercises.tracking.UnseenEnd), and the rolls it saw 0.15-0.5. It says how far, never which way.
    """
    hip_ankle = (distance(b.point("hip", "left"), b.point("ankle", "left"))
                 + distance(b.point("hip", "right"), b.point("ankle", "right"))) / 2.0
    return _ratio((_knee_height(b, "left") + _knee_height(b, "right")) / 2.0, hip_ankle)


@signal("shoulder_roll_deg")
def shoulder_roll_deg(b: Body) -> np.ndarray:
    """The shoulder line out of level (world landmarks): one shoulder lifting off the floor."""
    return _line_roll_deg(b, "shoulder")


@signal("pelvis_roll_deg")
def pelvis_roll_deg(b: Body) -> np.ndarray:
    """The pelvis rolled to one side about the body's long axis, against the shoulders lying flat (world landmarks).

    The hip line's turn from the shoulder line, both seen along the hips-to-shoulders axis. Against the shoulders,
    not against level: MediaPipe's world axes turn with the camera, so from a camera looking down 30 degrees a level
    hip line reads 30 degrees out of level.
    """
    axis = b.world_mid("shoulder") - b.world_mid("hip")
    with np.errstate(invalid="ignore", divide="ignore"):
        axis = axis / np.linalg.norm(axis, axis=1, keepdims=True)

    def across(part: str) -> np.ndarray:
        d = b.world_point(part, "right") - b.world_point(part, "left")
        return d - np.sum(d * axis, axis=1, keepdims=True) * axis

    hips, shoulders = across("hip"), across("shoulder")
    lengths = np.linalg.norm(hips, axis=1) * np.linalg.norm(shoulders, axis=1)
    cos = _ratio(np.abs(np.sum(hips * shoulders, axis=1)), lengths)
    with np.errstate(invalid="ignore"):
        return np.degrees(np.arccos(np.clip(cos, 0.0, 1.0)))


@signal("ankle_on_knee_world_ratio")
def ankle_on_knee_world_ratio(b: Body) -> np.ndarray:
    """Nearer of each ankle to the other leg's knee, in thigh lengths, from MediaPipe's world landmarks (3D).

    Filmed from above (a camera raised beside the person, looking down 30-40 degrees), a figure four's crossed ankle
    reads 0.6-0.93 from the other knee in the holds (each clip's 90th percentile) against 0.95-1.2 with both feet
    down (10th percentile), the levels differing from clip to clip (rendered seeds 501-502 through MediaPipe), so a
    spec reads its drop from the person's own rest. From the side at floor level it reads the same in and out of a
    hold: the crossed shin points at the camera, and the pose model puts its ankle on the floor.
    """
    return ankle_to_other_knee_ratio(b.world) if b.world is not None else np.full(len(b.xy), np.nan)


def ankle_to_other_knee_ratio(world: np.ndarray) -> np.ndarray:
    """(T,) the nearer of each ankle to the other leg's knee over the mean thigh, from (T, 33, 3) world landmarks.

    The figure four's signal, and recognition's measure of an ankle brought to the other knee (exercises.detect).
    """
    def part(name: str, side: str) -> np.ndarray:
        return world[:, sided(name, side)]

    thigh = (distance(part("hip", "left"), part("knee", "left"))
             + distance(part("hip", "right"), part("knee", "right"))) / 2.0
    gaps = [distance(part("ankle", s), part("knee", other)) for s, other in (("left", "right"), ("right", "left"))]
    return _ratio(np.fmin(*gaps), thigh)


@SIDE_RULES.register("raised_ankle")
def _raised_ankle(xy: np.ndarray, world_xyz: np.ndarray, visibility: np.ndarray,
                  thresholds: Mapping[str, float]) -> np.ndarray:
    """The leg whose ankle is higher in the image: the crossed leg of a figure-four stretch."""
    dy = xy[:, sided("ankle", "right"), 1] - xy[:, sided("ankle", "left"), 1]
    return np.where(np.isfinite(dy), np.sign(dy), 0.0)
