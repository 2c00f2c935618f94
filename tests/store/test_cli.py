import io

import pytest

from cli.store_commands import main
from feedback.report import ClipResult
from scoring.save import BatchError, save_clip_result
from store import auth, repo
from store.db import make_engine, session_factory
from tests.store.helpers import SQUAT_REPS, squat_clip

SECRET = "s3cret-passphrase"


def _db(url):
    return session_factory(make_engine(url))()


def test_first_accounts_from_the_cli(empty_url, monkeypatch, capsys):
    assert main(["db", "upgrade", "--url", empty_url]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET + "\n"))
    assert main(["user", "create", "--role", "therapist", "--username", "thera", "--password-stdin",
                 "--db", empty_url]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET + "\n"))
    assert main(["user", "create", "--role", "patient", "--username", "alice", "--password-stdin",
                 "--db", empty_url]) == 0
    assert main(["user", "link", "--therapist", "thera", "--patient", "alice", "--db", empty_url]) == 0
    out = capsys.readouterr()
    assert SECRET not in out.out + out.err
    assert "created therapist 'thera'" in out.out
    with _db(empty_url) as db:
        t = auth.authenticate(db, "thera", SECRET)
        assert [p.username for p in repo.list_patients(db, t)] == ["alice"]


def test_cli_errors_are_one_line(url, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "create", "--role", "patient", "--username", "zed", "--password-stdin", "--db", url]) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO("qwerty123456\n"))
    assert main(["user", "create", "--role", "patient", "--username", "zed", "--password-stdin", "--db", url]) == 1
    assert main(["user", "link", "--therapist", "nobody", "--patient", "zed", "--db", url]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["formcheck: password must be at least 12 characters",
                   "formcheck: that password is one of the most common ones: choose another",
                   "formcheck: no therapist account 'nobody'"]
    with pytest.raises(SystemExit) as exc:
        main(["user", "create", "--role", "admin", "--username", "zed"])
    assert exc.value.code == 2


def test_batch_scoring_writes_into_the_store(url, db, people):
    seq, report = squat_clip()
    sid = save_clip_result(url, "alice", ClipResult("clips/a.mp4", "wall_squat", report), seq)
    got = repo.get_session(db, people.a, sid)
    assert (got.summary.reps, got.summary.source, got.summary.has_landmarks) == (SQUAT_REPS, "upload", True)
    assert got.report["file"] == "clips/a.mp4"
    with pytest.raises(BatchError, match="no patient account 'thera'"):
        save_clip_result(url, "thera", ClipResult("a.mp4", "wall_squat", report), seq)
    with pytest.raises(BatchError, match="not scored"):
        save_clip_result(url, "alice", ClipResult("b.mp4", "wall_squat", error="b.mp4: cannot read"))
