"""Issue 16's live rows, for `formcheck bench speed --side-by-side --live`.

One patient with a 30 fps camera, then two patients at once with 15 fps cameras, each a Chromium page against one
app server (bench.live_load, run as its own process so its browser and server start and end with it).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.speed import (
    TARGET_LIVE_ONE_DELAY_P50_MS,
    TARGET_LIVE_ONE_FPS,
    TARGET_LIVE_TWO_FPS_EACH,
    TARGET_LIVE_TWO_LAG_MAX_MS,
)

# (sessions, camera frames/s) of each row.
LIVE_ROWS = ((1, 30), (2, 15))


def live_side_by_side(seconds: float = 20.0) -> list[dict]:
    """Run bench.live_load once per row; returns its JSON runs, one per row (for a row that failed, its error)."""
    runs = []
    with tempfile.TemporaryDirectory(prefix="live_rows_") as tmp:
        for k, fps in LIVE_ROWS:
            out = Path(tmp) / f"k{k}.json"
            cmd = [sys.executable, "-m", "bench.live_load", "--sessions", str(k), "--paths", "worker",
                   "--fps", str(fps), "--seconds", str(seconds), "--json", str(out)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if done.returncode != 0 or not out.exists():
                last = (done.stderr.strip().splitlines() or ["no output"])[-1]
                runs.append({"k": k, "camera_fps": fps, "error": f"bench.live_load failed: {last}"})
                continue
            runs.extend(json.loads(out.read_text())["runs"])
    return runs


def _each(sessions: list[dict], key: str, fmt: str) -> str:
    values = [s[key] for s in sessions if key in s]
    return " and ".join(format(v, fmt) for v in values) if values else "none"


def format_live_rows(runs: list[dict]) -> str:
    """The live rows as a table: what, frames/s each, delay, lag, server CPU, target."""
    rows = ["| live (worker path) | frames/s processed, each | delay p50 / p90 (ms) | lag p50 / max (ms) | "
            "server CPU (cores) | target |", "|---|---|---|---|---|---|"]
    for run in runs:
        k, fps = run["k"], run["camera_fps"]
        what = f"{k} session{'s' if k > 1 else ''} at once, {fps} fps camera{'s' if k > 1 else ''}"
        if "error" in run:
            rows.append(f"| {what} | {run['error']} | | | | |")
            continue
        sessions = run["sessions"]
        target = (f">= {TARGET_LIVE_ONE_FPS:g} frames/s, delay p50 <= {TARGET_LIVE_ONE_DELAY_P50_MS:g} ms" if k == 1
                  else f">= {TARGET_LIVE_TWO_FPS_EACH:g} frames/s each, lag <= {TARGET_LIVE_TWO_LAG_MAX_MS:g} ms")
        missing = [s.get("error") or "refused" for s in sessions if "fps" not in s]
        note = f" ({len(missing)} without figures: {'; '.join(missing)})" if missing else ""
        rows.append(f"| {what} | {_each(sessions, 'fps', '.1f')}{note} | {_each(sessions, 'delay_p50_ms', '.0f')} / "
                    f"{_each(sessions, 'delay_p90_ms', '.0f')} | {_each(sessions, 'lag_p50_ms', '.0f')} / "
                    f"{_each(sessions, 'lag_max_ms', '.0f')} | {run['server_cores']:.2f} | {target} |")
    rows.append("Live rows: the app server and its Chromium pages share this machine, so the pages' own decoding and "
                "fake cameras take CPU a real server would not spend (bench.live_load).")
    return "\n".join(rows)
