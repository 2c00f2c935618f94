"""Exercise specs written as TOML files, for exercises a clinic adds without code (only existing signals).

A file maps field for field onto exercises.spec.ExerciseSpec, and carries the exercise's words too, since the
feedback layer's tables (feedback.wording) know only the built-in exercises:

    name = "wall_squat_shallow"
    title = "Shallow wall squat"
    posture = "standing"                 # exercises.setup.POSTURES
    facing_from = "nose"                 # exercises.body.FACING_RULES
    side_rule = "nearer"                 # exercises.side.SIDE_RULES
    posture_signal = "trunk_from_vertical_deg"
    required_parts = ["shoulder", "hip", "knee", "ankle"]
    signals = ["support_knee_deg", "trunk_lean_deg", "trunk_from_vertical_deg"]   # the rep signal first

    [rep]                                # exercises.spec.RepSpec; each value but signal/mode/*_fault names a threshold
    signal = "support_knee_deg"
    mode = "return_to_high"
    low_max = "knee_work_max_deg"
    high_min = "knee_rest_min_deg"
    dwell_s = "rep_dwell_s"

    [hold]                               # optional: exercises.spec.HoldSpec
    ...

    [[frame_rules]]                      # exercises.spec.FrameRule, one table each
    code = "back_off_wall"
    signal = "trunk_lean_deg"
    above = "trunk_lean_max_deg"

    [[rep_rules]]                        # exercises.spec.RepRule
    code = "too_fast"
    stat = "duration_s"
    below = "rep_duration_min_s"

    [faults.back_off_wall]               # every code the rules name, in order, with its severity and words
    severity = "warn"
    cue = "Keep your back against the wall."
    description = "Trunk tipped away from the wall."

    [thresholds]                         # unit in every name; exercises.spec.COMMON_THRESHOLDS are added (and
                                         # exercises.side.SIDE_RULE_THRESHOLDS for the side rule)
    knee_work_max_deg = 130.0

    [wording]
    how_to = ["Stand with your back flat against a wall.", "..."]
    camera = "Place the camera to your side, about hip height, 2 to 3 metres away."

Fields are read generically from the dataclasses, so a field added to a spec class is a key here at once.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from exercises.side import SIDE_RULE_THRESHOLDS
from exercises.spec import (
    COMMON_THRESHOLDS,
    THRESHOLD_UNITS,
    ExerciseSpec,
    FaultInfo,
    FrameRule,
    HoldSpec,
    RepRule,
    RepSpec,
)

SPEC_FILE_SUFFIX = ".toml"
# Fields of the rule classes that hold something other than a threshold's name.
_NOT_THRESHOLD_FIELDS = frozenset({"signal", "mode", "code", "stat", "during", "end_hold_fault", "partial_fault",
                                   "unseen_end_signal"})
# ExerciseSpec fields written as their own tables or arrays of tables rather than as plain keys.
_NESTED = {"rep": RepSpec, "hold": HoldSpec, "frame_rules": FrameRule, "rep_rules": RepRule}
_WORDING_KEYS = ("how_to", "camera")


class SpecFileError(ValueError):
    """A spec file that cannot be used; the message is one line naming the file and the key."""


@dataclass(frozen=True)
class ExerciseWording:
    """An exercise's words, for exercises whose words are not in feedback.wording (those written as files).

    Attributes:
        cues: fault code -> the calm, one-cue sentence the patient hears.
        descriptions: fault code -> the therapist's precise description.
        how_to: the steps into the exercise, said before the camera starts.
        camera: where to put the camera (the view the exercise needs).
    """

    cues: Mapping[str, str]
    descriptions: Mapping[str, str]
    how_to: tuple[str, ...]
    camera: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "cues", MappingProxyType(dict(self.cues)))
        object.__setattr__(self, "descriptions", MappingProxyType(dict(self.descriptions)))


@dataclass(frozen=True)
class SpecFile:
    """One exercise read from a file: the spec, its words and where it came from."""

    spec: ExerciseSpec
    wording: ExerciseWording
    path: Path = field(compare=False)


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _optional(hint: Any) -> tuple[Any, bool]:
    """(the hint without None, whether None is allowed)."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return rest[0], True
    return hint, False


def _convert(value: Any, hint: Any, key: str) -> Any:
    """A TOML value as the dataclass field typed `hint` wants it (arrays become tuples)."""
    hint, _ = _optional(hint)
    origin = typing.get_origin(hint)
    if origin is tuple:
        if not isinstance(value, list):
            raise SpecFileError(f"{key}: expected an array, got {value!r}")
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(v, args[0], f"{key}[{i}]") for i, v in enumerate(value))
        if len(value) != len(args):
            raise SpecFileError(f"{key}: expected an array of {len(args)}, got {value!r}")
        return tuple(_convert(v, a, f"{key}[{i}]") for i, (v, a) in enumerate(zip(value, args)))
    if hint is str or origin is typing.Literal:
        if not isinstance(value, str):
            raise SpecFileError(f"{key}: expected a string, got {value!r}")
        return value
    return value


def _build(cls: type, table: Any, key: str) -> Any:
    """A dataclass from a TOML table, naming the key of an unknown, missing or mistyped field."""
    if not isinstance(table, Mapping):
        raise SpecFileError(f"{key}: expected a table, got {table!r}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = _hints(cls)
    unknown = [k for k in table if k not in fields]
    if unknown:
        raise SpecFileError(f"{key}.{unknown[0]}: unknown key; expected some of {', '.join(fields)}")
    kwargs = {}
    for name, f in fields.items():
        if name in table:
            kwargs[name] = _convert(table[name], hints[name], f"{key}.{name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise SpecFileError(f"{key}.{name}: missing")
    return cls(**kwargs)


def _threshold_refs(obj: Any, key: str) -> list[tuple[str, str]]:
    """(key, threshold name) for every field of a rule that names a threshold."""
    out = []
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.name in _NOT_THRESHOLD_FIELDS or value is None:
            continue
        names = value if isinstance(value, tuple) else (value,)
        out += [(f"{key}.{f.name}", n) for n in names if isinstance(n, str)]
    return out


def _check_thresholds(thresholds: Any) -> dict[str, float]:
    if not isinstance(thresholds, Mapping):
        raise SpecFileError(f"thresholds: expected a table, got {thresholds!r}")
    for name, value in thresholds.items():
        if not name.endswith(THRESHOLD_UNITS):
            raise SpecFileError(f"thresholds.{name}: the name must end in its unit ({', '.join(THRESHOLD_UNITS)})")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            raise SpecFileError(f"thresholds.{name}: expected a number, got {value!r}")
    return dict(thresholds)


def _wording(data: Mapping[str, Any], faults: Mapping[str, Any]) -> ExerciseWording:
    table = data.get("wording")
    if not isinstance(table, Mapping):
        raise SpecFileError("wording: missing (a table with how_to = [steps] and camera = \"...\")")
    unknown = [k for k in table if k not in _WORDING_KEYS]
    if unknown:
        raise SpecFileError(f"wording.{unknown[0]}: unknown key; expected some of {', '.join(_WORDING_KEYS)}")
    steps = table.get("how_to")
    if not isinstance(steps, list) or not steps or not all(isinstance(s, str) and s.strip() for s in steps):
        raise SpecFileError("wording.how_to: expected an array of one or more sentences")
    camera = table.get("camera")
    if not isinstance(camera, str) or not camera.strip():
        raise SpecFileError("wording.camera: expected a sentence saying where the camera goes")
    cues, descriptions = {}, {}
    for code, fault in faults.items():
        for word, out in (("cue", cues), ("description", descriptions)):
            text = fault.get(word)
            if not isinstance(text, str) or not text.strip():
                raise SpecFileError(f"faults.{code}.{word}: expected a sentence")
            out[code] = text
    return ExerciseWording(cues, descriptions, tuple(steps), camera)


def spec_from_dict(data: Mapping[str, Any]) -> tuple[ExerciseSpec, ExerciseWording]:
    """The spec and words a parsed TOML document describes.

    Raises:
        SpecFileError: one line naming the key and what was expected.
    """
    defaults = {f.name for f in dataclasses.fields(ExerciseSpec)
                if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING}
    fields = {f.name for f in dataclasses.fields(ExerciseSpec)}
    allowed = fields | {"wording"}
    unknown = [k for k in data if k not in allowed]
    if unknown:
        raise SpecFileError(f"{unknown[0]}: unknown key; expected some of {', '.join(sorted(allowed))}")
    faults = data.get("faults")
    if not isinstance(faults, Mapping) or not faults:
        raise SpecFileError("faults: missing (one table per fault code: [faults.CODE] with severity, cue, "
                            "description)")
    for code, fault in faults.items():
        if not isinstance(fault, Mapping):
            raise SpecFileError(f"faults.{code}: expected a table with severity, cue and description")
        extra = [k for k in fault if k not in ("severity", "cue", "description")]
        if extra:
            raise SpecFileError(f"faults.{code}.{extra[0]}: unknown key; expected severity, cue, description")
    infos = tuple(_build(FaultInfo, {"code": c, **({"severity": f["severity"]} if "severity" in f else {})},
                         f"faults.{c}") for c, f in faults.items())
    # The side rule's own thresholds come with it, as the common ones do; the file may set either.
    side_rule = data.get("side_rule")
    rule_defaults = SIDE_RULE_THRESHOLDS.get(side_rule, {}) if isinstance(side_rule, str) else {}
    thresholds = {**COMMON_THRESHOLDS, **rule_defaults, **_check_thresholds(data.get("thresholds", {}))}
    hints = _hints(ExerciseSpec)
    kwargs: dict[str, Any] = {"faults": infos, "thresholds": thresholds}
    for name in fields - {"faults", "thresholds"}:
        if name not in data:
            if name == "hold":
                kwargs[name] = None
            elif name in ("frame_rules", "rep_rules"):
                kwargs[name] = ()
            elif name not in defaults:
                raise SpecFileError(f"{name}: missing")
            continue
        value = data[name]
        if name in ("frame_rules", "rep_rules"):
            if not isinstance(value, list):
                raise SpecFileError(f"{name}: expected an array of tables ([[{name}]])")
            kwargs[name] = tuple(_build(_NESTED[name], v, f"{name}[{i}]") for i, v in enumerate(value))
        elif name in _NESTED:
            kwargs[name] = _build(_NESTED[name], value, name)
        else:
            kwargs[name] = _convert(value, hints[name], name)
    refs = _threshold_refs(kwargs["rep"], "rep")
    refs += _threshold_refs(kwargs["hold"], "hold") if kwargs["hold"] else []
    for group in ("frame_rules", "rep_rules"):
        for i, rule in enumerate(kwargs[group]):
            refs += _threshold_refs(rule, f"{group}[{i}]")
    if kwargs.get("form_view_max"):
        refs.append(("form_view_max", kwargs["form_view_max"]))
    for key, name in refs:
        if name not in thresholds:
            raise SpecFileError(f"{key}: threshold {name!r} is not defined in [thresholds]")
    try:
        spec = ExerciseSpec(**kwargs)
    except (ValueError, TypeError) as exc:
        raise SpecFileError(str(exc)) from None
    return spec, _wording(data, faults)


def load_spec_file(path: Path) -> SpecFile:
    """Read and validate one spec file.

    Raises:
        SpecFileError: one line, starting with the file's path.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        spec, wording = spec_from_dict(data)
    except SpecFileError as exc:
        raise SpecFileError(f"{path}: {exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecFileError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise SpecFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if spec.name != path.stem:
        # One name per file, found by its file name: two files cannot silently claim one exercise.
        raise SpecFileError(f"{path}: name: {spec.name!r} must match the file name ({path.stem!r})")
    return SpecFile(spec, wording, path)


def load_spec_folder(folder: Path, taken: Mapping[str, str]) -> tuple[list[SpecFile], list[str]]:
    """Every `*.toml` spec in a folder (not recursively), sorted by file name, and a line for each bad one.

    Args:
        folder: the folder to read.
        taken: names already registered -> where they came from; a file claiming one is an error.

    Returns:
        (the specs read, one error line per file that could not be used or a missing folder).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return [], [f"{folder}: no such folder"]
    out, errors = [], []
    seen = dict(taken)
    for path in sorted(folder.glob(f"*{SPEC_FILE_SUFFIX}")):
        try:
            loaded = load_spec_file(path)
        except SpecFileError as exc:
            errors.append(str(exc))
            continue
        name = loaded.spec.name
        if name in seen:
            errors.append(f"{path}: name: {name!r} is already an exercise (from {seen[name]})")
            continue
        seen[name] = str(path)
        out.append(loaded)
    return out, errors


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def _table_lines(obj: Any, skip: tuple[str, ...] = ()) -> list[str]:
    """`key = value` lines of a dataclass's fields that differ from their defaults."""
    lines = []
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.name in skip or (f.default is not dataclasses.MISSING and value == f.default):
            continue
        lines.append(f"{f.name} = {_toml_value(value)}")
    return lines


def spec_to_toml(spec: ExerciseSpec, wording: ExerciseWording) -> str:
    """The TOML text of a spec and its words; `spec_from_dict(tomllib.loads(text))` gives both back."""
    lines = _table_lines(spec, skip=("faults", "thresholds", *_NESTED))
    lines += ["", "[rep]", *_table_lines(spec.rep)]
    if spec.hold:
        lines += ["", "[hold]", *_table_lines(spec.hold)]
    for group in ("frame_rules", "rep_rules"):
        for rule in getattr(spec, group):
            lines += ["", f"[[{group}]]", *_table_lines(rule)]
    for f in spec.faults:
        lines += ["", f"[faults.{f.code}]", *_table_lines(f, skip=("code",)),
                  f"cue = {_toml_value(wording.cues[f.code])}",
                  f"description = {_toml_value(wording.descriptions[f.code])}"]
    lines += ["", "[thresholds]", *(f"{k} = {_toml_value(v)}" for k, v in spec.thresholds.items())]
    lines += ["", "[wording]", f"how_to = {_toml_value(wording.how_to)}", f"camera = {_toml_value(wording.camera)}"]
    return "\n".join(lines) + "\n"
