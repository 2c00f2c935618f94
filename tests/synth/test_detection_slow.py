"""End to end: MediaPipe finds the rendered mannequin and reads its angles."""

import pytest

from synth.render import ClipSpec, render_clip
from synth.script import CatCowScript, NerveGlideScript, WallSquatScript

CLIPS = [
    (ClipSpec("slow_wall_squat", WallSquatScript(reps=1, rep_s=2.4, lead_in_s=0.5, tail_s=0.5), facing="right",
              body="broad"), 6.0),
    (ClipSpec("slow_nerve_glide", NerveGlideScript(reps=1, rep_s=2.4, lead_in_s=0.5, tail_s=0.5), facing="left",
              body="slim"), 6.0),
    (ClipSpec("slow_cat_cow", CatCowScript(cycles=1, cycle_s=2.4, end_hold_s=0.3, lead_in_s=0.3, tail_s=0.3),
              facing="right", body="average"), None),
]


@pytest.mark.slow
@pytest.mark.parametrize(("spec", "knee_median_max_deg"), CLIPS, ids=[c[0].name for c in CLIPS])
def test_mediapipe_detects_mannequin_and_reads_knee(tmp_path, spec, knee_median_max_deg):
    pytest.importorskip("mediapipe")
    from synth.check_detection import check_clip

    path, truth = render_clip(spec, tmp_path)
    assert 3.0 <= truth["duration_s"] <= 4.5
    result = check_clip(path)
    assert result["frames"] == len(truth["frames"]["t_s"])
    assert result["detection_rate"] >= 0.9
    if knee_median_max_deg is not None:
        assert result["knee"]["median_deg"] <= knee_median_max_deg
