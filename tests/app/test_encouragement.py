"""The progress page's message follows the clinical rules (EXERCISES.md) before it encourages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from feedback import views

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
STOP = "Stop this exercise and contact your therapist or clinician"


@dataclass
class _Point:  # the fields of store.repo.ProgressPoint that progress_frame reads
    session_id: int
    started_at: datetime
    reps: int
    pain_before: int | None
    pain_after: int | None
    symptom_response: object | None
    best_hold_s: float = 0.0
    range_low: float | None = None
    range_high: float | None = None
    target_low: float | None = None
    target_high: float | None = None
    fault_rate: float | None = None


@dataclass
class _Symptom:
    value: str


@dataclass
class _Week:
    prescribed: int
    done_capped: int


def _frame(sets: list[tuple[int | None, int | None, str | None, int]]):
    """Sets oldest first as (pain before, pain after, symptom response, reps)."""
    points = [_Point(i + 1, T0 + timedelta(days=i), reps, before, after, _Symptom(s) if s else None)
              for i, (before, after, s, reps) in enumerate(sets)]
    return views.progress_frame({"wall_squat": points})


# Each row: the sets so far (pain before, pain after, symptoms, reps), this week done?, the expected rule and
# a phrase the message must carry. The trend is the pain after exercise from the first rated set to the last.
CASES = [
    # No set yet.
    ([], False, "none_yet", "Your first saved set"),
    # The case: pain 4 -> 6 with symptoms spreading down the leg gets stop-and-contact, never praise.
    ([(4, 4, "unchanged", 5), (4, 6, "peripheralising", 5)], False, "spreading", STOP),
    ([(4, 6, "peripheralising", 5)], False, "spreading", STOP),
    # Spreading wins even when every planned set is done and pain fell.
    ([(6, 6, "unchanged", 5), (2, 2, "peripheralising", 8)], True, "spreading", STOP),
    # High pain after the set.
    ([(3, 7, "unchanged", 5)], False, "pain_high", "Rest, and talk to your therapist"),
    ([(8, 8, "centralising", 5)], True, "pain_high", "Rest, and talk to your therapist"),
    # Pain rose by 2 or more during the last set, or across sets: go gently, tell the therapist.
    ([(4, 6, "unchanged", 5)], False, "pain_rising", "tell your therapist"),
    ([(2, 2, "unchanged", 5), (3, 4, "unchanged", 6)], True, "pain_rising", "tell your therapist"),
    ([(4, 5, "unchanged", 5)], False, "steady", "Steady practice"),  # a 1-point rise is within noise
    # Symptoms moving towards the back: a good sign, said as such.
    ([(3, 3, "centralising", 5)], False, "centralising", "good sign"),
    # Then the encouraging messages, in order.
    ([(2, 2, "unchanged", 5)], True, "week_done", "every set planned"),
    ([(4, 4, "unchanged", 5), (3, 3, "unchanged", 5)], False, "pain_down", "lower than when you started"),
    ([(2, 2, "unchanged", 5), (2, 2, "unchanged", 8)], False, "more_reps", "3 more reps"),
    ([(None, None, None, 5), (None, None, None, 5)], False, "steady", "2 sets so far"),
    ([(2, 2, None, 5)], False, "steady", "1 set so far"),
]


@pytest.mark.parametrize(("sets", "week_done", "rule", "phrase"), CASES)
def test_message_follows_the_clinical_rules(sets, week_done, rule, phrase):
    week = _Week(prescribed=3, done_capped=3 if week_done else 1)
    key, text, level = views.encourage(views.set_signals(_frame(sets), week))
    assert key == rule
    assert phrase in text
    if rule in ("spreading", "pain_high"):
        assert level == "error"
    if rule in ("spreading", "pain_high", "pain_rising"):
        assert "Steady practice" not in text and "Well done" not in text and "Keep it up" not in text


def test_every_rule_is_reachable_and_the_last_always_applies():
    keys = {rule for _, _, rule, _ in CASES}
    assert keys == {r.key for r in views.ENCOURAGEMENT_RULES}
    assert views.ENCOURAGEMENT_RULES[-1].applies(views.SetSignals(sets=1))


def test_page_helper_returns_message_and_level():
    text, level = views.encouragement(_frame([(4, 6, "peripheralising", 5)]), None)
    assert STOP in text and level == "error"
