"""Which spec, with which thresholds and targets, a set is scored with: the one place that decides it.

Every caller (the CLI, the review and live pages, re-scoring a saved set) asks `plan_set`. Threshold overrides
stack in this order, a later layer winning key by key:

    the exercise's defaults <- the programme item <- a --config file <- the therapist's sidebar overrides

so a live set, a reviewed clip and a re-scored set of the same patient are judged by the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from exercises.config import ConfigError, Overrides, parse_overrides
from exercises.registry import get_exercise
from exercises.spec import ExerciseSpec
from pose.landmarks import Side

_SIDES: tuple[Side, ...] = ("left", "right")


class Prescription(Protocol):
    """What `plan_set` reads of a programme item (store.repo.ItemView has these)."""

    id: int
    exercise: str
    side: str
    reps_target: int | None
    hold_target_s: float | None
    threshold_overrides: Mapping[str, float]


@dataclass(frozen=True)
class SetPlan:
    """Everything a set is scored with.

    Attributes:
        exercise: the exercise's registry name.
        spec: the exercise with every threshold override applied.
        overrides: the effective overrides (threshold -> value), as saved with the set.
        side: the working side when it is prescribed (a leg-specific exercise), else None: chosen from footage.
        reps_target: prescribed reps per set, or None.
        hold_target_s: prescribed hold in seconds, or None.
        programme_item_id: the programme item the set is done for, or None.
    """

    exercise: str
    spec: ExerciseSpec
    overrides: Mapping[str, float]
    side: Side | None = None
    reps_target: int | None = None
    hold_target_s: float | None = None
    programme_item_id: int | None = None

    @property
    def prescribed(self) -> bool:
        """True when the set is done for a programme item (its targets are the therapist's, not the patient's)."""
        return self.programme_item_id is not None


def plan_set(exercise: str, item: Prescription | None = None, config: Overrides | None = None,
             sidebar: Mapping[str, float] | None = None, side: Side | None = None) -> SetPlan:
    """Resolve the spec, thresholds, side and targets for one set of `exercise`.

    Args:
        exercise: the exercise's registry name.
        item: the programme item prescribed for this set, if any (its exercise must be `exercise`).
        config: overrides from a --config file, all exercises (only this exercise's section is used).
        sidebar: the therapist's overrides for this exercise from the review page's sidebar.
        side: the working side chosen on the page; a side prescribed by the item wins.

    Raises:
        ConfigError: an unknown exercise or threshold, or a value the spec refuses (one line, naming the layer).
    """
    spec = get_exercise(exercise)  # raises ValueError naming the valid exercises
    if item is not None and item.exercise != exercise:
        raise ConfigError(f"programme item {item.id} is for {item.exercise}, not {exercise}")
    merged: dict[str, float] = {}
    layers = (("programme", dict(item.threshold_overrides) if item is not None else {}),
              ("config", dict((config or {}).get(exercise, {}))),
              ("overrides", dict(sidebar or {})))
    for source, table in layers:
        if table:
            merged.update(parse_overrides({exercise: table}, source=source)[exercise])
    try:
        spec = spec.with_thresholds(merged) if merged else spec
    except ValueError as exc:  # each layer was valid alone; together they may contradict (e.g. min above max)
        raise ConfigError(f"overrides: {exc}") from None
    prescribed_side = item.side if item is not None and item.side in _SIDES else None
    # Only an exercise that works one leg takes its side from the prescription; for the others the side is the
    # one the camera sees, whatever leg the programme names.
    chosen = (prescribed_side or side) if spec.works_one_leg else None
    return SetPlan(exercise=exercise, spec=spec, overrides=merged, side=chosen,
                   reps_target=item.reps_target if item is not None else None,
                   hold_target_s=item.hold_target_s if item is not None and spec.hold is not None else None,
                   programme_item_id=item.id if item is not None else None)
