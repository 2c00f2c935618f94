"""Command line for the synthetic video generator.

python -m synth render-samples OUT_DIR   # regenerate sample_videos/
python -m synth render-suite OUT_DIR [--n-per-exercise N] [--seed S] [--yaws 0,20,40,60,90] [--pitch 15]
                                     [--fov 50,75] [--jobs J]
python -m synth check CLIP.mp4 [...]     # MediaPipe detection / angle check

(``formcheck render ...`` runs the same commands.)
"""

from __future__ import annotations

import argparse
from pathlib import Path

# Only the light camera module at import: `formcheck` builds its parser with `add_view_arguments`.
from synth.camera import ViewPlan


def _degrees(text: str) -> tuple[float, ...]:
    """A comma-separated list of degrees, e.g. ``0,20,40``."""
    try:
        return tuple(float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, got {text!r}") from None


def add_view_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that choose a suite's cameras (``ViewPlan``); shared with ``formcheck bench accuracy``."""
    parser.add_argument("--yaws", type=_degrees, default=(0.0,), metavar="DEG,...",
                        help="camera yaws to film every script at: 0 side-on .. 90 front (default 0; each exercise "
                             "keeps the yaws it allows: 90 only for the wall squat)")
    parser.add_argument("--pitch", type=float, default=0.0, metavar="DEG",
                        help="scripts take a level, a floor (-DEG) and a table (+DEG) camera in turn (default 0: all "
                             "level)")
    parser.add_argument("--fov", type=_degrees, default=(60.0,), metavar="LO[,HI]",
                        help="lens field of view across the longer side, or a range drawn per script (default 60)")


def view_plan(args: argparse.Namespace) -> ViewPlan:
    """The ``ViewPlan`` the view options ask for; raises ValueError on a bad one."""
    fov = tuple(args.fov) * 2 if len(args.fov) == 1 else tuple(args.fov)
    return ViewPlan(yaws_deg=tuple(args.yaws), pitch_deg=args.pitch, fov_deg=fov)  # type: ignore[arg-type]


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
    suite.add_argument("--jobs", type=int, default=0, help="clips rendered at once (0 = one per core)")
    suite.add_argument("--exercise", action="append", default=[], metavar="NAME",
                       help="render only this exercise's clips of the suite (repeatable; default: all)")
    add_view_arguments(suite)
    check = sub.add_parser("check", help="run MediaPipe on clips and compare with their truth")
    check.add_argument("videos", nargs="+", type=Path)
    args = parser.parse_args(argv)
    from synth.render import render_clip
    from synth.suite import build_suite, sample_specs

    if args.command == "render-samples":
        for spec in sample_specs():
            path, truth = render_clip(spec, args.out_dir)
            print(f"{path}  {truth['duration_s']:.1f} s  reps={truth['expected']['reps']}")
    elif args.command == "render-suite":
        try:
            views = view_plan(args)
            paths = build_suite(args.out_dir, args.n_per_exercise, args.seed, args.jobs or None, views,
                                tuple(args.exercise))
        except ValueError as exc:
            suite.error(str(exc))
        for path in paths:
            print(path)
    else:
        from synth.check_detection import main as check_main  # imports mediapipe lazily

        return check_main([str(v) for v in args.videos])
    return 0
