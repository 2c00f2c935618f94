"""Small state machines the engine is built from: zones with hysteresis, fault episodes, the hold timer.

All of them take timestamps in seconds, never frame counts, so dropped frames and any frame rate score alike.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass

from exercises.results import FaultEpisode, HoldEvent


@dataclass
class ZoneChange:
    """A zone accepted after its dwell time: which zone, when the signal entered it, and the zone before."""

    zone: str
    entered_s: float
    previous: str | None
    previous_held_s: float = math.nan


class ZoneTracker:
    """Schmitt trigger with a dwell time: "low" at or below low_max, "high" at or above high_min.

    Between the thresholds the last zone is kept, and a zone is accepted only after the signal has stayed in
    it for dwell_s, so neither jitter around a threshold nor a one-frame spike changes the zone.
    """

    def __init__(self, low_max: float, high_min: float, dwell_s: float) -> None:
        """Configure; raises ValueError unless low_max < high_min and dwell_s >= 0."""
        if not low_max < high_min:
            raise ValueError(f"low_max ({low_max}) must be below high_min ({high_min})")
        if dwell_s < 0:
            raise ValueError(f"dwell_s must be >= 0, got {dwell_s}")
        self.low_max, self.high_min, self.dwell_s = low_max, high_min, dwell_s
        self.accepted: str | None = None
        self.raw: str | None = None
        self.left_s = math.nan
        self.accepted_since_s = math.nan
        self._candidate: str | None = None
        self._candidate_s = math.nan

    def classify(self, x: float) -> str:
        """The raw zone of one value."""
        return "low" if x <= self.low_max else "high" if x >= self.high_min else "mid"

    def step(self, t_s: float, x: float) -> ZoneChange | None:
        """Feed one value (NaN is ignored); returns the change when a new zone is accepted."""
        if not math.isfinite(x):
            return None
        raw = self.classify(x)
        if self.accepted is not None and raw != self.accepted and self.raw == self.accepted:
            self.left_s = t_s
        self.raw = raw
        if raw in ("mid", self.accepted):
            self._candidate = None
            return None
        if self._candidate != raw:
            self._candidate, self._candidate_s = raw, t_s
        if t_s - self._candidate_s < self.dwell_s:
            return None
        # How long the previous zone was held: from entering it to last leaving it.
        held = self.left_s - self.accepted_since_s if self.accepted is not None else math.nan
        change = ZoneChange(raw, self._candidate_s, self.accepted, held)
        self.accepted, self._candidate, self.accepted_since_s = raw, None, self._candidate_s
        return change


class EpisodeTracker:
    """Turns a per-frame condition into fault episodes at least min_duration_s long."""

    def __init__(self, code: str, min_duration_s: float) -> None:
        """Track fault `code`; shorter stretches than min_duration_s are not faults."""
        self.code = code
        self.min_duration_s = min_duration_s
        self._start_s: float | None = None
        self._last_s = math.nan

    @property
    def open(self) -> bool:
        """Whether the condition currently holds (episode open, maybe not yet long enough)."""
        return self._start_s is not None

    def active(self, t_s: float) -> bool:
        """Whether the fault is flagged now (the condition has held long enough)."""
        return self._start_s is not None and t_s - self._start_s >= self.min_duration_s

    def step(self, t_s: float, condition: bool | None) -> FaultEpisode | None:
        """Feed a frame: True/False, or None when unknown (an unknown frame neither starts nor ends an episode).

        Returns the episode that just ended, if it was long enough.
        """
        if condition is None:
            return None
        if condition:
            if self._start_s is None:
                self._start_s = t_s
            self._last_s = t_s
            return None
        return self.close()

    def close(self) -> FaultEpisode | None:
        """End any open episode; returns it if it was long enough."""
        if self._start_s is None:
            return None
        start, self._start_s = self._start_s, None
        if self._last_s - start >= self.min_duration_s:
            return FaultEpisode(self.code, start, self._last_s)
        return None


class HoldTimer:
    """Times holds: seconds inside a band, counting only stretches with no active fault.

    Short gaps (out of band or no reliable pose) up to gap_max_s do not end a hold but are not counted.
    """

    def __init__(self, low: float, high: float, min_s: float, gap_max_s: float, settle_s: float) -> None:
        """Configure the band [low, high] and the times in seconds."""
        if not low < high:
            raise ValueError(f"hold band low ({low}) must be below high ({high})")
        self.low, self.high = low, high
        self.min_s, self.gap_max_s, self.settle_s = min_s, gap_max_s, settle_s
        self._start_s: float | None = None
        self._last_in_s = math.nan
        self._previous_in_band = False
        self.good_s = 0.0

    def settled(self, t_s: float) -> bool:
        """Whether a hold is under way and past its settling time."""
        return self._start_s is not None and t_s - self._start_s >= self.settle_s

    def step(self, t_s: float, x: float, faulted: bool) -> HoldEvent | None:
        """Feed a frame's value (NaN when unknown); returns a hold that just ended, if long enough."""
        in_band = math.isfinite(x) and self.low <= x <= self.high
        # Only time between two in-band frames counts: a gap is bridged, never credited.
        counts = self._previous_in_band and not faulted
        self._previous_in_band = in_band
        if in_band:
            if self._start_s is None:
                self._start_s, self.good_s = t_s, 0.0
            elif counts:
                self.good_s += t_s - self._last_in_s
            self._last_in_s = t_s
            return None
        if self._start_s is not None and t_s - self._last_in_s > self.gap_max_s:
            return self.close()
        return None

    def close(self) -> HoldEvent | None:
        """End any hold under way; returns it if it reached min_s of good form."""
        if self._start_s is None:
            return None
        event = HoldEvent(self._start_s, self._last_in_s, self.good_s)
        self._start_s, self.good_s, self._previous_in_band = None, 0.0, False
        return event if event.good_s >= self.min_s else None


class RunningNeutral:
    """The median of a signal over the last window_s seconds: a neutral that follows the person.

    A back outline reads differently on every body (shoulder blades, buttocks, clothes), so cat and cow are
    judged as excursions from this neutral rather than from a fixed zero. The median, not the middle of the
    range, so one glitch does not move it and the first excursion from a still start is measured from rest.
    """

    def __init__(self, window_s: float) -> None:
        """Keep values for window_s seconds; raises ValueError unless window_s > 0."""
        if not window_s > 0:
            raise ValueError(f"window_s must be > 0, got {window_s}")
        self.window_s = window_s
        self._values: deque[tuple[float, float]] = deque()

    def step(self, t_s: float, x: float) -> float:
        """Add a value (NaN is ignored) and return the current neutral (NaN before any value)."""
        if math.isfinite(x):
            self._values.append((t_s, x))
        while self._values and self._values[0][0] < t_s - self.window_s:
            self._values.popleft()
        if not self._values:
            return math.nan
        return statistics.median(v for _, v in self._values)
