"""The live page while a set runs fits a 1366x768 laptop screen with no scrolling (issue 15).

Chromium's fake camera (its moving test pattern, no person) feeds the page: the layout is what is checked, not
the counting. Streamlit scrolls its own main element rather than the document, so both are measured.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM_ARGS

pytestmark = pytest.mark.slow

VIEWPORT = {"width": 1366, "height": 768}
SCROLL_TOLERANCE_PX = 4
# (scrollHeight - clientHeight) of the document and of every element Streamlit may scroll.
_OVERFLOW_JS = """() => {
  const doc = document.scrollingElement;
  const out = {document: doc.scrollHeight - window.innerHeight};
  for (const id of ["stAppViewContainer", "stMain", "stAppScrollToBottomContainer"]) {
    const el = document.querySelector(`[data-testid="${id}"]`);
    if (el) out[id] = el.scrollHeight - el.clientHeight;
  }
  return out;
}"""


def test_live_page_fits_a_laptop_screen_while_a_set_runs(chromium, app_url, shots: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(app_url)
            page.get_by_text("formcheck: live coaching").wait_for(timeout=60_000)
            page.screenshot(path=str(shots / "live_1366_before.png"))
            page.frame_locator('iframe[title*="webrtc"]').get_by_role("button", name="Start the camera").click()
            reps = page.locator("[data-testid='live-reps']")
            reps.wait_for(timeout=90_000)
            page.wait_for_timeout(3000)  # the video and the panel have settled
            page.screenshot(path=str(shots / "live_1366_running.png"))
            overflow = page.evaluate(_OVERFLOW_JS)
            reps_box = reps.bounding_box()
            video_box = page.locator('iframe[title*="webrtc"]').bounding_box()
            text = page.locator('[data-testid="stMain"]').inner_text()
        finally:
            browser.close()
    print(f"\nlive page at 1366x768 while a set runs: overflow {overflow}, reps at {reps_box}, video {video_box}")
    assert all(v <= SCROLL_TOLERANCE_PX for v in overflow.values()), f"the page scrolls: {overflow}"
    assert reps_box["y"] + reps_box["height"] <= VIEWPORT["height"] and video_box["y"] + video_box["height"] <= \
        VIEWPORT["height"] + SCROLL_TOLERANCE_PX
    assert reps_box["height"] >= 60, "the rep count must be readable from 2-3 m away"
    assert "frames/s" not in text and "lag" not in text  # a patient's view: no camera figures
