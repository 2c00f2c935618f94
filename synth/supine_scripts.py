"""Scripted sessions of the hook-lying supine exercises, with exact truth, registered in ``synth.script``'s tables.

Pelvic tilt: a rep presses the lower back flat (a posterior tilt), holds it about 5 s and lets it go. Lower trunk
rotation: a rep rolls both knees to one side and then to the other, back to the middle. Figure-four stretch: a rep
lifts one ankle onto the other knee, holds the stretch and puts the foot back down (the hold).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from synth import camera, script
from synth.poses import Pose
from synth.script import Fault, Interval, Session, Timeline
from synth.skeleton import BodyProportions, interior_angle_deg, turning_angle_deg
from synth.supine_poses import HookLyingAngles, hook_lying_pose

PELVIC_TILT = "pelvic_tilt"
LOWER_TRUNK_ROTATION = "lower_trunk_rotation"
FIGURE_FOUR = "figure_four_stretch"

FAULT_CODES: dict[str, tuple[str, ...]] = {
    PELVIC_TILT: ("buttocks_lifting", "too_fast"),
    LOWER_TRUNK_ROTATION: ("shoulders_lifting", "knees_apart"),
    FIGURE_FOUR: ("pelvis_rotating",),
}

#: Thresholds the truth uses to mark fault intervals, units in names.
THRESHOLDS: dict[str, dict[str, float]] = {
    PELVIC_TILT: {
        "hip_lift_min_ratio": 0.12,  # buttocks_lifting while the drawn hips are this many trunk lengths up
        "rep_min_s": 2.0,  # too_fast: a tilt and release in under 2 s has no hold in it
    },
    LOWER_TRUNK_ROTATION: {
        "shoulder_roll_min_deg": 15.0,  # shoulders_lifting while the drawn shoulder line rolls this far
        "knee_gap_min_ratio": 1.8,  # knees_apart while the knees are this many hip widths apart
        "rep_min_s": 0.0,
    },
    FIGURE_FOUR: {
        "pelvis_roll_min_deg": 15.0,  # pelvis_rotating while the drawn hip line rolls this far
        "rep_min_s": 0.0,
    },
}

#: Lying along x and moving across it, these are seen side-on; a turn of 40 degrees still shows the hook.
MAX_YAW_DEG: dict[str, float] = {PELVIC_TILT: 40.0, LOWER_TRUNK_ROTATION: 40.0, FIGURE_FOUR: 40.0}
#: A figure four is filmed from above: from the side at floor level the crossed shin points at the camera and the
#: pose model puts its ankle on the floor (README, Accuracy). 25-40 degrees down: a phone on a chair beside the mat.
RAISED_PITCH_DEG: dict[str, tuple[float, float]] = {FIGURE_FOUR: (25.0, 40.0)}

REST = {"pelvic_tilt_deg": 0.0, "lumbar_arch_deg": -25.0, "hip_lift": 0.0, "knee_roll_deg": 0.0, "knee_gap": 0.0,
        "shoulder_lift_deg": 0.0, "cross": 0.0, "pelvis_roll_deg": 0.0}


#: Where the arms rest in each exercise: hands on the hip bones in a pelvic tilt (feeling it), by the sides in the
#: others (spread arms, pointing at a side camera, hide the hands from the pose model).
ARMS = {PELVIC_TILT: "pelvis", LOWER_TRUNK_ROTATION: "out", FIGURE_FOUR: "sides"}


def _pose(p: dict[str, float], props: BodyProportions, options: dict[str, str]) -> Pose:
    return hook_lying_pose(HookLyingAngles(**{k: float(p[k]) for k in REST}, arms=options.get("arms", "sides")), props)


def _j(poses: list[Pose], name: str) -> np.ndarray:
    return np.stack([p.skeleton[name] for p in poses])


def _line_roll_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Unsigned angle of (T, 3) a->b above the floor plane."""
    d = b - a
    return np.degrees(np.arcsin(np.clip(np.abs(d[:, 1]) / np.linalg.norm(d, axis=1), 0.0, 1.0)))


def _truth(poses: list[Pose]) -> dict[str, np.ndarray]:
    """Drawn values: the back's arch, the hips' lift, the knees' roll and gap, the shoulder and hip lines' roll.

    And the crossed ankle's distance from the other knee, in thigh lengths.
    """
    sh = (_j(poses, "near_shoulder") + _j(poses, "far_shoulder")) / 2.0
    hip = (_j(poses, "near_hip") + _j(poses, "far_hip")) / 2.0
    heel = _j(poses, "near_heel")
    line = heel[:, :2] - sh[:, :2]
    rel = hip[:, :2] - sh[:, :2]
    # y is up here: the hip above the shoulder-heel line is on the left of a line running towards +x.
    up = (line[:, 0] * rel[:, 1] - line[:, 1] * rel[:, 0]) * np.sign(line[:, 0])
    hip_lift = up / np.linalg.norm(line, axis=1) / np.linalg.norm(rel, axis=1)
    knee = (_j(poses, "near_knee") + _j(poses, "far_knee")) / 2.0
    d = knee - np.array([0.0, hip[0, 1], 0.0])
    hip_gap = np.linalg.norm(_j(poses, "near_hip") - _j(poses, "far_hip"), axis=1)
    thigh = np.linalg.norm(_j(poses, "far_knee") - _j(poses, "far_hip"), axis=1)
    return {
        "lumbar_arch_deg": np.array([turning_angle_deg(p.skeleton.spine[:, :2]) for p in poses]),
        "hand_pelvis_deg": interior_angle_deg(sh[:, :2], _j(poses, "near_hip")[:, :2], _j(poses, "near_wrist")[:, :2]),
        "hip_lift_ratio": hip_lift,
        "knee_roll_deg": np.degrees(np.arctan2(d[:, 2], d[:, 1])),
        "knee_gap_ratio": np.linalg.norm(_j(poses, "near_knee") - _j(poses, "far_knee"), axis=1) / hip_gap,
        "shoulder_roll_deg": _line_roll_deg(_j(poses, "far_shoulder"), _j(poses, "near_shoulder")),
        "pelvis_roll_deg": _line_roll_deg(_j(poses, "far_hip"), _j(poses, "near_hip")),
        "ankle_on_knee_world_ratio": np.linalg.norm(_j(poses, "near_ankle") - _j(poses, "far_knee"), axis=1) / thigh,
    }



def _faults(session: Session, frames: dict[str, np.ndarray]) -> list[Interval]:
    t, th = frames["t_s"], THRESHOLDS[session.exercise]
    masks = {
        PELVIC_TILT: {"buttocks_lifting": frames["hip_lift_ratio"] >= th.get("hip_lift_min_ratio", np.inf)},
        LOWER_TRUNK_ROTATION: {
            "shoulders_lifting": frames["shoulder_roll_deg"] >= th.get("shoulder_roll_min_deg", np.inf),
            "knees_apart": frames["knee_gap_ratio"] >= th.get("knee_gap_min_ratio", np.inf)},
        FIGURE_FOUR: {"pelvis_rotating": frames["pelvis_roll_deg"] >= th.get("pelvis_roll_min_deg", np.inf)},
    }[session.exercise]
    return [Interval(a, b, (code,)) for code, mask in masks.items() for a, b in script.truth_runs(mask, t)]


def _expected(reps: int, holds: list[Interval]) -> dict[str, float]:
    return {"reps": reps, "hold_s": max((h.end_s - h.start_s for h in holds), default=0.0)}


@dataclass(frozen=True)
class PelvicTiltScript:
    """Pelvic tilt lying hook-lying: press the lower back flat, hold about 5 s, let it arch again.

    Attributes:
        reps: Number of tilts.
        tilt_s: Seconds to flatten the back (and as long to let it go).
        hold_s: Hold with the back flat.
        pause_s: Resting between tilts.
        rest_arch_deg: The back's natural arch at rest (spine arc turn, negative off the floor).
        tilt_deg: How far the pelvis tilts back (rocking on the sacrum) to flatten it.
        hip_lift: Hips raised (body heights) during a ``buttocks_lifting`` rep's hold.
        lead_in_s, tail_s: Resting before the first tilt and after the last.
        faults: Injected faults.
        jitter_deg: Natural sway of the arch.
        seed: Jitter seed.
    """

    exercise: ClassVar[str] = PELVIC_TILT
    reps: int = 3
    tilt_s: float = 1.2
    hold_s: float = 5.0
    pause_s: float = 1.5
    rest_arch_deg: float = -30.0
    tilt_deg: float = 15.0
    hip_lift: float = 0.07
    lead_in_s: float = 1.0
    tail_s: float = 1.0
    faults: tuple[Fault, ...] = ()
    jitter_deg: float = 0.8
    seed: int = 0

    def compile(self) -> Session:
        """Build the session trajectory and its truth."""
        if self.reps < 1 or self.hold_s < 3.0:
            raise ValueError(f"need reps >= 1 and hold_s >= 3, got {self.reps!r} and {self.hold_s!r}")
        by_rep = script.check_faults(PELVIC_TILT, self.faults, self.reps)
        tl = Timeline({**REST, "lumbar_arch_deg": self.rest_arch_deg})
        tl.hold(self.lead_in_s)
        reps, holds = [], []
        for i in range(1, self.reps + 1):
            codes = by_rep[i]
            start = tl.t_s
            if "too_fast" in codes:
                # Rocked flat and straight back, no hold.
                tl.move(0.5, lumbar_arch_deg=0.0, pelvic_tilt_deg=self.tilt_deg)
                tl.hold(0.2)
                tl.move(0.5, lumbar_arch_deg=self.rest_arch_deg, pelvic_tilt_deg=0.0)
            else:
                tl.move(self.tilt_s, lumbar_arch_deg=0.0, pelvic_tilt_deg=self.tilt_deg)
                h0 = tl.t_s
                if "buttocks_lifting" in codes:
                    # The buttocks come up into a small bridge for the middle of the hold.
                    third = (self.hold_s - 1.6) / 3.0
                    tl.hold(third)
                    tl.move(0.8, hip_lift=self.hip_lift)
                    tl.hold(third)
                    tl.move(0.8, hip_lift=0.0)
                    tl.hold(third)
                else:
                    tl.hold(self.hold_s)
                    holds.append(Interval(h0, tl.t_s, label="flat"))
                tl.move(self.tilt_s, lumbar_arch_deg=self.rest_arch_deg, pelvic_tilt_deg=0.0)
            reps.append(Interval(start, tl.t_s, tuple(sorted(codes))))
            tl.hold(self.pause_s if i < self.reps else self.tail_s)
        return Session(PELVIC_TILT, tl, tl.t_s, reps, holds, _expected(self.reps, holds),
                       {"pelvic_tilt_deg": 0.3 * self.jitter_deg}, self.seed,
                       {"arms": ARMS[PELVIC_TILT]})


@dataclass(frozen=True)
class LowerTrunkRotationScript:
    """Lower trunk rotation: knees together rolled slowly to one side, back through the middle, to the other.

    Attributes:
        reps: Number of reps (one roll to each side).
        roll_s: Seconds from the middle to one side (and as long back).
        side_hold_s: Pause at each side.
        pause_s: Resting in the middle between reps.
        roll_deg: How far the knees roll each way.
        fault_deg: How far the far shoulder lifts in a ``shoulders_lifting`` rep.
        knee_gap: Extra gap of the knees (body heights) in a ``knees_apart`` rep.
        lead_in_s, tail_s: Resting before the first rep and after the last.
        faults: Injected faults.
        jitter_deg: Natural sway of the roll.
        seed: Jitter seed.
    """

    exercise: ClassVar[str] = LOWER_TRUNK_ROTATION
    reps: int = 3
    roll_s: float = 1.5
    side_hold_s: float = 0.6
    pause_s: float = 0.6
    roll_deg: float = 50.0
    fault_deg: float = 25.0
    knee_gap: float = 0.2
    lead_in_s: float = 1.0
    tail_s: float = 1.0
    faults: tuple[Fault, ...] = ()
    jitter_deg: float = 1.0
    seed: int = 0

    def compile(self) -> Session:
        """Build the session trajectory and its truth."""
        if self.reps < 1 or not 30.0 <= self.roll_deg <= 75.0:
            raise ValueError(f"need reps >= 1 and roll_deg in [30, 75], got {self.reps!r} and {self.roll_deg!r}")
        by_rep = script.check_faults(LOWER_TRUNK_ROTATION, self.faults, self.reps)
        tl = Timeline(dict(REST))
        tl.hold(self.lead_in_s)
        reps = []
        for i in range(1, self.reps + 1):
            codes = by_rep[i]
            start = tl.t_s
            gap = self.knee_gap if "knees_apart" in codes else 0.0
            lift = self.fault_deg if "shoulders_lifting" in codes else 0.0
            for sign in (1.0, -1.0):
                # The far shoulder comes up as the knees roll towards the camera (away from it).
                tl.move(self.roll_s, knee_roll_deg=sign * self.roll_deg, knee_gap=gap,
                        shoulder_lift_deg=lift if sign > 0 else 0.0)
                tl.hold(self.side_hold_s)
                tl.move(self.roll_s, knee_roll_deg=0.0, knee_gap=0.0, shoulder_lift_deg=0.0)
            reps.append(Interval(start, tl.t_s, tuple(sorted(codes))))
            tl.hold(self.pause_s if i < self.reps else self.tail_s)
        return Session(LOWER_TRUNK_ROTATION, tl, tl.t_s, reps, [], _expected(self.reps, []),
                       {"knee_roll_deg": self.jitter_deg}, self.seed,
                       {"arms": ARMS[LOWER_TRUNK_ROTATION]})


@dataclass(frozen=True)
class FigureFourScript:
    """Figure-four (piriformis) stretch: the near ankle lifted onto the far knee and held there.

    Attributes:
        reps: Number of holds.
        cross_s: Seconds to lift the ankle onto the knee (and as long to put it down).
        hold_s: Hold with the ankle on the knee.
        pause_s: Both feet down between holds.
        fault_deg: How far the pelvis rolls in a ``pelvis_rotating`` hold.
        lead_in_s, tail_s: Resting before the first hold and after the last.
        faults: Injected faults (in the hold's middle).
        jitter_deg: Natural sway of the pelvis.
        seed: Jitter seed.
    """

    exercise: ClassVar[str] = FIGURE_FOUR
    reps: int = 2
    cross_s: float = 1.5
    hold_s: float = 6.0
    pause_s: float = 1.0
    fault_deg: float = 28.0
    lead_in_s: float = 1.0
    tail_s: float = 1.0
    faults: tuple[Fault, ...] = ()
    jitter_deg: float = 1.0
    seed: int = 0

    def compile(self) -> Session:
        """Build the session trajectory and its truth."""
        if self.reps < 1 or self.hold_s < 5.0:
            raise ValueError(f"need reps >= 1 and hold_s >= 5, got {self.reps!r} and {self.hold_s!r}")
        by_rep = script.check_faults(FIGURE_FOUR, self.faults, self.reps)
        tl = Timeline(dict(REST))
        tl.hold(self.lead_in_s)
        reps, holds = [], []
        for i in range(1, self.reps + 1):
            codes = by_rep[i]
            start = tl.t_s
            tl.move(self.cross_s, cross=1.0)
            h0 = tl.t_s
            if codes:
                third = (self.hold_s - 1.6) / 3.0
                tl.hold(third)
                tl.move(0.8, pelvis_roll_deg=self.fault_deg)
                tl.hold(third)
                tl.move(0.8, pelvis_roll_deg=0.0)
                tl.hold(third)
            else:
                tl.hold(self.hold_s)
                holds.append(Interval(h0, tl.t_s, label="ankle on knee"))
            tl.move(self.cross_s, cross=0.0)
            reps.append(Interval(start, tl.t_s, tuple(sorted(codes))))
            tl.hold(self.pause_s if i < self.reps else self.tail_s)
        return Session(FIGURE_FOUR, tl, tl.t_s, reps, holds, _expected(self.reps, holds),
                       {"pelvis_roll_deg": self.jitter_deg}, self.seed,
                       {"arms": ARMS[FIGURE_FOUR]})


SupineScript = PelvicTiltScript | LowerTrunkRotationScript | FigureFourScript


def random_script(exercise: str, fault: str | None, rng: np.random.Generator, seed: int) -> SupineScript:
    """A short randomised script of a hook-lying exercise with ``fault`` injected into one rep (the suite's).

    Pelvic tilt: 2-3 tilts, 0.9-1.5 s to flatten, holds of 4-6 s, a resting arch of 25-35 degrees flattened by a
    tilt of 12-18, a bridge of 6-8 cm per metre of height. Lower trunk rotation: 2-3 reps, 1.2-2 s per roll,
    40-60 degrees each way, a shoulder lifting 22-30 degrees, knees 0.18-0.24 body heights further apart. Figure
    four: 2 holds of 5-7 s, a pelvis rolling 24-32 degrees.
    """
    if exercise not in FAULT_CODES:
        raise ValueError(f"unknown supine exercise {exercise!r}; expected one of {tuple(FAULT_CODES)}")
    if exercise == PELVIC_TILT:
        reps = int(rng.integers(2, 4))
        faults = (Fault(fault, int(rng.integers(1, reps + 1))),) if fault else ()
        return PelvicTiltScript(reps=reps, tilt_s=float(rng.uniform(0.9, 1.5)), hold_s=float(rng.uniform(4.0, 6.0)),
                                pause_s=float(rng.uniform(1.0, 2.0)), rest_arch_deg=-float(rng.uniform(25.0, 35.0)),
                                tilt_deg=float(rng.uniform(12.0, 18.0)), hip_lift=float(rng.uniform(0.06, 0.08)),
                                faults=faults, seed=seed)
    if exercise == LOWER_TRUNK_ROTATION:
        reps = int(rng.integers(2, 4))
        faults = (Fault(fault, int(rng.integers(1, reps + 1))),) if fault else ()
        return LowerTrunkRotationScript(
            reps=reps, roll_s=float(rng.uniform(1.2, 2.0)), side_hold_s=float(rng.uniform(0.3, 0.8)),
            pause_s=float(rng.uniform(0.4, 1.0)), roll_deg=float(rng.uniform(40.0, 60.0)),
            fault_deg=float(rng.uniform(22.0, 30.0)), knee_gap=float(rng.uniform(0.18, 0.24)), faults=faults, seed=seed)
    faults = (Fault(fault, int(rng.integers(1, 3))),) if fault else ()
    return FigureFourScript(reps=2, cross_s=float(rng.uniform(1.2, 1.8)), hold_s=float(rng.uniform(5.0, 7.0)),
                            pause_s=float(rng.uniform(0.6, 1.2)), fault_deg=float(rng.uniform(24.0, 32.0)),
                            faults=faults, seed=seed)


def _register() -> None:
    """Add the hook-lying exercises to the tables ``synth.script``, ``synth.render`` and ``synth.camera`` look up."""
    script.EXERCISES = (*script.EXERCISES, *(e for e in FAULT_CODES if e not in script.EXERCISES))
    script.FAULT_CODES.update(FAULT_CODES)
    script.THRESHOLDS.update(THRESHOLDS)
    for exercise in FAULT_CODES:
        script.POSE_BUILDERS[exercise] = _pose
        script.TRUTH_SERIES[exercise] = _truth
        script.TRUTH_FAULTS[exercise] = _faults
    camera.MAX_YAW_DEG.update(MAX_YAW_DEG)
    camera.RAISED_PITCH_DEG.update(RAISED_PITCH_DEG)


_register()
