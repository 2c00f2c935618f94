"""Small state machines the engine is built from: zones with hysteresis, fault episodes, the hold timer.

All of them take timestamps in seconds, never frame counts, so dropped frames and any frame rate score alike.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass

import numpy as np

from exercises.results import FaultEpisode, HoldEvent

# Frame times are sums and products of floats (10.7 - 10.5 is 0.19999999999999929 s): a duration this close to a
# limit meets it. At 10 frames/s three frames of a 0.2 s dwell fell short of it by rounding alone.
TIME_ROUNDING_S = 1e-6


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
    it for dwell_s, so neither jitter around a threshold nor a one-frame spike changes the zone. Unknown values are
    skipped; after a gap of them longer than `unseen_max_s`, a zone not yet accepted starts its dwell again at the
    next known value. A pose model that throws a kneeling knee for a second reads one frame on the way out in the
    rest zone and one on the way back; the gap between them is not time held at rest.

    A zone in `start_zones` that the signal is in from its very first value is accepted at once: a clip that
    begins as the person leaves the start position (the first rep under way 0.2 s in) still had them there.

    `zone_dwell_s` gives a zone its own dwell time in place of `dwell_s`: a foot set down for good is told from a
    tap by how long it stays down, while a foot lifted counts as lifted sooner.
    """

    def __init__(self, low_max: float, high_min: float, dwell_s: float, start_zones: tuple[str, ...] = (),
                 unseen_max_s: float = math.inf, zone_dwell_s: dict[str, float] | None = None) -> None:
        """Configure; raises ValueError unless low_max < high_min, dwells are >= 0 and zones are zones."""
        if not low_max < high_min:
            raise ValueError(f"low_max ({low_max}) must be below high_min ({high_min})")
        zone_dwell_s = dict(zone_dwell_s or {})
        if min([dwell_s, *zone_dwell_s.values()]) < 0:
            raise ValueError(f"dwell times must be >= 0, got {dwell_s} and {zone_dwell_s}")
        if not set(start_zones) | set(zone_dwell_s) <= {"low", "high"}:
            raise ValueError(f"zones must be some of 'low', 'high', got {start_zones!r} and {sorted(zone_dwell_s)}")
        self.low_max, self.high_min, self.dwell_s = low_max, high_min, dwell_s
        self.zone_dwell_s = zone_dwell_s
        self.unseen_max_s = unseen_max_s
        self.start_zones = tuple(start_zones)
        self.accepted: str | None = None
        self.raw: str | None = None
        self.left_s = math.nan
        self.accepted_since_s = math.nan
        self._candidate: str | None = None
        self._candidate_s = math.nan
        self._known_s = math.nan

    @property
    def candidate_s(self) -> float:
        """When the signal entered the zone it is in but has not yet held for the dwell time; NaN if none."""
        return self._candidate_s if self._candidate is not None else math.nan

    def accept_unseen(self, zone: str, since_s: float) -> None:
        """Take `zone` as accepted from `since_s`, unseen (a rest inferred over a gap of unknown values)."""
        self.accepted = self.raw = zone
        self.accepted_since_s = since_s
        self._candidate = None

    def classify(self, x: float) -> str:
        """The raw zone of one value."""
        return "low" if x <= self.low_max else "high" if x >= self.high_min else "mid"

    def step(self, t_s: float, x: float) -> ZoneChange | None:
        """Feed one value (NaN is ignored); returns the change when a new zone is accepted."""
        if not math.isfinite(x):
            return None
        if t_s - self._known_s > self.unseen_max_s + TIME_ROUNDING_S:
            self._candidate = None
        self._known_s = t_s
        raw = self.classify(x)
        if self.raw is None and raw in self.start_zones:
            # The first value: the person was already in the start position when the footage began.
            self.raw = self.accepted = raw
            self.accepted_since_s = t_s
            return ZoneChange(raw, t_s, None)
        if self.accepted is not None and raw != self.accepted and self.raw == self.accepted:
            self.left_s = t_s
        self.raw = raw
        if raw in ("mid", self.accepted):
            self._candidate = None
            return None
        if self._candidate != raw:
            self._candidate, self._candidate_s = raw, t_s
        if t_s - self._candidate_s < self.zone_dwell_s.get(raw, self.dwell_s) - TIME_ROUNDING_S:
            return None
        # How long the previous zone was held: from entering it to last leaving it.
        held = self.left_s - self.accepted_since_s if self.accepted is not None else math.nan
        change = ZoneChange(raw, self._candidate_s, self.accepted, held)
        self.accepted, self._candidate, self.accepted_since_s = raw, None, self._candidate_s
        return change


class EpisodeTracker:
    """Turns a per-frame condition into fault episodes at least min_duration_s long."""

    def __init__(self, code: str, min_duration_s: float, unseen_max_s: float = math.inf) -> None:
        """Track fault `code`; shorter stretches than min_duration_s are not faults.

        Unknown frames neither start nor end an episode, for up to `unseen_max_s`: the condition seen again after a
        longer stretch of them starts a new episode (the one before ends at its last frame seen holding).
        """
        self.code = code
        self.min_duration_s = min_duration_s
        self.unseen_max_s = unseen_max_s
        self._start_s: float | None = None
        self._last_s = math.nan

    @property
    def open(self) -> bool:
        """Whether the condition currently holds (episode open, maybe not yet long enough)."""
        return self._start_s is not None

    @property
    def active(self) -> bool:
        """Whether the fault is flagged now: the open episode's condition was seen holding for min_duration_s.

        Seen holding: up to its last frame known to hold, as `close` measures it. Unknown frames after a moment
        of the condition neither end the episode nor make it long enough: an episode timed by the clock would be
        active through them, costing a hold its good time and flagging a rep for a fault that closes too short to
        be reported (a knee to chest's other leg read lifting for a frame, then unknown through the hold).
        """
        return self._start_s is not None and self._last_s - self._start_s >= self.min_duration_s - TIME_ROUNDING_S

    @property
    def start_s(self) -> float:
        """When the open episode began; NaN when none is open."""
        return self._start_s if self._start_s is not None else math.nan

    def step(self, t_s: float, condition: bool | None) -> FaultEpisode | None:
        """Feed a frame: True/False, or None when unknown (an unknown frame neither starts nor ends an episode).

        Returns the episode that just ended, if it was long enough.
        """
        if condition is None:
            return None
        if condition:
            ended = None
            if self._start_s is not None and t_s - self._last_s > self.unseen_max_s + TIME_ROUNDING_S:
                ended = self.close()  # two moments seconds apart with nothing seen between are not one fault
            if self._start_s is None:
                self._start_s = t_s
            self._last_s = t_s
            return ended
        return self.close()

    def close(self) -> FaultEpisode | None:
        """End any open episode; returns it if it was long enough."""
        if self._start_s is None:
            return None
        start, self._start_s = self._start_s, None
        if self._last_s - start >= self.min_duration_s - TIME_ROUNDING_S:
            return FaultEpisode(self.code, start, self._last_s)
        return None


class HoldTimer:
    """Times holds: seconds inside a band, counting only stretches with no active fault.

    Only time between two consecutive in-band frames counts, so a gap's frames are bridged, not credited; with
    unseen_credit_max_s, a gap of unknown values only (no value out of the band) up to that long is credited, for a
    pose model that loses the joint the band reads for a moment while the person holds. With out_blip_max_s, values
    out of the band for no longer than that (first to last, within one gap) do not count as out of it: a pose model
    throwing a joint reads it out of the band for a frame or two before it reads it as unknown. A short gap does not
    end the hold; how short depends on what the gap shows:
    - the pose out of the band at any point (the person moved): up to gap_max_s;
    - no known value at all (the legs out of the picture, a camera cut to a close-up), with the pose in the band
      before and after: up to unseen_gap_max_s.
    A stream that sends no frames at all for longer than unseen_gap_max_s ends the hold too; the next frame in
    the band starts a new one.

    With still_max_per_s, time counts only while the value moves slower than that (per second, over the last
    still_window_s): a band entered partway through the movement into the hold would otherwise time the way in
    and out as holding. Moving on inside the band for longer than gap_max_s ends the hold as leaving it would: the
    person has gone on to something else (lowering and pressing up again), or the pose model has lost them (a
    press-up's pose read as junk for 2.4 s, all of it inside the band, merged two holds into one; rendered seed 385).

    With plateau_ratio, a hold measured from the neutral (zero: the person's own rest) is timed, once it ends, only
    from the first to the last frame at least that share of the way from zero to the hold's median: its edges at a
    share of its own depth, not the band's. For a hold whose reading is too noisy to tell still from moving, yet
    entered and left gradually: a band edge near rest times most of the way in and out as holding.
    While the hold is under way good_s counts from the band's edge.
    """

    def __init__(self, low: float, high: float, min_s: float, gap_max_s: float, settle_s: float,
                 unseen_gap_max_s: float | None = None, still_max_per_s: float = math.inf,
                 still_window_s: float = 0.0, plateau_ratio: float | None = None,
                 unseen_credit_max_s: float = 0.0, out_blip_max_s: float | None = None) -> None:
        """Configure the band [low, high] and the times in seconds (unseen_gap_max_s defaults to gap_max_s)."""
        if not low < high:
            raise ValueError(f"hold band low ({low}) must be below high ({high})")
        if plateau_ratio is not None and not 0 < plateau_ratio < 1:
            raise ValueError(f"plateau_ratio must be in (0, 1), got {plateau_ratio}")
        if math.isfinite(still_max_per_s) and not (still_max_per_s > 0 and still_window_s > 0):
            raise ValueError(f"still_max_per_s ({still_max_per_s}) and still_window_s ({still_window_s}) must be > 0")
        self.low, self.high = low, high
        self.min_s, self.gap_max_s, self.settle_s = min_s, gap_max_s, settle_s
        self.unseen_gap_max_s = gap_max_s if unseen_gap_max_s is None else unseen_gap_max_s
        self.unseen_credit_max_s = unseen_credit_max_s
        self.out_blip_max_s = out_blip_max_s
        self.still_max_per_s, self.still_window_s = still_max_per_s, still_window_s
        self.plateau_ratio = plateau_ratio
        # With plateau_ratio: this hold's in-band frames as (time, value, seconds credited), for the trim at its end.
        self._frames: list[tuple[float, float, float]] = []
        self._recent: deque[tuple[float, float]] = deque()
        self._start_s: float | None = None
        self._last_in_s = math.nan
        self._previous_in_band = False
        # Whether the gap since the last in-band frame has shown the pose out of the band (for longer than a blip),
        # and since when it first read out of the band in this gap (NaN for not yet).
        self._seen_out = False
        self._out_since_s = math.nan
        # When the value last started moving inside the band (NaN while still, or out of it).
        self._moving_since_s = math.nan
        self.good_s = 0.0
        # The hold's time in the band, good form or not: whether there was a hold at all (see close).
        self._held_s = 0.0

    def settled(self, t_s: float) -> bool:
        """Whether a hold is under way and past its settling time."""
        return self._start_s is not None and t_s - self._start_s >= self.settle_s - TIME_ROUNDING_S

    def _gap_too_long(self, t_s: float) -> bool:
        limit = self.gap_max_s if self._seen_out else self.unseen_gap_max_s
        return t_s - self._last_in_s > limit

    def _still(self, t_s: float, x: float) -> bool:
        """Whether the value moved slower than still_max_per_s over the last still_window_s (True when unchecked)."""
        if not math.isfinite(self.still_max_per_s):
            return True
        if math.isfinite(x):
            self._recent.append((t_s, x))
        while len(self._recent) > 1 and self._recent[1][0] <= t_s - self.still_window_s:
            self._recent.popleft()
        t0, x0 = self._recent[0] if self._recent else (t_s, x)
        return t_s > t0 and abs(x - x0) <= self.still_max_per_s * (t_s - t0)

    def step(self, t_s: float, x: float, faulted: bool) -> HoldEvent | None:
        """Feed a frame's value (NaN when unknown); returns a hold that just ended, if long enough."""
        known = math.isfinite(x)
        in_band = known and self.low <= x <= self.high
        still = self._still(t_s, x)
        ended = None
        if self._start_s is not None and not in_band and known:
            if math.isnan(self._out_since_s):
                self._out_since_s = t_s
            blip = self.out_blip_max_s is not None and t_s - self._out_since_s <= self.out_blip_max_s + TIME_ROUNDING_S
            self._seen_out = self._seen_out or not blip
        if self._start_s is not None and self._gap_too_long(t_s):
            # Also reached on an in-band frame after a stretch with no frames at all (a stalled stream).
            ended = self.close()
        if in_band and not still:
            if math.isnan(self._moving_since_s):
                self._moving_since_s = t_s
            elif self._start_s is not None and t_s - self._moving_since_s > self.gap_max_s:
                ended = self.close()  # a hold the gap check just closed has no start left to get here
                self._moving_since_s = t_s
        else:
            self._moving_since_s = math.nan
        # Only time between two in-band frames counts: a gap is bridged, not credited, unless it is short and showed
        # nothing at all (unseen_credit_max_s).
        unseen_moment = (self._start_s is not None and not self._seen_out
                         and t_s - self._last_in_s <= self.unseen_credit_max_s + TIME_ROUNDING_S)
        spans = (self._previous_in_band or unseen_moment) and still
        self._previous_in_band = in_band
        if in_band:
            credited = 0.0
            if self._start_s is None:
                self._start_s, self.good_s, self._held_s = t_s, 0.0, 0.0
            elif spans:
                span_s = t_s - self._last_in_s
                self._held_s += span_s
                if not faulted:
                    credited = span_s
                    self.good_s += credited
            if self.plateau_ratio is not None:
                self._frames.append((t_s, x, credited))
            self._last_in_s = t_s
            self._seen_out, self._out_since_s = False, math.nan
        return ended

    def close(self) -> HoldEvent | None:
        """End any hold under way; returns it if it was held min_s in the band, good form or not.

        A hold spent in a fault is still a hold, reported with its good time short (none, if the fault lasted it
        all) and the fault with it: dropped, it took the fault with it, and a stretch held with the front knee past
        the toes, in footage that ended before the stretch did (no rep to carry the fault), reported nothing at all.
        """
        if self._start_s is None:
            return None
        # Whether there was a hold is the band's to say; how long, with plateau_ratio, the trimmed time's: a hold
        # read short (the pose lost for seconds of it) is reported short, not dropped.
        long_enough = self._held_s >= self.min_s - TIME_ROUNDING_S
        # With plateau_ratio every in-band frame was kept, the hold's first among them.
        event = (self._plateau_trimmed() if self.plateau_ratio is not None
                 else HoldEvent(self._start_s, self._last_in_s, self.good_s))
        self._start_s, self.good_s, self._held_s, self._previous_in_band, self._seen_out = None, 0.0, 0.0, False, False
        self._out_since_s = math.nan
        self._frames = []
        return event if long_enough else None

    def _plateau_trimmed(self) -> HoldEvent:
        """The hold from its first to its last frame at least plateau_ratio of the way from zero to its median."""
        values = np.array([x for _, x, _ in self._frames])
        level = float(np.median(values))
        deep = np.flatnonzero(values / level >= self.plateau_ratio) if level != 0 else np.arange(len(values))
        first, last = int(deep[0]), int(deep[-1])
        # A frame's credit is the time since the frame before, so the first kept frame's own credit is left out.
        good_s = sum(credited for _, _, credited in self._frames[first + 1:last + 1])
        return HoldEvent(self._frames[first][0], self._frames[last][0], good_s)


class RunningNeutral:
    """The median (or another quantile) of a signal over the last window_s seconds: a neutral that follows the person.

    A back outline reads differently on every body (shoulder blades, buttocks, clothes), so cat and cow are
    judged as excursions from this neutral rather than from a fixed zero. The median, not the middle of the
    range, so one glitch does not move it and the first excursion from a still start is measured from rest.
    """

    def __init__(self, window_s: float, quantile: float = 0.5, offset_max: float = math.inf,
                 below_max: float | None = None, rest_band: tuple[float, float] | None = None,
                 rest_trusted_after_s: float = 0.0, nominal: float = 0.0) -> None:
        """Keep values for window_s seconds; raises ValueError for a bound or window out of range.

        window_s must be > 0, quantile in [0, 1], offset_max >= 0 and below_max (if given) >= 0.

        Args:
            window_s: how far back the neutral looks.
            quantile: which quantile of the window is the neutral: 0.5 the median; towards 1 the upper values, for a
                movement that rests at its highest and works below it (a pelvic tilt: the rest between tilts is a
                small share of the time, so the median would sit in the tilt).
            offset_max: the neutral is kept within this much of zero (in the signal's unit): a body's rest reads
                off zero by at most this, and movements to one side only must not pull the neutral after them.
            below_max: the neutral is kept no further than this below zero, in place of offset_max on that side (a
                rest that reads off zero mostly one way); None for offset_max both ways.
            rest_band: when given, (lowest, highest) offsets from the neutral so far (or from zero, until the rest
                kept spans `rest_trusted_after_s`) of the values kept: the rest and not the work. The window then
                counts back from the last value kept, so a hold longer than the window leaves the neutral at the rest
                before it. None: every value, the window back from now.
            rest_trusted_after_s: see rest_band.
            nominal: where a typical rest reads: "zero" above means this (the neutral before a rest is kept, the
                centre of offset_max and below_max, and the young rest band's).
        """
        if not window_s > 0:
            raise ValueError(f"window_s must be > 0, got {window_s}")
        if not 0.0 <= quantile <= 1.0:
            raise ValueError(f"quantile must be in [0, 1], got {quantile}")
        if not offset_max >= 0:
            raise ValueError(f"offset_max must be >= 0, got {offset_max}")
        if below_max is not None and not below_max >= 0:
            raise ValueError(f"below_max must be >= 0, got {below_max}")
        self.window_s = window_s
        self.quantile = quantile
        self.offset_max = offset_max
        self.below_max = offset_max if below_max is None else below_max
        self.rest_band = rest_band
        self.rest_trusted_after_s = rest_trusted_after_s
        self.nominal = nominal
        self._values: deque[tuple[float, float]] = deque()
        self._neutral = math.nan

    def step(self, t_s: float, x: float) -> float:
        """Add a value (NaN is ignored) and return the current neutral.

        NaN before any value is kept; with a rest band, the nominal rest until a rest is kept.
        """
        if math.isfinite(x) and (self.rest_band is None or self._at_rest(x)):
            self._values.append((t_s, x))
        end_s = t_s if self.rest_band is None or not self._values else self._values[-1][0]
        while self._values and self._values[0][0] < end_s - self.window_s:
            self._values.popleft()
        if not self._values:
            # No rest seen yet: a neutral taken from the rest reads the nominal until one is (a sphinx found only once
            # up on the forearms is a rise from lying, not the rest), as `_at_rest` counts readings about it as rest.
            self._neutral = self.nominal if self.rest_band is not None else math.nan
        elif self.quantile == 0.5:
            self._neutral = statistics.median(v for _, v in self._values)
        else:
            self._neutral = float(np.quantile([v for _, v in self._values], self.quantile))
        if math.isfinite(self._neutral):
            self._neutral = min(max(self._neutral, self.nominal - self.below_max), self.nominal + self.offset_max)
        return self._neutral

    def forget(self, from_s: float, to_s: float) -> None:
        """Drop the values kept from from_s up to (not including) to_s: readings found after the fact not to be rest."""
        self._values = deque(v for v in self._values if not from_s <= v[0] < to_s)

    def _at_rest(self, x: float) -> bool:
        # Within the rest band of the neutral so far; until the rest kept spans rest_trusted_after_s, also within the
        # band of anywhere the neutral may be (the nominal rest, widened by its bounds): a first reading far off (the
        # pose model locking on) would otherwise be the only rest kept, and a true rest at the nominal never counted
        # as one; a rest read off the nominal (a standing shin read 7 degrees forward from a floor camera) is still
        # taken as one.
        lo, hi = self.rest_band
        young = not self._values or self._values[-1][0] - self._values[0][0] < self.rest_trusted_after_s
        neutral = self._neutral if math.isfinite(self._neutral) else self.nominal
        if lo <= x - neutral <= hi:
            return True
        # Unbounded, the neutral may be anywhere: the rest band about the nominal alone, as without bounds.
        above = self.offset_max if math.isfinite(self.offset_max) else 0.0
        below = self.below_max if math.isfinite(self.below_max) else 0.0
        return young and lo - below <= x - self.nominal <= hi + above


class UnseenEnd:
    """A cycle's end that the rep signal misses, read from a second measurement that moves whichever way it goes.

    Filmed 12-36 degrees off side-on, a trunk rotation's knees rolled one way read 0.3-0.4 trunk lengths of drop on
    the rep signal and rolled the other way 0.0-0.05 (the lower knee hides behind the upper one), so no cycle was
    counted; the knees come down from their resting height either way. While the rep signal reads between its zones
    and the second measurement is `drop_min` or more below its rest (a share of it), the rep signal is replaced by the
    edge of the zone opposite the last end: the one end the person can be at that the rep signal would not show.

    The last end is one the rep signal saw with the second measurement down too (a rest read off level, in a zone
    with the knees up, is no end), or one filled in. An end is filled in only after the second measurement has come
    back within `rearm_max` of its rest since the last one, so the way back from an end is not taken for the next;
    and not while the rep signal reads more than `toward_last_max` of the way from the middle of the band towards the
    last end's zone, so a second roll to the same side is not turned into the other. The zone's dwell time applies
    to filled values as to any. Before the first end nothing is assumed. The second measurement's rest is the
    `rest_quantile` of its last `window_s`, read only while the rep signal is within `rest_within` of the middle of
    its band.
    """

    def __init__(self, low_max: float, high_min: float, window_s: float, drop_min: float, rearm_max: float,
                 rest_quantile: float, toward_last_max: float, rest_within: float) -> None:
        """Configure (exercises.spec.RepSpec's unseen_end_* thresholds; low_max and high_min the rep band)."""
        self.low_max, self.high_min, self.rest_within = low_max, high_min, rest_within
        self._classify = ZoneTracker(low_max, high_min, 0.0).classify
        self.drop_min, self.rearm_max, self.toward_last_max = drop_min, rearm_max, toward_last_max
        self._rest = RunningNeutral(window_s, rest_quantile)
        self._armed = False
        self._filling: str | None = None  # the end being filled in, from the episode's first frame to its last
        self._last: str | None = None  # the last end reached with the second measurement out: seen, or filled in
        self.filled = False  # whether the last value was filled in

    def step(self, t_s: float, x: float, magnitude: float) -> float:
        """The value the rep counter should see: x, or the edge of the other end's zone while that end is unseen.

        Args:
            t_s: the frame's time.
            x: the rep signal (from its neutral), NaN if unknown.
            magnitude: the second measurement, NaN if unknown.
        """
        self.filled = False
        zone = self._classify(x) if math.isfinite(x) else "mid"
        # The rest is read only while the rep signal reads near its own: on the way to and from an end the knees can
        # read higher than at rest (a knee lifted as they part), which would set the rest too high.
        middle = (self.low_max + self.high_min) / 2.0
        rest = self._rest.step(t_s, magnitude if abs(x - middle) <= self.rest_within else math.nan)
        if not (math.isfinite(x) and math.isfinite(magnitude) and rest > 0):
            return x
        drop = 1.0 - magnitude / rest
        if zone != "mid" or drop < self.drop_min:
            if self._filling is not None:
                self._armed, self._filling = False, None  # the end filled in is over: its way back is no new end
            if zone != "mid" and drop >= self.drop_min:
                self._last, self._armed = zone, False  # an end seen, and the knees down: the way back is no new end
            elif zone == "mid" and drop <= self.rearm_max:
                self._armed = True
            return x
        filling = self._filling
        if filling is None:
            if not self._armed or self._last is None:
                return x
            filling = "high" if self._last == "low" else "low"
        before = "low" if filling == "high" else "high"
        edge = self.low_max if before == "low" else self.high_min
        if (x - middle) / (edge - middle) > self.toward_last_max:
            return x  # the rep signal on its way to the last end again: the same side, not the other
        self._filling = self._last = filling
        self.filled = True
        return self.high_min if filling == "high" else self.low_max


class ReturnWatch:
    """A rep that came back short of its rest zone and went again: where one rep ended and the next began.

    A rest measured from the person's own (RunningNeutral) is only as good as the pose model's reading of it, and that
    reading moves: rendered pelvic tilts read their first rest 1-9 degrees above the rests after the first tilt, and a
    rest after a long hold 7 below the rests before it, while the body drawn lay the same. The way back then stops
    short of the rest zone, and the next tilt is taken for more of the same rep. Here a rep that comes back `min_ratio`
    of the way from its furthest point to the rest and stays there, still (within `still_max` for `still_s`), is back
    at a rest of its own: a plateau, as far back as the signal then gets. From there, a dip as deep as the work zone is
    from the rest (`work_edge`), held for `dwell_s`, is a new rep; the old one ended where the plateau began. Values
    are measured from the rest (0).
    """

    def __init__(self, rest: str, work_edge: float, min_ratio: float, still_s: float, still_max: float,
                 dwell_s: float) -> None:
        """Configure; raises ValueError for a rest that is not "high" or "low", or a ratio outside (0, 1]."""
        if rest not in ("high", "low"):
            raise ValueError(f"rest must be 'high' or 'low', got {rest!r}")
        if not 0 < min_ratio <= 1:
            raise ValueError(f"min_ratio must be in (0, 1], got {min_ratio}")
        if min(still_s, still_max, dwell_s) < 0:
            raise ValueError(f"still_s, still_max and dwell_s must be >= 0, got {still_s}, {still_max}, {dwell_s}")
        self._sign = 1.0 if rest == "high" else -1.0  # the way back to rest
        self.work_edge, self.min_ratio = work_edge, min_ratio
        self.still_s, self.still_max, self.dwell_s = still_s, still_max, dwell_s
        self._recent: deque[tuple[float, float]] = deque()
        self.reset()

    def reset(self) -> None:
        """Forget the rep watched (it ended, or none is under way)."""
        self._furthest = math.nan
        self._recent.clear()  # called on every frame between reps: cleared in place, not built anew
        self.plateau_s = math.nan  # when the plateau began; NaN while there is none
        self._plateau_level = math.nan
        self._on_plateau_s = math.nan  # the last time the signal was on the plateau
        self._dip_s = math.nan  # since when the signal is past the new rep's edge

    def step(self, t_s: float, x: float) -> tuple[float, float] | None:
        """Feed a known value of the rep under way; returns (the rep's end, the next rep's start) when it went again."""
        sign = self._sign
        if math.isnan(self.plateau_s):
            if math.isnan(self._furthest) or sign * (x - self._furthest) < 0:
                self._furthest = x
            self._recent.append((t_s, x))
            while len(self._recent) > 1 and self._recent[1][0] <= t_s - self.still_s + TIME_ROUNDING_S:
                self._recent.popleft()
            values = [v for _, v in self._recent]
            back = sign * (x - self._furthest) >= self.min_ratio * -sign * self._furthest > 0
            if back and t_s - self._recent[0][0] >= self.still_s - TIME_ROUNDING_S \
                    and max(values) - min(values) <= self.still_max:
                self.plateau_s, self._plateau_level = self._recent[0][0], float(statistics.median(values))
                self._on_plateau_s = t_s
            return None
        if sign * (x - self._plateau_level) > self.still_max:
            # Further back still (the pose model's reading creeps up over a second or two): the plateau is where it got.
            self._plateau_level, self._on_plateau_s, self._dip_s = x, t_s, math.nan
            return None
        if sign * (x - (self._plateau_level + self.work_edge)) > 0:  # short of a new rep's depth from the plateau
            self._dip_s = math.nan
            if abs(x - self._plateau_level) <= self.still_max:
                self._on_plateau_s = t_s
            return None
        if math.isnan(self._dip_s):
            self._dip_s = t_s
        if t_s - self._dip_s < self.dwell_s - TIME_ROUNDING_S:
            return None
        ended = (self.plateau_s, self._on_plateau_s)
        self.reset()
        return ended


@dataclass
class RepSpan:
    """A repetition RepCounter found: when it left its start and when it was complete, in seconds.

    Attributes:
        start_s, end_s: the rep's start and completion.
        partial: True for an attempt that moved clearly but stayed short of the work zone (for a cycle, short of
            the zone at one of its ends or both).
        stats_end_s: until when the rep's range is measured: its end for a rep that returns to rest; for a cycle,
            when its second end position was left (NaN while that end is still held).
        start_seen: False for a rep first seen already out of its rest, the person not found before (lying flat,
            some are found only as they rise): start_s is when it was first seen, and its duration is unknown.
        rest_held: rest modes: False for a rep that left a rest held for less than the rest dwell (the footage's
            first instant, or a rest the pose model read as it locked on).
    """

    start_s: float
    end_s: float
    partial: bool = False
    stats_end_s: float = math.nan
    start_seen: bool = True
    rest_held: bool = True


@dataclass
class _End:
    """One end position of a cycle: from passing a shallow edge on one side until passing the other."""

    side: str
    start_s: float
    full_s: float = math.nan  # when the side's rep zone was entered (and held for the dwell time); NaN if never
    left_s: float = math.nan  # when the next end began

    @property
    def full(self) -> bool:
        return not math.isnan(self.full_s)


class RepCounter:
    """Counts full and partial repetitions of one signal, with hysteresis and dwell times (exercises.spec.RepSpec).

    Two zone trackers watch the signal: the rep's own zones (`zones`), and shallow ones (`shallow`) whose work
    edges sit `partial_ratio` of the way from rest to the work zone (for a cycle: from the middle of the band to
    each zone), so an attempt that moves clearly but never reaches the work zone is seen too.

    - "return_to_high" / "return_to_low": a rep leaves the rest zone, reaches the work zone and comes back. A
      trip out of rest past the shallow edge and back that never reached the work zone is a partial rep.
    - "cycle" (no rest): the signal alternates between end positions past the shallow edges, one each side.
      Ends pair into cycles two by two, in order from the first. A cycle both of whose ends reached their zones
      is a rep, counted as its second end is reached; any other pair is a partial rep, decided when its second
      end is left (or the set ends). No end is skipped as a stray: a body read off its middle reaches the zone at
      one end of a small cycle only, and skipping the short end put every later cycle out of step (rendered
      cat-cows whose first cycle was small). The cost: a movement past the shallow edge while settling into
      position, before the first cycle, is paired as half of a small cycle.

    Without partial_ratio the shallow edges are the rep zones' own: no partial reps, and reps counted the same.
    """

    def __init__(self, mode: str, low_max: float, high_min: float, dwell_s: float,
                 partial_ratio: float | None = None, unseen_max_s: float = math.inf,
                 rest_dwell_s: float | None = None,
                 rest_return: tuple[float, float, float] | None = None,
                 unseen_rest_min_s: float = math.inf) -> None:
        """Configure; raises ValueError for an unknown mode, a partial_ratio outside (0, 1], or a rest dwell on a cycle.

        unseen_max_s: a gap of unknown values longer than this restarts a zone's dwell (ZoneTracker).
        rest_dwell_s: the dwell time back in the rest zone that ends a rep, where it differs from dwell_s.
        rest_return: (min_ratio, still_s, still_max) for values measured from a rest (0) the pose model reads off:
            a rep that comes back to a plateau short of the rest zone and goes again is two (ReturnWatch).
        unseen_rest_min_s: rest modes: a gap of unknown values at least this long, in a rep's work zone or on its way
            back, after which the signal reads out of the work zone, was a rest: the rep ends where the gap began
            (see `_rest_while_unseen`).
        """
        if mode not in ("return_to_high", "return_to_low", "cycle"):
            raise ValueError(f"unknown rep mode {mode!r}; expected return_to_high, return_to_low or cycle")
        if partial_ratio is not None and not 0 < partial_ratio <= 1:
            raise ValueError(f"partial_ratio must be in (0, 1], got {partial_ratio}")
        self.rest = {"return_to_high": "high", "return_to_low": "low", "cycle": None}[mode]
        if (rest_dwell_s is not None or rest_return is not None) and self.rest is None:
            raise ValueError("a cycle has no rest zone to give rest_dwell_s or rest_return to")
        self.dwell_s = dwell_s
        self.rest_dwell_s = dwell_s if rest_dwell_s is None else rest_dwell_s
        start = (self.rest,) if self.rest else ("low", "high")
        zone_dwell = {self.rest: self.rest_dwell_s} if self.rest else {}
        self.zones = ZoneTracker(low_max, high_min, dwell_s, start, unseen_max_s, zone_dwell)
        self.partials_on = partial_ratio is not None
        ratio = partial_ratio if partial_ratio is not None else 1.0
        if mode == "return_to_high":
            shallow = (high_min + ratio * (low_max - high_min), high_min)
        elif mode == "return_to_low":
            shallow = (low_max, low_max + ratio * (high_min - low_max))
        else:
            mid = (low_max + high_min) / 2
            shallow = (mid + ratio * (low_max - mid), mid + ratio * (high_min - mid))
        self.shallow = ZoneTracker(*shallow, dwell_s, start, unseen_max_s, zone_dwell)
        self.reps: list[RepSpan] = []
        self.partial_reps: list[RepSpan] = []
        self._rep_start_s: float | None = None  # rest modes: the rep under way left rest then
        self._trip_start_s: float | None = None  # rest modes: the attempt under way left rest then
        self._trip_full = False
        self._ends: list[_End] = []  # cycle: ends not yet part of a rep or a partial rep, oldest first
        self._rep_end: _End | None = None  # cycle: the last rep's second end, until it is left
        self._run_zone: str | None = None  # cycle: the rep zone the signal is in, and since when
        self._run_start_s = math.nan
        self._last_s = math.nan  # the last known value's time
        self._first_s = math.nan  # the first known value's time
        self._footage_start_s = math.nan  # the first value's time, known or not
        self._footage_end_s = math.nan  # the last value's time, known or not
        self._rep_start_seen = True  # rest modes: the rep under way was seen leaving rest
        self._rest_held = False  # the rep under way left a rest held for the rest dwell time
        self._return = (ReturnWatch(self.rest, low_max if self.rest == "high" else high_min, *rest_return, dwell_s)
                        if rest_return is not None else None)
        self.unseen_rest_min_s = unseen_rest_min_s
        self._rest_unseen = False  # the rest zone accepted was inferred over a gap (`_rest_while_unseen`)

    @property
    def in_rep(self) -> bool:
        """Whether a rep, or an attempt at one, is under way (for rules judged only during reps)."""
        if self.rest is None:
            return self.shallow.accepted is not None
        z = self.zones
        return self._rep_start_s is not None or (z.accepted == self.rest and z.raw not in (None, self.rest))

    @property
    def working_since_s(self) -> float:
        """Rest modes: since when a rep that left a rest held for the rest dwell has held its work zone; else NaN.

        A rest held, not the footage's first instant: a pose model locking on can read the first frames far off the
        rest that follows, which would otherwise be a rep from the first frames.
        """
        z = self.zones
        working = self._rep_start_s is not None and self._rest_held and z.accepted not in (None, self.rest)
        return z.accepted_since_s if working else math.nan

    def footage_frame(self, t_s: float) -> None:
        """Note a frame of the footage, counted or not (a frame with no pose is never stepped).

        The first one is when the footage began: a rep first seen under way after it is told from footage that
        itself begins part-way through a rep. The last is when it ended (see `close`).
        """
        if math.isnan(self._footage_start_s):
            self._footage_start_s = t_s
        self._footage_end_s = t_s

    def step(self, t_s: float, x: float) -> tuple[ZoneChange | None, list[RepSpan]]:
        """Feed one value (NaN is ignored).

        Returns:
            The rep zones' change at this value, if any, and the reps and partial reps completed at it.
        """
        unseen = self._rest_while_unseen(t_s, x) if self.rest is not None else None
        change = self.zones.step(t_s, x)
        shallow = self.shallow.step(t_s, x)
        self.footage_frame(t_s)
        if not math.isfinite(x):
            return change, []
        if math.isnan(self._first_s):
            self._first_s = t_s
        self._last_s = t_s
        if self.rest is None:
            return change, self._step_cycle(t_s, x, change, shallow)
        if self.zones.raw == self.rest:
            self._rest_unseen = False  # the rest is seen after all
        if unseen is not None:
            return None, unseen
        out = self._step_rest(change, shallow)
        if self._return is not None:
            out += self._step_return(t_s, x)
        return change, out

    def close(self) -> tuple[ZoneChange | None, list[RepSpan]]:
        """At the end of the set: what is under way is decided now; returns (change, reps) as `step` does.

        The change is a rep's return to rest, for its end-hold check; the reps are the rep or partial rep made.

        - A cycle whose second end was reached is a partial rep.
        - A rep that reached its work zone and had left it for the dwell time when the footage ended is a rep,
          ended where rest was entered (else at the last value): the person let go as the recording stopped, and
          the pose model lags the way back (a pelvic tilt reads back at rest 0.3-0.6 s after the body is). Still in
          the work zone at the end, it is not counted: the person may still be holding it. Last read in the rest
          zone, the footage that runs on with the value unknown counts towards that time: the pose model loses some
          people lying back down (a press-up's rest read as a misfit of the legs: rendered seed 5717, 13 degrees off
          side-on, the last of 4 reps read at rest for 0.1 s and then unknown for 1.1 s to the end).
        - With rest_return, a rep back on a plateau of its own (ReturnWatch) when the footage ended is a rep, ended
          where the plateau began: it came most of the way back and stayed.
        """
        if self.rest is None:
            return None, [self._partial(*self._ends)] if self.partials_on and len(self._ends) == 2 else []
        z = self.zones
        if self._rep_start_s is not None and self._return is not None and math.isfinite(self._return.plateau_s):
            # Back on a plateau short of the rest zone when the footage ended: the rep ended there.
            span = RepSpan(self._rep_start_s, self._return.plateau_s, stats_end_s=self._return.plateau_s,
                           start_seen=self._rep_start_seen, rest_held=self._rest_held)
            self.reps.append(span)
            self._rep_start_s = None
            return None, [span]
        last_s = self._footage_end_s if z.raw == self.rest else self._last_s
        if self._rep_start_s is None or z.raw in (None, z.accepted) or z.accepted == self.rest or \
                last_s - z.left_s < self.rest_dwell_s - TIME_ROUNDING_S:
            return None, []
        end_s = z.candidate_s if z.raw == self.rest else self._last_s
        span = RepSpan(self._rep_start_s, end_s, stats_end_s=end_s, start_seen=self._rep_start_seen,
                       rest_held=self._rest_held)
        self.reps.append(span)
        self._rep_start_s = None
        return ZoneChange(self.rest, end_s, z.accepted, z.left_s - z.accepted_since_s), [span]

    def _rest_while_unseen(self, t_s: float, x: float) -> list[RepSpan] | None:
        """A rep under way that went unseen for `unseen_rest_min_s` and reappears out of its work zone ended unseen.

        The pose model loses some people lying flat (face down between press-ups, for 1.5-2.6 s on rendered clips):
        the rep signal is last read on the way down and first read again on the way up, never at rest, and without
        this the two reps read as one. The rep ends where the gap began; the rest is taken as held from there to the
        value read after it, so the next rep starts when the signal is next seen leaving it. Returns the rep ended, or
        None (and nothing changes) when this is no such gap. No zone change is returned: how long the work zone was
        held is unknown, so an end-hold rule is not judged. Called before the value is fed to the zones, which then
        read it from the rest.
        """
        z, rest = self.zones, self.rest
        if not math.isfinite(x) or self._rep_start_s is None or z.accepted in (None, rest) or \
                not t_s - self._last_s >= self.unseen_rest_min_s - TIME_ROUNDING_S or z.classify(x) == z.accepted:
            return None
        span = RepSpan(self._rep_start_s, self._last_s, stats_end_s=self._last_s, start_seen=self._rep_start_seen,
                       rest_held=self._rest_held)
        self.reps.append(span)
        self._rep_start_s, self._trip_start_s = None, None
        for tracker in (z, self.shallow):
            tracker.accept_unseen(rest, self._last_s)
        self._rest_unseen = True
        if self._return is not None:
            self._return.reset()
        return [span]

    def _step_rest(self, change: ZoneChange | None, shallow: ZoneChange | None) -> list[RepSpan]:
        rest, out = self.rest, []
        # The shallow zones share the rest edge with the rep zones, so both accept rest at the same value; the
        # shallow work edge is nearer rest, so its work zone is accepted no later than the rep's.
        if shallow is not None and shallow.zone != rest and shallow.previous == rest:
            self._trip_start_s, self._trip_full = self.shallow.left_s, False
        if change is not None:
            if change.zone != rest:
                self._trip_full = True
                if change.previous is None and self._first_s > self._footage_start_s:
                    # The first zone accepted is the work zone, and the footage began with the person not found:
                    # they were at rest unseen (lying flat, the pose model finds some people only as they rise).
                    # Coming back to rest completes the rep; its start, and so its duration, is unknown. Footage
                    # that itself begins part-way through a rep does not count it: its start was never filmed.
                    self._rep_start_s, self._rep_start_seen, self._rest_held = self._first_s, False, False
                if change.previous == rest:
                    # Left a rest inferred over a gap (`_rest_while_unseen`): first seen out of it, not seen leaving.
                    self._rep_start_s, self._rep_start_seen = self.zones.left_s, not self._rest_unseen
                    # A rep is watched for a plateau only from a rest held (not the footage's first instant, which a
                    # pose model still locking on reads off the rest that follows it).
                    self._rest_held = change.previous_held_s >= self.rest_dwell_s - TIME_ROUNDING_S
            elif self._rep_start_s is not None:
                out.append(RepSpan(self._rep_start_s, change.entered_s, stats_end_s=change.entered_s,
                                   start_seen=self._rep_start_seen, rest_held=self._rest_held))
                self.reps.append(out[-1])
                self._rep_start_s = None
        if shallow is not None and shallow.zone == rest and self._trip_start_s is not None:
            if not self._trip_full and self.partials_on:
                out.append(RepSpan(self._trip_start_s, shallow.entered_s, True, shallow.entered_s))
                self.partial_reps.append(out[-1])
            self._trip_start_s = None
        return out

    def _step_return(self, t_s: float, x: float) -> list[RepSpan]:
        # Any rep under way, also one from the footage's first instant: a pose model locking on 14 degrees high left
        # the first rest read as a tilt, and that rep, never back in the rest zone, swallowed every tilt after it
        # (fault sweep 7103: 1 rep for 3). Whether its part before the plateau was only the locking on is the
        # Checker's call (the span keeps rest_held; Checker._only_the_neutral_settled).
        if self._rep_start_s is None:
            self._return.reset()
            return []
        went_again = self._return.step(t_s, x)
        if went_again is None:
            return []
        end_s, next_start_s = went_again
        span = RepSpan(self._rep_start_s, end_s, stats_end_s=end_s, start_seen=self._rep_start_seen,
                       rest_held=self._rest_held)
        self.reps.append(span)
        self._rep_start_s, self._rest_held = next_start_s, True  # the plateau was held still
        self._rep_start_seen = True
        return [span]

    def _step_cycle(self, t_s: float, x: float, change: ZoneChange | None,
                    shallow: ZoneChange | None) -> list[RepSpan]:
        out: list[RepSpan] = []
        zone = self.zones.classify(x)
        if zone != self._run_zone:
            self._run_zone, self._run_start_s = zone, t_s
        if shallow is not None:
            if self._rep_end is not None:
                # The last rep's second end is left: its range is complete.
                self.reps[-1].stats_end_s = self.zones.left_s
                self._rep_end = None
            self._left(shallow.entered_s, out)
            self._ends.append(_End(shallow.zone, shallow.entered_s))
        end = self._ends[-1] if self._ends else None
        if end is None or end.full:
            return out
        if change is not None and change.zone == end.side:
            end.full_s = change.entered_s
        elif self._run_zone == end.side and t_s - self._run_start_s >= self.dwell_s - TIME_ROUNDING_S:
            end.full_s = self._run_start_s  # the zone was already accepted from an earlier end of this side
        if end.full and len(self._ends) == 2 and self._ends[0].full:
            out.append(RepSpan(self._ends[0].full_s, end.full_s))
            self.reps.append(out[-1])
            self._rep_end = end
            self._ends = []
        return out

    def _left(self, t_s: float, out: list[RepSpan]) -> None:
        """The newest end was left at t_s (the next end began): a pair not counted as a rep is decided now."""
        ends = self._ends
        if not ends:
            return
        ends[-1].left_s = t_s
        if len(ends) == 2:
            # Not both full, or they would be a rep already: a small cycle.
            if self.partials_on:
                out.append(self._partial(*ends))
            else:
                self._ends = []

    def _partial(self, first: _End, second: _End) -> RepSpan:
        start = first.full_s if first.full else first.start_s
        end = second.full_s if second.full else second.start_s
        span = RepSpan(start, end, True, second.left_s)
        self.partial_reps.append(span)
        self._ends = [e for e in self._ends if e is not first and e is not second]
        return span


class WorkStartLevel:
    """A signal's median over the first `window_s` of each spell of work (FrameRule.from_work_start_s).

    The level a change within the work is judged from. NaN at rest, and through each spell's first `window_s` (the
    level is still being taken); then fixed until the next rest, so a fault that grows slowly through the work is
    still measured from where the work began.
    """

    def __init__(self, window_s: float) -> None:
        """Raises ValueError unless window_s > 0."""
        if not window_s > 0:
            raise ValueError(f"window_s must be > 0, got {window_s}")
        self.window_s = window_s
        self._since_s = math.nan
        self._values: list[float] = []
        self._level = math.nan

    def step(self, t_s: float, x: float, working: bool) -> float:
        """Add a reading (NaN is ignored) and return the level, NaN while unknown."""
        if not working:
            self._since_s, self._values, self._level = math.nan, [], math.nan
            return math.nan
        if math.isnan(self._since_s):
            self._since_s = t_s
        if t_s - self._since_s <= self.window_s:
            if math.isfinite(x):
                self._values.append(x)
            return math.nan
        if math.isnan(self._level) and self._values:
            self._level = statistics.median(self._values)
        return self._level
