"""Rendered sweep of the sphinx and the bird dog: every fault injected, several seeds, through MediaPipe and the engine.

    python -m bench.prone_side_sweep --seeds 101,102 --out /tmp/prone_side_sweep [--jobs 2]

Per seed and exercise one clean clip and one clip per fault, small (480x360 or 640x360, 24 or 30 fps) so a sweep
stays cheap; bodies, facings, scenes and scripts vary with the seed. Prints bench.accuracy's figures: reps exact,
hold error, per-fault precision and recall. The suite's own clips (python -m synth render-suite --exercise ...) are
larger and are scored the same way by `formcheck bench accuracy --suite`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bench.accuracy import format_summary, score_rendered, summarise
from pose.workers import process_pool
from scoring.runner import ScoreOptions
from synth.mannequin import BODY_SHAPES
from synth.prone_side_scripts import FAULT_CODES, random_script
from synth.render import ClipSpec, render_clip
from synth.scene import random_scene_style

SIZES = ((480, 360, 24.0), (640, 360, 30.0))


def sweep_specs(seeds: list[int]) -> list[ClipSpec]:
    """Clip specs of a sweep: per seed and exercise, a clean clip and one per fault."""
    specs = []
    bodies = sorted(BODY_SHAPES)
    for seed in seeds:
        rng = np.random.default_rng([seed, 14])
        for exercise, codes in FAULT_CODES.items():
            for fault in (None, *codes):
                clip_seed = int(rng.integers(0, 2**31))
                w, h, fps = SIZES[int(rng.integers(len(SIZES)))]
                specs.append(ClipSpec(f"{exercise}_s{seed}_{fault or 'clean'}",
                                      random_script(exercise, fault, rng, clip_seed), width=w, height=h, fps=fps,
                                      facing=("right", "left")[int(rng.integers(2))],
                                      body=bodies[int(rng.integers(len(bodies)))],
                                      style=random_scene_style(rng, (0.7, 0.85)), seed=clip_seed))
    return specs


def _render(args: tuple[ClipSpec, Path]) -> Path:
    spec, out = args
    path = out / f"{spec.name}.mp4"
    if not path.is_file() or not path.with_suffix(".truth.json").is_file():
        path, _ = render_clip(spec, out)
    return Path(path)


def main(argv: list[str] | None = None) -> int:
    """Render (or reuse) the sweep's clips, score them and print the figures."""
    p = argparse.ArgumentParser(prog="python -m bench.prone_side_sweep", description=__doc__.splitlines()[0])
    p.add_argument("--seeds", default="101", help="comma-separated seeds")
    p.add_argument("--out", type=Path, required=True, help="folder for the clips (reused when present)")
    p.add_argument("--jobs", type=int, default=1, help="clips rendered at once")
    args = p.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    args.out.mkdir(parents=True, exist_ok=True)
    work = [(s, args.out) for s in sweep_specs(seeds)]
    if args.jobs > 1:
        with process_pool(args.jobs) as pool:
            clips = list(pool.map(_render, work))
    else:
        clips = [_render(w) for w in work]
    scores = [score_rendered(c, ScoreOptions(cache_dir=str(args.out / "cache"))) for c in clips]
    print(format_summary(summarise(scores), scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
