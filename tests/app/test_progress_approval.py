"""The therapist decides the next dose on the patient page (AppTest): accepting or editing changes the programme,
rejecting changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import auth, progression, repo
from store.db import open_store
from store.models import utc_now
from store.repo import ItemSpec
from tests.app.nav import app_test
from tests.store.conftest import PASSWORD, make_row

REPS = 6


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setattr(auth, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def clinic(isolated_dirs, tmp_path, monkeypatch):
    """thera treats alice: a squat programme from a week ago, and three good sets at its dose in the last hours."""
    monkeypatch.delenv("FORMCHECK_DATABASE_URL", raising=False)
    factory = open_store(f"sqlite:///{tmp_path / 'data' / 'formcheck.sqlite3'}")
    now = utc_now()
    with factory() as db:
        t = auth.create_user(db, "thera", PASSWORD, "therapist")
        a = auth.create_user(db, "alice", PASSWORD, "patient")
        auth.link(db, "thera", "alice")
        repo.create_programme(db, t, a.id, now.date() - timedelta(days=7), [
            ItemSpec("wall_squat", reps_target=REPS, week_from=1, week_to=4, sessions_per_week=5)])
        for h in (3, 2, 1):
            repo.save_session(db, a, a.id, make_row(reps=[(90, 165, [])] * REPS), started_at=now - timedelta(hours=h),
                              pain_before=2, pain_after=2, symptom_response="centralising")
    yield factory, t, a
    factory.kw["bind"].dispose()


def _decide(t, a, button: str, **inputs):
    at = app_test(None, t).run()
    at.selectbox(key="patient").set_value(a.id)
    at.run()
    assert not at.exception
    assert any("Wall squat / wall sit: progress from 6 reps to 8 reps" in w.value for w in at.success)
    for key, value in inputs.items():
        next(n for n in at.number_input if n.key.startswith(key)).set_value(value)
    at = next(b for b in at.button if b.label == button).click().run()
    assert not at.exception
    return at


def _squat_reps(factory, t, a) -> list[int]:
    with factory() as db:
        return [p.items[0].reps_target for p in repo.list_programmes(db, t, a.id)]


def test_accepting_changes_the_programme(clinic):
    factory, t, a = clinic
    at = _decide(t, a, "Accept")
    assert _squat_reps(factory, t, a) == [8, REPS]  # a new version, newest first
    assert "Wall squat / wall sit: proposal accepted. The programme has a new version from this week." in [
        s.value for s in at.success]


def test_editing_applies_the_therapists_dose(clinic):
    factory, t, a = clinic
    _decide(t, a, "Accept with my changes", pr_reps=7)
    assert _squat_reps(factory, t, a) == [7, REPS]


def test_rejecting_changes_nothing(clinic):
    factory, t, a = clinic
    at = _decide(t, a, "Reject")
    assert _squat_reps(factory, t, a) == [REPS]
    with factory() as db:
        assert [p.status for p in progression.list_proposals(db, t, a.id)] == ["rejected"]
    assert "No proposal waits for a decision." in [i.value for i in at.info]
