"""The menu of each role: which pages a guest, a patient and a therapist see, as st.Page objects for st.navigation.

The menu is drawn here as buttons, not by st.navigation: a click on Streamlit's own menu is a rerun request naming
the new page, and Streamlit merges two requests that arrive together, keeping the page of the later one. The live
page's camera component asks for a rerun of the page shown once it has loaded, so a menu click made as the page
first loaded was lost and the patient had to click again. A button's click survives that merge (Streamlit keeps
button presses), and the page it asks for is kept until that page has run to its end (`asked_page`, `reached`).

A request the browser sent before a new page reached it names the page it still showed, and can arrive after the new
page's run has ended (nothing is left asking then). So the page shown stands until the browser has named it once
(`behind`); from then on a request naming another page is the browser's own move (its back button) and is followed.
"""

from __future__ import annotations

from functools import partial
from typing import Any, NoReturn

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


# Session key (common.session_key_now) -> url path of the page a menu click asked for, until that page has run. A plain
# dict, not st.session_state: every session_state read or write is a point where Streamlit may stop the click's
# callback for a newer request, and the click would be spent with nothing kept (app_pages/common.py, sign-in).
_ASKED: dict[str, str] = {}


# (title of the page whose run last ended, whether the browser has named it since): titles, as a url path is "" for
# every role's home page. And the title of the page this server's own switch asked for, until the run it starts.
# In st.session_state, unlike _ASKED: a run stopped before writing them leaves the older page shown, which the next
# run's GO_HOME or menu click still corrects, and the session's state goes when the session does.
_SHOWN = "menu_page_shown"
_SWITCHED_TO = "menu_switched_to"


def _clicked(path: str) -> None:
    if key := common.session_key_now():
        _ASKED[key] = path


def asked_page(pages: list[Any], shown: Any) -> Any | None:
    """The page a menu click asked for, if it is not the one shown (app.py then switches to it), else None."""
    key = common.session_key_now()
    path = _ASKED.get(key) if key else None
    if path is None or path == shown.url_path:
        return None  # nothing asked, or reached (kept until that page's run has ended: `reached`)
    page = next((p for p in pages if p.url_path == path), None)
    if page is None:
        _ASKED.pop(key, None)  # not in this role's menu (signed out since the click)
    return page


def reached(shown: Any) -> None:
    """The page shown has run to its end: it is what the browser gets, and a menu click that asked for it is done."""
    was = st.session_state.to_dict().get(_SHOWN)
    st.session_state[_SHOWN] = (shown.title, was == (shown.title, True))
    key = common.session_key_now()
    if key and _ASKED.get(key) == shown.url_path:
        del _ASKED[key]


def switch(page: Any) -> NoReturn:
    """st.switch_page, marked as this server's: the run it starts is not the browser naming that page."""
    st.session_state[_SWITCHED_TO] = page.title
    st.switch_page(page)


def behind(pages: list[Any], named: Any) -> Any | None:
    """The page shown, if this run names another that the browser asked for before the page shown reached it.

    A run names the browser's page, or the page of this server's switch. The browser has the page shown once it has
    named it; until then a request naming another page left before it arrived. Notes both for the runs after this:
    the switch's mark is spent, and the page shown is marked named when this run is the browser naming it.
    """
    state = st.session_state.to_dict()
    ours = state.get(_SWITCHED_TO) == named.title
    if _SWITCHED_TO in state:
        del st.session_state[_SWITCHED_TO]
    shown = state.get(_SHOWN)
    if shown is None or ours:
        return None
    title, seen = shown
    if title == named.title:
        if not seen:
            st.session_state[_SHOWN] = (title, True)
        return None
    if seen:
        return None
    return next((p for p in pages if p.title == title), None)


def draw(box: Any, pages: list[Any], shown: Any) -> None:
    """The menu, in `box` (a sidebar container above the sign-in form): one button a page, the page shown marked."""
    with box:
        for page in pages:
            here = page.url_path == shown.url_path
            st.button(page.title, key=f"menu_{page.url_path}", on_click=_clicked, args=(page.url_path,),
                      type="secondary" if here else "tertiary", width="stretch")
        st.divider()
