"""Saving a scored set: the engine's report becomes the stored row, and batch runs save into a patient's record.

The row is the CLI's JSONL object (feedback.report.to_row) with the thresholds used, so the app, the CLI and the
exports read the same fields. store.repo.save_session only persists what it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from exercises.registry import get_exercise
from exercises.results import ClipReport
from feedback.report import ClipResult, to_row
from pose.frames import PoseSequence
from store.auth import Actor
from store.db import open_store
from store.models import Role, Source, User
from store.repo import rep_range, save_session


class BatchError(ValueError):
    """A clip that cannot be saved (no such patient, or a failed clip); the message is one line."""


def set_row(report: ClipReport) -> dict[str, Any]:
    """The stored row of a set: the report's JSONL row with its per-rep detail and the thresholds it was judged by."""
    row = to_row(ClipResult(file="", exercise=report.exercise, report=report))
    row["thresholds"] = dict(report.thresholds)
    return row


def range_reached(row: Mapping[str, Any], report: ClipReport | None) -> tuple[float | None, float | None]:
    """The rep signal's lowest and highest value over the reps, or over the holds when there were no reps.

    A hold's range needs the per-frame series, so it is measured only when the engine's report is at hand.
    """
    signal = get_exercise(row["exercise"]).rep.signal
    low, high = rep_range(row, signal)
    if low is not None or high is not None or report is None:
        return low, high
    if report.holds and signal in report.series and len(report.t_s):
        t, x = report.t_s, np.asarray(report.series[signal], float)
        inside = np.zeros(len(t), bool)
        for h in report.holds:
            inside |= (t >= h.start_s) & (t <= h.end_s)
        values = x[inside & report.reliable & np.isfinite(x)]
        if len(values):
            return round(float(values.min()), 1), round(float(values.max()), 1)
    return None, None


def save_set(db: Session, actor: Actor, patient_id: int, report: ClipReport | Mapping[str, Any],
             landmarks: PoseSequence | None = None, **kwargs: Any) -> int:
    """Save one set from the engine's report (or an already made row); returns the session id.

    Takes the keyword arguments of store.repo.save_session (source, started_at, pain, symptom response,
    programme item, shared video, interrupted).
    """
    clip = report if isinstance(report, ClipReport) else None
    row = set_row(clip) if clip is not None else dict(report)
    if row.get("exercise") is not None and not row.get("error"):
        try:
            kwargs.setdefault("range_reached", range_reached(row, clip))
        except ValueError:
            pass  # an unknown exercise: save_session refuses it with the message the caller expects
    return save_session(db, actor, patient_id, row, landmarks, **kwargs)


def save_clip_result(url: str | None, patient_username: str, result: ClipResult,
                     sequence: PoseSequence | None = None, started_at: datetime | None = None) -> int:
    """Save one scored clip as an uploaded session of the patient; returns the session id.

    Runs as the patient (whoever may run the batch against this database URL may write it anyway). The database
    is migrated first. The video is not stored; its landmarks are, when `sequence` is given.

    Raises:
        BatchError: the patient does not exist, or the clip has an error instead of a report.
    """
    if result.report is None:
        raise BatchError(f"{result.file}: not saved, it was not scored ({result.error})")
    factory = open_store(url)
    try:
        with factory() as db:
            user = db.scalar(select(User).where(User.username == patient_username))
            if user is None or user.role != Role.PATIENT:
                raise BatchError(f"no patient account {patient_username!r}")
            row = to_row(result)
            row["thresholds"] = dict(result.report.thresholds)
            return save_set(db, Actor.of(user), user.id, row, sequence, source=Source.UPLOAD,
                            started_at=started_at, range_reached=range_reached(row, result.report))
    finally:
        factory.kw["bind"].dispose()
