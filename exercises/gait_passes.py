"""A walk past the camera and back, split into passes: stretches of frames in which the person walks one way.

From the side one leg is the far one, and its foot is the pose model's guess (see the walk spec's
`far_leg_visibility_gap_ratio`). Walking past the camera, turning and walking back shows the camera each side in
turn, so one clip can judge both feet, but only if each pass is analysed with its own direction of travel: the
gait analysis measures "ahead" and "behind" along it. A pass ends where the person is gone from the picture for a
while (they walked out, turned, came back) or where the hips' travel across the picture turns round (a turn in
view). Pieces that walk the same way are kept together, so a walk one way is one pass, analysed as before.

Pure numpy over timestamps; NaN for unknown.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from exercises.signals_gait import leg_signal_name, point_signal_name
from pose.landmarks import SIDES


def series_between(series: Mapping[str, np.ndarray], start: int, end: int) -> dict[str, np.ndarray]:
    """Every series cut to frames start..end-1 (a pass, or a piece of one)."""
    return {k: np.asarray(v)[start:end] for k, v in series.items()}


def walking_hip_x(series: Mapping[str, np.ndarray]) -> np.ndarray:
    """Mean of the two hips' x (pixels), either one where only one is known, NaN where neither."""
    xs = np.stack([np.asarray(series[point_signal_name("hip", "x", leg)], float) for leg in SIDES])
    seen = np.isfinite(xs)
    total = np.where(seen, xs, 0.0).sum(axis=0)
    count = seen.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def walking_shank_px(series: Mapping[str, np.ndarray]) -> float:
    """Median knee-ankle length of both legs in pixels, NaN when never seen."""
    values = np.concatenate([np.asarray(series[leg_signal_name("shank_px", leg)], float) for leg in SIDES])
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else math.nan


def _gap_cuts(t: np.ndarray, seen: np.ndarray, gap_min_s: float) -> list[int]:
    """Frame indices where a new piece starts after a stretch of at least gap_min_s with no person."""
    idx = np.flatnonzero(seen)
    return [int(b) for a, b in zip(idx, idx[1:]) if t[b] - t[a] >= gap_min_s]


def _turn_cuts(t: np.ndarray, hip_x: np.ndarray, shank_px: float, window_s: float, travel_min: float) -> list[int]:
    """Frame indices where the hips' travel across the picture turns round (a turn in view).

    Travel is the hips' displacement over `window_s` centred on each frame, in shank lengths per second; frames
    travelling slower than `travel_min` (standing, turning, a treadmill) have no direction. A cut goes halfway
    between the last frame going one way and the first going the other.
    """
    if not (math.isfinite(shank_px) and shank_px > 0):
        return []
    seen = np.isfinite(hip_x)
    if seen.sum() < 2:
        return []
    ts, xs = t[seen], hip_x[seen]
    half = window_s / 2.0
    ahead = np.interp(np.minimum(ts + half, ts[-1]), ts, xs)
    behind = np.interp(np.maximum(ts - half, ts[0]), ts, xs)
    span = np.minimum(ts + half, ts[-1]) - np.maximum(ts - half, ts[0])
    with np.errstate(invalid="ignore", divide="ignore"):
        speed = np.where(span >= half, (ahead - behind) / span / shank_px, 0.0)
    direction = np.where(speed >= travel_min, 1, np.where(speed <= -travel_min, -1, 0))
    cuts, last_i, last_d = [], None, 0
    for i, d in enumerate(direction):
        if d == 0:
            continue
        if last_d and d != last_d:
            middle = (ts[last_i] + ts[i]) / 2.0
            cuts.append(int(np.searchsorted(t, middle)))
        last_i, last_d = i, d
    return cuts


def walking_passes(t: np.ndarray, series: Mapping[str, np.ndarray], th: Mapping[str, float],
                   facing: Callable[[np.ndarray, Mapping[str, np.ndarray]], float]) -> list[tuple[int, int]]:
    """(start, end) frame index ranges (end exclusive) of the clip's passes, in time order; at least one.

    Args:
        t: (T,) frame times, seconds.
        series: the gait signals by name, each (T,).
        th: the walk spec's thresholds (`pass_gap_min_s`, `pass_turn_window_s`, `pass_travel_min_ratio_per_s`).
        facing: +1 or -1, the direction of travel of a stretch of frames (the gait analysis's own reading).
    """
    n = len(t)
    hip_x = walking_hip_x(series)
    seen = np.isfinite(hip_x)
    cuts = set(_gap_cuts(t, seen, th["pass_gap_min_s"]))
    cuts.update(_turn_cuts(t, hip_x, walking_shank_px(series), th["pass_turn_window_s"],
                           th["pass_travel_min_ratio_per_s"]))
    bounds = [0, *sorted(c for c in cuts if 0 < c < n), n]
    pieces = [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]
    if len(pieces) < 2:
        return [(0, n)]
    merged: list[tuple[int, int]] = []
    kept: list[float] = []
    for a, b in pieces:
        # A stretch with no one in it (walked out to turn) belongs to the pass before it.
        d = facing(t[a:b], series_between(series, a, b)) if seen[a:b].any() else None
        if merged and (d is None or d == kept[-1]):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
            kept.append(d if d is not None else 0.0)
    return merged
