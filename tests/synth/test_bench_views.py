"""The accuracy benchmark reads each rendered clip's camera from its truth JSON and reports every figure per view.

A tiny fake result set, no MediaPipe: clip scores built by hand, and comparisons of hand-made truth with reports
that are missing (a clip that could not be scored).
"""

import math
from pathlib import Path

import numpy as np
import pytest

from bench import accuracy as ba
from exercises.registry import EXERCISES
from exercises.results import ClipReport, RepEvent
from feedback.report import ClipResult


def _score(ex: str, yaw: float, pitch: float, reps: int, reps_true: int, knee_err: list[float], *, hold=None,
           faults=None) -> ba.ClipScore:
    tp, fp, fn = faults or ({}, {}, {})
    hold_s, hold_true = hold or (0.0, None)
    return ba.ClipScore(f"{ex}_{yaw:g}_{pitch:g}.mp4", ex, "rendered", "side", reps_true, reps, hold_true, hold_s,
                        1.0, angle_errors={"knee_deg": knee_err}, fault_tp=tp, fault_fp=fp, fault_fn=fn,
                        yaw_deg=yaw, pitch_deg=pitch, fov_deg=60.0)


SCORES = [
    # Wall squat side-on: exact, small angle errors, one fault found.
    _score("wall_squat", 0.0, 0.0, 3, 3, [1.0, 2.0, 3.0], faults=({"too_deep": 1}, {}, {})),
    _score("wall_squat", 0.0, 15.0, 1, 1, [2.0, 4.0], hold=(6.5, 7.0)),
    # ... at 40 degrees: one rep short, larger errors, the fault missed and another invented.
    _score("wall_squat", 40.0, 0.0, 2, 3, [10.0, 12.0, 14.0], faults=({}, {"back_off_wall": 1}, {"too_deep": 1})),
    _score("wall_squat", 40.0, -15.0, 1, 1, [8.0], hold=(3.0, 7.0)),
    ba.ClipScore("cat_cow.mp4", "cat_cow", "rendered", "side", 2, 2, None, 0.0, 1.0, yaw_deg=20.0, pitch_deg=0.0,
                 angle_errors={"spine_flexion_deg": [20.0], "spine_flexion_deg (offset removed)": [5.0]}),
    # A real clip has no camera of ours: it stays out of the views.
    ba.ClipScore("real.mp4", "wall_squat", "real", "oblique", 4, 4, None, 0.0, 1.0),
]


def _row(summary, group, ex, yaw, band):
    (row,) = [r for r in summary["views"] if (r["group"], r["exercise"], r["yaw_deg"], r["pitch_band"])
              == (group, ex, yaw, band)]
    return row


def test_every_figure_is_grouped_by_yaw():
    summary = ba.summarise(SCORES)
    side, oblique = _row(summary, "yaw", "wall_squat", 0.0, None), _row(summary, "yaw", "wall_squat", 40.0, None)
    assert (side["clips"], oblique["clips"]) == (2, 2)
    assert side["reps_exact_rate"] == 1.0 and oblique["reps_exact_rate"] == 0.5
    assert side["reps_mae"] == 0.0 and oblique["reps_mae"] == 0.5
    assert side["hold_abs_error_s"] == pytest.approx(0.5) and oblique["hold_abs_error_s"] == pytest.approx(4.0)
    assert (side["fault_precision"], side["fault_recall"]) == (1.0, 1.0)
    assert (oblique["fault_precision"], oblique["fault_recall"]) == (0.0, 0.0)
    missed = oblique["faults"]["too_deep"]
    assert (missed["tp"], missed["fn"], missed["recall"]) == (0, 1, 0.0) and math.isnan(missed["precision"])
    assert side["angles"]["knee_deg"]["median_deg"] == pytest.approx(2.0)
    assert side["angles"]["knee_deg"]["frames"] == 5
    assert oblique["angles"]["knee_deg"]["median_deg"] == pytest.approx(11.0)
    assert oblique["angles"]["knee_deg"]["p90_deg"] == pytest.approx(13.4)
    # The per-exercise groups are unchanged by the views, and real clips stay out of them.
    assert summary["groups"]["rendered/wall_squat"]["clips"] == 4
    assert {r["exercise"] for r in summary["views"]} == {"wall_squat", "cat_cow"}


def test_figures_are_grouped_by_pitch_band_and_by_both():
    summary = ba.summarise(SCORES)
    assert _row(summary, "pitch", "wall_squat", None, "level")["clips"] == 2
    assert _row(summary, "pitch", "wall_squat", None, "table")["hold_abs_error_s"] == pytest.approx(0.5)
    assert _row(summary, "pitch", "wall_squat", None, "floor")["hold_abs_error_s"] == pytest.approx(4.0)
    both = _row(summary, "yaw+pitch", "wall_squat", 40.0, "level")
    assert both["clips"] == 1 and both["reps_mae"] == 1.0
    assert [(r["group"], r["yaw_deg"], r["pitch_band"]) for r in summary["views"] if r["exercise"] == "wall_squat"] == [
        ("yaw", 0.0, None), ("yaw", 40.0, None),
        ("pitch", None, "floor"), ("pitch", None, "level"), ("pitch", None, "table"),
        ("yaw+pitch", 0.0, "level"), ("yaw+pitch", 0.0, "table"), ("yaw+pitch", 40.0, "floor"),
        ("yaw+pitch", 40.0, "level")]


def test_the_printed_report_has_a_table_by_view():
    summary = ba.summarise(SCORES)
    text = ba.format_summary(summary, SCORES)
    assert "by camera yaw" in text and "by camera pitch" in text
    table = ba.format_views(summary, "yaw").splitlines()
    assert table[0].split()[:4] == ["exercise", "yaw", "pitch", "clips"]
    rows = {tuple(line.split()[:2]): line for line in table[1:]}
    assert set(rows) == {("cat_cow", "20"), ("wall_squat", "0"), ("wall_squat", "40")}
    assert rows[("wall_squat", "40")].split()[2:7] == ["all", "2", "0.50", "0.50", "4.00"]
    assert "knee 11.0/13.4" in rows[("wall_squat", "40")]
    assert "spine_flexion 20.0/20.0  spine_flexion (offset removed) 5.0/5.0" in rows[("cat_cow", "20")]
    assert ba.format_views({"views": []}) == ""


TRUTH = {"exercise": "wall_squat", "expected": {"reps": 3, "hold_s": 0.0}, "reps": [], "faults": [],
         "frames": {"t_s": [0.0, 0.1]}}


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ({"yaw_deg": 40.0, "pitch_deg": -14.2, "fov_deg": 55.0}, (40.0, -14.2, 55.0)),
        ({"yaw_deg": 90.0, "pitch_deg": 0.0, "fov_deg": 60.0}, (90.0, 0.0, 60.0)),
        # A clip rendered before the renderer had a camera: side-on, level, orthographic.
        (None, (0.0, 0.0, None)),
    ],
)
def test_the_view_is_read_from_the_truth_json(view, expected):
    truth = dict(TRUTH, **({"view": view} if view else {}))
    s = ba.compare_rendered(Path("clip.mp4"), truth, ClipResult("clip.mp4", "wall_squat", error="no person found"))
    assert (s.yaw_deg, s.pitch_deg, s.fov_deg) == expected
    assert s.error == "no person found" and s.reps_true == 3
    (row,) = [r for r in ba.summarise([s])["views"] if r["group"] == "yaw"]
    assert row["yaw_deg"] == expected[0]


@pytest.mark.parametrize(("source", "weight"), [("plain", 1.0), ("image", 1.0), ("world", 0.0)])
@pytest.mark.parametrize("joint", ["knee", "hip"])
@pytest.mark.parametrize("view", [0.0, 15.0, 40.0, 60.0, 90.0])
def test_each_angle_source_alone_holds_for_every_joint_at_every_view(source, weight, joint, view):
    import numpy as np

    from exercises.body import Body, ViewLimits
    from exercises.registry import get_exercise

    limits = ViewLimits.from_thresholds({**get_exercise("wall_squat").thresholds, **ba.ANGLE_SOURCES[source]})
    body = Body(np.zeros((1, 33, 2)), np.zeros((1, 0)), "left", np.array([1.0]), view_deg=np.array([view]),
                limits=limits)
    assert body.image_weight(joint)[0] == weight
    if source == "world":
        assert not limits.knee_more_bent  # the world alone is the world's, not the more bent
    # The plain picture is the picture as it is; the spec's own picture source keeps its side-on widening.
    if source != "world":
        assert limits.side_plane_joints == (source == "image")


def _cat_cow_report(reps, partial_reps):
    return ClipReport(exercise="cat_cow", side="left", view="side", frames=2, pose_coverage=1.0, duration_s=9.0,
                      reps=reps, holds=(), episodes=(), fault_counts={}, partial_reps=partial_reps,
                      thresholds=dict(EXERCISES["cat_cow"].thresholds), t_s=np.array([0.0, 9.0]), series={},
                      reliable=np.ones(2, bool))


def test_a_partial_reps_range_fault_is_credited_like_a_full_reps_fault():
    truth = {"reps": [{"start_s": 0.0, "end_s": 3.0, "faults": []},
                      {"start_s": 3.0, "end_s": 6.0, "faults": ["small_range"]},
                      {"start_s": 6.0, "end_s": 9.0, "faults": ["small_range"]}]}
    full = (RepEvent(1, 0.1, 2.9, {}, {}, ()),)
    partial = (RepEvent(1, 3.1, 5.8, {}, {}, ("small_range",), partial=True),
               RepEvent(2, 6.2, 8.9, {}, {}, ("small_range",), partial=True))
    tp, fp, fn = ba._fault_counts(truth, _cat_cow_report(full, partial), ("small_range",))
    assert (tp, fp, fn) == ({"small_range": 2}, {}, {})
    # Only the full rep seen: both short cycles are missed, not ignored.
    tp, fp, fn = ba._fault_counts(truth, _cat_cow_report(full, ()), ("small_range",))
    assert (tp, fp, fn) == ({}, {}, {"small_range": 2})


def test_a_miss_on_a_rep_that_said_it_could_not_check_the_fault_is_counted_as_said():
    truth = {"reps": [{"start_s": 0.0, "end_s": 3.0, "faults": ["small_range"]},
                      {"start_s": 3.0, "end_s": 6.0, "faults": ["small_range"]}]}
    reps = (RepEvent(1, 0.1, 2.9, {}, {}, (), unjudged=("small_range",)), RepEvent(2, 3.1, 5.8, {}, {}, ()))
    report = _cat_cow_report(reps, ())
    _, _, fn = ba._fault_counts(truth, report, ("small_range",))
    assert fn == {"small_range": 2}
    assert ba._unchecked_misses(truth, report, fn) == {"small_range": 1}  # the second was checked, and missed
