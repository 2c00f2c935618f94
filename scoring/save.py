"""Batch scoring into the store: what `formcheck score --db URL --patient USERNAME` calls per scored clip."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from feedback.report import ClipResult, to_row
from pose.frames import PoseSequence
from store.auth import Actor
from store.db import open_store
from store.models import Role, Source, User
from store.repo import save_session


class BatchError(ValueError):
    """A clip that cannot be saved (no such patient, or a failed clip); the message is one line."""


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
            return save_session(db, Actor.of(user), user.id, row, sequence, source=Source.UPLOAD,
                                started_at=started_at)
    finally:
        factory.kw["bind"].dispose()
