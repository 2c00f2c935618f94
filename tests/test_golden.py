"""Golden landmark files recorded from real clips (tests/golden/record.py): the engine on real poses, no MediaPipe."""

import json
from pathlib import Path

import numpy as np
import pytest

from exercises.engine import score_sequence
from exercises.registry import get_exercise
from pose.frames import PoseSequence
from tests.labels import check_against_label

GOLDEN = Path(__file__).parent / "golden"
LABELS = json.loads((GOLDEN / "labels.json").read_text())


def load(name: str) -> PoseSequence:
    with np.load(GOLDEN / f"{name}.npz") as d:
        return PoseSequence(d["t_s"], d["xyz"].astype(float), d["world_xyz"].astype(float),
                            d["visibility"].astype(float), d["back_profile"].astype(float),
                            tuple(int(v) for v in d["image_size"]))


@pytest.mark.parametrize("name", sorted(LABELS))
def test_golden_clip_scores_match_labels(name):
    label = LABELS[name]
    report = score_sequence(load(name), get_exercise(label["checker"]))
    assert check_against_label(label, report.rep_count, report.hold_s) == []
    assert report.pose_coverage > 0.9
    assert report.view in ("side", "oblique")


def test_rescoring_is_deterministic():
    seq = load("cat_cow_side_polybag")
    a = score_sequence(seq, get_exercise("cat_cow"))
    b = score_sequence(seq, get_exercise("cat_cow"))
    assert [(r.start_s, r.end_s) for r in a.reps] == [(r.start_s, r.end_s) for r in b.reps]


def test_guessed_exercise_matches_the_clip():
    from exercises.detect import guess_exercise

    for name, label in LABELS.items():
        assert guess_exercise(load(name)) == label["checker"], name


def test_cat_cow_spine_range_is_large_on_a_real_full_range_clip():
    report = score_sequence(load("cat_cow_side_polybag"), get_exercise("cat_cow"))
    for rep in report.reps:
        assert rep.high["spine_flexion_deg"] - rep.low["spine_flexion_deg"] > 60
    assert "small_range" not in report.fault_counts


@pytest.mark.parametrize("name", ["cat_cow_side_polybag", "cat_cow_side_istock"])
def test_getting_onto_all_fours_is_not_a_squat(name):
    # The kneeling and crawling in these real clips must not count as wall squats (the posture gate).
    report = score_sequence(load(name), get_exercise("wall_squat"))
    assert report.rep_count == 0 and report.hold_s == 0.0
