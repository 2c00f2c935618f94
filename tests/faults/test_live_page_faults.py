"""The live page when the camera stops mid-set (unplugged, track ended) or the tab is closed mid-set.

AppTest drives app.py's live page (app_pages/live.py) with streamlit-webrtc's component stubbed (its state says whether
the camera is playing); frames go into the page's own coach through `recv`, as the camera thread sends them, with a
scripted estimator in place of MediaPipe and a short stall time.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import app_pages.live
from feedback.views import session_rows
from store import auth, repo
from store.db import open_store
from store.models import Symptom
from tests.app.nav import LIVE, app_test
from tests.app.test_live import ScriptedEstimator, _av_frame, _squat_pose
from tests.skeleton import squat_reps

PASSWORD = "correct horse battery"
STALL_S = 0.3


class _Camera:
    """streamlit-webrtc's context as the page reads it; `playing` is flipped by the test."""

    def __init__(self) -> None:
        self.state = type("State", (), {"playing": False})()


@pytest.fixture
def camera(monkeypatch) -> _Camera:
    cam = _Camera()
    monkeypatch.setattr(app_pages.live, "webrtc_streamer", lambda **kwargs: cam)
    return cam


@pytest.fixture
def store_url(isolated_dirs, tmp_path, monkeypatch) -> str:
    monkeypatch.delenv("FORMCHECK_DATABASE_URL", raising=False)
    return f"sqlite:///{tmp_path / 'data' / 'formcheck.sqlite3'}"


@pytest.fixture
def alice(store_url):
    factory = open_store(store_url)
    with factory() as db:
        therapist = auth.create_user(db, "thera", PASSWORD, "therapist")
        patient = auth.create_user(db, "alice", PASSWORD, "patient")
        auth.link(db, "thera", "alice")
    factory.kw["bind"].dispose()
    return patient, therapist


def _sessions(url: str, actor) -> list[repo.SessionSummary]:
    factory = open_store(url)
    try:
        with factory() as db:
            return repo.list_sessions(db, actor, actor.id)
    finally:
        factory.kw["bind"].dispose()


def _live_app(actor=None) -> AppTest:
    return app_test(LIVE, actor).run()


def _two_reps_from_the_camera(at: AppTest):
    """The camera thread: two squats' frames into the page's coach, then no more frames."""
    coach = at.session_state["live_slot"]["coach"]
    est = ScriptedEstimator(_squat_pose(squat_reps(2, rep_s=3.0)))
    coach._factory, coach.pose_process = (lambda: est), "inline"  # no MediaPipe in this test, and no worker
    coach.stall_after_s = STALL_S
    for t in np.arange(0.0, squat_reps(2, rep_s=3.0)[-1][0] + 0.5, 1 / 15):
        coach.recv(_av_frame(float(t)))
    return coach


def _wait_finished(coach, timeout_s: float = 5.0) -> None:
    end = time.monotonic() + timeout_s
    while not coach.finished and time.monotonic() < end:
        time.sleep(0.02)
    assert coach.finished and coach.interrupted


def _warnings(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning)


def test_guest_camera_unplugged_mid_set_shows_the_set_so_far(isolated_dirs, camera):
    camera.state.playing = True
    at = _live_app()
    coach = _two_reps_from_the_camera(at)
    _wait_finished(coach)
    at.run()  # the page's next poll; the component still says "playing": the track just went quiet
    assert not at.exception
    assert "The camera stopped sending pictures" in _warnings(at) and "saved" not in _warnings(at)
    assert at.header[0].value == "Your set"
    assert {m.label: m.value for m in at.metric}["Reps"] == "2"
    assert not [b for b in at.button if b.key == "live_save"]  # a guest saves nothing


def test_after_an_interrupted_set_the_camera_starting_again_starts_a_new_set(isolated_dirs, camera):
    camera.state.playing = True
    at = _live_app()
    _wait_finished(_two_reps_from_the_camera(at))
    at.run()
    assert at.header[0].value == "Your set"  # still "playing": the summary stays
    camera.state.playing = False  # "Finish the set"
    at.run()
    assert at.header[0].value == "Your set"
    camera.state.playing = True  # "Start the camera"
    at.run()
    assert not at.exception
    assert at.session_state["live_slot"]["coach"].frames == 0 and not at.header


def test_patient_camera_unplugged_mid_set_is_saved_then_rated_once(alice, store_url, camera):
    patient, therapist = alice
    camera.state.playing = True
    at = _live_app(patient)
    _wait_finished(_two_reps_from_the_camera(at))
    (kept,) = _sessions(store_url, patient)
    assert (kept.reps, kept.source.value, kept.interrupted, kept.pain_after) == (2, "live", True, None)

    at.run()
    assert not at.exception
    assert "it has been saved" in _warnings(at)
    at.radio(key="live_move").set_value("towards_the_back")
    at.slider(key="live_pain").set_value(2)
    at.slider(key="live_pain_before_after").set_value(3)  # asked before the set, shown again first
    at.button(key="live_save").click().run()
    assert not at.exception and not at.error
    assert any("Saved." in s.value for s in at.success)
    (rated,) = _sessions(store_url, patient)  # the kept set, now rated: not a second one
    assert (rated.id, rated.pain_before, rated.pain_after, rated.symptom_response, rated.interrupted) == (
        kept.id, 3, 2, Symptom.CENTRALISING, True)
    # The therapist sees that the set stopped early.
    (row,) = session_rows(_sessions(store_url, patient))
    assert row["source"] == "live (camera stopped mid-set)"
    therapist_view = _sessions_as(store_url, therapist, patient.id)
    assert [s.interrupted for s in therapist_view] == [True]


def _sessions_as(url: str, actor, patient_id: int):
    factory = open_store(url)
    try:
        with factory() as db:
            return repo.list_sessions(db, actor, patient_id)
    finally:
        factory.kw["bind"].dispose()


def test_patient_tab_closed_mid_set_the_set_so_far_is_saved(alice, store_url, camera):
    patient, _ = alice
    camera.state.playing = True
    at = _live_app(patient)
    coach = _two_reps_from_the_camera(at)
    del at  # the tab is closed: the page never runs again
    _wait_finished(coach)
    (kept,) = _sessions(store_url, patient)
    assert (kept.reps, kept.interrupted, kept.symptom_response) == (2, True, None)


def test_patient_setting_up_when_the_camera_stops_saves_nothing(alice, store_url, camera):
    patient, _ = alice
    camera.state.playing = True
    at = _live_app(patient)
    coach = at.session_state["live_slot"]["coach"]
    est = ScriptedEstimator(_squat_pose(squat_reps(2, rep_s=3.0)))
    coach._factory, coach.stall_after_s, coach.pose_process = (lambda: est), STALL_S, "inline"
    for t in np.arange(0.0, 1.0, 1 / 15):  # standing, no rep yet
        coach.recv(_av_frame(float(t)))
    _wait_finished(coach)
    assert _sessions(store_url, patient) == []


def test_patient_finishing_normally_saves_one_uninterrupted_set(alice, store_url, camera):
    patient, _ = alice
    camera.state.playing = True
    at = _live_app(patient)
    coach = _two_reps_from_the_camera(at)
    camera.state.playing = False  # "Finish the set" before the stall time
    at.run()
    assert coach.finished and not coach.interrupted
    time.sleep(STALL_S * 3)
    assert _sessions(store_url, patient) == []  # nothing kept behind the patient's back
    at.radio(key="live_move").set_value("same")
    at.button(key="live_save").click().run()
    assert not at.exception
    (saved,) = _sessions(store_url, patient)
    assert (saved.reps, saved.interrupted) == (2, False)


def test_signing_in_on_the_live_page_makes_the_next_set_the_patients(alice, store_url, camera):
    # The live page opens as a guest first; the set after signing in must be kept as the patient's.
    patient, _ = alice
    at = _live_app()
    at.session_state["actor"] = patient
    camera.state.playing = True
    at.run()
    assert not at.exception
    _wait_finished(_two_reps_from_the_camera(at))
    (kept,) = _sessions(store_url, patient)
    assert kept.interrupted and kept.reps == 2
