"""A real Streamlit server and the system Chromium, driven by Playwright (no Playwright browser download)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SHARED_CLIP = ROOT.parent / "shared" / "clips" / "cat_cow" / "cat_cow_side_polybag.mp4"
SHARED_CLIP_TRUTH = {"exercise": "cat_cow", "reps": 2}
CHROMIUM_ARGS = [
    "--no-sandbox", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--disable-gpu",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


@dataclass(frozen=True)
class SourceClip:
    path: Path
    exercise: str
    reps: int


def _truth(clip: Path) -> dict | None:
    try:
        return json.loads(clip.with_suffix(".truth.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def pick_source_clip() -> SourceClip | None:
    """A bundled sample with expected reps (a wall squat first), else the shared cat-cow clip, else None."""
    found = []
    for clip in sorted((ROOT / "sample_videos").glob("*.mp4")):
        truth = _truth(clip) or {}
        reps = (truth.get("expected") or {}).get("reps")
        if isinstance(reps, int) and reps > 0 and truth.get("exercise"):
            found.append(SourceClip(clip, truth["exercise"], reps))
    found.sort(key=lambda c: (c.exercise != "wall_squat", -c.reps))  # a wall squat rep set first
    if found:
        return found[0]
    if SHARED_CLIP.is_file():
        return SourceClip(SHARED_CLIP, SHARED_CLIP_TRUTH["exercise"], SHARED_CLIP_TRUTH["reps"])
    return None


def _ensure_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("/usr/bin/chromium is missing and cannot be installed here (needs root and apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, timeout=600)
    done = subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, timeout=1200)
    if done.returncode != 0 or not CHROMIUM.exists():
        pytest.skip("could not install chromium with apt-get")


@pytest.fixture(scope="session")
def chromium() -> Path:
    pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]' installs playwright")
    _ensure_chromium()
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(base: Path, env: dict[str, str]) -> Iterator[str]:
    """`streamlit run app.py` on a free port with `env` added; yields its URL, stops it afterwards."""
    port = _free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **env}
    log = open(base / "streamlit.log", "wb")  # noqa: SIM115 - closed after the server stops
    proc = subprocess.Popen(
        # No file watcher: the code under test must not change mid-test. Streamlit reloads an edited module on the
        # next rerun, and objects made before then fail isinstance checks against the reloaded classes.
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; log: {(base / 'streamlit.log').read_text()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        print(f"\nstreamlit log: {base / 'streamlit.log'}")


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a free port, with its data and samples folders in a temp dir."""
    base = tmp_path_factory.mktemp("app")
    samples = base / "samples"
    samples.mkdir()
    clip = pick_source_clip()
    if clip is not None:
        # A symlink, never a copy, of the clip (the shared clips are not to be duplicated).
        (samples / clip.path.name).symlink_to(clip.path)
        (samples / clip.path.with_suffix(".truth.json").name).write_text(json.dumps({"exercise": clip.exercise}))
    env = {"FORMCHECK_DATA_DIR": str(base / "data"), "FORMCHECK_CACHE_DIR": str(base / "cache"),
           "FORMCHECK_SAMPLES_DIR": str(samples)}
    with streamlit_server(base, env) as url:
        yield url


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    """Where screenshots go: $FORMCHECK_SCREENSHOTS, else a temp folder."""
    env = os.environ.get("FORMCHECK_SCREENSHOTS")
    folder = Path(env) if env else Path(request.getfixturevalue("tmp_path")) / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


_FIGURES = pytest.StashKey[list]()


@pytest.fixture
def report_figure(request: pytest.FixtureRequest):
    """Add a line to the figures printed at the end of the run (a passing test's own output shows only with -s)."""
    return request.config.stash.setdefault(_FIGURES, []).append


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001 - pytest's hook signature
    """Print the live figures (frames/s, delay) the browser tests measured, so a CI log carries them."""
    lines = config.stash.get(_FIGURES, [])
    if lines:
        terminalreporter.section("live figures")
        for line in lines:
            terminalreporter.write_line(line)
