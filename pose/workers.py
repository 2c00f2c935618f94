"""Worker processes that are safe to start after MediaPipe has run in the parent, and what a dead one means."""

from __future__ import annotations

import atexit
import multiprocessing
import os
import sys
import types
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import SpawnContext, SpawnProcess

# The one line a clip gets when the process scoring it vanished: SIGKILL, or the kernel's out-of-memory killer.
WORKER_DIED = "worker stopped while scoring (killed or out of memory)"


class WorkerDied(RuntimeError):
    """A worker process ended without an answer while it was scoring (its pool is broken)."""


class _LeanSpawnProcess(SpawnProcess):
    """A spawned process that does not re-import the parent's __main__ module.

    A spawned child imports its parent's main module first; for `formcheck` that is the whole CLI with its
    database, renderer and app imports, about 3 s of CPU per worker (measured: cli.main 3.4 s against 0.5 s
    for scoring.runner), which made a batch of short clips cost 1.4x the CPU with two jobs as with one. The
    main module is hidden while the child starts; tasks and initializers must then live in importable modules.
    """

    def start(self) -> None:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            super().start()
        finally:
            sys.modules["__main__"] = main


class _LeanSpawnContext(SpawnContext):
    Process = _LeanSpawnProcess


def lean_spawn_context() -> SpawnContext:
    """A spawn context whose processes do not re-import the parent's __main__ module (see _LeanSpawnProcess).

    Their targets must live in importable modules, never in a script.
    """
    return _LeanSpawnContext()


def _end_now() -> None:
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    os._exit(0)


def _start_ending_quickly(initializer: Callable[..., object] | None, *initargs: object) -> None:
    # Registered first, so it runs last of the exit handlers registered later (LIFO): theirs still run.
    atexit.register(_end_now)
    if initializer is not None:
        initializer(*initargs)


def usable_cores() -> list[int]:
    """The CPU numbers this process may run on (a container's or taskset's limit included); [] if not known."""
    try:
        return sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return []


def core_count() -> int:
    """How many cores this process may use: its allowed CPUs (a container's cpuset or `taskset`), not the machine's.

    What `--jobs 0` ("one per core") means: a container given 2 of a host's 64 CPUs gets 2 workers, each on a core
    of its own, not 64 that share two.
    """
    return len(usable_cores()) or os.cpu_count() or 1


def _start_on_own_core(counter: object, cores: list[int], initializer: Callable[..., object] | None,
                       *initargs: object) -> None:
    # Workers take the cores in the order they start; the count lives in shared memory made by the pool's context.
    with counter.get_lock():  # type: ignore[attr-defined]
        k = counter.value  # type: ignore[attr-defined]
        counter.value += 1  # type: ignore[attr-defined]
    try:
        os.sched_setaffinity(0, {cores[k % len(cores)]})
    except OSError:  # the allowed cores changed since the pool started: run where the kernel puts us
        pass
    if initializer is not None:
        initializer(*initargs)


def single_threaded() -> bool:
    """Whether this process runs one thread only, counted by the kernel (a library's own threads included)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # no /proc (not Linux): not known, so not safe to fork
        return False


def process_pool(max_workers: int, initializer: Callable[..., object] | None = None,
                 initargs: tuple = (), lean: bool = False, quick_exit: bool = False,
                 preload: Callable[[], object] | None = None, own_core: bool = False) -> ProcessPoolExecutor:
    """A process pool whose workers start fresh interpreters, or are forked from a preloaded parent when safe.

    Forking a parent that has already run MediaPipe (or any library with its own threads and allocators)
    copies their locked state into the child, which then dies in malloc. CI caught exactly that, so workers
    are spawned: each pays its imports (0.5-0.6 s of CPU for the scoring code and MediaPipe), once, as the pool
    keeps its workers for every task. With `preload`, the parent imports what the workers need itself and then,
    only if it runs a single thread (no library has started one: nothing can hold a lock the child would copy),
    forks them: they start with everything imported, in about 10 ms. A batch of 4 clips of 5 s started scoring
    0.65-0.69 s after the command instead of 0.90-0.94 s (README, Speed).

    Args:
        max_workers: processes.
        initializer: run once in each worker as it starts (e.g. to load the model there, not per task).
        initargs: its arguments (picklable).
        lean: workers skip importing the parent's __main__ module (see _LeanSpawnProcess); every task and the
            initializer must be defined in an importable module, never in a script.
        quick_exit: a worker told to stop ends its process at once, skipping the interpreter's teardown (MediaPipe's
            graph, every module). By then each result has been sent and every file a task wrote is closed. The
            teardown took 0.27 s at the end of every batch (two workers, 0.26-0.28 s over three runs; 0.03-0.04 s
            without it), a wait for nothing. Only for tasks that leave nothing to clean up at exit. (A forked
            worker runs no exit handler in any case: multiprocessing ends it with os._exit.)
        preload: run here first; then workers are forked if this process runs one thread, else spawned as above.
            Tasks and the initializer must still be importable (a spawned worker needs them).
        own_core: each worker runs on a core of its own, when there are at least as many cores as workers: for
            workers that run one thread of work at a time (pose.extract.share_the_cores). MediaPipe hands every
            frame from the calling thread to its graph's thread and back; unpinned, the kernel often wakes the
            other thread on the core the other worker holds, and a core sits idle until it is moved. Two workers
            of 10 clips of 5 s each (issue 16's cuts), two rounds: 26.3 and 26.0 s unpinned, with 4.0 and 1.9 s
            of a core idle, against 24.0 and 25.1 s pinned, with 0.3 and 0.6 s idle (one worker alone: 24.9 s).
    """
    context = _LeanSpawnContext() if lean else multiprocessing.get_context("spawn")
    if preload is not None:
        preload()
        if single_threaded() and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
    cores = usable_cores()
    if own_core and 1 < max_workers <= len(cores):
        initializer, initargs = _start_on_own_core, (context.Value("i", 0), cores, initializer, *initargs)
    if quick_exit:
        initializer, initargs = _start_ending_quickly, (initializer, *initargs)
    return ProcessPoolExecutor(max_workers=max_workers, mp_context=context, initializer=initializer,
                               initargs=initargs)
