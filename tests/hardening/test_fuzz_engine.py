"""Property-based fuzzing of the engine: arbitrary landmark sequences into every exercise's Checker.

Frames start as exact synthetic skeletons (tests/skeleton.py) at angles hypothesis picks, so real reps can
happen, and are then damaged: NaN landmarks, no person, jumps, garbage values, odd visibilities and image
sizes, and timestamps that repeat, go backwards or leap. Whatever comes in:

* nothing raises;
* counts are never negative, and a report's parts are consistent (rep times ordered, holds no longer than
  their span, fault counts for the exercise's own codes);
* never more reps than the motion allows: each rep needs two accepted zone changes, each held for the dwell
  time, so reps <= duration / dwell / 2; and for exercises judged on the raw signal, each rep needs the
  watched signal to cross its whole band twice.

Runs are reproducible (derandomized, no example database). FORMCHECK_FUZZ_EXAMPLES raises the example count
for a longer local run.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings, target
from hypothesis import strategies as st

from exercises.engine import Checker, score_sequence
from exercises.registry import EXERCISES
from exercises.results import ClipReport
from exercises.spec import ExerciseSpec
from pose.frames import N_BACK_SAMPLES, PoseFrame, PoseSequence
from pose.landmarks import N_LANDMARKS
from tests import skeleton as sk

FUZZ = settings(
    max_examples=int(os.environ.get("FORMCHECK_FUZZ_EXAMPLES", "40")),
    deadline=None,  # a first example pays for imports and caches
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Garbage landmarks (1e30, inf) overflow in numpy on purpose; the outcome checked is NaN and no exception.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
MAX_FRAMES = 90
# Thresholds are compared with signals stored as float32; widening the band by this much keeps the motion
# bound an upper bound however a value rounds.
_ROUNDING_DEG = 1e-3

DAMAGE = ("none",) * 12 + ("empty", "nan_some", "jump", "garbage", "visibility", "profile")


def _clean_frame(name: str, t_s: float, angle: float, facing: int) -> PoseFrame:
    if name == "wall_squat":
        return sk.wall_squat_frame(t_s, angle, facing=facing)
    if name == "nerve_glide":
        return sk.nerve_glide_frame(t_s, angle, facing=facing)
    return sk.cat_cow_frame(t_s, angle, facing=facing)


ANGLE_RANGE = {"wall_squat": (20.0, 185.0), "nerve_glide": (40.0, 185.0), "cat_cow": (-100.0, 100.0)}
# Positions a person holds: the rest and work ends of a rep (neutral, cat and cow for cat-cow), drawn often so
# reps happen, and a little either side of the middle of the rep band, where an engine without hysteresis
# would count.
POSITIONS = {"wall_squat": (175.0, 90.0, 128.0, 142.0), "nerve_glide": (100.0, 165.0, 122.0, 133.0),
             "cat_cow": (0.0, 40.0, -40.0, 8.0, -8.0)}
# Each exercise's (rest, work) angles for hand-made traces.
REST_WORK = {"wall_squat": (175.0, 90.0), "nerve_glide": (100.0, 165.0), "cat_cow": (40.0, -40.0)}
# The exercises tests/skeleton.py draws a body for. The hand-made traces below need one; the others have trace
# tests of their own beside their specs.
MODELLED = tuple(ANGLE_RANGE)
# The survival tests feed every other exercise the damaged frames of a drawn exercise in the same posture family:
# what they check (no exception, counts and times consistent, never more reps than the motion allows) holds for any
# body, moving or not.
_DONOR_BY_POSTURE = {"standing": "wall_squat", "supine": "nerve_glide", "prone": "nerve_glide",
                     "quadruped": "cat_cow"}


# Exercises that cannot be fuzzed yet, each with why (shown as a skip in every run). The walk was here: its step
# detector raised on garbage landmarks, and hypothesis spent minutes shrinking the 90-frame failing stream.
_STALLS: dict[str, str] = {}
SURVIVAL = [pytest.param(n, marks=pytest.mark.skip(reason=_STALLS[n])) if n in _STALLS else n for n in EXERCISES]


def _model(name: str) -> str:
    return name if name in MODELLED else _DONOR_BY_POSTURE.get(EXERCISES[name].posture, "wall_squat")


@st.composite
def damaged_frame(draw, name: str, t_s: float, angle: float) -> PoseFrame:
    facing = draw(st.sampled_from([1] * 9 + [-1]))
    frame = _clean_frame(name, t_s, angle, facing)
    xyz, world, vis = frame.xyz.copy(), frame.world_xyz.copy(), frame.visibility.copy()
    profile, size = frame.back_profile.copy(), frame.image_size
    damage = draw(st.sampled_from(DAMAGE))
    if damage == "empty":
        return PoseFrame.empty(t_s, size)
    if damage == "nan_some":
        idx = draw(st.lists(st.integers(0, N_LANDMARKS - 1), min_size=1, max_size=N_LANDMARKS))
        xyz[idx] = np.nan
        world[idx] = np.nan
    elif damage == "jump":
        xyz[..., :2] += draw(st.floats(-50.0, 50.0))
        world += draw(st.floats(-10.0, 10.0))
    elif damage == "garbage":
        values = st.floats(allow_nan=True, allow_infinity=True)
        xyz = np.array(draw(st.lists(values, min_size=N_LANDMARKS * 3, max_size=N_LANDMARKS * 3)),
                       float).reshape(N_LANDMARKS, 3)
        size = draw(st.sampled_from([(0, 0), (1, 1), (640, 480), (100_000, 3)]))
    elif damage == "visibility":
        vis = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=N_LANDMARKS, max_size=N_LANDMARKS)))
    elif damage == "profile":
        profile = np.array(draw(st.lists(st.floats(allow_nan=True, allow_infinity=True),
                                         min_size=N_BACK_SAMPLES, max_size=N_BACK_SAMPLES)), float)
    return PoseFrame(t_s, xyz, world, vis, size, profile)


# Steps between frame times: mostly a camera's, sometimes none (a duplicate), backwards, or a long gap.
_CAMERA_STEP = st.floats(1 / 60, 0.2)
TIME_STEP = st.sampled_from(["camera"] * 12 + ["duplicate", "backwards", "gap"]).flatmap(
    lambda kind: {"camera": _CAMERA_STEP, "duplicate": st.just(0.0), "backwards": st.floats(-2.0, 0.0),
                  "gap": st.floats(0.2, 1e4)}[kind])


@st.composite
def clips(draw, name: str) -> list[PoseFrame]:
    """Up to MAX_FRAMES damaged frames with arbitrary (finite) times, in the order a stream would send them."""
    # The angle moves between positions held for a number of frames, so zones can be held long enough for
    # reps to be counted; any angle in the range may come in between.
    name = _model(name)
    angles = st.one_of(st.sampled_from(POSITIONS[name]), st.floats(*ANGLE_RANGE[name]))
    segments = draw(st.lists(st.tuples(angles, st.integers(1, 15)), max_size=MAX_FRAMES // 4))
    trace = [a for a, n in segments for _ in range(n)][:MAX_FRAMES]
    t = draw(st.floats(-1e3, 1e3))
    frames = []
    for angle in trace:
        frames.append(draw(damaged_frame(name, t, angle)))
        t += draw(TIME_STEP)
    return frames


def _alternations(values: np.ndarray, low_max: float, high_min: float) -> int:
    """How many times the signal goes from at-or-below low_max to at-or-above high_min or back."""
    zones = np.where(values <= low_max + _ROUNDING_DEG, -1, np.where(values >= high_min - _ROUNDING_DEG, 1, 0))
    zones = zones[np.isfinite(values) & (zones != 0)]
    return int(np.count_nonzero(np.diff(zones))) if len(zones) else 0


def check_report(report: ClipReport, spec: ExerciseSpec, times: list[float]) -> None:
    """The invariants every report must keep, whatever its input."""
    advancing = [t for i, t in enumerate(times) if t > max(times[:i], default=-math.inf)]
    assert report.frames == len(advancing)
    assert report.rep_count >= 0 and report.rep_count == len(report.reps)
    assert report.hold_s >= 0
    assert 0.0 <= report.pose_coverage <= 1.0
    assert report.duration_s >= 0 and math.isfinite(report.duration_s)
    assert [r.index for r in report.reps] == list(range(1, report.rep_count + 1))
    for rep in report.reps:
        assert rep.start_s <= rep.end_s and rep.duration_s >= 0
        assert advancing[0] <= rep.start_s and rep.end_s <= advancing[-1]
    for hold in report.holds:
        assert hold.start_s <= hold.end_s and 0 <= hold.good_s <= hold.end_s - hold.start_s + 1e-6
    for episode in report.episodes:
        assert episode.start_s <= episode.end_s
    # Partial reps: numbered on their own, each flagged with the range fault, never overlapping a rep.
    assert [r.index for r in report.partial_reps] == list(range(1, report.partial_rep_count + 1))
    for partial in report.partial_reps:
        assert partial.partial and spec.rep.partial_fault in partial.faults
        assert advancing[0] <= partial.start_s <= partial.end_s <= advancing[-1]
        assert all(partial.end_s < rep.start_s or partial.start_s > rep.end_s for rep in report.reps)
    assert not any(rep.partial for rep in report.reps)
    assert set(report.fault_counts) <= set(spec.fault_codes)
    assert all(n >= 1 for n in report.fault_counts.values())
    for name, column in report.series.items():
        assert len(column) == report.frames, name

    # Never more reps than the motion allows.
    dwell_s = spec.t(spec.rep.dwell_s)
    assert dwell_s > 0
    assert report.rep_count <= report.duration_s / dwell_s / 2 + 1e-9
    # A partial rep needs two zone changes held for the dwell time too, and never shares one with a rep.
    assert report.rep_count + report.partial_rep_count <= report.duration_s / dwell_s / 2 + 1e-9
    # (Steps found by an event detector, as in walking, are not zone crossings of the rep signal.)
    if spec.rep.neutral_window_s is None and spec.events is None:
        low_max, high_min = spec.rep_band()
        crossings = _alternations(report.series[spec.rep.signal].astype(float), low_max, high_min)
        # A rep needs its way into the work zone and out again; out of it, the way back to rest may be cut off by the
        # footage's end (RepCounter.close counts a rep that had left its work zone then), so the last crossing may be
        # missing, as for a cycle's first end.
        assert report.rep_count <= (crossings + 1) / 2


@pytest.mark.parametrize("name", SURVIVAL)
@FUZZ
@given(data=st.data())
def test_live_checker_survives_any_stream(name, data):
    spec = EXERCISES[name]
    frames = data.draw(clips(name))
    checker = Checker(spec)
    last_reps = last_partial = 0
    last_rep_end_s = -math.inf
    for frame in frames:
        result = checker.update(frame)
        assert result.reps >= last_reps, "the live count never goes down"
        assert result.partial_reps >= last_partial, "nor the partial count"
        assert result.hold_s >= 0
        last_reps, last_partial = result.reps, result.partial_reps
        if result.rep is not None:
            last_rep_end_s = result.rep.end_s
    report = checker.report()
    check_report(report, spec, [f.t_s for f in frames])
    # A live rep whose range falls short is made a partial rep when the set is scored (its range fault is a rep
    # rule, judged on the whole rep): every live rep is a rep or a partial. The set's end decides what is under way
    # (RepCounter.close): a rep on its way back to rest when the footage stops counts, one more at most, after
    # every live one. (Steps found by an event detector, as in walking, replace the live count when the set is
    # scored.)
    if spec.events is None:
        closed = [r for r in report.reps if r.start_s >= last_rep_end_s and r.end_s > last_rep_end_s]
        closed = closed[-1:] if report.rep_count > last_reps else []
        assert report.rep_count - last_reps <= len(closed) <= 1
        reclassified = last_reps + len(closed) - report.rep_count
        assert 0 <= reclassified <= report.partial_rep_count
        # A cycle whose second end is still held when the set ends is decided then: one more partial rep at most.
        assert last_partial <= report.partial_rep_count - reclassified <= last_partial + 1
    event(f"reps: {min(report.rep_count, 3)}")
    target(float(report.rep_count))  # steer towards clips with many reps, where an over-count would show


@pytest.mark.parametrize("name", SURVIVAL)
@FUZZ
@given(data=st.data())
def test_recorded_clip_scoring_survives_any_sequence(name, data):
    spec = EXERCISES[name]
    frames = data.draw(clips(name))
    # A recorded clip's times are strictly increasing (the reader drops the rest); the side is chosen from the
    # whole damaged clip.
    kept = [f for i, f in enumerate(frames) if f.t_s > max((g.t_s for g in frames[:i]), default=-math.inf)]
    report = score_sequence(PoseSequence.from_frames(kept, (640, 480)), spec)
    check_report(report, spec, [f.t_s for f in kept])
    event(f"reps: {min(report.rep_count, 3)}")
    target(float(report.rep_count))  # steer towards clips with many reps, where an over-count would show


@pytest.mark.parametrize("name", list(EXERCISES))
def test_an_empty_clip_scores_nothing(name):
    report = score_sequence(PoseSequence.empty(), EXERCISES[name])
    assert (report.rep_count, report.frames, report.hold_s, report.pose_coverage) == (0, 0, 0.0, 0.0)
    assert report.view == "unknown"


@pytest.mark.parametrize("name", MODELLED)
def test_the_motion_bound_is_not_vacuous(name):
    # Clean reps must reach the bound's neighbourhood, so the property tests above can catch an over-count.
    lo, hi = ANGLE_RANGE[name]
    if name == "cat_cow":
        keys = [(0.0, 0.0)] + [(1.5 + 3.0 * i + d, v) for i in range(3) for d, v in ((0.0, 40), (1.5, -40))]
        keys.append((keys[-1][0] + 1.5, 0.0))
    else:
        rest, work = (175.0, 90.0) if name == "wall_squat" else (100.0, 160.0)
        keys = [(0.0, rest)] + [(1.0 + 3.0 * i + d, v) for i in range(3) for d, v in ((0.0, rest), (1.5, work),
                                                                                     (3.0, rest))]
    t, angle = sk.trace(keys, 30.0)
    spec = EXERCISES[name]
    report = score_sequence(_trace_clip(name, t, angle), spec)
    assert report.rep_count == 3
    check_report(report, spec, list(t))


def _trace_clip(name: str, t: np.ndarray, angle: np.ndarray) -> PoseSequence:
    return PoseSequence.from_frames([_clean_frame(name, float(a), float(b), 1) for a, b in zip(t, angle)])


def _adversarial(kind: str, name: str) -> tuple[np.ndarray, np.ndarray]:
    rest, work = REST_WORK[name]
    if kind == "mid_band_wobble":
        # Back and forth across the middle of the band, never reaching either end: hysteresis counts nothing.
        t = np.arange(0.0, 10.0, 1 / 30)
        mid, half = (rest + work) / 2, abs(rest - work) / 2
        return t, mid + 0.3 * half * np.sin(2 * np.pi * 1.0 * t)
    if kind == "flicker":
        # Rest and work on alternate frames at 60 fps: far faster than any rep.
        t = np.arange(0.0, 5.0, 1 / 60)
        return t, np.where(np.arange(len(t)) % 2, work, rest)
    # "spikes": at the work end every second for a frame less than the work zone's dwell time (the nerve glide's is
    # 0.1 s: a glide done too fast reads straight for only 0.1-0.2 s), so never held there long enough to count.
    spec = EXERCISES[name]
    fps = 30.0
    spike_s = spec.t(spec.rep.dwell_s) - 1.5 / fps
    t = np.arange(0.0, 10.0, 1 / fps)
    return t, np.where((t % 1.0) < spike_s, work, rest)


@pytest.mark.parametrize("kind", ["mid_band_wobble", "flicker", "spikes"])
@pytest.mark.parametrize("name", MODELLED)
def test_motion_too_small_or_too_fast_for_a_rep_counts_none(name, kind):
    t, angle = _adversarial(kind, name)
    spec = EXERCISES[name]
    report = score_sequence(_trace_clip(name, t, angle), spec)
    check_report(report, spec, list(t))
    assert report.rep_count == 0
