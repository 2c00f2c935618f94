from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from store.db import downgrade, make_engine, upgrade
from store.models import Base

TABLES = {"users", "care_links", "programmes", "programme_items", "sessions", "session_landmarks",
          "sign_in_throttle", "therapist_time", "progression_proposals"}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _schema_diff(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    finally:
        engine.dispose()


def test_upgrade_from_empty_creates_every_table_as_the_models_say(empty_url):
    assert _tables(empty_url) == set()
    upgrade(empty_url)
    assert _tables(empty_url) == TABLES == set(Base.metadata.tables)
    assert _schema_diff(empty_url) == []


def test_downgrade_to_base_and_up_again(empty_url):
    upgrade(empty_url)
    downgrade(empty_url, "base")
    assert _tables(empty_url) == set()
    upgrade(empty_url)
    assert _tables(empty_url) == TABLES
    assert _schema_diff(empty_url) == []


def test_upgrade_twice_is_a_no_op(url):
    upgrade(url)
    assert _tables(url) == TABLES


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    url = f"sqlite:///{tmp_path / 'sub' / 'x.sqlite3'}"  # the folder is created too
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_default_database_is_the_sqlite_file_in_the_data_folder(tmp_path, monkeypatch):
    from store.db import database_url

    monkeypatch.setenv("FORMCHECK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FORMCHECK_DATABASE_URL", raising=False)
    assert database_url() == f"sqlite:///{tmp_path / 'formcheck.sqlite3'}"
    monkeypatch.setenv("FORMCHECK_DATABASE_URL", "postgresql://u:p%40ss@h/db")
    assert database_url() == "postgresql+psycopg://u:p%40ss@h/db"
