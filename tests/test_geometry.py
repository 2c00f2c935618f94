import math

import cv2
import numpy as np
import pytest

from pose.frames import N_BACK_SAMPLES, PoseFrame, PoseSequence, pixel_xy
from pose.geometry import (
    angle_from_horizontal_deg,
    angle_from_vertical_deg,
    arc_bend_deg,
    joint_angle_deg,
    point_to_segment_distance,
)
from pose.landmarks import N_LANDMARKS, Landmark, sided
from pose.outline import back_profile
from pose.smoothing import OneEuroFilter
from pose.view import classify_view

NAN = math.nan


@pytest.mark.parametrize(
    "a, b, c, expected",
    [
        ((0, 0), (1, 0), (2, 0), 180.0),
        ((0, 1), (0, 0), (1, 0), 90.0),
        ((1, 1), (0, 0), (1, 0), 45.0),
        ((1, 0), (0, 0), (1, 0), 0.0),
        ((0, 0, 1), (0, 0, 0), (0, 1, 0), 90.0),
        ((NAN, 0), (0, 0), (1, 0), NAN),
        ((0, 0), (0, 0), (1, 0), NAN),  # zero-length segment: unknown, not 0
    ],
)
def test_joint_angle_hand_values(a, b, c, expected):
    got = joint_angle_deg(np.array(a, float), np.array(b, float), np.array(c, float))
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected, abs=1e-9)


def test_joint_angle_vectorised_over_frames_matches_single_frames():
    rng = np.random.default_rng(0)
    a, b, c = rng.normal(size=(3, 50, 2))
    whole = joint_angle_deg(a, b, c)
    one_by_one = [joint_angle_deg(a[i], b[i], c[i]) for i in range(50)]
    np.testing.assert_allclose(whole, one_by_one)


@pytest.mark.parametrize(
    "start, end, forward, expected",
    [
        ((0, 0), (0, -10), 1, 0.0),  # straight up (y down)
        ((0, 0), (10, -10), 1, 45.0),  # leaning towards facing direction
        ((0, 0), (10, -10), -1, -45.0),  # same line, person faces the other way
        ((0, 0), (10, 0), 1, 90.0),
    ],
)
def test_angle_from_vertical(start, end, forward, expected):
    assert angle_from_vertical_deg(np.array(start, float), np.array(end, float), forward) == pytest.approx(expected)


def test_angle_from_horizontal_positive_when_end_is_higher():
    assert angle_from_horizontal_deg(np.array([0.0, 0]), np.array([10.0, -10])) == pytest.approx(45.0)
    assert angle_from_horizontal_deg(np.array([0.0, 0]), np.array([-10.0, 0]), -1) == pytest.approx(0.0)


@pytest.mark.parametrize(
    "h, expected", [(0.0, 0.0), (0.5, 180.0), (-0.5, -180.0), (math.tan(math.radians(15)) / 2, 60.0)]
)
def test_arc_bend_from_sagitta(h, expected):
    assert arc_bend_deg(h) == pytest.approx(expected)


def test_point_to_segment_distance_clamps_to_ends():
    a, b = np.array([0.0, 0]), np.array([10.0, 0])
    assert point_to_segment_distance(np.array([5.0, 3]), a, b) == pytest.approx(3)
    assert point_to_segment_distance(np.array([13.0, 4]), a, b) == pytest.approx(5)


def test_one_euro_keeps_constant_signal_and_resets_on_nan():
    f = OneEuroFilter()
    for t in np.arange(0, 1, 0.033):
        out = f(t, np.array([5.0, 5.0]))
    np.testing.assert_allclose(out, [5.0, 5.0])
    out = f(1.1, np.array([NAN, 9.0]))
    assert math.isnan(out[0]) and 5.0 < out[1] < 9.0
    out = f(1.2, np.array([7.0, 9.0]))
    assert out[0] == pytest.approx(7.0)  # a landmark coming back starts fresh, not dragged from 5


def smooth_series(t_s, x):
    """A fresh One Euro filter over a whole series, as the engine runs one over a clip."""
    f = OneEuroFilter()
    return np.array([f(float(t), xi) for t, xi in zip(t_s, x)])


def test_one_euro_smooths_jitter_and_uses_time_not_frames():
    t = np.arange(0, 4, 1 / 30)
    rng = np.random.default_rng(1)
    noisy = 100 + rng.normal(0, 3, size=t.size)
    smooth = smooth_series(t, noisy)
    assert np.std(smooth[30:]) < 0.5 * np.std(noisy[30:])
    t_half = t[::2]
    smooth_half = smooth_series(t_half, noisy[::2])
    assert abs(np.mean(smooth_half[15:]) - np.mean(smooth[30:])) < 1.0


@pytest.mark.parametrize("kwargs", [{"min_cutoff_hz": 0}, {"beta": -1}, {"d_cutoff_hz": -2}])
def test_one_euro_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError):
        OneEuroFilter(**kwargs)


def test_pixel_xy_scales_by_image_size_and_hides_low_visibility():
    xyz = np.full((N_LANDMARKS, 3), 0.5)
    vis = np.ones(N_LANDMARKS)
    vis[Landmark.LEFT_KNEE] = 0.2
    xy = pixel_xy(xyz, vis, (640, 480), 0.5)
    assert xy[Landmark.NOSE].tolist() == [320.0, 240.0]
    assert np.isnan(xy[Landmark.LEFT_KNEE]).all()


@pytest.mark.parametrize(
    "field, bad, error",
    [
        ("xyz", np.zeros((32, 3)), "xyz must have shape"),
        ("visibility", np.zeros((33, 1)), "visibility must have shape"),
        ("t_s", math.inf, "t_s must be finite"),
    ],
)
def test_pose_frame_rejects_bad_arrays(field, bad, error):
    args = {
        "t_s": 0.0,
        "xyz": np.zeros((33, 3)),
        "world_xyz": np.zeros((33, 3)),
        "visibility": np.zeros(33),
        "image_size": (10, 10),
    }
    args[field] = bad
    with pytest.raises(ValueError, match=error.split()[0]):
        PoseFrame(**args)


def test_empty_frame_is_unknown_not_none():
    f = PoseFrame.empty(1.0, (640, 480))
    assert not f.found and np.isnan(f.xyz).all() and (f.visibility == 0).all()


def test_sequence_round_trip_and_time_order(tmp_path):
    frames = [PoseFrame.empty(t, (64, 48)) for t in (0.0, 0.1, 0.2)]
    seq = PoseSequence.from_frames(frames)
    seq.save(tmp_path / "s.npz")
    back = PoseSequence.load(tmp_path / "s.npz")
    np.testing.assert_array_equal(back.t_s, seq.t_s)
    assert back.image_size == (64, 48) and len(back) == 3
    with pytest.raises(ValueError, match="strictly increasing"):
        PoseSequence.from_frames([PoseFrame.empty(0.2, (1, 1)), PoseFrame.empty(0.1, (1, 1))])


@pytest.mark.parametrize("ratio, view", [(0.1, "side"), (0.5, "oblique"), (0.8, "front"), (NAN, "unknown")])
def test_classify_view(ratio, view):
    assert classify_view(ratio) == view


def _quadruped_mask(bend_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """A body silhouette on all fours whose back is a circular arc turning through bend_deg."""
    mask = np.zeros((400, 600), np.float32)
    shoulder, hip = np.array([420.0, 200.0]), np.array([180.0, 200.0])
    chord = np.linalg.norm(shoulder - hip)
    thickness = 60.0
    h = np.tan(np.radians(bend_deg) / 4) / 2 * chord
    xs = np.linspace(hip[0], shoulder[0], 200)
    u = (xs - hip[0]) / chord
    top = 200 - thickness - 4 * h * u * (1 - u)
    poly = np.concatenate([np.stack([xs, top], 1), np.array([[shoulder[0], 260.0], [hip[0], 260.0]])])
    cv2.fillPoly(mask, [poly.astype(np.int32)], 1.0)
    xy = np.full((N_LANDMARKS, 2), np.nan)
    for side in ("left", "right"):
        xy[sided("shoulder", side)] = shoulder
        xy[sided("hip", side)] = hip
        xy[sided("knee", side)] = hip + [0, 120]
    return mask, xy


@pytest.mark.parametrize("bend", [-40.0, 0.0, 30.0, 60.0])
def test_back_profile_recovers_drawn_bend(bend):
    from exercises.body import Body
    from exercises.signals import get_signal

    mask, xy = _quadruped_mask(bend)
    prof = back_profile(mask, xy)
    assert prof.shape == (N_BACK_SAMPLES,) and np.isfinite(prof).all()
    body = Body(xy[None], prof[None], "left", np.array([1.0]))
    assert get_signal("spine_flexion_deg")(body)[0] == pytest.approx(bend, abs=4.0)


def test_back_profile_unknown_without_landmarks():
    mask, xy = _quadruped_mask(20)
    xy[:] = np.nan
    assert np.isnan(back_profile(mask, xy)).all()


@pytest.mark.parametrize("end, expected", [((10, 0), 0.0), ((-10, -10), 45.0), ((10, 10), -45.0), ((0, -5), 90.0)])
def test_elevation_is_direction_free(end, expected):
    from pose.geometry import elevation_deg

    assert elevation_deg(np.array([0.0, 0.0]), np.array(end, float)) == pytest.approx(expected)


@pytest.mark.parametrize("end, expected",
                         [((3, 0, 4), 0.0), ((0, -3, 3), 45.0), ((2, 1, 0), -26.565), ((0, -5, 0), 90.0)])
def test_elevation_in_world_metres_counts_depth_as_level(end, expected):
    from pose.geometry import elevation_deg

    assert elevation_deg(np.zeros(3), np.array(end, float)) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize("ankle_xy, shin_known", [((220.0, 400.0), True), ((330.0, 290.0), False)])
def test_a_foot_above_its_knee_gives_no_shin_or_heel_angle_but_keeps_the_knee(ankle_xy, shin_known):
    # Standing leg seen from the left, facing right: hip (300, 200), knee (200, 300). An "ankle" level with the
    # knee, back under the hips, is the pose model taking a hand for the foot.
    from exercises.body import Body
    from exercises.signals import get_signal

    xy = np.full((N_LANDMARKS, 2), np.nan)
    for side in ("left", "right"):
        xy[sided("hip", side)] = (300.0, 200.0)
        xy[sided("knee", side)] = (200.0, 300.0)
        xy[sided("ankle", side)] = ankle_xy
        xy[sided("heel", side)] = (ankle_xy[0] - 10, ankle_xy[1] + 10)
        xy[sided("foot_index", side)] = (ankle_xy[0] + 40, ankle_xy[1] + 10)
    body = Body(xy[None], np.full((1, N_BACK_SAMPLES), np.nan), "left", np.array([1.0]))
    assert np.isfinite(get_signal("support_knee_deg")(body)[0])
    assert np.isfinite(get_signal("support_shin_from_vertical_deg")(body)[0]) == shin_known
    assert np.isfinite(get_signal("support_heel_lift_deg")(body)[0]) == shin_known
