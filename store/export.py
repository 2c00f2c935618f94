"""A patient's stored sets as a clinic takes them away: CSV, one row per set, and a printable HTML report.

Every cell and every piece of text is escaped: a CSV cell that starts like a formula is quoted, and HTML is
escaped, so a therapist's notes or a file name cannot run in a spreadsheet or a browser.
"""

from __future__ import annotations

import csv
import html
import io
import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.auth import Actor
from store.models import ExerciseSession, User, utc_now
from store.repo import adherence, check_patient, list_programmes, list_sessions

SESSION_CSV_COLUMNS = (
    "session_id", "started_at_utc", "exercise", "source", "reps", "faulted_reps", "fault_rate", "best_hold_s",
    "rep_signal", "range_low", "range_high", "pose_coverage", "pain_before", "pain_after", "symptom_response",
    "faults",
)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, datetime):
        return value.isoformat()
    value = str(value)
    # A cell starting like a formula would run as one when the CSV is opened in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_csv(db: Session, actor: Actor, patient_id: int) -> str:
    """The patient's sessions as CSV, one row per set (SESSION_CSV_COLUMNS), oldest first."""
    sessions = list_sessions(db, actor, patient_id)
    faults = {i: r for i, r in db.execute(select(ExerciseSession.id, ExerciseSession.report)
                                          .where(ExerciseSession.patient_id == patient_id))}
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(SESSION_CSV_COLUMNS)
    for s in sessions:
        f = ";".join(f"{k}={v}" for k, v in sorted((faults[s.id].get("faults") or {}).items()))
        w.writerow([_cell(v) for v in (
            s.id, s.started_at, s.exercise, s.source.value, s.reps, s.faulted_reps, s.fault_rate, s.best_hold_s,
            s.rep_signal, s.range_low, s.range_high, s.pose_coverage, s.pain_before, s.pain_after,
            s.symptom_response.value if s.symptom_response else None, f)])
    return buf.getvalue()


def _td(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "<td>–</td>"
    if isinstance(value, float):
        value = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"<td>{html.escape(str(value))}</td>"


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_td(v) for v in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_STYLE = ("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}"
          "th,td{border:1px solid #999;padding:.25em .5em;text-align:left}"
          "@media print{body{margin:0}h2{page-break-after:avoid}table{page-break-inside:auto}}")


def export_html(db: Session, actor: Actor, patient_id: int, today: date | None = None) -> str:
    """A printable HTML report of a patient: programme, weekly adherence and every session. All text escaped."""
    check_patient(db, actor, patient_id)
    today = today or utc_now().date()
    username = db.get(User, patient_id).username
    programmes = list_programmes(db, actor, patient_id)
    sessions = list_sessions(db, actor, patient_id)
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>formcheck report: {e(username)}"
             f"</title><style>{_STYLE}</style></head><body>",
             f"<h1>formcheck report: {e(username)}</h1><p>Generated {e(today.isoformat())}. formcheck gives feedback "
             "on exercise form; it is not a diagnosis and not medical advice.</p>"]
    for p in programmes:
        parts.append(f"<h2>Programme from {e(p.start_date.isoformat())}</h2><p>{e(p.notes)}</p>")
        parts.append(_table(
            ["exercise", "side", "weeks", "sets", "reps", "hold s", "tempo s/rep", "sessions/week", "thresholds",
             "notes"],
            [[i.exercise, i.side, f"{i.week_from}–{i.week_to}", i.sets, i.reps_target, i.hold_target_s,
              i.tempo_s_per_rep, i.sessions_per_week,
              ", ".join(f"{k}={v:g}" for k, v in sorted(i.threshold_overrides.items())), i.notes] for i in p.items]))
    weeks = adherence(db, actor, patient_id, today)
    if weeks:
        parts.append("<h2>Adherence</h2>")
        parts.append(_table(["week", "from", "sets done", "prescribed", "adherence"],
                            [[w.week, w.start.isoformat(), w.done_capped, w.prescribed,
                              None if w.ratio is None else f"{w.ratio:.0%}"] for w in weeks]))
    parts.append("<h2>Sessions</h2>")
    parts.append(_table(
        ["date (UTC)", "exercise", "source", "reps", "faulted reps", "best hold s", "range", "pose coverage",
         "pain before", "pain after", "symptoms"],
        [[s.started_at.strftime("%Y-%m-%d %H:%M"), s.exercise, s.source.value, s.reps, s.faulted_reps, s.best_hold_s,
          None if s.range_low is None else f"{s.range_low:g}–{s.range_high:g}", f"{s.pose_coverage:.0%}",
          s.pain_before, s.pain_after, s.symptom_response.value if s.symptom_response else None] for s in sessions]))
    parts.append("</body></html>")
    return "".join(parts)
