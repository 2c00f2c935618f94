"""Scripted exercise sessions with exact truth.

A script (reps, tempo, holds, pauses, injected faults) compiles to a
``Session``: a piecewise-eased trajectory of pose parameters plus the truth
that is known by construction (rep and hold intervals, which reps carry which
fault). Threshold faults (too deep, back off the wall, ...) are then measured
from the rendered joint angles with ``fault_intervals`` so the truth matches
exactly what was drawn, including jitter.

Rep definitions: wall squat and nerve glide: leave the rest position -> reach
the work position -> return to rest. Cat-cow: one cat end plus one cow end,
from neutral back to neutral. A hold is the time spent still in a work
position.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar

import numpy as np

from synth.poses import (
    WALL_SQUAT_ARMS,
    CatCowAngles,
    NerveGlideAngles,
    Pose,
    WallSquatAngles,
    cat_cow_pose,
    nerve_glide_pose,
    wall_squat_pose,
    wall_squat_shin_deg,
)
from synth.skeleton import BodyProportions

EXERCISES: tuple[str, ...] = ("wall_squat", "nerve_glide", "cat_cow")

FAULT_CODES: dict[str, tuple[str, ...]] = {
    "wall_squat": ("back_off_wall", "too_deep", "knees_past_toes", "too_fast", "hands_on_thighs", "knee_valgus"),
    "nerve_glide": ("thigh_drift", "too_fast", "beyond_target", "pelvis_lift"),
    # "Motion only from the head and neck" is not generated: formcheck does not detect it (a known gap).
    "cat_cow": ("small_range", "too_fast"),
}

#: Thresholds the truth uses to mark fault intervals, one place, units in names.
THRESHOLDS: dict[str, dict[str, float]] = {
    "wall_squat": {
        "trunk_lean_max_deg": 20.0,  # back_off_wall when lean >= this
        "knee_min_deg": 65.0,  # too_deep when knee <= this
        "shin_max_deg": 30.0,  # knees_past_toes when shin >= this
        # hands_on_thighs when a wrist is this close (thigh lengths) to the knee half of the thigh.
        "hand_thigh_gap_max_ratio": 0.15,
        "rep_min_s": 1.5,  # too_fast when a rep is shorter
        # knee_valgus when the knees are this much closer together than the ankles (1 - knee gap / ankle gap).
        "knee_gap_loss_min_ratio": 0.25,
    },
    "nerve_glide": {
        "hip_low_deg": 80.0,
        "hip_high_deg": 100.0,
        "hip_drift_deg": 15.0,  # thigh_drift when hip leaves [low, high] by >= this
        "beyond_target_margin_deg": 10.0,  # beyond_target when knee > target + this
        "other_leg_lift_min_deg": 25.0,  # pelvis_lift while the resting hip->ankle line rises this far or more
        "rep_min_s": 2.0,
    },
    "cat_cow": {
        # small_range when a cycle's peak-to-peak is below this fraction of the clip's normal range.
        "range_min_frac": 0.6,
        "rep_min_s": 2.0,
    },
}


@dataclass(frozen=True)
class Fault:
    """A fault injected into one rep (1-based)."""

    code: str
    rep: int


@dataclass(frozen=True)
class Interval:
    """A truth interval in seconds, optionally labelled."""

    start_s: float
    end_s: float
    faults: tuple[str, ...] = ()
    label: str = ""


class Timeline:
    """Piecewise trajectory of named parameters with cosine easing.

    Built by appending moves and holds; sampled vectorised at any times.
    """

    def __init__(self, rest: dict[str, float]):
        self.t_s = 0.0
        self.state = dict(rest)
        self._keys: list[tuple[float, dict[str, float]]] = [(0.0, dict(rest))]

    def hold(self, duration_s: float) -> None:
        """Stay still for ``duration_s``."""
        self.t_s += max(duration_s, 0.0)
        self._keys.append((self.t_s, dict(self.state)))

    def move(self, duration_s: float, **targets: float) -> None:
        """Ease the named parameters to ``targets`` over ``duration_s``."""
        if duration_s <= 0:
            raise ValueError(f"move duration must be > 0 s, got {duration_s!r}")
        unknown = set(targets) - set(self.state)
        if unknown:
            raise ValueError(f"unknown parameters {sorted(unknown)}; expected some of {sorted(self.state)}")
        self.state.update(targets)
        self.t_s += duration_s
        self._keys.append((self.t_s, dict(self.state)))

    def sample(self, t_s: np.ndarray) -> dict[str, np.ndarray]:
        """Parameter values at times ``t_s`` (T,) seconds -> name -> (T,)."""
        t = np.asarray(t_s, dtype=float)
        times = np.array([k[0] for k in self._keys])
        i = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 2)
        span = np.maximum(times[i + 1] - times[i], 1e-9)
        f = np.clip((t - times[i]) / span, 0.0, 1.0)
        eased = 0.5 - 0.5 * np.cos(np.pi * f)
        out = {}
        for name in self.state:
            v = np.array([k[1][name] for k in self._keys])
            out[name] = v[i] + (v[i + 1] - v[i]) * eased
        return out


@dataclass
class Session:
    """A compiled script: trajectory plus truth known by construction.

    Attributes:
        exercise: One of ``EXERCISES``.
        timeline: Pose-parameter trajectory.
        duration_s: Clip length.
        reps: Rep intervals with the faults scripted into each.
        holds: Hold intervals.
        expected: Summary truth (rep count, hold time, targets).
        jitter: Parameter name -> amplitude (deg) of smooth natural jitter.
        seed: Seed of the jitter.
        options: Per-clip pose choices that are not animated (wall squat:
            ``arms``).
        normal_range_deg: Cat-cow: peak-to-peak spine flexion of a normal
            cycle, the reference for ``small_range``.
    """

    exercise: str
    timeline: Timeline
    duration_s: float
    reps: list[Interval]
    holds: list[Interval]
    expected: dict[str, float]
    jitter: dict[str, float] = field(default_factory=dict)
    seed: int = 0
    options: dict[str, str] = field(default_factory=dict)
    normal_range_deg: float = 0.0

    def params(self, t_s: np.ndarray) -> dict[str, np.ndarray]:
        """Pose parameters at times ``t_s`` (T,), jitter included."""
        values = self.timeline.sample(t_s)
        rng = np.random.default_rng(self.seed)
        for name, amp in self.jitter.items():
            # A few slow sines: smooth sway, not frame-to-frame noise.
            freqs = rng.uniform(0.15, 0.7, 3)
            phases = rng.uniform(0, 2 * np.pi, 3)
            wobble = sum(np.sin(2 * np.pi * f * t_s + p) for f, p in zip(freqs, phases)) / np.sqrt(1.5)
            values[name] = values[name] + amp * wobble
        return values

    def pose(self, params: dict[str, float], props: BodyProportions) -> Pose:
        """Pose for one frame's parameter values."""
        return POSE_BUILDERS[self.exercise](params, props, self.options)


def check_raised_leg(raised_leg: str) -> None:
    """Raise unless ``raised_leg`` is ``"near"`` or ``"far"`` (a one-leg lying script's working leg)."""
    if raised_leg not in ("near", "far"):
        raise ValueError(f"raised_leg must be 'near' or 'far', got {raised_leg!r}")


def with_raised_leg(pose: Pose, options: dict[str, str]) -> Pose:
    """The pose as built (its working leg near), or mirrored when the session's ``raised_leg`` option is "far".

    The mirror keeps joint names as roles, so the ``near_`` joints (the working leg's) are then on the far side and
    the truth read from them is unchanged (``synth.skeleton.Skeleton.mirrored``).
    """
    return replace(pose, skeleton=pose.skeleton.mirrored()) if options.get("raised_leg") == "far" else pose


def random_raised_leg(seed: int, stream: int) -> str:
    """The working leg of a randomised one-leg lying script: "far" in half the clips.

    Drawn from a stream of the clip's own seed (``[seed, stream]``), so that adding the choice left every other draw
    of a seed as it was; either leg, so that the working leg must be found whichever side faces the camera.
    """
    return "far" if np.random.default_rng([seed, stream]).random() < 0.5 else "near"


def _wall_squat_pose(p: dict[str, float], props: BodyProportions, options: dict[str, str]) -> Pose:
    shin = wall_squat_shin_deg(p["knee_deg"], p["hip_setback"], props)
    return wall_squat_pose(WallSquatAngles(knee_deg=p["knee_deg"], trunk_lean_deg=p["trunk_lean_deg"],
                                           shin_from_vertical_deg=shin, heel_lift_deg=p["heel_lift_deg"],
                                           arms=options.get("arms", "crossed"),
                                           hands_on_thighs=float(np.clip(p["hands_on_thighs"], 0.0, 1.0)),
                                           knee_valgus=p.get("knee_valgus", 0.0)), props)


def _nerve_glide_pose(p: dict[str, float], props: BodyProportions, options: dict[str, str]) -> Pose:
    return with_raised_leg(nerve_glide_pose(NerveGlideAngles(
        knee_deg=p["knee_deg"], hip_deg=p["hip_deg"], ankle_deg=p["ankle_deg"], neck_flexion_deg=p["neck_flexion_deg"],
        other_leg_lift_deg=p.get("other_leg_lift_deg", 0.0)), props), options)


def _cat_cow_pose(p: dict[str, float], props: BodyProportions, options: dict[str, str]) -> Pose:
    return cat_cow_pose(CatCowAngles(spine_flexion_deg=p["spine_flexion_deg"],
                                     neck_flexion_deg=p["neck_flexion_deg"]), props)


POSE_BUILDERS: dict[str, Callable[[dict[str, float], BodyProportions, dict[str, str]], Pose]] = {
    "wall_squat": _wall_squat_pose,
    "nerve_glide": _nerve_glide_pose,
    "cat_cow": _cat_cow_pose,
}
#: Exercises whose scripts live in their own modules (e.g. ``synth.floor_scripts``) add themselves to the tables
#: above and give their truth here: exercise -> fn(poses) -> series name -> (T,) drawn values (see
#: ``synth.render.truth_series``), and exercise -> fn(session, frames) -> fault intervals beyond the tempo ones.
TRUTH_SERIES: dict[str, Callable[[list[Pose]], dict[str, np.ndarray]]] = {}
TRUTH_FAULTS: dict[str, Callable[[Session, dict[str, np.ndarray]], list[Interval]]] = {}


def check_faults(exercise: str, faults: Sequence[Fault], n_reps: int) -> dict[int, set[str]]:
    """The scripted faults by rep (1-based), each checked against the exercise's codes and the script's reps.

    Raises:
        ValueError: for an unknown fault code or a rep outside 1..n_reps.
    """
    by_rep: dict[int, set[str]] = {i: set() for i in range(1, n_reps + 1)}
    for f in faults:
        if f.code not in FAULT_CODES[exercise]:
            raise ValueError(f"unknown {exercise} fault {f.code!r}; expected one of {FAULT_CODES[exercise]}")
        if not 1 <= f.rep <= n_reps:
            raise ValueError(f"fault {f.code!r} at rep {f.rep}, but the script has reps 1..{n_reps}")
        by_rep[f.rep].add(f.code)
    return by_rep



@dataclass(frozen=True)
class WallSquatScript:
    """Wall squat session.

    Defaults follow a clinic's prescription: a slow slide, about 4 s per rep
    (3-5 s with the pause at the bottom), arms crossed over the chest.

    Attributes:
        reps: Number of reps (rep mode) - ignored in hold mode (one rep).
        mode: ``"reps"`` (down and up) or ``"hold"`` (down, hold, up).
        rep_s: Seconds per normal rep (descent + ascent).
        bottom_s: Pause at the bottom of each rep.
        arms: Where the hands rest, one of ``synth.poses.WALL_SQUAT_ARMS``
            (never on the thighs unless ``hands_on_thighs`` is injected).
        pause_s: Standing pause between reps.
        hold_s: Hold duration in hold mode.
        depth_knee_deg: Knee angle at the bottom of a normal rep.
        too_deep_knee_deg: Knee angle at the bottom of a ``too_deep`` rep.
        hip_setback: Ankle-to-hip horizontal distance (feet in front of the
            wall), body heights.
        valgus_shift: A ``knee_valgus`` rep: each knee's shift towards the
            midline at the bottom, body heights (hip joints are about 0.11 apart).
        lead_in_s: Standing still before the first rep.
        tail_s: Standing still after the last rep.
        faults: Injected faults.
        jitter_deg: Natural sway amplitude.
        seed: Jitter seed.
    """

    exercise: ClassVar[str] = "wall_squat"
    reps: int = 5
    mode: str = "reps"
    rep_s: float = 3.6
    bottom_s: float = 0.5
    arms: str = "crossed"
    pause_s: float = 1.0
    hold_s: float = 10.0
    depth_knee_deg: float = 92.0
    too_deep_knee_deg: float = 58.0
    hip_setback: float = 0.2
    valgus_shift: float = 0.03
    lead_in_s: float = 1.0
    tail_s: float = 1.0
    faults: tuple[Fault, ...] = ()
    jitter_deg: float = 0.6
    seed: int = 0

    def compile(self) -> Session:
        """Build the session trajectory and its truth."""
        if self.mode not in ("reps", "hold"):
            raise ValueError(f"mode must be 'reps' or 'hold', got {self.mode!r}")
        n = 1 if self.mode == "hold" else self.reps
        if n < 1:
            raise ValueError(f"reps must be >= 1, got {self.reps!r}")
        if self.arms not in WALL_SQUAT_ARMS:
            raise ValueError(f"unknown arms {self.arms!r}; expected one of {WALL_SQUAT_ARMS}")
        by_rep = check_faults("wall_squat", self.faults, n)
        tl = Timeline({"knee_deg": 178.0, "trunk_lean_deg": 0.5, "hip_setback": self.hip_setback,
                       "heel_lift_deg": 0.0, "hands_on_thighs": 0.0, "knee_valgus": 0.0})
        tl.hold(self.lead_in_s)
        reps, holds = [], []
        for i in range(1, n + 1):
            codes = by_rep[i]
            if "knees_past_toes" in codes:
                # Feet too close to the wall: they shuffle in before the rep.
                tl.move(0.6, hip_setback=0.06)
            fast = "too_fast" in codes
            # A too-fast rep drops and pops up in under a second.
            half = 0.45 if fast else self.rep_s / 2.0
            knee = self.too_deep_knee_deg if "too_deep" in codes else self.depth_knee_deg
            # Hands pushing on the thighs: they go on before the slide and come off back at the top; the
            # shoulders come a little forward with them (well short of leaving the wall).
            push = 1.0 if "hands_on_thighs" in codes else 0.0
            lean = 26.0 if "back_off_wall" in codes else 1.5 + 4.0 * push
            # Knees collapsing inward: they drift in on the way down and out again on the way up.
            valgus = self.valgus_shift if "knee_valgus" in codes else 0.0
            if push:
                tl.move(0.5, hands_on_thighs=1.0)
            start = tl.t_s
            if self.mode == "hold":
                tl.move(half, knee_deg=knee, trunk_lean_deg=1.5, knee_valgus=valgus)
                h0 = tl.t_s
                if "back_off_wall" in codes:
                    # The back peels off the wall for the middle third of the hold.
                    third = self.hold_s / 3.0
                    tl.hold(third - 0.5)
                    tl.move(1.0, trunk_lean_deg=lean)
                    tl.hold(third - 1.0)
                    tl.move(1.0, trunk_lean_deg=1.5)
                    tl.hold(third - 0.5)
                else:
                    tl.hold(self.hold_s)
                holds.append(Interval(h0, tl.t_s))
                tl.move(half, knee_deg=178.0, trunk_lean_deg=0.5, knee_valgus=0.0)
            else:
                tl.move(half, knee_deg=knee, trunk_lean_deg=lean, knee_valgus=valgus)
                tl.hold(0.0 if fast else self.bottom_s)
                tl.move(half, knee_deg=178.0, trunk_lean_deg=0.5, knee_valgus=0.0)
            reps.append(Interval(start, tl.t_s, tuple(sorted(codes))))
            if "knees_past_toes" in codes:
                tl.move(0.6, hip_setback=self.hip_setback)
            if push:
                tl.move(0.5, hands_on_thighs=0.0)
            tl.hold(self.pause_s if i < n else self.tail_s)
        expected = {"reps": n, "hold_s": float(sum(h.end_s - h.start_s for h in holds))}
        jitter = {"knee_deg": self.jitter_deg, "trunk_lean_deg": 0.4 * self.jitter_deg}
        return Session("wall_squat", tl, tl.t_s, reps, holds, expected, jitter, self.seed, {"arms": self.arms})


@dataclass(frozen=True)
class NerveGlideScript:
    """Supine nerve glide session, the near leg raised, or the far one (``raised_leg``).

    Defaults follow a clinic's prescription: slow and gentle, about 4 s per rep
    (3-5 s with the end pause), a short pause with the knee bent, and the knee
    stopping a little short of the prescribed target (light tension).

    Attributes:
        reps: Number of reps.
        rep_s: Seconds per normal rep (extend + return).
        end_hold_s: Pause at the end of the range.
        pause_s: Pause at rest (knee bent) between reps.
        rest_knee_deg: Knee angle at rest (bent).
        target_knee_deg: Prescribed knee extension target.
        short_of_target_deg: Normal reps stop this far short of the target.
        beyond_target_deg: A ``beyond_target`` rep goes this far past it.
        drift_hip_deg: Hip angle a ``thigh_drift`` rep drifts to (90 = thigh
            vertical; above 90 the thigh falls towards the feet, below 90 it is
            pulled towards the chest).
        pelvis_lift_deg: How far a ``pelvis_lift`` rep raises the resting leg
            off the floor (straight, at the hip) as the knee straightens.
        raised_leg: ``"near"`` or ``"far"``: the leg that works, as the camera
            sees it (the truth's angles are that leg's either way).
        lead_in_s: Still time before the first rep.
        tail_s: Still time after the last rep.
        faults: Injected faults.
        jitter_deg: Natural sway amplitude.
        seed: Jitter seed.
    """

    exercise: ClassVar[str] = "nerve_glide"
    reps: int = 6
    rep_s: float = 3.6
    end_hold_s: float = 0.4
    pause_s: float = 0.8
    rest_knee_deg: float = 90.0
    target_knee_deg: float = 158.0
    short_of_target_deg: float = 7.0
    beyond_target_deg: float = 17.0
    drift_hip_deg: float = 122.0
    pelvis_lift_deg: float = 35.0
    raised_leg: str = "near"
    lead_in_s: float = 0.8
    tail_s: float = 0.8
    faults: tuple[Fault, ...] = ()
    jitter_deg: float = 0.6
    seed: int = 0

    def compile(self) -> Session:
        """Build the session trajectory and its truth."""
        if self.reps < 1:
            raise ValueError(f"reps must be >= 1, got {self.reps!r}")
        if not self.rest_knee_deg + 20 <= self.target_knee_deg <= 170:
            raise ValueError(f"target_knee_deg must be in [rest + 20, 170], got {self.target_knee_deg!r}")
        if not 0.0 <= self.short_of_target_deg < self.target_knee_deg - self.rest_knee_deg:
            raise ValueError(f"short_of_target_deg must be in [0, target - rest), got {self.short_of_target_deg!r}")
        check_raised_leg(self.raised_leg)
        by_rep = check_faults("nerve_glide", self.faults, self.reps)
        rest = {"knee_deg": self.rest_knee_deg, "hip_deg": 90.0, "ankle_deg": 110.0, "neck_flexion_deg": 0.0,
                "other_leg_lift_deg": 0.0}
        tl = Timeline(rest)
        tl.hold(self.lead_in_s)
        reps = []
        for i in range(1, self.reps + 1):
            codes = by_rep[i]
            # A too-fast rep flicks the knee straight and back in a second.
            half = 0.5 if "too_fast" in codes else self.rep_s / 2.0
            if "beyond_target" in codes:
                knee = min(self.target_knee_deg + self.beyond_target_deg, 179.0)
            else:
                knee = self.target_knee_deg - self.short_of_target_deg
            # Drift: the thigh leaves vertical as the knee extends.
            hip = self.drift_hip_deg if "thigh_drift" in codes else 90.0
            # Pelvis lift: the resting leg rises off the floor with the straightening, and lies back down with it.
            lift = self.pelvis_lift_deg if "pelvis_lift" in codes else 0.0
            start = tl.t_s
            tl.move(half, knee_deg=knee, ankle_deg=88.0, hip_deg=hip, other_leg_lift_deg=lift)
            tl.hold(0.0 if "too_fast" in codes else self.end_hold_s)
            tl.move(half, knee_deg=self.rest_knee_deg, ankle_deg=110.0, hip_deg=90.0, other_leg_lift_deg=0.0)
            reps.append(Interval(start, tl.t_s, tuple(sorted(codes))))
            tl.hold(self.pause_s if i < self.reps else self.tail_s)
        expected = {"reps": self.reps, "hold_s": 0.0, "target_knee_deg": self.target_knee_deg}
        jitter = {"knee_deg": self.jitter_deg, "hip_deg": self.jitter_deg}
        return Session("nerve_glide", tl, tl.t_s, reps, [], expected, jitter, self.seed,
                       {"raised_leg": self.raised_leg})


@dataclass(frozen=True)
class CatCowScript:
    """Cat-cow session on hands and knees.

    Defaults follow a clinic's prescription: slow, about 6.5 s per cycle
    (5-8 s) with a 1-2 s hold at each end, and a real person's range: the back
    arc turns about 40 degrees each way.

    Attributes:
        cycles: Number of full cycles (reps).
        cycle_s: Seconds of movement per normal cycle (holds excluded).
        end_hold_s: Hold at each end (cat and cow).
        amplitude_deg: Spine flexion at each end (+cat, -cow).
        small_amplitude_deg: Spine flexion at each end of a ``small_range``
            cycle (less than half the normal range).
        neck_gain: Head follows the spine by this fraction.
        pause_s: Neutral pause between cycles.
        lead_in_s: Still time before the first cycle.
        tail_s: Still time after the last cycle.
        faults: Injected faults.
        jitter_deg: Natural sway amplitude.
        seed: Jitter seed.
    """

    exercise: ClassVar[str] = "cat_cow"
    cycles: int = 4
    cycle_s: float = 3.5
    end_hold_s: float = 1.5
    amplitude_deg: float = 42.0
    small_amplitude_deg: float = 19.0
    neck_gain: float = 0.8
    pause_s: float = 0.3
    lead_in_s: float = 0.8
    tail_s: float = 0.8
    faults: tuple[Fault, ...] = ()
    jitter_deg: float = 0.5
    seed: int = 0

    def compile(self) -> Session:
        """Build the session trajectory and its truth."""
        if self.cycles < 1:
            raise ValueError(f"cycles must be >= 1, got {self.cycles!r}")
        if not 0.0 < self.small_amplitude_deg < 0.5 * self.amplitude_deg + 1e-9 or self.amplitude_deg >= 80.0:
            raise ValueError(f"need 0 < small_amplitude_deg <= amplitude_deg / 2 and amplitude_deg < 80, got "
                             f"{self.small_amplitude_deg!r} and {self.amplitude_deg!r}")
        by_rep = check_faults("cat_cow", self.faults, self.cycles)
        tl = Timeline({"spine_flexion_deg": 0.0, "neck_flexion_deg": 0.0})
        tl.hold(self.lead_in_s)
        reps, holds = [], []
        for i in range(1, self.cycles + 1):
            codes = by_rep[i]
            fast = "too_fast" in codes
            # A too-fast cycle swings cat to cow and back in under 2 s, with no holds.
            quarter = 0.4 if fast else self.cycle_s / 4.0
            hold = 0.0 if fast else self.end_hold_s
            spine = self.small_amplitude_deg if "small_range" in codes else self.amplitude_deg
            neck = self.neck_gain * spine
            start = tl.t_s
            for sign, label in ((1.0, "cat"), (-1.0, "cow")):
                tl.move(quarter if sign > 0 else 2 * quarter, spine_flexion_deg=sign * spine,
                        neck_flexion_deg=sign * neck)
                if hold > 0:
                    h0 = tl.t_s
                    tl.hold(hold)
                    holds.append(Interval(h0, tl.t_s, label=label))
            tl.move(quarter, spine_flexion_deg=0.0, neck_flexion_deg=0.0)
            reps.append(Interval(start, tl.t_s, tuple(sorted(codes))))
            tl.hold(self.pause_s if i < self.cycles else self.tail_s)
        expected = {"reps": self.cycles, "hold_s": self.end_hold_s}
        jitter = {"spine_flexion_deg": self.jitter_deg, "neck_flexion_deg": self.jitter_deg}
        return Session("cat_cow", tl, tl.t_s, reps, holds, expected, jitter, self.seed,
                       normal_range_deg=2.0 * self.amplitude_deg)


def truth_runs(mask: np.ndarray, t_s: np.ndarray) -> list[tuple[float, float]]:
    """(start_s, end_s) of each run of True in ``mask`` (T,): the truth intervals every script module marks."""
    out = []
    m = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(m.astype(int)))
    for a, b in zip(edges[::2], edges[1::2]):
        out.append((float(t_s[a]), float(t_s[b - 1])))
    return out


def fault_intervals(session: Session, frames: dict[str, np.ndarray]) -> list[Interval]:
    """Truth fault intervals for a rendered session.

    Threshold faults are measured on the drawn angles over the whole clip, so
    a normal rep that crosses a threshold (it should not) would show up too.
    Tempo and range faults span the rep they were scripted into.

    Args:
        session: The compiled session.
        frames: Truth frame series (``t_s`` and angle names -> (T,)).

    Returns:
        Intervals labelled with one fault code each, sorted by start time.
    """
    t = frames["t_s"]
    th = THRESHOLDS[session.exercise]
    out: list[Interval] = []

    def add(code: str, mask: np.ndarray) -> None:
        out.extend(Interval(a, b, (code,)) for a, b in truth_runs(mask, t))

    if session.exercise == "wall_squat":
        add("back_off_wall", frames["trunk_lean_deg"] >= th["trunk_lean_max_deg"])
        add("too_deep", frames["knee_deg"] <= th["knee_min_deg"])
        add("knees_past_toes", frames["shin_from_vertical_deg"] >= th["shin_max_deg"])
        add("hands_on_thighs", frames["hand_thigh_gap_ratio"] <= th["hand_thigh_gap_max_ratio"])
        if "knee_gap_loss_ratio" in frames:  # clips rendered before knee_valgus was scriptable have no such series
            add("knee_valgus", frames["knee_gap_loss_ratio"] >= th["knee_gap_loss_min_ratio"])
    elif session.exercise == "nerve_glide":
        hip = frames["hip_deg"]
        drift = (hip <= th["hip_low_deg"] - th["hip_drift_deg"]) | (hip >= th["hip_high_deg"] + th["hip_drift_deg"])
        add("thigh_drift", drift)
        add("beyond_target", frames["knee_deg"] > session.expected["target_knee_deg"] + th["beyond_target_margin_deg"])
        if "other_leg_lift_deg" in frames:  # clips rendered before pelvis_lift was scriptable have no such series
            add("pelvis_lift", frames["other_leg_lift_deg"] >= th["other_leg_lift_min_deg"])
    elif session.exercise in TRUTH_FAULTS:
        out.extend(TRUTH_FAULTS[session.exercise](session, frames))
    for rep in session.reps:
        if rep.end_s - rep.start_s < th["rep_min_s"]:
            out.append(Interval(rep.start_s, rep.end_s, ("too_fast",)))
        if session.exercise == "cat_cow":
            inside = (t >= rep.start_s) & (t <= rep.end_s)
            if inside.any():
                p2p = float(np.ptp(frames["spine_flexion_deg"][inside]))
                if p2p < th["range_min_frac"] * session.normal_range_deg:
                    out.append(Interval(rep.start_s, rep.end_s, ("small_range",)))
    return sorted(out, key=lambda iv: (iv.start_s, iv.faults))


# Each posture's scripts register themselves in the tables above, so they are imported last, as they build on this
# module: floor (press-up, knee-to-chest), prone and side-lying (sphinx, bird dog), seated (knee extension), hook-lying
# supine (pelvic tilt, trunk rotation, figure four), upright stretches and back extension, single-leg stance.
from synth import (  # noqa: E402, F401
    floor_scripts,
    prone_side_scripts,
    seated_scripts,
    stretch_scripts,
    supine_scripts,
    upright_scripts,
)
