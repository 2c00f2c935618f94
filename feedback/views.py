"""Page logic for the signed-in app with no UI: programme wording, form checking, progress tables and charts.

The app (the only module that imports streamlit) shows what these return. Store views (store.repo's
ProgrammeView, ItemView, SessionSummary, ProgressPoint, AdherenceWeek) are read by attribute, so this module
does not import store/ (store imports feedback, never the reverse).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import altair as alt
import pandas as pd

from exercises.config import ConfigError, parse_overrides
from exercises.judged import fault_measurement, partly_unjudged
from exercises.registry import EXERCISES
from exercises.results import ClipReport
from exercises.spec import ExerciseSpec
from feedback.charts import label_of, partly_checked_lines, rep_label, rep_name, with_values
from feedback.wording import (
    cue,
    description,
    fault_words,
    not_checked_line,
    not_checked_patient_line,
    rep_numbers,
)

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
    """Threshold overrides typed as `name = value` entries, one a line or separated by `;` (# comments ignored).

    Raises:
        ConfigError: one line naming the bad entry, an unknown name (with the valid ones) or a bad value.
    """
    raw: dict[str, object] = {}
    entries = [e.split("#", 1)[0].strip() for line in text.splitlines() for e in line.split(";")]
    for n, entry in enumerate([e for e in entries if e], 1):
        name, sep, value = entry.partition("=")
        if not sep:
            raise ConfigError(f"threshold {n}: expected `name = value`, got {entry!r}")
        try:
            raw[name.strip()] = float(value)
        except ValueError:
            raise ConfigError(f"threshold {n}: {value.strip()!r} is not a number") from None
    if not raw:
        return {}
    return dict(parse_overrides({exercise: raw}, source="thresholds").get(exercise, {}))


# ---------------------------------------------------------------- the programme form (one row per exercise)

# The therapist's programme table: column -> (what goes in it, its unit). A blank reps, hold or tempo cell means
# "not prescribed"; the page gives each column its editor (app_pages/patients.py).
EDITOR_COLUMNS: dict[str, str] = {
    "exercise": "the exercise", "side": "the working side", "sets": "sets per session",
    "reps": "reps per set (blank: none)", "hold (s)": "seconds to hold (blank: none)",
    "tempo (s a rep)": "seconds per rep (blank: any pace)", "from week": "first week (1 = the start week)",
    "to week": "last week", "days a week": "sessions a week",
    "thresholds": "overrides, `name = value; ...` (optional)", "notes": "for the patient (optional)",
}
EDITOR_SIDES = {words: key for key, words in SIDE_WORDS.items()}  # "left leg" -> "left"
EDITOR_SETS_MAX, EDITOR_REPS_MAX, EDITOR_HOLD_MAX_S, EDITOR_TEMPO_MAX_S = 20, 100, 600.0, 60.0
EDITOR_WEEKS_MAX, EDITOR_DAYS_MAX = 104, 14
_NUMERIC = ("sets", "reps", "hold (s)", "tempo (s a rep)", "from week", "to week", "days a week")


def exercise_titles() -> dict[str, str]:
    """Exercise title -> registry name, for the table's exercise picker."""
    return {spec.title: name for name, spec in EXERCISES.items()}


def editor_frame(items: Sequence[Any] = ()) -> pd.DataFrame:
    """The programme table to start from: the given items (e.g. the programme in force), or one default row.

    Numbers are floats so a blank cell is NaN (shown empty), never "None".
    """
    rows = [{
        "exercise": EXERCISES[i.exercise].title if i.exercise in EXERCISES else i.exercise,
        "side": SIDE_WORDS.get(i.side, i.side), "sets": i.sets, "reps": i.reps_target,
        "hold (s)": i.hold_target_s, "tempo (s a rep)": i.tempo_s_per_rep, "from week": i.week_from,
        "to week": i.week_to, "days a week": i.sessions_per_week,
        "thresholds": "; ".join(f"{k} = {v:g}" for k, v in sorted(dict(i.threshold_overrides).items())),
        "notes": i.notes or "",
    } for i in items] or [{
        "exercise": next(iter(EXERCISES.values())).title, "side": SIDE_WORDS["both"], "sets": 1, "reps": 10,
        "hold (s)": None, "tempo (s a rep)": None, "from week": 1, "to week": 4, "days a week": 5,
        "thresholds": "", "notes": "",
    }]
    frame = pd.DataFrame(rows, columns=list(EDITOR_COLUMNS))
    frame[list(_NUMERIC)] = frame[list(_NUMERIC)].astype(float)
    return frame


def _blank(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or (isinstance(x, str) and not x.strip())


def _whole(row: Mapping[str, Any], column: str, lo: int, hi: int, problems: list[str],
           optional: bool = False) -> int | None:
    x = row.get(column)
    if _blank(x) or (optional and x == 0):
        if not optional:
            problems.append(f"{column} is empty")
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        problems.append(f"{column} must be a whole number, got {x!r}")
        return None
    if not value.is_integer() or not lo <= value <= hi:
        problems.append(f"{column} must be a whole number from {lo} to {hi}, got {value:g}")
        return None
    return int(value)


def _seconds(row: Mapping[str, Any], column: str, hi: float, problems: list[str]) -> float | None:
    x = row.get(column)
    if _blank(x) or x == 0:
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        problems.append(f"{column} must be a number of seconds, got {x!r}")
        return None
    if not 0 < value <= hi:
        problems.append(f"{column} must be more than 0 and at most {hi:g} s, got {value:g}")
        return None
    return value


def programme_items(frame: pd.DataFrame) -> tuple[list[dict[str, Any]], list[str]]:
    """The therapist's programme table, checked as a whole: store.repo.ItemSpec keyword arguments and errors.

    Blank rows are skipped. Each bad row gives one error line naming it ("row 2 (Nerve glide): ..."), with every
    problem of that row; the items are only meant to be saved when there are no errors.
    """
    titles = exercise_titles()
    items, errors = [], []
    for n, row in enumerate(frame.to_dict("records"), 1):
        if all(_blank(v) for v in row.values()):
            continue
        problems: list[str] = []
        label = "" if _blank(row.get("exercise")) else str(row["exercise"]).strip()
        exercise = titles.get(label, label if label in EXERCISES else None)
        if exercise is None:
            problems.append("choose an exercise" if not label else f"unknown exercise {label!r}")
        side_text = "" if _blank(row.get("side")) else str(row["side"])
        side = EDITOR_SIDES.get(side_text, side_text if side_text in SIDE_WORDS else None) if side_text else "both"
        if side is None:
            problems.append(f"side must be one of {', '.join(EDITOR_SIDES)}, got {side_text!r}")
        sets = _whole(row, "sets", 1, EDITOR_SETS_MAX, problems)
        reps = _whole(row, "reps", 1, EDITOR_REPS_MAX, problems, optional=True)
        hold = _seconds(row, "hold (s)", EDITOR_HOLD_MAX_S, problems)
        tempo = _seconds(row, "tempo (s a rep)", EDITOR_TEMPO_MAX_S, problems)
        if reps is None and hold is None and not any(p.startswith(("reps", "hold")) for p in problems):
            problems.append("give reps or a hold in seconds (or both)")
        week_from = _whole(row, "from week", 1, EDITOR_WEEKS_MAX, problems)
        week_to = _whole(row, "to week", 1, EDITOR_WEEKS_MAX, problems)
        if week_from is not None and week_to is not None and week_to < week_from:
            problems.append(f"it ends in week {week_to}, before it starts (week {week_from})")
        per_week = _whole(row, "days a week", 1, EDITOR_DAYS_MAX, problems)
        thresholds: dict[str, float] = {}
        if exercise is not None and not _blank(row.get("thresholds")):
            try:
                thresholds = parse_threshold_text(exercise, str(row["thresholds"]))
            except ConfigError as exc:
                problems.append(str(exc).splitlines()[0])
        if problems:
            name = EXERCISES[exercise].title if exercise is not None else ""
            errors.append(f"row {n}{f' ({name})' if name else ''}: {'; '.join(problems)}")
            continue
        items.append({
            "exercise": exercise, "side": side, "sets": sets, "reps_target": reps, "hold_target_s": hold,
            "tempo_s_per_rep": tempo, "threshold_overrides": thresholds, "week_from": week_from,
            "week_to": week_to, "sessions_per_week": per_week,
            "notes": "" if _blank(row.get("notes")) else str(row["notes"]).strip(),
        })
    if not items and not errors:
        errors.append("add at least one exercise: one row per exercise")
    return items, errors


def dose_text(item: Any) -> str:
    """An item's prescribed dose in plain units: "2 sets of 10 reps", "hold 20 s", "" when none is set."""
    dose = [f"{item.reps_target} reps"] if item.reps_target else []
    if item.hold_target_s:
        dose.append(f"hold {_num(item.hold_target_s)} s")
    sets = f"{item.sets} set{'s' if item.sets != 1 else ''} of " if item.sets and dose else ""
    return sets + " with a ".join(dose)


def thresholds_text(overrides: Mapping[str, float]) -> str:
    """Threshold overrides in plain units, e.g. "knee extension target (°): 150" ("" when none)."""
    return "; ".join(f"{label_of(k)}: {v:g}" for k, v in sorted(dict(overrides).items()))


def item_row(item: Any) -> dict[str, Any]:
    """A programme item as a table row for the therapist: plain words and units, an empty cell for "not set"."""
    return {
        "exercise": EXERCISES[item.exercise].title if item.exercise in EXERCISES else item.exercise,
        "side": SIDE_WORDS.get(item.side, item.side), "weeks": f"{item.week_from}–{item.week_to}",
        "dose": dose_text(item),
        "tempo": f"{_num(item.tempo_s_per_rep)} s a rep" if item.tempo_s_per_rep else "",
        "days a week": item.sessions_per_week,
        "thresholds": thresholds_text(item.threshold_overrides),
        "notes": item.notes or "",
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
            "source": source, "reps": s.reps, "faulted": s.faulted_reps, "best hold (s)": round(s.best_hold_s, 1),
            "range": "" if s.range_low is None or s.range_high is None else f"{s.range_low:g}–{s.range_high:g}",
            "measured": f"{s.pose_coverage:.0%}", "pain before → after": f"{_pain(s.pain_before)} → "
            f"{_pain(s.pain_after)}", "symptoms": s.symptom_response.value if s.symptom_response else "",
        })
    return rows


def _pain(x: int | None) -> str:
    return "–" if x is None else str(x)


def session_label(s: Any) -> str:
    """One line naming a saved set in a picker."""
    title = EXERCISES[s.exercise].title if s.exercise in EXERCISES else s.exercise
    return f"#{s.id} · {s.started_at.strftime('%Y-%m-%d %H:%M')} · {title} · {s.reps} reps"


def _fmt(x: Any) -> Any:
    return round(float(x), 1) if isinstance(x, (int, float)) and math.isfinite(x) else None


def _saved_partly(row: Mapping[str, Any], spec: ExerciseSpec) -> dict[str, list[int]]:
    # Rows saved before reps carried what they could not check have no "unjudged_faults" per rep: nothing partly.
    reps = ((r.get("index"), r.get("unjudged_faults") or ()) for r in row.get("rep_detail") or ())
    return partly_unjudged(reps, set(row.get("unjudged_faults") or ()), spec)


def rep_rows(row: Mapping[str, Any], spec: ExerciseSpec) -> list[dict[str, Any]]:
    """The per-rep table of a stored report (feedback.report.to_row), in therapist wording, as charts.reps_table."""
    name = label_of(spec.rep.signal)
    clip = set(row.get("unjudged_faults") or ())
    attempts = sorted([*((r, False) for r in row.get("rep_detail") or ()),
                       *((r, True) for r in row.get("partial_rep_detail") or ())],
                      key=lambda rp: rp[0].get("start_s") or 0.0)
    shows_unchecked = any(set(r.get("unjudged_faults") or ()) - clip for r, _ in attempts)
    rows = []
    for r, partial in attempts:
        rows.append({
            "rep": rep_label(r.get("index"), partial), "start (s)": _fmt(r.get("start_s")),
            "end (s)": _fmt(r.get("end_s")),
            "duration (s)": _fmt(r.get("duration_s")), f"{name} low": _fmt((r.get("low") or {}).get(spec.rep.signal)),
            f"{name} high": _fmt((r.get("high") or {}).get(spec.rep.signal)),
            "faults": "; ".join(description(c) for c in r.get("faults") or ()) or "none"})
        if shows_unchecked:
            rows[-1]["not checked"] = ", ".join(fault_words(c) for c in r.get("unjudged_faults") or ()
                                                if c not in clip)
        # Saved before reps carried a confidence: empty.
        rows[-1]["how sure"] = (r.get("confidence_note") or "reliable") if r.get("confidence") else ""
    return rows


def saved_not_checked_lines(row: Mapping[str, Any], spec: ExerciseSpec) -> list[str]:
    """The faults a stored report (feedback.report.to_row) or some of its reps could not check, for the therapist.

    As charts.not_checked_lines; [] for rows saved before either was kept.
    """
    found = [fault_measurement(spec, code) for code in row.get("unjudged_faults") or ()]
    lines = [not_checked_line(u.code, u.signal, u.plane) for u in found]
    return lines + partly_checked_lines(_saved_partly(row, spec), spec, len(row.get("rep_detail") or ()))


def patient_fault_lines(report: ClipReport) -> list[str]:
    """The faults of a clip as a patient reads them: the calm cue, and in which reps or holds (no codes)."""
    where: dict[str, list[str]] = {}
    for r in sorted((*report.reps, *report.partial_reps), key=lambda r: r.start_s):
        for code in r.faults:
            where.setdefault(code, []).append(rep_name(r))
    for i, h in enumerate(report.holds):
        for code in h.faults:
            where.setdefault(code, []).append(f"hold {i + 1}")
    for e in report.episodes:
        where.setdefault(e.code, [])
    return [f"{cue(code)}" + (f" ({', '.join(dict.fromkeys(at))})" if at else "") for code, at in where.items()]


def patient_not_checked_lines(report: ClipReport, spec: ExerciseSpec) -> list[str]:
    """What the clip could not be checked for, as a patient reads it: at most one calm line (one cue at a time).

    What the whole clip could not be checked for comes first; failing that, what some reps could not.
    """
    line = not_checked_patient_line([(u.signal, u.plane) for u in report.unjudged], exercise=spec.name)
    if not line:
        partly = partly_unjudged(((r.index, r.unjudged) for r in report.reps), set(), spec)
        found = [fault_measurement(spec, code) for code in partly]
        reps = sorted({i for indices in partly.values() for i in indices})
        if reps:
            line = not_checked_patient_line([(u.signal, u.plane) for u in found], f"in {rep_numbers(reps)}",
                                            spec.name)
    return [line] if line else []


def fault_summary(faults: Mapping[str, int], thresholds: Mapping[str, float] | None = None) -> list[str]:
    """Fault counts as lines: "<wording> (`code`): n", each limit the wording names with the value the set used.

    `thresholds` is the saved row's own (scoring.save keeps them): a patient's limit may differ from the default.
    Rows saved without them name the keys alone.
    """
    return [f"{with_values(description(code), thresholds or {})} (`{code}`): {n}" for code, n in sorted(faults.items())]


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


# Room above the plot for the title: without it the title's top is cut off inside the page's chart frame.
CHART_PADDING = {"top": 24, "left": 5, "right": 5, "bottom": 5}


def _base(frame: pd.DataFrame, title: str) -> alt.Chart:
    return alt.Chart(frame, title=alt.TitleParams(title, anchor="start", limit=0), height=220)


# A progress chart's value axis is cut into at most this many steps of 1, 2 or 5 (times a power of ten), and its
# domain ends on a tick: Vega rounds the domain for ten ticks and then thins the labels to fit, so a set of 5 reps
# was a dot floating above the top line, which was labelled 4. The charts are short; five labels fit.
VALUE_STEPS_MAX = 4


def value_ticks(values: Iterable[float], zero: bool = True, integer: bool = False) -> list[float]:
    """Tick values for a chart's y axis: the first and last are the domain, every value lies between them.

    Args:
        values: the values plotted (NaN ignored).
        zero: include 0 in the axis.
        integer: counts (reps): no step under 1.
    """
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo <= 0:
        lo, hi = (lo - 1.0, hi + 1.0) if lo != 0 else (0.0, 1.0)
    power = 10.0 ** math.floor(math.log10((hi - lo) / VALUE_STEPS_MAX))
    steps = [m * power * 10**k for k in (0, 1) for m in (1, 2, 5)]
    for step in (s for s in steps if s >= 1 or not integer):
        first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
        if last - first <= VALUE_STEPS_MAX:
            return [round(n * step, 10) for n in range(first, last + 1)]
    raise AssertionError("unreachable: a step of 10x the smallest spans the values in 4 or fewer")


def _value_axis(field: str, title: str, values: Iterable[float], zero: bool = True, integer: bool = False,
                percent: bool = False) -> alt.Y:
    """A quantitative y from the first to the last of `value_ticks`, labelled at each."""
    ticks = value_ticks(values, zero, integer)
    return alt.Y(field, title=title, scale=alt.Scale(domain=[ticks[0], ticks[-1]], nice=False, zero=zero),
                 axis=alt.Axis(values=ticks, **({"format": "%"} if percent else {})))


def _set_axis() -> alt.X:
    """The sets along x: level labels, thinned when they would overlap (rotated ones took a third of the chart)."""
    return alt.X("set:O", title="set", sort=None, axis=alt.Axis(labelAngle=0, labelOverlap="greedy"))


def range_chart(frame: pd.DataFrame, signal_label: str) -> alt.LayerChart:
    """Range reached per session (low and high of the rep signal) against the target lines."""
    long = frame.melt(id_vars=["set"], value_vars=["range low", "range high"], var_name="measure").dropna()
    targets = frame.melt(id_vars=["set"], value_vars=["target low", "target high"], var_name="measure").dropna()
    y = _value_axis("value:Q", signal_label, [*long["value"], *targets["value"]], zero=False)
    legend = alt.Legend(title=None)
    reached = _base(long, f"Range: {signal_label}").mark_line(point=True).encode(
        x=_set_axis(), y=y, color=alt.Color("measure:N", legend=legend))
    target = alt.Chart(targets).mark_tick(thickness=2, size=24, opacity=0.8).encode(
        x=alt.X("set:O", sort=None), y=y, color=alt.Color("measure:N", legend=legend))
    return (reached + target).properties(padding=CHART_PADDING)


def metric_chart(frame: pd.DataFrame, column: str, title: str, percent: bool = False) -> alt.Chart:
    """One per-session number over time (reps, hold, fault rate)."""
    values = frame[column].dropna()
    counts = bool(len(values)) and bool((values == values.round()).all()) and not percent
    return _base(frame.dropna(subset=[column]), title).mark_line(point=True).encode(
        x=_set_axis(), y=_value_axis(f"{column}:Q", column, values, integer=counts, percent=percent),
        tooltip=["set:O", f"{column}:Q"]).properties(padding=CHART_PADDING)


def pain_chart(frame: pd.DataFrame, symptoms: bool = True) -> alt.LayerChart | alt.Chart:
    """Pain before and after each set (0-10); with `symptoms`, the response as coloured markers."""
    long = frame.melt(id_vars=["set", "symptoms"], value_vars=["pain before", "pain after"],
                      var_name="measure").dropna(subset=["value"])
    lines = _base(long, "Pain (0–10)").mark_line(point=True).encode(
        x=_set_axis(), y=alt.Y("value:Q", title="pain", scale=alt.Scale(domain=[0, 10])),
        strokeDash=alt.StrokeDash("measure:N", legend=alt.Legend(title=None)))
    if not symptoms:
        return lines.properties(padding=CHART_PADDING)
    marks = frame.dropna(subset=["symptoms"]).assign(y=10.3)
    dots = alt.Chart(marks).mark_point(filled=True, size=120, shape="triangle-down").encode(
        x=alt.X("set:O", sort=None), y="y:Q", tooltip=["set:O", "symptoms:N"],
        color=alt.Color("symptoms:N", legend=alt.Legend(title="symptoms"),
                        scale=alt.Scale(domain=list(SYMPTOM_COLOURS), range=list(SYMPTOM_COLOURS.values()))))
    return alt.layer(lines, dots).resolve_scale(color="independent").properties(padding=CHART_PADDING)


def adherence_rows(weeks: Iterable[Any]) -> list[dict[str, Any]]:
    """Weekly adherence as table rows, with each exercise's done / prescribed."""
    return [{"week": w.week, "from": w.start.isoformat(), "sets done": w.done_capped, "prescribed": w.prescribed,
             "adherence": "" if w.ratio is None else f"{w.ratio:.0%}",
             **{(EXERCISES[e].title if e in EXERCISES else e): f"{d}/{p}" for e, (d, p) in w.by_exercise.items()}}
            for w in weeks]


# ---------------------------------------------------------------- encouragement

# Pain at or above this after a set (0-10) gets "rest and talk to your therapist" (feedback.coach uses the same).
ENCOURAGE_PAIN_HIGH_MIN_SCORE = 7
# A rise of at least this many points from before to after a set, or from the first to the last rated set, is
# "pain went up": two points is the smallest change a patient reliably feels on a 0-10 scale.
ENCOURAGE_PAIN_RISE_MIN_POINTS = 2


@dataclass(frozen=True)
class SetSignals:
    """What the encouragement rules look at, taken from the patient's saved sets (newest set last).

    Attributes:
        sets: sets saved so far.
        pain_before: the newest set's pain before it (0-10), or None if not given.
        pain_after: the newest set's pain after it (0-10), or None if not given.
        symptoms: the newest set's symptom response ("centralising", "unchanged", "peripheralising"), or None.
        pain_trend: pain after exercise over the rated sets, first to last: "up", "down", "flat", or None for
            fewer than two rated sets.
        week_done: every set planned for this week is done.
        more_reps: how many more reps the newest set has than the first set of the same exercise (0 if not more).
    """

    sets: int
    pain_before: int | None = None
    pain_after: int | None = None
    symptoms: str | None = None
    pain_trend: str | None = None
    week_done: bool = False
    more_reps: int = 0

    @property
    def pain_rise(self) -> int:
        """Points the newest set's pain went up during it (0 when it did not, or is unknown)."""
        if self.pain_before is None or self.pain_after is None:
            return 0
        return max(0, self.pain_after - self.pain_before)


@dataclass(frozen=True)
class EncouragementRule:
    """One row of the message table: when it applies, what is said, and how (st.error, warning or success)."""

    key: str
    applies: Callable[[SetSignals], bool]
    message: str
    level: str = "ok"


# The clinical rules (EXERCISES.md) come first, so praise never follows a set that should have stopped:
# symptoms spreading down the leg mean stop and contact the clinician; high or rising pain means rest and tell
# the therapist. Only then does anything encouraging apply. The first matching row wins.
ENCOURAGEMENT_RULES: tuple[EncouragementRule, ...] = (
    EncouragementRule("none_yet", lambda s: s.sets == 0,
                      "Your first saved set will show up here. Every set counts."),
    EncouragementRule(
        "spreading", lambda s: s.symptoms == "peripheralising",
        "In your last set your symptoms spread down your leg. Stop this exercise and contact your therapist or "
        "clinician before you do it again.", "error"),
    EncouragementRule(
        "pain_high", lambda s: s.pain_after is not None and s.pain_after >= ENCOURAGE_PAIN_HIGH_MIN_SCORE,
        "Your pain was high after your last set. Rest, and talk to your therapist before the next set.", "error"),
    EncouragementRule(
        "pain_rising",
        lambda s: s.pain_rise >= ENCOURAGE_PAIN_RISE_MIN_POINTS or s.pain_trend == "up",
        "Your pain has gone up after exercising. Go gently, and tell your therapist before your next set.",
        "warning"),
    EncouragementRule(
        "centralising", lambda s: s.symptoms == "centralising",
        "Your symptoms moved up towards your back in your last set. That is a good sign. Carry on as prescribed."),
    EncouragementRule("week_done", lambda s: s.week_done,
                      "You have done every set planned for this week. Well done."),
    EncouragementRule("pain_down", lambda s: s.pain_trend == "down",
                      "Your pain after exercise is lower than when you started. Keep it up."),
    EncouragementRule("more_reps", lambda s: s.more_reps > 0,
                      "You did {more_reps} more reps in your last set than in your first. Nice work."),
    EncouragementRule("steady", lambda s: True,
                      "You have saved {sets} set{plural} so far. Steady practice is what helps."),
)


def _int_or_none(x: Any) -> int | None:
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else int(x)


def set_signals(frame: pd.DataFrame, week: Any | None) -> SetSignals:
    """The encouragement rules' inputs from progress_frame (oldest set first) and this week's adherence."""
    week_done = bool(week is not None and week.prescribed and week.done_capped >= week.prescribed)
    if frame.empty:
        return SetSignals(sets=0, week_done=week_done)
    last = frame.iloc[-1]
    rated = frame.dropna(subset=["pain after"])
    trend = None
    if len(rated) >= 2:
        change = rated["pain after"].iloc[-1] - rated["pain after"].iloc[0]
        trend = "up" if change >= ENCOURAGE_PAIN_RISE_MIN_POINTS else "down" if change < 0 else "flat"
    first = frame[frame["exercise"] == last["exercise"]].iloc[0]
    symptoms = last["symptoms"] if isinstance(last["symptoms"], str) else None
    return SetSignals(sets=len(frame), pain_before=_int_or_none(last["pain before"]),
                      pain_after=_int_or_none(last["pain after"]), symptoms=symptoms, pain_trend=trend,
                      week_done=week_done, more_reps=max(0, int(last["reps"]) - int(first["reps"])))


def encourage(signals: SetSignals) -> tuple[str, str, str]:
    """The first rule of ENCOURAGEMENT_RULES that applies, as (key, message, level)."""
    rule = next(r for r in ENCOURAGEMENT_RULES if r.applies(signals))
    text = rule.message.format(sets=signals.sets, plural="s" if signals.sets != 1 else "",
                               more_reps=signals.more_reps)
    return rule.key, text, rule.level


def encouragement(frame: pd.DataFrame, week: Any | None) -> tuple[str, str]:
    """One short, true sentence for the patient's progress page, and its level ("error", "warning" or "ok")."""
    _, text, level = encourage(set_signals(frame, week))
    return text, level
