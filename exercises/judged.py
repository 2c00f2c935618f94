"""Which faults a scored clip, or each of its reps, could not be checked for: "not seen" never reads as good form."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace

import numpy as np

from exercises.body import ViewLimits
from exercises.results import ClipReport, RepEvent, UnjudgedFault
from exercises.signals import UNKNOWN, signal_plane
from exercises.spec import ExerciseSpec, FrameRule, RepRule

# The planes of the measurements a spec's form_view_max stops judging: body angles, which the pose model may place
# wrongly from further round. A rep's timing has its own limit (RepSpec.timing_view_max); "any" is the same from
# every view.
_FORM_PLANES = ("joint", "side")
# A rep is checked for a frame rule's fault when its rule could look at a known value in at least this share of the
# rep's frames: the same "most of the rep" a rep's confidence is (exercises.engine). A lifting pelvis tips the hip
# line and so the view as read, so the frames a fault lasts may be the ones past a view limit.
_REP_JUDGED_MIN_SHARE = 0.5
# Rep statistics that read a signal ("max:<signal>", ...); "duration_s" reads the rep's own timing.
_SIGNAL_STATS = ("max:", "min:", "range:", "range_share_of_best:", "max_share_of_others:", "rise:")


def _stat_signal(stat: str) -> str | None:
    """The signal a rep statistic reads, "duration_s" for the rep's timing, None for anything else."""
    if stat == "duration_s":
        return stat
    return next((stat.split(":", 1)[1] for prefix in _SIGNAL_STATS if stat.startswith(prefix)), None)


def form_view_limit_deg(spec: ExerciseSpec, signal: str) -> float:
    """The view (degrees off side-on, as read) past which a rule reading `signal` is not judged; inf for no limit.

    The spec's form_view_max, for a signal seen in a body plane; no limit for timing, for what every view sees, and
    for a spec without one.
    """
    if spec.form_view_max is None or signal_plane(signal) not in _FORM_PLANES:
        return math.inf
    return spec.t(spec.form_view_max)


def rule_view_limit_deg(spec: ExerciseSpec, rule: FrameRule) -> float:
    """The view past which a frame rule is not judged: its signal's limit, or the rule's own view_max if nearer."""
    own = spec.t(rule.view_max) if rule.view_max else math.inf
    return min(form_view_limit_deg(spec, rule.signal), own)


def _windows(report: ClipReport, during: str) -> list[tuple[float, float]]:
    """The stretches of the clip a frame rule looks in (its `during`), as (start_s, end_s)."""
    attempts = [(r.start_s, r.end_s) for r in (*report.reps, *report.partial_reps)]
    holds = [(h.start_s, h.end_s) for h in report.holds]
    if during in ("rep", "work"):
        return attempts
    if during == "hold":
        return holds
    if during == "rep_or_hold":
        return attempts + holds
    return [(float(report.t_s[0]), float(report.t_s[-1]))] if len(report.t_s) else []


def _frame_rule_judged(report: ClipReport, rule: FrameRule, view_max_deg: float, from_rest: bool = True) -> bool | None:
    """Whether the rule's signal was known in some frame it looks at, filmed from within `view_max_deg` of side-on.

    None when there was nothing to look at. An unknown view counts as side-on, as it does for the rule.
    """
    windows = _windows(report, rule.during)
    judgeable = _judgeable(report, rule, view_max_deg, from_rest)
    if not windows or judgeable is None:
        return None
    inside = np.zeros(len(report.t_s), bool)
    for start, end in windows:
        inside |= (report.t_s >= start) & (report.t_s <= end)
    if not inside.any():
        return None
    return bool(np.any(judgeable & inside))


def _judgeable(report: ClipReport, rule: FrameRule, view_max_deg: float, from_rest: bool = True) -> np.ndarray | None:
    """Per frame, whether the rule's signal was known there and filmed from within `view_max_deg` of side-on.

    None when the report recorded no confidence for it (or no frame). An unknown view counts as side-on, as it does
    for the rule. With from_rest False, a rule judged from its rest level is taken as if that level were known.
    """
    codes = report.confidence.get(rule.signal)
    if codes is None or not len(report.t_s):
        return None
    with np.errstate(invalid="ignore"):
        within = ~(report.view_deg > view_max_deg) if len(report.view_deg) == len(report.t_s) else True
    judgeable = (codes != UNKNOWN) & within
    if rule.from_rest_window_s and from_rest:
        # Judged from the signal's own level at rest: nothing before that level was first seen (a clip that starts
        # in the stretch has no level to judge its first stretch from).
        judgeable &= report.t_s >= report.rest_seen_from_s.get(rule.code, -math.inf)
    return judgeable


def _rep_rule_judged(attempts: tuple[RepEvent, ...], rule: RepRule, view_max_deg: float) -> bool | None:
    """Whether some rep had the statistic's signal (or its timing) measured, from within `view_max_deg` of side-on.

    None when the statistic reads neither, or there is no rep.
    """
    signal = _stat_signal(rule.stat)
    if signal is None or not attempts:
        return None
    return any(r.confidence.get(signal, "reliable") != "unknown" and not r.view_deg > view_max_deg
               for r in attempts)


def fault_measurement(spec: ExerciseSpec, code: str, rest_unseen: bool = True) -> UnjudgedFault:
    """The measurement a fault of `spec` is judged on (its first rule's signal, and that signal's plane).

    For a saved report, which keeps only the codes it could not check. A code no rule of the spec reads (a range
    fault, or a spec that changed since) gets its own code as the signal, seen from "any" view. A measurement the
    spec judges only near side-on (form_view_max) is seen from the "side", whatever its own plane. One judged from
    its own level at rest (FrameRule.from_rest_window_s) needs that level seen first: its plane is "rest" when that
    was the cause (rest_unseen; a saved report cannot tell, and it is the one cause a well-placed camera can still
    miss: a clip begun in the position), else its signal's.
    """
    for rule in spec.frame_rules:
        if rule.code == code:
            rest = rule.from_rest_window_s and rest_unseen
            return UnjudgedFault(code, rule.signal, "rest" if rest else _plane(spec, rule.signal))
    for rule in spec.rep_rules:
        signal = _stat_signal(rule.stat)
        if rule.code == code and signal is not None:
            return UnjudgedFault(code, signal, _plane(spec, signal))
    return UnjudgedFault(code, code, "any")


def _plane(spec: ExerciseSpec, signal: str) -> str:
    return "side" if math.isfinite(form_view_limit_deg(spec, signal)) else signal_plane(signal)


def unjudged_faults(report: ClipReport, spec: ExerciseSpec) -> tuple[UnjudgedFault, ...]:
    """The faults none of whose rules could look at a known value, in the spec's fault order.

    A rule switched off (its `enabled_by` flag at 0) is not "unjudged": the therapist turned it off. A fault with no
    rep, partial rep or hold to look in (nothing was done) is not listed either: there was nothing to judge.
    """
    attempts = (*report.reps, *report.partial_reps)
    verdicts: dict[str, list[bool]] = {}
    for rule in spec.frame_rules:
        if spec.rule_on(rule):
            judged = _frame_rule_judged(report, rule, rule_view_limit_deg(spec, rule))
            if judged is not None:
                verdicts.setdefault(rule.code, []).append(judged)
    for rule in spec.rep_rules:
        if spec.rule_on(rule):
            judged = _rep_rule_judged(attempts, rule, form_view_limit_deg(spec, _stat_signal(rule.stat) or ""))
            if judged is not None:
                verdicts.setdefault(rule.code, []).append(judged)
    rest_unseen = _rest_the_cause(report, spec)
    return tuple(fault_measurement(spec, code, code in rest_unseen) for code in spec.fault_codes
                 if verdicts.get(code) and not any(judged for judged in verdicts[code]))


def _rest_the_cause(report: ClipReport, spec: ExerciseSpec) -> set[str]:
    """The faults judged from a rest level whose rules could have looked, had that level been seen in time.

    A calf stretch filmed from the front never sees the heel at all: the advice is the camera's, not the start's.
    """
    return {r.code for r in spec.frame_rules if r.from_rest_window_s and spec.rule_on(r)
            and _frame_rule_judged(report, r, rule_view_limit_deg(spec, r), from_rest=False)}


def _frame_rule_judged_in(report: ClipReport, rep: RepEvent, rule: FrameRule, view_max_deg: float) -> bool:
    """Whether the rule could look at a known value, from within `view_max_deg`, in most of the rep's frames."""
    judgeable = _judgeable(report, rule, view_max_deg)
    if judgeable is None:
        return True  # nothing recorded to say otherwise (a report built by hand)
    inside = (report.t_s >= rep.start_s) & (report.t_s <= rep.end_s)
    return not inside.any() or float(np.mean(judgeable[inside])) >= _REP_JUDGED_MIN_SHARE


def rep_unjudged(report: ClipReport, spec: ExerciseSpec, rep: RepEvent) -> tuple[str, ...]:
    """The faults one rep (or partial rep) could not be checked for, in the spec's fault order.

    A fault is unchecked in a rep when none of its rules could judge it there: a frame rule that looks during reps
    whose measurement was unknown, or past its view limit (the spec's or its own), in most of the rep's frames; a rep
    rule whose statistic's signal (or the rep's timing) was unknown for the rep, or filmed past the limit. A fault
    flagged in the rep was plainly checked; a rule switched off, or one that looks only in holds, is not counted.
    """
    verdicts: dict[str, list[bool]] = {}
    for rule in spec.frame_rules:
        if spec.rule_on(rule) and rule.during != "hold":
            judged = _frame_rule_judged_in(report, rep, rule, rule_view_limit_deg(spec, rule))
            verdicts.setdefault(rule.code, []).append(judged)
    for rule in spec.rep_rules:
        if spec.rule_on(rule):
            judged = _rep_rule_judged((rep,), rule, form_view_limit_deg(spec, _stat_signal(rule.stat) or ""))
            if judged is not None:
                verdicts.setdefault(rule.code, []).append(judged)
    return tuple(code for code in spec.fault_codes
                 if code not in rep.faults and verdicts.get(code) and not any(verdicts[code]))


def with_unjudged(report: ClipReport, spec: ExerciseSpec) -> ClipReport:
    """The report with what it could not check filled in: each rep's, and the whole clip's (`unjudged`).

    The clip's are the faults no rule could judge anywhere (unjudged_faults), and those not checked on any of its
    reps and partial reps (a rule may have judged a stray frame between reps): a fault flagged somewhere is neither.
    """
    reps = tuple(replace(r, unjudged=rep_unjudged(report, spec, r)) for r in report.reps)
    partials = tuple(replace(r, unjudged=rep_unjudged(report, spec, r)) for r in report.partial_reps)
    attempts = (*reps, *partials)
    anywhere = {u.code for u in unjudged_faults(report, spec)}
    on_every_rep = set.intersection(*(set(r.unjudged) for r in attempts)) if attempts else set()
    codes = [c for c in spec.fault_codes if c in anywhere or (c in on_every_rep and c not in report.fault_counts)]
    rest_unseen = _rest_the_cause(report, spec)
    return replace(report, reps=reps, partial_reps=partials,
                   unjudged=tuple(fault_measurement(spec, c, c in rest_unseen) for c in codes))


def partly_unjudged(reps: Iterable[tuple[int, Sequence[str]]], whole_clip: Collection[str],
                    spec: ExerciseSpec) -> dict[str, list[int]]:
    """The faults not checked on some reps only: code -> those reps' numbers, in the spec's fault order.

    Args:
        reps: (number, its RepEvent.unjudged) of each counted rep, from a report or a saved row.
        whole_clip: the codes not checked in the whole clip (ClipReport.unjudged), said once for the clip instead.
        spec: the exercise, for the order.
    """
    where: dict[str, list[int]] = {}
    for index, codes in reps:
        for code in codes:
            if code not in whole_clip:
                where.setdefault(code, []).append(index)
    return {code: where[code] for code in spec.fault_codes if code in where}


def rep_view_hidden(report: ClipReport, spec: ExerciseSpec) -> tuple[float, float]:
    """How much of a clip the rep measurement could not be read in because of where the camera was.

    A measurement in the body's side plane is unknown past view_sagittal_max_deg (as the view is read), one only the
    front shows short of view_frontal_min_deg (exercises.signals.signal_confidence); a clip filmed there counts
    little or nothing, and the reason is the camera, not the person.

    Returns:
        (share of the frames the body was seen in whose rep measurement was unknown with the view past its limit,
        the median view in degrees off side-on in those frames); (0.0, NaN) for a measurement with no view limit,
        a spec without reps, or nothing hidden.
    """
    if spec.rep is None or spec.rep.signal not in report.confidence or not len(report.view_deg):
        return 0.0, math.nan
    plane = signal_plane(spec.rep.signal)
    limits = ViewLimits.from_thresholds(report.thresholds)
    view = np.asarray(report.view_deg, float)
    with np.errstate(invalid="ignore"):
        if plane == "side":
            past = view > limits.sagittal_max_deg
        elif plane == "front":
            past = view < limits.frontal_min_deg
        else:
            return 0.0, math.nan
    seen = np.asarray(report.body_seen, bool) if len(report.body_seen) == len(view) else np.ones(len(view), bool)
    hidden = seen & past & (np.asarray(report.confidence[spec.rep.signal]) == UNKNOWN)
    if not seen.any() or not hidden.any():
        return 0.0, math.nan
    return float(hidden.sum() / seen.sum()), float(np.median(view[hidden]))
