"""Foot drop through pixels and MediaPipe on walks past the camera and back: both feet judged in one clip?

    python -m bench.gait_there_and_back --out /tmp/walks_tb --seeds 3600-3615 [--json out.json]

Each seed is a there-and-back walk of synth.gait_there_and_back, the person turning out of the picture: the way
out and the way back are drawn by synth.gait_video as two videos (same room, walker and shoes; the picture is the
walk's own, mirrored with the direction as render_walk draws it) and run through MediaPipe one after the other.
Their landmarks are joined in time with the turn between them (no one seen), as one clip of the walk would give
them, and scored as one walk. Prints per leg foot_drop precision and recall over the steps whose swing was seen,
the drop steps left unjudged, the drop walks whose leg was named, and steps counted per pass (exact, or within one
where a pass cuts a step at the picture's edge), as bench.gait_video does for one-way walks.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from bench.gait_video import MATCH_MAX_S, count_steps, parse_seeds, print_results
from exercises.engine import score_sequence
from exercises.gait import ankle_as_read_deg
from exercises.registry import get_exercise
from pose.cache import LandmarkCache
from pose.estimator import EstimatorSettings
from pose.extract import extract_poses
from synth.gait_script import LEGS, simulate_walk
from synth.gait_there_and_back import Pass, join_passes, there_and_back_case
from synth.gait_video import foot_x_px, render_walk


def out_of_picture_case(seed: int) -> tuple[Pass, Pass] | None:
    """The seed's there-and-back walk if it turns out of the picture (a turn in view is not drawn), else None."""
    first, second, in_view = there_and_back_case(seed)
    return None if in_view else (first, second)


def evaluate_seed(seed: int, out_dir: Path) -> tuple[list[dict], dict]:
    """One there-and-back walk: its step rows (as bench.gait_video's, `near` per pass) and its clip figures."""
    case = out_of_picture_case(seed)
    assert case is not None
    passes, sequences, truths = [], [], []
    for k, p in enumerate(case):
        name = f"walk_tb_{seed}_{k}"
        video, truth_path = out_dir / f"{name}.mp4", out_dir / f"{name}.truth.json"
        if not (video.exists() and truth_path.exists()):
            render_walk(p.script, out_dir, name, seed, fps=p.camera.fps, walks_right=p.camera.walks_right)
        truths.append(json.loads(truth_path.read_text(encoding="utf-8")))
        sequences.append(extract_poses(video, EstimatorSettings(segmentation=False), LandmarkCache()))
        passes.append(p)
    sequence = join_passes(sequences[0], sequences[1], passes[1].start_s)
    report = score_sequence(sequence, get_exercise("walk"))
    width, height = sequence.image_size
    drop_leg = passes[0].script.drop_leg
    clip: dict = {"seed": seed, "drop_leg": drop_leg, "passes_found": report.measures.get("passes"), "passes": []}
    contacts, errors = [], {"near": [], "far": []}
    as_read = ankle_as_read_deg(report.t_s, report.series, report.thresholds)
    for p, seq, truth in zip(passes, sequences, truths):
        t = np.asarray(truth["t_s"])
        walk = simulate_walk(p.script, t)
        feet = foot_x_px(p.script, walk, seed, width, height, p.camera.walks_right)
        found_t = seq.t_s[np.isfinite(seq.xyz).all(axis=(1, 2))]
        inside = [r for r in report.reps if p.start_s + t[0] - 0.1 <= r.end_s <= p.start_s + t[-1] + 0.1]
        clip["passes"].append(count_steps(truth, found_t, feet, width, len(inside)))
        contacts += [(p.start_s + tc, leg, leg == truth["near_leg"]) for leg in LEGS for tc in truth["contacts_s"][leg]]
        frames = (report.t_s >= p.start_s + t[0] - 1e-6) & (report.t_s <= p.start_s + t[-1] + 1e-6)
        idx = np.searchsorted(t, report.t_s[frames] - p.start_s).clip(0, len(t) - 1)
        for leg in LEGS:
            read = as_read[leg][frames]
            err = np.abs(read - np.asarray(truth["ankle_deg"][leg])[idx])
            errors["near" if leg == truth["near_leg"] else "far"] += err[np.isfinite(err)].tolist()
    clip["status"] = ("exact" if all(c["status"] == "exact" for c in clip["passes"]) else
                      "off" if any(c["status"] == "off" for c in clip["passes"]) else "within_edge")
    clip["ankle_error_near_median_deg"] = float(np.median(errors["near"])) if errors["near"] else math.nan
    flagged = [rep.leg for rep in report.reps if "foot_drop" in rep.faults]
    counts = sorted(((flagged.count(leg), leg) for leg in set(flagged)), reverse=True)
    clip["drop_leg_named"] = (None if not counts else "" if len(counts) > 1 and counts[0][0] == counts[1][0]
                              else counts[0][1])
    clip["ankle_errors_near_deg"] = errors["near"]
    rows = []
    for rep in report.reps:
        tc, leg, near = min(contacts, key=lambda c: abs(c[0] - rep.end_s), default=(math.nan, "", False))
        if not abs(tc - rep.end_s) <= MATCH_MAX_S:
            continue
        m = rep.measures
        rows.append({"seed": seed, "leg": leg, "found_leg": rep.leg, "drop": leg == drop_leg,
                     "contact_error_s": rep.end_s - tc, "near": near, "flagged": "foot_drop" in rep.faults,
                     "judged": math.isfinite(m.get("ankle_swing_deg", math.nan)), "faults": list(rep.faults),
                     "far_leg_flag": m.get("far_leg_flag"), "ankle_swing_deg": m.get("ankle_swing_deg"),
                     "drop_plantarflexion_deg": passes[0].script.drop_plantarflexion_deg if drop_leg else 0.0,
                     "steppage": passes[0].script.steppage, "speed_m_per_s": passes[0].script.speed_m_per_s})
    return rows, clip


def summarise_walks(clips: list[dict]) -> dict[str, float]:
    """Step counts per walk, drop walks named, and the near leg's ankle error per frame, over the walks."""
    out: dict[str, float] = {"walks": float(len(clips))}
    for status in ("exact", "within_edge", "off"):
        out[f"steps_{status}_walks"] = float(sum(c["status"] == status for c in clips))
    out["two_passes_found_walks"] = float(sum(c["passes_found"] == 2 for c in clips))
    drops = [c for c in clips if c["drop_leg"]]
    out["drop_walks"] = float(len(drops))
    out["drop_walks_leg_named_right"] = float(sum(c["drop_leg_named"] == c["drop_leg"] for c in drops))
    out["drop_walks_leg_named_wrong"] = float(sum(c["drop_leg_named"] not in (None, "", c["drop_leg"])
                                                  for c in drops))
    out["normal_walks_named"] = float(sum(bool(not c["drop_leg"] and c["drop_leg_named"]) for c in clips))
    near = [e for c in clips for e in c["ankle_errors_near_deg"]]
    out["ankle_error_near_leg_median_deg"] = float(np.median(near)) if near else math.nan
    return out


def main(argv: list[str] | None = None) -> int:
    """Render (once), score and print the there-and-back figures for the seeds whose walk turns out of the picture."""
    parser = argparse.ArgumentParser(prog="python -m bench.gait_there_and_back", description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder for the rendered passes (reused)")
    parser.add_argument("--seeds", default="3600-3615", help="seeds and ranges; those turning in view are skipped")
    parser.add_argument("--json", help="also write every step's row here")
    args = parser.parse_args(argv)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    seeds = [s for s in parse_seeds(args.seeds) if out_of_picture_case(s) is not None]
    print_results([evaluate_seed(seed, out_dir) for seed in seeds], args.json, _walk_line, summarise_walks)
    return 0


def _walk_line(c: dict) -> str:
    counts = ", ".join(f"{p['found']} ({p['certain']}+{p['cut']} {p['status']})" for p in c["passes"])
    return (f"walk {c['seed']}: drop {c['drop_leg']}, named {c['drop_leg_named']}; passes found "
            f"{c['passes_found']:.0f}; steps per pass {counts}; near-leg ankle error "
            f"{c['ankle_error_near_median_deg']:.1f} deg")

if __name__ == "__main__":
    raise SystemExit(main())
