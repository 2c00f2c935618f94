"""RTM records: data-days across period edges, time zones and several sets a day; the time log; the report and CSV."""

import csv
import html
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from feedback.rtm_printable import RTM_NOTE, rtm_html
from store import repo, rtm
from store.rtm import data_day_periods
from tests.store.conftest import make_row

UTC_ZONE, CHICAGO, TOKYO = ZoneInfo("UTC"), ZoneInfo("America/Chicago"), ZoneInfo("Asia/Tokyo")
FIRST = date(2026, 3, 1)


def _utc(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def test_several_sets_on_one_day_make_one_data_day():
    times = [_utc(FIRST, h) for h in (7, 12, 18)] + [_utc(FIRST + timedelta(days=1), 9)] * 2
    (p,) = data_day_periods(times, UTC_ZONE)
    assert (p.index, p.start, p.end, p.data_days) == (1, FIRST, FIRST + timedelta(days=30), 2)
    assert p.in_low_band and not p.in_high_band


@pytest.mark.parametrize(("offsets", "counts"), [
    ([0, 29], [2]),  # day 30 is the period's last day
    ([0, 30], [1, 1]),  # day 31 starts period 2
    ([0, 29, 30, 59, 60], [2, 2, 1]),
    ([0, 61], [1, 0, 1]),  # an empty period in between is still a period
])
def test_periods_are_30_days_from_the_first_monitored_day(offsets, counts):
    periods = data_day_periods([_utc(FIRST + timedelta(days=d)) for d in offsets], UTC_ZONE)
    assert [p.data_days for p in periods] == counts
    assert [p.start for p in periods] == [FIRST + timedelta(days=30 * k) for k in range(len(counts))]


@pytest.mark.parametrize(("n_days", "low", "high"), [(1, False, False), (2, True, False), (15, True, False),
                                                     (16, False, True), (30, False, True)])
def test_bands_at_their_edges(n_days, low, high):
    # Sets on n distinct days of period 1, at varying hours, some days twice.
    times = [_utc(FIRST + timedelta(days=d), 6 + (d * 5) % 15) for d in range(n_days)]
    times += [t + timedelta(hours=1) for t in times[::3]]
    (p,) = data_day_periods(times, UTC_ZONE)
    assert (p.data_days, p.in_low_band, p.in_high_band) == (n_days, low, high)


def test_days_are_the_patients_calendar_days():
    # 04:30 UTC on 2 March is still 1 March in Chicago (UTC-6), and 13:30 in Tokyo.
    late_evening = datetime(2026, 3, 2, 4, 30, tzinfo=UTC)
    next_evening = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # 2 March in Chicago, 3 March in Tokyo
    assert [p.days for p in data_day_periods([late_evening, next_evening], CHICAGO)] == [
        (date(2026, 3, 1), date(2026, 3, 2))]
    assert [p.days for p in data_day_periods([late_evening, next_evening], TOKYO)] == [
        (date(2026, 3, 2), date(2026, 3, 3))]
    # Two sets an hour apart around UTC midnight: two UTC days, one Chicago day.
    pair = [datetime(2026, 3, 2, 23, 30, tzinfo=UTC), datetime(2026, 3, 3, 0, 30, tzinfo=UTC)]
    assert data_day_periods(pair, UTC_ZONE)[0].data_days == 2
    assert data_day_periods(pair, CHICAGO)[0].data_days == 1


def test_period_edge_moves_with_the_time_zone():
    # First set late on 28 Feb in Chicago (early 1 March UTC); a set 30 Chicago days later opens period 2 there,
    # while in UTC it is 29 days later, still period 1.
    first = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)  # 28 Feb, 21:00 in Chicago
    later = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)  # 30 March, 07:00 in Chicago (DST began on 8 March)
    assert [p.data_days for p in data_day_periods([first, later], CHICAGO)] == [1, 1]
    assert [p.data_days for p in data_day_periods([first, later], UTC_ZONE)] == [2]


def test_until_adds_the_periods_up_to_today():
    assert [p.index for p in data_day_periods([_utc(FIRST)], UTC_ZONE, until=FIRST + timedelta(days=65))] == [1, 2, 3]
    assert data_day_periods([], UTC_ZONE) == []


def test_time_log_month_totals_and_the_rules(db, people):
    a, t = people.a, people.t
    rtm.log_time(db, t, a.id, date(2026, 3, 3), 12, "reviewed the week's sets", live_interaction=False)
    rtm.log_time(db, t, a.id, date(2026, 3, 20), 9, "video call: hold shortened", live_interaction=True)
    rtm.log_time(db, t, a.id, date(2026, 4, 1), 5, "reviewed", live_interaction=False)
    march = rtm.month_time(db, t, a.id, date(2026, 3, 31))
    assert (march.minutes, march.entries, march.live_interactions, march.label) == (21, 2, 1, "March 2026")
    assert rtm.month_time(db, t, a.id, date(2026, 5, 1)).minutes == 0
    for bad, message in [({"minutes": 0}, "whole number from 1"), ({"minutes": 1441}, "whole number from 1"),
                         ({"activity": "  "}, "say what was done"), ({"on_date": date(2100, 1, 1)}, "future day")]:
        args = {"on_date": date(2026, 3, 3), "minutes": 5, "activity": "x", "live_interaction": False, **bad}
        with pytest.raises(ValueError, match=message):
            rtm.log_time(db, t, a.id, **args)
    with pytest.raises(repo.PermissionDenied):
        rtm.log_time(db, people.t2, a.id, date(2026, 3, 3), 5, "x", False)
    with pytest.raises(repo.PermissionDenied):
        rtm.log_time(db, a, a.id, date(2026, 3, 3), 5, "x", False)
    assert len(rtm.time_entries(db, t, a.id)) == 3


def test_report_and_csv_of_a_period(db, people):
    a, t = people.a, people.t
    repo.set_patient_details(db, t, a.id, time_zone="America/Chicago")
    # 1 March 20:00 Chicago = 2 March 02:00 UTC. Sets on Chicago days 1, 1, 2 and 31 (period 2).
    for when in ["2026-03-02T02:00", "2026-03-02T03:00", "2026-03-02T20:00", "2026-03-31T15:00"]:
        repo.save_session(db, a, a.id, make_row(reps=[(90, 165, [])]),
                          started_at=datetime.fromisoformat(when).replace(tzinfo=UTC))
    rtm.log_time(db, t, a.id, date(2026, 3, 2), 15, "=reviewed sets", live_interaction=True)
    rtm.log_time(db, t, a.id, date(2026, 3, 31), 7, "reviewed period 2", live_interaction=False)
    rep = rtm.rtm_report(db, t, a.id, period_index=1, today=date(2026, 4, 2))
    assert (rep.time_zone, rep.period.start, rep.period.data_days) == ("America/Chicago", date(2026, 3, 1), 2)
    assert [p.index for p in rep.periods] == [1, 2]
    assert len(rep.sessions) == 3 and [e.minutes for e in rep.entries] == [15]
    assert [(m.label, m.minutes, m.live_interactions) for m in rep.months] == [("March 2026", 22, 1)]
    rows = list(csv.DictReader(io.StringIO(rtm.rtm_csv(rep))))
    assert len(rows) == 30 and tuple(rows[0]) == rtm.RTM_CSV_COLUMNS
    assert [(r["date"], r["sets"], r["data_day"]) for r in rows[:3]] == [
        ("2026-03-01", "2", "1"), ("2026-03-02", "1", "1"), ("2026-03-03", "0", "0")]
    assert (rows[1]["minutes_logged"], rows[1]["live_interactions"], rows[1]["activities"]) == (
        "15", "1", "'=reviewed sets")
    page = rtm_html(rep)
    for fact in ("Period 1: 2026-03-01 to 2026-03-30", "<td>2</td><td>yes</td><td>no</td>", "March 2026",
                 "=reviewed sets", "Live interactions with the patient within the period: 1", "America/Chicago",
                 html.escape(RTM_NOTE)):
        assert fact in page, fact
    assert "billable" not in page.lower()
    assert rtm.rtm_report(db, t, a.id, today=date(2026, 4, 2)).period.index == 2
    with pytest.raises(ValueError, match="no period 3"):
        rtm.rtm_report(db, t, a.id, period_index=3, today=date(2026, 4, 2))
    with pytest.raises(repo.PermissionDenied):
        rtm.rtm_report(db, people.t2, a.id)
    assert rtm.rtm_report(db, t, people.c.id).period is None


def test_cli_writes_the_rtm_record(url, db, people, tmp_path, capsys):
    from cli.main import main

    a = people.a
    repo.save_session(db, a, a.id, make_row(reps=[(90, 165, [])]), started_at=_utc(FIRST))
    rtm.log_time(db, people.t, a.id, FIRST, 11, "reviewed", live_interaction=False)
    out = tmp_path / "rtm.csv"
    assert main(["export", "rtm", "--patient", "alice", "--period", "1", "--format", "csv", "--out", str(out),
                 "--db", url]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert (rows[0]["date"], rows[0]["sets"], rows[0]["minutes_logged"]) == (FIRST.isoformat(), "1", "11")
    assert main(["export", "rtm", "--patient", "alice", "--db", url]) == 0  # the latest period: today's
    assert "Remote monitoring record: alice" in capsys.readouterr().out
    assert main(["export", "rtm", "--patient", "alice", "--period", "99", "--db", url]) == 1
    assert capsys.readouterr().err.strip().startswith("formcheck: no period 99")
