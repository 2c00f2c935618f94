"""Exercise specs as TOML files: every built-in survives the round trip, and bad files fail in one line naming
the file and the key."""

import tomllib

import pytest

from exercises import registry
from exercises.registry import EXERCISES, FILE_SOURCES, exercise_source, get_exercise, load_exercise_files
from exercises.spec_files import ExerciseWording, SpecFileError, load_spec_file, spec_from_dict, spec_to_toml
from feedback.wording import HOW_TO, cue, description, how_to

BUILT_IN = sorted(n for n in EXERCISES if n not in FILE_SOURCES)


def _words(spec):
    steps = HOW_TO.get(spec.name) or ("Get into position.", "Place the camera to your side.")
    return ExerciseWording({c: cue(c) for c in spec.fault_codes}, {c: description(c) for c in spec.fault_codes},
                           steps[:-1] or steps, steps[-1])


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_built_in_spec_round_trips_through_toml(name):
    # Proves the file format can say everything a Python spec says (and that files could replace them).
    spec = get_exercise(name)
    words = _words(spec)
    back, back_words = spec_from_dict(tomllib.loads(spec_to_toml(spec, words)))
    assert back == spec
    assert back_words == words


def _shallow_wall_squat_toml(name="wall_squat_shallow"):
    spec = get_exercise("wall_squat")
    text = spec_to_toml(spec, _words(spec)).replace('name = "wall_squat"', f'name = "{name}"', 1)
    return text.replace("knee_work_max_deg = 120.0", "knee_work_max_deg = 135.0")


def _write(tmp_path, text, name="wall_squat_shallow"):
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_loads_with_its_thresholds(tmp_path):
    loaded = load_spec_file(_write(tmp_path, _shallow_wall_squat_toml()))
    assert loaded.spec.name == "wall_squat_shallow"
    assert loaded.spec.t("knee_work_max_deg") == 135.0
    assert loaded.wording.cues["back_off_wall"] == cue("back_off_wall")


MINIMAL = '''
name = "{name}"
title = "Mini squat"
posture = "standing"
facing_from = "nose"
side_rule = "nearer"
posture_signal = "trunk_from_vertical_deg"
required_parts = ["shoulder", "hip", "knee", "ankle"]
signals = ["support_knee_deg", "trunk_from_vertical_deg"]

[rep]
signal = "support_knee_deg"
mode = "return_to_high"
low_max = "knee_work_max_deg"
high_min = "knee_rest_min_deg"
dwell_s = "rep_dwell_s"

[[rep_rules]]
code = "too_fast"
stat = "duration_s"
below = "rep_duration_min_s"

[faults.too_fast]
severity = "info"
cue = "Slow down."
description = "Rep too short."

[thresholds]
knee_rest_min_deg = 150.0
knee_work_max_deg = 130.0
rep_dwell_s = 0.2
rep_duration_min_s = 1.5

[wording]
how_to = ["Stand tall."]
camera = "Camera to your side."
'''


# A frame rule judged only within its own view limit (FrameRule.view_max), before the file's rep rules.
_KNEE_RULE = """[[frame_rules]]
code = "too_fast"
signal = "support_knee_deg"
below = "knee_work_max_deg"
view_max = "knee_view_max_deg"

[[rep_rules]]"""


def test_a_frame_rule_names_its_own_view_limit(tmp_path):
    text = MINIMAL.format(name="mini_squat").replace("[[rep_rules]]", _KNEE_RULE, 1)
    text = text.replace("rep_dwell_s = 0.2", "rep_dwell_s = 0.2\nknee_view_max_deg = 60.0", 1)
    spec = load_spec_file(_write(tmp_path, text, "mini_squat")).spec
    assert spec.frame_rules[0].view_max == "knee_view_max_deg" and spec.t("knee_view_max_deg") == 60.0


@pytest.mark.parametrize("change, error", [
    (None, None),
    (("TOML", "not TOML ["), "not valid TOML"),
    (('signals = ["support_knee_deg", "trunk_from_vertical_deg"]',
      'signals = ["support_knee_deg", "knee_wobble_deg", "trunk_from_vertical_deg"]'),
     "signals[1] 'knee_wobble_deg' is not a known signal; expected one of"),
    (("rep_duration_min_s = 1.5", "rep_duration_min_s = 1.5\nrep_duration_min = 2"),
     "thresholds.rep_duration_min: the name must end in its unit"),
    (('below = "rep_duration_min_s"', 'below = "rep_time_min_s"'),
     "rep_rules[0].below: threshold 'rep_time_min_s' is not defined in [thresholds]"),
    (('dwell_s = "rep_dwell_s"', 'dwell_s = "rep_dwell_s"\nwobble = 1'), "rep.wobble: unknown key"),
    (('mode = "return_to_high"\n', ""), "rep.mode: missing"),
    (('mode = "return_to_high"', 'mode = "up_and_down"'), "rep.mode 'up_and_down' is not a known rep mode"),
    (('severity = "info"', 'severity = "loud"'), "faults[0].severity 'loud' is not a known severity"),
    (('cue = "Slow down."\n', ""), "faults.too_fast.cue: expected a sentence"),
    (('camera = "Camera to your side."\n', ""), "wording.camera: expected a sentence"),
    (('rep_dwell_s = 0.2', 'rep_dwell_s = "short"'), "thresholds.rep_dwell_s: expected a number"),
    (('knee_work_max_deg = 130.0', 'knee_work_max_deg = 160.0'),
     "knee_work_max_deg (160.0) must be below knee_rest_min_deg (150.0)"),
    (('title = "Mini squat"', 'title = "Mini squat"\ncolour = "red"'), "colour: unknown key"),
    (('title = "Mini squat"', 'title = "Mini squat"\nform_view_max = "form_view_max_deg"'),
     "form_view_max: threshold 'form_view_max_deg' is not defined in [thresholds]"),
    (("[[rep_rules]]", _KNEE_RULE),
     "frame_rules[0].view_max: threshold 'knee_view_max_deg' is not defined in [thresholds]"),
])
def test_bad_files_give_one_line_naming_the_file_and_the_key(tmp_path, change, error):
    text = MINIMAL.format(name="mini_squat")
    if change == ("TOML", "not TOML ["):
        text = "not TOML ["
    elif change:
        assert change[0] in text
        text = text.replace(change[0], change[1], 1)
    path = _write(tmp_path, text, "mini_squat")
    if error is None:
        assert load_spec_file(path).spec.name == "mini_squat"
        return
    with pytest.raises(SpecFileError) as caught:
        load_spec_file(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert error in message


@pytest.fixture
def exercises_dir(tmp_path, monkeypatch):
    """A folder in $FORMCHECK_EXERCISES_DIR, read into the registry; the registry is restored afterwards."""
    folder = tmp_path / "exercises"
    folder.mkdir()
    monkeypatch.setenv(registry.EXERCISES_DIR_ENV, str(folder))
    yield folder
    monkeypatch.delenv(registry.EXERCISES_DIR_ENV)
    load_exercise_files()


def test_files_in_the_folder_are_registered_with_their_source_and_words(exercises_dir):
    path = _write(exercises_dir, MINIMAL.format(name="mini_squat"), "mini_squat")
    assert load_exercise_files() == []
    assert get_exercise("mini_squat").t("knee_work_max_deg") == 130.0
    assert exercise_source("mini_squat") == str(path)
    assert exercise_source("wall_squat") == "exercises.specs.wall_squat"
    assert how_to("mini_squat") == ("Stand tall.", "Camera to your side.")
    assert cue("too_fast", "mini_squat") == "Slow down."
    assert cue("too_fast") == cue("too_fast", "wall_squat") != "Slow down."  # the built-in words stay


def test_a_file_may_not_take_a_built_in_name_and_a_bad_file_is_left_out(exercises_dir):
    clash = _write(exercises_dir, MINIMAL.format(name="wall_squat"), "wall_squat")
    bad = _write(exercises_dir, MINIMAL.format(name="mini_squat").replace("[rep]", "[rep"), "mini_squat")
    errors = load_exercise_files()
    assert errors == [f"{bad}: not valid TOML" + errors[0].split("not valid TOML", 1)[1],
                      f"{clash}: name: 'wall_squat' is already an exercise (from exercises.specs.wall_squat)"]
    assert "mini_squat" not in EXERCISES
    assert get_exercise("wall_squat").title == "Wall squat / wall sit"


def test_a_missing_folder_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv(registry.EXERCISES_DIR_ENV, str(tmp_path / "nowhere"))
    try:
        assert load_exercise_files() == [f"{tmp_path / 'nowhere'}: no such folder (FORMCHECK_EXERCISES_DIR)"]
    finally:
        monkeypatch.delenv(registry.EXERCISES_DIR_ENV)
        load_exercise_files()


def test_a_file_naming_a_side_rule_gets_that_rules_thresholds_and_may_set_them(tmp_path):
    # A clinic's lying one-leg exercise names the raised-knee rule without restating its thresholds.
    text = MINIMAL.format(name="mini_lift").replace('side_rule = "nearer"', 'side_rule = "raised_knee"')
    spec = load_spec_file(_write(tmp_path, text, "mini_lift")).spec
    assert spec.works_one_leg
    assert spec.t("raised_knee_above_min_ratio") == get_exercise("nerve_glide").t("raised_knee_above_min_ratio")
    text = text.replace("[thresholds]", "[thresholds]\nraised_knee_above_min_ratio = 0.3")
    assert load_spec_file(_write(tmp_path, text, "mini_lift")).spec.t("raised_knee_above_min_ratio") == 0.3
