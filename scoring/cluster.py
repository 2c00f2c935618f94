"""Scoring clips on a Ray cluster: one Ray task per clip, each running scoring.runner.score_path as locally.

The same function scores a clip here and in the local runner, with the same ScoreOptions, so a row from the
cluster is the row `--backend local` writes. Workers read each clip by its absolute path, so every node must see
the same files under the same paths (a shared filesystem); with `send_clips` the driver sends each clip's bytes
through Ray's object store instead, and only the driver needs the files.

ray is an optional extra (`pip install 'formcheck[ray]'`) and is imported inside functions only: importing this
module never needs it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import socket
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from feedback.report import ClipResult
from pose.workers import WORKER_DIED
from scoring.runner import ScoreOptions, score_path

RAY_EXTRA_MISSING = "--backend ray needs the ray extra: pip install 'formcheck[ray]'"
# Set in each worker before it starts, so before mediapipe is imported: glog reads it when its library loads,
# and MediaPipe's C++ log lines would otherwise fill every node's worker logs.
WORKER_ENV = {"GLOG_minloglevel": "2", "TF_CPP_MIN_LOG_LEVEL": "2"}
# Ray itself retries an unreachable GCS for minutes; a plain TCP connect answers "nobody there" at once.
CONNECT_TIMEOUT_S = 5.0
# Tasks in flight per cluster CPU with --jobs 0: one running and one queued behind it, so a CPU that finishes a
# clip starts the next without waiting for the driver, and a 10,000-clip batch is never submitted all at once.
IN_FLIGHT_PER_CPU = 2


class ClusterError(RuntimeError):
    """The cluster cannot be used at all (ray not installed, nobody at the address); the message is one line."""


def import_ray() -> Any:
    """The ray module.

    Raises:
        ClusterError: ray is not installed (RAY_EXTRA_MISSING).
    """
    try:
        import ray
    except ImportError:
        raise ClusterError(RAY_EXTRA_MISSING) from None
    return ray


def resolve_address(address: str | None) -> str:
    """The address to connect to: as given, else $RAY_ADDRESS (Ray's own convention), else "local".

    "local" starts a Ray instance on this machine for the run and stops it afterwards.
    """
    return address or os.environ.get("RAY_ADDRESS") or "local"


def _host_port(address: str) -> tuple[str, int] | None:
    # "ray://head:10001" (Ray Client) or "head:6379" (the head's GCS); "auto" and "local" have no host to try.
    if address in ("auto", "local"):
        return None
    client = address.startswith("ray://")
    rest = address.removeprefix("ray://")
    host, sep, port = rest.rpartition(":")
    if not sep:
        return rest, 10001 if client else 6379
    try:
        return host.strip("[]"), int(port)
    except ValueError:
        raise ClusterError(f"bad --address {address!r}: expected HOST:PORT, ray://HOST:PORT or auto") from None


def _check_reachable(address: str) -> None:
    target = _host_port(address)
    if target is None:
        return
    try:
        socket.create_connection(target, timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise ClusterError(f"cannot reach a Ray cluster at {address} ({reason}); "
                           "start one with `ray start --head` or check --address") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _worker_env() -> dict[str, str]:
    env = dict(WORKER_ENV)
    if os.environ.get("FORMCHECK_CACHE_DIR"):
        # Workers started by a `ray start` node do not inherit this process's environment.
        env["FORMCHECK_CACHE_DIR"] = os.environ["FORMCHECK_CACHE_DIR"]
    return env


def _connect(ray: Any, address: str) -> None:
    kwargs: dict[str, Any] = {"address": address, "logging_level": logging.ERROR, "log_to_driver": False}
    if address == "local":
        kwargs["include_dashboard"] = False  # nothing to look at in a run-long instance; saves a port and startup
    try:
        ray.init(**kwargs)
    except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
        if _caused_by(exc, "AuthenticationError"):
            # Ray >= 2.5x clusters want a token by default, and an explicit address never turns it on by itself.
            raise ClusterError(f"the Ray cluster at {address} refused this client's authentication token: "
                               "set RAY_AUTH_MODE=token, with the cluster's token in ~/.ray/auth_token or "
                               "RAY_AUTH_TOKEN") from None
        raise ClusterError(f"cannot connect to the Ray cluster at {address}: {_first_line(exc)}") from None


def _caused_by(exc: BaseException | None, name: str) -> bool:
    # By name and in the text too: Ray passes the GCS client's error on as a formatted traceback inside a
    # RuntimeError, not as a chained exception.
    while exc is not None:
        if type(exc).__name__ == name or name in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _score_clip(path: str, options: ScoreOptions, data: bytes | None = None) -> ClipResult:
    """The Ray task: score one clip, from `path` or from its bytes `data` (written to a worker-local file)."""
    if data is None:
        return score_path(Path(path), options)
    with tempfile.TemporaryDirectory(prefix="formcheck-clip-") as tmp:
        local = Path(tmp) / Path(path).name  # same name and suffix as the original, so messages read the same
        local.write_bytes(data)
        return _as_named(score_path(local, options), str(local), path)


def _as_named(result: ClipResult, scored: str, name: str) -> ClipResult:
    # The row names the clip as the user gave it (relative paths stay relative), as the local runner does.
    error = result.error.replace(scored, name) if result.error else result.error
    return dataclasses.replace(result, file=name, error=error)


def _lost_worker_errors(ray: Any) -> tuple[type[BaseException], ...]:
    # The worker or its node went away mid-task: kernel or Ray OOM killer, SIGKILL, node lost. getattr: a few of
    # these names are newer than others, and a missing one must not break the rest.
    names = ("WorkerCrashedError", "OutOfMemoryError", "NodeDiedError", "LocalRayletDiedError",
             "ObjectLostError")
    return tuple(t for t in (getattr(ray.exceptions, n, None) for n in names) if isinstance(t, type))


def _collect(ray: Any, ref: Any, name: str, exercise: str) -> ClipResult:
    try:
        return ray.get(ref)
    except _lost_worker_errors(ray):
        return ClipResult(name, exercise, error=f"{name}: {WORKER_DIED}")
    except ray.exceptions.RayTaskError as exc:
        # score_path turns every known file problem into an error row; anything else raised in the task is a
        # surprise from that one clip, and the batch goes on (locally it would stop the run).
        cause = exc.cause if isinstance(getattr(exc, "cause", None), BaseException) else exc
        return ClipResult(name, exercise, error=f"{name}: failed while scoring ({type(cause).__name__}: "
                                                f"{_first_line(cause)})")
    except ray.exceptions.RayError as exc:
        return ClipResult(name, exercise, error=f"{name}: not scored on the cluster ({type(exc).__name__}: "
                                                f"{_first_line(exc)})")


def in_input_order(ray: Any, names: list[str], submit: Callable[[int], Any], in_flight: int,
                   exercise: str) -> Iterator[ClipResult]:
    """Results of `submit(i)` for every i, yielded in input order as soon as each one (and those before it) is done.

    Args:
        ray: the ray module, connected.
        names: each clip's name as the user gave it (for the rows of lost tasks).
        submit: starts clip i and returns its ObjectRef, or a ClipResult when there is nothing to run.
        in_flight: at most this many tasks submitted and not yet collected.
        exercise: the run's exercise option (for rows of lost tasks).
    """
    pending: dict[Any, int] = {}
    ready: dict[int, ClipResult] = {}
    submitted = emitted = 0
    while emitted < len(names):
        while submitted < len(names) and len(pending) < in_flight:
            started = submit(submitted)
            if isinstance(started, ClipResult):
                ready[submitted] = started
            else:
                pending[started] = submitted
            submitted += 1
        if pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                i = pending.pop(ref)
                ready[i] = _collect(ray, ref, names[i], exercise)
        while emitted in ready:
            yield ready.pop(emitted)
            emitted += 1


def score_on_ray(paths: list[Path], options: ScoreOptions, jobs: int = 0, address: str | None = None,
                 send_clips: bool = False) -> Iterator[ClipResult]:
    """Score clips as Ray tasks (one CPU each); yields results in the order of `paths`, like runner.score_many.

    Connects when iteration starts and disconnects when it ends (a local instance is stopped); a caller that has
    already called ray.init keeps its connection, and `address` is not used. A clip whose worker dies gets the
    WORKER_DIED error row and the rest go on; Ray does not retry it (neither does the local runner: `--resume`
    scores it again).

    Args:
        paths: clips, as the user named them; workers open their absolute paths unless `send_clips`.
        options: what every clip is scored with.
        jobs: clips in flight at most; 0 = IN_FLIGHT_PER_CPU per CPU in the cluster.
        address: HOST:PORT of the head's GCS, ray://HOST:PORT (Ray Client), "auto", or None (see
            resolve_address).
        send_clips: send each clip's bytes through the object store (no shared filesystem needed).

    Raises:
        ClusterError: ray is missing, or the cluster cannot be reached.
    """
    ray = import_ray()
    if not paths:
        return  # e.g. --resume with every clip done: no reason to reach, or start, a cluster
    owned = not ray.is_initialized()
    if owned:
        address = resolve_address(address)
        _check_reachable(address)
    # Ray's driver prints notices (a worker died, a task cannot be scheduled) to sys.stdout from a background
    # thread; with results going to stdout they would land inside the JSONL or CSV. They go to stderr instead.
    with contextlib.redirect_stdout(sys.stderr):
        if owned:
            _connect(ray, address)
        try:
            task = ray.remote(num_cpus=1, max_retries=0, runtime_env={"env_vars": _worker_env()})(_score_clip)
            shared_options = ray.put(options)
            width = jobs if jobs > 0 else IN_FLIGHT_PER_CPU * max(1, int(ray.cluster_resources().get("CPU", 1)))
            names = [str(p) for p in paths]

            def submit(i: int) -> Any:
                if not send_clips:
                    return task.remote(os.path.abspath(names[i]), shared_options)
                try:
                    data = Path(names[i]).read_bytes()
                except OSError:
                    return score_path(paths[i], options)  # fails at once, with the local runner's own message
                return task.remote(names[i], shared_options, data)

            for name, result in zip(names, in_input_order(ray, names, submit, width, options.exercise)):
                yield _as_named(result, os.path.abspath(name), name)
        finally:
            if owned:
                ray.shutdown()
