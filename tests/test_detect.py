"""Recognising the exercise (`--exercise auto`) among every registered spec, on golden real-clip landmarks (no
MediaPipe): the right exercise or `unknown`, never another one."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from exercises.detect import UNKNOWN, fitting_postures, frame_postures, recognise
from exercises.registry import EXERCISES, get_exercise
from feedback.report import CSV_COLUMNS, ClipResult, to_csv_line, to_row
from pose.frames import PoseSequence

GOLDEN = Path(__file__).parent / "golden"
LABELS = json.loads((GOLDEN / "labels.json").read_text())


def load(name: str) -> PoseSequence:
    with np.load(GOLDEN / f"{name}.npz") as d:
        return PoseSequence(d["t_s"], d["xyz"].astype(float), d["world_xyz"].astype(float),
                            d["visibility"].astype(float), d["back_profile"].astype(float),
                            tuple(int(v) for v in d["image_size"]))


@pytest.fixture(scope="module")
def recognised():
    return {name: recognise(load(name)) for name in LABELS}


@pytest.mark.parametrize("name", sorted(LABELS))
def test_a_golden_clip_is_its_exercise_or_unknown_never_another(recognised, name):
    rec = recognised[name]
    assert rec.exercise in (LABELS[name]["checker"], UNKNOWN), rec.reason
    assert 0.0 <= rec.confidence <= 1.0
    assert rec.reason and "\n" not in rec.reason
    if rec.exercise != UNKNOWN:
        assert rec.report is not None and rec.report.exercise == rec.exercise


def test_most_golden_clips_are_recognised(recognised):
    # Two wall sits may fit a second standing spec about as well (unknown is then the honest answer); the
    # cat-cows and the free squat show their exercise's movement and nothing else's.
    named = [n for n, r in recognised.items() if r.exercise != UNKNOWN]
    assert len(named) >= len(LABELS) - 2, {n: r.reason for n, r in recognised.items()}
    assert all(recognised[n].exercise == "cat_cow" for n in LABELS if n.startswith("cat_cow"))


@pytest.mark.parametrize("name, posture", [("cat_cow_side_polybag", "quadruped"), ("cat_cow_side_istock", "quadruped"),
                                           ("squat_side_istock", "standing")])
def test_frame_postures_of_real_clips(name, posture):
    labels = frame_postures(load(name))
    assert labels.shape == (len(load(name)),)
    assert np.mean(labels == posture) > 0.6


def test_a_wall_sit_reads_seated_which_fits_a_standing_exercise():
    labels = frame_postures(load("wall_sit_oblique_leapfitness"))
    assert np.mean(labels == "seated") > 0.8
    assert "seated" in fitting_postures(get_exercise("wall_squat"))


def test_a_clip_is_never_scored_with_a_spec_of_another_posture():
    # Only the lying specs to choose from: a squat shows none of their postures.
    lying = {n: s for n, s in EXERCISES.items() if s.posture_signal == "trunk_from_horizontal_deg"}
    rec = recognise(load("squat_side_istock"), lying)
    assert rec.exercise == UNKNOWN
    assert "no exercise's movement found" in rec.reason


def test_two_specs_that_fit_equally_make_the_clip_unknown():
    squat = get_exercise("wall_squat")
    twin = replace(squat, name="wall_squat_twin")
    rec = recognise(load("squat_side_istock"), {squat.name: squat, twin.name: twin})
    assert rec.exercise == UNKNOWN and rec.confidence == 0.0
    assert rec.reason.startswith("fits wall_squat") and "about as well" in rec.reason


def test_nobody_in_the_picture_is_unknown():
    seq = load("squat_side_istock")
    empty = PoseSequence(seq.t_s, np.full_like(seq.xyz, np.nan), seq.world_xyz, np.zeros_like(seq.visibility),
                         seq.back_profile, seq.image_size)
    rec = recognise(empty)
    assert (rec.exercise, rec.confidence) == (UNKNOWN, 0.0)


def test_rows_carry_the_confidence_in_the_last_csv_column():
    # angle_confidence (issue 13) came after it and is the last column now.
    assert CSV_COLUMNS[-2:] == ("exercise_confidence", "angle_confidence")
    row = to_row(ClipResult("a.mp4", UNKNOWN, error="a.mp4: exercise not recognised: x", exercise_confidence=0.25))
    assert row["exercise_confidence"] == 0.25
    assert to_csv_line(ClipResult("a.mp4", "cat_cow", exercise_confidence=0.8)).rstrip().endswith(",0.8,")
    assert to_row(ClipResult("a.mp4", "cat_cow"))["exercise_confidence"] is None  # the exercise was named
