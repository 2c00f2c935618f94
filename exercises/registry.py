"""Exercises by name."""

from __future__ import annotations

from exercises.names import look_up
from exercises.spec import ExerciseSpec
from exercises.specs.cat_cow import CAT_COW
from exercises.specs.nerve_glide import NERVE_GLIDE
from exercises.specs.wall_squat import WALL_SQUAT

EXERCISES: dict[str, ExerciseSpec] = {s.name: s for s in (WALL_SQUAT, NERVE_GLIDE, CAT_COW)}


def get_exercise(name: str) -> ExerciseSpec:
    """The spec registered under `name`.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    return look_up(EXERCISES, name, "exercise")
