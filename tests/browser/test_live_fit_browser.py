"""The live page while a set runs fits a 1366x768 laptop screen with no scrolling (issue 15).

Chromium's fake camera (its moving test pattern, or an upright phone's plain picture; no person) feeds the page:
the layout is what is checked, not the counting. Streamlit scrolls its own main element rather than the document,
so both are measured.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.browser.conftest import CHROMIUM_ARGS
from tests.browser.y4m import write_y4m

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


def _portrait_camera(tmp_path: Path) -> list[str]:
    """A phone held upright as the camera (360x640): drawn the column's width, it ran past the screen's bottom."""
    frames = [np.full((640, 360, 3), 90 + 10 * (i % 8), np.uint8) for i in range(15)]
    y4m = tmp_path / "portrait.y4m"
    write_y4m(y4m, frames, 15, 1.0, 30.0)
    return [f"--use-file-for-fake-video-capture={y4m}"]


@pytest.mark.parametrize("camera", ["landscape", "portrait"])
def test_live_page_fits_a_laptop_screen_while_a_set_runs(chromium, app_url, shots: Path, tmp_path: Path, camera):
    from playwright.sync_api import sync_playwright

    args = [*CHROMIUM_ARGS, *(_portrait_camera(tmp_path) if camera == "portrait" else [])]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=args)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(app_url)
            page.get_by_text("formcheck: live coaching").wait_for(timeout=60_000)
            page.screenshot(path=str(shots / f"live_1366_{camera}_before.png"))
            page.frame_locator('iframe[title*="webrtc"]').get_by_role("button", name="Start the camera").click()
            reps = page.locator("[data-testid='live-reps']")
            reps.wait_for(timeout=90_000)
            page.wait_for_timeout(3000)  # the video and the panel have settled
            page.screenshot(path=str(shots / f"live_1366_{camera}_running.png"))
            overflow = page.evaluate(_OVERFLOW_JS)
            reps_box = reps.bounding_box()
            video_box = page.locator('iframe[title*="webrtc"]').bounding_box()
            # The stop button under the video is on screen too.
            stop_box = page.frame_locator('iframe[title*="webrtc"]').get_by_role("button", name="Finish the set") \
                .bounding_box()
            text = page.locator('[data-testid="stMain"]').inner_text()
        finally:
            browser.close()
    print(f"\nlive page at 1366x768 while a set runs ({camera} camera): overflow {overflow}, reps at {reps_box}, "
          f"video {video_box}, stop button {stop_box}")
    assert all(v <= SCROLL_TOLERANCE_PX for v in overflow.values()), f"the page scrolls: {overflow}"
    assert reps_box["y"] + reps_box["height"] <= VIEWPORT["height"] and video_box["y"] + video_box["height"] <= \
        VIEWPORT["height"] + SCROLL_TOLERANCE_PX
    assert stop_box["y"] + stop_box["height"] <= VIEWPORT["height"], "the stop button is off screen"
    assert reps_box["height"] >= 60, "the rep count must be readable from 2-3 m away"
    assert "frames/s" not in text and "lag" not in text  # a patient's view: no camera figures
