"""A clip's poses, from the landmark cache or by running the estimator over the video."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

import numpy as np

from pose.cache import LandmarkCache, file_digest
from pose.estimator import EstimatorSettings, PoseEstimator, estimate_in_one_thread
from pose.frames import PoseSequence
from pose.mediapipe_import import import_mediapipe
from pose.sampling import ADAPTIVE, AdaptiveSampler, SamplingStats
from pose.video import VideoError, decode_in_one_thread, iter_video, probe
from pose.workers import WORKER_DIED, WorkerDied, process_pool

ProgressFn = Callable[[float], None]
# Splitting a clip restarts MediaPipe's tracking at each cut; below this length it is not worth it.
SPLIT_MIN_SEGMENT_S = 15.0
# Longest clip scored. An exercise set lasts minutes; an hour-long file is a whole session or a mistake: on two
# cores it takes about as long to score as it runs, and scoring holds about 6 kB a frame (0.6 GB an hour at
# 30 fps, measured). Checked against the container's duration first, then against the frames' own times while
# decoding (a header can lie).
MAX_CLIP_DURATION_S = 30 * 60.0


def _too_long(path: Path, max_duration_s: float, duration_s: float | None = None) -> VideoError:
    length = f"{duration_s / 60:.0f} min long" if duration_s else f"longer than {max_duration_s / 60:.0f} min"
    return VideoError(f"{path}: {length}; formcheck scores clips of up to {max_duration_s / 60:.0f} min, so trim it "
                      "to the exercise")


# A batch worker's one estimator (see keep_estimator), reused clip after clip; None elsewhere.
_kept: dict[str, PoseEstimator | None] = {"estimator": None, "used": None}
_keeping = {"on": False}


def keep_estimator(settings: EstimatorSettings) -> None:
    """Load the model now and keep it for every clip this process estimates (batch workers only).

    A batch worker scores clip after clip in one thread: it loads MediaPipe once, while the parent is still
    handing out clips, instead of once per clip. Between clips the model is reset, so no clip's tracking leaks
    into the next. Not for threaded callers (the app): one estimator must not serve two threads at once.
    """
    _keeping["on"] = True
    if not settings.task_model_path:
        _kept_estimator(settings)


def _kept_estimator(settings: EstimatorSettings) -> PoseEstimator:
    kept = _kept["estimator"]
    if kept is not None and kept.settings == settings:
        if _kept["used"] is kept:  # a fresh model has no tracking to forget
            kept.reset()
    else:
        if kept is not None:
            kept.close()
        kept = _kept["estimator"] = PoseEstimator(settings)
        _kept["used"] = None
    return kept


def _decoded(path: Path, settings: EstimatorSettings, start_s: float | None, end_s: float | None,
             max_duration_s: float | None) -> Iterator[tuple[float, np.ndarray]]:
    """(t_s, rgb) of the frames estimated: the clip's, at most `settings.max_fps` of them a second."""
    # A little slack so a 30.0 fps cap keeps every frame of a 29.97 fps clip.
    min_gap_s = 0.97 / settings.max_fps
    last_t = float("-inf")
    for vf in iter_video(path, settings.max_side_px, start_s, end_s):
        if vf.t_s - last_t < min_gap_s:
            continue
        if max_duration_s is not None and vf.t_s > max_duration_s:
            raise _too_long(path, max_duration_s)
        last_t = vf.t_s
        yield vf.t_s, vf.rgb


def _estimate(path: Path, settings: EstimatorSettings, start_s: float | None = None, end_s: float | None = None,
              progress: ProgressFn | None = None, duration_s: float = math.nan,
              max_duration_s: float | None = None, stats: SamplingStats | None = None) -> PoseSequence:
    frames = []
    # The Tasks API wants ever-increasing timestamps across clips, so a .task model is never kept.
    keep = _keeping["on"] and not settings.task_model_path
    with nullcontext(_kept_estimator(settings)) if keep else PoseEstimator(settings) as estimator:
        _kept["used"] = estimator
        decoded = _decoded(path, settings, start_s, end_s, max_duration_s)
        sampler = AdaptiveSampler(estimator.process) if settings.sampling == ADAPTIVE else None
        poses = sampler.run(decoded) if sampler else (estimator.process(rgb, t_s) for t_s, rgb in decoded)
        for pose in poses:
            frames.append(pose)
            if progress and duration_s > 0:
                progress(min(1.0, pose.t_s / duration_s))
    if stats is not None:
        stats.add(sampler.stats if sampler else SamplingStats(len(frames), len(frames)))
    return PoseSequence.from_frames(frames)


def share_the_cores() -> None:
    """For a worker beside others on the machine's cores: decode and run the model each on one thread from now on."""
    decode_in_one_thread()
    estimate_in_one_thread()


def _estimate_segment(args: tuple[str, EstimatorSettings, float, float | None, float | None]) -> PoseSequence:
    os.environ.setdefault("GLOG_minloglevel", "2")
    share_the_cores()  # the clip's other segments run on the other cores
    path, settings, start_s, end_s, max_duration_s = args
    return _estimate(Path(path), settings, start_s, end_s, max_duration_s=max_duration_s)


def concatenate(parts: list[PoseSequence]) -> PoseSequence:
    """Join sequences of consecutive segments, dropping any frame that does not advance time."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return PoseSequence.empty()
    t = np.concatenate([p.t_s for p in parts])
    keep = np.ones(len(t), bool)
    keep[1:] = t[1:] > np.maximum.accumulate(t)[:-1]
    cat = {name: np.concatenate([getattr(p, name) for p in parts])[keep]
           for name in ("xyz", "world_xyz", "visibility", "back_profile")}
    return PoseSequence(t[keep], image_size=parts[0].image_size, **cat)


def extract_poses(
    path: Path,
    settings: EstimatorSettings | None = None,
    cache: LandmarkCache | None = None,
    progress: ProgressFn | None = None,
    jobs: int = 1,
    max_duration_s: float | None = MAX_CLIP_DURATION_S,
    stats: SamplingStats | None = None,
) -> PoseSequence:
    """Estimate the pose in every frame of a clip, using the cache when it has the answer.

    Args:
        path: the video file.
        settings: estimator settings (part of the cache key).
        cache: where poses are kept between runs; None to always estimate.
        progress: called with the fraction of the clip done, in [0, 1].
        jobs: processes to split a long clip across by time (each at least SPLIT_MIN_SEGMENT_S long).
        max_duration_s: longer clips are refused (None: no limit).
        stats: if given, the frames estimated and the model calls made are added to it (not when the clip is
            read from the cache or split across processes).

    Raises:
        VideoError: if the clip cannot be read, or is longer than `max_duration_s`.
        WorkerDied: if a process estimating a segment of a split clip was killed.
    """
    path = Path(path)
    settings = settings or EstimatorSettings()
    info = probe(path)
    if max_duration_s is not None and info.duration_s > max_duration_s:
        raise _too_long(path, max_duration_s, info.duration_s)
    key = None
    if cache is not None:
        digest = file_digest(path)
        key = cache.key(digest, settings.cache_key())
        keys = [key]
        if not settings.segmentation:
            # Poses estimated with the person mask hold everything those without it do, the back outline besides.
            keys.append(cache.key(digest, replace(settings, segmentation=True).cache_key()))
        for candidate in keys:
            hit = cache.get(candidate)
            if hit is not None:
                if progress:
                    progress(1.0)
                return hit
    segments = int(min(jobs, info.duration_s // SPLIT_MIN_SEGMENT_S)) if math.isfinite(info.duration_s) else 1
    if segments > 1:
        cuts = [info.duration_s * i / segments for i in range(segments)] + [None]
        try:
            with process_pool(segments, lean=True, quick_exit=True, preload=import_mediapipe,
                              own_core=True) as pool:
                parts = list(pool.map(_estimate_segment, [(str(path), settings, a, b, max_duration_s)
                                                          for a, b in zip(cuts, cuts[1:])]))
        except BrokenProcessPool:
            # A segment's worker was killed (often the out-of-memory killer): the clip fails, not the batch.
            raise WorkerDied(f"{path}: {WORKER_DIED}") from None
        sequence = concatenate(parts)
    else:
        sequence = _estimate(path, settings, progress=progress, duration_s=info.duration_s,
                             max_duration_s=max_duration_s, stats=stats)
    if not len(sequence):
        raise VideoError(f"{path}: contains no decodable video frame")
    if cache is not None and key is not None:
        cache.put(key, sequence)
    if progress:
        progress(1.0)
    return sequence
