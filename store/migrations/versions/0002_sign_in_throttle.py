"""Sign-in throttle: failed sign-ins per account and per client, kept across restarts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

Types are spelled out here (not imported from store.models) so this migration never changes when the models do.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the sign_in_throttle table."""
    op.create_table("sign_in_throttle",
    sa.Column("key", sa.String(length=128), nullable=False),
    sa.Column("failures", sa.Integer(), nullable=False),
    sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_throttle"))
    )


def downgrade() -> None:
    """Drop the sign_in_throttle table."""
    op.drop_table("sign_in_throttle")
