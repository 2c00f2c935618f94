"""Fault injection for tests/faults: put this folder on PYTHONPATH and every Python process started with it
(the CLI and its spawned workers) imports this first.

FORMCHECK_FAULT_KILL=<text>: a process that starts decoding a clip whose path contains <text> SIGKILLs itself
after FORMCHECK_FAULT_AFTER_FRAMES frames (default 5), as the out-of-memory killer would, mid-clip.
FORMCHECK_FAULT_WHERE=worker (default) does this only in worker processes, =any also in the main process.
"""

import multiprocessing
import os
import signal

_TEXT = os.environ.get("FORMCHECK_FAULT_KILL")

if _TEXT:
    import pose.video

    _real_iter_video = pose.video.iter_video
    _after = int(os.environ.get("FORMCHECK_FAULT_AFTER_FRAMES", "5"))
    _anywhere = os.environ.get("FORMCHECK_FAULT_WHERE", "worker") == "any"

    def _iter_video(path, *args, **kwargs):
        doomed = _TEXT in str(path) and (_anywhere or multiprocessing.parent_process() is not None)
        for n, frame in enumerate(_real_iter_video(path, *args, **kwargs)):
            if doomed and n >= _after:
                os.kill(os.getpid(), signal.SIGKILL)
            yield frame

    # pose.extract takes iter_video by name when it is imported, which is after this.
    pose.video.iter_video = _iter_video
