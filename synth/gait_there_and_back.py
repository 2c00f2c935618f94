"""Walks past the camera and back in one clip, at the landmark level, scored against their truth.

A patient with one clip can show the camera both legs only by walking past it, turning and walking back. Each
walk here is two scripted passes of the same person (same build, speed, foot drop), the second walking the other
way, so the leg that was far on the way out is near on the way back. Between them the person either turns out of
the picture (`turn_s` seconds with no one seen) or, in a small room, turns round in view: the second pass starts
where the first ended, without a gap (the turn itself is not drawn; the analysis must find where travel reverses).

    python -m synth.gait_suite --seeds 1400-1439 --there-and-back
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import numpy as np

from exercises.engine import score_sequence
from exercises.gait import ankle_as_read_deg
from exercises.registry import get_exercise
from pose.frames import PoseSequence
from synth.gait_render import GaitCamera, landmark_sequence
from synth.gait_script import LEGS, WalkFrames, WalkScript, simulate_walk
from synth.gait_suite import ACCEPTANCE, CaseResult, countable_contacts, random_case

#: Pelvis this far (metres) past the picture's half-width: the whole body is out of it.
_OUT_OF_PICTURE_M = 0.7


@dataclass(frozen=True)
class Pass:
    """One pass of a there-and-back walk: its script, its camera (direction and near leg), when it starts."""

    script: WalkScript
    camera: GaitCamera
    start_s: float


def there_and_back_case(seed: int, fps: float | None = None) -> tuple[Pass, Pass, bool]:
    """Two passes from a seed, and whether the turn is in view (else out of the picture)."""
    script, camera = random_case(seed, fps)
    rng = np.random.default_rng(seed + 104729)
    in_view = bool(rng.random() < 0.5)
    half_m = camera.distance_m * math.tan(math.radians(camera.fov_deg) / 2.0)
    speed = script.speed_m_per_s
    start_x = -half_m - _OUT_OF_PICTURE_M * float(rng.uniform(0.3, 1.0))
    if in_view:
        turn_x = float(rng.uniform(-0.3, 0.3)) * half_m
        out_s = (turn_x - start_x) / speed
        gap_s = 0.0
        back_x = -turn_x  # the way back starts where the way out ended (the image is mirrored with the direction)
        back_s = float(rng.uniform(3.0, 5.0))
    else:
        out_s = (half_m + _OUT_OF_PICTURE_M - start_x) / speed
        gap_s = float(rng.uniform(1.0, 2.5))
        back_x = start_x
        back_s = out_s
    out = replace(script, treadmill=False, start_x_m=start_x, duration_s=out_s)
    back_phase = float(rng.uniform(0.0, 1.0))
    if in_view:
        # People turn from double support: the way out ends just after a foot lands, the way back starts as one has
        # landed, so no swing is cut off by the turn (the turn itself takes no time here).
        walk = simulate_walk(out, np.arange(0.0, out_s, 1.0 / camera.fps))
        landed = max((tc for leg in LEGS for tc in walk.contacts[leg] if tc < out_s), default=None)
        if landed is not None:
            out_s = landed + 0.05
            out = replace(out, duration_s=out_s)
            back_x = -(start_x + speed * out_s)
        back_phase = float(rng.choice([0.02, 0.52]))
    back = replace(out, start_x_m=back_x, duration_s=back_s, start_phase=back_phase)
    flipped = replace(camera, walks_right=not camera.walks_right,
                      near_leg="left" if camera.near_leg == "right" else "right")
    return Pass(out, camera, 0.0), Pass(back, flipped, out_s + gap_s), in_view


def _pass_frames(p: Pass) -> tuple[np.ndarray, WalkFrames]:
    fps = p.camera.fps
    t = np.arange(0.0, p.script.duration_s, 1.0 / fps)
    return p.start_s + t, simulate_walk(p.script, t)


def join_passes(first: PoseSequence, second: PoseSequence, start_s: float) -> PoseSequence:
    """Two passes' landmarks as one clip: `second` (its own times from 0) from start_s, no one seen in between."""
    dt = float(np.median(np.diff(first.t_s)))
    gap_t = np.arange(first.t_s[-1] + dt, start_s - dt / 2, dt)
    n = len(gap_t)
    gap = PoseSequence(gap_t, np.full((n, *first.xyz.shape[1:]), np.nan),
                       np.full((n, *first.world_xyz.shape[1:]), np.nan), np.zeros((n, first.visibility.shape[1])),
                       np.full((n, first.back_profile.shape[1]), np.nan), first.image_size)
    parts = (first, gap, replace(second, t_s=second.t_s + start_s))
    return PoseSequence(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                          ("t_s", "xyz", "world_xyz", "visibility", "back_profile")), first.image_size)


def there_and_back_sequence(first: Pass, second: Pass, rng: np.random.Generator
                            ) -> tuple[PoseSequence, list[tuple[Pass, WalkFrames, np.ndarray]]]:
    """The two passes as one landmark sequence (no one seen between them), and each pass's walk and clip times."""
    parts, truth = [], []
    for p in (first, second):
        t, walk = _pass_frames(p)
        parts.append(landmark_sequence(walk, p.camera, rng, height_m=p.script.height_m))
        truth.append((p, walk, t))
    return join_passes(parts[0], parts[1], second.start_s), truth


def evaluate_there_and_back(seed: int, fps: float | None = None) -> CaseResult:
    """Render, score and compare one there-and-back walk (a CaseResult, as synth.gait_suite.evaluate gives)."""
    first, second, in_view = there_and_back_case(seed, fps)
    rng = np.random.default_rng(seed + 7919)
    seq, truth = there_and_back_sequence(first, second, rng)
    spec = get_exercise("walk").with_thresholds({"patient_height_m": first.script.height_m})
    report = score_sequence(seq, spec)
    certain, cut = [], []
    contacts: list[tuple[float, str]] = []
    for p, walk, t in truth:
        seen = seq.found & (seq.t_s >= t[0] - 1e-9) & (seq.t_s <= t[-1] + 1e-9)
        # Each pass's own first and last seen frames are its edges: contacts either side of a turn in view are as
        # doubtful as ones where the person enters or leaves the picture.
        c, k = countable_contacts(walk, p.camera, seq.t_s[seen] - p.start_s)
        certain += [p.start_s + tc for tc in c]
        cut += [p.start_s + tc for tc in k]
        contacts += [(p.start_s + tc, leg) for leg in LEGS for tc in walk.contacts[leg]]
    n = report.rep_count
    script = {**asdict(first.script), "there_and_back": True, "turn_in_view": in_view}
    result = CaseResult(seed, script, asdict(first.camera), n, len(certain), len(cut),
                        len(certain) <= n <= len(certain) + len(cut))
    contacts.sort()
    for rep in report.reps:
        tc, leg = min(contacts, key=lambda c: abs(c[0] - rep.end_s))
        if abs(tc - rep.end_s) <= ACCEPTANCE["contact_match_max_s"]:
            result.contact_errors_s.append(abs(tc - rep.end_s))
            judged = math.isfinite(rep.measures.get("ankle_swing_deg", math.nan))
            drop = leg == first.script.drop_leg
            result.step_truth.append((leg, rep.leg or "", drop, "foot_drop" in rep.faults, judged))
    result.ankle_errors_deg = _ankle_errors(report.t_s, ankle_as_read_deg(report.t_s, report.series, report.thresholds),
                                            truth)
    flagged = [r.leg for r in report.reps if "foot_drop" in r.faults]
    if flagged:
        counts = sorted(((flagged.count(leg), leg) for leg in set(flagged)), reverse=True)
        result.drop_leg_named = "" if len(counts) > 1 and counts[0][0] == counts[1][0] else counts[0][1]
    result.speed_m_per_s = report.measures.get("speed_m_per_s", math.nan)
    result.speed_error_ratio = abs(result.speed_m_per_s - first.script.speed_m_per_s) / first.script.speed_m_per_s
    return result


def _ankle_errors(t_s: np.ndarray, as_read: dict[str, np.ndarray],
                  truth: list[tuple[Pass, WalkFrames, np.ndarray]]) -> list[float]:
    """|as read - true| ankle per frame and leg over both passes (as_read: exercises.gait.ankle_as_read_deg)."""
    errors: list[float] = []
    for leg in LEGS:
        measured = as_read[leg]
        for _, walk, t in truth:
            inside = (t_s >= t[0] - 1e-9) & (t_s <= t[-1] + 1e-9)
            idx = np.searchsorted(t, t_s[inside]).clip(0, len(t) - 1)
            diff = np.abs(measured[inside] - walk.ankle_deg[leg][idx])
            errors.extend(diff[np.isfinite(diff)].tolist())
    return errors


__all__ = ["Pass", "evaluate_there_and_back", "join_passes", "there_and_back_case", "there_and_back_sequence"]
