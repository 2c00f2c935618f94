"""Seated knee extension end to end on a freshly rendered side-view clip: MediaPipe, the engine and the spec.

One short clip, three reps, the second done sitting tall: the rep count, the fault on that rep only, and that
recognition names the exercise. 480x360 at 24 fps keeps it cheap; the clip is rendered and read once for the module.

The knee is the straighter of the two (moving_knee_deg): seen from the side MediaPipe swaps the legs' labels from
frame to frame while the slumped sitter straightens the near knee, which read 146, 98, 144 within one drawn
90-158-90 rep on the near side's label alone.

The rendered sitter's hanging knees also fit a wall sit's hold; recognition tells them apart because a wall
squat lowers the hips as its knees bend, and here one knee straightens with the hips still (exercises.detect's
SIGNATURES).
"""

from __future__ import annotations

import pytest

from synth.render import ClipSpec, render_clip
from synth.scene import SceneStyle
from synth.script import Fault
from synth.seated_scripts import SeatedKneeExtensionScript


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """(clip path, truth, cache folder) of the one clip, rendered once."""
    pytest.importorskip("mediapipe")
    out = tmp_path_factory.mktemp("seated")
    spec = ClipSpec("e2e_seated_knee_extension", SeatedKneeExtensionScript(
        reps=3, rep_s=3.4, pause_s=1.3, faults=(Fault("trunk_not_slumped", 2),), seed=7), width=480, height=360,
        fps=24.0, facing="left", body="average",
        style=SceneStyle(noise_sigma=2.0, blur_sigma_px=0.5, tilt_deg=1.0, figure_frac=0.8), seed=7)
    path, truth = render_clip(spec, out)
    return path, truth, out / "cache"


@pytest.mark.slow
def test_three_reps_the_one_sitting_tall_flagged(rendered):
    from scoring.runner import ScoreOptions, score_path

    path, truth, cache = rendered
    result = score_path(path, ScoreOptions("seated_knee_extension", {}, cache_dir=str(cache)))
    assert result.error is None, result.error
    report = result.report
    assert report.pose_coverage >= 0.9
    assert report.rep_count == truth["expected"]["reps"] == 3
    assert [r.faults for r in report.reps] == [(), ("trunk_not_slumped",), ()]


@pytest.mark.slow
def test_the_exercise_is_recognised(rendered):
    from exercises.detect import recognise
    from pose.cache import LandmarkCache
    from pose.estimator import EstimatorSettings
    from pose.extract import extract_poses

    path, _, cache = rendered
    rec = recognise(extract_poses(path, EstimatorSettings(), LandmarkCache(cache)))
    assert rec.exercise == "seated_knee_extension", rec.reason
