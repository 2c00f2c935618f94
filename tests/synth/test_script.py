"""Scripts: rep, hold and fault truth, checked on simulated (undrawn) sessions."""

import numpy as np
import pytest

from synth.render import simulate
from synth.script import (
    FAULT_CODES,
    THRESHOLDS,
    CatCowScript,
    Fault,
    NerveGlideScript,
    Timeline,
    WallSquatScript,
    fault_intervals,
)


def _codes(session, frames):
    return [iv.faults[0] for iv in fault_intervals(session, frames)]


def _rep_of(session, t):
    """1-based rep index containing time t, or 0."""
    for i, rep in enumerate(session.reps, start=1):
        if rep.start_s - 1e-9 <= t <= rep.end_s + 1e-9:
            return i
    return 0


def test_timeline_eases_between_keys():
    tl = Timeline({"a": 0.0})
    tl.hold(1.0)
    tl.move(2.0, a=10.0)
    v = tl.sample(np.array([0.0, 1.0, 2.0, 3.0, 5.0]))["a"]
    np.testing.assert_allclose(v, [0.0, 0.0, 5.0, 10.0, 10.0])


def test_timeline_rejects_unknown_parameter():
    with pytest.raises(ValueError, match="unknown parameters"):
        Timeline({"a": 0.0}).move(1.0, b=1.0)


@pytest.mark.parametrize(
    ("script", "reps", "holds"),
    [
        (WallSquatScript(reps=5), 5, 0),
        (WallSquatScript(reps=2, rep_s=2.0), 2, 0),
        (WallSquatScript(mode="hold", hold_s=10.0), 1, 1),
        (NerveGlideScript(reps=6), 6, 0),
        (CatCowScript(cycles=4, end_hold_s=1.0), 4, 8),
        (CatCowScript(cycles=3, end_hold_s=0.0), 3, 0),
    ],
)
def test_rep_and_hold_counts_and_clean_runs_have_no_faults(script, reps, holds):
    session, _, frames = simulate(script)
    assert len(session.reps) == reps == session.expected["reps"]
    assert len(session.holds) == holds
    assert _codes(session, frames) == []
    # Reps are ordered, disjoint and inside the clip.
    for a, b in zip(session.reps, session.reps[1:]):
        assert a.end_s <= b.start_s
    assert 0.0 < session.reps[0].start_s and session.reps[-1].end_s < session.duration_s


def test_wall_squat_rep_reaches_depth_and_returns_to_standing():
    session, _, frames = simulate(WallSquatScript(reps=3, depth_knee_deg=90.0, jitter_deg=0.0))
    t, knee = frames["t_s"], frames["knee_deg"]
    for rep in session.reps:
        inside = (t >= rep.start_s) & (t <= rep.end_s)
        assert knee[inside].min() == pytest.approx(90.0, abs=0.5)
        assert knee[inside][0] > 170 and knee[inside][-1] > 170


def test_wall_sit_hold_duration_and_knee_in_hold():
    session, _, frames = simulate(WallSquatScript(mode="hold", hold_s=10.0, depth_knee_deg=90.0))
    (hold,) = session.holds
    assert hold.end_s - hold.start_s == pytest.approx(10.0)
    assert session.expected["hold_s"] == pytest.approx(10.0)
    inside = (frames["t_s"] >= hold.start_s) & (frames["t_s"] <= hold.end_s)
    assert np.all(np.abs(frames["knee_deg"][inside] - 90.0) < 3.0)


@pytest.mark.parametrize(
    ("script", "code", "rep"),
    [
        (WallSquatScript(reps=4, faults=(Fault("back_off_wall", 3),)), "back_off_wall", 3),
        (WallSquatScript(reps=4, faults=(Fault("too_deep", 2),)), "too_deep", 2),
        (WallSquatScript(reps=4, faults=(Fault("knees_past_toes", 4),)), "knees_past_toes", 4),
        (WallSquatScript(reps=4, faults=(Fault("too_fast", 1),)), "too_fast", 1),
        (WallSquatScript(mode="hold", hold_s=9.0, faults=(Fault("back_off_wall", 1),)), "back_off_wall", 1),
        (NerveGlideScript(reps=5, faults=(Fault("thigh_drift", 4),)), "thigh_drift", 4),
        (NerveGlideScript(reps=5, faults=(Fault("too_fast", 2),)), "too_fast", 2),
        (NerveGlideScript(reps=5, target_knee_deg=140.0, faults=(Fault("beyond_target", 5),)), "beyond_target", 5),
        (CatCowScript(cycles=3, faults=(Fault("small_range", 2),)), "small_range", 2),
        (CatCowScript(cycles=3, faults=(Fault("too_fast", 3),)), "too_fast", 3),
        (WallSquatScript(reps=3, arms="hanging", faults=(Fault("hands_on_thighs", 2),)), "hands_on_thighs", 2),
        (WallSquatScript(reps=3, arms="wall", faults=(Fault("hands_on_thighs", 1),)), "hands_on_thighs", 1),
        (WallSquatScript(mode="hold", arms="crossed", faults=(Fault("hands_on_thighs", 1),)), "hands_on_thighs", 1),
        (NerveGlideScript(reps=4, drift_hip_deg=60.0, faults=(Fault("thigh_drift", 2),)), "thigh_drift", 2),
        (NerveGlideScript(reps=4, faults=(Fault("pelvis_lift", 3),)), "pelvis_lift", 3),
    ],
)
def test_injected_fault_lands_in_its_rep_only(script, code, rep):
    session, _, frames = simulate(script)
    intervals = fault_intervals(session, frames)
    assert [iv.faults for iv in intervals] == [(code,)]
    iv = intervals[0]
    assert iv.end_s >= iv.start_s
    assert _rep_of(session, iv.start_s) == rep == _rep_of(session, iv.end_s)
    assert session.reps[rep - 1].faults == (code,)


def test_fault_thresholds_hold_in_the_fault_interval():
    session, _, frames = simulate(WallSquatScript(reps=3, faults=(Fault("back_off_wall", 2),)))
    (iv,) = fault_intervals(session, frames)
    t = frames["t_s"]
    inside = (t >= iv.start_s) & (t <= iv.end_s)
    limit = THRESHOLDS["wall_squat"]["trunk_lean_max_deg"]
    assert np.all(frames["trunk_lean_deg"][inside] >= limit)
    assert np.all(frames["trunk_lean_deg"][~inside] < limit)


def test_cat_cow_normal_and_small_range():
    _, _, f1 = simulate(CatCowScript(cycles=1, amplitude_deg=42.0))
    assert 80.0 <= np.ptp(f1["spine_flexion_deg"]) <= 88.0
    _, _, f2 = simulate(CatCowScript(cycles=1, amplitude_deg=42.0, small_amplitude_deg=20.0,
                                     faults=(Fault("small_range", 1),)))
    assert 36.0 <= np.ptp(f2["spine_flexion_deg"]) <= 44.0


@pytest.mark.parametrize("arms", ["crossed", "hanging", "wall"])
def test_wall_squat_arms_stay_off_the_thighs(arms):
    _, _, frames = simulate(WallSquatScript(reps=2, arms=arms))
    # The knee half of the thigh: a wrist there is the hands_on_thighs fault (formcheck flags gaps < 0.12).
    assert frames["hand_thigh_gap_ratio"].min() > 0.25


def test_hands_on_thighs_puts_a_wrist_on_the_knee_half_of_the_thigh():
    session, _, frames = simulate(WallSquatScript(reps=1, faults=(Fault("hands_on_thighs", 1),)))
    bottom = frames["knee_deg"] < 100.0
    assert bottom.any() and frames["hand_thigh_gap_ratio"][bottom].max() < 0.1


@pytest.mark.parametrize(
    ("script", "rep_min_s", "rep_max_s"),
    [
        (WallSquatScript(), 3.0, 5.0),
        (WallSquatScript(faults=(Fault("too_fast", 2),)), 0.0, 1.0),
        (NerveGlideScript(), 3.0, 5.0),
        (NerveGlideScript(faults=(Fault("too_fast", 2),)), 0.0, 1.2),
        (CatCowScript(), 5.0, 8.0),
        (CatCowScript(faults=(Fault("too_fast", 2),)), 0.0, 2.0),
    ],
)
def test_default_tempo_is_a_clinics_and_too_fast_is_clearly_fast(script, rep_min_s, rep_max_s):
    session = script.compile()
    durations = {i: r.end_s - r.start_s for i, r in enumerate(session.reps, start=1)}
    fast = {f.rep for f in script.faults}
    for i, d in durations.items():
        if i in fast or not fast:
            assert rep_min_s <= d <= rep_max_s, (i, d)


def test_nerve_glide_normal_reps_stop_short_and_beyond_target_goes_past():
    target = 158.0
    session, _, frames = simulate(NerveGlideScript(reps=3, target_knee_deg=target, short_of_target_deg=7.0,
                                                   beyond_target_deg=17.0, faults=(Fault("beyond_target", 2),)))
    t, knee = frames["t_s"], frames["knee_deg"]
    peaks = [knee[(t >= r.start_s) & (t <= r.end_s)].max() for r in session.reps]
    assert target - 10.0 <= peaks[0] <= target - 5.0 and target - 10.0 <= peaks[2] <= target - 5.0
    assert peaks[1] >= target + 15.0


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (WallSquatScript(reps=3, faults=(Fault("thigh_drift", 1),)), "unknown wall_squat fault"),
        (WallSquatScript(reps=3, faults=(Fault("too_deep", 4),)), "reps 1..3"),
        (WallSquatScript(mode="sideways"), "mode must be"),
        (NerveGlideScript(target_knee_deg=100.0), "target_knee_deg"),
        (WallSquatScript(arms="on_hips"), "unknown arms"),
        (CatCowScript(amplitude_deg=30.0, small_amplitude_deg=20.0), "small_amplitude_deg"),
        (CatCowScript(faults=(Fault("neck_only", 1),)), "unknown cat_cow fault"),
        (CatCowScript(cycles=0), "cycles must be"),
    ],
)
def test_bad_scripts_raise(script, message):
    with pytest.raises(ValueError, match=message):
        script.compile()


def test_every_fault_code_is_scriptable():
    # The table pins what the renderer can inject for the exercises it lists (a code dropped from a script fails
    # here); exercises added later need no row, but every code a script injects must be its spec's.
    from exercises.registry import EXERCISES

    for exercise, codes in THRESHOLDS_FAULTS.items():
        assert set(FAULT_CODES[exercise]) == set(codes), exercise
    for exercise, codes in FAULT_CODES.items():
        assert codes and set(codes) <= {f.code for f in EXERCISES[exercise].faults}, exercise


THRESHOLDS_FAULTS = {
    "wall_squat": ("back_off_wall", "too_deep", "knees_past_toes", "too_fast", "hands_on_thighs", "knee_valgus"),
    "nerve_glide": ("thigh_drift", "too_fast", "beyond_target", "pelvis_lift"),
    "cat_cow": ("small_range", "too_fast"),
    "prone_press_up": ("hips_lifting", "arms_not_straight"),
    "knee_to_chest": ("other_leg_lifting", "head_shoulders_lifting"),
    "single_leg_stance": ("foot_touch_down", "hip_drop", "arms_support"),
    "prone_on_elbows": ("elbows_ahead_of_shoulders", "neck_extension"),
    "bird_dog": ("small_reach", "back_sagging", "hips_hiking"),
    "seated_knee_extension": ("trunk_not_slumped", "too_fast", "beyond_target"),
}
