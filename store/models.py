"""The database schema as SQLAlchemy 2 typed ORM classes. Migrations in store/migrations mirror it exactly."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from store.names import Role

# Named constraints, so migrations can refer to them and both backends name them the same.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

USERNAME_MAX_CHARS = 64
CLINIC_ID_MAX_CHARS = 64  # a clinic's patient identifier (e.g. a medical record number), as the FHIR export sends it
TIME_ZONE_MAX_CHARS = 64  # an IANA time zone name, e.g. "America/Chicago"
MINUTES_PER_DAY = 24 * 60
PAIN_MAX = 10  # 0-10 numeric pain rating scale


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python.

    PostgreSQL stores `timestamptz`; SQLite has no time zone type, so the UTC wall time is stored and UTC is
    attached on the way out. Naive datetimes are refused: their zone is a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Aware datetime -> UTC (naive UTC wall time on SQLite)."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"timestamps must be timezone-aware, got naive {value!r}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Stored value -> aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Source(enum.StrEnum):
    """Where a session's set came from."""

    LIVE = "live"
    UPLOAD = "upload"


class Symptom(enum.StrEnum):
    """The patient's symptom response after a set (centralising is good, peripheralising means stop)."""

    CENTRALISING = "centralising"
    PERIPHERALISING = "peripheralising"
    UNCHANGED = "unchanged"


class ItemSide(enum.StrEnum):
    """The side a programme item is prescribed for."""

    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as VARCHAR + CHECK on both backends: no PostgreSQL ENUM type to migrate when a value is added.
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=16,
                values_callable=lambda e: [m.value for m in e], validate_strings=True)


class Base(DeclarativeBase):
    """Base of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class User(Base):
    """An account: a patient or a therapist."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_MAX_CHARS), unique=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # The identifier the clinic knows the patient by: the FHIR export refers to the patient by it, never by this
    # account. Unique, so one record cannot be sent under two accounts.
    clinic_patient_id: Mapped[str | None] = mapped_column(String(CLINIC_ID_MAX_CHARS), unique=True)
    # The patient's IANA time zone: a set counts for the calendar day it was done on there (RTM data-days).
    time_zone: Mapped[str | None] = mapped_column(String(TIME_ZONE_MAX_CHARS))


class CareLink(Base):
    """A therapist treats a patient: the only way a therapist gets to see a patient's data."""

    __tablename__ = "care_links"

    therapist_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Programme(Base):
    """What a therapist prescribed for a patient, from a start date, in phases of weeks (see ProgrammeItem)."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    therapist_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    start_date: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    items: Mapped[list[ProgrammeItem]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ProgrammeItem.id")


class ProgrammeItem(Base):
    """One prescribed exercise in one phase (weeks week_from..week_to, 1-based, inclusive).

    Dose: `sets` sets, `sessions_per_week` times a week; each set is one saved session. A set is either reps
    (`reps_target`) or a hold (`hold_target_s`), or both (e.g. 5 reps with a 5 s hold).
    """

    __tablename__ = "programme_items"
    __table_args__ = (
        CheckConstraint("sets >= 1", name="sets_positive"),
        CheckConstraint("sessions_per_week >= 1", name="sessions_per_week_positive"),
        CheckConstraint("week_from >= 1 AND week_to >= week_from", name="weeks_ordered"),
        CheckConstraint("reps_target IS NOT NULL OR hold_target_s IS NOT NULL", name="has_target"),
        CheckConstraint("reps_target IS NULL OR reps_target >= 1", name="reps_target_positive"),
        CheckConstraint("hold_target_s IS NULL OR hold_target_s > 0", name="hold_target_positive"),
        CheckConstraint("tempo_s_per_rep IS NULL OR tempo_s_per_rep > 0", name="tempo_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    exercise: Mapped[str] = mapped_column(String(64))
    side: Mapped[ItemSide] = mapped_column(_enum(ItemSide, "item_side"), default=ItemSide.BOTH)
    sets: Mapped[int] = mapped_column(Integer, default=1)
    reps_target: Mapped[int | None] = mapped_column(Integer)
    hold_target_s: Mapped[float | None] = mapped_column(Float)
    tempo_s_per_rep: Mapped[float | None] = mapped_column(Float)
    # {threshold_name: value} for this item's exercise, validated with exercises.config.parse_overrides.
    threshold_overrides: Mapped[dict[str, Any]] = mapped_column(default=dict)
    week_from: Mapped[int] = mapped_column(Integer, default=1)
    week_to: Mapped[int] = mapped_column(Integer, default=1)
    sessions_per_week: Mapped[int] = mapped_column(Integer, default=7)
    notes: Mapped[str] = mapped_column(Text, default="")

    programme: Mapped[Programme] = relationship(back_populates="items")


class ExerciseSession(Base):
    """One set a patient did, live or uploaded, with its report and how it felt.

    Video is never stored here: only the path of a clip the patient chose to share.
    """

    __tablename__ = "sessions"
    __table_args__ = (
        CheckConstraint(f"pain_before IS NULL OR (pain_before >= 0 AND pain_before <= {PAIN_MAX})",
                        name="pain_before_range"),
        CheckConstraint(f"pain_after IS NULL OR (pain_after >= 0 AND pain_after <= {PAIN_MAX})",
                        name="pain_after_range"),
        CheckConstraint("reps >= 0 AND faulted_reps >= 0 AND faulted_reps <= reps", name="reps_counts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    programme_item_id: Mapped[int | None] = mapped_column(ForeignKey("programme_items.id", ondelete="SET NULL"))
    exercise: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column()
    saved_at: Mapped[datetime] = mapped_column(default=utc_now)
    source: Mapped[Source] = mapped_column(_enum(Source, "source"))
    reps: Mapped[int] = mapped_column(Integer)
    faulted_reps: Mapped[int] = mapped_column(Integer)
    best_hold_s: Mapped[float] = mapped_column(Float)
    pose_coverage: Mapped[float] = mapped_column(Float)
    # The rep signal (e.g. support_knee_deg) and the lowest / highest value it reached, in its unit.
    rep_signal: Mapped[str | None] = mapped_column(String(64))
    range_low: Mapped[float | None] = mapped_column(Float)
    range_high: Mapped[float | None] = mapped_column(Float)
    # feedback.report.to_row of the clip, with rep_detail, hold_detail and fault_episodes.
    report: Mapped[dict[str, Any]] = mapped_column()
    pain_before: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    symptom_response: Mapped[Symptom | None] = mapped_column(_enum(Symptom, "symptom"))
    shared_video_path: Mapped[str | None] = mapped_column(Text)

    landmarks: Mapped[SessionLandmarks | None] = relationship(cascade="all, delete-orphan", lazy="raise")


# One index serves "this patient's sessions, newest first" for lists, progress and the attention list.
Index("ix_sessions_patient_started", ExerciseSession.patient_id, ExerciseSession.started_at)


class SessionLandmarks(Base):
    """The pose landmarks of a session: PoseSequence .npz bytes, compressed.

    Kept apart from the session row so lists never load megabytes; they are what re-scoring reads.
    """

    __tablename__ = "session_landmarks"

    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    frames: Mapped[int] = mapped_column(Integer)
    npz: Mapped[bytes] = mapped_column(LargeBinary)


class SignInThrottle(Base):
    """Failed sign-ins counted per account and per client, so a lockout outlives a server restart (store.auth).

    `key` is "account:" + a SHA-256 of the lower-cased username typed (known or not, so a lockout says nothing
    about whether the account exists, and no typed name, which may be a mistyped password, is stored), or
    "client:" + the client's IP address.
    """

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # When the current run of failures began: failures older than store.auth.SIGN_IN_WINDOW_S are forgotten.
    window_started_at: Mapped[datetime] = mapped_column()
    locked_until: Mapped[datetime | None] = mapped_column()


class TherapistTime(Base):
    """Time a therapist spent on a patient's remote monitoring on one calendar day (the clinic's date).

    A record of facts for the RTM report (store.rtm): it never says whether a claim can be made.
    """

    __tablename__ = "therapist_time"
    __table_args__ = (
        CheckConstraint(f"minutes >= 1 AND minutes <= {MINUTES_PER_DAY}", name="minutes_in_a_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    therapist_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    on_date: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(Text, default="")
    # A live (real-time, two-way) interaction with the patient: a call or video visit, not a message.
    live_interaction: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class ProposalKind(enum.StrEnum):
    """What a progression proposal asks for (store.progression)."""

    PROGRESS = "progress"
    REGRESS = "regress"
    PAUSE = "pause"


class ProposalStatus(enum.StrEnum):
    """Where a proposal stands: only a therapist's accept or edit changes the programme."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    EDITED = "edited"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # a newer set brought a newer proposal before this one was decided


class ProgressionProposal(Base):
    """The next dose proposed for one programme item after a set, with its reasons and the therapist's decision."""

    __tablename__ = "progression_proposals"
    __table_args__ = (
        CheckConstraint("to_reps IS NULL OR to_reps >= 1", name="to_reps_positive"),
        CheckConstraint("to_hold_s IS NULL OR to_hold_s > 0", name="to_hold_positive"),
        UniqueConstraint("programme_item_id", "session_id", name="uq_progression_proposals_item_session"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    programme_item_id: Mapped[int | None] = mapped_column(ForeignKey("programme_items.id", ondelete="SET NULL"))
    # The set after which it was proposed: one proposal per item and set.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="SET NULL"))
    exercise: Mapped[str] = mapped_column(String(64))
    kind: Mapped[ProposalKind] = mapped_column(_enum(ProposalKind, "proposal_kind"))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    from_reps: Mapped[int | None] = mapped_column(Integer)
    from_hold_s: Mapped[float | None] = mapped_column(Float)
    to_reps: Mapped[int | None] = mapped_column(Integer)
    to_hold_s: Mapped[float | None] = mapped_column(Float)
    status: Mapped[ProposalStatus] = mapped_column(_enum(ProposalStatus, "proposal_status"),
                                                  default=ProposalStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column()
    decided_reps: Mapped[int | None] = mapped_column(Integer)
    decided_hold_s: Mapped[float | None] = mapped_column(Float)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    # The programme version an accepted (or edited) proposal created.
    new_programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id", ondelete="SET NULL"))
