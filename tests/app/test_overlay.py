from __future__ import annotations

import dataclasses
from pathlib import Path

import av
import numpy as np
import pytest

from exercises.registry import EXERCISES, get_exercise
from exercises.results import FrameResult
from feedback.overlay import (
    FormAnnotator,
    annotate,
    gauge_edges,
    hold_text,
    render_replay,
    reps_text,
    shows_hold,
)
from pose.frames import PoseFrame, PoseSequence
from pose.landmarks import N_LANDMARKS, Landmark
from pose.video import VideoError
from tests.app.clips import write_clip

W, H = 320, 240


def _pose() -> PoseFrame:
    """A standing figure facing left, every landmark fully visible."""
    xyz = np.zeros((N_LANDMARKS, 3))
    xyz[:, :2] = 0.5
    spots = {
        "SHOULDER": (0.5, 0.3), "ELBOW": (0.45, 0.45), "WRIST": (0.45, 0.55), "HIP": (0.5, 0.6),
        "KNEE": (0.5, 0.75), "ANKLE": (0.5, 0.9), "HEEL": (0.52, 0.93), "FOOT_INDEX": (0.45, 0.93),
    }
    for part, (x, y) in spots.items():
        for s, dx in (("LEFT", 0.0), ("RIGHT", 0.02)):
            xyz[Landmark[f"{s}_{part}"], :2] = (x + dx, y)
    return PoseFrame(1.0, xyz, np.zeros((N_LANDMARKS, 3)), np.ones(N_LANDMARKS), (W, H))


def _result(faults: tuple[str, ...] = (), reliable: bool = True) -> FrameResult:
    return FrameResult(1.0, reliable, {}, "low", 3, 2.5, faults)


@pytest.fixture
def image() -> np.ndarray:
    return np.full((H, W, 3), 100, np.uint8)


def test_annotate_keeps_shape_and_dtype_and_leaves_input_alone(image):
    before = image.copy()
    out = annotate(image, _pose(), _result(), EXERCISES["wall_squat"])
    assert out.shape == image.shape and out.dtype == image.dtype
    assert np.array_equal(image, before)


def test_annotate_draws_the_skeleton_on_its_edges(image):
    out = annotate(image, _pose(), None)
    # Midpoint of the left hip-knee edge: (0.5, 0.675) of the image.
    x, y = int(0.5 * W), int(0.675 * H)
    assert not np.array_equal(out[y, x], image[y, x])
    # Far from every landmark, nothing changes.
    assert np.array_equal(out[H - 5, 5], image[H - 5, 5])


def test_skeleton_turns_red_while_a_fault_is_active(image):
    x, y = int(0.5 * W), int(0.675 * H)
    good = annotate(image, _pose(), _result())[y, x]
    bad = annotate(image, _pose(), _result(("back_off_wall",)))[y, x]
    assert bad[0] > bad[1] and good[1] > good[0]


@pytest.mark.parametrize("result", [None, _result(), _result(("too_deep",)), _result(reliable=False)])
def test_empty_pose_draws_no_skeleton_and_does_not_raise(image, result):
    out = annotate(image, PoseFrame.empty(0.0, (W, H)), result, EXERCISES["wall_squat"])
    assert out.shape == image.shape
    # Only the text panel in the top left may change.
    assert np.array_equal(out[H // 2:], image[H // 2:])
    if result is None:
        assert np.array_equal(out, image)
    else:
        assert not np.array_equal(out[: H // 2], image[: H // 2])


def test_hidden_landmarks_are_not_drawn(image):
    pose = _pose()
    hidden = PoseFrame(pose.t_s, pose.xyz, pose.world_xyz, np.zeros(N_LANDMARKS), pose.image_size)
    assert np.array_equal(annotate(image, hidden, None), image)


@pytest.mark.parametrize(("kwargs", "error"), [
    ({}, None),
    ({"visibility_min": 1.5}, ValueError),
    ({"line_scale": 0}, ValueError),
])
def test_annotator_settings_are_checked(kwargs, error):
    if error is None:
        FormAnnotator(**kwargs)
    else:
        with pytest.raises(error):
            FormAnnotator(**kwargs)


@pytest.mark.parametrize("bad", [np.zeros((H, W), np.uint8), np.zeros((H, W, 3), np.float32)])
def test_annotate_rejects_non_rgb_images(bad):
    with pytest.raises(ValueError, match="uint8"):
        annotate(bad, _pose(), None)


@pytest.mark.slow
def test_replay_is_a_browser_playable_mp4_with_every_frame(tmp_path: Path):
    src = tmp_path / "in.mp4"
    n = write_clip(src, seconds=2.0, fps=10)
    dst = tmp_path / "out" / "replay.mp4"
    seen = []
    written = render_replay(src, dst, EXERCISES["cat_cow"], progress=seen.append)
    assert written.frames == n
    with av.open(str(dst)) as c:
        stream = c.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        frames = list(c.decode(stream))
    assert len(frames) == n
    assert (frames[0].width, frames[0].height) == (96, 64)
    assert seen[-1] == 1.0 and seen == sorted(seen)


def test_replay_of_a_bad_file_raises_a_one_line_error_and_writes_nothing(tmp_path: Path):
    src = tmp_path / "notes.mp4"
    src.write_text("this is not a video\n")
    dst = tmp_path / "replay.mp4"
    with pytest.raises(VideoError) as info:
        render_replay(src, dst, EXERCISES["wall_squat"])
    assert "\n" not in str(info.value)
    assert list(tmp_path.iterdir()) == [src]


# --- issue 15: the overlay reads like the live panel ("Reps: 3 of 5", "Hold: 1 of 20 s"), no hold in a rep set


@pytest.mark.parametrize(("exercise", "reps_target", "hold_target_s", "shown"), [
    ("wall_squat", 5, None, False),   # a rep exercise: no hold counter
    ("wall_squat", 5, 20.0, True),    # reps and a hold prescribed
    ("wall_squat", None, 20.0, True),  # a hold
    ("wall_squat", None, None, True),  # nothing prescribed (guest, review): the exercise's hold timer
    ("nerve_glide", None, 20.0, False) if EXERCISES["nerve_glide"].hold is None else ("nerve_glide", 5, None, False),
])
def test_shows_hold(exercise, reps_target, hold_target_s, shown):
    assert shows_hold(EXERCISES[exercise], reps_target, hold_target_s) is shown


@pytest.mark.parametrize(("reps", "target", "text"), [(3, 5, "3 of 5"), (3, None, "3"), (0, 10, "0 of 10")])
def test_reps_text(reps, target, text):
    assert reps_text(reps, target) == text


@pytest.mark.parametrize(("hold_s", "target", "text"), [(1.2, 20.0, "1 of 20 s"), (12.6, None, "13 s"),
                                                         (0.0, 7.5, "0 of 7.5 s")])
def test_hold_text(hold_s, target, text):
    assert hold_text(hold_s, target) == text


def _drawn_texts(monkeypatch, **kwargs) -> list[str]:
    import cv2

    texts: list[str] = []
    real = cv2.putText
    monkeypatch.setattr(cv2, "putText", lambda img, text, *a, **k: (texts.append(text), real(img, text, *a, **k))[1])
    rgb = np.zeros((240, 320, 3), np.uint8)
    pose = PoseFrame.empty(0.0, (320, 240))
    result = FrameResult(t_s=0.0, reliable=True, values={}, zone="high", reps=3, hold_s=1.2, active_faults=())
    annotate(rgb, pose, result, EXERCISES["wall_squat"], cue_text=None, **kwargs)
    return texts


def test_overlay_reads_like_the_panel(monkeypatch):
    assert _drawn_texts(monkeypatch, reps_target=5) == ["Reps: 3 of 5"]
    assert _drawn_texts(monkeypatch, reps_target=5, hold_target_s=20.0) == ["Reps: 3 of 5", "Hold: 1 of 20 s"]
    assert _drawn_texts(monkeypatch) == ["Reps: 3", "Hold: 1 s"]


def test_replay_from_given_poses_runs_no_estimator(tmp_path: Path, monkeypatch):
    import feedback.overlay as overlay

    src, dst = tmp_path / "in.mp4", tmp_path / "out.mp4"
    n = write_clip(src, seconds=1.0, fps=10)

    def no_estimator(*a, **k):
        raise AssertionError("the replay must not run pose estimation when it is given the poses")

    monkeypatch.setattr(overlay, "PoseEstimator", no_estimator)
    poses = PoseSequence.from_frames([PoseFrame.empty(i / 10, (96, 64)) for i in range(n)])
    written = render_replay(src, dst, EXERCISES["wall_squat"], poses=poses, reps_target=5)
    assert written.frames == n and dst.is_file()


def test_a_replay_counts_the_reps_its_report_counted(tmp_path: Path):
    # A walk's steps are found from the whole clip, so the engine run frame by frame cannot count them: the replay
    # draws the report's count as each rep (step) ends, the count the summary beside it gives.
    src, dst = tmp_path / "in.mp4", tmp_path / "out.mp4"
    n = write_clip(src, seconds=1.0, fps=10)
    poses = PoseSequence.from_frames([PoseFrame.empty(i / 10, (96, 64)) for i in range(n)])
    drawn = []

    class Counting(FormAnnotator):
        def annotate(self, rgb, pose, result, spec, **kwargs):
            drawn.append(result.reps if result is not None else None)
            return rgb

    render_replay(src, dst, EXERCISES["walk"], poses=poses, annotator=Counting(), rep_ends_s=[0.75, 0.35])
    assert drawn == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2][:n]


def test_a_walk_shows_steps_and_no_signal_gauge(image):
    # The step detector's signal (the feet's spread) is no movement to aim for: a walk gets no bar at the edge.
    edge = slice(int(W * 0.85), W)
    for name, gauge in (("wall_squat", True), ("walk", False)):
        spec = EXERCISES[name]
        with_bar = annotate(image, _pose(), _result(), spec, show_angle=True)
        without = annotate(image, _pose(), _result(), spec, show_angle=False)
        assert (not np.array_equal(with_bar[:, edge], without[:, edge])) == gauge, name


def test_the_gauge_draws_zones_from_the_person_s_rest_where_the_spec_measures_them_so():
    calf, squat = get_exercise("calf_stretch"), get_exercise("wall_squat")
    # A rest read at 20: the edges (5 and 9 over it) sit at 25 and 29 beside the shin's own reading.
    at_20 = dataclasses.replace(_result(), rep_neutral=20.0)
    assert gauge_edges(calf, at_20) == pytest.approx((25.0, 29.0))
    # Before a rest is read, at the nominal rest (13): the edges as the spec gives them.
    assert gauge_edges(calf, _result()) == pytest.approx((calf.t("shin_rest_max_deg"), calf.t("shin_stretch_min_deg")))
    # Fixed zones are drawn as they are.
    assert gauge_edges(squat, at_20) == squat.rep_band()
