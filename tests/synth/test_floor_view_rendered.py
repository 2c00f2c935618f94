"""A knee-to-chest stretch filmed 40 degrees round from side-on, end to end: the hip read from the picture holds.

Lying down, MediaPipe's world landmarks read a hugged knee's hip 20-35 degrees too open off side-on (its depth is
shallow for a body on the floor), which took a held knee out of the hold band: holds of 5-7 s timed 0. The spec
reads that hip from the picture at any view (exercises/specs/knee_to_chest.py); per-view figures are in
bench.accuracy.
"""

from __future__ import annotations

import numpy as np
import pytest

from synth.camera import View
from synth.floor_scripts import KneeToChestScript
from synth.render import ClipSpec, render_clip
from synth.scene import SceneStyle

SPEC = ClipSpec("knee_to_chest_yaw40", KneeToChestScript(reps=1, pull_s=1.2, hold_s=6.0, pause_s=0.6, lead_in_s=0.6,
                                                         tail_s=0.6, hug_hip_deg=48.0, seed=43),
                width=480, height=360, fps=24.0, facing="left", body="average",
                style=SceneStyle(noise_sigma=2.0, blur_sigma_px=0.5, figure_frac=0.8), seed=43,
                view=View(yaw_deg=40.0, pitch_deg=0.0, fov_deg=60.0))


@pytest.mark.slow
def test_a_knee_to_chest_filmed_round_times_its_hold_and_reads_the_hugged_hip(tmp_path):
    pytest.importorskip("mediapipe")
    from scoring.runner import ScoreOptions, score_path

    path, truth = render_clip(SPEC, tmp_path)
    result = score_path(path, ScoreOptions("knee_to_chest", cache_dir=str(tmp_path / "cache")))
    assert result.error is None, result.error
    report = result.report
    assert report.camera_view_deg > 20.0  # seen as filmed round, whatever MediaPipe's depth makes of 40 exactly
    assert abs(report.hold_s - truth["expected"]["hold_s"]) <= 1.0
    t, hip = np.asarray(truth["frames"]["t_s"]), np.asarray(truth["frames"]["hip_deg"])
    held = hip < 60.0  # the knee in
    ours = np.asarray(report.series["hip_deg"], float)[: len(t)]
    assert np.nanmedian(np.abs(ours[held] - hip[held])) <= 8.0
