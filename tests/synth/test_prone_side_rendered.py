"""Sphinx, bird dog and open book end to end on freshly rendered clips: MediaPipe, engine and spec against the truth.

One short clip per exercise, the fault injected into rep 2 only: the count, the fault on its rep and the clean reps
clean, and the sphinx's hold within 1 s of the still time drawn. 480x360 at 24 fps keeps each clip cheap; the other
faults are covered by the engine trace tests (tests/test_prone_side_exercises.py) and the rendered sweep
(`python -m bench.fault_sweep`).
"""

from __future__ import annotations

import pytest

from synth.prone_side_scripts import BirdDogScript, OpenBookScript, SphinxScript
from synth.render import ClipSpec, render_clip
from synth.scene import SceneStyle
from synth.script import Fault

STYLE = SceneStyle(noise_sigma=2.0, blur_sigma_px=0.5, tilt_deg=-1.5, figure_frac=0.8)
SIZE = {"width": 480, "height": 360, "fps": 24.0}

CLIPS = [
    pytest.param((ClipSpec("ps_sphinx", SphinxScript(
        reps=2, up_s=0.9, hold_s=5.0, pause_s=0.5, lead_in_s=0.4, tail_s=0.4, fault_neck_deg=40.0,
        faults=(Fault("neck_extension", 2),), seed=31), facing="left", body="average", style=STYLE, seed=31, **SIZE),
        "neck_extension"), id="prone_on_elbows-neck_extension"),
    pytest.param((ClipSpec("ps_bird_dog", BirdDogScript(
        reps=2, reach_s=1.1, top_s=1.2, pause_s=0.6, lead_in_s=0.5, tail_s=0.5, kick_deg=120.0,
        faults=(Fault("back_sagging", 2),), seed=33), facing="right", body="slim", style=STYLE, seed=33, **SIZE),
        "back_sagging"), id="bird_dog-back_sagging"),
    pytest.param((ClipSpec("ps_open_book", OpenBookScript(
        reps=2, open_s=1.0, top_s=0.6, pause_s=0.5, lead_in_s=0.4, tail_s=0.4, knee_lift=0.1,
        faults=(Fault("knees_separating", 2),), seed=35), facing="right", body="broad", style=STYLE, seed=35, **SIZE),
        "knees_separating"), id="open_book-knees_separating"),
]


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


@pytest.fixture(scope="module", params=CLIPS)
def scored(request, tmp_path_factory):
    """(report, truth, fault) of one rendered clip, rendered and scored once for the module."""
    pytest.importorskip("mediapipe")
    from scoring.runner import ScoreOptions, score_path

    spec, fault = request.param
    out = tmp_path_factory.mktemp(spec.name)
    path, truth = render_clip(spec, out)
    result = score_path(path, ScoreOptions(truth["exercise"], cache_dir=str(out / "cache")))
    assert result.error is None, result.error
    return result.report, truth, fault


@pytest.mark.slow
def test_rendered_clip_counts_every_rep_and_puts_the_fault_on_its_rep(scored):
    report, truth, fault = scored
    assert report.pose_coverage >= 0.9
    assert report.rep_count == truth["expected"]["reps"] == len(truth["reps"])
    for ours, true in zip(report.reps, truth["reps"]):
        assert _overlap(ours.start_s, ours.end_s, true["start_s"], true["end_s"]) > 0
    assert [r.faults for r in report.reps] == [(fault,) if i == 1 else () for i in range(len(truth["reps"]))]
    assert report.fault_counts == {fault: 1}


@pytest.mark.slow
def test_rendered_clip_times_the_hold(scored):
    report, truth, _ = scored
    assert abs(report.hold_s - truth["expected"]["hold_s"]) <= 1.0, (report.hold_s, truth["expected"]["hold_s"])
