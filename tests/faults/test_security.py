"""Security: uploads bounded and checked, nothing unpickled or executed, no secrets in messages, audit verdicts."""

from __future__ import annotations

import argparse
import importlib.util
import io
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import numpy as np
import pytest

from feedback.report import ClipResult
from pose.cache import LandmarkCache
from pose.frames import PoseSequence
from pose.video import VideoError, probe
from scoring.uploads import MAX_UPLOAD_MB, UploadError, check_upload, save_upload
from store.db import redact
from tests.media import write_clip
from tests.store.helpers import squat_clip

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret-Pa55"


# --- uploads -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mp4_bytes(tmp_path_factory) -> bytes:
    return write_clip(tmp_path_factory.mktemp("up") / "c.mp4", n_frames=5).read_bytes()


WEBM_HEAD = b"\x1aE\xdf\xa3" + b"\x00" * 60
HLS = b"#EXTM3U\n#EXTINF:10.0,\nother_upload.mp4\n#EXT-X-ENDLIST\n"
FFCONCAT = b"ffconcat version 1.0\nfile other_upload.mp4\n"


@pytest.mark.parametrize(("content", "name", "error"), [
    ("mp4", "squat.mp4", None),
    ("mp4", "SQUAT.MOV", None),
    ("mp4", "clip.m4v", None),
    (WEBM_HEAD, "phone.webm", None),
    (b"", "empty.mp4", "is empty"),
    ("mp4", "squat.exe", "only mp4, mov, webm, m4v"),
    ("mp4", "squat", "only mp4, mov, webm, m4v"),
    ("mp4", "squat.py", "only mp4, mov, webm, m4v"),
    (HLS, "playlist.mp4", "does not match its name"),
    (FFCONCAT, "list.mp4", "does not match its name"),
    (b"\x80\x04\x95" + b"\x00" * 40, "pickle.mp4", "does not match its name"),
    (WEBM_HEAD, "renamed.mp4", "does not match its name"),
    ("mp4", "renamed.webm", "does not match its name"),
])
def test_uploads_are_checked_by_name_and_content(mp4_bytes, content, name, error):
    data = mp4_bytes if content == "mp4" else content
    if error is None:
        assert check_upload(data, name) == Path(name).suffix.lower().lstrip(".")
    else:
        with pytest.raises(UploadError, match=re.escape(error)) as exc:
            check_upload(data, name)
        assert "\n" not in str(exc.value)


def test_uploads_are_bounded_in_size(mp4_bytes):
    with pytest.raises(UploadError, match="the limit is 0.001 MB"):
        check_upload(mp4_bytes, "big.mp4", max_mb=0.001)
    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    assert server == MAX_UPLOAD_MB  # the server refuses larger uploads before the app holds them


@pytest.mark.parametrize("name", ["../../etc/passwd.mp4", "/tmp/x.mp4", "..\\..\\a.mp4", "a\x00b.mp4", "ü 😀.mp4"])
def test_an_upload_is_stored_under_a_generated_name_inside_its_folder(tmp_path, mp4_bytes, name):
    folder = tmp_path / "uploads"
    path = save_upload(mp4_bytes, name, folder)
    assert path.parent == folder and re.fullmatch(r"[0-9a-f]{24}\.mp4", path.name)
    assert path.read_bytes() == mp4_bytes and list(folder.iterdir()) == [path]  # no .part left behind
    assert save_upload(mp4_bytes, "again.mp4", folder) == path  # the same content is kept once


def test_a_file_list_renamed_as_a_video_is_never_followed(tmp_path, mp4_bytes):
    # Past the upload check (e.g. a CLI user's file): FFmpeg's concat demuxer would read the sibling file.
    (tmp_path / "other_upload.mp4").write_bytes(mp4_bytes)
    (tmp_path / "list.mp4").write_bytes(FFCONCAT)
    with pytest.raises(VideoError, match="list of other files"):
        probe(tmp_path / "list.mp4")


# --- nothing is unpickled ------------------------------------------------------------------------------------------


class _Payload:
    marker: Path

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def _npz_with_pickle(path: Path, marker: Path) -> None:
    seq, _ = squat_clip()
    buf = io.BytesIO()
    seq.save(buf)
    payload = _Payload()
    payload.marker = marker
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.namelist():
            if item == "t_s.npy":
                evil = io.BytesIO()
                np.save(evil, np.array([payload], dtype=object), allow_pickle=True)
                dst.writestr(item, evil.getvalue())
            else:
                dst.writestr(item, src.read(item))


def test_a_landmark_file_carrying_a_pickle_is_refused_not_run(tmp_path):
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.npz"
    _npz_with_pickle(evil, marker)
    with pytest.raises(ValueError, match="allow_pickle"):
        PoseSequence.load(evil)
    cache = LandmarkCache(tmp_path / "cache")
    (tmp_path / "cache").mkdir()
    evil.rename(tmp_path / "cache" / "k.npz")
    assert cache.get("k") is None  # a damaged entry: recomputed
    assert not marker.exists()


def test_no_unsafe_loading_or_evaluation_in_the_code():
    unsafe = re.compile(r"\bpickle\.loads?\(|\bmarshal\.loads?\(|\beval\(|\bexec\(|allow_pickle\s*=\s*True|"
                        r"shell\s*=\s*True|yaml\.load\(|torch\.load\(|\bdill\.")
    found = []
    for folder in ("pose", "exercises", "feedback", "store", "synth", "app_pages"):
        for f in (ROOT / folder).rglob("*.py"):
            found += [f"{f.relative_to(ROOT)}:{i}" for i, line in enumerate(f.read_text().splitlines(), 1)
                      if unsafe.search(line)]
    found += [f"app.py:{i}" for i, line in enumerate((ROOT / "app.py").read_text().splitlines(), 1)
              if unsafe.search(line)]
    assert found == []


# --- no secrets in messages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    (f"postgresql+psycopg://sam:{SECRET}@db:5432/fc", "postgresql+psycopg://sam:***@db:5432/fc"),
    (f"cannot connect to postgresql://sam:{SECRET}@h/db: no", "cannot connect to postgresql://sam:***@h/db: no"),
    (f"postgresql://sam:p@ss:{SECRET}@h/db", "postgresql://sam:***@h/db"),  # an unencoded @ in the password
    (f"host=h user=sam password={SECRET} dbname=x", "host=h user=sam password=*** dbname=x"),
    (f"password='{SECRET} x' dbname=x", "password=*** dbname=x"),
    ("sqlite:////home/sam/.local/share/formcheck/formcheck.sqlite3", None),
    ("postgresql://sam@h/db", None),
])
def test_redact_masks_database_passwords(text, expected):
    assert redact(text) == (text if expected is None else expected)
    assert SECRET not in redact(text)


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, env=env, input="a long enough password\n")


@pytest.mark.parametrize("url", [
    f"postgresql://sam:{SECRET}@127.0.0.1:1/formcheck",  # nothing listens: connection refused
    f"postgresql://sam:{SECRET}@db.example:notaport/formcheck",  # unparsable port
    f"nosuchdb://sam:{SECRET}@h/db",  # unknown driver
])
def test_store_commands_never_print_the_database_password(url):
    for args in (["db", "upgrade", "--url", url],
                 ["user", "create", "--role", "patient", "--username", "sam", "--password-stdin", "--db", url]):
        done = _cli(*args)
        assert done.returncode in (1, 2)
        assert SECRET not in done.stdout + done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_failed_save_from_a_batch_never_prints_the_password(capsys):
    from cli import main as cli
    from scoring.runner import ScoreOptions

    _, report = squat_clip()
    args = argparse.Namespace(db=f"postgresql://sam:{SECRET}@127.0.0.1:1/formcheck", patient="sam")
    ok = cli._save_to_store(args, ScoreOptions(use_cache=False), ClipResult("clip.mp4", "wall_squat", report=report))
    err = capsys.readouterr().err
    assert not ok and "not saved" in err and SECRET not in err


# --- dependency audit ----------------------------------------------------------------------------------------------


def _audit_module():
    spec = importlib.util.spec_from_file_location("formcheck_ci_audit", ROOT / ".ci" / "audit.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


PROTOBUF_FINDING = {"id": "GHSA-7gcm-g887-7qv7", "aliases": ["CVE-2026-0994"], "fix_versions": ["5.29.6", "6.33.5"]}


@pytest.mark.parametrize(("deps", "status", "says"), [
    ([{"name": "numpy", "version": "1.26.4", "vulns": []}], 0, "0 finding(s) to fix, 0 accepted"),
    ([{"name": "protobuf", "version": "4.25.9", "vulns": [PROTOBUF_FINDING]}], 0, "accepted   protobuf 4.25.9"),
    ([{"name": "otherpkg", "version": "1.0", "vulns": [PROTOBUF_FINDING]}], 1, "VULNERABLE otherpkg"),  # wrong package
    ([{"name": "setuptools", "version": "65.5.0", "vulns": [{"id": "PYSEC-2022-43012", "fix_versions": ["65.5.1"]}]}],
     1, "VULNERABLE setuptools 65.5.0: PYSEC-2022-43012; fixed in 65.5.1"),
    ([{"name": "numpy", "version": "1.26.4", "skip_reason": "not found on PyPI"}], None, "could be looked up"),
])
def test_the_audit_fails_on_findings_and_accepts_only_documented_ones(deps, status, says):
    audit = _audit_module()
    got, lines = audit.judge({"dependencies": deps}, audit.load_ignored())
    assert got == status and says in "\n".join(lines)


def test_every_accepted_finding_says_why():
    entries = tomllib.loads((ROOT / ".ci" / "audit-ignore.toml").read_text())["ignore"]
    assert entries and all(len(e["reason"]) > 80 and e["package"] for e in entries)


def test_the_app_listens_on_this_machine_only_with_xsrf_and_cors_checks_on():
    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]
    assert server["address"] == "127.0.0.1"
    assert server["enableXsrfProtection"] is True and server["enableCORS"] is True
    make_run = subprocess.run(["make", "-n", "run"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60).stdout
    assert "streamlit run app.py --server.address 127.0.0.1" in make_run
