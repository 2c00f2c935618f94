"""Tables and charts of a clip report, as pandas frames and Altair specs (the app only displays them)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from exercises.judged import fault_measurement, partly_unjudged
from exercises.results import ClipReport, RepEvent
from exercises.spec import ExerciseSpec, value_decimals
from feedback.wording import confidence_note, description, fault_words, not_checked_line, partly_checked_line

# Longest suffix first: `_deg_per_s` also ends in `_s`.
_UNITS = (("_deg_per_s", "°/s"), ("_deg", "°"), ("_ratio", "ratio"), ("_hz", "Hz"), ("_flag", "0 = off, 1 = on"),
          ("_s", "s"))


def unit_of(name: str) -> str:
    """The unit a threshold or signal name ends in, for labels ("" if it has none)."""
    return next((label for suffix, label in _UNITS if name.endswith(suffix)), "")


def with_values(text: str, thresholds: Mapping[str, float]) -> str:
    """`text` with each threshold it names followed by the value this report used, e.g. "pelvis_roll_max_deg (30°)".

    The therapist wording names a limit by its key, which is what a therapist sets per patient; the value beside it
    says where that limit stood for this set. Keys without a finite value, and on/off flags, are left as they are.
    """
    def annotated(match: re.Match[str]) -> str:
        key = match.group(0)
        value = thresholds.get(key)
        unit = unit_of(key)
        if value is None or not math.isfinite(value) or key.endswith("_flag"):
            return key
        number = f"{round(float(value), value_decimals(key)):g}"
        if unit in ("", "ratio"):  # a share of a length reads as the number itself
            return f"{key} ({number})"
        return f"{key} ({number}{'' if unit.startswith('°') else ' '}{unit})"

    return re.sub(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", annotated, text)


# Measures whose name says how they are taken rather than what they show a therapist ("world": from the pose model's
# 3D landmarks; the pelvic tilt is read through the hand resting on the hip bone).
_READABLE_STEMS = {"ankle_on_knee_world": "ankle to other knee", "hand_pelvis": "hand on hip bone"}


def label_of(name: str) -> str:
    """A readable label: the name without its unit suffix, then the unit, e.g. "hold min (s)"."""
    stem = name
    for suffix, _ in _UNITS:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            break
    unit = unit_of(name)
    words = _READABLE_STEMS.get(stem, stem.replace("_", " "))
    return f"{words} ({unit})" if unit else words


def _r(x: float, digits: int = 1) -> float | None:
    return round(float(x), digits) if x is not None and math.isfinite(x) else None


def rep_label(index: int, partial: bool) -> str:
    """A rep's name in a table's rep column: "3", or "partial 1" for a partial rep (numbered among the partial ones)."""
    return f"partial {index}" if partial else str(index)


def rep_name(rep: RepEvent) -> str:
    """A rep's name in a sentence: "rep 3", or "partial rep 1"."""
    return f"{'partial rep' if rep.partial else 'rep'} {rep.index}"


def reps_table(report: ClipReport, spec: ExerciseSpec) -> pd.DataFrame:
    """One row per rep and partial rep, in time order: timing, the rep signal's low and high, and faults."""
    sig = spec.rep.signal
    name = label_of(sig)
    attempts = sorted((*report.reps, *report.partial_reps), key=lambda r: r.start_s)
    rows = [
        {"rep": rep_label(r.index, r.partial), "start (s)": _r(r.start_s), "end (s)": _r(r.end_s),
         "duration (s)": _r(r.duration_s),
         f"{name} low": _r(r.low.get(sig, math.nan), value_decimals(sig)),
         f"{name} high": _r(r.high.get(sig, math.nan), value_decimals(sig)),
         "faults": "; ".join(description(c) for c in r.faults) or "none",
         # How sure the rep's measurements are, said only where some is not reliable (a rep's angles from an
         # oblique camera, a fault's measurement that this view cannot show).
         "how sure": (confidence_note(r.confidence, r.view_deg) or "reliable") if r.confidence else ""}
        for r in attempts
    ]
    columns = ["rep", "start (s)", "end (s)", "duration (s)", f"{name} low", f"{name} high", "faults", "how sure"]
    # Faults some reps could not be checked for; those no rep could are said once, under the table.
    clip = _clip_unjudged(report)
    if any(set(r.unjudged) - clip for r in attempts):  # beside the faults, before the long "how sure" note
        for row, r in zip(rows, attempts):
            row["not checked"] = ", ".join(fault_words(c) for c in r.unjudged if c not in clip)
        columns.insert(columns.index("faults") + 1, "not checked")
    return pd.DataFrame(rows, columns=columns)


def _clip_unjudged(report: ClipReport) -> set[str]:
    return {u.code for u in report.unjudged}


def holds_table(report: ClipReport) -> pd.DataFrame:
    """One row per reported hold: timing, seconds held with good form, and faults."""
    rows = [
        {"hold": i + 1, "start (s)": _r(h.start_s), "end (s)": _r(h.end_s), "good form (s)": _r(h.good_s),
         "faults": "; ".join(description(c) for c in h.faults) or "none"}
        for i, h in enumerate(report.holds)
    ]
    return pd.DataFrame(rows, columns=["hold", "start (s)", "end (s)", "good form (s)", "faults"])


def fault_lines(report: ClipReport) -> list[str]:
    """Every fault with when it happened, in time order: frame-rule episodes, then rep-level faults."""
    items: list[tuple[float, str]] = [
        (e.start_s, f"{e.start_s:.1f}–{e.end_s:.1f} s: {with_values(description(e.code), report.thresholds)} "
                    f"(`{e.code}`)") for e in report.episodes
    ]
    episode_codes = {e.code for e in report.episodes}
    for r in (*report.reps, *report.partial_reps):
        for code in r.faults:
            # Rep-level faults (too fast, small range) have no episode of their own; list them by rep.
            if code not in episode_codes:
                words = with_values(description(code), report.thresholds)
                items.append((r.start_s, f"{rep_name(r)}, {r.start_s:.1f}–{r.end_s:.1f} s: {words} (`{code}`)"))
    return [text for _, text in sorted(items, key=lambda it: it[0])]


def not_checked_lines(report: ClipReport, spec: ExerciseSpec) -> list[str]:
    """The faults the clip, or some of its reps, could not be checked for, for the therapist: which, where, why."""
    lines = [not_checked_line(u.code, u.signal, u.plane) for u in report.unjudged]
    partly = partly_unjudged(((r.index, r.unjudged) for r in report.reps), _clip_unjudged(report), spec)
    return lines + partly_checked_lines(partly, spec, len(report.reps))


def partly_checked_lines(partly: dict[str, list[int]], spec: ExerciseSpec, reps: int) -> list[str]:
    """One therapist line per fault checked on some of the `reps` reps only (exercises.judged.partly_unjudged)."""
    lines = []
    for code, indices in partly.items():
        u = fault_measurement(spec, code)
        lines.append(partly_checked_line(code, u.signal, u.plane, indices, reps))
    return lines


def series_frame(report: ClipReport, signals: list[str]) -> pd.DataFrame:
    """Long-format (t_s, signal, value) rows of the chosen signals; unknown values stay missing (gaps)."""
    parts = [pd.DataFrame({"t_s": report.t_s, "signal": s, "value": report.series[s]}) for s in signals
             if s in report.series]
    if not parts:
        return pd.DataFrame(columns=["t_s", "signal", "value"])
    return pd.concat(parts, ignore_index=True)


def unmeasured_line(report: ClipReport, signals: list[str]) -> str:
    """Which of the charted signals were never measured in the clip, so their lines are missing; "" for none."""
    missing = [label_of(n) for n in signals
               if n in report.series and not np.isfinite(np.asarray(report.series[n], float)).any()]
    if not missing:
        return ""
    return f"Not measured anywhere in this clip, so not drawn: {', '.join(missing)}."


def signal_chart(report: ClipReport, spec: ExerciseSpec, signals: list[str]) -> alt.LayerChart:
    """Signals over time: reps shaded green, holds blue, fault episodes red, rep thresholds as dashed lines."""
    x = alt.X("t_s:Q", title="time (s)")
    layers: list[alt.Chart] = []
    if report.reps:
        reps = pd.DataFrame([{"start": r.start_s, "end": r.end_s, "rep": f"rep {r.index}"} for r in report.reps])
        layers.append(alt.Chart(reps).mark_rect(color="#4caf50", opacity=0.12).encode(
            x=alt.X("start:Q", title="time (s)"), x2="end:Q", tooltip=["rep", "start", "end"]))
    if report.holds:
        holds = pd.DataFrame([
            {"start": h.start_s, "end": h.end_s, "hold": f"hold {i + 1}", "good_s": round(h.good_s, 1)}
            for i, h in enumerate(report.holds)
        ])
        layers.append(alt.Chart(holds).mark_rect(color="#1e88e5", opacity=0.10).encode(
            x=alt.X("start:Q", title="time (s)"), x2="end:Q", tooltip=["hold", "start", "end", "good_s"]))
    if report.episodes:
        eps = pd.DataFrame([{"start": e.start_s, "end": e.end_s, "fault": description(e.code), "code": e.code}
                            for e in report.episodes])
        layers.append(alt.Chart(eps).mark_rect(color="#e53935", opacity=0.18).encode(
            x=alt.X("start:Q", title="time (s)"), x2="end:Q", tooltip=["code", "fault", "start", "end"]))
    data = series_frame(report, signals)
    layers.append(alt.Chart(data).mark_line(interpolate="linear").encode(
        # The axis fits the values, not zero: a hand angle of 40-55 degrees squashed into 0-60 hid its tilts.
        x=x, y=alt.Y("value:Q", title="value", scale=alt.Scale(zero=False)),
        color=alt.Color("signal:N", legend=alt.Legend(orient="bottom")),
        tooltip=["signal", alt.Tooltip("t_s:Q", format=".2f"), alt.Tooltip("value:Q", format=".1f")]))
    if spec.rep.signal in signals:
        moving = threshold_frame(report, spec)
        if len(moving):
            # Zones measured from the person's own rest move with it: drawn as lines over time.
            layers.append(alt.Chart(moving).mark_line(strokeDash=[6, 4], color="#777").encode(
                x=x, y="value:Q", detail="threshold:N", tooltip=["threshold", alt.Tooltip("value:Q", format=".1f")]))
        else:
            # No neutral recorded (an old report): zones from the person's rest drawn about the nominal rest.
            low, high = spec.rep_edges_read()
            th = pd.DataFrame([
                {"value": low, "threshold": spec.rep.low_max},
                {"value": high, "threshold": spec.rep.high_min},
            ])
            layers.append(alt.Chart(th).mark_rule(strokeDash=[6, 4], color="#777").encode(
                y="value:Q", tooltip=["threshold", "value"]))
    return alt.layer(*layers).properties(height=320)


def threshold_frame(report: ClipReport, spec: ExerciseSpec) -> pd.DataFrame:
    """The rep zones' edges over time (t_s, threshold, value), for zones measured from the person's own rest.

    The report's neutral plus each edge, for a spec with RepSpec.neutral_window_s; empty for fixed zones, or when
    the neutral was never known (an old report, or nothing judged).
    """
    neutral = np.asarray(report.rep_neutral, float)
    if not spec.rep.neutral_window_s or len(neutral) != len(report.t_s) or not np.isfinite(neutral).any():
        return pd.DataFrame(columns=["t_s", "threshold", "value"])
    known = np.isfinite(neutral)
    low, high = spec.rep_band()
    return pd.concat([pd.DataFrame({"t_s": report.t_s[known], "threshold": name, "value": neutral[known] + edge})
                      for name, edge in ((spec.rep.low_max, low), (spec.rep.high_min, high))], ignore_index=True)


def thresholds_caption(spec: ExerciseSpec) -> str:
    """What the chart's dashed lines are."""
    if spec.rep.neutral_window_s:
        return "Dashed lines: the rep thresholds, measured from the person's own rest as it went."
    return "Dashed lines: the rep thresholds."
