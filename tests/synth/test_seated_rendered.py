"""Seated knee extension end to end on a freshly rendered side-view clip: MediaPipe, the engine and the spec.

One short clip, three reps, the second done sitting tall: the test checks the rep count, that the fault lands on
that rep only, and that recognition names the exercise. 480x360 at 24 fps keeps it cheap.

A known gap, hence the strict xfail: through MediaPipe the slumped sitter's straightening knee reads jumpy on the
rendered mannequin (up to 146, down to 103 and up to 144 again within one drawn 90-158-90 rep; the sitting-tall rep
reads cleanly, 154), so a slumped rep splits in two, or falls short of the extended zone, and recognition then ties
it with a wall sit's hold. The engine trace tests (tests/test_seated_exercises.py) pass; the renderer's slumped
pose (head dropped over the thighs, the hands on the seat) is the first suspect.
"""

from __future__ import annotations

import pytest

from synth.render import ClipSpec, render_clip
from synth.scene import SceneStyle
from synth.script import Fault
from synth.seated_scripts import SeatedKneeExtensionScript


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="known gap: MediaPipe reads a slumped rendered knee extension jumpy (see the "
                   "module docstring)")
def test_three_reps_the_one_sitting_tall_flagged_and_the_exercise_recognised(tmp_path):
    pytest.importorskip("mediapipe")
    from exercises.detect import recognise
    from pose.cache import LandmarkCache
    from pose.estimator import EstimatorSettings
    from pose.extract import extract_poses
    from scoring.runner import ScoreOptions, score_path

    spec = ClipSpec("e2e_seated_knee_extension", SeatedKneeExtensionScript(
        reps=3, rep_s=3.4, pause_s=1.3, faults=(Fault("trunk_not_slumped", 2),), seed=7), width=480, height=360,
        fps=24.0, facing="left", body="average",
        style=SceneStyle(noise_sigma=2.0, blur_sigma_px=0.5, tilt_deg=1.0, figure_frac=0.8), seed=7)
    path, truth = render_clip(spec, tmp_path)
    result = score_path(path, ScoreOptions("seated_knee_extension", {}, cache_dir=str(tmp_path / "cache")))
    assert result.error is None, result.error
    report = result.report
    assert report.pose_coverage >= 0.9
    # The sitting-tall rep is found and flagged whatever happens to the slumped ones.
    assert ("trunk_not_slumped",) in [r.faults for r in report.reps]
    assert report.rep_count == truth["expected"]["reps"] == 3
    assert [r.faults for r in report.reps] == [(), ("trunk_not_slumped",), ()]
    rec = recognise(extract_poses(path, EstimatorSettings(), LandmarkCache(tmp_path / "cache")))
    assert rec.exercise == "seated_knee_extension", rec.reason
