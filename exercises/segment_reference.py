"""A segment's full length in the picture: the longest it has held, not the longest one misread frame gave.

Signals that read depth or a misplaced joint from a segment's foreshortening compare its length now with its full
length. The plain longest so far takes a pose model's collapse as the full length for the rest of the set: in a
rendered hip flexor stretch (fault sweep seed 6801) the model threw the legs for 1.5 s, read the front shin at up to
1.25 times its length, and every later frame's shin, seen whole, then read as misplaced (front_knee_past_toes
unknown for the last 5 s). A collapse's lengths jump from frame to frame, while a segment seen whole keeps its
length, so the full length is the longest the segment stayed at or above for `held_s`.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from exercises.tracking import TIME_ROUNDING_S


class HeldLongest:
    """Running full lengths of some segments: the longest each stayed at or above for `held_s` seconds.

    Until a segment has one, its first reading stands in for it (a start, later raised by held lengths only), so
    signals can use it from the first frame. NaN readings (a segment unseen) are ignored.
    """

    def __init__(self, size: int, held_s: float) -> None:
        """Raises ValueError unless held_s >= 0."""
        if not held_s >= 0:
            raise ValueError(f"held_s must be >= 0, got {held_s}")
        self.held_s = held_s
        self._longest = np.full(size, np.nan)
        self._recent: deque[tuple[float, np.ndarray]] = deque()

    def step(self, t_s: float, lengths: np.ndarray) -> np.ndarray:
        """Add one frame's lengths (ascending `t_s`) and return a copy of the full lengths so far."""
        self._recent.append((t_s, np.asarray(lengths, float)))
        # Keep the newest frame at least `held_s` old: the window then spans the whole stretch.
        while len(self._recent) > 1 and self._recent[1][0] <= t_s - self.held_s + TIME_ROUNDING_S:
            self._recent.popleft()
        held = np.fmin.reduce([v for _, v in self._recent])
        spans = self._recent[0][0] <= t_s - self.held_s + TIME_ROUNDING_S
        candidate = held if spans else np.where(np.isnan(self._longest), held, np.nan)
        self._longest = np.fmax(self._longest, candidate)
        return self._longest.copy()
