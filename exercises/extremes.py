"""A rep's extremes: how far a signal went and stayed, not one frame's misread.

The pose model misreads a joint for a tenth of a second or so (a leg's labels swapped, a limb snapped onto another);
the plain maximum of a rep takes that frame as its peak, and a rep rule on it then flags a fault the patient never
made ("beyond target" told as "stop"). A rep's extreme is therefore the furthest the signal held over a stretch of at
least `held_s`: the highest value it stayed at or above (and the lowest it stayed at or below) for that long.
"""

from __future__ import annotations

import math

import numpy as np

_TIME_TOLERANCE_S = 1e-6


def held_extremes(t_s: np.ndarray, values: np.ndarray, start_s: float, end_s: float,
                  held_s: float) -> tuple[float, float]:
    """(low, high) of a rep from `start_s` to `end_s`: the lowest and highest values held for `held_s` seconds.

    A stretch runs from a known sample to the first known sample `held_s` or more later, so a gap of unknown frames
    is bridged by the samples either side, and a spike beside a gap is held down by its neighbours. A stretch counts
    if it overlaps the rep: a rep that starts where the signal left its rest keeps the rest it left as its low, as
    the frames just before the rep hold it too. `t_s` (ascending) and `values` may reach past the rep on either
    side. Where no whole stretch overlaps the rep (too few known samples, or `held_s` 0), the plain extremes within
    it are returned; NaN where none is known.
    """
    t = np.asarray(t_s, float)
    v = np.asarray(values, float)
    near = (t >= start_s - held_s - _TIME_TOLERANCE_S) & (t <= end_s + held_s + _TIME_TOLERANCE_S)
    known = near & np.isfinite(v)
    t, v = t[known], v[known]
    inside = (t >= start_s) & (t <= end_s)
    if not inside.any():
        return math.nan, math.nan
    low, high = math.inf, -math.inf
    if held_s > 0:
        # Times a rounding error short of `held_s` apart (frame times are sums of 1/fps) are `held_s` apart.
        ends = np.searchsorted(t, t + held_s - _TIME_TOLERANCE_S, side="left")
        for i in np.flatnonzero((t <= end_s) & (ends < len(t))).tolist():
            if t[ends[i]] < start_s:
                continue
            window = v[i:ends[i] + 1]
            high = max(high, float(window.min()))
            low = min(low, float(window.max()))
    if math.isinf(high):
        return float(v[inside].min()), float(v[inside].max())
    return low, high
