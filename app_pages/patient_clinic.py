"""The clinic's parts of a therapist's patient page: the next dose to approve, RTM monitoring, the FHIR export."""

from __future__ import annotations

import os
from datetime import UTC, datetime, time

import streamlit as st
from pydantic import ValidationError

from app_pages import common
from exercises.registry import EXERCISES
from feedback.rtm_printable import RTM_NOTE, rtm_html
from store import fhir, progression, repo, rtm
from store.auth import Actor

KIND_WORDS = {"progress": "Progress", "regress": "Regress", "pause": "Pause", "keep": "Keep the dose"}
DECISION_WORDS = {"accepted": "accepted", "edited": "accepted with changes", "rejected": "rejected",
                  "superseded": "set aside (a newer set or programme came first)", "pending": "waiting"}


def _title(exercise: str) -> str:
    return EXERCISES[exercise].title if exercise in EXERCISES else exercise


def dose_text(reps: int | None, hold_s: float | None) -> str:
    """"8 reps", "20 s hold", "5 reps, 10 s hold", or "paused" when neither is set."""
    parts = ([f"{reps} reps"] if reps is not None else []) + ([f"{hold_s:g} s hold"] if hold_s is not None else [])
    return ", ".join(parts) or "paused"


def next_dose_section(actor: Actor, pid: int) -> None:
    """Proposals after the latest sets: accept, edit or reject each; nothing changes the programme otherwise."""
    with common.db_session() as db:
        pending = progression.refresh(db, actor, pid, common.today())
        evaluations = progression.evaluations(db, actor, pid, common.today())
        history = [p for p in progression.list_proposals(db, actor, pid) if p.status != "pending"]
    st.caption("After each set the rules propose the next dose for each exercise in force, with their reasons. "
               "Nothing changes the programme until you accept it (or accept it with your changes).")
    if not pending:
        st.info("No proposal waits for a decision.")
    for p in pending:
        proposal_form(actor, p)
    kept = [e for e in evaluations if e.kind == progression.KEEP]
    if kept:
        st.markdown("**No change proposed**")
        st.table([{"exercise": _title(e.exercise), "dose": dose_text(e.from_reps, e.from_hold_s),
                   "why not yet": "; ".join(e.reasons)} for e in kept], hide_index=True)
    if history:
        st.markdown("**Decisions so far**")
        st.table([{"proposed": p.created_at.strftime("%Y-%m-%d"), "exercise": _title(p.exercise),
                   "proposal": f"{KIND_WORDS[p.kind]}: {dose_text(p.from_reps, p.from_hold_s)} → "
                               f"{dose_text(p.to_reps, p.to_hold_s)}",
                   "decision": DECISION_WORDS[p.status] + (f" ({dose_text(p.decided_reps, p.decided_hold_s)})"
                                                          if p.status == "edited" else ""),
                   "note": p.decision_note or "—"} for p in history], hide_index=True)


def proposal_form(actor: Actor, p: progression.ProposalView) -> None:
    """One pending proposal: its reasons and the three decisions."""
    head = (f"{_title(p.exercise)}: {KIND_WORDS[p.kind].lower()} from {dose_text(p.from_reps, p.from_hold_s)} "
            f"to {dose_text(p.to_reps, p.to_hold_s)}")
    box = st.warning if p.kind in ("regress", "pause") else st.success
    box(head)
    st.markdown("\n".join(f"- {common.plain(r)}" for r in p.reasons))
    with st.form(f"proposal:{p.id}"):
        start_reps, start_hold = p.to_reps or p.from_reps, p.to_hold_s or p.from_hold_s  # a pause starts from the dose
        cols = iter(st.columns([1] * (start_reps is not None) + [1] * (start_hold is not None) + [3]))
        reps = next(cols).number_input("reps", min_value=1, max_value=100, step=1, key=f"pr_reps:{p.id}",
                                       value=start_reps) if start_reps is not None else None
        hold = next(cols).number_input("hold (s)", min_value=1.0, max_value=600.0, step=1.0, key=f"pr_hold:{p.id}",
                                       value=float(start_hold)) if start_hold is not None else None
        note = next(cols).text_input("Note (optional)", key=f"pr_note:{p.id}")
        x, y, z = st.columns(3)
        accept = x.form_submit_button("Accept")
        edit = y.form_submit_button("Accept with my changes")
        reject = z.form_submit_button("Reject")
    decision = "accept" if accept else "edit" if edit else "reject" if reject else None
    if decision is None:
        return
    try:
        with common.db_session() as db:
            done = progression.decide(db, actor, p.id, decision, reps=reps if decision == "edit" else None,
                                      hold_s=hold if decision == "edit" else None, note=note)
    except ValueError as exc:
        st.error(common.plain(str(exc).splitlines()[0]))
        return
    st.session_state["flash"] = (f"{_title(p.exercise)}: proposal {DECISION_WORDS[done.status]}."
                                 + (" The programme has a new version from this week." if done.status != "rejected"
                                    else " The programme is unchanged."))
    st.rerun()


def monitoring_section(actor: Actor, pid: int) -> None:
    """RTM: data-days this period, review time this month, a form to log time, the period's report."""
    with common.db_session() as db:
        report = rtm.rtm_report(db, actor, pid)
        month = rtm.month_time(db, actor, pid, report.generated)
    p = report.period
    a, b, c = st.columns(3)
    a.metric("Review time this month", f"{month.minutes} min")
    b.metric("Live interactions this month", month.live_interactions)
    c.metric(f"Data-days, period {p.index}" if p else "Data-days", f"{p.data_days} of 30" if p else "—")
    if p is not None:
        st.caption(f"Period {p.index}: {rtm.period_choices([p])[p.index].split(': ', 1)[1]}, days counted in "
                   f"{report.time_zone}. 2 to 15 data-days: {'yes' if p.in_low_band else 'no'} · 16 or more: "
                   f"{'yes' if p.in_high_band else 'no'}. {RTM_NOTE}")
    with st.form(f"time_log:{pid}", clear_on_submit=True):
        st.markdown("**Log time on this patient's monitoring**")
        d, m, live = st.columns([1, 1, 2])
        on = d.date_input("Date", value=report.generated, key=f"tl_date:{pid}")
        minutes = m.number_input("Minutes", min_value=1, max_value=600, value=10, step=1, key=f"tl_min:{pid}")
        is_live = live.checkbox("Live interaction with the patient (call or video)", key=f"tl_live:{pid}")
        activity = st.text_input("What was done", key=f"tl_what:{pid}",
                                 placeholder="e.g. reviewed the week's sets and pain ratings")
        logged = st.form_submit_button("Log time")
    if logged:
        try:
            with common.db_session() as db:
                rtm.log_time(db, actor, pid, on, int(minutes), activity, is_live)
        except ValueError as exc:
            st.error(common.plain(str(exc).splitlines()[0]))
        else:
            st.session_state["flash"] = f"Logged {int(minutes)} min on {on.isoformat()}."
            st.rerun()
    if not report.periods:
        st.caption("The RTM report starts with the first saved set.")
        return
    choices = rtm.period_choices(report.periods)
    chosen = st.selectbox("RTM report for", list(choices)[::-1], format_func=choices.get, key=f"rtm_period:{pid}")
    with common.db_session() as db:
        chosen_report = rtm.rtm_report(db, actor, pid, chosen, report.generated)
    x, y = st.columns(2)
    x.download_button("Download RTM report (HTML)", rtm_html(chosen_report), mime="text/html",
                      file_name=f"formcheck-rtm-{report.username}-period{chosen}.html", key=f"dl_rtm_html:{pid}")
    y.download_button("Download RTM days (CSV)", rtm.rtm_csv(chosen_report), mime="text/csv",
                      file_name=f"formcheck-rtm-{report.username}-period{chosen}.csv", key=f"dl_rtm_csv:{pid}")


def fhir_section(actor: Actor, pid: int, username: str) -> None:
    """The clinic identifier and time zone, and the FHIR Bundle download."""
    with common.db_session() as db:
        details = repo.patient_details(db, actor, pid)
    st.markdown("**FHIR R4 export**")
    with st.form(f"clinic_id:{pid}"):
        a, b = st.columns(2)
        clinic_id = a.text_input("Clinic identifier (e.g. medical record number)", key=f"cid:{pid}",
                                 value=details.clinic_patient_id or "")
        zone = b.text_input("Time zone (IANA name)", key=f"tz:{pid}", value=details.time_zone or "",
                            placeholder="e.g. America/Chicago")
        saved = st.form_submit_button("Save identifier and time zone")
    if saved:
        try:
            with common.db_session() as db:
                repo.set_patient_details(db, actor, pid, clinic_patient_id=clinic_id or None, time_zone=zone or None)
        except ValueError as exc:
            st.error(common.plain(str(exc).splitlines()[0]))
        else:
            st.session_state["flash"] = "Saved the clinic identifier and time zone."
            st.rerun()
    if not details.clinic_patient_id:
        st.caption("The FHIR export needs the clinic identifier: the record refers to the patient by it only.")
        return
    since = st.date_input("FHIR export: sets from", value=None, key=f"fhir_since:{pid}")
    id_system = os.environ.get("FORMCHECK_FHIR_ID_SYSTEM", fhir.DEFAULT_ID_SYSTEM)
    try:
        with common.db_session() as db:
            bundle = fhir.fhir_bundle(db, actor, pid, id_system=id_system,
                                      since=None if since is None else datetime.combine(since, time(), UTC))
    except (fhir.FhirExportError, ValidationError) as exc:
        st.error(common.plain(str(exc).splitlines()[0]))
        return
    st.download_button(f"Download FHIR R4 Bundle ({len(bundle.entry or [])} sets)", fhir.fhir_json(bundle),
                       file_name=f"formcheck-{username}-fhir.json", mime="application/fhir+json", key=f"dl_fhir:{pid}")
