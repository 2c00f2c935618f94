"""Scripted sessions of the sphinx (prone on elbows) and the bird dog, with exact truth, in ``synth.script``'s tables.

As ``synth.floor_scripts``: each exercise gives a script compiling to a ``synth.script.Session``, the pose of one
frame's parameters, the truth series recomputed from the drawn joints and the fault intervals they show.

Sphinx: a rep comes up onto the forearms from lying, holds (the hold) and lies down again; a fault comes in for the
middle third of its hold. Bird dog: a rep reaches one arm and the opposite leg out, pauses and comes back, the
diagonals alternating; a fault is how that rep's reach goes.

Open book: lying on the side, filmed from the front (the chest towards the camera); a rep turns the chest open
towards the ceiling, pauses and turns back; a fault is how that rep goes (a small turn, or the top knee lifting
off the bottom one as the chest opens). The mannequin draws the side-lying trunk rolled about its spine
(``Skeleton.trunk_roll_deg``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from synth import camera, floor_scripts, script
from synth.poses import Pose
from synth.prone_side_poses import (
    BirdDogAngles,
    OpenBookAngles,
    SphinxAngles,
    bird_dog_pose,
    open_book_pose,
    sphinx_pose,
)
from synth.script import Fault, Interval, Session, Timeline
from synth.skeleton import BodyProportions

PRONE_ON_ELBOWS = "prone_on_elbows"
BIRD_DOG = "bird_dog"
OPEN_BOOK = "open_book"

FAULT_CODES: dict[str, tuple[str, ...]] = {
    PRONE_ON_ELBOWS: ("elbows_ahead_of_shoulders", "neck_extension"),
    BIRD_DOG: ("small_reach", "back_sagging", "hips_hiking"),
    OPEN_BOOK: ("small_rotation", "knees_separating"),
}

#: Thresholds the truth uses to mark fault intervals, units in names.
THRESHOLDS: dict[str, dict[str, float]] = {
    PRONE_ON_ELBOWS: {
        "elbow_ahead_min_ratio": 0.2,  # elbows_ahead_of_shoulders while the drawn elbow is this far ahead (trunks)
        "neck_min_deg": 22.0,  # neck_extension while the head is tipped back this far from the upper back
        "rep_min_s": 0.0,  # no tempo fault is scripted
    },
    BIRD_DOG: {
        "reach_work_min_deg": 65.0,  # small_reach when a rep's reach (lesser limb, from hanging) stays below this
        "thigh_above_level_min_deg": 15.0,  # back_sagging while the raised thigh is this far above level
        "hip_hike_min_ratio": 0.12,  # hips_hiking while the lifted leg's hip is this far above the other (trunks)
        "rep_min_s": 0.0,
    },
    OPEN_BOOK: {
        "open_max_ratio": 0.35,  # small_rotation when a rep's drawn shoulder split stays above this (trunks)
        "knee_gap_min_ratio": 0.5,  # knees_separating while the drawn knees are this far apart (trunks)
        "rep_min_s": 0.0,
    },
}

#: The sphinx and the bird dog are filmed from the side like the press-up and the cat-cow; the open book from the
#: front (its default camera, yaw 0, faces the chest), where the shoulders' split shows the turn.
MAX_YAW_DEG: dict[str, float] = {PRONE_ON_ELBOWS: 60.0, BIRD_DOG: 60.0, OPEN_BOOK: 20.0}


@dataclass(frozen=True)
class SphinxScript:
    """Sphinx session: up onto the forearms, hold, down.

    Attributes:
        reps: Number of holds.
        up_s: Seconds to come up (and as long to lie down).
        hold_s: Hold propped up (30 s to minutes are prescribed; a few seconds keep clips short).
        pause_s: Lying between holds.
        fault_elbow_ahead: Elbows walked ahead in an ``elbows_ahead_of_shoulders`` hold (body heights).
        fault_neck_deg: Head tipped back in a ``neck_extension`` hold.
        lead_in_s: Lying still before the first hold.
        tail_s: Lying still after the last.
        faults: Injected faults (the middle third of their hold).
        jitter_deg: Natural sway of the neck.
        seed: Jitter seed.
    """

    exercise: ClassVar[str] = PRONE_ON_ELBOWS
    reps: int = 2
    up_s: float = 1.2
    hold_s: float = 6.0
    pause_s: float = 1.0
    fault_elbow_ahead: float = 0.11
    fault_neck_deg: float = 40.0
    lead_in_s: float = 0.8
    tail_s: float = 0.8
    faults: tuple[Fault, ...] = ()
    jitter_deg: float = 0.8
    seed: int = 0

    def compile(self) -> Session:
        """Build the session trajectory and its truth."""
        if self.reps < 1 or self.hold_s < 5.0:
            raise ValueError(f"need reps >= 1 and hold_s >= 5 (the spec's hold_min_s), got {self.reps!r} and "
                             f"{self.hold_s!r}")
        by_rep = script.check_faults(PRONE_ON_ELBOWS, self.faults, self.reps)
        tl = Timeline({"up": 0.0, "elbow_ahead": 0.0, "neck_deg": 0.0})
        tl.hold(self.lead_in_s)
        reps, holds = [], []
        for i in range(1, self.reps + 1):
            start = tl.t_s
            tl.move(self.up_s, up=1.0)
            h0 = tl.t_s
            fault = next(iter(by_rep[i]), None)
            if fault:
                into = {"elbows_ahead_of_shoulders": {"elbow_ahead": self.fault_elbow_ahead},
                        "neck_extension": {"neck_deg": self.fault_neck_deg}}[fault]
                third = (self.hold_s - 1.6) / 3.0
                tl.hold(third)
                tl.move(0.8, **into)
                tl.hold(third)
                tl.move(0.8, **{k: 0.0 for k in into})
                tl.hold(third)
            else:
                tl.hold(self.hold_s)
                holds.append(Interval(h0, tl.t_s, label="up on the elbows"))
            tl.move(self.up_s, up=0.0)
            reps.append(Interval(start, tl.t_s, tuple(sorted(by_rep[i]))))
            tl.hold(self.pause_s if i < self.reps else self.tail_s)
        expected = {"reps": self.reps, "hold_s": max((h.end_s - h.start_s for h in holds), default=0.0)}
        return Session(PRONE_ON_ELBOWS, tl, tl.t_s, reps, holds, expected, {"neck_deg": self.jitter_deg}, self.seed)


def _sphinx_pose(p: dict[str, float], props: BodyProportions, options: dict[str, str]) -> Pose:
    return sphinx_pose(SphinxAngles(up=p["up"], elbow_ahead=p["elbow_ahead"], neck_deg=p["neck_deg"]), props)


def _sphinx_truth(poses: list[Pose]) -> dict[str, np.ndarray]:
    """Drawn trunk rise, the near elbow's lead over its shoulder (trunk lengths) and the head's tilt back."""
    track, elev = floor_scripts.joint_track, floor_scripts.elevation_deg
    hip, shoulder = track(poses, "near_hip"), track(poses, "near_shoulder")
    trunk = np.hypot(*(shoulder - hip).T)
    rise = elev(hip, shoulder)
    head = np.array([p.skeleton.head_dir_deg for p in poses])
    ahead = (track(poses, "near_elbow")[:, 0] - shoulder[:, 0]) / trunk
    return {"trunk_rise_deg": rise, "elbow_ahead_ratio": ahead,
            "neck_deg": head - np.degrees(np.arctan2(*(shoulder - hip).T[::-1]))}


def _sphinx_faults(session: Session, frames: dict[str, np.ndarray]) -> list[Interval]:
    t, th = frames["t_s"], THRESHOLDS[PRONE_ON_ELBOWS]
    marks = (("elbows_ahead_of_shoulders", frames["elbow_ahead_ratio"] >= th["elbow_ahead_min_ratio"]),
             ("neck_extension", frames["neck_deg"] >= th["neck_min_deg"]))
    return [Interval(a, b, (code,)) for code, mask in marks for a, b in script.truth_runs(mask, t)]


@dataclass(frozen=True)
class BirdDogScript:
    """Bird dog session: reaches alternating diagonals (near arm and far leg first).

    Attributes:
        reps: Number of reaches.
        reach_s: Seconds out (and as long back).
        top_s: Pause reached out.
        pause_s: On all fours between reaches.
        arm_deg, leg_deg: A full reach from hanging (90 is level).
        small_deg: Arm and leg reach of a ``small_reach`` rep.
        kick_deg: The leg of a ``back_sagging`` rep, past level (the back sags with it).
        hike: Hip hike of a ``hips_hiking`` rep (body heights).
        lead_in_s: Still before the first reach.
        tail_s: Still after the last.
        faults: Injected faults.
        jitter_deg: Natural sway of the arm.
        seed: Jitter seed.
    """

    exercise: ClassVar[str] = BIRD_DOG
    reps: int = 4
    reach_s: float = 1.4
    top_s: float = 1.5
    pause_s: float = 0.8
    arm_deg: float = 88.0
    leg_deg: float = 88.0
    small_deg: float = 55.0
    kick_deg: float = 120.0
    hike: float = 0.06
    lead_in_s: float = 0.8
    tail_s: float = 0.8
    faults: tuple[Fault, ...] = ()
    jitter_deg: float = 1.0
    seed: int = 0

    def compile(self) -> Session:
        """Build the session trajectory and its truth."""
        if self.reps < 1 or not 48.0 <= self.small_deg <= 60.0 or self.kick_deg < 110.0:
            raise ValueError(f"need reps >= 1, small_deg in [48, 60] (past half way to the work zone, short of it) "
                             f"and kick_deg >= 110, got {self.reps!r}, {self.small_deg!r}, {self.kick_deg!r}")
        by_rep = script.check_faults(BIRD_DOG, self.faults, self.reps)
        rest = {"arm_deg": 0.0, "leg_deg": 0.0, "diagonal": 1.0, "hip_hike": 0.0, "spine_flexion_deg": 0.0}
        tl = Timeline(rest)
        tl.hold(self.lead_in_s)
        reps = []
        for i in range(1, self.reps + 1):
            codes = by_rep[i]
            # The diagonal changes while both limbs are down: a step, not a blend.
            tl.move(0.05, diagonal=1.0 if i % 2 else -1.0)
            top = {"arm_deg": self.arm_deg, "leg_deg": self.leg_deg}
            if "small_reach" in codes:
                top = {"arm_deg": self.small_deg, "leg_deg": self.small_deg + 3.0}
            if "back_sagging" in codes:
                top.update(leg_deg=self.kick_deg, spine_flexion_deg=-20.0)
            if "hips_hiking" in codes:
                top.update(hip_hike=self.hike)
            start = tl.t_s
            tl.move(self.reach_s, **top)
            tl.hold(self.top_s)
            tl.move(self.reach_s, **{k: rest[k] for k in top})
            reps.append(Interval(start, tl.t_s, tuple(sorted(codes))))
            tl.hold(self.pause_s if i < self.reps else self.tail_s)
        # Every reach, the small one included: readers leave out the reps carrying the spec's partial fault
        # (bench.accuracy does), as for the cat-cow's small cycle.
        expected = {"reps": self.reps, "hold_s": 0.0}
        return Session(BIRD_DOG, tl, tl.t_s, reps, [], expected, {"arm_deg": self.jitter_deg}, self.seed)


def _bird_dog_pose(p: dict[str, float], props: BodyProportions, options: dict[str, str]) -> Pose:
    return bird_dog_pose(BirdDogAngles(arm_deg=p["arm_deg"], leg_deg=p["leg_deg"],
                                       diagonal=1 if p["diagonal"] >= 0 else -1, hip_hike=p["hip_hike"],
                                       spine_flexion_deg=p["spine_flexion_deg"]), props)


def _bird_dog_truth(poses: list[Pose]) -> dict[str, np.ndarray]:
    """Drawn reach, the higher thigh's rise and the hip hike (trunk lengths).

    The reach is the lesser of the higher arm and the higher thigh, from hanging; the hike is the lifted leg's hip
    above the other.
    """
    track, elev = floor_scripts.joint_track, floor_scripts.elevation_deg

    def higher(part_a: str, part_b: str) -> np.ndarray:
        return np.maximum(*(elev(track(poses, f"{s}_{part_a}"), track(poses, f"{s}_{part_b}"))
                            for s in ("near", "far")))

    thigh = higher("hip", "knee")
    hip = (track(poses, "near_hip") + track(poses, "far_hip")) / 2.0
    shoulder = (track(poses, "near_shoulder") + track(poses, "far_shoulder")) / 2.0
    near_up = track(poses, "near_knee")[:, 1] > track(poses, "far_knee")[:, 1]
    split = track(poses, "near_hip")[:, 1] - track(poses, "far_hip")[:, 1]
    return {"reach_deg": np.minimum(higher("shoulder", "wrist"), thigh) + 90.0, "raised_thigh_rise_deg": thigh,
            "hip_hike_ratio": np.where(near_up, split, -split) / np.hypot(*(shoulder - hip).T)}


def _bird_dog_faults(session: Session, frames: dict[str, np.ndarray]) -> list[Interval]:
    t, th = frames["t_s"], THRESHOLDS[BIRD_DOG]
    marks = (("back_sagging", frames["raised_thigh_rise_deg"] >= th["thigh_above_level_min_deg"]),
             ("hips_hiking", frames["hip_hike_ratio"] >= th["hip_hike_min_ratio"]))
    out = [Interval(a, b, (code,)) for code, mask in marks for a, b in script.truth_runs(mask, t)]
    for rep in session.reps:
        inside = (t >= rep.start_s) & (t <= rep.end_s)
        if inside.any() and float(np.max(frames["reach_deg"][inside])) < th["reach_work_min_deg"]:
            out.append(Interval(rep.start_s, rep.end_s, ("small_reach",)))
    return out


@dataclass(frozen=True)
class OpenBookScript:
    """Open book session: the chest turns open towards the ceiling and back, the knees stacked.

    Attributes:
        reps: Number of turns.
        open_s: Seconds to turn open (and as long back).
        top_s: Pause turned open.
        pause_s: Stacked between turns.
        turn_deg: A full turn of the chest from facing the camera (90 faces the ceiling).
        small_deg: The turn of a ``small_rotation`` rep.
        knee_lift: How far the top knee lifts in a ``knees_separating`` rep (body heights).
        lead_in_s: Still before the first turn.
        tail_s: Still after the last.
        faults: Injected faults.
        jitter_deg: Natural sway of the chest.
        seed: Jitter seed.
    """

    exercise: ClassVar[str] = OPEN_BOOK
    reps: int = 3
    open_s: float = 1.5
    top_s: float = 1.0
    pause_s: float = 0.8
    turn_deg: float = 80.0
    small_deg: float = 52.0
    knee_lift: float = 0.1
    lead_in_s: float = 0.8
    tail_s: float = 0.8
    faults: tuple[Fault, ...] = ()
    jitter_deg: float = 1.0
    seed: int = 0

    def compile(self) -> Session:
        """Build the session trajectory and its truth."""
        if self.reps < 1 or not 45.0 <= self.small_deg <= 58.0 or self.turn_deg < 70.0 or self.knee_lift < 0.07:
            raise ValueError(f"need reps >= 1, small_deg in [45, 58] (past the partial edge, short of open), "
                             f"turn_deg >= 70 and knee_lift >= 0.07, got {self.reps!r}, {self.small_deg!r}, "
                             f"{self.turn_deg!r}, {self.knee_lift!r}")
        by_rep = script.check_faults(OPEN_BOOK, self.faults, self.reps)
        rest = {"turn_deg": 0.0, "knee_lift": 0.0}
        tl = Timeline(rest)
        tl.hold(self.lead_in_s)
        reps = []
        for i in range(1, self.reps + 1):
            codes = by_rep[i]
            top = {"turn_deg": self.small_deg if "small_rotation" in codes else self.turn_deg}
            if "knees_separating" in codes:
                top["knee_lift"] = self.knee_lift
            start = tl.t_s
            tl.move(self.open_s, **top)
            tl.hold(self.top_s)
            tl.move(self.open_s, **rest)
            reps.append(Interval(start, tl.t_s, tuple(sorted(codes))))
            tl.hold(self.pause_s if i < self.reps else self.tail_s)
        # Every turn, the small one included: readers leave out the reps carrying the spec's partial fault.
        expected = {"reps": self.reps, "hold_s": 0.0}
        return Session(OPEN_BOOK, tl, tl.t_s, reps, [], expected, {"turn_deg": self.jitter_deg}, self.seed)


def _open_book_pose(p: dict[str, float], props: BodyProportions, options: dict[str, str]) -> Pose:
    return open_book_pose(OpenBookAngles(turn_deg=p["turn_deg"], knee_lift=p["knee_lift"]), props)


def _open_book_truth(poses: list[Pose]) -> dict[str, np.ndarray]:
    """Drawn shoulder split and knee gap as the camera in front sees them (x, y), over the top side's trunk."""
    track = floor_scripts.joint_track
    trunk = np.hypot(*(track(poses, "near_shoulder") - track(poses, "near_hip")).T)
    split = np.abs(track(poses, "near_shoulder")[:, 1] - track(poses, "far_shoulder")[:, 1])
    gap = np.hypot(*(track(poses, "near_knee") - track(poses, "far_knee")).T)
    return {"shoulder_stack_ratio": split / trunk, "knee_stack_gap_ratio": gap / trunk}


def _open_book_faults(session: Session, frames: dict[str, np.ndarray]) -> list[Interval]:
    t, th = frames["t_s"], THRESHOLDS[OPEN_BOOK]
    mask = frames["knee_stack_gap_ratio"] >= th["knee_gap_min_ratio"]
    out = [Interval(a, b, ("knees_separating",)) for a, b in script.truth_runs(mask, t)]
    for rep in session.reps:
        inside = (t >= rep.start_s) & (t <= rep.end_s)
        if inside.any() and float(np.min(frames["shoulder_stack_ratio"][inside])) > th["open_max_ratio"]:
            out.append(Interval(rep.start_s, rep.end_s, ("small_rotation",)))
    return out


def random_script(exercise: str, fault: str | None, rng: np.random.Generator,
                  seed: int) -> SphinxScript | BirdDogScript | OpenBookScript:
    """A short randomised script with ``fault`` injected into one rep (the rendered suite's).

    Sphinx: 2 holds of 5-7 s, up in 0.9-1.5 s, elbows walked 0.09-0.12 body heights ahead or the head tipped back
    32-45 degrees. Bird dog: 3-4 reaches of 1-1.6 s out with 1-2 s reached, a full reach 82-92 degrees, a small
    one 50-58, a kick 115-125 and a hip hike of 5-7 cm per metre of height. Open book: 2-3 turns of 1.2-1.8 s
    each way with 0.8-1.5 s open, a full turn 75-85 degrees, a small one 48-55, the top knee lifted 8-12 cm per
    metre of height.
    """
    if exercise not in FAULT_CODES:
        raise ValueError(f"unknown exercise {exercise!r}; expected one of {tuple(FAULT_CODES)}")
    if exercise == PRONE_ON_ELBOWS:
        faults = (Fault(fault, int(rng.integers(1, 3))),) if fault else ()
        return SphinxScript(reps=2, up_s=float(rng.uniform(0.9, 1.5)), hold_s=float(rng.uniform(5.0, 7.0)),
                            pause_s=float(rng.uniform(0.6, 1.2)), fault_elbow_ahead=float(rng.uniform(0.09, 0.12)),
                            fault_neck_deg=float(rng.uniform(32.0, 45.0)), faults=faults, seed=seed)
    if exercise == OPEN_BOOK:
        reps = int(rng.integers(2, 4))
        faults = (Fault(fault, int(rng.integers(1, reps + 1))),) if fault else ()
        return OpenBookScript(reps=reps, open_s=float(rng.uniform(1.2, 1.8)), top_s=float(rng.uniform(0.8, 1.5)),
                              pause_s=float(rng.uniform(0.6, 1.2)), turn_deg=float(rng.uniform(75.0, 85.0)),
                              small_deg=float(rng.uniform(48.0, 55.0)), knee_lift=float(rng.uniform(0.08, 0.12)),
                              faults=faults, seed=seed)
    reps = int(rng.integers(3, 5))
    faults = (Fault(fault, int(rng.integers(1, reps + 1))),) if fault else ()
    return BirdDogScript(reps=reps, reach_s=float(rng.uniform(1.0, 1.6)), top_s=float(rng.uniform(1.0, 2.0)),
                         pause_s=float(rng.uniform(0.6, 1.2)), arm_deg=float(rng.uniform(82.0, 92.0)),
                         leg_deg=float(rng.uniform(82.0, 92.0)), small_deg=float(rng.uniform(50.0, 58.0)),
                         kick_deg=float(rng.uniform(115.0, 125.0)), hike=float(rng.uniform(0.05, 0.07)),
                         faults=faults, seed=seed)


def _register() -> None:
    """Add the exercises to the tables ``synth.script``, ``synth.render`` and ``synth.camera`` look up."""
    script.EXERCISES = (*script.EXERCISES, *(e for e in FAULT_CODES if e not in script.EXERCISES))
    script.FAULT_CODES.update(FAULT_CODES)
    script.THRESHOLDS.update(THRESHOLDS)
    for name, pose, truth, faults in ((PRONE_ON_ELBOWS, _sphinx_pose, _sphinx_truth, _sphinx_faults),
                                      (BIRD_DOG, _bird_dog_pose, _bird_dog_truth, _bird_dog_faults),
                                      (OPEN_BOOK, _open_book_pose, _open_book_truth, _open_book_faults)):
        script.POSE_BUILDERS[name] = pose
        script.TRUTH_SERIES[name] = truth
        script.TRUTH_FAULTS[name] = faults
    camera.MAX_YAW_DEG.update(MAX_YAW_DEG)


_register()
