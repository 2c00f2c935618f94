"""formcheck app: live coaching, review of a recorded clip, and (signed in) programmes, saved sets and progress.

Run with `streamlit run app.py`. This file is the entry point only: the page config, the account sidebar and the
menu of the signed-in role (app_pages/menu.py). The pages are functions in the app_pages/ package (not
pages/: see app_pages/menu.py), shells that wire widgets to scoring/, store/ and feedback/ and hold no scoring logic.

Without signing in, the live and review pages work as a guest and nothing is saved. A patient sees their
programme, saves sets and sees their progress; a therapist sees their patients (store.repo enforces who sees what).
The database is store.db.database_url() ($FORMCHECK_DATABASE_URL or the SQLite file in $FORMCHECK_DATA_DIR).
"""

from __future__ import annotations

import os

import streamlit as st

from app_pages import common, menu
from store import repo

os.environ.setdefault("GLOG_minloglevel", "2")
# common.GO_HOME once the switch to the home page has been asked for, until the home page runs.
_HOME_ASKED = "asked"


def main() -> None:
    """Lay out the page: the sign-in sidebar, then the pages for this role."""
    st.set_page_config(page_title="formcheck", layout="wide")
    menu_box = st.sidebar.container()  # the menu goes above the sign-in form, drawn once the page is known
    actor = common.account_sidebar()
    pages = menu.menu(actor)
    home = pages[0]
    if st.session_state.get(common.GO_HOME) is True:
        # Signed in or out: this role's home page, before st.navigation looks up a page the role may not have.
        st.session_state[common.GO_HOME] = _HOME_ASKED
        menu.switch(home)
    page = st.navigation(pages, position="hidden")
    going_home = st.session_state.get(common.GO_HOME) == _HOME_ASKED
    if going_home and page.title != home.title:
        # The switch was lost: a rerun the browser asked for at the same moment (the live page's camera
        # component reports its state once loaded, often just as a sign-in lands) replaced it, with the page
        # the browser still showed. The flag stays until the home page has run, so ask again.
        menu.switch(home)
    if (asked := menu.asked_page(pages, page)) is not None:
        menu.switch(asked)  # asked again on every run until that page has run: a merged rerun can lose a switch
    if (shown := menu.behind(pages, page)) is not None and not going_home:
        menu.switch(shown)  # the browser asked before the page shown reached it
    menu.draw(menu_box, pages, page)
    if flash := st.session_state.pop("flash", None):
        st.success(flash)
    try:
        page.run()
    except repo.PermissionDenied as exc:
        st.error(f"Not allowed: {exc}. Sign out and in again.")
    except Exception:
        _arrived(page, going_home)  # a page that fails has still run: never send the person back to it
        raise
    _arrived(page, going_home)


def _arrived(page: st.Page, going_home: bool) -> None:
    """The page's run has ended: the home-page switch or menu click that asked for it is done.

    Only at the end of the run: the browser rerun that can replace a switch can also stop the asked page's run
    part-way (at any widget or session_state call, as a Streamlit StopException, which is no Exception) and name the
    page the browser still shows; the next run then asks again.
    """
    menu.reached(page)  # first: a stop between the two leaves the flag, and the next run asks for home again
    if going_home:
        st.session_state.pop(common.GO_HOME, None)


# Streamlit runs this file as __main__ and leaves it in sys.modules: a process pool started later in the same process
# (a long clip split across processes, in tests after an AppTest run) re-runs it in each child as __mp_main__, where
# there is no app to draw.
if __name__ == "__main__":
    main()
