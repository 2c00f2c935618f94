"""Rendered fault sweep of any exercises: a clean clip and one per fault, per seed, through MediaPipe and the engine.

    python -m bench.fault_sweep --exercises prone_on_elbows,bird_dog,open_book --seeds 111,112 --out DIR [--jobs 2]

Per seed and exercise one clean clip and one clip per fault (and for the nerve glide and the seated knee extension
one more clean clip, to a prescribed knee target of 135-152), small (480x360 or 640x360, 24 or 30 fps) so a sweep
stays cheap. The scripts are the rendered suite's (synth.suite.random_script); bodies, facings, scenes, scripts and
the camera's turn (up to --yaw-max, within what the exercise allows) vary with the seed, each exercise from its own
random stream, so adding an exercise to a sweep changes no other exercise's clips. Each is filmed from its own
view: the single-leg stance from the front, as the suite films it, and a fault only the front shows (the wall
squat's knee_valgus) from the front. Clips already in --out are reused by name (use a fresh folder after changing
the generator). Prints bench.accuracy's figures: reps exact, hold error, per-fault precision and recall.

This replaces bench.prone_side_sweep (whose seed-101 figures were measured before it; it is in git history up to
dbb27ce); bench.supine_sweep and bench.stretch_sweep draw their own streams (their published figures were measured
with them) and are still to be folded in.
"""

from __future__ import annotations

import argparse
import json
import zlib
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from bench.accuracy import ClipScore, format_summary, score_rendered, summarise
from pose.workers import process_pool
from scoring.runner import ScoreOptions
from synth.camera import FRONT_ONLY_FAULTS, MAX_YAW_DEG, View
from synth.mannequin import BODY_SHAPES
from synth.render import ClipSpec, rendered_clip
from synth.scene import random_scene_style
from synth.script import FAULT_CODES
from synth.suite import random_script
from synth.upright_scripts import suite_views

SIZES = ((480, 360, 24.0), (640, 360, 30.0))
#: A phone's lens across the frame's longer side.
FOV_RANGE_DEG = (50.0, 75.0)


def parse_seeds(text: str) -> list[int]:
    """Seeds from "101", "101,105" or "101-104"; raises ValueError with the bad part named."""
    seeds: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            lo, _, hi = part.partition("-")
            seeds += list(range(int(lo), int(hi) + 1)) if hi else [int(lo)]
        except ValueError:
            raise ValueError(f"bad seed {part!r}: expected a number or a range like 101-104") from None
    if not seeds:
        raise ValueError("no seeds given")
    return seeds


def parse_exercises(text: str) -> list[str]:
    """Exercise names with a renderer script ("all" for every one); raises ValueError naming an unknown one."""
    if text.strip() == "all":
        return sorted(FAULT_CODES)
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in FAULT_CODES]
    if unknown or not names:
        raise ValueError(f"no renderer script for {unknown or text!r}; expected some of {sorted(FAULT_CODES)}")
    return names


# Exercises prescribed to a knee target get one more clean clip per seed, to a target limited by symptoms (degrees):
# the rep band and the rep's timing both depend on the target, and the scripts draw 155-168 otherwise.
LOW_TARGET_DEG = {"nerve_glide": (135.0, 150.0), "seated_knee_extension": (140.0, 152.0)}
LOW_TARGET = "low_target"


def clip_kind(spec: ClipSpec) -> str:
    """A sweep clip's kind: its one fault's code, "clean", or "low_target" (a clean clip to a low knee target)."""
    if spec.name.endswith(LOW_TARGET):
        return LOW_TARGET
    return spec.script.faults[0].code if spec.script.faults else "clean"  # a sweep clip injects one fault or none


def only_clips(specs: list[ClipSpec], kinds: list[str]) -> list[ClipSpec]:
    """The specs of the given clip kinds (see clip_kind); raises ValueError naming a kind no spec has.

    Every clip keeps the seed, body, scene and camera it has in the full sweep: a kept clip is the same file.
    """
    have = {clip_kind(s) for s in specs}
    unknown = [k for k in kinds if k not in have]
    if unknown or not kinds:
        raise ValueError(f"no clip of kind {unknown or kinds!r} in this sweep; expected some of {sorted(have)}")
    return [s for s in specs if clip_kind(s) in kinds]


def sweep_specs(exercises: list[str], seeds: list[int], yaw_max_deg: float = 0.0) -> list[ClipSpec]:
    """Clip specs of a sweep: per seed and exercise, a clean clip and one per fault, deterministic.

    An exercise in LOW_TARGET_DEG also gets a clean clip to a low target, last, from streams of its own, so the
    other clips of every seed are drawn as before it was added.
    """
    specs = []
    bodies = sorted(BODY_SHAPES)
    for seed in seeds:
        for exercise in exercises:
            # The exercise's own streams (scripts and scenes; the camera apart), so no other choice moves them.
            rng = np.random.default_rng([seed, zlib.crc32(exercise.encode())])
            cam = np.random.default_rng([seed, zlib.crc32(exercise.encode()), 2])
            yaw_max = min(yaw_max_deg, MAX_YAW_DEG.get(exercise, 0.0))
            # A raised camera's pitch (synth.camera.RAISED_PITCH_DEG) from its own stream: no other draw moves.
            pitch_rng = np.random.default_rng([seed, zlib.crc32(exercise.encode()), 4])
            for fault in (None, *FAULT_CODES[exercise]):
                clip_seed = int(rng.integers(0, 2**31))
                w, h, fps = SIZES[int(rng.integers(len(SIZES)))]
                specs.append(ClipSpec(f"{exercise}_s{seed}_{fault or 'clean'}",
                                      random_script(exercise, fault, rng, clip_seed), width=w, height=h, fps=fps,
                                      facing=("right", "left")[int(rng.integers(2))],
                                      body=bodies[int(rng.integers(len(bodies)))],
                                      style=random_scene_style(rng, (0.7, 0.85)), seed=clip_seed,
                                      view=_own_view(exercise, fault, View(yaw_deg=float(cam.uniform(0.0, yaw_max)),
                                                                           fov_deg=float(cam.uniform(*FOV_RANGE_DEG))),
                                                     pitch_rng)))
            if exercise in LOW_TARGET_DEG:
                specs.append(_low_target_spec(exercise, seed, yaw_max, bodies))
    return specs


def _low_target_spec(exercise: str, seed: int, yaw_max: float, bodies: list[str]) -> ClipSpec:
    rng = np.random.default_rng([seed, zlib.crc32(exercise.encode()), 3])
    clip_seed = int(rng.integers(0, 2**31))
    w, h, fps = SIZES[int(rng.integers(len(SIZES)))]
    script = replace(random_script(exercise, None, rng, clip_seed),
                     target_knee_deg=float(rng.uniform(*LOW_TARGET_DEG[exercise])))
    return ClipSpec(f"{exercise}_s{seed}_{LOW_TARGET}", script, width=w, height=h, fps=fps,
                    facing=("right", "left")[int(rng.integers(2))], body=bodies[int(rng.integers(len(bodies)))],
                    style=random_scene_style(rng, (0.7, 0.85)), seed=clip_seed,
                    view=_own_view(exercise, None, View(yaw_deg=float(rng.uniform(0.0, yaw_max)),
                                                        fov_deg=float(rng.uniform(*FOV_RANGE_DEG)))))


def _own_view(exercise: str, fault: str | None, view: View, pitch_rng: np.random.Generator | None = None) -> View:
    """`view` as the exercise is filmed.

    From the front for a single-leg stance, and for a fault only the front shows where the exercise may be filmed
    from there: a side view could not show either, so it would test nothing. From above for an exercise filmed from
    a raised camera (the figure four), its pitch drawn from `pitch_rng`.
    """
    if fault in FRONT_ONLY_FAULTS and MAX_YAW_DEG.get(exercise, 0.0) >= 90.0:
        view = View(90.0, view.pitch_deg, view.fov_deg)
    return suite_views(exercise, [view], pitch_rng)[0]


def _render_and_score(args: tuple[ClipSpec, Path, float | None]) -> ClipScore:
    spec, out, max_fps = args
    options = ScoreOptions(cache_dir=str(out / "cache"))
    if max_fps is not None:
        options = replace(options, settings=replace(options.settings, max_fps=max_fps))
    return score_rendered(rendered_clip(spec, out), options)


def main(argv: list[str] | None = None) -> int:
    """Render (or reuse) the sweep's clips, score them and print the figures."""
    p = argparse.ArgumentParser(prog="python -m bench.fault_sweep", description=__doc__.splitlines()[0])
    p.add_argument("--exercises", required=True,
                   help=f"all, or comma-separated, some of: {', '.join(sorted(FAULT_CODES))}")
    p.add_argument("--seeds", default="101", help="comma-separated seeds or ranges (101-104)")
    p.add_argument("--out", type=Path, required=True, help="folder for the clips (reused when present)")
    p.add_argument("--jobs", type=int, default=1, help="clips rendered and scored at once")
    p.add_argument("--yaw-max", type=float, default=0.0,
                   help="camera turned up to this many degrees from the exercise's own view (default 0)")
    p.add_argument("--max-fps", type=float, default=None,
                   help="score at most this many frames a second (a webcam's 10-15, or a live server dropping "
                        "frames; default: the scoring default)")
    p.add_argument("--json", type=Path, help="also write every clip's score here")
    p.add_argument("--only", help="comma-separated clip kinds to keep: fault codes, clean or low_target (default: "
                                  "all); each kept clip is the same as in the full sweep")
    args = p.parse_args(argv)
    if args.max_fps is not None and not args.max_fps > 0:
        p.error(f"--max-fps must be > 0, got {args.max_fps}")
    try:
        exercises, seeds = parse_exercises(args.exercises), parse_seeds(args.seeds)
    except ValueError as e:
        p.error(str(e))
    args.out.mkdir(parents=True, exist_ok=True)
    specs = sweep_specs(exercises, seeds, args.yaw_max)
    if args.only is not None:
        try:
            specs = only_clips(specs, [k.strip() for k in args.only.split(",") if k.strip()])
        except ValueError as e:
            p.error(str(e))
    work = [(s, args.out, args.max_fps) for s in specs]
    if args.jobs > 1:
        with process_pool(args.jobs) as pool:
            scores = list(pool.map(_render_and_score, work))
    else:
        scores = [_render_and_score(w) for w in work]
    print(format_summary(summarise(scores), scores))
    if args.json:
        args.json.write_text(json.dumps([asdict(s) for s in scores], indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
