"""The only way the app reads and writes the store.

Every call takes the acting user and enforces who sees what:

- a patient reads and writes only their own data;
- a therapist reads and writes only the data of patients linked to them (store.auth.link);
- anything else raises PermissionDenied, with the same message whether the thing is missing or not theirs.

Results are frozen dataclasses, never ORM objects: a page cannot walk a relationship to someone else's rows.
Each write is one transaction, committed before the call returns; on any error nothing of it is kept.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from exercises.config import ConfigError, parse_overrides, spec_for
from exercises.registry import EXERCISES, get_exercise
from pose.frames import PoseSequence
from store.auth import Actor
from store.db import default_data_dir
from store.models import (
    CLINIC_ID_MAX_CHARS,
    PAIN_MAX,
    CareLink,
    ExerciseSession,
    ItemSide,
    Programme,
    ProgrammeItem,
    Role,
    SessionLandmarks,
    Source,
    Symptom,
    User,
    utc_now,
)

DAYS_PER_WEEK = 7


class PermissionDenied(Exception):
    """The acting user may not see or change this (or it does not exist: the two are not told apart)."""


# ---------------------------------------------------------------- views returned to the app


@dataclass(frozen=True)
class PatientInfo:
    """A patient as a therapist's list shows them."""

    id: int
    username: str


@dataclass(frozen=True)
class PatientDetails:
    """What the clinic records about a patient besides their sets: its identifier for them and their time zone."""

    id: int
    username: str
    clinic_patient_id: str | None
    time_zone: str | None


@dataclass(frozen=True)
class ItemSpec:
    """One prescribed exercise in one phase, as a therapist enters it (see store.models.ProgrammeItem)."""

    exercise: str
    sets: int = 1
    reps_target: int | None = None
    hold_target_s: float | None = None
    tempo_s_per_rep: float | None = None
    side: str = ItemSide.BOTH.value
    threshold_overrides: Mapping[str, float] = field(default_factory=dict)
    week_from: int = 1
    week_to: int = 1
    sessions_per_week: int = 7
    notes: str = ""


@dataclass(frozen=True)
class ItemView(ItemSpec):
    """A stored programme item."""

    id: int = 0


@dataclass(frozen=True)
class ProgrammeView:
    """A stored programme with its items."""

    id: int
    patient_id: int
    therapist_id: int | None
    start_date: date
    notes: str
    items: tuple[ItemView, ...]

    @property
    def weeks(self) -> int:
        """The programme's length in weeks (its last item's last week)."""
        return max((i.week_to for i in self.items), default=0)


@dataclass(frozen=True)
class SessionSummary:
    """One saved set, without its report and landmarks."""

    id: int
    patient_id: int
    exercise: str
    started_at: datetime
    source: Source
    reps: int
    faulted_reps: int
    best_hold_s: float
    pose_coverage: float
    rep_signal: str | None
    range_low: float | None
    range_high: float | None
    pain_before: int | None
    pain_after: int | None
    symptom_response: Symptom | None
    programme_item_id: int | None
    shared_video_path: str | None
    has_landmarks: bool
    # The set ended because the camera stopped mid-set (unplugged, tab closed); what was done so far was kept.
    interrupted: bool = False

    @property
    def fault_rate(self) -> float | None:
        """Faulted reps / reps, None without reps."""
        return self.faulted_reps / self.reps if self.reps else None


@dataclass(frozen=True)
class SessionDetail:
    """One saved set with its full report (its row, as saved by scoring.save.save_set, with the thresholds used)."""

    summary: SessionSummary
    report: dict[str, Any]


@dataclass(frozen=True)
class ProgressPoint:
    """One session in an exercise's progress chart.

    `target_low`/`target_high` are the rep signal's thresholds in force for it (defaults with the programme
    item's overrides): a rep must reach at most target_low and come back to at least target_high (or the
    reverse), so they are the lines to draw range_low and range_high against.
    """

    session_id: int
    started_at: datetime
    reps: int
    best_hold_s: float
    range_low: float | None
    range_high: float | None
    target_low: float
    target_high: float
    fault_rate: float | None
    pain_before: int | None
    pain_after: int | None
    symptom_response: Symptom | None


@dataclass(frozen=True)
class AdherenceWeek:
    """Sets done against sets prescribed in one programme week (week 1 starts on the programme's start date).

    by_exercise: exercise -> (done, prescribed). `done_capped` counts at most the prescribed sets of each
    exercise, so extra squats cannot make up for skipped glides.
    """

    week: int
    start: date
    end: date  # exclusive
    by_exercise: dict[str, tuple[int, int]]

    @property
    def prescribed(self) -> int:
        """Sets prescribed this week."""
        return sum(p for _, p in self.by_exercise.values())

    @property
    def done(self) -> int:
        """Sets done this week (of any exercise)."""
        return sum(d for d, _ in self.by_exercise.values())

    @property
    def done_capped(self) -> int:
        """Sets done counting at most the prescribed number per exercise."""
        return sum(min(d, p) for d, p in self.by_exercise.values())

    @property
    def ratio(self) -> float | None:
        """done_capped / prescribed, None when nothing was prescribed."""
        return self.done_capped / self.prescribed if self.prescribed else None


# ---------------------------------------------------------------- access rules


def _acting_user(db: Session, actor: Actor) -> User:
    # The actor is re-read: a deleted account or a changed role stops acting at once.
    user = db.get(User, actor.id)
    if user is None or user.role != actor.role or user.username != actor.username:
        raise PermissionDenied("this account no longer exists")
    return user


def check_patient(db: Session, actor: Actor, patient_id: int) -> None:
    """Raise unless `actor` may see the patient's data."""
    _acting_user(db, actor)
    if actor.role == Role.PATIENT and actor.id == patient_id:
        return
    if actor.role == Role.THERAPIST and db.get(CareLink, (actor.id, patient_id)) is not None:
        return
    raise PermissionDenied("no such patient, or not one of yours")


def _session_row(db: Session, actor: Actor, session_id: int) -> ExerciseSession:
    row = db.get(ExerciseSession, session_id)
    if row is None:
        _acting_user(db, actor)
        raise PermissionDenied("no such session, or not yours")
    try:
        check_patient(db, actor, row.patient_id)
    except PermissionDenied:
        raise PermissionDenied("no such session, or not yours") from None
    return row


def require_therapist(db: Session, actor: Actor) -> None:
    """Raise PermissionDenied unless the actor is a therapist."""
    _acting_user(db, actor)
    if actor.role != Role.THERAPIST:
        raise PermissionDenied("only a therapist may do this")


# ---------------------------------------------------------------- patients and programmes


def list_patients(db: Session, actor: Actor) -> list[PatientInfo]:
    """A therapist's linked patients by name; a patient gets only themselves."""
    me = _acting_user(db, actor)
    if actor.role == Role.PATIENT:
        return [PatientInfo(me.id, me.username)]
    rows = db.execute(select(User.id, User.username).join(CareLink, CareLink.patient_id == User.id)
                      .where(CareLink.therapist_id == actor.id).order_by(User.username))
    return [PatientInfo(i, u) for i, u in rows]


def patient_details(db: Session, actor: Actor, patient_id: int) -> PatientDetails:
    """The patient's clinic identifier and time zone (None where not set)."""
    check_patient(db, actor, patient_id)
    u = db.get(User, patient_id)
    return PatientDetails(u.id, u.username, u.clinic_patient_id, u.time_zone)


def check_time_zone(name: str) -> str:
    """`name` if it is an IANA time zone known here (e.g. "Europe/London"), else ValueError saying so."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}; expected an IANA name such as 'America/Chicago'") from None
    return name


def set_patient_details(db: Session, actor: Actor, patient_id: int, *, clinic_patient_id: str | None = None,
                        time_zone: str | None = None) -> PatientDetails:
    """Set a patient's clinic identifier and/or time zone (their therapists only); only the values given change.

    Raises:
        PermissionDenied: not a therapist, or not this patient's.
        ValueError: an empty, too long or already used identifier, or an unknown time zone.
    """
    require_therapist(db, actor)
    check_patient(db, actor, patient_id)
    return _write_details(db, db.get(User, patient_id), clinic_patient_id, time_zone)


def set_patient_details_by_name(db: Session, username: str, *, clinic_patient_id: str | None = None,
                                time_zone: str | None = None) -> PatientDetails:
    """set_patient_details for the clinic's administrator (the `formcheck user clinic-id` shell), by username.

    Raises:
        ValueError: no such patient, or a value set_patient_details refuses.
    """
    user = db.scalar(select(User).where(User.username == username, User.role == Role.PATIENT))
    if user is None:
        raise ValueError(f"no patient account {username!r}")
    return _write_details(db, user, clinic_patient_id, time_zone)


def _write_details(db: Session, user: User, clinic_patient_id: str | None, time_zone: str | None) -> PatientDetails:
    try:
        if clinic_patient_id is not None:
            value = clinic_patient_id.strip()
            if not value or len(value) > CLINIC_ID_MAX_CHARS or not value.isprintable():
                raise ValueError(f"a clinic identifier is 1 to {CLINIC_ID_MAX_CHARS} printable characters")
            taken = db.scalar(select(User.id).where(User.clinic_patient_id == value, User.id != user.id))
            if taken is not None:
                raise ValueError("that clinic identifier is already given to another patient")
            user.clinic_patient_id = value
        if time_zone is not None:
            user.time_zone = check_time_zone(time_zone.strip())
    except ValueError:
        db.rollback()
        raise
    _commit(db)
    return PatientDetails(user.id, user.username, user.clinic_patient_id, user.time_zone)


def _validate_item(item: ItemSpec) -> dict[str, Any]:
    where = f"programme item {item.exercise!r}"
    if item.exercise not in EXERCISES:
        raise ValueError(f"unknown exercise {item.exercise!r}; expected one of {', '.join(EXERCISES)}")
    try:
        side = ItemSide(item.side)
    except ValueError:
        raise ValueError(f"{where}: side must be one of {', '.join(s.value for s in ItemSide)}") from None
    ints = {"sets": item.sets, "week_from": item.week_from, "week_to": item.week_to,
            "sessions_per_week": item.sessions_per_week}
    for name, value in ints.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{where}: {name} must be a whole number >= 1, got {value!r}")
    if item.week_to < item.week_from:
        raise ValueError(f"{where}: week_to ({item.week_to}) must not be before week_from ({item.week_from})")
    if item.reps_target is None and item.hold_target_s is None:
        raise ValueError(f"{where}: needs a reps_target or a hold_target_s")
    if item.reps_target is not None and (isinstance(item.reps_target, bool) or not isinstance(item.reps_target, int)
                                         or item.reps_target < 1):
        raise ValueError(f"{where}: reps_target must be a whole number >= 1, got {item.reps_target!r}")
    for name in ("hold_target_s", "tempo_s_per_rep"):
        value = getattr(item, name)
        if value is not None and not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
            raise ValueError(f"{where}: {name} must be a number of seconds > 0, got {value!r}")
    overrides = parse_overrides({item.exercise: dict(item.threshold_overrides)}, where) \
        if item.threshold_overrides else {}
    return {
        "exercise": item.exercise, "side": side, "sets": item.sets, "reps_target": item.reps_target,
        "hold_target_s": None if item.hold_target_s is None else float(item.hold_target_s),
        "tempo_s_per_rep": None if item.tempo_s_per_rep is None else float(item.tempo_s_per_rep),
        "threshold_overrides": overrides.get(item.exercise, {}), "week_from": item.week_from,
        "week_to": item.week_to, "sessions_per_week": item.sessions_per_week, "notes": str(item.notes),
    }


def check_item(item: ItemSpec) -> dict[str, Any]:
    """The ProgrammeItem column values of `item`, checked (ValueError or ConfigError saying what is wrong)."""
    return _validate_item(item)


def _programme_view(p: Programme) -> ProgrammeView:
    items = tuple(ItemView(
        id=i.id, exercise=i.exercise, sets=i.sets, reps_target=i.reps_target, hold_target_s=i.hold_target_s,
        tempo_s_per_rep=i.tempo_s_per_rep, side=ItemSide(i.side).value, threshold_overrides=dict(i.threshold_overrides),
        week_from=i.week_from, week_to=i.week_to, sessions_per_week=i.sessions_per_week, notes=i.notes,
    ) for i in p.items)
    return ProgrammeView(p.id, p.patient_id, p.therapist_id, p.start_date, p.notes, items)


def create_programme(db: Session, actor: Actor, patient_id: int, start_date: date, items: Sequence[ItemSpec],
                     notes: str = "") -> ProgrammeView:
    """Prescribe a programme (therapists, for their own patients). Every item is checked before anything is written.

    Raises:
        PermissionDenied: not a therapist, or not this patient's.
        ValueError (ConfigError for thresholds): an item that cannot be prescribed, saying which and why.
    """
    require_therapist(db, actor)
    check_patient(db, actor, patient_id)
    if not items:
        raise ValueError("a programme needs at least one item")
    checked = [_validate_item(i) for i in items]
    programme = Programme(patient_id=patient_id, therapist_id=actor.id, start_date=start_date, notes=str(notes),
                          items=[ProgrammeItem(**c) for c in checked])
    db.add(programme)
    _commit(db)
    return _programme_view(programme)


def list_programmes(db: Session, actor: Actor, patient_id: int) -> list[ProgrammeView]:
    """A patient's programmes, newest start first."""
    check_patient(db, actor, patient_id)
    rows = db.scalars(select(Programme).where(Programme.patient_id == patient_id)
                      .order_by(Programme.start_date.desc(), Programme.id.desc()))
    return [_programme_view(p) for p in rows]


def current_programme(db: Session, patient_id: int, today: date) -> Programme | None:
    """The patient's programme in force on `today`: the newest one started by then, or None."""
    return db.scalars(select(Programme).where(Programme.patient_id == patient_id, Programme.start_date <= today)
                      .order_by(Programme.start_date.desc(), Programme.id.desc()).limit(1)).first()


# ---------------------------------------------------------------- sessions


def _commit(db: Session) -> None:
    try:
        db.commit()
    except BaseException:
        db.rollback()
        raise


def rep_range(row: Mapping[str, Any], signal: str) -> tuple[float | None, float | None]:
    """The rep signal's lowest and highest value over the reps of a row (None, None without reps)."""
    lows = [r["low"].get(signal) for r in row.get("rep_detail", [])]
    highs = [r["high"].get(signal) for r in row.get("rep_detail", [])]
    lows, highs = [v for v in lows if v is not None], [v for v in highs if v is not None]
    return (min(lows) if lows else None), (max(highs) if highs else None)


def _pain(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= PAIN_MAX:
        raise ValueError(f"{name} must be a whole number from 0 to {PAIN_MAX}, got {value!r}")
    return value


def _landmarks_row(session_id: int, landmarks: PoseSequence) -> SessionLandmarks:
    buf = io.BytesIO()
    landmarks.save(buf)  # np.savez_compressed: about a third of the raw float64 arrays
    return SessionLandmarks(session_id=session_id, frames=len(landmarks), npz=buf.getvalue())


def save_session(
    db: Session,
    actor: Actor,
    patient_id: int,
    report: Mapping[str, Any],
    landmarks: PoseSequence | None = None,
    *,
    range_reached: tuple[float | None, float | None] | None = None,
    source: Source | str = Source.LIVE,
    started_at: datetime | None = None,
    pain_before: int | None = None,
    pain_after: int | None = None,
    symptom_response: Symptom | str | None = None,
    programme_item_id: int | None = None,
    shared_video_path: str | None = None,
    interrupted: bool = False,
) -> int:
    """Save one set with its report, landmarks and how it felt, in one transaction; returns the session id.

    Either all of it is committed when this returns, or (on any error, or a crash) none of it is.

    Args:
        db: a session on the store.
        actor: the patient themselves, or one of their therapists.
        patient_id: whose set it is.
        report: the set's row (feedback.report.to_row with its rep_detail, plus "thresholds"); scoring.save.save_set
            makes it from the engine's report.
        landmarks: the clip's poses (kept for re-scoring), or None.
        range_reached: the rep signal's lowest and highest value, when the caller measured it (over holds too);
            else taken from the reps in the row.
        source: "live" or "upload".
        started_at: when the set started, timezone-aware (default: now, UTC).
        pain_before: 0-10 rating before the set, or None if not given.
        pain_after: 0-10 rating after the set, or None if not given.
        symptom_response: centralising / peripheralising / unchanged, or None.
        programme_item_id: the prescribed item this set was for, if any (must be this patient's).
        shared_video_path: where the clip is kept, only when the patient chose to share it; the video itself is
            never stored in the database.
        interrupted: the set stopped mid-way (the camera stopped); kept in the report as `"interrupted": true`.

    Raises:
        PermissionDenied: the actor may not write this patient's data, or the item is not theirs.
        ValueError: a report that failed or has no per-rep detail, an unknown exercise, out-of-range ratings.
    """
    check_patient(db, actor, patient_id)
    row = dict(report)
    if row.get("error"):
        raise ValueError(f"a clip that could not be scored is not a session: {row['error']}")
    if interrupted:
        row["interrupted"] = True
    exercise = row.get("exercise")
    if exercise not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise!r}; expected one of {', '.join(EXERCISES)}")
    reps = int(row.get("reps") or 0)
    detail = row.get("rep_detail")
    if detail is None or len(detail) != reps:
        raise ValueError("the report needs its per-rep detail (feedback.report.to_row with detail=True)")
    started_at = started_at or utc_now()
    if started_at.tzinfo is None:
        raise ValueError("started_at must be timezone-aware")
    signal = get_exercise(exercise).rep.signal
    low, high = range_reached if range_reached is not None else rep_range(row, signal)
    session = ExerciseSession(
        patient_id=patient_id, exercise=exercise, started_at=started_at, source=Source(source), reps=reps,
        faulted_reps=sum(1 for r in detail if r.get("faults")), best_hold_s=float(row.get("hold_s") or 0.0),
        pose_coverage=float(row.get("pose_coverage") or 0.0), rep_signal=signal, range_low=low, range_high=high,
        report=row, pain_before=_pain("pain_before", pain_before), pain_after=_pain("pain_after", pain_after),
        symptom_response=None if symptom_response is None else Symptom(symptom_response),
        programme_item_id=programme_item_id, shared_video_path=shared_video_path or None,
    )
    try:
        if programme_item_id is not None:
            owner = db.scalar(select(Programme.patient_id).join(ProgrammeItem)
                              .where(ProgrammeItem.id == programme_item_id))
            if owner != patient_id:
                raise PermissionDenied("no such programme item, or not this patient's")
        db.add(session)
        db.flush()  # the session row is written (uncommitted) and has its id
        if landmarks is not None:
            db.add(_landmarks_row(session.id, landmarks))
            db.flush()
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return session.id


def _has_landmarks():  # noqa: ANN202 - a SQL expression
    return exists().where(SessionLandmarks.session_id == ExerciseSession.id).label("has_landmarks")


def _summary(s: ExerciseSession, has_landmarks: bool) -> SessionSummary:
    return SessionSummary(
        id=s.id, patient_id=s.patient_id, exercise=s.exercise, started_at=s.started_at, source=Source(s.source),
        reps=s.reps, faulted_reps=s.faulted_reps, best_hold_s=s.best_hold_s, pose_coverage=s.pose_coverage,
        rep_signal=s.rep_signal, range_low=s.range_low, range_high=s.range_high, pain_before=s.pain_before,
        pain_after=s.pain_after, symptom_response=None if s.symptom_response is None else Symptom(s.symptom_response),
        programme_item_id=s.programme_item_id, shared_video_path=s.shared_video_path, has_landmarks=bool(has_landmarks),
        interrupted=bool((s.report or {}).get("interrupted")),
    )


def add_set_feedback(db: Session, actor: Actor, session_id: int, *, pain_before: int | None = None,
                     pain_after: int | None = None, symptom_response: Symptom | str | None = None) -> None:
    """Add how a saved set felt, afterwards (a set kept when the camera stopped is saved before it is rated).

    Only the values given are changed; one transaction.

    Raises:
        PermissionDenied: not the actor's to change.
        ValueError: out-of-range ratings or an unknown symptom response.
    """
    row = _session_row(db, actor, session_id)
    try:
        if pain_before is not None:
            row.pain_before = _pain("pain_before", pain_before)
        if pain_after is not None:
            row.pain_after = _pain("pain_after", pain_after)
        if symptom_response is not None:
            row.symptom_response = Symptom(symptom_response)
    except ValueError:
        db.rollback()
        raise
    _commit(db)


def list_sessions(db: Session, actor: Actor, patient_id: int, exercise: str | None = None,
                  since: datetime | None = None) -> list[SessionSummary]:
    """A patient's sessions, oldest first, optionally of one exercise and from a time on."""
    check_patient(db, actor, patient_id)
    q = select(ExerciseSession, _has_landmarks()).where(ExerciseSession.patient_id == patient_id)
    if exercise is not None:
        q = q.where(ExerciseSession.exercise == exercise)
    if since is not None:
        q = q.where(ExerciseSession.started_at >= since)
    rows = db.execute(q.order_by(ExerciseSession.started_at, ExerciseSession.id))
    return [_summary(s, h) for s, h in rows]


def get_session(db: Session, actor: Actor, session_id: int) -> SessionDetail:
    """One session with its report."""
    s = _session_row(db, actor, session_id)
    has = db.scalar(select(exists().where(SessionLandmarks.session_id == s.id)))
    return SessionDetail(_summary(s, bool(has)), dict(s.report))


def get_landmarks(db: Session, actor: Actor, session_id: int) -> PoseSequence | None:
    """A session's stored poses, or None when none were stored."""
    s = _session_row(db, actor, session_id)
    blob = db.scalar(select(SessionLandmarks.npz).where(SessionLandmarks.session_id == s.id))
    return None if blob is None else PoseSequence.load(io.BytesIO(blob))


# ---------------------------------------------------------------- progress and adherence


def shared_video(db: Session, actor: Actor, session_id: int, data_dir: Path | None = None) -> bytes | None:
    """The clip a patient shared with a set, as bytes, for that patient or their therapist only.

    The page plays these bytes: a stored path is never shown or exported. None when no clip was shared, or the
    file is gone or lies outside the data folder (store.db.default_data_dir(), where uploads are kept).

    Raises:
        PermissionDenied: the actor may not see this session.
    """
    row = _session_row(db, actor, session_id)
    if not row.shared_video_path:
        return None
    folder = (data_dir or default_data_dir()).resolve()
    path = Path(row.shared_video_path).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def _targets(exercise: str, overrides: Mapping[str, float] | None) -> tuple[float, float]:
    try:
        spec = spec_for(exercise, {exercise: dict(overrides)} if overrides else None)
    except (ValueError, ConfigError):  # an item saved under older specs: fall back to the defaults
        spec = get_exercise(exercise)
    return spec.rep_band()


def progress(db: Session, actor: Actor, patient_id: int, exercise: str | None = None
             ) -> dict[str, list[ProgressPoint]]:
    """Per exercise, one point per session in time order: range against target, reps, holds, faults, pain."""
    sessions = list_sessions(db, actor, patient_id, exercise)
    item_ids = {s.programme_item_id for s in sessions if s.programme_item_id is not None}
    overrides = {i: o for i, o in db.execute(select(ProgrammeItem.id, ProgrammeItem.threshold_overrides)
                                             .where(ProgrammeItem.id.in_(item_ids)))} if item_ids else {}
    out: dict[str, list[ProgressPoint]] = {}
    for s in sessions:
        lo, hi = _targets(s.exercise, overrides.get(s.programme_item_id))
        out.setdefault(s.exercise, []).append(ProgressPoint(
            s.id, s.started_at, s.reps, s.best_hold_s, s.range_low, s.range_high, lo, hi, s.fault_rate,
            s.pain_before, s.pain_after, s.symptom_response))
    return out


def adherence_weeks(programme: Programme, sessions: Sequence[SessionSummary], today: date) -> list[AdherenceWeek]:
    """Sets done against prescribed for each programme week up to the one holding `today`."""
    last_week = max((i.week_to for i in programme.items), default=0)
    current = (today - programme.start_date).days // DAYS_PER_WEEK + 1
    weeks = []
    for n in range(1, min(last_week, current) + 1):
        start = programme.start_date + timedelta(days=DAYS_PER_WEEK * (n - 1))
        end = start + timedelta(days=DAYS_PER_WEEK)
        by: dict[str, list[int]] = {}
        for i in programme.items:
            if i.week_from <= n <= i.week_to:
                by.setdefault(i.exercise, [0, 0])[1] += i.sets * i.sessions_per_week
        for s in sessions:
            if start <= s.started_at.date() < end:
                by.setdefault(s.exercise, [0, 0])[0] += 1
        weeks.append(AdherenceWeek(n, start, end, {k: (v[0], v[1]) for k, v in sorted(by.items())}))
    return weeks


def adherence(db: Session, actor: Actor, patient_id: int, today: date | None = None) -> list[AdherenceWeek]:
    """Sets done against prescribed, week by week, for the programme in force (newest started by `today`).

    Each set is a saved session; an item prescribes `sets * sessions_per_week` of them in each week of its
    phase. Weeks run from the programme's start date up to the current week; days are UTC dates.
    """
    check_patient(db, actor, patient_id)
    today = today or utc_now().date()
    programme = current_programme(db, patient_id, today)
    if programme is None:
        return []
    return adherence_weeks(programme, list_sessions(db, actor, patient_id), today)
