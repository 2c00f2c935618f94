"""Faults a clip could not be checked for: found from the report, worded for therapist and patient, in every row."""

import csv
import io
from dataclasses import replace

import pytest

from exercises.engine import score_sequence
from exercises.judged import unjudged_faults
from exercises.registry import EXERCISES, get_exercise
from exercises.results import UnjudgedFault
from feedback import views
from feedback.charts import not_checked_lines, reps_table
from feedback.report import ClipResult, csv_header, to_csv_line, to_row
from feedback.wording import MEASURE_NAMES, not_checked_line, not_checked_patient_line
from tests.test_prone_side_exercises import BIRD_DOG, bird_dog_clip, bird_dogs


@pytest.fixture(scope="module")
def side_bird_dog():
    """Three bird dogs filmed from the side, the second with its hip hiked: the hike cannot be seen from there."""
    return score_sequence(bird_dog_clip(bird_dogs(3, faults={2: (85.0, 88.0, 25.0)}), 24.0), BIRD_DOG)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_every_measurement_a_fault_rule_reads_has_a_name_to_say_it_by(name):
    spec = get_exercise(name)
    read = {r.signal for r in spec.frame_rules}
    read |= {r.stat.split(":", 1)[1] for r in spec.rep_rules if ":" in r.stat}
    assert not read - set(MEASURE_NAMES), f"{name}: unnamed {sorted(read - set(MEASURE_NAMES))}"


def test_nothing_done_is_nothing_unjudged(side_bird_dog):
    nothing = replace(side_bird_dog, reps=(), partial_reps=(), holds=())
    assert unjudged_faults(nothing, BIRD_DOG) == ()


def test_a_rule_the_therapist_switched_off_is_not_listed_as_unchecked(side_bird_dog):
    assert [u.code for u in unjudged_faults(side_bird_dog, BIRD_DOG)] == ["hips_hiking"]
    # With the hike rule's signal switched off by a flag of its own, the fault is off, not unchecked.
    flagged = replace(BIRD_DOG, thresholds={**BIRD_DOG.thresholds, "hip_hike_check_flag": 0.0},
                      frame_rules=tuple(replace(r, enabled_by="hip_hike_check_flag") if r.code == "hips_hiking"
                                        else r for r in BIRD_DOG.frame_rules))
    assert unjudged_faults(side_bird_dog, flagged) == ()


def test_the_therapist_reads_which_fault_what_was_not_measured_and_why(side_bird_dog):
    assert not_checked_lines(side_bird_dog, BIRD_DOG) == [
        "Hips hiking (`hips_hiking`): hip level not measured, as it shows only from in front or from behind"]
    assert not_checked_line("too_fast", "duration_s", "timing").startswith("Too fast (`too_fast`): rep speed not")
    # A measurement lost to the pose (not to the view) is said as such.
    assert "not seen clearly enough" in not_checked_line("pelvis_rotating", "pelvis_roll_deg", "any")
    # One judged from its own reading at rest says the rest was not seen (a clip begun in the stretch).
    assert not_checked_line("back_heel_lifting", "back_heel_rise_ratio", "rest") == (
        "Back heel lifting (`back_heel_lifting`): back heel not measured, as it is judged against its own reading at "
        "rest, in the starting position, which the camera did not see clearly")
    assert not_checked_patient_line([("back_heel_rise_ratio", "rest")]) == (
        "I could not check your back heel in this clip. To check it, start filming before you get into position, "
        "with the camera placed as the how-to says.")


def test_the_patient_reads_one_plain_line_per_measurement_with_how_to_film_it(side_bird_dog):
    lines = views.patient_not_checked_lines(side_bird_dog, BIRD_DOG)
    # Not "film from in front or from behind": from there the bird dog's reaches are not counted (0 of 4 from its
    # head end), so the patient is sent to their eyes, not to a camera position that loses the count.
    assert lines == ["I could not check your hip level in this clip: from this camera position it cannot be seen. "
                     "Check it by eye, or in a mirror."]
    # Where the exercise is counted from that view too, the patient is told where to film (a wall squat's knees).
    assert not_checked_patient_line([("knee_valgus_ratio", "front")], exercise="wall_squat") == (
        "I could not check your knee alignment in this clip. To check it, film from in front or from behind.")
    assert "`" not in lines[0] and "_" not in lines[0]  # no codes for a patient
    # Several at once are one sentence; the filming advice only where they all ask for the same view.
    front = [("trunk_lean_deg", "side"), ("thigh_drop_deg", "side"), ("duration_s", "timing")]
    assert not_checked_patient_line(front) == ("I could not check your trunk lean, depth (thigh angle) and rep "
                                               "speed in this clip. To check them, film from the side.")
    assert not_checked_patient_line([("hip_hike_ratio", "front"), ("raised_thigh_rise_deg", "side")]) == (
        "I could not check your hip level and leg height in this clip.")
    assert not_checked_patient_line([]) == ""


def test_the_row_and_the_csv_carry_the_unchecked_faults(side_bird_dog):
    result = ClipResult("bird_dog.mp4", "bird_dog", side_bird_dog)
    assert to_row(result)["unjudged_faults"] == ["hips_hiking"]
    line = next(csv.DictReader(io.StringIO(csv_header() + to_csv_line(result))))
    assert line["unjudged_faults"] == "hips_hiking" and line["reps"] == "3"
    assert to_row(ClipResult("x.mp4", "bird_dog", error="x.mp4: cannot read"))["unjudged_faults"] == []


def test_each_rep_says_how_sure_its_measurements_are(side_bird_dog):
    table = reps_table(side_bird_dog, BIRD_DOG)
    assert len(table) == 3
    assert all(note.startswith("hip level not measured") for note in table["how sure"])


def test_the_accuracy_benchmark_tells_a_fault_not_checked_from_one_missed():
    from bench.accuracy import ClipScore, format_summary, summarise

    def clip(name, unchecked):
        return ClipScore(name, "bird_dog", "rendered", "side", 3, 3, None, 0.0, 1.0, fault_fn={"hips_hiking": 1},
                         fault_unchecked={"hips_hiking": 1} if unchecked else {})

    scores = [clip("a.mp4", True), clip("b.mp4", False)]
    summary = summarise(scores)
    figures = summary["groups"]["rendered/bird_dog"]["faults"]["hips_hiking"]
    assert (figures["fn"], figures["fn_unchecked"], figures["recall"]) == (2, 1, 0.0)  # recall is not flattered
    assert "fn 2, 1 of them reported not checked)" in format_summary(summary, scores)


def test_a_saved_set_says_what_it_could_not_check_and_how_sure_each_rep_was(side_bird_dog):
    row = to_row(ClipResult("bird_dog.mp4", "bird_dog", side_bird_dog))
    assert views.saved_not_checked_lines(row, BIRD_DOG) == not_checked_lines(side_bird_dog, BIRD_DOG)
    rows = views.rep_rows(row, BIRD_DOG)
    assert [r["how sure"] for r in rows] == list(reps_table(side_bird_dog, BIRD_DOG)["how sure"])
    # A row saved before either was kept reads as it did.
    older = {k: v for k, v in row.items() if k != "unjudged_faults"}
    older["rep_detail"] = [{k: v for k, v in r.items() if k not in ("confidence", "confidence_note", "unjudged_faults")}
                           for r in row["rep_detail"]]
    assert views.saved_not_checked_lines(older, BIRD_DOG) == []
    assert {r["how sure"] for r in views.rep_rows(older, BIRD_DOG)} == {""}


def test_a_fault_no_rule_reads_is_named_by_its_code():
    from exercises.judged import fault_measurement

    assert fault_measurement(BIRD_DOG, "hips_hiking").plane == "front"
    assert fault_measurement(get_exercise("wall_squat"), "too_fast").plane == "timing"
    assert fault_measurement(BIRD_DOG, "small_reach") == UnjudgedFault("small_reach", "small_reach", "any")


def test_a_rep_note_gives_the_camera_only_for_what_the_camera_angle_decides():
    from feedback.wording import confidence_note

    # The hand height a trunk rotation's shoulder lift is read from is unknown when the far hand is not found, at
    # any camera angle; the bird dog's hip level is unknown because of where the camera is.
    assert confidence_note({"arm_lift_ratio": "unknown", "knees_parting_ratio": "reliable"}, 3.0) == (
        "shoulders not measured: not seen clearly enough")
    assert confidence_note({"hip_hike_ratio": "unknown", "arm_lift_ratio": "unknown"}, 12.0) == (
        "hip level not measured: camera about 10° off side-on; shoulders not measured: not seen clearly enough")
    assert confidence_note({"support_knee_deg": "approximate", "duration_s": "unknown"}, 88.0) == (
        "knee angle approximate; rep speed not measured: from the front")
