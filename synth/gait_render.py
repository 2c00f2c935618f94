"""A scripted walk seen by a side-on camera, as the pose model would report it: landmark sequences with noise.

This is the landmark level of the renderer (no pixels, no MediaPipe): the walk's 3D points go through a pinhole
camera and become a PoseSequence, with the pose model's habits added on purpose: jitter, a far leg it is less sure
of, the legs' left/right labels swapped on some frames around the crossing, and a person only partly in the picture
while entering or leaving it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pose.frames import N_BACK_SAMPLES, PoseSequence
from pose.landmarks import N_LANDMARKS, Landmark
from synth.gait_script import LEGS, WalkFrames

# The person is placed beside the walkway: their near side this far towards the camera (metres, half widths).
_HALF_WIDTH_M = {"hip": 0.09, "shoulder": 0.19, "ear": 0.07, "elbow": 0.21, "wrist": 0.22}
_LEG_PARTS = {"hip": "HIP", "knee": "KNEE", "ankle": "ANKLE", "heel": "HEEL", "toe": "FOOT_INDEX"}
_ARM_PARTS = {"elbow": "ELBOW", "wrist": "WRIST"}


@dataclass(frozen=True)
class GaitCamera:
    """A fixed camera looking across the walkway.

    Attributes:
        width, height: image size in pixels.
        fps: frame rate.
        distance_m: from the camera to the walking line.
        height_m: camera height above the floor.
        fov_deg: horizontal field of view.
        x_m: where along the walkway the camera points.
        walks_right: whether the person walks towards image-right (else image-left).
        near_leg: the leg nearer the camera: "right" when walking image-right with the camera on their right.
        noise_ratio: landmark jitter, standard deviation as a share of the body's height in the picture.
        swap_ratio: share of the frames around each leg crossing whose leg labels come out swapped.
    """

    width: int = 640
    height: int = 360
    fps: float = 30.0
    distance_m: float = 4.0
    height_m: float = 0.9
    fov_deg: float = 60.0
    x_m: float = 0.0
    walks_right: bool = True
    near_leg: str = "right"
    noise_ratio: float = 0.004
    swap_ratio: float = 0.0

    @property
    def focal_px(self) -> float:
        """Focal length in pixels."""
        return 0.5 * self.width / np.tan(np.radians(self.fov_deg) / 2.0)

    def project(self, xyz: np.ndarray) -> np.ndarray:
        """(..., 3) walkway points (x forward along the walk, y up, z away from the camera) -> (..., 2) pixels."""
        direction = 1.0 if self.walks_right else -1.0
        depth = xyz[..., 2] + self.distance_m
        u = self.width / 2.0 + direction * self.focal_px * (xyz[..., 0] - self.x_m) / depth
        v = self.height / 2.0 - self.focal_px * (xyz[..., 1] - self.height_m) / depth
        return np.stack([u, v], axis=-1)


def _lateral(name: str, leg: str, near_leg: str) -> float:
    part = name.split("_")[0]
    return -_HALF_WIDTH_M[part] if leg == near_leg else _HALF_WIDTH_M[part]


def walkway_points(walk: WalkFrames, near_leg: str) -> np.ndarray:
    """(T, 33, 3) the walk's landmarks in walkway metres (z: positive away from the camera)."""
    t = len(walk.t_s)
    out = np.zeros((t, N_LANDMARKS, 3))
    p = walk.points

    def put(index: int, xy: np.ndarray, z: float) -> None:
        out[:, index, :2] = xy
        out[:, index, 2] = z

    for leg in LEGS:
        side = leg.upper()
        for part, lm in _LEG_PARTS.items():
            z = _lateral("hip", leg, near_leg)
            put(Landmark[f"{side}_{lm}"], p[f"{part}_{leg}"], z)
        put(Landmark[f"{side}_SHOULDER"], p["shoulder"], _lateral("shoulder", leg, near_leg))
        for part, lm in _ARM_PARTS.items():
            put(Landmark[f"{side}_{lm}"], p[f"{part}_{leg}"], _lateral(part, leg, near_leg))
        for hand in ("PINKY", "INDEX", "THUMB"):
            put(Landmark[f"{side}_{hand}"], p[f"wrist_{leg}"], _lateral("wrist", leg, near_leg))
        ear_z = _lateral("ear", leg, near_leg)
        put(Landmark[f"{side}_EAR"], p["ear"], ear_z)
        for eye in ("EYE_INNER", "EYE", "EYE_OUTER"):
            put(Landmark[f"{side}_{eye}"], (p["ear"] + p["nose"]) / 2.0 + np.array([0.02, 0.02]), ear_z / 2.0)
    put(Landmark.NOSE, p["nose"], 0.0)
    put(Landmark.MOUTH_LEFT, p["nose"] - np.array([0.005, 0.04]), 0.02)
    put(Landmark.MOUTH_RIGHT, p["nose"] - np.array([0.005, 0.04]), -0.02)
    return out


def landmark_sequence(walk: WalkFrames, camera: GaitCamera, rng: np.random.Generator,
                      height_m: float = 1.72) -> PoseSequence:
    """The walk as a pose model would report it from this camera.

    Args:
        walk: the sampled walk (its times are the frames' times).
        camera: the camera.
        rng: randomness for jitter and label swaps.
        height_m: the walker's height (the body's size in the picture sets the jitter).

    Returns:
        The sequence: frames with the hips outside the picture have no person; points outside it keep their place
        with a low visibility, as MediaPipe gives them.
    """
    xyz = walkway_points(walk, camera.near_leg)
    px = camera.project(xyz)
    body_px = camera.focal_px * height_m / camera.distance_m
    px = px + rng.normal(0.0, camera.noise_ratio * body_px, px.shape)
    t = len(walk.t_s)
    vis = np.full((t, N_LANDMARKS), 0.95)
    far = "left" if camera.near_leg == "right" else "right"
    for name in ("HIP", "KNEE", "ANKLE", "HEEL", "FOOT_INDEX", "SHOULDER", "ELBOW", "WRIST", "EAR"):
        vis[:, Landmark[f"{far.upper()}_{name}"]] = 0.75
    inside = (px[..., 0] >= 0) & (px[..., 0] < camera.width) & (px[..., 1] >= 0) & (px[..., 1] < camera.height)
    vis = np.where(inside, vis, 0.3)
    if camera.swap_ratio > 0:
        px = _swap_legs(px, walk, camera.swap_ratio, rng)
    norm = np.concatenate([px / np.array([camera.width, camera.height]), np.zeros((t, N_LANDMARKS, 1))], axis=-1)
    pelvis = walk.points["pelvis"]
    direction = 1.0 if camera.walks_right else -1.0
    world = np.stack([(xyz[..., 0] - pelvis[:, None, 0]) * direction, -(xyz[..., 1] - pelvis[:, None, 1]),
                      xyz[..., 2]], axis=-1)
    hips = [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]
    found = inside[:, hips].any(axis=1)
    norm[~found] = np.nan
    world[~found] = np.nan
    vis[~found] = 0.0
    return PoseSequence(walk.t_s.copy(), norm, world, vis, np.full((t, N_BACK_SAMPLES), np.nan),
                        (camera.width, camera.height))


def _swap_legs(px: np.ndarray, walk: WalkFrames, ratio: float, rng: np.random.Generator) -> np.ndarray:
    """Swap the leg labels on a share of the frames where the ankles are close (the legs crossing)."""
    gap = np.abs(walk.points["ankle_left"][:, 0] - walk.points["ankle_right"][:, 0])
    crossing = gap < np.quantile(gap, 0.3)
    swap = crossing & (rng.random(len(gap)) < ratio)
    out = px.copy()
    for name in ("HIP", "KNEE", "ANKLE", "HEEL", "FOOT_INDEX"):
        li, ri = Landmark[f"LEFT_{name}"], Landmark[f"RIGHT_{name}"]
        out[swap, li], out[swap, ri] = px[swap, ri], px[swap, li]
    return out
