"""The live coaching page in a real Chromium, its camera fed from a real clip (slow: MediaPipe live)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from exercises.registry import EXERCISES
from tests.browser.conftest import CHROMIUM_ARGS, pick_source_clip
from tests.browser.y4m import clip_frames, write_y4m

pytestmark = pytest.mark.slow

FPS = 15  # the fake camera's rate; the callback keeps up with about this on two cores
LEAD_S = 4.0  # still first frame while the WebRTC connection comes up
TAIL_S = 40.0  # still last frame: the clip must not loop back inside the test window
SETTLE_S = 6.0  # after the clip: the last rep closes on its dwell, and the page polls every 0.5 s
METRICS = re.compile(r"Camera check: ([\d.]+|nan) frames/s processed · ([\d.]+|nan) ms per frame · lag (-?\d+) ms")


def _select_exercise(page, title: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Exercise").first
    box.click()
    page.get_by_role("option", name=title).click()
    page.wait_for_timeout(800)


def _reps_shown(page) -> int | None:
    m = re.search(r"Reps: (\d+)", page.locator('[data-testid="stMain"]').inner_text())
    return int(m.group(1)) if m else None


def test_live_set_counts_the_reps_of_a_real_clip(chromium, app_url, tmp_path: Path, shots: Path):
    from playwright.sync_api import sync_playwright

    source = pick_source_clip()
    if source is None:
        pytest.skip("no sample clip with expected reps and no shared clip to feed the fake camera")
    frames, duration_s = clip_frames(source.path, FPS)
    y4m = tmp_path / "camera.y4m"
    write_y4m(y4m, frames, FPS, LEAD_S, TAIL_S)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True,
                                     args=[*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={y4m}"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            page.goto(app_url)
            page.get_by_text("formcheck: live coaching").wait_for(timeout=60_000)
            _select_exercise(page, EXERCISES[source.exercise].title)
            page.get_by_text("How to do it").wait_for()
            page.screenshot(path=str(shots / "live_1_before.png"), full_page=True)

            webrtc = page.frame_locator('iframe[title*="webrtc"]')
            webrtc.get_by_role("button", name="Start the camera").click()
            # The set starts when the first frame is processed; the clip plays once from the camera's start.
            page.get_by_text("Camera check:").wait_for(timeout=60_000)
            started = time.monotonic()
            samples, seen = [], []
            while time.monotonic() - started < LEAD_S + duration_s + SETTLE_S:
                page.wait_for_timeout(1000)
                text = page.locator('[data-testid="stMain"]').inner_text()
                m = METRICS.search(text)
                if m:
                    samples.append((float(m.group(1)), float(m.group(2)), float(m.group(3))))
                seen.append(_reps_shown(page))
                if len(seen) == round((LEAD_S + duration_s) / 2):
                    page.screenshot(path=str(shots / "live_2_during.png"), full_page=True)
            reps_live = _reps_shown(page)
            page.screenshot(path=str(shots / "live_3_end_of_set.png"), full_page=True)

            webrtc.get_by_role("button", name="Finish the set").click()
            page.get_by_text("Your set").wait_for(timeout=30_000)
            summary = page.locator('[data-testid="stMetric"]').filter(has_text="Reps").first.inner_text()
            page.get_by_text("Moved down my leg").click()
            page.get_by_text("tell your therapist").wait_for(timeout=15_000)
            page.screenshot(path=str(shots / "live_4_after.png"), full_page=True)
        finally:
            browser.close()

    steady = [s for s in samples[2:] if s[0] == s[0]] or samples
    fps = sorted(s[0] for s in steady)[len(steady) // 2]
    proc_ms = sorted(s[1] for s in steady)[len(steady) // 2]
    lag_ms = max(s[2] for s in steady)
    print(f"\nlive: clip {source.path.name} ({source.exercise}, {source.reps} reps, {duration_s:.1f} s); "
          f"median {fps:.1f} frames/s processed, median {proc_ms:.0f} ms per frame in the callback, "
          f"max lag behind the camera {lag_ms:.0f} ms; reps shown over time {seen}; screenshots in {shots}")
    assert reps_live == source.reps, f"live page showed {reps_live} reps, expected {source.reps} ({seen})"
    assert int(re.search(r"\d+", summary.split("Reps", 1)[1]).group()) == source.reps
    assert fps >= 5.0, f"only {fps:.1f} frames/s processed"
