"""The page menu (app_pages/menu.py): a click reaches its page even when the browser's own rerun request is merged
with it, as the live page's camera component does once it has loaded."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import app_pages.live
from app_pages import menu
from tests.app.nav import LIVE, REVIEW, app_test, lose_the_first_switch, names_page, stop_the_first_run

LIVE_TITLE, REVIEW_TITLE = "formcheck: live coaching", "formcheck: exercise form review"


class _Stopped:
    class state:  # noqa: N801 - mirrors streamlit-webrtc's ctx.state
        playing = False


@pytest.fixture(autouse=True)
def guest_app(isolated_dirs, monkeypatch):
    monkeypatch.delenv("FORMCHECK_DATABASE_URL", raising=False)
    monkeypatch.setattr(app_pages.live, "webrtc_streamer", lambda **kwargs: _Stopped())
    monkeypatch.setattr(menu, "_ASKED", {})


def _menu(at: AppTest) -> dict[str, str]:
    """Menu button label -> its type ('secondary' marks the page shown)."""
    return {b.label: b.proto.type for b in at.sidebar.button if b.key and b.key.startswith("menu_")}


def _click(at: AppTest, title: str) -> AppTest:
    return next(b for b in at.sidebar.button if b.label == title).click().run()


def test_a_guest_menu_lists_its_pages_and_marks_the_one_shown():
    at = app_test(LIVE).run()
    assert not at.exception
    assert _menu(at) == {"Live coaching": "secondary", "Review a recording": "tertiary"}
    at = _click(at, "Review a recording")
    assert not at.exception
    assert at.title[0].value == REVIEW_TITLE
    assert _menu(at) == {"Live coaching": "tertiary", "Review a recording": "secondary"}
    assert menu._ASKED == {}  # reached: nothing left asking


def test_a_menu_click_reaches_its_page_when_a_browser_rerun_replaces_the_switch(monkeypatch):
    # The merged request keeps the page the browser still shows: the first switch becomes a plain rerun of it.
    at = app_test(LIVE).run()
    lost = lose_the_first_switch(monkeypatch)
    at = _click(at, "Review a recording")
    assert not at.exception
    assert lost, "the click never asked for its page"
    assert at.title[0].value == REVIEW_TITLE


def test_a_menu_click_is_kept_when_a_browser_rerun_lands_during_its_callback(monkeypatch):
    # The camera component's request arrives while the click's callback runs: the run it starts names the live page.
    from streamlit.runtime.scriptrunner import RerunData, get_script_run_ctx

    from app_pages import common

    real, asked = common.session_key_now, []

    def rerun_then_real():  # noqa: ANN202
        ctx = get_script_run_ctx()
        if ctx is not None and not asked and ctx.script_requests is not None:
            asked.append(ctx.script_requests.request_rerun(RerunData(page_script_hash=ctx.page_script_hash)))
        return real()

    at = app_test(LIVE).run()
    monkeypatch.setattr(common, "session_key_now", rerun_then_real)
    at = _click(at, "Review a recording")
    assert not at.exception
    assert asked == [True]
    assert at.title[0].value == REVIEW_TITLE


def test_a_menu_click_reaches_its_page_when_a_browser_rerun_stops_that_page_part_way(monkeypatch):
    # The switch reached the review page, but the browser's rerun of the page it still shows stopped that run
    # part-way and named the live page: the click is kept until the review page has run to its end.
    stopped = stop_the_first_run(monkeypatch, REVIEW, back_to="Live coaching")
    at = _click(app_test(LIVE).run(), "Review a recording")
    assert not at.exception
    assert stopped, "the review page never started"
    assert at.title[0].value == REVIEW_TITLE
    assert menu._ASKED == {}


def test_a_rerun_the_browser_sent_before_the_clicked_page_reached_it_keeps_that_page():
    # The review page has run to its end; then comes a rerun request the browser sent from the live page before the
    # review page reached it (the camera component reporting its state). The review page stands.
    at = _click(app_test(LIVE).run(), "Review a recording")
    assert at.title[0].value == REVIEW_TITLE
    at = names_page(at, LIVE).run()
    assert not at.exception
    assert at.title[0].value == REVIEW_TITLE
    assert _menu(at) == {"Live coaching": "tertiary", "Review a recording": "secondary"}
    # Once the browser has named the review page itself, its own move to another page (its back button) is followed.
    at = names_page(at, REVIEW).run()
    assert at.title[0].value == REVIEW_TITLE
    at = names_page(at, LIVE).run()
    assert at.title[0].value == LIVE_TITLE


def test_a_click_on_a_page_not_in_the_menu_any_more_is_dropped():
    at = app_test(REVIEW).run()
    key = at.session_state["sign_in_session_key"]
    menu._ASKED[key] = "my-patients"  # asked as a therapist, then signed out before it ran
    at = at.run()
    assert not at.exception
    assert at.title[0].value == REVIEW_TITLE
    assert menu._ASKED == {}
