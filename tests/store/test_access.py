"""One patient cannot read another's data through any repo function; a therapist sees only linked patients."""

from datetime import date

import pytest

from scoring.rescore import rescore_set
from scoring.save import save_set
from store import attention, export, repo
from store.repo import ItemSpec, PermissionDenied
from tests.store.conftest import make_row
from tests.store.helpers import squat_clip


@pytest.fixture
def bobs(db, people):
    """Bob's data: a programme from his therapist t2 and a session with landmarks."""
    seq, report = squat_clip()
    repo.create_programme(db, people.t2, people.b.id, date(2025, 1, 6), [ItemSpec("wall_squat", reps_target=10)])
    sid = save_set(db, people.b, people.b.id, report, seq, pain_before=2, pain_after=2)
    return sid


# Every read (and the writes) that take a patient or a session: (name, call(db, actor, patient_id, session_id)).
CALLS = {
    "list_sessions": lambda db, who, pid, sid: repo.list_sessions(db, who, pid),
    "get_session": lambda db, who, pid, sid: repo.get_session(db, who, sid),
    "get_landmarks": lambda db, who, pid, sid: repo.get_landmarks(db, who, sid),
    "rescore_session": lambda db, who, pid, sid: rescore_set(db, who, sid, {"knee_work_max_deg": 100}),
    "progress": lambda db, who, pid, sid: repo.progress(db, who, pid),
    "adherence": lambda db, who, pid, sid: repo.adherence(db, who, pid, today=date(2025, 1, 20)),
    "list_programmes": lambda db, who, pid, sid: repo.list_programmes(db, who, pid),
    "export_csv": lambda db, who, pid, sid: export.export_csv(db, who, pid),
    "report_data": lambda db, who, pid, sid: export.report_data(db, who, pid),
    "save_session": lambda db, who, pid, sid: repo.save_session(db, who, pid, make_row(reps=[(90, 170, [])])),
    "create_programme": lambda db, who, pid, sid: repo.create_programme(
        db, who, pid, date(2025, 1, 1), [ItemSpec("cat_cow", reps_target=5)]),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize("intruder", ["other_patient", "unlinked_therapist"])
def test_no_access_to_someone_elses_data(db, people, bobs, call, intruder):
    who = people.a if intruder == "other_patient" else people.t
    with pytest.raises(PermissionDenied):
        call(db, who, people.b.id, bobs)


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_owner_and_their_therapist_have_access(db, people, bobs, call):
    if call is not CALLS["create_programme"]:  # patients do not prescribe
        assert call(db, people.b, people.b.id, bobs) is not None
    assert call(db, people.t2, people.b.id, bobs) is not None


def test_missing_things_look_the_same_as_forbidden_ones(db, people, bobs):
    with pytest.raises(PermissionDenied, match="no such session, or not yours"):
        repo.get_session(db, people.a, bobs)
    with pytest.raises(PermissionDenied, match="no such session, or not yours"):
        repo.get_session(db, people.a, bobs + 1000)
    with pytest.raises(PermissionDenied):
        repo.list_sessions(db, people.t, 99999)


def test_lists_show_only_ones_own(db, people, bobs):
    repo.save_session(db, people.a, people.a.id, make_row(reps=[(90, 170, [])]))
    assert [s.patient_id for s in repo.list_sessions(db, people.a, people.a.id)] == [people.a.id]
    assert [p.username for p in repo.list_patients(db, people.t)] == ["alice", "carol"]
    assert [p.username for p in repo.list_patients(db, people.a)] == ["alice"]
    assert [i.username for i in attention.attention_list(db, people.t2, today=date(2025, 1, 20))] == ["bob"]


def test_patients_have_no_attention_list_and_a_stale_actor_is_refused(db, people):
    with pytest.raises(PermissionDenied):
        attention.attention_list(db, people.a)
    forged = type(people.a)(people.a.id, people.a.username, "therapist")  # a patient claiming to be a therapist
    with pytest.raises(PermissionDenied):
        repo.list_sessions(db, forged, people.a.id)


def test_programme_item_of_another_patient_cannot_be_attached(db, people):
    prog = repo.create_programme(db, people.t2, people.b.id, date(2025, 1, 6), [ItemSpec("wall_squat", reps_target=5)])
    with pytest.raises(PermissionDenied):
        repo.save_session(db, people.a, people.a.id, make_row(reps=[(90, 170, [])]),
                          programme_item_id=prog.items[0].id)
    assert repo.list_sessions(db, people.a, people.a.id) == []
