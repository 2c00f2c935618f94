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


def process_pool(max_workers: int, initializer: Callable[..., object] | None = None,
                 initargs: tuple = (), lean: bool = False, quick_exit: bool = False) -> ProcessPoolExecutor:
    """A process pool whose workers start fresh interpreters.

    Forking a parent that has already run MediaPipe (or any library with its own threads and allocators)
    copies their locked state into the child, which then dies in malloc. CI caught exactly that, so workers
    are spawned: each pays an import of about a second, once, as the pool keeps its workers for every task.

    Args:
        max_workers: processes.
        initializer: run once in each worker as it starts (e.g. to load the model there, not per task).
        initargs: its arguments (picklable).
        lean: workers skip importing the parent's __main__ module (see _LeanSpawnProcess); every task and the
            initializer must be defined in an importable module, never in a script.
        quick_exit: a worker told to stop ends its process at once, skipping the interpreter's teardown (MediaPipe's
            graph, every module). By then each result has been sent and every file a task wrote is closed. The
            teardown took 0.27 s at the end of every batch (two workers, 0.26-0.28 s over three runs; 0.03-0.04 s
            without it), a wait for nothing. Only for tasks that leave nothing to clean up at exit.
    """
    context = _LeanSpawnContext() if lean else multiprocessing.get_context("spawn")
    if quick_exit:
        initializer, initargs = _start_ending_quickly, (initializer, *initargs)
    return ProcessPoolExecutor(max_workers=max_workers, mp_context=context, initializer=initializer,
                               initargs=initargs)
