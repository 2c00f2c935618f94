"""`formcheck exercises`: every registered exercise, where it came from, its faults and thresholds."""

from __future__ import annotations

import json
from typing import Any

from exercises.registry import EXERCISES, FILE_SOURCES, exercise_source
from feedback.wording import cue, description, known_limit


def exercises_data() -> list[dict[str, Any]]:
    """One entry per registered exercise, in registry order (built-ins first, then spec files)."""
    return [
        {"name": s.name, "title": s.title, "posture": s.posture,
         "source": exercise_source(s.name), "kind": "file" if s.name in FILE_SOURCES else "built-in",
         "counts": "reps and holds" if s.hold else "reps",
         "faults": [{"code": f.code, "severity": f.severity, "cue": cue(f.code, s.name),
                     "description": description(f.code, s.name)} for f in s.faults],
         "thresholds": dict(s.thresholds), "known_limit": known_limit(s.name)}
        for s in EXERCISES.values()
    ]


def print_exercises(as_json: bool) -> None:
    """Print the list: JSON (everything), or one block per exercise for people."""
    data = exercises_data()
    if as_json:
        print(json.dumps(data, indent=2))
        return
    for ex in data:
        print(f"{ex['name']}: {ex['title']} ({ex['posture']}; {ex['counts']}) from {ex['source']}")
        for f in ex["faults"]:
            print(f"  {f['code']:<28} {f['severity']:<5} {f['description']}")
        if ex["known_limit"]:
            print(f"  known limit: {ex['known_limit']}")
