"""Engines, sessions and migrations: SQLite in the data folder by default, PostgreSQL when a URL is given."""

from __future__ import annotations

import os
import re
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DB_FILENAME = "formcheck.sqlite3"
# A writer waits this long for another writer's lock before failing (SQLite allows one writer at a time).
SQLITE_BUSY_TIMEOUT_S = 10.0
# Secrets that can reach an error message: the password in a URL (scheme://user:password@host) and in a libpq
# connection string (password=...).
_URL_PASSWORD = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)[^/\s]*(?=@)")  # to the host's @
_CONNINFO_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with every database password in it replaced by ***, for messages and logs."""
    return _CONNINFO_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1***", text))


def default_data_dir() -> Path:
    """$FORMCHECK_DATA_DIR, else ~/.local/share/formcheck (the same folder the app uses)."""
    env = os.environ.get("FORMCHECK_DATA_DIR")
    return Path(env) if env else Path.home() / ".local" / "share" / "formcheck"


def database_url(url: str | None = None) -> str:
    """The URL to use: the one given, else $FORMCHECK_DATABASE_URL, else the SQLite file in the data folder.

    A bare `postgresql://` URL is given the psycopg 3 driver (the one installed).
    """
    url = url or os.environ.get("FORMCHECK_DATABASE_URL")
    if not url:
        return f"sqlite:///{default_data_dir() / DB_FILENAME}"
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects have no common type
    # pysqlite's own transaction handling skips BEGIN before DDL and SAVEPOINTs; turn it off and let
    # SQLAlchemy's begin event below open every transaction (SQLAlchemy's documented recipe).
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    # WAL: readers never block the writer, and a killed writer leaves the last committed state intact.
    cur.execute("PRAGMA journal_mode=WAL")
    # SQLite ignores foreign keys unless told, per connection.
    cur.execute("PRAGMA foreign_keys=ON")
    # FULL: a commit that returned is on disk even if the machine loses power (NORMAL risks the last commits).
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


# An execution option for a transaction that reads what it is about to write (Session.connection(execution_options=
# {WRITE_TRANSACTION: True}) as it begins): SQLite then takes its write lock at once (BEGIN IMMEDIATE). Begun
# deferred, such a transaction is refused outright ("database is locked", whatever the busy timeout) when another
# writer commits between its read and its write; begun immediate, it waits its turn. Other databases ignore it.
WRITE_TRANSACTION = "formcheck_write_transaction"


def _sqlite_begin(conn) -> None:  # noqa: ANN001
    # Deferred, not IMMEDIATE, unless asked: a page holding a read transaction open must not block every writer
    # (WAL lets readers and one writer run together; a second writer waits up to SQLITE_BUSY_TIMEOUT_S).
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_TRANSACTION) else "BEGIN")


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url` (see database_url); creates the SQLite file's folder when needed."""
    full = make_url(database_url(url))
    kwargs: dict = {}
    if full.get_backend_name() == "sqlite":
        if full.database and full.database != ":memory:":
            Path(full.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_S}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(full, **kwargs)
    if full.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on `engine`. Objects are not expired on commit, so values read stay readable afterwards."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    """An Alembic config for the migrations inside this package (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Handed over as an object, not a URL string: configparser would choke on a '%' in a password.
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(url: str | Engine | None = None, revision: str = "head") -> None:
    """Migrate the database to `revision` (default: the newest), creating it from empty if need be."""
    engine = url if isinstance(url, Engine) else make_engine(url)
    try:
        command.upgrade(alembic_config(engine), revision)
    finally:
        if not isinstance(url, Engine):
            engine.dispose()


def downgrade(url: str | Engine | None, revision: str = "base") -> None:
    """Migrate the database down to `revision` (default: empty)."""
    engine = url if isinstance(url, Engine) else make_engine(url)
    try:
        command.downgrade(alembic_config(engine), revision)
    finally:
        if not isinstance(url, Engine):
            engine.dispose()


def open_store(url: str | None = None, migrate: bool = True) -> sessionmaker[Session]:
    """A session factory on the database at `url`, migrated to the newest schema first unless told not to."""
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    return session_factory(engine)
