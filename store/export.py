"""A patient's stored sets as a clinic takes them away: CSV, one row per set, and the printable report's data.

A CSV cell that starts like a formula is quoted, so a therapist's notes or a file name cannot run in a
spreadsheet. The printable HTML report is feedback.printable's (it needs the fault wording, and the store does not
import feedback): `report_data` here reads what it shows, with the access check.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exercises.judged import partly_unjudged
from exercises.registry import EXERCISES
from store.auth import Actor
from store.models import ExerciseSession, User, utc_now
from store.progression import ProposalView, list_proposals
from store.repo import (
    AdherenceWeek,
    ProgrammeView,
    ProgressPoint,
    SessionSummary,
    adherence_weeks,
    check_patient,
    list_programmes,
    list_sessions,
    progress,
)

SESSION_CSV_COLUMNS = (
    "session_id", "started_at_utc", "exercise", "source", "reps", "faulted_reps", "fault_rate", "best_hold_s",
    "rep_signal", "range_low", "range_high", "pose_coverage", "pain_before", "pain_after", "symptom_response",
    "faults", "unjudged_faults", "partial_reps", "rep_unjudged_faults", "one_end_only", "unseen_max_s",
    "view_hidden_ratio", "view_hidden_deg",
)


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):  # unknown: empty, as a spreadsheet reads it
        return ""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, datetime):
        return value.isoformat()
    value = str(value)
    # A cell starting like a formula would run as one when the CSV is opened in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@dataclass(frozen=True)
class SavedSetFacts:
    """What a saved set's report says beyond the summary columns; empty for what rows saved before it lack.

    Attributes:
        faults: fault code -> reps, partial reps or holds flagged with it.
        unchecked: the faults the whole set could not be checked for (the row's `unjudged_faults`).
        partial_reps: attempts that moved clearly but fell short of the work zone.
        rep_unchecked: the faults not checked on some reps or partial reps only (each rep's own `unjudged_faults`,
            less the whole set's): code -> how many of them.
        one_end_only: a set of cycles seen at one end only, that end ("low" or "high"; the row's `one_end_only`),
            so it counted no full rep; "" otherwise.
        unseen_max_s: the longest stretch mid-set with the patient lost from view, in seconds (the row's
            `unseen_max_s`; reps or hold time there may be missing); NaN for a set saved before rows carried it.
        view_hidden_ratio: the share of the frames the patient was seen in whose rep measurement the camera's view
            hid (the row's `view_hidden_ratio`, exercises.judged.rep_view_hidden); NaN for a set saved before rows
            carried it.
        view_hidden_deg: the median view of those frames, degrees off side-on; NaN for none.
    """

    faults: dict[str, int] = field(default_factory=dict)
    unchecked: list[str] = field(default_factory=list)
    partial_reps: int = 0
    rep_unchecked: dict[str, int] = field(default_factory=dict)
    one_end_only: str = ""
    unseen_max_s: float = math.nan
    view_hidden_ratio: float = math.nan
    view_hidden_deg: float = math.nan


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


def saved_set_facts(report: dict[str, Any] | None) -> SavedSetFacts:
    """SavedSetFacts of one stored report (feedback.report.to_row)."""
    r = report or {}
    unchecked = list(r.get("unjudged_faults") or ())
    spec = EXERCISES.get(r.get("exercise"))  # None for an exercise file since removed: nothing per rep then
    attempts = ((a.get("index"), a.get("unjudged_faults") or ())
                for a in (*(r.get("rep_detail") or ()), *(r.get("partial_rep_detail") or ())))
    per_rep = {code: len(at) for code, at in partly_unjudged(attempts, unchecked, spec).items()} if spec else {}
    return SavedSetFacts(dict(r.get("faults") or {}), unchecked, int(r.get("partial_reps") or 0), per_rep,
                         r.get("one_end_only") or "", _number(r.get("unseen_max_s")),
                         _number(r.get("view_hidden_ratio")), _number(r.get("view_hidden_deg")))


def _session_facts(db: Session, patient_id: int) -> dict[int, SavedSetFacts]:
    """Per session id, what its saved report says (SavedSetFacts). For a patient whose access was checked already."""
    rows = db.execute(select(ExerciseSession.id, ExerciseSession.report)
                      .where(ExerciseSession.patient_id == patient_id))
    return {i: saved_set_facts(r) for i, r in rows}


def _codes(counts: dict[str, int]) -> str:
    return ";".join(f"{k}={v}" for k, v in sorted(counts.items()))


def export_csv(db: Session, actor: Actor, patient_id: int) -> str:
    """The patient's sessions as CSV, one row per set (SESSION_CSV_COLUMNS), oldest first."""
    sessions = list_sessions(db, actor, patient_id)
    facts = _session_facts(db, patient_id)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(SESSION_CSV_COLUMNS)
    for s in sessions:
        f = facts.get(s.id, SavedSetFacts())
        w.writerow([_cell(v) for v in (
            s.id, s.started_at, s.exercise, s.source.value, s.reps, s.faulted_reps, s.fault_rate, s.best_hold_s,
            s.rep_signal, s.range_low, s.range_high, s.pose_coverage, s.pain_before, s.pain_after,
            s.symptom_response.value if s.symptom_response else None, _codes(f.faults), ";".join(f.unchecked),
            f.partial_reps, _codes(f.rep_unchecked), f.one_end_only, f.unseen_max_s, f.view_hidden_ratio,
            f.view_hidden_deg)])
    return buf.getvalue()


@dataclass(frozen=True)
class PatientReportData:
    """Everything the printable report of a patient shows, as plain data (feedback.printable renders it).

    The store only reads: wording, charts and HTML are feedback's, which the store does not import.
    """

    username: str
    today: date
    programmes: list[ProgrammeView]  # newest first
    weeks: list[AdherenceWeek]  # of the programme in force
    sessions: list[SessionSummary]  # oldest first
    progress: dict[str, list[ProgressPoint]]  # exercise -> one point per set, oldest first
    sets: dict[int, SavedSetFacts]  # session id -> what its saved report says: faults, what it could not check
    start: date | None = None  # the report's first day (UTC), None: from the first set
    end: date | None = None  # its last day (inclusive), None: up to today
    proposals: list[ProposalView] = field(default_factory=list)  # made in the range, newest first, with decisions


def _adherence_all_versions(programmes: list[ProgrammeView], sessions: list[SessionSummary], today: date
                            ) -> list[AdherenceWeek]:
    """Weekly adherence of each programme version up to the week the next version started (oldest first)."""
    ordered = sorted((p for p in programmes if p.start_date <= today), key=lambda p: (p.start_date, p.id))
    weeks: list[AdherenceWeek] = []
    for k, programme in enumerate(ordered):
        next_start = ordered[k + 1].start_date if k + 1 < len(ordered) else None
        weeks += [w for w in adherence_weeks(programme, sessions, today)
                  if next_start is None or w.start < next_start]
    return weeks


def report_data(db: Session, actor: Actor, patient_id: int, today: date | None = None, start: date | None = None,
                end: date | None = None) -> PatientReportData:
    """What the printable report shows of a patient, after the same access check as every read of their sets.

    With `start` and/or `end` (UTC dates, inclusive) it keeps the sets, adherence weeks and proposals of that range.
    """
    check_patient(db, actor, patient_id)
    today = today or utc_now().date()
    if start is not None and end is not None and end < start:
        raise ValueError(f"the report's range ends ({end.isoformat()}) before it starts ({start.isoformat()})")

    def inside(day: date) -> bool:
        return (start is None or day >= start) and (end is None or day <= end)

    sessions = [s for s in list_sessions(db, actor, patient_id) if inside(s.started_at.date())]
    points = {ex: kept for ex, pts in progress(db, actor, patient_id).items()
              if (kept := [p for p in pts if inside(p.started_at.date())])}
    programmes = list_programmes(db, actor, patient_id)
    weeks = [w for w in _adherence_all_versions(programmes, list_sessions(db, actor, patient_id), today)
             if (start is None or w.end > start) and (end is None or w.start <= end)]
    return PatientReportData(
        username=db.get(User, patient_id).username, today=today,
        programmes=programmes, weeks=weeks, sessions=sessions, progress=points,
        sets=_session_facts(db, patient_id), start=start, end=end,
        proposals=[p for p in list_proposals(db, actor, patient_id) if inside(p.created_at.date())])
