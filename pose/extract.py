"""A clip's poses, from the landmark cache or by running the estimator over the video."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pose.cache import LandmarkCache, file_digest
from pose.estimator import EstimatorSettings, PoseEstimator
from pose.frames import PoseSequence
from pose.video import VideoError, iter_video, probe

ProgressFn = Callable[[float], None]


def extract_poses(
    path: Path,
    settings: EstimatorSettings | None = None,
    cache: LandmarkCache | None = None,
    progress: ProgressFn | None = None,
) -> PoseSequence:
    """Estimate the pose in every frame of a clip, using the cache when it has the answer.

    Args:
        path: the video file.
        settings: estimator settings (part of the cache key).
        cache: where poses are kept between runs; None to always estimate.
        progress: called with the fraction of the clip done, in [0, 1].

    Raises:
        VideoError: if the clip cannot be read.
    """
    path = Path(path)
    settings = settings or EstimatorSettings()
    info = probe(path)
    key = None
    if cache is not None:
        key = cache.key(file_digest(path), settings.cache_key())
        hit = cache.get(key)
        if hit is not None:
            if progress:
                progress(1.0)
            return hit
    frames = []
    # A little slack so a 30.0 fps cap keeps every frame of a 29.97 fps clip.
    min_gap_s = 0.97 / settings.max_fps
    last_t = float("-inf")
    with PoseEstimator(settings) as estimator:
        for vf in iter_video(path, max_side_px=settings.max_side_px):
            if vf.t_s - last_t < min_gap_s:
                continue
            last_t = vf.t_s
            frames.append(estimator.process(vf.rgb, vf.t_s))
            if progress and info.duration_s > 0:
                progress(min(1.0, vf.t_s / info.duration_s))
    if not frames:
        raise VideoError(f"{path}: contains no decodable video frame")
    sequence = PoseSequence.from_frames(frames)
    if cache is not None and key is not None:
        cache.put(key, sequence)
    if progress:
        progress(1.0)
    return sequence
