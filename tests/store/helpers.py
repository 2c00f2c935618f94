"""Clips for store tests: a wall squat scored by the real engine from a synthetic skeleton (no MediaPipe)."""

from __future__ import annotations

from functools import cache

from exercises.config import spec_for
from exercises.engine import score_sequence
from exercises.results import ClipReport
from pose.frames import PoseSequence
from tests.skeleton import sequence, squat_reps, trace, wall_squat_frame

SQUAT_REPS = 3


@cache
def squat_clip() -> tuple[PoseSequence, ClipReport]:
    """Three slow wall squats to 90 degrees at 30 fps, and their report with default thresholds."""
    t, knee = trace(squat_reps(SQUAT_REPS), fps=30.0)
    seq = sequence([wall_squat_frame(ts, k) for ts, k in zip(t, knee)])
    return seq, score_sequence(seq, spec_for("wall_squat"))
