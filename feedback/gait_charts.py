"""Walking, step by step: a table and charts of each step's ankle angle and toe clearance, per leg.

Drawing only: the numbers are the gait analysis's own (exercises.gait, in each step's `measures`); nothing here
measures. NaN (a swing not seen, a foot hidden) stays a gap, never a zero.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from exercises.results import ClipReport
from feedback.wording import description

# What each step chart shows: measure name in RepEvent.measures -> axis title.
STEP_MEASURES = {
    "ankle_swing_deg": "ankle in late swing (°, + toes up)",
    "ankle_at_contact_deg": "ankle at contact (°, + toes up)",
    "toe_clearance_ratio": "toe clearance (shank lengths)",
}


def _r(x: float | None, digits: int = 2) -> float | None:
    return round(float(x), digits) if x is not None and math.isfinite(x) else None


def steps_frame(report: ClipReport) -> pd.DataFrame:
    """One row per step: its number, leg, contact time, the STEP_MEASURES, and its faults in therapist wording."""
    rows = []
    for rep in report.reps:
        m = rep.measures or {}
        row = {"step": rep.index, "leg": rep.leg or "unknown", "contact (s)": _r(rep.end_s)}
        row.update({title: _r(m.get(name, math.nan)) for name, title in STEP_MEASURES.items()})
        row["faults"] = "; ".join(description(c) for c in rep.faults) or "none"
        rows.append(row)
    return pd.DataFrame(rows, columns=["step", "leg", "contact (s)", *STEP_MEASURES.values(), "faults"])


def step_chart(report: ClipReport) -> alt.VConcatChart:
    """Ankle angle and toe clearance per step, one colour per leg; steps flagged foot_drop drawn as red rings.

    A step whose swing was not seen has no point (a gap), not a zero.
    """
    data = steps_frame(report)
    data["foot drop"] = ["foot_drop" in r.faults for r in report.reps]
    legs = alt.Color("leg:N", scale=alt.Scale(domain=["left", "right"], range=["#1e88e5", "#fb8c00"]),
                     legend=alt.Legend(orient="bottom"))
    panels = []
    for title in (STEP_MEASURES["ankle_swing_deg"], STEP_MEASURES["toe_clearance_ratio"]):
        y = alt.Y(f"{title}:Q", title=title)
        base = alt.Chart(data).encode(x=alt.X("step:O", title="step"), y=y)
        points = base.mark_line(point=True).encode(color=legs, tooltip=["step", "leg", "contact (s)", title,
                                                                         "faults"])
        flagged = base.transform_filter(alt.datum["foot drop"]).mark_point(
            color="#e53935", size=220, strokeWidth=2, filled=False)
        zero = alt.Chart(pd.DataFrame({"v": [0.0]})).mark_rule(strokeDash=[6, 4], color="#777").encode(y="v:Q")
        panels.append(alt.layer(zero, points, flagged).properties(height=180))
    return alt.vconcat(*panels)


def pace_text(report: ClipReport) -> str:
    """Cadence, and speed when a scale was known, in one plain sentence."""
    m = report.measures or {}
    cadence, speed = m.get("cadence_steps_per_min", math.nan), m.get("speed_m_per_s", math.nan)
    parts = [f"{cadence:.0f} steps a minute" if math.isfinite(cadence) else "pace not measured (too few steps)"]
    parts.append(f"walking speed {speed:.2f} m/s" if math.isfinite(speed) else
                 "walking speed not measured (it needs the patient's height)")
    return "; ".join(parts).capitalize() + "."
