"""Walking, step by step: a table and charts of each step's ankle angle and toe clearance, per leg.

Drawing only: the numbers are the gait analysis's own (exercises.gait, in each step's `measures`); nothing here
measures. NaN (a swing not seen, a foot hidden) stays a gap, never a zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from exercises.gait import ankle_as_read_deg
from exercises.results import ClipReport, RepEvent
from exercises.signals_gait import GAIT_SIGNALS
from feedback.wording import description

# Fits the review page's main column on a 1366-pixel-wide laptop screen, with the axis titles.
CHART_WIDTH_PX = 700
# What each step chart shows: measure name in RepEvent.measures -> axis title.
STEP_MEASURES = {
    "ankle_swing_deg": "ankle in late swing (°, + toes up)",
    "ankle_at_contact_deg": "ankle at contact (°, + toes up)",
    "toe_clearance_ratio": "toe clearance (shank lengths)",
}
# A far-leg step's faults cell: from the side its foot is the pose model's guess, so only its lift is judged.
FAR_LEG_STEP_TEXT = ("foot not judged: the far leg from the camera (only a high step shows there); "
                     "walk past the camera and back to check this foot")


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
        if m.get("far_leg_flag") == 1.0:
            # "none" on a foot the camera could not see would read as a foot that cleared: say it was not judged.
            row["faults"] = FAR_LEG_STEP_TEXT + ("" if not rep.faults else "; " + row["faults"])
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
        base = alt.Chart(data).encode(x=alt.X("step:O", title="step", axis=alt.Axis(labelAngle=0)), y=y)
        points = base.mark_line(point=True).encode(color=legs, tooltip=["step", "leg", "contact (s)", title,
                                                                         "faults"])
        flagged = base.transform_filter(alt.datum["foot drop"]).mark_point(
            color="#e53935", size=220, strokeWidth=2, filled=False)
        zero = alt.Chart(pd.DataFrame({"v": [0.0]})).mark_rule(strokeDash=[6, 4], color="#777").encode(y="v:Q")
        # A fixed width: a stacked chart does not follow the page's width and ran off a laptop screen.
        panels.append(alt.layer(zero, points, flagged).properties(height=180, width=CHART_WIDTH_PX))
    return alt.vconcat(*panels)


def ankle_time_frame(report: ClipReport) -> pd.DataFrame:
    """The ankle angle of each leg whose foot was judged, frame by frame, as the gait analysis reads it.

    Columns "time (s)", "leg", "ankle (°, + toes up)" and "run" (a stretch of frames with the foot seen: lines
    break between runs, so an unseen foot is a gap): exercises.gait.ankle_as_read_deg, smoothed and less the foot's
    landmark-line tilt when flat. A leg none of whose steps were judged (the far leg from the side, whose foot the
    pose model guesses) is left out rather than drawn as if measured.
    """
    m = report.measures or {}
    title = "ankle (°, + toes up)"
    parts = []
    series = report.series or {}
    as_read = (ankle_as_read_deg(report.t_s, series, report.thresholds)
               if all(name in series for name in GAIT_SIGNALS) else {})
    for leg in ("left", "right"):
        if leg not in as_read or not m.get(f"foot_judged_steps_{leg}", 1.0):
            continue
        ankle = as_read[leg]
        seen = np.isfinite(ankle)
        runs = np.cumsum(seen & ~np.concatenate([[False], seen[:-1]]))
        parts.append(pd.DataFrame({"time (s)": np.round(report.t_s[seen], 3), "leg": leg,
                                   title: np.round(ankle[seen], 1), "run": [f"{leg} {r}" for r in runs[seen]]}))
    columns = ["time (s)", "leg", title, "run"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _swing_start_s(rep: RepEvent) -> float:
    """The toe-off that began the step's swing, or the step's start when it was not seen."""
    toe_off = (rep.measures or {}).get("toe_off_s", math.nan)
    return toe_off if math.isfinite(toe_off) else rep.start_s


def ankle_time_chart(report: ClipReport) -> alt.LayerChart:
    """Each judged leg's ankle over time, with its steps' contacts as thin lines and foot-drop swings shaded red."""
    data = ankle_time_frame(report)
    title = "ankle (°, + toes up)"
    legs = alt.Color("leg:N", scale=alt.Scale(domain=["left", "right"], range=["#1e88e5", "#fb8c00"]),
                     legend=alt.Legend(orient="bottom"))
    x = alt.X("time (s):Q", title="time (s)")
    layers = []
    drops = pd.DataFrame([{"start": _swing_start_s(r), "end": r.end_s, "leg": r.leg, "step": r.index}
                          for r in report.reps if "foot_drop" in r.faults], columns=["start", "end", "leg", "step"])
    if len(drops):
        layers.append(alt.Chart(drops).mark_rect(color="#e53935", opacity=0.15).encode(
            x=alt.X("start:Q", title="time (s)"), x2="end:Q", tooltip=["step", "leg"]))
    contacts = pd.DataFrame([{"time (s)": r.end_s, "leg": r.leg or "unknown", "step": r.index}
                             for r in report.reps], columns=["time (s)", "leg", "step"])
    if len(contacts):
        layers.append(alt.Chart(contacts).mark_rule(strokeWidth=1, opacity=0.5).encode(
            x=x, color=legs, tooltip=["step", "leg", "time (s)"]))
    layers.append(alt.Chart(pd.DataFrame({"v": [0.0]})).mark_rule(strokeDash=[6, 4], color="#777").encode(y="v:Q"))
    layers.append(alt.Chart(data).mark_line().encode(
        x=x, y=alt.Y(f"{title}:Q", title=title), color=legs, detail="run:N",
        tooltip=["leg", "time (s)", title]))
    return alt.layer(*layers).properties(height=240, width=CHART_WIDTH_PX)


def pace_text(report: ClipReport) -> str:
    """Cadence, and speed when a scale was known, in one plain sentence."""
    m = report.measures or {}
    cadence, speed = m.get("cadence_steps_per_min", math.nan), m.get("speed_m_per_s", math.nan)
    parts = [f"{cadence:.0f} steps a minute" if math.isfinite(cadence) else "pace not measured (too few steps)"]
    parts.append(f"walking speed {speed:.2f} m/s" if math.isfinite(speed) else
                 "walking speed not measured (it needs the patient's height)")
    return "; ".join(parts).capitalize() + "."


# Per-leg summary measures of a walking set (exercises.gait summary, saved in the row's `measures`) shown by week.
WEEKLY_MEASURES = {
    "toe_clearance_{leg}_ratio": "toe clearance (shank lengths)",
    "ankle_swing_peak_{leg}_deg": "peak ankle lift in swing (°)",
}


def weekly_gait_frame(sets: list[tuple[datetime, Mapping[str, Any]]]) -> pd.DataFrame:
    """Walking sets by week and leg: the median of each set's WEEKLY_MEASURES, and the share of steps flagged.

    Args:
        sets: (when the set started, its saved row: feedback.report.to_row, with `measures`) per walking set.

    Returns:
        One row per (week, leg): "week" (the Monday, as text), "leg", the WEEKLY_MEASURES titles, "foot drop
        steps (share)" and "sets"; a measure no set of that week had is missing, never zero.
    """
    rows = []
    for when, row in sets:
        m = row.get("measures") or {}
        monday = (when.date() - timedelta(days=when.weekday())).isoformat()
        for leg in ("left", "right"):
            out = {"week": monday, "leg": leg}
            for key, title in WEEKLY_MEASURES.items():
                value = m.get(key.format(leg=leg))
                out[title] = float(value) if isinstance(value, (int, float)) and math.isfinite(value) else math.nan
            # Over the steps whose foot was judged: a far leg's steps are counted but its foot is unknown, not 0.
            steps = m.get(f"foot_judged_steps_{leg}", m.get(f"steps_{leg}"))
            dropped = m.get(f"foot_drop_steps_{leg}")
            out["foot drop steps (share)"] = dropped / steps if steps and dropped is not None else math.nan
            rows.append(out)
    columns = ["week", "leg", *WEEKLY_MEASURES.values(), "foot drop steps (share)"]
    if not rows:
        return pd.DataFrame(columns=[*columns, "sets"])
    frame = pd.DataFrame(rows, columns=columns)
    grouped = frame.groupby(["week", "leg"], sort=True)
    out = grouped.median(numeric_only=True).reset_index()
    out["sets"] = grouped.size().to_numpy()
    return out


def weekly_gait_chart(frame: pd.DataFrame) -> alt.HConcatChart:
    """Toe clearance and peak ankle lift by week, one line per leg: is the toe drag fading?"""
    legs = alt.Color("leg:N", scale=alt.Scale(domain=["left", "right"], range=["#1e88e5", "#fb8c00"]),
                     legend=alt.Legend(orient="bottom"))
    panels = []
    for title in WEEKLY_MEASURES.values():
        panels.append(alt.Chart(frame.dropna(subset=[title]), title=title, height=200,
                                width=CHART_WIDTH_PX // 2 - 40).mark_line(point=True).encode(
            x=alt.X("week:O", title="week of", axis=alt.Axis(labelAngle=0, labelOverlap="greedy")),
            y=alt.Y(f"{title}:Q", title=None), color=legs, tooltip=["week", "leg", title, "sets"]))
    return alt.hconcat(*panels)
