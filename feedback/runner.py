"""Scoring recorded clips: one file, or many across processes. Bad files become error results, never crashes."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from exercises.config import Overrides, spec_for
from exercises.detect import guess_exercise
from exercises.engine import score_sequence
from feedback.report import ClipResult
from pose.cache import LandmarkCache
from pose.estimator import EstimatorSettings
from pose.extract import extract_poses
from pose.video import VideoError
from pose.workers import process_pool

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv")
AUTO = "auto"


@dataclass(frozen=True)
class ScoreOptions:
    """What every clip in a run is scored with (picklable, so workers get the same)."""

    exercise: str = AUTO
    overrides: Overrides | None = None
    settings: EstimatorSettings = EstimatorSettings()
    cache_dir: str | None = None
    use_cache: bool = True


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the video files inside folders (recursively, sorted).

    Missing paths are kept, so they are reported as errors rather than silently skipped.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in VIDEO_SUFFIXES))
        else:
            out.append(p)
    return out


def score_path(path: Path, options: ScoreOptions = ScoreOptions(), progress: Callable[[float], None] | None = None,
               jobs: int = 1) -> ClipResult:
    """Score one clip; any problem with the file becomes the result's one-line `error`.

    A long clip is split by time across `jobs` processes.
    """
    path = Path(path)
    name = options.exercise
    try:
        cache = LandmarkCache(Path(options.cache_dir) if options.cache_dir else None) if options.use_cache else None
        sequence = extract_poses(path, options.settings, cache, progress, jobs)
        if not sequence.found.any():
            return ClipResult(str(path), name, error=f"{path}: no person found in any frame")
        if name == AUTO:
            name = guess_exercise(sequence)
        report = score_sequence(sequence, spec_for(name, options.overrides))
        return ClipResult(str(path), name, report=report)
    except VideoError as exc:
        return ClipResult(str(path), name, error=str(exc))
    except MemoryError:
        return ClipResult(str(path), name, error=f"{path}: too large to score in memory")
    except OSError as exc:
        return ClipResult(str(path), name, error=f"{path}: cannot read ({exc.strerror or exc})")


def _score_in_worker(args: tuple[str, ScoreOptions]) -> ClipResult:
    # Workers log nothing of their own: MediaPipe's C++ logging would interleave with the progress bar.
    os.environ.setdefault("GLOG_minloglevel", "2")
    return score_path(Path(args[0]), args[1])


def score_many(paths: list[Path], options: ScoreOptions, jobs: int = 1) -> Iterator[ClipResult]:
    """Score clips, `jobs` at a time in separate processes; yields results in the order of `paths`."""
    if jobs <= 1 or len(paths) <= 1:
        # One clip and several cores: split the clip by time instead.
        for p in paths:
            yield score_path(p, options, jobs=jobs)
        return
    with process_pool(min(jobs, len(paths))) as pool:
        yield from pool.map(_score_in_worker, [(str(p), options) for p in paths])
