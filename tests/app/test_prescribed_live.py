"""The live page follows the patient's prescription: the programme item's thresholds, targets and side.

AppTest on a temporary SQLite store; the webcam component is stubbed (camera off), and a set is fed into the page's
coach as the camera thread would.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import app_pages.live
from exercises.registry import EXERCISES
from store import auth, repo
from store.db import open_store
from store.models import utc_now
from tests.app.nav import LIVE, app_test
from tests.app.test_live_page import _finished_set

PASSWORD = "correct horse battery"
SQUAT_ITEM = repo.ItemSpec("wall_squat", reps_target=5, hold_target_s=20.0,
                           threshold_overrides={"trunk_lean_max_deg": 25.0}, week_to=4)
GLIDE_ITEM = repo.ItemSpec("nerve_glide", reps_target=6, side="right", week_to=4)


class _Stopped:
    class state:  # noqa: N801 - mirrors streamlit-webrtc's ctx.state
        playing = False


@pytest.fixture(autouse=True)
def no_webrtc_server(monkeypatch):
    monkeypatch.setattr(app_pages.live, "webrtc_streamer", lambda **kwargs: _Stopped())


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setattr(auth, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def store_url(isolated_dirs, tmp_path, monkeypatch) -> str:
    monkeypatch.delenv("FORMCHECK_DATABASE_URL", raising=False)
    return f"sqlite:///{tmp_path / 'data' / 'formcheck.sqlite3'}"


def _open(url: str, action):  # noqa: ANN001, ANN202 - a callable on a Session, and what it returns
    factory = open_store(url)
    try:
        with factory() as db:
            return action(db)
    finally:
        factory.kw["bind"].dispose()


@pytest.fixture
def alice(store_url):
    """A patient whose programme this week has wall squats (trunk lean 25 deg, 5 reps, hold 20 s) and right-leg
    nerve glides (6 reps); returns (alice, {exercise: item id})."""
    def make(db):
        thera = auth.create_user(db, "thera", PASSWORD, "therapist")
        patient = auth.create_user(db, "alice", PASSWORD, "patient")
        auth.link(db, "thera", "alice")
        programme = repo.create_programme(db, thera, patient.id, utc_now().date(), [SQUAT_ITEM, GLIDE_ITEM])
        return patient, {i.exercise: i.id for i in programme.items}

    return _open(store_url, make)


def _text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info])


def _coach(at: AppTest):
    return at.session_state["live_slot"]["coach"]


def test_a_prescribed_override_and_targets_are_what_the_live_set_uses(alice):
    patient, _ = alice
    at = app_test(LIVE, patient).run()
    assert not at.exception
    coach = _coach(at)
    assert coach.spec.thresholds["trunk_lean_max_deg"] == 25.0
    assert EXERCISES["wall_squat"].thresholds["trunk_lean_max_deg"] != 25.0  # the override changed something
    assert (coach.hold_target_s, coach.reps_target) == (20.0, 5)
    text = _text(at)
    assert "5 reps" in text and "hold 20 s" in text
    assert not [n for n in at.number_input if n.key == "live_hold"]  # what was prescribed, not a free box


def test_a_guest_gets_the_defaults_and_chooses_the_hold(isolated_dirs):
    at = app_test(LIVE).run()
    assert not at.exception
    coach = _coach(at)
    assert coach.spec.thresholds == EXERCISES["wall_squat"].thresholds
    assert (coach.hold_target_s, coach.reps_target) == (5.0, None)
    at.number_input(key="live_hold").set_value(15.0).run()
    assert _coach(at).hold_target_s == 15.0
    assert "Your therapist's target" not in _text(at) and "not in your programme" not in _text(at)


def test_a_prescribed_side_is_the_side_of_the_set(alice):
    patient, _ = alice
    at = app_test(LIVE, patient).run()
    at.selectbox(key="live_exercise").select("nerve_glide").run()
    assert not at.exception
    assert not [r for r in at.radio if r.key == "live_side"]  # prescribed: not asked
    assert at.session_state["live_slot"]["plan"].side == "right"
    assert _coach(at)._checker.side == "right"
    assert "6 reps, right leg" in _text(at)


def test_an_exercise_not_prescribed_this_week_is_done_as_the_patient_chooses(alice):
    patient, _ = alice
    at = app_test(LIVE, patient).run()
    at.selectbox(key="live_exercise").select("cat_cow").run()
    assert not at.exception
    plan = at.session_state["live_slot"]["plan"]
    assert not plan.prescribed and plan.spec.thresholds == EXERCISES["cat_cow"].thresholds
    assert "not in your programme this week" in _text(at)


def test_a_live_set_is_saved_against_its_item_with_the_thresholds_used(alice, store_url):
    patient, items = alice
    at = app_test(LIVE, patient).run()
    _finished_set(at)
    at.run()
    assert "Your therapist's target for this set: 5 reps, hold 20 s." in _text(at)
    at.radio(key="live_move").set_value("same")
    at.button(key="live_save").click().run()
    assert not at.exception and not at.error
    (saved,) = _open(store_url, lambda db: repo.list_sessions(db, patient, patient.id))
    assert saved.programme_item_id == items["wall_squat"]
    report = _open(store_url, lambda db: repo.get_session(db, patient, saved.id).report)
    assert report["thresholds"]["trunk_lean_max_deg"] == 25.0


def test_a_set_the_camera_stopped_is_kept_against_its_item(alice, store_url):
    patient, items = alice
    at = app_test(LIVE, patient).run()
    _finished_set(at)
    coach = _coach(at)
    coach._last_frame_mono = 0.0  # the last frame came long ago
    assert coach.interrupt_if_stalled(now=coach.stall_after_s + 1.0)
    (kept,) = _open(store_url, lambda db: repo.list_sessions(db, patient, patient.id))
    assert (kept.interrupted, kept.programme_item_id) == (True, items["wall_squat"])
