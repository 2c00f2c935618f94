"""Remote therapeutic monitoring (RTM) records: data-days per 30-day period, the therapist's time log, the report.

formcheck records facts here and nothing more: which calendar days had at least one set, how many minutes a
therapist logged in a calendar month and whether they spoke with the patient live. It never says whether a
claim can be made; the clinic reads the figures against the payer's rules. The figures the US 2026 RTM rules
count are the thresholds below (data-days in a 30-day period: 2-15, or 16 or more).

A set counts for the calendar day it was done on in the patient's time zone (User.time_zone), else the clinic's
($FORMCHECK_CLINIC_TIME_ZONE), else UTC: a set at 23:30 in Chicago is that day there, though it is the next in UTC.
"""

from __future__ import annotations

import calendar
import csv
import io
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.auth import Actor
from store.models import MINUTES_PER_DAY, TherapistTime, User, utc_now
from store.repo import SessionSummary, _commit, check_patient, check_time_zone, list_sessions, require_therapist

RTM_PERIOD_DAYS = 30  # a monitoring period: 30 days from the first monitored day, then the next 30, ...
DATA_DAYS_LOW_MIN = 2  # the lower data-day band: 2 to 15 days with data in a period ...
DATA_DAYS_LOW_MAX = 15
DATA_DAYS_HIGH_MIN = 16  # ... and the upper one: 16 days or more
ACTIVITY_MAX_CHARS = 500  # what was done, in a line or two
CLINIC_TIME_ZONE_ENV = "FORMCHECK_CLINIC_TIME_ZONE"


@dataclass(frozen=True)
class DataDayPeriod:
    """One 30-day monitoring period and the calendar days in it with at least one set."""

    index: int  # 1 for the period starting on the first monitored day
    start: date
    end: date  # exclusive: start + RTM_PERIOD_DAYS
    days: tuple[date, ...]

    @property
    def data_days(self) -> int:
        """Distinct calendar days with at least one set."""
        return len(self.days)

    @property
    def in_low_band(self) -> bool:
        """Data-days within DATA_DAYS_LOW_MIN..DATA_DAYS_LOW_MAX (2-15)."""
        return DATA_DAYS_LOW_MIN <= self.data_days <= DATA_DAYS_LOW_MAX

    @property
    def in_high_band(self) -> bool:
        """Data-days at least DATA_DAYS_HIGH_MIN (16)."""
        return self.data_days >= DATA_DAYS_HIGH_MIN


@dataclass(frozen=True)
class TimeEntry:
    """Minutes a therapist logged for a patient on one calendar day."""

    id: int
    therapist: str | None  # the therapist's username (None once their account is gone)
    on_date: date
    minutes: int
    activity: str
    live_interaction: bool


@dataclass(frozen=True)
class MonthTime:
    """The time log of one calendar month: total minutes, live interactions among the entries."""

    year: int
    month: int
    minutes: int
    entries: int
    live_interactions: int

    @property
    def label(self) -> str:
        """E.g. "November 2026"."""
        return f"{calendar.month_name[self.month]} {self.year}"


def patient_zone(time_zone: str | None) -> ZoneInfo:
    """The zone a patient's days are counted in: theirs, else $FORMCHECK_CLINIC_TIME_ZONE, else UTC."""
    return ZoneInfo(check_time_zone(time_zone or os.environ.get(CLINIC_TIME_ZONE_ENV) or "UTC"))


def local_day(when: datetime, zone: ZoneInfo) -> date:
    """The calendar day `when` (timezone-aware) falls on in `zone`."""
    return when.astimezone(zone).date()


def data_day_periods(set_times: Iterable[datetime], zone: ZoneInfo, until: date | None = None
                     ) -> list[DataDayPeriod]:
    """30-day periods from the first day with a set, each with its days with at least one set.

    Args:
        set_times: when each set started (timezone-aware); several on one day count once.
        zone: the time zone whose calendar days count.
        until: periods run up to the one holding this day (default: the one holding the last set).
    """
    days = sorted({local_day(t, zone) for t in set_times})
    if not days:
        return []
    first, last = days[0], max(days[-1], until or days[-1])
    periods = []
    for k in range((last - first).days // RTM_PERIOD_DAYS + 1):
        start = first + timedelta(days=k * RTM_PERIOD_DAYS)
        end = start + timedelta(days=RTM_PERIOD_DAYS)
        periods.append(DataDayPeriod(k + 1, start, end, tuple(d for d in days if start <= d < end)))
    return periods


def month_totals(entries: Iterable[TimeEntry]) -> list[MonthTime]:
    """Minutes and live interactions per calendar month, oldest first."""
    minutes, count, live = Counter(), Counter(), Counter()
    for e in entries:
        key = (e.on_date.year, e.on_date.month)
        minutes[key] += e.minutes
        count[key] += 1
        live[key] += int(e.live_interaction)
    return [MonthTime(y, m, minutes[(y, m)], count[(y, m)], live[(y, m)]) for y, m in sorted(minutes)]


# ---------------------------------------------------------------- the time log


def log_time(db: Session, actor: Actor, patient_id: int, on_date: date, minutes: int, activity: str,
             live_interaction: bool) -> TimeEntry:
    """Log a therapist's time on a patient's monitoring (their own patients only); one transaction.

    Raises:
        PermissionDenied: not a therapist, or not this patient's.
        ValueError: minutes not a whole number from 1 to a day's, an empty or too long activity, a future date.
    """
    require_therapist(db, actor)
    check_patient(db, actor, patient_id)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MINUTES_PER_DAY:
        raise ValueError(f"minutes must be a whole number from 1 to {MINUTES_PER_DAY}, got {minutes!r}")
    activity = str(activity).strip()
    if not activity or len(activity) > ACTIVITY_MAX_CHARS:
        raise ValueError(f"say what was done, in 1 to {ACTIVITY_MAX_CHARS} characters")
    if on_date > utc_now().date() + timedelta(days=1):  # a day's grace for zones ahead of UTC
        raise ValueError(f"time cannot be logged for a future day ({on_date.isoformat()})")
    row = TherapistTime(patient_id=patient_id, therapist_id=actor.id, on_date=on_date, minutes=minutes,
                        activity=activity, live_interaction=bool(live_interaction))
    db.add(row)
    _commit(db)
    return TimeEntry(row.id, actor.username, on_date, minutes, activity, bool(live_interaction))


def time_entries(db: Session, actor: Actor, patient_id: int, start: date | None = None, end: date | None = None
                 ) -> list[TimeEntry]:
    """The patient's time log, oldest first, from `start` up to `end` (exclusive) when given."""
    check_patient(db, actor, patient_id)
    q = (select(TherapistTime, User.username).outerjoin(User, User.id == TherapistTime.therapist_id)
         .where(TherapistTime.patient_id == patient_id))
    if start is not None:
        q = q.where(TherapistTime.on_date >= start)
    if end is not None:
        q = q.where(TherapistTime.on_date < end)
    rows = db.execute(q.order_by(TherapistTime.on_date, TherapistTime.id))
    return [TimeEntry(t.id, name, t.on_date, t.minutes, t.activity, t.live_interaction) for t, name in rows]


def month_time(db: Session, actor: Actor, patient_id: int, day: date) -> MonthTime:
    """The time logged for the patient in the calendar month holding `day` ("review time this month")."""
    first = day.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    totals = month_totals(time_entries(db, actor, patient_id, first, after))
    return totals[0] if totals else MonthTime(day.year, day.month, 0, 0, 0)


# ---------------------------------------------------------------- the report


@dataclass(frozen=True)
class RtmReport:
    """One patient's RTM record for one 30-day period, as plain data (feedback.rtm_printable renders it)."""

    username: str
    clinic_patient_id: str | None
    time_zone: str
    generated: date
    period: DataDayPeriod | None  # None: no set saved yet
    periods: list[DataDayPeriod]  # every period so far, for choosing another
    sessions: list[SessionSummary]  # the sets behind the data-days, oldest first
    session_days: dict[int, date]  # session id -> the calendar day it counts for
    entries: list[TimeEntry]  # time logged within the period
    months: list[MonthTime]  # whole calendar months overlapping the period


def rtm_report(db: Session, actor: Actor, patient_id: int, period_index: int | None = None,
               today: date | None = None) -> RtmReport:
    """The RTM record of a patient for one period (default: the latest), after the usual access check.

    Raises:
        PermissionDenied: not the actor's to see.
        ValueError: a period number that does not exist yet.
    """
    sessions = list_sessions(db, actor, patient_id)
    user = db.get(User, patient_id)
    zone = patient_zone(user.time_zone)
    today = today or local_day(utc_now(), zone)
    periods = data_day_periods([s.started_at for s in sessions], zone, until=today)
    if not periods:
        return RtmReport(user.username, user.clinic_patient_id, zone.key, today, None, [], [], {}, [], [])
    if period_index is None:
        period_index = periods[-1].index
    if not 1 <= period_index <= len(periods):
        raise ValueError(f"no period {period_index}: periods 1 to {len(periods)} so far")
    period = periods[period_index - 1]
    days = {s.id: local_day(s.started_at, zone) for s in sessions}
    inside = [s for s in sessions if period.start <= days[s.id] < period.end]
    month_start = period.start.replace(day=1)
    month_end = (period.end - timedelta(days=1)).replace(day=1) + timedelta(days=32)
    month_entries = time_entries(db, actor, patient_id, month_start, month_end.replace(day=1))
    return RtmReport(
        username=user.username, clinic_patient_id=user.clinic_patient_id, time_zone=zone.key, generated=today,
        period=period, periods=periods, sessions=inside, session_days={s.id: days[s.id] for s in inside},
        entries=[e for e in month_entries if period.start <= e.on_date < period.end],
        months=month_totals(month_entries))


RTM_CSV_COLUMNS = ("date", "day_of_period", "sets", "data_day", "exercises", "minutes_logged",
                   "live_interactions", "activities")


def rtm_csv(report: RtmReport) -> str:
    """The period day by day as CSV (RTM_CSV_COLUMNS): sets and whether it is a data-day, time logged that day.

    Text cells that start like a spreadsheet formula are quoted with a leading apostrophe.
    """
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(RTM_CSV_COLUMNS)
    if report.period is None:
        return buf.getvalue()
    by_day: dict[date, list[SessionSummary]] = {}
    for s in report.sessions:
        by_day.setdefault(report.session_days[s.id], []).append(s)
    for k in range(RTM_PERIOD_DAYS):
        day = report.period.start + timedelta(days=k)
        sets = by_day.get(day, [])
        logged = [e for e in report.entries if e.on_date == day]
        activities = " | ".join(e.activity for e in logged)
        w.writerow([day.isoformat(), k + 1, len(sets), int(bool(sets)), ";".join(sorted({s.exercise for s in sets})),
                    sum(e.minutes for e in logged), sum(e.live_interaction for e in logged), _safe(activities)])
    return buf.getvalue()


def _safe(text: str) -> str:
    # A cell starting like a formula would run as one when the CSV is opened in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def period_choices(periods: Sequence[DataDayPeriod]) -> dict[int, str]:
    """Period number -> "Period 2: 2026-10-31 to 2026-11-29" (the end shown inclusive)."""
    return {p.index: f"Period {p.index}: {p.start.isoformat()} to {(p.end - timedelta(days=1)).isoformat()}"
            for p in periods}
