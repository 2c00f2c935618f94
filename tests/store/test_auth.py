import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from store import auth
from store.auth import AccountError
from store.models import Role, User
from tests.store.conftest import PASSWORD


def test_hash_is_not_the_password_and_is_salted():
    h1, h2 = auth.hash_password(PASSWORD), auth.hash_password(PASSWORD)
    assert PASSWORD not in h1
    assert h1 != h2
    assert h1.startswith("$argon2id$")
    assert auth.verify_password(h1, PASSWORD) and auth.verify_password(h2, PASSWORD)
    assert not auth.verify_password(h1, PASSWORD + "x")
    assert not auth.verify_password("not a hash", PASSWORD)


def test_default_cost_is_rfc_9106_low_memory():
    from argon2 import PasswordHasher, Type

    p = PasswordHasher().hash("x")  # what store.auth uses outside tests
    assert p.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PasswordHasher().type == Type.ID


def test_old_parameters_are_upgraded_on_sign_in(db, people, monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setattr(auth, "_HASHER", PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    assert auth.authenticate(db, "alice", PASSWORD) == people.a
    stored = db.scalar(select(User.password_hash).where(User.username == "alice"))
    assert "m=16,t=2,p=1" in stored
    assert auth.authenticate(db, "alice", PASSWORD) == people.a


def test_authenticate(db, people):
    assert auth.authenticate(db, "alice", PASSWORD) == people.a
    assert auth.authenticate(db, "thera", PASSWORD).role == Role.THERAPIST
    assert auth.authenticate(db, "alice", "wrong password") is None
    assert auth.authenticate(db, "alice", "") is None
    assert auth.authenticate(db, "nobody", PASSWORD) is None
    stored = db.scalar(select(User.password_hash).where(User.username == "alice"))
    assert PASSWORD not in stored


@pytest.mark.parametrize(("username", "password", "role", "error"), [
    ("dave", PASSWORD, "patient", None),
    ("alice", PASSWORD, "patient", "taken"),
    ("x", PASSWORD, "patient", "username"),
    ("<script>", PASSWORD, "patient", "username"),
    ("dave", "short", "patient", "at least 12"),
    ("dave", "elevenchars", "patient", "at least 12"),
    ("dave", "qwerty123456", "patient", "most common"),
    ("dave", "QWERTY123456", "patient", "most common"),
    ("dave", "1qaz2wsx3edc", "patient", "most common"),
    ("dave", PASSWORD, "admin", "role"),
])
def test_create_user_validation(db, people, username, password, role, error):
    if error is None:
        actor = auth.create_user(db, username, password, role)
        assert (actor.username, actor.role) == (username, Role.PATIENT)
    else:
        with pytest.raises(AccountError, match=error):
            auth.create_user(db, username, password, role)


@pytest.mark.parametrize(("therapist", "patient"), [("alice", "bob"), ("thera", "thera2"), ("thera", "nobody")])
def test_link_needs_a_therapist_and_a_patient(db, people, therapist, patient):
    with pytest.raises(AccountError):
        auth.link(db, therapist, patient)


def test_the_common_password_list_is_shipped_and_used():
    common = auth.common_passwords()
    assert len(common) >= 10_000
    assert {"123456", "password", "qwerty"} <= common
    assert PASSWORD not in common
    with pytest.raises(AccountError, match="most common"):
        auth.check_password("LeaveMeAlone")  # in the list as leavemealone
    auth.check_password(PASSWORD)


T0 = auth.utc_now()


def _tries(db, username, password, n, client=None, now=T0):
    return [auth.sign_in(db, username, password, client, now=now) for _ in range(n)]


@pytest.mark.parametrize("username", ["alice", "nobody"])
def test_an_account_name_is_locked_after_repeated_failures_known_or_not(db, people, username):
    before = _tries(db, username, "wrong password!", auth.SIGN_IN_FAILURES_MAX - 1)
    assert [r.message for r in before] == [auth.WRONG_SIGN_IN_TEXT] * (auth.SIGN_IN_FAILURES_MAX - 1)
    last = auth.sign_in(db, username, "wrong password!", now=T0)
    assert last.locked and last.message == auth.LOCKED_SIGN_IN_TEXT
    # Locked: even the right password is refused, with the same words for a real and a made-up account.
    during = auth.sign_in(db, username, PASSWORD, now=T0 + timedelta(seconds=auth.SIGN_IN_LOCKOUT_S - 1))
    assert during.actor is None and during.message == auth.LOCKED_SIGN_IN_TEXT
    after = auth.sign_in(db, username, PASSWORD, now=T0 + timedelta(seconds=auth.SIGN_IN_LOCKOUT_S + 1))
    assert (after.actor == people.a) if username == "alice" else (after.actor is None and not after.locked)
    assert "alice" not in str(db.scalars(select(auth.SignInThrottle.key)).all())  # names are stored hashed


def test_failures_spread_over_more_than_the_window_do_not_lock(db, people):
    step = timedelta(seconds=auth.SIGN_IN_WINDOW_S / (auth.SIGN_IN_FAILURES_MAX - 1) + 1)
    for i in range(2 * auth.SIGN_IN_FAILURES_MAX):
        assert not auth.sign_in(db, "alice", "wrong password!", now=T0 + i * step).locked
    assert auth.sign_in(db, "alice", PASSWORD, now=T0 + 20 * step).actor == people.a


def test_a_right_password_starts_the_account_count_again(db, people):
    _tries(db, "alice", "wrong password!", auth.SIGN_IN_FAILURES_MAX - 1)
    assert auth.sign_in(db, "alice", PASSWORD, now=T0).actor == people.a
    assert not any(r.locked for r in _tries(db, "alice", "wrong password!", auth.SIGN_IN_FAILURES_MAX - 1))


def test_a_client_is_locked_after_failures_across_many_names(db, people):
    names = [f"user{i}" for i in range(auth.SIGN_IN_CLIENT_FAILURES_MAX)]
    results = [auth.sign_in(db, n, "wrong password!", "203.0.113.7", now=T0) for n in names]
    assert [r.locked for r in results] == [False] * (len(names) - 1) + [True]
    assert auth.sign_in(db, "alice", PASSWORD, "203.0.113.7", now=T0).locked  # this address, any account
    assert auth.sign_in(db, "alice", PASSWORD, "198.51.100.1", now=T0).actor == people.a  # another address
    assert auth.sign_in(db, "alice", PASSWORD, None, now=T0).actor == people.a  # unknown address: account limit


def test_a_lockout_survives_a_restart(url, people, db):
    from store.db import make_engine, session_factory

    _tries(db, "alice", "wrong password!", auth.SIGN_IN_FAILURES_MAX)
    engine = make_engine(url)  # a new engine: what a restarted server opens
    try:
        with session_factory(engine)() as fresh:
            assert auth.sign_in(fresh, "alice", PASSWORD, now=T0 + timedelta(seconds=60)).locked
    finally:
        engine.dispose()


def test_refusals_take_about_as_long_for_a_known_an_unknown_and_a_locked_name(db, people, monkeypatch):
    from argon2 import PasswordHasher

    # A cost high enough that the hash dominates the time (the database work is far smaller), low enough for CI.
    hasher = PasswordHasher(time_cost=2, memory_cost=16 * 1024, parallelism=1)
    monkeypatch.setattr(auth, "_HASHER", hasher)
    monkeypatch.setattr(auth, "_DUMMY_HASH", hasher.hash("dummy"))
    db.get(auth.User, people.a.id).password_hash = hasher.hash(PASSWORD)
    db.commit()
    _tries(db, "bob", "wrong password!", auth.SIGN_IN_FAILURES_MAX)  # bob is locked

    # Medians of several tries, the three kinds taken in turn: one timing on a loaded 2-core machine can be off by
    # more than the hash itself, and a load that changes during the test must fall on all three alike.
    before = T0 - timedelta(days=1)
    tries = [("alice", "wrong password!", before), ("nobody", "wrong password!", before),
             ("bob", "x" * 12, T0 + timedelta(seconds=1))]
    times: list[list[float]] = [[], [], []]
    for _ in range(auth.SIGN_IN_FAILURES_MAX):  # no more: alice's failures must not lock her
        for kind, (username, password, now) in enumerate(tries):
            t = time.perf_counter()
            result = auth.sign_in(db, username, password, now=now)
            times[kind].append(time.perf_counter() - t)
    known, unknown, locked_s = (sorted(t)[len(t) // 2] for t in times)
    assert result.locked
    assert 0.5 < unknown / known < 2 and 0.4 < locked_s / known < 2.5, (known, unknown, locked_s)


def test_wrong_passwords_tried_at_once_are_each_refused_and_each_counted(url, people):
    """Two browsers (or one page's two overlapping runs) refused at the same moment: both get the usual answer and
    both failures count. SQLite refused the second writer at once ("database is locked", shown to the patient as a
    database error) when its read began before the other's write; PostgreSQL could lose one of the two counts."""
    import threading

    from store.db import make_engine, session_factory

    engine = make_engine(url)
    tries = (auth.SIGN_IN_FAILURES_MAX - 1) // 2  # pairs, all under the account's limit
    barrier = threading.Barrier(2)
    results, errors = [], []

    def attempt() -> None:
        with session_factory(engine)() as own:
            for _ in range(tries):
                barrier.wait()
                try:
                    results.append(auth.sign_in(own, "alice", "wrong password!", now=T0).message)
                except Exception as exc:  # noqa: BLE001 - what the page would have shown instead
                    errors.append(repr(exc).splitlines()[0])

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert errors == []
        assert results == [auth.WRONG_SIGN_IN_TEXT] * (2 * tries)
        with session_factory(engine)() as fresh:  # no address: the account's own count only
            assert [r.failures for r in fresh.scalars(select(auth.SignInThrottle))] == [2 * tries]
    finally:
        engine.dispose()
