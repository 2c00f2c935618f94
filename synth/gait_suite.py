"""The walking suite: random walks scored by the walk spec and compared with their truth.

Walks are normal or drop-foot, at 0.6-1.4 m/s, across the frame (entering and leaving the picture) or on a
treadmill, at 25-60 fps, with jitter and left/right label swaps as a pose model makes them.

    python -m synth.gait_suite --seeds 1000-1059

prints the acceptance figures: steps (exact, or within the steps cut at the clip's edges), initial-contact timing
error, ankle angle error, and foot_drop precision and recall per leg with the affected leg named.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import asdict, dataclass, field

import numpy as np

from exercises.engine import score_sequence
from exercises.gait import ankle_as_read_deg
from exercises.registry import get_exercise
from exercises.results import ClipReport
from synth.gait_render import GaitCamera, landmark_sequence, walkway_points
from synth.gait_script import LEGS, WalkFrames, WalkScript, simulate_walk

#: Pass marks of the issue, units in names.
ACCEPTANCE: dict[str, float] = {
    "contact_error_median_max_s": 0.050,
    "ankle_error_median_max_deg": 5.0,
    "foot_drop_recall_min_ratio": 0.9,
    "foot_drop_precision_min_ratio": 0.9,
    # A detected contact further than this from every true one is a false step.
    "contact_match_max_s": 0.2,
    # A true contact this close to where the person is first or last fully seen may or may not be countable.
    "edge_cut_s": 0.6,
    # Feet this close to the picture's side edge (share of width) are out of it, as the detector judges.
    "frame_edge_margin_ratio": 0.02,
}


@dataclass
class CaseResult:
    """One walk scored against its truth."""

    seed: int
    script: dict
    camera: dict
    steps_found: int
    steps_certain: int
    steps_cut: int
    steps_ok: bool
    contact_errors_s: list[float] = field(default_factory=list)
    ankle_errors_deg: list[float] = field(default_factory=list)
    # Per detected step matched to a true contact: (true leg, named leg, true foot drop, flagged foot drop, judged:
    # whether its swing was seen, so foot drop could be judged).
    step_truth: list[tuple[str, str, bool, bool, bool]] = field(default_factory=list)
    drop_leg_named: str | None = None
    speed_m_per_s: float = math.nan
    speed_error_ratio: float = math.nan


def random_case(seed: int, fps: float | None = None) -> tuple[WalkScript, GaitCamera]:
    """A random walk and camera from a seed (the generator varies everything the issue names).

    Args:
        seed: the walk's seed.
        fps: the camera's frame rate; None draws it (25, 30 or 60). A given rate leaves the walk as drawn.
    """
    rng = np.random.default_rng(seed)
    speed = float(rng.uniform(0.6, 1.4))
    drop = [None, "left", "right"][int(rng.integers(3))]
    treadmill = bool(rng.random() < 0.3)
    walks_right = bool(rng.random() < 0.5)
    drawn_fps = float(rng.choice([25.0, 30.0, 60.0]))  # drawn either way: a given rate leaves the walk as drawn
    fps = drawn_fps if fps is None else float(fps)
    duration = float(rng.uniform(4.0, 6.5))
    if treadmill:
        start_x = 0.0
    else:
        # Enter the picture, or already be in it; the walk may leave it before the end.
        start_x = float(rng.uniform(-3.2, -0.5))
    script = WalkScript(speed_m_per_s=speed, duration_s=duration, height_m=float(rng.uniform(1.55, 1.9)),
                        drop_leg=drop, drop_plantarflexion_deg=float(rng.uniform(10.0, 25.0)),
                        steppage=bool(rng.random() < 0.5), treadmill=treadmill,
                        start_phase=float(rng.uniform(0.0, 1.0)), start_x_m=start_x)
    camera = GaitCamera(fps=fps, distance_m=float(rng.uniform(3.5, 5.0)), height_m=float(rng.uniform(0.5, 1.1)),
                        walks_right=walks_right, near_leg="right" if walks_right else "left",
                        noise_ratio=float(rng.uniform(0.002, 0.006)), swap_ratio=float(rng.uniform(0.0, 0.3)))
    return script, camera


def countable_contacts(walk: WalkFrames, camera: GaitCamera, found_t: np.ndarray) -> tuple[list[float], list[float]]:
    """True contacts the clip shows with the foot in the picture: (certain ones, ones cut by an edge)."""
    px = camera.project(walkway_points(walk, camera.near_leg))
    from pose.landmarks import sided  # local: only the truth needs landmark indices here

    margin = ACCEPTANCE["frame_edge_margin_ratio"] * camera.width
    certain, cut = [], []
    if not len(found_t):
        return certain, cut
    first, last = float(found_t[0]), float(found_t[-1])
    for leg in LEGS:
        for tc in walk.contacts[leg]:
            i = int(np.argmin(np.abs(walk.t_s - tc)))
            xs = px[i, [sided("heel", leg), sided("foot_index", leg)], 0]
            # A foot landing just inside the edge may be judged out by a pixel of jitter, and one just outside it in
            # (walk 503: a toe 5 px past the 13 px margin, counted).
            slack = 0.02 * camera.width
            inside = np.all((xs >= margin) & (xs <= camera.width - margin))
            near_side = np.any(np.abs(xs - margin) < slack) or np.any(np.abs(xs - (camera.width - margin)) < slack)
            if not (first <= tc <= last) or not (inside or near_side):
                continue
            near_edge = min(tc - first, last - tc) < ACCEPTANCE["edge_cut_s"]
            (cut if near_edge or near_side else certain).append(tc)
    return certain, cut


def evaluate(seed: int, fps: float | None = None) -> CaseResult:
    """Render, score and compare one random walk (at the given camera frame rate, or its seed's)."""
    script, camera = random_case(seed, fps)
    rng = np.random.default_rng(seed + 7919)
    t = np.arange(0.0, script.duration_s, 1.0 / camera.fps)
    walk = simulate_walk(script, t)
    seq = landmark_sequence(walk, camera, rng, height_m=script.height_m)
    spec = get_exercise("walk").with_thresholds({"patient_height_m": script.height_m})
    report = score_sequence(seq, spec)
    certain, cut = countable_contacts(walk, camera, seq.t_s[seq.found])
    n = report.rep_count
    result = CaseResult(seed, asdict(script), asdict(camera), n, len(certain), len(cut),
                        len(certain) <= n <= len(certain) + len(cut))
    truth = sorted((tc, leg) for leg in LEGS for tc in walk.contacts[leg])
    for rep in report.reps:
        if not truth:
            break
        tc, leg = min(truth, key=lambda c: abs(c[0] - rep.end_s))
        if abs(tc - rep.end_s) <= ACCEPTANCE["contact_match_max_s"]:
            result.contact_errors_s.append(abs(tc - rep.end_s))
            judged = math.isfinite(rep.measures.get("ankle_swing_deg", math.nan))
            result.step_truth.append((leg, rep.leg or "", leg == script.drop_leg, "foot_drop" in rep.faults, judged))
    result.ankle_errors_deg = _ankle_errors(report, walk)
    flagged = [r.leg for r in report.reps if "foot_drop" in r.faults]
    if flagged:
        # The leg with most flagged steps; a tie names neither (a set's order, which varies from run to run with
        # Python's string hashing, used to pick one).
        counts = sorted(((flagged.count(leg), leg) for leg in set(flagged)), reverse=True)
        tied = len(counts) > 1 and counts[0][0] == counts[1][0]
        result.drop_leg_named = "" if tied else counts[0][1]
    result.speed_m_per_s = report.measures.get("speed_m_per_s", math.nan)
    if not script.treadmill:
        result.speed_error_ratio = abs(result.speed_m_per_s - script.speed_m_per_s) / script.speed_m_per_s
    return result


def _ankle_errors(report: ClipReport, walk: WalkFrames) -> list[float]:
    """Per frame and leg, |measured - true| ankle dorsiflexion, where measured (legs as labelled by the pose).

    Measured as the gait analysis reads it (exercises.gait.ankle_as_read_deg).
    """
    errors = []
    idx = np.searchsorted(walk.t_s, report.t_s).clip(0, len(walk.t_s) - 1)
    as_read = ankle_as_read_deg(report.t_s, report.series, report.thresholds)
    for leg in LEGS:
        measured = as_read[leg]
        true = walk.ankle_deg[leg][idx]
        ok = np.isfinite(measured)
        errors.extend(np.abs(measured[ok] - true[ok]).tolist())
    return errors


def summarise(results: list[CaseResult]) -> dict[str, float]:
    """The acceptance figures over many walks."""
    out: dict[str, float] = {"clips": len(results)}
    out["steps_ok_ratio"] = float(np.mean([r.steps_ok for r in results]))
    out["steps_exact_ratio"] = float(np.mean([r.steps_found == r.steps_certain + r.steps_cut for r in results]))
    contact = [e for r in results for e in r.contact_errors_s]
    out["contact_error_median_s"] = float(np.median(contact)) if contact else math.nan
    out["contact_error_p90_s"] = float(np.percentile(contact, 90)) if contact else math.nan
    ankle = [e for r in results for e in r.ankle_errors_deg]
    out["ankle_error_median_deg"] = float(np.median(ankle)) if ankle else math.nan
    steps = [s for r in results for s in r.step_truth]
    # A step whose swing began before the clip (or before the person came into the picture) is not judged.
    out["steps_unjudged_ratio"] = float(np.mean([not s[4] for s in steps])) if steps else math.nan
    for leg in LEGS:
        rows = [s for s in steps if s[0] == leg and s[4]]
        tp = sum(1 for s in rows if s[2] and s[3])
        fp = sum(1 for s in rows if not s[2] and s[3])
        fn = sum(1 for s in rows if s[2] and not s[3])
        out[f"foot_drop_recall_{leg}_ratio"] = tp / (tp + fn) if tp + fn else math.nan
        out[f"foot_drop_precision_{leg}_ratio"] = tp / (tp + fp) if tp + fp else math.nan
    # From the side the far leg's foot is not judged: its leg can be named only in walks where it was the near one.
    drops = [r for r in results if r.script["drop_leg"]]
    judged_drop = [r for r in drops if any(s[0] == r.script["drop_leg"] and s[4] for s in r.step_truth)]
    named = [r.drop_leg_named == r.script["drop_leg"] for r in judged_drop]
    out["drop_leg_named_ratio"] = float(np.mean(named)) if named else math.nan
    out["drop_walks_unjudged_ratio"] = 1.0 - len(judged_drop) / len(drops) if drops else math.nan
    legs = [s for r in results for s in r.step_truth]
    out["step_leg_right_ratio"] = float(np.mean([s[0] == s[1] for s in legs])) if legs else math.nan
    speed = [r.speed_error_ratio for r in results if math.isfinite(r.speed_error_ratio)]
    out["speed_error_median_ratio"] = float(np.median(speed)) if speed else math.nan
    return out


def _seeds(text: str) -> list[int]:
    lo, _, hi = text.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def main(argv: list[str] | None = None) -> int:
    """Print the suite's acceptance figures for a range of seeds (and each failing clip with --verbose)."""
    parser = argparse.ArgumentParser(prog="python -m synth.gait_suite", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1000-1029", help="a seed or a range, e.g. 1000-1059")
    parser.add_argument("--fps", type=float, default=None,
                        help="film every walk at this frame rate (e.g. 10 or 15, a webcam's; default: 25, 30 or 60 "
                             "drawn per walk)")
    parser.add_argument("--there-and-back", action="store_true",
                        help="each walk goes past the camera and back in one clip, turning out of the picture or in "
                             "view (synth.gait_there_and_back)")
    parser.add_argument("--verbose", action="store_true", help="print each clip whose steps are off")
    args = parser.parse_args(argv)
    if args.fps is not None and not args.fps > 0:
        parser.error(f"--fps must be > 0, got {args.fps}")
    run = evaluate
    if args.there_and_back:
        from synth.gait_there_and_back import evaluate_there_and_back as run  # it builds on this module
    results = [run(s, args.fps) for s in _seeds(args.seeds)]
    if args.verbose:
        for r in results:
            if not r.steps_ok:
                print(json.dumps({"seed": r.seed, "found": r.steps_found, "certain": r.steps_certain,
                                  "cut": r.steps_cut, "treadmill": r.script["treadmill"],
                                  "turn_in_view": r.script.get("turn_in_view"),
                                  "speed": round(r.script["speed_m_per_s"], 2), "fps": r.camera["fps"]}))
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in summarise(results).items()},
                     indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
