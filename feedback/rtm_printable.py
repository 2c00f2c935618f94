"""The printable RTM record of one patient for one 30-day period: data-days, time log, interactions, the sets.

It renders store.rtm.RtmReport by attribute (feedback does not import store) as one self-contained HTML page that
prints as it shows. It states facts only and never says a claim can be made. Every piece of text is escaped.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from feedback.printable import STYLE, e, html_table, title_of

_NOWRAP = "<style>td:first-child,td:nth-child(2){white-space:nowrap}</style>"
RTM_NOTE = ("formcheck records these facts as they were saved. Whether they meet a payer's requirements is for "
            "the clinic to decide; formcheck does not say whether any claim can be made.")
# The data-day bands the report states as met or not (store.rtm holds the same numbers for the counting).
BANDS = (("2 to 15 data-days", "in_low_band"), ("16 or more data-days", "in_high_band"))


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def rtm_html(report: Any) -> str:
    """The RTM record as an HTML page.

    Args:
        report: store.rtm.RtmReport (username, clinic_patient_id, time_zone, generated, period, periods, sessions,
            session_days, entries, months).
    """
    head = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>RTM record: {e(report.username)}'
            f"</title><style>{STYLE}</style>{_NOWRAP}</head><body>")
    parts = [head, f"<h1>Remote monitoring record: {e(report.username)}</h1>",
             f"<p>Clinic identifier: {e(report.clinic_patient_id or 'not set')} · days counted in "
             f"{e(report.time_zone)} · generated {e(report.generated.isoformat())}</p>",
             f'<p class="note">{e(RTM_NOTE)}</p>']
    p = report.period
    if p is None:
        parts.append("<p>No set saved yet, so no monitoring period has started.</p></body></html>")
        return "".join(parts)
    last = p.end - timedelta(days=1)
    parts.append(f"<h2>Period {p.index}: {e(p.start.isoformat())} to {e(last.isoformat())} (30 days)</h2>")
    parts.append(html_table(["data-days (days with at least one set)", *(b for b, _ in BANDS)],
                            [[p.data_days, *(_yes(getattr(p, attr)) for _, attr in BANDS)]]))
    parts.append(f"<p>Days with data: {e(', '.join(d.strftime('%d %b') for d in p.days) or 'none')}.</p>")
    parts.append("<h2>Therapist time, calendar months overlapping the period</h2>")
    parts.append(html_table(["month", "minutes logged", "entries", "live interactions"],
                            [[m.label, m.minutes, m.entries, m.live_interactions] for m in report.months])
                 if report.months else "<p>No time logged in these months.</p>")
    parts.append("<h2>Time log within the period</h2>")
    parts.append(html_table(["date", "therapist", "minutes", "live interaction", "what was done"],
                            [[x.on_date.isoformat(), x.therapist or "(account removed)", x.minutes,
                              _yes(x.live_interaction), x.activity] for x in report.entries])
                 if report.entries else "<p>No time logged within the period.</p>")
    live = [x for x in report.entries if x.live_interaction]
    parts.append(f"<p>Live interactions with the patient within the period: {len(live)}"
                 + (f" ({e(', '.join(x.on_date.isoformat() for x in live))})" if live else "") + ".</p>")
    parts.append("<h2>The sets behind the data-days</h2>")
    parts.append(html_table(
        ["day", "started (UTC)", "exercise", "source", "reps", "best hold (s)", "pain before", "pain after"],
        [[report.session_days[s.id].isoformat(), s.started_at.strftime("%Y-%m-%d %H:%M"), title_of(s.exercise),
          getattr(s.source, "value", s.source), s.reps, s.best_hold_s, s.pain_before, s.pain_after]
         for s in report.sessions]) if report.sessions else "<p>No sets in this period.</p>")
    parts.append("</body></html>")
    return "".join(parts)
