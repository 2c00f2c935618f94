"""Single-leg stance scripts and poses: the truth is what was drawn, each fault lands in its stance only."""

from __future__ import annotations

import numpy as np
import pytest

from synth.render import simulate
from synth.script import Fault, fault_intervals
from synth.skeleton import BodyProportions
from synth.upright_poses import SingleLegStanceAngles, single_leg_stance_pose
from synth.upright_scripts import SingleLegStanceScript, random_script, suite_views

PROPS = BodyProportions()


def _codes_by_stance(session, frames):
    out = [set() for _ in session.reps]
    for iv in fault_intervals(session, frames):
        hits = [i for i, r in enumerate(session.reps) if r.start_s <= iv.start_s and iv.end_s <= r.end_s]
        assert len(hits) == 1, (iv, session.reps)
        out[hits[0]] |= set(iv.faults)
    return out


@pytest.mark.parametrize("lifted", ["near", "far"])
def test_standing_leg_is_straight_under_its_hip_and_the_lifted_foot_is_up(lifted):
    pose = single_leg_stance_pose(SingleLegStanceAngles(lift=1.0, lifted=lifted), PROPS)
    sk = pose.skeleton
    stand = "far" if lifted == "near" else "near"
    assert sk[f"{stand}_ankle"][1] == pytest.approx(PROPS.ankle_height)
    assert sk[f"{stand}_hip"][1] - sk[f"{stand}_ankle"][1] == pytest.approx(PROPS.thigh + PROPS.shin)
    assert sk[f"{lifted}_ankle"][1] - sk[f"{stand}_ankle"][1] > 0.25 * (PROPS.thigh + PROPS.shin)
    # Each leg keeps to its own side of the midline.
    assert np.sign(sk[f"{lifted}_ankle"][2]) == (1 if lifted == "near" else -1)


def test_pelvis_drop_lowers_the_lifted_hip_and_tilts_the_drawn_pelvis():
    level = single_leg_stance_pose(SingleLegStanceAngles(lift=1.0), PROPS).skeleton
    dropped = single_leg_stance_pose(SingleLegStanceAngles(lift=1.0, pelvis_drop_deg=15.0), PROPS).skeleton
    drop = level["near_hip"][1] - dropped["near_hip"][1]
    assert drop == pytest.approx(PROPS.hip_width * np.sin(np.radians(15.0)))
    assert dropped["far_hip"][1] == pytest.approx(level["far_hip"][1])
    assert dropped.pelvis_roll_deg == 15.0 and level.pelvis_roll_deg == 0.0


def test_a_hand_on_a_support_reaches_out_sideways_with_arm_lengths_kept():
    pose = single_leg_stance_pose(SingleLegStanceAngles(lift=1.0, lifted="near", support=1.0), PROPS).skeleton
    # The far (standing) side's hand goes out to the chair beside it.
    assert pose["far_wrist"][2] - pose["far_shoulder"][2] < -0.2
    for side in ("near", "far"):
        assert np.linalg.norm(pose[f"{side}_elbow"] - pose[f"{side}_shoulder"]) == pytest.approx(PROPS.upper_arm)


@pytest.mark.parametrize("fault", [None, "foot_touch_down", "hip_drop", "arms_support"])
@pytest.mark.parametrize("at", [1, 2])
def test_each_fault_lands_in_its_stance_only(fault, at):
    script = SingleLegStanceScript(legs=("near", "far"), hold_s=7.0, faults=(Fault(fault, at),) if fault else ())
    session, _, frames = simulate(script, "average", 10.0)  # a low rate keeps it quick; the truth is per frame
    want = [set(), set()]
    if fault:
        want[at - 1].add(fault)
    assert _codes_by_stance(session, frames) == want
    assert [r.faults for r in session.reps] == [tuple(sorted(w)) for w in want]
    assert session.expected["reps"] == 2
    # The longest good hold is the clean stance's whole hold.
    assert session.expected["hold_s"] == pytest.approx(7.0)


def test_the_drawn_truth_series_match_what_the_script_asked():
    session, _, frames = simulate(SingleLegStanceScript(legs=("far",), hold_s=6.0, faults=(Fault("hip_drop", 1),)),
                                  "broad", 10.0)
    hold = session.holds[0]
    inside = (frames["t_s"] >= hold.start_s) & (frames["t_s"] <= hold.end_s)
    # The dropped hip lowers the lifted leg with it, yet the foot stays well clear of the checker's 0.15.
    assert frames["foot_lift_ratio"][inside].min() > 0.2
    assert frames["pelvis_drop_deg"].max() == pytest.approx(15.0, abs=1.5)
    assert frames["hand_reach_ratio"].max() < 0.6


@pytest.mark.parametrize(
    "script, message",
    [
        (SingleLegStanceScript(legs=()), "legs must be"),
        (SingleLegStanceScript(legs=("left",)), "legs must be"),
        (SingleLegStanceScript(arms="crossed"), "unknown arms"),
        (SingleLegStanceScript(hold_s=3.0), "hold_s must be"),
        (SingleLegStanceScript(faults=(Fault("too_fast", 1),)), "unknown single_leg_stance fault"),
        (SingleLegStanceScript(faults=(Fault("hip_drop", 2),)), "reps 1..1"),
    ],
)
def test_bad_scripts_raise(script, message):
    with pytest.raises(ValueError, match=message):
        script.compile()


def test_random_scripts_vary_and_the_suite_films_the_stance_from_the_front():
    rng = np.random.default_rng(3)
    scripts = [random_script("single_leg_stance", "hip_drop", rng, i) for i in range(12)]
    assert {s.legs for s in scripts} >= {("near",), ("near", "far"), ("far", "near")}
    assert all(6.0 <= s.hold_s <= 12.0 for s in scripts)
    with pytest.raises(ValueError, match="no upright script"):
        random_script("bird_dog", None, rng, 0)
    from synth.camera import View

    assert [v.yaw_deg for v in suite_views("single_leg_stance", [View(0.0), View(40.0)])] == [90.0]
    assert suite_views("wall_squat", [View(0.0)]) == [View(0.0)]
