"""The menu of each role: which pages a guest, a patient and a therapist see, as st.Page objects for st.navigation."""

from __future__ import annotations

from functools import partial

import streamlit as st

from app_pages import common, live, patients, programme, progress, review
from store.auth import Actor
from store.models import Role

# url path -> (title, page function taking the signed-in user); a path names the same page in every role's menu.
# The package is app_pages/, never pages/: Streamlit takes a pages/ folder beside app.py for its old multipage mode
# and runs a fresh server's first script run through it, with other widget ids than every later run (the first
# "Sign in" click on a fresh server was lost: issue 15; tests/browser/test_security_browser.py signs in with one click).
PAGES = {
    "live-coaching": (common.LIVE, live.page), "review-a-recording": (common.REVIEW, review.page),
    "my-programme": (common.PROGRAMME, programme.page), "my-progress": (common.PROGRESS, progress.page),
    "my-patients": (common.PATIENTS, patients.page),
}
# Each role's menu, its home page first.
MENUS = {None: ("live-coaching", "review-a-recording"),
         Role.PATIENT: ("my-programme", "live-coaching", "review-a-recording", "my-progress"),
         Role.THERAPIST: ("my-patients", "review-a-recording", "live-coaching")}


def menu(actor: Actor | None) -> list[st.Page]:
    """The pages of this user's role, its home page first."""
    paths = MENUS[actor.role if actor is not None else None]
    return [st.Page(partial(PAGES[p][1], actor), title=PAGES[p][0], url_path=p, default=n == 0)
            for n, p in enumerate(paths)]
