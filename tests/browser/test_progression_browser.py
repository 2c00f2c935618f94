"""In a real Chromium: the therapist accepts a proposed dose and the patient's programme changes (issue 18).

Rejecting is covered by tests/app/test_progress_approval.py (AppTest), which also checks that it changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from store import auth, repo
from store.db import open_store
from store.models import utc_now
from store.repo import ItemSpec
from tests.browser.conftest import CHROMIUM_ARGS, streamlit_server
from tests.browser.test_therapist_flow import PASSWORDS, THERAPIST, _settled, _sign_in
from tests.store.conftest import make_row

pytestmark = pytest.mark.slow
REPS = 6


@pytest.fixture
def clinic_app(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'data' / 'formcheck.sqlite3'}"
    factory = open_store(url)
    now = utc_now()
    with factory() as db:
        t = auth.create_user(db, THERAPIST, PASSWORDS[THERAPIST], "therapist")
        a = auth.create_user(db, "sam", "patient password", "patient")
        auth.link(db, THERAPIST, "sam")
        repo.create_programme(db, t, a.id, now.date() - timedelta(days=7), [
            ItemSpec("wall_squat", reps_target=REPS, week_from=1, week_to=4, sessions_per_week=5)])
        for h in (3, 2, 1):
            repo.save_session(db, a, a.id, make_row(reps=[(90, 165, [])] * REPS), started_at=now - timedelta(hours=h),
                              pain_before=2, pain_after=2, symptom_response="centralising")
    env = {"FORMCHECK_DATA_DIR": str(tmp_path / "data"), "FORMCHECK_CACHE_DIR": str(tmp_path / "cache"),
           "FORMCHECK_DATABASE_URL": url}
    with streamlit_server(tmp_path, env) as server:
        yield server, factory, t, a
    factory.kw["bind"].dispose()


def test_therapist_accepts_a_proposal_and_the_programme_changes(chromium, clinic_app):
    from playwright.sync_api import sync_playwright

    url, factory, t, a = clinic_app
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            context, page = _sign_in(browser, url, THERAPIST)
            page.get_by_role("tab", name="Next dose").click()
            page.get_by_text("Wall squat / wall sit: progress from 6 reps to 8 reps").wait_for(timeout=60_000)
            assert page.get_by_text("the prescribed reps reached with no partial rep").is_visible()
            page.get_by_role("button", name="Accept", exact=True).click()
            page.get_by_text("proposal accepted. The programme has a new version from this week.").wait_for(
                timeout=60_000)
            _settled(page)
            page.get_by_role("tab", name="Programme").click()
            page.get_by_text("(in force)").first.wait_for(timeout=30_000)
            context.close()
        finally:
            browser.close()
    with factory() as db:
        assert [p.items[0].reps_target for p in repo.list_programmes(db, t, a.id)] == [8, REPS]
