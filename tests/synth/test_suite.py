"""The generated suite covers the required combinations, deterministically."""

import pytest

from synth.script import FAULT_CODES
from synth.suite import sample_specs, suite_specs


@pytest.fixture(scope="module")
def specs():
    return suite_specs(n_per_exercise=8, seed=0)


def test_suite_is_deterministic(specs):
    assert suite_specs(n_per_exercise=8, seed=0) == specs
    assert suite_specs(n_per_exercise=8, seed=1) != specs


def test_suite_covers_required_combinations(specs):
    exercises = {s.script.compile().exercise for s in specs}
    assert exercises == set(FAULT_CODES)
    for exercise in FAULT_CODES:
        mine = [s for s in specs if s.script.compile().exercise == exercise]
        assert {s.facing for s in mine} == {"left", "right"}
        scripted = {f.code for s in mine for f in s.script.faults}
        assert scripted == set(FAULT_CODES[exercise])
        assert any(not s.script.faults for s in mine)
    assert len({s.body for s in specs}) >= 3
    assert len({s.fps for s in specs}) >= 3
    assert len({(s.width, s.height) for s in specs}) >= 3
    assert any(s.height > s.width for s in specs)
    assert any(s.script.compile().holds for s in specs if s.name.startswith("wall_squat"))
    assert len({s.name for s in specs}) == len(specs)


def test_suite_needs_room_for_every_fault():
    with pytest.raises(ValueError, match="n_per_exercise"):
        suite_specs(n_per_exercise=3)


def test_samples_are_short_vga_30fps_and_cover_the_brief():
    samples = sample_specs()
    sessions = {s.name: s.script.compile() for s in samples}
    assert all((s.width, s.height, s.fps) == (640, 480, 30.0) for s in samples)
    # At a clinic's slow tempo the clips run 10-30 s; the five stay a few MB together.
    assert all(10.0 <= ses.duration_s <= 30.0 for ses in sessions.values())
    assert sessions["wall_squat_5_reps"].expected["reps"] == 5
    assert sessions["wall_sit_hold_10s"].expected["hold_s"] == pytest.approx(10.0)
    glide = next(s for s in samples if s.name.startswith("nerve_glide"))
    assert glide.working_side == "right" and sessions[glide.name].expected["reps"] == 6
    assert sessions["cat_cow_4_cycles"].expected["reps"] == 4
    assert sessions["wall_squat_back_off_wall_rep3"].reps[2].faults == ("back_off_wall",)
