"""Floor exercises end to end on freshly rendered clips: MediaPipe, engine and spec against the renderer's truth.

One short clip per exercise, two reps, the fault injected into rep 2 only: the count, the fault on its rep and the
clean rep clean, and the hold within 1 s of the still time drawn. 480x360 at 24 fps keeps each clip (about 230-340
frames) cheap; the other faults are covered by the engine trace tests (tests/test_floor_exercises.py).
"""

from __future__ import annotations

import pytest

from synth.floor_scripts import KneeToChestScript, PronePressUpScript
from synth.render import ClipSpec, render_clip
from synth.scene import SceneStyle
from synth.script import Fault

STYLE = SceneStyle(noise_sigma=2.0, blur_sigma_px=0.5, tilt_deg=-1.5, figure_frac=0.8)
SIZE = {"width": 480, "height": 360, "fps": 24.0}

CLIPS = [
    pytest.param(ClipSpec("floor_press_up", PronePressUpScript(
        reps=2, up_s=1.2, top_hold_s=1.8, pause_s=0.6, lead_in_s=0.5, tail_s=0.5, full_rise_deg=46.0,
        hip_lift=0.09, faults=(Fault("hips_lifting", 2),), seed=21), facing="left", body="average", style=STYLE,
        seed=21, **SIZE), "hips_lifting", id="prone_press_up-hips_lifting"),
    pytest.param(ClipSpec("floor_knee_to_chest", KneeToChestScript(
        reps=2, pull_s=1.1, hold_s=5.5, pause_s=0.6, lead_in_s=0.5, tail_s=0.5, hug_hip_deg=46.0, fault_deg=30.0,
        faults=(Fault("other_leg_lifting", 2),), seed=23), facing="right", body="slim", style=STYLE, seed=23,
        **SIZE), "other_leg_lifting", id="knee_to_chest-other_leg_lifting"),
]


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


@pytest.mark.slow
@pytest.mark.parametrize(("spec", "fault"), CLIPS)
def test_rendered_floor_clip_counts_reps_times_the_hold_and_puts_the_fault_on_its_rep(tmp_path, spec, fault):
    pytest.importorskip("mediapipe")
    from scoring.runner import ScoreOptions, score_path

    path, truth = render_clip(spec, tmp_path)
    result = score_path(path, ScoreOptions(truth["exercise"], cache_dir=str(tmp_path / "cache")))
    assert result.error is None, result.error
    report = result.report
    assert report.pose_coverage >= 0.9
    assert report.rep_count == truth["expected"]["reps"] == 2
    for ours, true in zip(report.reps, truth["reps"]):
        assert _overlap(ours.start_s, ours.end_s, true["start_s"], true["end_s"]) > 0
    assert [r.faults for r in report.reps] == [(), (fault,)]
    assert report.fault_counts == {fault: 1}
    assert abs(report.hold_s - truth["expected"]["hold_s"]) <= 1.0, (report.hold_s, truth["expected"]["hold_s"])
