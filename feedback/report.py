"""Serialising clip reports: the one place that decides what the CLI, the app and exports write."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from exercises.judged import rep_view_hidden
from exercises.one_sided import one_end_only
from exercises.registry import EXERCISES
from exercises.results import ClipReport, RepEvent
from exercises.signals import CONFIDENCE_NAMES
from exercises.spec import value_decimals
from feedback.wording import confidence_note

# Columns of the per-clip CSV, in order; the JSONL row has the same keys plus nested detail. partial_reps came
# later and goes last, so scripts that read the older columns by position keep working; exercise_confidence (how
# sure `--exercise auto` was, 0-1; empty when the exercise was named) came after it.
CSV_COLUMNS = ("file", "exercise", "reps", "hold_s", "faults", "frames", "pose_coverage", "side", "view",
               "duration_s", "error", "partial_reps", "exercise_confidence", "angle_confidence", "unjudged_faults",
               "sampling", "body_seen_ratio", "one_end_only", "unseen_max_s", "view_hidden_ratio", "view_hidden_deg")
# angle_confidence (issue 13): how sure the counted angle is over the clip, "reliable", "approximate" or
# "unknown" (exercises.signals.signal_confidence), empty for a clip that could not be scored. unjudged_faults (last):
# the faults the clip could not be checked for at all (exercises.judged), codes separated by ';': "no fault" for
# them means "not seen", not good form. sampling (last): how the pose model was run on the clip, "full" (every frame)
# or "adaptive" (pose.sampling), so rows merged from runs with different `--sampling` can be told apart; empty where
# the clip was not scored. body_seen_ratio (last): the share of frames with the body seen, whether or not the rep
# measurement could be read; with a low pose_coverage it means the person was in the picture but not in the
# exercise's measured position (a pelvic tilt without the hands on the hip bones), not a camera problem.
# one_end_only (last): for a cycle exercise, the end of the cycle ("low" or "high" of its rep measurement) reached again
# and again while the other never was (exercises.one_sided), so no full rep was counted; empty otherwise.
# unseen_max_s (last): the longest stretch in the middle of the clip with the body not seen, in seconds
# (ClipReport.longest_unseen: out of the picture, or lost by the pose model), 0 when there was none; reps or hold time
# there may be missing (the review warns from feedback.wording.UNSEEN_GAP_WARN_MIN_S). Empty for a clip not scored.
# view_hidden_ratio and view_hidden_deg (last): the share of the frames the body was seen in whose rep measurement
# could not be read because the camera was past that measurement's view limit, and the median view there in degrees
# off side-on (exercises.judged.rep_view_hidden); 0 and empty when nothing was hidden, so a low count with a high
# share is the camera's (the review warns from feedback.wording.VIEW_HIDDEN_WARN_MIN_RATIO). Empty for a clip not
# scored.


@dataclass(frozen=True)
class ClipResult:
    """A scored clip, or the one-line reason it could not be scored."""

    file: str
    exercise: str
    report: ClipReport | None = None
    error: str | None = None
    # How sure the recognition was (0-1) when the exercise was recognised; None when it was named.
    exercise_confidence: float | None = None
    # The pose sampling the clip was scored with ("full" or "adaptive"); None when it was not scored.
    sampling: str | None = None


def _num(x: float, digits: int = 2) -> float | None:
    return round(float(x), digits) if x is not None and math.isfinite(x) else None


def _values(d: dict[str, float]) -> dict[str, float | None]:
    return {k: _num(v, value_decimals(k)) for k, v in d.items()}


def _rep_detail(x: RepEvent) -> dict[str, Any]:
    detail = {"index": x.index, "start_s": _num(x.start_s), "end_s": _num(x.end_s), "duration_s": _num(x.duration_s),
              "low": _values(x.low), "high": _values(x.high), "faults": list(x.faults),
              # What the rep could not be checked for ("no fault" there means not seen).
              "unjudged_faults": list(x.unjudged)}
    if x.confidence:  # how sure each angle of the rep is, and that in words for the therapist
        detail.update(confidence=dict(x.confidence), camera_view_deg=_num(x.view_deg, 0),
                      confidence_note=confidence_note(x.confidence, x.view_deg))
    if x.leg is not None:  # a step (walk): which leg, and its gait measures
        detail.update(leg=x.leg, measures={k: _num(v, 3) for k, v in x.measures.items()})
    return detail


def angle_confidence(report: ClipReport) -> str:
    """How sure the counted (first) signal is over the clip: the confidence most of its measured frames had."""
    codes = next(iter(report.confidence.values()), None)
    series = next(iter(report.series.values()), None)
    if codes is None or series is None or not len(codes):
        return CONFIDENCE_NAMES[0]
    known = codes[np.isfinite(series)]
    return CONFIDENCE_NAMES[int(np.floor(np.median(known)))] if known.size else CONFIDENCE_NAMES[0]


def to_row(result: ClipResult, detail: bool = True) -> dict[str, Any]:
    """The machine-readable summary of one clip (the CLI contract's JSONL object).

    `reps` counts completed reps and `partial_reps` the attempts that moved clearly but fell short of the work
    zone; `faults` counts the reps, partial reps and holds flagged with each code. With detail, `rep_detail` has
    one entry per completed rep (so its length is `reps`) and `partial_rep_detail` one per partial rep, alike.

    Args:
        result: the scored clip.
        detail: include per-rep, per-partial-rep, per-hold and fault-episode detail.
    """
    r = result.report
    row: dict[str, Any] = {
        "file": result.file,
        "exercise": result.exercise,
        "reps": r.rep_count if r else 0,
        "partial_reps": r.partial_rep_count if r else 0,
        "hold_s": _num(r.hold_s) if r else 0.0,
        "faults": dict(sorted(r.fault_counts.items())) if r else {},
        "frames": r.frames if r else 0,
        "pose_coverage": _num(r.pose_coverage, 3) if r else 0.0,
        "side": r.side if r else None,
        "view": r.view if r else None,
        "duration_s": _num(r.duration_s) if r else None,
        "error": result.error,
        "exercise_confidence": _num(result.exercise_confidence, 3) if result.exercise_confidence is not None
        else None,
        "angle_confidence": angle_confidence(r) if r else None,
        "unjudged_faults": [u.code for u in r.unjudged] if r else [],
        "sampling": result.sampling if r else None,
        "body_seen_ratio": _num(r.body_seen_ratio, 3) if r else None,
        "one_end_only": _one_end(r, result.exercise),
        "unseen_max_s": _num(r.longest_unseen()[1]) if r else None,
        **_view_hidden(r, result.exercise),
    }
    if detail and r:
        row["rep_detail"] = [_rep_detail(x) for x in r.reps]
        row["partial_rep_detail"] = [_rep_detail(x) for x in r.partial_reps]
        row["hold_detail"] = [
            {"start_s": _num(h.start_s), "end_s": _num(h.end_s), "good_s": _num(h.good_s), "faults": list(h.faults)}
            for h in r.holds
        ]
        row["fault_episodes"] = [
            {"code": e.code, "start_s": _num(e.start_s), "end_s": _num(e.end_s)} for e in r.episodes
        ]
        if r.measures or r.notes:  # clip-level numbers from an event detector (walk: cadence, timing, speed)
            row["measures"] = {k: _num(v, 3) for k, v in r.measures.items()}
            row["notes"] = list(r.notes)
    return row


def _one_end(report: ClipReport | None, exercise: str) -> str | None:
    """exercises.one_sided.one_end_only's end for a scored clip of a known exercise, None where there is none."""
    spec = EXERCISES.get(exercise)
    return (one_end_only(report, spec) or None) if report is not None and spec is not None else None


def _view_hidden(report: ClipReport | None, exercise: str) -> dict[str, float | None]:
    """exercises.judged.rep_view_hidden as the row's two fields; None for a clip not scored or not a known exercise."""
    spec = EXERCISES.get(exercise)
    if report is None or spec is None:
        return {"view_hidden_ratio": None, "view_hidden_deg": None}
    share, view_deg = rep_view_hidden(report, spec)
    return {"view_hidden_ratio": _num(share, 3), "view_hidden_deg": _num(view_deg, 0)}


def to_json_line(result: ClipResult) -> str:
    """One JSONL line for a clip."""
    return json.dumps(to_row(result), ensure_ascii=False)


def csv_header() -> str:
    """The CSV header line."""
    buf = io.StringIO()
    csv.writer(buf).writerow(CSV_COLUMNS)
    return buf.getvalue()


def to_csv_line(result: ClipResult) -> str:
    """One CSV line for a clip; faults as code=count pairs separated by ';'."""
    row = to_row(result, detail=False)
    row["faults"] = ";".join(f"{k}={v}" for k, v in row["faults"].items())
    row["unjudged_faults"] = ";".join(row["unjudged_faults"])
    buf = io.StringIO()
    csv.writer(buf).writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])
    return buf.getvalue()


def reps_csv(report: ClipReport) -> str:
    """The per-rep table as CSV: timing, the low and high of each signal, and faults.

    Reps and partial reps in time order; `partial` is 1 on a partial rep, whose `rep` numbers the partial reps;
    `unjudged_faults` (last) the faults the rep could not be checked for.
    """
    buf = io.StringIO()
    w = csv.writer(buf)
    sigs = list(report.series)
    w.writerow(["rep", "start_s", "end_s", "duration_s", *[f"{s}_low" for s in sigs], *[f"{s}_high" for s in sigs],
                "faults", "partial", "unjudged_faults"])
    for x in sorted((*report.reps, *report.partial_reps), key=lambda x: x.start_s):
        w.writerow([x.index, _num(x.start_s), _num(x.end_s), _num(x.duration_s),
                    *[_num(x.low.get(s, math.nan), value_decimals(s)) for s in sigs],
                    *[_num(x.high.get(s, math.nan), value_decimals(s)) for s in sigs],
                    ";".join(x.faults), int(x.partial), ";".join(x.unjudged)])
    return buf.getvalue()
