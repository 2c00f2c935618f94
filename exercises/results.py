"""What the engine emits: per-frame results, rep and hold events, fault episodes and a clip report. Data only."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class RepEvent:
    """One completed repetition, or one partial rep (an attempt that moved clearly but fell short of the zone).

    Attributes:
        index: 1-based number among the reps, or among the partial reps for a partial one.
        start_s, end_s: when the rep left its start position and when it was complete, in seconds.
        low: per signal, the lowest value the rep held (for the spec's rep_extreme_held_min_s; see
            exercises.extremes), NaN if never known.
        high: per signal, the highest value the rep held.
        faults: fault codes flagged during the rep, sorted; a partial rep always carries the spec's range fault.
        partial: whether this is a partial rep (never counted as a rep).
        confidence: per signal, how sure its values in the rep are: "reliable", "approximate" or "unknown" (the
            confidence most of its frames had; see exercises.signals.signal_confidence).
        view_deg: how far the camera was from side-on during the rep (median, degrees; 90 is the front), NaN if
            unknown.
        leg: for a step (walk), the leg whose swing ended in this contact; None for other exercises.
        measures: for a step, named numbers with units in the names (exercises.gait); empty otherwise.
        unjudged: fault codes the rep could not be checked for (exercises.judged.rep_unjudged): their measurement
            unknown, or filmed from where the spec does not judge it, in most of the rep. "No fault" on the rep
            means "not seen" for these.
        start_seen: False for a rep first seen already under way, the person not found before it (lying flat, the
            pose model finds some people only as they rise): start_s is when it was first seen, and its duration
            is not judged.
    """

    index: int
    start_s: float
    end_s: float
    low: dict[str, float]
    high: dict[str, float]
    faults: tuple[str, ...] = ()
    partial: bool = False
    confidence: dict[str, str] = field(default_factory=dict)
    view_deg: float = float("nan")
    leg: str | None = None
    measures: dict[str, float] = field(default_factory=dict)
    unjudged: tuple[str, ...] = ()
    start_seen: bool = True

    @property
    def duration_s(self) -> float:
        """How long the rep took."""
        return self.end_s - self.start_s


@dataclass(frozen=True)
class HoldEvent:
    """One hold: from entering the position to leaving it, and the seconds held with correct form."""

    start_s: float
    end_s: float
    good_s: float
    faults: tuple[str, ...] = ()


@dataclass(frozen=True)
class FaultEpisode:
    """A stretch of time a frame rule's fault held, long enough to count."""

    code: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class UnjudgedFault:
    """A fault the clip could not be checked for: its rule's measurement was unknown wherever the rule looks.

    Attributes:
        code: fault code.
        signal: the signal its rule reads.
        plane: where that signal is seen from (exercises.signals.SIGNAL_PLANES): "front" and "side" are unknown
            from other views; "joint" and "any" are unknown where the parts they read were not seen well. "rest":
            the rule is judged from the signal's own level at rest (FrameRule.from_rest_window_s), which must be
            seen first.
    """

    code: str
    signal: str
    plane: str


@dataclass(frozen=True)
class FrameResult:
    """The engine's state after one frame (what a live view draws).

    Attributes:
        t_s: frame time in seconds.
        reliable: whether the pose was good enough to judge; when False, nothing was counted.
        values: signal name -> value (NaN when unknown).
        zone: "low", "high" or None (not yet known) for the rep signal.
        reps: reps completed so far.
        hold_s: good-form seconds in the current hold (0 when not holding).
        active_faults: fault codes active now.
        rep: the rep completed at this frame, if any.
        partial_reps: partial reps found so far (a partial rep is known once its attempt has ended).
        partial_rep: the partial rep found at this frame, if any.
        seen: whether the body's required parts were seen, even if the rep measurement could not be read from
            them (`reliable` False): the person is in the picture but not in the position the exercise is
            measured from.
        in_posture: whether the trunk was in the exercise's posture (lying, on all fours, upright: the spec's
            posture_signal), or unknown; out of it nothing is judged, however well the body is seen.
        rep_neutral: the rep signal's neutral now, for a spec whose rep zones are offsets from the person's own rest
            (RepSpec.neutral_window_s); NaN before it is known and for other specs.
    """

    t_s: float
    reliable: bool
    values: dict[str, float]
    zone: str | None
    reps: int
    hold_s: float
    active_faults: tuple[str, ...]
    rep: RepEvent | None = None
    partial_reps: int = 0
    partial_rep: RepEvent | None = None
    seen: bool = False
    in_posture: bool = True
    rep_neutral: float = math.nan


@dataclass(frozen=True)
class ClipReport:
    """Everything scored from one clip or live set.

    Attributes:
        exercise: spec name.
        side: working side used.
        view: "side", "oblique", "front" or "unknown".
        frames: frames seen.
        pose_coverage: share of frames with a reliable pose (the body seen and the rep measurement read), in [0, 1].
        duration_s: time from first to last frame.
        reps: completed reps.
        partial_reps: partial reps: attempts that moved clearly but fell short of the work zone, each carrying
            the spec's range fault; never counted in `reps`.
        holds: holds at least the spec's minimum long.
        episodes: fault episodes from frame rules that fell in a rep or a reported hold.
        fault_counts: fault code -> reps and partial reps flagged, plus hold episodes flagged.
        thresholds: the thresholds used (defaults merged with overrides).
        t_s: (T,) frame times, for charts.
        series: signal name -> (T,) values, for charts (NaN where unknown).
        reliable: (T,) bool per frame.
        view_deg: (T,) how far the camera was from side-on per frame (degrees, 0 side-on, 90 front), NaN if unknown.
        confidence: signal name -> (T,) confidence codes per frame (exercises.signals: 0 unknown, 1 approximate,
            2 reliable).
        measures: clip-level numbers an event detector adds (gait: cadence, timing, asymmetry, speed), units in
            the names; empty for other exercises.
        notes: plain sentences on what could not be measured and why (e.g. no speed without a scale).
        unjudged: faults that could not be checked at all: no frame of any rep, partial rep or hold (where each
            rule looks) had their measurement known, so "no fault" there means "not seen", not "good form".
        image_size: (width, height) in pixels of the frames scored, (0, 0) before any frame.
        rest_seen_from_s: fault code -> when the rest level its rule is judged from (FrameRule.from_rest_window_s)
            was first known, inf if never: before then the rule judges nothing. Only such rules' codes.
        body_seen_ratio: share of frames in which the body's required parts were seen, whether or not the rep
            measurement could be read, in [0, 1]; NaN when not recorded. Well above `pose_coverage`, the person was
            in the picture but not in the position the exercise is measured from (a pelvic tilt without the hands
            on the hip bones), which the camera's placement does not fix.
        rep_neutral: (T,) the rep signal's neutral per frame, for a spec whose rep zones are measured from the
            person's own rest (RepSpec.neutral_window_s; the zones are its offsets from it); NaN before it is known
            (the nominal rest, RepSpec.neutral_nominal or zero, for a neutral taken from readings at rest, until a rest
            is read) and for other specs.
        body_seen: (T,) bool per frame: the body's required parts seen (see body_seen_ratio); empty when not recorded.
    """

    exercise: str
    side: str
    view: str
    frames: int
    pose_coverage: float
    duration_s: float
    reps: tuple[RepEvent, ...]
    holds: tuple[HoldEvent, ...]
    episodes: tuple[FaultEpisode, ...]
    fault_counts: dict[str, int]
    thresholds: dict[str, float]
    partial_reps: tuple[RepEvent, ...] = ()
    t_s: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    series: dict[str, np.ndarray] = field(repr=False, default_factory=dict)
    reliable: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, bool))
    view_deg: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    confidence: dict[str, np.ndarray] = field(repr=False, default_factory=dict)
    measures: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    image_size: tuple[int, int] = (0, 0)
    unjudged: tuple[UnjudgedFault, ...] = ()
    rest_seen_from_s: dict[str, float] = field(default_factory=dict)
    body_seen_ratio: float = math.nan
    rep_neutral: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    body_seen: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, bool))

    @property
    def rep_count(self) -> int:
        """Completed reps."""
        return len(self.reps)

    @property
    def partial_rep_count(self) -> int:
        """Partial reps."""
        return len(self.partial_reps)

    @property
    def camera_view_deg(self) -> float:
        """How far the camera was from side-on over the clip (median degrees), NaN if unknown."""
        finite = self.view_deg[np.isfinite(self.view_deg)] if len(self.view_deg) else self.view_deg
        return float(np.median(finite)) if len(finite) else float("nan")

    def longest_unseen(self) -> tuple[float, float]:
        """(start_s, duration_s) of the longest stretch mid-set in which the body was not seen; (NaN, 0.0) if none.

        Mid-set: between the first and the last frames it was seen (out of the picture, or not found by the pose
        model); the stretch runs from its first unseen frame to the next seen one. (NaN, 0.0) too when `body_seen`
        was not recorded.
        """
        seen = np.asarray(self.body_seen, bool)
        if len(seen) != len(self.t_s) or not seen.any():
            return math.nan, 0.0
        t = np.asarray(self.t_s, float)
        first, last = np.flatnonzero(seen)[[0, -1]]
        best = (math.nan, 0.0)
        start = None
        for i in range(first, last + 1):
            if not seen[i] and start is None:
                start = i
            elif seen[i] and start is not None:
                if t[i] - t[start] > best[1]:
                    best = (float(t[start]), float(t[i] - t[start]))
                start = None
        return best

    @property
    def hold_s(self) -> float:
        """The longest hold held with correct form, 0 when there was none."""
        return max((h.good_s for h in self.holds), default=0.0)
