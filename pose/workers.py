"""Worker processes that are safe to start after MediaPipe has run in the parent, and what a dead one means."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

# The one line a clip gets when the process scoring it vanished: SIGKILL, or the kernel's out-of-memory killer.
WORKER_DIED = "worker stopped while scoring (killed or out of memory)"


class WorkerDied(RuntimeError):
    """A worker process ended without an answer while it was scoring (its pool is broken)."""


def process_pool(max_workers: int, initializer: Callable[..., object] | None = None,
                 initargs: tuple = ()) -> ProcessPoolExecutor:
    """A process pool whose workers start fresh interpreters.

    Forking a parent that has already run MediaPipe (or any library with its own threads and allocators)
    copies their locked state into the child, which then dies in malloc. CI caught exactly that, so workers
    are spawned: each pays an import of about a second, once, as the pool keeps its workers for every task.

    Args:
        max_workers: processes.
        initializer: run once in each worker as it starts (e.g. to load the model there, not per task).
        initargs: its arguments (picklable).
    """
    return ProcessPoolExecutor(max_workers=max_workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=initializer, initargs=initargs)
