"""Gait analysis from recorded per-leg signals: contacts, toe-offs, steps, timing, swing and contact measures, faults.

Pure numpy over whole trajectories (timestamps, never frame counts; NaN for unknown). The engine records the
signals of exercises.signals_gait for every frame; a spec with `events="gait"` has its one-signal rep count
replaced by the steps found here (see `apply_events`).

How events are found (side view), per leg:
- initial contact: the heel's furthest point ahead of the hips (Zeni et al. 2008, which holds for walking across
  the frame, a panning camera and a treadmill alike), moved back to when the foot's lowest point came down to its
  own stance height over the floor line;
- toe-off: the toe's furthest point behind the hips between two contacts;
- the floor line: a robust straight-line fit through the lowest foot point of every frame (one foot is always on
  the floor when walking);
- heights are over that line, in shank lengths, each foot point against its own level in stance, so a landmark
  that sits above the sole is no bias.
"""

from __future__ import annotations

import math
import warnings
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from exercises.gait_passes import series_between, walking_hip_x, walking_passes, walking_shank_px
from exercises.names import Registry
from exercises.results import ClipReport, RepEvent
from exercises.signals_gait import FOOT_POINTS, PER_LEG, leg_signal_name, point_signal_name
from pose.landmarks import SIDES, Side

# Knee-to-ankle length over standing height (Winter, Biomechanics and Motor Control of Human Movement, table 4.1):
# turns shank pixels into metres when the patient's height is known.
SHANK_TO_HEIGHT_RATIO = 0.246
CONTACT_KINDS = ("heel", "flat", "forefoot")
GAIT_FAULTS = ("foot_drop", "foot_slap_or_forefoot_contact", "steppage", "circumduction", "hip_hike")
# Views in which the sideways faults are visible.
_FRONT_VIEWS = ("front",)


@dataclass(frozen=True)
class Step:
    """One step: the swing of `leg` that ended in its initial contact.

    Attributes:
        index: 1-based, in time order over both legs.
        leg: "left" or "right".
        contact_s: initial contact time, seconds.
        contact_kind: "heel", "flat" or "forefoot": which part of the foot met the floor first.
        toe_off_s: the toe-off that began this swing (NaN when before the clip or not seen).
        previous_contact_s: the last contact of either leg before this one (NaN for the first step).
        measures: named numbers, units in the names (ankle at contact, swing peaks, clearance, timing).
        faults: fault codes, sorted.
    """

    index: int
    leg: Side
    contact_s: float
    contact_kind: str
    toe_off_s: float
    previous_contact_s: float
    measures: dict[str, float] = field(default_factory=dict)
    faults: tuple[str, ...] = ()


@dataclass(frozen=True)
class GaitAnalysis:
    """Steps and the clip's gait summary.

    Attributes:
        steps: every step with a seen contact, in time order.
        summary: named numbers (cadence, per-leg timing and measures, asymmetries, speed), NaN when unknown.
        notes: plain sentences on what could not be measured and why.
    """

    steps: tuple[Step, ...]
    summary: dict[str, float]
    notes: tuple[str, ...] = ()


# (t_s (T,), series name -> (T,), thresholds, view, image (width, height) pixels) -> GaitAnalysis
EventDetector = Callable[[np.ndarray, Mapping[str, np.ndarray], Mapping[str, float], str, tuple[int, int]],
                         GaitAnalysis]
EVENT_DETECTORS: Registry[EventDetector] = Registry("event detector")


def _nanmedian(x: np.ndarray | list[float]) -> float:
    x = np.asarray(x, float)
    return float(np.median(x[np.isfinite(x)])) if np.isfinite(x).any() else math.nan


def _percentile(x: np.ndarray, ratio: float) -> float:
    x = x[np.isfinite(x)]
    return float(np.percentile(x, 100.0 * ratio)) if x.size else math.nan


def _fill_gaps(t: np.ndarray, x: np.ndarray, gap_max_s: float) -> np.ndarray:
    """Linear interpolation across NaN runs no longer than gap_max_s; longer runs and the ends stay NaN."""
    ok = np.isfinite(x)
    if ok.sum() < 2:
        return x.copy()
    out = np.interp(t, t[ok], x[ok])
    idx = np.flatnonzero(ok)
    before = np.searchsorted(idx, np.arange(len(t)), side="right") - 1
    after = np.minimum(before + 1, len(idx) - 1)
    span = t[idx[after]] - t[idx[np.maximum(before, 0)]]
    keep = ok | ((before >= 0) & (before < len(idx) - 1) & (span <= gap_max_s))
    return np.where(keep, out, np.nan)


def _floor_speed(heel_speed: Mapping[Side, np.ndarray], heel_up: Mapping[Side, np.ndarray],
                 th: Mapping[str, float]) -> float:
    """How fast the floor moves across the picture, shank lengths a second: 0 walking across, a treadmill's belt.

    The typical speed (`heel_speed`, per leg) of a heel on the floor (`heel_up` within the contact margin of its
    floor level), either leg.
    """
    with np.errstate(invalid="ignore"):
        on_floor = [np.where(heel_up[leg] < th["contact_height_margin_ratio"], heel_speed[leg], np.nan)
                    for leg in SIDES]
    speed = _nanmedian(np.concatenate(on_floor))
    return speed if math.isfinite(speed) else 0.0


def _smooth_centred(t: np.ndarray, series: Mapping[str, np.ndarray], sigma_s: float) -> dict[str, np.ndarray]:
    """Each series' Gaussian-weighted mean over known frames within 3 sigma either side, at each known frame.

    Centred, so nothing lags (a causal filter reads a swinging foot late, turning its angle); unknown frames stay
    unknown and are left out of their neighbours' means.
    """
    names = list(series)
    x = np.stack([np.asarray(series[n], float) for n in names]) if names else np.empty((0, len(t)))
    ok = np.isfinite(x)
    xz = np.where(ok, x, 0.0)
    num, den = xz.copy(), ok.astype(float)
    steps = np.diff(t)
    step_min = float(steps[steps > 0].min()) if (steps > 0).any() else math.inf
    reach = min(int(math.ceil(3.0 * sigma_s / step_min)), len(t) - 1) if math.isfinite(step_min) else 0
    for d in range(1, reach + 1):
        w = np.exp(-0.5 * ((t[d:] - t[:-d]) / sigma_s) ** 2)
        w = np.where(t[d:] - t[:-d] <= 3.0 * sigma_s, w, 0.0)
        num[:, :-d] += w * xz[:, d:]  # the frame d later, weighed at each frame
        den[:, :-d] += w * ok[:, d:]
        num[:, d:] += w * xz[:, :-d]  # and the frame d earlier
        den[:, d:] += w * ok[:, :-d]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(ok, num / den, np.nan)
    return {n: out[k] for k, n in enumerate(names)}


def _interp_at(t: np.ndarray, x: np.ndarray, t0: float) -> float:
    if not math.isfinite(t0):
        return math.nan
    i = int(np.searchsorted(t, t0))
    lo, hi = max(i - 1, 0), min(i, len(t) - 1)
    if not (np.isfinite(x[lo]) and np.isfinite(x[hi])):
        return float(x[lo]) if np.isfinite(x[lo]) and abs(t[lo] - t0) < 1e-9 else math.nan
    if hi == lo or t[hi] == t[lo]:
        return float(x[lo])
    w = (t0 - t[lo]) / (t[hi] - t[lo])
    return float(x[lo] + w * (x[hi] - x[lo]))


def _window(t: np.ndarray, x: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    m = (t >= start_s) & (t <= end_s) & np.isfinite(x)
    return x[m]


def _wmax(t: np.ndarray, x: np.ndarray, start_s: float, end_s: float) -> float:
    w = _window(t, x, start_s, end_s)
    return float(w.max()) if w.size else math.nan


def _wmin(t: np.ndarray, x: np.ndarray, start_s: float, end_s: float) -> float:
    w = _window(t, x, start_s, end_s)
    return float(w.min()) if w.size else math.nan


def fit_floor_line(x: np.ndarray, y: np.ndarray, scale_px: float) -> tuple[float, float]:
    """The floor as y = a + b*x (pixels, y down) through the lowest foot point of each frame, outliers trimmed.

    Args:
        x: (T,) image x of the lowest foot point per frame, pixels (NaN where unknown).
        y: (T,) its image y, pixels.
        scale_px: a body length in pixels (the shank); a foot travelling less than two of them along the floor
            (a treadmill) gives no slope, only a level.

    Returns:
        (a, b); NaN, NaN when no point is known.
    """
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return math.nan, math.nan
    x, y = x[ok], y[ok]
    keep = np.ones(len(x), bool)
    a, b = float(np.median(y)), 0.0
    for _ in range(4):
        if not keep.any():  # every point trimmed (far-out garbage values): the last line stands
            break
        if np.ptp(x[keep]) > 2.0 * scale_px and keep.sum() >= 3:
            b, a = np.polyfit(x[keep], y[keep], 1)
        else:
            a, b = float(np.median(y[keep])), 0.0
        res = y - (a + b * x)
        # Points well above the line are a foot in swing caught as "lowest" by noise; trim them, and far outliers.
        mad = float(np.median(np.abs(res[keep] - np.median(res[keep])))) + 1e-6
        keep = np.abs(res) <= 3.0 * 1.4826 * mad + 0.05 * scale_px
    return float(a), float(b)


def _rise(t: np.ndarray, x: np.ndarray, window_s: float) -> np.ndarray:
    """(T,) how far x stands above its lowest point in the `window_s` before each frame; NaN where unknown."""
    lo = np.searchsorted(t, t - window_s, side="left")
    out = np.full(len(t), np.nan)
    for i in np.flatnonzero(np.isfinite(x)):
        before = x[lo[i]:i]
        if np.isfinite(before).any():
            out[i] = x[i] - np.nanmin(before)
    return out


def _peaks(t: np.ndarray, x: np.ndarray, half_window_s: float, rise_min: float, rise_window_s: float,
           confirm_s: float, rise: np.ndarray | None = None) -> list[int]:
    """Indices of local maxima of x that stand `rise_min` above the lowest point in the preceding window.

    A maximum at the edge of the known data (the clip's ends, the person entering or leaving) is not a peak: it
    needs `confirm_s` of known data after it, falling. `rise` (T,), when given, is each frame's rise to use instead
    of x's own over `rise_window_s`.
    """
    out: list[int] = []
    ok = np.isfinite(x)
    # Each frame's windows as index ranges (t increases): a long clip costs its length, not its length squared.
    near_lo = np.searchsorted(t, t - half_window_s, side="left")
    near_hi = np.searchsorted(t, t + half_window_s, side="right")
    # At least the next frame, whatever the frame rate: at 10 frames/s none comes within an 80 ms confirm_s.
    after_hi = np.maximum(np.searchsorted(t, t + confirm_s, side="right"), np.arange(len(t)) + 2)
    before_lo = np.searchsorted(t, t - rise_window_s, side="left")
    for i in np.flatnonzero(ok):
        near = x[near_lo[i]:near_hi[i]]
        if x[i] < np.nanmax(near) or (out and t[i] - t[out[-1]] < half_window_s):
            continue
        after = x[i + 1:after_hi[i]]
        if not after.size or not np.isfinite(after).all() or not (after < x[i]).any():
            continue
        if rise is not None:
            if not rise[i] >= rise_min:
                continue
        else:
            before = x[before_lo[i]:i]
            if not np.isfinite(before).any() or x[i] - np.nanmin(before) < rise_min:
                continue
        # Two steps are never closer than twice the half window: of two peaks closer than that (a reach that wobbles
        # as it peaks), the higher is the step's.
        if out and t[i] - t[out[-1]] < 2.0 * half_window_s:
            if x[i] > x[out[-1]]:
                out[-1] = int(i)
            continue
        out.append(int(i))
    return out


@dataclass(frozen=True)
class _Leg:
    """One leg's trajectories, relative to the hips (forward positive) and above the floor, in shank lengths."""

    heel_ahead: np.ndarray
    toe_ahead: np.ndarray
    heel_up: np.ndarray
    toe_up: np.ndarray
    pitch_deg: np.ndarray
    heel_x_px: np.ndarray
    ankle_deg: np.ndarray
    knee_deg: np.ndarray
    hip_deg: np.ndarray
    visibility: np.ndarray


# Points that follow each leg, for telling the legs apart from frame to frame.
_TRACKED = ("knee", "ankle", "heel", "foot_index")


def _leg_names(leg: Side) -> list[str]:
    """Every series name that belongs to one leg."""
    names = [point_signal_name(p, a, leg) for p in (*FOOT_POINTS, "hip", "knee") for a in ("x", "y")]
    return names + [leg_signal_name(q, leg) for q in PER_LEG]


def unswap_legs(t_s: np.ndarray, series: dict[str, np.ndarray], scale_px: float, cost_ratio: float,
                max_run_s: float) -> dict[str, np.ndarray]:
    """The series with frames whose left and right legs were labelled the wrong way round put right.

    Pose models often swap the legs' labels from the side, for a frame or for a stretch. Each frame's legs are
    compared with where each leg was heading (its last two frames, corrected): if the swapped labelling fits
    better by `cost_ratio`, the frame is swapped back, and the frames after are judged against the corrected ones.

    Args:
        t_s: (T,) frame times, seconds.
        series: name -> (T,) values, knee_x_left_px and the like among them (knee points are optional).
        scale_px: a body length in pixels (the shank), for frames with nothing to compare.
        cost_ratio: how much better (0-1, smaller is stricter) the swapped labelling must fit to be taken.
        max_run_s: a swapped stretch longer than this is left as labelled.
    """
    names = {leg: _leg_names(leg) for leg in SIDES}
    pts = {leg: np.stack([series[point_signal_name(p, a, leg)] for p in _TRACKED for a in ("x", "y")
                          if point_signal_name(p, a, leg) in series], axis=1) for leg in SIDES}
    n = len(pts["left"])
    swap = np.zeros(n, bool)
    fixed = {leg: pts[leg].copy() for leg in SIDES}
    for i in range(1, n):
        prev = {leg: fixed[leg][i - 1] for leg in SIDES}
        pred = {leg: 2 * fixed[leg][i - 1] - fixed[leg][i - 2] if i > 1 else prev[leg] for leg in SIDES}
        pred = {leg: np.where(np.isfinite(pred[leg]), pred[leg], prev[leg]) for leg in SIDES}

        def cost(a: np.ndarray, b: np.ndarray) -> float:
            d = np.abs(a - b)
            d = d[np.isfinite(d)]  # by hand, not nanmean: this runs for every frame of an hour's walk
            return float(d.sum()) / d.size if d.size else math.nan

        keep = cost(pts["left"][i], pred["left"]) + cost(pts["right"][i], pred["right"])
        cross = cost(pts["right"][i], pred["left"]) + cost(pts["left"][i], pred["right"])
        if math.isfinite(keep) and math.isfinite(cross) and cross < cost_ratio * keep and \
                keep > 0.05 * scale_px:
            swap[i] = True
        for leg in SIDES:
            src = ("right" if leg == "left" else "left") if swap[i] else leg
            fixed[leg][i] = pts[src][i]
    # A long swapped stretch is the comparison losing track (legs side by side), not the model: keep the labels.
    start = None
    for i in range(n + 1):
        on = i < n and swap[i]
        if on and start is None:
            start = i
        elif not on and start is not None:
            if t_s[i - 1] - t_s[start] > max_run_s:
                swap[start:i] = False
            start = None
    if not swap.any():
        return series
    out = dict(series)
    for a, b in zip(names["left"], names["right"]):
        if a in series and b in series:
            out[a] = np.where(swap, series[b], series[a])
            out[b] = np.where(swap, series[a], series[b])
    return out


def _direction(t: np.ndarray, series: Mapping[str, np.ndarray], shank: float, th: Mapping[str, float]) -> float:
    """+1 walking image-right, -1 left: the way the hips travel across the picture, where they clearly do.

    The feet's own reading (_facing) is for a walk whose hips stay put in the picture (a treadmill, a camera
    panning with the walker): it can read a walk across the picture backwards (three of 32 rendered passes through
    MediaPipe, whose hips crossed 340-460 pixels the other way), and then every step is looked for behind the hips.
    """
    hip_x = walking_hip_x(series)
    ok = np.isfinite(hip_x)
    if ok.sum() >= 3 and math.isfinite(shank) and shank > 0 and t[ok][-1] > t[ok][0]:
        slope = np.polyfit(t[ok], hip_x[ok], 1)[0] / shank
        if abs(slope) >= th["pass_travel_min_ratio_per_s"]:
            return 1.0 if slope > 0 else -1.0
    return _facing(t, series, shank)


def _facing(t: np.ndarray, series: Mapping[str, np.ndarray], shank: float) -> float:
    """+1 walking image-right, -1 left: the feet move forward faster in swing than back in stance (treadmill too)."""
    votes = []
    for leg in SIDES:
        hip = series[point_signal_name("hip", "x", leg)]
        heel = series[point_signal_name("heel", "x", leg)]
        rel = heel - hip
        ok = np.isfinite(rel)
        if ok.sum() > 3:
            v = np.diff(rel[ok]) / np.diff(t[ok])
            votes.append(np.percentile(v, 95) + np.percentile(v, 5))
    s = float(np.sum(votes)) if votes else 0.0
    return 1.0 if s >= 0 else -1.0


def _legs(t: np.ndarray, series: Mapping[str, np.ndarray],
          th: Mapping[str, float]) -> tuple[dict[Side, _Leg], float, dict[Side, float]]:
    """Each leg's trajectories, the shank length in pixels, and each foot's landmark-line tilt when flat (degrees)."""
    gap = th["gait_gap_fill_max_s"]
    fill = {k: _fill_gaps(t, np.asarray(v, float), gap) for k, v in series.items()}
    shank = walking_shank_px(fill)
    fill = unswap_legs(t, fill, shank, th["leg_swap_cost_ratio"], th["leg_swap_max_s"])
    # Landmark jitter is smoothed here, centred, rather than by the engine's causal filter (off for walking, see
    # the walk spec); at a webcam's 10 frames/s the reach is widened to the neighbouring frames.
    frame_s = float(np.median(np.diff(t))) if len(t) > 1 else 0.0
    sigma = max(th["gait_smoothing_sigma_s"], th["gait_smoothing_sigma_min_frame_ratio"] * frame_s)
    if sigma > 0:
        fill = _smooth_centred(t, fill, sigma)
    shank = walking_shank_px(fill)
    forward = _direction(t, fill, shank, th)
    hip_x = walking_hip_x(fill)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # The lowest foot point of each frame (largest y): the foot on the floor.
        pts = [(fill[point_signal_name(p, "x", leg)], fill[point_signal_name(p, "y", leg)])
               for leg in SIDES for p in ("heel", "foot_index")]
        ys = np.stack([p[1] for p in pts])
        xs = np.stack([p[0] for p in pts])
        low = np.nanargmax(np.where(np.isfinite(ys), ys, -np.inf), axis=0)
    lx, ly = xs[low, np.arange(len(t))], ys[low, np.arange(len(t))]
    a, b = fit_floor_line(lx, ly, shank)
    legs, tilts = {}, {}
    if not (math.isfinite(shank) and shank > 0 and math.isfinite(a) and math.isfinite(b)):
        return legs, math.nan, tilts

    def up(part: str, leg: Side) -> np.ndarray:
        x, y = fill[point_signal_name(part, "x", leg)], fill[point_signal_name(part, "y", leg)]
        height = (a + b * x - y) / shank
        # Each landmark sits its own height above the sole: its floor level is its low percentile over the clip
        # (a foot is on the floor for about 60% of a gait cycle).
        return height - _percentile(height, th["floor_level_percentile_ratio"])

    heights = {leg: (up("heel", leg), up("foot_index", leg)) for leg in SIDES}
    # Each foot point's speed across the picture, shank lengths a second.
    speeds = {(p, leg): np.gradient(fill[point_signal_name(p, "x", leg)], t) / shank
              for leg in SIDES for p in ("heel", "foot_index")}
    floor_speed = _floor_speed({leg: speeds["heel", leg] for leg in SIDES},
                               {leg: h[0] for leg, h in heights.items()}, th)
    for leg in SIDES:
        def ahead(part: str, leg: Side = leg) -> np.ndarray:
            return (fill[point_signal_name(part, "x", leg)] - hip_x) * forward / shank

        heel_up, toe_up = heights[leg]
        hx, hy = fill[point_signal_name("heel", "x", leg)], fill[point_signal_name("heel", "y", leg)]
        tx, ty = fill[point_signal_name("foot_index", "x", leg)], fill[point_signal_name("foot_index", "y", leg)]
        # Toe above heel, measured against the floor line's own slope.
        pitch = np.degrees(np.arctan2(-(ty - hy), (tx - hx) * forward)) + np.degrees(np.arctan(b)) * forward
        # A foot whose toe is not ahead of its heel (heel and toe landmarks swapped), or whose heel-toe line is
        # much shorter than a foot (seen end-on, or the points collapsed on a blurred foot), gives no angle: its
        # ankle and pitch are unknown, never a steep plantarflexion.
        with np.errstate(invalid="ignore"):
            foot_ok = ((tx - hx) * forward > 0) & (np.hypot(tx - hx, ty - hy) >= th["foot_length_min_ratio"] * shank)
        pitch = np.where(foot_ok, pitch, np.nan)
        # Against the foot flat on the floor, so a heel-strike tilts it positive: both ends low and moving with the
        # floor, which tells a flat foot from one rolling onto its heel or toes better than the ends' heights alone.
        with np.errstate(invalid="ignore"):
            low = (heel_up < th["flat_foot_height_max_ratio"]) & (toe_up < th["flat_foot_height_max_ratio"])
            with_floor = [np.abs(speeds[p, leg] - floor_speed) < th["flat_foot_speed_max_ratio_per_s"]
                          for p in ("heel", "foot_index")]
        flat = low & with_floor[0] & with_floor[1] & np.isfinite(pitch)
        if flat.sum() < 3:  # too few to go by (a walk of a step or two): the ends' heights alone
            flat = (heel_up < th["contact_height_margin_ratio"]) & (toe_up < th["contact_height_margin_ratio"])
        tilt = _nanmedian(pitch[flat])
        pitch = pitch - tilt
        # The heel and toe landmarks need not lie on the sole (a shoe's toe box, the model's idea of a heel): their
        # line's tilt with the foot flat is an offset in the ankle angle too, taken out here.
        ankle = np.where(foot_ok, fill[leg_signal_name("ankle_dorsiflexion_deg", leg)], np.nan) - (
            tilt if math.isfinite(tilt) else 0.0)
        tilts[leg] = tilt
        legs[leg] = _Leg(ahead("heel"), ahead("foot_index"), heel_up, toe_up, pitch, hx, ankle,
                         fill[leg_signal_name("knee_flexion_deg", leg)], fill[leg_signal_name("hip_flexion_deg", leg)],
                         fill.get(leg_signal_name("lower_leg_visibility_ratio", leg), np.full(len(t), np.nan)))
    return legs, shank, tilts


def _contacts(t: np.ndarray, legs: dict[Side, _Leg], th: Mapping[str, float]) -> list[tuple[float, Side]]:
    """(contact time, the leg whose heel was in front then) of every initial contact, both legs together.

    The front heel's reach ahead of the hips peaks once per step whichever leg it is, so a frame where the pose
    model swaps the legs' labels (common from the side) cannot add or lose a contact.
    """
    front = np.fmax(legs["left"].heel_ahead, legs["right"].heel_ahead)
    # The swing's excursion is the front heel's own, from behind the hips: the envelope of the two heels dips only
    # to where they cross, which a slow walk's short steps (0.6 m/s) leave about half a shank below the reach, and
    # at 10 frames/s the frames can miss the dip's bottom.
    own = {leg: _rise(t, legs[leg].heel_ahead, th["swing_window_s"]) for leg in SIDES}
    rise = np.where(legs["right"].heel_ahead > legs["left"].heel_ahead, own["right"], own["left"])
    peaks = _peaks(t, front, th["step_min_interval_s"] / 2.0, th["swing_excursion_min_ratio"],
                   th["swing_window_s"], th["event_confirm_s"], rise)
    out = []
    for i in peaks:
        tp = float(t[i])
        ahead = {leg: legs[leg].heel_ahead[i] for leg in SIDES}
        leg: Side = "left" if not ahead["right"] > ahead["left"] else "right"
        g = legs[leg]
        # The reach is confirmed by that heel seen going back, not by the envelope: where the front foot leaves the
        # picture (or is lost) at its reach, the envelope drops to the other heel, and a contact came 0.2 s early
        # with the foot still inside the picture, counted though its landing was outside it.
        after = g.heel_ahead[i + 1:max(int(np.searchsorted(t, tp + th["event_confirm_s"], side="right")), i + 2)]
        if not (after.size and np.isfinite(after).all() and (after < ahead[leg]).any()):
            continue
        # Each end of the foot comes down to its floor height; the earlier of the two is the contact. After a heel
        # strike the toe comes down later (foot flat), after the window; a dragging toe never rises to come down.
        window = (tp - th["contact_search_s"], tp + th["event_confirm_s"])
        ends = [_landing(t, up, th["contact_height_margin_ratio"], *window) for up in (g.heel_up, g.toe_up)]
        tc = min((x for x in ends if math.isfinite(x)), default=tp)
        out.append((tc, leg))
    return out


def _inside(contacts: list[tuple[float, Side]], t: np.ndarray, series: Mapping[str, np.ndarray],
            th: Mapping[str, float], width_px: int) -> list[tuple[float, Side]]:
    """Contacts whose foot is inside the picture: a foot past the side edge is a step the clip cuts."""
    if width_px <= 0:
        return contacts
    lo, hi = th["frame_edge_margin_ratio"] * width_px, (1.0 - th["frame_edge_margin_ratio"]) * width_px
    out = []
    for tc, leg in contacts:
        xs = [_interp_at(t, np.asarray(series[point_signal_name(p, "x", leg)], float), tc)
              for p in ("heel", "foot_index")]
        if all(math.isfinite(x) and lo <= x <= hi for x in xs):
            out.append((tc, leg))
    return out


def _assign_legs(contacts: list[tuple[float, Side]], th: Mapping[str, float]) -> list[tuple[float, Side, Side]]:
    """(time, leg, label seen) per contact: legs alternate, in the phase most contacts' labels agree with.

    A gap longer than `step_gap_max_ratio` median steps (a step hidden behind furniture) starts a new run,
    whose phase is chosen afresh.
    """
    if not contacts:
        return []
    times = np.array([c[0] for c in contacts])
    med = _nanmedian(np.diff(times)) if len(times) > 1 else math.nan
    runs, run = [], [contacts[0]]
    for prev, c in zip(contacts, contacts[1:]):
        if math.isfinite(med) and c[0] - prev[0] > th["step_gap_max_ratio"] * med:
            runs.append(run)
            run = []
        run.append(c)
    runs.append(run)
    out = []
    for run in runs:
        agree = sum((c[1] == "left") == (k % 2 == 0) for k, c in enumerate(run))
        first: Side = "left" if agree * 2 >= len(run) else "right"
        for k, (tc, seen) in enumerate(run):
            leg: Side = first if k % 2 == 0 else ("right" if first == "left" else "left")
            out.append((tc, leg, seen))
    return out


def _last_descent(t: np.ndarray, up: np.ndarray, level: float, start_s: float, end_s: float) -> tuple[float, int]:
    """The last time in the window a height came down through `level`, and the sample after it.

    The time is interpolated between the samples either side of the crossing, which may lie outside the window: at
    a webcam's 10 frames/s a 0.3 s window holds two or three samples, and a foot that landed inside it is seen
    landed only on the sample after it.
    """
    above = up > level
    first = max(int(np.searchsorted(t, start_s, side="left")), 1)
    last = min(int(np.searchsorted(t, end_s, side="right")), len(t) - 1)  # the sample after the window, if any
    for j in range(last, first - 1, -1):
        if above[j - 1] and np.isfinite(up[j]) and not above[j]:
            y0, y1 = up[j - 1] - level, up[j] - level
            crossed = float(t[j - 1] + y0 / (y0 - y1) * (t[j] - t[j - 1])) if y0 != y1 else float(t[j])
            if crossed > end_s:
                continue
            return (crossed, j) if crossed >= start_s else (math.nan, -1)
    return math.nan, -1


def _landing(t: np.ndarray, up: np.ndarray, margin: float, start_s: float, end_s: float) -> float:
    """When one end of the foot landed: its height (over its floor level) coming down to stay, NaN if it did not.

    The height's last descent through `margin` in the window, if it then stays down (within twice the margin) to
    the window's end: a toe dipping in mid-swing and lifting again is no landing. The descent's speed, from where
    it passed three margins, carries the time on to the floor level itself, so the margin does not make every
    contact early.
    """
    t_b, j = _last_descent(t, up, margin, start_s, end_s)
    if j < 0:
        return math.nan
    after = up[j:][(t[j:] <= end_s) & np.isfinite(up[j:])]
    if (after > 2.0 * margin).any():
        return math.nan
    t_a, _ = _last_descent(t[:j], up[:j], 3.0 * margin, start_s - 0.1, t_b)
    # Carried no later than the last frame: a step the footage ends on landed by then, as far as it shows (the
    # flip-flop walk's last contact was put 0.05 s after its last frame, and its replay counted one step short).
    return min(t_b + 0.5 * (t_b - t_a), float(t[-1])) if math.isfinite(t_a) else t_b


def _toe_off(t: np.ndarray, rear: np.ndarray, start_s: float, end_s: float) -> float:
    """The rear toe's furthest point behind the hips between two contacts; NaN when cut by the data's edge."""
    m = (t > start_s) & (t < end_s) & np.isfinite(rear)
    if not m.any():
        return math.nan
    idx = np.flatnonzero(m)
    i = idx[np.argmin(rear[idx])]
    # A minimum on the window's edge is the data ending, not the toe leaving the floor.
    if i == idx[0] or i == idx[-1] or not (np.isfinite(rear[i - 1]) and np.isfinite(rear[i + 1])):
        return math.nan
    return float(t[i])


def _step_faults(m: Mapping[str, float], th: Mapping[str, float], view: str) -> tuple[str, ...]:
    def below(v: str, limit: str) -> bool:
        return math.isfinite(m[v]) and m[v] < th[limit]

    def above(v: str, limit: str) -> bool:
        return math.isfinite(m[v]) and m[v] > th[limit]

    faults = set()
    # One foot hanging lower in swing than the other foot of the same walk: the person against themselves, so
    # footwear and where the model puts the foot's points cancel out.
    lower_than_other = below("ankle_swing_deg", "swing_dorsiflexion_asymmetric_min_deg") and \
        above("ankle_swing_below_other_leg_deg", "swing_dorsiflexion_asymmetry_min_deg")
    steppage = above("hip_flexion_swing_peak_deg", "steppage_hip_flexion_min_deg") and \
        above("knee_flexion_swing_peak_deg", "steppage_knee_flexion_min_deg")
    # Steppage is how a dropped foot is lifted clear: a high swing whose ankle still hangs below neutral is the
    # drop it compensates (the near leg is then judged alone, without the far leg to compare with).
    compensated = steppage and below("ankle_swing_deg", "swing_dorsiflexion_steppage_min_deg")
    # From the side the far leg's foot is the model's guess and is not judged, but its hip and knee lift is seen: a
    # steppage swing there is that compensation, its foot unseen (rendered walks 3200-3519: 25 of 27 far-leg
    # steppage drop swings lifted past both limits, none of 122 normal far-leg swings did).
    compensated = compensated or (steppage and m.get("far_leg_flag") == 1.0)
    # The foot reaching forward to land with its toes well below its heel: read against the floor, this needs no
    # knee, which the pose model often puts straight above a swinging ankle (turning the ankle angle to neutral).
    toes_down = below("foot_pitch_swing_deg", "swing_foot_pitch_min_deg")
    # The flat-foot tilt taken out of the ankle is right when the foot's landmarks sit off its sole; when the model
    # tilts only a foot on the floor (16 degrees toes-down on treadmill walk 3250), taking it out hides a drop, and
    # the ankle as read, with its own limit, shows it.
    pointed_as_read = below("ankle_swing_untilted_deg", "swing_dorsiflexion_untilted_min_deg")
    if below("ankle_swing_deg", "swing_dorsiflexion_min_deg") or lower_than_other or compensated or toes_down or \
            pointed_as_read or below("toe_clearance_ratio", "toe_clearance_min_ratio"):
        faults.add("foot_drop")
    if below("foot_pitch_at_contact_deg", "contact_foot_pitch_min_deg"):
        faults.add("foot_slap_or_forefoot_contact")
    if steppage:
        faults.add("steppage")
    if view in _FRONT_VIEWS:
        if above("swing_lateral_ratio", "circumduction_lateral_min_ratio"):
            faults.add("circumduction")
        if above("swing_pelvis_rise_deg", "hip_hike_min_deg"):
            faults.add("hip_hike")
    return tuple(sorted(faults))


def _asymmetry(left: float, right: float) -> float:
    """|L - R| over their mean: 0 symmetric; NaN when either is unknown."""
    mean = (left + right) / 2.0
    return abs(left - right) / mean if math.isfinite(mean) and mean > 0 else math.nan


@EVENT_DETECTORS.register("gait")
def analyse_gait(t_s: np.ndarray, series: Mapping[str, np.ndarray], thresholds: Mapping[str, float],
                 view: str = "side", image_size: tuple[int, int] = (0, 0)) -> GaitAnalysis:
    """Steps, events, measures and faults of a walking clip.

    A walk past the camera and back is analysed pass by pass (exercises.gait_passes), each with its own direction
    of travel: each pass shows the camera the other side, so both feet are judged in one clip.

    Args:
        t_s: (T,) frame times in seconds, increasing.
        series: the signals of exercises.signals_gait by name, each (T,), NaN where unknown.
        thresholds: the walk spec's thresholds (names carry units).
        view: "side", "oblique", "front" or "unknown"; circumduction and hip hike are judged from the front only.
        image_size: (width, height) in pixels; a contact whose foot is off the picture's side edge is a step cut
            by the edge and not counted. (0, 0) when unknown: every contact counts.

    Returns:
        The analysis; no steps (and notes saying why) when the legs were not seen well enough.
    """
    t = np.asarray(t_s, float)
    th = thresholds
    if len(t) < 3:
        return GaitAnalysis((), {}, ("too few frames to find steps",))
    passes = [_analyse_pass(t[a:b], series_between(series, a, b), th, view, image_size)
              for a, b in _pass_ranges(t, series, th)]
    passes = [p for p in passes if math.isfinite(p.shank) and p.shank > 0]
    if not passes:
        return GaitAnalysis((), {}, ("the legs were never seen: no steps measured",))
    notes: list[str] = []
    if view in _FRONT_VIEWS:
        notes.append("front view: contacts are found from the side; film from the side for steps and ankle angles")
    if len(passes) > 1:
        notes.append(f"{len(passes)} passes past the camera, each analysed in its own direction")
    steps = sorted((x for p in passes for x in p.steps), key=lambda x: x.contact_s)
    steps = [replace(x, index=k + 1) for k, x in enumerate(steps)]
    typical = {leg: _nanmedian([x.measures["ankle_swing_deg"] for x in steps if x.leg == leg]) for leg in SIDES}
    for k, x in enumerate(steps):
        other = typical["right" if x.leg == "left" else "left"]
        x.measures["ankle_swing_below_other_leg_deg"] = other - typical[x.leg]
        steps[k] = replace(x, faults=_step_faults(x.measures, th, view))
    stance = {leg: [s for p in passes for s in p.stance[leg]] for leg in SIDES}
    swing = {leg: [s for p in passes for s in p.swing[leg]] for leg in SIDES}
    # Step lengths in shank lengths, each pass against its own shank: the way back may be nearer the camera.
    lengths = [x.measures["step_length_px"] / p.shank for p in passes for x in p.steps
               if math.isfinite(x.measures["step_length_px"])]
    summary = _summary(steps, stance, swing, lengths, th, notes)
    summary["passes"] = float(len(passes))
    for leg in SIDES:  # the offset taken out of the ankle angles (see _legs): from the pass that judged that foot most
        best = max(passes, key=lambda p: sum(x.leg == leg and math.isfinite(x.measures["ankle_swing_deg"])
                                             for x in p.steps))
        summary[f"foot_line_tilt_{leg}_deg"] = best.tilts.get(leg, math.nan)
    return GaitAnalysis(tuple(steps), summary, tuple(dict.fromkeys(notes)))


def _pass_ranges(t: np.ndarray, series: Mapping[str, np.ndarray], th: Mapping[str, float]) -> list[tuple[int, int]]:
    return walking_passes(t, series, th, lambda tt, ss: _direction(tt, ss, walking_shank_px(ss), th))


def ankle_as_read_deg(t_s: np.ndarray, series: Mapping[str, np.ndarray],
                      thresholds: Mapping[str, float]) -> dict[Side, np.ndarray]:
    """Each leg's ankle dorsiflexion in each frame as analyse_gait reads it (degrees, NaN where it reads none).

    Pass by pass, as the analysis goes: landmark gaps bridged, swapped legs put back, smoothed, less the foot
    line's tilt when flat. What a bench compares with the true angle.
    """
    t = np.asarray(t_s, float)
    out: dict[Side, np.ndarray] = {leg: np.full(len(t), np.nan) for leg in SIDES}
    if len(t) < 3:
        return out
    for a, b in _pass_ranges(t, series, thresholds):
        if b - a < 3:
            continue
        legs, _, _ = _legs(t[a:b], series_between(series, a, b), thresholds)
        for leg, g in legs.items():
            out[leg][a:b] = g.ankle_deg
    return out


@dataclass(frozen=True)
class _Pass:
    """One pass's steps (measures, no faults yet), stance and swing times per leg, shank (pixels), flat-foot tilts."""

    steps: list[Step]
    stance: dict[Side, list[float]]
    swing: dict[Side, list[float]]
    shank: float
    tilts: dict[Side, float]


def _analyse_pass(t: np.ndarray, series: Mapping[str, np.ndarray], th: Mapping[str, float], view: str,
                  image_size: tuple[int, int]) -> _Pass:
    """Steps and their measures over frames in which the person walks one way."""
    stance: dict[Side, list[float]] = {"left": [], "right": []}
    swing: dict[Side, list[float]] = {"left": [], "right": []}
    if len(t) < 3:
        return _Pass([], stance, swing, math.nan, {})
    legs, shank, tilts = _legs(t, series, th)
    if not math.isfinite(shank) or shank <= 0:
        return _Pass([], stance, swing, math.nan, {})
    contacts = _assign_legs(_inside(_contacts(t, legs, th), t, series, th, image_size[0]), th)
    times = [c[0] for c in contacts]
    steps: list[Step] = []
    # The rearmost toe's furthest point behind the hips, between two contacts, is the trailing foot's toe-off.
    rear = np.fmin(legs["left"].toe_ahead, legs["right"].toe_ahead)
    toe_offs = [_toe_off(t, rear, a, b) for a, b in zip([float(t[0]), *times], [*times, float(t[-1])])]
    for k, (tc, leg, seen) in enumerate(contacts):
        # Measures come from the landmarks labelled as the front leg at contact (labels may swap, legs do not).
        g = legs[seen]
        toe_off = toe_offs[k]  # between the previous contact and this one: this leg left the floor
        next_toe_off = toe_offs[k + 2] if k + 2 < len(toe_offs) and k + 1 < len(contacts) else math.nan
        if math.isfinite(next_toe_off):
            stance[leg].append(next_toe_off - tc)
        swing_start = toe_off if math.isfinite(toe_off) else max(float(t[0]), tc - th["swing_default_s"])
        sw = tc - swing_start
        if math.isfinite(toe_off):
            swing[leg].append(sw)
        m = {
            "ankle_at_contact_deg": _interp_at(t, g.ankle_deg, tc),
            # The heel-strike tilt peaks as the heel meets the floor; contacts are found to tens of milliseconds
            # either way, so its peak is taken around the contact found, not at that one instant.
            "foot_pitch_at_contact_deg": _wmax(t, g.pitch_deg, tc - th["contact_pitch_window_s"],
                                               tc + th["contact_pitch_window_s"]),
            # Typical of the second half of swing (a median: a frame or two of a mislabelled foot cannot move it),
            # when a working ankle has come back to neutral.
            "ankle_swing_deg": _nanmedian(_window(t, g.ankle_deg, swing_start + 0.4 * sw, tc)),
            "ankle_swing_peak_deg": _wmax(t, g.ankle_deg, swing_start + 0.4 * sw, tc),
            # The foot against the floor line as it reaches forward to land: toes up on a working ankle.
            "foot_pitch_swing_deg": _nanmedian(_window(t, g.pitch_deg, swing_start + 0.6 * sw, tc)),
            "toe_clearance_ratio": _percentile(_window(t, g.toe_up, swing_start + 0.25 * sw, tc - 0.25 * sw), 0.25),
            "hip_flexion_swing_peak_deg": _wmax(t, g.hip_deg, swing_start, tc),
            "knee_flexion_swing_peak_deg": _wmax(t, g.knee_deg, swing_start, tc),
            "step_s": tc - times[k - 1] if k > 0 else math.nan,
            "swing_s": sw if math.isfinite(toe_off) else math.nan,
        }
        other = legs["right" if seen == "left" else "left"]
        # The same late-swing ankle with the flat tilt left in: through MediaPipe that tilt is at times where the
        # model puts the heel point on a foot on the floor, not on a foot in the air (see _step_faults).
        tilt = tilts.get(seen, math.nan)
        m["ankle_swing_untilted_deg"] = m["ankle_swing_deg"] + (tilt if math.isfinite(tilt) else 0.0)
        m["step_length_px"] = (abs(_interp_at(t, g.heel_x_px, tc) - _interp_at(t, other.heel_x_px, tc))
                               if k > 0 and contacts[k - 1][1] != leg else math.nan)
        m.update(_front_measures(t, series, seen, swing_start, tc, th))
        pitch = m["foot_pitch_at_contact_deg"]
        kind = ("unknown" if not math.isfinite(pitch) else "heel" if pitch >= th["contact_foot_pitch_min_deg"]
                else "forefoot" if pitch <= -th["contact_foot_pitch_min_deg"] else "flat")
        # A swing that began before the clip (or before the person came in), shorter than any walking swing (a
        # toe-off read in the model's first frames of a person coming in), or with the legs partly out of the
        # picture, is counted but not judged (a real walker's first swing, 0.1 s long as he came in at the side,
        # read a 120 degree knee).
        seen = math.isfinite(toe_off) and sw >= th["swing_min_s"]
        if not (seen and _legs_in_picture(t, series, swing_start, tc, th, image_size[0])):
            for name in _SWING_MEASURES:
                m[name] = math.nan
        # Which leg is far goes by the step's leg, not by the labels seen at contact: the model's visibility stays
        # with its labels, and when it puts its near label on the far foot in front, that foot is still the far one.
        m["far_leg_flag"] = _far_leg_flag(t, legs[leg], legs["right" if leg == "left" else "left"], swing_start, tc,
                                          view, th)
        if m["far_leg_flag"] == 1.0:  # its foot is the model's guess, not the picture: unknown, never judged
            for name in _FOOT_MEASURES:
                m[name] = math.nan
            kind = "unknown"
        steps.append(Step(k + 1, leg, tc, kind, toe_off, times[k - 1] if k else math.nan, m))
    return _Pass(steps, stance, swing, shank, tilts)


# What a swing shows: judged only when the whole swing was seen.
_SWING_MEASURES = ("ankle_swing_deg", "ankle_swing_untilted_deg", "ankle_swing_peak_deg", "foot_pitch_swing_deg",
                   "toe_clearance_ratio", "hip_flexion_swing_peak_deg", "knee_flexion_swing_peak_deg")


def _legs_in_picture(t: np.ndarray, series: Mapping[str, np.ndarray], start_s: float, end_s: float,
                     th: Mapping[str, float], width_px: int) -> bool:
    """Whether both legs' hips, knees and feet stayed inside the picture's side edges from start_s to end_s."""
    if width_px <= 0:
        return True
    lo, hi = th["frame_edge_margin_ratio"] * width_px, (1.0 - th["frame_edge_margin_ratio"]) * width_px
    m = (t >= start_s) & (t <= end_s)
    for leg in SIDES:
        for part in ("hip", "knee", *FOOT_POINTS):
            x = np.asarray(series[point_signal_name(part, "x", leg)], float)[m]
            x = x[np.isfinite(x)]
            if x.size and (x.min() < lo or x.max() > hi):
                return False
    return True


# What the foot itself does: from the side these need the foot seen, not guessed.
_FOOT_MEASURES = ("ankle_at_contact_deg", "foot_pitch_at_contact_deg", "ankle_swing_deg", "ankle_swing_untilted_deg",
                  "ankle_swing_peak_deg", "foot_pitch_swing_deg", "toe_clearance_ratio")


def _far_leg_flag(t: np.ndarray, leg: _Leg, other: _Leg, start_s: float, end_s: float, view: str,
                  th: Mapping[str, float]) -> float:
    """1 when this leg was the far one from the side over its swing, 0 when not, NaN when unknown.

    Far means its lower leg was seen clearly less well than the other's; unknown, a front view or no visibility.
    """
    if view in _FRONT_VIEWS:
        return math.nan
    own = _nanmedian(_window(t, leg.visibility, start_s, end_s))
    near = _nanmedian(_window(t, other.visibility, start_s, end_s))
    if not (math.isfinite(own) and math.isfinite(near)):
        return math.nan
    return float(near - own >= th["far_leg_visibility_gap_ratio"])


def _front_measures(t: np.ndarray, series: Mapping[str, np.ndarray], leg: Side, start_s: float, end_s: float,
                    th: Mapping[str, float]) -> dict[str, float]:
    """Sideways swing of the ankle and rise of the swing side's hip, for the front view's faults."""
    width = _nanmedian(series["hip_width_px"])
    ax = np.asarray(series[point_signal_name("ankle", "x", leg)], float)
    hip_mid = (np.asarray(series[point_signal_name("hip", "x", "left")], float)
               + np.asarray(series[point_signal_name("hip", "x", "right")], float)) / 2.0
    lateral = np.abs(ax - hip_mid) / width if width > 0 else np.full(len(t), np.nan)
    stance_lat = _nanmedian(_window(t, lateral, end_s, end_s + th["stance_level_window_s"]))
    sign = 1.0 if leg == "left" else -1.0
    rise = sign * np.asarray(series["pelvic_obliquity_deg"], float)
    stance_rise = _nanmedian(_window(t, rise, end_s, end_s + th["stance_level_window_s"]))
    return {"swing_lateral_ratio": _wmax(t, lateral, start_s, end_s) - stance_lat,
            "swing_pelvis_rise_deg": _wmax(t, rise, start_s, end_s) - stance_rise}


def _summary(steps: list[Step], stance: dict[Side, list[float]], swing: dict[Side, list[float]],
             lengths_shank: list[float], th: Mapping[str, float], notes: list[str]) -> dict[str, float]:
    s: dict[str, float] = {"steps": float(len(steps))}
    step_times = [x.measures["step_s"] for x in steps if math.isfinite(x.measures["step_s"])]
    strides = [b.contact_s - a.contact_s for i, a in enumerate(steps) for b in steps[i + 1:i + 3]
               if b.leg == a.leg and not any(c.leg == a.leg for c in steps[i + 1:steps.index(b)])]
    s["strides"] = float(len(strides))
    s["cadence_steps_per_min"] = 60.0 / _nanmedian(step_times) if step_times else math.nan
    s["stride_s"] = _nanmedian(strides) if strides else math.nan
    for leg in SIDES:
        own = [x for x in steps if x.leg == leg]
        s[f"steps_{leg}"] = float(len(own))
        s[f"step_s_{leg}"] = _nanmedian([x.measures["step_s"] for x in own])
        s[f"stance_s_{leg}"] = _nanmedian(stance[leg])
        s[f"swing_s_{leg}"] = _nanmedian(swing[leg])
        for name in ("ankle_at_contact_deg", "ankle_swing_peak_deg", "toe_clearance_ratio",
                     "hip_flexion_swing_peak_deg", "knee_flexion_swing_peak_deg"):
            s[f"{name.rpartition('_')[0]}_{leg}_{name.rpartition('_')[2]}"] = _nanmedian(
                [x.measures[name] for x in own])
        s[f"foot_drop_steps_{leg}"] = float(sum("foot_drop" in x.faults for x in own))
        s[f"foot_judged_steps_{leg}"] = float(sum(math.isfinite(x.measures["ankle_swing_deg"]) for x in own))
    far = [leg for leg in SIDES if s[f"steps_{leg}"] and not s[f"foot_judged_steps_{leg}"]
           and any(x.measures["far_leg_flag"] == 1.0 for x in steps if x.leg == leg)]
    for leg in far:
        notes.append(f"{leg} foot not judged: it was the far leg from the camera (only a high-stepping swing is "
                     f"seen there); walk past the camera and back to check it")
    for name in ("step_s", "stance_s", "swing_s"):
        s[f"{name[:-2]}_asymmetry_ratio"] = _asymmetry(s[f"{name}_left"], s[f"{name}_right"])
    height = th.get("patient_height_m", 0.0)
    if height > 0 and lengths_shank and math.isfinite(s["cadence_steps_per_min"]):
        s["step_length_m"] = _nanmedian(lengths_shank) * SHANK_TO_HEIGHT_RATIO * height
        s["speed_m_per_s"] = s["step_length_m"] * s["cadence_steps_per_min"] / 60.0
    else:
        s["step_length_m"] = s["speed_m_per_s"] = math.nan
        notes.append("speed not measured: no scale (set patient_height_m for this patient)" if height <= 0
                     else "speed not measured: fewer than two consecutive steps seen")
    return s


def _step_rep(step: Step) -> RepEvent:
    """A step as the engine's rep: from the previous contact (or the swing's start) to this contact."""
    start = step.previous_contact_s if math.isfinite(step.previous_contact_s) else step.toe_off_s
    if not math.isfinite(start):
        start = step.contact_s
    m = step.measures
    low = {"ankle_dorsiflexion_deg": m["ankle_at_contact_deg"], "toe_clearance_ratio": m["toe_clearance_ratio"]}
    high = {"ankle_dorsiflexion_deg": m["ankle_swing_peak_deg"], "hip_flexion_deg": m["hip_flexion_swing_peak_deg"],
            "knee_flexion_deg": m["knee_flexion_swing_peak_deg"]}
    return RepEvent(step.index, start, step.contact_s, low, high, step.faults, leg=step.leg,
                    measures={**m, "toe_off_s": step.toe_off_s, "contact_heel_first_flag": float(
                        step.contact_kind == "heel") if step.contact_kind != "unknown" else math.nan})


def apply_events(report: ClipReport, events: str) -> ClipReport:
    """The report with its reps replaced by the steps the named detector finds in its recorded series.

    Args:
        report: the engine's report (its series hold the detector's signals).
        events: a name in EVENT_DETECTORS.

    Raises:
        ValueError: for an unknown detector name, listing the valid ones.
    """
    analysis = EVENT_DETECTORS.get(events)(report.t_s, report.series, report.thresholds, report.view,
                                           report.image_size)
    reps = tuple(_step_rep(s) for s in analysis.steps)
    counts: dict[str, int] = {}
    for rep in reps:
        for code in rep.faults:
            counts[code] = counts.get(code, 0) + 1
    return replace(report, reps=reps, partial_reps=(), fault_counts=counts, measures=analysis.summary,
                   notes=analysis.notes)


class LiveSteps:
    """Step faults while walking live: the gait analysis over the last few seconds, run about once a second.

    A step's faults are known only once its foot is down and its swing seen, so a live cue comes a second or two
    after the step; `steps` counts the steps found so far the same way. A fault is cued when a leg shows it on two
    of its steps running, not on one: at a webcam's 10-15 frames/s a swing is 4-5 frames, and one normal swing in
    a few reads past a limit (rendered walks through MediaPipe, 3600-3839: foot_drop precision 0.48-0.97 per step),
    while a dropped foot drops on every step. Keeps only a bounded window, so an hour's walk costs the same per
    frame as a minute's.
    """

    def __init__(self, events: str, thresholds: Mapping[str, float]) -> None:
        """Use the named detector (EVENT_DETECTORS) with a walk spec's thresholds.

        Raises:
            ValueError: for an unknown detector name, or a window not longer than the interval.
        """
        self._detect = EVENT_DETECTORS.get(events)
        self._th = dict(thresholds)
        self._window_s = float(thresholds["live_window_s"])
        self._interval_s = float(thresholds["live_interval_s"])
        if not self._window_s > self._interval_s > 0:
            raise ValueError(f"live_window_s must exceed live_interval_s > 0, got {self._window_s}, "
                             f"{self._interval_s}")
        self._frames: deque[tuple[float, Mapping[str, float]]] = deque()
        self._next_s = math.nan
        self._reported_s = -math.inf
        self.steps = 0  # steps found so far, each counted once as it is first found
        self._last_faults: dict[Side, frozenset[str]] = {}  # each leg's previous step's faults

    def update(self, t_s: float, values: Mapping[str, float], view: str = "side",
               image_size: tuple[int, int] = (0, 0)) -> tuple[str, ...]:
        """Record one frame's signals; returns the faults to cue, found on a newly finished step and its leg's last.

        Args:
            t_s: frame time, seconds (increasing; a frame that does not advance is ignored).
            values: the engine's signal values for this frame (FrameResult.values), NaN when unknown.
            view: the camera view, as for analyse_gait.
            image_size: (width, height) pixels.
        """
        if self._frames and t_s <= self._frames[-1][0]:
            return ()
        self._frames.append((t_s, dict(values)))
        while self._frames[0][0] < t_s - self._window_s:
            self._frames.popleft()
        if not math.isfinite(self._next_s):
            self._next_s = t_s + self._interval_s
        if t_s < self._next_s:
            return ()
        self._next_s = t_s + self._interval_s
        t = np.array([f[0] for f in self._frames])
        names = self._frames[-1][1].keys()
        series = {n: np.array([f[1].get(n, math.nan) for f in self._frames], float) for n in names}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            analysis = self._detect(t, series, self._th, view, image_size)
        # A step found again, its contact re-timed by the frames since (tens of milliseconds), is not new: two
        # steps are never closer than step_min_interval_s.
        new = [s for s in analysis.steps if s.contact_s > self._reported_s + 0.5 * self._th["step_min_interval_s"]]
        if new:
            self._reported_s = new[-1].contact_s
            self.steps += len(new)
        repeated = set()
        for step in new:
            if not step.faults and not math.isfinite(step.measures.get("ankle_swing_deg", math.nan)):
                continue  # a swing not judged (not seen whole, or the far leg) says nothing either way
            repeated |= self._last_faults.get(step.leg, frozenset()) & set(step.faults)
            self._last_faults[step.leg] = frozenset(step.faults)
        return tuple(sorted(repeated))
