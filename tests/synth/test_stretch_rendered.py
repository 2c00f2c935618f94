"""The upright stretches and the back extension end to end on freshly rendered side-view clips: MediaPipe, the
engine and the spec.

One short clip per exercise (480x360 at 24 fps, 200-300 frames), each with one fault injected: the test checks the
count, the hold within 1 s of the truth (stretches), and that the fault lands on its rep and nowhere else.
"""

from __future__ import annotations

import pytest

from synth.render import ClipSpec, render_clip
from synth.scene import SceneStyle
from synth.script import Fault
from synth.stretch_scripts import BackExtensionScript, StretchScript

HOLD_TOLERANCE_S = 1.0  # the bar for timed holds
SCRIPTS = {
    "hip_flexor_stretch": StretchScript("hip_flexor_stretch", stretches=1, stretched="far", hold_s=6.0, move_s=1.2,
                                        stretch_deg=23.0, fault_deg=20.0, base_deg=4.0, lead_in_s=1.0, tail_s=1.0,
                                        faults=(Fault("trunk_leaning_back", 1),), seed=11),
    "calf_stretch": StretchScript("calf_stretch", stretches=1, stretched="near", hold_s=6.0, move_s=1.2, rest_deg=10.0,
                                  stretch_deg=31.0, fault_deg=34.0, lead_in_s=1.0, tail_s=1.0,
                                  faults=(Fault("back_knee_bent", 1),), seed=12),
    "back_extension": BackExtensionScript(reps=2, lean_deg=25.0, lean_s=1.2, pause_s=0.6, rest_s=1.0,
                                          faults=(Fault("knees_bending", 2),), seed=13),
}


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """exercise -> (report, truth) of its rendered clip, each rendered and scored once, on first use."""
    pytest.importorskip("mediapipe")
    from scoring.runner import ScoreOptions, score_path

    folder = tmp_path_factory.mktemp("stretch_rendered")
    done = {}

    def get(exercise: str):
        if exercise not in done:
            spec = ClipSpec(f"e2e_{exercise}", SCRIPTS[exercise], width=480, height=360, fps=24.0,
                            facing="left" if exercise == "calf_stretch" else "right", body="average",
                            style=SceneStyle(noise_sigma=2.0, blur_sigma_px=0.5, tilt_deg=1.0, figure_frac=0.8),
                            seed=SCRIPTS[exercise].seed)
            path, truth = render_clip(spec, folder)
            result = score_path(path, ScoreOptions(exercise, {}, cache_dir=str(folder / "cache")))
            assert result.error is None, result.error
            done[exercise] = (result.report, truth)
        return done[exercise]

    return get


@pytest.mark.slow
@pytest.mark.parametrize("exercise, fault", [("hip_flexor_stretch", "trunk_leaning_back"),
                                             ("calf_stretch", "back_knee_bent")])
def test_a_stretch_with_a_fault_is_counted_timed_and_flagged(scored, exercise, fault):
    report, truth = scored(exercise)
    assert report.pose_coverage >= 0.9
    assert report.rep_count == truth["expected"]["reps"] == 1
    assert [r.faults for r in report.reps] == [(fault,)]
    assert report.fault_counts == {fault: 1}
    assert report.hold_s == pytest.approx(truth["expected"]["hold_s"], abs=HOLD_TOLERANCE_S)


@pytest.mark.slow
def test_a_bent_back_knee_on_the_far_leg_is_flagged_and_keeps_the_stretch_whole(tmp_path):
    # The back leg is the far one, half hidden behind the front leg as it bends: the pose model placed that knee
    # where it was but rated it under half visible, so the bend went unknown and split the stretch in two (seeds
    # 191 and 231 of the fault sweep; this is 231's clip, its slim body and scene).
    pytest.importorskip("mediapipe")
    from bench.fault_sweep import sweep_specs
    from scoring.runner import ScoreOptions, score_path

    spec = next(s for s in sweep_specs(["calf_stretch"], [231]) if s.name.endswith("_back_knee_bent"))
    assert spec.script.stretched == "far"
    path, truth = render_clip(spec, tmp_path)
    report = score_path(path, ScoreOptions("calf_stretch", {}, cache_dir=str(tmp_path / "cache"))).report
    assert report.rep_count == truth["expected"]["reps"] == 1
    assert [r.faults for r in report.reps] == [("back_knee_bent",)]
    assert report.hold_s == pytest.approx(truth["expected"]["hold_s"], abs=HOLD_TOLERANCE_S)


@pytest.mark.slow
def test_back_extensions_are_counted_with_bent_knees_on_the_second(scored):
    report, truth = scored("back_extension")
    assert report.pose_coverage >= 0.9
    assert report.rep_count == truth["expected"]["reps"] == 2
    assert [r.faults for r in report.reps] == [(), ("knees_bending",)]
    assert report.fault_counts == {"knees_bending": 1}
