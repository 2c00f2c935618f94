"""Scripted seated knee extension sessions (the slump) with exact truth, filmed from the side.

Registers itself in the tables of ``synth.script`` (fault codes, truth thresholds, pose builder, truth series and
fault intervals) and in ``synth.camera.MAX_YAW_DEG``; ``synth.script`` imports it last.

A rep straightens the near knee from hanging to a little short of the prescribed target and bends it back. A
``trunk_not_slumped`` rep is done sitting tall: the person sits up in the pause before it and slumps again after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

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
    truth_runs,
)
from synth.seated_poses import SeatedKneeExtensionAngles, seated_knee_extension_pose
from synth.skeleton import BodyProportions

SEATED_KNEE_EXTENSION = "seated_knee_extension"


@dataclass(frozen=True)
class SeatedKneeExtensionScript:
    """Seated knee extension session, slumped, the near leg working.

    Attributes:
        reps: Number of reps.
        rep_s: Seconds per normal rep (straighten + bend back).
        end_hold_s: Pause at the end of the range.
        pause_s: Pause with the knee hanging between reps (at least 1.2 s: a sitting-tall rep sits up in it).
        rest_knee_deg: Knee angle hanging.
        target_knee_deg: Prescribed knee extension target.
        short_of_target_deg: Normal reps stop this far short of the target.
        beyond_target_deg: A ``beyond_target`` rep goes this far past it.
        slump_deg: How far the person slumps (see ``SeatedKneeExtensionAngles``).
        tall_slump_deg: The slump of a ``trunk_not_slumped`` rep: sitting tall.
        lead_in_s: Still time before the first rep.
        tail_s: Still time after the last rep.
        faults: Injected faults.
        jitter_deg: Natural sway amplitude.
        seed: Jitter seed.
    """

    exercise: ClassVar[str] = SEATED_KNEE_EXTENSION
    reps: int = 4
    rep_s: float = 3.6
    end_hold_s: float = 0.4
    pause_s: float = 1.4
    rest_knee_deg: float = 90.0
    target_knee_deg: float = 165.0
    short_of_target_deg: float = 7.0
    beyond_target_deg: float = 12.0
    slump_deg: float = 40.0
    tall_slump_deg: float = 0.0
    lead_in_s: float = 1.0
    tail_s: float = 1.0
    faults: tuple[Fault, ...] = ()
    jitter_deg: float = 0.6
    seed: int = 0

    def compile(self) -> Session:
        """Build the session trajectory and its truth."""
        if self.reps < 1:
            raise ValueError(f"reps must be >= 1, got {self.reps!r}")
        if not self.rest_knee_deg + 40 <= self.target_knee_deg <= 175:
            raise ValueError(f"target_knee_deg must be in [rest + 40, 175], got {self.target_knee_deg!r}")
        if self.pause_s < 1.2:
            raise ValueError(f"pause_s must be >= 1.2 s (a sitting-tall rep sits up in it), got {self.pause_s!r}")
        by_rep = check_faults(SEATED_KNEE_EXTENSION, self.faults, self.reps)
        tl = Timeline({"knee_deg": self.rest_knee_deg, "slump_deg": self.slump_deg})
        tl.hold(self.lead_in_s)
        reps = []
        for i in range(1, self.reps + 1):
            codes = by_rep[i]
            tall = "trunk_not_slumped" in codes
            if tall:  # sit up in the last 0.8 s before the rep
                tl.move(0.8, slump_deg=self.tall_slump_deg)
            half = 0.5 if "too_fast" in codes else self.rep_s / 2.0
            knee = self.target_knee_deg + (self.beyond_target_deg if "beyond_target" in codes
                                           else -self.short_of_target_deg)
            start = tl.t_s
            tl.move(half, knee_deg=min(knee, 179.0))
            tl.hold(0.0 if "too_fast" in codes else self.end_hold_s)
            tl.move(half, knee_deg=self.rest_knee_deg)
            reps.append(Interval(start, tl.t_s, tuple(sorted(codes))))
            if tall:
                tl.move(0.8, slump_deg=self.slump_deg)
            tl.hold(max(self.pause_s - (1.6 if tall else 0.0), 0.0) if i < self.reps else self.tail_s)
        expected = {"reps": self.reps, "hold_s": 0.0, "target_knee_deg": self.target_knee_deg}
        jitter = {"knee_deg": self.jitter_deg, "slump_deg": self.jitter_deg}
        return Session(SEATED_KNEE_EXTENSION, tl, tl.t_s, reps, [], expected, jitter, self.seed)


def _pose(p: dict[str, float], props: BodyProportions, options: dict[str, str]) -> Pose:
    return seated_knee_extension_pose(SeatedKneeExtensionAngles(
        knee_deg=float(np.clip(p["knee_deg"], 60.0, 180.0)), slump_deg=float(p["slump_deg"])), props)


def seated_truth_series(poses: list[Pose]) -> dict[str, np.ndarray]:
    """Truth of a seated knee extension in the sagittal (x, y) plane, from the drawn joints.

    Returns:
        ``knee_deg`` (near hip-knee-ankle interior angle) and ``slump_deg`` (hip-ear line from vertical, forward
        positive), each (T,).
    """
    def j(name: str) -> np.ndarray:
        return np.stack([p.skeleton[name][:2] for p in poses])

    thigh, shin = j("near_hip") - j("near_knee"), j("near_ankle") - j("near_knee")
    cos = np.sum(thigh * shin, axis=1) / (np.linalg.norm(thigh, axis=1) * np.linalg.norm(shin, axis=1))
    lean = j("ear") - (j("near_hip") + j("far_hip")) / 2.0
    return {"knee_deg": np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))),
            "slump_deg": np.degrees(np.arctan2(lean[:, 0], lean[:, 1]))}


def seated_fault_intervals(session: Session, frames: dict[str, np.ndarray]) -> list[Interval]:
    """Truth fault intervals beyond the tempo ones: sitting tall during a rep, and past the target."""
    t, th = frames["t_s"], THRESHOLDS[SEATED_KNEE_EXTENSION]
    in_rep = np.zeros(len(t), bool)
    for rep in session.reps:
        in_rep |= (t >= rep.start_s) & (t <= rep.end_s)
    masks = {
        "trunk_not_slumped": in_rep & (frames["slump_deg"] < th["slump_min_deg"]),
        "beyond_target": frames["knee_deg"] > session.expected["target_knee_deg"] + th["beyond_target_margin_deg"],
    }
    return [Interval(a, b, (code,)) for code, mask in masks.items() for a, b in truth_runs(mask, t)]


FAULT_CODES[SEATED_KNEE_EXTENSION] = ("trunk_not_slumped", "too_fast", "beyond_target")
THRESHOLDS[SEATED_KNEE_EXTENSION] = {
    "slump_min_deg": 15.0,  # trunk_not_slumped while the drawn hip-ear line leans less than this in a rep
    "beyond_target_margin_deg": 8.0,  # beyond_target when the knee is past the target by more than this
    "rep_min_s": 2.0,  # too_fast when a rep is shorter
}
POSE_BUILDERS[SEATED_KNEE_EXTENSION] = _pose
TRUTH_SERIES[SEATED_KNEE_EXTENSION] = seated_truth_series
TRUTH_FAULTS[SEATED_KNEE_EXTENSION] = seated_fault_intervals
# The slump is a forward lean: seen only from the side, and approximately up to 45 degrees round.
MAX_YAW_DEG[SEATED_KNEE_EXTENSION] = 45.0


def random_script(exercise: str, fault: str | None, rng: np.random.Generator, seed: int) -> SeatedKneeExtensionScript:
    """A short randomised seated knee extension script with ``fault`` injected into one rep (3-4 reps, 3.2-4.4 s)."""
    if exercise != SEATED_KNEE_EXTENSION:
        raise ValueError(f"no seated script for {exercise!r}; expected {SEATED_KNEE_EXTENSION!r}")
    reps = int(rng.integers(3, 5))
    faults = (Fault(fault, int(rng.integers(1, reps + 1))),) if fault else ()
    return SeatedKneeExtensionScript(reps=reps, rep_s=float(rng.uniform(3.2, 4.4)),
                                     end_hold_s=float(rng.uniform(0.3, 0.6)), pause_s=float(rng.uniform(1.2, 1.8)),
                                     target_knee_deg=float(rng.uniform(155.0, 168.0)),
                                     short_of_target_deg=float(rng.uniform(4.0, 8.0)),
                                     beyond_target_deg=float(rng.uniform(12.0, 16.0)),
                                     slump_deg=float(rng.uniform(35.0, 45.0)), faults=faults, seed=seed)
