"""Exercises by name: the built-in specs (Python modules in exercises/specs) and spec files (TOML).

Spec files are read from exercises/specs/*.toml and from the folders in $FORMCHECK_EXERCISES_DIR (os.pathsep
between several) when this module is imported, so worker processes, which inherit the environment, see the same
exercises. A file that cannot be used is left out and its one-line error kept in SPEC_FILE_ERRORS.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from exercises.names import look_up
from exercises.spec import ExerciseSpec
from exercises.spec_files import ExerciseWording, load_spec_folder
from exercises.specs.back_extension import BACK_EXTENSION
from exercises.specs.bird_dog import BIRD_DOG
from exercises.specs.calf_stretch import CALF_STRETCH
from exercises.specs.cat_cow import CAT_COW
from exercises.specs.figure_four_stretch import FIGURE_FOUR_STRETCH
from exercises.specs.hip_flexor_stretch import HIP_FLEXOR_STRETCH
from exercises.specs.knee_to_chest import KNEE_TO_CHEST
from exercises.specs.lower_trunk_rotation import LOWER_TRUNK_ROTATION
from exercises.specs.nerve_glide import NERVE_GLIDE
from exercises.specs.open_book import OPEN_BOOK
from exercises.specs.pelvic_tilt import PELVIC_TILT
from exercises.specs.prone_on_elbows import PRONE_ON_ELBOWS
from exercises.specs.prone_press_up import PRONE_PRESS_UP
from exercises.specs.seated_knee_extension import SEATED_KNEE_EXTENSION
from exercises.specs.single_leg_stance import SINGLE_LEG_STANCE
from exercises.specs.walk import WALK
from exercises.specs.wall_squat import WALL_SQUAT

EXERCISES: dict[str, ExerciseSpec] = {
    s.name: s for s in (WALL_SQUAT, NERVE_GLIDE, CAT_COW, PRONE_PRESS_UP, KNEE_TO_CHEST, SINGLE_LEG_STANCE, WALK)
}
# Added one per line, so engineers adding exercises at once do not edit the same line.
EXERCISES[PRONE_ON_ELBOWS.name] = PRONE_ON_ELBOWS
EXERCISES[BIRD_DOG.name] = BIRD_DOG
EXERCISES[OPEN_BOOK.name] = OPEN_BOOK
EXERCISES[SEATED_KNEE_EXTENSION.name] = SEATED_KNEE_EXTENSION
EXERCISES[PELVIC_TILT.name] = PELVIC_TILT
EXERCISES[LOWER_TRUNK_ROTATION.name] = LOWER_TRUNK_ROTATION
EXERCISES[FIGURE_FOUR_STRETCH.name] = FIGURE_FOUR_STRETCH
EXERCISES[HIP_FLEXOR_STRETCH.name] = HIP_FLEXOR_STRETCH
EXERCISES[CALF_STRETCH.name] = CALF_STRETCH
EXERCISES[BACK_EXTENSION.name] = BACK_EXTENSION


def get_exercise(name: str) -> ExerciseSpec:
    """The spec registered under `name`.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    return look_up(EXERCISES, name, "exercise")


EXERCISES_DIR_ENV = "FORMCHECK_EXERCISES_DIR"
_SPEC_FILE_FOLDER = Path(__file__).parent / "specs"
# Exercises read from files: where each came from, and its words (feedback.wording has only the built-ins').
FILE_SOURCES: dict[str, str] = {}
FILE_WORDING: dict[str, ExerciseWording] = {}
# One line per spec file that could not be used (the CLI reports them and stops).
SPEC_FILE_ERRORS: list[str] = []


def exercise_source(name: str) -> str:
    """Where an exercise came from: its spec file's path, or the module that defines the built-in spec.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    spec = get_exercise(name)
    if name in FILE_SOURCES:
        return FILE_SOURCES[name]
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("exercises.specs.") and \
                any(v is spec for v in vars(module).values()):
            return module.__name__
    return "registered in code"


def load_exercise_files() -> list[str]:
    """(Re)read the spec files into EXERCISES: exercises/specs/*.toml, then each folder in $FORMCHECK_EXERCISES_DIR.

    A file whose name is taken (a built-in or an earlier file) or that fails validation is left out.

    Returns:
        The one-line errors, also kept in SPEC_FILE_ERRORS.
    """
    for name in FILE_SOURCES:
        EXERCISES.pop(name, None)
    FILE_SOURCES.clear()
    FILE_WORDING.clear()
    SPEC_FILE_ERRORS.clear()
    extra = [Path(p) for p in os.environ.get(EXERCISES_DIR_ENV, "").split(os.pathsep) if p.strip()]
    for folder in (_SPEC_FILE_FOLDER, *extra):
        files, errors = load_spec_folder(folder, {n: exercise_source(n) for n in EXERCISES})
        SPEC_FILE_ERRORS.extend(f"{e} ({EXERCISES_DIR_ENV})" if folder in extra and e.startswith(f"{folder}: no such")
                                else e for e in errors)
        for loaded in files:
            EXERCISES[loaded.spec.name] = loaded.spec
            FILE_SOURCES[loaded.spec.name] = str(loaded.path)
            FILE_WORDING[loaded.spec.name] = loaded.wording
    return list(SPEC_FILE_ERRORS)


load_exercise_files()
