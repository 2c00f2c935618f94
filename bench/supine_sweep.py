"""Rendered sweep of the hook-lying supine exercises (pelvic tilt, trunk rotation, figure four) through MediaPipe.

    python -m bench.supine_sweep --seeds 201,202 --out /tmp/supine_sweep [--jobs 2]

For every seed, each exercise gets a clip with no fault and one clip per fault, rendered small (480x360 at 24 or
30 fps) with the seed choosing body, facing, scene, script and camera (yaw 0-20 degrees off side-on, field of view
50-75). Clips already in --out are reused (by name: use a fresh folder after changing the generator). The figures are
bench.accuracy's: reps exact, hold error, per-fault precision and recall.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bench.accuracy import format_summary, score_rendered, summarise
from pose.workers import process_pool
from scoring.runner import ScoreOptions
from synth import supine_scripts
from synth.camera import View
from synth.mannequin import BODY_SHAPES
from synth.render import ClipSpec, rendered_clip
from synth.scene import random_scene_style

FRAME_RATES = (24.0, 30.0)
#: The camera's range: a phone on the floor beside the mat, roughly side-on, with a phone's lens.
YAW_MAX_DEG = 20.0
FOV_RANGE_DEG = (50.0, 75.0)


def clip_specs(seeds: list[int]) -> list[ClipSpec]:
    """Every clip of a sweep, deterministic per seed."""
    out = []
    for seed in seeds:
        rng = np.random.default_rng([seed, 1414])
        # The camera from its own stream, so a seed's bodies and scripts stay what they were before it varied.
        cam = np.random.default_rng([seed, 1414, 2])
        for exercise, faults in supine_scripts.FAULT_CODES.items():
            for fault in (None, *faults):
                clip_seed = int(rng.integers(0, 2**31))
                out.append(ClipSpec(
                    name=f"{exercise}_{seed}_{fault or 'clean'}",
                    script=supine_scripts.random_script(exercise, fault, rng, clip_seed),
                    width=480, height=360, fps=FRAME_RATES[int(rng.integers(len(FRAME_RATES)))],
                    facing=str(rng.choice(["left", "right"])), body=str(rng.choice(sorted(BODY_SHAPES))),
                    style=random_scene_style(rng, (0.7, 0.85)), seed=clip_seed,
                    view=View(yaw_deg=float(cam.uniform(0.0, YAW_MAX_DEG)),
                              fov_deg=float(cam.uniform(*FOV_RANGE_DEG)))))
    return out


def main(argv: list[str] | None = None) -> int:
    """Render what is missing, score every clip, print the figures."""
    p = argparse.ArgumentParser(prog="python -m bench.supine_sweep", description=__doc__.splitlines()[0])
    p.add_argument("--seeds", default="201", help="comma-separated seeds")
    p.add_argument("--out", type=Path, required=True, help="folder of the clips (kept and reused)")
    p.add_argument("--jobs", type=int, default=1, help="clips rendered in parallel")
    args = p.parse_args(argv)
    specs = clip_specs([int(s) for s in args.seeds.split(",") if s.strip()])
    args.out.mkdir(parents=True, exist_ok=True)
    folders = [args.out] * len(specs)
    if args.jobs > 1:
        with process_pool(args.jobs) as pool:
            videos = list(pool.map(rendered_clip, specs, folders))
    else:
        videos = [rendered_clip(s, f) for s, f in zip(specs, folders)]
    options = ScoreOptions(cache_dir=str(args.out / "cache"))
    scores = [score_rendered(v, options) for v in videos]
    print(format_summary(summarise(scores), scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
