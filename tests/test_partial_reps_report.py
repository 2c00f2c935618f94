"""Partial reps in what leaves the engine: the CLI row (JSONL and CSV), the per-rep CSV and the set summary."""

import csv
import io
import json

import pytest

from exercises.engine import score_sequence
from exercises.registry import get_exercise
from feedback.coach import summarise
from feedback.report import CSV_COLUMNS, ClipResult, csv_header, reps_csv, to_csv_line, to_json_line, to_row
from tests import skeleton as sk


def _catcow(ends):
    # Still on all fours for 3 s, then each end (degrees from neutral: + cat, - cow) reached in 1.5 s and held 1 s.
    keys, t = [(0.0, -20.0), (3.0, -20.0)], 3.0
    for e in ends:
        keys += [(t + 1.5, -20.0 + e), (t + 2.5, -20.0 + e)]
        t += 2.5
    keys += [(t + 1.5, -20.0), (t + 3.5, -20.0)]
    t_s, flex = sk.trace(keys, 30.0)
    return sk.sequence([sk.cat_cow_frame(a, b) for a, b in zip(t_s, flex)])


def _squats(bottoms):
    keys, t = [(0.0, 175.0)], 1.0
    for b in bottoms:
        keys += [(t, 175.0), (t + 1.5, b), (t + 3.0, 175.0)]
        t += 4.0
    t_s, knee = sk.trace(keys + [(t, 175.0)], 30.0)
    return sk.sequence([sk.wall_squat_frame(a, b) for a, b in zip(t_s, knee)])


@pytest.mark.parametrize(
    "exercise, clip, reps, partial_faults, faults",
    [
        # The case: 3 small cycles are 3 attempts, each flagged small_range, and no rep.
        ("cat_cow", _catcow([12, -12] * 3), 0, [["small_range"]] * 3, {"small_range": 3}),
        ("cat_cow", _catcow([50, -50, 12, -12, 50, -50]), 2, [["small_range"]], {"small_range": 1}),
        ("wall_squat", _squats([90, 130, 90]), 2, [["not_deep_enough"]], {"not_deep_enough": 1}),
        ("wall_squat", _squats([90, 90]), 2, [], {}),
    ],
)
def test_the_cli_row_counts_partial_reps_beside_reps(exercise, clip, reps, partial_faults, faults):
    report = score_sequence(clip, get_exercise(exercise))
    row = json.loads(to_json_line(ClipResult("clip.mp4", exercise, report)))
    assert (row["reps"], row["partial_reps"], row["faults"]) == (reps, len(partial_faults), faults)
    assert list(row)[2:4] == ["reps", "partial_reps"]
    # rep_detail holds the completed reps only (the store checks its length against reps); partial reps alike.
    assert len(row["rep_detail"]) == reps and all(not r["faults"] for r in row["rep_detail"])
    assert [r["faults"] for r in row["partial_rep_detail"]] == partial_faults
    assert [r["index"] for r in row["partial_rep_detail"]] == list(range(1, len(partial_faults) + 1))
    if reps and partial_faults:
        assert set(row["partial_rep_detail"][0]) == set(row["rep_detail"][0])

    line = next(csv.DictReader(io.StringIO(csv_header() + to_csv_line(ClipResult("clip.mp4", exercise, report)))))
    assert (int(line["reps"]), int(line["partial_reps"])) == (reps, len(partial_faults))
    assert CSV_COLUMNS[:11] == ("file", "exercise", "reps", "hold_s", "faults", "frames", "pose_coverage", "side",
                                "view", "duration_s", "error")  # the older columns keep their places

    table = list(csv.DictReader(io.StringIO(reps_csv(report))))
    assert len(table) == reps + len(partial_faults)
    assert [r["faults"].split(";") for r in table if r["partial"] == "1"] == partial_faults
    assert all(r["faults"] == "" for r in table if r["partial"] == "0")
    assert [float(r["start_s"]) for r in table] == sorted(float(r["start_s"]) for r in table)

    summary = summarise(report, get_exercise(exercise))
    assert (summary.reps, summary.partial_reps) == (reps, len(partial_faults))
    assert [list(f) for _, f in summary.faults_per_partial_rep] == partial_faults


def test_a_row_without_a_report_has_no_partial_reps():
    row = to_row(ClipResult("bad.mp4", "cat_cow", error="bad.mp4: cannot read"))
    assert row["partial_reps"] == 0 and "partial_rep_detail" not in row


def test_a_set_of_partial_reps_only_still_shows_its_range():
    spec = get_exercise("wall_squat")
    summary = summarise(score_sequence(_squats([130, 130]), spec), spec)
    assert summary.reps == 0 and summary.partial_reps == 2
    assert 126.0 < summary.range_low < 134.0 and summary.range_high > 150.0


def test_the_therapist_and_the_patient_see_each_partial_rep_where_it_happened():
    from feedback import views
    from feedback.charts import fault_lines, reps_table
    from feedback.wording import partial_text

    spec = get_exercise("wall_squat")
    report = score_sequence(_squats([90, 130, 90]), spec)  # the middle squat is short of the squat zone
    assert (report.rep_count, report.partial_rep_count) == (2, 1)
    table = reps_table(report, spec)
    assert list(table["rep"]) == ["1", "partial 1", "2"]  # in time order
    assert table["faults"][1].startswith("Partial rep: ") and table["faults"][0] == "none"
    assert any(line.startswith("partial rep 1, ") and "`not_deep_enough`" in line for line in fault_lines(report))
    assert any("(partial rep 1)" in line for line in views.patient_fault_lines(report))
    # A saved set shows the same rows.
    row = to_row(ClipResult("squats.mp4", "wall_squat", report))
    assert [r["rep"] for r in views.rep_rows(row, spec)] == list(table["rep"])
    assert [r["faults"] for r in views.rep_rows(row, spec)] == list(table["faults"])
    assert (partial_text(2, 1), partial_text("2 of 5", 0)) == ("2 + 1 partial", "2 of 5")
