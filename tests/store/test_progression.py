"""Progression rules on sets built here, and the therapist's decision: only accept or edit changes the programme."""

from datetime import date, timedelta

import pytest

from store import attention, progression, repo
from store.models import Source, Symptom
from store.progression import PROGRESS_HOLD_STEP_S, PROGRESS_REPS_STEP, PROGRESS_SETS, REGRESS_REPS_STEP
from store.repo import ItemSpec, SessionSummary
from tests.store.conftest import at, make_row

START = date(2025, 3, 3)  # a Monday; the squat item runs weeks 1-4


def _programme(db, people, **squat):
    return repo.create_programme(db, people.t, people.a.id, START, [
        ItemSpec("wall_squat", reps_target=squat.get("reps", 6), hold_target_s=squat.get("hold"), week_from=1,
                 week_to=4, sessions_per_week=5, notes="keep the back on the wall"),
        ItemSpec("nerve_glide", reps_target=10, week_from=1, week_to=2)])


def _set(db, people, day: date, reps=6, faults=0, pain=(2, 2), symptom="centralising", hold_s=0.0, partial=0):
    a = people.a
    row = make_row(reps=[(90, 165, ["too_fast"] if k < faults else []) for k in range(reps)], hold_s=hold_s)
    row["partial_reps"] = partial
    return repo.save_session(db, a, a.id, row, started_at=at(day.isoformat()), pain_before=pain[0],
                             pain_after=pain[1], symptom_response=symptom)


def _squat(db, people, today):
    (ev,) = [e for e in progression.evaluations(db, people.t, people.a.id, today) if e.exercise == "wall_squat"]
    return ev


def _evening(day: date):
    return at(day.isoformat(), 18)  # after that day's set (09:00)


def _days(n: int, first: date = START) -> list[date]:
    return [first + timedelta(days=k) for k in range(n)]


def _summary(k: int, reps: int, faults: int, pain: tuple[int, int], symptom: str | None) -> SessionSummary:
    return SessionSummary(
        id=k + 1, patient_id=1, exercise="wall_squat", started_at=at((START + timedelta(days=k)).isoformat()),
        source=Source.LIVE, reps=reps, faulted_reps=faults, best_hold_s=0.0, pose_coverage=1.0,
        rep_signal="support_knee_deg", range_low=90.0, range_high=165.0, pain_before=pain[0], pain_after=pain[1],
        symptom_response=None if symptom is None else Symptom(symptom), programme_item_id=1, shared_video_path=None,
        has_landmarks=False)


@pytest.mark.parametrize(("sets", "kind", "reason"), [
    # (reps, faulted reps, (pain before, after), symptom, partial reps) per set, oldest first
    ([(6, 0, (2, 2), "centralising", 0)] * 3, "progress", "the last 3 sets"),
    ([(6, 1, (3, 2), "unchanged", 0)] * 3, "progress", "pain not rising"),  # 1 of 6 faulted is few
    ([(6, 0, (2, 2), "centralising", 0)] * 2, "keep", "2 of 3 sets at this dose"),
    ([(6, 0, (2, 2), "centralising", 0)] * 2 + [(5, 0, (2, 2), "centralising", 0)], "keep", "5 of 6 reps"),
    ([(6, 0, (2, 2), "centralising", 0)] * 2 + [(6, 0, (2, 2), "centralising", 1)], "keep", "1 partial rep"),
    ([(6, 0, (2, 2), "centralising", 0)] * 2 + [(6, 2, (2, 2), "centralising", 0)], "keep", "2 of 6 reps with a fault"),
    ([(6, 0, (2, 2), "centralising", 0)] * 2 + [(6, 0, (2, 2), None, 0)], "keep", "no symptom response"),
    ([(6, 0, (2, 2), "centralising", 0)] * 2 + [(6, 0, (2, 3), "unchanged", 0)], "progress", "pain not rising"),
    ([(6, 0, (2, 2), "centralising", 0)] * 2 + [(6, 0, (2, 4), "unchanged", 0)], "regress", "pain rose 2 -> 4"),
    ([(6, 0, (1, 2), "unchanged", 0), (6, 0, (2, 3), "unchanged", 0), (6, 0, (3, 4), "unchanged", 0)], "regress",
     "rose 2 -> 3 -> 4 over the latest sets"),
    ([(6, 0, (2, 2), "centralising", 0)] * 3 + [(6, 0, (2, 2), "peripheralising", 0)], "pause", "spread down the leg"),
    ([], "keep", "no set at this dose yet"),
])
def test_rules_on_built_sets(sets, kind, reason):
    built = [_summary(k, reps, faults, pain, symptom) for k, (reps, faults, pain, symptom, _) in enumerate(sets)]
    partial = {k + 1: p for k, (*_, p) in enumerate(sets)}
    ev = progression.evaluate(1, "wall_squat", 6, None, built, partial)
    assert ev.kind == kind
    assert any(reason in r for r in ev.reasons), ev.reasons
    expected = {"progress": 6 + PROGRESS_REPS_STEP, "regress": 6 - REGRESS_REPS_STEP, "keep": 6, "pause": None}[kind]
    assert ev.to_reps == expected and ev.from_reps == 6


@pytest.mark.parametrize(("reps", "hold_s", "kind", "to"), [
    (2, None, "pause", (None, None)),  # 2 - 2 reps is below 1: pause
    (3, None, "regress", (1, None)),
    (None, 8.0, "pause", (None, None)),  # 8 - 5 s is below a 5 s hold
    (None, 10.0, "regress", (None, 5.0)),
])
def test_regression_below_the_minimum_is_a_pause(reps, hold_s, kind, to):
    ev = progression.evaluate(1, "wall_squat", reps, hold_s, [_summary(0, 3, 0, (2, 5), "unchanged")], {})
    assert (ev.kind, (ev.to_reps, ev.to_hold_s)) == (kind, to)


def test_hold_items_progress_by_the_hold(db, people):
    _programme(db, people, reps=None, hold=20.0)
    for day in _days(PROGRESS_SETS):
        _set(db, people, day, reps=0, hold_s=22.0)
    ev = _squat(db, people, START + timedelta(days=5))
    assert (ev.kind, ev.from_hold_s, ev.to_hold_s) == ("progress", 20.0, 20.0 + PROGRESS_HOLD_STEP_S)
    _set(db, people, START + timedelta(days=3), reps=0, hold_s=12.0)
    assert "a 12 s hold of 20 s" in " ".join(_squat(db, people, START + timedelta(days=5)).reasons)


def test_nothing_changes_the_programme_until_accepted(db, people):
    prog = _programme(db, people)
    for day in _days(PROGRESS_SETS):
        _set(db, people, day)
    today = START + timedelta(days=9)  # week 2
    (pending,) = progression.refresh(db, people.t, people.a.id, today)
    assert (pending.kind, pending.to_reps, pending.status) == ("progress", 8, "pending")
    assert progression.refresh(db, people.t, people.a.id, today) == [pending]  # the same set: no new proposal
    assert repo.list_programmes(db, people.t, people.a.id) == [prog]  # a proposal alone changes nothing

    rejected = progression.decide(db, people.t, pending.id, "reject", note="wait a week", now=_evening(today))
    assert rejected.status == "rejected" and rejected.decision_note == "wait a week"
    assert repo.list_programmes(db, people.t, people.a.id) == [prog]
    with pytest.raises(ValueError, match="already rejected"):
        progression.decide(db, people.t, pending.id, "accept", now=_evening(today))

    _set(db, people, START + timedelta(days=8))  # another good set: proposed again, then accepted
    (again,) = progression.refresh(db, people.t, people.a.id, today)
    accepted = progression.decide(db, people.t, again.id, "accept", now=_evening(today))
    assert (accepted.status, accepted.decided_reps) == ("accepted", 8)
    new, old = repo.list_programmes(db, people.t, people.a.id)
    assert old == prog and new.start_date == START + timedelta(days=7)  # from the current week on
    squat, glide = new.items
    assert (squat.reps_target, squat.week_from, squat.week_to, squat.notes) == (8, 1, 3, "keep the back on the wall")
    assert (glide.reps_target, glide.week_from, glide.week_to) == (10, 1, 1)
    # The new dose starts afresh: the sets before the decision do not count towards the next step.
    assert _squat(db, people, today).reasons == ("no set at this dose yet",)


def test_edit_applies_the_therapists_dose_and_pause_drops_the_exercise(db, people):
    _programme(db, people)
    for day in _days(PROGRESS_SETS):
        _set(db, people, day)
    today = START + timedelta(days=3)
    (p,) = progression.refresh(db, people.t, people.a.id, today)
    with pytest.raises(ValueError, match="reps must be a number above 0"):
        progression.decide(db, people.t, p.id, "edit", reps=0, now=_evening(today))
    edited = progression.decide(db, people.t, p.id, "edit", reps=7, now=_evening(today))
    assert (edited.status, edited.decided_reps) == ("edited", 7)
    assert repo.list_programmes(db, people.t, people.a.id)[0].items[0].reps_target == 7

    _set(db, people, today + timedelta(days=1), pain=(2, 2), symptom="peripheralising")  # 09:00, after the edit
    (pause,) = progression.refresh(db, people.t, people.a.id, today + timedelta(days=1))
    assert pause.kind == "pause"
    listed = attention.attention_list(db, people.t, today + timedelta(days=1))
    reasons = {i.username: [r.code for r in i.reasons] for i in listed}
    assert "dose_review" in reasons["alice"]
    progression.decide(db, people.t, pause.id, "accept", now=_evening(today + timedelta(days=1)))
    latest = repo.list_programmes(db, people.t, people.a.id)[0]
    assert [i.exercise for i in latest.items] == ["nerve_glide"]


def test_a_second_pending_proposal_can_be_decided_after_the_first(db, people):
    _programme(db, people)
    for day in _days(PROGRESS_SETS):
        _set(db, people, day)
        a = people.a
        repo.save_session(db, a, a.id, make_row("nerve_glide", reps=[(100, 150, [])] * 10),
                          started_at=at(day.isoformat(), 10), pain_before=2, pain_after=2, symptom_response="unchanged")
    today = START + timedelta(days=3)
    glide, squat = sorted(progression.refresh(db, people.t, people.a.id, today), key=lambda p: p.exercise)
    progression.decide(db, people.t, squat.id, "accept", now=_evening(today))
    progression.decide(db, people.t, glide.id, "accept", now=_evening(today))
    latest = repo.list_programmes(db, people.t, people.a.id)[0]
    assert [(i.exercise, i.reps_target) for i in latest.items] == [("wall_squat", 8), ("nerve_glide", 12)]


def test_a_later_set_that_no_longer_qualifies_sets_the_proposal_aside(db, people):
    _programme(db, people)
    for day in _days(PROGRESS_SETS):
        _set(db, people, day)
    (p,) = progression.refresh(db, people.t, people.a.id, START + timedelta(days=3))
    _set(db, people, START + timedelta(days=3), faults=3)  # half the reps faulted: keep the dose
    assert progression.refresh(db, people.t, people.a.id, START + timedelta(days=3)) == []
    assert [x.status for x in progression.list_proposals(db, people.t, people.a.id)] == ["superseded"]


def test_only_the_patients_therapist_decides(db, people):
    _programme(db, people)
    for day in _days(PROGRESS_SETS):
        _set(db, people, day)
    (p,) = progression.refresh(db, people.t, people.a.id, START + timedelta(days=3))
    for who in (people.t2, people.a):
        with pytest.raises(repo.PermissionDenied):
            progression.decide(db, who, p.id, "accept")
    with pytest.raises(ValueError, match="accept, edit or reject"):
        progression.decide(db, people.t, p.id, "maybe")
    with pytest.raises(repo.PermissionDenied):
        progression.list_proposals(db, people.t2, people.a.id)
