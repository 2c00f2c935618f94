"""MediaPipe pose estimation, one person, frames in time order (VIDEO mode).

The embedded default is mediapipe 0.10.21's bundled full model (model_complexity=1). A user-supplied
`.task` bundle runs through the Tasks API instead. Complexity 0 (lite) and 2 (heavy) run offline once `make` has
installed their files (pose/models.py); without them the estimator refuses with one line rather than download.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pose.frames import PoseFrame, pixel_xy
from pose.landmarks import N_LANDMARKS
from pose.mediapipe_import import import_mediapipe
from pose.models import require_model
from pose.outline import back_profile
from pose.sampling import FULL, SAMPLER_REVISION, check_sampling


def _mediapipe() -> Any:
    # Imported when a model is loaded, not with this module: mediapipe takes about a second to import, and
    # re-scoring from the landmark cache never needs it.
    return import_mediapipe()


# Set by estimate_in_one_thread(): MediaPipe's graph runs its calculators on one thread, not on a pool of one per core.
_graph_threads = {"one": False}


def estimate_in_one_thread() -> None:
    """Run every model this process loads later on one thread: for workers that share the cores with others.

    MediaPipe's graph hands each frame between a pool of threads, one per core. A process alone loses nothing
    with one thread (the calculators wait on each other); two side by side on 2 cores lose time to the hand-overs.
    Bare loops, two processes of 2 clips of 5 s each at once, 3 rounds: the two processes' wall times summed to
    11.67 s with one thread and 12.44 s with the pool, means (one process alone: 11.8-12.3 s against 11.6-11.8 s).
    `score --jobs 2`: 20 clips of 5 s in 33.6 and 35.8 s against 37.8 and 36.8 s; no change on 4 clips (README,
    Speed). The landmarks are the same (tested).
    """
    _graph_threads["one"] = True


@functools.cache
def _one_thread_pose(mp: Any) -> type:
    class _OneThreadPose(mp.solutions.pose.Pose):
        # SolutionBase builds its graph config here (mediapipe 0.10.21) and starts the graph with it just after.
        def _initialize_graph_interface(self, *args: Any, **kwargs: Any) -> Any:
            config = super()._initialize_graph_interface(*args, **kwargs)
            del config.executor[:]  # the bundled graph names the default executor, with no options of its own
            config.num_threads = 1
            return config

    return _OneThreadPose


# The outline is measured from landmarks the model is fairly sure of; below this they are guesses.
_OUTLINE_VISIBILITY_MIN = 0.3


@dataclass(frozen=True)
class EstimatorSettings:
    """How pose is estimated; part of the landmark cache key.

    Attributes:
        model_complexity: 0 lite, 1 the bundled full model, 2 heavy (0 and 2 installed by `make`).
        min_detection_confidence: person detector threshold in [0, 1].
        min_tracking_confidence: landmark tracking threshold in [0, 1].
        task_model_path: a MediaPipe Tasks `.task` pose landmarker bundle; when given it replaces the
            bundled model.
        max_side_px: frames are downscaled to this longer side before estimation.
        max_fps: frames closer together than 1/max_fps are skipped; rehab movements are slow, and this keeps
            60 fps phone clips faster than real time on two cores.
        segmentation: compute the person mask and the back's outline; about a fifth of the model's cost, so
            live use turns it off for exercises that do not read the outline.
        sampling: "full" runs the model on every frame; "adaptive" (batch only) on fewer where the body moves
            smoothly, interpolating between (pose.sampling). Landmarks of the two are cached apart.
    """

    model_complexity: int = 1
    min_detection_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    task_model_path: str | None = None
    max_side_px: int = 1280
    max_fps: float = 30.0
    segmentation: bool = True
    sampling: str = FULL

    def __post_init__(self) -> None:
        check_sampling(self.sampling)
        if self.model_complexity not in (0, 1, 2):
            raise ValueError(f"model_complexity must be 0, 1 or 2, got {self.model_complexity}")
        for name in ("min_detection_confidence", "min_tracking_confidence"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {value}")
        if self.task_model_path is not None and not Path(self.task_model_path).is_file():
            raise ValueError(f"task model {self.task_model_path}: no such file")
        if not self.max_fps > 0:
            raise ValueError(f"max_fps must be > 0, got {self.max_fps}")
        if self.max_side_px < 64:
            raise ValueError(f"max_side_px must be >= 64, got {self.max_side_px}")

    def cache_key(self) -> str:
        """A short stable digest of the settings (and of the task model's content, if any)."""
        parts = asdict(self)
        if self.sampling == FULL:
            del parts["sampling"]  # full-rate keys stay what they were before sampling existed: old caches still hit
        else:
            parts["sampler_revision"] = SAMPLER_REVISION  # an older sampler's landmarks are not reused
        parts["mediapipe"] = importlib.metadata.version("mediapipe")
        if self.task_model_path:
            parts["task_model_path"] = hashlib.sha256(Path(self.task_model_path).read_bytes()).hexdigest()
        return hashlib.sha256(repr(sorted(parts.items())).encode()).hexdigest()[:16]


def _to_array(landmarks, with_visibility: bool) -> tuple[np.ndarray, np.ndarray]:
    xyz = np.array([[p.x, p.y, p.z] for p in landmarks], dtype=float)
    vis = np.array([p.visibility for p in landmarks], dtype=float) if with_visibility else np.ones(len(landmarks))
    return xyz, np.clip(np.nan_to_num(vis, nan=0.0), 0.0, 1.0)


class PoseEstimator:
    """Turns RGB frames, in time order, into PoseFrames. Use as a context manager, or call close()."""

    def __init__(self, settings: EstimatorSettings | None = None, keep_mask: bool = False) -> None:
        """Load the model.

        Args:
            settings: estimation settings; defaults to the bundled full model.
            keep_mask: attach the segmentation mask to each returned frame (for drawing).
        """
        self.settings = settings or EstimatorSettings()
        self.keep_mask = keep_mask
        self._last_ms = -1
        mp = self._mp = _mediapipe()
        if self.settings.task_model_path:
            vision = mp.tasks.vision
            options = vision.PoseLandmarkerOptions(
                base_options=mp.tasks.BaseOptions(model_asset_path=self.settings.task_model_path),
                running_mode=vision.RunningMode.VIDEO,
                num_poses=1,
                min_pose_detection_confidence=self.settings.min_detection_confidence,
                min_tracking_confidence=self.settings.min_tracking_confidence,
                output_segmentation_masks=self.settings.segmentation,
            )
            self._landmarker = vision.PoseLandmarker.create_from_options(options)
            self._pose = None
        else:
            self._landmarker = None
            require_model(self.settings.model_complexity)
            pose_class = _one_thread_pose(mp) if _graph_threads["one"] else mp.solutions.pose.Pose
            self._pose = pose_class(
                static_image_mode=False,
                model_complexity=self.settings.model_complexity,
                # MediaPipe's own landmark filter takes each call for the next frame at 30 fps. Adaptive sampling
                # calls 0.2 s apart and then goes back to a window's skipped frames, so the filter pulled those
                # towards the window's end: at turns, where it smooths hardest, knee errors went up (p90 5.3 ->
                # 8.8 degrees on a sample wall squat). Unfiltered, the same clip read 4.4 (the engine smooths).
                smooth_landmarks=self.settings.sampling == FULL,
                enable_segmentation=self.settings.segmentation,
                min_detection_confidence=self.settings.min_detection_confidence,
                min_tracking_confidence=self.settings.min_tracking_confidence,
            )

    def process(self, rgb: np.ndarray, t_s: float) -> PoseFrame:
        """Estimate the pose in one frame.

        Args:
            rgb: (height, width, 3) uint8 RGB image.
            t_s: the frame's time in seconds; must increase from call to call.

        Returns:
            The pose, or an empty PoseFrame when no person is found.
        """
        h, w = rgb.shape[:2]
        size = (w, h)
        if self._landmarker is not None:
            # The Tasks API insists on strictly increasing integer milliseconds.
            ms = max(int(round(t_s * 1000)), self._last_ms + 1)
            self._last_ms = ms
            image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
            res = self._landmarker.detect_for_video(image, ms)
            if not res.pose_landmarks:
                return PoseFrame.empty(t_s, size)
            xyz, vis = _to_array(res.pose_landmarks[0], True)
            world, _ = _to_array(res.pose_world_landmarks[0], False)
            mask = res.segmentation_masks[0].numpy_view() if res.segmentation_masks else None
        else:
            res = self._pose.process(rgb)
            if res.pose_landmarks is None:
                return PoseFrame.empty(t_s, size)
            xyz, vis = _to_array(res.pose_landmarks.landmark, True)
            world, _ = _to_array(res.pose_world_landmarks.landmark, False)
            mask = res.segmentation_mask
        if xyz.shape != (N_LANDMARKS, 3):
            return PoseFrame.empty(t_s, size)
        mask = None if mask is None else np.asarray(mask, dtype=np.float32).reshape(h, w)
        profile = back_profile(mask, pixel_xy(xyz, vis, size, _OUTLINE_VISIBILITY_MIN)) if mask is not None else None
        frame = PoseFrame(t_s, xyz, world, vis, size, mask=mask if self.keep_mask else None,
                          **({} if profile is None else {"back_profile": profile}))
        return frame

    def reset(self) -> None:
        """Forget the previous frames' tracking, so the next frame starts a new clip."""
        if self._pose is not None:
            self._pose.reset()
        self._last_ms = -1

    def close(self) -> None:
        """Release the model."""
        if self._pose is not None:
            self._pose.close()
            self._pose = None
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
