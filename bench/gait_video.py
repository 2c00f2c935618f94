"""Foot drop through pixels and MediaPipe: rendered mannequin walks, scored, each step against its truth.

    python -m bench.gait_video --out /tmp/walks --seeds 3000-3007 [--drop-only] [--json out.json]

Each seed is a random walk of synth.gait_suite (normal or drop foot, steppage or not, 0.6-1.4 m/s, across the
frame or on a treadmill) drawn by synth.gait_video at 480x270; videos and landmarks are kept in `--out` and the
landmark cache, so a second run only re-scores. Prints, per leg, foot_drop precision and recall over the steps
whose swing was seen, the steps matched to a true contact, and the ones judged unknown (from the side, the far
leg's foot is not judged: see exercises.gait). `--drop-only` renders only the seeds whose walk has a drop foot
(chosen from the generator's draw, before anything is rendered or scored), to spend the rendering on drop steps.

Also printed, per clip and over all: steps counted against the true contacts in the picture (exact, or within one
where the clip cuts a step: a contact near the start or end of the seen walk, or with the foot near the picture's
side edge), initial-contact timing error, and the ankle angle's error per frame (the angle as the analysis reads it,
less the foot's flat tilt), on the near leg and on both.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np

from exercises.engine import score_sequence
from exercises.gait import ankle_as_read_deg
from exercises.registry import get_exercise
from exercises.results import ClipReport
from pose.cache import LandmarkCache
from pose.estimator import EstimatorSettings
from pose.extract import extract_poses
from pose.sampling import FULL, SAMPLING_MODES
from synth.gait_script import simulate_walk
from synth.gait_suite import ACCEPTANCE, random_case
from synth.gait_video import foot_x_px, render_walk

# A found contact within this of a true one is that step (steps are 0.45-0.75 s apart).
MATCH_MAX_S = 0.2
# A true contact this close to the first or last frame the person is seen in may or may not be countable (as in
# synth.gait_suite), and so may one whose foot is within this share of the width of the side margin.
EDGE_CUT_S = ACCEPTANCE["edge_cut_s"]
SIDE_CUT_RATIO = 0.02


def count_steps(truth: dict, found_t: np.ndarray, foot_x: dict[str, np.ndarray], width: int, found: int) -> dict:
    """The clip's step count against its true contacts in the picture: certain ones and ones the clip cuts.

    Args:
        truth: the walk's truth (render_walk).
        found_t: times of the frames with a person found.
        foot_x: leg -> (T, 2) heel and toe image x per truth frame (synth.gait_video.foot_x_px).
        width: picture width, pixels.
        found: steps the analysis counted.

    Returns:
        found, certain, cut, and "exact" (every contact in the picture counted), "within_edge" (off by at most one,
        with a cut step to account for it, never fewer than the certain ones) or "off".
    """
    t = np.asarray(truth["t_s"])
    margin = ACCEPTANCE["frame_edge_margin_ratio"] * width
    certain = cut = 0
    if len(found_t):
        first, last = float(found_t[0]), float(found_t[-1])
        for leg, times in truth["contacts_s"].items():
            for tc in times:
                xs = foot_x[leg][int(np.argmin(np.abs(t - tc)))]
                if not (first <= tc <= last) or not np.all((xs >= margin) & (xs <= width - margin)):
                    continue
                side = margin + SIDE_CUT_RATIO * width
                near_side = np.any((xs < side) | (xs > width - side))
                if min(tc - first, last - tc) < EDGE_CUT_S or near_side:
                    cut += 1
                else:
                    certain += 1
    status = ("exact" if found == certain + cut else
              "within_edge" if cut and certain <= found and abs(found - certain - cut) <= 1 else "off")
    return {"found": found, "certain": certain, "cut": cut, "status": status}


def ankle_errors_deg(report: ClipReport, truth: dict, less_tilt: bool = True) -> dict[str, list[float]]:
    """Per leg, |read - true| ankle angle in each frame it is read, as the analysis reads it.

    With `less_tilt` False, the foot line's flat tilt the analysis takes out is put back.
    """
    t = np.asarray(truth["t_s"])
    idx = np.searchsorted(t, report.t_s).clip(0, len(t) - 1)
    as_read = ankle_as_read_deg(report.t_s, report.series, report.thresholds)
    out = {}
    for leg in ("left", "right"):
        tilt = 0.0 if less_tilt else report.measures.get(f"foot_line_tilt_{leg}_deg", math.nan)
        read = as_read[leg] + (tilt if math.isfinite(tilt) else 0.0)
        err = np.abs(read - np.asarray(truth["ankle_deg"][leg])[idx])
        out[leg] = err[np.isfinite(err)].tolist()
    return out


def evaluate_seed(seed: int, out_dir: Path, sampling: str = FULL) -> tuple[list[dict], dict]:
    """One rendered walk: its steps (truth leg and drop, found leg and flag, swing measures) and its clip figures.

    `sampling` is the pose sampling (pose.sampling): full, or adaptive to see what it does to a walk.
    """
    script, camera = random_case(seed)
    name = f"walk_{seed}"
    video, truth_path = out_dir / f"{name}.mp4", out_dir / f"{name}.truth.json"
    if not (video.exists() and truth_path.exists()):
        render_walk(script, out_dir, name, seed, fps=camera.fps, walks_right=camera.walks_right)
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    sequence = extract_poses(video, EstimatorSettings(segmentation=False, sampling=sampling), LandmarkCache())
    report = score_sequence(sequence, get_exercise("walk"))
    walk = simulate_walk(script, np.asarray(truth["t_s"]))
    width, height = sequence.image_size
    feet = foot_x_px(script, walk, seed, width, height, camera.walks_right)
    found_t = sequence.t_s[np.isfinite(sequence.xyz).all(axis=(1, 2))]
    clip = {"seed": seed, "treadmill": script.treadmill, **count_steps(truth, found_t, feet, width, report.rep_count)}
    errors = ankle_errors_deg(report, truth)
    clip["ankle_error_near_median_deg"] = float(np.median(errors[truth["near_leg"]])) if errors[truth["near_leg"]] \
        else math.nan
    clip["ankle_errors_deg"] = errors
    # The same without taking the flat tilt out: whether that tilt is the landmarks' offset on the foot or not.
    clip["ankle_errors_untilted_deg"] = ankle_errors_deg(report, truth, less_tilt=False)
    clip["near_leg"] = truth["near_leg"]
    flagged = [rep.leg for rep in report.reps if "foot_drop" in rep.faults]
    clip["drop_leg"] = truth["foot_drop_leg"]
    clip["drop_leg_named"] = max(sorted(set(flagged)), key=flagged.count) if flagged else None
    contacts = sorted((tc, leg) for leg, times in truth["contacts_s"].items() for tc in times)
    rows = []
    for rep in report.reps:
        tc, leg = min(contacts, key=lambda c: abs(c[0] - rep.end_s), default=(math.nan, ""))
        if not abs(tc - rep.end_s) <= MATCH_MAX_S:
            continue
        m = rep.measures
        rows.append({"seed": seed, "leg": leg, "found_leg": rep.leg, "drop": leg == truth["foot_drop_leg"],
                     "contact_error_s": rep.end_s - tc,
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
    return rows, clip


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
        # Strict: every true drop step matched, the unknown ones (far leg, or swing before the clip) as missed.
        drops = sum(r["leg"] == leg and r["drop"] for r in rows)
        out[f"{leg}_drop_steps_far_leg"] = float(sum(r["leg"] == leg and r["drop"] and r["far_leg_flag"] == 1.0
                                                     for r in rows))
        out[f"{leg}_recall_unknown_as_missed_ratio"] = tp / drops if drops else math.nan
        # The far leg's foot is not judged, but a steppage swing on it is flagged (exercises.gait): how often, on
        # drop steps and on normal ones.
        far = [r for r in rows if r["leg"] == leg and r["far_leg_flag"] == 1.0]
        out[f"{leg}_far_drop_steps_flagged"] = float(sum(r["drop"] and r["flagged"] for r in far))
        out[f"{leg}_far_normal_steps"] = float(sum(not r["drop"] for r in far))
        out[f"{leg}_far_normal_steps_flagged"] = float(sum(not r["drop"] and r["flagged"] for r in far))
    out["legs_named_right_ratio"] = (sum(r["leg"] == r["found_leg"] for r in rows) / len(rows)) if rows else math.nan
    errors = [abs(r["contact_error_s"]) for r in rows]
    out["contact_error_median_s"] = float(np.median(errors)) if errors else math.nan
    out["contact_error_p90_s"] = float(np.percentile(errors, 90)) if errors else math.nan
    out["contact_error_signed_median_s"] = float(np.median([r["contact_error_s"] for r in rows])) if rows else math.nan
    return out


def summarise_clips(clips: list[dict]) -> dict[str, float]:
    """Step counts (exact, within one at a cut edge, off) and the ankle angle's per-frame error over the clips."""
    out: dict[str, float] = {"clips": float(len(clips))}
    for status in ("exact", "within_edge", "off"):
        out[f"steps_{status}_clips"] = float(sum(c["status"] == status for c in clips))
    # The affected leg named (the leg with most foot_drop steps), in drop walks where it was the near leg; in the
    # others it is not judged, and a walk named with foot drop there is a wrong leg or a false walk.
    for near_drop in (True, False):
        walks = [c for c in clips if c["drop_leg"] and (c["drop_leg"] == c["near_leg"]) == near_drop]
        key = "near" if near_drop else "far"
        out[f"drop_walks_{key}_leg"] = float(len(walks))
        out[f"drop_walks_{key}_leg_named_right"] = float(sum(c["drop_leg_named"] == c["drop_leg"] for c in walks))
        out[f"drop_walks_{key}_leg_named_wrong"] = float(sum(c["drop_leg_named"] not in (None, c["drop_leg"])
                                                             for c in walks))
    out["normal_walks_named"] = float(sum(not c["drop_leg"] and c["drop_leg_named"] is not None for c in clips))
    near = [e for c in clips for e in c["ankle_errors_deg"][c["near_leg"]]]
    both = [e for c in clips for leg in ("left", "right") for e in c["ankle_errors_deg"][leg]]
    out["ankle_error_near_leg_median_deg"] = float(np.median(near)) if near else math.nan
    untilted = [e for c in clips for e in c["ankle_errors_untilted_deg"][c["near_leg"]]]
    out["ankle_error_near_leg_untilted_median_deg"] = float(np.median(untilted)) if untilted else math.nan
    out["ankle_error_both_legs_median_deg"] = float(np.median(both)) if both else math.nan
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
    parser.add_argument("--sampling", choices=SAMPLING_MODES, default=FULL, help="pose sampling (default full)")
    args = parser.parse_args(argv)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    seeds = [s for s in parse_seeds(args.seeds) if not args.drop_only or random_case(s)[0].drop_leg]
    print_results([evaluate_seed(seed, out_dir, args.sampling) for seed in seeds], args.json, _clip_line,
                  summarise_clips)
    return 0


def _clip_line(c: dict) -> str:
    return (f"walk {c['seed']}: steps {c['found']} (in the picture {c['certain']} certain + {c['cut']} cut: "
            f"{c['status']}), {'treadmill' if c['treadmill'] else 'across'}, ankle error near leg "
            f"{c['ankle_error_near_median_deg']:.1f} deg")


def print_results(results: list[tuple[list[dict], dict]], json_path: str | None, clip_line: Callable[[dict], str],
                  clip_figures: Callable[[list[dict]], dict[str, float]]) -> None:
    """Every step's row to json_path (if given); a line per walk, and the step and walk figures over all of them."""
    rows = [r for seed_rows, _ in results for r in seed_rows]
    clips = [clip for _, clip in results]
    if json_path:
        Path(json_path).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    for c in clips:
        print(clip_line(c))
    figures = {**summarise(rows), **clip_figures(clips)}
    print(json.dumps({k: round(v, 3) for k, v in figures.items()}, indent=1))


if __name__ == "__main__":
    raise SystemExit(main())
