"""Scripted standing balance sessions (single-leg stance) with exact truth, filmed from the front.

Registers itself in the tables of ``synth.script`` (fault codes, truth thresholds, pose builder, truth series and
fault intervals) and in ``synth.camera.MAX_YAW_DEG``; ``synth.script`` imports it last.

A stance is one rep: the foot lifts, is held, and is set down. Its hold, in the truth, is the time the foot is
fully up, less the time a fault breaks good form (from half-way into the foot touching down, the pelvis dropping
or a hand going to a support, to half-way out of it), since the checker times holds with good form only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from synth import camera, script
from synth.camera import MAX_YAW_DEG, View
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
from synth.upright_poses import STANCE_ARMS, SingleLegStanceAngles, single_leg_stance_pose

SINGLE_LEG_STANCE = "single_leg_stance"
#: Only a front view shows the pelvis dropping sideways.
FRONT_VIEW_YAW_DEG = 90.0


@dataclass(frozen=True)
class SingleLegStanceScript:
    """Single-leg stance session: one stance per entry of ``legs``, each a lift, a hold and a set-down.

    Attributes:
        legs: Which leg is lifted in each stance, ``"near"`` or ``"far"``.
        hold_s: Seconds the foot is held fully up in each stance (a clinic's test is up to 30 s).
        lift_s: Seconds to lift the foot, and to set it down.
        rest_s: Both feet down between stances; longer than the checker's ``foot_down_dwell_s``.
        arms: One of ``synth.upright_poses.STANCE_ARMS``.
        thigh_flex_deg: The lifted thigh forward of vertical (taught: hanging vertical, the foot behind).
        touch_s: A ``foot_touch_down`` fault: the foot goes down this long (plus 0.3 s down and 0.3 s up).
        drop_deg: A ``hip_drop`` fault: the pelvis drop held for the middle third of the hold.
        lead_in_s: Standing still before the first stance.
        tail_s: Standing still after the last.
        faults: Injected faults, ``rep`` = the stance (1-based).
        jitter_deg: Natural sway of the pelvis, degrees.
        seed: Jitter seed.
    """

    exercise: ClassVar[str] = SINGLE_LEG_STANCE
    legs: tuple[str, ...] = ("near",)
    hold_s: float = 10.0
    lift_s: float = 0.8
    rest_s: float = 2.0
    arms: str = "hanging"
    thigh_flex_deg: float = 5.0
    touch_s: float = 0.15
    drop_deg: float = 15.0
    lead_in_s: float = 1.0
    tail_s: float = 1.2
    faults: tuple[Fault, ...] = ()
    jitter_deg: float = 0.6
    seed: int = 0

    def compile(self) -> Session:
        """Build the session trajectory and its truth."""
        if not self.legs or any(leg not in ("near", "far") for leg in self.legs):
            raise ValueError(f"legs must be 'near' or 'far', at least one, got {self.legs!r}")
        if self.arms not in STANCE_ARMS:
            raise ValueError(f"unknown arms {self.arms!r}; expected one of {STANCE_ARMS}")
        if self.hold_s < 6.0:
            raise ValueError(f"hold_s must be >= 6 s (a fault takes its middle third), got {self.hold_s!r}")
        by_rep = check_faults(SINGLE_LEG_STANCE, self.faults, len(self.legs))
        tl = Timeline({"lift": 0.0, "far_lifted": 0.0, "pelvis_drop_deg": 0.0, "support": 0.0})
        tl.hold(self.lead_in_s)
        reps, holds = [], []
        good = []
        for i, leg in enumerate(self.legs, start=1):
            codes = by_rep[i]
            # Which leg is up changes only while both feet are down.
            tl.move(0.1, far_lifted=1.0 if leg == "far" else 0.0)
            start = tl.t_s
            tl.move(self.lift_s, lift=1.0)
            h0 = tl.t_s
            third = self.hold_s / 3.0
            lost = 0.0
            if "foot_touch_down" in codes:
                tl.hold(third + 0.5)
                tl.move(0.3, lift=0.0)
                tl.hold(self.touch_s)
                tl.move(0.3, lift=1.0)
                tl.hold(self.hold_s - third - 1.1 - self.touch_s)
                # Good form is lost from half-way down to half-way back up.
                lost = 0.3 + self.touch_s
            elif codes & {"hip_drop", "arms_support"}:
                key = "pelvis_drop_deg" if "hip_drop" in codes else "support"
                value = self.drop_deg if key == "pelvis_drop_deg" else 1.0
                tl.hold(third - 0.4)
                tl.move(0.8, **{key: value})
                tl.hold(third - 0.8)
                tl.move(0.8, **{key: 0.0})
                tl.hold(third - 0.4)
                # Good form is lost from half-way into the fault to half-way out of it.
                lost = third
            else:
                tl.hold(self.hold_s)
            holds.append(Interval(h0, tl.t_s))
            good.append(self.hold_s - lost)
            tl.move(self.lift_s, lift=0.0)
            reps.append(Interval(start, tl.t_s, tuple(sorted(codes))))
            tl.hold(self.rest_s if i < len(self.legs) else self.tail_s)
        expected = {"reps": len(self.legs), "hold_s": float(max(good))}
        jitter = {"pelvis_drop_deg": self.jitter_deg}
        return Session(SINGLE_LEG_STANCE, tl, tl.t_s, reps, holds, expected, jitter, self.seed,
                       {"arms": self.arms, "thigh_flex_deg": str(self.thigh_flex_deg)})


def _single_leg_stance_pose(p: dict[str, float], props: BodyProportions, options: dict[str, str]) -> Pose:
    return single_leg_stance_pose(SingleLegStanceAngles(
        lift=float(np.clip(p["lift"], 0.0, 1.0)), lifted="far" if p["far_lifted"] > 0.5 else "near",
        pelvis_drop_deg=p["pelvis_drop_deg"], arms=options.get("arms", "hanging"),
        thigh_flex_deg=float(options.get("thigh_flex_deg", 5.0)),
        support=float(np.clip(p["support"], 0.0, 1.0))), props)


def stance_truth_series(poses: list[Pose]) -> dict[str, np.ndarray]:
    """Truth of a single-leg stance in the frontal (z, y) plane, from the drawn joints.

    Returns:
        ``foot_lift_ratio`` (the higher ankle above the other, over the standing leg's hip-ankle length),
        ``pelvis_drop_deg`` (the lifted side's hip below the standing one's) and ``hand_reach_ratio`` (the wrist
        furthest out from the midline, over trunk length), each (T,).
    """
    def j(name: str) -> np.ndarray:
        return np.stack([p.skeleton[name] for p in poses])

    near_up = j("near_ankle")[:, 1] > j("far_ankle")[:, 1]
    up, down = np.where(near_up, "near", "far"), np.where(near_up, "far", "near")
    pick = {s: {part: j(f"{s}_{part}") for part in ("ankle", "hip")} for s in ("near", "far")}

    def side(which: np.ndarray, part: str) -> np.ndarray:
        return np.where((which == "near")[:, None], pick["near"][part], pick["far"][part])

    leg = np.linalg.norm(side(down, "hip")[:, 1:] - side(down, "ankle")[:, 1:], axis=1)
    lift = (side(up, "ankle")[:, 1] - side(down, "ankle")[:, 1]) / leg
    hips = side(up, "hip") - side(down, "hip")
    drop = np.degrees(np.arctan2(-hips[:, 1], np.abs(hips[:, 2])))
    mid_sh = (j("near_shoulder") + j("far_shoulder")) / 2.0
    mid_hip = (j("near_hip") + j("far_hip")) / 2.0
    reach = np.maximum(np.abs(j("near_wrist")[:, 2] - mid_sh[:, 2]), np.abs(j("far_wrist")[:, 2] - mid_sh[:, 2]))
    return {"foot_lift_ratio": lift, "pelvis_drop_deg": drop,
            "hand_reach_ratio": reach / np.linalg.norm(mid_sh - mid_hip, axis=1)}


def stance_fault_intervals(session: Session, frames: dict[str, np.ndarray]) -> list[Interval]:
    """Truth fault intervals of a single-leg stance, measured on the drawn series while a foot is up."""
    t, th = frames["t_s"], THRESHOLDS[SINGLE_LEG_STANCE]
    in_stance = np.zeros(len(t), bool)
    for rep in session.reps:
        in_stance |= (t >= rep.start_s) & (t <= rep.end_s)
    lifted = np.zeros(len(t), bool)
    for hold in session.holds:
        lifted |= (t >= hold.start_s) & (t <= hold.end_s)
    masks = {
        "foot_touch_down": lifted & (frames["foot_lift_ratio"] <= th["foot_touch_max_ratio"]),
        "hip_drop": in_stance & (frames["pelvis_drop_deg"] >= th["pelvis_drop_min_deg"]),
        "arms_support": in_stance & (frames["hand_reach_ratio"] >= th["hand_reach_min_ratio"]),
    }
    return [Interval(a, b, (code,)) for code, mask in masks.items() for a, b in script.truth_runs(mask, t)]


FAULT_CODES[SINGLE_LEG_STANCE] = ("foot_touch_down", "hip_drop", "arms_support")
THRESHOLDS[SINGLE_LEG_STANCE] = {
    "foot_touch_max_ratio": 0.03,  # foot_touch_down while a held foot is this close to the floor
    "pelvis_drop_min_deg": 8.0,  # hip_drop when the lifted side's hip is this far below the standing one's
    "hand_reach_min_ratio": 1.0,  # arms_support when a wrist is this far out from the midline (trunk lengths)
    "rep_min_s": 0.0,  # a stance has no minimum tempo
}
POSE_BUILDERS[SINGLE_LEG_STANCE] = _single_leg_stance_pose
TRUTH_SERIES[SINGLE_LEG_STANCE] = stance_truth_series
TRUTH_FAULTS[SINGLE_LEG_STANCE] = stance_fault_intervals
MAX_YAW_DEG[SINGLE_LEG_STANCE] = FRONT_VIEW_YAW_DEG


def random_script(exercise: str, fault: str | None, rng: np.random.Generator, seed: int) -> SingleLegStanceScript:
    """A short randomised single-leg stance script with ``fault`` injected into one stance.

    One or two stances (either leg first), 6-12 s each: a clinic's test goes to 30 s, but the checker's timing
    does not depend on the length, and short holds keep the rendered suite cheap.
    """
    if exercise != SINGLE_LEG_STANCE:
        raise ValueError(f"no upright script for {exercise!r}; expected {SINGLE_LEG_STANCE!r}")
    n = int(rng.integers(1, 3))
    first = ("near", "far")[int(rng.integers(0, 2))]
    legs = (first, "far" if first == "near" else "near")[:n]
    faults = (Fault(fault, int(rng.integers(1, n + 1))),) if fault else ()
    return SingleLegStanceScript(legs=legs, hold_s=float(rng.uniform(6.0, 12.0)), lift_s=float(rng.uniform(0.6, 1.0)),
                                 rest_s=float(rng.uniform(1.5, 2.5)), arms=STANCE_ARMS[int(rng.integers(0, 2))],
                                 thigh_flex_deg=float(rng.uniform(0.0, 25.0)), touch_s=float(rng.uniform(0.1, 0.25)),
                                 drop_deg=float(rng.uniform(12.0, 18.0)), faults=faults, seed=seed)


def suite_views(exercise: str, views: list[View], pitch_rng: np.random.Generator | None = None) -> list[View]:
    """The views a suite films ``exercise`` from.

    A single-leg stance from the front, at each view's pitch and lens; an exercise filmed from a raised camera
    (``synth.camera.RAISED_PITCH_DEG``) at one pitch drawn from its range for all the views (from ``pitch_rng``,
    else the range's middle), at each view's yaw and lens; any other as the views are.
    """
    if exercise in camera.RAISED_PITCH_DEG:
        # One pitch for all the views, so the clips of one script differ by their yaw alone.
        low, high = camera.RAISED_PITCH_DEG[exercise]
        pitch = float(pitch_rng.uniform(low, high)) if pitch_rng is not None else (low + high) / 2
        return [View(v.yaw_deg, pitch, v.fov_deg) for v in views]
    if exercise != SINGLE_LEG_STANCE:
        return views
    front = [View(FRONT_VIEW_YAW_DEG, v.pitch_deg, v.fov_deg) for v in views]
    return [v for i, v in enumerate(front) if v not in front[:i]]
