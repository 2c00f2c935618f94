"""Memory soaks: a long live session, and a large batch.

Live: a clip's real landmarks replayed for an hour through the live coach (engine, cues, overlay, status queue).
MediaPipe's own memory does not depend on session length, so the stream replays cached poses (time-shifted)
instead of re-estimating them; what grows, if anything, is ours.

Batch: one clip scored many times through scoring.runner.score_many, with the memory of the parent and of the
worker processes sampled from /proc (Linux).
"""

from __future__ import annotations

import os
import resource
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from exercises.config import spec_for
from pose.frames import PoseFrame, PoseSequence
from scoring.live import LiveCoach
from scoring.runner import ScoreOptions, score_many


def _rss_mb() -> float:
    return _proc_rss_mb("self") or 0.0


class _Replay:
    """Stands in for the pose estimator in the live soak: returns the pose it is given, at the frame's time."""

    def __init__(self) -> None:
        self.pose: PoseFrame | None = None

    def process(self, rgb: np.ndarray, t_s: float) -> PoseFrame:
        return replace(self.pose, t_s=t_s)

    def close(self) -> None:
        self.pose = None


def soak(sequence: PoseSequence, exercise: str, minutes: float, sample_every_min: float = 5.0,
         size: tuple[int, int] = (640, 480)) -> list[dict[str, float]]:
    """Replay `sequence` back to back for `minutes` of stream time through the live path; samples memory.

    Each frame goes through scoring.live.LiveCoach.process as a webcam frame would (estimate, setup check,
    engine, cue choice, overlay, status queue), with the estimator replaying the recorded poses. The page drains
    the status queue every second of stream time, as it polls twice a second.
    """
    if len(sequence) < 2:
        raise ValueError("need a sequence of at least two frames")
    spec = spec_for(exercise)
    replay = _Replay()
    coach = LiveCoach(spec, estimator_factory=lambda: replay, stall_after_s=3600.0)
    canvas = np.zeros((size[1], size[0], 3), np.uint8)
    period = float(sequence.t_s[-1] - sequence.t_s[0]) + float(np.median(np.diff(sequence.t_s)))
    frames = [replace(f, image_size=size) for f in sequence]
    samples, offset, next_sample, next_drain = [], 0.0, 0.0, 0.0
    reps = 0
    wall0 = time.perf_counter()
    try:
        while offset < minutes * 60.0:
            for f in frames:
                t = offset + f.t_s - sequence.t_s[0]
                replay.pose = f
                _, status = coach.process(canvas, t)
                reps = status.reps if status is not None else reps
                if t >= next_drain:
                    coach.drain()
                    next_drain += 1.0
                if t >= next_sample * 60.0:
                    samples.append({"stream_min": round(t / 60.0, 2), "rss_mb": round(_rss_mb(), 1),
                                    "frames": coach.frames, "reps": reps,
                                    "wall_s": round(time.perf_counter() - wall0, 1)})
                    next_sample += sample_every_min
            offset += period
        samples.append({"stream_min": round(offset / 60.0, 2), "rss_mb": round(_rss_mb(), 1),
                        "frames": coach.frames, "reps": coach.report().rep_count,
                        "wall_s": round(time.perf_counter() - wall0, 1)})
    finally:
        coach.close()
    return samples


# --- a large batch -----------------------------------------------------------------------------------------------


def _proc_rss_mb(pid: int | str) -> float | None:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize() / 2**20
    except (OSError, ValueError, IndexError):
        return None  # gone meanwhile


def _worker_pids(parent: int) -> list[int]:
    """The parent's child processes that score clips (the multiprocessing resource tracker left out)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid != parent:
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if b"resource_tracker" in f.read():
                    continue
        except (OSError, ValueError, IndexError):
            continue
        pids.append(int(entry))
    return pids


def soak_batch(clip: Path, copies: int, options: ScoreOptions, jobs: int,
               sample_every_s: float = 2.0) -> list[dict[str, float]]:
    """Score `copies` copies of one clip with scoring.runner.score_many; samples memory of parent and workers.

    The copies are symlinks in a temporary folder, so each is a separate file to the runner; with the cache on,
    all but the first few are cache hits (what a re-score of a large batch costs), with it off every copy runs
    MediaPipe again. Results are counted and dropped, as the CLI drops them once written.

    Returns:
        Samples over time: elapsed wall seconds, clips done, parent RSS, summed worker RSS and worker count (MB).
    """
    if copies < 1:
        raise ValueError(f"copies must be >= 1, got {copies}")
    samples: list[dict[str, float]] = []
    done = [0, 0]  # clips, errors
    wall0 = time.perf_counter()
    parent = os.getpid()

    def sample() -> None:
        workers = [m for m in map(_proc_rss_mb, _worker_pids(parent)) if m is not None]
        samples.append({"wall_s": round(time.perf_counter() - wall0, 1), "clips": done[0], "errors": done[1],
                        "parent_mb": round(_rss_mb(), 1), "workers_mb": round(sum(workers), 1),
                        "workers": len(workers)})

    stop = threading.Event()

    def sampler() -> None:
        while not stop.wait(sample_every_s):
            sample()

    with tempfile.TemporaryDirectory(prefix="formcheck-soak-") as folder:
        paths = []
        for i in range(copies):
            link = Path(folder) / f"copy{i:05d}{clip.suffix}"
            link.symlink_to(Path(clip).resolve())
            paths.append(link)
        sample()
        thread = threading.Thread(target=sampler, daemon=True)
        thread.start()
        try:
            for result in score_many(paths, options, jobs):
                done[0] += 1
                done[1] += result.error is not None
        finally:
            stop.set()
            thread.join()
        sample()
    return samples


def format_batch(samples: list[dict[str, float]], rows: int = 12) -> str:
    """A table of about `rows` samples, then start / end / peak memory and the duration."""
    step = max(1, len(samples) // rows)
    shown = samples[::step] + ([samples[-1]] if (len(samples) - 1) % step else [])
    lines = [f"{'wall s':>7} {'clips':>6} {'errors':>6} {'parent MB':>9} {'workers MB':>10} {'workers':>7}"]
    lines += [f"{s['wall_s']:7.1f} {s['clips']:6d} {s['errors']:6d} {s['parent_mb']:9.1f} {s['workers_mb']:10.1f} "
              f"{s['workers']:7d}" for s in shown]
    busy = [s for s in samples if s["workers"]]
    # Workers are judged once clips come back: they import MediaPipe and load the model in their first seconds.
    busy = [s for s in busy if s["clips"]] or busy
    first, last = samples[0], samples[-1]
    lines.append(f"parent: {first['parent_mb']:.1f} MB at start, {last['parent_mb']:.1f} MB at end, "
                 f"peak {max(s['parent_mb'] for s in samples):.1f} MB")
    if len(busy) >= 2:
        lines.append(f"workers: {busy[0]['workers_mb']:.1f} MB at first sample ({busy[0]['clips']} clips done), "
                     f"{busy[-1]['workers_mb']:.1f} MB at last ({busy[-1]['clips']} clips done), "
                     f"peak {max(s['workers_mb'] for s in busy):.1f} MB")
    lines.append(f"{last['clips']} clips ({last['errors']} errors) in {last['wall_s']:.0f} s "
                 f"({last['clips'] / max(last['wall_s'], 1e-9):.2f} clips/s)")
    return "\n".join(lines)
