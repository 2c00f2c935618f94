"""AppTest of app.py, opened on one page of the menu and signed in as someone.

AppTest.switch_page only takes page files, and app.py's pages are functions given to st.Page with a url path
(app_pages/menu.py). Streamlit knows such a page by the hash of its url path, which is what the browser sends too.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from app_pages.menu import PAGES

APP = str(Path(__file__).resolve().parents[2] / "app.py")
LIVE, REVIEW, PROGRAMME, PROGRESS, PATIENTS = (
    "live-coaching", "review-a-recording", "my-programme", "my-progress", "my-patients")
assert set(PAGES) == {LIVE, REVIEW, PROGRAMME, PROGRESS, PATIENTS}, "app_pages/menu.py changed its url paths"


def app_test(page: str | None = None, actor=None, timeout: float = 60, **state) -> AppTest:  # noqa: ANN001
    """AppTest of app.py, not run yet.

    Args:
        page: a url path from app_pages/menu.py, or None for the role's home page.
        actor: the signed-in user (store.auth.Actor), or None for a guest.
        timeout: seconds a run may take.
        **state: more session_state.
    """
    at = AppTest.from_file(APP, default_timeout=timeout)
    if actor is not None:
        at.session_state["actor"] = actor
    for key, value in state.items():
        at.session_state[key] = value
    if page is not None:
        at._page_hash = calc_hash(page)  # AppTest has no public way to open a page that is not a file
    return at


def names_page(at: AppTest, page: str) -> AppTest:
    """The browser's next request names this page (a url path from app_pages/menu.py), as it does the page it shows.

    AppTest's own requests keep naming the page it was opened on, whatever page the last run switched to: a browser
    whose request left before the switch reached it.
    """
    at._page_hash = calc_hash(page)
    return at


# The browser's own rerun request (the live page's camera component, once loaded), merged with a page switch, keeps
# the page the browser still shows. These two helpers play that race in AppTest; each returns what it caught.
def lose_the_first_switch(monkeypatch) -> list:  # noqa: ANN001
    """The first st.switch_page becomes a plain rerun of the page shown (the switch is lost); later ones work."""
    import streamlit as st

    real_switch, lost = st.switch_page, []

    def switch_once_lost(page):  # noqa: ANN001, ANN202
        if not lost:
            lost.append(page)
            st.rerun()
        real_switch(page)

    monkeypatch.setattr(st, "switch_page", switch_once_lost)
    return lost


def stop_the_first_run(monkeypatch, url_path: str, back_to: str) -> list:  # noqa: ANN001
    """The first run of page `url_path` is stopped part-way and replaced by a run of page `back_to`, by title."""
    import streamlit as st

    from app_pages import menu

    title, real = PAGES[url_path]
    stopped = []

    def stopped_once(actor):  # noqa: ANN001, ANN202
        if not stopped:
            stopped.append(actor)
            # Found by title: the role's default page has no url path.
            st.switch_page(next(p for p in menu.menu(actor) if p.title == back_to))
        real(actor)

    monkeypatch.setitem(PAGES, url_path, (title, stopped_once))
    return stopped
