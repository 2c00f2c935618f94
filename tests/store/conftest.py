"""Store fixtures: every store test runs on SQLite and on a real PostgreSQL server started here.

The PostgreSQL server is this machine's (Debian's `postgresql` package; installed here when missing and we are
root), run from a temporary folder on a free port as an unprivileged user, and stopped at the end of the run.
When it cannot be started the PostgreSQL tests fail under CI (CI=true) and are skipped elsewhere, with the reason.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from store import auth
from store.auth import Actor
from store.db import make_engine, session_factory, upgrade

PG_USER = "postgres"  # the cluster's superuser name (initdb -U)
PG_START_TIMEOUT_S = 60


@dataclass
class PgServer:
    """A running throw-away PostgreSQL cluster."""

    bin_dir: Path
    data_dir: Path
    port: int
    run_as: list[str]
    _names = itertools.count(1)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=PG_USER, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)

    def new_database(self, template: str = "template0") -> str:
        """A new database copied from `template` (template0: empty); returns its URL."""
        name = f"t{next(self._names)}"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)


def _find_pg_bin() -> Path | None:
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True):
        if (Path(d) / "initdb").exists() and (Path(d) / "pg_ctl").exists():
            return Path(d)
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found and shutil.which("pg_ctl") else None


def _install_postgresql() -> None:
    subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True, capture_output=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_pg(base: Path) -> PgServer:
    bin_dir = _find_pg_bin()
    if bin_dir is None and os.geteuid() == 0:
        _install_postgresql()
        bin_dir = _find_pg_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found and cannot install them "
                           "(need root for apt-get install postgresql)")
    run_as: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        user = "postgres"
        if subprocess.run(["id", "-u", user], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "--system", "--no-create-home", user], check=True, capture_output=True)
        shutil.chown(base, user=user)
        run_as = ["runuser", "-u", user, "--"]
    data = base / "data"
    subprocess.run([*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", PG_USER, "--auth=trust", "-E", "UTF8",
                    "--no-sync"], check=True, capture_output=True)
    port = _free_port()
    # fsync off: a test server never survives a power cut anyway; a killed *client* is what the tests kill.
    opts = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-o", opts,
                    "-w", "-t", str(PG_START_TIMEOUT_S), "start"], check=True, capture_output=True)
    return PgServer(bin_dir, data, port, run_as)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server for the whole run (fails under CI when it cannot start, else skips)."""
    base = Path(tempfile.mkdtemp(prefix="formcheck-pg-"))
    try:
        server = _start_pg(base)
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        reason = f"cannot start PostgreSQL: {exc} {detail.decode(errors='replace')[-500:]}"
        log = base / "log"
        if log.exists():
            reason += f"\n{log.read_text(errors='replace')[-1000:]}"
        shutil.rmtree(base, ignore_errors=True)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield server
    finally:
        subprocess.run([*server.run_as, str(server.bin_dir / "pg_ctl"), "-D", str(server.data_dir), "-m", "immediate",
                        "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_migrated_template(pg_server: PgServer) -> str:
    """The name of a database migrated to head, cloned for each test (much faster than migrating each time)."""
    pg_server.admin('CREATE DATABASE "migrated" TEMPLATE template0')
    engine = make_engine(pg_server.url("migrated"))
    upgrade(engine)
    engine.dispose()
    return "migrated"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Each store test runs once per backend."""
    return request.param


@pytest.fixture
def empty_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The URL of an empty database (no tables)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    return request.getfixturevalue("pg_server").new_database()


@pytest.fixture
def url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The URL of a fresh database migrated to head."""
    if backend == "sqlite":
        u = f"sqlite:///{tmp_path / 'store.sqlite3'}"
        upgrade(u)
        return u
    template = request.getfixturevalue("pg_migrated_template")
    return request.getfixturevalue("pg_server").new_database(template)


@pytest.fixture
def db(url: str) -> Iterator[Session]:
    """A session on a fresh migrated database."""
    engine = make_engine(url)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


@dataclass(frozen=True)
class People:
    """Therapist `t` treats patients `a` and `c`; patient `b` is nobody's (of t's); `t2` is another therapist."""

    t: Actor
    t2: Actor
    a: Actor
    b: Actor
    c: Actor


PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still argon2id, with the smallest cost: the default (64 MiB, 3 passes) takes ~0.4 s a hash on CI."""
    from argon2 import PasswordHasher

    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(auth, "_HASHER", hasher)
    monkeypatch.setattr(auth, "_DUMMY_HASH", hasher.hash("dummy"))  # an unknown name costs the same


@pytest.fixture
def people(db: Session) -> People:
    t = auth.create_user(db, "thera", PASSWORD, "therapist")
    t2 = auth.create_user(db, "thera2", PASSWORD, "therapist")
    a = auth.create_user(db, "alice", PASSWORD, "patient")
    b = auth.create_user(db, "bob", PASSWORD, "patient")
    c = auth.create_user(db, "carol", PASSWORD, "patient")
    auth.link(db, "thera", "alice")
    auth.link(db, "thera", "carol")
    auth.link(db, "thera2", "bob")
    return People(t, t2, a, b, c)


def make_row(exercise: str = "wall_squat", reps: list[tuple[float, float, list[str]]] | None = None,
             hold_s: float = 0.0, coverage: float = 1.0) -> dict[str, Any]:
    """A to_row-style report by hand: one (low, high, faults) per rep, on the exercise's rep signal."""
    from exercises.registry import get_exercise

    sig = get_exercise(exercise).rep.signal
    reps = reps or []
    faults: dict[str, int] = {}
    for _, _, fs in reps:
        for f in fs:
            faults[f] = faults.get(f, 0) + 1
    return {
        "file": "", "exercise": exercise, "reps": len(reps), "hold_s": hold_s, "faults": faults, "frames": 100,
        "pose_coverage": coverage, "side": "left", "view": "side", "duration_s": 10.0, "error": None,
        "rep_detail": [{"index": i + 1, "start_s": 2.0 * i, "end_s": 2.0 * i + 2, "duration_s": 2.0,
                        "low": {sig: lo}, "high": {sig: hi}, "faults": fs} for i, (lo, hi, fs) in enumerate(reps)],
        "hold_detail": [], "fault_episodes": [],
    }


def at(day: str, hour: int = 9) -> datetime:
    """A UTC time on an ISO date."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)
