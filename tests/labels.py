"""How a scored clip is compared with its label (the issue's acceptance rule)."""

from __future__ import annotations

# Reps: certain labels exact, uncertain within 1. Holds: certain within 2 s, uncertain within 4 s.
REP_TOLERANCE = {"yes": 0, "no": 1}
HOLD_TOLERANCE_S = {"yes": 2.0, "no": 4.0}


def label_number(text: str) -> float | None:
    """A label cell as a number, or None when the label is blank."""
    text = (text or "").strip().rstrip("?")
    return float(text) if text else None


def check_against_label(row: dict[str, str], reps: int, hold_s: float) -> list[str]:
    """Mismatches between a result and a manifest row (empty when within tolerance)."""
    problems = []
    want_reps = label_number(row["reps"])
    if want_reps is not None:
        tol = REP_TOLERANCE[row["reps_certain"] or "no"]
        if abs(reps - want_reps) > tol:
            problems.append(f"reps {reps} vs label {want_reps:g} (tolerance {tol})")
    want_hold = label_number(row["hold_s"])
    if want_hold is not None:
        tol = HOLD_TOLERANCE_S[row["hold_certain"] or "no"]
        if abs(hold_s - want_hold) > tol:
            problems.append(f"hold {hold_s:.1f} s vs label {want_hold:g} s (tolerance {tol})")
    return problems
