"""The printable report over a date range: at a glance, adherence chart, symptoms and pain, proposals and decisions."""

import re
from datetime import date, timedelta

import pytest

from feedback import printable
from store import export, progression, repo
from store.repo import ItemSpec
from tests.store.conftest import at, make_row

START = date(2025, 3, 3)  # a Monday


@pytest.fixture
def alice(db, people):
    a = people.a
    repo.create_programme(db, people.t, a.id, START, [ItemSpec("wall_squat", reps_target=4, week_from=1, week_to=3,
                                                               sessions_per_week=3)])
    for k, (pain, symptom, fault) in enumerate([((3, 2), "centralising", ["too_fast"]), ((3, 3), "unchanged", []),
                                                ((2, 2), "centralising", []), ((2, 1), "centralising", [])]):
        repo.save_session(db, a, a.id, make_row(reps=[(100 - 3 * k, 165, fault)] + [(100, 165, [])] * 3),
                          started_at=at((START + timedelta(days=2 * k)).isoformat()), pain_before=pain[0],
                          pain_after=pain[1], symptom_response=symptom)
    (p,) = progression.refresh(db, people.t, a.id, START + timedelta(days=7))
    progression.decide(db, people.t, p.id, "edit", reps=5, note="<b>slowly</b>",
                       now=at((START + timedelta(days=7)).isoformat(), 18))
    return a


def test_report_over_the_whole_time_has_glance_adherence_chart_and_decisions(db, people, alice):
    page = printable.report_html(export.report_data(db, people.t, alice.id, today=START + timedelta(days=9)))
    assert "<th>Sets saved</th><td>4 on 4 days</td>" in page
    assert ("<th>Symptoms after the sets</th><td>3 moved towards the back, 1 unchanged, 0 spread down the leg</td>"
            in page)
    assert "on average 2.5 before and 2.0 after a set (after the first rated set 2, after the latest 1)" in page
    assert 'aria-label="Sets done against prescribed, week by week"' in page
    # Week 1 of the first version (4 of 3 sets, capped at 3), then week 1 of the version the decision made.
    assert "<td>1</td><td>2025-03-03</td><td>3</td><td>3</td><td>100%</td>" in page
    assert "<td>1</td><td>2025-03-10</td><td>0</td><td>3</td><td>0%</td>" in page
    decisions = page.split("Proposed doses and decisions")[1]
    assert "Progress: 4 reps → 6 reps" in decisions and "accepted with changes: 5 reps" in decisions
    assert "&lt;b&gt;slowly&lt;/b&gt;" in decisions and "<b>slowly" not in page
    assert "support knee (°), lowest–highest reached: first set 100–165, latest 91–165" in page


def test_report_over_a_range_keeps_only_its_sets(db, people, alice):
    data = export.report_data(db, people.t, alice.id, today=START + timedelta(days=9), start=START + timedelta(days=3),
                              end=START + timedelta(days=4))
    assert [s.started_at.date() for s in data.sessions] == [START + timedelta(days=4)]
    assert [len(v) for v in data.progress.values()] == [1]
    page = printable.report_html(data)
    assert "<th>Period</th><td>2025-03-06 to 2025-03-07</td>" in page
    assert "<th>Sets saved</th><td>1 on 1 day</td>" in page
    with pytest.raises(ValueError, match="ends .* before it starts"):
        export.report_data(db, people.t, alice.id, start=START, end=START - timedelta(days=1))


def test_a_ratio_measure_keeps_its_decimals(db, people):
    # A trunk rotation's reps are measured as the knees' roll in trunk lengths: in whole units its range read "-0–0".
    a = people.a
    repo.create_programme(db, people.t, a.id, START, [ItemSpec("lower_trunk_rotation", reps_target=6)])
    repo.save_session(db, a, a.id, make_row("lower_trunk_rotation", reps=[(-0.43, 0.31, [])] * 3),
                      started_at=at(START.isoformat()))
    page = printable.report_html(export.report_data(db, people.t, a.id, today=START + timedelta(days=1)))
    assert "lowest–highest reached: first set -0.43–0.31, latest -0.43–0.31" in page
    assert "<td>-0.43–0.31</td>" in page
    # Its chart's axis spans the ratio, not the ±10 an angle's 5-degree margin gave it.
    chart = page.split("Range reached against target: knee roll (ratio)")[-1].split("</svg>")[0]
    ticks = [float(t) for t in re.findall(r'text-anchor="end">(-?[0-9.]+)</text>', chart)]
    assert min(ticks) >= -0.6 and max(ticks) <= 0.5
