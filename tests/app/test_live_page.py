"""The live coaching page through Streamlit's AppTest (the webcam component itself needs a browser)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import app_pages.live
from exercises import registry
from exercises.registry import EXERCISES, load_exercise_files
from feedback.wording import (
    HOW_TO,
    KNOWN_LIMITS,
    SYMPTOM_ADVICE,
    camera_advice,
    one_end_warning,
    view_hidden_warning,
)
from pose.frames import PoseFrame
from tests.app.nav import app_test
from tests.clinic_exercise import shallow_wall_squat
from tests.skeleton import squat_reps, trace, wall_squat_frame


class _Stopped:
    """What streamlit-webrtc's context looks like with the camera off (its component needs a real server)."""

    class state:  # noqa: N801 - mirrors ctx.state
        playing = False


@pytest.fixture(autouse=True)
def no_webrtc_server(monkeypatch):
    monkeypatch.setattr(app_pages.live, "webrtc_streamer", lambda **kwargs: _Stopped())


def _app() -> AppTest:
    return app_test(timeout=30).run()  # a guest's home page


def _markdown(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def test_live_page_opens_first_with_the_disclaimer(isolated_dirs):
    at = _app()
    assert not at.exception
    assert at.title[0].value == "formcheck: live coaching"
    assert any("not medical advice" in w.value for w in at.warning)
    assert any("Ready for wall squat" in i.value for i in at.info)


@pytest.mark.parametrize("name", list(EXERCISES))
def test_each_exercise_shows_its_patient_description(isolated_dirs, name):
    at = _app()
    at.selectbox(key="live_exercise").select(name).run()
    assert not at.exception
    for line in HOW_TO[name]:
        assert line in _markdown(at)
    has_side = EXERCISES[name].works_one_leg
    assert bool([r for r in at.radio if r.key == "live_side"]) == has_side
    assert bool([n for n in at.number_input if n.key == "live_hold"]) == (EXERCISES[name].hold is not None)


def test_a_clinic_file_exercise_shows_its_own_how_to(isolated_dirs, tmp_path, monkeypatch):
    text, words = shallow_wall_squat()
    (tmp_path / "shallow_wall_squat.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(registry.EXERCISES_DIR_ENV, str(tmp_path))
    try:
        assert load_exercise_files() == []
        at = _app()
        at.selectbox(key="live_exercise").select("shallow_wall_squat").run()
    finally:
        monkeypatch.delenv(registry.EXERCISES_DIR_ENV)
        load_exercise_files()
    assert not at.exception
    for line in (*words.how_to, words.camera):
        assert line in _markdown(at)


@pytest.mark.parametrize("name", sorted(KNOWN_LIMITS))
def test_an_exercise_with_a_known_limit_says_it_before_the_set(isolated_dirs, name):
    at = _app()
    at.selectbox(key="live_exercise").select(name).run()
    assert not at.exception
    assert any(c.value == f"Good to know: {KNOWN_LIMITS[name]}" for c in at.caption)


def _finished_set(at: AppTest, unseen: tuple[float, float] | None = None) -> None:
    """Feed a synthetic set into the page's coach, as the camera thread would; no person seen in `unseen` (s, s)."""
    coach = at.session_state["live_slot"]["coach"]
    t, knee = trace(squat_reps(2), fps=30)
    for ti, k in zip(t, knee):
        frame = wall_squat_frame(float(ti), float(k))
        if unseen and unseen[0] <= ti < unseen[1]:
            frame = PoseFrame.empty(frame.t_s, frame.image_size)
        coach._checker.update(frame)
    coach._frames = len(t)


@pytest.mark.parametrize(("move", "advice", "level"), [
    ("down_the_leg", SYMPTOM_ADVICE["down_the_leg"], "error"),
    ("towards_the_back", SYMPTOM_ADVICE["towards_the_back"], "success"),
    ("same", SYMPTOM_ADVICE["same"], "success"),
])
def test_after_a_set_the_summary_and_symptom_advice(isolated_dirs, move, advice, level):
    at = _app()
    _finished_set(at)
    at.run()
    assert not at.exception
    assert at.header[0].value == "Your set"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Reps"] == "2"
    assert any("not medical advice" in w.value for w in at.warning)  # the disclaimer stays
    # Filmed from the side, the knees' inward collapse was not checked: "Good form" is said for what was seen.
    assert [c.value for c in at.caption if c.value.startswith("I could not check")] == [
        "I could not check your knee alignment in this clip. To check it, film from in front or from behind."]
    at.radio(key="live_move").set_value(move).run()
    shown = [e.value for e in getattr(at, level)]
    assert advice in shown
    if move == "down_the_leg":
        assert "tell your therapist" in advice


def test_a_set_filmed_too_far_round_for_its_count_says_so(isolated_dirs, monkeypatch):
    # exercises.judged.rep_view_hidden is measured in tests/app/test_coach.py; here the summary says what it found.
    monkeypatch.setattr(app_pages.live, "rep_view_hidden", lambda report, spec: (0.6, 58.0))
    at = _app()
    _finished_set(at)
    at.run()
    assert not at.exception
    assert view_hidden_warning("wall_squat", 0.6, 58.0, within="set") in [w.value for w in at.warning]
    monkeypatch.setattr(app_pages.live, "rep_view_hidden", lambda report, spec: (0.0, float("nan")))
    at.run()
    assert not [w.value for w in at.warning if "camera" in w.value and "round" in w.value]


def test_high_pain_and_emergency_answers_are_flagged(isolated_dirs):
    at = _app()
    _finished_set(at)
    at.run()
    at.slider(key="live_pain").set_value(8).run()
    at.checkbox(key="live_emergency").check().run()
    assert SYMPTOM_ADVICE["emergency"] in [e.value for e in at.error]
    assert SYMPTOM_ADVICE["high_pain"] in [w.value for w in at.warning]


def test_a_new_set_starts_clean(isolated_dirs):
    at = _app()
    _finished_set(at)
    at.run()
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["live_slot"]["coach"].frames == 0
    assert not at.header


def test_a_full_server_tells_the_patient_plainly_and_offers_no_camera(isolated_dirs, monkeypatch):
    from scoring.live import LiveAdmission

    full = LiveAdmission(1)
    full.enter(0)  # someone else's set
    monkeypatch.setattr(app_pages.live, "LIVE_ADMISSION", full)
    monkeypatch.setattr(app_pages.live, "webrtc_streamer", lambda **kwargs: pytest.fail("camera offered"))
    at = _app()
    text = " ".join(m.value for m in at.markdown)
    assert not at.exception
    assert "Live coaching is busy right now" in text and "upload the clip" in text and "Review a recording" in text
    assert "Try again" in [b.label for b in at.button]
    full.leave(0)  # a place is free again: the camera is offered
    monkeypatch.setattr(app_pages.live, "webrtc_streamer", lambda **kwargs: _Stopped())
    next(b for b in at.button if b.label == "Try again").click().run()
    assert "busy" not in " ".join(m.value for m in at.markdown)



def test_the_set_that_holds_the_only_place_is_never_told_the_server_is_busy(isolated_dirs, monkeypatch):
    # The camera starting takes the place before the page knows it plays: that rerun must still offer the camera.
    from scoring.live import LiveAdmission

    full = LiveAdmission(1)
    monkeypatch.setattr(app_pages.live, "LIVE_ADMISSION", full)
    monkeypatch.setattr(app_pages.live, "webrtc_streamer", lambda **kwargs: _Stopped())
    at = _app()
    assert full.enter(id(at.session_state["live_slot"]["coach"]))  # its own set, at its first frame
    at.run()
    assert not at.exception
    assert "busy" not in " ".join(m.value for m in at.markdown)


def test_rolls_seen_one_way_only_say_so_and_a_ratio_is_not_shown_as_degrees(isolated_dirs):
    from tests.test_supine_exercises import ROLL, clip, timeline

    at = _app()
    at.selectbox(key="live_exercise").select("lower_trunk_rotation").run()
    coach = at.session_state["live_slot"]["coach"]
    steps = [(1.0, {})] + [(1.5, {"knee_roll_deg": -50.0}), (0.5, {"knee_roll_deg": -50.0}), (1.5, {})] * 3
    seq = clip(timeline(steps), 15.0, **ROLL)
    for frame in seq:
        coach._checker.update(frame)
    coach._frames = len(seq.t_s)
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Reps"] == "0"
    # The knees' roll is a share of the trunk's length: as degrees it read "-0° to -0°".
    assert not any(label.startswith("How far") for label in metrics)
    assert [i.value for i in at.info if i.value.startswith("Your knees were seen rolling")] == [
        one_end_warning("lower_trunk_rotation", "low")]


@pytest.mark.parametrize(("unseen", "said"), [((1.0, 4.0), True), ((1.0, 2.5), False), (None, False)])
def test_a_patient_lost_from_view_mid_set_is_told_after_it(isolated_dirs, unseen, said):
    # Out of the picture for 3 s (stepping away to move the laptop) a rep may be lost: the summary says so, with
    # where to put the camera; under 2 s, or never, nothing is said.
    at = _app()
    _finished_set(at, unseen)
    at.run()
    assert not at.exception
    lost = [w.value for w in at.warning if w.value.startswith("We lost sight of you")]
    assert lost == ([f"We lost sight of you for 3 s, starting 1 s into the set, so reps or hold time there may be "
                     f"missing. {camera_advice('wall_squat')}"] if said else [])
