"""Live coaching at the camera: set up, exercise with live cues, then the summary and the symptom check.

The camera runs through streamlit-webrtc: frames go to scoring.live.LiveCoach in the camera's thread, and the
page reads its status queue twice a second. A patient's set follows their programme item for the exercise this
week (its thresholds, targets and side, through scoring.prescription.plan_set) and is saved against that item.
"""

from __future__ import annotations

import json
import math
from functools import partial

import streamlit as st
import streamlit.components.v1 as components
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from app_pages import common
from exercises.config import ConfigError
from exercises.judged import rep_view_hidden
from exercises.one_sided import one_end_only
from exercises.registry import EXERCISES
from exercises.results import ClipReport
from feedback import views
from feedback.charts import unit_of
from feedback.coach import summarise, symptom_advice
from feedback.overlay import hold_text, reps_text, shows_hold
from feedback.wording import (
    advice_once,
    cue,
    how_to,
    one_end_warning,
    unseen_gap_warning,
    view_hidden_warning,
)
from scoring.live import LIVE_ADMISSION, LIVE_STANDBY, STAGES, LiveCoach, LiveStatus
from scoring.prescription import SetPlan, plan_set
from scoring.save import save_set
from store import repo
from store.auth import Actor
from store.db import redact
from store.models import Role, Source

SIDES = {"left": "Left leg", "right": "Right leg"}
# Localhost only: no STUN/TURN server, so nothing leaves the machine.
RTC_CONFIGURATION = {"iceServers": []}
START_LABEL = "Start the camera"
STOP_LABEL = "Finish the set"
_BIG = "<div style='font-size:{size}rem;line-height:1.2;margin:0.1rem 0'>{text}</div>"
# A portrait camera (a phone's, 720x1280) drawn the column's width ran the video, and the stop button under it, past
# the bottom of a 1366x768 laptop screen; no taller than this, it fits (landscape webcams are drawn shorter anyway).
_VIDEO_MAX_HEIGHT_PX = 540
# While a set runs the page is the video and the panel only, so it fits a 1366x768 laptop screen unscrolled:
# Streamlit's top padding (6rem) is cut to 4rem, just under its fixed header bar. A fixed string, no user text.
_SET_RUNNING_CSS = ("<style>[data-testid='stMainBlockContainer'],.block-container"
                    "{padding-top:4rem !important;padding-bottom:0 !important}</style>")
# The rep count is read from 2-3 m away: about 2 cm letters on a laptop screen, so 5rem for the number.
# Said when the server already runs as many live sets as it can: plainly, with what to do instead.
BUSY_TEXT = ("Live coaching is busy right now: other people are using it. Please try again in a few minutes. "
             f"You can also film your set and upload the clip on the “{common.REVIEW}” page.")
_COUNT = ("<div style='line-height:1;margin:0.2rem 0'><span style='font-size:1.6rem'>{label}</span><br>"
          "<span style='font-size:4.6rem;font-weight:700'>{value}</span></div>")


def _big(text: str, size: float = 2.0) -> None:
    st.markdown(_BIG.format(size=size, text=text), unsafe_allow_html=True)


def _recv(slot: dict, frame):  # noqa: ANN001, ANN202 - an av.VideoFrame in and out
    # Runs in the camera thread: no st.* here, only the coach held in the slot (replaced between sets).
    return slot["coach"].recv(frame)


def live_choices(actor: Actor | None) -> tuple[SetPlan, float | None] | None:
    """The live set's plan and hold target: a patient's prescription for the exercise, else the page's choices.

    Returns None when the prescription cannot be used (the page says so).
    """
    name = st.selectbox("Exercise", list(EXERCISES), format_func=lambda n: EXERCISES[n].title, key="live_exercise")
    spec = EXERCISES[name]
    item = common.prescribed_item(actor, name)
    try:
        plan = plan_set(name, item=item)
        if spec.works_one_leg and plan.side is None:  # one leg works, and no side is prescribed
            side = st.radio("Which leg are you moving?", list(SIDES), format_func=SIDES.get, horizontal=True,
                            key="live_side")
            plan = plan_set(name, item=item, side=side)
    except ConfigError as exc:
        st.error(f"Your programme's settings for this exercise cannot be used ({exc}). Please tell your therapist.")
        return None
    if plan.prescribed:
        target = common.target_text(plan)
        _big(f"{common.TARGET_INTRO}: <b data-testid='live-target'>{target}</b>" if target
             else "Your therapist chose the settings for this exercise.", 1.4)
        return plan, plan.hold_target_s
    if common.is_patient(actor):
        st.caption("This exercise is not in your programme this week. You can still practise it; a set you save "
                   "is kept for your therapist.")
    hold = None
    if spec.hold is not None:
        hold = st.number_input("Hold target (seconds)", min_value=1.0, max_value=300.0, value=5.0, step=5.0,
                               format="%g", key="live_hold",
                               help="The hold your therapist prescribed; 5 s to start with.")
    return plan, hold


def _config(plan: SetPlan, hold: float | None) -> tuple:
    # What makes a set different: a change in any of these starts a new set.
    return (plan.exercise, plan.side, hold, plan.reps_target, plan.programme_item_id,
            tuple(sorted(plan.overrides.items())))


def new_set(slot: dict, plan: SetPlan, hold: float | None, actor: Actor | None = None) -> None:
    """Replace the slot's coach with a fresh one (a new set) scored as `plan` says."""
    if slot.get("coach") is not None:
        slot["coach"].close()
    coach = LiveCoach(plan.spec, plan.side, hold, on_interrupted=_keeper(actor, slot, plan),
                      reps_target=plan.reps_target, admission=LIVE_ADMISSION, standby=LIVE_STANDBY)
    slot.update(config=_config(plan, hold), owner=actor, plan=plan, coach=coach, saved=None, rated=False)
    st.session_state.pop("live_view", None)


def _keeper(actor: Actor | None, slot: dict, plan: SetPlan):  # noqa: ANN202 - a LiveCoach.on_interrupted callback
    # A patient's set that the camera stopped mid-way is saved; a guest's stays on the page only. The store is
    # opened here, in the page's thread: the callback runs in the coach's watchdog thread, where st.* is not used.
    if not common.is_patient(actor):
        return None
    return partial(keep_interrupted_set, common.store_factory(), actor, slot, plan.programme_item_id)


def keep_interrupted_set(factory, actor: Actor, slot: dict, item_id: int | None,  # noqa: ANN001 - sessionmaker
                         report: ClipReport) -> None:
    """Save the set so far when the camera stopped mid-set (runs in the coach's watchdog thread: no st.*)."""
    if not report.reps and not report.holds:
        return  # nothing done yet (still setting up): nothing to keep
    try:
        with factory() as db:
            slot["saved"] = save_set(db, actor, actor.id, report, None, source=Source.LIVE,
                                     programme_item_id=item_id, interrupted=True)
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
    if coach.refused:  # the server was full when the camera started: the picture plays on, undrawn
        st.markdown(f"<div data-testid='live-busy'>{_BIG.format(size=1.4, text=BUSY_TEXT)}</div>",
                    unsafe_allow_html=True)
        return
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
        _big(last.cue_text, 2.0)
    elif last.setup == "ready":
        _big("Good. Keep going at your own pace.", 2.0)
    # One line each, not side by side: with a target beside it, a count in half the panel wraps mid-number.
    # The words are the overlay's (feedback.overlay), so the video and the panel read the same.
    reps = reps_text(last.reps, coach.reps_target).replace(str(last.reps), f"<b data-testid='live-reps'>"
                                                                          f"{last.reps}</b>", 1)
    if last.partial_reps:  # a movement short of the range is shown, never counted as a rep (issue 13)
        reps += f" <span data-testid='live-partial' style='font-size:0.5em'>({last.count_text})</span>"
    label = "Steps" if coach.spec.events == "gait" else "Reps"  # a walk counts steps, as its summary says
    st.markdown(_COUNT.format(label=label, value=reps), unsafe_allow_html=True)
    if shows_hold(coach.spec, coach.reps_target, coach.hold_target_s):
        st.markdown(_COUNT.format(label="Hold", value=hold_text(last.hold_s, coach.hold_target_s)),
                    unsafe_allow_html=True)
    if slot.get("debug"):  # frame rate and lag mean nothing to a patient: a therapist's or debug view only
        fps = _fps(view["history"])
        st.caption(f"Camera check: {fps:.1f} frames/s processed · {coach.median_process_ms():.0f} ms per frame · "
                   f"lag {last.lag_ms:.0f} ms · {last.frames} frames · delay {last.delay_ms:.0f} ms")
        st.caption("Per stage (median ms): " + " · ".join(f"{k} {last.stage_ms[k]:.1f}" for k in STAGES
                                                         if k in last.stage_ms))
    if speak and last.cue_text and last.cue_seq > view["spoken"]:
        view["spoken"] = last.cue_seq
        # The browser speaks (no server audio); the sequence number makes each snippet new.
        components.html(f"<script>/*{last.cue_seq}*/window.speechSynthesis && speechSynthesis.speak("
                        f"new SpeechSynthesisUtterance({json.dumps(last.cue_text)}));</script>", height=0)


def _joint(signal: str) -> str:
    # "support_knee_deg" -> "knee": the patient's word for the joint, not the signal's name.
    return signal.removesuffix("_deg").replace("support_", "").replace("raised_", "").replace("_", " ")


def live_summary(coach: LiveCoach, actor: Actor | None = None, slot: dict | None = None) -> None:
    """After the set: what was done, then the symptom check and its advice, and (patients) saving it."""
    spec = coach.spec
    report = coach.report()
    summary = summarise(report, spec)
    st.header("Your set")
    hold = shows_hold(spec, coach.reps_target, coach.hold_target_s)
    walking = spec.events == "gait"  # steps, not reps; the pace, not a joint's range
    # An angle's range means something to a patient; a ratio's (the knees' roll, a foot's lift in leg lengths) does
    # not, and in degrees it read "-0° to -0°".
    shows_range = not walking and unit_of(summary.signal) == "°"
    cols = st.columns(1 + int(hold) + int(walking or shows_range))
    cols[0].metric("Steps" if walking else "Reps", reps_text(summary.reps, coach.reps_target))
    if hold:  # a rep set has no "best hold 0.0 s"
        cols[1].metric("Longest hold in good form",
                       hold_text(summary.best_hold_s, coach.hold_target_s) if summary.has_hold else "—")
    reach = (f"{summary.range_low:.0f}° to {summary.range_high:.0f}°"
             if math.isfinite(summary.range_low) else "—")
    if walking:
        cadence = report.measures.get("cadence_steps_per_min", math.nan)
        cols[-1].metric("Steps a minute", f"{cadence:.0f}" if math.isfinite(cadence) else "—")
    elif shows_range:
        cols[-1].metric(f"How far your {_joint(summary.signal)} moved", reach,
                        help="The smallest and largest angle in your reps, as the camera saw it.")
    # As the review says it of a clip: a patient who stepped out of the picture mid-set may find the count short,
    # and one filmed too far round for what counts the reps where to put the camera (said once, advice_once).
    warnings = advice_once(spec.name, [w for w in (
        unseen_gap_warning(spec.name, *report.longest_unseen(), within="set"),
        view_hidden_warning(spec.name, *rep_view_hidden(report, spec), within="set")) if w])
    for warning in warnings:
        st.warning(warning)
    plan: SetPlan | None = (slot or {}).get("plan")
    if plan is not None and plan.prescribed and common.target_text(plan):
        st.caption(f"{common.TARGET_INTRO}: {common.target_text(plan)}.")
    if summary.faults_per_rep:
        rows = [{"Step" if walking else "Rep": i, "To work on": " ".join(cue(c) for c in codes) or "Good form"}
                for i, codes in summary.faults_per_rep]
        st.dataframe(rows, hide_index=True, width="stretch")
        for line in views.patient_not_checked_lines(report, spec):  # "Good form" there means in what the camera saw
            st.caption(line)
    elif summary.reps == 0:
        # A set of cycles seen at one end only says which way was seen and where the camera should go.
        one_end = one_end_warning(spec.name, one_end_only(report, spec))
        # Where a warning above has said where the camera should go, the last line does not send them to check it.
        check = "" if warnings else "check the camera can see your whole body, and "
        st.info(advice_once(spec.name, [*warnings, one_end])[-1] if one_end
                else f"No {'steps' if walking else 'complete reps'} were counted. That is fine: {check}try again when "
                "you are ready.")
    st.subheader("How do you feel?")
    before = None
    if common.is_patient(actor) and slot is not None:
        # Asked before the set started (pain_before_question); shown first again here, and can be corrected.
        before = st.slider("Pain before the set (0 = none, 10 = worst)", 0, 10, slot.get("pain_before", 0),
                           key="live_pain_before_after")
    pain = st.slider("Pain right now (0 = none, 10 = worst)", 0, 10, 0, key="live_pain")
    move = common.symptom_radio("live_move")
    emergency = st.checkbox("I have numbness in the saddle area, or trouble controlling my bladder or bowel",
                            key="live_emergency")
    if move is not None or emergency:
        common.show_advice([(code, level) for code, level in symptom_advice(move or "same", pain, emergency)
                            if move is not None or code != "same"])
    if before is not None:
        save_live_set(actor, slot, coach, before, pain, move)


def pain_before_question(slot: dict) -> None:
    """A patient's pain before the set, asked before the camera starts.

    The answer is kept in the slot: the widget is not drawn while the set runs, and Streamlit forgets it then.
    """
    keep_pain_before(slot)
    slot["pain_before"] = st.slider("Before you start: your pain right now (0 = none, 10 = worst)", 0, 10,
                                    key=PAIN_BEFORE_KEY)


PAIN_BEFORE_KEY = "live_pain_before"


def keep_pain_before(slot: dict) -> None:
    """Keep the pain-before answer in the session while its slider is not drawn (during and after the set).

    Streamlit drops a widget's state on a run that does not draw it; set as a plain value, it stays, and the
    slider shows it again when it comes back.
    """
    if PAIN_BEFORE_KEY not in st.session_state:
        st.session_state[PAIN_BEFORE_KEY] = slot.get("pain_before", 0)


def save_live_set(actor: Actor, slot: dict, coach: LiveCoach, before: int, pain_after: int,
                  move: str | None) -> None:
    """Save a finished live set (its report; live frames' landmarks are not kept), or rate one already kept."""
    if slot.get("rated"):
        st.success(common.SAVED_TEXT)
        return
    kept = slot.get("saved")  # a set the camera stopped mid-way was saved then, without how it felt
    if not st.button("Save this set" if kept is None else "Save how it felt", key="live_save"):
        return
    if move is None:
        st.error("Please say how your symptoms changed before saving.")
        return
    symptom = views.SYMPTOM_OF_MOVE[move]
    with common.db_session() as db:
        if kept is None:
            # The report carries the thresholds the set was judged by; the item is the one the set was planned for.
            slot["saved"] = save_set(
                db, actor, actor.id, coach.report(), None, source=Source.LIVE, pain_before=before,
                pain_after=pain_after, symptom_response=symptom, programme_item_id=slot["plan"].programme_item_id)
        else:
            repo.add_set_feedback(db, actor, kept, pain_before=before, pain_after=pain_after,
                                  symptom_response=symptom)
    slot["rated"] = True
    st.success(common.SAVED_TEXT)


def debug_view(actor: Actor | None) -> bool:
    """Camera figures (frames/s, lag) are for a therapist, or a debug view opened with `?debug=1`."""
    return (actor is not None and actor.role == Role.THERAPIST) or st.query_params.get("debug") == "1"


def page(actor: Actor | None = None) -> None:
    """The patient page: set up, exercise with live cues, then the summary and symptom check.

    While the set runs the page is only the video and the panel beside it (the big rep count and one cue), so it
    fits a laptop screen unscrolled; the setup (exercise, how to do it, pain before) is folded away until the end.
    """
    slot = st.session_state.setdefault("live_slot", {})
    running = slot.get("playing", False)  # as of the last run: the layout changes (with a rerun) when it does
    # The same element tree in both layouts, so the camera component is never re-mounted (that would stop it):
    # the setup above the columns, the video on the left, the panel and (while the set runs) settings on the right.
    head = st.container()
    video_col, panel_col = st.columns([3, 2])
    panel_box = panel_col.container()
    settings = panel_col.container()
    if running:
        head.markdown(_SET_RUNNING_CSS, unsafe_allow_html=True)
        with settings:
            with st.expander("Exercise and settings"):
                choices = live_choices(actor)
                speak = st.checkbox("Speak the cues aloud", key="live_speak")
            st.caption("Go gently. Stop if pain spreads down your leg. "
                       f"Press “{STOP_LABEL}” under the video when you are done.")
    else:
        with head:
            common.header("formcheck: live coaching", actor)
            choices = live_choices(actor)
    if choices is None:
        return
    plan, hold = choices
    if slot.get("config") != _config(plan, hold) or slot.get("owner") != actor:
        new_set(slot, plan, hold, actor)  # also on signing in: the set is then kept as theirs
    slot["debug"] = debug_view(actor)
    if not running:
        with head:
            with st.expander("How to do it", expanded=True):
                # how_to: a clinic's own spec file carries its steps too (HOW_TO has the built-ins only).
                st.markdown("\n".join(f"- {line}" for line in how_to(plan.exercise)))
                common.show_known_limit(plan.exercise)
                st.caption("Go gently. Stop if pain spreads down your leg.")
            if common.is_patient(actor) and slot["coach"].frames == 0:
                pain_before_question(slot)
            speak = st.checkbox("Speak the cues aloud", key="live_speak")
            st.caption(f"Press “{START_LABEL}”. Follow the instruction beside the video until it says you are "
                       f"ready, then do your set. Press “{STOP_LABEL}” when you are done.")
    if common.is_patient(actor) and (running or slot["coach"].frames > 0):
        keep_pain_before(slot)
    # A set that holds its place is this patient's own (its camera is starting): never "busy" for them.
    if not running and LIVE_ADMISSION.full and not LIVE_ADMISSION.holds(id(slot["coach"])):
        # No camera offered: it would start a set the server cannot run. Another set ending frees a place.
        with video_col:
            st.markdown(f"<div data-testid='live-busy'>{_BIG.format(size=1.4, text=BUSY_TEXT)}</div>",
                        unsafe_allow_html=True)
            st.button("Try again")
        return
    with video_col:
        ctx = webrtc_streamer(
            key=f"live:{plan.exercise}", mode=WebRtcMode.SENDRECV, rtc_configuration=RTC_CONFIGURATION,
            media_stream_constraints={"video": True, "audio": False}, video_frame_callback=partial(_recv, slot),
            # Async: a frame that arrives while the last is still being processed is dropped, not queued.
            async_processing=True, translations={"start": START_LABEL, "stop": STOP_LABEL},
            video_html_attrs={"autoPlay": True, "controls": True,
                              "style": {"width": "100%", "maxHeight": f"{_VIDEO_MAX_HEIGHT_PX}px"}},
        )
    if getattr(ctx.state, "signalling", False) and not ctx.state.playing:
        slot["coach"].warm_up()  # the camera is connecting: a spare model loads meanwhile, for the first pose
    playing, was_playing = ctx.state.playing, slot.get("playing", False)
    slot["playing"] = playing
    if playing and not was_playing and slot["coach"].finished:
        new_set(slot, plan, hold, actor)  # the camera started again after a set: a new set
    if playing != running:
        st.rerun()  # lay the page out for the set (or for the summary) now
    coach: LiveCoach = slot["coach"]
    if playing and not coach.finished:
        with panel_box:
            live_panel(slot, speak)
    elif coach.frames > 0:
        if coach.interrupted:
            st.warning("The camera stopped sending pictures, so the set ended there. Here is your set so far"
                       + (" (it has been saved)." if slot.get("saved") is not None else "."))
        live_summary(coach, actor, slot)
        st.button("Start a new set", on_click=new_set, args=(slot, plan, hold, actor))
    else:
        st.info(f"Ready for {plan.spec.title.lower()} when you are.")
