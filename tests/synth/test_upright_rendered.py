"""Single-leg stance end to end on a freshly rendered front-view clip: MediaPipe, the engine and the spec.

One clip, one stance on each leg (6 s holds), the foot touching down once in the first stance only: the test checks
the stance count, one hold per leg within 1 s of the truth, that the touch lands on its stance and that the other
stance stays clean. 480x360 at 24 fps (about 470 frames) keeps it cheap.
"""

from __future__ import annotations

import pytest

from synth.camera import View
from synth.render import ClipSpec, render_clip
from synth.scene import SceneStyle
from synth.script import Fault
from synth.upright_scripts import FRONT_VIEW_YAW_DEG, SingleLegStanceScript

HOLD_TOLERANCE_S = 1.0  # the bar for timed holds


@pytest.mark.slow
def test_a_stance_on_each_leg_with_one_touch_down(tmp_path):
    pytest.importorskip("mediapipe")
    from scoring.runner import ScoreOptions, score_path

    spec = ClipSpec("e2e_single_leg_stance", SingleLegStanceScript(
        legs=("near", "far"), hold_s=6.0, faults=(Fault("foot_touch_down", 1),), seed=3), width=480, height=360,
        fps=24.0, facing="right", body="average", style=SceneStyle(noise_sigma=2.0, blur_sigma_px=0.5, tilt_deg=1.0,
                                                                    figure_frac=0.8),
        seed=3, view=View(yaw_deg=FRONT_VIEW_YAW_DEG))
    path, truth = render_clip(spec, tmp_path)
    result = score_path(path, ScoreOptions("single_leg_stance", {}, cache_dir=str(tmp_path / "cache")))
    assert result.error is None, result.error
    report = result.report
    assert report.pose_coverage >= 0.9
    assert report.view == "front"
    assert report.rep_count == truth["expected"]["reps"] == 2
    assert [r.faults for r in report.reps] == [("foot_touch_down",), ()]
    assert report.fault_counts == {"foot_touch_down": 1}
    # One hold per leg: the first loses the touch-down, the second is the whole 6 s.
    session = spec.script.compile()
    assert len(report.holds) == 2
    assert report.holds[0].good_s == pytest.approx(6.0 - 0.3 - spec.script.touch_s, abs=HOLD_TOLERANCE_S)
    assert report.holds[1].good_s == pytest.approx(truth["expected"]["hold_s"], abs=HOLD_TOLERANCE_S)
    for ours, true in zip(report.holds, session.holds):
        assert ours.start_s < true.end_s and true.start_s < ours.end_s
