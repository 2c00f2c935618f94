"""The renderer's cameras: pinhole geometry against hand-computed pixels, the side view kept at yaw 0, a real 3D
body seen from the front, and framing from every view."""

import functools

import numpy as np
import pytest

from synth.camera import (
    CAMERA_HEIGHT_MIN,
    FLOOR_VIEW_MARGIN_DEG,
    MAX_YAW_DEG,
    NEAR_PLANE,
    PinholeCamera,
    View,
    ViewPlan,
    floor_seen_pitch_deg,
    focal_px,
    pitch_band,
    view_rotation,
)
from synth.mannequin import get_body_shape
from synth.render import ClipSpec, clip_camera, simulate
from synth.scene import SceneStyle, fit_transform
from synth.script import CatCowScript, NerveGlideScript, WallSquatScript

S45 = np.sqrt(0.5)

# 640x480 at a 90 degree field of view across the width: focal length 320 px, principal point (320, 240).
# Each row: view, camera position, a point, its pixel worked out by hand (camera x right, y down, z forward).
HAND_CASES = [
    # Side-on, level, camera 2 in front of the near side at height 0.5: the point is 0.5 right, 0.5 up, 2 deep.
    (View(0, 0, 90), (0.0, 0.5, 2.0), (0.5, 1.0, 0.0), False, (320 + 320 * 0.5 / 2, 240 - 320 * 0.5 / 2)),
    # The same, the person facing image-left: the picture flips about the centre column.
    (View(0, 0, 90), (0.0, 0.5, 2.0), (0.5, 1.0, 0.0), True, (320 - 320 * 0.5 / 2, 240 - 320 * 0.5 / 2)),
    # From the front (yaw 90), camera 2 ahead of the body: the far side (z < 0) is on the image's right.
    (View(90, 0, 90), (2.0, 0.5, 0.0), (0.0, 0.5, -0.5), False, (320 + 320 * 0.5 / 2, 240)),
    # A table camera looking 45 degrees down from (0, 2, 2) at the origin: the origin is at the centre ...
    (View(0, 45, 90), (0.0, 2.0, 2.0), (0.0, 0.0, 0.0), False, (320, 240)),
    # ... and a floor point 1 nearer is 2*S45 - S45 below the axis at depth 2*S45 + S45: lower in the picture.
    (View(0, 45, 90), (0.0, 2.0, 2.0), (0.0, 0.0, 1.0), False, (320, 240 + 320 * S45 / (3 * S45))),
    # Yaw 40, level: a point straight along the optical axis lands on the principal point.
    (View(40, 0, 90), (np.sin(np.radians(40)) * 3, 1.0, np.cos(np.radians(40)) * 3), (0.0, 1.0, 0.0), False,
     (320, 240)),
]


@pytest.mark.parametrize(("view", "position", "point", "mirror", "pixel"), HAND_CASES)
def test_pinhole_projects_known_points_to_hand_computed_pixels(view, position, point, mirror, pixel):
    cam = PinholeCamera(view, 640, 480, np.array(position), mirror=mirror)
    assert cam.focal_px == pytest.approx(320.0)
    np.testing.assert_allclose(cam.project(np.array(point)), pixel, atol=1e-9)


@pytest.mark.parametrize("yaw", [0.0, 20.0, 40.0, 60.0, 90.0])
@pytest.mark.parametrize("pitch", [-15.0, 0.0, 15.0])
def test_view_rotation_is_a_right_handed_rotation_with_no_roll(yaw, pitch):
    r = view_rotation(yaw, pitch)
    np.testing.assert_allclose(r @ r.T, np.eye(3), atol=1e-12)
    assert np.linalg.det(r) == pytest.approx(1.0)
    assert r[0, 1] == pytest.approx(0.0)  # image rows stay level: the right vector has no height
    assert -r[2, 1] == pytest.approx(np.sin(np.radians(pitch)))  # positive pitch looks down


def test_through_puts_the_point_on_the_asked_pixel_and_depth():
    cam = PinholeCamera.through(View(35, -10, 55), 1280, 720, np.array([0.1, 0.5, 0.0]), (500.0, 300.0), 2.5)
    np.testing.assert_allclose(cam.project(np.array([0.1, 0.5, 0.0])), (500.0, 300.0), atol=1e-9)
    assert cam.depth(np.array([0.1, 0.5, 0.0])) == pytest.approx(2.5)


def test_near_plane_clip_keeps_the_part_in_front_only():
    cam = PinholeCamera(View(0, 0, 60), 640, 480, np.array([0.0, 0.5, 1.0]))
    # A floor quad from 0.5 in front of the camera to 0.5 behind it (depth = 1 - z).
    quad = np.array([[-1.0, 0.0, 0.5], [1.0, 0.0, 0.5], [1.0, 0.0, 1.5], [-1.0, 0.0, 1.5]])
    clipped = cam.clip_polygon(quad)
    assert len(clipped) == 4
    assert cam.depth(clipped).min() == pytest.approx(NEAR_PLANE)
    np.testing.assert_allclose(cam.clip_polygon(quad[:, :] - [0, 0, 1.0]), quad - [0, 0, 1.0])  # all in front
    assert len(cam.clip_polygon(quad + [0, 0, 1.0])) == 0  # all behind


@functools.cache
def _clip(exercise: str):
    script = {"wall_squat": WallSquatScript(reps=1, rep_s=2.0, lead_in_s=0.2, tail_s=0.2),
              "nerve_glide": NerveGlideScript(reps=1, rep_s=2.0, lead_in_s=0.2, tail_s=0.2),
              "cat_cow": CatCowScript(cycles=1, cycle_s=2.0, end_hold_s=0.2, lead_in_s=0.2, tail_s=0.2)}[exercise]
    return script, simulate(script, fps=24.0)[1]


PROP_X = (-0.1, -0.17)


def _side_view(spec, poses):
    pts = np.vstack([p.skeleton.points() for p in poses[:: max(1, len(poses) // 200)]])
    if poses[0].prop == "wall":
        pts = np.vstack([pts, [[PROP_X[1], 0.0]]])
    return fit_transform(pts, spec.width, spec.height, spec.style, mirror=spec.facing == "left")


@pytest.mark.parametrize("exercise", ["wall_squat", "nerve_glide", "cat_cow"])
@pytest.mark.parametrize("facing", ["right", "left"])
@pytest.mark.parametrize("fov", [45.0, 75.0])
def test_side_on_camera_keeps_the_side_view_pixels_of_the_near_leg(exercise, facing, fov):
    # Yaw 0, level: the near leg's plane is drawn exactly where the orthographic side view (how every clip was
    # drawn before there was a camera) draws it, so side-on suites and the sample videos keep their meaning.
    script, poses = _clip(exercise)
    spec = ClipSpec("x", script, facing=facing, style=SceneStyle(figure_frac=0.8), view=View(0, 0, fov))
    cam, side = clip_camera(spec, poses, PROP_X), _side_view(spec, poses)
    for joint in ("hip", "knee", "ankle", "heel", "toe"):
        points = np.stack([p.skeleton[f"near_{joint}"] for p in poses])
        assert np.abs(cam.project(points) - side.apply(points)).max() < 0.01, joint


def test_side_on_camera_moves_off_plane_points_only_by_their_perspective():
    # Shoulders and the head are not in the near leg's plane; they move by their depth's perspective, which a long
    # lens shrinks (a few pixels at 60 degrees, about a pixel at 20 on a 640x480 wall squat).
    script, poses = _clip("wall_squat")
    shifts = {}
    for fov in (20.0, 60.0):
        spec = ClipSpec("x", script, style=SceneStyle(figure_frac=0.8), view=View(0, 0, fov))
        cam, side = clip_camera(spec, poses, PROP_X), _side_view(spec, poses)
        points = np.stack([p.skeleton[j] for p in poses for j in ("near_shoulder", "near_elbow", "head")])
        shifts[fov] = np.abs(cam.project(points) - side.apply(points)).max()
    assert shifts[20.0] < 1.5 and shifts[60.0] < 5.0
    assert shifts[20.0] < shifts[60.0] / 2.5


@pytest.mark.parametrize(("facing", "near_on_left"), [("right", True), ("left", False)])
def test_front_view_shows_the_hips_a_hip_width_apart(facing, near_on_left):
    script, poses = _clip("wall_squat")
    spec = ClipSpec("x", script, facing=facing, view=View(90, 0, 60))
    cam = clip_camera(spec, poses, PROP_X)
    sk = poses[0].skeleton
    hips = np.stack([sk["near_hip"], sk["far_hip"]])
    (near_u, near_v), (far_u, far_v) = cam.project(hips)
    hip_width = get_body_shape(spec.body).proportions.hip_width
    # Both hips are at the same depth from the front, so they are a hip width apart at that depth's scale.
    assert abs(near_u - far_u) == pytest.approx(hip_width * float(cam.px_per_unit(hips.mean(axis=0))), abs=0.5)
    assert near_v == pytest.approx(far_v, abs=1e-6)
    # Facing right shows the right (near) side; from the front the person's right is on the viewer's left.
    assert (near_u < far_u) == near_on_left
    # Side-on the two hips fall on almost the same pixel: one hides the other.
    side_cam = clip_camera(ClipSpec("x", script, facing=facing), poses, PROP_X)
    assert abs(np.subtract(*side_cam.project(hips)[:, 0])) < 0.2 * abs(near_u - far_u)


@pytest.mark.parametrize("exercise", ["wall_squat", "nerve_glide", "cat_cow"])
def test_every_view_keeps_the_body_in_frame_and_the_camera_above_the_floor(exercise):
    script, poses = _clip(exercise)
    pts = np.vstack([p.skeleton.points3d() for p in poses])
    for yaw in (y for y in (0.0, 20.0, 40.0, 60.0, 90.0) if y <= MAX_YAW_DEG[exercise]):
        for pitch in (-17.0, 0.0, 17.0):
            # A wide landscape frame with a long lens shows little height: a floor camera there is tilted less.
            for (w, h), fov in (((640, 480), 75.0), ((720, 1280), 50.0), ((1280, 720), 50.0)):
                spec = ClipSpec("x", script, width=w, height=h, style=SceneStyle(figure_frac=0.85),
                                view=View(yaw, pitch, fov))
                cam = clip_camera(spec, poses, PROP_X)
                uv = cam.project(pts)
                assert (uv >= 0).all() and (uv <= (w, h)).all(), (yaw, pitch, w, h)
                assert cam.position[1] >= CAMERA_HEIGHT_MIN - 1e-9
                assert cam.depth(pts).min() > NEAR_PLANE


def test_a_floor_camera_is_tilted_up_only_as_far_as_its_frame_shows_the_floor():
    script, _ = _clip("wall_squat")
    # 1280x720 at 50 degrees across: the picture spans 14.8 degrees either side of the axis, so tilted up 16.6 the
    # floor under the feet is below the frame from any distance (seed 307's wall squat 01 lost its feet so).
    steep = ClipSpec("x", script, width=1280, height=720, view=View(40, -16.6, 50.3))
    assert steep.view.pitch_deg == pytest.approx(-(np.degrees(np.arctan(360 / focal_px(50.3, 1280, 720)))
                                                   - FLOOR_VIEW_MARGIN_DEG))
    assert floor_seen_pitch_deg(50.3, 1280, 720) == steep.view.pitch_deg
    assert (steep.view.yaw_deg, steep.view.fov_deg) == (40, 50.3)
    # A view the frame can take is kept as drawn: the portrait frame's taller picture, or a table camera.
    for w, h, pitch in ((720, 1280, -16.6), (1280, 720, 16.6), (1280, 720, -8.0)):
        assert ClipSpec("x", script, width=w, height=h, view=View(40, pitch, 50.3)).view.pitch_deg == pitch


@pytest.mark.parametrize(("pitch", "band"), [(-16.0, "floor"), (-5.0, "level"), (0.0, "level"), (4.9, "level"),
                                             (5.1, "table"), (15.0, "table")])
def test_pitch_bands(pitch, band):
    assert pitch_band(pitch) == band


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: View(yaw_deg=-10.0), "yaw_deg"),
        (lambda: View(yaw_deg=120.0), "yaw_deg"),
        (lambda: View(pitch_deg=50.0), "pitch_deg"),
        (lambda: View(fov_deg=5.0), "fov_deg"),
        (lambda: ViewPlan(yaws_deg=()), "yaws_deg"),
        (lambda: ViewPlan(yaws_deg=(0.0, 0.0)), "yaws_deg"),
        (lambda: ViewPlan(pitch_deg=44.0), "pitch_deg"),
        (lambda: ViewPlan(fov_deg=(70.0, 50.0)), "fov_deg"),
        (lambda: ClipSpec("x", NerveGlideScript(), view=View(90.0)), "nerve_glide is filmed at yaw 0-60"),
        (lambda: ClipSpec("x", CatCowScript(), view=View(75.0)), "cat_cow is filmed at yaw 0-60"),
        (lambda: ClipSpec("x", WallSquatScript(), view=View(90.0)), None),
    ],
)
def test_bad_views_raise_and_say_what_was_expected(make, message):
    if message is None:
        make()
        return
    with pytest.raises(ValueError, match=message):
        make()
