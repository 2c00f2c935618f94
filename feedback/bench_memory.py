"""Memory over a long live session: a clip's real landmarks replayed for an hour through the checker and overlay.

MediaPipe's own memory does not depend on session length, so the stream replays cached poses (time-shifted)
instead of re-estimating them; what grows, if anything, is ours.
"""

from __future__ import annotations

import resource
import time
from dataclasses import replace

import numpy as np

from exercises.config import spec_for
from exercises.engine import Checker
from feedback.overlay import annotate
from pose.frames import PoseSequence


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def soak(sequence: PoseSequence, exercise: str, minutes: float, sample_every_min: float = 5.0,
         size: tuple[int, int] = (640, 480)) -> list[dict[str, float]]:
    """Replay `sequence` back to back for `minutes` of stream time; returns samples of memory over time."""
    if len(sequence) < 2:
        raise ValueError("need a sequence of at least two frames")
    spec = spec_for(exercise)
    checker = Checker(spec)
    canvas = np.zeros((size[1], size[0], 3), np.uint8)
    period = float(sequence.t_s[-1] - sequence.t_s[0]) + float(np.median(np.diff(sequence.t_s)))
    frames = [replace(f, image_size=size) for f in sequence]
    samples, offset, next_sample = [], 0.0, 0.0
    wall0 = time.perf_counter()
    while offset < minutes * 60.0:
        for f in frames:
            t = offset + f.t_s - sequence.t_s[0]
            result = checker.update(replace(f, t_s=t))
            annotate(canvas, f, result, spec)
            if t >= next_sample * 60.0:
                samples.append({"stream_min": round(t / 60.0, 2), "rss_mb": round(_rss_mb(), 1),
                                "frames": checker.frames, "reps": result.reps,
                                "wall_s": round(time.perf_counter() - wall0, 1)})
                next_sample += sample_every_min
        offset += period
    samples.append({"stream_min": round(offset / 60.0, 2), "rss_mb": round(_rss_mb(), 1),
                    "frames": checker.frames, "reps": checker.report().rep_count,
                    "wall_s": round(time.perf_counter() - wall0, 1)})
    return samples
