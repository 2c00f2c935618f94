"""A therapist's patients: who needs attention first, then one patient's sets, progress, programme and report."""

from __future__ import annotations

import math

import streamlit as st

from exercises.config import ConfigError
from exercises.registry import EXERCISES
from feedback import charts, views
from pages import common
from scoring.prescription import plan_set
from scoring.rescore import rescore_set
from store import attention, export, repo
from store.auth import Actor
from store.models import ItemSide

SIDE_LABELS = {ItemSide.BOTH.value: "Both / either", ItemSide.LEFT.value: "Left", ItemSide.RIGHT.value: "Right"}


def page(actor: Actor) -> None:
    """Patient list (who needs attention first), then one patient: sessions, progress, programme, report."""
    st.title(common.PATIENTS)
    with common.db_session() as db:
        listed = attention.attention_list(db, actor, common.today())
    if not listed:
        st.info("No patients are linked to you yet: `formcheck user link --therapist YOU --patient NAME`.")
        return
    st.dataframe([{"patient": i.username, "needs attention": "; ".join(r.detail for r in i.reasons) or "—"}
                  for i in listed], hide_index=True, use_container_width=True)
    names = {i.patient_id: i.username for i in listed}
    pid = st.selectbox("Open patient", list(names), format_func=names.get, key="patient")
    reasons = next(i.reasons for i in listed if i.patient_id == pid)
    st.header(common.plain(names[pid]))
    for r in reasons:
        st.warning(r.detail)
    sessions_tab, progress_tab, programme_tab, report_tab = st.tabs(
        ["Sessions", "Progress", "Programme", "Report"])
    with sessions_tab:
        sessions_section(actor, pid)
    with progress_tab:
        progress_section(actor, pid)
    with programme_tab:
        programme_section(actor, pid)
    with report_tab:
        report_section(actor, pid, names[pid])


def sessions_section(actor: Actor, pid: int) -> None:
    """Every saved set; open one to see its report and re-score it."""
    with common.db_session() as db:
        sessions = repo.list_sessions(db, actor, pid)
    if not sessions:
        st.info("No sets saved yet.")
        return
    st.dataframe(views.session_rows(sessions), hide_index=True, use_container_width=True)
    by_id = {s.id: s for s in sessions}
    sid = st.selectbox("Open a session", sorted(by_id, reverse=True),
                       format_func=lambda i: views.session_label(by_id[i]), key=f"session:{pid}")
    with common.db_session() as db:
        detail = repo.get_session(db, actor, sid)
    session_detail(actor, detail)


def session_detail(actor: Actor, detail: repo.SessionDetail) -> None:
    """One saved set: numbers, per-rep table, faults, and re-scoring with changed thresholds."""
    s, row = detail.summary, detail.report
    spec = EXERCISES[s.exercise]
    cols = st.columns(5)
    cols[0].metric("Reps", s.reps)
    cols[1].metric("Faulted reps", s.faulted_reps)
    cols[2].metric("Best hold", f"{s.best_hold_s:.1f} s" if spec.hold else "—")
    cols[3].metric("Pose coverage", f"{s.pose_coverage:.0%}")
    cols[4].metric("Pain before → after", f"{_dash(s.pain_before)} → {_dash(s.pain_after)}")
    if s.interrupted:
        st.warning("The camera stopped mid-set: this is the set as far as it went.")
    shared = s.shared_video_path is not None  # the path itself is never shown
    st.caption(f"{s.source.value} · {row.get('view')} view, {row.get('side')} side · symptoms: "
               f"{s.symptom_response.value if s.symptom_response else 'not given'}"
               + (" · video shared" if shared else ""))
    if shared:
        shared_video(actor, s.id)
    if row.get("rep_detail"):
        st.dataframe(views.rep_rows(row, spec.rep.signal), hide_index=True, use_container_width=True)
    lines = views.fault_summary(row.get("faults") or {})
    st.markdown("**Faults:** " + ("\n".join(f"\n- {line}" for line in lines) if lines else "none flagged."))
    rescore_form(actor, s, row)


def shared_video(actor: Actor, session_id: int) -> None:
    """Play the clip the patient shared, after store.repo's access check; its stored path is never shown."""
    with common.db_session() as db:
        data = repo.shared_video(db, actor, session_id, common.data_dir())
    if data is None:
        st.info("The patient shared the video of this set, but it is no longer on the server.")
    else:
        # Uploads are mp4, mov, m4v or webm (checked by content on upload); only WebM needs another type.
        st.video(data, format="video/webm" if data.startswith(b"\x1aE\xdf\xa3") else "video/mp4")


def _dash(x: int | None) -> str:
    return "–" if x is None else str(x)


def rescore_form(actor: Actor, s: repo.SessionSummary, row: dict) -> None:
    """Re-score the stored landmarks with other thresholds and show saved against new."""
    if not s.has_landmarks:
        st.caption("This set has no stored landmarks (a live set), so it cannot be re-scored.")
        return
    spec = EXERCISES[s.exercise]
    used = {**spec.thresholds, **(row.get("thresholds") or {})}
    with st.expander("Re-score with changed thresholds", expanded=False), st.form(f"rescore:{s.id}"):
        st.caption("Scores the stored landmarks again; nothing is saved. Values start at those the set was "
                   "scored with.")
        values = {}
        cols = st.columns(3)
        for n, (key, value) in enumerate(used.items()):
            step = 1.0 if key.endswith(("_deg", "_flag")) else 0.01 if key.endswith("_ratio") else 0.1
            values[key] = cols[n % 3].number_input(charts.label_of(key), value=float(value), step=step,
                                                   format="%.2f", key=f"rs:{s.id}:{key}")
        submitted = st.form_submit_button("Re-score")
    state_key = f"rescored:{s.id}"
    if submitted:
        changed = {k: v for k, v in values.items() if v != float(spec.thresholds.get(k, math.nan))}
        try:
            with common.db_session() as db:
                st.session_state[state_key] = rescore_set(db, actor, s.id, changed)
        except (ConfigError, ValueError) as exc:
            st.session_state.pop(state_key, None)
            st.error(common.plain(str(exc).splitlines()[0]))  # may quote what was typed
    new = st.session_state.get(state_key)
    if new is not None:
        st.markdown("**Saved result against re-scored**")
        st.dataframe(views.rescore_comparison(row, new), hide_index=True, use_container_width=True)
        if new.reps:
            st.dataframe(charts.reps_table(new, plan_set(s.exercise, sidebar=dict(new.thresholds)).spec),
                         hide_index=True, use_container_width=True)


def progress_section(actor: Actor, pid: int) -> None:
    """Detailed charts per exercise and weekly adherence."""
    with common.db_session() as db:
        frame = views.progress_frame(repo.progress(db, actor, pid))
        weeks = repo.adherence(db, actor, pid, common.today())
    st.subheader("Adherence (sets done of prescribed)")
    if weeks:
        st.dataframe(views.adherence_rows(weeks), hide_index=True, use_container_width=True)
    else:
        st.caption("No programme in force.")
    if frame.empty:
        st.info("No sets saved yet.")
        return
    for name, part in frame.groupby("exercise", sort=False):
        spec = EXERCISES[name]
        st.subheader(spec.title)
        a, b = st.columns(2)
        a.altair_chart(views.range_chart(part, charts.label_of(spec.rep.signal)), use_container_width=True)
        b.altair_chart(views.metric_chart(part, "reps", "Reps"), use_container_width=True)
        c, d = st.columns(2)
        c.altair_chart(views.metric_chart(part, "fault rate", "Fault rate (faulted reps / reps)", percent=True),
                       use_container_width=True)
        d.altair_chart(views.pain_chart(part), use_container_width=True)
        if spec.hold is not None:
            st.altair_chart(views.metric_chart(part, "best hold (s)", "Best hold (good form)"),
                            use_container_width=True)
    st.caption("Ticks: the rep thresholds in force (a rep goes past the low one and back past the high one). "
               "Triangles on the pain chart: the symptom response after the set.")


def programme_section(actor: Actor, pid: int) -> None:
    """Programmes so far, and a new one built item by item (editing = a new version from today)."""
    with common.db_session() as db:
        programmes = repo.list_programmes(db, actor, pid)
    current = views.current_programme(programmes, common.today())
    for p in programmes:
        tag = " (in force)" if p is current else " (future)" if p.start_date > common.today() else ""
        with st.expander(f"Programme from {p.start_date.isoformat()}{tag}", expanded=p is current):
            if p.notes:
                st.text(p.notes)
            st.dataframe([views.item_row(i) for i in p.items], hide_index=True, use_container_width=True)
    draft_key = f"draft:{pid}"
    draft: list[dict] = st.session_state.setdefault(draft_key, [])
    st.subheader("New programme" if current is None else "New version of the programme")
    if current is not None and st.button("Start from the programme in force", key=f"copy:{pid}"):
        draft[:] = [{k: getattr(i, k) for k in repo.ItemSpec.__dataclass_fields__} for i in current.items]
    with st.form(f"item:{pid}", clear_on_submit=False):
        st.markdown("**Add an exercise**")
        c1, c2, c3 = st.columns(3)
        exercise = c1.selectbox("Exercise", list(EXERCISES), format_func=lambda n: EXERCISES[n].title,
                                key=f"it_ex:{pid}")
        side = c2.selectbox("Side", list(SIDE_LABELS), format_func=SIDE_LABELS.get, key=f"it_side:{pid}")
        sets = c3.number_input("Sets", 1, 20, 1, key=f"it_sets:{pid}")
        c1, c2, c3 = st.columns(3)
        reps = c1.number_input("Reps target (0 = none)", 0, 100, 10, key=f"it_reps:{pid}")
        hold = c2.number_input("Hold target, s (0 = none)", 0.0, 600.0, 0.0, step=5.0, key=f"it_hold:{pid}")
        tempo = c3.number_input("Tempo, s per rep (0 = any)", 0.0, 60.0, 0.0, step=0.5, key=f"it_tempo:{pid}")
        c1, c2, c3 = st.columns(3)
        week_from = c1.number_input("From week", 1, 104, 1, key=f"it_wf:{pid}")
        week_to = c2.number_input("To week", 1, 104, 4, key=f"it_wt:{pid}")
        per_week = c3.number_input("Days a week", 1, 14, 5, key=f"it_pw:{pid}")
        thresholds = st.text_area("Threshold overrides, one `name = value` a line (optional)", key=f"it_thr:{pid}",
                                  placeholder="knee_extension_target_deg = 150", height=80,
                                  help="Names: `formcheck exercises --json` or the review page's sidebar.")
        notes = st.text_input("Notes for the patient", key=f"it_notes:{pid}")
        add = st.form_submit_button("Add to the programme")
    if add:
        try:
            draft.append(views.item_fields(exercise, side, sets, reps, hold, tempo, thresholds, week_from, week_to,
                                           per_week, notes))
        except ValueError as exc:
            st.error(common.plain(str(exc).splitlines()[0]))  # may quote what was typed
    if not draft:
        st.caption("Add at least one exercise, then save the programme.")
        return
    st.markdown("**Draft, not saved yet:**")
    st.dataframe([views.item_row(repo.ItemSpec(**d)) for d in draft], hide_index=True, use_container_width=True)
    if st.button("Remove the last exercise", key=f"pop:{pid}"):
        draft.pop()
        st.rerun()
    with st.form(f"programme:{pid}"):
        start = st.date_input("Starts on", value=common.today(), key=f"pg_start:{pid}")
        notes = st.text_area("Programme notes", key=f"pg_notes:{pid}", height=80)
        save = st.form_submit_button("Save programme")
    if save:
        try:
            with common.db_session() as db:
                repo.create_programme(db, actor, pid, start, [repo.ItemSpec(**d) for d in draft], notes)
        except ValueError as exc:
            st.error(common.plain(str(exc).splitlines()[0]))  # may quote what was typed
            return
        draft.clear()
        st.session_state["flash"] = "Programme saved."
        st.rerun()


def report_section(actor: Actor, pid: int, username: str) -> None:
    """Printable HTML report and CSV of every set."""
    with common.db_session() as db:
        report_html = export.export_html(db, actor, pid, common.today())
        report_csv = export.export_csv(db, actor, pid)
    st.caption("The HTML report prints cleanly from the browser (programme, weekly adherence, every set).")
    a, b = st.columns(2)
    a.download_button("Download patient report (HTML)", report_html, file_name=f"formcheck-{username}.html",
                      mime="text/html", key=f"dl_html:{pid}")
    b.download_button("Download sessions (CSV)", report_csv, file_name=f"formcheck-{username}.csv",
                      mime="text/csv", key=f"dl_csv:{pid}")
