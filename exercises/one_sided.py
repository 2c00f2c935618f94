"""Cycles seen at one end only: why a set of whole cycles can count as no rep at all.

A cycle rep (RepSpec mode "cycle": a trunk rotation's roll to each side, a cat-cow's cat and cow) counts only once
both ends are reached. From some camera positions one end is hidden: rendered trunk rotations filmed 12-36 degrees
off side-on read the knees rolled away from the camera at 0.01-0.03 trunk lengths from rest, against 0.31-0.39 for
the rolls towards it (the near knee hides the far one as it drops behind). The knees' height then often reads the
hidden roll (exercises.tracking.UnseenEnd), but not always; a set where neither did counts 0 reps, truthfully, though
the person did roll both ways. The report should say what was seen, so the patient can move the camera.
"""

from __future__ import annotations

import math

import numpy as np

from exercises.results import ClipReport
from exercises.spec import ExerciseSpec
from exercises.tracking import TIME_ROUNDING_S, ZoneTracker

# Visits to one end, with none to the other, before a set is said to be seen at one end only: a single visit is as
# likely a person settling into position.
ONE_END_VISITS_MIN = 2


def end_visits(report: ClipReport, spec: ExerciseSpec) -> dict[str, int]:
    """How many times a cycle's rep signal went into each end zone ("low", "high") and stayed for the dwell time.

    The zones are the rep's own (measured from the person's neutral where the spec has one). A visit ends when the
    signal comes back past the middle of the band, so jitter at a zone's edge is one visit, not several. Empty for a
    spec whose reps are not cycles.
    """
    if spec.rep.mode != "cycle" or spec.rep.signal not in report.series:
        return {}
    values = np.asarray(report.series[spec.rep.signal], float)
    if spec.rep.neutral_window_s and len(report.rep_neutral) == len(values):
        values = values - np.asarray(report.rep_neutral, float)
    low_max, high_min = spec.rep_band()
    classify = ZoneTracker(low_max, high_min, 0.0).classify
    middle = (low_max + high_min) / 2.0
    dwell_s = spec.t(spec.rep.dwell_s)
    visits = {"low": 0, "high": 0}
    visiting = None  # the end of the last visit counted, until the signal passes the middle again
    zone, since_s = "mid", math.nan  # the zone the signal is in now, and since when
    for t_s, x in zip(np.asarray(report.t_s, float), values):
        if not math.isfinite(x):
            continue
        if visiting == "low" and x > middle or visiting == "high" and x < middle:
            visiting = None
        raw = classify(x)
        if raw != zone:
            zone, since_s = raw, t_s
        if zone != "mid" and zone != visiting and t_s - since_s >= dwell_s - TIME_ROUNDING_S:
            visits[zone] += 1
            visiting = zone
    return visits


def one_end_only(report: ClipReport, spec: ExerciseSpec) -> str:
    """The end ("low" or "high") a cycle set reached again and again while never reaching the other; "" otherwise.

    Also "" for a set that counted a rep: its other end was then read another way (RepSpec.unseen_end_signal), and
    the warning is about why a set counted none.
    """
    if report.rep_count:
        return ""
    visits = end_visits(report, spec)
    for end, other in (("low", "high"), ("high", "low")):
        if visits.get(end, 0) >= ONE_END_VISITS_MIN and visits.get(other, 0) == 0:
            return end
    return ""
