"""A patient's own progress: simple and encouraging (the therapist's detailed charts are in app_pages.patients)."""

from __future__ import annotations

import streamlit as st

from app_pages import common
from exercises.registry import EXERCISES
from feedback import gait_charts, views
from store import repo
from store.auth import Actor


def page(actor: Actor) -> None:
    """Reps or hold over sessions, pain trend, this week's sets."""
    common.header(common.PROGRESS, actor)
    with common.db_session() as db:
        frame = views.progress_frame(repo.progress(db, actor, actor.id))
        weeks = repo.adherence(db, actor, actor.id, common.today())
    week = weeks[-1] if weeks else None
    text, level = views.encouragement(frame, week)
    # The clinical rules decide the colour too: spreading symptoms or high pain is never shown as a success.
    {"error": st.error, "warning": st.warning, "ok": st.success}[level](text)
    if week is not None and week.prescribed:
        st.metric("Sets this week", f"{week.done_capped} of {week.prescribed}")
    if frame.empty:
        return
    for name, part in frame.groupby("exercise", sort=False):
        st.subheader(EXERCISES[name].title)
        cols = st.columns(2)
        if EXERCISES[name].hold is not None and (part["best hold (s)"] > 0).any():
            cols[0].altair_chart(views.metric_chart(part, "best hold (s)", "Best hold"), width="stretch")
        else:
            cols[0].altair_chart(views.metric_chart(part, "reps", "Reps per set"), width="stretch")
        if part[["pain before", "pain after"]].notna().any().any():
            cols[1].altair_chart(views.pain_chart(part, symptoms=False), width="stretch")
        if EXERCISES[name].events == "gait":
            walking_by_week(actor)


def walking_by_week(actor: Actor) -> None:
    """Toe clearance and ankle lift by week, each leg: whether a dragging toe is fading."""
    with common.db_session() as db:
        sets = [(s.started_at, repo.get_session(db, actor, s.id).report)
                for s in repo.list_sessions(db, actor, actor.id, "walk")]
    weekly = gait_charts.weekly_gait_frame(sets)
    if weekly.empty:
        return
    st.altair_chart(gait_charts.weekly_gait_chart(weekly))  # its own width: side-by-side charts overflow
    st.caption("Each point is a week's typical walking set. Higher is better for both: the toes clear the floor "
               "more, and the foot lifts more as the leg swings forward.")
