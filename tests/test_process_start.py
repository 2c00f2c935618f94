"""Scoring processes start and end quickly (issue 16): mediapipe without matplotlib, workers without teardown,
forked from a preloaded parent when that is safe, one decoding thread and one model thread beside other workers."""

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest

from pose import video
from pose.video import iter_video
from pose.workers import process_pool, usable_cores
from tests.media import write_clip

ROOT = Path(__file__).parents[1]


def _run(code: str, home: Path) -> str:
    """Run `code` in a fresh interpreter (imports are per process) and return what it printed."""
    env = {"PATH": "/usr/bin:/bin", "GLOG_minloglevel": "2", "HOME": str(home), "MPLCONFIGDIR": str(home / "mpl")}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_mediapipe_loads_without_matplotlib_and_matplotlib_still_works_when_used(tmp_path):
    out = _run("""
        import sys
        from pose.estimator import _mediapipe
        mp = _mediapipe()
        pose = mp.solutions.pose  # what formcheck uses is there
        print(type(sys.modules["matplotlib"]).__name__, "matplotlib.figure" in sys.modules)
        import matplotlib.pyplot as plt
        figure = plt.figure()
        from mediapipe.python.solutions import drawing_utils
        print(type(figure).__name__, type(sys.modules["matplotlib.pyplot"]).__name__,
              drawing_utils.plt.figure is plt.figure)
    """, tmp_path).split("\n")
    assert out[0] == "_OnDemand False"  # stood in for, not imported
    assert out[1] == "Figure module True"  # the first use imported the real one, for mediapipe's helpers too


def test_matplotlib_imported_first_is_left_alone(tmp_path):
    out = _run("""
        import sys
        import matplotlib
        from pose.mediapipe_import import import_mediapipe
        import_mediapipe()
        print(sys.modules["matplotlib"] is matplotlib, type(sys.modules["matplotlib.pyplot"]).__name__)
    """, tmp_path)
    assert out.split() == ["True", "module"]


def _register_exit_mark(path: str) -> None:
    import atexit

    atexit.register(lambda: Path(path).write_text("ran"))


def _square(x: int) -> int:
    return x * x


def test_a_quick_exit_pool_returns_every_result_and_still_runs_the_workers_own_exit_handlers(tmp_path):
    marks = [str(tmp_path / f"mark{i}") for i in range(2)]
    for mark in marks:  # one pool per mark, so each worker registers its own
        with process_pool(1, _register_exit_mark, (mark,), lean=True, quick_exit=True) as pool:
            assert list(pool.map(_square, range(5))) == [0, 1, 4, 9, 16]
    assert [Path(m).read_text() for m in marks] == ["ran", "ran"]


_preloaded = {"here": False}


def _preload() -> None:
    _preloaded["here"] = True


def _was_preloaded(_: int) -> bool:
    return _preloaded["here"]


def test_workers_are_forked_from_a_preloaded_single_threaded_parent(tmp_path):
    # A fresh interpreter, as `formcheck score` is: its one thread forks, so each worker has what preload imported.
    out = _run("""
        import os
        os.environ["OPENBLAS_NUM_THREADS"] = "1"  # as cli/__init__.py sets it
        from pose.workers import process_pool, single_threaded
        from tests.test_process_start import _preload, _was_preloaded
        print(single_threaded())
        with process_pool(2, lean=True, quick_exit=True, preload=_preload) as pool:
            print(list(pool.map(_was_preloaded, range(4))))
    """, tmp_path).split("\n")
    assert out[:2] == ["True", "[True, True, True, True]"]


def test_a_parent_running_other_threads_spawns_its_workers(tmp_path):
    # Forking copies another thread's locks but not the thread (MediaPipe's graph, OpenCV's pool): such a parent
    # spawns fresh interpreters, which import for themselves and so never see what preload did here.
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with process_pool(1, lean=True, quick_exit=True, preload=_preload) as pool:
            assert list(pool.map(_was_preloaded, range(2))) == [False, False]
    finally:
        stop.set()
        other.join()
    assert _preloaded["here"]  # the parent did preload


def test_a_model_run_on_one_thread_finds_the_same_landmarks(tmp_path):
    # A fresh interpreter: the count of MediaPipe's threads is then this process's own.
    out = _run("""
        import os
        import numpy as np
        from pose import estimator
        from pose.estimator import PoseEstimator, estimate_in_one_thread
        from pose.video import iter_video

        frames = [f for _, f in zip(range(8), iter_video("sample_videos/wall_squat_5_reps.mp4"))]

        def landmarks():
            model = PoseEstimator()
            poses = [model.process(f.rgb, f.t_s) for f in frames]
            threads = sum(open(f"/proc/self/task/{t}/comm").read().startswith("mediapipe")
                          for t in os.listdir("/proc/self/task"))
            model.close()
            return np.stack([np.concatenate([p.xyz, p.world_xyz], axis=1) for p in poses]), threads

        estimate_in_one_thread()
        alone, threads = landmarks()
        estimator._graph_threads["one"] = False  # the pool again, for the same frames
        pooled, pooled_threads = landmarks()
        print(threads < pooled_threads or os.cpu_count() == 1, bool(np.isfinite(alone).all()),
              np.array_equal(alone, pooled, equal_nan=True))
    """, tmp_path)
    # Fewer threads (the pool has one per core), a pose in every frame, the same landmarks.
    assert out.split() == ["True", "True", "True"]


def test_one_decoding_thread_reads_the_same_frames(tmp_path, monkeypatch):
    clip = write_clip(tmp_path / "clip.mp4", n_frames=12, size=(320, 240))
    threaded = [(f.t_s, f.rgb) for f in iter_video(clip)]
    monkeypatch.setattr(video, "_decoding", {"one_thread": False})
    video.decode_in_one_thread()
    single = [(f.t_s, f.rgb) for f in iter_video(clip)]
    assert len(single) == len(threaded) == 12
    assert all(a == c and np.array_equal(b, d) for (a, b), (c, d) in zip(threaded, single))


def _where(_: int) -> tuple[int, list[int]]:
    import os
    import time

    time.sleep(0.2)  # long enough that every worker takes a task
    return os.getpid(), sorted(os.sched_getaffinity(0))


@pytest.mark.skipif(len(usable_cores()) < 2, reason="needs two cores to give each worker its own")
def test_workers_asked_to_keep_to_a_core_each_get_a_different_one():
    with process_pool(2, lean=True, own_core=True) as pool:
        seen = dict(pool.map(_where, range(6)))
    assert len(seen) == 2
    assert all(len(cores) == 1 for cores in seen.values())
    assert {c[0] for c in seen.values()} == set(usable_cores()[:2])


def test_more_workers_than_cores_are_left_where_the_kernel_puts_them():
    width = len(usable_cores()) + 1
    with process_pool(width, lean=True, own_core=True) as pool:
        seen = dict(pool.map(_where, range(3 * width)))
    assert seen and all(cores == usable_cores() for cores in seen.values())


def test_one_per_core_counts_the_cores_this_process_may_use_not_the_machines(monkeypatch):
    from pose import workers

    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda pid: {2, 5}, raising=False)
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 64)
    assert workers.core_count() == 2  # a container given 2 of 64 CPUs
    assert workers.usable_cores() == [2, 5]

    def unknown(pid):
        raise OSError("not supported")

    monkeypatch.setattr(workers.os, "sched_getaffinity", unknown, raising=False)
    assert workers.core_count() == 64 and workers.usable_cores() == []
