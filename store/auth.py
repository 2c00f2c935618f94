"""Accounts: argon2id password hashes, sign-in, and the acting user every repo call takes.

argon2id (argon2-cffi) rather than hashlib.scrypt: it is the current OWASP recommendation, the encoded hash
carries its own parameters and salt (so they can be raised later and old hashes re-hashed on sign-in), and
argon2-cffi ships wheels for every platform we support.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import USERNAME_MAX_CHARS, CareLink, Role, User

PASSWORD_MIN_CHARS = 8
USERNAME_PATTERN = re.compile(rf"^[A-Za-z0-9_.@-]{{3,{USERNAME_MAX_CHARS}}}$")

# argon2-cffi's defaults are RFC 9106's low-memory profile (argon2id, t=3, m=64 MiB, p=4).
_HASHER = PasswordHasher()
# Verified against when the username is unknown, so a missing account takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password of anyone's")


class AccountError(ValueError):
    """An account that cannot be created or linked; the message is one line for the user."""


@dataclass(frozen=True)
class Actor:
    """Who is acting: what the app keeps after sign-in and passes to every store.repo call."""

    id: int
    username: str
    role: Role

    @classmethod
    def of(cls, user: User) -> Actor:
        """The actor for a user row."""
        return cls(user.id, user.username, Role(user.role))


def hash_password(password: str) -> str:
    """An argon2id hash with a fresh random salt (two hashes of one password differ)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches; argon2 compares the digests in constant time."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(db: Session, username: str, password: str, role: Role | str) -> Actor:
    """Create an account and commit it.

    Raises:
        AccountError: for a bad username, a short password, an unknown role or a username already taken.
    """
    if not USERNAME_PATTERN.match(username):
        raise AccountError(f"username must be 3-{USERNAME_MAX_CHARS} characters of letters, digits and _ . @ -")
    if len(password) < PASSWORD_MIN_CHARS:
        raise AccountError(f"password must be at least {PASSWORD_MIN_CHARS} characters")
    try:
        role = Role(role)
    except ValueError:
        raise AccountError(f"role must be one of {', '.join(r.value for r in Role)}, got {role!r}") from None
    user = User(username=username, role=role, password_hash=hash_password(password))
    db.add(user)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise AccountError(f"username {username!r} is taken") from None
    return Actor.of(user)


def authenticate(db: Session, username: str, password: str) -> Actor | None:
    """The actor for a correct username and password, else None (same answer and time for either mistake).

    A hash made with older parameters is replaced by one with the current ones.
    """
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.commit()
    return Actor.of(user)


def link(db: Session, therapist_username: str, patient_username: str) -> None:
    """Make a therapist the patient's therapist (idempotent) and commit. An administrator's act (the CLI).

    Raises:
        AccountError: when either account is missing or has the wrong role.
    """
    users = {u.username: u for u in db.scalars(select(User).where(
        User.username.in_([therapist_username, patient_username])))}
    therapist, patient = users.get(therapist_username), users.get(patient_username)
    if therapist is None or therapist.role != Role.THERAPIST:
        raise AccountError(f"no therapist account {therapist_username!r}")
    if patient is None or patient.role != Role.PATIENT:
        raise AccountError(f"no patient account {patient_username!r}")
    if db.get(CareLink, (therapist.id, patient.id)) is None:
        db.add(CareLink(therapist_id=therapist.id, patient_id=patient.id))
        db.commit()
