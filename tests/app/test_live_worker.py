"""Live pose in a worker process (pose.live_worker, scoring.live's worker path): newest frame wins, one engine,
and the worker never outlives its set (closed, finished, stalled, refused, or its parent killed)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from fractions import Fraction
from functools import partial
from pathlib import Path

import av
import numpy as np
import pytest

from exercises.registry import EXERCISES
from pose.frames import PoseFrame
from pose.live_worker import PoseWorker, StandbyWorkers, process_alive
from scoring.live import LiveAdmission, LiveCoach
from tests.skeleton import squat_reps, trace, wall_squat_frame
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]


class PixelEstimator:
    """Stands in for MediaPipe in the worker: a pose whose every coordinate is the frame's first pixel / 255, so
    the test can tell which frame (and whether a whole one) the worker read. Sleeps like a slow model."""

    def __init__(self, delay_s: float = 0.0):
        self.delay_s = delay_s

    def process(self, rgb: np.ndarray, t_s: float) -> PoseFrame:
        time.sleep(self.delay_s)
        h, w = rgb.shape[:2]
        if rgb.min() != rgb.max():  # a frame half overwritten while read
            raise AssertionError("torn frame")
        xyz = np.full((33, 3), rgb[0, 0, 0] / 255.0)
        return PoseFrame(t_s, xyz, xyz.copy(), np.ones(33), (w, h))

    def close(self) -> None:
        pass


class SquatEstimator:
    """Two planned wall squats, by timestamp (picklable, for the worker)."""

    def __init__(self):
        self.t, self.knee = trace(squat_reps(2, rep_s=3.0), fps=100)

    def process(self, rgb: np.ndarray, t_s: float) -> PoseFrame:
        return wall_squat_frame(t_s, float(np.interp(t_s, self.t, self.knee)))

    def close(self) -> None:
        pass


def _av_frame(t_s: float, size: tuple[int, int] = (160, 120)) -> av.VideoFrame:
    # Small: what is drawn on is not what is judged (the scripted poses are for a SIZE picture).
    frame = av.VideoFrame.from_ndarray(np.full((size[1], size[0], 3), 80, np.uint8), format="rgb24")
    frame.pts, frame.time_base = 900_000 + round(t_s * 90_000), Fraction(1, 90_000)
    return frame


def test_the_worker_takes_the_newest_frame_whole_and_skips_the_ones_it_never_started():
    with PoseWorker(partial(PixelEstimator, 0.03), max_side_px=64) as worker:
        assert worker.wait_ready(60.0), worker.error
        got = []
        for seq in range(1, 61):  # 6 frames per model call: most must be skipped, never queued
            worker.submit(np.full((48, 64, 3), seq, np.uint8), seq / 200)
            time.sleep(0.005)
            got += worker.poll()
        assert wait_for(lambda: bool(got.extend(worker.poll())) or (got and got[-1].seq == 60), 10.0)
        with pytest.raises(ValueError, match="sides <= 64"):  # bigger than the shared buffer: one line
            worker.submit(np.zeros((48, 80, 3), np.uint8), 1.0)
    assert not process_alive(worker.pid)
    seqs = [g.seq for g in got]
    assert seqs == sorted(set(seqs)) and seqs[-1] == 60  # in order, and the last frame is always done
    assert len(seqs) < 40, seqs  # frames were dropped, not queued
    for g in got:  # each pose is the frame of its sequence number, at its time
        assert g.pose.xyz[0, 0] * 255 == pytest.approx(g.seq) and g.pose.t_s == pytest.approx(g.seq / 200)
        assert g.pose_ms >= 25


def test_a_worker_exits_when_its_parent_is_killed():
    # A parent that starts a worker, says its pid, then waits; SIGKILL leaves it no chance to stop the worker.
    script = ("import sys, time, functools\n"
              "from pose.live_worker import PoseWorker\n"
              "from tests.app.test_live_worker import PixelEstimator\n"
              "w = PoseWorker(PixelEstimator, max_side_px=32)\n"
              "assert w.wait_ready(60)\n"
              "print(w.pid, flush=True)\n"
              "time.sleep(120)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        pid = int(parent.stdout.readline())
        assert process_alive(pid)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
    assert wait_for(lambda: not process_alive(pid), timeout_s=10.0), f"worker {pid} outlived its parent"


def _worker_coach(**kwargs) -> LiveCoach:
    return LiveCoach(EXERCISES["wall_squat"], hold_target_s=5.0, estimator_factory=SquatEstimator,
                     pose_process="worker", **kwargs)


def test_one_engine_counts_the_reps_from_poses_the_worker_sends_back():
    coach = _worker_coach()
    try:
        coach.recv(_av_frame(0.0))
        assert wait_for(lambda: coach.pose_pid is not None and coach.recv(_av_frame(0.0)) and coach.frames, 60)
        pid = coach.pose_pid
        end = squat_reps(2, rep_s=3.0)[-1][0] + 0.5
        for t in np.arange(0.0, end, 1 / 15):  # the media clock at 15 frames/s, fed faster than real time
            coach.recv(_av_frame(float(t)))
            time.sleep(0.002)
        for _ in range(15):  # the camera still sends: the last poses come back with its next frames
            time.sleep(0.02)
            coach.recv(_av_frame(end))
        statuses = coach.drain()
        last = statuses[-1]
        assert last.reps == 2 and last.setup == "ready"
        assert {"convert", "pose", "checker", "draw", "encode", "delay"} <= set(last.stage_ms)
        assert np.isfinite(last.delay_ms) and last.process_ms > 0
        assert coach.report().rep_count == 2
        assert not process_alive(pid)  # a finished set needs no model
    finally:
        coach.close()


def test_a_set_takes_a_loaded_spare_and_a_stalled_or_closed_set_stops_its_worker():
    standby = StandbyWorkers()
    stalled = _worker_coach(stall_after_s=0.3, standby=standby)
    closed = _worker_coach(standby=standby)
    try:
        stalled.warm_up()  # as the camera connects
        assert wait_for(lambda: len(standby.pids) == 1, 60.0)
        (spare,) = standby.pids
        stalled.recv(_av_frame(0.0))
        assert stalled.pose_pid == spare  # the spare, its model loaded, is the set's worker
        assert standby.pids == []  # no new spare loads while a set starts
        closed.recv(_av_frame(0.0))
        pids = [stalled.pose_pid, closed.pose_pid]
        assert all(process_alive(p) for p in pids)
        assert wait_for(lambda: stalled.interrupted, 10.0)
        closed.close()
        assert wait_for(lambda: not any(process_alive(p) for p in pids), 10.0)
        assert wait_for(lambda: stalled.pose_pid is None and closed.pose_pid is None, 10.0)
        assert wait_for(lambda: len(standby.pids) == 1, 60.0)  # the sets ended: a spare for the next one
    finally:
        spares = standby.pids
        standby.close()
        stalled.close()
        closed.close()
    assert not any(process_alive(p) for p in spares)


def test_a_set_over_the_servers_capacity_is_refused_and_its_picture_passes_undrawn():
    admission = LiveAdmission(1)
    first = LiveCoach(EXERCISES["wall_squat"], estimator_factory=SquatEstimator, admission=admission)
    second = LiveCoach(EXERCISES["wall_squat"], estimator_factory=SquatEstimator, admission=admission)
    frame = _av_frame(0.0, (1280, 720))
    first.recv(frame)
    out = second.recv(frame)
    assert not first.refused and second.refused and admission.full
    assert (out.width, out.height) == (1280, 720) and second.frames == 0 and second.pose_pid is None
    first.report()  # the first set ends: its place is free for the next
    assert admission.running == 0
    third = LiveCoach(EXERCISES["wall_squat"], estimator_factory=SquatEstimator, admission=admission)
    third.recv(frame)
    assert not third.refused and third.recv(frame).width == 640  # a big frame comes back at the live size
    third.close()
    assert admission.running == 0


def test_a_place_whose_set_died_without_leaving_is_taken_back():
    admission = LiveAdmission(1)
    alive = [True]
    assert admission.enter(1, lambda: alive[0])
    assert not admission.enter(2) and admission.full
    alive[0] = False  # e.g. its callback raised before the watchdog started
    assert admission.enter(2) and admission.running == 1


@pytest.mark.parametrize(("env", "cores", "want"), [(None, 2, 2), ("3", 2, 3), ("0", 2, ValueError),
                                                    ("two", 2, ValueError)])
def test_capacity_comes_from_the_cores_or_a_count(monkeypatch, env, cores, want):
    import scoring.live as live

    monkeypatch.setattr(live, "cpu_cores", lambda: cores)
    if env is None:
        monkeypatch.delenv(live.LIVE_SESSIONS_MAX_ENV, raising=False)
    else:
        monkeypatch.setenv(live.LIVE_SESSIONS_MAX_ENV, env)
    if want is ValueError:
        with pytest.raises(ValueError, match="sets >= 1"):
            LiveAdmission.from_machine(1.0)
    else:
        assert LiveAdmission.from_machine(1.0).capacity == want


def test_real_model_in_a_worker_finds_no_person_on_a_blank_frame():
    coach = LiveCoach(EXERCISES["wall_squat"], pose_process="worker")
    try:
        assert wait_for(lambda: coach.recv(_av_frame(time.monotonic())) and coach.frames > 0, 120.0, 0.05), \
            coach.pose_error
        (status, *_) = coach.drain()
        pid = coach.pose_pid
        assert status.setup == "no_person" and status.stage_ms["pose"] > 0
    finally:
        coach.close()
    assert not process_alive(pid)

