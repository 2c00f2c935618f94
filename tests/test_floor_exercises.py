"""Floor exercises through the engine on synthetic skeleton traces: "this trace gives these reps, holds and faults"."""

import dataclasses

import numpy as np
import pytest

from exercises.engine import score_sequence
from exercises.registry import get_exercise
from pose.landmarks import Landmark
from tests import skeleton as sk

PRESS = get_exercise("prone_press_up")
UPPER_ARM, FOREARM = 55.0, 50.0


def prone_frame(t_s: float, rise_deg: float, thigh_deg: float, elbow_deg: float, facing: int = 1):
    """Lying face down, head towards image-right when facing=+1: the knee on the floor, the thigh rising
    `thigh_deg` to the hip, the trunk rising `rise_deg` from the hip, the arm bent at `elbow_deg`."""
    knee = np.array([320.0 - 150.0 * facing, 420.0])
    hip = knee + sk.THIGH * np.array([np.cos(np.radians(thigh_deg)) * facing, -np.sin(np.radians(thigh_deg))])
    shoulder = hip + sk.TRUNK * np.array([np.cos(np.radians(rise_deg)) * facing, -np.sin(np.radians(rise_deg))])
    elbow = shoulder + np.array([-10.0 * facing, UPPER_ARM])
    up = (shoulder - elbow) / np.linalg.norm(shoulder - elbow)
    forearm = max(sk._rotations(up, elbow_deg), key=lambda v: v[0] * facing)  # the hand is ahead of the elbow
    wrist = elbow + FOREARM * forearm
    ankle = knee + np.array([-sk.SHIN * facing, 0.0])
    ear = shoulder + sk.NECK * np.array([np.cos(np.radians(rise_deg)) * facing, -np.sin(np.radians(rise_deg))])
    pts = {
        "knee": knee, "hip": hip, "shoulder": shoulder, "elbow": elbow, "wrist": wrist, "index": wrist,
        "ankle": ankle, "heel": ankle + np.array([0.0, -8.0]), "foot_index": ankle + np.array([-20.0 * facing, 4.0]),
        "ear": ear, "eye": ear + np.array([5.0 * facing, 3.0]),
    }
    return sk._frame(t_s, pts, facing, "right" if facing > 0 else "left")


def trace_clip(keys, fps=30.0, facing=1):
    """Frames from keyframes (t_s, rise_deg, thigh_deg, elbow_deg), each column eased between its keys."""
    t, rise = sk.trace([(k[0], k[1]) for k in keys], fps)
    _, thigh = sk.trace([(k[0], k[2]) for k in keys], fps)
    _, elbow = sk.trace([(k[0], k[3]) for k in keys], fps)
    return sk.sequence([prone_frame(*v, facing=facing) for v in zip(t, rise, thigh, elbow)])


LYING = (0.0, 5.0, 50.0)  # rise, thigh, elbow


def press_ups(n, top=(42.0, 5.0, 178.0), up_s=1.5, top_s=2.0, pause_s=1.0, faults=None):
    """Keyframes of n press-ups from lying; `faults` maps a rep (1-based) to the pose held at its top instead."""
    keys, t = [(0.0, *LYING)], 0.0
    for i in range(1, n + 1):
        t += pause_s
        keys.append((t, *LYING))
        at_top = (faults or {}).get(i, top)
        t += up_s
        keys.append((t, *at_top))
        t += top_s
        keys.append((t, *at_top))
        t += up_s
        keys.append((t, *LYING))
    keys.append((t + pause_s, *LYING))
    return keys


@pytest.mark.parametrize(("n", "fps", "facing"), [(3, 30.0, 1), (1, 24.0, -1), (2, 60.0, -1)])
def test_press_ups_are_counted_with_their_end_range_hold(n, fps, facing):
    report = score_sequence(trace_clip(press_ups(n, top_s=2.0), fps, facing), PRESS)
    assert report.rep_count == n
    assert report.fault_counts == {}
    assert report.side == ("right" if facing > 0 else "left")
    # The hold is the 2 s pause at the top, held still; the way up and down is not holding.
    assert report.hold_s == pytest.approx(2.0, abs=0.2)
    assert np.allclose([r.high["trunk_over_thigh_deg"] for r in report.reps], 37.0, atol=2.0)


@pytest.mark.parametrize("elbow_deg", [158.0, 120.0])
def test_the_pause_at_the_top_is_timed_whatever_the_elbows_read(elbow_deg):
    # Straight arms filmed 38 degrees off side-on read 157-164 (rendered seed 372), and bent ones are the rep's own
    # fault: either way the 2 s held at the top is the end-range hold, not a hold lost.
    report = score_sequence(trace_clip(press_ups(2, top=(42.0, 5.0, elbow_deg), top_s=2.0)), PRESS)
    assert report.hold_s == pytest.approx(2.0, abs=0.2)
    assert [p.faults for p in report.partial_reps] == [("arms_not_straight",)] * 2


HIPS_UP = (50.0, 28.0, 178.0)  # the pelvis comes off the floor at the top: the thigh tips up
BENT_ARMS = (30.0, 5.0, 120.0)  # stopped with the elbows bent: still a clear lift


@pytest.mark.parametrize(
    "faults, rep_faults, partial_faults",
    [
        pytest.param({2: HIPS_UP}, [(), ("hips_lifting",), ()], [], id="hips_lifting"),
        # A press-up stopped with bent arms breaks the range rule, the spec's partial fault: a partial rep, not a rep.
        pytest.param({3: BENT_ARMS}, [(), ()], [("arms_not_straight",)], id="arms_not_straight"),
        pytest.param({1: BENT_ARMS, 2: HIPS_UP}, [("hips_lifting",), ()], [("arms_not_straight",)], id="both"),
    ],
)
def test_each_fault_lands_on_its_rep_and_nowhere_else(faults, rep_faults, partial_faults):
    report = score_sequence(trace_clip(press_ups(3, up_s=1.2, top_s=1.5, pause_s=0.6, faults=faults), 24.0), PRESS)
    assert [r.faults for r in report.reps] == rep_faults
    assert [p.faults for p in report.partial_reps] == partial_faults
    assert sum(report.fault_counts.values()) == sum(len(f) for f in rep_faults + partial_faults)


def elbows_read_on_the_arms_line(seq):
    """The clip with each elbow landmark put half way from its shoulder to its wrist, where the pose model often places
    the elbow of an arm bent under the chest: every elbow then reads straight, only the reach still shows a bend."""
    def on_the_line(f):
        xyz = f.xyz.copy()
        for side in ("LEFT", "RIGHT"):
            elbow, shoulder, wrist = (Landmark[f"{side}_{part}"] for part in ("ELBOW", "SHOULDER", "WRIST"))
            xyz[elbow] = (xyz[shoulder] + xyz[wrist]) / 2
        return dataclasses.replace(f, xyz=xyz)

    return sk.each_frame(seq, on_the_line)


@pytest.mark.parametrize(("bent_rep", "elbow_deg"), [(2, 90.0), (1, 100.0), (3, 90.0)])
def test_a_press_up_stopped_with_bent_arms_read_straight_is_known_by_its_short_reach(bent_rep, elbow_deg):
    # The hands stay planted, so elbows that stop bent bring the shoulder nearer them: the arm reaches less than on
    # the set's other reps, however straight the misplaced elbow landmark reads.
    keys = press_ups(3, faults={bent_rep: (42.0, 5.0, elbow_deg)})
    report = score_sequence(elbows_read_on_the_arms_line(trace_clip(keys)), PRESS)
    assert max(r.high["arm_elbow_deg"] for r in (*report.reps, *report.partial_reps)) > 175.0
    assert report.rep_count == 2
    assert [r.faults for r in report.reps] == [(), ()]
    assert [(p.index, p.faults) for p in report.partial_reps] == [(1, ("arms_not_straight",))]
    bent_from_s = 1.0 + (bent_rep - 1) * 6.0  # each press-up: 1 s lying, 1.5 s up, 2 s at the top, 1.5 s down
    assert bent_from_s <= report.partial_reps[0].start_s < report.partial_reps[0].end_s <= bent_from_s + 5.0


def test_one_rep_read_reaching_long_leaves_the_others_full():
    # A wrist misfit far from the shoulder on one rep reads that rep's reach long: the others are judged against the
    # median of the rest, not against that best, so they stay full reps.
    def wrist_read_far(f):
        if not 2.5 <= f.t_s <= 4.5:  # the first rep's top
            return f
        xyz = f.xyz.copy()
        for side in ("LEFT", "RIGHT"):
            shoulder, wrist = Landmark[f"{side}_SHOULDER"], Landmark[f"{side}_WRIST"]
            xyz[wrist] = xyz[shoulder] + 1.3 * (xyz[wrist] - xyz[shoulder])
        return dataclasses.replace(f, xyz=xyz)

    report = score_sequence(sk.each_frame(trace_clip(press_ups(3)), wrist_read_far), PRESS)
    reaches = [r.high["arm_reach_ratio"] for r in report.reps]
    assert reaches[0] > 1.2 * max(reaches[1:])
    assert report.rep_count == 3
    assert report.fault_counts == {}


@pytest.mark.parametrize(("lost_from_s", "lost_s"), [(5.6, 1.8), (5.6, 0.6), (3.0, 1.4)])
def test_a_body_lost_lying_flat_between_press_ups_still_ends_the_rep(lost_from_s, lost_s):
    # Face down between reps the pose model loses some bodies (rendered press-ups side-on, 1.6-2.6 s): the back is
    # last read on the way down and next on the way up, never at rest. Lost that long and found again short of the work
    # zone, the rep ended unseen; lost at the top of a hold and found there again, it is the same rep.
    report = score_sequence(sk.unfound(trace_clip(press_ups(3)), lost_from_s, lost_from_s + lost_s), PRESS)
    assert report.rep_count == 3
    assert report.partial_rep_count == 0
    assert report.fault_counts == {}


@pytest.mark.parametrize(("lying_thigh_deg", "top_thigh_deg", "flagged"), [
    # A body the pose model reads lying 8 degrees low: hips lifted read 17, under the level a lift reaches from level,
    # but 20 above the person's own rest.
    (-3.0, 17.0, True),
    # One read lying 12 up: the pelvis rolling forward at full extension reads 23, but only 11 above that rest.
    (12.0, 23.0, False),
])
def test_hips_lifting_is_judged_from_the_thigh_lying_at_rest(lying_thigh_deg, top_thigh_deg, flagged):
    lying = (0.0, lying_thigh_deg, 50.0)
    top = (top_thigh_deg + 37.0, top_thigh_deg, 178.0)
    keys = [(0.0, *lying), (1.0, *lying), (2.5, *top), (4.5, *top), (6.0, *lying), (7.0, *lying)]
    report = score_sequence(trace_clip(keys, 30.0), PRESS)
    assert report.rep_count == 1
    assert report.fault_counts == ({"hips_lifting": 1} if flagged else {})


def test_a_lift_half_way_to_the_work_zone_is_a_partial_rep_with_the_range_fault():
    keys = [(0.0, *LYING), (1.0, *LYING), (2.5, 19.0, 5.0, 80.0), (4.0, 19.0, 5.0, 80.0), (5.5, *LYING), (6.5, *LYING)]
    report = score_sequence(trace_clip(keys), PRESS)
    assert report.rep_count == 0
    assert [p.faults for p in report.partial_reps] == [("arms_not_straight",)]


@pytest.mark.parametrize("tip_deg", [20.0, -20.0])
def test_press_ups_on_a_floor_the_picture_tips_are_counted(tip_deg):
    # Filmed 40 degrees round from a camera 15 degrees down, a thigh and a trunk lying flat both read 15-20 below
    # level (rendered seed 6601): a thigh that low is no misfit of the legs when the trunk lies as low, and every rep
    # was lost to that. Tipped the other way the floor rises towards the head, which never looked like a misfit.
    report = score_sequence(sk.tipped(trace_clip(press_ups(3)), tip_deg), PRESS)
    assert report.rep_count == 3
    assert report.partial_rep_count == 0
    assert report.fault_counts == {}
    assert report.hold_s == pytest.approx(2.0, abs=0.2)


@pytest.mark.parametrize("tip_deg", [0.0, 20.0])
def test_legs_misfit_while_lying_still_are_no_lift(tip_deg):
    # Lying with the arms folded by the head, the pose model may fit the legs to the arms for a second or two: the
    # thigh reads 40-50 degrees below level (the knee above the hip), which face down it cannot be, and the frames
    # on the way into and out of that misfit read the back part-way up over it. On a floor the picture tips, as far
    # below the floor's line.
    misfit, between = (0.0, -48.0, 50.0), (0.0, -9.0, 50.0)
    keys = [(0.0, *LYING), (0.6, *LYING), (0.7, *between), (0.8, *between), (0.9, *misfit), (2.1, *misfit),
            (2.2, *between), (2.3, *between), (2.4, *LYING)]
    keys += [(t + 2.4, *pose) for t, *pose in press_ups(2)[1:]]
    report = score_sequence(sk.tipped(trace_clip(keys, 30.0), tip_deg), PRESS)
    assert report.rep_count == 2
    assert report.partial_rep_count == 0
    assert report.fault_counts == {}


def test_plank_and_upward_dog_are_no_rep_and_a_downward_dog_ends_one():
    # The real clip's sequence: a plank (hips high, chest level), an upward dog (chest up, hips still high), down to
    # the floor, one press-up with the pelvis down, then pushing back into a downward dog (hips highest).
    keys = [
        (0.0, 5.0, 27.0, 178.0), (0.8, 5.0, 27.0, 178.0), (1.6, 37.0, 31.0, 178.0), (2.2, 37.0, 31.0, 178.0),
        (3.2, *LYING), (3.8, *LYING), (5.0, 50.0, 12.0, 177.0), (8.5, 50.0, 14.0, 177.0),
        (9.5, 5.0, 40.0, 178.0), (10.5, -40.0, 60.0, 160.0), (16.0, -40.0, 60.0, 160.0),
    ]
    report = score_sequence(trace_clip(keys), PRESS)
    assert report.rep_count == 1
    assert 4.5 <= report.reps[0].end_s - report.reps[0].start_s <= 6.5
    assert report.fault_counts == {}
    assert 2.5 <= report.hold_s <= 5.0


def test_hips_up_only_while_pushing_back_out_is_no_fault():
    # Pushing back to kneeling lifts the hips for a moment at the end of the rep.
    keys = [(0.0, *LYING), (1.0, *LYING), (2.5, 42.0, 5.0, 178.0), (4.5, 42.0, 5.0, 178.0), (5.0, 30.0, 30.0, 178.0),
            (5.4, -30.0, 55.0, 170.0), (7.0, -30.0, 55.0, 170.0)]
    report = score_sequence(trace_clip(keys), PRESS)
    assert report.rep_count == 1
    assert report.fault_counts == {}


KNEE = get_exercise("knee_to_chest")


@pytest.mark.parametrize(("fault", "code"), [(BENT_ARMS, "arms_not_straight"), (HIPS_UP, "hips_lifting")])
def test_press_up_form_filmed_far_round_is_not_checked_rather_than_guessed(fault, code):
    # The elbow and the thigh are read in the picture, which shows them only near side-on (form_view_max_deg 50).
    keys = press_ups(3, up_s=1.2, top_s=1.5, pause_s=0.6, faults={1: fault})
    side, round_ = (score_sequence(sk.turned(trace_clip(keys, 24.0), yaw), PRESS) for yaw in (45.0, 55.0))
    assert side.fault_counts == {code: 1} and not side.unjudged
    assert side.rep_count + side.partial_rep_count == round_.rep_count == 3
    assert round_.fault_counts == {} and code in {u.code for u in round_.unjudged}


def supine_frame(t_s: float, hip_deg: float, other_lift_deg: float = 0.0, trunk_lift_deg: float = 0.0,
                 facing: int = 1, leg: str = "left", merged: bool = False):
    """Lying on the back, head towards image-right when facing=+1: the `leg` drawn in to `hip_deg` (knee bent),
    the other leg lifted `other_lift_deg` off the floor, head and shoulders curled up `trunk_lift_deg`; `merged`
    places the other leg on the drawn-in one, as the pose model sometimes does."""
    hip = np.array([320.0 - 60.0 * facing, 400.0])
    up = np.radians(trunk_lift_deg)
    shoulder = hip + sk.TRUNK * np.array([np.cos(up) * facing, -np.sin(up)])
    to_shoulder = (shoulder - hip) / sk.TRUNK
    thigh_dir = min(sk._rotations(to_shoulder, hip_deg), key=lambda v: v[1])  # the drawn-in knee is above the floor
    knee = hip + sk.THIGH * thigh_dir
    shin_dir = max(sk._rotations(-thigh_dir, 60.0), key=lambda v: -v[0] * facing)  # the foot towards the feet end
    ankle = knee + sk.SHIN * shin_dir
    ear = shoulder + sk.NECK * to_shoulder
    drawn_in = {
        "hip": hip, "shoulder": shoulder, "knee": knee, "ankle": ankle, "ear": ear, "eye": ear + [3.0 * facing, -6],
        "heel": ankle + np.array([-8.0 * facing, 5.0]), "foot_index": ankle + np.array([-5.0 * facing, -20.0]),
        "elbow": shoulder + np.array([-30.0 * facing, -20.0]), "wrist": knee + np.array([-5.0 * facing, 10.0]),
        "index": knee + np.array([-5.0 * facing, 5.0]),
    }
    lift = np.radians(other_lift_deg)
    along = np.array([-np.cos(lift) * facing, -np.sin(lift)])
    flat = dict(drawn_in)
    flat.update({"knee": hip + sk.THIGH * along, "ankle": hip + (sk.THIGH + sk.SHIN) * along,
                 "heel": hip + (sk.THIGH + sk.SHIN) * along + np.array([0.0, 5.0]),
                 "foot_index": hip + (sk.THIGH + sk.SHIN + 5) * along + np.array([0.0, -20.0])})
    return sk._frame(t_s, drawn_in, facing, leg, other=drawn_in if merged else flat)


def knee_clip(keys, fps=30.0, other=lambda t: 0.0, trunk=lambda t: 0.0, facing=1, leg="left",
              merged=lambda t: False):
    t, hip = sk.trace(keys, fps)
    return sk.sequence([supine_frame(ti, hi, other(ti), trunk(ti), facing, leg, merged(ti))
                        for ti, hi in zip(t, hip)])


def hugs(n, hold_s=6.0, pull_s=1.2, pause_s=1.0, hug_deg=50.0):
    """Keyframes of the drawn-in hip: n holds from lying flat (178)."""
    keys, t = [(0.0, 178.0)], 0.0
    for _ in range(n):
        t += pause_s
        keys.append((t, 178.0))
        t += pull_s
        keys.append((t, hug_deg))
        t += hold_s
        keys.append((t, hug_deg))
        t += pull_s
        keys.append((t, 178.0))
    keys.append((t + pause_s, 178.0))
    return keys


@pytest.mark.parametrize(("n", "fps", "facing", "leg"), [(2, 30.0, 1, "left"), (1, 24.0, -1, "right")])
def test_knee_to_chest_holds_are_timed_and_counted(n, fps, facing, leg):
    report = score_sequence(knee_clip(hugs(n, hold_s=8.0), fps, facing=facing, leg=leg), KNEE)
    assert report.rep_count == n
    assert report.fault_counts == {}
    assert report.side == leg
    # The 8 s with the knee in, held still: the way in and out passes the band (from 70 degrees) but is not holding.
    assert report.hold_s == pytest.approx(8.0, abs=0.3)


def test_a_knee_held_in_that_rocks_with_the_breath_is_still_holding():
    # Held to the chest, the knee rocks 2.5 degrees each way with the breath (0.5 Hz, up to 8 degrees a second): that
    # is holding. The way in and out (over 100 degrees in 1.2 s) is not.
    t, hip = sk.trace(hugs(1, hold_s=8.0), 30.0)
    holding = (t > 2.2) & (t < 10.2)
    hip = np.where(holding, hip + 2.5 * np.sin(2 * np.pi * 0.5 * t), hip)
    report = score_sequence(sk.sequence([supine_frame(ti, hi) for ti, hi in zip(t, hip)]), KNEE)
    assert report.rep_count == 1
    assert report.hold_s == pytest.approx(8.0, abs=0.3)


def test_a_knee_held_in_read_with_the_pose_models_jitter_off_side_on_is_still_holding():
    # Filmed 19-40 degrees round, the pose model's hip jitters up to 4 degrees either way from frame to frame while
    # the knee is held in (rendered seed 1191: 56, 48, 53 within 0.4 s): still holding, timed as side-on.
    t, hip = sk.trace(hugs(1, hold_s=8.0), 30.0)
    holding = (t > 2.2) & (t < 10.2)
    knots = np.arange(0.0, t[-1] + 0.25, 0.25)  # a new misreading every 0.25 s
    jitter = np.interp(t, knots, np.random.default_rng(1191).uniform(-4.0, 4.0, len(knots)))
    hip = np.where(holding, hip + jitter, hip)
    clip = sk.sequence([supine_frame(ti, hi) for ti, hi in zip(t, hip)])
    report = score_sequence(clip, KNEE)
    assert report.rep_count == 1
    assert report.hold_s == pytest.approx(8.0, abs=0.5)
    # With the side-on limit (10 degrees a second) the jitter read as moving, and seconds of the hold went untimed.
    assert score_sequence(clip, KNEE.with_thresholds({"hold_still_max_deg_per_s": 10.0})).hold_s < 6.5


@pytest.mark.parametrize(
    "other, trunk, rep_faults",
    [
        # The other leg lifts 35 degrees during the second hold (11-13 s), the head and shoulders curl up 25 during
        # the first (3-5 s). In the first hold of the other-leg case the pose model lays the resting leg onto the
        # hugged one (rendered seed 141: its knee folded 48-120, a "lift" of 20-87): unknown there, not a fault.
        pytest.param(lambda t: 35.0 if 11.0 < t < 13.0 else 0.0, lambda t: 0.0, [(), ("other_leg_lifting",)],
                     id="other_leg_lifting"),
        pytest.param(lambda t: 0.0, lambda t: 25.0 if 3.0 < t < 5.0 else 0.0, [("head_shoulders_lifting",), ()],
                     id="head_shoulders_lifting"),
    ],
)
def test_knee_to_chest_faults_land_on_their_hold(other, trunk, rep_faults):
    merged = (lambda t: 3.0 < t < 5.5) if rep_faults[1] else (lambda t: False)
    report = score_sequence(knee_clip(hugs(2, hold_s=5.0), 24.0, other, trunk, merged=merged), KNEE)
    assert report.rep_count == 2
    assert [r.faults for r in report.reps] == rep_faults
    # The clean hold is timed whole (still); the faulted one loses the time the fault lasted.
    assert report.hold_s == pytest.approx(5.0, abs=0.3)


def test_a_head_lift_is_a_rise_from_the_trunk_line_at_rest_not_from_level():
    # A table camera looking down, filmed round, reads a body lying flat 13-15 degrees up (rendered seed 7001): no
    # lift, and the hold is timed whole. A lift of 25 from there in the first hold is one.
    tilted = score_sequence(knee_clip(hugs(2, hold_s=5.0), 24.0, trunk=lambda t: 14.0), KNEE)
    assert tilted.rep_count == 2
    assert tilted.fault_counts == {}
    assert tilted.hold_s == pytest.approx(5.0, abs=0.3)
    lifted = score_sequence(knee_clip(hugs(2, hold_s=5.0), 24.0, trunk=lambda t: 39.0 if 3.0 < t < 5.0 else 14.0),
                            KNEE)
    assert [r.faults for r in lifted.reps] == [("head_shoulders_lifting",), ()]


def test_double_knee_to_chest_switches_the_other_leg_rule_off():
    clip = knee_clip(hugs(1, hold_s=5.0), 24.0, other=lambda t: 0.0 if t < 1.5 else 30.0)  # the other leg comes up
    assert score_sequence(clip, KNEE).fault_counts == {"other_leg_lifting": 1}
    report = score_sequence(clip, KNEE.with_thresholds({"single_leg_flag": 0}))
    assert report.rep_count == 1
    assert report.fault_counts == {}


def test_press_ups_facing_left_count_while_the_model_doubts_the_near_knee():
    # Lying flat, facing image-left, the pose model rates the near (left) knee 0.4-0.55 visible though it places it
    # well (rendered clips): those frames must still be scored, or the rests between reps and the reps are lost.
    from pose.landmarks import sided

    seq = trace_clip(press_ups(3), 30.0, -1)
    seq.visibility[:, sided("knee", "left")] = 0.45
    report = score_sequence(seq, PRESS)
    assert report.side == "left"
    assert report.pose_coverage > 0.95
    assert report.rep_count == 3


def far_side_hugged(clip, hugged_knee_seen: float, other_knee_seen: float | None = None):
    """A knee_clip hugging the right leg, turned so that the hugged (labelled-right) side is the far one, its knee
    rated `hugged_knee_seen` visible (and the other knee `other_knee_seen`, if given)."""
    def turned(frame):
        world, vis = frame.world_xyz.copy(), frame.visibility.copy()
        world[:, 2] = -world[:, 2]
        vis[Landmark.RIGHT_KNEE] = hugged_knee_seen
        if other_knee_seen is not None:
            vis[Landmark.LEFT_KNEE] = other_knee_seen
        return dataclasses.replace(frame, world_xyz=world, visibility=vis)

    return sk.sequence([turned(f) for f in clip])


def test_a_far_knee_hugged_in_is_the_working_leg_though_seen_less_well_than_the_near_leg_lying_out():
    # Hugged in behind the near thigh, a far knee is seen much less well than the near leg lying out (rendered seed
    # 871: 0.27-0.51 against 0.9-1.0). The glide's visibility test would drop every vote for it, the side facing the
    # camera would stand in, and the clip counted nothing; the knee to chest has no visibility test.
    clip = far_side_hugged(knee_clip(hugs(2, hold_s=6.0), leg="right"), 0.55, other_knee_seen=0.95)
    report = score_sequence(clip, KNEE)
    assert report.side == "right" and report.rep_count == 2
    with_test = KNEE.with_thresholds({"raised_knee_seen_below_other_max_ratio": 0.25})
    assert score_sequence(clip, with_test).side == "left"


@pytest.mark.parametrize("knee_seen", [0.35, 0.45])
def test_a_far_knee_hugged_in_and_rated_poorly_seen_is_still_timed(knee_seen):
    # The pose model places a hugged far knee well but rates it 0.41-0.54 visible (rendered seed 1002, 13 degrees off
    # side-on): judged only from 0.5, those frames were not judged and a 5.7 s stretch timed 0.
    clip = far_side_hugged(knee_clip(hugs(2, hold_s=6.0), leg="right"), knee_seen)
    report = score_sequence(clip, KNEE)
    assert (report.side, report.rep_count, report.fault_counts) == ("right", 2, {})
    assert len(report.holds) == 2
    assert report.hold_s == pytest.approx(6.0, abs=0.3)
