"""Batch workers load the pose model once and reset it between clips (issue 16: workers that start once)."""

from pathlib import Path

import numpy as np
import pytest

from pose import extract
from pose.estimator import EstimatorSettings, PoseEstimator
from pose.video import iter_video
from tests.media import write_clip
from tests.test_real_clips import CLIPS, ROWS


class _CountingEstimator:
    made = 0

    def __init__(self, settings):
        type(self).made += 1
        self.settings, self.resets, self.closed = settings, 0, False

    def process(self, rgb, t_s):
        from pose.frames import PoseFrame

        return PoseFrame.empty(t_s, rgb.shape[1::-1])

    def reset(self):
        self.resets += 1

    def close(self):
        self.closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@pytest.fixture
def counting(monkeypatch):
    monkeypatch.setattr(extract, "PoseEstimator", _CountingEstimator)
    monkeypatch.setattr(extract, "_kept", {"estimator": None, "used": None})
    monkeypatch.setattr(extract, "_keeping", {"on": False})
    _CountingEstimator.made = 0
    return _CountingEstimator


def test_a_worker_builds_one_model_and_resets_it_between_clips(counting, tmp_path):
    clips = [write_clip(tmp_path / f"{i}.mp4", n_frames=3) for i in range(3)]
    settings = EstimatorSettings(segmentation=False)
    extract.keep_estimator(settings)
    for clip in clips:
        extract.extract_poses(clip, settings)
    kept = extract._kept["estimator"]
    assert counting.made == 1 and not kept.closed
    assert kept.resets == 2  # before the 2nd and 3rd clips; the fresh model needs none
    other = EstimatorSettings(segmentation=True)  # another exercise's settings: that model replaces it
    extract.extract_poses(clips[0], other)
    assert counting.made == 2 and kept.closed and extract._kept["estimator"].settings == other


def test_outside_a_worker_each_clip_gets_its_own_model(counting, tmp_path):
    clip = write_clip(tmp_path / "a.mp4", n_frames=3)
    extract.extract_poses(clip, EstimatorSettings())
    extract.extract_poses(clip, EstimatorSettings())
    assert counting.made == 2 and extract._kept["estimator"] is None


@pytest.mark.slow
@pytest.mark.skipif(not ROWS, reason="../shared/clips is not present")
def test_a_reset_model_reads_a_clip_as_a_fresh_one_does():
    clip = CLIPS / "cat_cow" / "cat_cow_side_istock.mp4"
    frames = [f for _, f in zip(range(4), iter_video(clip, 256, start_s=5.0))]
    other = [f for _, f in zip(range(2), iter_video(CLIPS / "squat" / "squat_side_istock.mp4", 256))]
    settings = EstimatorSettings(segmentation=False)
    with PoseEstimator(settings) as fresh:
        want = np.stack([fresh.process(f.rgb, f.t_s).xyz for f in frames])
    with PoseEstimator(settings) as reused:
        for f in other:  # another clip first: its tracking must not carry over
            reused.process(f.rgb, f.t_s)
        reused.reset()
        got = np.stack([reused.process(f.rgb, f.t_s).xyz for f in frames])
    assert np.isfinite(want).all()
    np.testing.assert_allclose(got, want, atol=1e-6)


def test_side_by_side_rows_show_both_times_and_their_ratios():
    from bench import speed

    res = {"clips": 4, "frames": 500, "exercise": "wall_squat", "model": "full", "jobs": 2,
           "bare_s": 10.0, "jobs1_s": 12.5, "jobsN_s": 7.0, "bare_cpu_s": 11.0, "jobs1_cpu_s": 13.0,
           "jobsN_cpu_s": 14.3, "bare_ratio": 0.8, "jobs_speedup": 12.5 / 7.0, "bare_ratio_cpu": 11 / 13,
           "jobs_cpu_ratio": 1.1, "load_before": "load 8.0", "load_after": "load 9.0",
           "adaptive_s": 5.0, "adaptive_cpu_s": 5.5, "adaptive_bare_ratio": 2.0, "adaptive_bare_ratio_cpu": 2.0,
           "adaptive_full_ratio": 2.5, "adaptive_full_ratio_cpu": 13 / 5.5,
           "bareN_s": 6.25, "bareN_cpu_s": 12.1, "bare_parallel_speedup": 1.6}
    table = speed.format_side_by_side(res)
    assert "12.5 s vs 10.0 s | 0.80 of bare throughput" in table and ">= 0.95" in table
    assert "5.0 s vs 10.0 s | 2.00x bare throughput (2.50x full sampling)" in table and ">= 2.0x bare" in table
    assert "5.5 s vs 11.0 s | 2.00x (2.36x full)" in table
    assert "7.0 s vs 12.5 s | 1.79x" in table and ">= 1.7x" in table  # the 4-clip target
    assert "load 8.0" in table and "load 9.0" in table
    # The machine's ceiling: 2 bare loops at once gave 1.60x, and --jobs 2's 1.79x is 1.12 of it.
    assert "6.2 s vs 10.0 s | 1.60x (`--jobs 2` reaches 1.12 of it) | 12.1 s vs 11.0 s | 1.10" in table


def test_rounds_give_each_ratio_every_value_its_median_and_rounds_at_target():
    from bench import speed

    def one(bare_ratio, adaptive, jobs):
        return {"clips": 20, "bare_ratio": bare_ratio, "bare_ratio_cpu": bare_ratio + 0.01,
                "adaptive_bare_ratio": adaptive, "adaptive_bare_ratio_cpu": adaptive,
                "jobs_speedup": jobs, "bare_parallel_speedup": 1.9}

    summary = speed.summarise_rounds([one(0.93, 1.87, 1.95), one(1.04, 2.09, 1.85), one(0.97, 2.02, 1.80)])
    assert summary["bare_ratio"]["values"] == [0.93, 1.04, 0.97]
    assert summary["bare_ratio"]["median"] == 0.97 and summary["bare_ratio"]["met"] == 2
    assert summary["adaptive_bare_ratio"]["median"] == 2.02 and summary["adaptive_bare_ratio"]["met"] == 2
    assert summary["jobs_speedup"]["target"] == 1.85 and summary["jobs_speedup"]["met"] == 2  # the 20-clip target
    assert summary["bare_parallel_speedup"]["met"] is None  # the machine's limit has no target
    table = speed.format_rounds(summary)
    assert "| score --jobs 1 / bare (wall) | 0.93, 1.04, 0.97 | **0.97** | >= 0.95 | 2 of 3 |" in table
    assert "| ceiling: N bare loops / 1 (wall) | 1.90, 1.90, 1.90 | **1.90** | the machine's limit |  |" in table


def test_side_by_side_refuses_a_missing_clip_in_one_line(tmp_path):
    import subprocess
    import sys

    # Its own process: `bench` points file descriptor 2 away from MediaPipe's log lines, which capsys cannot follow.
    gone = tmp_path / "gone.mp4"
    proc = subprocess.run([sys.executable, "-m", "cli.main", "bench", "speed", "--side-by-side", "--rounds", "2",
                           str(gone)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines()[-1] == f"formcheck: error: no such clip: {gone}"


def test_the_ceiling_splits_clips_between_loops_by_size_largest_first(tmp_path):
    from bench import speed

    sizes = {"a": 900, "b": 500, "c": 450, "d": 100}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
    groups = speed.split_by_size([str(tmp_path / n) for n in sizes], 2)
    assert [[Path(p).name for p in g] for g in groups] == [["a", "d"], ["b", "c"]]
    assert speed.split_by_size([str(tmp_path / "a")], 2) == [[str(tmp_path / "a")]]


def test_bare_loop_refuses_a_clip_it_cannot_open_in_one_line(tmp_path, capsys):
    from pose import bare

    (tmp_path / "notes.mp4").write_text("not a video")
    for path in (tmp_path / "missing.mp4", tmp_path / "notes.mp4"):
        assert bare.main([str(path)]) == 2
        captured = capsys.readouterr()
        assert captured.err.strip() == f"pose.bare: cannot open {path} as a video"
        assert captured.out == ""  # no frame count that would be timed against formcheck's


def test_bare_loop_refuses_an_unknown_model(capsys):
    from pose import bare

    assert bare.main(["--model", "tiny", "a.mp4"]) == 2
    assert "usage" in capsys.readouterr().err


def test_live_rows_show_each_session_against_its_target():
    from bench.live_load import Session, session_figures
    from bench.live_rows import format_live_rows

    one = Session(fps=[24.0, 26.0, 27.0], delay_ms=[60.0, 70.0, 90.0], lag_ms=[10.0, 20.0, 40.0],
                  callback_ms=[30.0, 31.0, 33.0])
    two = [Session(fps=[13.0, 14.0], delay_ms=[80.0, 85.0], lag_ms=[5.0, 120.0], callback_ms=[40.0]),
           Session(refused=True)]
    runs = [{"k": 1, "camera_fps": 30, "server_cores": 1.04, "sessions": [session_figures(one)]},
            {"k": 2, "camera_fps": 15, "server_cores": 1.5, "sessions": [session_figures(s) for s in two]},
            {"k": 3, "camera_fps": 15, "error": "bench.live_load failed: chromium missing"}]
    table = format_live_rows(runs)
    assert "| 1 session at once, 30 fps camera | 26.0 | 70 / 90 | 20 / 40 | 1.04 | >= 25 frames/s" in table
    # A refused page is said, not dropped from the row.
    assert "| 2 sessions at once, 15 fps cameras | 13.5 (1 without figures: refused) | 85 / 85 | 120 / 120 |" in table
    assert ">= 12 frames/s each, lag <= 150 ms" in table
    assert "| 3 sessions at once, 15 fps cameras | bench.live_load failed: chromium missing |" in table
