"""Review a recorded clip: choose or upload it, score it, read the report, draw the replay; a patient saves it."""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path

import streamlit as st

from app_pages import common
from exercises.config import ConfigError
from exercises.detect import UNKNOWN, recognise
from exercises.judged import rep_view_hidden
from exercises.one_sided import one_end_only
from exercises.registry import EXERCISES
from exercises.results import ClipReport
from exercises.setup import needs_side_view
from exercises.spec import ExerciseSpec
from feedback import charts, gait_charts, views
from feedback.coach import symptom_advice
from feedback.overlay import ProgressFn, Replay, hold_text, render_replay, reps_text, shows_hold
from feedback.report import ClipResult, reps_csv, to_row
from feedback.wording import (
    COVERAGE_HELP,
    VIEW_HELP,
    advice_once,
    camera_advice,
    coverage_warning,
    one_end_warning,
    partial_text,
    recognition_doubt,
    seen_unmeasured_round,
    unseen_gap_warning,
    view_hidden_warning,
    view_name,
)
from pose.cache import LandmarkCache
from pose.extract import extract_poses
from pose.video import VideoError
from scoring.prescription import SetPlan
from scoring.runner import ScoreOptions, estimator_settings, score_path
from scoring.save import save_set
from scoring.uploads import MAX_UPLOAD_MB, UPLOAD_TYPES, UploadError
from scoring.uploads import save_upload as store_upload
from store import repo
from store.auth import Actor
from store.models import Role, Source


def samples_dir() -> Path:
    """$FORMCHECK_SAMPLES_DIR, else sample_videos/ in the project folder."""
    env = os.environ.get("FORMCHECK_SAMPLES_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[1] / "sample_videos"


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
    return store_upload(data, original_name, common.data_dir() / "uploads")


def choose_sample(path: Path, exercise: str | None) -> None:
    """Button callback (runs before the page is redrawn, so it may set the exercise picker)."""
    st.session_state["clip"] = (str(path), path.name)
    if exercise:
        st.session_state["exercise"] = exercise


def sidebar(actor: Actor | None) -> tuple[str, SetPlan | None]:
    """Exercise picker and threshold overrides, and the plan the clip is scored with (None while it is invalid).

    A signed-in patient gets no threshold widgets: their clip is scored with their programme item's thresholds.
    """
    st.sidebar.header("Exercise to review")
    name = st.sidebar.selectbox("Exercise", list(EXERCISES), format_func=lambda n: EXERCISES[n].title,
                                key="exercise")
    changed = {} if common.is_patient(actor) else threshold_widgets(name)
    try:
        plan = common.plan_for(actor, name, sidebar=changed)
    except ConfigError as exc:
        st.sidebar.error(str(exc))
        return name, None
    if common.is_patient(actor) and plan.overrides:
        st.sidebar.caption("Scored with the settings your therapist chose for you.")
    return name, plan


def threshold_widgets(name: str) -> dict[str, float]:
    """The sidebar's threshold overrides for one exercise: the values changed from the defaults."""
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
    return changed


def clip_input(exercise: str) -> tuple[str, str] | None:
    """The chosen clip as (path, display name): an upload, or a bundled sample.

    Args:
        exercise: the exercise picked in the sidebar: the upload says how to film it (each needs its own view).
    """
    upload_tab, sample_tab = st.tabs(["Upload a clip", "Sample clips"])
    with upload_tab:
        up = st.file_uploader(f"Video of the exercise (up to {MAX_UPLOAD_MB} MB)", type=list(UPLOAD_TYPES))
        st.caption(f"Filming it: {camera_advice(exercise)}")
        if up is not None:
            try:
                st.session_state["clip"] = (str(save_upload(up.getvalue(), up.name)), up.name)
            except UploadError as exc:
                st.error(common.plain(str(exc)))  # may quote the file name
    with sample_tab:
        samples = list_samples()
        if not samples:
            st.info("No sample clips are installed yet.")
        for path, exercise in samples:
            label = f"{path.stem}" + (f" ({EXERCISES[exercise].title})" if exercise else "")
            st.button(label, key=f"sample:{path.name}", on_click=choose_sample, args=(path, exercise))
    return st.session_state.get("clip")


def use_recognised(exercise: str) -> None:
    """Button callback: put the recognised exercise in the picker (before the page is redrawn)."""
    st.session_state["exercise"] = exercise


def sureness(confidence: float) -> str:
    """A recognition's confidence (0-1) in plain words."""
    return "fairly sure" if confidence >= 0.8 else "somewhat sure" if confidence >= 0.6 else "not very sure"


def work_it_out(path: str, chosen: str) -> None:
    """The "what am I doing?" choice: recognise the clip's exercise on request, say how sure, offer to use it."""
    key = f"recognised:{path}"
    if st.button("Let formcheck work it out", help="Watch the clip and tell which exercise it shows"):
        with st.spinner("Watching the clip…"):
            # The same landmarks scoring uses (cached): recognising costs no second pose pass.
            st.session_state[key] = recognise(extract_poses(Path(path), cache=LandmarkCache()))
    rec = st.session_state.get(key)
    if rec is None:
        return
    if rec.exercise == UNKNOWN:
        titles = tuple(EXERCISES[c.exercise].title for c in rec.candidates if c.exercise in EXERCISES)
        why = recognition_doubt(rec.doubt, rec.posture, titles)
        st.warning(f"I could not tell which exercise this is. {common.plain(why)} Please choose it in the sidebar.")
        return
    title = EXERCISES[rec.exercise].title
    st.success(f"This looks like {title}: I am {sureness(rec.confidence)} ({rec.confidence:.0%}).")
    if rec.exercise != chosen:
        st.button(f"Check it as {title}", on_click=use_recognised, args=(rec.exercise,))


def _plan_key(path: str, plan: SetPlan) -> str:
    return json.dumps([path, plan.exercise, dict(plan.overrides)], sort_keys=True)


def score(path: str, plan: SetPlan) -> ClipResult:
    """Score once per (clip, exercise, thresholds); reruns for downloads or widgets reuse the result."""
    key = _plan_key(path, plan)
    results = st.session_state.setdefault("results", {})
    if key not in results:
        bar = st.progress(0.0, text="Finding the pose in each frame…")
        last = [-1.0]

        def progress(fraction: float) -> None:
            # A progress message per frame would flood the browser; 1 % steps are enough to see it move.
            if fraction - last[0] >= 0.01 or fraction >= 1.0:
                last[0] = fraction
                bar.progress(min(1.0, max(0.0, fraction)), text="Finding the pose in each frame…")

        # The runner asks plan_set again with these as its config layer: the same spec as `plan.spec`.
        options = ScoreOptions(exercise=plan.exercise, overrides={plan.exercise: dict(plan.overrides)},
                               side=plan.side)
        results[key] = score_path(Path(path), options, progress=progress)
        bar.empty()
    return results[key]


def camera_warnings(report: ClipReport, spec: ExerciseSpec) -> list[str]:
    """Why the counts of a clip may be low because of the camera or the position, each with what to do; [] for none."""
    warnings = []
    hidden = view_hidden_warning(spec.name, *rep_view_hidden(report, spec))
    # Seen but little measured, filmed far round, with the view hiding the measurement: that warning says what the
    # camera did, with the share; "not in the position" beside it would send the patient to the wrong fix.
    said_by_hidden = bool(hidden) and seen_unmeasured_round(spec.name, report.pose_coverage, report.body_seen_ratio,
                                                            report.camera_view_deg)
    if not said_by_hidden:
        if warning := coverage_warning(spec.name, report.pose_coverage, report.body_seen_ratio, report.camera_view_deg):
            warnings.append(warning)
        elif warning := unseen_gap_warning(spec.name, *report.longest_unseen()):
            warnings.append(warning)
    if warning := one_end_warning(spec.name, one_end_only(report, spec)):
        warnings.append(warning)
    if hidden:
        warnings.append(hidden)
    return advice_once(spec.name, warnings)


def show_report(result: ClipResult, plan: SetPlan, display: str, camera: bool = True) -> None:
    """Summary, chart, tables, faults and downloads of a scored clip.

    `camera`: with camera_warnings; False where the patient has read them above, in their set.
    """
    report, spec = result.report, plan.spec
    reps_col, hold_col, cov_col, view_col = st.columns(4)
    view = view_name(report.view, report.camera_view_deg, spec.thresholds)
    # Partial reps (short of the range) are never counted as reps, but shown beside them (issue 13).
    reps_col.metric("Steps" if spec.events == "gait" else "Reps", partial_text(report.rep_count,
                                                                            report.partial_rep_count))
    if spec.events == "gait":
        cadence = report.measures.get("cadence_steps_per_min", math.nan)
        hold_col.metric("Cadence", f"{cadence:.0f} steps/min" if math.isfinite(cadence) else "—")
    else:
        hold_col.metric("Best hold (good form)", f"{report.hold_s:.1f} s" if spec.hold else "—")
    cov_col.metric("Measured", f"{report.pose_coverage:.0%}", help=COVERAGE_HELP)
    if spec.events == "gait":  # both legs are walked on: which feet could be judged is what the side tells here
        judged = [leg for leg in ("left", "right") if report.measures.get(f"foot_judged_steps_{leg}", 0) > 0]
        feet = "both" if len(judged) == 2 else judged[0] if judged else "neither"
        view_col.metric("View / feet judged", f"{view} / {feet}", help=VIEW_HELP)
    else:
        view_col.metric("View / side", f"{view} / {report.side}", help=VIEW_HELP)
    warnings = camera_warnings(report, spec)
    for warning in warnings if camera else ():
        st.warning(warning)
    # Said once: a clip whose view hid the rep measurement has said so, with where to put the camera.
    hidden = bool(view_hidden_warning(spec.name, *rep_view_hidden(report, spec)))
    if view not in ("side", "unknown") and needs_side_view(spec) and not hidden:
        where = {"front": "from the front", "oblique": "at an angle"}.get(view, f"{view} round from side-on")
        st.caption(f"Filmed {where}: faults judged from the side view may be missed.")

    if spec.events == "gait":  # walking: the ankle a therapist reads, not the live step counter's signal
        st.subheader("Ankle over time")
        st.altair_chart(gait_charts.ankle_time_chart(report))  # its own width, as the step chart below
        st.caption("The ankle's angle to the shin (0 square, + toes up), blue left leg, orange right. Thin lines: "
                   "each foot coming down. Red bands: swings where the foot stayed pointed or the toe low. A leg "
                   "not drawn was the far one from the camera.")
    else:
        st.subheader("Signals over time")
        signals = st.multiselect("Signals", list(report.series), default=[spec.rep.signal],
                                 format_func=charts.label_of, key=f"signals:{plan.exercise}")
        st.altair_chart(charts.signal_chart(report, spec, signals), width="stretch")
        if unmeasured := charts.unmeasured_line(report, signals):
            st.caption(unmeasured)
        st.caption("Green bands: reps. Blue bands: holds. Red bands: fault episodes. "
                   + charts.thresholds_caption(spec))

    if spec.events == "gait":  # walking: steps, each leg's ankle and toe clearance
        st.subheader("Steps")
        if report.reps:
            st.altair_chart(gait_charts.step_chart(report))  # its own width: stacked charts overflow the page
            st.caption("Each point is a step (blue left leg, orange right). Red rings: the foot stayed pointed or "
                       "the toe low in swing. Dashed line: ankle square to the shin; the toe at its standing height.")
            st.dataframe(gait_charts.steps_frame(report), hide_index=True, width="stretch")
        else:
            st.write("No steps found.")
        st.write(gait_charts.pace_text(report))
        for note in report.notes:
            st.caption(note[0].upper() + note[1:] + ".")
    else:
        st.subheader("Reps")
        if report.reps or report.partial_reps:
            st.dataframe(charts.reps_table(report, spec), hide_index=True, width="stretch")
            if not report.reps:
                st.write("No complete reps: every attempt fell short of the range.")
        else:
            st.write("No complete reps.")
    if spec.hold:
        st.subheader("Holds")
        holds = charts.holds_table(report)
        if len(holds):
            st.dataframe(holds, hide_index=True, width="stretch")
        else:
            st.write("No hold long enough to report.")

    st.subheader("Faults")
    lines = charts.fault_lines(report)
    unseen = charts.not_checked_lines(report, spec)
    flagged = "No faults flagged" + (" among those checked." if unseen else ".")
    st.markdown("\n".join(f"- {line}" for line in lines) if lines else flagged)
    if unseen:  # "no fault" for these means not seen, not good form
        st.markdown("**Not checked**\n" + "\n".join(f"- {line}" for line in unseen))

    stem = Path(display).stem
    json_col, csv_col = st.columns(2)
    # The row's "file" is where the server keeps the clip: the download names the clip as the user did.
    row = {**to_row(result), "file": display}
    json_col.download_button("Download report (JSON)", json.dumps(row, indent=2, ensure_ascii=False),
                             file_name=f"{stem}.formcheck.json", mime="application/json")
    csv_col.download_button("Download reps (CSV)", reps_csv(report), file_name=f"{stem}.reps.csv", mime="text/csv")


def draw_replay(path: str, plan: SetPlan, report: ClipReport, out: Path,
                progress: ProgressFn | None = None) -> Replay:
    """Draw the annotated replay of a scored clip with the spec, side and poses its report used.

    The poses come from the landmark cache that scoring filled (a cache hit), so no pose estimation runs again:
    a 22 s clip took 36 s with the estimator and 6 s from the cache.
    """
    poses = extract_poses(Path(path), estimator_settings(plan.exercise), cache=LandmarkCache())
    return render_replay(Path(path), out, plan.spec, side=report.side, progress=progress, poses=poses,
                         reps_target=plan.reps_target, hold_target_s=plan.hold_target_s,
                         rep_ends_s=[r.end_s for r in report.reps])


def replay(path: str, plan: SetPlan, report: ClipReport) -> None:
    """Annotated replay, made on request (drawn from the cached poses: a few seconds for a short clip)."""
    st.subheader("Annotated replay")
    digest = hashlib.sha256(f"{_plan_key(path, plan)}:{report.side}".encode()).hexdigest()[:24]
    out = common.data_dir() / "replays" / f"{digest}.mp4"
    slot = st.empty()
    if not out.is_file() and slot.button("Make annotated replay"):
        slot.empty()
        bar = st.progress(0.0, text="Drawing the replay…")
        try:
            draw_replay(path, plan, report, out,
                        progress=lambda f: bar.progress(min(1.0, max(0.0, f)), text="Drawing the replay…"))
        except VideoError as exc:
            st.error(str(exc))
        bar.empty()
    if out.is_file():
        st.video(str(out))
    else:
        st.caption("Shows the skeleton, rep count, hold timer and cues on the clip. Takes a few seconds.")


def save_upload_form(actor: Actor, path: str, plan: SetPlan, result: ClipResult) -> None:
    """A patient's scored clip: the headline numbers, then pain, symptoms and Save (landmarks, not the video)."""
    report = result.report
    st.subheader("Your set")
    hold = shows_hold(plan.spec, plan.reps_target, plan.hold_target_s)
    cols = st.columns(2 if hold else 1)
    cols[0].metric("Reps", partial_text(reps_text(report.rep_count, plan.reps_target), report.partial_rep_count))
    if hold:  # a rep set has no "best hold 0.0 s"
        cols[1].metric("Longest hold in good form", hold_text(report.hold_s, plan.hold_target_s))
    if plan.prescribed and common.target_text(plan):
        st.markdown(f"{common.TARGET_INTRO}: **{common.target_text(plan)}**.")
    # Why the count may be low comes first: a 0 filmed from too far round is the camera's, not the patient's.
    camera = camera_warnings(report, plan.spec)
    for warning in camera:
        st.warning(warning)
    st.markdown("**What to work on**")
    lines = views.patient_fault_lines(report)
    unseen = views.patient_not_checked_lines(report, plan.spec)
    good = ("Good form in everything I could check." if unseen or camera
            else "Good form: nothing to work on in this clip.")
    st.markdown("\n".join(f"- {line}" for line in lines) if lines else good)
    for line in unseen:
        st.caption(line)
    key = _plan_key(path, plan)
    saved = st.session_state.setdefault("saved_uploads", {})
    if key in saved:
        st.success(common.SAVED_TEXT)
        return
    with st.form("save_upload"):
        st.markdown("**How did it feel?**")
        before = st.slider("Pain before the set (0 = none, 10 = worst)", 0, 10, 0, key="up_pain_before")
        after = st.slider("Pain after the set (0 = none, 10 = worst)", 0, 10, 0, key="up_pain_after")
        move = common.symptom_radio("up_move")
        share = st.checkbox("Share the video with my therapist (otherwise only the measurements are kept)",
                            key="up_share")
        submitted = st.form_submit_button("Save this set")
    if not submitted:
        return
    if move is None:
        st.error("Please say how your symptoms changed before saving.")
        return
    common.show_advice(symptom_advice(move, after))
    # A cache hit: scoring just ran pose estimation on this clip, with these settings, and kept the landmarks.
    landmarks = extract_poses(Path(path), estimator_settings(plan.exercise), cache=LandmarkCache())
    with common.db_session() as db:
        saved[key] = save_set(
            db, actor, actor.id, report, landmarks, source=Source.UPLOAD, pain_before=before, pain_after=after,
            symptom_response=views.SYMPTOM_OF_MOVE[move], programme_item_id=plan.programme_item_id,
            shared_video_path=path if share else None)
    st.success(common.SAVED_TEXT)


def save_for_patient(actor: Actor, path: str, plan: SetPlan, result: ClipResult) -> None:
    """A therapist saves the reviewed clip to one of their linked patients' records (landmarks, not the video)."""
    with common.db_session() as db:
        patients = repo.list_patients(db, actor)
    st.subheader("Save to a patient's record")
    if not patients:
        st.caption("No patients are linked to you yet.")
        return
    names = {p.id: p.username for p in patients}
    key = f"therapist:{_plan_key(path, plan)}"
    saved = st.session_state.setdefault("saved_uploads", {})
    with st.form("save_for_patient"):
        pid = st.selectbox("Patient", list(names), format_func=names.get, key="review_patient")
        submitted = st.form_submit_button("Save to this patient's record")
    if submitted:
        # A cache hit: scoring just ran pose estimation on this clip, with these settings, and kept the landmarks.
        landmarks = extract_poses(Path(path), estimator_settings(plan.exercise), cache=LandmarkCache())
        with common.db_session() as db:
            # The report carries the thresholds it was scored with (the sidebar's overrides), so they are saved.
            saved[key] = (pid, save_set(db, actor, pid, result.report, landmarks, source=Source.UPLOAD))
    if key in saved:
        name = common.plain(names.get(saved[key][0], "the patient"))  # a username: user text
        st.success(f"Saved to {name}'s record (set #{saved[key][1]}).")


def page(actor: Actor | None) -> None:
    """Score a recorded clip; a signed-in patient can then save it as a set."""
    common.header("formcheck: exercise form review", actor)
    name, plan = sidebar(actor)
    clip = clip_input(name)
    if clip is None:
        st.info("Upload a clip or choose a sample to see the form check.")
        return
    path, display = clip
    # The file name is the user's: plain text.
    st.text(f"Clip: {display} · Exercise: {EXERCISES[name].title}")
    common.show_known_limit(name)
    work_it_out(path, name)
    if plan is None:
        st.info("Fix the threshold override in the sidebar to score the clip.")
        return
    result = score(path, plan)
    if result.error or result.report is None:
        st.error(common.plain((result.error or "could not score this clip").replace(path, display)))
        return
    if common.is_patient(actor):
        # Patients: the few numbers that matter and the save form first; the therapist-level detail folded away.
        save_upload_form(actor, path, plan, result)
        with st.expander("Details of this clip"):
            show_report(result, plan, display, camera=False)
    else:
        show_report(result, plan, display)
        if actor is not None and actor.role == Role.THERAPIST:
            save_for_patient(actor, path, plan, result)
        if actor is None:
            st.info("Sign in (in the sidebar) to save this set for your therapist. As a guest nothing is saved.")
    replay(path, plan, result.report)
