"""Geometry helpers against hand-computed values."""

import numpy as np
import pytest

from synth.skeleton import (
    angle_from_vertical_deg,
    arc_points,
    interior_angle_deg,
    turning_angle_deg,
    two_link_ik,
)


@pytest.mark.parametrize(
    ("a", "b", "c", "expected"),
    [
        ((0, 1), (0, 0), (1, 0), 90.0),
        ((0, 1), (0, 0), (0, -1), 180.0),
        ((1, 0), (0, 0), (1, 1), 45.0),
        ((1, 0), (0, 0), (1, 0), 0.0),
        ((-1, 0), (0, 0), (1, np.sqrt(3)), 120.0),
    ],
)
def test_interior_angle_hand_cases(a, b, c, expected):
    assert interior_angle_deg(np.array(a, float), np.array(b, float), np.array(c, float)) == pytest.approx(expected)


def test_interior_angle_is_vectorised_and_nan_propagates():
    a = np.array([[0.0, 1.0], [np.nan, 1.0]])
    b = np.zeros((2, 2))
    c = np.array([[1.0, 0.0], [1.0, 0.0]])
    out = interior_angle_deg(a, b, c)
    assert out.shape == (2,)
    assert out[0] == pytest.approx(90.0)
    assert np.isnan(out[1])


@pytest.mark.parametrize(("upper", "expected"), [((0, 1), 0.0), ((1, 1), 45.0), ((-1, 1), 45.0), ((1, 0), 90.0)])
def test_angle_from_vertical(upper, expected):
    assert angle_from_vertical_deg(np.zeros(2), np.array(upper, float)) == pytest.approx(expected)


@pytest.mark.parametrize("turn", [-60.0, -25.0, -5.0, 0.0, 5.0, 40.0, 90.0])
def test_arc_turning_angle_round_trip(turn):
    start, end = np.array([0.0, 0.3]), np.array([0.28, 0.36])
    pts = arc_points(start, end, turn, n=64)
    np.testing.assert_allclose(pts[0], start, atol=1e-12)
    np.testing.assert_allclose(pts[-1], end, atol=1e-12)
    assert turning_angle_deg(pts) == pytest.approx(turn, abs=1e-6)


def test_positive_arc_bulges_left_of_travel():
    # Hip -> shoulder along +x on hands and knees: left of travel is up (cat).
    pts = arc_points(np.array([0.0, 0.0]), np.array([1.0, 0.0]), 90.0, n=33)
    mid = pts[16]
    # Sagitta of a 90 degree arc on a unit chord: r - r cos 45, r = 1/(2 sin 45).
    r = 1.0 / (2.0 * np.sin(np.radians(45.0)))
    assert mid[1] == pytest.approx(r - r * np.cos(np.radians(45.0)))


@pytest.mark.parametrize("bend_left", [True, False])
def test_two_link_ik_keeps_lengths_and_side(bend_left):
    root, target = np.array([0.0, 0.0]), np.array([0.3, 0.1])
    mid = two_link_ik(root, target, 0.2, 0.18, bend_left)
    assert np.hypot(*(mid - root)) == pytest.approx(0.2)
    assert np.hypot(*(target - mid)) == pytest.approx(0.18)
    cross = np.cross(target - root, mid - root)
    assert (cross > 0) == bend_left
