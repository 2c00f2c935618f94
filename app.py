"""formcheck app: live coaching, review of a recorded clip, and (signed in) programmes, saved sets and progress.

Run with `streamlit run app.py`. This file only wires widgets to the feedback and store packages; it holds no
scoring logic. The live page's camera runs through streamlit-webrtc: frames go to scoring.live.LiveCoach in the
camera's thread, and the page reads its status queue twice a second.

Without signing in, the live and review pages work as a guest and nothing is saved. A patient sees their
programme, saves sets and sees their progress; a therapist sees their patients (store.repo enforces who sees what).
The database is store.db.database_url() ($FORMCHECK_DATABASE_URL or the SQLite file in $FORMCHECK_DATA_DIR).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from datetime import date
from functools import partial
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from exercises.config import ConfigError, Overrides, parse_overrides, spec_for
from exercises.registry import EXERCISES
from feedback import charts
from feedback import views as pages
from feedback.coach import SYMPTOM_MOVES, summarise, symptom_advice
from feedback.overlay import render_replay
from feedback.report import ClipResult, reps_csv, to_row
from feedback.wording import HOW_TO, SYMPTOM_ADVICE, cue
from pose.cache import LandmarkCache
from pose.extract import extract_poses
from pose.video import VideoError
from scoring.live import LiveCoach, LiveStatus
from scoring.runner import ScoreOptions, score_path
from scoring.uploads import MAX_UPLOAD_MB, UPLOAD_TYPES, UploadError
from scoring.uploads import save_upload as store_upload
from store import repo
from store.auth import Actor, authenticate
from store.db import database_url, open_store, redact
from store.models import ItemSide, Role, Source, utc_now

os.environ.setdefault("GLOG_minloglevel", "2")

DISCLAIMER = (
    "This is feedback on exercise form, not medical advice. Stop and contact your clinician if pain spreads "
    "down your leg, or at once if you have numbness in the saddle area or lose bladder or bowel control."
)


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
    """Check an upload and store it under a name made from its content (see scoring.uploads)."""
    return store_upload(data, original_name, data_dir() / "uploads")


def choose_sample(path: Path, exercise: str | None) -> None:
    """Button callback (runs before the page is redrawn, so it may set the exercise picker)."""
    st.session_state["clip"] = (str(path), path.name)
    if exercise:
        st.session_state["exercise"] = exercise


def sidebar(actor: Actor | None = None) -> tuple[str, Overrides | None]:
    """Exercise picker and threshold overrides; overrides are None while they are invalid.

    A signed-in patient gets no threshold widgets: their clip is scored with their programme's thresholds.
    """
    st.sidebar.header("Exercise to review")
    name = st.sidebar.selectbox("Exercise", list(EXERCISES), format_func=lambda n: EXERCISES[n].title,
                                key="exercise")
    if actor is not None and actor.role == Role.PATIENT:
        item = prescribed_item(actor, name)
        if item is None or not item.threshold_overrides:
            return name, {}
        st.sidebar.caption("Scored with the settings your therapist chose for you.")
        return name, parse_overrides({name: dict(item.threshold_overrides)}, source="programme")
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
            try:
                st.session_state["clip"] = (str(save_upload(up.getvalue(), up.name)), up.name)
            except UploadError as exc:
                st.error(str(exc))
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


def review_page(actor: Actor | None) -> None:
    """Score a recorded clip; a signed-in patient can then save it as a set."""
    st.title("formcheck: exercise form review")
    st.warning(DISCLAIMER)
    guest_note(actor)
    name, overrides = sidebar(actor)
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
    if actor is not None and actor.role == Role.PATIENT:
        # Patients: the few numbers that matter and the save form first; the therapist-level detail folded away.
        save_upload_form(actor, path, name, overrides, result)
        with st.expander("Details of this clip"):
            show_report(result, name, overrides, display)
    else:
        show_report(result, name, overrides, display)
        if actor is None:
            st.info("Sign in (in the sidebar) to save this set for your therapist. As a guest nothing is saved.")
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


def new_set(slot: dict, name: str, side: str | None, hold: float | None, actor: Actor | None = None) -> None:
    """Replace the slot's coach with a fresh one (a new set)."""
    if slot.get("coach") is not None:
        slot["coach"].close()
    coach = LiveCoach(EXERCISES[name], side, hold, on_interrupted=_keeper(actor, slot))
    slot.update(config=(name, side, hold), owner=actor, coach=coach, saved=None, rated=False)
    st.session_state.pop("live_view", None)


def _keeper(actor: Actor | None, slot: dict):  # noqa: ANN202 - a LiveCoach.on_interrupted callback, or None
    # A patient's set that the camera stopped mid-way is saved; a guest's stays on the page only. The store is
    # opened here, in the page's thread: the callback runs in the coach's watchdog thread, where st.* is not used.
    if actor is None or actor.role != Role.PATIENT:
        return None
    return partial(keep_interrupted_set, _store(database_url()), actor, slot)


def keep_interrupted_set(factory, actor: Actor, slot: dict, report) -> None:  # noqa: ANN001 - sessionmaker, ClipReport
    """Save the set so far when the camera stopped mid-set (runs in the coach's watchdog thread: no st.*)."""
    if not report.reps and not report.holds:
        return  # nothing done yet (still setting up): nothing to keep
    try:
        with factory() as db:
            item = _prescribed_in(db, actor, report.exercise)
            slot["saved"] = repo.save_session(db, actor, actor.id, report, None, source=Source.LIVE,
                                              programme_item_id=item.id if item else None, interrupted=True)
    except Exception as exc:  # noqa: BLE001 - the coach logs it; the message must carry no password or data
        raise RuntimeError(redact(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)) from None


def _fps(history: list[tuple[float, int]]) -> float:
    if len(history) < 2 or history[-1][0] <= history[0][0]:
        return math.nan
    return (history[-1][1] - history[0][1]) / (history[-1][0] - history[0][0])


@st.fragment(run_every=0.5)
def live_panel(slot: dict, speak: bool) -> None:
    """Large calm text under the video: the one instruction or cue, reps, hold. Polls the coach's queue."""
    coach: LiveCoach = slot["coach"]
    if coach.interrupted:
        st.rerun()  # the camera stopped mid-set: the whole page shows the summary
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


def live_summary(coach: LiveCoach, actor: Actor | None = None, slot: dict | None = None) -> None:
    """After the set: what was done, then the symptom check and its advice, and (patients) saving it."""
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
    if move is not None or emergency:
        for code, level in symptom_advice(move or "same", pain, emergency):
            if move is None and code == "same":
                continue
            {"error": st.error, "warning": st.warning, "ok": st.success}[level](SYMPTOM_ADVICE[code])
    if actor is not None and actor.role == Role.PATIENT and slot is not None:
        save_live_set(actor, slot, coach, pain, move)


def live_page(actor: Actor | None = None) -> None:
    """The patient page: set up, exercise with live cues, then the summary and symptom check."""
    st.title("formcheck: live coaching")
    st.warning(DISCLAIMER)
    guest_note(actor)
    name, side, hold = live_choices()
    spec = EXERCISES[name]
    with st.expander("How to do it", expanded=True):
        st.markdown("\n".join(f"- {line}" for line in HOW_TO.get(name, ())))
        st.caption("Go gently. Stop if pain spreads down your leg.")
    slot = st.session_state.setdefault("live_slot", {})
    if slot.get("config") != (name, side, hold) or slot.get("owner") != actor:
        new_set(slot, name, side, hold, actor)  # also on signing in: the set is then kept as theirs
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
    playing, was_playing = ctx.state.playing, slot.get("playing", False)
    slot["playing"] = playing
    if playing and not was_playing and slot["coach"].finished:
        new_set(slot, name, side, hold, actor)  # the camera started again after a set: a new set
    coach: LiveCoach = slot["coach"]
    if playing and not coach.finished:
        with panel_col:
            live_panel(slot, speak)
    elif coach.frames > 0:
        if coach.interrupted:
            st.warning("The camera stopped sending pictures, so the set ended there. Here is your set so far"
                       + (" (it has been saved)." if slot.get("saved") is not None else "."))
        live_summary(coach, actor, slot)
        st.button("Start a new set", on_click=new_set, args=(slot, name, side, hold, actor))
    else:
        st.info(f"Ready for {spec.title.lower()} when you are.")


# --- accounts and the store --------------------------------------------------------------------------------------

PROGRAMME = "My programme"
PROGRESS = "My progress"
PATIENTS = "My patients"
PAGES = {None: [LIVE, REVIEW], Role.PATIENT: [PROGRAMME, LIVE, REVIEW, PROGRESS],
         Role.THERAPIST: [PATIENTS, REVIEW, LIVE]}
SIDE_LABELS = {ItemSide.BOTH.value: "Both / either", ItemSide.LEFT.value: "Left", ItemSide.RIGHT.value: "Right"}


@st.cache_resource(show_spinner=False)
def _store(url: str):  # noqa: ANN202 - a sessionmaker
    # One engine per database for the whole server, migrated to the newest schema the first time it is opened.
    return open_store(url)


def db_session():  # noqa: ANN201 - a SQLAlchemy Session (a context manager)
    """A new session on the app's database."""
    return _store(database_url())()


def today() -> date:
    """Today's date in UTC (the store's days are UTC dates)."""
    return utc_now().date()


def signed_in() -> Actor | None:
    """The signed-in user, or None for a guest."""
    return st.session_state.get("actor")


def sign_out() -> None:
    """Forget the user and everything their pages kept (button callback)."""
    for key in list(st.session_state):
        del st.session_state[key]


def account_sidebar() -> Actor | None:
    """Sign-in form, or who is signed in and a sign-out button."""
    actor = signed_in()
    if actor is not None:
        st.sidebar.markdown(f"Signed in as **{actor.username}** ({actor.role.value})")
        st.sidebar.button("Sign out", on_click=sign_out, key="sign_out")
        return actor
    with st.sidebar.form("sign_in"):
        st.markdown("**Sign in** (or carry on as a guest)")
        username = st.text_input("Username", key="login_user")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        try:
            with db_session() as db:
                actor = authenticate(db, username.strip(), password)
        except Exception as exc:  # noqa: BLE001 - a database that cannot be opened must not break the guest pages
            st.sidebar.error(f"Cannot reach the database: {redact(str(exc).splitlines()[0] if str(exc) else '')}")
            return None
        if actor is None:
            st.sidebar.error("Wrong username or password.")
            return None
        st.session_state.pop("login_password", None)
        st.session_state["actor"] = actor
        st.rerun()
    return None


def guest_note(actor: Actor | None) -> None:
    """Tell a guest that nothing is kept."""
    if actor is None:
        st.caption("You are not signed in: this works as a guest and nothing is saved.")


def prescribed_item(actor: Actor, exercise: str) -> repo.ItemView | None:
    """The patient's item for this exercise in this week of their programme, if one is prescribed."""
    with db_session() as db:
        return _prescribed_in(db, actor, exercise)


def _prescribed_in(db, actor: Actor, exercise: str) -> repo.ItemView | None:  # noqa: ANN001 - a Session
    programme = pages.current_programme(repo.list_programmes(db, actor, actor.id), today())
    if programme is None:
        return None
    _, items = pages.items_this_week(programme, today())
    return next((i for i in items if i.exercise == exercise), None)


def _symptom_radio(key: str) -> str | None:
    return st.radio("During the set, did your symptoms…", list(SYMPTOM_MOVES), index=None,
                    format_func=SYMPTOM_MOVES.get, key=key)


def save_upload_form(actor: Actor, path: str, name: str, overrides: Overrides, result: ClipResult) -> None:
    """A patient's scored clip: the headline numbers, then pain, symptoms and Save (landmarks, not the video)."""
    report = result.report
    st.subheader("Your set")
    cols = st.columns(2)
    cols[0].metric("Reps", report.rep_count)
    cols[1].metric("Best hold (good form)", f"{report.hold_s:.1f} s" if EXERCISES[name].hold else "—")
    key = json.dumps([path, name, overrides], sort_keys=True)
    saved = st.session_state.setdefault("saved_uploads", {})
    if key in saved:
        st.success("Saved. Your therapist can see this set.")
        return
    with st.form("save_upload"):
        st.markdown("**How did it feel?**")
        before = st.slider("Pain before the set (0 = none, 10 = worst)", 0, 10, 0, key="up_pain_before")
        after = st.slider("Pain after the set (0 = none, 10 = worst)", 0, 10, 0, key="up_pain_after")
        move = _symptom_radio("up_move")
        share = st.checkbox("Share the video with my therapist (otherwise only the measurements are kept)",
                            key="up_share")
        submitted = st.form_submit_button("Save this set")
    if not submitted:
        return
    if move is None:
        st.error("Please say how your symptoms changed before saving.")
        return
    for code, level in symptom_advice(move, after):
        {"error": st.error, "warning": st.warning, "ok": st.success}[level](SYMPTOM_ADVICE[code])
    item = prescribed_item(actor, name)
    # A cache hit: scoring just ran pose estimation on this clip and kept the landmarks.
    landmarks = extract_poses(Path(path), cache=LandmarkCache())
    with db_session() as db:
        saved[key] = repo.save_session(
            db, actor, actor.id, report, landmarks, source=Source.UPLOAD, pain_before=before, pain_after=after,
            symptom_response=pages.SYMPTOM_OF_MOVE[move], programme_item_id=item.id if item else None,
            shared_video_path=path if share else None)
    st.success("Saved. Your therapist can see this set.")


def save_live_set(actor: Actor, slot: dict, coach: LiveCoach, pain_after: int, move: str | None) -> None:
    """Save a finished live set (its report; live frames' landmarks are not kept), or rate one already kept."""
    if slot.get("rated"):
        st.success("Saved. Your therapist can see this set.")
        return
    kept = slot.get("saved")  # a set the camera stopped mid-way was saved then, without how it felt
    before = st.slider("Pain before the set (0 = none, 10 = worst)", 0, 10, 0, key="live_pain_before")
    if not st.button("Save this set" if kept is None else "Save how it felt", key="live_save"):
        return
    if move is None:
        st.error("Please say how your symptoms changed before saving.")
        return
    symptom = pages.SYMPTOM_OF_MOVE[move]
    if kept is None:
        item = prescribed_item(actor, coach.spec.name)
        with db_session() as db:
            slot["saved"] = repo.save_session(
                db, actor, actor.id, coach.report(), None, source=Source.LIVE, pain_before=before,
                pain_after=pain_after, symptom_response=symptom, programme_item_id=item.id if item else None)
    else:
        with db_session() as db:
            repo.add_set_feedback(db, actor, kept, pain_before=before, pain_after=pain_after,
                                  symptom_response=symptom)
    slot["rated"] = True
    st.success("Saved. Your therapist can see this set.")


# --- patient pages -----------------------------------------------------------------------------------------------


def programme_page(actor: Actor) -> None:
    """This week's prescribed exercises with their targets and what is done so far."""
    st.title("My programme")
    st.warning(DISCLAIMER)
    with db_session() as db:
        programme = pages.current_programme(repo.list_programmes(db, actor, actor.id), today())
        weeks = repo.adherence(db, actor, actor.id, today())
    if programme is None:
        st.info("Your therapist has not set a programme yet. You can still practise on the Live coaching page.")
        return
    week, items = pages.items_this_week(programme, today())
    if programme.notes:
        st.markdown(f"> {programme.notes}")
    if not items:
        st.info(f"Week {week}: nothing is prescribed this week. Your therapist will set the next part.")
        return
    this_week = weeks[-1] if weeks and weeks[-1].week == week else None
    st.subheader(f"Week {week} of {programme.weeks}")
    for item in items:
        done, planned = (this_week.by_exercise.get(item.exercise, (0, 0)) if this_week else (0, 0))
        with st.container(border=True):
            st.markdown(f"**{EXERCISES[item.exercise].title}**: {pages.target_text(item)}")
            if item.notes:
                st.caption(item.notes)
            st.progress(min(1.0, done / planned) if planned else 0.0, text=f"{done} of {planned} sets this week")
    st.caption(f"Do a set on “{LIVE}”, or film it and choose “{REVIEW}”; save it at the end.")


def patient_progress_page(actor: Actor) -> None:
    """Simple and encouraging: reps or hold over sessions, pain trend, this week's sets."""
    st.title("My progress")
    st.warning(DISCLAIMER)
    with db_session() as db:
        frame = pages.progress_frame(repo.progress(db, actor, actor.id))
        weeks = repo.adherence(db, actor, actor.id, today())
    week = weeks[-1] if weeks else None
    st.success(pages.encouragement(frame, week))
    if week is not None and week.prescribed:
        st.metric("Sets this week", f"{week.done_capped} of {week.prescribed}")
    if frame.empty:
        return
    for name, part in frame.groupby("exercise", sort=False):
        st.subheader(EXERCISES[name].title)
        cols = st.columns(2)
        if EXERCISES[name].hold is not None and (part["best hold (s)"] > 0).any():
            cols[0].altair_chart(pages.metric_chart(part, "best hold (s)", "Best hold"), use_container_width=True)
        else:
            cols[0].altair_chart(pages.metric_chart(part, "reps", "Reps per set"), use_container_width=True)
        if part[["pain before", "pain after"]].notna().any().any():
            cols[1].altair_chart(pages.pain_chart(part, symptoms=False), use_container_width=True)


# --- therapist pages ---------------------------------------------------------------------------------------------


def patients_page(actor: Actor) -> None:
    """Patient list (who needs attention first), then one patient: sessions, progress, programme, report."""
    st.title("My patients")
    with db_session() as db:
        listed = repo.attention_list(db, actor, today())
    if not listed:
        st.info("No patients are linked to you yet: `formcheck user link --therapist YOU --patient NAME`.")
        return
    st.dataframe([{"patient": i.username, "needs attention": "; ".join(r.detail for r in i.reasons) or "—"}
                  for i in listed], hide_index=True, use_container_width=True)
    names = {i.patient_id: i.username for i in listed}
    pid = st.selectbox("Open patient", list(names), format_func=names.get, key="patient")
    reasons = next(i.reasons for i in listed if i.patient_id == pid)
    st.header(names[pid])
    for r in reasons:
        st.warning(r.detail)
    sessions_tab, progress_tab, programme_tab, report_tab = st.tabs(
        ["Sessions", "Progress", "Programme", "Report"])
    with sessions_tab:
        sessions_section(actor, pid)
    with progress_tab:
        progress_section(actor, pid)
    with programme_tab:
        programme_section(actor, pid)
    with report_tab:
        report_section(actor, pid, names[pid])


def sessions_section(actor: Actor, pid: int) -> None:
    """Every saved set; open one to see its report and re-score it."""
    with db_session() as db:
        sessions = repo.list_sessions(db, actor, pid)
    if not sessions:
        st.info("No sets saved yet.")
        return
    st.dataframe(pages.session_rows(sessions), hide_index=True, use_container_width=True)
    by_id = {s.id: s for s in sessions}
    sid = st.selectbox("Open a session", sorted(by_id, reverse=True),
                       format_func=lambda i: pages.session_label(by_id[i]), key=f"session:{pid}")
    with db_session() as db:
        detail = repo.get_session(db, actor, sid)
    session_detail(actor, detail)


def session_detail(actor: Actor, detail: repo.SessionDetail) -> None:
    """One saved set: numbers, per-rep table, faults, and re-scoring with changed thresholds."""
    s, row = detail.summary, detail.report
    spec = EXERCISES[s.exercise]
    cols = st.columns(5)
    cols[0].metric("Reps", s.reps)
    cols[1].metric("Faulted reps", s.faulted_reps)
    cols[2].metric("Best hold", f"{s.best_hold_s:.1f} s" if spec.hold else "—")
    cols[3].metric("Pose coverage", f"{s.pose_coverage:.0%}")
    cols[4].metric("Pain before → after", f"{_dash(s.pain_before)} → {_dash(s.pain_after)}")
    if s.interrupted:
        st.warning("The camera stopped mid-set: this is the set as far as it went.")
    st.caption(f"{s.source.value} · {row.get('view')} view, {row.get('side')} side · symptoms: "
               f"{s.symptom_response.value if s.symptom_response else 'not given'}"
               + (f" · shared video: {s.shared_video_path}" if s.shared_video_path else ""))
    if row.get("rep_detail"):
        st.dataframe(pages.rep_rows(row, spec.rep.signal), hide_index=True, use_container_width=True)
    lines = pages.fault_summary(row.get("faults") or {})
    st.markdown("**Faults:** " + ("\n".join(f"\n- {line}" for line in lines) if lines else "none flagged."))
    rescore_form(actor, s, row)


def _dash(x: int | None) -> str:
    return "–" if x is None else str(x)


def rescore_form(actor: Actor, s: repo.SessionSummary, row: dict) -> None:
    """Re-score the stored landmarks with other thresholds and show saved against new."""
    if not s.has_landmarks:
        st.caption("This set has no stored landmarks (a live set), so it cannot be re-scored.")
        return
    spec = EXERCISES[s.exercise]
    used = {**spec.thresholds, **(row.get("thresholds") or {})}
    with st.expander("Re-score with changed thresholds", expanded=False), st.form(f"rescore:{s.id}"):
        st.caption("Scores the stored landmarks again; nothing is saved. Values start at those the set was "
                   "scored with.")
        values = {}
        cols = st.columns(3)
        for n, (key, value) in enumerate(used.items()):
            step = 1.0 if key.endswith(("_deg", "_flag")) else 0.01 if key.endswith("_ratio") else 0.1
            values[key] = cols[n % 3].number_input(charts.label_of(key), value=float(value), step=step,
                                                   format="%.2f", key=f"rs:{s.id}:{key}")
        submitted = st.form_submit_button("Re-score")
    state_key = f"rescored:{s.id}"
    if submitted:
        changed = {k: v for k, v in values.items() if v != float(spec.thresholds.get(k, math.nan))}
        try:
            with db_session() as db:
                st.session_state[state_key] = repo.rescore_session(db, actor, s.id, changed)
        except (ConfigError, ValueError) as exc:
            st.session_state.pop(state_key, None)
            st.error(str(exc).splitlines()[0])
    new = st.session_state.get(state_key)
    if new is not None:
        st.markdown("**Saved result against re-scored**")
        st.dataframe(pages.rescore_comparison(row, new), hide_index=True, use_container_width=True)
        if new.reps:
            st.dataframe(charts.reps_table(new, spec_for(s.exercise, {s.exercise: dict(new.thresholds)})),
                         hide_index=True, use_container_width=True)


def progress_section(actor: Actor, pid: int) -> None:
    """Detailed charts per exercise and weekly adherence."""
    with db_session() as db:
        frame = pages.progress_frame(repo.progress(db, actor, pid))
        weeks = repo.adherence(db, actor, pid, today())
    st.subheader("Adherence (sets done of prescribed)")
    if weeks:
        st.dataframe(pages.adherence_rows(weeks), hide_index=True, use_container_width=True)
    else:
        st.caption("No programme in force.")
    if frame.empty:
        st.info("No sets saved yet.")
        return
    for name, part in frame.groupby("exercise", sort=False):
        spec = EXERCISES[name]
        st.subheader(spec.title)
        a, b = st.columns(2)
        a.altair_chart(pages.range_chart(part, charts.label_of(spec.rep.signal)), use_container_width=True)
        b.altair_chart(pages.metric_chart(part, "reps", "Reps"), use_container_width=True)
        c, d = st.columns(2)
        c.altair_chart(pages.metric_chart(part, "fault rate", "Fault rate (faulted reps / reps)", percent=True),
                       use_container_width=True)
        d.altair_chart(pages.pain_chart(part), use_container_width=True)
        if spec.hold is not None:
            st.altair_chart(pages.metric_chart(part, "best hold (s)", "Best hold (good form)"),
                            use_container_width=True)
    st.caption("Ticks: the rep thresholds in force (a rep goes past the low one and back past the high one). "
               "Triangles on the pain chart: the symptom response after the set.")


def programme_section(actor: Actor, pid: int) -> None:
    """Programmes so far, and a new one built item by item (editing = a new version from today)."""
    with db_session() as db:
        programmes = repo.list_programmes(db, actor, pid)
    current = pages.current_programme(programmes, today())
    for p in programmes:
        tag = " (in force)" if p is current else " (future)" if p.start_date > today() else ""
        with st.expander(f"Programme from {p.start_date.isoformat()}{tag}", expanded=p is current):
            if p.notes:
                st.markdown(p.notes)
            st.dataframe([pages.item_row(i) for i in p.items], hide_index=True, use_container_width=True)
    draft_key = f"draft:{pid}"
    draft: list[dict] = st.session_state.setdefault(draft_key, [])
    st.subheader("New programme" if current is None else "New version of the programme")
    if current is not None and st.button("Start from the programme in force", key=f"copy:{pid}"):
        draft[:] = [{k: getattr(i, k) for k in repo.ItemSpec.__dataclass_fields__} for i in current.items]
    with st.form(f"item:{pid}", clear_on_submit=False):
        st.markdown("**Add an exercise**")
        c1, c2, c3 = st.columns(3)
        exercise = c1.selectbox("Exercise", list(EXERCISES), format_func=lambda n: EXERCISES[n].title,
                                key=f"it_ex:{pid}")
        side = c2.selectbox("Side", list(SIDE_LABELS), format_func=SIDE_LABELS.get, key=f"it_side:{pid}")
        sets = c3.number_input("Sets", 1, 20, 1, key=f"it_sets:{pid}")
        c1, c2, c3 = st.columns(3)
        reps = c1.number_input("Reps target (0 = none)", 0, 100, 10, key=f"it_reps:{pid}")
        hold = c2.number_input("Hold target, s (0 = none)", 0.0, 600.0, 0.0, step=5.0, key=f"it_hold:{pid}")
        tempo = c3.number_input("Tempo, s per rep (0 = any)", 0.0, 60.0, 0.0, step=0.5, key=f"it_tempo:{pid}")
        c1, c2, c3 = st.columns(3)
        week_from = c1.number_input("From week", 1, 104, 1, key=f"it_wf:{pid}")
        week_to = c2.number_input("To week", 1, 104, 4, key=f"it_wt:{pid}")
        per_week = c3.number_input("Days a week", 1, 14, 5, key=f"it_pw:{pid}")
        thresholds = st.text_area("Threshold overrides, one `name = value` a line (optional)", key=f"it_thr:{pid}",
                                  placeholder="knee_extension_target_deg = 150", height=80,
                                  help="Names: `formcheck exercises --json` or the review page's sidebar.")
        notes = st.text_input("Notes for the patient", key=f"it_notes:{pid}")
        add = st.form_submit_button("Add to the programme")
    if add:
        try:
            draft.append(pages.item_fields(exercise, side, sets, reps, hold, tempo, thresholds, week_from, week_to,
                                           per_week, notes))
        except ValueError as exc:
            st.error(str(exc).splitlines()[0])
    if not draft:
        st.caption("Add at least one exercise, then save the programme.")
        return
    st.markdown("**Draft, not saved yet:**")
    st.dataframe([pages.item_row(repo.ItemSpec(**d)) for d in draft], hide_index=True, use_container_width=True)
    if st.button("Remove the last exercise", key=f"pop:{pid}"):
        draft.pop()
        st.rerun()
    with st.form(f"programme:{pid}"):
        start = st.date_input("Starts on", value=today(), key=f"pg_start:{pid}")
        notes = st.text_area("Programme notes", key=f"pg_notes:{pid}", height=80)
        save = st.form_submit_button("Save programme")
    if save:
        try:
            with db_session() as db:
                repo.create_programme(db, actor, pid, start, [repo.ItemSpec(**d) for d in draft], notes)
        except ValueError as exc:
            st.error(str(exc).splitlines()[0])
            return
        draft.clear()
        st.session_state["flash"] = "Programme saved."
        st.rerun()


def report_section(actor: Actor, pid: int, username: str) -> None:
    """Printable HTML report and CSV of every set."""
    with db_session() as db:
        report_html = repo.export_html(db, actor, pid, today())
        report_csv = repo.export_csv(db, actor, pid)
    st.caption("The HTML report prints cleanly from the browser (programme, weekly adherence, every set).")
    a, b = st.columns(2)
    a.download_button("Download patient report (HTML)", report_html, file_name=f"formcheck-{username}.html",
                      mime="text/html", key=f"dl_html:{pid}")
    b.download_button("Download sessions (CSV)", report_csv, file_name=f"formcheck-{username}.csv",
                      mime="text/csv", key=f"dl_csv:{pid}")


def main() -> None:
    """Lay out the page: the sign-in sidebar, then the pages for this role."""
    st.set_page_config(page_title="formcheck", layout="wide")
    actor = account_sidebar()
    options = PAGES[actor.role if actor else None]
    # One page picker per role: the browser keeps a widget's last value, which the other roles' lists lack.
    mode = st.sidebar.radio("Page", options, key="mode" if actor is None else f"mode:{actor.role.value}")
    if flash := st.session_state.pop("flash", None):
        st.success(flash)
    try:
        {LIVE: lambda: live_page(actor), REVIEW: lambda: review_page(actor),
         PROGRAMME: lambda: programme_page(actor), PROGRESS: lambda: patient_progress_page(actor),
         PATIENTS: lambda: patients_page(actor)}[mode]()
    except repo.PermissionDenied as exc:
        st.error(f"Not allowed: {exc}. Sign out and in again.")


main()
