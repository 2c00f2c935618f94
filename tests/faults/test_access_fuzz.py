"""Access rules fuzzed: random actors against random patients and sessions, through every repo function.

A world of therapists, patients, links, programmes and sessions is built at random (seeded) on each backend;
hypothesis then picks who acts (including a forged role and a deleted account), on which patient or session
(including ones that do not exist), through which function. The rule, from store.repo:

- a patient reaches only their own data; a therapist only that of patients linked to them; nobody else anything;
- a refusal is PermissionDenied, and an allowed answer holds nothing of anyone else's.

Writes are in the mix too (save a session, prescribe, rate a set), and the model follows what they add.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from feedback import printable
from scoring.rescore import rescore_set
from scoring.save import save_set
from store import attention, auth, export, repo
from store.auth import Actor
from store.models import Role, utc_now
from store.repo import ItemSpec, PermissionDenied
from tests.store.conftest import make_row
from tests.store.helpers import squat_clip

TODAY = date(2025, 3, 10)
EXAMPLES = 120


@dataclass
class World:
    therapists: list[Actor]
    patients: list[Actor]
    links: set[tuple[int, int]]  # (therapist id, patient id)
    owner: dict[int, int] = field(default_factory=dict)  # session id -> patient id
    forged: list[Actor] = field(default_factory=list)  # actors that must be refused everything

    def may(self, actor: Actor, patient_id: int | None) -> bool:
        if actor in self.forged or patient_id is None:
            return False
        if actor.role == Role.PATIENT:
            return actor.id == patient_id
        return (actor.id, patient_id) in self.links

    def usernames_except(self, patient_id: int) -> list[str]:
        return [p.username for p in self.patients if p.id != patient_id]


@pytest.fixture
def world(db) -> World:
    rng = random.Random(7)
    therapists = [auth.create_user(db, f"therapist_{i:02d}", "correct horse battery", "therapist") for i in range(3)]
    patients = [auth.create_user(db, f"patient_{i:02d}", "correct horse battery", "patient") for i in range(6)]
    links = set()
    for p in patients:
        for t in rng.sample(therapists, rng.randint(0, 2)):
            auth.link(db, t.username, p.username)
            links.add((t.id, p.id))
    w = World(therapists, patients, links)
    seq, report = squat_clip()
    for p in patients:
        mine = [t for t in therapists if (t.id, p.id) in links]
        if mine and rng.random() < 0.7:
            repo.create_programme(db, rng.choice(mine), p.id, TODAY - timedelta(days=14),
                                  [ItemSpec("wall_squat", reps_target=5)])
        for k in range(rng.randint(0, 3)):
            with_landmarks = rng.random() < 0.5
            sid = save_set(db, p, p.id, report, seq if with_landmarks else None, pain_after=rng.randint(0, 9),
                                    started_at=utc_now() - timedelta(days=k, hours=rng.randint(0, 20)))
            w.owner[sid] = p.id
    # A patient claiming to be a therapist, and an account that no longer exists.
    w.forged = [Actor(patients[0].id, patients[0].username, Role.THERAPIST), Actor(9999, "ghost", Role.PATIENT)]
    return w


def _session_ids_in_csv(text: str) -> set[int]:
    rows = list(csv.DictReader(io.StringIO(text)))
    return {int(r["session_id"]) for r in rows}


# name -> (kind, call, check of an allowed answer). kind "patient" takes a patient id, "session" a session id.
CALLS = {
    "list_sessions": ("patient", lambda db, a, pid: repo.list_sessions(db, a, pid),
                      lambda w, pid, got: all(s.patient_id == pid for s in got)),
    "progress": ("patient", lambda db, a, pid: repo.progress(db, a, pid),
                 lambda w, pid, got: all(w.owner.get(p.session_id) == pid for ps in got.values() for p in ps)),
    "adherence": ("patient", lambda db, a, pid: repo.adherence(db, a, pid, today=TODAY), lambda w, pid, got: True),
    "list_programmes": ("patient", lambda db, a, pid: repo.list_programmes(db, a, pid),
                        lambda w, pid, got: all(p.patient_id == pid for p in got)),
    "export_csv": ("patient", lambda db, a, pid: export.export_csv(db, a, pid),
                   lambda w, pid, got: all(w.owner.get(i) == pid for i in _session_ids_in_csv(got))),
    "report_html": ("patient", lambda db, a, pid: printable.report_html(export.report_data(db, a, pid, today=TODAY)),
                    lambda w, pid, got: not any(n in got for n in w.usernames_except(pid))),
    "get_session": ("session", lambda db, a, sid: repo.get_session(db, a, sid),
                    lambda w, sid, got: got.summary.patient_id == w.owner[sid] and got.summary.id == sid),
    "get_landmarks": ("session", lambda db, a, sid: repo.get_landmarks(db, a, sid), lambda w, sid, got: True),
    "rescore_session": ("session", lambda db, a, sid: rescore_set(db, a, sid, {"knee_work_max_deg": 100}),
                        lambda w, sid, got: got.exercise == "wall_squat"),
    "add_set_feedback": ("session", lambda db, a, sid: repo.add_set_feedback(db, a, sid, pain_before=3),
                         lambda w, sid, got: got is None),
    "save_session": ("patient", lambda db, a, pid: repo.save_session(db, a, pid, make_row(reps=[(90, 170, [])])),
                     lambda w, pid, got: isinstance(got, int)),
    "create_programme": ("patient", lambda db, a, pid: repo.create_programme(
        db, a, pid, TODAY, [ItemSpec("cat_cow", reps_target=5)]), lambda w, pid, got: got.patient_id == pid),
}


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_nobody_reaches_data_that_is_not_theirs(db, world, data):
    w = world
    name = data.draw(st.sampled_from(sorted(CALLS)), label="call")
    kind, call, check = CALLS[name]
    if kind == "patient":
        target = data.draw(st.sampled_from([p.id for p in w.patients] + [t.id for t in w.therapists] + [424242]),
                           label="patient id")
        owner = target if target in {p.id for p in w.patients} else None
    else:
        # An index, not the ids themselves: saving sessions adds ids, and the draws must not depend on that.
        i = data.draw(st.integers(0, 40), label="session index")
        ids = sorted(w.owner)
        target = ids[(i - 1) % len(ids)] if i and ids else max(ids, default=0) + 1000  # 0: no such session
        owner = w.owner.get(target)
    # Half the time someone who may see the target acts (when anyone may): refusals alone would test little.
    everyone = w.therapists + w.patients + w.forged
    entitled = [a for a in everyone if w.may(a, owner)]
    pool = entitled if entitled and data.draw(st.booleans(), label="entitled actor") else everyone
    actor = pool[data.draw(st.integers(0, 20), label="actor index") % len(pool)]
    allowed = w.may(actor, owner)
    if name == "create_programme":
        allowed = allowed and actor.role == Role.THERAPIST  # patients do not prescribe
    event("allowed" if allowed else "refused")
    if allowed and name in ("get_landmarks", "rescore_session"):
        has = repo.get_session(db, actor, target).summary.has_landmarks
        if name == "rescore_session" and not has:
            with pytest.raises(ValueError, match="no stored landmarks"):
                call(db, actor, target)
            return
    if not allowed:
        with pytest.raises(PermissionDenied):
            call(db, actor, target)
        db.rollback()
        return
    got = call(db, actor, target)
    assert check(w, target, got), f"{name} by {actor.username} on {target} returned someone else's data"
    if name == "save_session":
        w.owner[got] = target


@pytest.mark.parametrize("who", ["therapist", "patient", "forged"])
def test_lists_hold_exactly_ones_own_patients(db, world, who):
    w = world
    for actor in {"therapist": w.therapists, "patient": w.patients, "forged": w.forged}[who]:
        if who == "forged":
            with pytest.raises(PermissionDenied):
                repo.list_patients(db, actor)
            with pytest.raises(PermissionDenied):
                attention.attention_list(db, actor, today=TODAY)
            continue
        expected = {actor.id} if who == "patient" else {p for t, p in w.links if t == actor.id}
        assert {p.id for p in repo.list_patients(db, actor)} == expected
        if who == "therapist":
            assert {i.patient_id for i in attention.attention_list(db, actor, today=TODAY)} == expected
        else:
            with pytest.raises(PermissionDenied):
                attention.attention_list(db, actor, today=TODAY)
