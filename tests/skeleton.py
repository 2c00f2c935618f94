"""Synthetic side-view skeletons with exactly known angles, as PoseFrames (test fixtures, no MediaPipe)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pose.frames import N_BACK_SAMPLES, PoseFrame, PoseSequence
from pose.landmarks import N_LANDMARKS, Landmark, sided
from pose.outline import BACK_SAMPLE_FRACTIONS

SIZE = (640, 480)
SHIN, THIGH, TRUNK, NECK = 90.0, 95.0, 120.0, 30.0


def _unit(deg: float) -> np.ndarray:
    r = np.radians(deg)
    return np.array([np.cos(r), np.sin(r)])


def _rotations(u: np.ndarray, deg: float) -> tuple[np.ndarray, np.ndarray]:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([c * u[0] - s * u[1], s * u[0] + c * u[1]]), np.array([c * u[0] + s * u[1], -s * u[0] + c * u[1]])


def _frame(
    t_s: float,
    pts: dict[str, np.ndarray],
    facing: int,
    near: str,
    back_profile=None,
    other: dict[str, np.ndarray] | None = None,
) -> PoseFrame:
    """Landmarks from named 2D pixel points; both sides share them unless `other` gives the far side."""
    xy = np.full((N_LANDMARKS, 2), np.nan)
    far = "right" if near == "left" else "left"
    for part, p in pts.items():
        for side in ("left", "right"):
            src = (other or {}).get(part, p) if side == far else p
            xy[sided(part, side)] = src
    head = pts["ear"]
    xy[Landmark.NOSE] = head + np.array([12.0 * facing, 4.0])
    for lm in (
        Landmark.LEFT_EYE_INNER,
        Landmark.LEFT_EYE_OUTER,
        Landmark.RIGHT_EYE_INNER,
        Landmark.RIGHT_EYE_OUTER,
        Landmark.MOUTH_LEFT,
        Landmark.MOUTH_RIGHT,
        Landmark.LEFT_PINKY,
        Landmark.RIGHT_PINKY,
        Landmark.LEFT_THUMB,
        Landmark.RIGHT_THUMB,
    ):
        xy[lm] = head
    xyz = np.zeros((N_LANDMARKS, 3))
    xyz[:, :2] = xy / np.array(SIZE)
    world = np.zeros((N_LANDMARKS, 3))
    world[:, :2] = xyz[:, :2]
    for i in range(N_LANDMARKS):
        name = Landmark(i).name
        world[i, 2] = -0.1 if name.startswith(near.upper()) else (0.1 if name.startswith(far.upper()) else 0.0)
    profile = np.full(N_BACK_SAMPLES, np.nan) if back_profile is None else back_profile
    return PoseFrame(float(t_s), xyz, world, np.ones(N_LANDMARKS), SIZE, profile)


def wall_squat_frame(
    t_s: float, knee_deg: float, trunk_lean_deg: float = 0.0, shin_deg: float = 5.0, facing: int = 1
) -> PoseFrame:
    """Standing side view: ankle on the floor, shin `shin_deg` forward of vertical, knee angle `knee_deg`,
    trunk leaning `trunk_lean_deg` forward from vertical. facing=+1 faces image-right, so the right side is
    nearer the camera."""
    ankle = np.array([320.0, 430.0])
    knee = ankle + SHIN * np.array([np.sin(np.radians(shin_deg)) * facing, -np.cos(np.radians(shin_deg))])
    down = (ankle - knee) / SHIN
    cands = _rotations(down, knee_deg)
    thigh_dir = min(cands, key=lambda v: v[0] * facing)  # the hip sits behind the knee, towards the wall
    hip = knee + THIGH * thigh_dir
    shoulder = hip + TRUNK * np.array(
        [np.sin(np.radians(trunk_lean_deg)) * facing, -np.cos(np.radians(trunk_lean_deg))]
    )
    ear = shoulder + np.array([0.0, -NECK])
    pts = {
        "ankle": ankle,
        "knee": knee,
        "hip": hip,
        "shoulder": shoulder,
        "ear": ear,
        "eye": ear + [6.0 * facing, -3],
        "heel": ankle + np.array([-12.0 * facing, 8.0]),
        "foot_index": ankle + np.array([30.0 * facing, 12.0]),
        "elbow": shoulder + np.array([0.0, 45.0]),
        "wrist": shoulder + np.array([-5.0 * facing, 85.0]),
        "index": shoulder + np.array([-5.0 * facing, 95.0]),
    }
    return _frame(t_s, pts, facing, "right" if facing > 0 else "left")


def nerve_glide_frame(
    t_s: float, knee_deg: float, hip_deg: float = 90.0, facing: int = 1, leg: str = "left",
    other_lift_deg: float = 0.0, other_on_raised: bool = False,
) -> PoseFrame:
    """Lying on the back, head towards image-right when facing=+1; the `leg` is raised with the given hip and
    knee angles, the other lies flat, or rises straight `other_lift_deg` off the floor, or is read lying on the
    raised leg (`other_on_raised`, as the pose model sometimes places it)."""
    hip = np.array([300.0, 400.0])
    shoulder = hip + np.array([TRUNK * facing, 0.0])
    to_shoulder = (shoulder - hip) / TRUNK
    thigh_dir = min(_rotations(to_shoulder, hip_deg), key=lambda v: v[1])  # the raised knee is above the floor
    knee = hip + THIGH * thigh_dir
    back = (hip - knee) / THIGH
    shin_dir = max(_rotations(back, knee_deg), key=lambda v: -v[0] * facing)  # the foot points away from the head
    ankle = knee + SHIN * shin_dir
    ear = shoulder + np.array([NECK * facing, -5.0])
    raised = {
        "hip": hip,
        "shoulder": shoulder,
        "knee": knee,
        "ankle": ankle,
        "ear": ear,
        "eye": ear + [3.0 * facing, -6],
        "heel": ankle + np.array([-8.0 * facing, 5.0]),
        "foot_index": ankle + np.array([-5.0 * facing, -20.0]),
        "elbow": shoulder + np.array([-40.0 * facing, -30.0]),
        "wrist": knee + np.array([5.0 * facing, 20.0]),
        "index": knee + np.array([5.0 * facing, 15.0]),
    }
    flat = dict(raised)
    along = np.array([-np.cos(np.radians(other_lift_deg)) * facing, -np.sin(np.radians(other_lift_deg))])
    flat.update(
        {
            "knee": hip + THIGH * along,
            "ankle": hip + (THIGH + SHIN) * along,
            "heel": hip + (THIGH + SHIN) * along + np.array([0.0, 5.0]),
            "foot_index": hip + (THIGH + SHIN + 5) * along + np.array([0.0, -20.0]),
        }
    )
    return _frame(t_s, raised, facing, leg, other=None if other_on_raised else flat)


def cat_cow_frame(t_s: float, spine_flexion_deg: float, facing: int = 1, wrist_shift: float = 0.0) -> PoseFrame:
    """On hands and knees, head towards image-right when facing=+1, with a back outline bent by the given angle."""
    hip = np.array([250.0, 250.0])
    shoulder = hip + np.array([TRUNK * facing, 0.0])
    pts = {
        "hip": hip,
        "shoulder": shoulder,
        "knee": hip + np.array([0.0, 100.0]),
        "ankle": hip + np.array([-90.0 * facing, 100.0]),
        "heel": hip + np.array([-90.0 * facing, 90.0]),
        "foot_index": hip + np.array([-110.0 * facing, 100.0]),
        "elbow": shoulder + np.array([0.0, 50.0]),
        "wrist": shoulder + np.array([wrist_shift * facing, 100.0]),
        "index": shoulder + np.array([(wrist_shift + 10) * facing, 100.0]),
        "ear": shoulder + np.array([35.0 * facing, -10.0]),
        "eye": shoulder + np.array([40.0 * facing, -14.0]),
    }
    sagitta = np.tan(np.radians(spine_flexion_deg) / 4.0) / 2.0
    profile = 0.25 + 4.0 * sagitta * BACK_SAMPLE_FRACTIONS * (1.0 - BACK_SAMPLE_FRACTIONS)
    return _frame(t_s, pts, facing, "right" if facing > 0 else "left", back_profile=profile)


def sequence(frames: list[PoseFrame]) -> PoseSequence:
    """Stack frames."""
    return PoseSequence.from_frames(frames)


def turned(side_on: PoseSequence, yaw_deg: float, depth_ratio: float = 1.0,
           half_width_px: float = 25.0) -> PoseSequence:
    """A side-on clip filmed with the camera turned `yaw_deg` from side-on, the near side towards it.

    Each side-on point is a point of the body's side plane, the near side's `half_width_px` towards the camera and
    the far side's away; the turn is about the left hip. The picture shows the body turned; the world landmarks are
    exact but for their depth, `depth_ratio` of the true one (MediaPipe's is about half, so the view reads further
    round than it is).
    """
    yaw = np.radians(yaw_deg)
    across = np.array([-half_width_px if Landmark(i).name.startswith("LEFT") else half_width_px
                       for i in range(N_LANDMARKS)])
    frames = []
    for f in (side_on.frame(i) for i in range(len(side_on))):
        size = np.array(f.image_size, float)
        xy = f.xyz[:, :2] * size
        hip = xy[sided("hip", "left")].copy()
        ahead = xy[:, 0] - hip[0]
        cam_x = ahead * np.cos(yaw) - across * np.sin(yaw)
        cam_z = ahead * np.sin(yaw) + across * np.cos(yaw)
        picture = np.column_stack([hip[0] + cam_x, xy[:, 1]])
        world = np.column_stack([cam_x, xy[:, 1] - hip[1], depth_ratio * cam_z]) / 300.0
        frames.append(PoseFrame(f.t_s, np.column_stack([picture / size, np.zeros(N_LANDMARKS)]), world,
                                f.visibility, f.image_size, f.back_profile))
    return PoseSequence.from_frames(frames)


def each_frame(seq: PoseSequence, change: Callable[[PoseFrame], PoseFrame]) -> PoseSequence:
    """The same clip with `change` made to every frame."""
    return PoseSequence.from_frames([change(seq.frame(i)) for i in range(len(seq))])


def unfound(seq: PoseSequence, from_s: float, to_s: float) -> PoseSequence:
    """The same clip with no person found in the frames from `from_s` up to (not including) `to_s`."""
    return each_frame(seq, lambda f: PoseFrame.empty(f.t_s, f.image_size) if from_s <= f.t_s < to_s else f)


def tipped(seq: PoseSequence, deg: float) -> PoseSequence:
    """The same clip with the picture turned `deg` about its centre: a line heading image-right reads `deg` lower.

    As a floor reads from a camera above it, filmed round: a line along the floor tips towards its far end. The world
    landmarks are unchanged.
    """
    a = np.radians(deg)
    turn = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])

    def tip(f: PoseFrame) -> PoseFrame:
        size = np.array(f.image_size, float)
        xy = (f.xyz[:, :2] * size - size / 2) @ turn.T + size / 2
        return PoseFrame(f.t_s, np.column_stack([xy / size, f.xyz[:, 2]]), f.world_xyz, f.visibility, f.image_size,
                         f.back_profile)

    return each_frame(seq, tip)


def eased(keyframes: list[tuple[float, float]], t: np.ndarray) -> np.ndarray:
    """Values at times `t` interpolated (cosine-eased) between (t_s, value) keyframes."""
    kt = np.array([k[0] for k in keyframes])
    kv = np.array([k[1] for k in keyframes])
    idx = np.clip(np.searchsorted(kt, t, side="right") - 1, 0, len(kt) - 2)
    span = kt[idx + 1] - kt[idx]
    u = np.where(span > 0, (t - kt[idx]) / np.where(span > 0, span, 1), 0)
    ease = (1 - np.cos(np.pi * np.clip(u, 0, 1))) / 2
    return kv[idx] + (kv[idx + 1] - kv[idx]) * ease


def trace(keyframes: list[tuple[float, float]], fps: float) -> tuple[np.ndarray, np.ndarray]:
    """Times at `fps` and values interpolated (cosine-eased) between (t_s, value) keyframes."""
    t = np.arange(keyframes[0][0], keyframes[-1][0] + 1e-9, 1.0 / fps)
    return t, eased(keyframes, t)


def flat_frame(t_s: float, xy: np.ndarray) -> PoseFrame:
    """A frame from (N_LANDMARKS, 2) pixel points, every one seen, its world landmarks the picture's plane."""
    xyz = np.zeros((N_LANDMARKS, 3))
    xyz[:, :2] = xy / np.array(SIZE)
    world = np.zeros((N_LANDMARKS, 3))
    world[:, :2] = xyz[:, :2]
    return PoseFrame(float(t_s), xyz, world, np.ones(N_LANDMARKS), SIZE)


def squat_reps(
    n: int, rep_s: float = 3.0, bottom_deg: float = 90.0, top_deg: float = 175.0, pause_s: float = 1.0
) -> list[tuple[float, float]]:
    """Keyframes of n squat reps: stand, down, up, with pauses standing."""
    keys = [(0.0, top_deg)]
    t = 0.0
    for _ in range(n):
        t += pause_s
        keys.append((t, top_deg))
        t += rep_s / 2
        keys.append((t, bottom_deg))
        t += rep_s / 2
        keys.append((t, top_deg))
    keys.append((t + pause_s, top_deg))
    return keys
