"""Walking (issue 17) in a real Chromium: the live page with a real walking clip as the webcam, and the review page.

The clip is a short real side-on walk from the shared clips (5 certain heel strikes in 4.9 s, 640x352, static
camera); it is linked, never copied, into the server's samples folder.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from exercises.registry import EXERCISES
from tests.browser.conftest import CHROMIUM_ARGS, SourceClip, streamlit_server
from tests.browser.test_live_browser import LEAD_S, _camera, _launch, _play_set, _select_exercise

pytestmark = pytest.mark.slow

CLIP = Path(__file__).resolve().parents[2].parent / "shared" / "clips" / "walk" / "side_walk_markers_as.mp4"
STEPS = 5  # the manifest's heel strikes, all certain (a sixth at the frame's edge is not counted)
TITLE = EXERCISES["walk"].title
VIEWPORT = {"width": 1366, "height": 768}
# Steps need the swing seen: with frames dropped (under this many processed a second, of the fake camera's 15), steps
# are lost. Until a step's heel reach was confirmed by the frame after it whatever the rate (exercises.gait), a step
# was lost whenever no frame came within 80 ms of its peak: 10.6-13.1 frames/s found 3-5 of the 5 steps on CI, and
# this gate stood at 14. Since, this clip's live set replayed with frames dropped in bursts (inline pose, 10 runs
# each) found 4-6 steps in 9 runs of 10 at 6-9 frames/s on average; under 6 whole swings go unseen. See
# tests/test_gait.py: test_a_live_walk_with_frames_dropped_counts_every_step.
MIN_FPS = 8.0


@pytest.fixture(scope="module")
def walk_app(tmp_path_factory: pytest.TempPathFactory):
    """A server whose samples folder holds the walking clip (a link) labelled `walk`."""
    if not CLIP.is_file():
        pytest.skip(f"{CLIP} is not here (the shared clips)")
    base = tmp_path_factory.mktemp("walk_app")
    samples = base / "samples"
    samples.mkdir()
    (samples / CLIP.name).symlink_to(CLIP)
    (samples / CLIP.with_suffix(".truth.json").name).write_text(json.dumps({"exercise": "walk"}))
    env = {"FORMCHECK_DATA_DIR": str(base / "data"), "FORMCHECK_CACHE_DIR": str(base / "cache"),
           "FORMCHECK_SAMPLES_DIR": str(samples)}
    with streamlit_server(base, env) as url:
        yield url


def test_live_walk_counts_steps_and_sums_them_up_in_plain_words(chromium, walk_app, tmp_path: Path, shots: Path,
                                                                 report_figure):
    from playwright.sync_api import sync_playwright

    y4m, duration_s = _camera(tmp_path, SourceClip(CLIP, "walk", STEPS))
    with sync_playwright() as pw:
        browser = _launch(pw, chromium, y4m)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(f"{walk_app}/?debug=1")  # the camera figures: was the machine fast enough to see steps?
            page.get_by_text("formcheck: live coaching").wait_for(timeout=60_000)
            _select_exercise(page, TITLE)
            page.get_by_text("How to do it").first.wait_for()
            page.screenshot(path=str(shots / "walk_live_1_before.png"), full_page=True)
            seen = _play_set(page, duration_s, shots, "walk_live")
            steps = page.locator('[data-testid="stMetric"]').filter(has_text="Steps").first.inner_text()
            pace = page.locator('[data-testid="stMetric"]').filter(has_text="Steps a minute").first.inner_text()
            page.screenshot(path=str(shots / "walk_live_4_after.png"), full_page=True)
            text = page.locator('[data-testid="stMain"]').inner_text()
        finally:
            browser.close()
    rates = sorted(s[0] for s in seen.samples if s[0] == s[0])  # frames/s is each sample's first figure
    fps = rates[len(rates) // 2] if rates else 0.0
    # The panel is read once a second; the walk plays after LEAD_S of still frames. A step lasts half a second, so
    # the slowest second of the walk, not the median of the set, says whether its steps could be seen.
    walking = [s[0] for s in seen.samples[int(LEAD_S):int(LEAD_S + duration_s) + 1] if s[0] == s[0]]
    slowest = min(walking) if walking else 0.0
    print(f"\nwalk live: {steps!r}, {pace!r}; median {fps:.1f} frames/s processed, during the walk "
          f"{[round(r, 1) for r in walking]}; screenshots in {shots}")
    report_figure(f"live walk: {fps:.1f} frames/s processed (slowest second of the walk {slowest:.1f})")
    assert "Your set" in text and "step spread" not in text  # the rep signal's name is no patient's word
    assert "Reps" not in text.split("Your set", 1)[1]  # a walk is summed up in steps
    found = int(re.search(r"\d+", steps.split("Steps", 1)[1]).group())
    if slowest < MIN_FPS:
        # A squat holds still for seconds; a step lasts half of one. A machine this busy drops most of them.
        pytest.xfail(f"only {slowest:.1f} frames/s processed in a second of the walk (under {MIN_FPS}): "
                     f"{found} of {STEPS} steps seen")
    assert abs(found - STEPS) <= 1, steps  # resampled to 15 frames/s and frames dropped: within 1


def test_review_walk_charts_each_steps_ankle_and_clearance(chromium, walk_app, shots: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(walk_app)
            page.get_by_text("Review a recording").click()
            page.get_by_text("formcheck: exercise form review").wait_for(timeout=60_000)
            page.get_by_role("tab", name="Sample clips").click()
            page.get_by_role("button", name=CLIP.stem).click()
            page.get_by_text("Download reps (CSV)").wait_for(timeout=240_000)
            steps = page.locator('[data-testid="stMetric"]').filter(has_text="Steps").first.inner_text()
            heading = page.get_by_role("heading", name="Steps")
            heading.wait_for(timeout=30_000)
            charts = page.locator('[data-testid="stVegaLiteChart"]').count()
            page.screenshot(path=str(shots / "walk_review.png"), full_page=True)
            heading.scroll_into_view_if_needed()
            page.wait_for_timeout(1500)  # the charts draw once in view
            page.screenshot(path=str(shots / "walk_review_steps.png"))
            text = page.locator('[data-testid="stMain"]').inner_text()
        finally:
            browser.close()
    print(f"\nwalk review: {steps!r}, {charts} charts; screenshots in {shots}")
    assert steps.split()[-1] == str(STEPS), steps
    assert charts >= 2  # the ankle over time, and the steps' ankle and clearance
    assert "steps a minute" in text and "patient's height" in text
