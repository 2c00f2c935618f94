"""Core pose types: one frame, and a whole clip as parallel arrays (frames x points x dims)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pose.landmarks import N_LANDMARKS

# Samples of the back's outline between shoulder and hip (see pose.outline).
N_BACK_SAMPLES = 9
# Below this MediaPipe visibility (the model's confidence, in [0, 1], that a landmark is in view and not hidden)
# a landmark is treated as unknown, not guessed. The engine's default (a spec's landmark_visibility_min_ratio,
# which a therapist may override), the setup check and the exercise guess all use it.
LANDMARK_VISIBILITY_MIN_RATIO = 0.5


def _check_shape(name: str, array: np.ndarray, shape: tuple[int | None, ...]) -> None:
    if array.ndim != len(shape) or any(want is not None and got != want for got, want in zip(array.shape, shape)):
        want = "x".join("T" if s is None else str(s) for s in shape)
        raise ValueError(f"{name} must have shape ({want}), got {array.shape}")


@dataclass(frozen=True)
class PoseFrame:
    """The pose found in one video frame.

    Attributes:
        t_s: timestamp of the frame in seconds from the start of the clip or stream.
        xyz: (33, 3) image-normalised landmarks: x and y in [0, 1] of width and height, z relative depth.
        world_xyz: (33, 3) landmarks in metres, origin between the hips.
        visibility: (33,) model confidence in [0, 1] that each landmark is visible.
        image_size: (width, height) in pixels of the image the landmarks refer to.
        back_profile: (N_BACK_SAMPLES,) offsets of the back's outline from the shoulder-hip line, as a
            fraction of that line's length; NaN where unknown.
        mask: optional (height, width) float32 person segmentation in [0, 1]; not kept in sequences.
    """

    t_s: float
    xyz: np.ndarray
    world_xyz: np.ndarray
    visibility: np.ndarray
    image_size: tuple[int, int]
    back_profile: np.ndarray = field(default_factory=lambda: np.full(N_BACK_SAMPLES, np.nan))
    mask: np.ndarray | None = None

    def __post_init__(self) -> None:
        _check_shape("xyz", self.xyz, (N_LANDMARKS, 3))
        _check_shape("world_xyz", self.world_xyz, (N_LANDMARKS, 3))
        _check_shape("visibility", self.visibility, (N_LANDMARKS,))
        _check_shape("back_profile", self.back_profile, (N_BACK_SAMPLES,))
        if not np.isfinite(self.t_s):
            raise ValueError(f"t_s must be a finite number of seconds, got {self.t_s}")

    @classmethod
    def empty(cls, t_s: float, image_size: tuple[int, int]) -> PoseFrame:
        """A frame in which no person was found: every value NaN, visibility 0."""
        nan = np.full((N_LANDMARKS, 3), np.nan)
        return cls(t_s, nan, nan.copy(), np.zeros(N_LANDMARKS), image_size)

    @property
    def found(self) -> bool:
        """Whether a person was found in this frame."""
        return bool(np.isfinite(self.xyz).all())


@dataclass(frozen=True)
class PoseSequence:
    """The poses of a whole clip, as parallel arrays over T frames.

    Attributes:
        t_s: (T,) strictly increasing timestamps in seconds.
        xyz: (T, 33, 3) image-normalised landmarks (see PoseFrame); NaN where no person was found.
        world_xyz: (T, 33, 3) world landmarks in metres.
        visibility: (T, 33) landmark visibility in [0, 1]; 0 where no person was found.
        back_profile: (T, N_BACK_SAMPLES) back outline offsets (see PoseFrame).
        image_size: (width, height) in pixels, shared by every frame.
    """

    t_s: np.ndarray
    xyz: np.ndarray
    world_xyz: np.ndarray
    visibility: np.ndarray
    back_profile: np.ndarray
    image_size: tuple[int, int]

    def __post_init__(self) -> None:
        n = len(self.t_s)
        _check_shape("t_s", self.t_s, (n,))
        _check_shape("xyz", self.xyz, (n, N_LANDMARKS, 3))
        _check_shape("world_xyz", self.world_xyz, (n, N_LANDMARKS, 3))
        _check_shape("visibility", self.visibility, (n, N_LANDMARKS))
        _check_shape("back_profile", self.back_profile, (n, N_BACK_SAMPLES))
        if n > 1 and not np.all(np.diff(self.t_s) > 0):
            raise ValueError("t_s must be strictly increasing")

    @classmethod
    def empty(cls, image_size: tuple[int, int] = (0, 0)) -> PoseSequence:
        """A sequence of no frames."""
        return cls.from_frames([], image_size)

    @classmethod
    def from_frames(cls, frames: Sequence[PoseFrame], image_size: tuple[int, int] | None = None) -> PoseSequence:
        """Stack frames into a sequence (masks are dropped)."""
        size = image_size if image_size is not None else (frames[0].image_size if frames else (0, 0))
        return cls(
            t_s=np.array([f.t_s for f in frames], dtype=float),
            xyz=np.array([f.xyz for f in frames], dtype=float).reshape(-1, N_LANDMARKS, 3),
            world_xyz=np.array([f.world_xyz for f in frames], dtype=float).reshape(-1, N_LANDMARKS, 3),
            visibility=np.array([f.visibility for f in frames], dtype=float).reshape(-1, N_LANDMARKS),
            back_profile=np.array([f.back_profile for f in frames], dtype=float).reshape(-1, N_BACK_SAMPLES),
            image_size=(int(size[0]), int(size[1])),
        )

    def __len__(self) -> int:
        return len(self.t_s)

    def frame(self, i: int) -> PoseFrame:
        """Return frame i as a PoseFrame."""
        return PoseFrame(
            float(self.t_s[i]), self.xyz[i], self.world_xyz[i], self.visibility[i], self.image_size,
            self.back_profile[i],
        )

    def __iter__(self):
        return (self.frame(i) for i in range(len(self)))

    @property
    def found(self) -> np.ndarray:
        """(T,) bool: whether a person was found in each frame."""
        return np.isfinite(self.xyz).all(axis=(1, 2))

    def save(self, path: Path) -> None:
        """Write the sequence to an .npz file."""
        np.savez_compressed(
            path, t_s=self.t_s, xyz=self.xyz, world_xyz=self.world_xyz, visibility=self.visibility,
            back_profile=self.back_profile, image_size=np.array(self.image_size),
        )

    @classmethod
    def load(cls, path: Path) -> PoseSequence:
        """Read a sequence written by `save`; plain arrays only (an object array would need unpickling: refused)."""
        # Explicit, though numpy's default: a cache file or a stored blob must never run code when it is read.
        with np.load(path, allow_pickle=False) as data:
            return cls(
                t_s=data["t_s"], xyz=data["xyz"], world_xyz=data["world_xyz"], visibility=data["visibility"],
                back_profile=data["back_profile"], image_size=tuple(int(v) for v in data["image_size"]),
            )


def pixel_xy(xyz: np.ndarray, visibility: np.ndarray, image_size: tuple[int, int], visibility_min: float) -> np.ndarray:
    """Image landmarks in pixels, NaN where a landmark's visibility is below `visibility_min`.

    Pixels, not normalised units, because angles in normalised units are skewed by the aspect ratio.

    Args:
        xyz: (..., 33, 3) image-normalised landmarks.
        visibility: (..., 33) visibilities in [0, 1].
        image_size: (width, height) in pixels.
        visibility_min: visibility below which a landmark counts as unknown (usually
            LANDMARK_VISIBILITY_MIN_RATIO).

    Returns:
        (..., 33, 2) x right and y down, in pixels.
    """
    xy = xyz[..., :2] * np.array(image_size, dtype=float)
    return np.where((visibility >= visibility_min)[..., None], xy, np.nan)
