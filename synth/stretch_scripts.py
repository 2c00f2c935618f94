"""Scripted upright stretches (half-kneeling hip flexor, calf at a wall) and standing back extensions, with truth.

Registers itself in the tables of ``synth.script`` (fault codes, truth thresholds, pose builder, truth series and
fault intervals); ``synth.script`` imports it last. Filmed from the side.

A stretch is one rep: into the stretch, held, and back. Its hold, in the truth, is the time from half-way into the
stretch to half-way out of it, less the time a fault breaks good form (the middle third of the hold, from half-way
into the fault to half-way out), since the checker times holds with good form only.
A back extension is a rep without a hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from synth import script
from synth.camera import MAX_YAW_DEG
from synth.poses import Pose
from synth.script import (
    FAULT_CODES,
    POSE_BUILDERS,
    THRESHOLDS,
    TRUTH_FAULTS,
    TRUTH_SERIES,
    Fault,
    Interval,
    Session,
    Timeline,
    check_faults,
)
from synth.skeleton import BodyProportions
from synth.stretch_poses import (
    LEG_ROLES,
    BackExtensionAngles,
    CalfStretchAngles,
    HipFlexorAngles,
    back_extension_pose,
    calf_stretch_pose,
    hip_flexor_stretch_pose,
)

HIP_FLEXOR_STRETCH = "hip_flexor_stretch"
CALF_STRETCH = "calf_stretch"
BACK_EXTENSION = "back_extension"
#: The exercises this module scripts.
EXERCISES: tuple[str, ...] = (HIP_FLEXOR_STRETCH, CALF_STRETCH, BACK_EXTENSION)


@dataclass(frozen=True)
class StretchScript:
    """A stretch held ``stretches`` times on one leg: into the stretch, a hold, and out, with rests between.

    Attributes:
        exercise: ``hip_flexor_stretch`` or ``calf_stretch``.
        stretches: Number of stretches.
        stretched: Which leg is stretched (kneeling, or stepped back): ``"near"`` or ``"far"``.
        hold_s: Seconds fully in each stretch.
        move_s: Seconds into the stretch, and out of it.
        rest_s: Seconds at rest between stretches.
        rest_deg: The stretch angle at rest (hip flexor: kneeling thigh; calf: back shin), degrees ahead of vertical.
        stretch_deg: The stretch angle held.
        fault_deg: How far the injected fault goes (trunk lean back, front shin, heel lift or knee bend), degrees.
        base_deg: The fault's angle in good form (front shin ahead of vertical; 0 for the others).
        lead_in_s: Still at rest before the first stretch.
        tail_s: Still at rest after the last.
        faults: Injected faults, ``rep`` = the stretch (1-based); each takes the middle third of its hold.
        jitter_deg: Natural sway of the stretch angle, degrees.
        seed: Jitter seed.
    """

    exercise: str = HIP_FLEXOR_STRETCH
    stretches: int = 1
    stretched: str = "near"
    hold_s: float = 8.0
    move_s: float = 1.5
    rest_s: float = 2.0
    rest_deg: float = 0.0
    stretch_deg: float = 22.0
    fault_deg: float = 20.0
    base_deg: float = 0.0
    lead_in_s: float = 1.5
    tail_s: float = 1.5
    faults: tuple[Fault, ...] = ()
    jitter_deg: float = 0.8
    seed: int = 0

    def compile(self) -> Session:
        """Build the session trajectory and its truth."""
        if self.exercise not in (HIP_FLEXOR_STRETCH, CALF_STRETCH):
            raise ValueError(f"no stretch script for {self.exercise!r}; expected {HIP_FLEXOR_STRETCH} or "
                             f"{CALF_STRETCH}")
        if self.stretched not in LEG_ROLES or self.stretches < 1:
            raise ValueError(f"stretched must be one of {LEG_ROLES} and stretches >= 1, got {self.stretched!r}, "
                             f"{self.stretches!r}")
        if self.hold_s < 6.0:
            raise ValueError(f"hold_s must be >= 6 s (a fault takes its middle third), got {self.hold_s!r}")
        by_rep = check_faults(self.exercise, self.faults, self.stretches)
        fault_keys = dict(zip(FAULT_CODES[self.exercise], ("fault_a", "fault_b")))
        tl = Timeline({"stretch": self.rest_deg, "fault_a": 0.0, "fault_b": 0.0})
        tl.hold(self.lead_in_s)
        reps, holds, good = [], [], []
        third = self.hold_s / 3.0
        for i in range(1, self.stretches + 1):
            start = tl.t_s
            tl.move(self.move_s, stretch=self.stretch_deg)
            h0 = tl.t_s
            lost = 0.0
            if by_rep[i]:
                key = fault_keys[sorted(by_rep[i])[0]]
                tl.hold(third - 0.4)
                tl.move(0.8, **{key: 1.0})
                tl.hold(third - 0.8)
                tl.move(0.8, **{key: 0.0})
                tl.hold(third - 0.4)
                lost = third
            else:
                tl.hold(self.hold_s)
            # The hold runs from half-way into the stretch to half-way out of it.
            holds.append(Interval(h0 - self.move_s / 2.0, tl.t_s + self.move_s / 2.0))
            good.append(self.hold_s + self.move_s - lost)
            tl.move(self.move_s, stretch=self.rest_deg)
            reps.append(Interval(start, tl.t_s, tuple(sorted(by_rep[i]))))
            tl.hold(self.rest_s if i < self.stretches else self.tail_s)
        options = {"stretched": self.stretched, "fault_deg": str(self.fault_deg), "base_deg": str(self.base_deg)}
        return Session(self.exercise, tl, tl.t_s, reps, holds, {"reps": self.stretches, "hold_s": float(max(good))},
                       {"stretch": self.jitter_deg}, self.seed, options)


@dataclass(frozen=True)
class BackExtensionScript:
    """Standing back extensions: lean back with the hips pushed forward, a pause, and back up.

    Attributes:
        reps: Number of reps.
        lean_deg: The trunk's lean back at the end of the range.
        hips_forward: The hips ahead of the ankles at the end of the range, body heights.
        lean_s: Seconds leaning back, and coming up.
        pause_s: Seconds at the end of the range.
        rest_s: Seconds standing between reps.
        knee_bend_deg: A ``knees_bending`` fault: both knees bend this much through the rep.
        lead_in_s, tail_s: Standing still before the first rep and after the last.
        faults: Injected faults, ``rep`` = the rep (1-based).
        jitter_deg: Natural sway of the trunk, degrees.
        seed: Jitter seed.
    """

    exercise: ClassVar[str] = BACK_EXTENSION
    reps: int = 3
    lean_deg: float = 25.0
    hips_forward: float = 0.06
    lean_s: float = 1.5
    pause_s: float = 0.8
    rest_s: float = 1.2
    knee_bend_deg: float = 38.0
    lead_in_s: float = 1.2
    tail_s: float = 1.2
    faults: tuple[Fault, ...] = ()
    jitter_deg: float = 0.8
    seed: int = 0

    def compile(self) -> Session:
        """Build the session trajectory and its truth."""
        by_rep = check_faults(BACK_EXTENSION, self.faults, self.reps)
        tl = Timeline({"lean_deg": 0.0, "hips_forward": 0.0, "knee_bend_deg": 0.0})
        tl.hold(self.lead_in_s)
        reps = []
        for i in range(1, self.reps + 1):
            start = tl.t_s
            # Leaning back without the hips tips the whole body back from the ankles: the hips go back a little.
            hips = -0.01 if "hips_not_forward" in by_rep[i] else self.hips_forward
            knees = self.knee_bend_deg if "knees_bending" in by_rep[i] else 0.0
            tl.move(self.lean_s, lean_deg=self.lean_deg, hips_forward=hips, knee_bend_deg=knees)
            tl.hold(self.pause_s)
            tl.move(self.lean_s, lean_deg=0.0, hips_forward=0.0, knee_bend_deg=0.0)
            reps.append(Interval(start, tl.t_s, tuple(sorted(by_rep[i]))))
            tl.hold(self.rest_s if i < self.reps else self.tail_s)
        return Session(BACK_EXTENSION, tl, tl.t_s, reps, [], {"reps": self.reps}, {"lean_deg": self.jitter_deg},
                       self.seed)


def _hip_flexor_pose(p: dict[str, float], props: BodyProportions, options: dict[str, str]) -> Pose:
    fault, base = float(options["fault_deg"]), float(options["base_deg"])
    return hip_flexor_stretch_pose(HipFlexorAngles(
        thigh_extension_deg=p["stretch"], trunk_lean_back_deg=fault * p["fault_a"],
        front_shin_deg=base + (fault - base) * p["fault_b"], stretched=options["stretched"]), props)


def _calf_pose(p: dict[str, float], props: BodyProportions, options: dict[str, str]) -> Pose:
    fault = float(options["fault_deg"])
    return calf_stretch_pose(CalfStretchAngles(
        back_shin_deg=p["stretch"], back_heel_lift_deg=fault * p["fault_a"], back_knee_bend_deg=fault * p["fault_b"],
        stretched=options["stretched"]), props)


def _back_extension_pose(p: dict[str, float], props: BodyProportions, options: dict[str, str]) -> Pose:
    return back_extension_pose(BackExtensionAngles(lean_back_deg=p["lean_deg"], hips_forward=p["hips_forward"],
                                                   knee_bend_deg=max(0.0, p["knee_bend_deg"])), props)


def _joints(poses: list[Pose], name: str) -> np.ndarray:
    """(T, 2) a joint's sagittal (x forward, y up) position in every pose."""
    return np.stack([p.skeleton[name][:2] for p in poses])


def _lean_deg(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """lower->upper from vertical, positive when upper is ahead (x forward, y up)."""
    d = upper - lower
    return np.degrees(np.arctan2(d[:, 0], d[:, 1]))


def _legs(poses: list[Pose], lower_is_stretched: np.ndarray, part: str) -> tuple[np.ndarray, np.ndarray]:
    near, far = _joints(poses, f"near_{part}"), _joints(poses, f"far_{part}")
    pick = lower_is_stretched[:, None]
    return np.where(pick, near, far), np.where(pick, far, near)


def hip_flexor_truth_series(poses: list[Pose]) -> dict[str, np.ndarray]:
    """Drawn ``back_thigh_extension_deg``, ``trunk_lean_back_deg`` and ``front_knee_past_toes_ratio``, each (T,)."""
    near_kneels = _joints(poses, "near_knee")[:, 1] < _joints(poses, "far_knee")[:, 1]
    knee, front_knee = _legs(poses, near_kneels, "knee")
    hip, _ = _legs(poses, near_kneels, "hip")
    _, front_toe = _legs(poses, near_kneels, "toe")
    _, front_ankle = _legs(poses, near_kneels, "ankle")
    shoulder = _joints(poses, "near_shoulder")
    shin = np.linalg.norm(front_knee - front_ankle, axis=1)
    return {"back_thigh_extension_deg": _lean_deg(knee, hip), "trunk_lean_back_deg": -_lean_deg(hip, shoulder),
            "front_knee_past_toes_ratio": (front_knee[:, 0] - front_toe[:, 0]) / shin}


def calf_truth_series(poses: list[Pose]) -> dict[str, np.ndarray]:
    """Drawn ``back_shin_lean_deg``, ``back_heel_lift_deg`` and ``back_knee_deg``, each (T,)."""
    near_back = _joints(poses, "near_ankle")[:, 0] < _joints(poses, "far_ankle")[:, 0]
    (ankle, _), (knee, _), (hip, _) = (_legs(poses, near_back, p) for p in ("ankle", "knee", "hip"))
    (heel, _), (toe, _) = (_legs(poses, near_back, p) for p in ("heel", "toe"))
    d = heel - toe
    a, b = hip - knee, ankle - knee
    cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return {"back_shin_lean_deg": _lean_deg(ankle, knee), "back_heel_lift_deg": np.degrees(np.arctan2(d[:, 1],
                                                                                                      np.abs(d[:, 0]))),
            "back_knee_deg": np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))}


def back_extension_truth_series(poses: list[Pose]) -> dict[str, np.ndarray]:
    """Drawn ``trunk_lean_back_deg``, ``knee_deg`` and ``hips_forward_ratio``, each (T,)."""
    hip, knee, ankle = (_joints(poses, f"near_{p}") for p in ("hip", "knee", "ankle"))
    a, b = hip - knee, ankle - knee
    cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return {"trunk_lean_back_deg": -_lean_deg(hip, _joints(poses, "near_shoulder")),
            "knee_deg": np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))),
            "hips_forward_ratio": (hip[:, 0] - ankle[:, 0]) / np.linalg.norm(hip - ankle, axis=1)}


def _in(t: np.ndarray, spans: list[Interval]) -> np.ndarray:
    inside = np.zeros(len(t), bool)
    for s in spans:
        inside |= (t >= s.start_s) & (t <= s.end_s)
    return inside


def stretch_fault_intervals(session: Session, frames: dict[str, np.ndarray]) -> list[Interval]:
    """Truth fault intervals of a stretch or a back extension, measured on the drawn series within its reps."""
    t, th, ex = frames["t_s"], THRESHOLDS[session.exercise], session.exercise
    in_rep = _in(t, session.reps)
    if ex == HIP_FLEXOR_STRETCH:
        masks = {"trunk_leaning_back": frames["trunk_lean_back_deg"] >= th["trunk_lean_back_min_deg"],
                 "front_knee_past_toes": frames["front_knee_past_toes_ratio"] >= th["knee_past_toes_min_ratio"]}
    elif ex == CALF_STRETCH:
        masks = {"back_heel_lifting": frames["back_heel_lift_deg"] >= th["heel_lift_min_deg"],
                 "back_knee_bent": frames["back_knee_deg"] <= th["back_knee_max_deg"]}
    else:
        masks = {"knees_bending": frames["knee_deg"] <= th["knee_max_deg"]}
    runs = script.truth_runs
    out = [Interval(a, b, (code,)) for code, mask in masks.items() for a, b in runs(in_rep & mask, t)]
    # A rep-level fault spans the rep it was scripted into.
    out += [Interval(r.start_s, r.end_s, ("hips_not_forward",)) for r in session.reps if "hips_not_forward" in r.faults]
    return out


FAULT_CODES[HIP_FLEXOR_STRETCH] = ("trunk_leaning_back", "front_knee_past_toes")
FAULT_CODES[CALF_STRETCH] = ("back_heel_lifting", "back_knee_bent")
FAULT_CODES[BACK_EXTENSION] = ("knees_bending", "hips_not_forward")
THRESHOLDS[HIP_FLEXOR_STRETCH] = {
    "trunk_lean_back_min_deg": 12.0,  # trunk_leaning_back when the trunk is this far behind vertical
    "knee_past_toes_min_ratio": 0.15,  # front_knee_past_toes when the knee is this far ahead of the toes (shins)
    "rep_min_s": 0.0,  # a stretch has no minimum tempo
}
THRESHOLDS[CALF_STRETCH] = {
    "heel_lift_min_deg": 12.0,  # back_heel_lifting when the back foot's toe-heel line is this far above level
    "back_knee_max_deg": 155.0,  # back_knee_bent when the back knee is bent to this
    "rep_min_s": 0.0,
}
THRESHOLDS[BACK_EXTENSION] = {
    "knee_max_deg": 150.0,  # knees_bending when the knee is bent to this
    "rep_min_s": 0.0,  # too fast is not judged
}
POSE_BUILDERS[HIP_FLEXOR_STRETCH] = _hip_flexor_pose
POSE_BUILDERS[CALF_STRETCH] = _calf_pose
POSE_BUILDERS[BACK_EXTENSION] = _back_extension_pose
TRUTH_SERIES[HIP_FLEXOR_STRETCH] = hip_flexor_truth_series
TRUTH_SERIES[CALF_STRETCH] = calf_truth_series
TRUTH_SERIES[BACK_EXTENSION] = back_extension_truth_series
for _exercise in EXERCISES:
    TRUTH_FAULTS[_exercise] = stretch_fault_intervals
    # Every signal is read in the body's side plane, unknown past 55 degrees off side-on: films up to 40.
    MAX_YAW_DEG[_exercise] = 40.0


def random_script(exercise: str, fault: str | None, rng: np.random.Generator,
                  seed: int) -> StretchScript | BackExtensionScript:
    """A short randomised script of ``exercise`` with ``fault`` injected into one rep.

    Stretch holds are 6-10 s (a clinic prescribes about 30 s, but the checker's timing does not depend on the
    length, and short holds keep the rendered suite cheap); back extensions 3-4 reps at 2.5-4 s each.
    """
    if exercise == BACK_EXTENSION:
        reps = int(rng.integers(3, 5))
        return BackExtensionScript(reps=reps, lean_deg=float(rng.uniform(20.0, 30.0)),
                                   hips_forward=float(rng.uniform(0.05, 0.08)), lean_s=float(rng.uniform(1.0, 1.6)),
                                   pause_s=float(rng.uniform(0.5, 1.0)), rest_s=float(rng.uniform(0.8, 1.5)),
                                   knee_bend_deg=float(rng.uniform(35.0, 45.0)),
                                   faults=(Fault(fault, int(rng.integers(1, reps + 1))),) if fault else (), seed=seed)
    if exercise not in (HIP_FLEXOR_STRETCH, CALF_STRETCH):
        raise ValueError(f"no stretch script for {exercise!r}")
    n = int(rng.integers(1, 3))
    faults = (Fault(fault, int(rng.integers(1, n + 1))),) if fault else ()
    stretched = LEG_ROLES[int(rng.integers(0, 2))]
    common = {"stretches": n, "stretched": stretched, "hold_s": float(rng.uniform(6.0, 10.0)),
              "move_s": float(rng.uniform(1.0, 2.0)), "rest_s": float(rng.uniform(1.5, 2.5)), "faults": faults,
              "seed": seed}
    if exercise == HIP_FLEXOR_STRETCH:
        fault_deg = float(rng.uniform(18.0, 24.0)) if fault == "trunk_leaning_back" else float(rng.uniform(38.0, 45.0))
        return StretchScript(HIP_FLEXOR_STRETCH, rest_deg=float(rng.uniform(-3.0, 2.0)),
                             stretch_deg=float(rng.uniform(18.0, 26.0)), fault_deg=fault_deg,
                             base_deg=float(rng.uniform(0.0, 8.0)), **common)
    fault_deg = float(rng.uniform(20.0, 28.0)) if fault == "back_heel_lifting" else float(rng.uniform(30.0, 40.0))
    return StretchScript(CALF_STRETCH, rest_deg=float(rng.uniform(8.0, 13.0)),
                         stretch_deg=float(rng.uniform(28.0, 34.0)), fault_deg=fault_deg, **common)
