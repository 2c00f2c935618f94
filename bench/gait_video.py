"""Foot drop through pixels and MediaPipe: rendered mannequin walks, scored, each step against its truth.

    python -m bench.gait_video --out /tmp/walks --seeds 3000-3007 [--drop-only] [--json out.json]

Each seed is a random walk of synth.gait_suite (normal or drop foot, steppage or not, 0.6-1.4 m/s, across the
frame or on a treadmill) drawn by synth.gait_video at 480x270; videos and landmarks are kept in `--out` and the
landmark cache, so a second run only re-scores. Prints, per leg, foot_drop precision and recall over the steps
whose swing was seen, the steps matched to a true contact, and the ones judged unknown (from the side, the far
leg's foot is not judged: see exercises.gait). `--drop-only` renders only the seeds whose walk has a drop foot
(chosen from the generator's draw, before anything is rendered or scored), to spend the rendering on drop steps.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from exercises.engine import score_sequence
from exercises.registry import get_exercise
from pose.cache import LandmarkCache
from pose.estimator import EstimatorSettings
from pose.extract import extract_poses
from synth.gait_suite import random_case
from synth.gait_video import render_walk

# A found contact within this of a true one is that step (steps are 0.45-0.75 s apart).
MATCH_MAX_S = 0.2


def evaluate_seed(seed: int, out_dir: Path) -> list[dict]:
    """One rendered walk's steps: truth leg and drop, found leg and flag, and the swing measures."""
    script, camera = random_case(seed)
    name = f"walk_{seed}"
    video, truth_path = out_dir / f"{name}.mp4", out_dir / f"{name}.truth.json"
    if not (video.exists() and truth_path.exists()):
        render_walk(script, out_dir, name, seed, fps=camera.fps, walks_right=camera.walks_right)
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    sequence = extract_poses(video, EstimatorSettings(segmentation=False), LandmarkCache())
    report = score_sequence(sequence, get_exercise("walk"))
    contacts = sorted((tc, leg) for leg, times in truth["contacts_s"].items() for tc in times)
    rows = []
    for rep in report.reps:
        tc, leg = min(contacts, key=lambda c: abs(c[0] - rep.end_s), default=(math.nan, ""))
        if not abs(tc - rep.end_s) <= MATCH_MAX_S:
            continue
        m = rep.measures
        rows.append({"seed": seed, "leg": leg, "found_leg": rep.leg, "drop": leg == truth["foot_drop_leg"],
                     "near": leg == truth["near_leg"],
                     "flagged": "foot_drop" in rep.faults,
                     "judged": math.isfinite(m.get("ankle_swing_deg", math.nan)),
                     "faults": list(rep.faults), "far_leg_flag": m.get("far_leg_flag"),
                     "ankle_swing_deg": m.get("ankle_swing_deg"), "toe_clearance_ratio": m.get("toe_clearance_ratio"),
                     "foot_pitch_swing_deg": m.get("foot_pitch_swing_deg"),
                     "foot_pitch_at_contact_deg": m.get("foot_pitch_at_contact_deg"),
                     "hip_flexion_swing_peak_deg": m.get("hip_flexion_swing_peak_deg"),
                     "foot_line_tilt_deg": report.measures.get(f"foot_line_tilt_{rep.leg}_deg"),
                     "knee_flexion_swing_peak_deg": m.get("knee_flexion_swing_peak_deg"),
                     "drop_plantarflexion_deg": script.drop_plantarflexion_deg if script.drop_leg else 0.0,
                     "steppage": script.steppage, "treadmill": script.treadmill,
                     "speed_m_per_s": script.speed_m_per_s})
    return rows


def summarise(rows: list[dict]) -> dict[str, float]:
    """foot_drop precision and recall per leg over judged steps, and how many steps were unknown."""
    out: dict[str, float] = {"steps": float(len(rows)), "unjudged": float(sum(not r["judged"] for r in rows))}
    for leg in ("left", "right"):
        out[f"{leg}_drop_steps_unjudged"] = float(sum(r["leg"] == leg and r["drop"] and not r["judged"] for r in rows))
        out[f"{leg}_far_steps_judged"] = float(sum(r["leg"] == leg and r["judged"] and not r["near"] for r in rows))
        own = [r for r in rows if r["leg"] == leg and r["judged"]]
        tp = sum(r["drop"] and r["flagged"] for r in own)
        fp = sum(not r["drop"] and r["flagged"] for r in own)
        fn = sum(r["drop"] and not r["flagged"] for r in own)
        out[f"{leg}_drop_steps"] = float(tp + fn)
        out[f"{leg}_normal_steps"] = float(len(own) - tp - fn)
        out[f"{leg}_precision_ratio"] = tp / (tp + fp) if tp + fp else math.nan
        out[f"{leg}_recall_ratio"] = tp / (tp + fn) if tp + fn else math.nan
    out["legs_named_right_ratio"] = (sum(r["leg"] == r["found_leg"] for r in rows) / len(rows)) if rows else math.nan
    return out


def parse_seeds(text: str) -> list[int]:
    """Seeds from "3000-3007", "3001,3005" or a mix ("3000-3003,3010")."""
    out = []
    for part in text.split(","):
        lo, _, hi = part.strip().partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def main(argv: list[str] | None = None) -> int:
    """Render (once), score and print the foot_drop figures for a range of seeds."""
    parser = argparse.ArgumentParser(prog="python -m bench.gait_video", description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder for the rendered walks (reused)")
    parser.add_argument("--seeds", default="3000-3007", help="seeds and ranges, e.g. 3000-3007 or 3001,3005")
    parser.add_argument("--drop-only", action="store_true", help="only the seeds whose walk has a drop foot")
    parser.add_argument("--json", help="also write every step's row here")
    args = parser.parse_args(argv)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    seeds = [s for s in parse_seeds(args.seeds) if not args.drop_only or random_case(s)[0].drop_leg]
    rows = [r for seed in seeds for r in evaluate_seed(seed, out_dir)]
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(json.dumps({k: round(v, 3) for k, v in summarise(rows).items()}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
