"""Initial schema: users, care links, programmes and their items, sessions, session landmarks.

Revision ID: 0001
Revises: none
Create Date: 2026-11-23

Types are spelled out here (not imported from store.models) so this migration never changes when the models do.
Timestamps are UTC (store.models.UTCDateTime); enums are VARCHAR + CHECK on both backends.
"""

# ruff: noqa: E501 - generated DDL reads best one column or constraint per line, however long.
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every table from empty."""
    op.create_table("users",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("username", sa.String(length=64), nullable=False),
    sa.Column("role", sa.Enum("patient", "therapist", name="role", native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column("password_hash", sa.String(length=255), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    sa.UniqueConstraint("username", name=op.f("uq_users_username"))
    )
    op.create_table("care_links",
    sa.Column("therapist_id", sa.Integer(), nullable=False),
    sa.Column("patient_id", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["patient_id"], ["users.id"], name=op.f("fk_care_links_patient_id_users"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["therapist_id"], ["users.id"], name=op.f("fk_care_links_therapist_id_users"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("therapist_id", "patient_id", name=op.f("pk_care_links"))
    )
    with op.batch_alter_table("care_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_links_patient_id"), ["patient_id"], unique=False)

    op.create_table("programmes",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("patient_id", sa.Integer(), nullable=False),
    sa.Column("therapist_id", sa.Integer(), nullable=True),
    sa.Column("start_date", sa.Date(), nullable=False),
    sa.Column("notes", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["patient_id"], ["users.id"], name=op.f("fk_programmes_patient_id_users"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["therapist_id"], ["users.id"], name=op.f("fk_programmes_therapist_id_users"), ondelete="SET NULL"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes"))
    )
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programmes_patient_id"), ["patient_id"], unique=False)

    op.create_table("programme_items",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("programme_id", sa.Integer(), nullable=False),
    sa.Column("exercise", sa.String(length=64), nullable=False),
    sa.Column("side", sa.Enum("left", "right", "both", name="item_side", native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column("sets", sa.Integer(), nullable=False),
    sa.Column("reps_target", sa.Integer(), nullable=True),
    sa.Column("hold_target_s", sa.Float(), nullable=True),
    sa.Column("tempo_s_per_rep", sa.Float(), nullable=True),
    sa.Column("threshold_overrides", sa.JSON(), nullable=False),
    sa.Column("week_from", sa.Integer(), nullable=False),
    sa.Column("week_to", sa.Integer(), nullable=False),
    sa.Column("sessions_per_week", sa.Integer(), nullable=False),
    sa.Column("notes", sa.Text(), nullable=False),
    sa.CheckConstraint("hold_target_s IS NULL OR hold_target_s > 0", name=op.f("ck_programme_items_hold_target_positive")),
    sa.CheckConstraint("reps_target IS NOT NULL OR hold_target_s IS NOT NULL", name=op.f("ck_programme_items_has_target")),
    sa.CheckConstraint("reps_target IS NULL OR reps_target >= 1", name=op.f("ck_programme_items_reps_target_positive")),
    sa.CheckConstraint("sessions_per_week >= 1", name=op.f("ck_programme_items_sessions_per_week_positive")),
    sa.CheckConstraint("sets >= 1", name=op.f("ck_programme_items_sets_positive")),
    sa.CheckConstraint("tempo_s_per_rep IS NULL OR tempo_s_per_rep > 0", name=op.f("ck_programme_items_tempo_positive")),
    sa.CheckConstraint("week_from >= 1 AND week_to >= week_from", name=op.f("ck_programme_items_weeks_ordered")),
    sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"], name=op.f("fk_programme_items_programme_id_programmes"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_items"))
    )
    with op.batch_alter_table("programme_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_items_programme_id"), ["programme_id"], unique=False)

    op.create_table("sessions",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("patient_id", sa.Integer(), nullable=False),
    sa.Column("programme_item_id", sa.Integer(), nullable=True),
    sa.Column("exercise", sa.String(length=64), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("source", sa.Enum("live", "upload", name="source", native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column("reps", sa.Integer(), nullable=False),
    sa.Column("faulted_reps", sa.Integer(), nullable=False),
    sa.Column("best_hold_s", sa.Float(), nullable=False),
    sa.Column("pose_coverage", sa.Float(), nullable=False),
    sa.Column("rep_signal", sa.String(length=64), nullable=True),
    sa.Column("range_low", sa.Float(), nullable=True),
    sa.Column("range_high", sa.Float(), nullable=True),
    sa.Column("report", sa.JSON(), nullable=False),
    sa.Column("pain_before", sa.Integer(), nullable=True),
    sa.Column("pain_after", sa.Integer(), nullable=True),
    sa.Column("symptom_response", sa.Enum("centralising", "peripheralising", "unchanged", name="symptom", native_enum=False, create_constraint=True, length=16), nullable=True),
    sa.Column("shared_video_path", sa.Text(), nullable=True),
    sa.CheckConstraint("pain_after IS NULL OR (pain_after >= 0 AND pain_after <= 10)", name=op.f("ck_sessions_pain_after_range")),
    sa.CheckConstraint("pain_before IS NULL OR (pain_before >= 0 AND pain_before <= 10)", name=op.f("ck_sessions_pain_before_range")),
    sa.CheckConstraint("reps >= 0 AND faulted_reps >= 0 AND faulted_reps <= reps", name=op.f("ck_sessions_reps_counts")),
    sa.ForeignKeyConstraint(["patient_id"], ["users.id"], name=op.f("fk_sessions_patient_id_users"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["programme_item_id"], ["programme_items.id"], name=op.f("fk_sessions_programme_item_id_programme_items"), ondelete="SET NULL"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions"))
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index("ix_sessions_patient_started", ["patient_id", "started_at"], unique=False)

    op.create_table("session_landmarks",
    sa.Column("session_id", sa.Integer(), nullable=False),
    sa.Column("frames", sa.Integer(), nullable=False),
    sa.Column("npz", sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], name=op.f("fk_session_landmarks_session_id_sessions"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("session_id", name=op.f("pk_session_landmarks"))
    )


def downgrade() -> None:
    """Drop every table, children first."""
    op.drop_table("session_landmarks")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_patient_started")

    op.drop_table("sessions")
    with op.batch_alter_table("programme_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_items_programme_id"))

    op.drop_table("programme_items")
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programmes_patient_id"))

    op.drop_table("programmes")
    with op.batch_alter_table("care_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_links_patient_id"))

    op.drop_table("care_links")
    op.drop_table("users")
