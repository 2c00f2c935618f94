"""scoring.live.LiveCoach driven with synthetic av frames, without a browser."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from exercises.registry import EXERCISES
from feedback.wording import SETUP_WORDING
from pose.frames import PoseFrame
from scoring.live import LiveCoach
from tests.skeleton import SIZE, squat_reps, trace, wall_squat_frame


class ScriptedEstimator:
    """Stands in for MediaPipe: returns the pose planned for each timestamp."""

    def __init__(self, pose_at):
        self.pose_at = pose_at
        self.calls: list[float] = []
        self.closed = False

    def process(self, rgb: np.ndarray, t_s: float) -> PoseFrame:
        self.calls.append(t_s)
        return self.pose_at(t_s)

    def close(self) -> None:
        self.closed = True


def _av_frame(t_s: float, pts_offset: int = 900_000) -> av.VideoFrame:
    # RTP-like media clock (90 kHz) with an arbitrary start, as a browser sends it.
    frame = av.VideoFrame.from_ndarray(np.full((SIZE[1], SIZE[0], 3), 80, np.uint8), format="rgb24")
    frame.pts, frame.time_base = pts_offset + round(t_s * 90_000), Fraction(1, 90_000)
    return frame


def _squat_pose(keys):
    t, knee = trace(keys, fps=100)
    return lambda t_s: wall_squat_frame(t_s, float(np.interp(t_s, t, knee)))


@pytest.mark.parametrize("fps", [30, 12, 7])
def test_reps_counted_from_frame_timestamps_whatever_the_rate(fps):
    keys = squat_reps(2, rep_s=3.0)
    est = ScriptedEstimator(_squat_pose(keys))
    coach = LiveCoach(EXERCISES["wall_squat"], hold_target_s=5.0, estimator_factory=lambda: est)
    for t in np.arange(0.0, keys[-1][0] + 0.5, 1.0 / fps):
        out = coach.recv(_av_frame(float(t)))
        assert out.width == SIZE[0] and out.height == SIZE[1]
    statuses = coach.drain()
    assert statuses[-1].reps == 2 and statuses[-1].setup == "ready"
    assert est.calls[0] == 0.0  # times are relative to the set's first frame, from the media clock
    assert est.calls[1] == pytest.approx(1.0 / fps, abs=1e-4)
    assert coach.report().rep_count == 2
    assert coach.frames == statuses[-1].frames


def test_a_missing_person_gives_one_calm_instruction_not_a_flood():
    est = ScriptedEstimator(lambda t_s: PoseFrame.empty(t_s, SIZE))
    coach = LiveCoach(EXERCISES["cat_cow"], estimator_factory=lambda: est)
    for i in range(60):
        coach.recv(_av_frame(i / 30))
    statuses = coach.drain()
    coach.close()  # left open, its watchdog would end the set seconds later, during another test
    assert {s.setup for s in statuses} == {"no_person"}
    assert {s.cue_text for s in statuses} == {"We can't see you yet. Move into the picture."}
    assert statuses[-1].cue_seq == 1  # announced once in two seconds
    assert statuses[-1].reps == 0 and not statuses[-1].reliable


def test_the_drawn_frame_differs_and_the_queue_drops_oldest_when_full():
    est = ScriptedEstimator(lambda t_s: wall_squat_frame(t_s, 170.0))
    coach = LiveCoach(EXERCISES["wall_squat"], estimator_factory=lambda: est)
    frame = _av_frame(0.0)
    drawn = coach.recv(frame)
    assert not np.array_equal(drawn.to_ndarray(format="rgb24"), frame.to_ndarray(format="rgb24"))
    assert drawn.pts == frame.pts
    for i in range(1, 400):
        coach.recv(_av_frame(i / 30))
    statuses = coach.drain()
    coach.close()
    assert len(statuses) == coach.statuses.maxsize and statuses[-1].frames == 400


def test_after_the_report_frames_change_nothing_and_close_releases_the_model():
    est = ScriptedEstimator(lambda t_s: wall_squat_frame(t_s, 170.0))
    coach = LiveCoach(EXERCISES["wall_squat"], estimator_factory=lambda: est)
    coach.recv(_av_frame(0.0))
    report = coach.report()
    coach.recv(_av_frame(0.1))
    assert coach.report() is report and coach.frames == 1 and coach.finished
    coach.close()
    assert est.closed


def test_bad_hold_target_is_rejected():
    with pytest.raises(ValueError, match="hold_target_s"):
        LiveCoach(EXERCISES["wall_squat"], hold_target_s=0)


def _pelvic_tilt_set(pose_at, seconds: float) -> tuple[list, list, list]:
    """A pelvic tilt coach fed `pose_at` at 10 frames/s: its statuses before 2.9 s, from 3.5 s, and all."""
    est = ScriptedEstimator(pose_at)
    coach = LiveCoach(EXERCISES["pelvic_tilt"], estimator_factory=lambda: est)
    for t in np.arange(0.0, seconds, 0.1):
        coach.recv(_av_frame(float(t)))
    statuses = coach.drain()
    coach.close()
    return [s for s in statuses if s.t_s < 2.9], [s for s in statuses if s.t_s >= 3.5], statuses


@pytest.mark.parametrize(("arms", "told"), [("sides", True), ("pelvis", False)])
def test_a_pelvic_tilt_with_the_hands_off_the_hip_bones_is_told_where_to_rest_them(arms, told):
    from synth.supine_poses import HookLyingAngles
    from tests.test_supine_exercises import hook_frame

    early, late, every = _pelvic_tilt_set(lambda t_s: hook_frame(t_s, HookLyingAngles(arms=arms)), 6.0)
    assert {s.setup for s in early} == {"ready"}
    if told:
        assert {s.setup for s in late} == {"not_in_position"}
        assert {s.cue_text for s in late} == {SETUP_WORDING["not_in_position:pelvic_tilt"]}
    else:
        assert {s.setup for s in every} == {"ready"}


def test_a_patient_still_standing_for_a_floor_exercise_is_told_to_lie_down():
    # Seen side-on and whole, but upright: nothing of a pelvic tilt can be judged until the patient lies down.
    early, late, _ = _pelvic_tilt_set(lambda t_s: wall_squat_frame(t_s, 175.0), 5.0)
    assert {s.setup for s in early} == {"ready"}
    assert {s.setup for s in late} == {"not_in_posture"}
    assert {s.cue_text for s in late} == {"Lie down on your back to start."}
