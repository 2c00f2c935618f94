"""The words match the specs: every fault code and exercise has its wording, and no wording is left for nothing."""

import re

import pytest

from exercises.registry import EXERCISES
from exercises.setup import POSTURES, SETUP_STATUSES
from feedback.wording import HOW_TO, SETUP_WORDING, WORDING, setup_instruction

SPEC_CODES = sorted({code for spec in EXERCISES.values() for code in spec.fault_codes})


@pytest.mark.parametrize("code", SPEC_CODES)
def test_every_fault_code_has_patient_and_therapist_wording(code):
    wording = WORDING.get(code)
    assert wording is not None, f"{code} has no entry in feedback.wording.WORDING"
    assert wording.cue.strip() and wording.description.strip()
    # A cue is said to the patient: a sentence, never the code itself.
    assert wording.cue != code and wording.description != code
    assert wording.cue.endswith(".") and wording.description.endswith(".")


@pytest.mark.parametrize("code", SPEC_CODES)
def test_thresholds_a_description_names_exist_in_a_spec_with_that_fault(code):
    # The therapist reads the threshold's name to find what to change for a patient; a renamed one misleads.
    named = set(re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+_(?:deg|ratio|s|flag|hz|px)\b", WORDING[code].description))
    known = {t for spec in EXERCISES.values() if code in spec.fault_codes for t in spec.thresholds}
    assert named <= known, f"{code}'s description names {sorted(named - known)}, in no spec that has {code}"


def test_no_wording_for_a_code_no_spec_has():
    assert sorted(WORDING) == SPEC_CODES


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_every_exercise_has_a_how_to(name):
    steps = HOW_TO.get(name)
    assert steps, f"{name} has no entry in feedback.wording.HOW_TO"
    assert all(step.strip() for step in steps)


def test_no_how_to_for_an_exercise_that_is_not_registered():
    assert sorted(HOW_TO) == sorted(EXERCISES)


def test_setup_wording_covers_every_status_and_names_only_known_postures_and_exercises():
    general = {key for key in SETUP_WORDING if ":" not in key}
    assert general == set(SETUP_STATUSES)
    for key in SETUP_WORDING.keys() - general:
        status, where = key.split(":")  # a posture's line, or one exercise's own (walking)
        assert status in SETUP_STATUSES, key
        assert where in POSTURES.names() or where in EXERCISES, key


@pytest.mark.parametrize("posture", ["supine", "prone", "side_lying", "quadruped", "seated"])
def test_on_the_floor_or_a_chair_the_camera_moves_not_the_person(posture):
    # "Move back" or "come closer" asks someone lying on a mat to get up: there the camera is what moves.
    for code in ("too_close_feet_cut", "head_cut", "too_close", "off_centre", "too_far", "not_side_view"):
        words = setup_instruction(code, posture)
        assert "camera" in words, (code, posture, words)
        assert not words.startswith(("Move back", "Come ", "Step ")), (code, posture, words)
