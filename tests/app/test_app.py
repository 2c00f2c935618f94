"""The review page, driven through Streamlit's AppTest (no browser)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import app_pages.live
from exercises.registry import EXERCISES
from feedback.charts import label_of
from tests.app.clips import write_clip
from tests.app.nav import REVIEW, app_test

DISCLAIMER = "This is feedback on exercise form, not medical advice."


@pytest.fixture(autouse=True)
def no_webrtc_server(monkeypatch):
    # streamlit-webrtc's component needs a real server session; the review page does not use it.
    monkeypatch.setattr(app_pages.live, "webrtc_streamer", lambda **kwargs: None)


def test_no_pages_folder_beside_app_py():
    # Streamlit runs a fresh server's first script run through a pages/ folder beside app.py (its old multipage
    # mode), with other widget ids: the first "Sign in" click on a fresh server was lost (issue 15).
    assert not (Path(__file__).resolve().parents[2] / "pages").exists()


def _app(timeout: float = 30) -> AppTest:
    return app_test(REVIEW, timeout=timeout).run()  # the live coaching page opens first


def _number_input(at: AppTest, threshold: str):
    label = label_of(threshold)
    return next(w for w in at.sidebar.number_input if w.label == label)


def test_page_renders_without_input(isolated_dirs):
    at = _app()
    assert not at.exception
    assert any("Upload a clip or choose a sample" in i.value for i in at.info)
    assert any("No sample clips are installed yet" in i.value for i in at.info)
    assert not at.error


def test_disclaimer_is_shown(isolated_dirs):
    at = _app()
    text = " ".join(w.value for w in at.warning)
    assert DISCLAIMER in text
    assert "saddle area" in text and "bladder or bowel" in text


@pytest.mark.parametrize("name", list(EXERCISES))
def test_selecting_an_exercise_lists_its_thresholds(isolated_dirs, name):
    at = _app()
    at.sidebar.selectbox(key="exercise").select(name).run()
    assert not at.exception
    labels = {w.label for w in at.sidebar.number_input}
    assert labels == {label_of(k) for k in EXERCISES[name].thresholds}
    for key, default in EXERCISES[name].thresholds.items():
        assert _number_input(at, key).value == pytest.approx(default)


@pytest.mark.parametrize(("name", "placement"), [
    ("single_leg_stance", "in front of you"),  # filmed from the front: it was once told "filmed from the side"
    ("nerve_glide", "beside you, at floor level"),
])
def test_the_upload_says_how_to_film_the_chosen_exercise(isolated_dirs, name, placement):
    at = _app()
    at.sidebar.selectbox(key="exercise").select(name).run()
    assert not at.exception
    filming = [c.value for c in at.caption if c.value.startswith("Filming it:")]
    assert len(filming) == 1 and placement in filming[0]


@pytest.mark.parametrize(("name", "threshold", "value", "message"), [
    ("wall_squat", "hold_min_s", -1.0, "hold_min_s"),
    ("nerve_glide", "dorsiflexion_required_flag", 2.0, "dorsiflexion_required_flag"),
])
def test_an_invalid_override_shows_a_one_line_error(isolated_dirs, name, threshold, value, message):
    at = _app()
    at.sidebar.selectbox(key="exercise").select(name).run()
    _number_input(at, threshold).set_value(value).run()
    assert not at.exception
    errors = [e.value for e in at.sidebar.error]
    assert len(errors) == 1 and message in errors[0] and "\n" not in errors[0]


def test_a_valid_override_is_shown_as_toml(isolated_dirs):
    at = _app()
    _number_input(at, "hold_min_s").set_value(5.0).run()
    assert not at.exception and not at.sidebar.error
    assert any("[wall_squat]" in c.value and "hold_min_s = 5" in c.value for c in at.sidebar.code)


def _add_sample(folder: Path, stem: str, exercise: str, video: bool) -> None:
    clip = folder / f"{stem}.mp4"
    if video:
        write_clip(clip, seconds=2.0, fps=10)
    else:
        clip.write_text("a text file renamed to .mp4\n")
    (folder / f"{stem}.truth.json").write_text(json.dumps({"exercise": exercise}))


@pytest.mark.slow
@pytest.mark.parametrize(("video", "exercise", "message"), [
    (True, "cat_cow", "blank.mp4: no person found in any frame"),
    (False, "nerve_glide", "blank.mp4: not a readable video"),
])
def test_a_sample_is_scored_and_a_clip_it_cannot_use_gives_a_one_line_error(isolated_dirs, video, exercise,
                                                                              message):
    _add_sample(isolated_dirs, "blank", exercise, video)
    at = _app(timeout=120)
    assert not at.exception
    at.button(key="sample:blank.mp4").click().run()
    assert not at.exception
    # The truth file preselects the exercise.
    assert at.sidebar.selectbox(key="exercise").value == exercise
    # What the user reads: the page escapes Markdown in text that carries user input (the file's name).
    errors = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(message) and "\n" not in errors[0]
    # The generated path is not shown; the page is still usable afterwards.
    assert str(isolated_dirs) not in errors[0]
    at.sidebar.selectbox(key="exercise").select("wall_squat").run()
    assert not at.exception
    assert len(at.error) == 1
