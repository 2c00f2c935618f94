"""A patient's programme: this week's prescribed exercises, their targets and the sets done so far."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from app_pages import common
from exercises.registry import EXERCISES
from feedback import views
from store import repo
from store.auth import Actor


def page(actor: Actor) -> None:
    """This week's prescribed exercises with their targets and what is done so far."""
    common.header(common.PROGRAMME, actor)
    with common.db_session() as db:
        programme = views.current_programme(repo.list_programmes(db, actor, actor.id), common.today())
        weeks = repo.adherence(db, actor, actor.id, common.today())
    if programme is None:
        st.info(f"Your therapist has not set a programme yet. You can still practise on the {common.LIVE} page.")
        return
    week, items = views.items_this_week(programme, common.today())
    if programme.notes:
        # A therapist's words: plain text, never Markdown or HTML (an image link would be fetched).
        st.markdown("**Notes from your therapist**")
        st.text(programme.notes)
    if not items:
        st.info(f"Week {week}: nothing is prescribed this week. Your therapist will set the next part.")
        return
    this_week = weeks[-1] if weeks and weeks[-1].week == week else None
    st.subheader(f"Week {week} of {programme.weeks}")
    # A saved set is known by its exercise, not by the item it was done for, so items of one exercise share a count.
    sharing = Counter(item.exercise for item in items)
    for item in items:
        done, planned = (this_week.by_exercise.get(item.exercise, (0, 0)) if this_week else (0, 0))
        counted = "sets this week"
        if sharing[item.exercise] > 1:
            n = sharing[item.exercise]
            title = EXERCISES[item.exercise].title
            counted = f"sets this week, counting {'both' if n == 2 else f'all {n}'} {title} items"
        with st.container(border=True):
            st.markdown(f"**{EXERCISES[item.exercise].title}**: {views.target_text(item)}")
            if item.notes:
                st.text(item.notes)
            st.progress(min(1.0, done / planned) if planned else 0.0, text=f"{done} of {planned} {counted}")
    st.caption(f"Do a set on “{common.LIVE}”, or film it and choose “{common.REVIEW}”; save it at the end.")
