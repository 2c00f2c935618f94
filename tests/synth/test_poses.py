"""Pose generators: angles recomputed from joints equal the requested angles."""

import numpy as np
import pytest

from synth.mannequin import BODY_SHAPES, ImageTransform
from synth.poses import (
    CatCowAngles,
    NerveGlideAngles,
    WallSquatAngles,
    cat_cow_pose,
    nerve_glide_pose,
    wall_squat_pose,
    wall_squat_shin_deg,
)
from synth.skeleton import BodyProportions, interior_angle_deg, turning_angle_deg

PROPS = [shape.proportions for shape in BODY_SHAPES.values()]


def _signed_from_vertical(lower, upper):
    d = upper - lower
    return np.degrees(np.arctan2(d[0], d[1]))


@pytest.mark.parametrize("props", PROPS)
@pytest.mark.parametrize(
    ("knee", "lean", "shin"),
    [(178.0, 0.0, -20.0), (90.0, 0.0, 0.0), (90.0, 25.0, 10.0), (60.0, 3.0, 35.0), (120.0, -5.0, 15.0)],
)
def test_wall_squat_angles(props, knee, lean, shin):
    sk = wall_squat_pose(WallSquatAngles(knee, lean, shin), props).skeleton
    assert interior_angle_deg(sk["near_hip"], sk["near_knee"], sk["near_ankle"]) == pytest.approx(knee)
    assert _signed_from_vertical(sk["near_hip"], sk["near_shoulder"]) == pytest.approx(lean)
    assert _signed_from_vertical(sk["near_ankle"], sk["near_knee"]) == pytest.approx(shin)
    # In a planar chain the hip angle follows: knee + shin - lean. The trunk is the midline's, in the sagittal
    # plane (the near shoulder is wider than the near hip, so it is measured on the (x, y) projection).
    hip = interior_angle_deg(sk["near_shoulder"][:2], sk["near_hip"][:2], sk["near_knee"][:2])
    assert hip == pytest.approx(knee + shin - lean)
    # The hip is the wall anchor and the toes are on the floor.
    assert sk["near_hip"][0] == pytest.approx(0.0)
    assert sk["near_toe"][1] == pytest.approx(0.0)


def test_wall_squat_standing_straight_has_hip_180():
    sk = wall_squat_pose(WallSquatAngles(180.0, 0.0, 0.0), BodyProportions()).skeleton
    assert interior_angle_deg(sk["near_shoulder"][:2], sk["near_hip"][:2], sk["near_knee"][:2]) == pytest.approx(180.0)


@pytest.mark.parametrize("setback", [0.06, 0.15, 0.22])
def test_wall_constraint_keeps_feet_still(setback):
    props = BodyProportions()
    ankles = []
    for knee in (178.0, 140.0, 100.0, 90.0, 70.0):
        shin = wall_squat_shin_deg(knee, setback, props)
        sk = wall_squat_pose(WallSquatAngles(knee, 0.0, shin), props).skeleton
        ankles.append(sk["near_ankle"][0] - sk["near_hip"][0])
    np.testing.assert_allclose(ankles, setback, atol=1e-9)


def test_feet_close_to_wall_put_knees_past_toes():
    props = BodyProportions()
    assert wall_squat_shin_deg(90.0, 0.06, props) >= 30.0
    assert wall_squat_shin_deg(90.0, 0.2, props) < 20.0


def test_heel_lift_raises_heel_keeps_toe_down():
    sk = wall_squat_pose(WallSquatAngles(120.0, 0.0, 10.0, heel_lift_deg=20.0), BodyProportions()).skeleton
    assert sk["near_toe"][1] == pytest.approx(0.0)
    assert sk["near_heel"][1] > 0.03


@pytest.mark.parametrize("props", PROPS)
@pytest.mark.parametrize(("knee", "hip", "ankle"), [(90.0, 90.0, 110.0), (150.0, 90.0, 88.0), (170.0, 120.0, 95.0),
                                                    (120.0, 70.0, 100.0)])
def test_nerve_glide_angles(props, knee, hip, ankle):
    sk = nerve_glide_pose(NerveGlideAngles(knee, hip, ankle), props).skeleton
    assert interior_angle_deg(sk["near_hip"], sk["near_knee"], sk["near_ankle"]) == pytest.approx(knee)
    assert interior_angle_deg(sk["near_shoulder"][:2], sk["near_hip"][:2], sk["near_knee"][:2]) == pytest.approx(hip)
    assert interior_angle_deg(sk["near_knee"], sk["near_ankle"], sk["near_toe"]) == pytest.approx(ankle)


def test_nerve_glide_thigh_vertical_at_hip_90_and_other_leg_flat():
    sk = nerve_glide_pose(NerveGlideAngles(90.0, 90.0), BodyProportions()).skeleton
    thigh = sk["near_knee"] - sk["near_hip"]
    # The trunk is nearly level, so hip 90 puts the thigh within 1 degree of vertical.
    assert abs(np.degrees(np.arctan2(thigh[0], thigh[1]))) < 1.0
    far_leg = sk["far_ankle"] - sk["far_hip"]
    assert abs(np.degrees(np.arctan2(far_leg[1], far_leg[0]))) < 6.0
    # Hands hold the raised thigh: wrists are closer to the knee than to the hip's floor level.
    assert sk["near_wrist"][1] > sk["near_hip"][1] + 0.1


@pytest.mark.parametrize("flexion", [-30.0, -10.0, 0.0, 12.0, 30.0])
def test_cat_cow_spine_and_support(flexion):
    sk = cat_cow_pose(CatCowAngles(flexion, 0.5 * flexion), BodyProportions()).skeleton
    assert turning_angle_deg(sk.spine) == pytest.approx(flexion, abs=1e-6)
    # Wrists under shoulders, knees under hips.
    assert sk["near_wrist"][0] == pytest.approx(sk["near_shoulder"][0])
    assert sk["near_knee"][0] == pytest.approx(sk["near_hip"][0])
    # The back curve runs on the midline, from mid-hip to mid-shoulder.
    np.testing.assert_allclose(sk.spine[0], (sk["near_hip"] + sk["far_hip"]) / 2, atol=1e-12)
    np.testing.assert_allclose(sk.spine[-1], (sk["near_shoulder"] + sk["far_shoulder"]) / 2, atol=1e-12)


def test_cat_rounds_up_and_cow_sags():
    props = BodyProportions()
    cat = cat_cow_pose(CatCowAngles(30.0), props).skeleton
    cow = cat_cow_pose(CatCowAngles(-30.0), props).skeleton
    chord_mid_y = (cat["near_hip"][1] + cat["near_shoulder"][1]) / 2
    assert cat.spine[len(cat.spine) // 2][1] > chord_mid_y + 0.01
    assert cow.spine[len(cow.spine) // 2][1] < chord_mid_y - 0.01


@pytest.mark.parametrize("mirror", [False, True])
def test_mirroring_preserves_interior_angles_and_flips_x(mirror):
    sk = wall_squat_pose(WallSquatAngles(95.0, 5.0, 12.0), BodyProportions()).skeleton
    t = ImageTransform(scale_px=400.0, origin_px=(320.0, 400.0), mirror=mirror)
    hip, knee, ankle = (t.apply(sk[f"near_{j}"]) for j in ("hip", "knee", "ankle"))
    assert interior_angle_deg(hip, knee, ankle) == pytest.approx(95.0)
    # The person faces +x in the body frame: the toes are right of the heel
    # in the image unless mirrored.
    toe_x, heel_x = t.apply(sk["near_toe"])[0], t.apply(sk["near_heel"])[0]
    assert (toe_x < heel_x) == mirror
    # Image y points down: the head is above (smaller y) the feet.
    assert t.apply(sk["head"])[1] < t.apply(sk["near_toe"])[1]
