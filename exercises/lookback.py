"""What a signal remembers from the frames before: the lowest reading of something over the last few seconds.

Signals are functions of the frames they are given. A recorded clip gives them every frame at once, a live set one
frame at a time; a signal that looks back (the kneeling knee of a hip flexor stretch stays where it was last read well,
as it rests on the floor) keeps what it needs in a `Lookback` its Checker owns, so both paths read the same values.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np


class RecentLowest:
    """The lowest score seen in the last `window_s` seconds and what came with it (a sliding-window minimum).

    Pushes come in time order. A frame whose score is NaN is not a candidate; one pushed later with a score as low
    or lower replaces every candidate above it, which can then never be the lowest again.
    """

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._kept: deque[tuple[float, float, np.ndarray]] = deque()  # (t_s, score, payload), scores increasing

    def push(self, t_s: float, score: float, payload: np.ndarray) -> np.ndarray | None:
        """Add a frame (a NaN score adds nothing) and return the lowest payload within the window ending at t_s."""
        if math.isfinite(score):
            while self._kept and self._kept[-1][1] >= score:
                self._kept.pop()
            self._kept.append((t_s, score, payload))
        while self._kept and self._kept[0][0] < t_s - self.window_s:
            self._kept.popleft()
        return self._kept[0][2] if self._kept else None


class Lookback:
    """Each looking-back signal's memory, by name: one per Checker (a new set remembers nothing)."""

    def __init__(self) -> None:
        self._lowest: dict[str, RecentLowest] = {}

    def recent_lowest(self, key: str, t_s: np.ndarray, score: np.ndarray, payload: np.ndarray,
                      window_s: float) -> np.ndarray:
        """(T, ...) per frame, the payload of the lowest-scoring frame in the `window_s` up to it; NaN if none.

        Args:
            key: whose memory (a signal's name, or a part of one).
            t_s: (T,) frame times, increasing, continuing the times of earlier calls with this key.
            score: (T,) what is lowest; NaN where a frame is no candidate.
            payload: (T, ...) what to return from the lowest frame.
            window_s: how far back a frame is remembered (set by the first call with this key).
        """
        lowest = self._lowest.setdefault(key, RecentLowest(window_s))
        out = np.full(payload.shape, np.nan)
        for i, (t, s) in enumerate(zip(t_s.tolist(), score.tolist())):
            found = lowest.push(t, s, payload[i])
            if found is not None:
                out[i] = found
        return out
