"""Live load benchmark: K patients at once against one app server, each a Chromium page with a fake camera.

Each page's camera plays a clip; it prints per session the frames processed a second, the delay and lag, and the
per-stage times.

    python -m bench.live_load --sessions 1,2,3 --paths worker,inline --seconds 20 --fps 15

Run from the repository root with the test extras installed (it reuses the browser tests' server and fake-camera
helpers, and needs /usr/bin/chromium and playwright). Each path ("worker": pose in a process per set; "inline":
the old path, the model in the frame callback, kept for this comparison) gets its own server, started once.

The figures come from the page's own camera check (the debug view), sampled once a second after a warm-up:
- fps: poses processed a second (the page's count over its last 10 s);
- delay: from a frame's arrival in the callback to the first drawn frame carrying its pose (median and p90);
- lag: how far the callback runs behind the camera's media clock, relative to its smallest value (median, max);
- stages: the coach's median milliseconds per stage (scoring.live.STAGES) at the end.
The server's CPU (its process and its pose workers) is read from /proc over the measured window. The machine's load
average is printed beside the figures: on a shared machine the ratios side by side are what count.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from scoring.live import STAGES, STALL_AFTER_S, cpu_cores

CAPTION = re.compile(r"Camera check: ([\d.]+|nan) frames/s processed · ([\d.]+|nan) ms per frame · lag (-?\d+) ms · "
                     r"(\d+) frames · delay (-?\d+|nan) ms")
STAGE_LINE = re.compile(r"Per stage \(median ms\): (.*)")
BUSY = "Live coaching is busy right now"
WARMUP_S = 6.0  # after the first pose: the page's frame rate is counted over its last 10 s of polls
LEAD_S = 2.0


@dataclass
class Session:
    """What one page showed."""

    fps: list[float] = field(default_factory=list)
    callback_ms: list[float] = field(default_factory=list)
    lag_ms: list[float] = field(default_factory=list)
    delay_ms: list[float] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)
    frames: int = 0
    refused: bool = False
    error: str = ""


def _pct(values: list[float], q: float) -> float:
    vals = sorted(v for v in values if v == v)
    return vals[min(len(vals) - 1, int(q * len(vals)))] if vals else float("nan")


def _cpu_s(pids: set[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        except (OSError, IndexError):
            pass
    return total


def server_pids(port: int) -> set[int]:
    """The server on `port` and its descendants (the pose workers)."""
    procs = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        procs[int(entry.name)] = (ppid, cmd)
    roots = {pid for pid, (_, cmd) in procs.items() if "streamlit" in cmd and f"--server.port {port}" in cmd}
    found, grew = set(roots), True
    while grew:
        kids = {pid for pid, (ppid, _) in procs.items() if ppid in found} - found
        found |= kids
        grew = bool(kids)
    return found


def pose_worker_pids(port: int) -> set[int]:
    """The live pose workers (spawned processes) of the server on `port`."""
    found = set()
    for pid in server_pids(port):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmd:  # a spawned worker (not multiprocessing's resource tracker)
            found.add(pid)
    return found


def _run_sessions(browser, url: str, k: int, seconds: float,  # noqa: ANN001 - a playwright browser
                  shots: Path | None = None, tag: str = "") -> tuple[list[Session], float, float]:
    """Open k pages at once, start each camera, sample the captions; returns sessions, server CPU s and wall s."""
    pages, sessions = [], [Session() for _ in range(k)]
    for _ in range(k):
        page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        page.goto(f"{url}/?debug=1")
        page.get_by_text("formcheck: live coaching").wait_for(timeout=120_000)
        pages.append(page)
    for page in pages:
        page.frame_locator('iframe[title*="webrtc"]').get_by_role("button", name="Start the camera").click()
    for page, s in zip(pages, sessions):
        try:
            page.locator("[data-testid='live-reps'], [data-testid='live-busy']").first.wait_for(timeout=120_000)
        except Exception as exc:  # noqa: BLE001 - one stuck page is a figure, not the end of the run
            s.error = f"{type(exc).__name__}"
    time.sleep(WARMUP_S)
    port = int(url.rsplit(":", 1)[1])
    pids = server_pids(port)
    cpu0, wall0 = _cpu_s(pids), time.monotonic()
    while time.monotonic() - wall0 < seconds:
        time.sleep(1.0)
        pids |= server_pids(port)
        for page, s in zip(pages, sessions):
            text = page.locator('[data-testid="stMain"]').inner_text()
            if BUSY in text:
                s.refused = True
                continue
            m = CAPTION.search(text)
            if m:
                s.fps.append(float(m.group(1)))
                s.callback_ms.append(float(m.group(2)))
                s.lag_ms.append(float(m.group(3)))
                s.frames = int(m.group(4))
                s.delay_ms.append(float(m.group(5)))
            st = STAGE_LINE.search(text)
            if st:
                s.stages = {k_: float(v) for k_, v in (p.rsplit(" ", 1) for p in st.group(1).split(" · "))}
    cpu = _cpu_s(pids) - cpu0
    wall = time.monotonic() - wall0
    for i, page in enumerate(pages, 1):
        if shots is not None:
            page.screenshot(path=str(shots / f"live_load_{tag}_k{k}_{i}.png"))
        try:
            page.frame_locator('iframe[title*="webrtc"]').get_by_role("button", name="Finish the set").click(
                timeout=10_000)
        except Exception:  # noqa: BLE001, S110 - the figures are taken; a page slow to stop changes none
            pass
        page.context.close()
    time.sleep(STALL_AFTER_S + 2.0)  # a set whose page did not finish it ends on its stall: its place is free
    return sessions, cpu, wall


class _ThreadSession:
    """One patient without a browser.

    A transport thread decodes the camera's VP8 at its rate and re-encodes the newest drawn frame (the server's
    WebRTC work); a callback thread runs the coach on the newest decoded frame, dropping the rest (streamlit-webrtc's
    async processing).
    """

    def __init__(self, packets: list, fps: int, path: str, size: tuple[int, int]) -> None:
        from exercises.registry import EXERCISES
        from scoring.live import LiveCoach

        self.packets, self.fps, self.size = packets, fps, size
        self.coach = LiveCoach(EXERCISES["wall_squat"], pose_process=path, stall_after_s=3600.0)
        self._cond = threading.Condition()
        self._latest = None  # the newest decoded frame, not yet taken by the callback
        self._out = None  # the newest drawn frame
        self._stop = threading.Event()
        self.statuses: list = []
        self.threads = [threading.Thread(target=self._transport, daemon=True),
                        threading.Thread(target=self._callback, daemon=True)]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def _transport(self) -> None:
        import av

        dec = av.CodecContext.create("vp8", "r")
        enc = _vp8_encoder(*self.size)
        start, i = time.monotonic(), 0
        while not self._stop.is_set():
            for frame in dec.decode(self.packets[i % len(self.packets)]):
                frame.pts, frame.time_base = i, Fraction(1, self.fps)
                with self._cond:
                    self._latest = frame
                    self._cond.notify()
            with self._cond:
                out = self._out
            if out is not None:  # what goes back to the browser: the newest drawn frame, re-encoded
                out = out.reformat(format="yuv420p")
                out.pts = i
                enc.encode(out)
            i += 1
            delay = start + i / self.fps - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    def _callback(self) -> None:
        while not self._stop.is_set():
            with self._cond:
                while self._latest is None and not self._stop.is_set():
                    self._cond.wait(0.5)
                frame, self._latest = self._latest, None
            if frame is None:
                continue
            out = self.coach.recv(frame)
            with self._cond:
                self._out = out

    def stop(self) -> None:
        self._stop.set()
        for t in self.threads:
            t.join(10)
        self.coach.close()


def _vp8_encoder(width: int, height: int):  # noqa: ANN202 - a PyAV codec context
    import av

    enc = av.CodecContext.create("libvpx", "w")
    enc.width, enc.height, enc.pix_fmt, enc.bit_rate = width, height, "yuv420p", 1_000_000
    enc.time_base = Fraction(1, 30)
    enc.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}  # as WebRTC encodes
    return enc


def _vp8_packets(frames: list, max_frames: int) -> list:
    """The clip as a browser would send it: VP8, encoded once, up front (the browser's work, not the server's)."""
    import av

    h, w = frames[0].shape[:2]
    enc = _vp8_encoder(w, h)
    packets = []
    for i, rgb in enumerate(frames[:max_frames]):
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
        frame.pts = i
        packets += enc.encode(frame)
    return packets + list(enc.encode(None))


def _run_threads(packets: list, fps: int, size: tuple[int, int], k: int, seconds: float,
                 path: str) -> tuple[list[Session], tuple[float, float], float]:
    """K sessions in this process, no browser; returns sessions, CPU s (this process, its workers), wall s."""
    sessions = [_ThreadSession(packets, fps, path, size) for _ in range(k)]
    for s in sessions:
        s.start()
    deadline = time.monotonic() + 180
    while any(s.coach.frames == 0 for s in sessions) and time.monotonic() < deadline:
        time.sleep(0.2)  # the models load (in the workers, or in the callbacks)
    time.sleep(2.0)
    for s in sessions:
        s.coach.drain()
    workers = {s.coach.pose_pid for s in sessions if s.coach.pose_pid}
    app0, pose0, wall0 = _cpu_s({os.getpid()}), _cpu_s(workers), time.monotonic()
    while time.monotonic() - wall0 < seconds:
        time.sleep(0.5)  # the page polls twice a second; the status queue is bounded
        for s in sessions:
            s.statuses += s.coach.drain()
    cpu = (_cpu_s({os.getpid()}) - app0, _cpu_s(workers) - pose0)
    wall = time.monotonic() - wall0
    out = []
    for s in sessions:
        got = s.statuses
        stages = s.coach.stage_ms()
        s.stop()
        out.append(Session(fps=[len(got) / wall], callback_ms=[g.process_ms for g in got],
                           lag_ms=[g.lag_ms for g in got] or [math.nan], delay_ms=[g.delay_ms for g in got],
                           stages=stages, frames=len(got)))
    return out, cpu, wall


def session_figures(s: Session) -> dict:
    """One page's figures as the JSON (`--json`) and `formcheck bench speed --side-by-side --live` read them."""
    if s.refused or not s.fps:
        return {"refused": s.refused, "error": s.error or ("" if s.refused else "the camera check never showed")}
    return {"fps": statistics.median(s.fps), "delay_p50_ms": _pct(s.delay_ms, 0.5),
            "delay_p90_ms": _pct(s.delay_ms, 0.9), "lag_p50_ms": _pct(s.lag_ms, 0.5),
            "lag_max_ms": max(s.lag_ms), "callback_ms": statistics.median(s.callback_ms), "stages": s.stages}


def _write_json(path: Path | None, runs: list[dict]) -> None:
    if path is not None:
        path.write_text(json.dumps({"runs": runs}, indent=1))


def _print_row(path: str, k: int, i: int, s: Session) -> None:
    if s.refused:
        print(f"{path:7} {k:>2} {i:>2}  refused: the page said live coaching is busy (over capacity)")
        return
    fig = session_figures(s)
    if "fps" not in fig:
        print(f"{path:7} {k:>2} {i:>2}  no figures ({fig['error']})")
        return
    stages = " ".join(f"{name}={s.stages[name]:.1f}" for name in STAGES if name in s.stages)
    print(f"{path:7} {k:>2} {i:>2} {fig['fps']:6.1f} {fig['delay_p50_ms']:8.0f} {fig['delay_p90_ms']:7.0f} "
          f"{fig['lag_p50_ms']:7.0f} {fig['lag_max_ms']:7.0f} {fig['callback_ms']:8.1f}  {stages}")


def main(argv: list[str] | None = None) -> int:
    """Run the load benchmark and print its table."""
    parser = argparse.ArgumentParser(prog="python -m bench.live_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="1,2", help="comma-separated session counts K, e.g. 1,2,3")
    parser.add_argument("--paths", default="worker,inline",
                        help="where pose runs: worker (a process per set), inline (the old path), or both")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per K, after a warm-up")
    parser.add_argument("--fps", type=int, default=15, help="the fake cameras' frame rate")
    parser.add_argument("--clip", type=Path, help="the clip the cameras play (default: the browser tests' clip)")
    parser.add_argument("--driver", choices=("browser", "threads"), default="browser",
                        help="browser: one app server and a Chromium page per patient (the real thing); threads: "
                             "the coaches in this process, each fed VP8 from a thread at the camera rate and its "
                             "drawn frames re-encoded, as the server does, without a browser (for a loaded machine)")
    parser.add_argument("--shots", type=Path, help="save each page's screenshot (1366x768) here")
    parser.add_argument("--json", type=Path, help="also write each run's figures (per session) as JSON here")
    parser.add_argument("--capacity", type=int,
                        help="live sets the server admits (default: the largest K, so none is refused; give a "
                             "smaller one to see the busy message)")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # rows show as they are measured, even through a pipe
    try:
        ks = [int(k) for k in args.sessions.split(",")]
        paths = [p.strip() for p in args.paths.split(",")]
        if not ks or min(ks) < 1 or any(p not in ("worker", "inline") for p in paths):
            raise ValueError
    except ValueError:
        parser.error("--sessions takes counts >= 1 like 1,2,3; --paths takes worker, inline or both")
    from tests.browser.conftest import CHROMIUM, pick_source_clip
    from tests.browser.y4m import clip_frames

    if args.clip is None:
        source = pick_source_clip()
        if source is None:
            parser.error("no sample clip: give --clip")
        args.clip = source.path
    if args.driver == "threads":
        return _main_threads(args, ks, paths, clip_frames)
    if not CHROMIUM.exists():
        parser.error(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS, streamlit_server
    from tests.browser.y4m import write_y4m

    if args.shots is not None:
        args.shots.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="live_load_") as tmp:
        base = Path(tmp)
        frames, duration_s = clip_frames(args.clip, args.fps)
        y4m = base / "camera.y4m"
        write_y4m(y4m, frames, args.fps, LEAD_S, 0.0)  # Chromium loops it: the movement repeats all along
        h, w = frames[0].shape[:2]
        print(f"clip {args.clip.name} ({duration_s:.1f} s, {w}x{h}) looped at {args.fps} frames/s; "
              f"{cpu_cores()} cores; load average before {os.getloadavg()[0]:.1f}")
        print("path     K  #    fps  delay50 delay90  lag50  lagmax  cb_ms  stages (median ms)")
        summary, runs = [], []
        for path in paths:
            env = {"FORMCHECK_DATA_DIR": str(base / path / "data"), "FORMCHECK_CACHE_DIR": str(base / path / "c"),
                   "FORMCHECK_SAMPLES_DIR": str(base), "FORMCHECK_LIVE_POSE": path,
                   "FORMCHECK_LIVE_SESSIONS_MAX": str(args.capacity or max(ks))}
            (base / path).mkdir()
            with streamlit_server(base / path, env) as url, sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=[*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={y4m}"])
                try:
                    for k in ks:
                        sessions, cpu, wall = _run_sessions(browser, url, k, args.seconds, args.shots, path)
                        for i, s in enumerate(sessions, 1):
                            _print_row(path, k, i, s)
                        fps = [statistics.median(s.fps) for s in sessions if s.fps and not s.refused]
                        load = os.getloadavg()[0]
                        print(f"{path:7} {k:>2}  all: {sum(fps):.1f} poses/s in total; server CPU "
                              f"{cpu / wall:.2f} cores ({cpu / wall / max(1, len(fps)):.2f} a session); "
                              f"load average {load:.1f}")
                        summary.append((path, k, fps, load))
                        runs.append({"driver": "browser", "path": path, "k": k, "camera_fps": args.fps,
                                     "server_cores": cpu / wall, "load": load,
                                     "sessions": [session_figures(s) for s in sessions]})
                finally:
                    browser.close()
        _side_by_side(summary, ks, paths)
    _write_json(args.json, runs)
    return 0


def _side_by_side(summary: list, ks: list[int], paths: list[str]) -> None:
    if len(paths) < 2:
        return
    print("\nside by side (median frames/s per session, worker / inline):")
    by = {(p, k): f for p, k, f, _ in summary}
    for k in ks:
        wk, il = by.get(("worker", k)), by.get(("inline", k))
        if wk and il:
            print(f"  K={k}: worker {statistics.median(wk):.1f}, inline {statistics.median(il):.1f}, "
                  f"ratio {statistics.median(wk) / max(statistics.median(il), 1e-9):.2f}x")


def _main_threads(args: argparse.Namespace, ks: list[int], paths: list[str], clip_frames) -> int:  # noqa: ANN001
    frames, duration_s = clip_frames(args.clip, args.fps)
    h, w = frames[0].shape[:2]
    packets = _vp8_packets(frames, max_frames=round(10 * args.fps))  # 10 s of the clip, looped
    print(f"threads driver (no browser): clip {args.clip.name} ({w}x{h}, first 10 s looped) at {args.fps} "
          f"frames/s; {cpu_cores()} cores; load average before {os.getloadavg()[0]:.1f}")
    print("path     K  #    fps  delay50 delay90  lag50  lagmax  cb_ms  stages (median ms)")
    summary, runs = [], []
    for k in ks:
        for path in paths:  # the two paths in turn at each K, so they see about the same load
            sessions, cpu, wall = _run_threads(packets, args.fps, (w, h), k, args.seconds, path)
            for i, s in enumerate(sessions, 1):
                _print_row(path, k, i, s)
            fps = [s.fps[0] for s in sessions]
            load = os.getloadavg()[0]
            app, pose = cpu
            poses = max(1.0, sum(fps) * wall)
            print(f"{path:7} {k:>2}  all: {sum(fps):.1f} poses/s in total; CPU {(app + pose) / wall:.2f} cores "
                  f"(app process {app / wall:.2f}, pose workers {pose / wall:.2f}); CPU per pose "
                  f"{(app + pose) / poses * 1000:.0f} ms ({app / poses * 1000:.0f} in the app process, which "
                  f"includes decoding and re-encoding every camera frame); load average {load:.1f}")
            summary.append((path, k, fps, load))
            runs.append({"driver": "threads", "path": path, "k": k, "camera_fps": args.fps,
                         "server_cores": (app + pose) / wall, "load": load,
                         "sessions": [session_figures(s) for s in sessions]})
    _side_by_side(summary, ks, paths)
    _write_json(args.json, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
