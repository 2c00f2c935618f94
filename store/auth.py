"""Accounts: argon2id password hashes, sign-in, and the acting user every repo call takes.

argon2id (argon2-cffi) rather than hashlib.scrypt: it is the current OWASP recommendation, the encoded hash
carries its own parameters and salt (so they can be raised later and old hashes re-hashed on sign-in), and
argon2-cffi ships wheels for every platform we support.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.db import WRITE_TRANSACTION
from store.models import USERNAME_MAX_CHARS, CareLink, Role, SignInThrottle, User, utc_now

# NIST SP 800-63B: length and a blocklist, no composition rules.
PASSWORD_MIN_CHARS = 12
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
# Sign-in limits. Failures are counted per account (the username typed, whether or not it exists) and per client
# address; SIGN_IN_FAILURES_MAX failures of one account within SIGN_IN_WINDOW_S lock it for SIGN_IN_LOCKOUT_S, and
# SIGN_IN_CLIENT_FAILURES_MAX failures from one address (any usernames) lock that address as long. While locked,
# even the right password is refused. The client limit is higher: a clinic's patients may share one address.
SIGN_IN_FAILURES_MAX = 5
SIGN_IN_CLIENT_FAILURES_MAX = 20
SIGN_IN_WINDOW_S = 15 * 60
SIGN_IN_LOCKOUT_S = 15 * 60
WRONG_SIGN_IN_TEXT = "Wrong username or password."
LOCKED_SIGN_IN_TEXT = (f"Too many failed sign-ins. Wait {SIGN_IN_LOCKOUT_S // 60} minutes, then try again "
                       "(or ask your therapist or the clinic to check your account).")
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


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case (store/common_passwords.txt)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def check_password(password: str) -> None:
    """Refuse a password that is too short or common (every way of setting one calls this).

    Raises:
        AccountError: one line saying what is wrong.
    """
    if len(password) < PASSWORD_MIN_CHARS:
        raise AccountError(f"password must be at least {PASSWORD_MIN_CHARS} characters")
    if password.strip().lower() in common_passwords():
        raise AccountError("that password is one of the most common ones: choose another")


def create_user(db: Session, username: str, password: str, role: Role | str) -> Actor:
    """Create an account and commit it.

    Raises:
        AccountError: for a bad username, a short or common password, an unknown role or a username already taken.
    """
    if not USERNAME_PATTERN.match(username):
        raise AccountError(f"username must be 3-{USERNAME_MAX_CHARS} characters of letters, digits and _ . @ -")
    check_password(password)
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


@dataclass(frozen=True)
class SignInResult:
    """What a sign-in attempt gave: the actor, or why not in words that never tell whether the account exists."""

    actor: Actor | None
    locked: bool = False

    @property
    def message(self) -> str:
        """The one line to show after a refused attempt ("" when signed in)."""
        if self.actor is not None:
            return ""
        return LOCKED_SIGN_IN_TEXT if self.locked else WRONG_SIGN_IN_TEXT


def _throttle_keys(username: str, client: str | None) -> list[tuple[str, int]]:
    # The typed name is hashed: it may be a password typed into the wrong box, and must not be stored as typed.
    digest = hashlib.sha256(username.strip().lower().encode("utf-8")).hexdigest()
    keys = [(f"account:{digest}", SIGN_IN_FAILURES_MAX)]
    if client:
        keys.append((f"client:{client[:100]}", SIGN_IN_CLIENT_FAILURES_MAX))
    return keys


def _record_failure(db: Session, key: str, limit: int, now: datetime) -> bool:
    """Count one failure against `key`; whether that locks it."""
    # Locked until the transaction ends (PostgreSQL; SQLite's write lock covers it), and read afresh: a count read
    # earlier, or kept by the session, may be one another sign-in has raised since.
    row = db.get(SignInThrottle, key, with_for_update=True, populate_existing=True)
    if row is None:
        row = SignInThrottle(key=key, failures=0, window_started_at=now)
        db.add(row)
    elif now - row.window_started_at > timedelta(seconds=SIGN_IN_WINDOW_S):
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures < limit:
        return False
    # Locked: the count starts again when the lockout ends.
    row.locked_until, row.failures, row.window_started_at = now + timedelta(seconds=SIGN_IN_LOCKOUT_S), 0, now
    return True


def sign_in(db: Session, username: str, password: str, client: str | None = None,
            now: datetime | None = None) -> SignInResult:
    """Sign in with the limits above; failures are counted in the store, so a restart does not reset them.

    Args:
        db: an open session; this commits.
        username: as typed.
        password: as typed.
        client: the client's address, or None when unknown (then only the per-account limit applies).
        now: the time (tests); default the current UTC time.

    Returns:
        The actor, or None with `locked` set when the account name or the client is locked out. An unknown
        username is counted and locked exactly like a known one, and every refusal costs one password hash.
    """
    now = now or utc_now()
    keys = _throttle_keys(username, client)
    rows = [db.get(SignInThrottle, key, populate_existing=True) for key, _ in keys]
    if any(r is not None and r.locked_until is not None and r.locked_until > now for r in rows):
        verify_password(_DUMMY_HASH, password)  # as long as a real check
        return SignInResult(None, locked=True)
    actor = authenticate(db, username, password)
    if actor is not None:
        if rows[0] is not None:  # the account's own count starts again; the client's does not
            db.delete(rows[0])
            db.commit()
        return SignInResult(actor)
    for attempt in range(2):
        # The count is read again and written in one short transaction of its own, begun once the password check
        # (the slow part) is done and holding the write lock from its start (store.db.WRITE_TRANSACTION).
        db.commit()
        db.connection(execution_options={WRITE_TRANSACTION: True})
        try:
            locked = [_record_failure(db, key, limit, now) for key, limit in keys]
            db.commit()
            return SignInResult(None, locked=any(locked))
        except IntegrityError:  # two failures of one new key at once: count again against the row now there
            db.rollback()
            if attempt:
                raise
    raise AssertionError("unreachable")


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
