"""The mannequin walking (synth.gait_video): a short walk drawn to a video with its truth."""

import json

import av
import numpy as np

from synth.gait_script import WalkScript, simulate_walk
from synth.gait_video import render_walk, walk_skeletons
from synth.mannequin import get_body_shape


def test_skeletons_put_the_near_leg_towards_the_camera():
    script = WalkScript(duration_s=0.5)
    walk = simulate_walk(script, np.arange(0.0, 0.5, 0.1))
    skeletons = walk_skeletons(walk, script.height_m, near_leg="right")
    assert len(skeletons) == 5
    for i, sk in enumerate(skeletons):
        assert sk["near_knee"][2] > 0 > sk["far_knee"][2]
        np.testing.assert_allclose(sk["near_knee"][:2], walk.points["knee_right"][i] / script.height_m)


def test_a_short_walk_renders_with_its_truth(tmp_path):
    script = WalkScript(speed_m_per_s=1.2, duration_s=0.6, drop_leg="left")
    video, truth = render_walk(script, tmp_path, "w", seed=3, width=160, height=96, fps=25.0, walks_right=False)
    with av.open(str(video)) as container:
        frames = [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]
    assert len(frames) == len(truth["t_s"]) == 15
    assert frames[0].shape == (96, 160, 3) and frames[7].std() > 5  # something is drawn
    assert json.loads((tmp_path / "w.truth.json").read_text()) == truth
    assert truth["near_leg"] == "left" and truth["foot_drop_leg"] == "left"


def test_walkers_vary_in_build_and_in_the_colour_and_length_of_their_shoes():
    from synth.gait_video import random_walker

    walkers = [random_walker(np.random.default_rng([seed, 17])) for seed in range(40)]
    assert len({w.name for w in walkers}) >= 3
    assert len({w.palette.shoes for w in walkers}) >= 4
    ratios = [w.proportions.foot / get_body_shape(w.name).proportions.foot for w in walkers]
    assert 0.9 <= min(ratios) < 0.97 and 1.08 < max(ratios) <= 1.15
