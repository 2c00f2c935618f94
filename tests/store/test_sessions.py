"""Saving sessions: what is stored, atomicity (also across a killed process), re-scoring from landmarks."""

import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import LargeBinary, func, select

from exercises.config import ConfigError
from scoring.rescore import rescore_set
from scoring.save import save_set
from store import repo
from store.models import Base, ExerciseSession, SessionLandmarks, Source, Symptom
from tests.store.conftest import make_row
from tests.store.helpers import SQUAT_REPS, squat_clip

REPO_ROOT = Path(__file__).resolve().parents[2]


def _counts(db):
    db.rollback()  # see the database as it is now, not a snapshot
    return (db.scalar(select(func.count()).select_from(ExerciseSession)),
            db.scalar(select(func.count()).select_from(SessionLandmarks)))


def test_save_clip_report_with_landmarks(db, people):
    seq, report = squat_clip()
    started = datetime(2025, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    sid = save_set(db, people.a, people.a.id, report, seq, source="upload", started_at=started,
                            pain_before=3, pain_after=2, symptom_response="centralising")
    d = repo.get_session(db, people.t, sid)
    s = d.summary
    assert (s.reps, s.faulted_reps, s.fault_rate, s.source) == (SQUAT_REPS, 0, 0.0, Source.UPLOAD)
    assert s.started_at == started and s.started_at.tzinfo == UTC and s.started_at.hour == 8
    assert (s.pain_before, s.pain_after, s.symptom_response) == (3, 2, Symptom.CENTRALISING)
    assert s.rep_signal == "support_knee_deg"
    assert s.range_low == pytest.approx(min(r.low["support_knee_deg"] for r in report.reps), abs=0.06)
    assert s.range_high == pytest.approx(max(r.high["support_knee_deg"] for r in report.reps), abs=0.06)
    assert s.has_landmarks and s.shared_video_path is None
    assert len(d.report["rep_detail"]) == SQUAT_REPS
    assert d.report["thresholds"]["knee_work_max_deg"] == 120.0
    back = repo.get_landmarks(db, people.a, sid)
    np.testing.assert_array_equal(back.xyz, seq.xyz)
    np.testing.assert_array_equal(back.t_s, seq.t_s)
    assert back.image_size == seq.image_size


def test_video_is_never_a_column_only_a_shared_path():
    binary = [(t.name, c.name) for t in Base.metadata.tables.values() for c in t.columns
              if isinstance(c.type, LargeBinary)]
    assert binary == [("session_landmarks", "npz")]


def test_shared_video_path_is_kept(db, people):
    sid = repo.save_session(db, people.a, people.a.id, make_row(reps=[(90, 170, [])]),
                            shared_video_path="/data/shared/a1.mp4")
    assert repo.get_session(db, people.a, sid).summary.shared_video_path == "/data/shared/a1.mp4"


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"pain_before": 11}, "pain_before"),
    ({"pain_after": -1}, "pain_after"),
    ({"pain_after": 2.5}, "pain_after"),
    ({"symptom_response": "worse"}, "worse"),
    ({"source": "fax"}, "fax"),
    ({"started_at": datetime(2025, 1, 1)}, "timezone"),
    ({"report": {**make_row(), "error": "clip.mp4: cannot read"}}, "could not be scored"),
    ({"report": {**make_row(), "exercise": "burpee"}}, "unknown exercise"),
    ({"report": {**make_row(reps=[(90, 170, [])]), "rep_detail": []}}, "per-rep detail"),
])
def test_bad_sessions_are_refused_and_nothing_is_written(db, people, kwargs, error):
    args = {"report": make_row(reps=[(90, 170, [])]), **kwargs}
    with pytest.raises(ValueError, match=error):
        repo.save_session(db, people.a, people.a.id, **args)
    assert _counts(db) == (0, 0)


def test_a_failure_between_the_two_inserts_leaves_nothing(db, people, monkeypatch):
    seq, report = squat_clip()

    def boom(session_id, landmarks):
        raise OSError("disk full while compressing landmarks")

    monkeypatch.setattr(repo, "_landmarks_row", boom)
    with pytest.raises(OSError, match="disk full"):
        save_set(db, people.a, people.a.id, report, seq)
    assert _counts(db) == (0, 0)
    monkeypatch.undo()
    sid = save_set(db, people.a, people.a.id, report, seq)  # the session is still usable
    assert _counts(db) == (1, 1) and repo.get_landmarks(db, people.a, sid) is not None


CHILD = textwrap.dedent("""
    import os, signal, sys
    from scoring.save import save_set
    from store import repo
    from store.auth import authenticate
    from store.db import make_engine, session_factory
    from tests.store.helpers import squat_clip

    url, mode = sys.argv[1], sys.argv[2]
    seq, report = squat_clip()
    db = session_factory(make_engine(url))()
    alice = authenticate(db, "alice", "correct horse battery")
    if mode == "kill_mid_save":
        # Killed after the session row was flushed (sent, not committed), before the landmarks are.
        repo._landmarks_row = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
    sid = save_set(db, alice, alice.id, report, seq, pain_before=4)
    print(sid, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # confirmed, then killed without closing anything
""")


def _child(url, mode):
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run([sys.executable, "-c", CHILD, url, mode], cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_killed_mid_save_leaves_nothing_half_written(db, url, people):
    proc = _child(url, "kill_mid_save")
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert proc.stdout == ""
    assert _counts(db) == (0, 0)
    assert repo.save_session(db, people.a, people.a.id, make_row(reps=[(90, 170, [])]))  # nothing left locked


def test_a_confirmed_session_survives_the_writer_being_killed(db, url, people):
    seq, _ = squat_clip()
    proc = _child(url, "kill_after_commit")
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    sid = int(proc.stdout.split()[0])
    assert _counts(db) == (1, 1)
    got = repo.get_session(db, people.a, sid)
    assert (got.summary.reps, got.summary.pain_before) == (SQUAT_REPS, 4)
    np.testing.assert_array_equal(repo.get_landmarks(db, people.a, sid).xyz, seq.xyz)


def test_rescore_from_stored_landmarks_with_new_thresholds(db, people):
    seq, report = squat_clip()
    sid = save_set(db, people.a, people.a.id, report, seq)
    same = rescore_set(db, people.t, sid)
    assert same.rep_count == SQUAT_REPS and same.fault_counts == {}
    # The reps bottom out at 90 degrees: a rep that must reach 80 is never done.
    assert rescore_set(db, people.t, sid, {"knee_work_max_deg": 80}).rep_count == 0
    # Each rep takes 3 s: requiring 4 s flags every one as too fast.
    slow = rescore_set(db, people.t, sid, {"rep_duration_min_s": 4})
    assert (slow.rep_count, slow.fault_counts) == (SQUAT_REPS, {"too_fast": SQUAT_REPS})
    # Re-scoring writes nothing.
    assert repo.get_session(db, people.a, sid).summary.faulted_reps == 0


def test_rescore_rejects_bad_thresholds_and_sessions_without_landmarks(db, people):
    seq, report = squat_clip()
    sid = save_set(db, people.a, people.a.id, report, seq)
    with pytest.raises(ConfigError, match="knee_bogus_deg"):
        rescore_set(db, people.a, sid, {"knee_bogus_deg": 1})
    with pytest.raises(ConfigError):
        rescore_set(db, people.a, sid, {"knee_work_max_deg": 170})  # above knee_rest_min_deg
    bare = save_set(db, people.a, people.a.id, report)
    with pytest.raises(ValueError, match="no stored landmarks"):
        rescore_set(db, people.a, bare)
    assert repo.get_landmarks(db, people.a, bare) is None
