"""Threshold names are a contract: patients' programme items store limits by name (per-patient thresholds).

A name dropped or renamed would make every stored limit under it refused as unknown when that patient's set is scored
(ExerciseSpec.with_thresholds). `threshold_names.json` lists the names as they were; new ones may be added freely. A
name may leave it only with a migration of the stored items that used it.
"""

import json
from pathlib import Path

import pytest

from exercises.registry import EXERCISES

KNOWN = json.loads((Path(__file__).with_name("threshold_names.json")).read_text())


@pytest.mark.parametrize("exercise", sorted(KNOWN))
def test_every_threshold_name_a_patient_may_have_stored_is_still_accepted(exercise):
    assert exercise in EXERCISES, f"{exercise} is gone; patients' programme items may name it"
    missing = set(KNOWN[exercise]) - set(EXERCISES[exercise].thresholds)
    assert not missing, f"{exercise}: stored limits under {sorted(missing)} would be refused"


def test_a_stored_limit_under_a_known_name_is_applied():
    press = EXERCISES["prone_press_up"].with_thresholds({"thigh_rise_max_deg": 25.0})
    assert press.t("thigh_rise_max_deg") == 25.0
