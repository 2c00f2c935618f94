"""CueSelector rate limiting, set summary and symptom advice (feedback.coach), driven by timestamps."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from exercises.engine import Checker
from exercises.judged import rep_view_hidden
from exercises.registry import EXERCISES
from exercises.results import ClipReport
from exercises.signals import APPROXIMATE, UNKNOWN, signal_plane
from feedback.coach import NOT_IN_POSITION_MIN_S, CueSelector, PositionWatch, summarise, symptom_advice
from feedback.wording import (
    ONE_END_SEEN_WORDING,
    SETUP_WORDING,
    UNSEEN_GAP_WARN_MIN_S,
    VIEW_HIDDEN_WARN_MIN_RATIO,
    advice_once,
    camera_advice,
    coverage_note,
    coverage_warning,
    one_end_note,
    one_end_warning,
    unseen_gap_note,
    unseen_gap_warning,
    view_hidden_note,
    view_hidden_warning,
    view_name,
)
from tests.skeleton import squat_reps, trace, wall_squat_frame


def _run(selector: CueSelector, steps: list[tuple[float, list[tuple[str, str]]]]):
    return [(t, selector.update(t, cands)) for t, cands in steps]


def test_the_same_cue_is_announced_once_then_not_repeated_within_the_interval():
    sel = CueSelector(min_show_s=1.0, repeat_interval_s=5.0)
    fault = [("back_off_wall", "warn")]
    out = _run(sel, [(t / 10, fault) for t in range(30)])  # 3 s at 10 fps, fault active throughout
    assert out[0][1].new and out[0][1].code == "back_off_wall"
    assert all(c.code == "back_off_wall" and not c.new for _, c in out[1:])
    # It clears, comes back 2 s later: shown again, but not announced again (inside 5 s).
    assert sel.update(3.5, []) is None
    again = sel.update(4.0, fault)
    assert again.code == "back_off_wall" and not again.new
    sel.update(4.5, [])
    sel.update(7.0, [])
    assert sel.update(7.5, fault).new  # 7.5 s after the first announcement: say it again


def test_a_more_severe_cue_wins_and_replaces_a_fresh_one():
    sel = CueSelector(min_show_s=3.0, repeat_interval_s=10.0)
    assert sel.update(0.0, [("too_fast", "info"), ("heels_lifting", "warn")]).code == "heels_lifting"
    # Stop outranks warn even inside the minimum show time.
    assert sel.update(0.5, [("heels_lifting", "warn"), ("pain", "stop")]).code == "pain"


def test_one_cue_at_a_time_and_no_flicker_within_the_minimum_show_time():
    sel = CueSelector(min_show_s=2.0, repeat_interval_s=10.0)
    assert sel.update(0.0, [("back_off_wall", "warn")]).code == "back_off_wall"
    # An equal-severity fault arrives and the first one flickers off: the shown cue stays for 2 s.
    assert sel.update(0.5, [("heels_lifting", "warn")]).code == "back_off_wall"
    assert sel.update(1.9, [("heels_lifting", "warn")]).code == "back_off_wall"
    switched = sel.update(2.1, [("heels_lifting", "warn")])
    assert switched.code == "heels_lifting" and switched.new
    # While it stays true, a new equal-severity fault does not take over.
    assert sel.update(5.0, [("heels_lifting", "warn"), ("too_deep", "warn")]).code == "heels_lifting"


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"min_show_s": -1}, "min_show_s"),
    ({"repeat_interval_s": math.nan}, "repeat_interval_s"),
])
def test_bad_intervals_are_rejected(kwargs, error):
    with pytest.raises(ValueError, match=error):
        CueSelector(**kwargs)


def test_summary_of_a_synthetic_squat_set():
    spec = EXERCISES["wall_squat"]
    checker = Checker(spec)
    t, knee = trace(squat_reps(3, bottom_deg=95.0, top_deg=172.0), fps=30)
    for ti, k in zip(t, knee):
        checker.update(wall_squat_frame(float(ti), float(k)))
    summary = summarise(checker.report(), spec)
    assert summary.reps == 3 and summary.has_hold
    assert [i for i, _ in summary.faults_per_rep] == [1, 2, 3]
    assert summary.range_low == pytest.approx(95.0, abs=3.0)
    # A rep ends once the knee is back in the standing zone (>= 150 deg for the dwell), before full extension.
    assert spec.t("knee_rest_min_deg") <= summary.range_high <= 172.5


@pytest.mark.parametrize(("move", "pain", "emergency", "codes"), [
    ("down_the_leg", 2, False, ["down_the_leg"]),
    ("down_the_leg", 8, False, ["down_the_leg", "high_pain"]),
    ("towards_the_back", 3, False, ["towards_the_back"]),
    ("same", 7, False, ["high_pain", "same"]),
    ("same", 0, True, ["emergency", "same"]),
])
def test_symptom_advice(move, pain, emergency, codes):
    assert [c for c, _ in symptom_advice(move, pain, emergency)] == codes


def test_moving_down_the_leg_is_an_error_level_stop():
    assert symptom_advice("down_the_leg", 0)[0] == ("down_the_leg", "error")
    with pytest.raises(ValueError, match="unknown symptom"):
        symptom_advice("sideways", 0)
    with pytest.raises(ValueError, match="0-10"):
        symptom_advice("same", 11)


def test_seen_but_unmeasured_for_the_minimum_time_is_out_of_position():
    watch = PositionWatch(min_s=3.0, clear_s=2.0)
    assert not watch.update(0.0, seen=True, measured=False)
    assert not watch.update(2.9, seen=True, measured=False)
    assert watch.update(3.0, seen=True, measured=False)
    # A measurement read now and then does not end it; read for the clearing time without a break, it does.
    assert watch.update(4.0, seen=True, measured=True)
    assert watch.update(5.5, seen=True, measured=True)
    assert watch.update(5.6, seen=True, measured=False)
    assert watch.update(6.0, seen=True, measured=True)
    assert not watch.update(8.0, seen=True, measured=True)
    # Unmeasured again it takes the whole time again; the body lost ends it at once (the camera is the fix).
    assert not watch.update(9.0, seen=True, measured=False)
    assert watch.update(12.0, seen=True, measured=False)
    assert not watch.update(12.1, seen=False, measured=False)
    assert not watch.update(14.0, seen=True, measured=False)


def test_in_position_from_the_start_is_never_told():
    watch = PositionWatch()
    assert not any(watch.update(t / 10, seen=True, measured=True) for t in range(100))


@pytest.mark.parametrize(("kwargs", "error"), [({"min_s": -1.0}, "min_s"), ({"min_s": math.nan}, "min_s"),
                                                ({"clear_s": math.inf}, "clear_s")])
def test_a_bad_position_time_is_rejected(kwargs, error):
    with pytest.raises(ValueError, match=error):
        PositionWatch(**kwargs)


def test_the_default_position_time_lets_a_patient_settle():
    assert 2.0 <= NOT_IN_POSITION_MIN_S <= 5.0


def test_low_coverage_says_the_position_when_the_body_was_seen_and_the_camera_when_not():
    position = coverage_warning("pelvic_tilt", pose_coverage=0.0, body_seen_ratio=1.0)
    assert position.startswith("You were in the picture")
    assert position.endswith(SETUP_WORDING["not_in_position:pelvic_tilt"])
    camera = coverage_warning("pelvic_tilt", pose_coverage=0.1, body_seen_ratio=0.2)
    assert camera.startswith("The body was hard to see") and camera.endswith(camera_advice("pelvic_tilt"))
    # An exercise with no words of its own for its position points to its how-to; a report from before the
    # body was recorded (NaN) gets the camera advice; a clip mostly measured gets no warning.
    assert coverage_warning("bird_dog", 0.2, 0.9).endswith("Check the steps of how to do it.")
    assert coverage_warning("bird_dog", 0.2, math.nan).startswith("The body was hard to see")
    assert coverage_warning("pelvic_tilt", 0.8, 1.0) == ""


def test_low_coverage_filmed_far_round_says_the_camera_may_be_why():
    # A press-up filmed 58 degrees round (read 74): lying flat in position, its legs misfit by the pose model
    # (rendered seed 5801).
    round_ = coverage_warning("prone_press_up", 0.45, 0.74, view_deg=74.0)
    assert "about 74° round from your side" in round_ and round_.endswith(camera_advice("prone_press_up"))
    # Near side-on, or from the front (where an exercise may be filmed), it is the position again; and unknown.
    for view_deg in (30.0, 88.0, math.nan):
        assert coverage_warning("prone_press_up", 0.45, 0.74, view_deg=view_deg).endswith(
            "Check the steps of how to do it.")


def test_a_person_lost_from_view_mid_set_is_told_for_how_long_when_and_where_to_put_the_camera():
    lost = unseen_gap_warning("prone_on_elbows", start_s=2.5, duration_s=5.1)
    assert lost.startswith("We lost sight of you for 5 s, starting 2 s into the clip, so reps or hold time there")
    assert lost.endswith(camera_advice("prone_on_elbows"))
    # Shorter stretches are bridged (or cost little): nothing to say; none at all (NaN start, 0 s) neither.
    assert unseen_gap_warning("prone_on_elbows", 2.5, UNSEEN_GAP_WARN_MIN_S - 0.1) == ""
    assert unseen_gap_warning("prone_on_elbows", math.nan, 0.0) == ""
    # A walk leaves the picture at each turn by design: never said, on any page (they all ask these words).
    assert unseen_gap_warning("walk", 2.5, 6.0) == "" and unseen_gap_note("walk", 6.0) == ""


def test_a_set_seen_at_one_end_only_says_which_and_where_to_put_the_camera():
    rolled_right = one_end_warning("lower_trunk_rotation", "low")
    assert rolled_right.startswith("Your knees were seen rolling to your right, but not to your left, so no full rep")
    assert rolled_right.endswith(camera_advice("lower_trunk_rotation"))
    assert one_end_warning("cat_cow", "high").startswith("Your back was seen rounding up (cat), but not dipping down")
    # Every cycle exercise has words for both its ends; one without them still says what happened.
    cycles = [name for name, spec in EXERCISES.items() if spec.rep.mode == "cycle"]
    assert sorted(ONE_END_SEEN_WORDING) == sorted(cycles)
    assert all(set(ONE_END_SEEN_WORDING[name]) == {"low", "high"} for name in cycles)
    assert one_end_warning("some_clinic_exercise", "low").startswith("Only one end of the movement was seen, so")
    assert one_end_warning("lower_trunk_rotation", "") == ""
    # The therapist's words for a saved set say the same in the third person, without the camera advice.
    assert one_end_note("cat_cow", "low").startswith("The patient's back was seen dipping down (cow), but not rounding")
    assert one_end_note("some_clinic_exercise", "high").startswith("Only one end of the movement was seen, so no")
    assert one_end_note("cat_cow", "") == ""


def test_the_therapists_note_says_how_much_was_measured_and_what_the_measurement_needs():
    assert coverage_note("pelvic_tilt", 0.15, 1.0) == (
        "In the picture, but out of the exercise's measured position (the measurement needs the hands resting on the "
        "front of the hip bones, knees bent): measured in 15% of the set, so counts may be low.")
    assert coverage_note("bird_dog", 0.3, 0.95).startswith("In the picture, but out of the exercise's measured "
                                                           "position: measured in 30%")
    assert coverage_note("pelvic_tilt", 0.1, 0.2) == "The body was hard to see: measured in 10% of the set, so " \
                                                     "counts may be low."
    # A set saved before the body was recorded apart: why is not known, so only how much.
    assert coverage_note("pelvic_tilt", 0.1, math.nan) == "Measured in 10% of the set, so counts may be low."
    assert coverage_note("pelvic_tilt", 0.9, 1.0) == ""


def _viewed_report(exercise: str, view_deg: list[float], unknown: list[bool], seen: list[bool]) -> ClipReport:
    spec = EXERCISES[exercise]
    n = len(view_deg)
    return ClipReport(exercise=exercise, side="left", view="oblique", frames=n, pose_coverage=0.5, duration_s=n / 10,
                      reps=(), holds=(), episodes=(), fault_counts={}, thresholds=dict(spec.thresholds),
                      t_s=np.arange(n) / 10, series={}, reliable=np.ones(n, bool), view_deg=np.array(view_deg),
                      confidence={spec.rep.signal: np.where(unknown, UNKNOWN, APPROXIMATE).astype(np.int8)},
                      body_seen=np.array(seen))


def test_a_measurement_lost_to_the_cameras_view_is_counted_only_where_the_view_is_past_its_limit():
    limit = EXERCISES["cat_cow"].thresholds["view_sagittal_max_deg"]  # the back's bend is a side-plane measurement
    view = [40.0] * 6 + [limit + 2, limit + 4, limit + 6, limit + 8]
    # Unknown in the 4 frames past the limit, and in one short of it (not seen well enough: not the camera's turn).
    unknown = [False] * 5 + [True] + [True] * 4
    share, median = rep_view_hidden(_viewed_report("cat_cow", view, unknown, [True] * 10), EXERCISES["cat_cow"])
    assert share == pytest.approx(0.4) and median == pytest.approx(limit + 5)
    # Shares are of the frames the person was seen in.
    seen = [True] * 5 + [False] + [True, True, False, False]
    share, _ = rep_view_hidden(_viewed_report("cat_cow", view, unknown, seen), EXERCISES["cat_cow"])
    assert share == pytest.approx(2 / 7)
    # A knee angle is read from the world landmarks from any view: no view hides it.
    squat = _viewed_report("wall_squat", view, unknown, [True] * 10)
    assert signal_plane(EXERCISES["wall_squat"].rep.signal) == "joint"
    share, median = rep_view_hidden(squat, EXERCISES["wall_squat"])
    assert share == 0.0 and math.isnan(median)


def test_a_clip_filmed_too_far_round_says_so_with_where_to_put_the_camera():
    warning = view_hidden_warning("cat_cow", 0.38, 55.4)
    assert warning.startswith("The camera was about 55° round from your side, and from there the movement could not "
                              "be measured in 38% of the clip, so counts may be low.")
    assert warning.endswith(camera_advice("cat_cow"))
    assert view_hidden_warning("cat_cow", VIEW_HIDDEN_WARN_MIN_RATIO - 0.01, 60.0) == ""
    assert view_hidden_warning("cat_cow", math.nan, math.nan) == ""
    assert "away from your side" in view_hidden_warning("cat_cow", 0.5, math.nan)


@pytest.mark.parametrize(("label", "view_deg", "name"), [
    ("side", 4.0, "side"), ("front", 55.4, "55°"), ("oblique", 35.0, "35°"), ("front", 86.0, "front"),
    ("oblique", math.nan, "oblique"), ("unknown", math.nan, "unknown")])
def test_the_view_is_named_by_the_cameras_turn_where_it_is_known(label, view_deg, name):
    # A cat-cow filmed 58 degrees round was labelled "front" by its shoulders' width; its turn reads 55.
    assert view_name(label, view_deg) == name
    # The exercise's own view limits where its spec sets them (as its measurements' confidence follows them).
    assert view_name(label, view_deg, EXERCISES["wall_squat"].thresholds) == name
    assert view_name("oblique", 25.0, {"view_reliable_max_deg": 30.0}) == "side"


def test_where_to_put_the_camera_is_said_once_over_several_warnings():
    # A cat-cow filmed too far round, seen at one end only: both messages say what they found, the advice once.
    turned = view_hidden_warning("cat_cow", 0.4, 57.0, within="set")
    one_end = one_end_warning("cat_cow", "high")
    advice = camera_advice("cat_cow")
    assert turned.endswith(advice) and one_end.endswith(advice)
    first, second = advice_once("cat_cow", [turned, one_end])
    assert first == turned
    assert second == one_end[: -len(advice)].rstrip() and advice not in second and second.endswith(".")
    assert advice_once("cat_cow", [one_end]) == [one_end]  # alone, it keeps its advice
    assert advice_once("cat_cow", []) == []


def test_a_batch_row_carries_how_much_the_view_hid_and_a_saved_set_the_therapists_words():
    from feedback.report import ClipResult, to_row

    limit = EXERCISES["cat_cow"].thresholds["view_sagittal_max_deg"]
    report = _viewed_report("cat_cow", [40.0] * 6 + [limit + 2] * 4, [False] * 6 + [True] * 4, [True] * 10)
    row = to_row(ClipResult("c.mp4", "cat_cow", report))
    assert (row["view_hidden_ratio"], row["view_hidden_deg"]) == (0.4, round(limit + 2))
    nothing = to_row(ClipResult("c.mp4", "cat_cow", _viewed_report("cat_cow", [40.0] * 3, [True] * 3, [True] * 3)))
    assert (nothing["view_hidden_ratio"], nothing["view_hidden_deg"]) == (0.0, None)
    assert view_hidden_note(0.4, 57.0).startswith("Filmed about 57° off side-on: from there the movement could not")
    assert view_hidden_note(0.4, None).startswith("Filmed off side-on:")
    assert view_hidden_note(None, None) == "" and view_hidden_note(0.2, 60.0) == ""


def test_the_patients_set_leads_with_why_a_count_may_be_low():
    from app_pages.review import camera_warnings

    spec = EXERCISES["cat_cow"]
    limit = spec.thresholds["view_sagittal_max_deg"]
    hidden = _viewed_report("cat_cow", [40.0] * 6 + [limit + 2] * 4, [False] * 6 + [True] * 4, [True] * 10)
    assert camera_warnings(hidden, spec) == [view_hidden_warning("cat_cow", 0.4, limit + 2)]
    seen = _viewed_report("cat_cow", [40.0] * 10, [False] * 10, [True] * 10)
    assert camera_warnings(seen, spec) == []


def test_a_set_seen_but_little_measured_far_round_is_told_the_camera_once():
    from app_pages.review import camera_warnings

    spec = EXERCISES["cat_cow"]
    limit = spec.thresholds["view_sagittal_max_deg"]
    # Seen throughout, measured in 30%, filmed about 50 degrees round: with the view hiding the back's bend in 40% of
    # it, that warning alone (not "not in the position" beside it, which would send the patient to the wrong fix).
    hidden = dataclasses.replace(
        _viewed_report("cat_cow", [50.0] * 6 + [limit + 2] * 4, [False] * 6 + [True] * 4, [True] * 10),
        pose_coverage=0.3, body_seen_ratio=1.0)
    assert camera_warnings(hidden, spec) == [view_hidden_warning("cat_cow", 0.4, limit + 2)]
    # Nothing hidden by the view (the pose model misfitting the body there): the camera as the likely cause.
    misfit = dataclasses.replace(_viewed_report("cat_cow", [50.0] * 10, [False] * 10, [True] * 10),
                                 pose_coverage=0.3, body_seen_ratio=1.0)
    assert camera_warnings(misfit, spec) == [coverage_warning("cat_cow", 0.3, 1.0, 50.0)]
    assert "about 50° round from your side" in camera_warnings(misfit, spec)[0]
