"""Hip flexor stretch, calf stretch and standing back extension through the engine, on exact side-view traces.

The traces are the synth scripts' own poses (known angles, injected faults) projected side-on into the picture,
without MediaPipe: each row says "this script gives these reps, these holds and exactly these faults".
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from exercises.body import Body, ViewLimits
from exercises.engine import Checker, score_sequence
from exercises.registry import EXERCISES, get_exercise
from exercises.results import HoldEvent
from exercises.signals import measure
from exercises.spec import ExerciseSpec
from feedback.wording import HOW_TO, WORDING
from pose.frames import N_BACK_SAMPLES, PoseFrame, PoseSequence, pixel_xy
from pose.geometry import joint_angle_deg
from pose.landmarks import N_LANDMARKS, Landmark, sided
from synth.script import Fault, WallSquatScript
from synth.skeleton import BodyProportions, rotate
from synth.stretch_scripts import BackExtensionScript, StretchScript
from tests.live_path import live_and_recorded_agree

SIZE = (640, 480)
SCALE_PX = 260.0  # pixels per body height
FLOOR_PX = 440.0
NAMES = ("hip_flexor_stretch", "calf_stretch", "back_extension")
_JOINTS = {"shoulder": "shoulder", "elbow": "elbow", "wrist": "wrist", "hip": "hip", "knee": "knee",
           "ankle": "ankle", "heel": "heel", "foot_index": "toe"}


def _frame(t_s: float, pose, facing: int, near: str, hide_upright_far_knee: bool = False,
           hip_shift_px: float = 0.0, shoulders_back_px: float = 0.0) -> PoseFrame:
    """The pose filmed exactly side-on: x forward to image-right when `facing` is 1, y up to image-up.

    `hide_upright_far_knee` leaves the far knee unknown while its shin is within 18 degrees of upright, hidden
    behind the near leg as the pose model reads a person standing side-on. `hip_shift_px` places the hips (and the
    trunk above them, so its lean is kept) that far forward of the drawn joints, as the pose model places a hip off
    the joint by build. `shoulders_back_px` places everything above the hips that far further back, as the pose
    model reads some bodies standing tall leaning a few degrees back.
    """
    far = "right" if near == "left" else "left"
    x0 = 200.0 if facing > 0 else 440.0

    def px(p: np.ndarray) -> tuple[float, float]:
        return x0 + facing * SCALE_PX * float(p[0]), FLOOR_PX - SCALE_PX * float(p[1])

    xy = np.full((N_LANDMARKS, 2), np.nan)
    for part, joint in _JOINTS.items():
        xy[sided(part, near)] = px(pose.skeleton[f"near_{joint}"])
        xy[sided(part, far)] = px(pose.skeleton[f"far_{joint}"])
    visibility = np.ones(N_LANDMARKS)
    shin = pose.skeleton["far_knee"] - pose.skeleton["far_ankle"]
    if hide_upright_far_knee and abs(np.degrees(np.arctan2(shin[0], shin[1]))) < 18.0:
        visibility[sided("knee", far)] = 0.1
    for lm in (Landmark.LEFT_EAR, Landmark.RIGHT_EAR):
        xy[lm] = px(pose.skeleton["ear"])
    nose = px(pose.skeleton["nose"])
    for lm in (Landmark.NOSE, Landmark.LEFT_EYE, Landmark.RIGHT_EYE, Landmark.LEFT_EYE_INNER,
               Landmark.RIGHT_EYE_INNER, Landmark.LEFT_EYE_OUTER, Landmark.RIGHT_EYE_OUTER, Landmark.MOUTH_LEFT,
               Landmark.MOUTH_RIGHT):
        xy[lm] = nose
    for side in ("left", "right"):
        for finger in ("PINKY", "INDEX", "THUMB"):
            xy[Landmark[f"{side.upper()}_{finger}"]] = xy[sided("wrist", side)]
    legs = [sided(p, side) for p in ("knee", "ankle", "heel", "foot_index") for side in ("left", "right")]
    xy[[i for i in range(N_LANDMARKS) if i not in legs], 0] += facing * hip_shift_px
    hips = [sided("hip", side) for side in ("left", "right")]
    xy[[i for i in range(N_LANDMARKS) if i not in legs + hips], 0] -= facing * shoulders_back_px
    xyz = np.zeros((N_LANDMARKS, 3))
    xyz[:, :2] = xy / np.array(SIZE)
    return PoseFrame(float(t_s), xyz, np.zeros((N_LANDMARKS, 3)), visibility, SIZE)


def trace(script, fps: float = 15.0, facing: int = 1, near: str = "left",
          hide_upright_far_knee: bool = False, hip_shift_px: float = 0.0,
          shoulders_back_px: float = 0.0) -> PoseSequence:
    """Every frame of a compiled script, side-on."""
    session = script.compile()
    t = np.arange(0.0, session.duration_s, 1.0 / fps)
    params = session.params(t)
    props = BodyProportions()
    return PoseSequence.from_frames([
        _frame(ti, session.pose({k: float(v[i]) for k, v in params.items()}, props), facing, near,
               hide_upright_far_knee, hip_shift_px, shoulders_back_px)
        for i, ti in enumerate(t)])


def _hold_truth(script) -> float:
    return script.compile().expected["hold_s"]


@pytest.mark.parametrize("seed, facing, stretched", [(1, 1, "near"), (2, -1, "far")])
def test_hip_flexor_stretches_count_and_hold_with_no_fault(seed, facing, stretched):
    script = StretchScript("hip_flexor_stretch", stretches=2, stretched=stretched, hold_s=8.0, rest_deg=-1.0,
                           stretch_deg=20.0 + seed, base_deg=3.0, seed=seed)
    report = score_sequence(trace(script, facing=facing), get_exercise("hip_flexor_stretch"))
    assert report.rep_count == 2
    assert report.fault_counts == {}
    assert len(report.holds) == 2
    assert report.hold_s == pytest.approx(_hold_truth(script), abs=1.0)
    # The working side is the kneeling leg: the near one is the left, seen from the left.
    assert report.side == ("left" if stretched == "near" else "right")


@pytest.mark.parametrize("fault, fault_deg", [("trunk_leaning_back", 20.0), ("front_knee_past_toes", 42.0)])
def test_hip_flexor_fault_lands_on_its_stretch_and_shortens_its_hold(fault, fault_deg):
    script = StretchScript("hip_flexor_stretch", stretches=2, hold_s=9.0, stretch_deg=22.0, fault_deg=fault_deg,
                           base_deg=2.0, faults=(Fault(fault, 2),), seed=4)
    report = score_sequence(trace(script), get_exercise("hip_flexor_stretch"))
    assert [r.faults for r in report.reps] == [(), (fault,)]
    assert report.fault_counts == {fault: 1}
    # From half-way in to half-way out (9 + 1.5 s), less the middle third for the fault.
    assert [h.good_s for h in report.holds] == pytest.approx([10.5, 7.5], abs=1.0)


def test_a_stretch_spoiled_by_a_fault_for_most_of_it_is_still_a_hold_with_its_fault():
    # The footage ends in the stretch, so there is no rep to carry the fault: only the hold can. The script's fault
    # takes the middle third of the hold, so a minimum hold between the good time and the time held stands for a
    # stretch spent mostly in the fault. Dropped for its short good time, the hold took the fault with it and the
    # patient was told nothing.
    script = StretchScript("hip_flexor_stretch", stretches=1, hold_s=9.0, stretch_deg=22.0, fault_deg=42.0,
                           base_deg=2.0, faults=(Fault("front_knee_past_toes", 1),), seed=4)
    (held,) = script.compile().holds
    spec = get_exercise("hip_flexor_stretch")
    spec = dataclasses.replace(spec, thresholds={**spec.thresholds, "hold_min_s": 7.0})
    report = score_sequence(_between(trace(script), 0.0, held.end_s - 1.75), spec)
    assert report.rep_count == 0
    (hold,) = report.holds
    # Held from about half-way in to the footage's end (8.75 s), less the fault's 3 s.
    assert hold.start_s == pytest.approx(held.start_s, abs=0.75)
    assert hold.end_s == pytest.approx(held.end_s - 1.75, abs=0.1)
    assert hold.good_s == pytest.approx(5.75, abs=0.5)
    assert hold.faults == ("front_knee_past_toes",)
    assert report.fault_counts == {"front_knee_past_toes": 1}


@pytest.mark.parametrize("view_deg, judged", [(20.0, True), (40.0, False)])
def test_the_front_knee_is_not_judged_from_far_round(view_deg, judged):
    # A shin leaning over the toes reads short from far round, as a misplaced one does: the knee over the toes is
    # reported not checked there (front_knee_view_max_deg), while the stretches are still counted and timed.
    script = StretchScript("hip_flexor_stretch", stretches=2, hold_s=9.0, stretch_deg=22.0, fault_deg=42.0,
                           base_deg=2.0, faults=(Fault("front_knee_past_toes", 2),), seed=4)
    report = score_sequence(_view_read(trace(script), view_deg), get_exercise("hip_flexor_stretch"))
    assert report.rep_count == 2
    assert report.fault_counts == ({"front_knee_past_toes": 1} if judged else {})
    unjudged = [u.code for u in report.unjudged]
    assert ("front_knee_past_toes" in unjudged) is not judged
    assert "trunk_leaning_back" not in unjudged


def test_kneeling_upright_without_the_stretch_is_no_rep_and_no_hold():
    script = StretchScript("hip_flexor_stretch", stretches=1, hold_s=8.0, rest_deg=0.0, stretch_deg=5.0, seed=5)
    report = score_sequence(trace(script), get_exercise("hip_flexor_stretch"))
    assert (report.rep_count, len(report.holds), report.fault_counts) == (0, 0, {})


def without_thigh_rest(spec):
    rep = dataclasses.replace(spec.rep, neutral_window_s=None, neutral_quantile_ratio=None, neutral_offset_max=None,
                              neutral_below_max=None, neutral_rest_edge=None)
    return dataclasses.replace(spec, rep=rep, hold=dataclasses.replace(spec.hold, from_neutral=False))


@pytest.mark.parametrize("rest_deg, stretch_deg, reps_without_rest", [(-6.0, 10.0, 0), (6.0, 14.0, 2)],
                         ids=["rest_read_back", "rest_read_forward"])
def test_hip_flexor_stretches_are_read_from_a_rest_read_behind_vertical(rest_deg, stretch_deg, reps_without_rest):
    # Filmed 12-40 degrees round, the half-hidden kneeling knee read upright kneeling 4-8 degrees back and an
    # 18-degree stretch at 8-10 (rendered seed 1151): from that rest the stretch is counted and timed. A rest read
    # forward (side-on, up to 8) moves nothing: a stretch at 14 counts as it always did.
    script = StretchScript("hip_flexor_stretch", stretches=2, hold_s=8.0, rest_deg=rest_deg, stretch_deg=stretch_deg,
                           base_deg=2.0, seed=7)
    spec = get_exercise("hip_flexor_stretch")
    report = score_sequence(trace(script), spec)
    assert (report.rep_count, len(report.holds), report.fault_counts) == (2, 2, {})
    assert report.hold_s == pytest.approx(_hold_truth(script), abs=1.0)
    assert score_sequence(trace(script), without_thigh_rest(spec)).rep_count == reps_without_rest


def test_a_prescribed_30_s_stretch_keeps_the_rest_read_behind_vertical_before_it():
    # The rest is taken from readings at rest only: a 30 s stretch, longer than the rest's window (30 s), is still
    # measured from the rest before it, and timed whole.
    script = StretchScript("hip_flexor_stretch", stretches=2, hold_s=30.0, rest_deg=-6.0, stretch_deg=10.0,
                           base_deg=2.0, seed=7)
    spec = get_exercise("hip_flexor_stretch")
    report = score_sequence(trace(script), spec)
    assert (report.rep_count, report.fault_counts) == (2, {})
    assert [h.good_s for h in report.holds] == pytest.approx([_hold_truth(script)] * 2, abs=1.0)
    every_reading = dataclasses.replace(spec, rep=dataclasses.replace(spec.rep, neutral_rest_edge=None))
    assert min(h.good_s for h in score_sequence(trace(script), every_reading).holds) < _hold_truth(script) - 5.0


def _edited(seq: PoseSequence, t0_s: float, t1_s: float, edit) -> PoseSequence:
    """A copy with the frames from t0_s to t1_s edited in pixels: `edit(k, px)` changes the k-th such frame's (33, 2)
    landmarks in place, as the pose model misreads them."""
    xyz = seq.xyz.copy()
    size = np.array(seq.image_size, float)
    for k, i in enumerate(np.flatnonzero((seq.t_s >= t0_s) & (seq.t_s < t1_s))):
        px = xyz[i, :, :2] * size
        edit(k, px)
        xyz[i, :, :2] = px / size
    return dataclasses.replace(seq, xyz=xyz)


def _throw_kneeling_knee(seq: PoseSequence, t0_s: float, t1_s: float, under_deg: float, length_ratio: float,
                         facing: int = 1, kneeling: str = "left") -> PoseSequence:
    """The kneeling knee read as the pose model throws it: `length_ratio` of the thigh from the hip, its knee->hip
    line `under_deg` behind vertical (the hip behind the knee), from t0_s to t1_s."""
    knee_i, hip_i = sided("knee", kneeling), sided("hip", kneeling)
    a = np.radians(under_deg)

    def throw(_k: int, px: np.ndarray) -> None:
        length = length_ratio * np.linalg.norm(px[hip_i] - px[knee_i])
        px[knee_i] = px[hip_i] + length * np.array([facing * np.sin(a), np.cos(a)])

    return _edited(seq, t0_s, t1_s, throw)


# A knee read straight under the hip but a quarter of the thigh high, and one read at full length but ahead of the
# hip: both read as kneeling upright, which ended the stretch (rendered seeds 401-406: up to 4 s of them). The
# kneeling knee stays on the floor, so the stretch is read from where it was last read furthest back, and the
# throw costs the hold nothing.
@pytest.mark.parametrize("under_deg, length_ratio", [(0.0, 0.75), (25.0, 1.0)])
def test_a_kneeling_knee_the_pose_model_throws_for_a_second_does_not_end_the_stretch(under_deg, length_ratio):
    script = StretchScript("hip_flexor_stretch", stretches=2, hold_s=8.0, rest_deg=-1.0, stretch_deg=22.0,
                           base_deg=2.0, seed=6)
    seq, spec = trace(script), get_exercise("hip_flexor_stretch")
    first = score_sequence(seq, spec).holds[0]
    mid_s = (first.start_s + first.end_s) / 2
    thrown = _throw_kneeling_knee(seq, mid_s - 0.6, mid_s + 0.6, under_deg, length_ratio)
    report = score_sequence(thrown, spec)
    assert (report.rep_count, len(report.holds), report.fault_counts) == (2, 2, {})
    assert report.holds[0].good_s == pytest.approx(first.good_s, abs=0.2)
    # Read as it is thrown, the knee ends the first stretch in its middle.
    trusting = spec.with_thresholds({"kneeling_thigh_seen_min_ratio": 0.0, "thigh_behind_max_deg": 90.0,
                                     "kneeling_knee_window_s": 0.0, "kneeling_thigh_fit_max_ratio": math.inf})
    assert score_sequence(thrown, trusting).rep_count == 3


@pytest.mark.parametrize("facing, kneeling", [(1, "left"), (-1, "right")])
def test_a_kneeling_knee_thrown_for_most_of_the_stretch_is_read_where_it_rests(facing, kneeling):
    # Side-on with the far leg kneeling, the pose model dragged the kneeling knee forward under the hip, the thigh
    # 0.7 long, for 7.7 s of a 9 s stretch (rendered seed 1341: the hold read 0 s). The knee rests on the floor,
    # where it was read before the stretch: the hold is the stretch's.
    script = StretchScript("hip_flexor_stretch", stretches=1, hold_s=9.0, rest_deg=-1.0, stretch_deg=24.0,
                           base_deg=2.0, stretched="near" if kneeling == "left" else "far", seed=8)
    seq, spec = trace(script, facing=facing), get_exercise("hip_flexor_stretch")
    clean = score_sequence(seq, spec).holds[0]
    thrown = _throw_kneeling_knee(seq, clean.start_s + 0.5, clean.end_s - 0.5, 0.0, 0.7, facing, kneeling)
    report = score_sequence(thrown, spec)
    assert (report.rep_count, report.fault_counts) == (1, {})
    assert report.hold_s == pytest.approx(clean.good_s, abs=0.3)
    assert report.hold_s == pytest.approx(_hold_truth(script), abs=1.0)
    # Remembering nothing, the thrown knee is unknown, and a stretch unknown that long is no hold.
    forgetting = score_sequence(thrown, spec.with_thresholds({"kneeling_knee_window_s": 0.0}))
    assert forgetting.hold_s < 3.0


def test_a_kneeling_knee_read_where_it_rests_reads_the_same_live():
    # Live, frames come one at a time: the knee remembered is the Checker's, so the set reads as the clip does.
    script = StretchScript("hip_flexor_stretch", stretches=2, hold_s=8.0, rest_deg=-1.0, stretch_deg=22.0,
                           base_deg=2.0, seed=10)
    seq, spec = trace(script), get_exercise("hip_flexor_stretch")
    clean = score_sequence(seq, spec)
    thrown = _throw_kneeling_knee(seq, clean.holds[0].start_s + 0.5, clean.holds[0].end_s - 0.5, 0.0, 0.7)
    recorded = score_sequence(thrown, spec)
    live = Checker(spec, recorded.side)
    for frame in thrown:
        live.update(frame)
    report = live.report()
    assert (report.reps, report.holds) == (recorded.reps, recorded.holds)
    np.testing.assert_array_equal(report.series["back_thigh_extension_deg"],
                                  recorded.series["back_thigh_extension_deg"])
    assert recorded.hold_s == pytest.approx(clean.hold_s, abs=0.3)


def test_a_kneeling_knee_moved_a_thigh_forward_is_unknown_not_a_stretch():
    # Knelt again a thigh's length further forward, hip over the new knee: the knee remembered is a thigh behind,
    # and the thigh from there to the hip reads 1.4 of its length, which does not fit (kneeling_thigh_fit_max_ratio).
    script = StretchScript("hip_flexor_stretch", stretches=1, hold_s=8.0, rest_deg=-1.0, stretch_deg=22.0,
                           base_deg=2.0, seed=9)
    seq, spec = trace(script), get_exercise("hip_flexor_stretch")
    rests = seq.t_s < 1.0
    thigh_px = float(np.linalg.norm((seq.xyz[0, sided("hip", "left"), :2] - seq.xyz[0, sided("knee", "left"), :2])
                                    * np.array(seq.image_size)))
    t_end = seq.t_s[rests][-1]
    moved = [dataclasses.replace(f, t_s=t_end + 0.1 + f.t_s, xyz=f.xyz + np.r_[thigh_px / seq.image_size[0], 0, 0])
             for f, r in zip(seq, rests) if r]
    still = PoseSequence.from_frames([f for f, r in zip(seq, rests) if r] + moved)
    values = score_sequence(still, spec).series["back_thigh_extension_deg"]
    after = still.t_s > t_end
    assert np.all(np.isnan(np.asarray(values)[after]))
    assert np.all(np.abs(np.asarray(values)[~after]) < 5.0)


def _foot_misplaced(px: np.ndarray, front: str) -> None:
    """One frame's front foot drawn back under the knee and up, as the pose model misplaces it (see below)."""
    knee = px[sided("knee", front)]
    shin = np.linalg.norm(px[sided("ankle", front)] - knee)
    ankle = knee + shin * np.array([-0.55, 0.42])
    px[sided("ankle", front)] = px[sided("heel", front)] = ankle
    px[sided("foot_index", front)] = ankle + shin * np.array([0.2, 0.05])


def _misplace_front_foot(seq: PoseSequence, t0_s: float, t1_s: float, front: str = "right") -> PoseSequence:
    """The front leg's foot read as the pose model misplaces it, from t0_s to t1_s: drawn back under the knee and up,
    the shin 0.7 of its length and the knee half that shin ahead of the toes (facing image-right)."""
    return _edited(seq, t0_s, t1_s, lambda _k, px: _foot_misplaced(px, front))


def _misread_mid_first_hold(misread) -> tuple[PoseSequence, ExerciseSpec, HoldEvent]:
    """A clean hip flexor set (two 8 s stretches) with `misread(seq, t0_s, t1_s)` over 0.8 s in the middle of its first
    hold; returns the misread set, the spec and the first hold as the clean set times it."""
    script = StretchScript("hip_flexor_stretch", stretches=2, hold_s=8.0, rest_deg=-1.0, stretch_deg=22.0,
                           base_deg=2.0, seed=6)
    seq, spec = trace(script), get_exercise("hip_flexor_stretch")
    first = score_sequence(seq, spec).holds[0]
    mid_s = (first.start_s + first.end_s) / 2
    return misread(seq, mid_s - 0.4, mid_s + 0.4), spec, first


def test_a_front_foot_the_pose_model_misplaces_is_no_knee_past_the_toes():
    # As the legs' labels pass through each other, the pose model draws the front foot back under the knee for a
    # moment, its shin read short (rendered seeds 1301 and 1317, side-on: the only front_knee_past_toes false flags
    # of 27 clips). Where the front shin reads under front_shin_seen_min_ratio of its length, the knee over the toes
    # is unknown: no fault, and the hold loses no good time to one.
    misread, spec, first = _misread_mid_first_hold(_misplace_front_foot)
    report = score_sequence(misread, spec)
    assert (report.rep_count, report.fault_counts) == (2, {})
    assert report.holds[0].good_s == pytest.approx(first.good_s, abs=0.1)
    trusting = score_sequence(misread, spec.with_thresholds({"front_shin_seen_min_ratio": 0.0}))
    assert trusting.fault_counts == {"front_knee_past_toes": 1}


def _stretch_front_shin(seq: PoseSequence, t0_s: float, t1_s: float, ratio: float,
                        front: str = "right") -> PoseSequence:
    """The front shin read `ratio` times its length from t0_s to t1_s (its foot moved along it), as the pose model
    reads a leg it has thrown."""
    def stretch(_k: int, px: np.ndarray) -> None:
        knee = px[sided("knee", front)]
        for part in ("ankle", "heel", "foot_index"):
            px[sided(part, front)] = knee + ratio * (px[sided(part, front)] - knee)

    return _edited(seq, t0_s, t1_s, stretch)


def _knee_thrown_between_misreads(seq: PoseSequence, t0_s: float, t1_s: float, front: str = "right") -> PoseSequence:
    """From t0_s to t1_s every other frame has the front foot misplaced (as _misplace_front_foot) and the frames
    between it read whole but with the foot drawn back, the knee 0.3 of a shin past the toes (facing image-right)."""
    def thrown(k: int, px: np.ndarray) -> None:
        if k % 2 == 0:
            _foot_misplaced(px, front)
            return
        knee = px[sided("knee", front)]
        shin = np.linalg.norm(px[sided("ankle", front)] - knee)
        back_px = px[sided("foot_index", front), 0] - (knee[0] - 0.3 * shin)
        for part in ("ankle", "heel", "foot_index"):
            px[sided(part, front), 0] -= back_px

    return _edited(seq, t0_s, t1_s, thrown)


def test_a_knee_read_between_misreads_of_the_legs_is_not_trusted():
    # While the pose model has the legs mixed up it reads them well for a frame or three between misreads, the knee
    # thrown past the toes (fault sweep seed 6801, a clean stretch side-on). The knee over the toes stays unknown
    # front_legs_mixed_settle_s after the last misread: no fault, and it reads the same live.
    thrown, spec, _ = _misread_mid_first_hold(_knee_thrown_between_misreads)
    report = score_sequence(thrown, spec)
    assert (report.rep_count, report.fault_counts) == (2, {})
    trusting = score_sequence(thrown, spec.with_thresholds({"front_legs_mixed_settle_s": 0.0}))
    assert trusting.fault_counts == {"front_knee_past_toes": 1}
    live = Checker(spec, report.side)
    for frame in thrown:
        live.update(frame)
    np.testing.assert_array_equal(live.report().series["front_knee_past_toes_ratio"],
                                  report.series["front_knee_past_toes_ratio"])


@pytest.mark.parametrize("misread_s, found", [(0.4, True), (1.0, False)])
def test_a_front_shin_misread_long_for_a_moment_does_not_hide_the_knee_later(misread_s, found):
    # A rendered hip flexor stretch (fault sweep seed 6801) read its front shin at up to 1.25 times its length while
    # the pose model threw the legs; taken as the shin's full length, every later frame read the shin short, as
    # misplaced, and the knee past the toes on the next stretch went unknown. A length held under
    # segment_full_held_min_s is not the full length; one held longer is (a leg seen whole for a second).
    script = StretchScript("hip_flexor_stretch", stretches=2, hold_s=9.0, stretch_deg=22.0, fault_deg=42.0,
                           base_deg=2.0, faults=(Fault("front_knee_past_toes", 2),), seed=4)
    seq, spec = trace(script), get_exercise("hip_flexor_stretch")
    first = score_sequence(seq, spec).holds[0]
    misread = _stretch_front_shin(seq, first.start_s + 1.0, first.start_s + 1.0 + misread_s, 1.25)
    report = score_sequence(misread, spec)
    assert report.rep_count == 2
    assert report.fault_counts == ({"front_knee_past_toes": 1} if found else {})
    assert report.reps[1].faults == (("front_knee_past_toes",) if found else ())
    # Live, one frame at a time, the full length and the settle after a mix-up read as the clip does.
    live = Checker(spec, report.side)
    for frame in misread:
        live.update(frame)
    np.testing.assert_array_equal(live.report().series["front_knee_past_toes_ratio"],
                                  report.series["front_knee_past_toes_ratio"])


def _view_read(seq: PoseSequence, view_deg: float) -> PoseSequence:
    """The same picture with the world landmarks' hip and shoulder lines turned so the view reads `view_deg`."""
    world = np.array(seq.world_xyz, float)
    across = 0.1 * np.array([np.sin(np.radians(view_deg)), 0.0, np.cos(np.radians(view_deg))])
    for part, height_m in (("hip", 0.0), ("shoulder", -0.5)):
        world[:, sided(part, "left")] = across + (0.0, height_m, 0.0)
        world[:, sided(part, "right")] = -across + (0.0, height_m, 0.0)
    return dataclasses.replace(seq, world_xyz=world)


@pytest.mark.parametrize("view_deg, reps, reps_at_55", [(50.0, 2, 2), (60.0, 2, 0), (70.0, 0, 0)])
def test_a_hip_flexor_stretch_is_read_with_the_view_read_up_to_65_degrees(view_deg, reps, reps_at_55):
    # Kneeling, a body filmed 40 degrees round reads 54-62 (rendered seed 7101), past the 55 at which side-plane
    # angles go unknown for most exercises: the rest between stretches went unknown and stretches were lost.
    script = StretchScript("hip_flexor_stretch", stretches=2, stretched="near", hold_s=8.0, rest_deg=-1.0,
                           stretch_deg=22.0, base_deg=3.0, seed=1)
    seq, spec = _view_read(trace(script), view_deg), get_exercise("hip_flexor_stretch")
    report = score_sequence(seq, spec)
    assert report.rep_count == reps
    if reps:
        assert report.fault_counts == {}
        assert report.hold_s == pytest.approx(_hold_truth(script), abs=1.0)
    assert score_sequence(seq, spec.with_thresholds({"view_sagittal_max_deg": 55.0})).rep_count == reps_at_55


@pytest.mark.parametrize("seed, facing, stretched", [(1, 1, "far"), (2, -1, "near")])
def test_calf_stretches_count_and_hold_with_no_fault(seed, facing, stretched):
    script = StretchScript("calf_stretch", stretches=2, stretched=stretched, hold_s=7.0, rest_deg=10.0,
                           stretch_deg=30.0 + seed, seed=seed)
    # Stretching the far leg, its knee is hidden behind the near leg between stretches (rendered clips through
    # MediaPipe): the straight leg's hip-ankle line stands in, so the rests still read as rests.
    report = score_sequence(trace(script, facing=facing, hide_upright_far_knee=stretched == "far"),
                            get_exercise("calf_stretch"))
    assert report.rep_count == 2
    assert report.fault_counts == {}
    assert report.hold_s == pytest.approx(_hold_truth(script), abs=1.0)
    assert report.side == ("left" if stretched == "near" else "right")


@pytest.mark.parametrize("rest_deg, stretch_deg", [(5.0, 20.0), (13.0, 30.0), (21.0, 36.0)])
def test_calf_stretches_are_counted_from_the_person_s_own_rest(rest_deg, stretch_deg):
    # A standing back shin read anywhere from 5 to 21 degrees forward (a floor camera or one 20-40 degrees round reads
    # it up to 10 further than drawn): each stretch 15 further is counted and held, whatever fixed edges would say.
    script = StretchScript("calf_stretch", stretches=2, hold_s=7.0, rest_deg=rest_deg, stretch_deg=stretch_deg, seed=3)
    report = score_sequence(trace(script), get_exercise("calf_stretch"))
    assert report.rep_count == 2
    assert report.hold_s == pytest.approx(_hold_truth(script), abs=1.0)


@pytest.mark.parametrize("fault, fault_deg", [("back_heel_lifting", 24.0), ("back_knee_bent", 35.0)])
def test_calf_fault_lands_on_its_stretch(fault, fault_deg):
    script = StretchScript("calf_stretch", stretches=2, hold_s=9.0, rest_deg=10.0, stretch_deg=31.0,
                           fault_deg=fault_deg, faults=(Fault(fault, 1),), seed=6)
    report = score_sequence(trace(script), get_exercise("calf_stretch"))
    assert [r.faults for r in report.reps] == [(fault,), ()]
    assert report.fault_counts == {fault: 1}
    assert [h.good_s for h in report.holds] == pytest.approx([7.5, 10.5], abs=1.0)


def test_a_back_knee_hidden_as_it_bends_does_not_end_the_stretch():
    # The hip-ankle line stands in for a far back shin the pose model does not see, which is right for a straight
    # leg. Bent in the stretch, the knee went unseen too (rendered seed 7002), and the line, the hip back over the
    # ankle, read the shin 20 degrees more upright: the stretch "ended" there and was counted twice. Reading that far
    # under the shin last seen, the stand-in is unknown, a gap the stretch and its hold bridge.
    # The clip runs on 3 s after the last stretch: hidden the moment it is upright, the far shin's return to rest is
    # seen once the shin last read is older than shin_stand_in_window_s.
    script = StretchScript("calf_stretch", stretches=2, stretched="far", hold_s=7.5, rest_deg=10.0, stretch_deg=31.0,
                           fault_deg=35.0, faults=(Fault("back_knee_bent", 1),), tail_s=3.0, seed=6)
    seq = trace(script, hide_upright_far_knee=True)
    xy = pixel_xy(seq.xyz, seq.visibility, seq.image_size, 0.0)
    knee = joint_angle_deg(*(xy[:, sided(part, "right")] for part in ("hip", "knee", "ankle")))
    visibility = seq.visibility.copy()
    visibility[knee < 165.0, sided("knee", "right")] = 0.1
    bent_s = np.asarray(seq.t_s)[knee < 165.0]
    assert 2.0 < bent_s.max() - bent_s.min() < 3.0  # the bend, unseen, is within the window and the hold's gap
    hidden = dataclasses.replace(seq, visibility=visibility)
    spec = get_exercise("calf_stretch")
    report = live_and_recorded_agree(hidden, spec)  # the shin last read is remembered live as recorded
    assert report.rep_count == 2
    assert len(report.holds) == 2  # the stretch's hold bridges the 3 s the shin is unknown
    assert score_sequence(hidden, spec.with_thresholds({"shin_stand_in_drop_max_deg": 90.0})).rep_count == 3


@pytest.mark.parametrize("heel_deg, faults", [(6.0, {}), (12.0, {"back_heel_lifting": 1})])
def test_a_back_heel_is_lifting_only_once_it_rises_past_the_limit(heel_deg, faults):
    # The limit is a rise of the heel and ankle above the floor of 0.04 back-leg lengths from where the stretch
    # settled, set on what the pose model reads: clean stretches up to 0.037, heels drawn 20-28 degrees up mostly
    # 0.045 or more (rendered clips; the model reads a rise short). Placed exactly, as here, that is a heel about 9
    # degrees up.
    script = StretchScript("calf_stretch", stretches=2, hold_s=9.0, rest_deg=10.0, stretch_deg=31.0,
                           fault_deg=heel_deg, faults=(Fault("back_heel_lifting", 1),), seed=6)
    report = score_sequence(trace(script), get_exercise("calf_stretch"))
    assert report.fault_counts == faults


def _heels_read_raised(seq: PoseSequence, deg: float) -> PoseSequence:
    """Both heels placed higher, so a flat foot's toe-heel line reads `deg` up, as the pose model reads some feet."""
    xyz = seq.xyz.copy()
    for side in ("left", "right"):
        heel, toe = sided("heel", side), sided("foot_index", side)
        length_px = np.abs(xyz[:, toe, 0] - xyz[:, heel, 0]) * SIZE[0]
        xyz[:, heel, 1] -= length_px * np.tan(np.radians(deg)) / SIZE[1]
    return dataclasses.replace(seq, xyz=xyz)


@pytest.mark.parametrize("heel_deg, faults", [(0.0, {}), (24.0, {"back_heel_lifting": 1})])
def test_a_back_heel_is_judged_from_its_own_reading_as_the_stretch_settled(heel_deg, faults):
    # A flat foot the pose model reads 22 degrees heel-up (rendered: anywhere from 0 to 25 by the foot's size in the
    # picture) is flat: only a lift from that reading is a heel coming up.
    script = StretchScript("calf_stretch", stretches=2, hold_s=9.0, rest_deg=10.0, stretch_deg=31.0,
                           fault_deg=heel_deg, faults=(Fault("back_heel_lifting", 1),) if heel_deg else (), seed=6)
    seq = _heels_read_raised(trace(script), 22.0)
    spec = get_exercise("calf_stretch")
    report = score_sequence(seq, spec)
    assert (report.rep_count, report.fault_counts) == (2, faults)
    # Judged from level instead, the flat foot's reading is a lifted heel in every stretch.
    level = dataclasses.replace(spec, frame_rules=tuple(dataclasses.replace(r, from_work_start_s=None)
                                                        for r in spec.frame_rules))
    assert score_sequence(seq, level).fault_counts == {"back_heel_lifting": 2}


def _between(seq: PoseSequence, t0_s: float, t1_s: float) -> PoseSequence:
    """The sequence's frames from `t0_s` to `t1_s`: a clip filmed over that time."""
    return PoseSequence.from_frames([f for f in seq if t0_s <= f.t_s <= t1_s])


def _heel_from_rest(spec: ExerciseSpec) -> ExerciseSpec:
    """The calf stretch with its heel judged from the rest between stretches (FrameRule.from_rest_window_s).

    As it was before it was judged from its own settled stretch: the engine's handling of a rule judged from rest is
    what these tests exercise.
    """
    rules = tuple(dataclasses.replace(r, from_work_start_s=None, from_rest_window_s="heel_rest_window_s")
                  if r.code == "back_heel_lifting" else r for r in spec.frame_rules)
    return dataclasses.replace(spec, frame_rules=rules,
                               thresholds={**spec.thresholds, "heel_rest_window_s": 30.0,
                                           "back_heel_rise_max_ratio": 0.06})


def test_a_heel_judged_from_rest_is_not_checked_until_rest_is_seen():
    # Filming began in the first stretch, heel lifting: with no reading at rest yet there is nothing to judge the
    # heel from, so that stretch is not checked for it; the second, after a rest, is.
    script = StretchScript("calf_stretch", stretches=2, hold_s=9.0, rest_deg=10.0, stretch_deg=31.0,
                           fault_deg=24.0, faults=(Fault("back_heel_lifting", 1),), seed=6)
    full = trace(script)
    spec = _heel_from_rest(get_exercise("calf_stretch"))
    first_hold = score_sequence(full, spec).holds[0]
    begun_s = first_hold.start_s + 2.0
    report = score_sequence(_between(full, begun_s, math.inf), spec)
    assert len(report.holds) == 2 and report.fault_counts == {}
    assert report.rest_seen_from_s["back_heel_lifting"] > report.holds[0].end_s
    assert report.unjudged == ()  # judged in the second stretch
    # Only that first stretch filmed: the clip says it could not check the heel, and why, rather than "no fault".
    alone = score_sequence(_between(full, begun_s, first_hold.end_s), spec)
    assert len(alone.holds) == 1 and alone.fault_counts == {}
    assert [(u.code, u.plane) for u in alone.unjudged] == [("back_heel_lifting", "rest")]
    assert alone.rest_seen_from_s == {"back_heel_lifting": math.inf}


def test_a_heel_never_seen_is_not_checked_for_want_of_a_view_not_of_a_rest():
    # Both feet lost throughout (a camera that crops them): the rest level is never seen either, but filming from
    # the start would not have helped. The reason given is the measurement's own (see the feet), not "rest".
    script = StretchScript("calf_stretch", stretches=2, hold_s=9.0, rest_deg=10.0, stretch_deg=31.0, seed=6)
    seq = trace(script)
    visibility = seq.visibility.copy()
    for part in ("heel", "foot_index"):
        for side in ("left", "right"):
            visibility[:, sided(part, side)] = 0.0
    report = score_sequence(dataclasses.replace(seq, visibility=visibility), get_exercise("calf_stretch"))
    assert len(report.holds) == 2
    heel = [u for u in report.unjudged if u.code == "back_heel_lifting"]
    assert [(u.signal, u.plane) for u in heel] == [("back_heel_rise_ratio", "side")]


def test_a_bent_back_knee_is_no_fault_in_the_soleus_version():
    script = StretchScript("calf_stretch", stretches=1, hold_s=8.0, rest_deg=10.0, stretch_deg=31.0, fault_deg=35.0,
                           faults=(Fault("back_knee_bent", 1),), seed=7)
    soleus = get_exercise("calf_stretch").with_thresholds({"straight_knee_version_flag": 0})
    report = score_sequence(trace(script), soleus)
    assert (report.rep_count, report.fault_counts) == (1, {})


@pytest.mark.parametrize("seed, facing", [(1, 1), (2, -1)])
def test_back_extensions_count_with_no_fault(seed, facing):
    script = BackExtensionScript(reps=3 + seed % 2, lean_deg=22.0 + seed, seed=seed)
    report = score_sequence(trace(script, facing=facing), get_exercise("back_extension"))
    assert report.rep_count == script.reps
    assert report.fault_counts == {}


@pytest.mark.parametrize("fault", ["knees_bending", "hips_not_forward"])
def test_back_extension_fault_lands_on_its_rep(fault):
    script = BackExtensionScript(reps=3, faults=(Fault(fault, 2),), seed=8)
    report = score_sequence(trace(script), get_exercise("back_extension"))
    assert [r.faults for r in report.reps] == [(), (fault,), ()]
    assert report.fault_counts == {fault: 1}


@pytest.mark.parametrize("hip_shift_px", [-9.0, 9.0])
def test_hips_forward_is_judged_from_where_the_person_stood(hip_shift_px):
    # The pose model places the hips up to 0.07 of a leg length (9 px here) ahead of or behind the ankles at rest, by
    # build (rendered seeds 191-197: -0.03 to 0.10), and reads a push at about half of it: judged against the
    # ankles, a body read hips-behind had every good rep flagged and one read hips-ahead none of its faulty ones.
    script = BackExtensionScript(reps=3, hips_forward=0.05, faults=(Fault("hips_not_forward", 2),), seed=8)
    report = score_sequence(trace(script, hip_shift_px=hip_shift_px), get_exercise("back_extension"))
    assert [r.faults for r in report.reps] == [(), ("hips_not_forward",), ()]


def test_a_push_that_moves_with_the_lean_is_measured_whole():
    # The hips go forward as the trunk leans back, and a rep starts once the lean has left the upright: measured from
    # the rep's own first frame, part of the push was already behind it, and a push of 0.045 leg lengths read as 0.02,
    # short of the rule (fresh seed 7502, every rep of a clean clip flagged). Measured from where the person stood
    # before the rep, the rise is the whole push: with the limit at 0.9 of it, no rep is flagged.
    spec = get_exercise("back_extension")
    seq = trace(BackExtensionScript(reps=3, hips_forward=0.03, seed=8))
    report = score_sequence(seq, spec)
    stood = np.asarray(report.series["hips_forward_ratio"])[np.asarray(report.t_s) < report.reps[0].start_s - 0.5]
    push = min(r.high["hips_forward_ratio"] for r in report.reps) - float(np.median(stood))
    assert push > 0.04
    report = score_sequence(seq, spec.with_thresholds({"hips_forward_rise_min_ratio": 0.9 * push}))
    assert report.rep_count == 3 and report.fault_counts == {}


def _knees_read_bent(seq: PoseSequence, script, standing_deg: float, leaning_deg: float) -> PoseSequence:
    """The shins turned about the knees, reading the knees `standing_deg` less straight standing and `leaning_deg`
    at the top of each lean, as the pose model reads straight knees filmed 40 degrees round (164 standing, 152-165
    at the top of a good lean; rendered seed 7503)."""
    lean = script.compile().params(seq.t_s)["lean_deg"]
    turn_deg = standing_deg + (leaning_deg - standing_deg) * np.clip(lean / lean.max(), 0.0, 1.0)
    xyz = seq.xyz.copy()
    px = xyz[..., :2] * np.array(SIZE)
    for side in ("left", "right"):
        knee = px[:, sided("knee", side)]
        for part in ("ankle", "heel", "foot_index"):
            i = sided(part, side)
            px[:, i] = knee + rotate(px[:, i] - knee, turn_deg)
    xyz[..., :2] = px / np.array(SIZE)
    return dataclasses.replace(seq, xyz=xyz)


def test_knees_bending_is_judged_from_the_persons_own_standing_knee():
    # Straight knees read 14 degrees bent standing and 26 at the top of each lean: under the fixed 155 they were
    # judged by, every good rep was flagged. From the person's own standing knee, none is, and a knee bent to lean
    # back still is.
    spec = get_exercise("back_extension")
    clean = BackExtensionScript(reps=3, seed=8)
    assert score_sequence(_knees_read_bent(trace(clean), clean, 14.0, 26.0), spec).fault_counts == {}
    bent = BackExtensionScript(reps=3, faults=(Fault("knees_bending", 2),), seed=8)
    report = score_sequence(_knees_read_bent(trace(bent), bent, 14.0, 26.0), spec)
    assert [r.faults for r in report.reps] == [(), ("knees_bending",), ()]


def test_a_stored_limit_under_the_retired_knee_name_still_loads_and_changes_nothing():
    # knee_min_deg was the fixed limit before the knee was judged from standing: a therapist's stored override under
    # it must not stop the programme loading, nor be offered for editing, nor judge anything.
    spec = get_exercise("back_extension")
    assert "knee_min_deg" in spec.retired_thresholds and "knee_min_deg" not in spec.thresholds
    clean = BackExtensionScript(reps=3, seed=8)
    seq = _knees_read_bent(trace(clean), clean, 14.0, 26.0)
    stored = score_sequence(seq, spec.with_thresholds({"knee_min_deg": 179.0}))
    assert stored.rep_count == 3 and stored.fault_counts == {} and "knee_min_deg" not in stored.thresholds
    with pytest.raises(ValueError, match="knee_mim_deg"):
        spec.with_thresholds({"knee_mim_deg": 179.0})


@pytest.mark.parametrize("shoulders_back_px", [-5.0, 10.0, 14.0])
def test_back_extensions_are_counted_from_the_persons_own_upright(shoulders_back_px):
    # Standing still, the trunk reads anywhere from 2 degrees forward to 6 back side-on by build, and more with the
    # camera turned (rendered seed 1001 at 30 degrees: 5-8 between reps, so a fixed rest zone ran two reps into
    # one). Here the upright reads about 4 forward, 7 and 10 back.
    script = BackExtensionScript(reps=4, lean_deg=20.0, seed=11)
    report = score_sequence(trace(script, shoulders_back_px=shoulders_back_px), get_exercise("back_extension"))
    upright = np.nanmedian(report.series["trunk_lean_back_deg"][:10])
    trunk_px = BodyProportions().trunk * SCALE_PX
    assert upright == pytest.approx(math.degrees(math.atan2(shoulders_back_px, trunk_px)), abs=2.5)
    assert (report.rep_count, report.partial_rep_count, report.fault_counts) == (4, 0, {})


@pytest.mark.parametrize("view_deg, known_default", [(50.0, True), (60.0, False)])
def test_a_back_extensions_lean_is_read_with_the_view_read_up_to_65_degrees(view_deg, known_default):
    # Leaning back turns the shoulder line the view is read from: filmed 37 degrees round, the view read 55-57 at each
    # lean's top (rendered seed 1151), past the 55 at which side-plane angles go unknown, and 2 of 4 reps were lost.
    # The back extension reads its lean up to a view of 65; other exercises stop at 55.
    seq = trace(BackExtensionScript(reps=1, lean_deg=20.0, seed=11))
    spec = get_exercise("back_extension")
    xy = seq.xyz[:1, :, :2] * np.array(SIZE)

    def lean(limits: ViewLimits) -> float:
        body = Body(xy, np.full((1, N_BACK_SAMPLES), np.nan), "left", np.array([1.0]), None, np.array([view_deg]),
                    None, limits)
        return float(measure("trunk_lean_back_deg", body)[0][0])

    assert math.isfinite(lean(ViewLimits.from_thresholds(spec.thresholds)))
    assert math.isfinite(lean(ViewLimits())) == known_default


@pytest.mark.parametrize(("forward_s", "forward_px"), [(3.0, 15.0), (6.0, 30.0)])
def test_leaning_towards_the_camera_before_the_set_is_not_the_upright(forward_s, forward_px):
    # A patient leans in to start the set, then stands tall: the trunk reads 10-20 degrees forward for the first
    # seconds. Taken as the upright, a return to standing tall read as a lean back held, and 2 of 4 reps were lost.
    script = BackExtensionScript(reps=4, lean_deg=20.0, seed=11, lead_in_s=1.0 + forward_s)
    seq = trace(script)
    legs_and_hips = [sided(p, side) for p in ("hip", "knee", "ankle", "heel", "foot_index")
                     for side in ("left", "right")]
    upper = [i for i in range(N_LANDMARKS) if i not in legs_and_hips]
    xyz = seq.xyz.copy()
    xyz[np.ix_(seq.t_s < forward_s, upper, [0])] += forward_px / SIZE[0]  # facing image-right: forward is +x
    report = score_sequence(dataclasses.replace(seq, xyz=xyz), get_exercise("back_extension"))
    assert np.nanmedian(report.series["trunk_lean_back_deg"][:5]) < -9.0
    assert (report.rep_count, report.partial_rep_count, report.fault_counts) == (4, 0, {})


def test_leaning_back_a_little_is_no_back_extension():
    script = BackExtensionScript(reps=3, lean_deg=4.0, seed=9)
    report = score_sequence(trace(script), get_exercise("back_extension"))
    assert (report.rep_count, report.partial_rep_count) == (0, 0)


@pytest.mark.parametrize("name", ["calf_stretch", "back_extension"])
def test_a_wall_squat_is_neither_a_calf_stretch_nor_a_back_extension(name):
    # Knees well forward over feet side by side: the shins lean like a calf stretch's (without the feet's stagger
    # limit the calf stretch counts each squat), but no foot is stepped back.
    squats = WallSquatScript(reps=3, faults=tuple(Fault("knees_past_toes", i) for i in (1, 2, 3)), seed=10)
    report = score_sequence(trace(squats), get_exercise(name))
    assert (report.rep_count, report.partial_rep_count, len(report.holds)) == (0, 0, 0)


@pytest.mark.parametrize("name", NAMES)
def test_each_is_registered_with_wording_a_how_to_and_thresholds_in_units(name):
    spec = EXERCISES[name]
    assert spec.faults and all(f.code in WORDING for f in spec.faults)
    assert HOW_TO[name][-1].startswith("Place the camera beside you")
    assert all(k.endswith(("_deg", "_s", "_ratio", "_hz", "_flag")) for k in spec.thresholds)


def test_a_calf_stretch_edge_stored_for_a_patient_keeps_its_meaning():
    # Stored limits predate the edges moving with the person's rest: 28 is still "a shin at 28 degrees" for a rest
    # at the nominal 13, so 15 further than the person's own rest, and a stretch to 21 from a rest at 10 is short.
    spec = get_exercise("calf_stretch").with_thresholds({"shin_stretch_min_deg": 28.0})
    assert spec.rep_band()[1] == pytest.approx(15.0)
    assert spec.hold_band()[0] == pytest.approx(15.0)
    script = StretchScript("calf_stretch", stretches=2, hold_s=7.0, rest_deg=10.0, stretch_deg=21.0, seed=3)
    assert score_sequence(trace(script), spec).rep_count == 0
    assert score_sequence(trace(script), get_exercise("calf_stretch")).rep_count == 2
