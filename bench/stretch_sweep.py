"""Rendered sweep of the upright stretches and the standing back extension through MediaPipe.

    python -m bench.stretch_sweep --seeds 301,302 --out /tmp/stretch_sweep [--jobs 2] [--yaw 0]

For every seed, each exercise (hip_flexor_stretch, calf_stretch, back_extension) gets a clip with no fault and one
clip per fault, rendered small (480x360 at 24 fps), filmed from the side (or `--yaw` degrees round), the seed choosing
body, facing, scene and script. Clips already in --out are reused. The figures are bench.accuracy's: reps exact,
hold error, per-fault precision and recall.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bench.accuracy import format_summary, score_rendered, summarise
from pose.workers import process_pool
from scoring.runner import ScoreOptions
from synth import stretch_scripts
from synth.camera import View
from synth.mannequin import BODY_SHAPES
from synth.render import ClipSpec, rendered_clip
from synth.scene import random_scene_style
from synth.script import FAULT_CODES


def sweep_specs(seeds: list[int], yaw_deg: float = 0.0) -> list[ClipSpec]:
    """Every clip of the sweep: per seed and exercise, one clean and one per fault; deterministic per seed."""
    specs = []
    for seed in seeds:
        rng = np.random.default_rng([seed, 14, 3])
        for exercise in stretch_scripts.EXERCISES:
            for fault in (None, *FAULT_CODES[exercise]):
                clip_seed = int(rng.integers(0, 2**31))
                specs.append(ClipSpec(
                    f"{exercise}_{seed}_{fault or 'clean'}_yaw{yaw_deg:02.0f}",
                    stretch_scripts.random_script(exercise, fault, rng, clip_seed), width=480, height=360, fps=24.0,
                    facing=("left", "right")[int(rng.integers(0, 2))], body=sorted(BODY_SHAPES)[
                        int(rng.integers(0, len(BODY_SHAPES)))],
                    style=random_scene_style(rng, (0.7, 0.85)), seed=clip_seed, view=View(yaw_deg=yaw_deg)))
    return specs


def main(argv: list[str] | None = None) -> int:
    """Render the clips not yet in --out, score them all, print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.stretch_sweep", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="301", help="comma-separated seeds")
    parser.add_argument("--out", type=Path, required=True, help="folder of the clips (kept and reused)")
    parser.add_argument("--jobs", type=int, default=1, help="clips rendered in parallel")
    parser.add_argument("--yaw", type=float, default=0.0, help="camera degrees round from side-on (up to 40)")
    args = parser.parse_args(argv)
    specs = sweep_specs([int(s) for s in args.seeds.split(",") if s.strip()], args.yaw)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.jobs > 1:
        with process_pool(args.jobs) as pool:
            videos = list(pool.map(rendered_clip, specs, [args.out] * len(specs)))
    else:
        videos = [rendered_clip(s, args.out) for s in specs]
    scores = [score_rendered(v, ScoreOptions(cache_dir=str(args.out / "cache"))) for v in videos]
    print(format_summary(summarise(scores), scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
