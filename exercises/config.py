"""Per-patient threshold overrides from a TOML file, validated against the specs.

[nerve_glide]
knee_extension_target_deg = 150

[wall_squat]
hold_min_s = 5
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from exercises.registry import EXERCISES, get_exercise
from exercises.spec import ExerciseSpec

Overrides = dict[str, dict[str, float]]


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message is one line for the user."""


def parse_overrides(data: Mapping[str, object], source: str = "config") -> Overrides:
    """Check a mapping of exercise -> {threshold: value} against the specs.

    Raises:
        ConfigError: naming the section, key and what was expected.
    """
    out: Overrides = {}
    for section, table in data.items():
        if section not in EXERCISES:
            raise ConfigError(f"{source}: unknown exercise [{section}]; expected one of {', '.join(EXERCISES)}")
        if not isinstance(table, Mapping):
            raise ConfigError(f"{source}: [{section}] must be a table of threshold = number")
        for key, value in table.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{source}: [{section}] {key} must be a number, got {value!r}")
        try:
            get_exercise(section).with_thresholds(dict(table))
        except ValueError as exc:
            raise ConfigError(f"{source}: {exc}") from None
        out[section] = {k: float(v) for k, v in table.items()}
    return out


def load_overrides(path: Path) -> Overrides:
    """Read and validate a TOML overrides file.

    Raises:
        ConfigError: if the file is missing, not TOML, or names unknown exercises or thresholds.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    return parse_overrides(data, str(path))


def spec_for(name: str, overrides: Overrides | None = None) -> ExerciseSpec:
    """The named spec with any overrides for it applied."""
    spec = get_exercise(name)
    extra = (overrides or {}).get(name)
    return spec.with_thresholds(extra) if extra else spec
