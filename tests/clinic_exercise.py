"""A clinic's own exercise as a spec file: a shallow wall squat, written as a clinic would (tests share it)."""

from __future__ import annotations

from exercises.registry import get_exercise
from exercises.spec_files import ExerciseWording, spec_to_toml

NAME = "shallow_wall_squat"


def shallow_wall_squat() -> tuple[str, ExerciseWording]:
    """A wall-squat variant for a patient who may only bend to 135 degrees: its TOML text, and the wording in it."""
    spec = get_exercise("wall_squat")
    words = ExerciseWording({c: "Keep going gently." for c in spec.fault_codes},
                            {c: f"{c} (shallow wall squat)." for c in spec.fault_codes},
                            ("Stand with your back on a wall.", "Slide down a little, then up."),
                            "Place the camera to your side, at hip height.")
    text = spec_to_toml(spec, words).replace('name = "wall_squat"', f'name = "{NAME}"', 1)
    text = text.replace('title = "Wall squat / wall sit"', 'title = "Shallow wall squat"', 1)
    return text.replace("knee_work_max_deg = 120.0", "knee_work_max_deg = 135.0", 1), words
