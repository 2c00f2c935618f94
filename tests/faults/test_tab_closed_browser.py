"""A signed-in patient closes the browser tab mid-set: the set so far is in the store (real Chromium, slow).

The fake camera plays a rendered wall-squat clip; once the page shows two reps the tab is closed, and the store
must then hold one live session marked interrupted with the reps done so far.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exercises.registry import EXERCISES
from scoring.live import STALL_AFTER_S
from store import repo
from store.auth import authenticate
from store.db import open_store
from tests.browser.conftest import CHROMIUM_ARGS, ROOT, chromium, pick_source_clip, streamlit_server  # noqa: F401
from tests.browser.test_therapist_flow import PASSWORDS, PATIENT, _settled, _sign_in
from tests.browser.y4m import clip_frames, write_y4m

pytestmark = pytest.mark.slow

PASSWORD = PASSWORDS[PATIENT]
FPS = 15
REPS_BEFORE_CLOSING = 2


@pytest.fixture
def patient_app(tmp_path: Path):
    source = pick_source_clip()
    if source is None or source.reps <= REPS_BEFORE_CLOSING:
        pytest.skip("no sample clip with enough reps to feed the fake camera")
    url = f"sqlite:///{tmp_path / 'data' / 'formcheck.sqlite3'}"
    env = {"FORMCHECK_DATA_DIR": str(tmp_path / "data"), "FORMCHECK_CACHE_DIR": str(tmp_path / "cache"),
           "FORMCHECK_SAMPLES_DIR": str(tmp_path), "FORMCHECK_DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-m", "cli.main", "user", "create", "--role", "patient", "--username",
                           PATIENT, "--password-stdin"], input=PASSWORD + "\n", text=True, capture_output=True,
                          cwd=ROOT, env={**os.environ, **env}, timeout=120)
    assert done.returncode == 0, done.stderr
    with streamlit_server(tmp_path, env) as app_url:
        yield app_url, url, source


def _reps_shown(page) -> int:  # noqa: ANN001 - a playwright page
    # The big count, as the panel draws it (app_pages/live.py marks the number itself).
    count = page.locator("[data-testid='live-reps']")
    m = re.fullmatch(r"\s*(\d+)\s*", count.first.inner_text()) if count.count() else None
    return int(m.group(1)) if m else 0


def test_closing_the_tab_mid_set_keeps_the_set_so_far(chromium, patient_app, tmp_path: Path):  # noqa: F811
    from playwright.sync_api import sync_playwright

    app_url, db_url, source = patient_app
    frames, _ = clip_frames(source.path, FPS)
    y4m = tmp_path / "camera.y4m"
    write_y4m(y4m, frames, FPS, lead_s=4.0, tail_s=40.0)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True,
                                     args=[*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={y4m}"])
        try:
            context, page = _sign_in(browser, app_url, PATIENT)
            # The home page first: a menu click before it comes is overtaken by the sign-in's switch to it.
            page.get_by_role("heading", name="My programme").wait_for(timeout=60_000)
            _settled(page)
            sidebar = page.locator('[data-testid="stSidebar"]')
            sidebar.get_by_text("Live coaching").click()
            page.get_by_role("heading", name="formcheck: live coaching").wait_for(timeout=30_000)
            box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Exercise").first
            box.click()
            page.get_by_role("option", name=EXERCISES[source.exercise].title).click()
            page.wait_for_timeout(800)
            # The camera component's frame loads after the page; on a busy CI machine that once took over 30 s.
            start = page.frame_locator('iframe[title*="webrtc"]').get_by_role("button", name="Start the camera")
            start.click(timeout=90_000)
            page.locator("[data-testid='live-reps']").wait_for(timeout=60_000)  # the set is running
            deadline = time.monotonic() + 90
            while _reps_shown(page) < REPS_BEFORE_CLOSING and time.monotonic() < deadline:
                page.wait_for_timeout(500)
            shown = _reps_shown(page)
            assert shown >= REPS_BEFORE_CLOSING, f"the page showed {shown} reps"
            context.close()  # the tab is closed mid-set, without "Finish the set"
        finally:
            browser.close()

    factory = open_store(db_url)
    try:
        with factory() as db:
            actor = authenticate(db, PATIENT, PASSWORD)
        deadline = time.monotonic() + STALL_AFTER_S + 30
        sessions: list = []
        while time.monotonic() < deadline:
            with factory() as db:
                sessions = repo.list_sessions(db, actor, actor.id)
            if sessions:
                break
            time.sleep(1)
    finally:
        factory.kw["bind"].dispose()
    assert len(sessions) == 1, "the set so far was not kept after the tab was closed"
    (kept,) = sessions
    assert kept.interrupted and kept.source.value == "live" and kept.exercise == source.exercise
    assert shown <= kept.reps < source.reps  # what was done before closing (a rep may have closed since)
