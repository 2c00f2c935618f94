"""Drawing the engine's view of a frame onto the image, and rendering an annotated replay of a clip.

The annotator is stateless: everything it draws comes from the PoseFrame and the engine's FrameResult for that
frame, so the app, a live view and the replay writer draw the same thing.
"""

from __future__ import annotations

import bisect
import contextlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from types import EllipsisType

import av
import cv2
import numpy as np

from exercises.engine import Checker
from exercises.results import FrameResult
from exercises.spec import ExerciseSpec
from feedback.wording import cue
from pose.estimator import EstimatorSettings, PoseEstimator
from pose.frames import LANDMARK_VISIBILITY_MIN_RATIO, PoseFrame, PoseSequence
from pose.landmarks import SKELETON_EDGES, Side
from pose.video import iter_video, probe

ProgressFn = Callable[[float], None]

# RGB colours.
_GOOD = (60, 200, 90)
_FAULT = (235, 70, 50)
_MUTED = (170, 170, 170)
_WHITE = (255, 255, 255)
_PANEL = (20, 20, 20)


def _ascii(text: str) -> str:
    # OpenCV's Hershey fonts draw ASCII only; anything else would come out as '?'.
    return text.replace("\u2013", "-").replace("\u2014", "-").encode("ascii", "replace").decode()


def shows_hold(spec: ExerciseSpec, reps_target: int | None, hold_target_s: float | None) -> bool:
    """Whether a set shows a hold timer: the exercise has a hold, and the set is not a rep exercise.

    A rep exercise is one prescribed as reps with no hold; a hold timer stuck at 0 beside it only confuses.
    """
    return spec.hold is not None and not (reps_target is not None and hold_target_s is None)


def reps_text(reps: int, reps_target: int | None) -> str:
    """The rep count as the patient reads it: "3 of 5", or "3" with no target."""
    return f"{reps} of {reps_target}" if reps_target else f"{reps}"


def hold_text(hold_s: float, hold_target_s: float | None) -> str:
    """The hold timer as the patient reads it, in whole seconds: "12 of 20 s", or "12 s" with no target."""
    return f"{hold_s:.0f} of {hold_target_s:g} s" if hold_target_s else f"{hold_s:.0f} s"


@dataclass(frozen=True)
class FormAnnotator:
    """Draws the skeleton, rep count, hold timer and the current cue.

    Attributes:
        visibility_min: landmarks less visible than this, in [0, 1], are not drawn (a guessed joint would
            mislead more than a missing one).
        line_scale: skeleton line thickness as a fraction of the image's longer side.
        text_scale: text height factor relative to the image's longer side.
    """

    visibility_min: float = LANDMARK_VISIBILITY_MIN_RATIO
    line_scale: float = 0.005
    text_scale: float = 0.0009

    def __post_init__(self) -> None:
        if not 0.0 <= self.visibility_min <= 1.0:
            raise ValueError(f"visibility_min must be in [0, 1], got {self.visibility_min}")
        if self.line_scale <= 0 or self.text_scale <= 0:
            raise ValueError("line_scale and text_scale must be > 0")

    def annotate(self, rgb: np.ndarray, pose: PoseFrame, result: FrameResult | None,
                 spec: ExerciseSpec | None = None, *, cue_text: str | None | EllipsisType = ...,
                 hold_target_s: float | None = None, show_angle: bool = False,
                 reps_target: int | None = None) -> np.ndarray:
        """Draw one frame's feedback.

        Args:
            rgb: (height, width, 3) uint8 RGB image; not modified.
            pose: the pose found in it (an empty frame draws no skeleton).
            result: the engine's result for the frame, or None to draw the skeleton only.
            spec: the exercise, to show whether it has a hold timer and to draw the watched angle against its
                rep thresholds; None shows the timer only while holding and no angle gauge.
            cue_text: the one cue to show (already chosen and rate-limited by the caller), None for no cue;
                left out, the first active fault's cue is shown.
            hold_target_s: the prescribed hold, shown beside the hold timer ("Hold: 12 of 30 s").
            show_angle: draw the watched signal as a bar at the right edge, with its rep thresholds as the
                target band (needs `spec`).
            reps_target: the prescribed reps, shown beside the count ("Reps: 3 of 5"). A set with a reps
                target and no hold target is a rep exercise: no hold timer is drawn (see `shows_hold`).

        Returns:
            A new (height, width, 3) uint8 RGB image.
        """
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"rgb must be a (height, width, 3) uint8 image, got {rgb.shape} {rgb.dtype}")
        out = np.ascontiguousarray(rgb).copy()
        h, w = out.shape[:2]
        side = max(h, w)
        faulted = bool(result and result.active_faults)
        self._skeleton(out, pose, _FAULT if faulted else _GOOD, max(1, round(side * self.line_scale)))
        if result is not None:
            self._panel(out, result, spec, side, cue_text, hold_target_s, reps_target)
            # A walk's rep signal (how far the feet are apart) is a step detector's, not a movement to aim for.
            if spec is not None and show_angle and spec.events != "gait":
                self._gauge(out, result, spec, side)
        return out

    def _skeleton(self, img: np.ndarray, pose: PoseFrame, colour: tuple[int, int, int], thickness: int) -> None:
        if not pose.found:
            return
        h, w = img.shape[:2]
        # Landmarks are normalised to the image, so they fit this image whatever size it was estimated at.
        xy = pose.xyz[:, :2] * np.array([w, h])
        ok = np.isfinite(xy).all(axis=1) & (pose.visibility >= self.visibility_min)
        pts = {i: (int(round(x)), int(round(y))) for i, (x, y) in enumerate(xy) if ok[i]}
        for a, b in SKELETON_EDGES:
            if a in pts and b in pts:
                cv2.line(img, pts[a], pts[b], colour, thickness, cv2.LINE_AA)
        for i in {int(j) for edge in SKELETON_EDGES for j in edge} & pts.keys():
            cv2.circle(img, pts[i], thickness + 2, _WHITE, -1, cv2.LINE_AA)

    def _panel(self, img: np.ndarray, result: FrameResult, spec: ExerciseSpec | None, side: int,
               cue_text: str | None | EllipsisType, hold_target_s: float | None, reps_target: int | None) -> None:
        scale = max(0.4, side * self.text_scale)
        count = "Steps" if spec is not None and spec.events == "gait" else "Reps"
        lines: list[tuple[str, tuple[int, int, int]]] = [(f"{count}: {reps_text(result.reps, reps_target)}", _WHITE)]
        if shows_hold(spec, reps_target, hold_target_s) if spec is not None else result.hold_s > 0:
            done = hold_target_s is not None and result.hold_s >= hold_target_s > 0
            lines.append((f"Hold: {hold_text(result.hold_s, hold_target_s)}", _GOOD if done else _WHITE))
        if cue_text is not ...:
            if cue_text:
                lines.append((cue_text, _FAULT))
        elif not result.reliable:
            lines.append(("Can't see you clearly - not counting", _MUTED))
        elif result.active_faults:
            lines.append((cue(result.active_faults[0]), _FAULT))
        thick = max(1, round(scale * 2))
        pad = round(10 * scale)
        y = pad
        room = img.shape[1] - 4 * pad - (round(side * 0.08) if spec is not None else 0)
        for text, colour in [(part, c) for t, c in lines for part in self._wrap(_ascii(t), scale, thick, room)]:
            (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
            bottom = y + th + base + pad
            cv2.rectangle(img, (pad, y), (min(img.shape[1] - 1, 3 * pad + tw), bottom), _PANEL, -1)
            cv2.putText(img, text, (2 * pad, y + pad // 2 + th), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thick,
                        cv2.LINE_AA)
            y = bottom + pad // 2

    @staticmethod
    def _wrap(text: str, scale: float, thick: int, width_px: int) -> list[str]:
        # A cue wider than the image would be cut off mid-sentence; break it between words instead.
        out: list[str] = []
        for word in text.split(" "):
            trial = f"{out[-1]} {word}" if out else word
            if out and cv2.getTextSize(trial, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)[0][0] <= width_px:
                out[-1] = trial
            else:
                out.append(word)
        return out or [text]

    def _gauge(self, img: np.ndarray, result: FrameResult, spec: ExerciseSpec, side: int) -> None:
        """A vertical bar at the right edge: the rep signal now, against its two rep thresholds.

        The zone the patient is working towards is green, the start zone grey; a cycle (cat-cow) has two
        targets, so both ends are green.
        """
        low_max, high_min = gauge_edges(spec, result)
        span = high_min - low_max
        lo, hi = low_max - 1.5 * span, high_min + 1.5 * span
        h, w = img.shape[:2]
        bar_w = max(8, round(side * 0.02))
        x1 = w - max(4, round(side * 0.03))
        x0 = x1 - bar_w
        y0, y1 = round(h * 0.15), round(h * 0.85)

        def y_of(v: float) -> int:
            return round(y1 - (min(max(v, lo), hi) - lo) / (hi - lo) * (y1 - y0))

        target_low = spec.rep.mode in ("return_to_high", "cycle")
        target_high = spec.rep.mode in ("return_to_low", "cycle")
        cv2.rectangle(img, (x0, y0), (x1, y1), _PANEL, -1)
        cv2.rectangle(img, (x0, y_of(low_max)), (x1, y1), _GOOD if target_low else _MUTED, -1)
        cv2.rectangle(img, (x0, y0), (x1, y_of(high_min)), _GOOD if target_high else _MUTED, -1)
        value = result.values.get(spec.rep.signal, math.nan)
        scale = max(0.35, side * self.text_scale * 0.7)
        thick = max(1, round(scale * 2))
        if math.isfinite(value):
            y = y_of(value)
            cv2.rectangle(img, (x0 - bar_w // 2, y - 2), (x1 + bar_w // 2, y + 2), _WHITE, -1)
            text = f"{value:.0f} deg"
        else:
            text = "-"
        name = spec.rep.signal.removesuffix("_deg").replace("support_", "").replace("_", " ")
        for i, line in enumerate((name, text)):
            (tw, th), base = cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
            ty = y0 - round(th * 1.6) * (1 - i) - base
            tx = max(0, x1 - tw)
            cv2.rectangle(img, (tx - 2, ty - th - 2), (tx + tw + 2, ty + base), _PANEL, -1)
            cv2.putText(img, _ascii(line), (tx, ty), cv2.FONT_HERSHEY_SIMPLEX, scale, _WHITE, thick, cv2.LINE_AA)


_DEFAULT = FormAnnotator()


def annotate(rgb: np.ndarray, pose: PoseFrame, result: FrameResult | None,
             spec: ExerciseSpec | None = None, *, cue_text: str | None | EllipsisType = ...,
             hold_target_s: float | None = None, show_angle: bool = False,
             reps_target: int | None = None) -> np.ndarray:
    """Draw one frame's feedback with the default annotator (see FormAnnotator.annotate)."""
    return _DEFAULT.annotate(rgb, pose, result, spec, cue_text=cue_text, hold_target_s=hold_target_s,
                             show_angle=show_angle, reps_target=reps_target)


@dataclass(frozen=True)
class Replay:
    """What `render_replay` wrote.

    Attributes:
        frames: the number of frames written.
        side: the working side the replay's engine measured (the one given, else the one it chose).
    """

    frames: int
    side: Side


def render_replay(src: Path, dst: Path, spec: ExerciseSpec, settings: EstimatorSettings | None = None,
                  annotator: FormAnnotator = _DEFAULT, progress: ProgressFn | None = None,
                  side: Side | None = None, poses: PoseSequence | None = None, reps_target: int | None = None,
                  hold_target_s: float | None = None, rep_ends_s: Sequence[float] | None = None) -> Replay:
    """Write an annotated H.264 mp4 of a clip, running the engine frame by frame over its poses.

    The poses are the ones scoring found (`poses`, e.g. from the landmark cache), so the replay shows what the
    score saw and no pose estimation runs again: drawing and encoding are all that is left. Without `poses`
    the estimator runs here, at the same size and rate cap as scoring (`settings`). Frames skipped by the rate
    cap are still written, drawn with the last pose.

    Args:
        src: the clip.
        dst: the mp4 to write (replaced if present; written to a temporary name first).
        spec: the exercise, with any per-patient thresholds applied.
        settings: estimator settings; defaults to EstimatorSettings().
        annotator: how frames are drawn.
        progress: called with the fraction of the clip done, in [0, 1].
        side: the working side, e.g. the report's. Give it: a recorded clip's report votes over the whole clip,
            while an engine left to choose fixes the side after its first seconds, and the two can differ.
        poses: the clip's poses as scoring estimated them (same `settings`); None estimates them here.
        reps_target: the prescribed reps, drawn beside the count.
        hold_target_s: the prescribed hold, drawn beside the hold timer.
        rep_ends_s: when each rep the clip's report counted ended (a walk's steps: their contacts); given, the
            count drawn on each frame is of these, so the replay counts as the summary beside it does. The engine
            run frame by frame here counts a walk's steps with its feet-apart counter (6, 4 and 3 on the real walks
            the summary gives 5, 5 and 4), since steps are found from the whole walk.

    Returns:
        The frames written and the side drawn.

    Raises:
        VideoError: if the clip cannot be read.
    """
    src, dst = Path(src), Path(dst)
    settings = settings or EstimatorSettings()
    info = probe(src)
    # The container's rate sets the time base; real frame times become pts, so variable-rate clips keep timing.
    rate = Fraction(info.fps).limit_denominator(1001) if info.fps and math.isfinite(info.fps) else Fraction(30)
    min_gap_s = 0.97 / settings.max_fps
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.stem + ".part.mp4")
    n = 0
    last_pts = -1
    checker = Checker(spec, side)
    ends = sorted(rep_ends_s or ())
    pose: PoseFrame | None = None
    result: FrameResult | None = None
    last_t = float("-inf")
    container = av.open(str(tmp), mode="w", options={"movflags": "+faststart"})
    try:
        stream = None
        with contextlib.ExitStack() as stack:
            estimator = stack.enter_context(PoseEstimator(settings)) if poses is None else None
            next_pose = 0  # the next of `poses` to feed the engine
            for vf in iter_video(src, max_side_px=settings.max_side_px):
                # yuv420p needs even sizes; dropping one edge row or column is invisible.
                rgb = vf.rgb[: vf.rgb.shape[0] // 2 * 2, : vf.rgb.shape[1] // 2 * 2]
                if stream is None:
                    stream = container.add_stream("libx264", rate=rate)
                    stream.width, stream.height = rgb.shape[1], rgb.shape[0]
                    stream.pix_fmt = "yuv420p"
                    stream.options = {"crf": "23", "preset": "veryfast"}
                if estimator is not None:
                    if vf.t_s - last_t >= min_gap_s or pose is None:
                        last_t = vf.t_s
                        pose = estimator.process(np.ascontiguousarray(rgb), vf.t_s)
                        result = checker.update(pose)
                else:
                    # Scoring kept the frames its rate cap let through, with their times: feed each one to the
                    # engine when the video reaches it (a small tolerance for rounding in the stored times).
                    while next_pose < len(poses) and poses.t_s[next_pose] <= vf.t_s + 1e-6:
                        pose = poses.frame(next_pose)
                        result = checker.update(pose)
                        next_pose += 1
                    if pose is None:
                        pose = PoseFrame.empty(vf.t_s, (rgb.shape[1], rgb.shape[0]))
                if rep_ends_s is not None and result is not None:
                    result = replace(result, reps=bisect.bisect_right(ends, vf.t_s))
                frame = av.VideoFrame.from_ndarray(
                    annotator.annotate(rgb, pose, result, spec, reps_target=reps_target, hold_target_s=hold_target_s),
                    format="rgb24")
                pts = max(last_pts + 1, round(vf.t_s * rate))
                frame.pts, frame.time_base = pts, 1 / rate
                last_pts = pts
                container.mux(stream.encode(frame))
                n += 1
                if progress and info.duration_s > 0:
                    progress(min(1.0, vf.t_s / info.duration_s))
        if stream is not None:
            container.mux(stream.encode(None))
    except BaseException:
        container.close()
        tmp.unlink(missing_ok=True)
        raise
    container.close()
    tmp.replace(dst)
    if progress:
        progress(1.0)
    return Replay(frames=n, side=checker.side)


def gauge_edges(spec: ExerciseSpec, result: FrameResult) -> tuple[float, float]:
    """The rep thresholds in the rep signal's own reading, as the gauge draws them beside its value.

    Zones measured from the person's own rest (RepSpec.neutral_window_s) are offsets from the neutral: the gauge adds
    it (the nominal rest until it is known), so a calf stretch read from a rest of 20 degrees shows its edges at
    25 and 29, not 5 and 9 under a shin at 30.
    """
    return spec.rep_edges_read(result.rep_neutral)
