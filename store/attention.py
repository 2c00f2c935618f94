"""Which of a therapist's patients need a look first, and why: rules over the stored sets and programmes.

Each rule has its threshold here, with its unit in its name. Access goes through store.repo, so a therapist sees
only their own patients.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from store.auth import Actor
from store.models import Symptom, utc_now
from store.progression import FLAGGED_KINDS, evaluations
from store.repo import adherence_weeks, current_programme, list_patients, list_sessions, require_therapist

# What puts a patient on top of a therapist's list (see attention_list).
ATTENTION_WINDOW_DAYS = 14  # peripheralising symptoms and fault rates are judged over this many recent days
PAIN_TREND_SESSIONS = 3  # pain is "rising" over this many latest sessions with a pain-after rating ...
PAIN_RISE_MIN_POINTS = 2  # ... when it never fell and rose by at least this many points of the 0-10 scale
FAULT_RATE_ATTENTION_RATIO = 0.5  # faulted reps / reps in the window above this is "frequent faults" ...
FAULT_RATE_MIN_REPS = 10  # ... once at least this many reps were done (fewer say little)
ADHERENCE_ATTENTION_MIN_RATIO = 0.5  # sets done / prescribed in the last complete programme week below this

# Attention reasons, most urgent first.
ATTENTION_CODES = ("peripheralising", "pain_rising", "dose_review", "frequent_faults", "missed_sessions")


@dataclass(frozen=True)
class AttentionReason:
    """Why a patient needs attention: a code from ATTENTION_CODES and a one-line detail."""

    code: str
    detail: str


@dataclass(frozen=True)
class AttentionItem:
    """A patient on a therapist's list, with the reasons to look at them (empty when none)."""

    patient_id: int
    username: str
    reasons: tuple[AttentionReason, ...]


def _reasons(db: Session, actor: Actor, patient_id: int, today: date) -> tuple[AttentionReason, ...]:
    sessions = list_sessions(db, actor, patient_id)
    window_start = today - timedelta(days=ATTENTION_WINDOW_DAYS)
    recent = [s for s in sessions if s.started_at.date() > window_start]
    reasons = []
    peripheral = [s for s in recent if s.symptom_response == Symptom.PERIPHERALISING]
    if peripheral:
        reasons.append(AttentionReason("peripheralising", f"symptoms spread down the leg in {len(peripheral)} "
                                       f"set(s) in the last {ATTENTION_WINDOW_DAYS} days, last on "
                                       f"{peripheral[-1].started_at.date().isoformat()}"))
    pains = [s.pain_after for s in sessions if s.pain_after is not None][-PAIN_TREND_SESSIONS:]
    if (len(pains) == PAIN_TREND_SESSIONS and all(b >= a for a, b in zip(pains, pains[1:]))
            and pains[-1] - pains[0] >= PAIN_RISE_MIN_POINTS):
        reasons.append(AttentionReason("pain_rising", f"pain after exercise rose {' -> '.join(map(str, pains))} "
                                       f"over the last {PAIN_TREND_SESSIONS} rated sets"))
    for ev in evaluations(db, actor, patient_id, today):  # the progression rules ask to regress or pause
        if ev.kind in {k.value for k in FLAGGED_KINDS}:
            reasons.append(AttentionReason("dose_review", f"{ev.exercise.replace('_', ' ')}: the rules propose to "
                                           f"{ev.kind}: {ev.reasons[0]}"))
    reps = sum(s.reps for s in recent)
    faulted = sum(s.faulted_reps for s in recent)
    if reps >= FAULT_RATE_MIN_REPS and faulted / reps > FAULT_RATE_ATTENTION_RATIO:
        reasons.append(AttentionReason("frequent_faults", f"{faulted} of {reps} reps had a form fault in the last "
                                       f"{ATTENTION_WINDOW_DAYS} days"))
    programme = current_programme(db, patient_id, today)
    if programme is not None:
        complete = [w for w in adherence_weeks(programme, sessions, today) if w.end <= today]
        if complete and complete[-1].ratio is not None and complete[-1].ratio < ADHERENCE_ATTENTION_MIN_RATIO:
            w = complete[-1]
            reasons.append(AttentionReason("missed_sessions", f"week {w.week}: {w.done_capped} of {w.prescribed} "
                                           "prescribed sets done"))
    return tuple(reasons)


def attention_list(db: Session, actor: Actor, today: date | None = None) -> list[AttentionItem]:
    """A therapist's patients, those needing attention first (by their most urgent reason, then how many)."""
    require_therapist(db, actor)
    today = today or utc_now().date()
    items = [AttentionItem(p.id, p.username, _reasons(db, actor, p.id, today)) for p in list_patients(db, actor)]

    def urgency(item: AttentionItem) -> tuple:
        ranks = [ATTENTION_CODES.index(r.code) for r in item.reasons]
        return (min(ranks, default=len(ATTENTION_CODES)), -len(ranks), item.username)

    return sorted(items, key=urgency)
