"""A live set whose frames stop (camera unplugged, tab closed, connection lost) ends as interrupted and is kept.

LiveCoach level: synthetic frames through `recv`, a scripted estimator in place of MediaPipe, and a short stall
time so the watchdog thread acts within the test.
"""

from __future__ import annotations

import logging
import threading
import time

import numpy as np
import pytest

from exercises.registry import EXERCISES
from scoring.live import STALL_AFTER_S, LiveCoach
from tests.app.test_live import ScriptedEstimator, _av_frame, _squat_pose
from tests.skeleton import squat_reps
from tests.waiting import wait_for

STALL_S = 0.3


def _two_reps_then_nothing(coach: LiveCoach, fps: float = 15) -> float:
    """Feed two squats' frames; returns the last frame time. Then the camera is gone: no more frames."""
    keys = squat_reps(2, rep_s=3.0)
    ts = np.arange(0.0, keys[-1][0] + 0.5, 1.0 / fps)
    for t in ts:
        coach.recv(_av_frame(float(t)))
    return float(ts[-1])


def _coach(kept: list, **kwargs) -> tuple[LiveCoach, ScriptedEstimator]:
    est = ScriptedEstimator(_squat_pose(squat_reps(2, rep_s=3.0)))
    coach = LiveCoach(EXERCISES["wall_squat"], estimator_factory=lambda: est, stall_after_s=STALL_S,
                      on_interrupted=kept.append, **kwargs)
    return coach, est


def test_frames_stopping_mid_set_end_it_as_interrupted_and_hand_over_the_set_so_far():
    kept: list = []
    coach, est = _coach(kept)
    _two_reps_then_nothing(coach)
    assert not coach.finished  # frames came in time so far
    assert wait_for(lambda: coach.finished, timeout_s=5.0)
    assert coach.interrupted
    (report,) = kept  # handed over exactly once
    assert report.rep_count == 2 and report is coach.report()
    assert est.closed  # the model is released: the page may never come back to close it
    drawn = coach.recv(_av_frame(99.0))  # the camera comes back: nothing changes, nothing crashes
    assert drawn.width > 0 and coach.report() is report and len(kept) == 1


def test_a_set_finished_by_the_page_is_never_interrupted_afterwards():
    kept: list = []
    coach, _ = _coach(kept)
    _two_reps_then_nothing(coach)
    report = coach.report()  # "Finish the set"
    time.sleep(STALL_S * 4)
    assert coach.report() is report and not coach.interrupted and kept == []


def test_a_set_that_never_got_a_frame_has_no_watchdog_and_nothing_to_keep():
    kept: list = []
    coach, _ = _coach(kept)
    time.sleep(STALL_S * 3)
    assert not coach.finished and kept == [] and coach._watchdog is None
    assert coach.idle_s() == float("inf")


def test_closing_the_coach_stops_its_watchdog_and_keeps_nothing():
    kept: list = []
    coach, _ = _coach(kept)
    coach.recv(_av_frame(0.0))
    watchdog = coach._watchdog
    coach.close()
    watchdog.join(timeout=2)
    assert not watchdog.is_alive() and kept == [] and not coach.interrupted


def test_a_slow_frame_is_not_a_stall():
    kept: list = []
    coach, _ = _coach(kept)
    coach.recv(_av_frame(0.0))
    now = time.monotonic()
    assert not coach.interrupt_if_stalled(now=now + STALL_S * 0.5)
    assert coach.interrupt_if_stalled(now=now + STALL_S * 2)
    assert coach.interrupted and len(kept) == 1


def test_a_failing_keeper_is_logged_once_and_the_set_still_ends(caplog):
    def broken(report):
        raise RuntimeError("database is locked\n[SQL: INSERT ... password=hunter2]")

    est = ScriptedEstimator(_squat_pose(squat_reps(2)))
    coach = LiveCoach(EXERCISES["wall_squat"], estimator_factory=lambda: est, stall_after_s=STALL_S,
                      on_interrupted=broken)
    with caplog.at_level(logging.WARNING, logger="scoring.live"):
        coach.recv(_av_frame(0.0))
        assert wait_for(lambda: coach.finished, timeout_s=5.0)
    assert coach.interrupted
    (record,) = [r for r in caplog.records if r.name == "scoring.live"]
    assert "database is locked" in record.getMessage() and "hunter2" not in record.getMessage()


def test_a_page_asking_for_the_report_while_the_set_is_kept_waits_for_it():
    # The keeper is slow (a database write): the page must see the saved set, not save it a second time.
    started, release = threading.Event(), threading.Event()
    saved: dict = {}

    def slow_keeper(report):
        started.set()
        release.wait(5)
        saved["id"] = 1

    est = ScriptedEstimator(_squat_pose(squat_reps(2)))
    coach = LiveCoach(EXERCISES["wall_squat"], estimator_factory=lambda: est, stall_after_s=STALL_S,
                      on_interrupted=slow_keeper)
    coach.recv(_av_frame(0.0))
    assert started.wait(5)
    assert not coach.finished  # not shown as finished before it is kept
    threading.Timer(0.2, release.set).start()
    coach.report()  # blocks until the keeper is done
    assert saved == {"id": 1} and coach.interrupted


@pytest.mark.parametrize("bad", [0, -1.0, float("nan")])
def test_bad_stall_time_is_rejected(bad):
    with pytest.raises(ValueError, match="stall_after_s"):
        LiveCoach(EXERCISES["wall_squat"], stall_after_s=bad)


def test_the_default_stall_time_is_a_few_seconds():
    assert 2.0 <= STALL_AFTER_S <= 15.0
