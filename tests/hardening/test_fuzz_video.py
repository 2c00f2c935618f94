"""Mutation fuzzing of the video reader: every damaged copy of a valid clip gives frames or a one-line VideoError.

The files are read in a child process (tests/hardening/fuzz_video.py) so that a hang inside FFmpeg is caught by
its per-file alarm and named, instead of stopping the test run. The mutants are seeded: a failure names the file
and the damage done, and the same seed makes it again.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hardening.fuzz_video import PER_FILE_TIMEOUT_S, mutants

ROOT = Path(__file__).parents[2]
SEED_CLIP = ROOT / "sample_videos" / "cat_cow_4_cycles.mp4"
# About a second of decoding each; 50 seeded mutants cover every kind of damage `mutate` does several times over.
MUTANTS = 50

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> tuple[dict[Path, str], dict[str, dict], str]:
    made = mutants(SEED_CLIP, tmp_path_factory.mktemp("mutants"), MUTANTS, seed=7)
    done = subprocess.run([sys.executable, "-m", "tests.hardening.fuzz_video", *map(str, made)], cwd=ROOT,
                          capture_output=True, text=True, timeout=MUTANTS * PER_FILE_TIMEOUT_S + 60)
    results = {}
    for line in done.stdout.splitlines():
        row = json.loads(line)
        if "file" in row:
            results[row["file"]] = row
    return made, results, done.stderr


def test_the_seed_clip_reads_cleanly():
    from tests.hardening.fuzz_video import read_one

    assert read_one(SEED_CLIP)["outcome"] == "frames"


def test_the_reader_finished_every_mutant(outcomes):
    made, results, stderr = outcomes
    missing = [f"{p.name} ({made[p]})" for p in made if str(p) not in results]
    assert not missing, f"the reader process died on the first of {missing}: {stderr[-500:]}"


def test_no_mutant_crashes_or_hangs_the_reader(outcomes):
    made, results, _ = outcomes
    bad = [f"{Path(f).name} ({made[Path(f)]}): {r['outcome']} {r.get('error', '')}" for f, r in results.items()
           if r["outcome"] not in ("frames", "error")]
    assert not bad, "\n".join(bad)


def test_every_error_is_one_line_naming_the_file(outcomes):
    _, results, _ = outcomes
    errors = [(f, r["error"]) for f, r in results.items() if r["outcome"] == "error"]
    for f, message in errors:
        assert message.startswith(f"{f}: ") and "\n" not in message and "Traceback" not in message, message


def test_the_damage_is_real(outcomes):
    # Not vacuous: the mutations must break some files outright and leave others readable.
    _, results, _ = outcomes
    kinds = {r["outcome"] for r in results.values()}
    assert kinds == {"frames", "error"}, kinds
