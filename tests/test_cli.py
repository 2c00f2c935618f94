"""The `formcheck` command as a user runs it: exit codes, one-line errors, machine-readable output."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.media import write_clip

ROOT = Path(__file__).parents[1]


def run(*args, cache=None, timeout=300):
    env = dict(os.environ, FORMCHECK_CACHE_DIR=str(cache or ROOT / ".pytest_cache" / "landmarks"))
    return subprocess.run([sys.executable, "-m", "cli.main", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=timeout)


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad")
    (d / "empty.mp4").write_bytes(b"")
    (d / "text.mp4").write_text("this is not a video\n" * 100)
    good = write_clip(d / "truncated.mp4", n_frames=60)
    good.write_bytes(good.read_bytes()[:3000])
    write_clip(d / "no_person.mp4", n_frames=20)
    return d


@pytest.mark.parametrize(
    "name, message",
    [
        ("empty.mp4", "empty file"),
        ("text.mp4", "not a readable video"),
        ("truncated.mp4", ""),
        ("no_person.mp4", "no person found"),
        ("missing.mp4", "no such file"),
    ],
)
def test_bad_input_gives_its_error_line_and_exit_1(bad_inputs, tmp_path, name, message):
    proc = run("score", "--exercise", "wall_squat", bad_inputs / name, cache=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    row = json.loads(proc.stdout)
    assert row["error"] and "\n" not in row["error"] and message in row["error"]
    assert row["reps"] == 0 and row["file"].endswith(name)


def test_batch_goes_on_past_bad_files_in_input_order(bad_inputs, tmp_path):
    proc = run("score", "--exercise", "cat_cow", "--jobs", "2", "--format", "csv", bad_inputs, cache=tmp_path)
    assert proc.returncode == 1
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("file,exercise,reps,hold_s")
    assert len(lines) == 1 + 4  # every clip in the folder has a row
    assert [Path(line.split(",")[0]).name for line in lines[1:]] == sorted(p.name for p in bad_inputs.iterdir())


@pytest.mark.parametrize(
    "args, message",
    [
        (["score"], "PATH"),
        (["score", "--exercise", "yoga", "x.mp4"], "invalid choice"),
        (["score", "--format", "xml", "x.mp4"], "invalid choice"),
        (["score", "--jobs", "-1", "x.mp4"], "--jobs"),
        (["score", "--max-fps", "0", "x.mp4"], "max_fps"),
        (["score", "--max-side", "10", "x.mp4"], "max_side_px"),
        (["nonsense"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args, message):
    proc = run(*args)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_bad_config_is_a_usage_error(tmp_path):
    cfg = tmp_path / "p.toml"
    cfg.write_text("[wall_squat]\nknee_maximum = 3\n")
    proc = run("score", "--config", cfg, "x.mp4")
    assert proc.returncode == 2 and "unknown threshold" in proc.stderr


def test_exercises_lists_every_fault_code():
    proc = run("exercises", "--json")
    data = {e["name"]: e for e in json.loads(proc.stdout)}
    from exercises.registry import EXERCISES

    assert list(data) == list(EXERCISES)  # every registered exercise, whoever added it
    assert {"wall_squat", "nerve_glide", "cat_cow"} <= set(data)
    assert all(e["thresholds"] and e["source"] for e in data.values())
    assert "back_off_wall" in [f["code"] for f in data["wall_squat"]["faults"]]
    assert all(f["cue"] and f["description"] != f["code"] for e in data.values() for f in e["faults"])
    # What formcheck is known to miss is listed with the exercise; "" where nothing is known.
    assert "pelvis" in data["figure_four_stretch"]["known_limit"] and data["wall_squat"]["known_limit"] == ""


def test_out_file_gets_the_rows(bad_inputs, tmp_path):
    out = tmp_path / "r.jsonl"
    proc = run("score", "--exercise", "wall_squat", "--out", out, bad_inputs / "empty.mp4", cache=tmp_path)
    assert proc.returncode == 1 and proc.stdout == ""
    assert json.loads(out.read_text())["error"]


def test_resume_keeps_finished_rows_and_drops_a_torn_line(bad_inputs, tmp_path):
    out = tmp_path / "r.jsonl"
    first = run("score", "--exercise", "wall_squat", "--out", out, bad_inputs / "empty.mp4", cache=tmp_path)
    assert first.returncode == 1
    kept = out.read_text()
    out.write_text(kept + '{"file": "torn')  # a crash in the middle of writing the next row
    again = run("score", "--exercise", "wall_squat", "--out", out, "--resume", bad_inputs, cache=tmp_path)
    assert again.returncode == 1
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    names = [Path(r["file"]).name for r in rows]
    assert names[0] == "empty.mp4" and sorted(names) == sorted(p.name for p in bad_inputs.iterdir())
    assert len(names) == len(set(names))  # nothing scored twice


def test_resume_needs_out():
    proc = run("score", "--resume", "x.mp4")
    assert proc.returncode == 2 and "--resume needs --out" in proc.stderr


def test_score_saves_sessions_for_a_patient(tmp_path):
    db = f"sqlite:///{tmp_path / 'f.sqlite3'}"
    env_pw = "correct horse battery"
    create = subprocess.run([sys.executable, "-m", "cli.main", "user", "create", "--role", "patient",
                             "--username", "pat", "--password-stdin", "--db", db], input=env_pw + "\n",
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert create.returncode == 0, create.stderr
    clip = ROOT / "sample_videos" / "wall_squat_5_reps.mp4"
    if not clip.is_file():
        pytest.skip("sample_videos not generated")
    # A 10 fps cap keeps this a test of saving, not of the pose model's speed.
    proc = run("score", "--exercise", "wall_squat", "--max-fps", 10, "--db", db, "--patient", "pat", clip,
               cache=tmp_path)
    assert proc.returncode == 0, proc.stderr
    from sqlalchemy import create_engine, text

    with create_engine(db).connect() as c:
        reps, has_landmarks = c.execute(text(
            "select s.reps, count(l.session_id) from sessions s left join session_landmarks l "
            "on l.session_id = s.id group by s.id")).one()
    assert reps == json.loads(proc.stdout)["reps"] and has_landmarks == 1
    # Saving read back the landmarks scoring cached (estimated without the person mask): no second estimate.
    assert len(list(tmp_path.rglob("*.npz"))) == 1


def test_db_needs_patient():
    proc = run("score", "--db", "sqlite://", "x.mp4")
    assert proc.returncode == 2 and "--patient" in proc.stderr


def test_frame_rate_cap_and_size_reach_the_estimator(tmp_path):
    # The sample is 30 fps for its whole length (its truth says so); a 10 fps cap must estimate a third of its
    # frames and a 5 fps cap a sixth, each from its own cache entry (the settings are part of the key). Two caps
    # rather than cap against full rate: the same check at a fraction of the pose model's time.
    clip = ROOT / "sample_videos" / "wall_sit_hold_10s.mp4"
    truth = json.loads(clip.with_suffix(".truth.json").read_text())
    all_frames = truth["duration_s"] * truth["fps"]
    # Each row says how the pose model was run: the wall squat's own declaration by default, or as asked.
    for cap_fps, asked, sampling in ((10, (), "adaptive"), (5, ("--sampling", "full"), "full")):
        row = json.loads(run("score", "--exercise", "wall_squat", "--max-fps", cap_fps, "--max-side", 640, *asked,
                             clip, cache=tmp_path).stdout)
        assert row["error"] is None and row["sampling"] == sampling
        assert abs(row["frames"] - all_frames * cap_fps / truth["fps"]) <= 2, (cap_fps, row["frames"], all_frames)
    assert len(list(tmp_path.rglob("*.npz"))) == 2


@pytest.mark.slow
@pytest.mark.parametrize("side", ["left", "right"])
def test_a_prescribed_side_is_the_side_a_one_leg_clip_is_scored_on(side):
    # The review page passes the plan's side (a programme item that names the leg); without it the clip votes.
    from pose.estimator import EstimatorSettings
    from scoring.runner import ScoreOptions, score_path

    clip = ROOT / "sample_videos" / "nerve_glide_right_6_reps_drift.mp4"
    # At 10 frames/s the pose model runs on a third of the frames; which leg moves shows at any rate.
    options = ScoreOptions(exercise="nerve_glide", side=side, settings=EstimatorSettings(max_fps=10.0),
                           cache_dir=str(ROOT / ".pytest_cache" / "landmarks"))
    voted = score_path(clip, ScoreOptions(exercise="nerve_glide", settings=options.settings,
                                          cache_dir=options.cache_dir))
    assert voted.report.side == "right"  # the clip's moving leg
    assert score_path(clip, options).report.side == side
