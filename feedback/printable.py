"""The printable report of a patient: programme, adherence, and per exercise the range and pain charts and the faults.

It renders plain data (store.export.PatientReportData, read by attribute: feedback does not import store) as one
self-contained HTML page. The charts are inline SVG drawn here, so the report needs no script, no network and no
new dependency, and prints as it shows. Every piece of text (a therapist's notes, a username, a fault's wording)
is escaped.
"""

from __future__ import annotations

import html
import math
import statistics
from collections.abc import Sequence
from typing import Any

from exercises.judged import fault_measurement
from exercises.registry import EXERCISES
from exercises.spec import value_decimals
from feedback.charts import label_of
from feedback.views import SYMPTOM_COLOURS, item_row
from feedback.wording import (
    VIEW_HIDDEN_WARN_MIN_RATIO,
    WORDING,
    description,
    fault_words,
    lost_from_view,
    measure_name,
    not_seen_because,
    one_end_note,
    partial_text,
)

# The SVG canvas in user units (text is 14 of them); it scales to its figure: up to 620 px on screen, and
# the full text width on paper, so the labels print at about 10 pt.
CHART_W, CHART_H = 560, 260
_PAD_L, _PAD_R, _PAD_T, _PAD_B = 58, 12, 52, 48
# At most this many set labels under the x axis; more are thinned so they never overlap.
CHART_MAX_X_LABELS = 10
# Colours that stay apart in greyscale too: the lines also differ by marker shape and dash.
HIGH_COLOUR, LOW_COLOUR, TARGET_COLOUR = "#1f4e99", "#c05a00", "#555555"
SYMPTOM_WORDS = {"centralising": "moved towards the back", "unchanged": "unchanged",
                 "peripheralising": "spread down the leg"}
DONE_COLOUR, PRESCRIBED_COLOUR = "#1f4e99", "#d9d9d9"
PROPOSAL_WORDS = {"progress": "Progress", "regress": "Regress", "pause": "Pause"}
DECISION_WORDS = {"accepted": "accepted", "edited": "accepted with changes", "rejected": "rejected",
                  "superseded": "set aside (a newer set or programme came first)", "pending": "waiting for a decision"}

STYLE = """
body{font-family:sans-serif;margin:2em;color:#111;max-width:60em}
table{border-collapse:collapse;margin-bottom:1.5em}
th,td{border:1px solid #999;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eee}
section:last-of-type td:first-child{white-space:nowrap}
.glance th{width:14em}
.charts>div{flex:1 1 16em}
.note{color:#444;font-size:.95em}
.range{font-size:1.05em}
.charts{display:flex;flex-wrap:wrap;gap:1em}
figure{margin:0 0 1em 0;flex:1 1 22em;max-width:620px}
figcaption{font-weight:bold;margin-bottom:.25em}
svg{width:100%;height:auto;display:block}
svg text{font-family:sans-serif;font-size:14px;fill:#111}
@page{size:A4;margin:14mm 14mm 16mm 14mm}
@media print{
  body{margin:0;max-width:none;font-size:10.5pt}
  h2+p,h2+p+p,.part>p.note{break-after:avoid;page-break-after:avoid}
  .glance,.charts>div table{break-inside:avoid;page-break-inside:avoid}
  .noprint{display:none}
  h2,h3,figcaption{break-after:avoid;page-break-after:avoid}
  figure,tr{break-inside:avoid;page-break-inside:avoid}
  figure{flex:1 1 100%;max-width:15cm}
  th{background:#eee;-webkit-print-color-adjust:exact;print-color-adjust:exact}
  svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""

e = html.escape


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def html_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """An HTML table, every cell escaped; None and NaN shown as a dash."""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{e(_fmt(v))}</td>" for v in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def title_of(exercise: str) -> str:
    """The exercise's title, or its name when it is not registered."""
    return EXERCISES[exercise].title if exercise in EXERCISES else exercise


# ---------------------------------------------------------------- SVG charts


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About n round values covering lo..hi."""
    span = hi - lo or 1.0
    raw = span / max(1, n - 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    return [round(start + k * step, 6) for k in range(int(math.ceil((hi - start) / step)) + 1)]


class _Frame:
    """The plot area of one chart: x is the set's index (ordinal), y a value."""

    def __init__(self, n: int, y_lo: float, y_hi: float) -> None:
        self.n, self.y_lo, self.y_hi = n, y_lo, y_hi
        self.x0, self.x1 = _PAD_L, CHART_W - _PAD_R
        self.y0, self.y1 = CHART_H - _PAD_B, _PAD_T  # y0 is the bottom

    def x(self, i: int) -> float:
        step = (self.x1 - self.x0) / self.n
        return self.x0 + step * (i + 0.5)

    def y(self, v: float) -> float:
        return self.y0 - (v - self.y_lo) / (self.y_hi - self.y_lo) * (self.y0 - self.y1)


def _axes(f: _Frame, ticks: Sequence[float], y_title: str, x_labels: Sequence[str]) -> list[str]:
    out = [f'<rect x="{f.x0}" y="{f.y1}" width="{f.x1 - f.x0}" height="{f.y0 - f.y1}" fill="none" '
           f'stroke="#999"/>']
    for t in ticks:
        y = f.y(t)
        out.append(f'<line x1="{f.x0}" x2="{f.x1}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                   f'<text x="{f.x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{e(_fmt(float(t)))}</text>')
    out.append(f'<text transform="translate(16 {(f.y0 + f.y1) / 2:.1f}) rotate(-90)" text-anchor="middle">'
               f'{e(y_title)}</text>')
    every = max(1, math.ceil(len(x_labels) / CHART_MAX_X_LABELS))
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == len(x_labels) - 1:
            out.append(f'<text x="{f.x(i):.1f}" y="{f.y0 + 16}" text-anchor="middle">{e(label)}</text>')
    out.append(f'<text x="{(f.x0 + f.x1) / 2:.1f}" y="{CHART_H - 8}" text-anchor="middle">set (date)</text>')
    return out


def _legend(entries: Sequence[tuple[str, str]]) -> str:
    """Legend above the plot: (swatch SVG drawn around 0,0, label) pairs, left to right, wrapping onto a 2nd row."""
    out, x, y = [], _PAD_L, 14
    for swatch, label in entries:
        width = 34 + 7.6 * len(label)  # 14-unit sans-serif: about 7.6 units a character
        if x + width > CHART_W and x > _PAD_L:
            x, y = _PAD_L, y + 18
        out.append(f'<g transform="translate({x:.0f} {y})">{swatch}<text x="22" y="5">{e(label)}</text></g>')
        x += width
    return "".join(out)


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        return f'<path d="M{x - 6:.1f},{y - 5:.1f} h12 l-6,10 z" fill="{colour}" stroke="#111" stroke-width=".5"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def _line(f: _Frame, values: Sequence[float | None], colour: str, shape: str, dash: str = "") -> list[str]:
    """A polyline through the known values (a gap where one is missing) with a marker on each."""
    out, run = [], []
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    for i, v in enumerate([*values, None]):
        if v is not None and math.isfinite(v):
            run.append((f.x(i), f.y(v)))
            continue
        if len(run) > 1:
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        out += [_marker(shape, x, y, colour) for x, y in run]
        run = []
    return out


def _svg(title: str, body: Sequence[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_W} {CHART_H}" role="img" '
            f'aria-label="{e(title)}"><title>{e(title)}</title>{"".join(body)}</svg>')


def _set_labels(points: Sequence[Any]) -> list[str]:
    return [f"{p.started_at:%d %b}" for p in points]


def range_svg(points: Sequence[Any], signal_label: str, decimals: int = 0) -> str:
    """Range reached against target over the sets: the rep signal's low and high per set, targets as dashes.

    Args:
        points: store.repo.ProgressPoint-like, oldest first (range_low/high, target_low/high, started_at).
        signal_label: the y axis title, with its unit (e.g. "knee (°)").
        decimals: the places the measure is read to (_decimals): the axis spans at least 5 units of the last place
            either side, 5° for an angle, 0.05 for a ratio (whose whole range fits inside 5).
    """
    lows = [p.range_low for p in points]
    highs = [p.range_high for p in points]
    values = [v for v in [*lows, *highs, *(p.target_low for p in points), *(p.target_high for p in points)]
              if v is not None and math.isfinite(v)]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    pad = max(5.0 * 10.0 ** -decimals, (hi - lo) * 0.08)
    ticks = _ticks(lo - pad, hi + pad)
    f = _Frame(len(points), ticks[0], ticks[-1])
    body = _axes(f, ticks, signal_label, _set_labels(points))
    half = min(18.0, (f.x1 - f.x0) / max(1, len(points)) * 0.35)
    for i, p in enumerate(points):  # the thresholds in force for each set (they change with the programme)
        for t in (p.target_low, p.target_high):
            if t is not None and math.isfinite(t):
                body.append(f'<line x1="{f.x(i) - half:.1f}" x2="{f.x(i) + half:.1f}" y1="{f.y(t):.1f}" '
                            f'y2="{f.y(t):.1f}" stroke="{TARGET_COLOUR}" stroke-width="2.5" stroke-dasharray="4 3"/>')
    body += _line(f, highs, HIGH_COLOUR, "circle")
    body += _line(f, lows, LOW_COLOUR, "square")
    body.append(_legend([
        (_marker("circle", 8, 0, HIGH_COLOUR), "highest reached"),
        (_marker("square", 8, 0, LOW_COLOUR), "lowest reached"),
        (f'<line x1="0" x2="16" y1="0" y2="0" stroke="{TARGET_COLOUR}" stroke-width="2.5" stroke-dasharray="4 3"/>',
         "targets (thresholds)")]))
    return _svg(f"Range reached against target: {signal_label}", body)


def pain_svg(points: Sequence[Any]) -> str:
    """Pain before (dashed) and after (solid) each set on 0-10, the symptom response as a coloured triangle."""
    f = _Frame(len(points), 0.0, 11.0)
    body = _axes(f, range(0, 11, 2), "pain (0–10)", _set_labels(points))
    body += _line(f, [p.pain_before for p in points], "#777777", "square", dash="6 4")
    body += _line(f, [p.pain_after for p in points], "#111111", "circle")
    for i, p in enumerate(points):
        symptom = getattr(p.symptom_response, "value", p.symptom_response)
        if symptom in SYMPTOM_COLOURS:
            body.append(_marker("triangle", f.x(i), f.y(10.5), SYMPTOM_COLOURS[symptom]))
    body.append(_legend([
        ('<line x1="0" x2="16" y1="0" y2="0" stroke="#777" stroke-width="2" stroke-dasharray="6 4"/>', "before"),
        (_marker("circle", 8, 0, "#111111"), "after"),
        *((_marker("triangle", 8, 0, colour), SYMPTOM_WORDS[s]) for s, colour in SYMPTOM_COLOURS.items())]))
    return _svg("Pain before and after each set (0–10)", body)


def adherence_svg(weeks: Sequence[Any]) -> str:
    """Sets done (counting at most the prescribed per exercise) against prescribed, one pair of bars a week.

    Args:
        weeks: store.repo.AdherenceWeek-like (week, start, done_capped, prescribed, ratio), oldest first.
    """
    top = max([w.prescribed for w in weeks] + [w.done_capped for w in weeks] + [1])
    ticks = _ticks(0.0, float(top) * 1.1)
    f = _Frame(len(weeks), 0.0, ticks[-1])
    body = _axes(f, ticks, "sets", [f"{w.start:%d %b}" for w in weeks])
    body[-1] = (f'<text x="{(f.x0 + f.x1) / 2:.1f}" y="{CHART_H - 8}" text-anchor="middle">'
                "programme week (first day)</text>")
    width = min(40.0, (f.x1 - f.x0) / max(1, len(weeks)) * 0.35)
    for i, w in enumerate(weeks):
        for value, colour, dx in ((w.prescribed, PRESCRIBED_COLOUR, -width), (w.done_capped, DONE_COLOUR, 0.0)):
            y = f.y(value)
            body.append(f'<rect x="{f.x(i) + dx:.1f}" y="{y:.1f}" width="{width:.1f}" height="{f.y0 - y:.1f}" '
                        f'fill="{colour}" stroke="#555" stroke-width=".5"/>')
        if w.ratio is not None:
            body.append(f'<text x="{f.x(i):.1f}" y="{f.y(max(w.prescribed, w.done_capped)) - 6:.1f}" '
                        f'text-anchor="middle">{w.ratio:.0%}</text>')
    body.append(_legend([
        (f'<rect x="0" y="-6" width="16" height="12" fill="{PRESCRIBED_COLOUR}" stroke="#555"/>', "prescribed"),
        (f'<rect x="0" y="-6" width="16" height="12" fill="{DONE_COLOUR}" stroke="#555"/>', "done")]))
    return _svg("Sets done against prescribed, week by week", body)


def _dose(reps: int | None, hold_s: float | None) -> str:
    parts = ([f"{reps} reps"] if reps is not None else []) + ([f"{hold_s:g} s hold"] if hold_s is not None else [])
    return ", ".join(parts) or "paused"


def _symptom_counts(sessions: Sequence[Any]) -> str:
    counts = {k: 0 for k in (*SYMPTOM_WORDS, None)}
    for s in sessions:
        counts[getattr(s.symptom_response, "value", s.symptom_response)] += 1
    words = [f"{n} {SYMPTOM_WORDS[k]}" for k, n in counts.items() if k is not None]
    return ", ".join(words) + (f", {counts[None]} not given" if counts[None] else "")


def _mean(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _pain_text(sessions: Sequence[Any]) -> str:
    before, after = _mean([s.pain_before for s in sessions]), _mean([s.pain_after for s in sessions])
    rated = [s for s in sessions if s.pain_after is not None]
    if after is None:
        return "no pain ratings given"
    text = f"on average {before:.1f} before and {after:.1f} after a set" if before is not None \
        else f"on average {after:.1f} after a set"
    if len(rated) > 1:
        text += f" (after the first rated set {rated[0].pain_after}, after the latest {rated[-1].pain_after})"
    return text


def _glance(data: Any) -> str:
    """The first table: range, sets, adherence, symptoms, pain, proposals."""
    days = {s.started_at.date() for s in data.sessions}
    done, prescribed = sum(w.done_capped for w in data.weeks), sum(w.prescribed for w in data.weeks)
    first = data.start or (min(days) if days else None)
    last = data.end or data.today
    proposals = getattr(data, "proposals", [])
    decided = [p for p in proposals if p.status in ("accepted", "edited", "rejected")]
    rows = [
        ("Period", f"{first.isoformat() if first else '–'} to {last.isoformat()}"),
        ("Sets saved", f"{len(data.sessions)} on {len(days)} day{'s' if len(days) != 1 else ''}"),
        ("Adherence", f"{done} of {prescribed} prescribed sets ({done / prescribed:.0%})" if prescribed
         else "no programme in force"),
        ("Symptoms after the sets", _symptom_counts(data.sessions) if data.sessions else "–"),
        ("Pain (0–10)", _pain_text(data.sessions)),
        ("Dose proposals", f"{len(proposals)} made, {len(decided)} decided" if proposals else "none"),
    ]
    body = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    return f'<table class="glance"><tbody>{body}</tbody></table>'


def _proposals_section(proposals: Sequence[Any]) -> str:
    rows = [[p.created_at.strftime("%Y-%m-%d"), title_of(p.exercise),
             f"{PROPOSAL_WORDS.get(p.kind, p.kind)}: {_dose(p.from_reps, p.from_hold_s)} → "
             f"{_dose(p.to_reps, p.to_hold_s)}",
             "; ".join(p.reasons),
             DECISION_WORDS.get(p.status, p.status) + (f": {_dose(p.decided_reps, p.decided_hold_s)}"
                                                      if p.status == "edited" else ""),
             None if p.decided_at is None else p.decided_at.strftime("%Y-%m-%d"), p.decision_note or None]
            for p in proposals]
    return ('<section class="part"><h2>Proposed doses and decisions</h2><p class="note">formcheck proposes the next '
            "dose from rules over the sets; only the therapist's decision changes the programme.</p>"
            + html_table(["proposed", "exercise", "proposal", "reasons", "decision", "decided", "note"], rows)
            + "</section>")


def _span(low: float | None, high: float | None, decimals: int = 0) -> str | None:
    """"95–166": a range, in whole degrees unless `decimals` says more; "?" for an unknown end.

    Angles are not more precise than a degree; a ratio (a share of a length) needs its decimals.
    """
    if low is None and high is None:
        return None
    return "–".join("?" if v is None else f"{v:.{decimals}f}" for v in (low, high))


def _decimals(exercise: str) -> int:
    """Places a range of the exercise's rep measure is shown to: one fewer than a rep's own values.

    A rep's values are reported to exercises.spec.value_decimals places; a range one coarser, so whole degrees and a
    ratio to two. The knees' roll in trunk lengths reads -0.43 to 0.00, which in whole units was "-0–0".
    """
    spec = EXERCISES.get(exercise)
    return 0 if spec is None else value_decimals(spec.rep.signal) - 1


def _range_text(points: Sequence[Any], unit_label: str, decimals: int = 0) -> str:
    known = [p for p in points if p.range_low is not None or p.range_high is not None]
    if not known:
        return ""
    first, last = known[0], known[-1]

    return (f'<p class="range">{e(unit_label)}, lowest–highest reached: first set '
            f"{e(_span(first.range_low, first.range_high, decimals))}, "
            f"latest {e(_span(last.range_low, last.range_high, decimals))}; "
            f"targets in force for the latest: {e(_fmt(last.target_low))} and {e(_fmt(last.target_high))}.</p>")


# ---------------------------------------------------------------- tables


def fault_rows(sessions: Sequence[Any], sets: dict[int, Any]) -> list[list[Any]]:
    """One row per fault across the given sets: wording, sets with it, times flagged, last seen; most sets first."""
    seen: dict[str, list[Any]] = {}
    for s in sessions:
        for code, count in sets[s.id].faults.items():
            row = seen.setdefault(code, [0, 0, None])
            row[0] += 1
            row[1] += int(count)
            row[2] = max(row[2] or s.started_at, s.started_at)
    ordered = sorted(seen.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    return [[description(code) if code in WORDING else code, f"{n_sets} of {len(sessions)}", times,
             f"{last:%Y-%m-%d}"] for code, (n_sets, times, last) in ordered]


def _sets(n: int) -> str:
    return f"set{'s' if n != 1 else ''}"


def unchecked_text(exercise: str, sessions: Sequence[Any], sets: dict[int, Any]) -> str:
    """Faults the sets, or some of their reps, could not check, in a sentence or two ("" when none): which, where, why.

    E.g. "Not checked: hips hiking in 3 of 4 sets (hip level: it shows only from in front or from behind)." and
    "Not checked in some reps: pelvis lift in 1 of 4 sets, 2 reps (resting leg: it shows only from the side)."

    Args:
        exercise: the exercise's name (its spec says why each fault could not be measured).
        sessions: its saved sets in the report.
        sets: session id -> what its saved report says: the faults the whole set could not check (`unchecked`), and
            those only some of its reps or partial reps could not (`rep_unchecked`: code -> how many).
    """
    spec = EXERCISES.get(exercise)
    if spec is None:
        return ""
    whole: dict[str, int] = {}
    some: dict[str, list[int]] = {}  # code -> [sets, reps]
    for s in sessions:
        facts = sets[s.id]
        for code in facts.unchecked:
            whole[code] = whole.get(code, 0) + 1
        for code, reps in facts.rep_unchecked.items():
            counts = some.setdefault(code, [0, 0])
            counts[0], counts[1] = counts[0] + 1, counts[1] + reps
    n = len(sessions)

    def why(code: str) -> str:
        u = fault_measurement(spec, code)
        return f"{measure_name(u.signal)}: {not_seen_because(u.plane)}"

    sentences = []
    if whole:
        sentences.append("Not checked: " + "; ".join(
            f"{fault_words(code)} in {k} of {n} {_sets(n)} ({why(code)})" for code, k in whole.items()) + ".")
    if some:
        sentences.append("Not checked in some reps: " + "; ".join(
            f"{fault_words(code)} in {k} of {n} {_sets(n)}, {reps} rep{'s' if reps != 1 else ''} ({why(code)})"
            for code, (k, reps) in some.items()) + ".")
    return " ".join(sentences)


def one_end_text(exercise: str, sessions: Sequence[Any], sets: dict[int, Any]) -> str:
    """The sets of cycles seen at one end only (store.export.SavedSetFacts.one_end_only), once for the exercise.

    E.g. "Seen at one end only: 2 of 5 sets counted no full rep. In the latest, the patient's knees were seen rolling
    to their right, but not to their left, ...". "" when there are none.
    """
    seen = [s for s in sessions if sets[s.id].one_end_only]
    if not seen:
        return ""
    latest = max(seen, key=lambda s: s.started_at)
    note = one_end_note(exercise, sets[latest.id].one_end_only)
    n = len(sessions)
    return (f"Seen at one end only: {len(seen)} of {n} {_sets(n)} counted no full rep. In the latest, "
            f"{note[0].lower()}{note[1:]}")


def unseen_text(exercise: str, sessions: Sequence[Any], sets: dict[int, Any]) -> str:
    """The sets the patient was lost from view in mid-set (SavedSetFacts.unseen_max_s), once for the exercise.

    As the saved set's own page says it for one set (feedback.wording.unseen_gap_note).

    E.g. "Lost from view mid-set: 2 of 5 sets, for up to 5 s: reps or hold time there may be missing." "" when
    there are none, and for a walk, which leaves the picture at every turn.
    """
    gaps = [sets[s.id].unseen_max_s for s in sessions]
    lost = [g for g in gaps if lost_from_view(exercise, g)]  # NaN (saved before rows carried it) never is
    if not lost:
        return ""
    n = len(sessions)
    return (f"Lost from view mid-set: {len(lost)} of {n} {_sets(n)}, for up to {max(lost):.0f} s: reps or hold time "
            "there may be missing.")


def view_hidden_text(sessions: Sequence[Any], sets: dict[int, Any]) -> str:
    """The sets filmed too far round for their rep measurement (SavedSetFacts.view_hidden_ratio), once per exercise.

    As the saved set's own page says it for one set (feedback.wording.view_hidden_note), from the same share up.

    E.g. "Filmed too far round: 2 of 5 sets, about 56° off side-on, the movement not measured in up to 40% of the
    set: counts may be low." "" when there are none.
    """
    hidden = [sets[s.id] for s in sessions if sets[s.id].view_hidden_ratio >= VIEW_HIDDEN_WARN_MIN_RATIO]
    if not hidden:
        return ""
    views = [f.view_hidden_deg for f in hidden if math.isfinite(f.view_hidden_deg)]
    where = f", about {statistics.median(views):.0f}° off side-on" if views else ""
    n = len(sessions)
    return (f"Filmed too far round: {len(hidden)} of {n} {_sets(n)}{where}, the movement not measured in up to "
            f"{max(f.view_hidden_ratio for f in hidden):.0%} of the set: counts may be low.")


def _measured_text(pose_coverage: float, facts: Any) -> str:
    """The "measured" cell of a set: the share of frames with a pose, and the share too far round where it warns.

    E.g. "96%, 40% too far round": the note above the exercise says it for the sets together; this says which.
    """
    text = f"{pose_coverage:.0%}"
    if facts.view_hidden_ratio >= VIEW_HIDDEN_WARN_MIN_RATIO:
        text += f", {facts.view_hidden_ratio:.0%} too far round"
    return text


def _exercise_section(exercise: str, points: Sequence[Any], sessions: Sequence[Any], data: Any) -> str:
    spec = EXERCISES.get(exercise)
    signal = label_of(spec.rep.signal) if spec is not None else "range"
    decimals = _decimals(exercise)
    parts = [f'<section class="exercise"><h2>{e(title_of(exercise))}</h2>',
             f"<p>{len(sessions)} {_sets(len(sessions))} saved. Symptoms after the sets: "
             f"{e(_symptom_counts(sessions))}. Pain {e(_pain_text(sessions))}.</p>",
             _range_text(points, signal, decimals),
             '<div class="charts">',
             f"<figure><figcaption>Range reached against target: {e(signal)}</figcaption>"
             f"{range_svg(points, signal, decimals)}</figure>",
             f"<figure><figcaption>Pain before and after each set</figcaption>{pain_svg(points)}</figure></div>",
             "<h3>Faults</h3>"]
    rows = fault_rows(sessions, data.sets)
    unseen = unchecked_text(exercise, sessions, data.sets)
    parts.append(html_table(["fault", "sets with it", "times flagged", "last seen"], rows) if rows
                 else f"<p>No faults flagged{' among those checked' if unseen else ''}.</p>")
    if unseen:  # "no fault" for these means not seen, not good form
        parts.append(f'<p class="note">{e(unseen)}</p>')
    if one_end := one_end_text(exercise, sessions, data.sets):  # a 0 that is the camera's, not the patient's
        parts.append(f'<p class="note">{e(one_end)}</p>')
    if lost := unseen_text(exercise, sessions, data.sets):  # a count short for the camera, not the patient
        parts.append(f'<p class="note">{e(lost)}</p>')
    if turned := view_hidden_text(sessions, data.sets):  # ... or for where the camera stood
        parts.append(f'<p class="note">{e(turned)}</p>')
    parts.append("</section>")
    return "".join(parts)


def report_html(data: Any) -> str:
    """The printable report: at a glance, programme, adherence, per exercise charts and faults, doses, every set.

    Args:
        data: store.export.PatientReportData (username, today, programmes, weeks, sessions, progress, faults, and
            the date range and proposals when given).
    """
    parts = [f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>formcheck report: '
             f"{e(data.username)}</title><style>{STYLE}</style></head><body>",
             f"<h1>formcheck report: {e(data.username)}</h1><p>Generated {e(data.today.isoformat())}. formcheck gives "
             "feedback on exercise form; it is not a diagnosis and not medical advice.</p>", _glance(data)]
    for p in data.programmes:
        parts.append(f"<h2>Programme from {e(p.start_date.isoformat())}</h2>")
        if p.notes:
            parts.append(f"<p>{e(p.notes)}</p>")
        rows = [item_row(i) for i in p.items]
        parts.append(html_table(list(rows[0]) if rows else [], [list(r.values()) for r in rows]))
    if data.weeks:
        parts.append("<h2>Adherence</h2>")
        parts.append(f'<div class="charts"><figure><figcaption>Sets done against prescribed</figcaption>'
                     f"{adherence_svg(data.weeks)}</figure><div>")
        parts.append(html_table(["week", "from", "sets done", "prescribed", "adherence"],
                                [[w.week, w.start.isoformat(), w.done_capped, w.prescribed,
                                  None if w.ratio is None else f"{w.ratio:.0%}"] for w in data.weeks]))
        parts.append('<p class="note">Sets done count at most the prescribed sets of each exercise; a new programme '
                     "version starts its weeks again at 1.</p></div></div>")
    by_exercise: dict[str, list[Any]] = {}
    for s in data.sessions:
        by_exercise.setdefault(s.exercise, []).append(s)
    for exercise, points in data.progress.items():
        parts.append(_exercise_section(exercise, points, by_exercise.get(exercise, []), data))
    if getattr(data, "proposals", None):
        parts.append(_proposals_section(data.proposals))
    parts.append('<section class="exercise"><h2>Every set</h2>')
    parts.append(html_table(
        ["date (UTC)", "exercise", "source", "reps", "faulted reps", "best hold (s)", "range", "measured",
         "pain before", "pain after", "symptoms"],
        [[s.started_at.strftime("%Y-%m-%d %H:%M"), title_of(s.exercise), getattr(s.source, "value", s.source),
          partial_text(s.reps, data.sets[s.id].partial_reps), s.faulted_reps, s.best_hold_s,
          _span(s.range_low, s.range_high, _decimals(s.exercise)),
          _measured_text(s.pose_coverage, data.sets[s.id]), s.pain_before, s.pain_after,
          SYMPTOM_WORDS.get(getattr(s.symptom_response, "value", None), None)] for s in data.sessions]))
    parts.append("</section></body></html>")
    return "".join(parts)
