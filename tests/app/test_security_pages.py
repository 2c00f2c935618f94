"""Security of the pages (issue 15): sign-in limits and idle timeout, user text never parsed as Markdown or HTML,
and a shared video played through the app, never shown as a path.

The user-text checks come twice: AppTest runs the pages with hostile notes and file names and reads every element
Streamlit would parse as Markdown, and a static check reads app_pages/ and app.py for user fields reaching a Markdown
call unescaped (a page not reached by the AppTest runs is still covered).
"""

from __future__ import annotations

import ast
import re
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import app_pages.common
import app_pages.live
from scoring.save import save_set
from store import auth, repo
from store.db import open_store
from tests.app.nav import PATIENTS, PROGRAMME, REVIEW, app_test
from tests.media import write_clip
from tests.store.helpers import squat_clip

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
PIXEL = "http://127.0.0.1:9/pixel.png"
HOSTILE = f"Go slowly ![x]({PIXEL}) <img src=\"{PIXEL}\"> **bold** :red[red] $x^2$ [link](http://127.0.0.1:9/)"
# What must never reach a Markdown element as written: the image, the tag, a link.
RAW = ("![x](", "<img", "](http")
ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")
# Elements whose body Streamlit renders as Markdown (and titles, headers, widget labels).
MARKDOWN_KINDS = ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader",
                  "toast")


class _Stopped:
    class state:  # noqa: N801 - mirrors streamlit-webrtc's ctx.state
        playing = False


@pytest.fixture(autouse=True)
def no_webrtc_server(monkeypatch):
    monkeypatch.setattr(app_pages.live, "webrtc_streamer", lambda **kwargs: _Stopped())


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    from argon2 import PasswordHasher

    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(auth, "_HASHER", hasher)
    monkeypatch.setattr(auth, "_DUMMY_HASH", hasher.hash("dummy"))


@pytest.fixture
def clinic(isolated_dirs, tmp_path, monkeypatch):
    """thera treats alice (a programme with hostile notes, one set with a shared video); thera2 treats bob."""
    monkeypatch.delenv("FORMCHECK_DATABASE_URL", raising=False)
    factory = open_store(f"sqlite:///{tmp_path / 'data' / 'formcheck.sqlite3'}")
    (tmp_path / "data" / "uploads").mkdir(parents=True)
    video = write_clip(tmp_path / "data" / "uploads" / "0123456789abcdef01234567.mp4", n_frames=5)
    seq, report = squat_clip()
    with factory() as db:
        actors = {name: auth.create_user(db, name, PASSWORD, role) for name, role in [
            ("thera", "therapist"), ("thera2", "therapist"), ("alice", "patient"), ("bob", "patient")]}
        auth.link(db, "thera", "alice")
        auth.link(db, "thera2", "bob")
        a = actors["alice"]
        repo.create_programme(db, actors["thera"], a.id, date.today() - timedelta(days=1), [repo.ItemSpec(
            exercise="wall_squat", reps_target=5, notes=HOSTILE)], notes=HOSTILE)
        sid = save_set(db, a, a.id, report, seq, source="upload", pain_before=3, pain_after=2,
                       symptom_response="centralising", shared_video_path=str(video))
    factory.kw["bind"].dispose()
    return actors, sid, video


def _markdown_bodies(at: AppTest) -> list[str]:
    bodies = []
    for kind in MARKDOWN_KINDS:
        bodies += [str(e.value) for e in getattr(at, kind, [])]
    for kind in ("expander", "tabs", "button", "selectbox", "text_input", "text_area", "checkbox", "radio"):
        bodies += [str(getattr(e, "label", "")) for e in getattr(at, kind, [])]
    bodies += [str(o) for r in at.radio for o in r.options]
    return bodies


def _assert_no_raw_user_markup(at: AppTest) -> None:
    assert not at.exception, at.exception
    for body in _markdown_bodies(at):
        live = ESCAPED.sub("", body)  # a backslash-escaped character is shown as itself: no markup
        assert not any(raw in live for raw in RAW), f"user text reached Markdown unescaped: {body!r}"
    for e in at.markdown:
        if e.proto.allow_html:
            assert "pixel" not in e.value, f"user text reached unsafe_allow_html: {e.value!r}"


def test_the_patient_sees_hostile_notes_as_plain_text(clinic):
    actors, _, _ = clinic
    at = app_test(PROGRAMME, actors["alice"]).run()
    _assert_no_raw_user_markup(at)
    assert [t.value for t in at.text].count(HOSTILE) == 2  # the programme's notes and the item's, as typed


def test_the_therapist_sees_hostile_notes_as_plain_text(clinic):
    actors, _, _ = clinic
    at = app_test(PATIENTS, actors["thera"]).run()
    _assert_no_raw_user_markup(at)
    assert HOSTILE in [t.value for t in at.text]


def test_a_hostile_file_name_is_plain_text_on_the_review_page(clinic, tmp_path):
    actors, _, _ = clinic
    bad = tmp_path / "data" / "uploads" / "ffffffffffffffffffffffff.mp4"
    bad.write_bytes(b"not a video at all")
    name = f"![x]({PIXEL})<img src=x>.mp4"
    at = app_test(REVIEW, actors["alice"], clip=(str(bad), name)).run()
    _assert_no_raw_user_markup(at)
    assert any(name in t.value for t in at.text)
    assert any(app_pages.common.plain(name) in e.value for e in at.error)  # the error names it, escaped


def test_a_shared_video_plays_for_the_linked_therapist_and_its_path_is_never_shown(clinic):
    actors, sid, video = clinic
    at = app_test(PATIENTS, actors["thera"]).run()
    assert not at.exception
    players = at.get("video")
    assert len(players) == 1
    everything = " ".join(_markdown_bodies(at) + [t.value for t in at.text])
    assert "video shared" in everything
    assert str(video.parent) not in everything and video.name not in everything
    factory = open_store(app_pages.common.database_url())
    with factory() as db:
        assert repo.shared_video(db, actors["thera"], sid) == video.read_bytes()
        assert repo.shared_video(db, actors["alice"], sid) == video.read_bytes()
        for other in ("thera2", "bob"):
            with pytest.raises(repo.PermissionDenied):
                repo.shared_video(db, actors[other], sid)
    factory.kw["bind"].dispose()


def test_a_stored_path_outside_the_data_folder_is_never_read(clinic, tmp_path):
    actors, sid, _ = clinic
    outside = tmp_path / "elsewhere.mp4"
    outside.write_bytes(b"secret")
    factory = open_store(app_pages.common.database_url())
    with factory() as db:
        db.get(repo.ExerciseSession, sid).shared_video_path = str(outside)
        db.commit()
        assert repo.shared_video(db, actors["thera"], sid) is None
    factory.kw["bind"].dispose()


def _sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.sidebar.text_input(key="login_user").input(username)
    at.sidebar.text_input(key="login_password").input(password)
    return next(b for b in at.sidebar.button if b.label == "Sign in").click().run()


@pytest.mark.parametrize("username", ["alice", "nobody"])
def test_sign_in_locks_after_repeated_failures_with_the_same_words_for_any_name(clinic, username):
    at = app_test().run()
    for _ in range(auth.SIGN_IN_FAILURES_MAX - 1):
        at = _sign_in(at, username, "wrong password!")
        assert [e.value for e in at.sidebar.error] == [auth.WRONG_SIGN_IN_TEXT]
    at = _sign_in(at, username, "wrong password!")
    assert [e.value for e in at.sidebar.error] == [auth.LOCKED_SIGN_IN_TEXT]
    at = _sign_in(at, username, PASSWORD)  # the right password while locked
    assert [e.value for e in at.sidebar.error] == [auth.LOCKED_SIGN_IN_TEXT]
    assert "actor" not in at.session_state
    # A new browser session (a restart reads the same table) is locked too.
    at = _sign_in(app_test().run(), username, PASSWORD)
    assert [e.value for e in at.sidebar.error] == [auth.LOCKED_SIGN_IN_TEXT]


def test_an_idle_session_is_signed_out_with_a_message(clinic):
    actors, _, _ = clinic
    left_at = time.monotonic() - app_pages.common.SESSION_IDLE_TIMEOUT_S - 1
    at = app_test(PROGRAMME, actors["alice"], seen_at_monotonic_s=left_at).run()
    assert not at.exception
    assert "actor" not in at.session_state
    assert [e.value for e in at.sidebar.info] == [app_pages.common.IDLE_SIGNED_OUT_TEXT]
    assert at.title[0].value == "formcheck: live coaching"


def test_an_active_session_stays_signed_in(clinic):
    actors, _, _ = clinic
    at = app_test(PROGRAMME, actors["alice"], seen_at_monotonic_s=time.monotonic() - 60).run()
    assert at.session_state["actor"] == actors["alice"]
    assert "Signed in as alice (patient)" in [t.value for t in at.sidebar.text]


def test_the_sign_in_form_says_how_long_a_session_lasts():
    at = app_test().run()
    assert app_pages.common.SESSION_SCOPE_TEXT in [c.value for c in at.sidebar.caption]


# --- static check ----------------------------------------------------------------------------------------------------

# Calls whose text Streamlit parses as Markdown (or HTML, with unsafe_allow_html).
MARKDOWN_CALLS = {"markdown", "caption", "info", "warning", "error", "success", "toast", "title", "header",
                  "subheader", "write", "expander", "button", "download_button", "tabs", "checkbox", "radio",
                  "selectbox", "multiselect", "text_input", "text_area", "number_input", "slider", "metric",
                  "form_submit_button", "html"}
# Names and attributes that hold what a user typed or named.
USER_ATTRS = {"notes", "username", "shared_video_path", "display", "original_name"}
USER_NAMES = {"notes", "username", "display", "names", "up"}


def user_text_in_markdown(source: str) -> list[tuple[int, str]]:
    """(line, call) for each Markdown-rendering call given a user field not wrapped in `plain(...)`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        html = any(k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant) and not k.value.value)
                   for k in node.keywords)
        if node.func.attr not in MARKDOWN_CALLS and not html:
            continue
        # The text argument (labels included); options and format_func give plain text in the widgets that take them.
        args = [*node.args[:1], *(k.value for k in node.keywords if k.arg in ("label", "body", "help", "value"))]
        if any(_reads_user_text(a) for a in args):
            found.append((node.lineno, ast.unparse(node)[:100]))
    return found


def _reads_user_text(node: ast.AST) -> bool:
    if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "plain":
        return False  # escaped
    if isinstance(node, ast.Attribute) and node.attr in USER_ATTRS:
        return True
    if isinstance(node, ast.Name) and node.id in USER_NAMES:
        return True
    return any(_reads_user_text(child) for child in ast.iter_child_nodes(node))


@pytest.mark.parametrize(("source", "flagged"), [
    ('st.markdown(f"> {programme.notes}")', True),
    ("st.caption(item.notes)", True),
    ('st.sidebar.markdown(f"Signed in as **{actor.username}**")', True),
    ('st.markdown(f"**Clip:** {display}")', True),
    ('st.markdown(x.notes, unsafe_allow_html=True)', True),
    ("st.header(names[pid])", True),
    ("st.header(common.plain(names[pid]))", False),
    ("st.text(item.notes)", False),
    ('st.markdown("**Notes from your therapist**")', False),
])
def test_the_static_check_tells_user_text_in_markdown(source, flagged):
    assert bool(user_text_in_markdown(source)) == flagged


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for p in
                                        [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py")]))
def test_no_page_passes_user_text_to_markdown(path):
    assert user_text_in_markdown((ROOT / path).read_text(encoding="utf-8")) == []
