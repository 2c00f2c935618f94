"""formcheck app: live coaching at a camera (patient page) and review of a recorded clip (therapist page).

Run with `streamlit run app.py`. This file only wires widgets to the feedback package; it holds no scoring logic.
The live page's camera runs through streamlit-webrtc: frames go to feedback.live.LiveCoach in the camera's
thread, and the page reads its status queue twice a second.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from functools import partial
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from exercises.config import ConfigError, Overrides, parse_overrides, spec_for
from exercises.registry import EXERCISES
from feedback import charts
from feedback.coach import SYMPTOM_MOVES, summarise, symptom_advice
from feedback.live import LiveCoach, LiveStatus
from feedback.overlay import render_replay
from feedback.report import ClipResult, reps_csv, to_row
from feedback.runner import ScoreOptions, score_path
from feedback.wording import HOW_TO, SYMPTOM_ADVICE, cue
from pose.video import VideoError

os.environ.setdefault("GLOG_minloglevel", "2")

DISCLAIMER = (
    "This is feedback on exercise form, not medical advice. Stop and contact your clinician if pain spreads "
    "down your leg, or at once if you have numbness in the saddle area or lose bladder or bowel control."
)
UPLOAD_TYPES = ("mp4", "mov", "webm", "m4v")
MAX_UPLOAD_MB = 200


def data_dir() -> Path:
    """$FORMCHECK_DATA_DIR, else ~/.local/share/formcheck."""
    env = os.environ.get("FORMCHECK_DATA_DIR")
    return Path(env) if env else Path.home() / ".local" / "share" / "formcheck"


def samples_dir() -> Path:
    """$FORMCHECK_SAMPLES_DIR, else sample_videos/ beside this file."""
    env = os.environ.get("FORMCHECK_SAMPLES_DIR")
    return Path(env) if env else Path(__file__).resolve().parent / "sample_videos"


def list_samples() -> list[tuple[Path, str | None]]:
    """Bundled sample clips with the exercise named in their `<name>.truth.json`, if readable."""
    folder = samples_dir()
    out = []
    for clip in sorted(folder.glob("*.mp4")) if folder.is_dir() else []:
        try:
            exercise = json.loads(clip.with_suffix(".truth.json").read_text(encoding="utf-8")).get("exercise")
        except (OSError, ValueError, AttributeError):
            exercise = None
        out.append((clip, exercise if exercise in EXERCISES else None))
    return out


def save_upload(data: bytes, original_name: str) -> Path:
    """Store an upload under a name made from its content (the user's file name never becomes a path)."""
    suffix = Path(original_name).suffix.lower().lstrip(".")
    folder = data_dir() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(data).hexdigest()[:24]}.{suffix if suffix in UPLOAD_TYPES else 'mp4'}"
    if not path.exists():
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    return path


def choose_sample(path: Path, exercise: str | None) -> None:
    """Button callback (runs before the page is redrawn, so it may set the exercise picker)."""
    st.session_state["clip"] = (str(path), path.name)
    if exercise:
        st.session_state["exercise"] = exercise


def sidebar() -> tuple[str, Overrides | None]:
    """Exercise picker and threshold overrides; overrides are None while they are invalid."""
    st.sidebar.header("Exercise to review")
    name = st.sidebar.selectbox("Exercise", list(EXERCISES), format_func=lambda n: EXERCISES[n].title,
                                key="exercise")
    spec = EXERCISES[name]
    changed: dict[str, float] = {}
    with st.sidebar.expander("Threshold overrides"):
        st.caption("Per-patient thresholds. Changing one re-scores the clip without re-running pose estimation.")
        for key, default in spec.thresholds.items():
            step = 1.0 if key.endswith(("_deg", "_flag")) else 0.01 if key.endswith("_ratio") else 0.1
            value = st.number_input(charts.label_of(key), value=float(default), step=step, format="%.2f",
                                    key=f"thr:{name}:{key}", help=f"`{key}` (default {default:g})")
            if value != float(default):
                changed[key] = value
        if changed:
            st.code(f"[{name}]\n" + "\n".join(f"{k} = {v:g}" for k, v in changed.items()), language="toml")
    if not changed:
        return name, {}
    try:
        return name, parse_overrides({name: changed}, source="overrides")
    except ConfigError as exc:
        st.sidebar.error(str(exc))
        return name, None


def clip_input() -> tuple[str, str] | None:
    """The chosen clip as (path, display name): an upload, or a bundled sample."""
    upload_tab, sample_tab = st.tabs(["Upload a clip", "Sample clips"])
    with upload_tab:
        up = st.file_uploader(f"Video of the exercise, filmed from the side (up to {MAX_UPLOAD_MB} MB)",
                              type=list(UPLOAD_TYPES))
        if up is not None:
            if up.size > MAX_UPLOAD_MB * 1024 * 1024:
                st.error(f"{up.name} is {up.size / 2**20:.0f} MB; the limit is {MAX_UPLOAD_MB} MB. "
                         "Trim the clip to the exercise itself, or record at a lower resolution.")
            else:
                st.session_state["clip"] = (str(save_upload(up.getvalue(), up.name)), up.name)
    with sample_tab:
        samples = list_samples()
        if not samples:
            st.info("No sample clips are installed yet.")
        for path, exercise in samples:
            label = f"{path.stem}" + (f" ({EXERCISES[exercise].title})" if exercise else "")
            st.button(label, key=f"sample:{path.name}", on_click=choose_sample, args=(path, exercise))
    return st.session_state.get("clip")


def score(path: str, name: str, overrides: Overrides) -> ClipResult:
    """Score once per (clip, exercise, overrides); reruns for downloads or widgets reuse the result."""
    key = (path, name, json.dumps(overrides, sort_keys=True))
    results = st.session_state.setdefault("results", {})
    if key not in results:
        bar = st.progress(0.0, text="Finding the pose in each frame…")
        last = [-1.0]

        def progress(fraction: float) -> None:
            # A progress message per frame would flood the browser; 1 % steps are enough to see it move.
            if fraction - last[0] >= 0.01 or fraction >= 1.0:
                last[0] = fraction
                bar.progress(min(1.0, max(0.0, fraction)), text="Finding the pose in each frame…")

        results[key] = score_path(Path(path), ScoreOptions(exercise=name, overrides=overrides), progress=progress)
        bar.empty()
    return results[key]


def show_report(result: ClipResult, name: str, overrides: Overrides, display: str) -> None:
    """Summary, chart, tables, faults and downloads of a scored clip."""
    report = result.report
    spec = spec_for(name, overrides)
    reps_col, hold_col, cov_col, view_col = st.columns(4)
    reps_col.metric("Reps", report.rep_count)
    hold_col.metric("Best hold (good form)", f"{report.hold_s:.1f} s" if spec.hold else "—")
    cov_col.metric("Pose coverage", f"{report.pose_coverage:.0%}")
    view_col.metric("View / side", f"{report.view} / {report.side}")
    if report.pose_coverage < 0.5:
        st.warning("The body was hard to see in much of the clip; counts may be low. Film from the side with "
                   "the whole body in frame.")
    if report.view not in ("side", "unknown"):
        st.caption(f"Filmed from the {report.view}: faults judged from the side view may be missed.")

    st.subheader("Signals over time")
    signals = st.multiselect("Signals", list(report.series), default=[spec.rep.signal],
                             format_func=charts.label_of, key=f"signals:{name}")
    st.altair_chart(charts.signal_chart(report, spec, signals), use_container_width=True)
    st.caption("Green bands: reps. Blue bands: holds. Red bands: fault episodes. Dashed lines: the rep thresholds.")

    st.subheader("Reps")
    if report.reps:
        st.dataframe(charts.reps_table(report, spec), hide_index=True, use_container_width=True)
    else:
        st.write("No complete reps.")
    if spec.hold:
        st.subheader("Holds")
        holds = charts.holds_table(report)
        if len(holds):
            st.dataframe(holds, hide_index=True, use_container_width=True)
        else:
            st.write("No hold long enough to report.")

    st.subheader("Faults")
    lines = charts.fault_lines(report)
    st.markdown("\n".join(f"- {line}" for line in lines) if lines else "No faults flagged.")

    stem = Path(display).stem
    json_col, csv_col = st.columns(2)
    json_col.download_button("Download report (JSON)", json.dumps(to_row(result), indent=2, ensure_ascii=False),
                             file_name=f"{stem}.formcheck.json", mime="application/json")
    csv_col.download_button("Download reps (CSV)", reps_csv(report), file_name=f"{stem}.reps.csv", mime="text/csv")


def replay(path: str, name: str, overrides: Overrides) -> None:
    """Annotated replay, made on request (it is a full pose-estimation pass)."""
    st.subheader("Annotated replay")
    digest = hashlib.sha256(json.dumps([path, name, overrides], sort_keys=True).encode()).hexdigest()[:24]
    out = data_dir() / "replays" / f"{digest}.mp4"
    slot = st.empty()
    if not out.is_file() and slot.button("Make annotated replay"):
        slot.empty()
        bar = st.progress(0.0, text="Drawing the replay…")
        try:
            render_replay(Path(path), out, spec_for(name, overrides),
                          progress=lambda f: bar.progress(min(1.0, max(0.0, f)), text="Drawing the replay…"))
        except VideoError as exc:
            st.error(str(exc))
        bar.empty()
    if out.is_file():
        st.video(str(out))
    else:
        st.caption("Shows the skeleton, rep count, hold timer and cues on the clip. Takes about as long as scoring.")


def review_page() -> None:
    """The therapist page: score a recorded clip."""
    st.title("formcheck: exercise form review")
    st.warning(DISCLAIMER)
    name, overrides = sidebar()
    clip = clip_input()
    if clip is None:
        st.info("Upload a clip or choose a sample to see the form check.")
        return
    path, display = clip
    st.markdown(f"**Clip:** {display} · **Exercise:** {EXERCISES[name].title}")
    if overrides is None:
        st.info("Fix the threshold override in the sidebar to score the clip.")
        return
    result = score(path, name, overrides)
    if result.error or result.report is None:
        st.error((result.error or "could not score this clip").replace(path, display))
        return
    show_report(result, name, overrides, display)
    replay(path, name, overrides)


# --- live coaching (patient page) ------------------------------------------------------------------------------

LIVE = "Live coaching"
REVIEW = "Review a recording"
SIDES = {"left": "Left leg", "right": "Right leg"}
# Localhost only: no STUN/TURN server, so nothing leaves the machine.
RTC_CONFIGURATION = {"iceServers": []}
START_LABEL = "Start the camera"
STOP_LABEL = "Finish the set"
_BIG = "<div style='font-size:{size}rem;line-height:1.25;margin:0.2rem 0'>{text}</div>"


def _big(text: str, size: float = 2.0) -> None:
    st.markdown(_BIG.format(size=size, text=text), unsafe_allow_html=True)


def _recv(slot: dict, frame):
    # Runs in the camera thread: no st.* here, only the coach held in the slot (replaced between sets).
    return slot["coach"].recv(frame)


def live_choices() -> tuple[str, str | None, float | None]:
    """Exercise, working side (nerve glide only) and hold target for the live set."""
    name = st.selectbox("Exercise", list(EXERCISES), format_func=lambda n: EXERCISES[n].title, key="live_exercise")
    spec = EXERCISES[name]
    side = None
    if spec.side_rule == "raised_leg":
        side = st.radio("Which leg are you moving?", list(SIDES), format_func=SIDES.get, horizontal=True,
                        key="live_side")
    hold = None
    if spec.hold is not None:
        hold = st.number_input("Hold target (seconds)", min_value=1.0, max_value=300.0, value=5.0, step=5.0,
                               key="live_hold", help="The hold your therapist prescribed; 5 s to start with.")
    return name, side, hold


def new_set(slot: dict, name: str, side: str | None, hold: float | None) -> None:
    """Replace the slot's coach with a fresh one (a new set)."""
    if slot.get("coach") is not None:
        slot["coach"].close()
    slot.update(config=(name, side, hold), coach=LiveCoach(EXERCISES[name], side, hold))
    st.session_state.pop("live_view", None)


def _fps(history: list[tuple[float, int]]) -> float:
    if len(history) < 2 or history[-1][0] <= history[0][0]:
        return math.nan
    return (history[-1][1] - history[0][1]) / (history[-1][0] - history[0][0])


@st.fragment(run_every=0.5)
def live_panel(slot: dict, speak: bool) -> None:
    """Large calm text under the video: the one instruction or cue, reps, hold. Polls the coach's queue."""
    coach: LiveCoach = slot["coach"]
    view = st.session_state.setdefault("live_view", {"last": None, "history": [], "spoken": 0})
    statuses = coach.drain()
    if statuses:
        view["last"] = statuses[-1]
        view["history"] = [*view["history"], *[(s.wall_s, s.frames) for s in statuses[-1:]]][-20:]
    last: LiveStatus | None = view["last"]
    if last is None:
        _big("Starting the camera…", 1.6)
        return
    if last.cue_text:
        _big(last.cue_text, 2.2)
    elif last.setup == "ready":
        _big("Good. Keep going at your own pace.", 2.2)
    reps_col, hold_col = st.columns(2)
    with reps_col:
        _big(f"Reps: <b data-testid='live-reps'>{last.reps}</b>", 2.6)
    if coach.spec.hold is not None:
        with hold_col:
            target = f" / {coach.hold_target_s:g}" if coach.hold_target_s else ""
            _big(f"Hold: {last.hold_s:.0f}{target} s", 2.6)
    fps = _fps(view["history"])
    st.caption(f"Camera check: {fps:.1f} frames/s processed · {coach.median_process_ms():.0f} ms per frame · "
               f"lag {last.lag_ms:.0f} ms · {last.frames} frames")
    if speak and last.cue_text and last.cue_seq > view["spoken"]:
        view["spoken"] = last.cue_seq
        # The browser speaks (no server audio); the sequence number makes each snippet new.
        components.html(f"<script>/*{last.cue_seq}*/window.speechSynthesis && speechSynthesis.speak("
                        f"new SpeechSynthesisUtterance({json.dumps(last.cue_text)}));</script>", height=0)


def live_summary(coach: LiveCoach) -> None:
    """After the set: what was done, then the symptom check and its advice."""
    spec = coach.spec
    summary = summarise(coach.report(), spec)
    st.header("Your set")
    cols = st.columns(3)
    cols[0].metric("Reps", summary.reps)
    cols[1].metric("Best hold (good form)", f"{summary.best_hold_s:.1f} s" if summary.has_hold else "—")
    reach = (f"{summary.range_low:.0f}° to {summary.range_high:.0f}°"
             if math.isfinite(summary.range_low) else "—")
    cols[2].metric(f"Range reached: {charts.label_of(summary.signal).removesuffix(' (deg)')}", reach,
                   help="Lowest and highest angle in your reps, as the camera saw it.")
    if summary.faults_per_rep:
        rows = [{"Rep": i, "To work on": " ".join(cue(c) for c in codes) or "Good form"}
                for i, codes in summary.faults_per_rep]
        st.dataframe(rows, hide_index=True, use_container_width=True)
    elif summary.reps == 0:
        st.info("No complete reps were counted. That is fine: check the camera can see your whole body, "
                "and try again when you are ready.")
    st.subheader("How do you feel?")
    pain = st.slider("Pain right now (0 = none, 10 = worst)", 0, 10, 0, key="live_pain")
    move = st.radio("During the set, did your symptoms…", list(SYMPTOM_MOVES), index=None,
                    format_func=SYMPTOM_MOVES.get, key="live_move")
    emergency = st.checkbox("I have numbness in the saddle area, or trouble controlling my bladder or bowel",
                            key="live_emergency")
    if move is None and not emergency:
        return
    for code, level in symptom_advice(move or "same", pain, emergency):
        if move is None and code == "same":
            continue
        {"error": st.error, "warning": st.warning, "ok": st.success}[level](SYMPTOM_ADVICE[code])


def live_page() -> None:
    """The patient page: set up, exercise with live cues, then the summary and symptom check."""
    st.title("formcheck: live coaching")
    st.warning(DISCLAIMER)
    name, side, hold = live_choices()
    spec = EXERCISES[name]
    with st.expander("How to do it", expanded=True):
        st.markdown("\n".join(f"- {line}" for line in HOW_TO.get(name, ())))
        st.caption("Go gently. Stop if pain spreads down your leg.")
    slot = st.session_state.setdefault("live_slot", {})
    if slot.get("config") != (name, side, hold):
        new_set(slot, name, side, hold)
    speak = st.checkbox("Speak the cues aloud", key="live_speak")
    st.caption(f"Press “{START_LABEL}”. Follow the instruction beside the video until it says you are ready, "
               f"then do your set. Press “{STOP_LABEL}” when you are done.")
    video_col, panel_col = st.columns([3, 2])
    with video_col:
        ctx = webrtc_streamer(
            key=f"live:{name}", mode=WebRtcMode.SENDRECV, rtc_configuration=RTC_CONFIGURATION,
            media_stream_constraints={"video": True, "audio": False}, video_frame_callback=partial(_recv, slot),
            # Async: a frame that arrives while the last is still being processed is dropped, not queued.
            async_processing=True, translations={"start": START_LABEL, "stop": STOP_LABEL},
        )
    coach: LiveCoach = slot["coach"]
    if ctx.state.playing:
        if coach.finished:
            new_set(slot, name, side, hold)
        with panel_col:
            live_panel(slot, speak)
    elif coach.frames > 0:
        live_summary(coach)
        st.button("Start a new set", on_click=new_set, args=(slot, name, side, hold))
    else:
        st.info(f"Ready for {spec.title.lower()} when you are.")


def main() -> None:
    """Lay out the page: live coaching or review."""
    st.set_page_config(page_title="formcheck", layout="wide")
    mode = st.sidebar.radio("Page", [LIVE, REVIEW], key="mode")
    if mode == LIVE:
        live_page()
    else:
        review_page()


main()
