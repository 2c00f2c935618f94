"""What every page shares: folders, the store, who is signed in, the account sidebar, and the set's plan.

The pages are Streamlit shells: they wire widgets to scoring/, store/ and feedback/ and hold no scoring logic.
Which spec, thresholds, side and targets a set uses is decided by scoring.prescription.plan_set alone; `plan_for`
only finds the programme item to hand it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import streamlit as st

from feedback import views
from feedback.coach import SYMPTOM_MOVES
from feedback.wording import SYMPTOM_ADVICE, known_limit
from pose.landmarks import Side
from scoring.prescription import SetPlan, plan_set
from store import repo
from store.auth import Actor, SignInResult, sign_in
from store.db import database_url, open_store, redact
from store.models import Role, utc_now

DISCLAIMER = (
    "This is feedback on exercise form, not medical advice. Stop and contact your clinician if pain spreads "
    "down your leg, or at once if you have numbness in the saddle area or lose bladder or bowel control."
)
# Page titles, as the menu shows them (some pages name the others).
LIVE = "Live coaching"
REVIEW = "Review a recording"
PROGRAMME = "My programme"
PROGRESS = "My progress"
PATIENTS = "My patients"
# Set on signing in or out: app.py then opens the new role's first page (the page the browser is on may not be in
# the new role's menu, and Streamlit would say "page not found").
GO_HOME = "go_home"
SAVED_TEXT = "Saved. Your therapist can see this set."
# A signed-in session with no interaction for this long is signed out on its next interaction.
SESSION_IDLE_TIMEOUT_S = 30 * 60
IDLE_SIGNED_OUT_TEXT = (f"You were signed out after {SESSION_IDLE_TIMEOUT_S // 60} minutes without activity. "
                        "Sign in again to go on.")
# Streamlit keeps who is signed in with the browser tab's connection: a reload or a new tab starts signed out
# (README, "Running it for a clinic", says why there is no session cookie).
SESSION_SCOPE_TEXT = (f"You stay signed in until you close or reload this tab, sign out, or leave it for "
                      f"{SESSION_IDLE_TIMEOUT_S // 60} minutes.")
_SEEN_AT = "seen_at_monotonic_s"
_SIGNED_OUT_REASON = "signed_out_reason"
TARGET_INTRO = "Your therapist's target for this set"


def data_dir() -> Path:
    """$FORMCHECK_DATA_DIR, else ~/.local/share/formcheck."""
    env = os.environ.get("FORMCHECK_DATA_DIR")
    return Path(env) if env else Path.home() / ".local" / "share" / "formcheck"


@st.cache_resource(show_spinner=False)
def _store(url: str):  # noqa: ANN202 - a sessionmaker
    # One engine per database for the whole server, migrated to the newest schema the first time it is opened.
    return open_store(url)


def store_factory():  # noqa: ANN201 - a sessionmaker
    """The app's sessionmaker (for a thread that must not call st.*, open it in the page's thread)."""
    return _store(database_url())


def db_session():  # noqa: ANN201 - a SQLAlchemy Session (a context manager)
    """A new session on the app's database."""
    return store_factory()()


def today() -> date:
    """Today's date in UTC (the store's days are UTC dates)."""
    return utc_now().date()


def signed_in() -> Actor | None:
    """The signed-in user, or None for a guest."""
    return st.session_state.get("actor")


def is_patient(actor: Actor | None) -> bool:
    """Whether the user is a signed-in patient (the only role whose sets are saved)."""
    return actor is not None and actor.role == Role.PATIENT


def sign_out(reason: str | None = None) -> None:
    """Forget the user and everything their pages kept (button callback); `reason` is shown on the sign-in form."""
    for key in list(st.session_state):
        del st.session_state[key]
    st.session_state[GO_HOME] = True
    if reason:
        st.session_state[_SIGNED_OUT_REASON] = reason


def client_address() -> str | None:
    """The browser's address for the per-client sign-in limit, or None when it is not known.

    Streamlit gives the websocket peer's address, and None for a peer on this machine. A peer on this machine is
    either a browser here (no address to count: only the per-account limit applies) or the reverse proxy of
    README "Running it for a clinic", which sets X-Real-IP to the address it was connected from, overwriting any
    the browser sent. The app listens on 127.0.0.1 by default, so only a local process can set that header.
    """
    address = st.context.ip_address
    if address:
        return address
    return (st.context.headers.get("X-Real-IP") or "").strip() or None


def _idle_timed_out() -> bool:
    """Whether the signed-in session was left longer than SESSION_IDLE_TIMEOUT_S; notes this interaction."""
    now = time.monotonic()
    seen = st.session_state.get(_SEEN_AT)
    st.session_state[_SEEN_AT] = now
    return seen is not None and now - seen > SESSION_IDLE_TIMEOUT_S


# Sign-in results waiting to be applied, by a key kept in the browser session's state: (the tried values'
# fingerprint, the result). See _sign_in_clicked.
_SIGN_INS: dict[str, tuple[str, SignInResult | str]] = {}
_SESSION_KEY = "sign_in_session_key"
_LAST_TRY = "sign_in_last_try"  # the fingerprint of the last form values whose result was applied


def _form_values(state: Mapping[str, object]) -> tuple[str, str]:
    """The sign-in form's username and password as the server last received them."""
    return str(state.get("login_user") or "").strip(), str(state.get("login_password") or "")


def _fingerprint(key: str, username: str, password: str) -> str:
    # Kept in the session state instead of the password itself.
    return hashlib.sha256(f"{key}\0{username}\0{password}".encode()).hexdigest()


# One click can reach the check twice: Streamlit lets a superseded run go on beside the run that has the click, and
# the older run, seeing the submitted values, takes the click for lost (`_apply_sign_in`). Both checked: a wrong
# password counted twice, and the two writes raced in the store (shown as a database error, so no answer to the
# click; browser tests, 2 runs in 9). So a browser session's checks take turns, and a click is not checked again
# once its values were checked as a lost click (within LOST_CLICK_MATCH_S), nor a lost click once the click's own
# check has run. A click with the same values as the last click is another attempt and is checked.
LOST_CLICK_MATCH_S = 2.0
_CHECKS_GUARD = threading.Lock()
_CHECK_LOCKS: dict[str, tuple[threading.Lock, int]] = {}  # session key -> (its lock, threads using it)
_LOST_CLICKS: dict[str, tuple[str, float]] = {}  # session key -> (fingerprint, time.monotonic()) checked as lost


@contextmanager
def _checks_take_turns(key: str) -> Iterator[None]:
    with _CHECKS_GUARD:
        lock, users = _CHECK_LOCKS.get(key, (threading.Lock(), 0))
        _CHECK_LOCKS[key] = (lock, users + 1)
    try:
        with lock:
            yield
    finally:
        with _CHECKS_GUARD:
            lock, users = _CHECK_LOCKS[key]
            if users > 1:
                _CHECK_LOCKS[key] = (lock, users - 1)
            else:
                del _CHECK_LOCKS[key]


def _last_applied() -> str | None:
    """The fingerprint of the last result applied in this session (read without a point where Streamlit may stop)."""
    return st.session_state.to_dict().get(_LAST_TRY)


def _already_checked(key: str, fingerprint: str, lost_click: bool) -> bool:
    now = time.monotonic()
    with _CHECKS_GUARD:
        for old in [k for k, (_, at) in _LOST_CLICKS.items() if now - at >= LOST_CLICK_MATCH_S]:
            del _LOST_CLICKS[old]
        if not lost_click:
            return _LOST_CLICKS.pop(key, ("", 0.0))[0] == fingerprint
    waiting = _SIGN_INS.get(key)
    return (waiting is not None and waiting[0] == fingerprint) or _last_applied() == fingerprint


def _try_sign_in(key: str, username: str, password: str, lost_click: bool = False) -> None:
    """Check these values; the result waits in _SIGN_INS for `_apply_sign_in`. Writes no st.session_state.

    `lost_click`: the values were submitted but this run has no click (`_apply_sign_in`); else it is the click's own
    check.
    """
    fingerprint = _fingerprint(key, username, password)
    with _checks_take_turns(key):
        if _already_checked(key, fingerprint, lost_click):
            return
        try:
            with db_session() as db:
                result: SignInResult | str = sign_in(db, username, password, client_address())
        except Exception as exc:  # noqa: BLE001 - a database that cannot be opened must not break the guest pages
            result = f"Cannot reach the database: {redact(str(exc).splitlines()[0] if str(exc) else '')}"
        if lost_click:
            with _CHECKS_GUARD:
                _LOST_CLICKS[key] = (fingerprint, time.monotonic())
        _SIGN_INS[key] = (fingerprint, result)


def session_key_now() -> str | None:
    """This browser session's key, read without a point where Streamlit may stop the run (see `_sign_in_clicked`).

    None before the first run has stored it (`_apply_sign_in`).
    """
    key = st.session_state.to_dict().get(_SESSION_KEY)
    return str(key) if key else None


def _sign_in_clicked() -> None:
    """The Sign in button's callback: check the form's values; the result is applied by `_apply_sign_in`.

    A rerun request arriving while this runs (the live page's camera component sends its state once it has loaded,
    often just as a fresh page's first click lands) makes Streamlit stop the run at the next st.session_state
    read or write, and start another without the click. So the values are read with `to_dict`, which is no such
    point, and the result goes into a plain dict under the session's key before anything is written: whichever
    run comes next applies it.
    """
    state = st.session_state.to_dict()
    if key := state.get(_SESSION_KEY):  # stored before the form is first drawn (_apply_sign_in)
        _try_sign_in(str(key), *_form_values(state))


def _apply_sign_in() -> None:
    """Sign in with the result of the last click, if one is waiting; try the form's values if a click was lost."""
    key = st.session_state.setdefault(_SESSION_KEY, secrets.token_urlsafe(16))
    if key not in _SIGN_INS and signed_in() is None:
        # If that request arrives before the click's run has reached the callback, Streamlit drops the click: the
        # run it starts has the submitted values but no click. The browser sends a form's values only when it is
        # submitted and the server empties the password once it is checked, so a password here that was not the
        # last one checked was submitted, and its click lost.
        state = st.session_state.to_dict()
        username, password = _form_values(state)
        if password and state.get(_LAST_TRY) != _fingerprint(key, username, password):
            _try_sign_in(key, username, password, lost_click=True)
    waiting = _SIGN_INS.get(key)
    if waiting is None:
        return
    fingerprint, result = waiting
    # Every write below may stop this run for a newer one: the result is dropped only once all are done, and
    # applying it twice is the same as once.
    st.session_state[_LAST_TRY] = fingerprint
    st.session_state["login_password"] = ""
    if isinstance(result, str) or result.actor is None:
        st.session_state[_SIGN_IN_ERROR] = result if isinstance(result, str) else result.message
    else:
        st.session_state.pop(_SIGNED_OUT_REASON, None)
        st.session_state.pop(_SIGN_IN_ERROR, None)
        st.session_state.update({"actor": result.actor, _SEEN_AT: time.monotonic(), GO_HOME: True})
    _SIGN_INS.pop(key, None)


_SIGN_IN_ERROR = "sign_in_error"


def account_sidebar() -> Actor | None:
    """Sign-in form, or who is signed in and a sign-out button."""
    _apply_sign_in()
    actor = signed_in()
    if actor is not None and _idle_timed_out():
        sign_out(IDLE_SIGNED_OUT_TEXT)
        st.rerun()
    if actor is not None:
        # Plain text: a username is user input (tests/app/test_security_pages.py).
        st.sidebar.text(f"Signed in as {actor.username} ({actor.role.value})")
        st.sidebar.button("Sign out", on_click=sign_out, key="sign_out")
        return actor
    if reason := st.session_state.get(_SIGNED_OUT_REASON):
        st.sidebar.info(reason)
    with st.sidebar.form("sign_in"):
        st.markdown("**Sign in** (or carry on as a guest)")
        st.text_input("Username", key="login_user")
        st.text_input("Password", type="password", key="login_password")
        st.form_submit_button("Sign in", on_click=_sign_in_clicked)
        st.caption(SESSION_SCOPE_TEXT)
    # Kept until the next attempt's answer replaces it: the camera component's own reruns must not wipe it unread.
    if error := st.session_state.get(_SIGN_IN_ERROR):
        st.sidebar.error(error)
    return None


def plain(text: str) -> str:
    """User text made safe inside Markdown (a widget label, an expander title, a message with other words).

    Every ASCII punctuation character is backslash-escaped (CommonMark allows that for each one), so no link,
    image, emphasis, HTML tag, Streamlit colour or icon directive (`:red[...]`), or LaTeX (`$`) can form.
    Where the user text stands alone, pages use st.text instead, which never parses Markdown.
    """
    return "".join(f"\\{c}" if c in _MARKDOWN_PUNCTUATION else c for c in text.replace("\n", " "))


_MARKDOWN_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def header(title: str, actor: Actor | None) -> None:
    """The page title, the disclaimer, and for a guest that nothing is kept."""
    st.title(title)
    st.warning(DISCLAIMER)
    if actor is None:
        st.caption("You are not signed in: this works as a guest and nothing is saved.")


def prescribed_item(actor: Actor | None, exercise: str) -> repo.ItemView | None:
    """A patient's item for this exercise in this week of their programme, if one is prescribed."""
    if not is_patient(actor):
        return None
    with db_session() as db:
        return prescribed_in(db, actor, exercise)


def prescribed_in(db, actor: Actor, exercise: str) -> repo.ItemView | None:  # noqa: ANN001 - a Session
    """`prescribed_item` on an open session."""
    programme = views.current_programme(repo.list_programmes(db, actor, actor.id), today())
    if programme is None:
        return None
    _, items = views.items_this_week(programme, today())
    return next((i for i in items if i.exercise == exercise), None)


def plan_for(actor: Actor | None, exercise: str, sidebar: Mapping[str, float] | None = None,
             side: Side | None = None) -> SetPlan:
    """The plan of a set of `exercise` for this user: a patient's programme item this week, if any, goes in.

    Raises:
        ConfigError: overrides the exercise refuses (one line).
    """
    return plan_set(exercise, item=prescribed_item(actor, exercise), sidebar=sidebar, side=side)


def target_text(plan: SetPlan) -> str:
    """A prescribed set's targets in plain words, e.g. "5 reps, hold 20 s, right leg" ("" when none is set)."""
    parts = []
    if plan.reps_target is not None:
        parts.append(f"{plan.reps_target} reps")
    if plan.hold_target_s is not None:
        parts.append(f"hold {plan.hold_target_s:g} s")
    if plan.side is not None and plan.prescribed:
        parts.append(views.SIDE_WORDS[plan.side])
    return ", ".join(parts)


def symptom_radio(key: str) -> str | None:
    """How the symptoms moved during the set (None until answered)."""
    return st.radio("During the set, did your symptoms…", list(SYMPTOM_MOVES), index=None,
                    format_func=SYMPTOM_MOVES.get, key=key)


def show_advice(advice: list[tuple[str, str]]) -> None:
    """Symptom advice as (code, level) pairs from feedback.coach.symptom_advice: red, amber or green."""
    for code, level in advice:
        {"error": st.error, "warning": st.warning, "ok": st.success}[level](SYMPTOM_ADVICE[code])


def show_known_limit(exercise: str) -> None:
    """What formcheck is known to miss in the exercise (feedback.wording.KNOWN_LIMITS) as a caption; none: nothing."""
    if limit := known_limit(exercise):
        st.caption(f"Good to know: {limit}")
