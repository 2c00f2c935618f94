"""bench.accuracy scores a rendered clip against the knee target it was drawn with, for any exercise that takes one."""

import json

import pytest

from bench.accuracy import rendered_options
from scoring.runner import ScoreOptions


def _clip(tmp_path, exercise, expected):
    clip = tmp_path / f"{exercise}.mp4"
    clip.with_suffix(".truth.json").write_text(json.dumps({"exercise": exercise, "expected": expected}))
    return clip


@pytest.mark.parametrize("exercise", ["nerve_glide", "seated_knee_extension"])
def test_the_drawn_target_is_passed_on_for_every_exercise_with_a_knee_target(tmp_path, exercise):
    clip = _clip(tmp_path, exercise, {"reps": 3, "target_knee_deg": 158.0})
    _, opts = rendered_options(clip, ScoreOptions(overrides={exercise: {"rep_dwell_s": 0.2}}))
    assert opts.exercise == exercise
    assert opts.overrides == {exercise: {"rep_dwell_s": 0.2, "knee_extension_target_deg": 158.0}}


def test_an_exercise_without_a_knee_target_gets_no_target_override(tmp_path):
    clip = _clip(tmp_path, "wall_squat", {"reps": 3, "target_knee_deg": 158.0})
    _, opts = rendered_options(clip, ScoreOptions())
    assert opts.overrides == {"wall_squat": {}}
