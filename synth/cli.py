"""Command line for the synthetic video generator.

python -m synth render-samples OUT_DIR   # regenerate sample_videos/
python -m synth render-suite OUT_DIR [--n-per-exercise N] [--seed S]
python -m synth check CLIP.mp4 [...]     # MediaPipe detection / angle check
"""

from __future__ import annotations

import argparse
from pathlib import Path

from synth.render import render_clip
from synth.suite import build_suite, sample_specs


def main(argv: list[str] | None = None) -> int:
    """Run the ``synth`` command line.

    Args:
        argv: Arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
        Process exit code.
    """
    parser = argparse.ArgumentParser(prog="synth", description="Render synthetic ground-truth exercise videos.")
    sub = parser.add_subparsers(dest="command", required=True)
    samples = sub.add_parser("render-samples", help="render the committed sample_videos/ set")
    samples.add_argument("out_dir", type=Path)
    suite = sub.add_parser("render-suite", help="render the varied test suite")
    suite.add_argument("out_dir", type=Path)
    suite.add_argument("--n-per-exercise", type=int, default=8)
    suite.add_argument("--seed", type=int, default=0)
    check = sub.add_parser("check", help="run MediaPipe on clips and compare with their truth")
    check.add_argument("videos", nargs="+", type=Path)
    args = parser.parse_args(argv)

    if args.command == "render-samples":
        for spec in sample_specs():
            path, truth = render_clip(spec, args.out_dir)
            print(f"{path}  {truth['duration_s']:.1f} s  reps={truth['expected']['reps']}")
    elif args.command == "render-suite":
        for path in build_suite(args.out_dir, args.n_per_exercise, args.seed):
            print(path)
    else:
        from synth.check_detection import main as check_main  # imports mediapipe lazily

        return check_main([str(v) for v in args.videos])
    return 0
