"""Front-view wall squats with knees collapsing inward in one rep, rendered and scored through MediaPipe.

    python -m bench.front_view --seed 61 --n 3 --out /tmp/front61 [--jobs 2]

Only the front shows knee valgus, so the suite (which films every script from the side too) leaves it out; this
renders it from the front (yaw 90), small (480x270 at 24 fps), the seed choosing script, body, scene, pitch (-15..+15)
and lens (50-75). Clips already in --out are reused by name. The figures are bench.accuracy's: reps exact, hold error,
knee_valgus precision and recall. Score clean front-view clips with it (bench.accuracy --suite) to count false flags.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bench.accuracy import format_summary, score_rendered, summarise
from pose.workers import process_pool
from scoring.runner import ScoreOptions
from synth.camera import View
from synth.render import ClipSpec, rendered_clip
from synth.scene import random_scene_style
from synth.suite import random_script

BODIES = ("average", "slim", "broad", "long_legs")
FRONT_YAW_DEG = 90.0


def clip_specs(seed: int, n: int) -> list[ClipSpec]:
    """The sweep's clips, deterministic per seed."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        script = random_script("wall_squat", "knee_valgus", rng, int(rng.integers(0, 2**31)))
        pitch = float(rng.uniform(-15.0, 15.0))
        fov = float(rng.uniform(50.0, 75.0))
        style = random_scene_style(rng, (0.6, 0.85))
        out.append(ClipSpec(name=f"wall_squat_v{i:02d}_knee_valgus_yaw{FRONT_YAW_DEG:02.0f}", script=script,
                            width=480, height=270, fps=24.0, facing=("left", "right")[i % 2], body=BODIES[i % 4],
                            style=style, seed=int(rng.integers(0, 2**31)),
                            view=View(yaw_deg=FRONT_YAW_DEG, pitch_deg=pitch, fov_deg=fov)))
    return out


def main(argv: list[str] | None = None) -> int:
    """Render what is missing, score every clip, print the figures."""
    p = argparse.ArgumentParser(prog="python -m bench.front_view", description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=61)
    p.add_argument("--n", type=int, default=3, help="clips, each with one valgus rep")
    p.add_argument("--out", type=Path, required=True, help="folder of the clips (kept and reused)")
    p.add_argument("--jobs", type=int, default=1, help="clips rendered in parallel")
    args = p.parse_args(argv)
    specs = clip_specs(args.seed, args.n)
    args.out.mkdir(parents=True, exist_ok=True)
    folders = [args.out] * len(specs)
    if args.jobs > 1:
        with process_pool(args.jobs) as pool:
            videos = list(pool.map(rendered_clip, specs, folders))
    else:
        videos = [rendered_clip(s, f) for s, f in zip(specs, folders)]
    scores = [score_rendered(v, ScoreOptions()) for v in videos]
    print(format_summary(summarise(scores), scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
