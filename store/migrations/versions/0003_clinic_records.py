"""Clinic records: a patient"s clinic identifier and time zone, the therapist time log, progression proposals.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

Types are spelled out here (not imported from store.models) so this migration never changes when the models do.
"""

# ruff: noqa: E501 - generated DDL reads best one column or constraint per line, however long.
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the clinic identifier and time zone to users; create the time log and the proposals."""
    op.create_table("therapist_time",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("patient_id", sa.Integer(), nullable=False),
    sa.Column("therapist_id", sa.Integer(), nullable=True),
    sa.Column("on_date", sa.Date(), nullable=False),
    sa.Column("minutes", sa.Integer(), nullable=False),
    sa.Column("activity", sa.Text(), nullable=False),
    sa.Column("live_interaction", sa.Boolean(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("minutes >= 1 AND minutes <= 1440", name=op.f("ck_therapist_time_minutes_in_a_day")),
    sa.ForeignKeyConstraint(["patient_id"], ["users.id"], name=op.f("fk_therapist_time_patient_id_users"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["therapist_id"], ["users.id"], name=op.f("fk_therapist_time_therapist_id_users"), ondelete="SET NULL"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_therapist_time"))
    )
    with op.batch_alter_table("therapist_time", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_therapist_time_patient_id"), ["patient_id"], unique=False)

    op.create_table("progression_proposals",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("patient_id", sa.Integer(), nullable=False),
    sa.Column("programme_item_id", sa.Integer(), nullable=True),
    sa.Column("session_id", sa.Integer(), nullable=True),
    sa.Column("exercise", sa.String(length=64), nullable=False),
    sa.Column("kind", sa.Enum("progress", "regress", "pause", name="proposal_kind", native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column("reasons", sa.JSON(), nullable=False),
    sa.Column("from_reps", sa.Integer(), nullable=True),
    sa.Column("from_hold_s", sa.Float(), nullable=True),
    sa.Column("to_reps", sa.Integer(), nullable=True),
    sa.Column("to_hold_s", sa.Float(), nullable=True),
    sa.Column("status", sa.Enum("pending", "accepted", "edited", "rejected", "superseded", name="proposal_status", native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("decided_by", sa.Integer(), nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("decided_reps", sa.Integer(), nullable=True),
    sa.Column("decided_hold_s", sa.Float(), nullable=True),
    sa.Column("decision_note", sa.Text(), nullable=False),
    sa.Column("new_programme_id", sa.Integer(), nullable=True),
    sa.CheckConstraint("to_hold_s IS NULL OR to_hold_s > 0", name=op.f("ck_progression_proposals_to_hold_positive")),
    sa.CheckConstraint("to_reps IS NULL OR to_reps >= 1", name=op.f("ck_progression_proposals_to_reps_positive")),
    sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_progression_proposals_decided_by_users"), ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["new_programme_id"], ["programmes.id"], name=op.f("fk_progression_proposals_new_programme_id_programmes"), ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["patient_id"], ["users.id"], name=op.f("fk_progression_proposals_patient_id_users"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["programme_item_id"], ["programme_items.id"], name=op.f("fk_progression_proposals_programme_item_id_programme_items"), ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], name=op.f("fk_progression_proposals_session_id_sessions"), ondelete="SET NULL"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_progression_proposals")),
    sa.UniqueConstraint("programme_item_id", "session_id", name="uq_progression_proposals_item_session")
    )
    with op.batch_alter_table("progression_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_progression_proposals_patient_id"), ["patient_id"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clinic_patient_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_users_clinic_patient_id"), ["clinic_patient_id"])



def downgrade() -> None:
    """Drop what upgrade added."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_users_clinic_patient_id"), type_="unique")
        batch_op.drop_column("time_zone")
        batch_op.drop_column("clinic_patient_id")

    with op.batch_alter_table("progression_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progression_proposals_patient_id"))

    op.drop_table("progression_proposals")
    with op.batch_alter_table("therapist_time", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_therapist_time_patient_id"))

    op.drop_table("therapist_time")
