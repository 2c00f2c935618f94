"""Knees collapsing inward in the wall squat renderer: drawn in the scripted rep only, in the truth, and left out of
the suite's rotation (which films every script from the side too). No rendering: poses and truth only."""

import numpy as np

from synth.camera import FRONT_ONLY_FAULTS
from synth.render import truth_series
from synth.script import Fault, WallSquatScript, fault_intervals
from synth.skeleton import BodyProportions
from synth.suite import suite_specs


def _truth(script: WallSquatScript) -> tuple[object, dict[str, np.ndarray]]:
    session = script.compile()
    t = np.arange(0.0, session.duration_s, 1.0 / 10.0)
    params = session.params(t)
    poses = [session.pose({k: float(v[i]) for k, v in params.items()}, BodyProportions()) for i in range(len(t))]
    return session, truth_series("wall_squat", poses, t)


def test_valgus_is_drawn_in_its_rep_only_and_marked_in_the_truth():
    session, frames = _truth(WallSquatScript(reps=3, faults=(Fault("knee_valgus", 2),), seed=3))
    valgus = [iv for iv in fault_intervals(session, frames) if iv.faults == ("knee_valgus",)]
    rep = session.reps[1]
    assert len(valgus) == 1 and rep.start_s <= valgus[0].start_s < valgus[0].end_s <= rep.end_s
    first = (frames["t_s"] >= session.reps[0].start_s) & (frames["t_s"] <= session.reps[0].end_s)
    assert np.abs(frames["knee_gap_loss_ratio"][first]).max() < 1e-9  # knees over the feet in a clean rep
    assert frames["knee_gap_loss_ratio"].max() > 0.4


def test_a_clean_wall_squat_has_no_valgus_in_its_truth():
    session, frames = _truth(WallSquatScript(reps=2, seed=4))
    assert not [iv for iv in fault_intervals(session, frames) if "knee_valgus" in iv.faults]


def test_the_suite_leaves_front_only_faults_out_of_its_rotation():
    names = [s.name for s in suite_specs(8, 5)]
    assert not [n for n in names if any(f in n for f in FRONT_ONLY_FAULTS)]
    assert "wall_squat_06_clean" in names  # the rotation, and so every seed's clips, as before
