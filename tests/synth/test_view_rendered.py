"""The wall squat filmed 40 degrees off side-on, end to end: MediaPipe, the view estimate, 3D angles, confidence.

One short clip (two reps, 480x360, 24 fps, about 260 frames): both reps counted, the camera seen as well off
side-on, the knee reported approximate rather than reliable, and the knee angle within a few degrees of the drawn
one at the bottom of each rep. The per-view figures over many clips are in bench.accuracy (README).
"""

from __future__ import annotations

import numpy as np
import pytest

from synth.camera import View
from synth.render import ClipSpec, render_clip
from synth.scene import SceneStyle
from synth.script import WallSquatScript

SPEC = ClipSpec("wall_squat_yaw40", WallSquatScript(reps=2, rep_s=3.2, bottom_s=0.5, pause_s=0.8, lead_in_s=0.8,
                                                    tail_s=0.8, arms="crossed", seed=41),
                width=480, height=360, fps=24.0, facing="left", body="average",
                style=SceneStyle(noise_sigma=2.0, blur_sigma_px=0.5, figure_frac=0.8), seed=41,
                view=View(yaw_deg=40.0, pitch_deg=5.0, fov_deg=60.0))


@pytest.mark.slow
def test_an_oblique_wall_squat_counts_its_reps_and_says_the_knee_is_approximate(tmp_path):
    pytest.importorskip("mediapipe")
    from feedback.wording import confidence_note
    from scoring.runner import ScoreOptions, score_path

    path, truth = render_clip(SPEC, tmp_path)
    result = score_path(path, ScoreOptions("wall_squat", cache_dir=str(tmp_path / "cache")))
    assert result.error is None, result.error
    report = result.report
    assert report.rep_count == truth["expected"]["reps"] == 2
    assert report.camera_view_deg > 25.0  # well off side-on, whatever MediaPipe's depth makes of 40 exactly
    for rep in report.reps:
        assert rep.confidence["support_knee_deg"] == "approximate"
        note = confidence_note(rep.confidence, rep.view_deg)  # "knee angle, hip angle, ... approximate: camera ..."
        assert note.startswith("knee angle") and "approximate" in note and "off side-on" in note
    frames = truth["frames"]
    bottom = min(frames["knee_deg"])
    assert abs(min(r.low["support_knee_deg"] for r in report.reps) - bottom) <= 15.0
    assert np.nanmax(report.series["support_knee_deg"]) >= 150.0  # standing reads standing
