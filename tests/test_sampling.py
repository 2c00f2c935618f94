"""Adaptive temporal sampling on synthetic landmark streams: a fake model returns known poses (no MediaPipe).

The fake model is a squatting skeleton whose knee angle follows cosine-eased keyframes, so where the body is still,
moving smoothly, or turning is known exactly; it records the times it was called at.
"""

from __future__ import annotations

import numpy as np
import pytest

from exercises.config import spec_for
from exercises.engine import score_sequence
from pose.estimator import EstimatorSettings
from pose.frames import LANDMARK_VISIBILITY_MIN_RATIO, PoseFrame, PoseSequence
from pose.landmarks import Landmark
from pose.sampling import (
    SAMPLING_THRESHOLDS,
    AdaptiveSampler,
    check_sampling,
    interpolate,
    midpoint_error_ratio,
)
from tests.skeleton import SIZE, TRUNK, eased, squat_reps, wall_squat_frame

FPS = 30.0


class FakeModel:
    """A pose model that returns the skeleton of `knee(t)`, or no person inside `lost` (t0, t1) spans."""

    def __init__(self, keyframes: list[tuple[float, float]], lost: tuple[tuple[float, float], ...] = ()) -> None:
        self.keyframes, self.lost, self.calls = keyframes, lost, []

    def __call__(self, image: int, t_s: float) -> PoseFrame:
        self.calls.append(t_s)
        if any(a <= t_s <= b for a, b in self.lost):
            return PoseFrame.empty(t_s, SIZE)
        return wall_squat_frame(t_s, float(eased(self.keyframes, np.array([t_s]))[0]))

    def clip(self) -> list[tuple[float, int]]:
        """The clip's frames as (t_s, image): the image is just the frame's index here."""
        t = np.arange(self.keyframes[0][0], self.keyframes[-1][0] + 1e-9, 1.0 / FPS)
        return [(float(ti), i) for i, ti in enumerate(t)]


def run(model: FakeModel, **thresholds: float) -> tuple[AdaptiveSampler, PoseSequence]:
    sampler = AdaptiveSampler(model, thresholds)
    return sampler, PoseSequence.from_frames(list(sampler.run(model.clip())))


def full_rate(model: FakeModel) -> PoseSequence:
    return PoseSequence.from_frames([model(i, t) for t, i in model.clip()])


def test_a_still_body_runs_the_model_on_few_frames_and_reads_exactly():
    model = FakeModel([(0.0, 170.0), (6.0, 170.0)])
    sampler, seq = run(model)
    assert len(seq) == len(model.clip())
    # Two calls per window of 2 x coarse_step_s, plus the first frame.
    window_frames = 2 * SAMPLING_THRESHOLDS["coarse_step_s"] * FPS
    assert sampler.stats.call_ratio <= 2.0 / window_frames + 0.01
    assert sampler.stats.refined_windows == 0
    np.testing.assert_allclose(seq.xyz, full_rate(FakeModel(model.keyframes)).xyz, atol=1e-12)


def test_turning_points_are_read_closer_and_reps_are_unchanged():
    keys = squat_reps(3, rep_s=2.0, pause_s=1.5)
    model = FakeModel(keys)
    sampler, seq = run(model)
    called = np.array(model.calls)
    step_s = SAMPLING_THRESHOLDS["coarse_step_s"]
    # Each rep's bottom, where the knee turns from bending to straightening, is read closer than the coarse step:
    # the model ran within a quarter of a step of it (the window holding it was split).
    bottoms = [t for t, v in keys if v == min(v for _, v in keys)]
    for turn in bottoms:
        assert np.abs(called - turn).min() <= step_s / 4, f"turn at {turn} s read only at the coarse step"
    assert sampler.stats.refined_windows > 0
    assert sampler.stats.call_ratio < 0.5  # the pauses, the smooth stretches and the halves beside a turn save calls
    full_seq = full_rate(FakeModel(keys))
    # No interpolated landmark strays further from the true one than the bar allows at a middle it was judged by.
    px = np.abs(seq.xyz - full_seq.xyz)[..., :2] * np.array(SIZE)
    assert np.nanmax(px) <= SAMPLING_THRESHOLDS["midpoint_error_max_ratio"] * TRUNK
    spec = spec_for("wall_squat")
    full = score_sequence(full_seq, spec)
    adaptive = score_sequence(seq, spec)
    assert adaptive.rep_count == full.rep_count == 3
    bottom = [[r.low["support_knee_deg"] for r in report.reps] for report in (adaptive, full)]
    np.testing.assert_allclose(*bottom, atol=1.0)


def test_a_window_that_bends_is_split_not_run_whole():
    # A rep's turn is rounded over about a second: a window holding it bends as a whole, but its halves are
    # nearly straight, so the model runs on fewer than all of its frames and every frame reads within the bar.
    keys = squat_reps(2, rep_s=3.0, pause_s=1.0)
    model = FakeModel(keys)
    sampler, seq = run(model)
    window_frames = round(2 * SAMPLING_THRESHOLDS["coarse_step_s"] * FPS)
    refined_calls = sampler.stats.model_calls - 1 - 2 * sampler.stats.smooth_windows
    assert refined_calls < sampler.stats.refined_windows * window_frames
    px = np.abs(seq.xyz - full_rate(FakeModel(keys)).xyz)[..., :2] * np.array(SIZE)
    assert np.nanmax(px) <= SAMPLING_THRESHOLDS["midpoint_error_max_ratio"] * TRUNK


class FlickeringModel(FakeModel):
    """A still body whose ankles' visibility follows `ankle_visibility(t)`."""

    def __init__(self, ankle_visibility) -> None:
        super().__init__([(0.0, 170.0), (4.0, 170.0)])
        self.ankle_visibility = ankle_visibility

    def __call__(self, image: int, t_s: float) -> PoseFrame:
        frame = super().__call__(image, t_s)
        visibility = frame.visibility.copy()
        visibility[[Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE]] = self.ankle_visibility(t_s)
        return PoseFrame(t_s, frame.xyz, frame.world_xyz, visibility, frame.image_size, frame.back_profile)


def test_visibility_jitter_at_the_bar_is_interpolated_a_limb_leaving_view_is_not():
    bar = LANDMARK_VISIBILITY_MIN_RATIO
    jitter = 0.4 * SAMPLING_THRESHOLDS["visibility_change_min_ratio"]  # the ends and middle differ by 0.8 of it
    # Hovering at the bar, alternately just above and just below it: still a still body.
    flicker = FlickeringModel(lambda t: bar + (jitter if round(t * FPS) % 2 else -jitter))
    sampler, _ = run(flicker)
    assert sampler.stats.refined_windows == 0
    # Going out of view at 1.95 s (between two frames): the window holding it is split down to the two frames
    # either side, so every frame before it reads seen and none after it.
    leaving = FlickeringModel(lambda t: 0.9 if t < 1.95 else 0.1)
    sampler, seq = run(leaving)
    assert sampler.stats.refined_windows == 1
    seen = seq.visibility[:, Landmark.LEFT_ANKLE] >= bar
    np.testing.assert_array_equal(seen, seq.t_s < 1.95)


def test_a_lost_pose_is_never_bridged():
    keys = [(0.0, 170.0), (4.0, 170.0)]
    lost = ((1.43, 1.62),)
    model = FakeModel(keys, lost)
    _, seq = run(model)
    frame_t = seq.t_s
    truly_lost = np.array([any(a <= t <= b for a, b in lost) for t in frame_t])
    # Exactly the frames in which the model found nobody are empty: none is filled in from its neighbours.
    np.testing.assert_array_equal(~seq.found, truly_lost)
    # And the model itself ran on every frame from the last pose before the gap to the first after it.
    gap = np.flatnonzero(truly_lost)
    np.testing.assert_array_equal(np.isin(frame_t[gap[0] - 1:gap[-1] + 2], model.calls), True)


def test_interpolation_is_linear_keeps_nan_and_takes_the_lower_visibility():
    a = wall_squat_frame(0.0, 170.0)
    b = wall_squat_frame(1.0, 110.0)
    vis_b = b.visibility.copy()
    vis_b[3] = 0.2
    xyz_b = b.xyz.copy()
    xyz_b[5] = np.nan
    b = PoseFrame(1.0, xyz_b, b.world_xyz, vis_b, SIZE, np.linspace(0.0, 0.1, len(b.back_profile)))
    mid = interpolate(a, b, 0.25)
    np.testing.assert_allclose(mid.xyz[0], 0.75 * a.xyz[0] + 0.25 * b.xyz[0])
    np.testing.assert_allclose(mid.world_xyz[7], 0.75 * a.world_xyz[7] + 0.25 * b.world_xyz[7])
    assert np.isnan(mid.xyz[5]).all()
    assert mid.visibility[3] == 0.2 and mid.visibility[0] == 1.0
    assert np.isnan(mid.back_profile).all()  # a's outline is unknown, so the one between is too
    with pytest.raises(ValueError, match="strictly between"):
        interpolate(a, b, 1.0)


def test_a_frame_without_a_person_cannot_be_judged_smooth():
    a, b = wall_squat_frame(0.0, 170.0), wall_squat_frame(0.4, 170.0)
    assert midpoint_error_ratio(a, wall_squat_frame(0.2, 170.0), b) == pytest.approx(0.0, abs=1e-9)
    assert midpoint_error_ratio(a, PoseFrame.empty(0.2, SIZE), b) == np.inf


@pytest.mark.parametrize(
    ("thresholds", "error"),
    [
        ({"coarse_step_s": 0.0}, "coarse_step_s must be > 0"),
        ({"midpoint_error_max_ratio": -1.0}, "midpoint_error_max_ratio must be > 0"),
        ({"coarse_step": 0.2}, "unknown sampling threshold coarse_step"),
        ({"visibility_change_min_ratio": 0.0}, "visibility_change_min_ratio must be > 0"),
    ],
)
def test_bad_thresholds_are_refused(thresholds, error):
    with pytest.raises(ValueError, match=error):
        AdaptiveSampler(FakeModel([(0.0, 170.0), (1.0, 170.0)]), thresholds)


def test_the_cache_key_differs_by_sampling_and_full_keeps_its_old_key(monkeypatch):
    full, adaptive = EstimatorSettings(), EstimatorSettings(sampling="adaptive")
    assert full.cache_key() != adaptive.cache_key()
    assert EstimatorSettings(sampling="full").cache_key() == full.cache_key()
    # A newer sampler reads clips differently: its landmarks are cached apart from an older one's; full's stay.
    keys = full.cache_key(), adaptive.cache_key()
    monkeypatch.setattr("pose.estimator.SAMPLER_REVISION", 999)
    assert full.cache_key() == keys[0] and adaptive.cache_key() != keys[1]
    with pytest.raises(ValueError, match="unknown sampling 'sometimes'"):
        EstimatorSettings(sampling="sometimes")
    assert check_sampling("adaptive") == "adaptive"


def test_auto_sampling_is_the_named_exercises_declared_one():
    from dataclasses import replace

    from exercises.registry import get_exercise
    from scoring.runner import sampling_for

    assert sampling_for("walk", "auto") == "full"  # every window of a walk turns: nothing saved, accuracy changed
    assert sampling_for("auto", "auto") == "full"  # recognised from the clip: the poses come first
    assert sampling_for("walk", "adaptive") == "adaptive"  # asked for outright, it is what is used
    declared = [name for name in ("wall_squat", "cat_cow", "nerve_glide")
                if get_exercise(name).batch_sampling == "adaptive"]
    assert [sampling_for(name, "auto") for name in declared] == ["adaptive"] * len(declared)
    with pytest.raises(ValueError, match="unknown sampling 'sometimes'"):
        sampling_for("walk", "sometimes")
    with pytest.raises(ValueError, match="batch_sampling 'often' must be one of full, adaptive"):
        replace(get_exercise("walk"), batch_sampling="often")


def test_score_samples_by_each_named_exercises_own_declaration_by_default():
    from cli.main import _build_parser

    args = _build_parser().parse_args(["score", "--exercise", "wall_squat", "clip.mp4"])
    assert args.sampling == "auto"  # adaptive where the spec declares it, measured to keep accuracy (README, Speed)
    asked = _build_parser().parse_args(["score", "--sampling", "full", "clip.mp4"])
    assert asked.sampling == "full"
