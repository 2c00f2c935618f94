"""Synthetic skeleton traces through the engine: "this trace gives these reps, holds and faults"."""

import math
from collections import Counter

import numpy as np
import pytest

from exercises.engine import Checker, score_sequence
from exercises.registry import get_exercise
from pose.frames import PoseFrame
from tests import skeleton as sk

WALL, GLIDE, CATCOW = (get_exercise(n) for n in ("wall_squat", "nerve_glide", "cat_cow"))


def wall_clip(keys, fps=30.0, lean=lambda t: 0.0, shin=lambda t: 5.0, facing=1):
    t, knee = sk.trace(keys, fps)
    return sk.sequence([sk.wall_squat_frame(ti, ki, lean(ti), shin(ti), facing) for ti, ki in zip(t, knee)])


@pytest.mark.parametrize("fps", [24.0, 30.0, 60.0])
@pytest.mark.parametrize("facing", [1, -1])
@pytest.mark.parametrize("n", [1, 3, 5])
def test_wall_squat_counts_reps_at_any_fps_and_facing(n, fps, facing):
    report = score_sequence(wall_clip(sk.squat_reps(n), fps, facing=facing), WALL)
    assert report.rep_count == n
    assert report.fault_counts == {}
    assert report.side == ("right" if facing > 0 else "left")
    bottom = [r.low["support_knee_deg"] for r in report.reps]
    assert np.allclose(bottom, 90.0, atol=3.0)


def test_dropped_frames_do_not_change_the_count():
    seq = wall_clip(sk.squat_reps(4), 30.0)
    rng = np.random.default_rng(3)
    keep = np.sort(rng.choice(len(seq), size=len(seq) // 2, replace=False))
    frames = [seq.frame(i) for i in keep]
    assert score_sequence(sk.sequence(frames), WALL).rep_count == 4


def test_nan_gap_holds_state_and_counts_nothing():
    seq = wall_clip(sk.squat_reps(3), 30.0)
    frames = [PoseFrame.empty(f.t_s, f.image_size) if 2.5 < f.t_s < 3.2 else f for f in seq]
    report = score_sequence(sk.sequence(frames), WALL)
    assert report.rep_count == 3
    assert report.pose_coverage < 0.97


def test_jitter_around_one_threshold_adds_no_reps():
    t = np.arange(0, 10, 1 / 30)
    knee = 150 + 6 * np.sin(2 * np.pi * 3 * t)  # crosses knee_rest_min_deg many times, never reaches the squat
    report = score_sequence(sk.sequence([sk.wall_squat_frame(a, b) for a, b in zip(t, knee)]), WALL)
    assert report.rep_count == 0


def test_noisy_landmarks_keep_count():
    seq = wall_clip(sk.squat_reps(5), 30.0)
    rng = np.random.default_rng(7)
    noisy = [PoseFrame(f.t_s, f.xyz + rng.normal(0, 0.003, f.xyz.shape), f.world_xyz, f.visibility, f.image_size)
             for f in seq]
    assert score_sequence(sk.sequence(noisy), WALL).rep_count == 5


def expected_counts(rep_faults):
    """fault_counts of a clip with these reps' faults and no hold: how many reps carry each code."""
    return dict(Counter(code for faults in rep_faults for code in faults))


# Each row: the trace, and the exact faults of each rep; no other fault may appear anywhere in the report.
@pytest.mark.parametrize(
    "lean, shin, keys, rep_faults",
    [
        # back_off_wall and knees_past_toes are injected during rep 3 only (9-11 s).
        pytest.param(lambda t: 25.0 if 9.0 < t < 11.0 else 0.0, lambda t: 5.0, sk.squat_reps(3, rep_s=3.0),
                     [(), (), ("back_off_wall",)], id="back_off_wall"),
        pytest.param(lambda t: 0.0, lambda t: 35.0 if 9.0 < t < 11.0 else 5.0, sk.squat_reps(3, rep_s=3.0),
                     [(), (), ("knees_past_toes",)], id="knees_past_toes"),
        pytest.param(lambda t: 0.0, lambda t: 5.0, sk.squat_reps(3, rep_s=3.0, bottom_deg=55.0),
                     [("too_deep",)] * 3, id="too_deep"),
        pytest.param(lambda t: 0.0, lambda t: 5.0, sk.squat_reps(3, rep_s=1.0), [("too_fast",)] * 3, id="too_fast"),
    ],
)
def test_wall_squat_faults(lean, shin, keys, rep_faults):
    report = score_sequence(wall_clip(keys, 30.0, lean, shin), WALL)
    assert [r.faults for r in report.reps] == rep_faults
    assert report.fault_counts == expected_counts(rep_faults)
    assert report.holds == ()


def test_wall_sit_hold_counts_only_good_form():
    keys = [(0, 175), (1, 175), (3, 90), (23, 90), (25, 175), (26, 175)]
    report = score_sequence(wall_clip(keys), WALL)
    assert report.rep_count == 1
    assert report.hold_s == pytest.approx(21.5, abs=1.0)
    leaned = score_sequence(wall_clip(keys, lean=lambda t: 25.0 if 10 < t < 14 else 0.0), WALL)
    assert leaned.hold_s == pytest.approx(report.hold_s - 4.0, abs=1.0)
    assert leaned.fault_counts == {"back_off_wall": 1}


def test_threshold_override_changes_result_without_new_pose():
    seq = wall_clip(sk.squat_reps(3, bottom_deg=125.0))
    assert score_sequence(seq, WALL).rep_count == 0  # 125 is not deep enough by default
    deeper_ok = WALL.with_thresholds({"knee_work_max_deg": 130.0})
    assert score_sequence(seq, deeper_ok).rep_count == 3


def glide_clip(keys, hip=lambda t: 90.0, leg_facing=1, leg="left", fps=30.0):
    t, knee = sk.trace(keys, fps)
    return sk.sequence([sk.nerve_glide_frame(ti, ki, hip(ti), leg_facing, leg) for ti, ki in zip(t, knee)])


def glide_reps(n, rep_s=4.0, top=170.0):
    keys, t = [(0.0, 90.0)], 0.0
    for _ in range(n):
        keys += [(t + 0.5, 90.0), (t + 0.5 + rep_s / 2, top), (t + 0.5 + rep_s, 90.0)]
        t += 0.5 + rep_s
    return keys + [(t + 1.0, 90.0)]


@pytest.mark.parametrize("leg", ["left", "right"])
@pytest.mark.parametrize("facing", [1, -1])
def test_nerve_glide_reps_and_working_leg(leg, facing):
    report = score_sequence(glide_clip(glide_reps(6), leg_facing=facing, leg=leg), GLIDE)
    assert report.rep_count == 6
    assert report.side == leg
    assert report.fault_counts == {}


@pytest.mark.parametrize(
    "kwargs, overrides, rep_faults",
    [
        # The thigh drifts during rep 3 only (9.5-12.5 s).
        pytest.param({"hip": lambda t: 60.0 if 9.5 < t < 12.5 else 90.0}, {}, [(), (), ("thigh_drift",), ()],
                     id="thigh_drift"),
        pytest.param({}, {"knee_extension_target_deg": 150.0}, [("beyond_target",)] * 4, id="beyond_target"),
        pytest.param({"rep_s": 1.2}, {}, [("too_fast",)] * 4, id="too_fast"),
    ],
)
def test_nerve_glide_faults(kwargs, overrides, rep_faults):
    spec = GLIDE.with_thresholds(overrides)
    rep_s = kwargs.pop("rep_s", 4.0)
    report = score_sequence(glide_clip(glide_reps(4, rep_s=rep_s), **kwargs), spec)
    assert [r.faults for r in report.reps] == rep_faults
    assert report.fault_counts == expected_counts(rep_faults)


@pytest.mark.parametrize("target, expect_reps", [(180.0, 0), (135.0, 4)])
def test_nerve_glide_counts_reps_up_to_a_prescribed_target_below_the_default_extension(target, expect_reps):
    # A patient limited to 135 degrees who straightens to 130 does the prescribed glide; by default 130 is no rep.
    report = score_sequence(glide_clip(glide_reps(4, top=130.0)),
                            GLIDE.with_thresholds({"knee_extension_target_deg": target}))
    assert report.rep_count == expect_reps
    assert "beyond_target" not in report.fault_counts  # the exact faults: the next test


@pytest.mark.xfail(strict=True, reason=(
    "known false positive (issue 12): each slow 4 s rep is called too_fast. A rep is timed only while the knee is "
    "out of the bent zone (above knee_bent_max_deg, 115), about 1.7 s of a 4 s straighten-and-bend that peaks at "
    "130, under rep_duration_min_s (2 s)."))
def test_nerve_glide_slow_reps_up_to_a_prescribed_target_have_no_fault():
    report = score_sequence(glide_clip(glide_reps(4, top=130.0)),
                            GLIDE.with_thresholds({"knee_extension_target_deg": 135.0}))
    assert report.rep_count == 4
    assert report.fault_counts == {}


def test_a_target_leaving_no_range_above_the_bent_knee_is_rejected():
    with pytest.raises(ValueError, match="lower knee_bent_max_deg too"):
        GLIDE.with_thresholds({"knee_extension_target_deg": 120.0})
    assert GLIDE.with_thresholds({"knee_extension_target_deg": 120.0, "knee_bent_max_deg": 100.0}).rep_band() \
        == (100.0, 110.0)


def catcow_clip(amplitude, cycles, period_s=6.0, fps=30.0, wrist_shift=0.0, facing=1, lead_s=3.0, neutral=-20.0):
    # A few still seconds on all fours first, as people settle before starting; the outline's neutral is
    # deliberately not zero, as on real bodies.
    t = np.arange(0, lead_s + cycles * period_s + 1.0, 1 / fps)
    moving = np.clip(t - lead_s, 0, cycles * period_s)
    flex = neutral + amplitude * np.sin(2 * np.pi * moving / period_s)
    return sk.sequence([sk.cat_cow_frame(a, b, facing, wrist_shift) for a, b in zip(t, flex)])


@pytest.mark.parametrize("cycles", [1, 2, 5])
@pytest.mark.parametrize("facing", [1, -1])
def test_cat_cow_counts_cycles(cycles, facing):
    report = score_sequence(catcow_clip(50.0, cycles, facing=facing), CATCOW)
    assert report.rep_count == cycles
    assert report.fault_counts == {}


@pytest.mark.parametrize(
    "kwargs, rep_faults",
    [
        pytest.param({"amplitude": 20.0}, [("small_range",)] * 3, id="small_range"),
        pytest.param({"period_s": 2.0}, [("too_fast",)] * 3, id="too_fast"),
        pytest.param({"wrist_shift": 70.0}, [("hands_not_under_shoulders",)] * 3, id="hands_not_under_shoulders"),
    ],
)
def test_cat_cow_faults(kwargs, rep_faults):
    args = {"amplitude": 50.0, "cycles": 3} | kwargs
    report = score_sequence(catcow_clip(**args), CATCOW)
    assert [r.faults for r in report.reps] == rep_faults
    assert report.fault_counts == expected_counts(rep_faults)


def test_live_checker_matches_offline_scoring_and_reports_each_rep_once():
    seq = wall_clip(sk.squat_reps(3))
    live = Checker(WALL)
    events = [r.rep.index for f in seq if (r := live.update(f)).rep]
    assert events == [1, 2, 3]
    assert live.report().rep_count == score_sequence(seq, WALL).rep_count


def test_time_going_backwards_is_ignored():
    seq = wall_clip(sk.squat_reps(1))
    c = Checker(WALL)
    for f in seq:
        c.update(f)
    result = c.update(seq.frame(0))
    assert not result.reliable and c.report().rep_count == 1


def test_unknown_signal_or_threshold_is_rejected_with_the_valid_names():
    with pytest.raises(ValueError, match="expected some of"):
        WALL.with_thresholds({"knee_max": 3})
    from exercises.signals import get_signal

    with pytest.raises(ValueError, match="knee_deg"):
        get_signal("kne_deg")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"knee_work_max_deg": 160.0}, "must be below"),
        ({"hold_min_s": -1.0}, ">= 0"),
        ({"hold_knee_min_deg": math.nan}, "must be a number"),
    ],
)
def test_inconsistent_thresholds_fail_at_construction(overrides, message):
    with pytest.raises(ValueError, match=message):
        WALL.with_thresholds(overrides)


@pytest.mark.parametrize(
    "period_s, flag, rep_faults",
    [(4.0, 1, [("end_hold_short",)] * 3), (12.0, 1, [()] * 3), (4.0, 0, [()] * 3)],
)
def test_cat_cow_end_holds_when_prescribed(period_s, flag, rep_faults):
    spec = CATCOW.with_thresholds({"end_hold_required_flag": flag, "end_hold_min_s": 2.5})
    report = score_sequence(catcow_clip(50.0, 3, period_s=period_s), spec)
    assert [r.faults for r in report.reps] == rep_faults
    assert report.fault_counts == expected_counts(rep_faults)


def test_long_stillness_never_wipes_the_count():
    keys = sk.squat_reps(2)
    t_end = keys[-1][0]
    keys += [(t_end + 40.0, 175.0)] + [(t + t_end + 40.0, v) for t, v in sk.squat_reps(2)[1:]]
    live = Checker(WALL)
    t, knee = sk.trace(keys, 30.0)
    counts = [live.update(sk.wall_squat_frame(a, b)).reps for a, b in zip(t, knee)]
    assert counts[-1] == 4
    assert all(b >= a for a, b in zip(counts, counts[1:]))  # never goes down


@pytest.mark.parametrize("exercise", ["wall_squat", "nerve_glide", "cat_cow"])
@pytest.mark.parametrize("smoothing", [1, 0])
def test_a_recorded_clip_scored_at_once_matches_frame_by_frame(exercise, smoothing):
    # score_sequence prepares every frame's signals in one vectorised pass; the live path (update without a
    # prepared entry) must give the very same report, series included, on real recorded landmarks.
    from pathlib import Path

    from exercises.config import spec_for
    from exercises.side import choose_side
    from pose.frames import PoseSequence, pixel_xy

    spec = spec_for(exercise, {exercise: {"smoothing_enabled_flag": smoothing}})
    for path in sorted((Path(__file__).parent / "golden").glob("*.npz")):
        seq = PoseSequence.load(path)
        xy = pixel_xy(seq.xyz, seq.visibility, seq.image_size, spec.t("landmark_visibility_min_ratio"))
        frame_by_frame = Checker(spec, choose_side(spec.side_rule, xy, seq.world_xyz, seq.visibility))
        for frame in seq:
            frame_by_frame.update(frame)
        live, batch = frame_by_frame.report(), score_sequence(seq, spec)
        assert (live.rep_count, live.hold_s, live.fault_counts) == (batch.rep_count, batch.hold_s, batch.fault_counts)
        assert live.reps == batch.reps and live.holds == batch.holds and live.episodes == batch.episodes
        assert live.series.keys() == batch.series.keys()
        for name in live.series:
            np.testing.assert_array_equal(live.series[name], batch.series[name], err_msg=f"{path.name} {name}")
        np.testing.assert_array_equal(live.reliable, batch.reliable)
