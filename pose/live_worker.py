"""Pose estimation for one live set in its own process: the newest frame in through shared memory, poses back.

Why a process: several live sessions in one app process share its GIL, and MediaPipe's Python-side work (image
copies, result conversion) holds it for much of each frame, so two sessions ran at about 2 frames/s each. A worker
per set loads the model once and runs beside the app's threads.

Latest frame wins: the app writes each frame into a free slot of a small shared buffer (three slots: the one the
worker reads, the newest waiting one, and one to write into) and never queues. A worker that finishes takes the
newest frame and skips any it never started, so lag does not build up when the model is slower than the camera.

A worker ends with its set: `close()` stops it (asked, then terminated, then killed), and it exits by itself when
its parent goes away (its pipe closes), so a killed app leaves no orphan.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from pose.estimator import EstimatorSettings, PoseEstimator
from pose.frames import PoseFrame
from pose.workers import lean_spawn_context

_SLOTS = 3
# State array: newest frame's sequence number, its slot, the slot being read (-1 none), worker idle (1) or not.
_LATEST_SEQ, _LATEST_SLOT, _READING_SLOT, _IDLE = range(4)
_META = 4  # per slot: sequence number, t_s, height, width
# An idle worker wakes this often to check that its parent is still there (a pipe's end also tells it).
_IDLE_POLL_S = 1.0
# The worker runs this much nicer than the app: when the CPU is short, the app's WebRTC threads (decoding, drawing,
# re-encoding) go first, so the video keeps flowing and the set is not taken for stalled; pose, which drops frames
# anyway, takes what is left. On a server with cores to spare it changes nothing.
WORKER_NICE_INCREMENT = 5
# After "stop", how long the worker may take to release the model before it is terminated, then killed.
STOP_GRACE_S = 2.0

_log = logging.getLogger(__name__)

EstimatorFactory = Callable[[], Any]


def mediapipe_factory(max_side_px: int, segmentation: bool) -> EstimatorFactory:
    """A picklable factory for the worker's MediaPipe estimator (the bundled full model)."""
    return partial(PoseEstimator, EstimatorSettings(max_side_px=max_side_px, segmentation=segmentation))


@dataclass(frozen=True)
class WorkerPose:
    """One pose back from the worker.

    Attributes:
        seq: the submitted frame's sequence number (1, 2, ...; skipped frames leave gaps).
        pose: the pose found in it.
        pose_ms: the model's time for it, in the worker, in milliseconds.
        submitted: time.perf_counter() in the app when the frame was submitted.
    """

    seq: int
    pose: PoseFrame
    pose_ms: float
    submitted: float


class PoseWorker:
    """A process that estimates poses for one live set, newest frame first.

    Not thread-safe by itself: the caller serialises `submit`, `poll` and `close` (LiveCoach does, under its lock).
    """

    def __init__(self, factory: EstimatorFactory, max_side_px: int = 640) -> None:
        """Start the worker (it loads the model itself; `ready` tells when it has).

        Args:
            factory: makes the estimator in the worker (picklable: a module-level callable or a partial of one).
            max_side_px: the longest frame side that will be submitted (sizes the shared buffer).
        """
        if max_side_px < 16:
            raise ValueError(f"max_side_px must be >= 16, got {max_side_px}")
        ctx = lean_spawn_context()
        self.max_side_px = max_side_px
        self._slot_bytes = max_side_px * max_side_px * 3
        self._pixels = ctx.RawArray("B", _SLOTS * self._slot_bytes)
        self._state = ctx.RawArray("d", 4 + _META * _SLOTS)
        self._lock = ctx.Lock()
        self._conn, child_conn = ctx.Pipe(duplex=True)
        self._buf = np.frombuffer(self._pixels, dtype=np.uint8).reshape(_SLOTS, self._slot_bytes)
        self._state_view = np.frombuffer(self._state, dtype=np.float64)
        self._state_view[_READING_SLOT] = -1
        self._state_view[_LATEST_SLOT] = -1
        self._seq = 0
        self._submitted: dict[int, float] = {}
        self.ready = False
        self.error: str | None = None
        self.load_s = float("nan")
        self._process = ctx.Process(target=serve, name="formcheck-live-pose", daemon=True,
                                    args=(factory, self._pixels, self._state, self._lock, child_conn,
                                          self._slot_bytes))
        self._process.start()
        self._pid = self._process.pid
        self._closed = False
        child_conn.close()  # only the worker holds its end: when the worker dies, reading ours says so

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return self._pid

    @property
    def alive(self) -> bool:
        """Whether the worker process is running."""
        return not self._closed and self._process.is_alive()

    def submit(self, rgb: np.ndarray, t_s: float) -> int:
        """Offer a frame; it replaces any frame the worker has not started. Returns its sequence number.

        Args:
            rgb: (height, width, 3) uint8 RGB image, longer side at most `max_side_px`.
            t_s: its time in seconds (increasing).
        """
        h, w = rgb.shape[:2]
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8 or max(h, w) > self.max_side_px:
            raise ValueError(f"a frame must be (h, w, 3) uint8 with sides <= {self.max_side_px}, "
                             f"got {rgb.shape} {rgb.dtype}")
        state = self._state_view
        with self._lock:
            busy = {int(state[_LATEST_SLOT]), int(state[_READING_SLOT])}
        slot = next(s for s in range(_SLOTS) if s not in busy)
        # Written outside the lock: the worker reads only the newest slot, and this one is not it yet.
        self._buf[slot, : h * w * 3] = rgb.reshape(-1)
        self._seq += 1
        self._submitted[self._seq] = time.perf_counter()
        with self._lock:
            meta = 4 + _META * slot
            state[meta:meta + _META] = (self._seq, t_s, h, w)
            state[_LATEST_SEQ], state[_LATEST_SLOT] = self._seq, slot
            wake = state[_IDLE] == 1
            state[_IDLE] = 0
        if wake:
            self._send(("wake",))
        return self._seq

    def poll(self) -> list[WorkerPose]:
        """The poses that came back since the last call, oldest first (never waits)."""
        out = []
        try:
            while self._conn.poll(0):
                msg = self._conn.recv()
                if msg[0] == "pose":
                    _, seq, pose, pose_ms = msg
                    submitted = self._submitted.pop(seq, float("nan"))
                    for old in [s for s in self._submitted if s < seq]:
                        del self._submitted[old]  # frames the worker skipped for a newer one
                    out.append(WorkerPose(seq, pose, pose_ms, submitted))
                elif msg[0] == "ready":
                    self.ready, self.load_s = True, msg[1]
                elif msg[0] == "error":
                    self.error = msg[1]
        except (EOFError, OSError):
            if self.error is None:
                self.error = "the pose worker stopped"
        return out

    def wait_ready(self, timeout_s: float) -> bool:
        """Wait until the model has loaded in the worker (or it failed); returns whether it is ready."""
        deadline = time.monotonic() + timeout_s
        while not self.ready and self.error is None and time.monotonic() < deadline:
            if self._conn.poll(0.05):
                self.poll()
        return self.ready

    def _send(self, msg: tuple) -> None:
        try:
            self._conn.send(msg)
        except (OSError, ValueError):
            if self.error is None:
                self.error = "the pose worker stopped"

    def close(self) -> None:
        """Stop the worker and wait for it to exit (asked first; terminated, then killed, if it does not)."""
        if self._closed:
            return
        self._closed = True
        if self._process.is_alive():
            self._send(("stop",))
            self._process.join(STOP_GRACE_S)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(STOP_GRACE_S)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(STOP_GRACE_S)
        self._conn.close()
        self._process.close()

    def __enter__(self) -> PoseWorker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def serve(factory: EstimatorFactory, pixels: Any, state_raw: Any, lock: Any, conn: Connection,
          slot_bytes: int) -> None:
    """The worker's loop: load the model once, then estimate the newest frame until told to stop."""
    parent = os.getppid()
    try:
        os.nice(WORKER_NICE_INCREMENT)
    except (AttributeError, OSError):  # not on this platform: the same priority as the app
        pass
    start = time.perf_counter()
    try:
        estimator = factory()
    except Exception as exc:  # noqa: BLE001 - the app is told in one line, and the worker ends
        conn.send(("error", f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"))
        return
    conn.send(("ready", time.perf_counter() - start))
    buf = np.frombuffer(pixels, dtype=np.uint8).reshape(_SLOTS, slot_bytes)
    state = np.frombuffer(state_raw, dtype=np.float64)
    done = 0
    try:
        while True:
            with lock:
                fresh = state[_LATEST_SEQ] > done
                if fresh:
                    slot = int(state[_LATEST_SLOT])
                    state[_READING_SLOT] = slot
                    seq, t_s, h, w = state[4 + _META * slot: 4 + _META * (slot + 1)]
                else:
                    state[_IDLE] = 1
            if not fresh:
                if not _wait_for_word(conn, parent):
                    return
                continue
            h, w = int(h), int(w)
            rgb = buf[slot, : h * w * 3].reshape(h, w, 3)
            t0 = time.perf_counter()
            pose = estimator.process(rgb, float(t_s))
            pose_ms = (time.perf_counter() - t0) * 1000.0
            with lock:
                state[_READING_SLOT] = -1
            done = int(seq)
            conn.send(("pose", done, pose, pose_ms))
    except (EOFError, OSError, BrokenPipeError):
        return  # the app went away
    finally:
        estimator.close()


def _wait_for_word(conn: Connection, parent: int) -> bool:
    """Wait for a message while idle; False when the worker should end (asked to, or its parent is gone)."""
    while True:
        if conn.poll(_IDLE_POLL_S):
            msg = conn.recv()
            if msg[0] == "stop":
                return False
            if msg[0] == "wake":
                return True
        elif os.getppid() != parent:
            return False


def process_alive(pid: int) -> bool:
    """Whether a process with this id is running (not a zombie); Linux /proc, else a signal-0 probe."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True



def factory_key(factory: EstimatorFactory) -> object:
    """A factory's identity by value: two partials of the same callable and settings are the same model."""
    if isinstance(factory, partial):
        return (factory.func, factory.args, tuple(sorted(factory.keywords.items())))
    return factory


class StandbyWorkers:
    """One spare, already loaded worker per kind of model, for a live set's first pose.

    Without it the first pose waits for a fresh interpreter to import MediaPipe and load the model (seconds, while
    the patient sees an undrawn picture). A set takes the spare; the next one is started when asked (`warm`: as a
    camera connects, or as a set ends), never while a set is starting, when the CPU is needed most. Spares
    are plain workers: they end with their parent like any other. Thread-safe.
    """

    def __init__(self) -> None:
        """An empty pool (no process until `warm` or `take`)."""
        self._lock = threading.Lock()
        self._spares: dict[object, PoseWorker] = {}
        self._starting: set[object] = set()
        self._closed = False

    def warm(self, factory: EstimatorFactory, max_side_px: int = 640) -> None:
        """Start a spare for this model in the background, unless one is there or starting."""
        key = (factory_key(factory), max_side_px)
        with self._lock:
            if self._closed or key in self._spares or key in self._starting:
                return
            self._starting.add(key)
        threading.Thread(target=self._start, args=(key, factory, max_side_px), name="live-pose-standby",
                         daemon=True).start()

    def _start(self, key: object, factory: EstimatorFactory, max_side_px: int) -> None:
        try:
            worker = PoseWorker(factory, max_side_px)
        except Exception as exc:  # noqa: BLE001 - a set then starts its own worker, as without a spare
            _log.warning("could not start a spare pose worker: %s", exc)
            worker = None
        with self._lock:
            self._starting.discard(key)
            keep = worker is not None and not self._closed
            if keep:
                self._spares[key] = worker
        if worker is not None and not keep:
            worker.close()

    def take(self, factory: EstimatorFactory, max_side_px: int = 640) -> PoseWorker:
        """A worker for this model: the spare if there is a healthy one, else a new one (no spare is started)."""
        key = (factory_key(factory), max_side_px)
        with self._lock:
            worker = self._spares.pop(key, None)
        if worker is not None:
            worker.poll()  # reads "ready", or that it died
            if not worker.alive or worker.error is not None:
                worker.close()
                worker = None
        return worker if worker is not None else PoseWorker(factory, max_side_px)

    @property
    def pids(self) -> list[int]:
        """The spares' process ids."""
        with self._lock:
            return [w.pid for w in self._spares.values()]

    def close(self) -> None:
        """Stop every spare (one still starting is stopped when it is ready)."""
        with self._lock:
            self._closed = True
            spares, self._spares = list(self._spares.values()), {}
        for worker in spares:
            worker.close()
