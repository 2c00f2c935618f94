"""The wall panel a wall squat leans on, drawn from a camera close enough that part of the panel is behind it.

A table camera tilted down, close beside the panel (seed 5502 drew one), has the top of the panel's near edge
behind it: projected as it was (a point behind a pinhole camera has no pixel), it lay 1e12 px off the picture and OpenCV
refused the line, which stopped the whole suite. Only the part in front of the camera is drawn now.
"""

from __future__ import annotations

import numpy as np

from synth.camera import PinholeCamera, View
from synth.scene import WALL_PANEL, SceneStyle, render_background

WIDTH, HEIGHT = 320, 180


def test_a_panel_partly_behind_the_camera_is_drawn_where_it_is_in_front():
    surface, w = -0.1, WALL_PANEL["half_width"]
    # Looking down 40 degrees from just below the panel's top, in line with its near edge and a little off it.
    camera = PinholeCamera(View(0.0, 40.0, 72.0), WIDTH, HEIGHT, np.array([0.2, WALL_PANEL["height"] - 0.2, w + 0.05]))
    edge = np.array([[surface, 0.0, w], [surface, WALL_PANEL["height"], w]])
    bottom_depth, top_depth = camera.depth(edge)
    assert bottom_depth > 0 > top_depth  # the case this is about: the edge runs from in front to behind
    style = SceneStyle(noise_sigma=0.0, blur_sigma_px=0.0, tilt_deg=0.0, texture=0.0)
    img = render_background(WIDTH, HEIGHT, style, camera, "wall", (surface, surface - 0.07), np.random.default_rng(0))
    assert img.shape[:2] == (HEIGHT, WIDTH) and np.isfinite(img.astype(float)).all()
    # The panel's face, in front of the camera, is in the picture: its colour covers part of the frame.
    panel = np.all(np.abs(img.astype(int) - np.array(style.prop_colour)) < 40, axis=-1)
    assert panel.mean() > 0.01
