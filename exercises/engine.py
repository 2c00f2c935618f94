"""The one engine that runs every exercise spec, frame by frame, live or over a recorded clip."""

from __future__ import annotations

import bisect
import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from exercises.body import REFERENCE_SEGMENTS, Body, ViewLimits, facing_sign, segment_lengths_px
from exercises.extremes import held_extremes
from exercises.gait import apply_events
from exercises.judged import form_view_limit_deg, rule_view_limit_deg, with_unjudged
from exercises.lookback import Lookback
from exercises.results import ClipReport, FaultEpisode, FrameResult, HoldEvent, RepEvent
from exercises.segment_reference import HeldLongest
from exercises.series import SeriesRecorder
from exercises.side import choose_side, side_votes, unswap_raised_leg
from exercises.signals import APPROXIMATE, CONFIDENCE_NAMES, RELIABLE, UNKNOWN, measure
from exercises.spec import ExerciseSpec, FrameRule, RepRule
from exercises.tracking import (
    EpisodeTracker,
    HoldTimer,
    RepCounter,
    RepSpan,
    RunningNeutral,
    UnseenEnd,
    WorkStartLevel,
    ZoneChange,
)
from pose.frames import PoseFrame, PoseSequence, pixel_xy
from pose.landmarks import SIDES, Side, sided
from pose.smoothing import OneEuroFilter
from pose.view import (
    classify_view,
    nearer_side,
    shoulder_width_ratio,
    view_from_side_deg,
    view_from_width_ratio_deg,
)

# Rows kept for rep statistics; a rep longer than this is judged on its last part.
_REP_BUFFER_S = 120.0
_FACING_EMA_WEIGHT = 0.1
# A standing adult fills a few hundred pixels of a phone's frame: the ratio of pixel to metre speeds, for smoothing.
_PX_PER_M = 500.0
# A spec without view thresholds averages the view over this long (see exercises.body.VIEW_THRESHOLDS).
_VIEW_SMOOTHING_S = 1.0


def _breaks(spec: ExerciseSpec, value: float, rule: FrameRule | RepRule) -> bool | None:
    if not math.isfinite(value):
        return None
    margin = spec.t(rule.margin) if getattr(rule, "margin", None) else 0.0
    if rule.above is not None:
        return value > spec.t(rule.above) + margin
    return value < spec.t(rule.below) - margin


def _within(episode: FaultEpisode, rep: RepEvent) -> bool:
    """Whether a fault episode belongs to a rep: it overlaps the rep, and began before the rep ended.

    A rep ends on the first frame back at rest. An episode that begins on that same frame began at rest: at 10
    frames/s a single-leg stance's foot set down for good crosses the stance's edge and the lower touch edge between
    two frames, and was taken for a touch in the stance.
    """
    return episode.end_s >= rep.start_s and episode.start_s < rep.end_s


@dataclass(frozen=True)
class Prepared:
    """What `Checker.update` derives from a frame before stepping its state (see `Checker.prepare`)."""

    values: dict[str, float]
    reliable: bool
    width_ratio: float
    confidence: dict[str, int] | None = None
    view_deg: float = math.nan


class Checker:
    """Scores one exercise as frames arrive. Feed PoseFrames in time order with `update`; `report` sums up."""

    def __init__(self, spec: ExerciseSpec, side: Side | None = None) -> None:
        """Start a set.

        Args:
            spec: the exercise (with any per-patient thresholds already applied).
            side: the working side, or None to choose it from the first `side_lock_s` of reliable footage.
        """
        self.spec = spec
        t = spec.t
        self._side: Side | None = side
        self._side_fixed = side is not None
        self._votes = 0.0
        self._vote_time_s = 0.0
        self._nearer_votes = 0.0
        self._facing_ema = 0.0
        self._filter = (OneEuroFilter(t("smoothing_min_cutoff_hz"), t("smoothing_beta_ratio"))
                        if t("smoothing_enabled_flag") else None)
        # World landmarks move in metres, pixels in hundreds per metre: the same filter, its speed term scaled.
        self._world_filter = (OneEuroFilter(t("smoothing_min_cutoff_hz"), t("smoothing_beta_ratio") * _PX_PER_M)
                              if t("smoothing_enabled_flag") else None)
        self._limits = ViewLimits.from_thresholds(spec.thresholds)
        # Specs with one leg raised and one resting put the pose model's swapped leg labels back (exercises.side).
        self._leg_swap_rise_min_deg = spec.thresholds.get("leg_swap_thigh_rise_min_deg", math.inf)
        self._leg_unseen_swap_min_deg = spec.thresholds.get("leg_unseen_swap_thigh_min_deg", math.inf)
        self._view_smoothing_s = spec.thresholds.get("view_smoothing_s", _VIEW_SMOOTHING_S)
        self._view = math.nan
        self._view_t = -math.inf
        # Each tracked segment's full image length, for reading depth or a misplaced joint from its foreshortening.
        self._reference = HeldLongest(2 * len(REFERENCE_SEGMENTS), t("segment_full_held_min_s"))
        self._lookback = Lookback()  # what signals that look back remember of earlier frames
        partial_ratio = t(spec.rep.partial_min_ratio) if spec.rep.partial_min_ratio else None
        unseen_max_s = t(spec.rep.dwell_unseen_max_s) if spec.rep.dwell_unseen_max_s else math.inf
        rest_dwell_s = t(spec.rep.rest_dwell_s) if spec.rep.rest_dwell_s else None
        rest_return = ((t(spec.rep.rest_return_min_ratio), t(spec.rep.rest_return_still_s),
                        t(spec.rep.rest_return_still_max)) if spec.rep.rest_return_min_ratio else None)
        unseen_rest_s = t(spec.rep.unseen_rest_min_s) if spec.rep.unseen_rest_min_s else math.inf
        self._counter = RepCounter(spec.rep.mode, *spec.rep_band(), t(spec.rep.dwell_s), partial_ratio, unseen_max_s,
                                   rest_dwell_s, rest_return, unseen_rest_s)
        self._zones = self._counter.zones
        # A cycle's end the rep signal misses, filled in from a second measurement (RepSpec.unseen_end_signal).
        self._unseen_end = (UnseenEnd(*spec.rep_band(), t(spec.rep.neutral_window_s),
                                      *(t(n) for n in spec.rep.unseen_end_thresholds))
                            if spec.rep.unseen_end_signal else None)
        self._filled_s: list[float] = []  # when the rep signal was filled in: a rep over them is only approximate
        self._neutral = (RunningNeutral(t(spec.rep.neutral_window_s),
                                        t(spec.rep.neutral_quantile_ratio) if spec.rep.neutral_quantile_ratio else 0.5,
                                        t(spec.rep.neutral_offset_max) if spec.rep.neutral_offset_max else math.inf,
                                        t(spec.rep.neutral_below_max) if spec.rep.neutral_below_max else None,
                                        self._rest_band(spec),
                                        t("neutral_rest_trusted_after_s") if spec.rep.neutral_rest_edge else 0.0,
                                        spec.nominal_rest())
                         if spec.rep.neutral_window_s else None)
        # The neutral at the last judged frame, which a hold measured from it (HoldSpec.from_neutral) subtracts and
        # the report keeps per frame; NaN before the first (a hold is only stepped after the rep, which sets it).
        self._neutral_value = math.nan
        # RepSpec.neutral_kept_in_rep: (within, max_s); the held rep whose neutral is kept (when its work zone came),
        # and from what.
        self._kept_limits = tuple(t(n) for n in spec.rep.neutral_kept_in_rep) if spec.rep.neutral_kept_in_rep else None
        self._kept_since_s = self._kept_from = math.nan
        self._rest = self._counter.rest
        self._hold = (
            HoldTimer(*spec.hold_band(), t(spec.hold.min_s), t(spec.hold.gap_max_s),
                      t(spec.hold.settle_s),
                      t(spec.hold.unseen_gap_max_s) if spec.hold.unseen_gap_max_s else None,
                      t(spec.hold.still_max_per_s) if spec.hold.still_max_per_s else math.inf,
                      t(spec.hold.still_window_s) if spec.hold.still_window_s else 0.0,
                      t(spec.hold.plateau_ratio) if spec.hold.plateau_ratio else None,
                      t(spec.hold.unseen_credit_max_s) if spec.hold.unseen_credit_max_s else 0.0,
                      t(spec.hold.out_blip_max_s) if spec.hold.out_blip_max_s else None)
            if spec.hold else None
        )
        self._rules = [r for r in spec.frame_rules if spec.rule_on(r)]
        # Each signal's view limit (spec.form_view_max): from further round no rule judges it; inf for none.
        self._form_view_max_deg = {n: form_view_limit_deg(spec, n) for n in spec.signals}
        self._rule_view_max_deg = [rule_view_limit_deg(spec, r) for r in self._rules]
        # One tracker per rule: two rules may share a code (a band broken on either side).
        self._episodes = [EpisodeTracker(r.code, t(r.min_duration_s), t("fault_unseen_max_s")) for r in self._rules]
        # Rules judged from their signal's level at rest (FrameRule.from_rest_window_s): that level, and its last value.
        self._rest_levels = [RunningNeutral(t(r.from_rest_window_s)) if r.from_rest_window_s else None
                             for r in self._rules]
        self._rest_level_now = [math.nan] * len(self._rules)
        # Rules judged from the level their signal took as the work began (FrameRule.from_work_start_s).
        self._work_levels = [WorkStartLevel(t(r.from_work_start_s)) if r.from_work_start_s else None
                             for r in self._rules]
        # When each such rule's rest level was first known (NaN until then): before it, the rule judges nothing.
        self._rest_seen_from_s = [math.nan] * len(self._rules)
        self._severity = {f.code: f.severity for f in spec.faults}
        self._buffer: deque[tuple[float, dict[str, float]]] = deque()
        # A rep's extremes are what its signals held this long (exercises.extremes), not one misread frame.
        self._held_s = t("rep_extreme_held_min_s")
        self._rise_start_window_s = t("rise_start_window_s")
        # The frames either side of a rep that its extremes read: a stretch overlapping the rep starts and ends there.
        self._held_margin_s = 2 * self._held_s
        # Reps and partial reps as counted, beside the counter's spans (which know until when each is measured:
        # for a cycle, until its second end position is left, so the whole excursion counts).
        self._reps: list[RepEvent] = []
        self._rep_spans: list[RepSpan] = []
        self._partials: list[RepEvent] = []
        self._partial_spans: list[RepSpan] = []
        self._holds: list[HoldEvent] = []
        self._closed_episodes: list[FaultEpisode] = []
        # Times are float64 for precision; the rest float32 (plenty for degrees and ratios).
        self._times: list[float] = []
        self._series = SeriesRecorder((*spec.signals, "_reliable", "_seen", "_neutral", "_width_ratio", "_view_deg",
                                       *(f"_conf:{n}" for n in spec.signals)))
        self._last_t = -math.inf
        self._image_size = (0, 0)
        # A rep's view is measured as it is counted where a rule of the rep depends on it.
        self._rep_view_needed = bool(spec.rep.timing_view_max or spec.form_view_max)

    @property
    def frames(self) -> int:
        """Frames fed so far."""
        return len(self._times)

    @property
    def side(self) -> Side:
        """The working side (left until one is chosen)."""
        return self._side or "left"

    def _choose_side(self, xy: np.ndarray, frame: PoseFrame, dt: float) -> None:
        if self._side_fixed:
            return
        vote = float(side_votes(self.spec.side_rule, xy[None], frame.world_xyz[None], frame.visibility[None],
                                self.spec.thresholds)[0])
        if vote != 0:
            self._votes += vote
            self._vote_time_s += dt
        else:  # as choose_side: the side facing the camera stands in until the exercise's own rule has voted
            self._nearer_votes += float(nearer_side(frame.world_xyz[None], frame.visibility[None])[0])
        votes = self._votes if self._vote_time_s > 0 else self._nearer_votes
        self._side = "right" if votes < 0 else "left"
        # Fixed once enough footage has voted, so angles never jump to the other leg mid-set.
        self._side_fixed = self._vote_time_s >= self.spec.t("side_lock_s")

    def _signals(self, xy: np.ndarray, world: np.ndarray, frame: PoseFrame, view: float,
                 visibility: np.ndarray) -> tuple[dict[str, float], dict[str, int]]:
        sign = np.array([self._facing_step(float(facing_sign(xy[None], self.spec.facing_from)[0]))])
        reference = self._reference.step(frame.t_s, segment_lengths_px(xy[None])[0])
        body = Body(xy[None], frame.back_profile[None], self.side, sign, world[None], np.array([view]),
                    visibility[None], self._limits, reference[None],
                    self.spec.thresholds, np.array([frame.t_s]), self._lookback)
        values, conf = {}, {}
        for name in self.spec.signals:
            v, c = measure(name, body)
            values[name], conf[name] = float(v[0]), int(self._form_capped(name, c, body.view)[0])
        return values, conf

    def _form_capped(self, name: str, codes: np.ndarray, view_deg: np.ndarray) -> np.ndarray:
        """Confidence codes no better than approximate where the view is past the spec's form limit for `name`.

        Such a value still counts reps, but its rules are not judged there (ExerciseSpec.form_view_max), so a rep
        filmed from there must not read "reliable".
        """
        limit = self._form_view_max_deg[name]
        if limit == math.inf:
            return codes
        with np.errstate(invalid="ignore"):
            past = np.asarray(view_deg) > limit
        return np.where(past, np.minimum(codes, APPROXIMATE), codes)

    def _step_neutral(self, t_s: float, x: float) -> float:
        """The rep's neutral at this reading, kept near the rest before a rep held (RepSpec.neutral_kept_in_rep)."""
        if self._kept_limits is None:
            return self._neutral.step(t_s, x)
        within, max_s = self._kept_limits
        since_s = self._counter.working_since_s
        if math.isfinite(self._kept_since_s) and since_s != self._kept_since_s:
            # The rep held is over. Back at rest, its readings were the stretch, not the rest: the window forgets them
            # (a 60 s stretch would otherwise be most of it after, and the next stretch read as rest).
            if self._zones.accepted == self._rest:
                self._neutral.forget(self._kept_since_s, self._zones.left_s)
            self._kept_since_s = math.nan
        value = self._neutral.step(t_s, x)
        if not t_s - since_s <= max_s:
            self._kept_since_s = math.nan  # held past max_s: the neutral follows the readings again, and keeps them
            return value
        if since_s != self._kept_since_s:
            # The neutral as the work zone is accepted: a frame's spike at rest can lift a quantile of a few seconds'
            # readings for that frame; a second into the rep, the rest before it still outweighs the rep.
            self._kept_since_s, self._kept_from = since_s, value
        # Resting high, the neutral sinks no further than `within` below that; resting low, rises no further above.
        if self._rest == "high":
            return max(value, self._kept_from - within)
        return min(value, self._kept_from + within)

    @staticmethod
    def _rest_band(spec: ExerciseSpec) -> tuple[float, float] | None:
        """Offsets from the neutral of the readings it is taken from (RepSpec.neutral_rest_edge); None: all."""
        if not spec.rep.neutral_rest_edge:
            return None
        edge = spec.t(spec.rep.neutral_rest_edge) - spec.nominal_rest()
        return (edge, math.inf) if spec.rep.mode == "return_to_high" else (-math.inf, edge)

    def _world(self, world_xyz: np.ndarray, visibility: np.ndarray) -> np.ndarray:
        """(..., 33, 3) world landmarks, NaN where not visible enough (as pixel_xy does for the image)."""
        seen = visibility >= self.spec.t("landmark_visibility_min_ratio")
        return np.where(seen[..., None], world_xyz, np.nan)

    def _raw_view(self, world: np.ndarray, width_ratio: np.ndarray) -> np.ndarray:
        view = view_from_side_deg(world)
        return np.where(np.isfinite(view), view, view_from_width_ratio_deg(width_ratio))

    def _view_step(self, t_s: float, raw: float) -> float:
        # A running average over time: the body turns slowly, MediaPipe's depth jitters from frame to frame.
        if math.isfinite(raw):
            if math.isfinite(self._view):
                a = 1.0 - math.exp(-(t_s - self._view_t) / self._view_smoothing_s) if self._view_smoothing_s else 1.0
                self._view += a * (raw - self._view)
            else:
                self._view = raw
            self._view_t = t_s
        return self._view

    def _facing_step(self, forward: float) -> float:
        # The facing direction is a running average of scored frames: one frame's flip is noise, not a turn.
        if math.isfinite(forward):
            self._facing_ema += _FACING_EMA_WEIGHT * (forward - self._facing_ema)
        return math.copysign(1.0, self._facing_ema) if self._facing_ema else math.nan

    def _reliable_pose(self, xy: np.ndarray) -> np.ndarray:
        """(...) whether every required part is known, for (..., 33, 2) landmarks.

        On the working side; or on either side for a spec whose event detector reads both legs (walking). Walked
        past the camera and back, the working side chosen on the way out is the far one on the way back: its knee
        and ankle fell under the visibility floor as the walker came back in, and 1.5 s of every signal was lost
        (rendered walk 3715: 7 of the way back's 10 steps found, 10 on that pass alone).
        """
        sides = SIDES if self.spec.events else (self.side,)
        known = [np.isfinite(xy[..., [sided(p, side) for p in self.spec.required_parts], :]).all(axis=(-2, -1))
                 for side in sides]
        return np.logical_or.reduce(known)

    def prepare(self, sequence: PoseSequence) -> list[Prepared | None]:
        """The per-frame work of `update` for a whole recorded clip at once (signals are vectorised over frames).

        `update(frame, prepared)` then gives exactly what `update(frame)` would, several times faster. Only for a
        checker whose side is fixed, fed this sequence's frames in order and nothing else (the smoothing and
        facing state advance here). Frames that `update` would ignore (time not advancing) get None.
        """
        if not self._side_fixed:
            raise ValueError("prepare needs the working side fixed (give it to Checker)")
        spec = self.spec
        keep, last = [], self._last_t
        for i, t in enumerate(sequence.t_s.tolist()):
            if t > last:
                keep.append(i)
                last = t
        t_s = sequence.t_s[keep]
        visibility = sequence.visibility[keep]
        xy = pixel_xy(sequence.xyz[keep], visibility, sequence.image_size, spec.t("landmark_visibility_min_ratio"))
        xy, world_xyz, visibility = unswap_raised_leg(xy, sequence.world_xyz[keep], visibility, self.side,
                                                      self._leg_swap_rise_min_deg, self._leg_unseen_swap_min_deg)
        if self._filter is not None:
            xy = np.stack([self._filter(t, frame_xy) for t, frame_xy in zip(t_s.tolist(), xy)]) if len(xy) else xy
        world = self._world(world_xyz, visibility)
        if self._world_filter is not None and len(world):
            world = np.stack([self._world_filter(t, w) for t, w in zip(t_s.tolist(), world)])
        found = sequence.found[keep]
        reliable = found & self._reliable_pose(xy)
        forward = facing_sign(xy, spec.facing_from)
        width_arr = np.where(found, shoulder_width_ratio(xy), math.nan)
        raw_view = self._raw_view(world, width_arr)
        lengths = segment_lengths_px(xy)
        sign = np.full(len(xy), math.nan)
        view = np.full(len(xy), math.nan)
        reference = np.full(lengths.shape, np.nan)
        for i in np.flatnonzero(reliable):  # the facing average moves only on frames that are scored, as in update
            sign[i] = self._facing_step(float(forward[i]))
            view[i] = self._view_step(float(t_s[i]), float(raw_view[i]))
            reference[i] = self._reference.step(float(t_s[i]), lengths[i])
        # Signals see the frames update would measure, and no others: one that looks back remembers only those.
        r = np.flatnonzero(reliable)
        body = Body(xy[r], sequence.back_profile[keep][r], self.side, sign[r], world[r], view[r], visibility[r],
                    self._limits, reference[r], spec.thresholds, t_s[r], self._lookback)
        columns, confs = {}, {}
        for name in spec.signals:
            v, c = measure(name, body)
            column, conf = np.full(len(xy), math.nan), np.full(len(xy), UNKNOWN)
            column[r], conf[r] = v, self._form_capped(name, c, view[r])
            columns[name], confs[name] = column.tolist(), conf.tolist()
        width = width_arr.tolist()
        view_list = view.tolist()
        out: list[Prepared | None] = [None] * len(sequence)
        for j, i in enumerate(keep):
            out[i] = Prepared({name: columns[name][j] for name in spec.signals}, bool(reliable[j]), width[j],
                              {name: confs[name][j] for name in spec.signals}, view_list[j])
        return out

    def update(self, frame: PoseFrame, prepared: Prepared | None = None) -> FrameResult:
        """Score one frame. A frame that does not advance time is ignored (its result repeats the state).

        Args:
            frame: the next frame.
            prepared: this frame's entry from `prepare` (recorded clips); None to do that work here (live).
        """
        spec = self.spec
        t_s = frame.t_s
        self._image_size = frame.image_size
        dt = t_s - self._last_t if math.isfinite(self._last_t) else 0.0
        if t_s <= self._last_t:
            return self._result(t_s, False, {n: math.nan for n in spec.signals}, None)
        self._last_t = t_s
        self._counter.footage_frame(t_s)
        if prepared is None:
            raw = pixel_xy(frame.xyz, frame.visibility, frame.image_size, spec.t("landmark_visibility_min_ratio"))
            world_xyz, visibility = frame.world_xyz, frame.visibility
            if self._side_fixed:  # as prepare does; while the side is being chosen, the votes see the labels as given
                swapped = unswap_raised_leg(raw[None], world_xyz[None], visibility[None], self.side,
                                            self._leg_swap_rise_min_deg, self._leg_unseen_swap_min_deg)
                raw, world_xyz, visibility = (a[0] for a in swapped)
            xy = self._filter(t_s, raw) if self._filter is not None else raw
            world = self._world(world_xyz, visibility)
            world = self._world_filter(t_s, world) if self._world_filter is not None else world
            self._choose_side(xy, frame, dt)
            reliable = frame.found and bool(self._reliable_pose(xy))
            width_ratio = float(shoulder_width_ratio(xy[None])[0]) if frame.found else math.nan
            view = math.nan
            if reliable:
                view = self._view_step(t_s, float(self._raw_view(world[None], np.array([width_ratio]))[0]))
                values, conf = self._signals(xy, world, frame, view, visibility)
            else:
                values, conf = {n: math.nan for n in spec.signals}, {n: UNKNOWN for n in spec.signals}
        else:
            values, reliable, width_ratio = prepared.values, prepared.reliable, prepared.width_ratio
            conf = prepared.confidence or {n: UNKNOWN for n in spec.signals}
            view = prepared.view_deg
        # The body seen, whether or not the rep measurement could be read from it: a person in the picture but not in
        # the position the exercise is measured from (a pelvic tilt without the hands on the hip bones) is told so,
        # not asked to move the camera.
        seen = reliable
        reliable = reliable and math.isfinite(values[spec.rep.signal])
        # Out of the exercise's posture (kneeling up, standing up from the floor) nothing is judged,
        # though the pose itself may be fine.
        in_posture = self._in_posture(values)
        judged = reliable and in_posture
        self._times.append(t_s)
        # The rep signal's neutral as of the last judged frame (NaN before one, or for a spec without): the chart
        # draws the rep's zones around it.
        self._series.append([*(values[n] for n in spec.signals), float(reliable), float(seen), self._neutral_value,
                             width_ratio, view, *(float(conf[n]) for n in spec.signals)])
        if not judged:
            # A degraded frame counts nothing and changes no state; holds may bridge it (unseen_gap_max_s).
            if self._hold:
                self._finish_hold(self._hold.step(t_s, math.nan, False))
            return self._result(t_s, False, values, None, seen=seen, in_posture=in_posture)
        self._buffer.append((t_s, values))
        while self._buffer and self._buffer[0][0] < t_s - _REP_BUFFER_S:
            self._buffer.popleft()
        rep, partial = self._step_reps(t_s, values)
        self._step_faults(t_s, values, view)
        if self._hold and self._rest is not None and self._zones.accepted == self._rest:
            # Back at the start position: whatever hold there was has ended, however briefly the person stood.
            self._finish_hold(self._hold.close())
        if self._hold:
            faulted = any(tr.active and self._severity[tr.code] != "info" for tr in self._episodes)
            self._finish_hold(self._hold.step(t_s, self._held_value(values), faulted))
        return self._result(t_s, True, values, rep, partial, seen=True)

    def _in_posture(self, values: dict[str, float]) -> bool:
        tilt = values[self.spec.posture_signal]
        return not math.isfinite(tilt) or tilt <= self.spec.t("posture_trunk_tilt_max_deg")

    def _in_rep(self) -> bool:
        return self._counter.in_rep

    def _held_value(self, values: dict[str, float]) -> float:
        return values[self.spec.hold.signal] - (self._neutral_value if self.spec.hold.from_neutral else 0.0)

    def _in_hold(self, t_s: float, values: dict[str, float]) -> bool:
        # A hold is judged while settled and in its band: not in the gap a hold survives, which is often the way
        # out of it (going down from the elbows, the elbows pass ahead of the shoulders for about a second).
        return (self._hold is not None and self._hold.settled(t_s)
                and self._hold.low <= self._held_value(values) <= self._hold.high)

    def _working(self) -> bool:
        """Whether the rep signal's accepted zone is a work zone (not rest, and known)."""
        return self._zones.accepted is not None and self._zones.accepted != self._rest

    def _context(self, t_s: float, during: str, values: dict[str, float]) -> bool:
        # Per rule and frame: only what the rule's context needs is worked out.
        if during == "rep":
            return self._in_rep()
        if during == "work":
            return self._working()
        if during == "hold":
            return self._in_hold(t_s, values)
        if during == "rep_or_hold":
            return self._in_rep() or self._in_hold(t_s, values)
        if during == "always":
            return True
        raise KeyError(during)

    def _step_faults(self, t_s: float, values: dict[str, float], view_deg: float) -> None:
        at_rest = self._rest is not None and self._zones.accepted == self._rest and self._zones.raw == self._rest
        working = self._working()
        for i, (rule, tracker, view_max) in enumerate(zip(self._rules, self._episodes, self._rule_view_max_deg)):
            value = values[rule.signal]
            if (level := self._rest_levels[i]) is not None:
                if at_rest:
                    # Only rest frames move the level: whatever the person does between rests keeps the last one.
                    self._rest_level_now[i] = level.step(t_s, value)
                    if math.isnan(self._rest_seen_from_s[i]) and math.isfinite(self._rest_level_now[i]):
                        self._rest_seen_from_s[i] = t_s
                value -= self._rest_level_now[i]
            if (start := self._work_levels[i]) is not None:
                value -= start.step(t_s, value, working)
            if view_deg > view_max:  # filmed from where this measurement is not trusted: unknown, not "no fault"
                cond = None
            elif self._context(t_s, rule.during, values):
                cond = _breaks(self.spec, value, rule)
            else:
                cond = False
            episode = tracker.step(t_s, cond)
            if episode:
                self._closed_episodes.append(episode)

    def _step_reps(self, t_s: float, values: dict[str, float]) -> tuple[RepEvent | None, RepEvent | None]:
        x = values[self.spec.rep.signal]
        if self._neutral is not None:
            self._neutral_value = self._step_neutral(t_s, x)
            x = x - self._neutral_value
        if self._unseen_end is not None:
            x = self._unseen_end.step(t_s, x, values[self.spec.rep.unseen_end_signal])
            if self._unseen_end.filled:
                self._filled_s.append(t_s)
        change, spans = self._counter.step(t_s, x)
        if change is not None:
            self._check_end_hold(change)
        rep = partial = None
        for span in spans:
            if span.partial:
                partial = self._complete_rep(span, t_s)
            elif not self._only_the_neutral_settled(span):
                rep = self._complete_rep(span, t_s)
        return rep, partial

    def _lock_on_settled_s(self) -> float:
        """When the pose model has settled on the person: `pose_lock_on_s` after the first frame."""
        return self._times[0] + self.spec.t("pose_lock_on_s")

    def _only_the_neutral_settled(self, span: RepSpan) -> bool:
        """Whether a rep from the footage's first instant is only its running neutral settling, not a movement.

        A pose model locking on reads the first frames off the rest that follows (pelvic tilts rendered through
        MediaPipe: the hand 52 degrees at the first frame, 44 from 0.6 s on, still), so the neutral starts at the
        first reading, the rest reads as a tilt from it, and as the neutral follows the readings down the "tilt"
        ends: a rep of a second, flagged too fast. Such a rep left a rest never held, in the first `pose_lock_on_s`,
        and from then to its end its signal spans less than the band between its zones (what the counter needs to
        cross with the neutral still): it neither went further nor came back. A rep that left a rest held, started
        later, or moves that far after the locking on (a tilt begun as the pose model locks on, a sphinx first found
        part way up that comes down again) is a rep.
        """
        settled_s = self._lock_on_settled_s()
        if span.rest_held or self._neutral is None or span.start_s > settled_s:
            return False
        rows = [(ts, v[self.spec.rep.signal]) for ts, v in self._buffer if span.start_s <= ts <= span.end_s]
        t = np.array([ts for ts, _ in rows], float)
        x = np.array([v for _, v in rows], float)
        known = np.isfinite(x)
        t, x = t[known], x[known]
        if not (t > settled_s).any():
            return True  # over while the pose model was locking on
        # From the last reading as the locking on ended (frames unread then are no movement missed).
        x = x[max(int(np.searchsorted(t, settled_s, side="right")) - 1, 0):]
        low, high = self.spec.rep_band()
        return bool(x.max() - x.min() < high - low)

    def _check_end_hold(self, change: ZoneChange) -> None:
        rep = self.spec.rep
        if not rep.end_hold_min_s or change.previous in (None, self._rest):
            return
        if rep.end_hold_enabled_by and self.spec.t(rep.end_hold_enabled_by) == 0:
            return
        if change.previous_held_s < self.spec.t(rep.end_hold_min_s):
            start = self._zones.left_s - change.previous_held_s
            self._closed_episodes.append(FaultEpisode(rep.end_hold_fault, start, self._zones.left_s))

    def _complete_rep(self, span: RepSpan, now_s: float) -> RepEvent:
        """A rep (or partial rep) the counter just found, measured on what the buffer holds up to now."""
        start = self._movement_start(self._start_after_locking_on(span))
        rows = [(ts, v) for (ts, v) in self._buffer if start - self._held_margin_s <= ts <= now_s]
        times = np.array([ts for ts, _ in rows], float)
        low, high = {}, {}
        for name in self.spec.signals:
            low[name], high[name] = held_extremes(times, np.array([v[name] for _, v in rows], float), start, now_s,
                                                  self._held_s)
        done, spans = (self._partials, self._partial_spans) if span.partial else (self._reps, self._rep_spans)
        rep = RepEvent(len(done) + 1, start, span.end_s, low, high, partial=span.partial,
                       view_deg=self._rep_view_deg(start, now_s) if self._rep_view_needed else math.nan,
                       start_seen=span.start_seen)
        faults = self._rep_faults(rep) | {tr.code for tr in self._episodes
                                          if tr.active and tr.start_s < span.end_s}
        rep = replace(rep, faults=tuple(sorted(faults)))
        done.append(rep)
        spans.append(span)
        return rep

    def _start_after_locking_on(self, span: RepSpan) -> float:
        """When a rep that left its rest in the first `pose_lock_on_s` left the rest the settled model read.

        A pose model locking on reads the first frames off the rest that follows, the running neutral starts there,
        and the rest reads as a rep already under way: its start, and so its duration, was the footage's first
        instant (pelvic tilts in fault sweeps 7103 and 7105: the hand 49-66 degrees at the first frame, 37-53 and
        still from 0.6 s, a 1.2 s tilt from 1.0 s timed 2.1-2.2 s and not flagged too fast). Its start is then the
        first reading past the rest edge from the reading as the locking on ended; the span's own start where the
        signal never goes that far, or was not read then.
        """
        settled_s = self._lock_on_settled_s()
        # A rest "held" inside the first second is no proof of one: the locking on can read still for the rest's
        # dwell (seed 7204: first found at 0.2 s, the hand 47 degrees, 41 and still from 0.6 s). A cycle has no rest.
        if self._neutral is None or self._rest is None or span.start_s > settled_s:
            return span.start_s
        rows = [(ts, v[self.spec.rep.signal]) for ts, v in self._buffer if ts <= span.end_s]
        t = np.array([ts for ts, _ in rows], float)
        x = np.array([v for _, v in rows], float)
        at = int(np.searchsorted(t, settled_s, side="right")) - 1
        if at < 0 or not math.isfinite(x[at]):
            return span.start_s
        low, high = self.spec.rep_band()
        with np.errstate(invalid="ignore"):
            left = x[at + 1:] < x[at] + high if self._rest == "high" else x[at + 1:] > x[at] + low
        found = np.flatnonzero(left)
        return float(t[at + 1 + found[0]]) if found.size else span.start_s

    def _movement_start(self, left_rest_s: float) -> float:
        """When the rep's movement began, for a spec that times reps from rest (RepSpec.start_from_rest_within).

        The last moment before it left the rest zone (at `left_rest_s`) that its signal was within that much of its
        rest since the last rep; `left_rest_s` for a spec without it, or with nothing known before.
        """
        within = self.spec.rep.start_from_rest_within
        if not within:
            return left_rest_s
        since = max((r.end_s for r in (*self._reps, *self._partials)), default=-math.inf)
        before = [(t, v[self.spec.rep.signal]) for t, v in self._buffer if since < t <= left_rest_s]
        x = np.array([v for _, v in before], float)
        if not np.isfinite(x).any():
            return left_rest_s
        rest = np.nanmin(x) if self.spec.rep.mode == "return_to_low" else np.nanmax(x)
        with np.errstate(invalid="ignore"):
            at_rest = np.flatnonzero(np.abs(x - rest) <= self.spec.t(within))
        return float(before[at_rest[-1]][0])

    def _rep_view_deg(self, start_s: float, end_s: float) -> float:
        """The median view (degrees off side-on) over a rep's frames so far; NaN if never known."""
        t = np.array(self._times, float)
        view = self._series.column("_view_deg")[(t >= start_s) & (t <= end_s)]
        view = view[np.isfinite(view)]
        return float(np.median(view)) if view.size else math.nan

    def _timing_known(self, rep: RepEvent) -> bool:
        """Whether a rep's duration is known: not when filmed from where the rep signal misses the movement's ends.

        Nor for a rep first seen under way (RepEvent.start_seen). An unknown view counts as side-on, as it does for
        each signal's confidence (exercises.signals).
        """
        limit = self.spec.rep.timing_view_max
        return rep.start_seen and (limit is None or not rep.view_deg > self.spec.t(limit))

    def _short_range(self, rep: RepEvent, among: Sequence[RepEvent]) -> bool:
        """Whether a counted movement breaks the rep rule named for the range fault (cat-cow's spine range).

        Such a movement reached both zones yet moved too little overall (zones are relative to a running neutral):
        it is reported as a partial rep with the range fault, never as a rep (issue 13: small cycles). Judged in
        `report`, on the whole movement: when a cycle is counted, its last end is still being held and its range
        is not known yet (a live count may show such a cycle as a rep until the set ends).
        """
        fault = self.spec.rep.partial_fault
        return fault is not None and any(r.code == fault for r in self.spec.rep_rules) and \
            fault in self._rep_rule_faults(rep, among)

    def _rep_faults(self, rep: RepEvent, among: Sequence[RepEvent] = ()) -> set[str]:
        """A rep's faults from its statistics and from the episodes that closed within it.

        A partial rep carries the range fault instead of the rep rules: those judge a completed movement, and a
        partial one is short in range and, timed only while it is out of rest, in duration too, by definition. Timed
        from its rest (RepSpec.start_from_rest_within), its duration is the whole movement's, so the rules on its
        duration judge it too: a flick that fell short is still a flick.
        """
        codes = {e.code for e in self._closed_episodes if _within(e, rep)}
        if rep.partial:
            timed = self.spec.rep.start_from_rest_within is not None
            return codes | {self.spec.rep.partial_fault} | set(self._rep_rule_faults(rep, among, timed_only=True)
                                                                 if timed else ())
        return codes | set(self._rep_rule_faults(rep, among))

    def _rep_rule_faults(self, rep: RepEvent, among: Sequence[RepEvent] = (), timed_only: bool = False) -> list[str]:
        """The rep rules `rep` breaks (only those on its duration if `timed_only`).

        A share of the best is of the best among `among` (all the set's reps, as finally measured), or while live,
        of the reps so far and this one.
        """
        out = []
        for rule in self.spec.rep_rules:
            if not self.spec.rule_on(rule) or (timed_only and rule.stat != "duration_s"):
                continue
            if _breaks(self.spec, self._rep_stat(rep, rule.stat, among), rule):
                out.append(rule.code)
        return out

    def _rep_stat(self, rep: RepEvent, stat: str, among: Sequence[RepEvent]) -> float:
        """A rep rule's statistic (RepRule.stat) of `rep`; NaN where unknown."""
        kind, _, sig = stat.partition(":")
        if kind == "duration_s":
            return rep.duration_s if self._timing_known(rep) else math.nan
        if rep.view_deg > self._form_view_max_deg.get(sig, math.inf):
            return math.nan
        if kind == "max":
            return _high(rep, sig)
        if kind == "min":
            return rep.low.get(sig, math.nan)
        if kind == "range":
            return _range(rep, sig)
        if kind == "range_share_of_best":
            return _share_of_best(rep, sig, among or (*self._reps, rep))
        if kind == "max_share_of_others":
            return _share_of_others(rep, sig, among or (*self._reps, rep))
        if kind == "rise":
            return _high(rep, sig) - self._start_value(rep, sig)
        raise KeyError(stat)  # ExerciseSpec validates stats when a spec is built

    def _start_value(self, rep: RepEvent, sig: str) -> float:
        """`sig` where the movement began: its median over the `rise_start_window_s` before the rep; NaN if unknown.

        Before the rep, not its first value in it: a rep starts once its own signal has left the rest zone, and a
        signal moving with it has moved by then. A back extension's hips go forward as the trunk leans: at the rep's
        start they were already 0.025 of a leg length ahead of where the person stood, and a push of 0.045 read as
        0.02, short of the rule's 0.022, on every rep (fresh seed 7502). Its first value in the rep when nothing is
        known before it (the footage starts with the rep).
        """
        column = self._series.column(sig)
        before = column[bisect.bisect_left(self._times, rep.start_s - self._rise_start_window_s):
                        bisect.bisect_left(self._times, rep.start_s)]
        known = before[np.isfinite(before)]
        if known.size:
            return float(np.median(known))
        values = column[bisect.bisect_left(self._times, rep.start_s):bisect.bisect_right(self._times, rep.end_s)]
        known = values[np.isfinite(values)]
        return float(known[0]) if known.size else math.nan

    def _finish_hold(self, hold: HoldEvent | None) -> None:
        if hold is not None:
            self._holds.append(hold)

    def _result(self, t_s: float, reliable: bool, values: dict[str, float], rep: RepEvent | None,
                partial: RepEvent | None = None, seen: bool = False, in_posture: bool = True) -> FrameResult:
        active = tuple(sorted({tr.code for tr in self._episodes if tr.active}))
        return FrameResult(
            t_s, reliable, values, self._zones.accepted, len(self._reps),
            self._hold.good_s if self._hold else 0.0, active, rep, len(self._partials), partial, seen, in_posture,
            self._neutral_value if self._neutral is not None else math.nan,
        )

    def _final_reps(self, reps: list[RepEvent], spans: list[RepSpan]) -> list[RepEvent]:
        # Reps are re-measured over their whole extent now that it is known, their rep rules judged on that, and
        # episodes that closed after the rep was counted (e.g. a short hold at its last end) join it.
        t = np.array(self._times, float)
        last_t = t[-1] if len(t) else math.nan
        columns = {n: self._series.column(n) for n in self.spec.signals}
        confs = {n: self._series.column(f"_conf:{n}") for n in self.spec.signals}
        views = self._series.column("_view_deg")
        final = []
        for rep, span in zip(reps, spans):
            stop = last_t if math.isnan(span.stats_end_s) else span.stats_end_s
            window = (t >= rep.start_s) & (t <= stop)
            low, high = dict(rep.low), dict(rep.high)
            around = (t >= rep.start_s - self._held_margin_s) & (t <= stop + self._held_margin_s)
            t_around = t[around]
            for name, col in columns.items():
                if np.isfinite(col[window]).any():
                    low[name], high[name] = held_extremes(t_around, col[around], rep.start_s, stop, self._held_s)
            confidence = {}
            for name, col in confs.items():
                known = col[window][np.isfinite(columns[name][window])]
                # The confidence most of the rep's measured frames had (the lower one on a tie).
                confidence[name] = CONFIDENCE_NAMES[int(np.floor(np.median(known))) if known.size else UNKNOWN]
            first_filled = bisect.bisect_left(self._filled_s, rep.start_s)  # times are appended in order
            if confidence[self.spec.rep.signal] == CONFIDENCE_NAMES[RELIABLE] and \
                    first_filled < len(self._filled_s) and self._filled_s[first_filled] <= stop:
                # One end of the rep was read from a second measurement, not seen on the rep signal (UnseenEnd).
                confidence[self.spec.rep.signal] = CONFIDENCE_NAMES[APPROXIMATE]
            view = views[window]
            view = view[np.isfinite(view)]
            measured = replace(rep, low=low, high=high, view_deg=float(np.median(view)) if view.size else math.nan)
            if self.spec.rep.timing_view_max or not rep.start_seen:
                # The rep's duration has a confidence too: unknown from where the rep signal misses its ends, or
                # where its start was not seen.
                confidence["duration_s"] = CONFIDENCE_NAMES[RELIABLE if self._timing_known(measured) else UNKNOWN]
            final.append(replace(measured, confidence=confidence))
        # Judged once all are measured: a rep's share of the best is of the best as finally measured.
        return [replace(r, faults=tuple(sorted(self._rep_faults(r, final)))) for r in final]

    def report(self) -> ClipReport:
        """Close what is open and sum the set up. Call once, after the last frame."""
        for tracker in self._episodes:
            episode = tracker.close()
            if episode:
                self._closed_episodes.append(episode)
        if self._hold:
            self._finish_hold(self._hold.close())
        change, spans = self._counter.close()
        if change is not None:
            self._check_end_hold(change)
        for span in spans:
            if span.partial or not self._only_the_neutral_settled(span):
                self._complete_rep(span, self._last_t)
        settle = self.spec.t(self.spec.hold.settle_s) if self.spec.hold else 0.0
        reps = self._final_reps(self._reps, self._rep_spans)
        short = [self._short_range(r, reps) for r in reps]
        spans = [replace(sp, partial=True) for sp, sh in zip(self._rep_spans, short) if sh]
        partials = self._final_reps(
            [*self._partials, *(replace(r, partial=True) for r, sh in zip(reps, short) if sh)],
            [*self._partial_spans, *spans])
        partials = [replace(r, faults=tuple(sorted({*r.faults, self.spec.rep.partial_fault})))
                    for r in sorted(partials, key=lambda r: r.start_s)] if spans else partials
        self._reps = [replace(r, index=i) for i, r in enumerate((r for r, sh in zip(reps, short) if not sh), 1)]
        self._partials = [replace(r, index=i) for i, r in enumerate(partials, 1)]
        attempts = (*self._reps, *self._partials)
        holds, episodes, units = [], [], {c: set() for c in self.spec.fault_codes}
        for rep in attempts:
            for code in rep.faults:
                units[code].add(("partial" if rep.partial else "rep", rep.index))
        for i, hold in enumerate(self._holds):
            codes = set()
            for e in self._closed_episodes:
                in_rep = any(_within(e, r) for r in attempts)
                if e.end_s >= hold.start_s + settle and e.start_s <= hold.end_s:
                    codes.add(e.code)
                    if not in_rep:
                        units[e.code].add(("hold", i))
            holds.append(HoldEvent(hold.start_s, hold.end_s, hold.good_s, tuple(sorted(codes))))
        for e in self._closed_episodes:
            in_rep = any(_within(e, r) for r in attempts)
            in_hold = any(e.end_s >= h.start_s + settle and e.start_s <= h.end_s for h in self._holds)
            if in_rep or in_hold:
                episodes.append(e)
        t = np.array(self._times, float)
        series = {n: self._series.column(n) for n in self.spec.signals}
        ratios = self._series.column("_width_ratio")
        view = classify_view(float(np.nanmedian(ratios))) if np.isfinite(ratios).any() else "unknown"
        reliable = self._series.column("_reliable") > 0.5
        seen = self._series.column("_seen") > 0.5
        report = ClipReport(
            exercise=self.spec.name,
            side=self.side,
            view=view,
            frames=len(t),
            pose_coverage=float(reliable.mean()) if len(t) else 0.0,
            duration_s=float(t[-1] - t[0]) if len(t) else 0.0,
            reps=tuple(self._reps),
            partial_reps=tuple(self._partials),
            holds=tuple(holds),
            episodes=tuple(episodes),
            fault_counts={c: len(u) for c, u in units.items() if u},
            thresholds=dict(self.spec.thresholds),
            t_s=t,
            series=series,
            reliable=reliable,
            image_size=self._image_size,
            view_deg=self._series.column("_view_deg"),
            confidence={n: self._series.column(f"_conf:{n}").astype(np.int8) for n in self.spec.signals},
            rest_seen_from_s=self._rest_seen(),
            body_seen_ratio=float(seen.mean()) if len(t) else 0.0,
            rep_neutral=self._series.column("_neutral"),
            body_seen=seen,
        )
        # Gait events need both legs' whole trajectories: the spec's detector finds the steps in the series.
        if self.spec.events:
            return apply_events(report, self.spec.events)
        return with_unjudged(report, self.spec)

    def _rest_seen(self) -> dict[str, float]:
        """Fault code -> when its from-rest rule's rest level was first known; inf if never (ClipReport)."""
        seen: dict[str, float] = {}
        for rule, t_s in zip(self._rules, self._rest_seen_from_s):
            if rule.from_rest_window_s:
                seen[rule.code] = min(seen.get(rule.code, math.inf), math.inf if math.isnan(t_s) else t_s)
        return seen


def _range(rep: RepEvent, sig: str) -> float:
    return _high(rep, sig) - rep.low.get(sig, math.nan)


def _high(rep: RepEvent, sig: str) -> float:
    return rep.high.get(sig, math.nan)


def _share_of_best(rep: RepEvent, sig: str, reps: Iterable[RepEvent]) -> float:
    """A rep's range of `sig` as a share of the largest among `reps`; NaN when none is known."""
    ranges = [_range(r, sig) for r in reps]
    best = max((x for x in ranges if math.isfinite(x)), default=math.nan)
    return _range(rep, sig) / best if best > 0 else math.nan


def _share_of_others(rep: RepEvent, sig: str, reps: Iterable[RepEvent]) -> float:
    """A rep's high of `sig` as a share of the median high of the other `reps`; NaN when none is known."""
    others = [x for r in reps if r is not rep and math.isfinite(x := _high(r, sig))]
    typical = float(np.median(others)) if others else math.nan
    return _high(rep, sig) / typical if typical > 0 else math.nan


def score_sequence(sequence: PoseSequence, spec: ExerciseSpec, side: Side | None = None) -> ClipReport:
    """Score a recorded clip. The working side is chosen from the whole clip unless given."""
    if side is None and len(sequence):
        xy = pixel_xy(sequence.xyz, sequence.visibility, sequence.image_size, spec.t("landmark_visibility_min_ratio"))
        side = choose_side(spec.side_rule, xy, sequence.world_xyz, sequence.visibility, spec.thresholds)
    checker = Checker(spec, side)
    prepared = checker.prepare(sequence) if side is not None else [None] * len(sequence)
    for frame, pre in zip(sequence, prepared):
        checker.update(frame, pre)
    return checker.report()
