"""A therapist's patients: who needs attention first, then one patient's sets, progress, programme and report."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from app_pages import common, patient_clinic
from exercises.config import ConfigError
from exercises.registry import EXERCISES
from feedback import charts, printable, views
from feedback.wording import COVERAGE_HELP, coverage_note, one_end_note, unseen_gap_note, view_hidden_note
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
    st.table([{"patient": i.username, "needs attention": "; ".join(_details(i.reasons)) or "—"}
              for i in listed], hide_index=True)
    names = {i.patient_id: i.username for i in listed}
    pid = st.selectbox("Open patient", list(names), format_func=names.get, key="patient")
    reasons = next(i.reasons for i in listed if i.patient_id == pid)
    st.header(common.plain(names[pid]))
    for detail in _details(reasons):
        st.warning(detail)
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


def _details(reasons: list) -> list[str]:
    # Two items of one exercise can bring the same proposal: say it once.
    return list(dict.fromkeys(r.detail for r in reasons))


def sessions_section(actor: Actor, pid: int) -> None:
    """Every saved set; open one to see its report and re-score it."""
    with common.db_session() as db:
        sessions = repo.list_sessions(db, actor, pid)
    if not sessions:
        st.info("No sets saved yet.")
        return
    # Numbers as read ("0", "12.5"), not a table's "0.0000".
    rows = [{k: f"{v:g}" if isinstance(v, float) else v for k, v in r.items()} for r in views.session_rows(sessions)]
    # A static table: its cells wrap, so no column is cut off at 1366 px whatever the exercise's name.
    st.table(rows[:SESSIONS_SHOWN], hide_index=True)
    if len(rows) > SESSIONS_SHOWN:
        st.caption(f"The {SESSIONS_SHOWN} latest of {len(rows)} sets; open any below, or export them all "
                   "under Report & export.")
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
    partial = row.get("partial_reps") or 0  # five columns: "0 + 3 partial" would be cut, so the label says it
    cols[0].metric("Reps + partial" if partial else "Reps", f"{s.reps} + {partial}" if partial else s.reps)
    cols[1].metric("Faulted reps", s.faulted_reps)
    cols[2].metric("Best hold", f"{s.best_hold_s:.1f} s" if spec.hold else "—")
    cols[3].metric("Measured", f"{s.pose_coverage:.0%}", help=COVERAGE_HELP)
    cols[4].metric("Pain before → after", f"{_dash(s.pain_before)} → {_dash(s.pain_after)}")
    if s.interrupted:
        st.warning("The camera stopped mid-set: this is the set as far as it went.")
    # Sets saved before the body was recorded apart have no body_seen_ratio: their note says only how much was measured.
    seen = row.get("body_seen_ratio")
    if note := coverage_note(s.exercise, s.pose_coverage, math.nan if seen is None else seen):
        st.warning(note)
    # The longest stretch mid-set with the patient unseen; sets saved before it was recorded have none.
    elif note := unseen_gap_note(s.exercise, row.get("unseen_max_s") or 0.0):
        st.warning(note)
    # A set of cycles seen at one end only counted nothing, though the patient may well have done them.
    if note := one_end_note(s.exercise, row.get("one_end_only") or ""):
        st.warning(note)
    # Filmed too far round for the rep measurement; sets saved before the share was recorded have none.
    if note := view_hidden_note(row.get("view_hidden_ratio"), row.get("view_hidden_deg")):
        st.warning(note)
    shared = s.shared_video_path is not None  # the path itself is never shown
    st.caption(f"{s.source.value} · {row.get('view')} view, {row.get('side')} side · symptoms: "
               f"{s.symptom_response.value if s.symptom_response else 'not given'}"
               + (" · video shared" if shared else ""))
    if shared:
        shared_video(actor, s.id)
    if row.get("rep_detail") or row.get("partial_rep_detail"):
        st.dataframe(views.rep_rows(row, spec), hide_index=True, width="stretch")
    lines = views.fault_summary(row.get("faults") or {}, row.get("thresholds"))
    unseen = views.saved_not_checked_lines(row, spec)
    st.markdown("**Faults:** " + ("\n".join(f"\n- {line}" for line in lines) if lines
                                  else "none flagged among those checked." if unseen else "none flagged."))
    if unseen:  # "none flagged" for these means not seen, not good form
        st.markdown("**Not checked in this set:**" + "".join(f"\n- {line}" for line in unseen))
    rescore_form(actor, s, row)


def shared_video(actor: Actor, session_id: int) -> None:
    """Play the clip the patient shared, after store.repo's access check; its stored path is never shown."""
    with common.db_session() as db:
        data = repo.shared_video(db, actor, session_id, common.data_dir())
    if data is None:
        st.info("The patient shared the video of this set, but it is no longer on the server.")
    else:
        # Uploads are mp4, mov, m4v or webm (checked by content on upload); only WebM needs another type.
        # Half the page wide: the per-rep table under it stays in view at 1366x768.
        st.columns(2)[0].video(data, format="video/webm" if data.startswith(b"\x1aE\xdf\xa3") else "video/mp4")


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
        st.dataframe(views.rescore_comparison(row, new), hide_index=True, width="stretch")
        if new.reps:
            st.dataframe(charts.reps_table(new, plan_set(s.exercise, sidebar=dict(new.thresholds)).spec),
                         hide_index=True, width="stretch")


def progress_section(actor: Actor, pid: int) -> None:
    """Detailed charts per exercise and weekly adherence."""
    with common.db_session() as db:
        frame = views.progress_frame(repo.progress(db, actor, pid))
        weeks = repo.adherence(db, actor, pid, common.today())
    st.subheader("Adherence (sets done of prescribed)")
    if weeks:
        st.table(views.adherence_rows(weeks), hide_index=True)  # wraps: one column per exercise, none cut off
    else:
        st.caption("No programme in force.")
    if frame.empty:
        st.info("No sets saved yet.")
        return
    for name, part in frame.groupby("exercise", sort=False):
        spec = EXERCISES[name]
        st.subheader(spec.title)
        a, b = st.columns(2)
        a.altair_chart(views.range_chart(part, charts.label_of(spec.rep.signal)), width="stretch")
        b.altair_chart(views.metric_chart(part, "reps", "Reps"), width="stretch")
        c, d = st.columns(2)
        c.altair_chart(views.metric_chart(part, "fault rate", "Fault rate (faulted reps / reps)", percent=True),
                       width="stretch")
        d.altair_chart(views.pain_chart(part), width="stretch")
        if spec.hold is not None and (part["best hold (s)"] > 0).any():  # no line of zeros for rep sets
            st.altair_chart(views.metric_chart(part, "best hold (s)", "Best hold (good form)"),
                            width="stretch")
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
    # The form's starting rows; a new version number makes every field start again from them.
    version_key, seed_key, count_key = f"pg_version:{pid}", f"pg_seed:{pid}", f"pg_count:{pid}"
    if current is not None and st.button("Start from the programme in force", key=f"copy:{pid}"):
        st.session_state[seed_key] = views.editor_frame(current.items)
        st.session_state[count_key] = len(current.items)
        st.session_state[version_key] = st.session_state.get(version_key, 0) + 1
    seed = st.session_state.get(seed_key)
    seed_rows = (views.editor_frame() if seed is None else seed).to_dict("records")
    st.session_state.setdefault(count_key, len(seed_rows))
    count = st.columns([1, 3])[0].number_input(
        "Exercises in this programme", min_value=1, max_value=PROGRAMME_ROWS_MAX, step=1, key=count_key,
        help="Each exercise gets its own fields below; all are saved together.")
    version = st.session_state.get(version_key, 0)
    with st.form(f"programme:{pid}"):
        st.caption("Leave reps, hold or seconds per rep empty when not prescribed. Threshold names: "
                   "`formcheck exercises --json` or the review page's sidebar.")
        rows = [programme_row(f"pg:{pid}:{version}:{n}", n, seed_rows[n] if n < len(seed_rows) else {})
                for n in range(int(count))]
        c1, c2 = st.columns([1, 3])
        start = c1.date_input("Starts on", value=common.today(), key=f"pg_start:{pid}")
        notes = c2.text_area("Programme notes", key=f"pg_notes:{pid}", height=80)
        save = st.form_submit_button("Save programme")
    if not save:
        return
    items, errors = views.programme_items(pd.DataFrame(rows, columns=list(views.EDITOR_COLUMNS)))
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
    st.session_state.pop(count_key, None)
    st.session_state[version_key] = st.session_state.get(version_key, 0) + 1
    st.session_state["flash"] = f"Programme saved. It has {len(items)} exercise{'s' if len(items) != 1 else ''}."
    st.rerun()


SESSIONS_SHOWN = 20  # rows of the sets table; the picker and the CSV export reach every set
PROGRAMME_ROWS_MAX = 15  # exercises in one programme form


def _given(x: object) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x)) and x != ""


def programme_row(key: str, n: int, seed: dict) -> dict:
    """One exercise of the programme form, with labels in plain units; returns it in views.EDITOR_COLUMNS' names.

    Fields, not a table: every label is shown in full at 1366 px, and an empty field means "not prescribed" (never
    "None"). The exercises are the registry's, so a newly registered exercise is offered at once.
    """
    help_, titles, sides = views.EDITOR_COLUMNS, list(views.exercise_titles()), list(views.EDITOR_SIDES)

    def whole(col: st.delta_generator.DeltaGenerator, name: str, label: str, hi: int, lo: int = 1) -> int | None:
        value = int(seed[name]) if _given(seed.get(name)) else None
        return col.number_input(label, min_value=lo, max_value=hi, value=value, step=1, help=help_[name],
                                key=f"{key}:{name}", placeholder="none")

    def seconds(col: st.delta_generator.DeltaGenerator, name: str, label: str, hi: float, step: float) -> float | None:
        value = float(seed[name]) if _given(seed.get(name)) else None
        return col.number_input(label, min_value=0.0, max_value=hi, value=value, step=step, format="%g",
                                help=help_[name], key=f"{key}:{name}", placeholder="none")

    with st.container(border=True):
        a = st.columns([3, 1.3, 1, 1.2])
        title = seed.get("exercise") if seed else None
        exercise = a[0].selectbox(f"Exercise {n + 1}", titles, index=titles.index(title) if title in titles else None,
                                  placeholder="Choose an exercise", key=f"{key}:exercise")
        side_words = seed.get("side") if seed.get("side") in sides else views.SIDE_WORDS["both"]
        side = a[1].selectbox("Side", sides, index=sides.index(side_words), help=help_["side"], key=f"{key}:side")
        row = {"exercise": exercise, "side": side,
               "sets": whole(a[2], "sets", "Sets", views.EDITOR_SETS_MAX) if seed else
               a[2].number_input("Sets", 1, views.EDITOR_SETS_MAX, 1, 1, help=help_["sets"], key=f"{key}:sets"),
               "reps": whole(a[3], "reps", "Reps per set", views.EDITOR_REPS_MAX)}
        b = st.columns(5)
        row["hold (s)"] = seconds(b[0], "hold (s)", "Hold (seconds)", views.EDITOR_HOLD_MAX_S, 1.0)
        row["tempo (s a rep)"] = seconds(b[1], "tempo (s a rep)", "Seconds per rep", views.EDITOR_TEMPO_MAX_S, 0.5)
        for col, name, label, hi, default in ((b[2], "from week", "From week", views.EDITOR_WEEKS_MAX, 1),
                                              (b[3], "to week", "To week", views.EDITOR_WEEKS_MAX, 4),
                                              (b[4], "days a week", "Days a week", views.EDITOR_DAYS_MAX, 5)):
            row[name] = whole(col, name, label, hi) if seed else col.number_input(
                label, 1, hi, default, 1, help=help_[name], key=f"{key}:{name}")
        c = st.columns(2)
        row["thresholds"] = c[0].text_input("Threshold overrides (optional)", value=seed.get("thresholds") or "",
                                            help=help_["thresholds"], placeholder="name = value; ...",
                                            key=f"{key}:thresholds")
        row["notes"] = c[1].text_input("Notes for the patient (optional)", value=seed.get("notes") or "",
                                       help=help_["notes"], key=f"{key}:notes")
    return row


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
