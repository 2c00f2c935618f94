"""Exercise specs: what an exercise watches, how its reps and holds are counted, and which faults it flags.

A spec is data. Rules name their thresholds, and every threshold lives in the spec's `thresholds` table with
its unit in its name, so a therapist can override any of them per patient (see exercises.config).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal, get_args

from exercises.body import FACING_RULES
from exercises.gait import EVENT_DETECTORS
from exercises.names import check_name
from exercises.setup import POSTURES
from exercises.side import ONE_LEG_SIDE_RULES, SIDE_RULE_THRESHOLDS, SIDE_RULES
from exercises.signals import SIGNALS
from pose.frames import LANDMARK_VISIBILITY_MIN_RATIO
from pose.landmarks import SIDED_PARTS
from pose.sampling import FULL, SAMPLING_MODES

RepMode = Literal["return_to_high", "return_to_low", "cycle"]
During = Literal["rep", "work", "hold", "rep_or_hold", "always"]
Severity = Literal["info", "warn", "stop"]

# Signals computed from the segmentation outline rather than from landmarks alone.
OUTLINE_SIGNALS = frozenset({"spine_flexion_deg"})
# A threshold's name ends in its unit; values are floats in that unit.
THRESHOLD_UNITS = ("_deg", "_s", "_ratio", "_hz", "_deg_per_s", "_flag", "_m")
REP_STATS = ("duration_s", "max", "min", "range", "range_share_of_best", "max_share_of_others", "rise")


def value_decimals(name: str) -> int:
    """Places a measured value of a signal is reported to, by its unit.

    A ratio (a share of a length) to 3, as its thresholds are written (a knee roll of 0.045 trunk lengths; to one place
    it read -0.0 for a roll of -0.04); degrees and seconds to 1.
    """
    return 3 if name.endswith("_ratio") else 1


@dataclass(frozen=True)
class RepSpec:
    """How reps are counted on one signal, with hysteresis (two thresholds) and a dwell time.

    The signal is "low" at or below `low_max`, "high" at or above `high_min`, and in between it keeps its
    last zone, so jitter around one threshold cannot add reps. A zone counts once held for `dwell_s`.

    Attributes:
        signal: the signal counted.
        mode: "return_to_high": a rep leaves the high zone, reaches low and comes back (e.g. squat knee);
            "return_to_low": the reverse (e.g. knee extension from bent); "cycle": a rep is reaching both
            zones once each, in either order (cat-cow).
        low_max, high_min, dwell_s: threshold names.
        end_hold_min_s: optional threshold name: each end position must be held this long, else
            `end_hold_fault` is flagged on the rep (for prescribed holds at the ends of a cat-cow).
        end_hold_fault: the fault code for a short end hold.
        end_hold_enabled_by: optional _flag threshold switching the end-hold check on.
        neutral_window_s: optional threshold name; when set, low_max and high_min are offsets from a neutral
            that follows the person (the signal's median over that many seconds), for signals
            whose zero differs from body to body.
        neutral_quantile_ratio: optional threshold name: the neutral is this quantile of the window instead of the
            median (towards 1 for a movement that rests at its highest and spends most of its time below it).
        neutral_offset_max: optional threshold name (in the signal's unit): the neutral stays within this much of
            zero, the furthest a body's rest reads off it. Movements to one side only would otherwise pull the
            neutral after them until rest itself read as the other side (knees rolled one way, again and again).
        neutral_below_max: optional threshold name (in the signal's unit): the neutral stays no further than this
            below zero, in place of neutral_offset_max on that side, for a rest that reads off zero mostly one way (a
            standing trunk reads up to 2 degrees forward but 6 or more back): a person leaning forward before a set
            does not set the upright that leans back are measured from.
        neutral_nominal: optional threshold name (in the signal's unit): where the rest reads on a typical body,
            which the neutral reads until a rest is seen and which neutral_offset_max and neutral_below_max (and,
            until the rest is trusted, the rest edge) are measured from; zero when not set. For a rest that is not
            at zero (a back shin standing a step behind leans 8-17 degrees). The rep's edges, the rest edge and a
            hold's band from the neutral are then given as they read for a person whose rest is at the nominal, and
            move with the person's own rest.
        neutral_rest_edge: optional threshold name (in the signal's unit, from the neutral): the neutral is taken
            from readings on the rest's side of this edge only (below it for a rep that rests low, above it for one
            that rests high, "return_to_high"), and keeps the last rest seen through a hold longer than its window
            (a sphinx held for minutes after seconds lying down).
        neutral_kept_in_rep: optional (within, max_s) threshold names: while a rep that left a rest held for the
            dwell time holds its work zone, for up to `max_s`, the neutral stays within `within` (the signal's unit)
            of what it was as the work zone was accepted (no further below it for a rep that rests high, no further
            above for one that rests low), and when the rep is back at rest its readings leave the window, as they
            were never rest. Taken from every reading, a neutral that is a quantile of its window sinks into a
            stretch held longer than the rest's share of the window allows (a 30 s figure-four stretch after a second
            at rest), and the stretch then reads as rest. Within `within` it still follows a rest the pose model reads
            a little lower after a stretch than before it; after `max_s` it follows the readings again, and keeps
            them, so a neutral gone wrong does not stay wrong.
        high_min_near_target: optional (target, short_of) threshold names: the high zone starts no higher
            than `short_of` below a prescribed `target`, so a patient whose prescribed range ends below
            high_min still completes reps (a nerve glide limited by symptoms to 130 degrees).
        partial_min_ratio: optional threshold name (a _ratio in (0, 1]): an attempt that goes this share of the
            way from rest to the work zone (for a cycle: from the middle of the band to each end's zone), held for
            the dwell time, but does not reach the zone, is a partial rep. It never counts as a rep.
        partial_fault: the fault code every partial rep carries (the range fault: the movement fell short).
        timing_view_max: optional threshold name (degrees off side-on): a rep filmed from further round than this
            (its median view as read) has an unknown duration, so rules on `duration_s` stay silent. For a rep
            signal that, from there, stays at rest through the first and last part of the movement (the knee read
            from the front sees a squat only from about 120 degrees down), so the rep reads far shorter than it is.
        start_from_rest_within: optional threshold name (in the rep signal's unit): a rep starts when its signal
            last left this close to its rest (its lowest since the previous rep for "return_to_low", its highest
            for "return_to_high"), not when it left the rest zone, so its duration is the whole way out and back in,
            however far it went. Left out, a rep is timed from leaving the rest zone: a nerve glide to a prescribed
            130 degrees spends only a third of its time past the bent zone's 115.
        dwell_unseen_max_s: optional threshold name: a zone seen either side of a gap of unknown values longer than
            this is not held through it; its dwell starts again after the gap. Left out, unknown values are skipped
            whatever their length. For a rep signal made unknown while the pose model throws the part it reads (the
            kneeling knee), whose way out and back in reads a frame each at rest.
        rest_dwell_s: optional threshold name (rest modes): the dwell time back in the rest zone that ends a rep,
            in place of `dwell_s`. For a movement whose brief return to rest is a fault of the rep, not its end (a
            foot tapped down in a balance stance).
        unseen_rest_min_s: optional threshold name (rest modes): a gap of unknown values at least this long in a
            rep, after which the signal reads out of its work zone, was a rest the pose model did not see (a body
            lying flat on its face, lost between press-ups): the rep ends where the gap began.
        rest_return_min_ratio, rest_return_still_s, rest_return_still_max: optional threshold names, together, for
            a neutral measured from the person's rest (rest modes): a rep that comes back this share of the way from
            its furthest point to the neutral and stays within `rest_return_still_max` (the signal's unit) for
            `rest_return_still_s` is on a plateau of its own; a dip from there as deep as the work zone is a new rep,
            and one still on the plateau when the footage ends has ended (exercises.tracking.ReturnWatch). For a rest
            the pose model reads a few degrees off the rest before it.
        unseen_end_signal: optional signal name (cycles): a second measurement of the same movement that falls below
            its rest whichever way the movement goes, but does not say which way (the knees' height in a trunk
            rotation). While the rep signal reads between its zones and this one is out, the cycle is taken to be at
            the end opposite the last one reached (exercises.tracking.UnseenEnd): from some camera positions one end
            hides from the rep signal (the lower knee behind the upper one).
        unseen_end_drop_min, unseen_end_rearm_max, unseen_end_rest_quantile, unseen_end_toward_last_max,
            unseen_end_rest_within: threshold names, all five with unseen_end_signal: how far below its rest the
            second measurement must fall (a share of the rest); how near its rest it must come back between ends (a
            share), so the way back from a seen end is not taken for the next; the quantile of the neutral's window
            that is its rest (the top: rest is its highest); how far towards the last end the rep signal may read
            while the other is assumed (a share of the way from the middle of the band to that end's zone), so a
            second movement to the same side is not; and how near the middle of its band the rep signal must read
            for the second measurement to count towards its rest (in the rep signal's unit).
    """

    signal: str
    mode: RepMode
    low_max: str
    high_min: str
    dwell_s: str
    end_hold_min_s: str | None = None
    end_hold_fault: str | None = None
    end_hold_enabled_by: str | None = None
    neutral_window_s: str | None = None
    neutral_quantile_ratio: str | None = None
    neutral_offset_max: str | None = None
    neutral_below_max: str | None = None
    neutral_nominal: str | None = None
    neutral_rest_edge: str | None = None
    neutral_kept_in_rep: tuple[str, str] | None = None
    high_min_near_target: tuple[str, str] | None = None
    partial_min_ratio: str | None = None
    partial_fault: str | None = None
    timing_view_max: str | None = None
    start_from_rest_within: str | None = None
    dwell_unseen_max_s: str | None = None
    rest_dwell_s: str | None = None
    unseen_rest_min_s: str | None = None
    rest_return_min_ratio: str | None = None
    rest_return_still_s: str | None = None
    rest_return_still_max: str | None = None
    unseen_end_signal: str | None = None
    unseen_end_drop_min: str | None = None
    unseen_end_rearm_max: str | None = None
    unseen_end_rest_quantile: str | None = None
    unseen_end_toward_last_max: str | None = None
    unseen_end_rest_within: str | None = None

    @property
    def unseen_end_thresholds(self) -> tuple[str | None, ...]:
        """The threshold names of the unseen-end fill, in UnseenEnd's order."""
        return (self.unseen_end_drop_min, self.unseen_end_rearm_max, self.unseen_end_rest_quantile,
                self.unseen_end_toward_last_max, self.unseen_end_rest_within)


@dataclass(frozen=True)
class HoldSpec:
    """A hold: time spent with the signal inside a band, counted only while no fault is active.

    Attributes:
        signal: the signal watched.
        low, high: threshold names of the band's edges.
        min_s: threshold name; shorter holds are not reported.
        gap_max_s: threshold name; the longest stretch out of the band a hold survives.
        settle_s: threshold name; faults are not judged in a hold's first seconds, while the person settles.
        unseen_gap_max_s: optional threshold name; the longest stretch with no reliable pose at all (legs out of
            the picture, a camera cut) a hold survives when the pose before and after is in the band; without it,
            gap_max_s.
        from_neutral: the band's edges are offsets from the rep's neutral (RepSpec.neutral_window_s), as the rep
            zones are: the hold watches the rep signal measured from the person's own rest.
        still_max_per_s, still_window_s: optional threshold names: time counts only while the signal moves slower
            than still_max_per_s (its unit per second), measured over the last still_window_s. For a hold whose
            band is entered partway through the movement into it: the way in and out is not holding.
        plateau_ratio: optional threshold name, for a hold from_neutral: once it ends, the hold is timed only from
            its first to its last frame this share of the way from the neutral to its median (HoldTimer). For a
            hold entered gradually whose reading is too noisy for still_max_per_s.
        unseen_credit_max_s: optional threshold name: a stretch of unknown values no longer than this, with the
            pose in the band before and after, is credited as holding (HoldTimer); without it, never. For a hold
            whose signal the pose model loses for moments while the person is still.
        out_blip_max_s: optional threshold name: readings out of the band for no longer than this, within a gap,
            are not the person leaving it (no one leaves a held stretch and comes back within it); such a gap is
            bridged and credited as an unseen one. For a pose model whose throw of a joint reads out of the band for
            a frame or two before it reads as unknown.
    """

    signal: str
    low: str
    high: str
    min_s: str
    gap_max_s: str
    settle_s: str
    unseen_gap_max_s: str | None = None
    from_neutral: bool = False
    still_max_per_s: str | None = None
    still_window_s: str | None = None
    plateau_ratio: str | None = None
    unseen_credit_max_s: str | None = None
    out_blip_max_s: str | None = None


@dataclass(frozen=True)
class FrameRule:
    """A fault flagged when a signal stays above (or below) a threshold for a minimum time.

    Attributes:
        code: fault code (wording lives in feedback.wording).
        signal: the signal tested.
        above, below: threshold names; the fault holds when the signal is above `above` or below `below`.
        during: when the rule applies: inside a rep, at the work end, in a hold, either, or always.
        min_duration_s: threshold name; shorter episodes are ignored.
        enabled_by: optional threshold name ending in _flag; the rule is off while that value is 0.
        from_rest_window_s: optional threshold name: the signal is judged less its median over the last this many
            seconds the person was at rest (the rep signal in its rest zone), not from zero; unknown until rest is
            seen. For a measure whose zero the pose model misplaces by build and view (a flat foot's heel line).
        from_work_start_s: optional threshold name: the signal is judged less its median over the first this many
            seconds of the current rep's work (since the rep signal's work zone was accepted); nothing is judged
            before that time has passed. For a measure the work itself moves the pose model's reading of (a shin
            leaning into a calf stretch lowers its heel's reading, by build and view), judged for a change within
            the work. Not with from_rest_window_s on the same rule.
        view_max: optional threshold name (degrees off side-on, as the view is read): from further round this rule
            is not judged, whatever the spec's form_view_max. For a measurement that counts reps from every view but
            reads wrongly past some view in the fault's own direction (from the front, a wall sit's 90-degree knee
            reads 60-80).
    """

    code: str
    signal: str
    above: str | None = None
    below: str | None = None
    during: During = "rep_or_hold"
    min_duration_s: str = "fault_min_duration_s"
    enabled_by: str | None = None
    from_rest_window_s: str | None = None
    from_work_start_s: str | None = None
    view_max: str | None = None


@dataclass(frozen=True)
class RepRule:
    """A fault judged on a completed rep from its statistics.

    Attributes:
        code: fault code.
        stat: "duration_s", or "max:<signal>", "min:<signal>", "range:<signal>", "range_share_of_best:<signal>":
            the rep's range as a share of the largest range of any rep in the set (so far, while live), for a
            movement judged against what this person does on their best rep; "max_share_of_others:<signal>": the
            rep's highest value as a share of the median of the other reps' (so far, while live; unknown alone), for
            a length every full rep reaches alike (an arm's reach when straight), so one rep read long by a misfit
            does not shorten the rest; or "rise:<signal>": the rep's highest
            value less where it stood just before the rep (its median over `rise_start_window_s`), for a movement
            judged from where this person stood (the pose model places a joint a few hundredths off by build).
        above, below: threshold names.
        margin: optional threshold name of a tolerance added beyond `above` (or below `below`), for limits a
            therapist sets as a target that measurement noise alone must not break.
        enabled_by: optional threshold name ending in _flag; the rule is off while that value is 0.
    """

    code: str
    stat: str
    above: str | None = None
    below: str | None = None
    margin: str | None = None
    enabled_by: str | None = None


@dataclass(frozen=True)
class FaultInfo:
    """What a fault code means for the engine: how serious it is."""

    code: str
    severity: Severity = "warn"


@dataclass(frozen=True)
class ExerciseSpec:
    """One exercise, as data.

    Attributes:
        name: registry name, e.g. "wall_squat".
        title: human name.
        posture: a name in exercises.setup.POSTURES: standing, supine or quadruped.
        facing_from: a name in exercises.body.FACING_RULES: how the forward direction is read ("nose", "knees" or
            "head").
        side_rule: a name in exercises.side.SIDE_RULES, e.g. "nearer" (the side facing the camera) or "raised_knee"
            (the leg whose knee is clearly higher).
        posture_signal: signal giving the trunk's tilt away from the exercise's posture, in degrees (the one
            POSTURES gives for `posture`).
        required_parts: sided parts that must be visible on the working side for a frame to count.
        signals: signals computed and reported; the rep signal first.
        rep: rep counting.
        hold: hold timing, or None.
        frame_rules, rep_rules: fault rules.
        faults: every fault code the spec can emit, with severity.
        thresholds: name -> value, units in the names.
        events: optional name in exercises.gait.EVENT_DETECTORS: a detector that finds the reps in the recorded
            series instead of the one-signal count (walking: steps per leg); None for counted reps.
        form_view_max: optional threshold name (degrees off side-on, as the view is read): from further round, the
            fault rules that read a body angle (a signal seen in the "joint" or "side" plane, exercises.signals) are
            not judged, and such a fault is reported as not checked; reps, holds and timing are still counted. For
            an exercise whose pose the model gets wrong off side-on, though it counts right (the nerve glide).
        batch_sampling: the pose sampling (pose.sampling) a recorded clip of this exercise gets under
            `formcheck score --sampling auto`: "adaptive" only for an exercise slow enough that its reps, holds,
            faults and angles were measured unchanged with it (README, Speed), else "full".
        retired_thresholds: names the spec once had and no longer reads: an override under one (a limit a therapist
            stored before the rule changed) is accepted and dropped, so stored programmes and configs still load,
            while the name is neither listed nor offered for editing.
    """

    name: str
    title: str
    posture: str
    facing_from: str
    side_rule: str
    posture_signal: str
    required_parts: tuple[str, ...]
    signals: tuple[str, ...]
    rep: RepSpec
    hold: HoldSpec | None
    frame_rules: tuple[FrameRule, ...]
    rep_rules: tuple[RepRule, ...]
    faults: tuple[FaultInfo, ...]
    thresholds: Mapping[str, float] = field(default_factory=dict)
    events: str | None = None
    batch_sampling: str = FULL
    form_view_max: str | None = None
    retired_thresholds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "thresholds", MappingProxyType(dict(self.thresholds)))
        self.validate()

    @property
    def needs_outline(self) -> bool:
        """Whether a signal reads the back's outline (so pose estimation must compute the person mask)."""
        return any(s in OUTLINE_SIGNALS for s in self.signals)

    @property
    def works_one_leg(self) -> bool:
        """Whether one leg does the exercise and the other rests (its side is that leg, which a patient may name)."""
        return self.side_rule in ONE_LEG_SIDE_RULES

    @property
    def fault_codes(self) -> tuple[str, ...]:
        """All fault codes, in declaration order."""
        return tuple(f.code for f in self.faults)

    def t(self, name: str) -> float:
        """A threshold's value."""
        return self.thresholds[name]

    def rule_on(self, rule: FrameRule | RepRule) -> bool:
        """Whether a fault rule is on: it has no `enabled_by` flag, or that flag is not 0."""
        return rule.enabled_by is None or self.t(rule.enabled_by) != 0

    def rep_band(self) -> tuple[float, float]:
        """The rep signal's (low_max, high_min) in force, after a prescribed target has lowered high_min.

        Measured from the neutral for a spec with one (RepSpec.neutral_window_s): edges given as they read at the
        nominal rest (RepSpec.neutral_nominal) have the nominal taken off.
        """
        low, high = self.t(self.rep.low_max), self.t(self.rep.high_min)
        if self.rep.high_min_near_target:
            target, short_of = self.rep.high_min_near_target
            high = min(high, self.t(target) - self.t(short_of))
        return low - self.nominal_rest(), high - self.nominal_rest()

    def rep_edges_read(self, neutral: float = math.nan) -> tuple[float, float]:
        """The rep band as the rep signal itself reads it, for drawing beside its value.

        Zones measured from the person's own rest (RepSpec.neutral_window_s) are offsets from `neutral`, the nominal
        rest while that is unknown (NaN); fixed zones are the band itself.
        """
        low, high = self.rep_band()
        if not self.rep.neutral_window_s:
            return low, high
        at = neutral if math.isfinite(neutral) else self.nominal_rest()
        return low + at, high + at

    def nominal_rest(self) -> float:
        """Where the rep signal's rest reads on a typical body (RepSpec.neutral_nominal); 0 without one."""
        return self.t(self.rep.neutral_nominal) if self.rep.neutral_nominal else 0.0

    def hold_band(self) -> tuple[float, float]:
        """The hold's (low, high); from the neutral (HoldSpec.from_neutral), with the nominal rest taken off."""
        if self.hold is None:
            raise ValueError(f"exercise {self.name!r} has no hold")
        off = self.nominal_rest() if self.hold.from_neutral else 0.0
        return self.t(self.hold.low) - off, self.t(self.hold.high) - off

    def referenced_thresholds(self) -> set[str]:
        """Threshold names the rules refer to."""
        names = {self.rep.low_max, self.rep.high_min, self.rep.dwell_s, *(self.rep.high_min_near_target or ())}
        names |= {n for n in (self.rep.end_hold_min_s, self.rep.end_hold_enabled_by, self.rep.neutral_window_s,
                              self.rep.neutral_quantile_ratio, self.rep.neutral_offset_max, self.rep.neutral_below_max,
                              self.rep.neutral_nominal,
                              self.rep.neutral_rest_edge, *(self.rep.neutral_kept_in_rep or ()),
                              self.rep.partial_min_ratio,
                              self.rep.timing_view_max, self.rep.start_from_rest_within, self.form_view_max,
                              self.rep.dwell_unseen_max_s, self.rep.rest_dwell_s, self.rep.unseen_rest_min_s,
                              self.rep.rest_return_min_ratio,
                              self.rep.rest_return_still_s, self.rep.rest_return_still_max,
                              *self.rep.unseen_end_thresholds) if n}
        if self.hold:
            names |= {self.hold.low, self.hold.high, self.hold.min_s, self.hold.gap_max_s, self.hold.settle_s}
            names |= {n for n in (self.hold.unseen_gap_max_s, self.hold.still_max_per_s, self.hold.still_window_s,
                                  self.hold.plateau_ratio, self.hold.unseen_credit_max_s,
                                  self.hold.out_blip_max_s) if n}
        for r in (*self.frame_rules, *self.rep_rules):
            names |= {n for n in (r.above, r.below, r.enabled_by, getattr(r, "margin", None)) if n}
        names |= {r.min_duration_s for r in self.frame_rules} | ({"fault_unseen_max_s"} if self.frame_rules else set())
        names |= {"neutral_rest_trusted_after_s"} if self.rep.neutral_rest_edge else set()
        names |= {"pose_lock_on_s"} if self.rep.neutral_window_s and self.rep.mode != "cycle" else set()
        names |= {r.from_rest_window_s for r in self.frame_rules if r.from_rest_window_s}
        names |= {r.from_work_start_s for r in self.frame_rules if r.from_work_start_s}
        names |= {r.view_max for r in self.frame_rules if r.view_max}
        names |= set(SIDE_RULE_THRESHOLDS.get(self.side_rule, ()))
        return names

    def validate(self) -> None:
        """Check the spec is consistent.

        Raises:
            ValueError: naming what is wrong and what was expected.
        """
        where = f"exercise {self.name!r}"
        self._check_names(where)
        for name, value in self.thresholds.items():
            if not name.endswith(THRESHOLD_UNITS):
                raise ValueError(f"{where}: threshold {name!r} must end in a unit ({', '.join(THRESHOLD_UNITS)})")
            if not isinstance(value, (int, float)) or isinstance(value, bool) or math.isnan(value):
                raise ValueError(f"{where}: threshold {name!r} must be a number, got {value!r}")
            if name.endswith("_s") and value < 0:
                raise ValueError(f"{where}: threshold {name!r} is a duration and must be >= 0, got {value}")
            if name.endswith("_hz") and not value > 0:
                raise ValueError(f"{where}: threshold {name!r} is a frequency and must be > 0, got {value}")
            if name.endswith("_flag") and value not in (0, 1):
                raise ValueError(f"{where}: threshold {name!r} is a switch and must be 0 or 1, got {value}")
        missing = self.referenced_thresholds() - set(self.thresholds)
        if missing:
            raise ValueError(f"{where}: rules refer to undefined thresholds {sorted(missing)}")
        if self.posture_signal not in self.signals:
            raise ValueError(f"{where}: posture signal {self.posture_signal!r} must be in `signals`")
        if self.rep.signal != self.signals[0]:
            raise ValueError(f"{where}: the rep signal {self.rep.signal!r} must come first in `signals`")
        lo, hi = self.rep_band()
        if not lo < hi:
            if hi < self.t(self.rep.high_min):
                target, short_of = self.rep.high_min_near_target
                raise ValueError(f"{where}: {target} ({self.t(target):g}) less {short_of} ({self.t(short_of):g}) "
                                 f"leaves no range above {self.rep.low_max} ({lo:g}); lower {self.rep.low_max} too")
            raise ValueError(f"{where}: {self.rep.low_max} ({lo}) must be below {self.rep.high_min} ({hi})")
        if self.hold and not self.t(self.hold.low) < self.t(self.hold.high):
            raise ValueError(f"{where}: {self.hold.low} must be below {self.hold.high}")
        if self.rep.neutral_quantile_ratio and (not self.rep.neutral_window_s
                                                or not 0 <= self.t(self.rep.neutral_quantile_ratio) <= 1):
            raise ValueError(f"{where}: {self.rep.neutral_quantile_ratio!r} is a quantile of the neutral's window: "
                             f"it needs neutral_window_s and a value in [0, 1]")
        if self.rep.neutral_below_max and (not self.rep.neutral_window_s
                                           or not self.t(self.rep.neutral_below_max) >= 0):
            raise ValueError(f"{where}: {self.rep.neutral_below_max!r} bounds the neutral's distance below zero: "
                             f"it needs neutral_window_s and a value of 0 or more")
        if self.rep.neutral_offset_max and (not self.rep.neutral_window_s
                                            or not self.t(self.rep.neutral_offset_max) >= 0):
            raise ValueError(f"{where}: {self.rep.neutral_offset_max!r} bounds the neutral's distance from zero: "
                             f"it needs neutral_window_s and a value of 0 or more")
        if self.rep.neutral_nominal and not self.rep.neutral_window_s:
            raise ValueError(f"{where}: {self.rep.neutral_nominal!r} is where the neutral reads before a rest is seen: "
                             f"it needs neutral_window_s")
        if self.rep.neutral_rest_edge and (not self.rep.neutral_window_s or self.rep.mode == "cycle"):
            raise ValueError(f"{where}: {self.rep.neutral_rest_edge!r} is the rest's edge the neutral is taken from: "
                             f"it needs neutral_window_s and a rep that returns to rest (not a cycle)")
        kept = self.rep.neutral_kept_in_rep
        if kept and (not self.rep.neutral_window_s or self.rep.mode == "cycle"
                     or not (self.t(kept[0]) >= 0 and self.t(kept[1]) > 0)):
            raise ValueError(f"{where}: neutral_kept_in_rep {kept!r} keeps the neutral near the rest before a rep "
                             f"held: it needs neutral_window_s, a rep that returns to rest (not a cycle), a distance "
                             f"of 0 or more and a time above 0")
        if self.hold and self.hold.from_neutral and (not self.rep.neutral_window_s
                                                     or self.hold.signal != self.rep.signal):
            raise ValueError(f"{where}: a hold measured from the neutral needs the rep's neutral_window_s and the "
                             f"rep signal {self.rep.signal!r}, got {self.hold.signal!r}")
        if self.hold and self.hold.plateau_ratio and (not self.hold.from_neutral
                                                      or not 0 < self.t(self.hold.plateau_ratio) < 1):
            raise ValueError(f"{where}: {self.hold.plateau_ratio!r} is a share of a hold's depth below the neutral: "
                             f"it needs from_neutral and a value in (0, 1)")
        if self.rep.start_from_rest_within and (self.rep.mode == "cycle" or self.rep.neutral_window_s
                                                or not self.t(self.rep.start_from_rest_within) >= 0):
            raise ValueError(f"{where}: {self.rep.start_from_rest_within!r} times a rep from its rest: it needs a rep "
                             f"that returns to rest (not a cycle), no neutral_window_s, and a value of 0 or more")
        rest_return = (self.rep.rest_return_min_ratio, self.rep.rest_return_still_s, self.rep.rest_return_still_max)
        if any(rest_return) and (not all(rest_return) or self.rep.mode == "cycle" or not self.rep.neutral_window_s
                                 or not 0 < self.t(rest_return[0]) <= 1):
            raise ValueError(f"{where}: rest_return_min_ratio, rest_return_still_s and rest_return_still_max go "
                             f"together, on a rep that returns to rest (not a cycle) with neutral_window_s, and the "
                             f"ratio in (0, 1]")
        if self.rep.mode == "cycle" and any(r.from_rest_window_s for r in self.frame_rules):
            raise ValueError(f"{where}: a rule judged from rest (from_rest_window_s) needs a rep that returns to rest, "
                             f"not a cycle")
        for r in self.frame_rules:
            if r.from_work_start_s and (r.from_rest_window_s or not self.t(r.from_work_start_s) > 0):
                raise ValueError(f"{where}: rule {r.code!r} judged from its work's start (from_work_start_s) needs a "
                                 f"time over 0 and no from_rest_window_s")
        self._validate_unseen_end(where)
        codes = set(self.fault_codes)
        if (self.rep.end_hold_min_s is None) != (self.rep.end_hold_fault is None):
            raise ValueError(f"{where}: end_hold_min_s and end_hold_fault go together")
        if self.rep.end_hold_fault and self.rep.end_hold_fault not in codes:
            raise ValueError(f"{where}: end-hold fault {self.rep.end_hold_fault!r} has no entry in `faults`")
        if (self.rep.partial_min_ratio is None) != (self.rep.partial_fault is None):
            raise ValueError(f"{where}: partial_min_ratio and partial_fault go together")
        if self.rep.partial_fault and self.rep.partial_fault not in codes:
            raise ValueError(f"{where}: partial-rep fault {self.rep.partial_fault!r} has no entry in `faults`")
        if self.rep.partial_min_ratio and not 0 < self.t(self.rep.partial_min_ratio) <= 1:
            raise ValueError(f"{where}: threshold {self.rep.partial_min_ratio!r} is a share of the way to the work "
                             f"zone and must be in (0, 1], got {self.t(self.rep.partial_min_ratio)}")
        for r in (*self.frame_rules, *self.rep_rules):
            if r.code not in codes:
                raise ValueError(f"{where}: rule for {r.code!r} has no entry in `faults`")
            if (r.above is None) == (r.below is None):
                raise ValueError(f"{where}: rule for {r.code!r} needs exactly one of above/below")
        for r in self.rep_rules:
            kind, _, sig = r.stat.partition(":")
            if kind not in REP_STATS or (kind == "duration_s") != (sig == ""):
                raise ValueError(f"{where}: rep rule stat {r.stat!r} must be duration_s or "
                                 f"max:/min:/range:/range_share_of_best:/max_share_of_others:/rise:<signal>")
            if sig and sig not in self.signals:
                raise ValueError(f"{where}: rep rule stat {r.stat!r} needs {sig!r} in `signals`")

    def _validate_unseen_end(self, where: str) -> None:
        rep = self.rep
        if not rep.unseen_end_signal and not any(rep.unseen_end_thresholds):
            return
        if not rep.unseen_end_signal or not all(rep.unseen_end_thresholds) or rep.mode != "cycle":
            raise ValueError(f"{where}: unseen_end_signal, unseen_end_drop_min, unseen_end_rearm_max, "
                             f"unseen_end_rest_quantile, unseen_end_toward_last_max and unseen_end_rest_within go "
                             f"together, on a cycle")
        if rep.unseen_end_signal not in self.signals or not rep.neutral_window_s:
            raise ValueError(f"{where}: unseen_end_signal {rep.unseen_end_signal!r} needs to be in `signals`, and "
                             f"neutral_window_s for its rest")
        drop, rearm, quantile, toward, within = (self.t(n) for n in rep.unseen_end_thresholds)
        if not 0 <= rearm < drop < 1 or not 0 <= quantile <= 1 or not 0 <= toward <= 1 or not within >= 0:
            raise ValueError(f"{where}: {rep.unseen_end_rearm_max} ({rearm:g}) must be below "
                             f"{rep.unseen_end_drop_min} ({drop:g}), both in [0, 1); {rep.unseen_end_rest_quantile} "
                             f"and {rep.unseen_end_toward_last_max} in [0, 1]; {rep.unseen_end_rest_within} 0 or more")

    def _check_names(self, where: str) -> None:
        """Every name the spec holds is registered (or one of its field's values), so a typo fails here."""
        POSTURES.check(self.posture, f"{where}: posture")
        FACING_RULES.check(self.facing_from, f"{where}: facing_from")
        SIDE_RULES.check(self.side_rule, f"{where}: side_rule")
        if self.events is not None:
            EVENT_DETECTORS.check(self.events, f"{where}: events")
        if self.batch_sampling not in SAMPLING_MODES:
            raise ValueError(f"{where}: batch_sampling {self.batch_sampling!r} must be one of "
                             f"{', '.join(SAMPLING_MODES)}")
        signals = [("posture_signal", self.posture_signal), ("rep.signal", self.rep.signal)]
        signals += [(f"signals[{i}]", s) for i, s in enumerate(self.signals)]
        signals += [(f"frame_rules[{i}].signal", r.signal) for i, r in enumerate(self.frame_rules)]
        signals += [("hold.signal", self.hold.signal)] if self.hold else []
        signals += [("rep.unseen_end_signal", self.rep.unseen_end_signal)] if self.rep.unseen_end_signal else []
        for field_name, sig in signals:
            SIGNALS.check(sig, f"{where}: {field_name}")
        expected = POSTURES.get(self.posture)
        if self.posture_signal != expected:
            raise ValueError(f"{where}: posture_signal {self.posture_signal!r} does not measure the "
                             f"{self.posture!r} posture; expected {expected!r}")
        check_name(self.rep.mode, get_args(RepMode), "rep mode", f"{where}: rep.mode")
        for i, r in enumerate(self.frame_rules):
            check_name(r.during, get_args(During), "rule context", f"{where}: frame_rules[{i}].during")
        for i, f in enumerate(self.faults):
            check_name(f.severity, get_args(Severity), "severity", f"{where}: faults[{i}].severity")
        for i, part in enumerate(self.required_parts):
            check_name(part, SIDED_PARTS, "body part", f"{where}: required_parts[{i}]")

    def with_thresholds(self, overrides: Mapping[str, float]) -> ExerciseSpec:
        """A copy with some thresholds replaced.

        Names in `retired_thresholds` are dropped.

        Raises:
            ValueError: for an unknown name (listing the valid ones) or a value the spec rejects.
        """
        overrides = {k: v for k, v in overrides.items() if k not in self.retired_thresholds}
        unknown = set(overrides) - set(self.thresholds)
        if unknown:
            raise ValueError(
                f"exercise {self.name!r}: unknown threshold(s) {', '.join(sorted(unknown))}; "
                f"expected some of {', '.join(sorted(self.thresholds))}"
            )
        merged = {**self.thresholds, **{k: float(v) if not isinstance(v, bool) else v for k, v in overrides.items()}}
        return replace(self, thresholds=merged)


# Thresholds every spec shares; a spec may override any of them.
COMMON_THRESHOLDS: dict[str, float] = {
    # Below this MediaPipe visibility a landmark is treated as unknown, not guessed.
    "landmark_visibility_min_ratio": LANDMARK_VISIBILITY_MIN_RATIO,
    # One Euro smoothing of landmark pixels: steady when still, little lag when moving (0 turns it off).
    "smoothing_enabled_flag": 1,
    "smoothing_min_cutoff_hz": 2.0,
    "smoothing_beta_ratio": 0.01,
    # Faults shorter than this are landmark noise, not form.
    "fault_min_duration_s": 0.4,
    # A fault's condition seen again after this long with its measurement unknown is a new episode, not the same one
    # held through the gap: a knee to chest filmed 29 degrees round read the other leg lifting for a frame as the knee
    # came in and again as it left, unknown for the 7 s held between, and reported a 7 s fault. As long as a hold
    # survives its pose unseen (hold_unseen_gap_max_s): at 1 s a hip flexor stretch's trunk leaning back, unknown for
    # 1-2 s at a time while it leaned, was timed as good form.
    "fault_unseen_max_s": 3.0,
    # A rep's highest and lowest values are those its signals held at least this long: a pose misread lasts 0.1-0.3 s
    # (a leg's labels swapped for a few frames), while a rep rests at its end range for longer.
    "rep_extreme_held_min_s": 0.2,
    # A rep rule's "rise:" is measured from the signal's median over this long before the rep: the person standing
    # (or the tail of the last rep's return, between reps with no pause), not a moment already under way. A second,
    # so a pose misread of a few tenths just before the rep is outvoted: over half a second, one (hips read 0.09-0.18
    # ahead for 0.3 s) set the start and a good push read short (rendered seed 7504).
    "rise_start_window_s": 1.0,
    # A segment's full length in the picture (exercises.segment_reference) is the longest it stayed at or above for
    # this long: a pose model's collapse reads a segment longer for a frame or a few (a hip flexor's front shin up
    # to 1.25 times its length, above 1.05 for 0.4 s), a segment seen whole keeps its length.
    "segment_full_held_min_s": 0.5,
    # A neutral taken from readings at rest only (RepSpec.neutral_rest_edge) is trusted once the rest it was taken
    # from spans this long; before, a reading at rest about zero counts as rest too. Without it one reading at -31 as
    # the pose model locked on held a sphinx's neutral at -15 (its bound) for the set, its true rest at 0 never kept.
    "neutral_rest_trusted_after_s": 1.0,
    # The pose model and the smoothing after it settle within this of first finding the person (rendered pelvic
    # tilts: the hand read 8-11 degrees high at the first frame, at the rest from 0.6-0.9 s): a rep from a rest never
    # held that only spans this settling, against a running neutral, is no rep (Checker._only_the_neutral_settled),
    # and a rep that left its rest within it is timed from the rest read after it (Checker._start_after_locking_on).
    "pose_lock_on_s": 1.0,
    # Trunk further than this from the exercise's posture (upright, or level when lying or on all fours)
    # means the person is not doing the exercise right now: getting down, kneeling up, walking.
    "posture_trunk_tilt_max_deg": 45.0,
    # The working side is chosen from this much reliable footage before it is fixed (live use).
    "side_lock_s": 1.0,
}

# What the supine signals (exercises.signals_supine) take as hook lying, for every spec that reads them; a spec or a
# patient may override them like any threshold, and a spec without them gets these values.
HOOK_LYING_THRESHOLDS: dict[str, float] = {
    # The knee bent between these (feet flat near the buttocks, about 80-110); outside, the legs are out straight or
    # a knee is hugged in, and a hand on the hip moving is no pelvic tilt.
    "hook_knee_min_deg": 55.0,
    "hook_knee_max_deg": 135.0,
    # A hand on the hip bone is within this many trunk lengths of the hip (drawn 0.25); spread arms put it a trunk
    # length away, by the shoulders.
    "hand_on_hip_max_ratio": 0.5,
    # A hand resting on the front of the pelvis sits above the hip joint and towards the head: 20-65 degrees from the
    # floor line at the hip (rendered, through MediaPipe, across bodies); a hand on the floor beside the thigh, that
    # close to the hip, reads 120-145.
    "hand_on_hip_max_deg": 100.0,
    # Both feet on the floor: the ankles within this many trunk lengths of each other's height (a foot rolled onto
    # its edge stays within 0.05; an ankle lifted onto the other knee is 0.5 or more above it).
    "feet_level_max_ratio": 0.15,
}
