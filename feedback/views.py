"""Page logic for the signed-in app with no UI: programme wording, form checking, progress tables and charts.

The app (the only module that imports streamlit) shows what these return. Store views (store.repo's
ProgrammeView, ItemView, SessionSummary, ProgressPoint, AdherenceWeek) are read by attribute, so this module
does not import store/ (store imports feedback, never the reverse).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import altair as alt
import pandas as pd

from exercises.config import ConfigError, parse_overrides
from exercises.registry import EXERCISES
from exercises.results import ClipReport
from feedback.charts import label_of
from feedback.wording import description

DAYS_PER_WEEK = 7
# The patient's answer after a set (feedback.coach.SYMPTOM_MOVES) as the store's symptom response.
SYMPTOM_OF_MOVE = {"same": "unchanged", "towards_the_back": "centralising", "down_the_leg": "peripheralising"}
SIDE_WORDS = {"left": "left leg", "right": "right leg", "both": "either side"}
# Symptom response -> marker colour on the therapist's pain chart (centralising is good, spreading is not).
SYMPTOM_COLOURS = {"centralising": "#2e7d32", "unchanged": "#757575", "peripheralising": "#c62828"}


def programme_week(start_date: date, today: date) -> int:
    """1-based week of a programme on `today` (week 1 starts on the start date; 0 before it starts)."""
    days = (today - start_date).days
    return days // DAYS_PER_WEEK + 1 if days >= 0 else 0


def current_programme(programmes: Sequence[Any], today: date) -> Any | None:
    """The programme in force: the newest one started by `today` (store.repo lists newest first)."""
    return next((p for p in programmes if p.start_date <= today), None)


def items_this_week(programme: Any, today: date) -> tuple[int, list[Any]]:
    """The programme's week number and the items prescribed in it."""
    week = programme_week(programme.start_date, today)
    return week, [i for i in programme.items if i.week_from <= week <= i.week_to]


def _num(x: float) -> str:
    return f"{x:g}"


def target_text(item: Any) -> str:
    """A prescribed item in plain words, e.g. "2 sets of 10 reps, 3 s a rep, right leg, 5 days a week"."""
    parts = []
    dose = []
    if item.reps_target is not None:
        dose.append(f"{item.reps_target} reps")
    if item.hold_target_s is not None:
        dose.append(f"hold {_num(item.hold_target_s)} s")
    sets = f"{item.sets} set{'s' if item.sets != 1 else ''} of " if item.sets else ""
    parts.append(sets + " with a ".join(dose))
    if item.tempo_s_per_rep is not None:
        parts.append(f"{_num(item.tempo_s_per_rep)} s a rep")
    parts.append(SIDE_WORDS.get(item.side, item.side))
    parts.append(f"{item.sessions_per_week} day{'s' if item.sessions_per_week != 1 else ''} a week")
    return ", ".join(parts)


def parse_threshold_text(exercise: str, text: str) -> dict[str, float]:
    """Threshold overrides typed as `name = value` lines (blank lines and # comments ignored), checked.

    Raises:
        ConfigError: one line naming the bad line, an unknown name (with the valid ones) or a bad value.
    """
    raw: dict[str, object] = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, value = line.partition("=")
        if not sep:
            raise ConfigError(f"thresholds line {n}: expected `name = value`, got {line!r}")
        try:
            raw[name.strip()] = float(value)
        except ValueError:
            raise ConfigError(f"thresholds line {n}: {value.strip()!r} is not a number") from None
    if not raw:
        return {}
    return dict(parse_overrides({exercise: raw}, source="thresholds").get(exercise, {}))


def item_fields(exercise: str, side: str, sets: int, reps_target: int, hold_target_s: float, tempo_s_per_rep: float,
                thresholds: str, week_from: int, week_to: int, sessions_per_week: int, notes: str) -> dict[str, Any]:
    """A programme item from the therapist's form as store.repo.ItemSpec keyword arguments.

    0 in reps, hold or tempo means "not prescribed".

    Raises:
        ValueError: (ConfigError for thresholds) a one-line message saying what is wrong.
    """
    if exercise not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise!r}; expected one of {', '.join(EXERCISES)}")
    if not reps_target and not hold_target_s:
        raise ValueError("give a reps target or a hold target (or both)")
    if week_to < week_from:
        raise ValueError(f"the phase ends in week {week_to}, before it starts (week {week_from})")
    return {
        "exercise": exercise, "side": side, "sets": int(sets), "reps_target": int(reps_target) or None,
        "hold_target_s": float(hold_target_s) or None, "tempo_s_per_rep": float(tempo_s_per_rep) or None,
        "threshold_overrides": parse_threshold_text(exercise, thresholds), "week_from": int(week_from),
        "week_to": int(week_to), "sessions_per_week": int(sessions_per_week), "notes": notes.strip(),
    }


def item_row(item: Any) -> dict[str, Any]:
    """A programme item as a table row for the therapist."""
    return {
        "exercise": EXERCISES[item.exercise].title if item.exercise in EXERCISES else item.exercise,
        "side": item.side, "weeks": f"{item.week_from}–{item.week_to}", "sets": item.sets,
        "reps": item.reps_target, "hold (s)": item.hold_target_s, "tempo (s/rep)": item.tempo_s_per_rep,
        "days/week": item.sessions_per_week,
        "thresholds": ", ".join(f"{k}={v:g}" for k, v in sorted(dict(item.threshold_overrides).items())),
        "notes": item.notes,
    }


def session_rows(sessions: Iterable[Any]) -> list[dict[str, Any]]:
    """Saved sets as table rows, newest first."""
    rows = []
    for s in sorted(sessions, key=lambda s: (s.started_at, s.id), reverse=True):
        source = s.source.value if hasattr(s.source, "value") else s.source
        if getattr(s, "interrupted", False):
            source += " (camera stopped mid-set)"
        rows.append({
            "id": s.id, "date (UTC)": s.started_at.strftime("%Y-%m-%d %H:%M"), "exercise": s.exercise,
            "source": source, "reps": s.reps,
            "faulted reps": s.faulted_reps, "best hold (s)": round(s.best_hold_s, 1),
            "range": "" if s.range_low is None or s.range_high is None else f"{s.range_low:g}–{s.range_high:g}",
            "pose coverage": f"{s.pose_coverage:.0%}", "pain before": s.pain_before, "pain after": s.pain_after,
            "symptoms": s.symptom_response.value if s.symptom_response else "",
        })
    return rows


def session_label(s: Any) -> str:
    """One line naming a saved set in a picker."""
    title = EXERCISES[s.exercise].title if s.exercise in EXERCISES else s.exercise
    return f"#{s.id} · {s.started_at.strftime('%Y-%m-%d %H:%M')} · {title} · {s.reps} reps"


def _fmt(x: Any) -> Any:
    return round(float(x), 1) if isinstance(x, (int, float)) and math.isfinite(x) else None


def rep_rows(row: Mapping[str, Any], signal: str) -> list[dict[str, Any]]:
    """The per-rep table of a stored report (feedback.report.to_row), in therapist wording."""
    name = label_of(signal)
    return [{"rep": r.get("index"), "start (s)": _fmt(r.get("start_s")), "end (s)": _fmt(r.get("end_s")),
             "duration (s)": _fmt(r.get("duration_s")), f"{name} low": _fmt((r.get("low") or {}).get(signal)),
             f"{name} high": _fmt((r.get("high") or {}).get(signal)),
             "faults": "; ".join(description(c) for c in r.get("faults") or ()) or "none"}
            for r in row.get("rep_detail") or ()]


def fault_summary(faults: Mapping[str, int]) -> list[str]:
    """Fault counts as lines: "- <wording> (`code`): n"."""
    return [f"{description(code)} (`{code}`): {n}" for code, n in sorted(faults.items())]


def rescore_comparison(old: Mapping[str, Any], new: ClipReport) -> pd.DataFrame:
    """Saved result against the re-scored one: reps, faulted reps, best hold and each fault's count."""
    new_faulted = sum(1 for r in new.reps if r.faults)
    old_faulted = sum(1 for r in old.get("rep_detail") or () if r.get("faults"))
    rows = [("reps", old.get("reps", 0), new.rep_count), ("faulted reps", old_faulted, new_faulted),
            ("best hold (s)", _fmt(old.get("hold_s") or 0.0), _fmt(new.hold_s))]
    old_faults, new_faults = dict(old.get("faults") or {}), dict(new.fault_counts)
    for code in sorted(set(old_faults) | set(new_faults)):
        rows.append((f"fault: {code}", old_faults.get(code, 0), new_faults.get(code, 0)))
    frame = pd.DataFrame(rows, columns=["", "saved", "re-scored"])
    frame["changed"] = ["yes" if str(a) != str(b) else "" for a, b in zip(frame["saved"], frame["re-scored"])]
    return frame


# ---------------------------------------------------------------- progress


def progress_frame(points: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    """store.repo.progress as one row per session (exercise, when, reps, hold, range and targets, faults, pain)."""
    rows = [{"exercise": ex, "session": p.session_id, "when": p.started_at.replace(tzinfo=None),
             # An ordinal axis label per set: a time axis with one or two points labels them in milliseconds.
             "set": f"{p.started_at:%d %b} #{p.session_id}", "reps": p.reps,
             "best hold (s)": p.best_hold_s, "range low": p.range_low, "range high": p.range_high,
             "target low": p.target_low, "target high": p.target_high,
             "fault rate": p.fault_rate, "pain before": p.pain_before, "pain after": p.pain_after,
             "symptoms": p.symptom_response.value if p.symptom_response else None}
            for ex, pts in points.items() for p in pts]
    return pd.DataFrame(rows, columns=["exercise", "session", "when", "set", "reps", "best hold (s)", "range low",
                                       "range high", "target low", "target high", "fault rate", "pain before",
                                       "pain after", "symptoms"])


def _base(frame: pd.DataFrame, title: str) -> alt.Chart:
    return alt.Chart(frame, title=title, height=220)


def range_chart(frame: pd.DataFrame, signal_label: str) -> alt.LayerChart:
    """Range reached per session (low and high of the rep signal) against the target lines."""
    long = frame.melt(id_vars=["set"], value_vars=["range low", "range high"], var_name="measure").dropna()
    targets = frame.melt(id_vars=["set"], value_vars=["target low", "target high"], var_name="measure").dropna()
    y = alt.Y("value:Q", title=signal_label, scale=alt.Scale(zero=False))
    reached = _base(long, f"Range reached: {signal_label}").mark_line(point=True).encode(
        x=alt.X("set:O", title="set", sort=None), y=y, color=alt.Color("measure:N", title=""))
    target = alt.Chart(targets).mark_tick(thickness=2, size=24, opacity=0.8).encode(
        x=alt.X("set:O", sort=None), y=y, color=alt.Color("measure:N", title=""))
    return reached + target


def metric_chart(frame: pd.DataFrame, column: str, title: str, percent: bool = False) -> alt.Chart:
    """One per-session number over time (reps, hold, fault rate)."""
    axis = alt.Axis(format="%") if percent else alt.Axis()
    return _base(frame.dropna(subset=[column]), title).mark_line(point=True).encode(
        x=alt.X("set:O", title="set", sort=None), y=alt.Y(f"{column}:Q", title=column, axis=axis),
        tooltip=["set:O", f"{column}:Q"])


def pain_chart(frame: pd.DataFrame, symptoms: bool = True) -> alt.LayerChart | alt.Chart:
    """Pain before and after each set (0-10); with `symptoms`, the response as coloured markers."""
    long = frame.melt(id_vars=["set", "symptoms"], value_vars=["pain before", "pain after"],
                      var_name="measure").dropna(subset=["value"])
    lines = _base(long, "Pain (0–10)").mark_line(point=True).encode(
        x=alt.X("set:O", title="set", sort=None), y=alt.Y("value:Q", title="pain", scale=alt.Scale(domain=[0, 10])),
        strokeDash=alt.StrokeDash("measure:N", title=""))
    if not symptoms:
        return lines
    marks = frame.dropna(subset=["symptoms"]).assign(y=10.3)
    dots = alt.Chart(marks).mark_point(filled=True, size=120, shape="triangle-down").encode(
        x=alt.X("set:O", sort=None), y="y:Q", tooltip=["set:O", "symptoms:N"],
        color=alt.Color("symptoms:N", title="symptom response",
                        scale=alt.Scale(domain=list(SYMPTOM_COLOURS), range=list(SYMPTOM_COLOURS.values()))))
    return alt.layer(lines, dots).resolve_scale(color="independent")


def adherence_rows(weeks: Iterable[Any]) -> list[dict[str, Any]]:
    """Weekly adherence as table rows, with each exercise's done / prescribed."""
    return [{"week": w.week, "from": w.start.isoformat(), "sets done": w.done_capped, "prescribed": w.prescribed,
             "adherence": "" if w.ratio is None else f"{w.ratio:.0%}",
             **{(EXERCISES[e].title if e in EXERCISES else e): f"{d}/{p}" for e, (d, p) in w.by_exercise.items()}}
            for w in weeks]


def encouragement(frame: pd.DataFrame, week: Any | None) -> str:
    """One short, true, positive sentence for the patient's progress page."""
    if frame.empty:
        return "Your first saved set will show up here. Every set counts."
    if week is not None and week.prescribed and week.done_capped >= week.prescribed:
        return "You have done every set planned for this week. Well done."
    if len(frame) >= 2:
        rated = frame.dropna(subset=["pain after"])
        if len(rated) >= 2 and rated["pain after"].iloc[-1] < rated["pain after"].iloc[0]:
            return "Your pain after exercise is lower than when you started. Keep it up."
        last = frame.iloc[-1]
        first = frame[frame["exercise"] == last["exercise"]].iloc[0]
        if last["reps"] > first["reps"]:
            return f"You did {last['reps'] - first['reps']} more reps in your last set than in your first. Nice work."
    n = len(frame)
    return f"You have saved {n} set{'s' if n != 1 else ''} so far. Steady practice is what helps."
