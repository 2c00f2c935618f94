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
    ("dave", "short", "patient", "at least"),
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
