"""Serialising clip reports: the one place that decides what the CLI, the app and exports write."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from typing import Any

from exercises.results import ClipReport

# Columns of the per-clip CSV, in order; the JSONL row has the same keys plus nested detail.
CSV_COLUMNS = ("file", "exercise", "reps", "hold_s", "faults", "frames", "pose_coverage", "side", "view",
               "duration_s", "error")


@dataclass(frozen=True)
class ClipResult:
    """A scored clip, or the one-line reason it could not be scored."""

    file: str
    exercise: str
    report: ClipReport | None = None
    error: str | None = None


def _num(x: float, digits: int = 2) -> float | None:
    return round(float(x), digits) if x is not None and math.isfinite(x) else None


def _values(d: dict[str, float]) -> dict[str, float | None]:
    return {k: _num(v, 1) for k, v in d.items()}


def to_row(result: ClipResult, detail: bool = True) -> dict[str, Any]:
    """The machine-readable summary of one clip (the CLI contract's JSONL object).

    Args:
        result: the scored clip.
        detail: include per-rep, per-hold and fault-episode detail.
    """
    r = result.report
    row: dict[str, Any] = {
        "file": result.file,
        "exercise": result.exercise,
        "reps": r.rep_count if r else 0,
        "hold_s": _num(r.hold_s) if r else 0.0,
        "faults": dict(sorted(r.fault_counts.items())) if r else {},
        "frames": r.frames if r else 0,
        "pose_coverage": _num(r.pose_coverage, 3) if r else 0.0,
        "side": r.side if r else None,
        "view": r.view if r else None,
        "duration_s": _num(r.duration_s) if r else None,
        "error": result.error,
    }
    if detail and r:
        row["rep_detail"] = [
            {"index": x.index, "start_s": _num(x.start_s), "end_s": _num(x.end_s), "duration_s": _num(x.duration_s),
             "low": _values(x.low), "high": _values(x.high), "faults": list(x.faults)}
            for x in r.reps
        ]
        row["hold_detail"] = [
            {"start_s": _num(h.start_s), "end_s": _num(h.end_s), "good_s": _num(h.good_s), "faults": list(h.faults)}
            for h in r.holds
        ]
        row["fault_episodes"] = [
            {"code": e.code, "start_s": _num(e.start_s), "end_s": _num(e.end_s)} for e in r.episodes
        ]
    return row


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
    buf = io.StringIO()
    csv.writer(buf).writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])
    return buf.getvalue()


def reps_csv(report: ClipReport) -> str:
    """The per-rep table as CSV: timing, the low and high of each signal, and faults."""
    buf = io.StringIO()
    w = csv.writer(buf)
    sigs = list(report.series)
    w.writerow(["rep", "start_s", "end_s", "duration_s", *[f"{s}_low" for s in sigs], *[f"{s}_high" for s in sigs],
                "faults"])
    for x in report.reps:
        w.writerow([x.index, _num(x.start_s), _num(x.end_s), _num(x.duration_s),
                    *[_num(x.low.get(s, math.nan), 1) for s in sigs], *[_num(x.high.get(s, math.nan), 1) for s in sigs],
                    ";".join(x.faults)])
    return buf.getvalue()
