"""The chair a seated exercise is drawn on: under the sitter's hips, behind the knees, and with or without a back.

MediaPipe reads a sitter drawn with no seat badly: with nothing under the hips it laid the straightened leg onto
the hanging one (a knee drawn at 168 degrees read 128-140, one drawn at 155 read 91-108 for 0.7 s, which split the
rep in two). With the chair the same clips read as drawn, so the chair is part of the scene, as it is at home.
"""

from __future__ import annotations

import numpy as np
import pytest

from synth.mannequin import get_body_shape
from synth.render import simulate
from synth.scene import CHAIR, Chair, SceneStyle, fit_transform, random_chair, render_background
from synth.seated_scripts import SeatedKneeExtensionScript

WIDTH, HEIGHT = 320, 240


def _seated_scene(chair: Chair | None, prop: str = "chair"):
    _, poses, _ = simulate(SeatedKneeExtensionScript(reps=1, seed=3), "average", 10.0)
    style = SceneStyle(noise_sigma=0.0, blur_sigma_px=0.0, tilt_deg=0.0, texture=0.0)
    points = np.vstack([p.skeleton.points() for p in poses])
    camera = fit_transform(points, WIDTH, HEIGHT, style, mirror=False)
    background = render_background(WIDTH, HEIGHT, style, camera, prop, (0.0, 0.1), np.random.default_rng(0), chair)
    return poses, camera, background


def _chair_pixels(background: np.ndarray, colour) -> np.ndarray:
    return np.all(np.abs(background.astype(int) - np.array(colour)) < 40, axis=-1)


def test_the_seat_is_under_the_hips_and_stops_short_of_the_knees():
    body = get_body_shape("average")
    _, poses, _ = simulate(SeatedKneeExtensionScript(reps=1, seed=3), "average", 10.0)
    hip, knee = poses[0].skeleton["near_hip"], poses[0].skeleton["near_knee"]
    for seed in range(20):
        chair = random_chair(float(hip[0]), float(hip[1]) - body.thigh_under_hip, body.pelvis_back_depth,
                             np.random.default_rng(seed))
        assert chair.back_x <= hip[0] - body.pelvis_back_depth < hip[0] < chair.front_x < knee[0]
        assert 0.0 < chair.seat_y < hip[1]


@pytest.mark.parametrize("backrest", [True, False])
def test_the_chair_is_drawn_from_the_floor_to_the_seat_and_the_backrest_only_on_a_chair(backrest):
    body = get_body_shape("average")
    colour = (30, 160, 30)  # unlike anything else in the scene
    poses, camera, _ = _seated_scene(None, "mat")
    hip = poses[0].skeleton["near_hip"]
    seat_y = float(hip[1]) - body.thigh_under_hip
    chair = Chair(float(hip[0]) - 0.08, float(hip[0]) + 0.15, seat_y, backrest, colour)
    _, _, background = _seated_scene(chair)
    rows = np.flatnonzero(_chair_pixels(background, colour).any(axis=1))
    seat_row = camera.project(np.array([hip[0], seat_y, 0.0]))[1]
    floor_row = camera.project(np.array([hip[0], 0.0, 0.0]))[1]
    assert rows.size
    assert rows.max() == pytest.approx(floor_row, abs=3)  # the legs stand on the floor
    top_row = camera.project(np.array([hip[0], seat_y + CHAIR["backrest_height"], 0.0]))[1]
    if backrest:
        assert rows.min() == pytest.approx(top_row, abs=3)
    else:
        assert rows.min() == pytest.approx(seat_row, abs=3)


def test_a_chair_goes_with_the_chair_prop_only():
    with pytest.raises(ValueError, match="chair"):
        _seated_scene(None, "chair")
    with pytest.raises(ValueError, match="chair"):
        _seated_scene(Chair(0.0, 0.2, 0.3, True, (0, 0, 0)), "mat")
