"""Speed against accuracy: pose model, sampling, frame-rate cap, input size and smoothing, on the benchmark's clips.

Each clip's landmarks are estimated once per pose setting (frame-rate cap x longer side), timed from opening the
file to the last landmark, decoding included. Every smoothing variant then re-scores those same landmarks in
memory, so the grid costs one estimation per clip and pose setting, not one per row. Accuracy comes from
bench_accuracy's own comparison with the rendered truth and the real labels.

Adaptive sampling (pose.sampling) is one more axis; its rows give the share of frames the model ran on. With
`bare`, each clip is also run through the bare MediaPipe loop (pose.bare: cv2 decode, RGB, Pose.process on every
frame) in the same worker, clip by clip beside the other settings, and every row's speed is given against it.

A row "keeps" accuracy when, against the reference row (the full model, which ships with mediapipe, at the most
expensive pose setting with the default smoothing), it counts as many clips' reps exactly, finds as many injected
faults with at most one more false one, times holds as well (within `HOLD_TOL_S`), and its median angle error
is within `ANGLE_TOL_DEG` for every joint (90th percentile within twice that).
"""

from __future__ import annotations

import json
import math
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from bench import accuracy as ba
from exercises.config import spec_for
from exercises.engine import score_sequence
from exercises.spec import COMMON_THRESHOLDS
from feedback.report import ClipResult
from pose.estimator import EstimatorSettings
from pose.extract import extract_poses
from pose.frames import PoseSequence
from pose.models import MODEL_COMPLEXITY, MODEL_NAMES
from pose.sampling import FULL, SamplingStats, check_sampling
from pose.video import VideoError, probe
from pose.workers import process_pool
from scoring.runner import ScoreOptions

# Smoothing variants by name: threshold overrides applied to every exercise ("default" is the specs' own).
SMOOTHING_PRESETS: dict[str, dict[str, float]] = {
    "off": {"smoothing_enabled_flag": 0.0},
    "light": {"smoothing_min_cutoff_hz": 4.0, "smoothing_beta_ratio": 0.02},
    "default": {},
    "heavy": {"smoothing_min_cutoff_hz": 1.0, "smoothing_beta_ratio": 0.005},
}
SMOOTHING_KEYS = ("smoothing_enabled_flag", "smoothing_min_cutoff_hz", "smoothing_beta_ratio")
# A cheaper row keeps accuracy if its median angle error is at most this much worse than the reference's.
ANGLE_TOL_DEG = 0.5
# ... and its mean hold error at most this much worse.
HOLD_TOL_S = 0.5
# Joints in the printed table (all of them go to the JSON).
TABLE_JOINTS = (("knee", "knee_deg"), ("hip", "hip_deg"), ("spine*", "spine_flexion_deg (offset removed)"))


@dataclass(frozen=True)
class Grid:
    """The settings tried: pose model x sampling x frame-rate cap x longer side (one estimation each) x smoothing.

    With `bare`, each clip also goes through the bare MediaPipe loop (speed only).
    """

    max_fps: tuple[float, ...] = (30.0, 15.0, 10.0)
    max_side_px: tuple[int, ...] = (1280, 960, 640, 480)
    smoothing: tuple[str, ...] = ("off", "default", "heavy")
    models: tuple[str, ...] = ("full",)
    sampling: tuple[str, ...] = (FULL,)
    bare: bool = False

    def __post_init__(self) -> None:
        if not (self.max_fps and self.max_side_px and self.smoothing and self.models and self.sampling):
            raise ValueError(f"every grid axis needs at least one value, got {self}")
        for mode in self.sampling:
            check_sampling(mode)
        unknown_models = [m for m in self.models if m not in MODEL_COMPLEXITY]
        if unknown_models:
            raise ValueError(f"unknown model {', '.join(unknown_models)}; "
                             f"expected some of {', '.join(MODEL_COMPLEXITY)}")
        unknown = [s for s in self.smoothing if s not in SMOOTHING_PRESETS]
        if unknown:
            raise ValueError(f"unknown smoothing {', '.join(unknown)}; expected some of {', '.join(SMOOTHING_PRESETS)}")
        for fps, side in self.pose_points():
            EstimatorSettings(max_side_px=side, max_fps=fps)  # raises for a value the estimator refuses

    def pose_points(self) -> list[tuple[float, int]]:
        """(max_fps, max_side_px) pairs, most expensive first."""
        return [(f, s) for f in sorted(self.max_fps, reverse=True) for s in sorted(self.max_side_px, reverse=True)]

    def reference_model(self) -> str:
        """The model others are judged against: full (the shipped default) if tried, else the first."""
        return "full" if "full" in self.models else self.models[0]

    def reference_sampling(self) -> str:
        """The sampling others are judged against: every frame if tried, else the first."""
        return FULL if FULL in self.sampling else self.sampling[0]

    def reference(self) -> tuple[float, int, str]:
        """The row others are judged against: highest frame rate and size, default smoothing if tried."""
        return max(self.max_fps), max(self.max_side_px), "default" if "default" in self.smoothing else self.smoothing[0]


QUICK_GRID = Grid(max_fps=(30.0, 10.0), max_side_px=(1280, 640), smoothing=("off", "default"))


@dataclass(frozen=True)
class BenchClip:
    """A clip of the benchmark: a rendered one (truth beside it) or a real one with its manifest row."""

    path: str
    source: str
    label: dict[str, str] | None = None


@dataclass
class Measurement:
    """One clip scored at one grid point.

    `pose_s` and `checker_s` are wall-clock seconds; `pose_cpu_s` and `checker_cpu_s` the CPU seconds this process
    (all its threads) spent, which load from other processes on the machine hardly changes.
    """

    clip: str
    source: str
    max_fps: float
    max_side_px: int
    smoothing: str
    frames: int
    duration_s: float
    pose_s: float
    checker_s: float
    pose_cpu_s: float
    checker_cpu_s: float
    score: ba.ClipScore
    model: str = "full"
    sampling: str = FULL
    model_calls: int = 0


@dataclass
class BareMeasurement:
    """One clip through the bare MediaPipe loop (pose.bare): frames, wall and CPU seconds of the loop."""

    clip: str
    source: str
    frames: int
    seconds: float
    cpu_s: float


def find_clips(suite: Path | None, manifest: Path | None, per_exercise: int | None = None) -> list[BenchClip]:
    """The rendered clips of `suite` (at most `per_exercise` of each exercise) and the labelled real clips."""
    clips = []
    if suite is not None:
        taken: dict[str, int] = defaultdict(int)
        for p in sorted(suite.glob("*.mp4")):
            truth = p.with_suffix(".truth.json")
            if not truth.is_file():
                continue
            exercise = json.loads(truth.read_text())["exercise"]
            if per_exercise is None or taken[exercise] < per_exercise:
                taken[exercise] += 1
                clips.append(BenchClip(str(p), "rendered"))
    if manifest is not None and manifest.is_file():
        clips += [BenchClip(str(manifest.parent / row["file"]), "real", row) for row in ba.manifest_rows(manifest)]
    return clips


def measure_clip(clip: BenchClip, settings: EstimatorSettings, smoothing: Iterable[str],
                 options: ScoreOptions | None = None) -> list[Measurement]:
    """Estimate a clip's poses once with `settings` (timed), then score and compare them per smoothing variant."""
    path = Path(clip.path)
    options = options or ScoreOptions()
    if clip.source == "rendered":
        truth, opts = ba.rendered_options(path, options)
        compare: Callable[[ClipResult], ba.ClipScore] = lambda res: ba.compare_rendered(path, truth, res)  # noqa: E731
    else:
        opts = replace(options, exercise=clip.label["checker"])
        compare = lambda res: ba.compare_real(clip.label, res)  # noqa: E731
    exercise = opts.exercise
    error = None
    try:
        duration_s = probe(path).duration_s
        t0, c0 = time.perf_counter(), time.process_time()
        # No cache: the estimation is what is being timed.
        stats = SamplingStats()
        sequence = extract_poses(path, settings, stats=stats)
        pose_s, pose_cpu_s = time.perf_counter() - t0, time.process_time() - c0
        if not sequence.found.any():
            error = f"{path}: no person found in any frame"
    except VideoError as exc:
        sequence, duration_s, pose_s, pose_cpu_s, error = PoseSequence.empty(), math.nan, 0.0, 0.0, str(exc)
        stats = SamplingStats()
    out = []
    for name in smoothing:
        extra = (opts.overrides or {}).get(exercise, {})
        overrides = {exercise: {**extra, **SMOOTHING_PRESETS[name]}}
        t0, c0 = time.perf_counter(), time.process_time()
        result = (ClipResult(str(path), exercise, error=error) if error else
                  ClipResult(str(path), exercise, report=score_sequence(sequence, spec_for(exercise, overrides))))
        checker_s, checker_cpu_s = time.perf_counter() - t0, time.process_time() - c0
        out.append(Measurement(str(path), clip.source, settings.max_fps, settings.max_side_px, name, len(sequence),
                               duration_s, pose_s, checker_s, pose_cpu_s, checker_cpu_s, compare(result),
                               MODEL_NAMES[settings.model_complexity], settings.sampling, stats.model_calls))
    return out


def measure_bare(clip: BenchClip, model: str = "full") -> BareMeasurement:
    """Time the bare MediaPipe loop (pose.bare) on one clip, in this process: wall and CPU seconds of the loop."""
    from pose.bare import bare_loop

    c0 = time.process_time()
    res = bare_loop([clip.path], MODEL_COMPLEXITY[model])
    return BareMeasurement(clip.path, clip.source, int(res["frames"]), float(res["seconds"]),
                           time.process_time() - c0)


def _measure_in_worker(args: tuple) -> list[Measurement] | BareMeasurement:
    os.environ.setdefault("GLOG_minloglevel", "2")
    if args[1] is None:
        return measure_bare(args[0], args[2])
    return measure_clip(*args)


def run_grid(clips: list[BenchClip], grid: Grid, options: ScoreOptions | None = None, jobs: int = 1,
             progress: Callable[[str], None] | None = None) -> list[Measurement | BareMeasurement]:
    """Measure every clip at every grid point, `jobs` estimations at a time.

    Tasks go clip by clip, each clip through every model and pose setting in turn (and the bare loop, with
    `grid.bare`), so a burst of load from elsewhere on the machine lands on all settings alike rather than on
    one: their speeds are side by side.
    """
    options = options or ScoreOptions()
    tasks: list[tuple] = []
    for clip in clips:
        if grid.bare:
            tasks.append((clip, None, grid.reference_model()))
        tasks += [(clip, replace(options.settings, max_fps=fps, max_side_px=side, model_complexity=MODEL_COMPLEXITY[m],
                                 sampling=mode), grid.smoothing, options)
                  for m in grid.models for mode in grid.sampling for fps, side in grid.pose_points()]
    out: list[Measurement | BareMeasurement] = []

    def done(ms: list[Measurement] | BareMeasurement, task: tuple) -> None:
        out.extend(ms) if isinstance(ms, list) else out.append(ms)
        if progress and task[1] is None:
            progress(f"{Path(task[0].path).name} bare loop")
        elif progress:
            progress(f"{Path(task[0].path).name} {MODEL_NAMES[task[1].model_complexity]} {task[1].sampling} "
                     f"{task[1].max_fps:g} fps {task[1].max_side_px} px")

    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            done(_measure_in_worker(task), task)
    else:
        with process_pool(min(jobs, len(tasks))) as pool:
            for ms, task in zip(pool.map(_measure_in_worker, tasks), tasks):
                done(ms, task)
    return out


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else math.nan


def headline(scores: list[ba.ClipScore]) -> dict:
    """Accuracy figures pooled over all the clips given.

    A clip that could not be scored counts as zero reps and no hold (a setting that loses the person is
    less accurate, not excused); angle errors pool every scored frame of every clip by joint.
    """
    ok = [s for s in scores if not s.error]
    reps = [abs(s.reps - s.reps_true) for s in scores if s.reps_true is not None]
    holds = [abs(s.hold_s - s.hold_true) for s in scores if s.hold_true is not None]
    errs: dict[str, list[float]] = defaultdict(list)
    for s in ok:
        for joint, e in s.angle_errors.items():
            errs[joint] += e
    tp, fp, fn = (sum(sum(getattr(s, f"fault_{k}").values()) for s in scores) for k in ("tp", "fp", "fn"))
    return {
        "clips": len(scores),
        "errors": len(scores) - len(ok),
        "reps_exact": sum(d == 0 for d in reps),
        "reps_labelled": len(reps),
        "reps_exact_rate": _mean([d == 0 for d in reps]),
        "reps_mae": _mean(reps),
        "hold_abs_error_s": _mean(holds),
        "pose_coverage_mean": _mean([s.coverage for s in scores]),
        "angles": {j: {"median_deg": float(np.median(e)), "p90_deg": float(np.percentile(e, 90)), "frames": len(e)}
                   for j, e in sorted(errs.items()) if e},
        "faults": {"tp": tp, "fp": fp, "fn": fn, "precision": tp / (tp + fp) if tp + fp else math.nan,
                   "recall": tp / (tp + fn) if tp + fn else math.nan},
    }


def _smoothing_values(name: str) -> dict[str, float]:
    return {k: float({**COMMON_THRESHOLDS, **SMOOTHING_PRESETS[name]}[k]) for k in SMOOTHING_KEYS}


def bare_figures(measurements: list[Measurement | BareMeasurement]) -> dict[str, dict[str, float]]:
    """The bare loop's totals per source ("rendered", "real") and over all: clips, frames, wall and CPU seconds."""
    bare = [m for m in measurements if isinstance(m, BareMeasurement)]
    out = {}
    for source in ("all", "rendered", "real"):
        ms = [m for m in bare if source in ("all", m.source)]
        if ms:
            out[source] = {"clips": len(ms), "frames": sum(m.frames for m in ms),
                           "seconds": sum(m.seconds for m in ms), "cpu_s": sum(m.cpu_s for m in ms)}
    return out


def _vs_bare(ms: list[Measurement], bare: list[BareMeasurement]) -> dict[str, float]:
    # Throughput on the same clips: the bare loop's seconds for them over this setting's (decode, pose and checker).
    # Per clip, not per frame, as the bare loop runs every frame and a frame-rate cap does not.
    out = {}
    for source in ("all", "rendered", "real"):
        mine = [m for m in ms if source in ("all", m.source)]
        clips = {m.clip for m in mine}
        theirs = [b for b in bare if b.clip in clips]
        cpu_s = sum(m.pose_cpu_s + m.checker_cpu_s for m in mine)
        wall_s = sum(m.pose_s + m.checker_s for m in mine)
        if theirs and len({b.clip for b in theirs}) == len(clips) and cpu_s > 0 and wall_s > 0:
            out[source] = sum(b.cpu_s for b in theirs) / cpu_s
            out[f"{source}_wall"] = sum(b.seconds for b in theirs) / wall_s
    return out


def make_rows(measurements: list[Measurement | BareMeasurement], grid: Grid) -> list[dict]:
    """One row per grid point: speed, pooled accuracy per source, bench_accuracy's per-exercise summary."""
    groups: dict[tuple, list[Measurement]] = defaultdict(list)
    bare = [m for m in measurements if isinstance(m, BareMeasurement)]
    for m in measurements:
        if isinstance(m, Measurement):
            groups[(m.model, m.sampling, m.max_fps, m.max_side_px, m.smoothing)].append(m)
    rows = []
    points = [(m, mode, p, n) for m in grid.models for mode in grid.sampling for p in grid.pose_points()
              for n in grid.smoothing]
    for model, mode, (fps, side), name in points:
        ms = groups.get((model, mode, fps, side, name), [])
        frames = sum(m.frames for m in ms)
        pose_s, checker_s = sum(m.pose_s for m in ms), sum(m.checker_s for m in ms)
        duration_s = sum(m.duration_s for m in ms if math.isfinite(m.duration_s))
        wall_s = pose_s + checker_s
        cpu_s = sum(m.pose_cpu_s + m.checker_cpu_s for m in ms)
        scores = [m.score for m in ms]
        calls = sum(m.model_calls for m in ms)
        rows.append({
            "model": model, "sampling": mode, "max_fps": fps, "max_side_px": side, "smoothing": name,
            "model_calls": calls, "model_calls_per_frame": calls / frames if frames and calls else math.nan,
            "x_bare_cpu": _vs_bare(ms, bare),
            "smoothing_thresholds": _smoothing_values(name),
            "clips": len(ms), "frames": frames, "duration_s": duration_s,
            "pose_s": pose_s, "checker_s": checker_s,
            "fps": frames / wall_s if wall_s > 0 else math.nan,
            "realtime_x": duration_s / wall_s if wall_s > 0 else math.nan,
            "checker_ms_per_frame": 1000.0 * checker_s / frames if frames else math.nan,
            "cpu_ms_per_frame": 1000.0 * cpu_s / frames if frames else math.nan,
            "realtime_x_cpu": duration_s / cpu_s if cpu_s > 0 else math.nan,
            "rendered": headline([s for s in scores if s.source == "rendered"]),
            "real": headline([s for s in scores if s.source == "real"]),
            "summary": ba.summarise(scores),
        })
    ref_key = (grid.reference_model(), grid.reference_sampling(), *grid.reference())
    ref = next(r for r in rows
               if (r["model"], r["sampling"], r["max_fps"], r["max_side_px"], r["smoothing"]) == ref_key)
    for r in rows:
        r["reference"] = r is ref
        r["keeps_accuracy"], r["worse"] = keeps_accuracy(r, ref)
    return rows


def keeps_accuracy(row: dict, ref: dict, angle_tol_deg: float = ANGLE_TOL_DEG,
                   hold_tol_s: float = HOLD_TOL_S) -> tuple[bool, list[str]]:
    """Whether `row` is as accurate as `ref` (see the module docstring), and what is worse if not."""
    worse = []
    for source in ("rendered", "real"):
        a, b = row[source], ref[source]
        if a["reps_exact"] < b["reps_exact"]:
            worse.append(f"{source} reps exact {a['reps_exact']}/{a['reps_labelled']}")
        if a["faults"]["tp"] < b["faults"]["tp"] or a["faults"]["fp"] > b["faults"]["fp"] + 1:
            worse.append(f"{source} faults tp {a['faults']['tp']} fp {a['faults']['fp']}")
        if a["hold_abs_error_s"] > b["hold_abs_error_s"] + hold_tol_s:
            worse.append(f"{source} hold error {a['hold_abs_error_s']:.2f} s")
        for joint, e in b["angles"].items():
            mine = a["angles"].get(joint)
            if mine is None:
                worse.append(f"{source} {joint} not measured")
            elif (mine["median_deg"] > e["median_deg"] + angle_tol_deg
                  or mine["p90_deg"] > e["p90_deg"] + 2 * angle_tol_deg):
                worse.append(f"{source} {joint} {mine['median_deg']:.1f}/{mine['p90_deg']:.1f} deg")
    return not worse, worse


def cheapest_keeping(rows: list[dict]) -> dict | None:
    """The fastest row (in real-time factor) that keeps the reference's accuracy."""
    keep = [r for r in rows if r["keeps_accuracy"] and math.isfinite(r["realtime_x"])]
    return max(keep, key=lambda r: r["realtime_x"]) if keep else None


def _f(x: float, fmt: str) -> str:
    return format(x, fmt) if isinstance(x, (int, float)) and math.isfinite(x) else "-"


def format_table(rows: list[dict]) -> str:
    """The grid as a text table, one line per row, and the cheapest row that keeps accuracy."""
    joints = "  ".join(f"{label + ' med/p90':>14}" for label, _ in TABLE_JOINTS)
    ref = next((r for r in rows if r["reference"]), None)
    head = (f"{'fps cap':>7} {'side px':>7} {'smoothing':<9} {'model':<5} {'sampling':<8} {'calls/f':>7} "
            f"{'frames/s':>8} {'x ref':>5} {'x bare':>6} {'x real':>6} "
            f"{'cpu ms/f':>8} {'x cpu':>5} {'reps':>6} {'MAE':>5}  "
            f"{joints}  {'faults P/R':>10} {'hold s':>6}  {'real reps':>9} {'hold s':>6}  keeps")
    lines = [head]
    for r in rows:
        rd, rl = r["rendered"], r["real"]
        angles = "  ".join(f"{_f(rd['angles'].get(j, {}).get('median_deg', math.nan), '.1f'):>6} /"
                           f"{_f(rd['angles'].get(j, {}).get('p90_deg', math.nan), '.1f'):>6}" for _, j in TABLE_JOINTS)
        faults = f"{_f(rd['faults']['precision'], '.2f')}/{_f(rd['faults']['recall'], '.2f')}"
        keeps = "ref" if r["reference"] else ("yes" if r["keeps_accuracy"] else "no: " + "; ".join(r["worse"][:2]))
        # Speed against the reference's, in CPU time: side by side in one run, and steadier under load than wall time.
        x_ref = ref["cpu_ms_per_frame"] / r["cpu_ms_per_frame"] if ref and r["cpu_ms_per_frame"] > 0 else math.nan
        x_bare = r.get("x_bare_cpu", {}).get("all", math.nan)
        lines.append(
            f"{r['max_fps']:7g} {r['max_side_px']:7d} {r['smoothing']:<9} {r.get('model', 'full'):<5} "
            f"{r.get('sampling', FULL):<8} {_f(r.get('model_calls_per_frame', math.nan), '.2f'):>7} "
            f"{_f(r['fps'], '.1f'):>8} {_f(x_ref, '.2f'):>5} {_f(x_bare, '.2f'):>6} "
            f"{_f(r['realtime_x'], '.2f'):>6} {_f(r['cpu_ms_per_frame'], '.1f'):>8} "
            f"{_f(r['realtime_x_cpu'], '.2f'):>5} {rd['reps_exact']:>2}/{rd['reps_labelled']:<3} "
            f"{_f(rd['reps_mae'], '.2f'):>5}  "
            f"{angles}  {faults:>10} {_f(rd['hold_abs_error_s'], '.2f'):>6}  "
            f"{rl['reps_exact']:>4}/{rl['reps_labelled']:<4} {_f(rl['hold_abs_error_s'], '.2f'):>6}  {keeps}")
    best = cheapest_keeping(rows)
    if best is not None:
        lines.append(f"\nfastest setting that keeps accuracy: {best.get('model', 'full')} model, "
                     f"{best.get('sampling', FULL)} sampling, "
                     f"{best['max_fps']:g} fps, {best['max_side_px']} px, smoothing {best['smoothing']} "
                     f"({best['realtime_x']:.2f}x real time)")
    for r in rows:
        by_source = r.get("x_bare_cpu", {})
        if "rendered" in by_source or "real" in by_source:
            lines.append(f"{r.get('sampling', FULL)} sampling, {r['max_fps']:g} fps, {r['max_side_px']} px, "
                         f"{r['smoothing']}: x bare (CPU | wall) rendered "
                         f"{_f(by_source.get('rendered', math.nan), '.2f')} | "
                         f"{_f(by_source.get('rendered_wall', math.nan), '.2f')}, real "
                         f"{_f(by_source.get('real', math.nan), '.2f')} | "
                         f"{_f(by_source.get('real_wall', math.nan), '.2f')}")
    lines.append("spine* = cat-cow spine bend with each clip's constant offset removed. x ref = the reference row's "
                 "CPU ms per frame over this row's. calls/f = pose model calls per frame estimated (1.00 at full "
                 "sampling). x bare = the bare MediaPipe loop's CPU seconds on the same clips over this row's "
                 "(throughput per clip; the bare loop runs every frame, no frame-rate cap). frames/s and x real (clip "
                 "seconds per wall second) are per process, decoding, pose and checker included; cpu ms/f and x cpu "
                 "use the CPU time of the process instead, which other load on the machine hardly changes.")
    return "\n".join(lines)


def _finite(x: object) -> object:
    # Strict JSON has no NaN: an unmeasured figure is null.
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    return x


def to_json(rows: list[dict], measurements: list[Measurement | BareMeasurement], grid: Grid,
            meta: dict | None = None) -> str:
    """Rows, per-clip figures (without per-frame angle errors), the grid and `meta` (how the run was made)."""
    clips = [asdict(m) | {"score": asdict(m.score) | {"angle_errors": None}} for m in measurements
             if isinstance(m, Measurement)]
    doc = {"meta": {**(meta or {}), "grid": asdict(grid), "reference": grid.reference(),
                    "bare": bare_figures(measurements),
                    "angle_tol_deg": ANGLE_TOL_DEG, "hold_tol_s": HOLD_TOL_S},
           "rows": rows, "clips": clips}
    return json.dumps(_finite(doc), indent=1, allow_nan=False)
