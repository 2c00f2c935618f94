"""Scripted sessions of the floor exercises, with exact truth, registered in ``synth.script``'s tables.

Each exercise here gives a script (reps, tempo, holds, injected faults) compiling to a ``synth.script.Session``,
the pose of one frame's parameters, the truth series recomputed from the drawn joints, and the fault intervals
those series show. ``synth.script`` imports this module last, so its tables (and the rendered suite) know every
exercise whichever module is imported first.

Prone press-up: a rep leaves lying flat, straightens the arms to lift the chest, pauses at the top (the
end-range hold) and lowers again. Knee-to-chest: a rep draws the knee in from lying flat, holds it (the hold) and
lets it go.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from synth import camera, script
from synth.floor_poses import KneeToChestAngles, PronePressUpAngles, knee_to_chest_pose, prone_press_up_pose
from synth.poses import Pose
from synth.script import Fault, Interval, Session, Timeline
from synth.skeleton import BodyProportions, interior_angle_deg

PRONE_PRESS_UP = "prone_press_up"
KNEE_TO_CHEST = "knee_to_chest"

FAULT_CODES: dict[str, tuple[str, ...]] = {
    PRONE_PRESS_UP: ("hips_lifting", "arms_not_straight"),
    KNEE_TO_CHEST: ("other_leg_lifting", "head_shoulders_lifting"),
}

#: Thresholds the truth uses to mark fault intervals, units in names.
THRESHOLDS: dict[str, dict[str, float]] = {
    PRONE_PRESS_UP: {
        "thigh_rise_min_deg": 18.0,  # hips_lifting while the drawn knee->hip line rises this far or more
        "elbow_straight_min_deg": 150.0,  # arms_not_straight when a rep's straightest elbow stays below this
        "rep_min_s": 0.0,  # no tempo fault is scripted
    },
    KNEE_TO_CHEST: {
        "other_leg_lift_min_deg": 25.0,  # other_leg_lifting while the far hip->ankle line rises this far or more
        "trunk_rise_min_deg": 15.0,  # head_shoulders_lifting while the hip->shoulder line rises this far or more
        "rep_min_s": 0.0,
    },
}

#: Yaw each exercise can be filmed at: lying along x, like the nerve glide, the bends are seen edge-on from the
#: front, so at most 60 degrees round from the side.
MAX_YAW_DEG: dict[str, float] = {PRONE_PRESS_UP: 60.0, KNEE_TO_CHEST: 60.0}


def elevation_deg(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Angle of (T, 2) start->end above the horizontal, y up, whichever way it points."""
    d = end - start
    return np.degrees(np.arctan2(d[..., 1], np.abs(d[..., 0])))


def joint_track(poses: list[Pose], name: str) -> np.ndarray:
    """(T, 2) drawn position of one joint over the poses."""
    return np.stack([p.skeleton[name][:2] for p in poses])


@dataclass(frozen=True)
class PronePressUpScript:
    """Prone press-up session, facing the floor, hands planted by the head.

    Defaults follow a McKenzie prescription: slow, a second or two up, a pause of about 2 s at the top with the
    arms straight and the pelvis on the floor, down again, a breath between reps.

    Attributes:
        reps: Number of reps.
        up_s: Seconds from lying to the top (and as long back down).
        top_hold_s: Pause at the top of each rep.
        pause_s: Lying between reps.
        full_rise_deg: Hip->shoulder rise at the top of a full rep (arms straight).
        short_rise_deg: Rise at the top of an ``arms_not_straight`` rep (elbows still bent).
        hip_lift: How far (body heights) the hips come up in a ``hips_lifting`` rep, at the top.
        lead_in_s: Lying still before the first rep.
        tail_s: Lying still after the last rep.
        faults: Injected faults.
        jitter_deg: Natural sway of the rise.
        seed: Jitter seed.
        settle_rise_deg: The clip opens as the person settles onto the mat from this small lift (trunk a little up,
            not a rep): a camera sees someone arrive in position, and the pose model finds a body lying flat on its
            face far more surely when it has followed it down than in a first frame.
    """

    exercise: ClassVar[str] = PRONE_PRESS_UP
    reps: int = 4
    up_s: float = 1.6
    top_hold_s: float = 2.0
    pause_s: float = 1.0
    full_rise_deg: float = 45.0
    short_rise_deg: float = 32.0
    hip_lift: float = 0.09
    lead_in_s: float = 0.8
    tail_s: float = 0.8
    faults: tuple[Fault, ...] = ()
    jitter_deg: float = 0.5
    seed: int = 0
    settle_rise_deg: float = 14.0

    def compile(self) -> Session:
        """Build the session trajectory and its truth."""
        if self.reps < 1:
            raise ValueError(f"reps must be >= 1, got {self.reps!r}")
        if not 15.0 <= self.short_rise_deg < self.full_rise_deg <= 60.0:
            raise ValueError(f"need 15 <= short_rise_deg < full_rise_deg <= 60, got {self.short_rise_deg!r} and "
                             f"{self.full_rise_deg!r}")
        by_rep = script.check_faults(PRONE_PRESS_UP, self.faults, self.reps)
        tl = Timeline({"rise_deg": self.settle_rise_deg, "hip_lift": 0.0, "neck_deg": 0.0})
        if self.settle_rise_deg > 0:
            tl.hold(0.3)
            tl.move(0.8, rise_deg=0.0)
        tl.hold(self.lead_in_s)
        reps, holds = [], []
        for i in range(1, self.reps + 1):
            codes = by_rep[i]
            rise = self.short_rise_deg if "arms_not_straight" in codes else self.full_rise_deg
            start = tl.t_s
            tl.move(self.up_s, rise_deg=rise, neck_deg=10.0)
            if "hips_lifting" in codes:
                # At the top the pelvis comes up off the floor for a while, then settles before the way down.
                tl.move(0.5, hip_lift=self.hip_lift)
                tl.hold(max(self.top_hold_s, 1.5))
                tl.move(0.5, hip_lift=0.0)
            else:
                h0 = tl.t_s
                tl.hold(self.top_hold_s)
                if "arms_not_straight" not in codes:
                    holds.append(Interval(h0, tl.t_s, label="top"))
            tl.move(self.up_s, rise_deg=0.0, neck_deg=0.0)
            reps.append(Interval(start, tl.t_s, tuple(sorted(codes))))
            tl.hold(self.pause_s if i < self.reps else self.tail_s)
        expected = {"reps": self.reps, "hold_s": max((h.end_s - h.start_s for h in holds), default=0.0)}
        return Session(PRONE_PRESS_UP, tl, tl.t_s, reps, holds, expected, {"rise_deg": self.jitter_deg}, self.seed,
                       {"full_rise_deg": str(self.full_rise_deg)})


def _prone_press_up_pose(p: dict[str, float], props: BodyProportions, options: dict[str, str]) -> Pose:
    return prone_press_up_pose(PronePressUpAngles(rise_deg=p["rise_deg"], full_rise_deg=float(options["full_rise_deg"]),
                                                  hip_lift=p["hip_lift"], neck_deg=p["neck_deg"]), props)


def _prone_press_up_truth(poses: list[Pose]) -> dict[str, np.ndarray]:
    """Drawn angles: the trunk's rise (midline), the near thigh's rise, their difference and the near elbow."""
    hip, shoulder = joint_track(poses, "near_hip"), joint_track(poses, "near_shoulder")
    knee = joint_track(poses, "near_knee")
    trunk, thigh = elevation_deg(hip, shoulder), elevation_deg(knee, hip)
    return {"trunk_rise_deg": trunk, "thigh_rise_deg": thigh, "trunk_over_thigh_deg": trunk - thigh,
            "elbow_deg": interior_angle_deg(shoulder, joint_track(poses, "near_elbow"),
                                            joint_track(poses, "near_wrist"))}



def _prone_press_up_faults(session: Session, frames: dict[str, np.ndarray]) -> list[Interval]:
    t, th = frames["t_s"], THRESHOLDS[PRONE_PRESS_UP]
    lifted = frames["thigh_rise_deg"] >= th["thigh_rise_min_deg"]
    out = [Interval(a, b, ("hips_lifting",)) for a, b in script.truth_runs(lifted, t)]
    for rep in session.reps:
        inside = (t >= rep.start_s) & (t <= rep.end_s)
        if inside.any() and float(np.max(frames["elbow_deg"][inside])) < th["elbow_straight_min_deg"]:
            out.append(Interval(rep.start_s, rep.end_s, ("arms_not_straight",)))
    return out


@dataclass(frozen=True)
class KneeToChestScript:
    """Supine knee-to-chest session (single: one knee hugged in, by default the near one, the other leg flat).

    Defaults follow a home programme, shortened: the knee drawn in over a second or two and held (15-60 s is
    prescribed; a few seconds keeps clips short), released, a pause lying flat.

    Attributes:
        reps: Number of holds.
        pull_s: Seconds to draw the knee in (and as long to let it go).
        hold_s: Hold with the knee in.
        pause_s: Lying flat between holds.
        hug_hip_deg: Near hip angle with the knee hugged in.
        fault_deg: How far the fault goes: the far leg lifts (hip angle 180 less this), or the head and shoulders
            curl up (the hip->shoulder line rises this far).
        lead_in_s: Lying still before the first hold.
        tail_s: Lying still after the last.
        faults: Injected faults (during the hold's middle).
        jitter_deg: Natural sway of the hugged hip.
        raised_leg: ``"near"`` or ``"far"``: the hugged leg, as the camera sees it (the truth's angles are that
            leg's either way).
        seed: Jitter seed.
    """

    exercise: ClassVar[str] = KNEE_TO_CHEST
    reps: int = 2
    pull_s: float = 1.4
    hold_s: float = 6.0
    pause_s: float = 1.0
    hug_hip_deg: float = 50.0
    fault_deg: float = 35.0
    lead_in_s: float = 0.8
    tail_s: float = 0.8
    faults: tuple[Fault, ...] = ()
    jitter_deg: float = 0.6
    raised_leg: str = "near"
    seed: int = 0

    def compile(self) -> Session:
        """Build the session trajectory and its truth."""
        if self.reps < 1:
            raise ValueError(f"reps must be >= 1, got {self.reps!r}")
        script.check_raised_leg(self.raised_leg)
        # Holds shorter than the spec's hold_min_s (5 s) are not reported, so a shorter scripted one has no truth.
        if not 35.0 <= self.hug_hip_deg <= 65.0 or self.hold_s < 5.0:
            raise ValueError(f"need hug_hip_deg in [35, 65] and hold_s >= 5, got {self.hug_hip_deg!r} and "
                             f"{self.hold_s!r}")
        by_rep = script.check_faults(KNEE_TO_CHEST, self.faults, self.reps)
        tl = Timeline({"hip_deg": 178.0, "knee_deg": 176.0, "other_hip_deg": 180.0, "trunk_lift_deg": 0.0})
        tl.hold(self.lead_in_s)
        reps, holds = [], []
        for i in range(1, self.reps + 1):
            codes = by_rep[i]
            start = tl.t_s
            tl.move(self.pull_s, hip_deg=self.hug_hip_deg, knee_deg=50.0)
            h0 = tl.t_s
            if codes:
                # The fault comes in for the middle of the hold: lift over 0.8 s, stay, settle back.
                fault = {"other_leg_lifting": {"other_hip_deg": 180.0 - self.fault_deg},
                         "head_shoulders_lifting": {"trunk_lift_deg": self.fault_deg}}[next(iter(codes))]
                back = {k: (180.0 if k == "other_hip_deg" else 0.0) for k in fault}
                third = (self.hold_s - 1.6) / 3.0
                tl.hold(third)
                tl.move(0.8, **fault)
                tl.hold(third)
                tl.move(0.8, **back)
                tl.hold(third)
            else:
                tl.hold(self.hold_s)
                holds.append(Interval(h0, tl.t_s, label="knee in"))
            tl.move(self.pull_s, hip_deg=178.0, knee_deg=176.0)
            reps.append(Interval(start, tl.t_s, tuple(sorted(codes))))
            tl.hold(self.pause_s if i < self.reps else self.tail_s)
        expected = {"reps": self.reps, "hold_s": max((h.end_s - h.start_s for h in holds), default=0.0)}
        return Session(KNEE_TO_CHEST, tl, tl.t_s, reps, holds, expected, {"hip_deg": self.jitter_deg}, self.seed,
                       {"raised_leg": self.raised_leg})


def _knee_to_chest_pose(p: dict[str, float], props: BodyProportions, options: dict[str, str]) -> Pose:
    return script.with_raised_leg(knee_to_chest_pose(KneeToChestAngles(
        hip_deg=p["hip_deg"], knee_deg=p["knee_deg"], other_hip_deg=p["other_hip_deg"],
        trunk_lift_deg=p["trunk_lift_deg"]), props), options)


def _knee_to_chest_truth(poses: list[Pose]) -> dict[str, np.ndarray]:
    """Drawn angles: the near hip, the far leg's hip->ankle rise and the trunk's rise."""
    hip, shoulder = joint_track(poses, "near_hip"), joint_track(poses, "near_shoulder")
    return {"hip_deg": interior_angle_deg(shoulder, hip, joint_track(poses, "near_knee")),
            "other_leg_lift_deg": elevation_deg(joint_track(poses, "far_hip"), joint_track(poses, "far_ankle")),
            "trunk_rise_deg": elevation_deg(hip, shoulder)}


def _knee_to_chest_faults(session: Session, frames: dict[str, np.ndarray]) -> list[Interval]:
    t, th = frames["t_s"], THRESHOLDS[KNEE_TO_CHEST]
    return ([Interval(a, b, ("other_leg_lifting",))
             for a, b in script.truth_runs(frames["other_leg_lift_deg"] >= th["other_leg_lift_min_deg"], t)]
            + [Interval(a, b, ("head_shoulders_lifting",))
               for a, b in script.truth_runs(frames["trunk_rise_deg"] >= th["trunk_rise_min_deg"], t)])


def random_script(exercise: str, fault: str | None, rng: np.random.Generator,
                  seed: int) -> PronePressUpScript | KneeToChestScript:
    """A short randomised script of a floor exercise with ``fault`` injected into one rep (the rendered suite's).

    Knee-to-chest: 2 holds of 5-7 s, the knee drawn in over 1-1.6 s to a hip angle of 40-52 degrees, a fault
    going 25-35 degrees. Press-up: 3-4 reps, 1.2-2 s up and down, 1.5-3 s at the top, a full rise of 42-50
    degrees and a short one of 30-34 (elbows bent at about 100-115), hips lifted 8-10 cm per metre of height.
    """
    if exercise not in FAULT_CODES:
        raise ValueError(f"unknown floor exercise {exercise!r}; expected one of {tuple(FAULT_CODES)}")
    if exercise == KNEE_TO_CHEST:
        reps = 2
        faults = (Fault(fault, int(rng.integers(1, reps + 1))),) if fault else ()
        raised = script.random_raised_leg(seed, 137)  # either knee hugged
        return KneeToChestScript(reps=reps, pull_s=float(rng.uniform(1.0, 1.6)), hold_s=float(rng.uniform(5.0, 7.0)),
                                 pause_s=float(rng.uniform(0.6, 1.2)), hug_hip_deg=float(rng.uniform(40.0, 52.0)),
                                 fault_deg=float(rng.uniform(25.0, 35.0)), faults=faults, raised_leg=raised, seed=seed)
    reps = int(rng.integers(3, 5))
    faults = (Fault(fault, int(rng.integers(1, reps + 1))),) if fault else ()
    return PronePressUpScript(reps=reps, up_s=float(rng.uniform(1.2, 2.0)), top_hold_s=float(rng.uniform(1.5, 3.0)),
                              pause_s=float(rng.uniform(0.6, 1.5)), full_rise_deg=float(rng.uniform(42.0, 50.0)),
                              short_rise_deg=float(rng.uniform(30.0, 34.0)), hip_lift=float(rng.uniform(0.08, 0.10)),
                              faults=faults, seed=seed)


def _register() -> None:
    """Add the floor exercises to the tables ``synth.script``, ``synth.render`` and ``synth.camera`` look up."""
    script.EXERCISES = (*script.EXERCISES, *(e for e in FAULT_CODES if e not in script.EXERCISES))
    script.FAULT_CODES.update(FAULT_CODES)
    script.THRESHOLDS.update(THRESHOLDS)
    script.POSE_BUILDERS[PRONE_PRESS_UP] = _prone_press_up_pose
    script.TRUTH_SERIES[PRONE_PRESS_UP] = _prone_press_up_truth
    script.TRUTH_FAULTS[PRONE_PRESS_UP] = _prone_press_up_faults
    script.POSE_BUILDERS[KNEE_TO_CHEST] = _knee_to_chest_pose
    script.TRUTH_SERIES[KNEE_TO_CHEST] = _knee_to_chest_truth
    script.TRUTH_FAULTS[KNEE_TO_CHEST] = _knee_to_chest_faults
    camera.MAX_YAW_DEG.update(MAX_YAW_DEG)


_register()
