"""A clinic writes a new exercise as a TOML file (existing signals only) and scores a rendered clip with it,
through the Python API and through `formcheck`, without touching code."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exercises import registry
from exercises.registry import load_exercise_files
from scoring.runner import ScoreOptions, score_path
from tests.clinic_exercise import shallow_wall_squat

pytestmark = pytest.mark.slow
ROOT = Path(__file__).parents[1]
# Squats that stop at a knee of 127 degrees: short of the built-in squat zone (120) and inside the shallow
# variant's (135), with room on both sides for the few degrees MediaPipe's knee is off.
DEPTH_KNEE_DEG = 127.0
REPS = 2


@pytest.fixture(scope="module")
def shallow_clip(tmp_path_factory):
    pytest.importorskip("mediapipe")
    from synth.render import ClipSpec, render_clip
    from synth.scene import SceneStyle
    from synth.script import WallSquatScript

    out = tmp_path_factory.mktemp("shallow")
    script = WallSquatScript(reps=REPS, rep_s=2.4, bottom_s=0.4, pause_s=0.6, lead_in_s=0.5, tail_s=0.5,
                             depth_knee_deg=DEPTH_KNEE_DEG, arms="crossed", seed=11)
    spec = ClipSpec("shallow_squat", script, width=320, height=240, fps=24.0, facing="left", body="average",
                    style=SceneStyle(noise_sigma=1.0, figure_frac=0.8), seed=11)
    path, _ = render_clip(spec, out)
    return path


@pytest.fixture(scope="module")
def pose_cache(tmp_path_factory):
    """One landmark cache for the module: the clip's poses are estimated once, by whichever test comes first."""
    return tmp_path_factory.mktemp("landmarks")


@pytest.fixture(scope="module")
def exercises_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clinic_exercises")
    (folder / "shallow_wall_squat.toml").write_text(shallow_wall_squat()[0], encoding="utf-8")
    return folder


def test_a_toml_exercise_scores_a_clip_through_the_api(shallow_clip, exercises_dir, pose_cache, monkeypatch):
    monkeypatch.setenv(registry.EXERCISES_DIR_ENV, str(exercises_dir))
    try:
        assert load_exercise_files() == []
        options = dict(cache_dir=str(pose_cache))
        shallow = score_path(shallow_clip, ScoreOptions("shallow_wall_squat", **options))
        built_in = score_path(shallow_clip, ScoreOptions("wall_squat", **options))
        recognised = score_path(shallow_clip, ScoreOptions(**options))  # --exercise auto
    finally:
        monkeypatch.delenv(registry.EXERCISES_DIR_ENV)
        load_exercise_files()
    assert shallow.error is None and shallow.exercise == "shallow_wall_squat"
    assert shallow.report.rep_count == REPS
    # The same clip under the built-in thresholds: the squats are too shallow to count.
    assert built_in.report.rep_count == 0 and built_in.report.partial_rep_count == REPS
    # Recognition reads the file's rules too: only the shallow variant counts these squats as reps.
    assert recognised.exercise == "shallow_wall_squat", recognised.error
    assert recognised.report.rep_count == REPS and recognised.exercise_confidence > 0.5


def _formcheck(*args, exercises_dir, cache):
    env = dict(os.environ, FORMCHECK_CACHE_DIR=str(cache), FORMCHECK_EXERCISES_DIR=str(exercises_dir))
    return subprocess.run([sys.executable, "-m", "cli.main", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)


def test_a_toml_exercise_scores_a_clip_through_the_cli(shallow_clip, exercises_dir, pose_cache):
    proc = _formcheck("score", "--exercise", "shallow_wall_squat", shallow_clip, exercises_dir=exercises_dir,
                      cache=pose_cache)
    assert proc.returncode == 0, proc.stderr
    row = json.loads(proc.stdout)
    assert (row["exercise"], row["reps"], row["error"]) == ("shallow_wall_squat", REPS, None)


def test_the_cli_lists_a_file_exercise_with_its_path(exercises_dir, tmp_path):
    proc = _formcheck("exercises", "--json", exercises_dir=exercises_dir, cache=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = {e["name"]: e for e in json.loads(proc.stdout)}
    assert data["shallow_wall_squat"]["source"] == str(exercises_dir / "shallow_wall_squat.toml")
    assert data["shallow_wall_squat"]["thresholds"]["knee_work_max_deg"] == 135.0
    assert data["shallow_wall_squat"]["faults"][0]["cue"] == "Keep going gently."
    assert data["wall_squat"]["source"] == "exercises.specs.wall_squat"
    assert all(e["faults"] and e["thresholds"] for e in data.values())
    text = _formcheck("exercises", exercises_dir=exercises_dir, cache=tmp_path).stdout
    assert f"shallow_wall_squat: Shallow wall squat (standing; reps and holds) from {exercises_dir}" in text


def test_a_bad_spec_file_stops_the_cli_with_one_line(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "tilt.toml").write_text('name = "tilt"\n[rep\n', encoding="utf-8")
    proc = _formcheck("exercises", exercises_dir=folder, cache=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"formcheck: error: {folder / 'tilt.toml'}: not valid TOML")
    assert proc.stderr.count("\n") == 1
