"""A therapist's patients: who needs attention first, then one patient's sets, progress, programme and report."""

from __future__ import annotations

import math

import streamlit as st

from app_pages import common, patient_clinic
from exercises.config import ConfigError
from exercises.registry import EXERCISES
from feedback import charts, printable, views
from scoring.prescription import plan_set
from scoring.rescore import rescore_set
from store import attention, export, repo
from store.auth import Actor


def page(actor: Actor) -> None:
    """Patient list (who needs attention first), then one patient: sessions, progress, programme, report."""
    st.title(common.PATIENTS)
    with common.db_session() as db:
        listed = attention.attention_list(db, actor, common.today())
    if not listed:
        st.info("No patients are linked to you yet: `formcheck user link --therapist YOU --patient NAME`.")
        return
    # A static table: its cells wrap, so a long list of reasons is read in full, never cut off at the edge.
    st.table([{"patient": i.username, "needs attention": "; ".join(r.detail for r in i.reasons) or "—"}
              for i in listed], hide_index=True)
    names = {i.patient_id: i.username for i in listed}
    pid = st.selectbox("Open patient", list(names), format_func=names.get, key="patient")
    reasons = next(i.reasons for i in listed if i.patient_id == pid)
    st.header(common.plain(names[pid]))
    for r in reasons:
        st.warning(r.detail)
    sessions_tab, progress_tab, programme_tab, dose_tab, rtm_tab, report_tab = st.tabs(
        ["Sessions", "Progress", "Programme", "Next dose", "Monitoring (RTM)", "Report & export"])
    with sessions_tab:
        sessions_section(actor, pid)
    with progress_tab:
        progress_section(actor, pid)
    with programme_tab:
        programme_section(actor, pid)
    with dose_tab:
        patient_clinic.next_dose_section(actor, pid)
    with rtm_tab:
        patient_clinic.monitoring_section(actor, pid)
    with report_tab:
        report_section(actor, pid, names[pid])
        patient_clinic.fhir_section(actor, pid, names[pid])


def sessions_section(actor: Actor, pid: int) -> None:
    """Every saved set; open one to see its report and re-score it."""
    with common.db_session() as db:
        sessions = repo.list_sessions(db, actor, pid)
    if not sessions:
        st.info("No sets saved yet.")
        return
    st.dataframe(views.session_rows(sessions), hide_index=True, use_container_width=True,
                 column_config=_SESSION_COLUMNS)
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
    """Programmes so far, and a new one built as one form: a table with one row per exercise, saved together."""
    with common.db_session() as db:
        programmes = repo.list_programmes(db, actor, pid)
    current = views.current_programme(programmes, common.today())
    for p in programmes:
        tag = " (in force)" if p is current else " (future)" if p.start_date > common.today() else ""
        with st.expander(f"Programme from {p.start_date.isoformat()}{tag}", expanded=p is current):
            if p.notes:
                st.text(p.notes)
            st.table([views.item_row(i) for i in p.items], hide_index=True)  # wraps: no column cut off
    st.subheader("New programme" if current is None else "New version of the programme")
    # The table's starting rows; a new version number makes the editor start again from them.
    version_key, seed_key = f"pg_version:{pid}", f"pg_seed:{pid}"
    if current is not None and st.button("Start from the programme in force", key=f"copy:{pid}"):
        st.session_state[seed_key] = views.editor_frame(current.items)
        st.session_state[version_key] = st.session_state.get(version_key, 0) + 1
    seed = st.session_state.get(seed_key)
    with st.form(f"programme:{pid}"):
        st.caption("One row per exercise; add rows with ＋ under the table, remove one by ticking it and pressing "
                   "the bin. Leave reps, hold or tempo blank when not prescribed. Threshold names: "
                   "`formcheck exercises --json` or the review page's sidebar.")
        rows = st.data_editor(views.editor_frame() if seed is None else seed, num_rows="dynamic", hide_index=True,
                              use_container_width=True, column_config=_editor_columns(), placeholder="",
                              key=f"pg_rows:{pid}:{st.session_state.get(version_key, 0)}")
        c1, c2 = st.columns([1, 3])
        start = c1.date_input("Starts on", value=common.today(), key=f"pg_start:{pid}")
        notes = c2.text_area("Programme notes", key=f"pg_notes:{pid}", height=80)
        save = st.form_submit_button("Save programme")
    if not save:
        return
    items, errors = views.programme_items(rows)
    for error in errors:
        st.error(common.plain(error))  # may quote what was typed
    if errors:
        return
    try:
        with common.db_session() as db:
            repo.create_programme(db, actor, pid, start, [repo.ItemSpec(**i) for i in items], notes)
    except ValueError as exc:
        st.error(common.plain(str(exc).splitlines()[0]))
        return
    st.session_state.pop(seed_key, None)
    st.session_state[version_key] = st.session_state.get(version_key, 0) + 1
    st.session_state["flash"] = f"Programme saved. It has {len(items)} exercise{'s' if len(items) != 1 else ''}."
    st.rerun()


# Widths in px that add up to the 906 px of the page at 1366 px, so no column is cut off or scrolled away.
_SESSION_COLUMNS = {"id": st.column_config.NumberColumn(width=40),
                    "date (UTC)": st.column_config.TextColumn(width=122),
                    "exercise": st.column_config.TextColumn(width=90),
                    "source": st.column_config.TextColumn(width=62),
                    "reps": st.column_config.NumberColumn(width=45),
                    "faulted": st.column_config.NumberColumn(width=60),
                    "best hold (s)": st.column_config.NumberColumn(width=95),
                    "range": st.column_config.TextColumn(width=90),
                    "pose seen": st.column_config.TextColumn(width=75),
                    "pain before → after": st.column_config.TextColumn(width=130),
                    "symptoms": st.column_config.TextColumn(width=95)}


def _editor_columns() -> dict:
    """The programme table's editors: pickers for exercise and side, bounded whole numbers, seconds.

    Short headers and widths in px so all eleven columns fit the form at 1366 px; each header's tooltip says
    what goes in it (feedback.views.EDITOR_COLUMNS).
    """
    cc, help_ = st.column_config, views.EDITOR_COLUMNS

    def number(name: str, label: str, lo: float, hi: float, step: float, fmt: str, width: int) -> object:
        return cc.NumberColumn(label, help=help_[name], min_value=lo, max_value=hi, step=step, format=fmt,
                               width=width)

    return {
        "exercise": cc.SelectboxColumn("exercise", help=help_["exercise"], options=list(views.exercise_titles()),
                                       required=True, width=265, default=next(iter(views.exercise_titles()))),
        "side": cc.SelectboxColumn("side", help=help_["side"], options=list(views.EDITOR_SIDES), required=True,
                                   default=views.SIDE_WORDS["both"], width=88),
        "sets": number("sets", "sets", 1, views.EDITOR_SETS_MAX, 1, "%d", 44),
        "reps": number("reps", "reps", 0, views.EDITOR_REPS_MAX, 1, "%d", 46),
        "hold (s)": number("hold (s)", "hold s", 0, views.EDITOR_HOLD_MAX_S, 1, "%g", 56),
        "tempo (s a rep)": number("tempo (s a rep)", "s a rep", 0, views.EDITOR_TEMPO_MAX_S, 0.5, "%g", 62),
        "from week": number("from week", "from wk", 1, views.EDITOR_WEEKS_MAX, 1, "%d", 64),
        "to week": number("to week", "to wk", 1, views.EDITOR_WEEKS_MAX, 1, "%d", 54),
        "days a week": number("days a week", "days/wk", 1, views.EDITOR_DAYS_MAX, 1, "%d", 64),
        "thresholds": cc.TextColumn("thresholds", help=help_["thresholds"], width=90),
        "notes": cc.TextColumn("notes", help=help_["notes"], width=80),
    }


def report_section(actor: Actor, pid: int, username: str) -> None:
    """Printable HTML report for a date range, and CSV of every set."""
    a, b = st.columns(2)
    start = a.date_input("Report from", value=None, key=f"rep_from:{pid}", help="Empty: from the first set")
    end = b.date_input("Report to", value=None, key=f"rep_to:{pid}", help="Empty: up to today")
    try:
        with common.db_session() as db:
            report_html = printable.report_html(export.report_data(db, actor, pid, common.today(), start, end))
            report_csv = export.export_csv(db, actor, pid)
    except ValueError as exc:
        st.error(common.plain(str(exc).splitlines()[0]))
        return
    st.caption("The HTML report prints from the browser: adherence, per exercise range against target and pain "
               "charts, faults, the proposed doses and your decisions, then every set in the range.")
    a, b = st.columns(2)
    a.download_button("Download patient report (HTML)", report_html, file_name=f"formcheck-{username}.html",
                      mime="text/html", key=f"dl_html:{pid}")
    b.download_button("Download sessions (CSV)", report_csv, file_name=f"formcheck-{username}.csv",
                      mime="text/csv", key=f"dl_csv:{pid}")
