"""Progression the therapist approves: after each set, the next dose proposed from rules, with its reasons.

The rules are the ones a therapist uses for a radiculopathy home programme (README "Progression proposals"):

- the latest set's symptoms spread down the leg (peripheralising) -> pause the exercise and flag the patient;
- pain rose in the latest set, or over the latest sets -> regress (fewer reps or a shorter hold) and flag;
- the last PROGRESS_SETS sets all had symptoms centralising or unchanged, pain not rising, the prescribed reps or
  hold reached with no partial reps, and few faults -> progress (more reps, or a longer hold);
- otherwise keep the dose, and say which condition is not met yet.

A proposal changes nothing by itself. A therapist accepts, edits or rejects it (`decide`); accepting or editing
makes a new version of the programme from the current programme week on, in the same transaction as the decision.
Every threshold is here, with its unit in its name.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.auth import Actor
from store.models import (
    ExerciseSession,
    Programme,
    ProgrammeItem,
    ProgressionProposal,
    ProposalKind,
    ProposalStatus,
    Symptom,
    utc_now,
)
from store.repo import (
    DAYS_PER_WEEK,
    ItemSpec,
    PermissionDenied,
    SessionSummary,
    _commit,
    check_item,
    check_patient,
    current_programme,
    list_sessions,
    require_therapist,
)

PROGRESS_SETS = 3  # progress only after this many latest sets of the exercise all met every condition
PROGRESS_MAX_FAULT_RATIO = 0.2  # "few faults": faulted reps / reps at most this in each of those sets
PAIN_RISE_IN_SET_MAX_POINTS = 1  # pain after may exceed pain before by this much (0-10 scale) and not count as rising
PAIN_RISE_OVER_SETS_MIN_POINTS = 2  # pain after rising by this much over the latest PROGRESS_SETS sets is rising
PROGRESS_REPS_STEP = 2  # a progression adds this many reps ...
PROGRESS_HOLD_STEP_S = 5.0  # ... or this many seconds of hold (hold items progress by the hold)
PROGRESS_REPS_MAX = 30  # never proposed beyond these (the programme editor's limits are higher)
PROGRESS_HOLD_MAX_S = 60.0
REGRESS_REPS_STEP = 2  # a regression takes this many reps off ...
REGRESS_HOLD_STEP_S = 5.0  # ... or this many seconds of hold
REGRESS_REPS_MIN = 1  # a regression below these is a pause instead
REGRESS_HOLD_MIN_S = 5.0

KEEP = "keep"  # an evaluation that proposes no change (never stored)
FLAGGED_KINDS = (ProposalKind.REGRESS, ProposalKind.PAUSE)  # these put the patient on the attention list


@dataclass(frozen=True)
class Evaluation:
    """The rules' verdict on one programme item after its latest set: a kind, the dose proposed, the reasons."""

    item_id: int
    exercise: str
    kind: str  # "progress", "regress", "pause" or KEEP
    reasons: tuple[str, ...]
    from_reps: int | None
    from_hold_s: float | None
    to_reps: int | None
    to_hold_s: float | None
    session_id: int | None  # the latest set it was judged after


@dataclass(frozen=True)
class ProposalView:
    """A stored proposal and the decision on it."""

    id: int
    patient_id: int
    programme_item_id: int | None
    session_id: int | None
    exercise: str
    kind: str
    reasons: tuple[str, ...]
    from_reps: int | None
    from_hold_s: float | None
    to_reps: int | None
    to_hold_s: float | None
    status: str
    created_at: datetime
    decided_at: datetime | None
    decided_reps: int | None
    decided_hold_s: float | None
    decision_note: str


# ---------------------------------------------------------------- the rules (pure)


def _day(s: SessionSummary) -> str:
    return s.started_at.strftime("%d %b")


def _full_range(s: SessionSummary, partial_reps: int, reps_target: int | None, hold_target_s: float | None
                ) -> str | None:
    """None when the set reached the prescribed dose with no partial rep, else why not."""
    if partial_reps:
        return f"{partial_reps} partial rep(s) on {_day(s)}"
    if reps_target is not None and s.reps < reps_target:
        return f"{s.reps} of {reps_target} reps on {_day(s)}"
    if hold_target_s is not None and s.best_hold_s < hold_target_s:
        return f"a {s.best_hold_s:.0f} s hold of {hold_target_s:g} s on {_day(s)}"
    return None


def _pain_rise(s: SessionSummary) -> int | None:
    return None if s.pain_before is None or s.pain_after is None else s.pain_after - s.pain_before


def _rising_over(sets: Sequence[SessionSummary]) -> list[int] | None:
    pains = [s.pain_after for s in sets if s.pain_after is not None][-PROGRESS_SETS:]
    if (len(pains) >= 2 and all(b >= a for a, b in zip(pains, pains[1:]))
            and pains[-1] - pains[0] >= PAIN_RISE_OVER_SETS_MIN_POINTS):
        return pains
    return None


def _step_down(reps: int | None, hold_s: float | None) -> tuple[int | None, float | None] | None:
    """The regressed dose, or None when it would fall below the minimum (then: pause)."""
    if hold_s is not None:
        return (reps, hold_s - REGRESS_HOLD_STEP_S) if hold_s - REGRESS_HOLD_STEP_S >= REGRESS_HOLD_MIN_S else None
    if reps is not None and reps - REGRESS_REPS_STEP >= REGRESS_REPS_MIN:
        return reps - REGRESS_REPS_STEP, hold_s
    return None


def _step_up(reps: int | None, hold_s: float | None) -> tuple[int | None, float | None] | None:
    """The progressed dose, or None at the ceiling."""
    if hold_s is not None:
        return (reps, min(hold_s + PROGRESS_HOLD_STEP_S, PROGRESS_HOLD_MAX_S)) if hold_s < PROGRESS_HOLD_MAX_S \
            else None
    if reps is not None and reps < PROGRESS_REPS_MAX:
        return min(reps + PROGRESS_REPS_STEP, PROGRESS_REPS_MAX), hold_s
    return None


def evaluate(item_id: int, exercise: str, reps_target: int | None, hold_target_s: float | None,
             sets: Sequence[SessionSummary], partial_reps: dict[int, int]) -> Evaluation:
    """Apply the rules to an item's sets at its current dose (oldest first).

    Args:
        item_id: the programme item.
        exercise: its exercise.
        reps_target: its prescribed reps, or None.
        hold_target_s: its prescribed hold in seconds, or None.
        sets: its sets since its dose was last set, oldest first.
        partial_reps: session id -> partial reps in that set (from its report).
    """
    base = Evaluation(item_id, exercise, KEEP, (), reps_target, hold_target_s, reps_target, hold_target_s,
                      sets[-1].id if sets else None)
    if not sets:
        return replace(base, reasons=("no set at this dose yet",))
    last = sets[-1]
    if last.symptom_response == Symptom.PERIPHERALISING:
        return replace(base, kind=ProposalKind.PAUSE.value, to_reps=None, to_hold_s=None, reasons=(
            f"symptoms spread down the leg after the set on {_day(last)}: pause this exercise and review",))
    rise, over = _pain_rise(last), _rising_over(sets)
    if (rise is not None and rise > PAIN_RISE_IN_SET_MAX_POINTS) or over is not None:
        why = (f"pain rose {last.pain_before} -> {last.pain_after} during the set on {_day(last)}"
               if rise is not None and rise > PAIN_RISE_IN_SET_MAX_POINTS
               else f"pain after the set rose {' -> '.join(map(str, over))} over the latest sets")
        down = _step_down(reps_target, hold_target_s)
        if down is None:
            return replace(base, kind=ProposalKind.PAUSE.value, to_reps=None, to_hold_s=None,
                           reasons=(why, "the dose is already at its minimum"))
        return replace(base, kind=ProposalKind.REGRESS.value, to_reps=down[0], to_hold_s=down[1], reasons=(why,))
    window = sets[-PROGRESS_SETS:]
    missing = []
    if len(window) < PROGRESS_SETS:
        missing.append(f"{len(window)} of {PROGRESS_SETS} sets at this dose so far")
    for s in window:
        if s.symptom_response is None:
            missing.append(f"no symptom response given on {_day(s)}")
        short = _full_range(s, partial_reps.get(s.id, 0), reps_target, hold_target_s)
        if short:
            missing.append(short)
        if s.fault_rate is not None and s.fault_rate > PROGRESS_MAX_FAULT_RATIO:
            missing.append(f"{s.faulted_reps} of {s.reps} reps with a fault on {_day(s)}")
        r = _pain_rise(s)
        if r is not None and r > PAIN_RISE_IN_SET_MAX_POINTS:
            missing.append(f"pain rose {s.pain_before} -> {s.pain_after} on {_day(s)}")
    if missing:
        return replace(base, reasons=tuple(f"not yet: {m}" for m in missing))
    up = _step_up(reps_target, hold_target_s)
    if up is None:
        return replace(base, reasons=("every condition met, and the dose is at the most formcheck proposes",))
    symptoms = sorted({s.symptom_response.value for s in window})
    return replace(base, kind=ProposalKind.PROGRESS.value, to_reps=up[0], to_hold_s=up[1], reasons=(
        f"the last {PROGRESS_SETS} sets: symptoms {' or '.join(symptoms)}, pain not rising",
        "the prescribed " + ("hold" if hold_target_s is not None else "reps") + " reached with no partial rep",
        f"at most {PROGRESS_MAX_FAULT_RATIO:.0%} of reps with a fault in each"))


# ---------------------------------------------------------------- reading the store


def _week(programme: Programme, today: date) -> int:
    return (today - programme.start_date).days // DAYS_PER_WEEK + 1


def _active_items(programme: Programme, today: date) -> list[ProgrammeItem]:
    week = _week(programme, today)
    return [i for i in programme.items if i.week_from <= week <= i.week_to]


def _dose_since(db: Session, patient_id: int, programme: Programme, exercise: str) -> datetime:
    """Sets count from the programme's start, or from the last accepted change of this exercise's dose."""
    start = datetime.combine(programme.start_date, time(), UTC)
    decided = db.scalar(select(ProgressionProposal.decided_at).where(
        ProgressionProposal.patient_id == patient_id, ProgressionProposal.exercise == exercise,
        ProgressionProposal.status.in_([ProposalStatus.ACCEPTED, ProposalStatus.EDITED]))
        .order_by(ProgressionProposal.decided_at.desc()).limit(1))
    return max(start, decided) if decided is not None else start


def evaluations(db: Session, actor: Actor, patient_id: int, today: date | None = None) -> list[Evaluation]:
    """The rules' verdict on each item of the programme in force this week (nothing is written)."""
    check_patient(db, actor, patient_id)
    today = today or utc_now().date()
    programme = current_programme(db, patient_id, today)
    if programme is None:
        return []
    out = []
    for item in _active_items(programme, today):
        since = _dose_since(db, patient_id, programme, item.exercise)
        sets = [s for s in list_sessions(db, actor, patient_id, item.exercise, since=since)
                if s.started_at.date() <= today]
        ids = [s.id for s in sets]
        rows = db.execute(select(ExerciseSession.id, ExerciseSession.report).where(ExerciseSession.id.in_(ids))) \
            if ids else []
        partial = {i: int((r or {}).get("partial_reps") or 0) for i, r in rows}
        out.append(evaluate(item.id, item.exercise, item.reps_target, item.hold_target_s, sets, partial))
    return out


def _view(p: ProgressionProposal) -> ProposalView:
    return ProposalView(p.id, p.patient_id, p.programme_item_id, p.session_id, p.exercise, ProposalKind(p.kind).value,
                        tuple(p.reasons or ()), p.from_reps, p.from_hold_s, p.to_reps, p.to_hold_s,
                        ProposalStatus(p.status).value, p.created_at, p.decided_at, p.decided_reps, p.decided_hold_s,
                        p.decision_note)


def refresh(db: Session, actor: Actor, patient_id: int, today: date | None = None) -> list[ProposalView]:
    """Store a pending proposal for each item whose latest set calls for a change and has none yet.

    A newer proposal for an item supersedes its older pending one. Returns the pending proposals, newest first.
    """
    require_therapist(db, actor)
    for ev in evaluations(db, actor, patient_id, today):
        if ev.session_id is None:
            continue
        if ev.kind == KEEP:
            # A later set no longer calls for the change a pending proposal asks for: it is set aside.
            for old in db.scalars(select(ProgressionProposal).where(
                    ProgressionProposal.programme_item_id == ev.item_id,
                    ProgressionProposal.status == ProposalStatus.PENDING,
                    ProgressionProposal.session_id != ev.session_id)):
                old.status = ProposalStatus.SUPERSEDED
            continue
        seen = db.scalar(select(ProgressionProposal.id).where(ProgressionProposal.programme_item_id == ev.item_id,
                                                              ProgressionProposal.session_id == ev.session_id))
        if seen is not None:
            continue
        for old in db.scalars(select(ProgressionProposal).where(
                ProgressionProposal.programme_item_id == ev.item_id,
                ProgressionProposal.status == ProposalStatus.PENDING)):
            old.status = ProposalStatus.SUPERSEDED
        db.add(ProgressionProposal(
            patient_id=patient_id, programme_item_id=ev.item_id, session_id=ev.session_id, exercise=ev.exercise,
            kind=ProposalKind(ev.kind), reasons=list(ev.reasons), from_reps=ev.from_reps, from_hold_s=ev.from_hold_s,
            to_reps=ev.to_reps, to_hold_s=ev.to_hold_s))
    _commit(db)
    return [p for p in list_proposals(db, actor, patient_id) if p.status == ProposalStatus.PENDING.value]


def list_proposals(db: Session, actor: Actor, patient_id: int) -> list[ProposalView]:
    """Every proposal for the patient, newest first, with its decision."""
    check_patient(db, actor, patient_id)
    rows = db.scalars(select(ProgressionProposal).where(ProgressionProposal.patient_id == patient_id)
                      .order_by(ProgressionProposal.created_at.desc(), ProgressionProposal.id.desc()))
    return [_view(p) for p in rows]


# ---------------------------------------------------------------- the therapist's decision


def _spec(i: ProgrammeItem, **changes: Any) -> ItemSpec:
    spec = ItemSpec(exercise=i.exercise, sets=i.sets, reps_target=i.reps_target, hold_target_s=i.hold_target_s,
                    tempo_s_per_rep=i.tempo_s_per_rep, side=getattr(i.side, "value", i.side),
                    threshold_overrides=dict(i.threshold_overrides), week_from=i.week_from, week_to=i.week_to,
                    sessions_per_week=i.sessions_per_week, notes=i.notes)
    return replace(spec, **changes)


def _new_version(old: Programme, item_id: int, today: date, dose: tuple[int | None, float | None] | None,
                 therapist_id: int) -> tuple[Programme, dict[int, ProgrammeItem]]:
    """The programme from the current week on, the item at its new dose (dropped when `dose` is None: a pause).

    Returns it with old item id -> its copy in the new version (for the other items' pending proposals).
    """
    week = _week(old, today)
    shift = week - 1
    copies: dict[int, ProgrammeItem] = {}
    for i in old.items:
        if i.week_to < week:
            continue
        spec = _spec(i, week_from=max(1, i.week_from - shift), week_to=i.week_to - shift)
        if i.id == item_id:
            if dose is None:
                continue
            spec = replace(spec, reps_target=dose[0], hold_target_s=dose[1])
        copies[i.id] = ProgrammeItem(**check_item(spec))
    if not copies:
        raise ValueError("pausing the only exercise would leave an empty programme: edit the programme instead")
    new = Programme(patient_id=old.patient_id, therapist_id=therapist_id, notes=old.notes, items=list(copies.values()),
                    start_date=old.start_date + timedelta(days=DAYS_PER_WEEK * shift))
    return new, copies


def _number(value: float | None, name: str) -> None:
    if value is not None and not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a number above 0, got {value!r}")


def decide(db: Session, actor: Actor, proposal_id: int, decision: str, *, reps: int | None = None,
           hold_s: float | None = None, note: str = "", now: datetime | None = None) -> ProposalView:
    """Accept, edit or reject a pending proposal (the patient's therapist only); one transaction.

    Accepting applies the proposed dose and editing the dose given (`reps`, `hold_s`), each as a new version of
    the programme from the current programme week on; a pause drops the exercise from it. Rejecting changes
    nothing but the proposal's status. `now` (default: now) is when the decision is taken: sets from then on count
    towards the next proposal.

    Raises:
        PermissionDenied: not a therapist, not this patient's, or no such proposal.
        ValueError: an unknown decision, a proposal already decided or no longer for the programme in force, or an
            edited dose that cannot be prescribed.
    """
    require_therapist(db, actor)
    p = db.get(ProgressionProposal, proposal_id)
    if p is None:
        raise PermissionDenied("no such proposal, or not one of your patients'")
    try:
        check_patient(db, actor, p.patient_id)
    except PermissionDenied:
        raise PermissionDenied("no such proposal, or not one of your patients'") from None
    if decision not in ("accept", "edit", "reject"):
        raise ValueError(f"decision must be accept, edit or reject, got {decision!r}")
    if p.status != ProposalStatus.PENDING:
        raise ValueError(f"this proposal was already {ProposalStatus(p.status).value}")
    now = now or utc_now()
    today = now.date()
    try:
        if decision != "reject":
            programme = current_programme(db, p.patient_id, today)
            if programme is None or p.programme_item_id not in {i.id for i in _active_items(programme, today)}:
                p.status = ProposalStatus.SUPERSEDED
                _commit(db)
                raise ValueError("the programme changed since this proposal was made; it is set aside")
            if decision == "edit":
                _number(reps, "reps")
                _number(hold_s, "hold_s")
                dose = (p.from_reps if reps is None else int(reps), p.from_hold_s if hold_s is None else float(hold_s))
            else:
                dose = None if p.kind == ProposalKind.PAUSE else (p.to_reps, p.to_hold_s)
            new, copies = _new_version(programme, p.programme_item_id, today, dose, actor.id)
            db.add(new)
            db.flush()
            # The other items' pending proposals follow their items into the new version, so they can still be
            # decided; their doses are unchanged by this decision.
            for other in db.scalars(select(ProgressionProposal).where(
                    ProgressionProposal.status == ProposalStatus.PENDING, ProgressionProposal.id != p.id,
                    ProgressionProposal.programme_item_id.in_([i for i in copies if i != p.programme_item_id]))):
                other.programme_item_id = copies[other.programme_item_id].id
            p.new_programme_id = new.id
            p.decided_reps, p.decided_hold_s = dose if dose is not None else (None, None)
        p.status = {"accept": ProposalStatus.ACCEPTED, "edit": ProposalStatus.EDITED,
                    "reject": ProposalStatus.REJECTED}[decision]
        p.decided_by, p.decided_at, p.decision_note = actor.id, now, str(note)[:500]
    except BaseException:
        db.rollback()
        raise
    _commit(db)
    return _view(p)
