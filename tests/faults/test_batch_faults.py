"""A batch survives processes killed mid-clip: a worker (SIGKILL, as the out-of-memory killer does) or the CLI itself.

The kill is injected by tests/faults/hooks/sitecustomize.py, which every process of the run imports first (the
CLI and its spawned workers), so the real code path runs: pool, result file, --resume.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from pose.workers import WORKER_DIED
from tests.media import write_clip

ROOT = Path(__file__).resolve().parents[2]
HOOKS = Path(__file__).resolve().parent / "hooks"
SAMPLE = ROOT / "sample_videos" / "wall_sit_hold_10s.mp4"
pytestmark = pytest.mark.slow  # MediaPipe runs on the clips that are not killed


def _person_frames(n: int, size: tuple[int, int] = (320, 240), every: int = 3) -> list[np.ndarray]:
    frames = []
    with av.open(str(SAMPLE)) as c:
        for i, f in enumerate(c.decode(video=0)):
            if i % every == 0:
                frames.append(f.to_ndarray(format="rgb24", width=size[0], height=size[1]))
            if len(frames) == n:
                break
    return frames


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    """Four 2 s clips of a person (10 fps, 320x240); the one named *killme* has its worker killed."""
    if not SAMPLE.is_file():
        pytest.skip(f"{SAMPLE.name} is not rendered (make samples)")
    frames = _person_frames(20)
    d = tmp_path_factory.mktemp("batch")
    for i, name in enumerate(["a.mp4", "b_killme.mp4", "c.mp4", "d.mp4"]):
        # Each clip slightly different, so none is a cache hit for another.
        write_clip(d / name, len(frames), 10, (320, 240), frame=lambda k, i=i: frames[(k + i) % len(frames)])
    return d


def _run(*args, kill: str | None = None, where: str = "worker", cache: Path, timeout: float = 600):
    env = dict(os.environ, FORMCHECK_CACHE_DIR=str(cache), PYTHONPATH=os.pathsep.join([str(HOOKS), str(ROOT)]))
    env.pop("FORMCHECK_FAULT_KILL", None)
    if kill:
        env.update(FORMCHECK_FAULT_KILL=kill, FORMCHECK_FAULT_WHERE=where)
    return subprocess.run([sys.executable, "-m", "cli.main", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=timeout)


def _rows(out: Path) -> list[dict]:
    text = out.read_text()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]  # every line valid JSON


def test_a_killed_worker_fails_only_its_clip_and_resume_retries_it(clips, tmp_path):
    out = tmp_path / "r.jsonl"
    first = _run("score", "--exercise", "wall_squat", "--jobs", "2", "--out", out, clips, kill="killme",
                 cache=tmp_path / "cache")
    assert first.returncode == 1, first.stderr
    assert "Traceback" not in first.stderr
    rows = _rows(out)
    assert [Path(r["file"]).name for r in rows] == ["a.mp4", "b_killme.mp4", "c.mp4", "d.mp4"]  # input order
    by_name = {Path(r["file"]).name: r for r in rows}
    assert by_name["b_killme.mp4"]["error"].endswith(WORKER_DIED) and "\n" not in by_name["b_killme.mp4"]["error"]
    for name in ("a.mp4", "c.mp4", "d.mp4"):
        assert by_name[name]["error"] is None and by_name[name]["frames"] > 0

    # The memory pressure is gone: --resume scores the killed clip again and nothing else.
    again = _run("score", "--exercise", "wall_squat", "--jobs", "2", "--out", out, "--resume", clips,
                 cache=tmp_path / "cache")
    assert again.returncode == 0, again.stderr
    rows = _rows(out)
    names = [Path(r["file"]).name for r in rows]
    assert sorted(names) == ["a.mp4", "b_killme.mp4", "c.mp4", "d.mp4"] and len(set(names)) == 4
    assert all(r["error"] is None for r in rows)
    assert names[:3] == ["a.mp4", "c.mp4", "d.mp4"]  # the finished rows were kept as they were


def test_a_clip_that_kills_every_worker_gets_its_row_and_the_rest_are_scored_by_a_new_pool(clips, tmp_path):
    # --jobs 4 > 2 cores: all four in flight at once, so the pool breaks with every clip in it and the innocent
    # ones must be found by re-running them alone.
    out = tmp_path / "r.jsonl"
    proc = _run("score", "--exercise", "wall_squat", "--jobs", "4", "--out", out, clips, kill="killme",
                cache=tmp_path / "cache")
    assert proc.returncode == 1, proc.stderr
    rows = _rows(out)
    errors = {Path(r["file"]).name: r["error"] for r in rows}
    assert list(errors) == ["a.mp4", "b_killme.mp4", "c.mp4", "d.mp4"]
    assert errors.pop("b_killme.mp4").endswith(WORKER_DIED)
    assert set(errors.values()) == {None}


def test_a_killed_segment_worker_of_a_split_long_clip_fails_that_clip_only(tmp_path):
    # One 32 s clip and --jobs 2: it is split by time across two workers, and one of them is killed.
    long = write_clip(tmp_path / "long_killme.mp4", n_frames=32 * 4, fps=4, size=(96, 64))
    out = tmp_path / "r.jsonl"
    proc = _run("score", "--exercise", "wall_squat", "--jobs", "2", "--no-cache", "--out", out, long,
                kill="killme", cache=tmp_path / "cache")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    (row,) = _rows(out)
    assert row["error"] == f"{long}: {WORKER_DIED}"


def test_the_cli_itself_killed_mid_batch_loses_nothing_finished(clips, tmp_path):
    # --jobs 1 scores in the main process, so the kill takes the whole run down mid-clip.
    out = tmp_path / "r.jsonl"
    first = _run("score", "--exercise", "wall_squat", "--jobs", "1", "--out", out, clips, kill="c.mp4", where="any",
                 cache=tmp_path / "cache")
    assert first.returncode == -signal.SIGKILL
    assert [Path(r["file"]).name for r in _rows(out)] == ["a.mp4", "b_killme.mp4"]
    again = _run("score", "--exercise", "wall_squat", "--jobs", "1", "--out", out, "--resume", clips,
                 cache=tmp_path / "cache")
    assert again.returncode == 0, again.stderr
    assert [Path(r["file"]).name for r in _rows(out)] == ["a.mp4", "b_killme.mp4", "c.mp4", "d.mp4"]
