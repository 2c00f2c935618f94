"""Adaptive temporal sampling: the pose model runs on few frames where the body moves smoothly, on more near turns.

Where the model does not run, the frames get landmarks interpolated in time; where the pose is lost it runs on every
frame, and around the turning points that reps, holds and faults are decided at, on as many as the path's bend needs.

One pass over the decoded frames, with a small window held in memory. The model runs on the window's first frame
(the anchor, already known), its middle and its last frame, about `coarse_step_s` apart. When the middle frame's
landmarks lie on the straight line between the ends (all but one within `midpoint_error_max_ratio` of the trunk's
length in the picture, and `midpoint_world_error_max_ratio` in the world landmarks) and no key landmark has come
into or out of view, the motion is smooth enough for linear interpolation and the other frames of the window are
interpolated. Otherwise (a turning point, a start or stop, a landmark coming into or out of view, or no person in
any of the three) the window is split at its middle and each half judged the same way, from its own middle, down
to halves with one frame between their ends, which the model runs on. A turn is thus read at full rate only where
the path bends more than the bar allows over the shortest span, and the smooth parts on either side of it are
interpolated as anywhere else. A frame in which no person was found is never bridged: no half with one at an end
or in its middle can pass, so interpolation only ever joins two frames that both hold a pose.

MediaPipe tracks between consecutive calls (`static_image_mode=False`): skipping frames and returning to the
window's skipped frames after its last one move the tracked region further between calls than at full rate. For
slow rehabilitation movements that region still holds the person (on two sample clips the frames the model ran
on read within 1-3% of the trunk of their full-rate reading, as much as the interpolated ones). MediaPipe's own
landmark filter does not survive it: it takes every call for the next 30 fps frame and pulled a window's refined
frames towards its end, so adaptive sampling runs the model without it (pose.estimator) and leaves smoothing to
the engine. `formcheck bench tradeoff --sampling full,adaptive --bare` measures the cost in accuracy beside the
model calls saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Generic, TypeVar

import numpy as np

from pose.frames import LANDMARK_VISIBILITY_MIN_RATIO, PoseFrame
from pose.landmarks import Landmark

FULL = "full"
ADAPTIVE = "adaptive"
SAMPLING_MODES = (FULL, ADAPTIVE)
# Part of the landmark cache key of adaptive runs: raised whenever the sampler picks or fills frames differently,
# so landmarks cached by an older sampler are estimated again rather than read back. 2: windows split at a bend
# rather than run whole, and visibility jitter at the bar no longer counts as a landmark coming into view.
SAMPLER_REVISION = 2

SAMPLING_THRESHOLDS: Mapping[str, float] = MappingProxyType({
    # Time between the model calls of a window: its middle and its last frame (so a window is twice this long).
    # Rehabilitation movements take 1-4 s from one end of the range to the other, and their turning points are
    # held or rounded over 0.3-2 s: 0.2 s samples a turning point at least twice, and an interpolated stretch is
    # at most 0.4 s of smooth motion. At 30 fps it runs the model on 2 frames of every 12 where nothing turns.
    "coarse_step_s": 0.2,
    # The middle frame's landmarks may sit this far off the straight line between the window's ends, as a share of
    # the shoulder-to-hip length, before the window is split. A landmark off by 5% of the trunk moves a
    # joint angle by about 3 degrees at most (a thigh is about as long as the trunk), and a rep's turn bends the
    # path by 10-40%. In the picture (pixels) MediaPipe's own jitter, which a still body shows, is 1-3% (median
    # 1-3%, 90th percentile 2-5% over the committed sample clips, measured in 0.4 s windows).
    "midpoint_error_max_ratio": 0.05,
    # The same in the world landmarks (metres over metres): their depth jitters about twice as much as the
    # picture (median 3-6%, 90th percentile 5-13% on the same clips), so the bar is twice as high. They still
    # catch a turn made towards the camera, which the picture hardly shows.
    "midpoint_world_error_max_ratio": 0.10,
    # A window is split when at least this many key landmarks are off the line. A turn moves a limb,
    # a joint and the segment beyond it (a knee and an ankle, a shoulder and a head): two landmarks at least. One
    # landmark alone off the line is mostly jitter (the nose's depth, a toe): with one, simulated on the sample
    # clips' full-rate landmarks, 0.36 of frames ran the model; with two, 0.27, with reps, faults, holds and
    # angle errors unchanged in both. Those landmarks had MediaPipe's filter on; without it (as adaptive runs) they
    # jitter more: 0.44 of frames on 10 held-out rendered clips (seed 1616) and 0.50 on the real ones, accuracy
    # unchanged (README, Speed). The bars were not re-tuned for the unfiltered landmarks.
    "landmarks_off_line_min_count": 2.0,
    # A key landmark comes into or out of view within a window when one of the three frames judged sees it and
    # another does not (visibility either side of LANDMARK_VISIBILITY_MIN_RATIO), and the two differ by more than
    # this. MediaPipe's visibility for a far-side foot or knee hovers at that bar: on issue 16's 20 real cuts
    # (bench.real_cuts), half of the crossings between a window's middle and its ends differed by 0.11 or less
    # (0.49 against 0.51, say), which is jitter, and 71 of the 122 windows that were not smooth had one (some were
    # also off the line). A limb going out of view drops further. Simulated on those cuts' full-rate landmarks:
    # with any crossing counted, the model ran on 0.55 of the frames (0.59 before windows were split), with this
    # 0.41; the real run, whose out-of-order calls jitter a little more, 0.46.
    "visibility_change_min_ratio": 0.1,
})

# The landmarks that rep counting, holds, faults and the view are measured from: the face's centre and the
# limbs. The fingers and the eyes and mouth are left out: they jitter more than the body and no rule reads them.
KEY_LANDMARKS = np.array([
    Landmark.NOSE, Landmark.LEFT_EAR, Landmark.RIGHT_EAR,
    Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_ELBOW, Landmark.RIGHT_ELBOW,
    Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST, Landmark.LEFT_HIP, Landmark.RIGHT_HIP,
    Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE, Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE,
    Landmark.LEFT_HEEL, Landmark.RIGHT_HEEL, Landmark.LEFT_FOOT_INDEX, Landmark.RIGHT_FOOT_INDEX,
])
_SHOULDERS = [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]
_HIPS = [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]

Image = TypeVar("Image")
EstimateFn = Callable[[Image, float], PoseFrame]


def check_sampling(mode: str) -> str:
    """Return `mode` if it is a sampling mode, else raise ValueError listing the valid ones."""
    if mode not in SAMPLING_MODES:
        raise ValueError(f"unknown sampling {mode!r}; expected one of {', '.join(SAMPLING_MODES)}")
    return mode


def interpolate(a: PoseFrame, b: PoseFrame, t_s: float) -> PoseFrame:
    """The pose at `t_s` between two frames, linear in time.

    Image and world landmarks and the back's outline are interpolated linearly (NaN stays NaN); each landmark's
    visibility is the lower of the two, so a landmark is only as known between two frames as at the less sure.

    Args:
        a: the earlier frame.
        b: the later frame (a.t_s < t_s < b.t_s).
        t_s: the time of the frame wanted, in seconds.

    Raises:
        ValueError: if `t_s` is not strictly between the two frames' times.
    """
    if not a.t_s < t_s < b.t_s:
        raise ValueError(f"t_s must lie strictly between {a.t_s} and {b.t_s}, got {t_s}")
    w = (t_s - a.t_s) / (b.t_s - a.t_s)
    return PoseFrame(
        t_s, (1.0 - w) * a.xyz + w * b.xyz, (1.0 - w) * a.world_xyz + w * b.world_xyz,
        np.minimum(a.visibility, b.visibility), a.image_size, (1.0 - w) * a.back_profile + w * b.back_profile,
    )


def _trunk(xy: np.ndarray) -> float:
    shoulders, hips = xy[_SHOULDERS].mean(axis=0), xy[_HIPS].mean(axis=0)
    return float(np.linalg.norm(shoulders - hips))


def midpoint_error_ratio(a: PoseFrame, m: PoseFrame, b: PoseFrame, thresholds: Mapping[str, float] | None = None
                         ) -> float:
    """How far the middle frame is off the straight line between two others, against the bars of `thresholds`.

    Each key landmark visible in all three frames is measured in the picture (pixels, so the aspect ratio does not
    skew it) and in the world landmarks, each divided by that view's shoulder-to-hip length and by its bar
    (`midpoint_error_max_ratio`, `midpoint_world_error_max_ratio`), taking the worse of the two. The result is
    the `landmarks_off_line_min_count`-th largest over the landmarks: above 1, that many are off the line.

    Args:
        a: the window's first frame.
        m: a frame between.
        b: the window's last frame.
        thresholds: SAMPLING_THRESHOLDS, or some of them replaced.

    Returns:
        The ratio to the bar; infinity when it cannot be judged (a frame without a person, no trunk, or too few
        key landmarks visible in all three), so such a span is always split, down to frames the model runs on.
    """
    bars = {**SAMPLING_THRESHOLDS, **(thresholds or {})}
    if not (a.found and m.found and b.found):
        return float("inf")
    visible = np.minimum(np.minimum(a.visibility, m.visibility), b.visibility) >= LANDMARK_VISIBILITY_MIN_RATIO
    keys = KEY_LANDMARKS[visible[KEY_LANDMARKS]]
    rank = int(bars["landmarks_off_line_min_count"])
    if len(keys) < rank:
        return float("inf")
    line = interpolate(a, b, m.t_s)
    scale = np.array(m.image_size, dtype=float)
    worst = np.zeros(len(keys))
    for got, want, bar in ((m.xyz[:, :2] * scale, line.xyz[:, :2] * scale, bars["midpoint_error_max_ratio"]),
                           (m.world_xyz, line.world_xyz, bars["midpoint_world_error_max_ratio"])):
        trunk = _trunk(got)
        if not trunk > 0:
            return float("inf")
        worst = np.maximum(worst, np.linalg.norm(got[keys] - want[keys], axis=-1) / trunk / bar)
    return float(np.sort(worst)[-rank])


def same_landmarks_visible(a: PoseFrame, m: PoseFrame, b: PoseFrame, thresholds: Mapping[str, float] | None = None
                           ) -> bool:
    """Whether the three frames see the same key landmarks, so none comes into or out of view between the ends.

    A landmark seen in one frame and not in another counts as the same when its visibilities differ by no more
    than `visibility_change_min_ratio`: that is jitter at the bar, not a limb coming into or out of view.
    Interpolation gives a frame the lower of the ends' visibilities, so a landmark leaving view between the ends
    would read unseen before it left: such a span is split until the change lies between two model calls.
    """
    margin = {**SAMPLING_THRESHOLDS, **(thresholds or {})}["visibility_change_min_ratio"]
    v = np.stack([a.visibility, m.visibility, b.visibility])[:, KEY_LANDMARKS]
    high, low = v.max(axis=0), v.min(axis=0)
    changed = (high >= LANDMARK_VISIBILITY_MIN_RATIO) & (low < LANDMARK_VISIBILITY_MIN_RATIO) & (high - low > margin)
    return not bool(changed.any())


@dataclass
class SamplingStats:
    """What a sampled pass cost: frames returned, and how many of them the model ran on."""

    frames: int = 0
    model_calls: int = 0
    refined_windows: int = 0
    smooth_windows: int = 0

    def add(self, other: SamplingStats) -> None:
        """Count another pass's frames and calls in these."""
        self.frames += other.frames
        self.model_calls += other.model_calls
        self.refined_windows += other.refined_windows
        self.smooth_windows += other.smooth_windows

    @property
    def call_ratio(self) -> float:
        """Model calls per frame (1.0 at full rate); NaN before any frame."""
        return self.model_calls / self.frames if self.frames else float("nan")


class AdaptiveSampler(Generic[Image]):
    """Runs a pose model on some frames of a clip and interpolates the rest (see the module docstring).

    Attributes:
        stats: counts of the frames and model calls of the passes run so far.
    """

    def __init__(self, estimate: EstimateFn, thresholds: Mapping[str, float] | None = None) -> None:
        """Configure the sampler.

        Args:
            estimate: the model: (image, t_s) -> PoseFrame, called with increasing times within a window.
            thresholds: SAMPLING_THRESHOLDS, or some of them replaced.

        Raises:
            ValueError: for an unknown threshold name or a step or error that is not positive.
        """
        values = {**SAMPLING_THRESHOLDS, **(thresholds or {})}
        unknown = sorted(set(values) - set(SAMPLING_THRESHOLDS))
        if unknown:
            raise ValueError(f"unknown sampling threshold {', '.join(unknown)}; "
                             f"expected some of {', '.join(SAMPLING_THRESHOLDS)}")
        for name, value in values.items():
            if not value > 0:
                raise ValueError(f"{name} must be > 0, got {value}")
        if values["landmarks_off_line_min_count"] != int(values["landmarks_off_line_min_count"]):
            raise ValueError(f"landmarks_off_line_min_count must be a whole number, got "
                             f"{values['landmarks_off_line_min_count']}")
        self.thresholds = MappingProxyType(values)
        self._estimate = estimate
        self.stats = SamplingStats()

    def _call(self, image: Image, t_s: float) -> PoseFrame:
        self.stats.model_calls += 1
        return self._estimate(image, t_s)

    def run(self, frames: Iterable[tuple[float, Image]]) -> Iterator[PoseFrame]:
        """Poses for every frame, in time order.

        Args:
            frames: (t_s, image) pairs with strictly increasing times; each image is held only while its window
                is open (about 2 x coarse_step_s).

        Yields:
            One PoseFrame per input frame, estimated or interpolated.
        """
        window_s = 2.0 * self.thresholds["coarse_step_s"]
        anchor: PoseFrame | None = None
        pending: list[tuple[float, Image]] = []
        for t_s, image in frames:
            if anchor is None:
                anchor = self._call(image, t_s)
                self.stats.frames += 1
                yield anchor
                continue
            pending.append((t_s, image))
            if t_s - anchor.t_s >= window_s:
                poses = self._window(anchor, pending)
                yield from poses
                anchor, pending = poses[-1], []
        if anchor is not None and pending:
            yield from self._window(anchor, pending)

    def _window(self, anchor: PoseFrame, pending: list[tuple[float, Image]]) -> list[PoseFrame]:
        """The poses of `pending` (the frames after `anchor`, the last one ending the window)."""
        self.stats.frames += len(pending)
        if len(pending) < 3:  # nothing to save: a middle and an end are all there is
            return [self._call(image, t) for t, image in pending]
        # The middle before the last, so that where the body moves smoothly the model is called in time order.
        i_mid = self._middle(anchor, pending[:-1], pending[-1][0])
        middle = self._call(pending[i_mid][1], pending[i_mid][0])
        last = self._call(pending[-1][1], pending[-1][0])
        smooth = self._smooth(anchor, middle, last)
        if smooth:
            self.stats.smooth_windows += 1
        else:
            self.stats.refined_windows += 1
        return self._either_side(anchor, pending[:i_mid], middle, pending[i_mid + 1:-1], last, smooth) + [last]

    def _between(self, a: PoseFrame, between: list[tuple[float, Image]], b: PoseFrame) -> list[PoseFrame]:
        """The poses of the frames `between` two known ones, judged from their middle (see `_either_side`)."""
        if len(between) < 2:  # one frame costs one call either way
            return [self._call(image, t) for t, image in between]
        i_mid = self._middle(a, between, b.t_s)
        middle = self._call(between[i_mid][1], between[i_mid][0])
        return self._either_side(a, between[:i_mid], middle, between[i_mid + 1:], b)

    def _either_side(self, a: PoseFrame, before: list[tuple[float, Image]], middle: PoseFrame,
                     after: list[tuple[float, Image]], b: PoseFrame, smooth: bool | None = None) -> list[PoseFrame]:
        """The poses from `before` to `after`: interpolated if `middle` lies on the line from a to b.

        Otherwise each half is judged again from its own middle, down to single frames, which the model runs on.
        `smooth`: that judgement, when the caller has made it already (a window's, counted in its stats).
        """
        if self._smooth(a, middle, b) if smooth is None else smooth:
            return ([interpolate(a, middle, t) for t, _ in before] + [middle]
                    + [interpolate(middle, b, t) for t, _ in after])
        return self._between(a, before, middle) + [middle] + self._between(middle, after, b)

    def _smooth(self, a: PoseFrame, middle: PoseFrame, b: PoseFrame) -> bool:
        return (midpoint_error_ratio(a, middle, b, self.thresholds) <= 1.0
                and same_landmarks_visible(a, middle, b, self.thresholds))

    @staticmethod
    def _middle(a: PoseFrame, frames: list[tuple[float, Image]], b_s: float) -> int:
        mid_s = 0.5 * (a.t_s + b_s)
        return min(range(len(frames)), key=lambda i: abs(frames[i][0] - mid_s))
