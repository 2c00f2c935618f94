"""Scoring recorded clips: one file, or many across processes. Bad files become error results, never crashes."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path

from exercises.config import Overrides, spec_for
from exercises.detect import UNKNOWN, recognise
from exercises.engine import score_sequence
from exercises.registry import EXERCISES, get_exercise
from feedback.report import ClipResult
from pose.cache import LandmarkCache
from pose.estimator import EstimatorSettings
from pose.extract import MAX_CLIP_DURATION_S, extract_poses, keep_estimator, share_the_cores
from pose.landmarks import Side
from pose.mediapipe_import import import_mediapipe
from pose.sampling import FULL, check_sampling
from pose.video import VideoError
from pose.workers import WORKER_DIED, WorkerDied, process_pool
from scoring.prescription import plan_set

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv")
AUTO = "auto"
# `--sampling auto`: each exercise's own batch_sampling (exercises.spec), adaptive only where it was measured to
# keep accuracy.
SAMPLING_AUTO = "auto"


@dataclass(frozen=True)
class ScoreOptions:
    """What every clip in a run is scored with (picklable, so workers get the same)."""

    exercise: str = AUTO
    overrides: Overrides | None = None
    settings: EstimatorSettings = EstimatorSettings()
    cache_dir: str | None = None
    use_cache: bool = True
    # Longer clips get an error instead of a score (None: no limit); see pose.extract.MAX_CLIP_DURATION_S.
    max_duration_s: float | None = MAX_CLIP_DURATION_S
    # The working side when the set prescribes it (scoring.prescription.SetPlan.side), else chosen from the clip.
    side: Side | None = None


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


def _settings_for(exercise: str, settings: EstimatorSettings) -> EstimatorSettings:
    # The person mask costs about a fifth of the model's time and only the back outline reads it: an exercise
    # named in advance that never reads the outline is estimated without it. Recognition (auto) may need it.
    if exercise == AUTO or not settings.segmentation or get_exercise(exercise).needs_outline:
        return settings
    return replace(settings, segmentation=False)


def sampling_for(exercise: str, sampling: str) -> str:
    """The pose sampling a batch run uses for `exercise`: `sampling`, or under "auto" the exercise's batch_sampling.

    An exercise recognised from the clip (`exercise` "auto") gets full sampling under "auto": recognition needs the
    poses first, and adaptive sampling is only declared safe per exercise.

    Raises:
        ValueError: an unknown sampling mode.
    """
    if sampling != SAMPLING_AUTO:
        return check_sampling(sampling)
    return FULL if exercise == AUTO else get_exercise(exercise).batch_sampling


def estimator_settings(exercise: str, settings: EstimatorSettings | None = None) -> EstimatorSettings:
    """The pose settings scoring uses for this exercise: read a scored clip's poses with them to hit the cache."""
    return _settings_for(exercise, settings or EstimatorSettings())


def score_path(path: Path, options: ScoreOptions = ScoreOptions(), progress: Callable[[float], None] | None = None,
               jobs: int = 1) -> ClipResult:
    """Score one clip; any problem with the file becomes the result's one-line `error`.

    A long clip is split by time across `jobs` processes.
    """
    path = Path(path)
    name = options.exercise
    try:
        cache = LandmarkCache(Path(options.cache_dir) if options.cache_dir else None) if options.use_cache else None
        sequence = extract_poses(path, _settings_for(name, options.settings), cache, progress, jobs,
                                 options.max_duration_s)
        if not sequence.found.any():
            return ClipResult(str(path), name, error=f"{path}: no person found in any frame")
        confidence = None
        if name == AUTO:
            # Recognised with the usual thresholds and, if the patient has their own, with those too, keeping the
            # surer answer: a hold prescribed as 1 s is still a hold, and a range bar set high for one patient does
            # not make their cat-cow unrecognisable.
            recognised = recognise(sequence)
            if options.overrides:
                own = recognise(sequence, {n: spec_for(n, options.overrides) for n in EXERCISES})
                recognised = max(recognised, own, key=lambda r: (r.exercise != UNKNOWN, r.confidence))
            name, confidence = recognised.exercise, recognised.confidence
            if name == UNKNOWN:  # never scored with a checker that may be the wrong one
                return ClipResult(str(path), name, error=f"{path}: exercise not recognised: {recognised.reason}",
                                  exercise_confidence=confidence)
        plan = plan_set(name, config=options.overrides, side=options.side)
        report = score_sequence(sequence, plan.spec, plan.side)
        return ClipResult(str(path), name, report=report, exercise_confidence=confidence,
                          sampling=options.settings.sampling)
    except (VideoError, WorkerDied) as exc:
        return ClipResult(str(path), name, error=str(exc))
    except MemoryError:
        return ClipResult(str(path), name, error=f"{path}: too large to score in memory")
    except OSError as exc:
        return ClipResult(str(path), name, error=f"{path}: cannot read ({exc.strerror or exc})")


def _start_worker(options: ScoreOptions) -> None:
    # Workers log nothing of their own: MediaPipe's C++ logging would interleave with the progress bar.
    os.environ.setdefault("GLOG_minloglevel", "2")
    share_the_cores()  # the other workers keep the other cores busy
    # Each worker loads MediaPipe and the model as it starts, before its first clip arrives, and keeps that one
    # model for all its clips (reset between them) rather than building a graph per clip (see README, Speed).
    try:
        keep_estimator(_settings_for(options.exercise, options.settings))
    except Exception:  # noqa: BLE001 - a failing initializer breaks the pool; the clip then reports the error itself
        pass


def _score_in_worker(args: tuple[str, ScoreOptions]) -> ClipResult:
    return score_path(Path(args[0]), args[1])


def score_many(paths: list[Path], options: ScoreOptions, jobs: int = 1) -> Iterator[ClipResult]:
    """Score clips, `jobs` at a time in separate processes; yields results in the order of `paths`."""
    if jobs <= 1 or len(paths) <= 1:
        # One clip and several cores: split the clip by time instead.
        for p in paths:
            yield score_path(p, options, jobs=jobs)
        return
    yield from _score_in_pools(paths, options, min(jobs, len(paths)))


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # missing or unreadable: its error row costs nothing


def _score_in_pools(paths: list[Path], options: ScoreOptions, jobs: int) -> Iterator[ClipResult]:
    """`score_many` across processes, surviving workers that are killed (SIGKILL, the out-of-memory killer).

    A killed worker breaks its whole pool, and every clip in flight then fails with it, so which clip was being
    scored by the dead worker is not known. The clips in flight are re-run one at a time in a pool of one: a clip
    that breaks a pool on its own gets the WORKER_DIED error row, the others are scored, and then a new pool of
    `jobs` goes on with the rest. At most `jobs` clips are in flight, and results are yielded in input order as
    soon as they are ready.
    """
    # Largest files first (a free proxy for the work in a clip): a long clip started last would leave the other
    # processes idle at the end. Measured on the 11 shared clips with two jobs: 1.53x the one-job throughput in
    # input order, 1.66x largest file first (173 s and 104 s). Rows still come out in input order.
    todo = deque(sorted(range(len(paths)), key=lambda i: -_file_size(paths[i])))
    suspects: deque[int] = deque()  # in flight when a pool of several broke: each is re-run alone
    ready: dict[int, ClipResult] = {}
    emitted = 0
    while emitted < len(paths):
        queue, width = (suspects, 1) if suspects else (todo, jobs)
        pool = process_pool(width, _start_worker, (options,), lean=True, quick_exit=True, preload=import_mediapipe,
                            own_core=True)
        running: dict[Future[ClipResult], int] = {}
        try:
            while True:
                while queue and len(running) < width:
                    running[pool.submit(_score_in_worker, (str(paths[queue[0]]), options))] = queue[0]
                    queue.popleft()
                if not running:
                    break  # this queue is done; the suspects' pool of one gives way to a full one
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    ready[running[future]] = future.result()
                    del running[future]
                while emitted in ready:
                    yield ready.pop(emitted)
                    emitted += 1
        except BrokenProcessPool:
            lost = []
            for future, i in running.items():
                if future.done() and future.exception() is None:
                    ready[i] = future.result()
                else:
                    lost.append(i)
            if len(lost) == 1:  # alone in its pool (or the only clip in flight): this clip killed it
                i = lost[0]
                ready[i] = ClipResult(str(paths[i]), options.exercise, error=f"{paths[i]}: {WORKER_DIED}")
            else:
                suspects.extend(sorted(lost))
            while emitted in ready:
                yield ready.pop(emitted)
                emitted += 1
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
