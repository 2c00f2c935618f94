"""Alembic environment: runs online against the engine store.db hands over (see store.db.alembic_config)."""

from __future__ import annotations

from alembic import context

from store.db import make_engine
from store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Migrate over a connection of the given engine (or $FORMCHECK_DATABASE_URL when run by the alembic CLI)."""
    engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.connect() as connection:
        # render_as_batch: SQLite cannot ALTER most things, so Alembic rebuilds tables there.
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run store.db.upgrade")
run_migrations_online()
