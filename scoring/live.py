"""Live coaching at a camera: one object per browser session turns webcam frames into drawn frames and statuses.

`LiveCoach.recv` is the frame callback (streamlit-webrtc calls it in its own thread with an av.VideoFrame).
It never touches the UI: everything the page shows leaves through `LiveCoach.statuses`, a bounded
queue.Queue of LiveStatus. With async processing the transport drops frames the callback cannot keep up with,
so all logic runs on frame timestamps, never on frame counts.

A set can also end without the page: the camera is unplugged, the tab is closed or the connection drops, and
frames simply stop coming. Once frames have stopped for `stall_after_s`, a watchdog thread ends the set as
interrupted and hands the set so far to `on_interrupted` (the app saves it for a signed-in patient; a guest's
page shows its summary).

Pose runs in a worker process per set (pose.live_worker), so sessions do not share the app's GIL for it: the
callback downscales the frame, hands it over (newest wins, never queued), draws the newest pose that came back on
the frame it has, and runs the engine on each pose as it returns. The engine stays here, in the app process:
there is one engine. `FORMCHECK_LIVE_POSE=inline` keeps the old path (the model in the callback) for comparison.

A server holds only so many live sets at once (`LiveAdmission`); a set over the limit is refused at its first
frame, and the page tells the patient plainly, with what to do instead.
"""

from __future__ import annotations

import logging
import math
import os
import queue
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import av
import cv2
import numpy as np

from exercises.engine import Checker
from exercises.gait import LiveSteps
from exercises.results import ClipReport, FrameResult
from exercises.setup import check_setup
from exercises.spec import ExerciseSpec
from feedback.coach import CueSelector, PositionWatch, count_text
from feedback.overlay import annotate
from feedback.wording import cue as fault_cue
from feedback.wording import setup_instruction
from pose.frames import PoseFrame
from pose.landmarks import Side
from pose.live_worker import PoseWorker, StandbyWorkers, mediapipe_factory
from pose.workers import core_count

# A webcam frame is estimated at this longer side: enough for a whole body at 2-3 m, and about half the cost
# of a 1280 px frame, which keeps feedback inside ~100 ms on a laptop CPU.
LIVE_MAX_SIDE_PX = 640
# Statuses kept for a page that polls twice a second; older ones are dropped first (the page wants the latest).
STATUS_QUEUE_SIZE = 256
# The setup status must hold this long before the shown instruction changes, so it does not flicker.
SETUP_MIN_SHOW_S = 1.5
# Rate limits for fault cues (see CueSelector).
CUE_MIN_SHOW_S = 2.5
CUE_REPEAT_INTERVAL_S = 10.0
# Processing times kept for the running median.
_TIMING_WINDOW = 60
# No frame for this long in a running set means the camera stopped (unplugged, tab closed, connection lost). The
# callback sees several frames a second even when it drops some, and the model loads before the first frame is
# counted, so only a stopped stream is this quiet.
STALL_AFTER_S = 5.0
# Where pose runs: "worker" (a process per set) or "inline" (in the frame callback, the old path, kept to compare).
LIVE_POSE_ENV = "FORMCHECK_LIVE_POSE"
POSE_PROCESSES = ("worker", "inline")
# Live sets one server core holds at camera rate. Measured with `python -m bench.live_load` on 2 cores: a set at
# 15 frames/s costs about half a core for pose plus the WebRTC decode and encode in the app (see the README's
# Speed section); one per core leaves room for the app itself.
LIVE_SESSIONS_PER_CORE_MAX = 1.0
# A count that replaces the per-core capacity (e.g. a bigger or a shared server).
LIVE_SESSIONS_MAX_ENV = "FORMCHECK_LIVE_SESSIONS_MAX"
# Per-stage timings: the stages of one frame, in the order they run (see LiveStatus.stage_ms).
STAGES = ("convert", "resize", "handover", "pose", "checker", "draw", "encode", "callback", "delay")

_log = logging.getLogger(__name__)

EstimatorFactory = Callable[[], object]


@dataclass(frozen=True)
class LiveStatus:
    """The coaching state after one processed frame: what the page shows, plus timing.

    Attributes:
        t_s: frame time in seconds since the first frame of the set (from the frame's own timestamp).
        setup: setup status code (exercises.setup).
        setup_text: the instruction for it.
        reliable: whether the engine could judge this frame.
        reps: reps so far.
        hold_s: good-form seconds in the current hold.
        cue: the one code shown now (a setup or fault code), or None.
        cue_text: its wording, or None.
        cue_seq: increases each time a cue is newly announced (the page speaks on a change).
        frames: frames processed so far in this set.
        process_ms: time the callback that brought this pose back took (resize, hand over or estimate, score,
            draw), in milliseconds; with a worker, the model's time is not in it (see stage_ms["pose"]).
        lag_ms: how far processing is behind the camera: wall time since the first frame minus frame time since
            the first frame, relative to the smallest such value seen (so the first frame's transport delay,
            which cannot be measured here, is not included).
        wall_s: time.time() when the frame was done.
        partial_reps: partial reps so far (movements that fell short of the work zone; never counted in `reps`).
        count_text: the count as the patient reads it, full and partial reps ("3 reps, 1 partial").
        delay_ms: from the frame's arrival in the callback to the first drawn frame carrying its pose, in
            milliseconds (the pose's wait, the model, and the wait for the next camera frame to draw on).
        stage_ms: the median milliseconds of each stage over the last frames (STAGES): convert (WebRTC frame to
            RGB), resize, handover (to the worker), pose (the model), checker (engine, setup check, cue), draw
            (overlay), encode (RGB back to a WebRTC frame), callback (the whole callback), delay (above).
    """

    t_s: float
    setup: str
    setup_text: str
    reliable: bool
    reps: int
    hold_s: float
    cue: str | None
    cue_text: str | None
    cue_seq: int
    frames: int
    process_ms: float
    lag_ms: float
    wall_s: float
    partial_reps: int = 0
    count_text: str = ""
    delay_ms: float = math.nan
    stage_ms: dict[str, float] = field(default_factory=dict)


def cpu_cores() -> int:
    """The cores this process may run on."""
    return core_count()


class LiveAdmission:
    """How many live sets a server runs at once.

    A set takes a place at its first frame and gives it back when it ends (finished, interrupted or closed).
    Thread-safe; one per server process (`LIVE_ADMISSION`).
    """

    def __init__(self, capacity: int) -> None:
        """Make a limit.

        Args:
            capacity: live sets at once (>= 1).
        """
        if capacity < 1:
            raise ValueError(f"live capacity must be >= 1 set, got {capacity}")
        self.capacity = capacity
        self._lock = threading.Lock()
        self._held: dict[int, Callable[[], bool]] = {}

    @classmethod
    def from_machine(cls, sessions_per_core_max: float = LIVE_SESSIONS_PER_CORE_MAX) -> LiveAdmission:
        """The capacity from the core count, or from $FORMCHECK_LIVE_SESSIONS_MAX when set (a count)."""
        override = os.environ.get(LIVE_SESSIONS_MAX_ENV)
        if override:
            count = int(override) if override.strip().isdigit() else 0
            if count < 1:
                raise ValueError(f"{LIVE_SESSIONS_MAX_ENV} must be a whole number of sets >= 1, got {override!r}")
            return cls(count)
        return cls(max(1, math.floor(sessions_per_core_max * cpu_cores())))

    def enter(self, key: int, alive: Callable[[], bool] | None = None) -> bool:
        """Take a place for `key`; False when the server is full (a key already in keeps its place).

        Args:
            key: the set.
            alive: says whether the set still runs; a place whose set says no is taken back, so a set that died
                without leaving (an error in its callback, a lost thread) cannot hold its place for ever.
        """
        with self._lock:
            self._purge()
            if key in self._held or len(self._held) < self.capacity:
                self._held[key] = alive or (lambda: True)
                return True
            return False

    def leave(self, key: int) -> None:
        """Give back `key`'s place (no-op if it holds none)."""
        with self._lock:
            self._held.pop(key, None)

    def _purge(self) -> None:
        for key in [k for k, alive in self._held.items() if not alive()]:
            del self._held[key]

    def holds(self, key: int) -> bool:
        """Whether `key`'s set holds a place now."""
        with self._lock:
            self._purge()
            return key in self._held

    @property
    def running(self) -> int:
        """Live sets running now."""
        with self._lock:
            self._purge()
            return len(self._held)

    @property
    def full(self) -> bool:
        """Whether a new set would be refused now."""
        return self.running >= self.capacity


LIVE_ADMISSION = LiveAdmission.from_machine()
# The server's spare pose workers: a set's first pose comes from a model already loaded.
LIVE_STANDBY = StandbyWorkers()


def pose_process_default() -> str:
    """Where live pose runs unless told: $FORMCHECK_LIVE_POSE ("worker" or "inline"), else a worker."""
    choice = os.environ.get(LIVE_POSE_ENV, "worker")
    if choice not in POSE_PROCESSES:
        raise ValueError(f"{LIVE_POSE_ENV} must be one of {', '.join(POSE_PROCESSES)}, got {choice!r}")
    return choice


def downscale(rgb: np.ndarray, max_side_px: int = LIVE_MAX_SIDE_PX) -> np.ndarray:
    """The frame with its longer side at most `max_side_px` (the same array when it already fits)."""
    h, w = rgb.shape[:2]
    side = max(h, w)
    if side <= max_side_px:
        return rgb
    scale = max_side_px / side
    return cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


class _InlinePose:
    """The old path: the model runs in the callback, one frame in, its pose out at once."""

    def __init__(self, factory: EstimatorFactory) -> None:
        self._estimator = factory()
        self.error = None

    def step(self, rgb: np.ndarray, t_s: float, now: float) -> list[tuple[PoseFrame, float, float]]:
        start = time.perf_counter()
        pose = self._estimator.process(np.ascontiguousarray(rgb), t_s)
        return [(pose, (time.perf_counter() - start) * 1000.0, now)]

    def close(self) -> None:
        self._estimator.close()


class _WorkerPose:
    """Pose in a worker process: the frame is handed over, and whatever poses came back are returned."""

    def __init__(self, factory: EstimatorFactory, standby: StandbyWorkers | None = None) -> None:
        self._worker = (standby.take(factory, LIVE_MAX_SIDE_PX) if standby is not None
                        else PoseWorker(factory, max_side_px=LIVE_MAX_SIDE_PX))

    @property
    def error(self) -> str | None:
        return self._worker.error

    @property
    def pid(self) -> int:
        return self._worker.pid

    def step(self, rgb: np.ndarray, t_s: float, now: float) -> list[tuple[PoseFrame, float, float]]:
        start = time.perf_counter()
        if self._worker.error is None:
            self._worker.submit(rgb, t_s)
        self.handover_ms = (time.perf_counter() - start) * 1000.0
        return [(p.pose, p.pose_ms, p.submitted) for p in self._worker.poll()]

    def close(self) -> None:
        self._worker.close()


class LiveCoach:
    """Pose estimator + engine + cue selection for one live set in one browser session.

    Thread-safe: `recv`/`process` run in the camera thread, `report` and `close` in the page's thread.
    """

    def __init__(self, spec: ExerciseSpec, side: Side | None = None, hold_target_s: float | None = None,
                 estimator_factory: EstimatorFactory | None = None, stall_after_s: float = STALL_AFTER_S,
                 on_interrupted: Callable[[ClipReport], None] | None = None, reps_target: int | None = None,
                 pose_process: str | None = None, admission: LiveAdmission | None = None,
                 standby: StandbyWorkers | None = None) -> None:
        """Prepare a set (the model loads on the first frame, in the camera thread).

        Args:
            spec: the exercise, with any per-patient thresholds applied.
            side: the working side, or None to let the engine choose it.
            hold_target_s: the prescribed hold in seconds, drawn beside the hold timer.
            estimator_factory: makes the pose estimator (anything with `process(rgb, t_s) -> PoseFrame` and
                `close()`); defaults to MediaPipe at LIVE_MAX_SIDE_PX.
            stall_after_s: seconds without a frame after which a running set counts as interrupted.
            on_interrupted: called once with the set so far when it is interrupted, in the watchdog thread (so it
                must not touch the UI); an exception it raises is logged, never raised.
            reps_target: the prescribed reps for the set, shown beside the count (scoring does not use it).
            pose_process: "worker" runs the estimator in a process of its own (then `estimator_factory` must be
                picklable), "inline" in the callback; None: inline for a given factory, else
                `pose_process_default()`.
            admission: the server's limit on live sets at once; None admits every set.
            standby: spare workers with the model loaded, to take one from (worker path); None starts one.
        """
        if hold_target_s is not None and not hold_target_s > 0:
            raise ValueError(f"hold_target_s must be > 0 seconds, got {hold_target_s}")
        if reps_target is not None and not reps_target > 0:
            raise ValueError(f"reps_target must be > 0, got {reps_target}")
        if not stall_after_s > 0:
            raise ValueError(f"stall_after_s must be > 0 seconds, got {stall_after_s}")
        self.stall_after_s = stall_after_s
        self.on_interrupted = on_interrupted
        self.spec = spec
        self.hold_target_s = hold_target_s
        self.reps_target = reps_target
        self.statuses: queue.Queue[LiveStatus] = queue.Queue(maxsize=STATUS_QUEUE_SIZE)
        if pose_process is None:
            pose_process = "inline" if estimator_factory is not None else pose_process_default()
        if pose_process not in POSE_PROCESSES:
            raise ValueError(f"pose_process must be one of {', '.join(POSE_PROCESSES)}, got {pose_process!r}")
        self.pose_process = pose_process
        self.admission = admission
        self.standby = standby
        self.refused = False
        self._entered_mono = 0.0
        self._factory = estimator_factory or mediapipe_factory(LIVE_MAX_SIDE_PX, spec.needs_outline)
        self._estimator: _InlinePose | _WorkerPose | None = None
        self._checker = Checker(spec, side)
        # Walking: step faults need a few seconds of both legs, found by the spec's event detector as it goes.
        self._steps = LiveSteps(spec.events, spec.thresholds) if spec.events else None
        self._severity = {f.code: f.severity for f in spec.faults}
        self._setup_cues = CueSelector(min_show_s=SETUP_MIN_SHOW_S, repeat_interval_s=CUE_REPEAT_INTERVAL_S)
        self._fault_cues = CueSelector(min_show_s=CUE_MIN_SHOW_S, repeat_interval_s=CUE_REPEAT_INTERVAL_S)
        self._position = PositionWatch()
        self._lock = threading.Lock()
        self._t0: float | None = None
        self._wall0 = 0.0
        self._min_offset_s = math.inf
        self._frames = 0
        self._cue_seq = 0
        self._timings: deque[float] = deque(maxlen=_TIMING_WINDOW)
        self._stages: dict[str, deque[float]] = {k: deque(maxlen=_TIMING_WINDOW) for k in STAGES}
        self._shown: tuple[PoseFrame, FrameResult, str | None] | None = None  # the newest pose, result and cue
        self._report: ClipReport | None = None
        self._closed = False
        self._interrupted = False
        self._last_frame_mono: float | None = None  # time.monotonic() when the last frame was done
        self._watchdog: threading.Thread | None = None
        self._stop = threading.Event()

    # --- camera thread -------------------------------------------------------------------------------------

    def recv(self, frame: av.VideoFrame) -> av.VideoFrame:
        """The streamlit-webrtc frame callback: estimate, score, draw, report; returns the drawn frame."""
        start = time.perf_counter()
        rgb = frame.to_ndarray(format="rgb24")
        convert_ms = (time.perf_counter() - start) * 1000.0
        # The frame's own media time; a source without timestamps falls back to the clock, never to a count.
        t = float(frame.time) if frame.time is not None else time.monotonic()
        out_rgb, _ = self.process(rgb, t)
        encode_start = time.perf_counter()
        out = av.VideoFrame.from_ndarray(out_rgb, format="rgb24")
        out.pts, out.time_base = frame.pts, frame.time_base
        done = time.perf_counter()
        self._time("convert", convert_ms)
        self._time("encode", (done - encode_start) * 1000.0)
        self._time("callback", (done - start) * 1000.0)
        return out

    def process(self, rgb: np.ndarray, t: float) -> tuple[np.ndarray, LiveStatus | None]:
        """Process one RGB frame taken at media time `t` (seconds, any origin, increasing).

        The frame is downscaled to LIVE_MAX_SIDE_PX and handed to the pose model; each pose that comes back (the
        frame's own inline, the newest finished one from a worker) goes through the engine and gives a status.
        The newest pose, its result and cue are drawn on this frame.

        Returns:
            The drawn (height, width, 3) uint8 image (at most LIVE_MAX_SIDE_PX a side), and the last status
            pushed to `statuses` for it (None when no pose came back with this frame, and once the set has been
            reported, refused or closed: later frames are passed on undrawn and change nothing).
        """
        start = time.perf_counter()
        with self._lock:
            if self._report is not None or self._closed or self.refused:
                return rgb, None
            if self._t0 is None:
                self._entered_mono = time.monotonic()
                if self.admission is not None and not self.admission.enter(id(self), self._holds_place):
                    self.refused = True  # the page says so; the video keeps playing, undrawn
                    return rgb, None
                self._t0, self._wall0 = t, time.time()
            t_s = t - self._t0
            small = downscale(rgb)
            resized = time.perf_counter()
            if self._estimator is None:
                self._estimator = (_WorkerPose(self._factory, self.standby) if self.pose_process == "worker"
                                   else _InlinePose(self._factory))
            poses = self._estimator.step(small, t_s, start)
            handed = time.perf_counter()
            scored = [(self._score(pose, pose_ms), submitted) for pose, pose_ms, submitted in poses]
            self._last_frame_mono = time.monotonic()
            if self._watchdog is None:
                # Started with the first frame: a set that never got one has nothing to keep.
                self._watchdog = threading.Thread(target=self._watch, name="live-set-watchdog", daemon=True)
                self._watchdog.start()
            drawn_at = time.perf_counter()
            if self._shown is not None:
                pose, result, cue_text = self._shown
                drawn = annotate(small, pose, result, self.spec, cue_text=cue_text,
                                 hold_target_s=self.hold_target_s, show_angle=True, reps_target=self.reps_target)
            else:
                drawn = small  # no pose back yet (the worker is loading the model): the picture, undrawn
            end = time.perf_counter()
            self._time("resize", (resized - start) * 1000.0)
            if self.pose_process == "worker":  # inline, the handover is the model itself
                self._time("handover", (handed - resized) * 1000.0)
            if self._shown is not None:  # frames passed on undrawn while the model loads cost nothing to draw
                self._time("draw", (end - drawn_at) * 1000.0)
            process_ms = (end - start) * 1000.0
            self._timings.append(process_ms)
            statuses = []
            for status, submitted in scored:
                # Its pose is drawn on the frame this call returns: the delay runs from that frame's arrival here.
                delay_ms = (end - submitted) * 1000.0
                self._time("delay", delay_ms)
                statuses.append(replace(status, process_ms=process_ms, delay_ms=delay_ms,
                                        stage_ms=self._stage_medians()))
        for status in statuses:
            self._push(status)
        return drawn, (statuses[-1] if statuses else None)

    def _score(self, pose: PoseFrame, pose_ms: float) -> LiveStatus:
        """Run the engine on one pose; its status, timings still to fill in (under the lock)."""
        checker_start = time.perf_counter()
        result = self._checker.update(pose)
        # Walking: every frame is recorded for the step analysis, whatever the setup says. The steps it has found
        # are the count shown, as the set's summary counts them (a foot landing past the picture's edge is no
        # step), not the feet-apart counter, which counted such a step and missed others when frames were dropped.
        step_faults: tuple[str, ...] = ()
        if self._steps:
            step_faults = self._steps.update(pose.t_s, result.values, image_size=pose.image_size)
            result = replace(result, reps=self._steps.steps)
        setup = check_setup(pose, self.spec)
        # The camera is right but nothing can be judged: the person is not in the exercise's posture (still standing
        # for a floor exercise) or not in its measured position (walking is measured step by step, whatever one
        # frame shows).
        measured = result.reliable and result.in_posture
        unmeasured = not self._steps and self._position.update(pose.t_s, result.seen, measured)
        if setup == "ready" and unmeasured:
            setup = "not_in_position" if result.in_posture else "not_in_posture"
        status_cue, cue_text = self._choose_cue(pose.t_s, setup, result, step_faults)
        self._shown = (pose, result, cue_text)
        self._frames += 1
        done = time.time()
        self._time("pose", pose_ms)
        self._time("checker", (time.perf_counter() - checker_start) * 1000.0)
        offset_s = (done - self._wall0) - pose.t_s
        self._min_offset_s = min(self._min_offset_s, offset_s)
        return LiveStatus(
            t_s=pose.t_s, setup=setup, setup_text=setup_instruction(setup, self.spec.posture, self.spec.name),
            reliable=result.reliable, reps=result.reps, hold_s=result.hold_s, cue=status_cue,
            cue_text=cue_text, cue_seq=self._cue_seq, frames=self._frames, process_ms=math.nan,
            lag_ms=(offset_s - self._min_offset_s) * 1000.0, wall_s=done,
            partial_reps=result.partial_reps, count_text=count_text(result.reps, result.partial_reps),
        )

    def _holds_place(self) -> bool:
        """Whether this set still needs its place: not ended, and frames came lately (no lock: reads only)."""
        if self._report is not None or self._closed:
            return False
        last = max(self._entered_mono, self._last_frame_mono or 0.0)
        return time.monotonic() - last < 2 * self.stall_after_s

    def warm_up(self) -> None:
        """Have a spare worker loading the model before the camera starts (worker path with a standby pool)."""
        if self.pose_process == "worker" and self.standby is not None:
            self.standby.warm(self._factory, LIVE_MAX_SIDE_PX)

    def _time(self, stage: str, ms: float) -> None:
        self._stages[stage].append(ms)

    def _stage_medians(self) -> dict[str, float]:
        return {k: statistics.median(v) for k, v in self._stages.items() if v}

    def stage_ms(self) -> dict[str, float]:
        """The median milliseconds of each stage over the last frames (see LiveStatus.stage_ms)."""
        with self._lock:
            return self._stage_medians()

    def _choose_cue(self, t_s: float, setup: str, result: FrameResult,
                    step_faults: tuple[str, ...] = ()) -> tuple[str | None, str | None]:
        # A setup problem comes first: until the camera sees the body, form cannot be judged. Once ready, the
        # setup selector is fed nothing, so its instruction clears after SETUP_MIN_SHOW_S.
        # A step just found with a fault (walking, `step_faults`): its cue, once, as the patient takes the next steps.
        chosen = self._setup_cues.update(t_s, [] if setup == "ready" else [(setup, "warn")])
        if chosen is not None:
            text = setup_instruction(chosen.code, self.spec.posture, self.spec.name)
        else:
            faults = [(c, self._severity.get(c, "warn")) for c in result.active_faults] if result.reliable else []
            # A partial rep just ended: its range fault (e.g. "slide a little lower") is the cue to give now.
            if result.partial_rep is not None:
                faults += [(c, self._severity.get(c, "warn")) for c in result.partial_rep.faults]
            faults += [(c, self._severity.get(c, "info")) for c in step_faults]
            chosen = self._fault_cues.update(t_s, faults)
            text = fault_cue(chosen.code) if chosen else None
        if chosen is None:
            return None, None
        if chosen.new:
            self._cue_seq += 1
        return chosen.code, text

    def _push(self, status: LiveStatus) -> None:
        while True:
            try:
                self.statuses.put_nowait(status)
                return
            except queue.Full:
                try:
                    self.statuses.get_nowait()
                except queue.Empty:
                    pass

    # --- watchdog thread -----------------------------------------------------------------------------------

    def _watch(self) -> None:
        poll_s = min(1.0, self.stall_after_s / 4)
        while not self._stop.wait(poll_s):
            if self.finished or self.interrupt_if_stalled():
                return

    def interrupt_if_stalled(self, now: float | None = None) -> bool:
        """End the set as interrupted if no frame came for `stall_after_s`; returns whether it did.

        Args:
            now: time.monotonic() to judge by (default: now).
        """
        with self._lock:
            if self._report is not None or self._closed or self._last_frame_mono is None:
                return False
            now = time.monotonic() if now is None else now
            if now - self._last_frame_mono < self.stall_after_s:
                return False
            report = self._checker.report()
            # Kept before the set shows as finished, all under the lock: a page that sees it finished (or asks
            # for the report meanwhile) also sees what `on_interrupted` did, so it cannot save the set twice.
            if self.on_interrupted is not None:
                try:
                    self.on_interrupted(report)
                except Exception as exc:  # noqa: BLE001 - a failed save must not kill the thread silently
                    _log.warning("could not keep an interrupted live set: %s: %s", type(exc).__name__,
                                 str(exc).splitlines()[0][:200] if str(exc) else "")
            self._interrupted = True
            self._report = report
            # The page may be gone for good (a closed tab): nothing else would stop the worker.
            self._release()
        return True

    # --- page thread ---------------------------------------------------------------------------------------

    def drain(self) -> list[LiveStatus]:
        """Take every status queued since the last call, oldest first."""
        out = []
        while True:
            try:
                out.append(self.statuses.get_nowait())
            except queue.Empty:
                return out

    @property
    def frames(self) -> int:
        """Frames processed so far."""
        return self._frames

    def median_process_ms(self) -> float:
        """Median callback time over the last frames, in milliseconds (NaN before the first frame).

        The whole callback (frame conversions included) when frames came through `recv`, else `process` alone.
        """
        with self._lock:
            timings = self._stages["callback"] or self._timings
            return statistics.median(timings) if timings else math.nan

    def report(self) -> ClipReport:
        """End the set and sum it up (idempotent: later calls return the same report)."""
        with self._lock:
            if self._report is None:
                self._report = self._checker.report()
                self._release()  # later frames are passed on undrawn: the model and the place are not needed
            return self._report

    @property
    def finished(self) -> bool:
        """Whether the set has been reported (finished by the page, or interrupted)."""
        return self._report is not None

    @property
    def interrupted(self) -> bool:
        """Whether the set ended because frames stopped coming, not because the page finished it."""
        return self._interrupted

    def idle_s(self, now: float | None = None) -> float:
        """Seconds since the last frame was processed (infinite before the first), by time.monotonic()."""
        last = self._last_frame_mono
        return math.inf if last is None else (time.monotonic() if now is None else now) - last

    def close(self) -> None:
        """Release the model and stop the watchdog."""
        self._stop.set()
        with self._lock:
            self._closed = True
            self._release()

    def _release(self) -> None:
        """Stop the model (the worker process exits) and give back the set's place (under the lock)."""
        if self._estimator is not None:
            self._estimator.close()
            self._estimator = None
            # A spare for the next set loads now, while this one's CPU is free (not as the next one starts).
            self.warm_up()
        if self.admission is not None:
            self.admission.leave(id(self))

    @property
    def pose_pid(self) -> int | None:
        """The pose worker's process id while it runs (None inline, before the first frame and after)."""
        est = self._estimator
        return est.pid if isinstance(est, _WorkerPose) else None

    @property
    def pose_error(self) -> str | None:
        """Why the pose model could not run (it failed to load, or its process died), else None."""
        est = self._estimator
        return None if est is None else est.error
