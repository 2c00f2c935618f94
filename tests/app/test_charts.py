from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from exercises.registry import EXERCISES
from exercises.results import ClipReport, FaultEpisode, RepEvent
from feedback.charts import (
    fault_lines,
    label_of,
    reps_table,
    series_frame,
    signal_chart,
    threshold_frame,
    thresholds_caption,
    unmeasured_line,
    with_values,
)


@pytest.mark.parametrize(("name", "label"), [
    ("hold_min_s", "hold min (s)"),
    ("knee_rest_min_deg", "knee rest min (°)"),
    ("max_speed_deg_per_s", "max speed (°/s)"),
    ("hand_thigh_gap_min_ratio", "hand thigh gap min (ratio)"),
    ("dorsiflexion_required_flag", "dorsiflexion required (0 = off, 1 = on)"),
    ("plain", "plain"),
    # A rep measure named for how it is taken is labelled for what a therapist sees.
    ("ankle_on_knee_world_ratio", "ankle to other knee (ratio)"),
    ("hand_pelvis_deg", "hand on hip bone (°)"),
])
def test_labels_carry_the_unit_from_the_name(name, label):
    assert label_of(name) == label


def _report() -> ClipReport:
    t = np.linspace(0, 4, 5)
    return ClipReport(
        exercise="wall_squat", side="left", view="side", frames=5, pose_coverage=0.8, duration_s=4.0,
        reps=(RepEvent(1, 0.5, 3.0, {"support_knee_deg": 95.0}, {"support_knee_deg": 170.0}, ("too_fast",)),),
        holds=(), episodes=(FaultEpisode("back_off_wall", 1.0, 2.0),), fault_counts={"too_fast": 1},
        thresholds=dict(EXERCISES["wall_squat"].thresholds), t_s=t,
        series={"support_knee_deg": np.array([170, 120, math.nan, 100, 170.0])}, reliable=np.ones(5, bool),
    )


def test_rep_table_has_one_row_per_rep_with_therapist_wording():
    table = reps_table(_report(), EXERCISES["wall_squat"])
    assert len(table) == 1
    row = table.iloc[0]
    assert row["duration (s)"] == 2.5 and row["support knee (°) low"] == 95.0
    assert "rep_duration_min_s" in row["faults"]


def test_fault_lines_are_in_time_order_with_timestamps():
    lines = fault_lines(_report())
    assert lines[0].startswith("rep 1, 0.5–3.0 s") and "`too_fast`" in lines[0]
    assert lines[1].startswith("1.0–2.0 s") and "`back_off_wall`" in lines[1]


def test_a_fault_line_gives_each_limit_it_names_with_the_value_this_set_used():
    # A therapist reads the limit by the key they set per patient, and beside it where it stood for this set.
    spec = EXERCISES["figure_four_stretch"].with_thresholds({"pelvis_roll_rise_max_deg": 7.0})
    report = replace(_report(), exercise=spec.name, episodes=(FaultEpisode("pelvis_rotating", 4.5, 6.2),), reps=(),
                     fault_counts={}, thresholds=dict(spec.thresholds))
    [line] = fault_lines(report)
    assert "pelvis_roll_max_deg (30°)" in line and "pelvis_roll_rise_max_deg (7°)" in line
    units = {"hold_min_s": 2.0, "hip_hike_max_ratio": 0.125, "hold_still_max_deg_per_s": 5.0,
             "end_hold_required_flag": 1}
    assert with_values("hold_min_s, hip_hike_max_ratio, hold_still_max_deg_per_s, end_hold_required_flag, other_key",
                       units) == ("hold_min_s (2 s), hip_hike_max_ratio (0.125), hold_still_max_deg_per_s (5°/s), "
                                  "end_hold_required_flag, other_key")


def test_unknown_values_stay_missing_in_the_chart_data():
    frame = series_frame(_report(), ["support_knee_deg", "not_a_signal"])
    assert len(frame) == 5 and frame["value"].isna().sum() == 1
    chart = signal_chart(_report(), EXERCISES["wall_squat"], ["support_knee_deg"]).to_dict()
    # Rep band, fault band, signal line, and one layer holding both rep-threshold rules.
    assert len(chart["layer"]) == 4


@pytest.mark.parametrize(("values", "zero", "integer", "ticks"), [
    ([5], True, True, [0, 2, 4, 6]),  # one set of 5 reps: its dot between labelled lines, not above the top one
    ([1, 1], True, True, [0, 1]),  # no half reps
    ([90.0, 152.0, 120.0, 150.0], False, False, [80, 100, 120, 140, 160]),  # a knee's range against its targets
    ([0.0, 0.33], True, False, [0, 0.1, 0.2, 0.3, 0.4]),  # a fault rate
    ([12.5, float("nan"), 30.0], True, False, [0, 10, 20, 30]),
    ([float("nan")], True, False, [0, 0.5, 1]),  # nothing to plot: an axis still
])
def test_a_progress_axis_ends_on_labelled_ticks_around_every_value(values, zero, integer, ticks):
    from feedback.views import VALUE_STEPS_MAX, value_ticks

    got = value_ticks(values, zero, integer)
    assert got == pytest.approx(ticks)
    assert len(got) - 1 <= VALUE_STEPS_MAX
    finite = [v for v in values if math.isfinite(v)]
    assert all(got[0] <= v <= got[-1] for v in finite)


def test_a_signal_never_measured_is_said_rather_than_left_as_an_empty_chart():
    report = _report()
    assert unmeasured_line(report, ["support_knee_deg"]) == ""  # one unknown frame is a gap, not unmeasured
    blank = replace(report, series={**report.series, "hip_deg": np.full(5, math.nan)})
    assert unmeasured_line(blank, ["support_knee_deg", "hip_deg"]) == (
        "Not measured anywhere in this clip, so not drawn: hip (°).")


def test_zones_measured_from_the_persons_rest_are_drawn_around_it():
    tilt = EXERCISES["pelvic_tilt"]
    t = np.linspace(0, 4, 5)
    neutral = np.array([math.nan, 50.0, 50.0, 49.0, 49.0])
    report = replace(_report(), exercise="pelvic_tilt", t_s=t, rep_neutral=neutral,
                     series={"hand_pelvis_deg": np.array([50.0, 50.0, 40.0, 42.0, 49.0])})
    frame = threshold_frame(report, tilt)
    low, high = tilt.rep_band()
    assert sorted(set(frame["threshold"])) == sorted({tilt.rep.low_max, tilt.rep.high_min})
    edge = frame[frame["threshold"] == tilt.rep.low_max]
    assert list(edge["t_s"]) == [1.0, 2.0, 3.0, 4.0]  # none before the rest was known
    assert list(edge["value"]) == [50.0 + low, 50.0 + low, 49.0 + low, 49.0 + low]
    assert "own rest" in thresholds_caption(tilt)
    signal_chart(report, tilt, ["hand_pelvis_deg"]).to_dict()  # draws
    # Fixed zones, or a report without the rest (saved before it was kept), keep the fixed lines.
    assert threshold_frame(_report(), EXERCISES["wall_squat"]).empty
    assert threshold_frame(replace(report, rep_neutral=np.zeros(0)), tilt).empty
    assert thresholds_caption(EXERCISES["wall_squat"]) == "Dashed lines: the rep thresholds."


def test_a_report_without_its_rest_draws_zones_about_the_nominal_rest():
    # A calf stretch's zones are offsets from the person's rest, taken at 13 degrees until one is read: saved without
    # the rest, its lines sit at the edges as written (18 and 22), not at the offsets (5 and 9) under a shin at 30.
    calf = EXERCISES["calf_stretch"]
    report = replace(_report(), exercise="calf_stretch", rep_neutral=np.zeros(0),
                     series={"back_shin_lean_deg": np.array([13.0, 20.0, 30.0, 31.0, 14.0])})
    spec = signal_chart(report, calf, ["back_shin_lean_deg"]).to_dict()
    drawn = {row["value"] for rows in spec["datasets"].values() for row in rows if "threshold" in row}
    assert drawn == {calf.t("shin_rest_max_deg"), calf.t("shin_stretch_min_deg")}
