"""`formcheck score --backend ray` against a real Ray head node started here: same rows as local, in input order.

The head is a separate `ray start --head --block` process (2 CPUs, free ports, its own temp dir), reached through
`--address` as a clinic's cluster would be, and stopped at the end. Clips are the committed samples cut to 4.5 s,
so each pose run takes seconds, plus two bad files. A threshold file makes the short clips show a hold and
faults, and checks that overrides reach the workers.
"""

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import av
import pytest

from feedback.report import ClipResult
from pose.workers import WORKER_DIED
from scoring import cluster
from tests.media import write_clip

ROOT = Path(__file__).parents[1]
SAMPLES = ROOT / "sample_videos"
CLIP_S = 4.5
CONFIG = """
[wall_squat]
hold_min_s = 1
hold_settle_s = 0.5
rep_duration_min_s = 3   # the 2.3 s rep in the squat clip is flagged too_fast
[cat_cow]
spine_range_min_deg = 100  # its ~88 deg cycle is flagged small_range
"""
# Input order on purpose not sorted, with the bad files between good ones.
ORDER = ["wall_sit_hold_10s.mp4", "empty.mp4", "wall_squat_5_reps.mp4", "text.mp4", "cat_cow_4_cycles.mp4"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cut(src: Path, dst: Path, seconds: float) -> Path:
    with av.open(str(src)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0) if f.time < seconds]
    h, w = frames[0].shape[:2]
    return write_clip(dst, n_frames=len(frames), fps=30, size=(w, h), frame=lambda i: frames[i])


# Ray >= 2.52 heads want a token. The tests make their own, in a folder of their own (RAY_AUTH_TOKEN_PATH), as the
# README tells a clinic to: a fresh machine has no Ray folder in its home, and the user's is never read or
# written. Older Rays ignore these variables.
_AUTH: dict[str, str] = {}


def env() -> dict[str, str]:
    e = {k: v for k, v in os.environ.items()
         if k not in ("RAY_ADDRESS", "FORMCHECK_CACHE_DIR", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH")}
    e.update(_AUTH)
    return e


@pytest.fixture(scope="module", autouse=True)
def ray_token(tmp_path_factory):
    """A token made for this module with `ray get-auth-token --generate`, in a temp folder; yields its path."""
    home = tmp_path_factory.mktemp("ray-home")
    path = home / ".ray" / "auth_token"
    ray_bin = Path(sys.executable).parent / "ray"
    if not ray_bin.is_file():
        pytest.fail("ray is not installed: `make test` installs the ray extra (pip install -e '.[test,ray]')")
    # `--generate` writes only into the home folder (it ignores RAY_AUTH_TOKEN_PATH), so it runs with a HOME of its own.
    made = subprocess.run([ray_bin, "get-auth-token", "--generate"], capture_output=True, text=True,
                          env={**env(), "HOME": str(home), "RAY_AUTH_MODE": "token"}, timeout=120)
    assert made.returncode == 0, made.stderr
    _AUTH.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN_PATH=str(path))
    assert path.is_file() and path.read_text().strip(), f"no token written to {path}"
    yield path
    _AUTH.clear()


def score(*args, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", "score", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, env=env(), timeout=timeout)


def rows(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("clips")
    for name in ("wall_sit_hold_10s.mp4", "wall_squat_5_reps.mp4", "cat_cow_4_cycles.mp4"):
        cut(SAMPLES / name, d / name, CLIP_S)
    # Long enough for its first glide: a clip with no rep in it is reported unknown, not scored as a nerve glide.
    cut(SAMPLES / "nerve_glide_right_6_reps_drift.mp4", d / "nerve_glide_right_6_reps_drift.mp4", CLIP_S)
    (d / "empty.mp4").write_bytes(b"")
    (d / "text.mp4").write_text("this is not a video\n" * 100)
    (d / "patient.toml").write_text(CONFIG)
    return d


@pytest.fixture(scope="module")
def head():
    """A Ray head node in its own session; yields (address, its process group id)."""
    ray_bin = Path(sys.executable).parent / "ray"
    if not ray_bin.is_file():
        pytest.fail("ray is not installed: `make test` installs the ray extra (pip install -e '.[test,ray]')")
    temp = tempfile.mkdtemp(prefix="fcray-", dir="/tmp")  # short: Ray's unix socket paths must fit 107 bytes
    port = free_port()
    proc = subprocess.Popen([ray_bin, "start", "--head", "--block", f"--port={port}",
                             f"--ray-client-server-port={free_port()}", "--num-cpus=2", "--include-dashboard=false",
                             "--disable-usage-stats", f"--temp-dir={temp}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env(), start_new_session=True)
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"ray head did not start (exit {proc.poll()}); logs in {temp}")
                time.sleep(0.25)
        yield address, proc.pid
    finally:
        proc.terminate()  # `ray start --block` stops everything it started on SIGTERM
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # anything left in the head's own process group
        except ProcessLookupError:
            pass
        shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture(scope="module")
def local_run(clips, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache-local")
    proc = score("--jobs", "2", "--config", clips / "patient.toml", "--cache-dir", cache, *[clips / n for n in ORDER])
    return SimpleNamespace(proc=proc, cache=cache)


@pytest.fixture(scope="module")
def ray_run(clips, head, local_run, tmp_path_factory):
    # The Ray workers read the local run's poses (a copy of its cache): the rows must then agree in everything the
    # workers compute from them. MediaPipe inside a Ray worker runs in the kill-and-resume test below.
    cache = tmp_path_factory.mktemp("cache-ray") / "landmarks"
    shutil.copytree(local_run.cache, cache)
    proc = score("--backend", "ray", "--address", head[0], "--jobs", "0", "--config", clips / "patient.toml",
                 "--cache-dir", cache, *[clips / n for n in ORDER])
    return SimpleNamespace(proc=proc, cache=cache)


def test_ray_rows_are_the_local_rows(local_run, ray_run):
    assert local_run.proc.returncode == ray_run.proc.returncode == 1, ray_run.proc.stderr  # the two bad files
    assert "Traceback" not in ray_run.proc.stderr
    local, remote = rows(local_run.proc.stdout), rows(ray_run.proc.stdout)
    assert remote == local  # every field: reps, holds, faults, frames, coverage, detail, error text
    by_name = {Path(r["file"]).name: r for r in remote}
    # The comparison means something: the clips were really scored, with the overrides, and the bad files failed.
    assert by_name["wall_squat_5_reps.mp4"]["reps"] == 1 and by_name["wall_squat_5_reps.mp4"]["faults"] == {
        "too_fast": 1}
    assert by_name["wall_sit_hold_10s.mp4"]["hold_s"] > 1
    assert by_name["cat_cow_4_cycles.mp4"]["faults"].get("small_range", 0) >= 1
    good = [by_name[n] for n in ORDER if n not in ("empty.mp4", "text.mp4")]
    assert all(r["frames"] == 135 and r["pose_coverage"] > 0.9 and r["error"] is None for r in good)
    assert by_name["empty.mp4"]["error"].endswith("empty file")
    assert "not a readable video" in by_name["text.mp4"]["error"]


def test_ray_rows_come_in_input_order(clips, ray_run):
    assert [r["file"] for r in rows(ray_run.proc.stdout)] == [str(clips / n) for n in ORDER]


def _score_workers(head_pgid: int) -> list[int]:
    # Ray workers run in sessions of their own, as children of the head's raylet; "ray::_score_clip" is the
    # process title of one that is running the scoring task.
    ps = subprocess.run(["ps", "-ww", "-eo", "pid=,ppid=,pgid=,args="], capture_output=True, text=True).stdout
    procs = [line.split(None, 3) for line in ps.splitlines()]
    raylets = {p[0] for p in procs if len(p) == 4 and p[2] == str(head_pgid) and "raylet/raylet" in p[3]}
    return [int(p[0]) for p in procs if len(p) == 4 and p[1] in raylets and p[3].startswith("ray::_score_clip")]


def test_killed_worker_costs_its_clip_only_and_resume_scores_it_again(clips, head, ray_run, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(ray_run.cache, cache)  # the squat is cached; the nerve glide is not, so it runs for seconds
    out = tmp_path / "results.jsonl"
    order = [clips / "nerve_glide_right_6_reps_drift.mp4", clips / "wall_squat_5_reps.mp4", clips / "empty.mp4"]
    args = ["score", "--backend", "ray", "--address", head[0], "--jobs", "1", "--config", clips / "patient.toml",
            "--cache-dir", cache, "--out", out, *order]
    run = subprocess.Popen([sys.executable, "-m", "cli.main", *map(str, args)], cwd=ROOT, env=env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (workers := _score_workers(head[1])):  # with --jobs 1 the only task running is the first clip's
        assert run.poll() is None and time.monotonic() < deadline, "no scoring task seen"
        time.sleep(0.1)
    os.kill(workers[0], signal.SIGKILL)  # as the out-of-memory killer would
    stdout, stderr = run.communicate(timeout=300)
    assert run.returncode == 1 and "Traceback" not in stderr
    assert stdout == ""  # Ray's own notice of the dead worker went to stderr, not into the results stream
    first = rows(out.read_text())
    assert [r["file"] for r in first] == list(map(str, order))
    assert first[0]["error"] == f"{order[0]}: {WORKER_DIED}"
    squat = next(r for r in rows(ray_run.proc.stdout) if r["file"] == str(order[1]))
    assert first[1] == squat and first[2]["error"].endswith("empty file")

    # Resume: the killed clip is scored again, finished rows are kept as written (a marker proves it), each clip once.
    marked = dict(first[1], reps=99)
    out.write_text("".join(json.dumps(r) + "\n" for r in (first[0], marked, first[2])))
    again = subprocess.run([sys.executable, "-m", "cli.main", *map(str, args), "--resume"], capture_output=True,
                           text=True, cwd=ROOT, env=env(), timeout=300)
    assert again.returncode == 0, again.stderr  # only the nerve glide was scored, and it scored
    final = rows(out.read_text())
    assert sorted(r["file"] for r in final) == sorted(map(str, order))
    assert final[:2] == [marked, first[2]]
    glide = final[2]
    assert glide["file"] == str(order[0]) and glide["error"] is None
    assert glide["exercise"] == "nerve_glide" and glide["frames"] == round(CLIP_S * 30) and glide["pose_coverage"] > 0.9


def test_send_clips_on_a_local_instance_gives_the_same_rows(clips, local_run, ray_run, tmp_path):
    # No --address: a Ray instance on this machine for the run. The clips travel through the object store; the
    # landmark cache is keyed by content, so the copied cache is hit only if the workers got the same bytes.
    cache = tmp_path / "cache"
    shutil.copytree(ray_run.cache, cache)
    before = sorted(p.name for p in cache.iterdir())
    proc = score("--backend", "ray", "--send-clips", "--jobs", "0", "--config", clips / "patient.toml",
                 "--cache-dir", cache, *[clips / n for n in ORDER])
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert rows(proc.stdout) == rows(local_run.proc.stdout)
    assert sorted(p.name for p in cache.iterdir()) == before  # nothing new was estimated


def test_lost_and_failing_tasks_become_error_rows_in_place():
    import ray

    # An in-process instance of its own: tasks that kill their worker must not touch the head the others share.
    ray.init(address="local", num_cpus=2, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
    try:
        def ok(i):
            return ClipResult(f"c{i}", "wall_squat")

        def killed(i):
            os.kill(os.getpid(), signal.SIGKILL)

        def raises(i):
            raise KeyError("no such landmark\nsecond line")

        tasks = [ray.remote(num_cpus=1, max_retries=0)(f) for f in (ok, killed, ok, raises, ok)]
        names = [f"c{i}" for i in range(len(tasks))]
        got = list(cluster.in_input_order(ray, names, lambda i: tasks[i].remote(i), 2, "wall_squat"))
    finally:
        ray.shutdown()
    assert [r.file for r in got] == names
    assert [r.error for r in got[::2]] == [None, None, None]
    assert got[1].error == f"c1: {WORKER_DIED}"
    assert got[3].error == "c3: failed while scoring (KeyError: 'no such landmark\\nsecond line')"


class FakeRay:
    """Just enough of ray for in_input_order: tasks finish in a given order; counts what is in flight."""

    exceptions = SimpleNamespace(RayTaskError=type("RayTaskError", (Exception,), {}),
                                 RayError=type("RayError", (Exception,), {}))

    def __init__(self, finish_order):
        self.finish_order = list(finish_order)
        self.in_flight = self.most_in_flight = 0

    def submit(self, i):
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        return i

    def wait(self, refs, num_returns):
        first = next(i for i in self.finish_order if i in refs)
        self.finish_order.remove(first)
        return [first], [r for r in refs if r != first]

    def get(self, ref):
        self.in_flight -= 1
        return ClipResult(f"c{ref}", "cat_cow")


@pytest.mark.parametrize("n, in_flight, finish_order", [
    (10, 3, range(10)),
    (10, 3, [2, 1, 0, 5, 4, 3, 8, 7, 6, 9]),  # each window finishes backwards
    (6, 4, [3, 1, 2, 5, 4, 0]),  # the first clip is the slowest
    (3, 8, [2, 1, 0]),  # fewer clips than the limit
])
def test_results_in_input_order_with_a_bounded_number_in_flight(n, in_flight, finish_order):
    fake = FakeRay(finish_order)
    got = [r.file for r in cluster.in_input_order(fake, [f"c{i}" for i in range(n)], fake.submit, in_flight, "x")]
    assert got == [f"c{i}" for i in range(n)]
    assert fake.most_in_flight == min(n, in_flight)


def test_unreachable_address_is_one_line_without_traceback(clips):
    proc = score("--backend", "ray", "--address", f"127.0.0.1:{free_port()}", clips / "empty.mp4", timeout=60)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("formcheck: cannot reach a Ray cluster at 127.0.0.1:")
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_without_the_ray_extra_it_says_how_to_install_it(clips):
    # ray made unimportable in this one process; scoring.cluster itself must import without it.
    code = ("import sys; sys.modules['ray'] = None; import scoring.cluster; from cli.main import main; "
            f"sys.exit(main(['score', '--backend', 'ray', {str(clips / 'empty.mp4')!r}]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env(),
                          timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == "formcheck: --backend ray needs the ray extra: pip install 'formcheck[ray]'\n"


def test_ray_options_without_the_ray_backend_are_usage_errors():
    proc = score("--address", "auto", "x.mp4", timeout=60)
    assert proc.returncode == 2 and "need --backend ray" in proc.stderr and "Traceback" not in proc.stderr
