import pytest

from exercises.config import ConfigError, load_overrides, parse_overrides, spec_for


def test_overrides_apply_to_their_exercise_only(tmp_path):
    cfg = tmp_path / "patient.toml"
    cfg.write_text("[nerve_glide]\nknee_extension_target_deg = 150\n\n[wall_squat]\nhold_min_s = 5\n")
    o = load_overrides(cfg)
    assert spec_for("nerve_glide", o).t("knee_extension_target_deg") == 150
    assert spec_for("wall_squat", o).t("hold_min_s") == 5
    assert spec_for("cat_cow", o).t("rep_dwell_s") == spec_for("cat_cow").t("rep_dwell_s")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"squat": {}}, "unknown exercise"),
        ({"wall_squat": {"knee_min": 3}}, "unknown threshold"),
        ({"wall_squat": {"hold_min_s": "long"}}, "must be a number"),
        ({"wall_squat": {"hold_min_s": True}}, "must be a number"),
        ({"wall_squat": {"knee_work_max_deg": 170}}, "must be below"),
        ({"wall_squat": 3}, "must be a table"),
        ({"nerve_glide": {"dorsiflexion_required_flag": 2}}, "0 or 1"),
    ],
)
def test_bad_overrides_say_what_is_wrong(data, message):
    with pytest.raises(ConfigError, match=message):
        parse_overrides(data)


@pytest.mark.parametrize("text, message", [("[wall_squat\n", "not valid TOML"), (None, "no such file")])
def test_bad_config_files(tmp_path, text, message):
    path = tmp_path / "c.toml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_overrides(path)
