"""The `formcheck` command: a thin shell over scoring.runner; it parses, wires and prints, nothing more."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

# Quiet MediaPipe/TensorFlow Lite C++ logging before anything imports mediapipe.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from cli.exercises_command import print_exercises  # noqa: E402
from cli.progress import ProgressBar  # noqa: E402
from cli.resume import append_line, finished_files  # noqa: E402
from cli.store_commands import add_store_commands, run_store_command  # noqa: E402
from exercises.config import ConfigError, load_overrides  # noqa: E402
from exercises.registry import EXERCISES, SPEC_FILE_ERRORS  # noqa: E402
from feedback import report as rep  # noqa: E402
from pose.estimator import EstimatorSettings  # noqa: E402
from pose.models import MODEL_FOR_USE, model_settings  # noqa: E402
from pose.sampling import SAMPLING_MODES  # noqa: E402
from pose.video import VideoError  # noqa: E402
from pose.workers import core_count  # noqa: E402
from scoring.runner import (  # noqa: E402
    AUTO,
    SAMPLING_AUTO,
    ScoreOptions,
    estimator_settings,
    expand_paths,
    sampling_for,
    score_many,
)
from synth.cli import add_view_arguments, view_plan  # noqa: E402

EXIT_OK, EXIT_CLIP_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as the CLI contract says
        self.exit(EXIT_USAGE, f"formcheck: error: {message}\n")


def _number_list(kind: type) -> Callable[[str], tuple]:
    def parse(text: str) -> tuple:
        try:
            return tuple(kind(v) for v in text.split(","))
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected comma-separated numbers, got {text!r}") from None

    return parse


def _build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="formcheck", description="Form checker for sciatica rehab exercises.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    s = sub.add_parser("score", help="score recorded clips: reps, holds and faults")
    s.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="video files or folders")
    s.add_argument("--exercise", default=AUTO, choices=[AUTO, *EXERCISES],
                   help="exercise to score with (default: guessed from the posture)")
    s.add_argument("--jobs", type=int, default=None,
                   help="clips scored in parallel (processes); 0 = one per core (default 1; with --backend ray: "
                        "clips in flight on the cluster, default 0 = two per cluster CPU)")
    s.add_argument("--out", type=Path, help="write results here instead of stdout")
    s.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    s.add_argument("--config", type=Path, help="TOML file of per-patient threshold overrides")
    s.add_argument("--model", metavar="lite|full|heavy|FILE.task",
                   help="pose model: lite, full or heavy (lite and heavy installed by `make`), or a MediaPipe Tasks "
                        f".task pose landmarker bundle (default {MODEL_FOR_USE['batch']})")
    s.add_argument("--max-fps", type=float, default=EstimatorSettings.max_fps,
                   help="frames per second estimated at most (default %(default)g; `formcheck bench tradeoff` "
                        "found 15 as accurate on its suite at 1.8x the throughput)")
    s.add_argument("--max-side", type=int, default=EstimatorSettings.max_side_px,
                   help="frames downscaled to this longer side in px first (default %(default)d)")
    s.add_argument("--sampling", choices=[*SAMPLING_MODES, SAMPLING_AUTO], default=SAMPLING_AUTO,
                   help="auto (default): adaptive for an exercise named with --exercise whose spec declares it "
                        "(measured to keep accuracy: "
                        f"{', '.join(n for n, spec in EXERCISES.items() if spec.batch_sampling == 'adaptive')}), "
                        "else full; full: the pose model on every frame; adaptive: on fewer frames where the body "
                        "moves smoothly, interpolating between (README, Speed)")
    s.add_argument("--no-cache", action="store_true", help="always run pose estimation (ignore the landmark cache)")
    s.add_argument("--cache-dir", type=Path, help="landmark cache folder (default ~/.cache/formcheck/landmarks)")
    s.add_argument("--db", metavar="URL", help="also save each scored clip as a session in this database "
                   "(default $FORMCHECK_DATABASE_URL or the local SQLite file; needs --patient)")
    s.add_argument("--patient", metavar="USERNAME", help="the patient whose sessions the clips are")
    s.add_argument("--resume", action="store_true",
                   help="with --out: keep the clips already in that file and score only the rest")
    s.add_argument("--verbose", action="store_true", help="keep MediaPipe's own log lines on stderr")
    s.add_argument("--backend", choices=["local", "ray"], default="local",
                   help="where clips are scored: this machine's processes, or a Ray cluster (the ray extra)")
    s.add_argument("--address", metavar="ADDR", help="with --backend ray: the cluster, HOST:6379, ray://HOST:10001 "
                   "or auto (default $RAY_ADDRESS, else a Ray instance on this machine for the run)")
    s.add_argument("--send-clips", action="store_true", help="with --backend ray: send clips to the workers "
                   "through Ray's object store (default: workers read them at the same path, on a shared filesystem)")
    b = sub.add_parser("bench", help="benchmarks that print figures")
    bsub = b.add_subparsers(dest="bench", required=True, parser_class=_Parser)
    bs = bsub.add_parser("speed", help="per-stage ms/frame, fps, real-time factor, memory, vs a naive baseline")
    bs.add_argument("clips", nargs="+", type=Path, metavar="CLIP")
    bs.add_argument("--exercise", default="wall_squat", choices=list(EXERCISES))
    bs.add_argument("--frames", type=int, default=300, help="frames per clip at most")
    bs.add_argument("--max-side", type=int, default=1280, help="downscale frames to this longer side first")
    bs.add_argument("--json", type=Path, help="also write the results as JSON here")
    bs.add_argument("--side-by-side", action="store_true", help="instead: issue 16's batch rows, measured back to "
                    "back: `score --no-cache --jobs 1` (full, then --sampling adaptive) vs a bare MediaPipe loop, "
                    "and --jobs N vs --jobs 1, with ratios")
    bs.add_argument("--jobs", type=int, default=2, help="with --side-by-side: the N of --jobs N (default 2)")
    bs.add_argument("--model", default="full", choices=["lite", "full", "heavy"], help="with --side-by-side")
    bs.add_argument("--rounds", type=int, default=1, help="with --side-by-side: run the batch rows this many "
                    "times and print each ratio's median beside every round's value (default 1)")
    bs.add_argument("--live", action="store_true", help="with --side-by-side: also the live rows, one patient with a "
                    "30 fps camera and two at once with 15 fps cameras, Chromium pages against one app server")
    bs.add_argument("--live-seconds", type=float, default=20.0, help="with --live: measured seconds per row")
    ba = bsub.add_parser("accuracy", help="reps, holds, faults and angles against exact truth and real labels")
    ba.add_argument("--suite", type=Path, help="folder of rendered clips with .truth.json (rendered first if empty)")
    ba.add_argument("--per-exercise", type=int, default=8,
                    help="scripts per exercise when rendering the suite (each filmed at every --yaws)")
    ba.add_argument("--seed", type=int, default=0, help="seed of the rendered suite")
    ba.add_argument("--manifest", type=Path, help="real clips manifest.csv to score too (default ../shared/clips)")
    ba.add_argument("--no-real", action="store_true", help="leave out the real clips")
    ba.add_argument("--jobs", type=int, default=0, help="processes (0 = one per core)")
    ba.add_argument("--json", type=Path, help="also write the figures as JSON here")
    ba_views = ba.add_argument_group("cameras of the rendered suite (when it is rendered; every figure is also "
                                     "reported per view)")
    add_view_arguments(ba_views)
    bt = bsub.add_parser("tradeoff", help="fps against rep and angle error over frame-rate caps, sizes, smoothing")
    bt.add_argument("--suite", type=Path, help="folder of rendered clips with .truth.json (rendered first if empty)")
    bt.add_argument("--per-exercise", type=int, default=8, help="clips per exercise when rendering the suite")
    bt.add_argument("--seed", type=int, default=0, help="seed of the rendered suite")
    bt.add_argument("--clips-per-exercise", type=int, help="use at most this many suite clips of each exercise")
    bt.add_argument("--manifest", type=Path, help="real clips manifest.csv to score too (default ../shared/clips)")
    bt.add_argument("--no-real", action="store_true", help="leave out the real clips")
    bt.add_argument("--fps", type=_number_list(float), help="frame-rate caps to try (default 30,15,10)")
    bt.add_argument("--max-side", type=_number_list(int), help="longer sides in px to try (default 1280,960,640,480)")
    bt.add_argument("--smoothing", type=lambda v: tuple(v.split(",")),
                    help="smoothing variants to try: off, light, default, heavy (default off,default,heavy)")
    bt.add_argument("--models", type=lambda v: tuple(v.split(",")),
                    help="pose models to try: lite, full, heavy (default full; lite and heavy installed by `make`)")
    bt.add_argument("--sampling", type=lambda v: tuple(v.split(",")),
                    help="pose sampling to try: full, adaptive (default full)")
    bt.add_argument("--bare", action="store_true",
                    help="also run the bare MediaPipe loop on each clip, beside the rows, and give each row's speed "
                         "against it")
    bt.add_argument("--quick", action="store_true",
                    help="a few minutes: 30,10 fps x 1280,640 px x off,default, 4 suite clips per exercise")
    bt.add_argument("--jobs", type=int, default=0, help="processes (0 = one per core)")
    bt.add_argument("--json", type=Path, help="also write the rows and per-clip figures as JSON here")
    bm = bsub.add_parser("memory", help="memory over a long live session (a clip's poses replayed)")
    bm.add_argument("clip", type=Path)
    bm.add_argument("--exercise", default=AUTO, choices=[AUTO, *EXERCISES])
    bm.add_argument("--minutes", type=float, default=60.0, help="stream length to simulate")
    bm.add_argument("--json", type=Path, help="also write the samples as JSON here")
    bb = bsub.add_parser("batch", help="memory of the parent and workers over a large batch (one clip, many copies)")
    bb.add_argument("clip", type=Path)
    bb.add_argument("--copies", type=int, default=200, help="times the clip is scored")
    bb.add_argument("--jobs", type=int, default=0, help="processes (0 = one per core)")
    bb.add_argument("--exercise", default=AUTO, choices=[AUTO, *EXERCISES])
    bb.add_argument("--no-cache", action="store_true", help="run MediaPipe on every copy (default: cache hits)")
    bb.add_argument("--cache-dir", type=Path, help="landmark cache folder (default: a fresh temporary one)")
    bb.add_argument("--json", type=Path, help="also write the samples as JSON here")
    sub.add_parser("render", help="render ground-truth mannequin clips (see `formcheck render --help`)",
                   add_help=False)
    add_store_commands(sub)
    e = sub.add_parser("exercises", help="list the exercises and their fault codes")
    e.add_argument("--json", action="store_true", help="machine-readable output")
    return p


def _cmd_exercises(args: argparse.Namespace) -> int:
    print_exercises(args.json)
    return EXIT_OK


def _save_to_store(args: argparse.Namespace, options: ScoreOptions, result: rep.ClipResult) -> bool:
    from sqlalchemy.exc import SQLAlchemyError

    from pose.cache import LandmarkCache
    from pose.extract import extract_poses
    from scoring.save import BatchError, save_clip_result

    # The landmarks were just cached by the scoring run, so this reads them back rather than re-estimating: with
    # the settings scoring used for the exercise asked for (without the person mask when it reads no outline).
    sequence = None
    if options.use_cache:
        cache = LandmarkCache(Path(options.cache_dir) if options.cache_dir else None)
        sequence = extract_poses(Path(result.file), estimator_settings(options.exercise, options.settings), cache)
    try:
        save_clip_result(args.db, args.patient, result, sequence)
        return True
    except (BatchError, SQLAlchemyError, OSError) as exc:
        from store.db import redact

        print(f"formcheck: {result.file}: not saved: {redact(str(exc).splitlines()[0])}", file=sys.stderr)
        return False


def _cmd_score(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        overrides = load_overrides(args.config) if args.config else None
        settings = EstimatorSettings(**model_settings(args.model), max_side_px=args.max_side, max_fps=args.max_fps,
                                     sampling=sampling_for(args.exercise, args.sampling))
    except (ConfigError, ValueError) as exc:
        parser.error(str(exc))
    if args.jobs is None:
        # A cluster is there to be used whole; one machine keeps the old default of one clip at a time.
        args.jobs = 0 if args.backend == "ray" else 1
    if args.jobs < 0:
        parser.error(f"--jobs must be >= 0, got {args.jobs}")
    jobs = args.jobs or core_count()
    if args.resume and not args.out:
        parser.error("--resume needs --out FILE")
    if args.db and not args.patient:
        parser.error("--db needs --patient USERNAME")
    if args.backend != "ray" and (args.address or args.send_clips):
        parser.error("--address and --send-clips need --backend ray")
    from scoring import cluster  # imports no ray: that happens only when --backend ray is used (optional extra)

    if args.backend == "ray":
        try:
            cluster.import_ray()
        except cluster.ClusterError as exc:
            print(f"formcheck: {exc}", file=sys.stderr)
            return EXIT_USAGE
    paths = expand_paths(args.paths)
    if not paths:
        parser.error("no video files found in the given paths")
    options = ScoreOptions(exercise=args.exercise, overrides=overrides, settings=settings,
                           cache_dir=str(args.cache_dir) if args.cache_dir else None, use_cache=not args.no_cache)
    try:
        done = finished_files(args.out, args.format) if args.resume else set()
        appending = bool(args.resume and args.out.is_file() and args.out.stat().st_size)
        out = open(args.out, "a" if appending else "w", encoding="utf-8", newline="") if args.out else sys.stdout
    except OSError as exc:
        parser.error(f"cannot write {args.out}: {exc.strerror}")
    todo = [p for p in paths if str(p) not in done]
    failed = 0
    bar = ProgressBar(len(todo), enabled=sys.stderr.isatty())
    try:
        if args.format == "csv" and not appending:
            append_line(out, rep.csv_header())
        results = score_many(todo, options, jobs) if args.backend == "local" else cluster.score_on_ray(
            todo, options, args.jobs, args.address, args.send_clips)
        for result in results:
            failed += result.error is not None
            append_line(out, rep.to_csv_line(result) if args.format == "csv" else rep.to_json_line(result) + "\n")
            if args.patient and result.error is None:
                failed += not _save_to_store(args, options, result)
            bar.advance(Path(result.file).name)
    except cluster.ClusterError as exc:  # only the ray backend raises it: nothing was scored
        print(f"formcheck: {exc}", file=sys.stderr)
        return EXIT_CLIP_FAILED
    finally:
        bar.close()
        if out is not sys.stdout:
            out.close()
    return EXIT_CLIP_FAILED if failed else EXIT_OK


def _silence_native_logging() -> None:
    # MediaPipe and TensorFlow Lite write C++ log lines straight to file descriptor 2, past Python. Point
    # fd 2 at /dev/null (worker processes inherit it) and keep Python's own stderr on a copy of the real one,
    # so the user sees our one-line errors and the progress bar, and nothing else.
    try:
        real = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        sys.stderr = os.fdopen(real, "w", buffering=1)
    except OSError:
        pass


def _bench_memory(args: argparse.Namespace) -> int:
    from bench.memory import soak
    from exercises.detect import guess_exercise
    from pose.cache import LandmarkCache
    from pose.extract import extract_poses

    try:
        seq = extract_poses(args.clip, cache=LandmarkCache())
    except VideoError as exc:
        print(f"formcheck: {exc}", file=sys.stderr)
        return EXIT_CLIP_FAILED
    exercise = guess_exercise(seq) if args.exercise == AUTO else args.exercise
    if exercise == "unknown":
        print(f"formcheck: {args.clip}: exercise not recognised; name it with --exercise", file=sys.stderr)
        return EXIT_CLIP_FAILED
    samples = soak(seq, exercise, args.minutes)
    print(f"{'stream min':>10} {'RSS MB':>8} {'frames':>8} {'reps':>6} {'wall s':>7}")
    for s in samples:
        print(f"{s['stream_min']:10.1f} {s['rss_mb']:8.1f} {s['frames']:8d} {s['reps']:6d} {s['wall_s']:7.1f}")
    print(f"growth: {samples[-1]['rss_mb'] - samples[0]['rss_mb']:+.1f} MB over {samples[-1]['stream_min']:.0f} min")
    if args.json:
        args.json.write_text(json.dumps(samples, indent=1))
    return EXIT_OK


def _bench_batch(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    import tempfile

    from bench.memory import format_batch, soak_batch

    if args.copies < 1 or args.jobs < 0:
        parser.error("--copies must be >= 1 and --jobs >= 0")
    if not args.clip.is_file():
        parser.error(f"no such clip: {args.clip}")
    with tempfile.TemporaryDirectory(prefix="formcheck-soak-cache-") as fresh:
        options = ScoreOptions(args.exercise, cache_dir=str(args.cache_dir or fresh), use_cache=not args.no_cache)
        samples = soak_batch(args.clip, args.copies, options, args.jobs or core_count())
    print(format_batch(samples))
    if args.json:
        args.json.write_text(json.dumps(samples, indent=1))
    return EXIT_CLIP_FAILED if samples[-1]["errors"] else EXIT_OK


def _bench_accuracy(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from bench import accuracy as ba
    from pose.workers import process_pool

    options = ScoreOptions()
    scores = []
    if args.suite:
        clips = sorted(p for p in args.suite.glob("*.mp4") if p.with_suffix(".truth.json").is_file())
        if not clips:
            from synth.suite import build_suite

            try:
                build_suite(args.suite, n_per_exercise=args.per_exercise, seed=args.seed, jobs=args.jobs or None,
                            views=view_plan(args))
            except ValueError as exc:
                parser.error(str(exc))
            clips = sorted(p for p in args.suite.glob("*.mp4") if p.with_suffix(".truth.json").is_file())
        with process_pool(args.jobs or core_count()) as pool:
            scores += list(pool.map(ba.score_rendered, clips, [options] * len(clips)))
    manifest = None if args.no_real else (
        args.manifest or Path(__file__).resolve().parents[1].parent / "shared" / "clips" / "manifest.csv")
    if manifest is not None and manifest.is_file():
        scores += ba.score_manifest(manifest, options)
    summary = ba.summarise(scores)
    print(ba.format_summary(summary, scores))
    if args.json:
        per_frame = {"angle_errors": None, "source_errors": None}  # per-frame lists: the summary has their figures
        args.json.write_text(json.dumps({"summary": summary, "clips": [vars(s) | per_frame for s in scores]}, indent=1))
    return EXIT_OK


def _bench_tradeoff(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    import time

    from bench import tradeoff as bt

    base = bt.QUICK_GRID if args.quick else bt.Grid()
    try:
        grid = bt.Grid(args.fps or base.max_fps, args.max_side or base.max_side_px, args.smoothing or base.smoothing,
                       args.models or base.models, args.sampling or base.sampling, args.bare)
        for model in grid.models:
            model_settings(model)  # a model that is not installed: one line now, not a crash in a worker
    except ValueError as exc:
        parser.error(str(exc))
    if args.suite and not any(args.suite.glob("*.truth.json")):
        from synth.suite import build_suite

        try:
            build_suite(args.suite, n_per_exercise=args.per_exercise, seed=args.seed)
        except ValueError as exc:
            parser.error(str(exc))
    manifest = None if args.no_real else (
        args.manifest or Path(__file__).resolve().parents[1].parent / "shared" / "clips" / "manifest.csv")
    clips = bt.find_clips(args.suite, manifest, args.clips_per_exercise or (4 if args.quick else None))
    if not clips:
        parser.error("no clips: give --suite DIR (rendered there if empty) or --manifest FILE")
    jobs = args.jobs or core_count()
    t0 = time.monotonic()
    bar = ProgressBar(len(clips) * (len(grid.pose_points()) * len(grid.models) * len(grid.sampling) + grid.bare),
                      enabled=sys.stderr.isatty())
    try:
        measurements = bt.run_grid(clips, grid, ScoreOptions(), jobs, bar.advance)
    finally:
        bar.close()
    rows = bt.make_rows(measurements, grid)
    print(bt.format_table(rows))
    took_s = time.monotonic() - t0
    print(f"{len(clips)} clips, {len(grid.pose_points())} pose settings, {jobs} processes: {took_s:.0f} s")
    if args.json:
        meta = {"jobs": jobs, "cpu_count": core_count(), "clips": len(clips), "took_s": took_s}
        args.json.write_text(bt.to_json(rows, measurements, grid, meta))
    return EXIT_OK


def _cmd_bench(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from bench import speed as bench_speed

    if args.bench == "accuracy":
        return _bench_accuracy(args, parser)
    if args.bench == "tradeoff":
        return _bench_tradeoff(args, parser)
    if args.bench == "memory":
        return _bench_memory(args)
    if args.bench == "batch":
        return _bench_batch(args, parser)
    if args.bench == "speed" and args.side_by_side:
        try:
            model_settings(args.model)
        except ValueError as exc:
            parser.error(str(exc))
        if args.rounds < 1:
            parser.error(f"--rounds must be at least 1, got {args.rounds}")
        missing = [str(c) for c in args.clips if not c.is_file()]
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            parser.error(f"no such clip: {missing[0]}{more}")
        rounds = []
        for k in range(args.rounds):
            if args.rounds > 1:
                print(f"round {k + 1} of {args.rounds}", flush=True)
            try:
                rounds.append(bench_speed.side_by_side(args.clips, args.exercise, args.jobs, args.model))
            except RuntimeError as exc:  # a clip the bare loop or score refused: no figure would mean anything
                print(f"formcheck bench speed: {exc}", file=sys.stderr)
                return EXIT_CLIP_FAILED
            print(bench_speed.format_side_by_side(rounds[-1]), flush=True)
        res = rounds[-1] if args.rounds == 1 else {"rounds": rounds, "summary": bench_speed.summarise_rounds(rounds)}
        if args.rounds > 1:
            print(f"{args.rounds} rounds, each ratio's median:")
            print(bench_speed.format_rounds(res["summary"]))
        if args.live:
            from bench.live_rows import format_live_rows, live_side_by_side

            res["live"] = live_side_by_side(args.live_seconds)
            print(format_live_rows(res["live"]))
        if args.json:
            args.json.write_text(json.dumps(res, indent=1))
        return EXIT_OK
    if args.bench == "speed":
        try:
            settings = EstimatorSettings(max_side_px=args.max_side)
        except ValueError as exc:
            parser.error(str(exc))
        results = []
        for clip in args.clips:
            try:
                res = bench_speed.bench_clip(clip, args.exercise, settings, args.frames)
            except VideoError as exc:
                print(f"formcheck: {exc}", file=sys.stderr)
                return EXIT_CLIP_FAILED
            print(bench_speed.format_table(res), flush=True)
            results.append(res)
        if args.json:
            args.json.write_text(bench_speed.to_json(results))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `formcheck` console script; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["render"]:
        from synth.cli import main as render_main  # the renderer has its own commands

        return render_main(argv[1:])
    if SPEC_FILE_ERRORS:  # an exercise a clinic wrote must not go missing silently
        for line in SPEC_FILE_ERRORS:
            print(f"formcheck: error: {line}", file=sys.stderr)
        return EXIT_USAGE
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command in ("score", "bench") and not getattr(args, "verbose", False):
        _silence_native_logging()
    if args.command == "bench":
        return _cmd_bench(args, parser)
    if args.command == "exercises":
        return _cmd_exercises(args)
    if args.command in ("user", "db", "export"):
        return run_store_command(args)
    try:
        return _cmd_score(args, parser)
    except KeyboardInterrupt:
        print("formcheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
