"""The speed-accuracy tradeoff bench: its grid, its accuracy rule, and a small real run on a rendered clip.

The run renders one short wall squat at test time and measures a 2 x 2 grid (two frame-rate caps, smoothing
off and default) at one input size: two MediaPipe passes of about 100 and 40 frames. Nothing here asserts a
speed; the figures are checked for being measured and consistent with the per-clip scores they summarise.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bench import tradeoff as bt
from exercises.config import spec_for
from exercises.engine import score_sequence
from tests.skeleton import sequence, wall_squat_frame

ROOT = Path(__file__).parents[1]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({}, None),
        ({"smoothing": ("off", "heavy")}, None),
        ({"smoothing": ("median",)}, "unknown smoothing median"),
        ({"max_fps": ()}, "at least one value"),
        ({"max_fps": (0.0,)}, "max_fps must be > 0"),
        ({"max_side_px": (32,)}, "max_side_px must be >= 64"),
    ],
)
def test_grid_checks_its_axes(kwargs, error):
    if error is None:
        grid = bt.Grid(**kwargs)
        assert grid.pose_points()[0] == (max(grid.max_fps), max(grid.max_side_px))
    else:
        with pytest.raises(ValueError, match=error):
            bt.Grid(**kwargs)


def test_reference_is_the_most_expensive_point_with_default_smoothing():
    assert bt.Grid((10.0, 30.0), (640, 1280), ("off", "default")).reference() == (30.0, 1280, "default")
    assert bt.Grid((15.0,), (480,), ("heavy", "off")).reference() == (15.0, 480, "heavy")


def _row(reps_exact=8, tp=5, fp=0, hold=0.3, knee=(3.0, 8.0)) -> dict:
    src = {"reps_exact": reps_exact, "reps_labelled": 8, "faults": {"tp": tp, "fp": fp}, "hold_abs_error_s": hold,
           "angles": {"knee_deg": {"median_deg": knee[0], "p90_deg": knee[1]}}}
    return {"rendered": src, "real": {**src, "angles": {}}}


@pytest.mark.parametrize(
    ("row", "keeps", "why"),
    [
        (_row(), True, None),
        (_row(knee=(3.4, 8.9)), True, None),
        (_row(knee=(3.6, 8.0)), False, "knee_deg 3.6/8.0"),
        (_row(knee=(3.0, 9.2)), False, "knee_deg 3.0/9.2"),
        (_row(reps_exact=7), False, "reps exact 7/8"),
        (_row(tp=4), False, "faults tp 4"),
        (_row(fp=1), True, None),
        (_row(fp=2), False, "fp 2"),
        (_row(hold=0.9), False, "hold error 0.90 s"),
    ],
)
def test_keeps_accuracy_against_the_reference(row, keeps, why):
    ok, worse = bt.keeps_accuracy(row, _row())
    assert ok is keeps
    assert (why is None) == (not worse)
    if why:
        assert any(why in w for w in worse)


def test_smoothing_off_passes_raw_landmarks_through():
    # A step in knee angle: unsmoothed, the next frame reads the new angle; smoothed, it lags behind it.
    frames = [wall_squat_frame(i / 30.0, 170.0 if i < 30 else 100.0) for i in range(60)]
    seq = sequence(frames)
    knee = {}
    for name in ("off", "default"):
        spec = spec_for("wall_squat", {"wall_squat": bt.SMOOTHING_PRESETS[name]})
        knee[name] = score_sequence(seq, spec).series["support_knee_deg"]
    assert knee["off"][30] == pytest.approx(100.0, abs=0.5)
    # Smoothed, the frame after a 70 degree step is still short of it (by 6 degrees with the wall squat's
    # smoothing_beta_ratio of 0.1; more with a smaller beta).
    assert knee["default"][30] > knee["off"][30] + 3.0
    assert knee["off"][29] == pytest.approx(170.0, abs=0.5)


def test_smoothing_cutoff_must_be_positive():
    with pytest.raises(ValueError, match="smoothing_min_cutoff_hz.*must be > 0"):
        spec_for("wall_squat", {"wall_squat": {"smoothing_min_cutoff_hz": 0.0}})


def test_cli_rejects_an_unknown_smoothing_in_one_line():
    res = subprocess.run([sys.executable, "-m", "cli.main", "bench", "tradeoff", "--smoothing", "off,wobbly",
                          "--no-real"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0
    assert "unknown smoothing wobbly" in res.stderr


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    pytest.importorskip("mediapipe")
    from synth.render import ClipSpec, render_clip
    from synth.scene import SceneStyle
    from synth.script import WallSquatScript

    out = tmp_path_factory.mktemp("tradeoff")
    spec = ClipSpec("tiny_squat", WallSquatScript(reps=2, rep_s=1.6, bottom_s=0.2, pause_s=0.4, lead_in_s=0.4,
                                                  tail_s=0.4, arms="crossed", seed=3),
                    width=480, height=360, fps=24.0, facing="right", body="average",
                    style=SceneStyle(noise_sigma=1.0, figure_frac=0.8), seed=3)
    render_clip(spec, out)
    grid = bt.Grid(max_fps=(30.0, 10.0), max_side_px=(480,), smoothing=("off", "default"))
    clips = bt.find_clips(out, None)
    measurements = bt.run_grid(clips, grid, jobs=1)
    return grid, clips, measurements, bt.make_rows(measurements, grid)


def test_rows_cover_the_grid_with_speed_and_accuracy(measured):
    grid, clips, measurements, rows = measured
    assert len(clips) == 1 and clips[0].source == "rendered"
    assert len(measurements) == 4
    assert [(r["max_fps"], r["smoothing"]) for r in rows] == [(30.0, "off"), (30.0, "default"), (10.0, "off"),
                                                            (10.0, "default")]
    assert [r["reference"] for r in rows] == [False, True, False, False]
    for r in rows:
        assert r["clips"] == 1 and r["frames"] > 0
        assert r["fps"] > 0 and r["realtime_x"] > 0
        assert r["rendered"]["reps_labelled"] == 1 and r["rendered"]["errors"] == 0
        assert r["real"]["clips"] == 0
        assert "knee_deg" in r["rendered"]["angles"]
        assert set(r["summary"]["groups"]) == {"rendered/wall_squat"}
    ref = rows[1]
    assert ref["rendered"]["reps_exact"] == 1, "the reference setting counts this clean clip exactly"
    assert ref["keeps_accuracy"] and ref["worse"] == []
    assert ref["smoothing_thresholds"]["smoothing_enabled_flag"] == 1.0
    assert rows[0]["smoothing_thresholds"]["smoothing_enabled_flag"] == 0.0


def test_smoothing_variants_reuse_one_estimation(measured):
    _, _, measurements, rows = measured
    by_key = {(m.max_fps, m.smoothing): m for m in measurements}
    for fps in (30.0, 10.0):
        off, default = by_key[(fps, "off")], by_key[(fps, "default")]
        assert off.pose_s == default.pose_s and off.frames == default.frames
        # Same landmarks, different smoothing: the angle errors differ frame by frame.
        assert off.score.angle_errors["knee_deg"] != default.score.angle_errors["knee_deg"]
    # The 10 fps cap keeps about one 24 fps frame in three (every 3rd: 41.7 ms apart is under 1/10 s * 0.97).
    assert by_key[(10.0, "off")].frames <= by_key[(30.0, "off")].frames // 2 + 1


def test_row_figures_agree_with_the_clip_scores(measured):
    _, _, measurements, rows = measured
    for r in rows:
        (m,) = [m for m in measurements if (m.max_fps, m.smoothing) == (r["max_fps"], r["smoothing"])]
        assert r["rendered"]["reps_exact"] == int(m.score.reps == m.score.reps_true)
        assert r["rendered"]["reps_mae"] == abs(m.score.reps - m.score.reps_true)
        knee = r["rendered"]["angles"]["knee_deg"]
        assert knee["median_deg"] == pytest.approx(np.median(m.score.angle_errors["knee_deg"]))
        assert knee["frames"] == len(m.score.angle_errors["knee_deg"]) <= m.frames
        assert r["frames"] == m.frames
        assert r["fps"] == pytest.approx(m.frames / (m.pose_s + m.checker_s))


def test_table_and_json(measured):
    grid, _, measurements, rows = measured
    table = bt.format_table(rows)
    assert len([line for line in table.splitlines() if line.strip().startswith(("30 ", "10 "))]) == 4
    assert " ref" in table
    doc = json.loads(bt.to_json(rows, measurements, grid, {"jobs": 1}))
    assert doc["meta"]["reference"] == [30.0, 480, "default"]
    assert len(doc["rows"]) == 4 and len(doc["clips"]) == 4
    assert doc["clips"][0]["score"]["angle_errors"] is None


def test_grid_checks_its_models():
    assert bt.Grid(models=("lite", "heavy")).reference_model() == "lite"
    assert bt.Grid(models=("heavy", "full")).reference_model() == "full"
    with pytest.raises(ValueError, match="unknown model tiny"):
        bt.Grid(models=("tiny",))


def _measurement(model: str, cpu_s: float, reps: int) -> bt.Measurement:
    from bench.accuracy import ClipScore

    score = ClipScore("a.mp4", "wall_squat", "rendered", "side", 3, reps, None, float("nan"), 1.0,
                      angle_errors={"knee_deg": [1.0, 2.0, 3.0]})
    return bt.Measurement("a.mp4", "rendered", 30.0, 640, "default", 100, 4.0, cpu_s, 0.1, cpu_s, 0.1, score, model)


def test_rows_put_models_side_by_side_against_full():
    grid = bt.Grid(max_fps=(30.0,), max_side_px=(640,), smoothing=("default",), models=("lite", "full", "heavy"))
    ms = [_measurement("lite", 1.9, 3), _measurement("full", 3.9, 3), _measurement("heavy", 9.9, 2)]
    rows = bt.make_rows(ms, grid)
    assert [(r["model"], r["reference"]) for r in rows] == [("lite", False), ("full", True), ("heavy", False)]
    assert [r["keeps_accuracy"] for r in rows] == [True, True, False]
    assert rows[2]["worse"] == ["rendered reps exact 0/1"]
    table = bt.format_table(rows).splitlines()
    # x ref: the full row's CPU ms per frame over each row's (40 ms against 20 and 100).
    lite, full, heavy = (next(line for line in table if f" {m:<5} full " in line) for m in ("lite", "full", "heavy"))
    assert " 2.00 " in lite and " 1.00 " in full and " 0.40 " in heavy
    assert "fastest setting that keeps accuracy: lite model" in "\n".join(table)


def test_rows_put_adaptive_sampling_beside_full_and_the_bare_loop():
    grid = bt.Grid(max_fps=(30.0,), max_side_px=(640,), smoothing=("default",), sampling=("adaptive", "full"),
                   bare=True)
    full = _measurement("full", 3.9, 3)
    adaptive = bt.Measurement("a.mp4", "rendered", 30.0, 640, "default", 100, 4.0, 1.4, 0.1, 1.4, 0.1, full.score,
                              "full", "adaptive", 25)
    full.model_calls = 100
    bare = bt.BareMeasurement("a.mp4", "rendered", 100, 3.0, 3.0)
    rows = bt.make_rows([bare, adaptive, full], grid)
    assert [(r["sampling"], r["reference"]) for r in rows] == [("adaptive", False), ("full", True)]
    assert [r["model_calls_per_frame"] for r in rows] == [0.25, 1.0]
    # x bare: the bare loop's 3 CPU seconds on the clip over each row's 1.5 and 4.
    assert rows[0]["x_bare_cpu"]["rendered"] == pytest.approx(2.0)
    assert rows[1]["x_bare_cpu"]["all"] == pytest.approx(0.75)
    assert "real" not in rows[0]["x_bare_cpu"]
    table = bt.format_table(rows)
    line = next(line for line in table.splitlines() if " adaptive " in line and "keeps" not in line)
    assert " 0.25 " in line and " 2.00 " in line
    assert json.loads(bt.to_json(rows, [bare, adaptive, full], grid))["meta"]["bare"]["all"]["frames"] == 100


def test_grid_refuses_an_unknown_sampling():
    with pytest.raises(ValueError, match="unknown sampling 'sparse'"):
        bt.Grid(sampling=("full", "sparse"))
