"""Accuracy benchmark: our scores against exact truth (rendered clips with .truth.json) and real labels.

Prints rep-count exactness, MAE and off-by-one accuracy per exercise; hold error; fault precision and recall
per code; joint-angle error per joint, exercise and view; and pose coverage. The same figures go out as JSON.

Rendered clips record their camera in the truth JSON (``view``: yaw, pitch, field of view; clips rendered
before the renderer had a camera have none and are side-on and level). Every figure is also given per view:
per exercise and yaw, per exercise and pitch band (floor, level, table camera), and per both.
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from exercises.registry import get_exercise
from exercises.results import ClipReport
from feedback.report import ClipResult
from scoring.runner import ScoreOptions, score_path
from synth.camera import pitch_band

# Truth series name -> our signal name, per exercise (the angle conventions match; see synth.skeleton).
TRUTH_SIGNALS: dict[str, dict[str, str]] = {
    "wall_squat": {"knee_deg": "support_knee_deg", "hip_deg": "hip_deg", "trunk_lean_deg": "trunk_lean_deg",
                   "shin_from_vertical_deg": "support_shin_from_vertical_deg"},
    "nerve_glide": {"knee_deg": "knee_deg", "hip_deg": "hip_deg", "ankle_deg": "ankle_deg"},
    "knee_to_chest": {"hip_deg": "hip_deg"},
    "cat_cow": {"spine_flexion_deg": "spine_flexion_deg"},
    # The truth's knee is the working one; ours is the straighter of the two, which is the working one whenever the
    # knee has left the hanging rest (where both read about 90).
    "seated_knee_extension": {"knee_deg": "moving_knee_deg", "slump_deg": "slump_deg"},
}

# Joint angles are read from the picture side-on and from MediaPipe's world landmarks further round (exercises.body
# VIEW_THRESHOLDS). To measure which is better per view, every rendered clip is also scored with each source alone.
# Each joint's view window (the knee's, and the hip's of its own) is opened wide or shut. "image" is the picture as
# the spec reads it (for the wall squat widened to undo the camera's turn, joint_side_plane_flag); "plain" is the
# picture as it is.
ANGLE_SOURCES: dict[str, dict[str, float]] = {
    "plain": {"view_image_only_max_deg": 90.0, "view_world_only_min_deg": 91.0,
              "view_hip_image_only_max_deg": 90.0, "view_hip_world_only_min_deg": 91.0, "joint_side_plane_flag": 0.0},
    "image": {"view_image_only_max_deg": 90.0, "view_world_only_min_deg": 91.0,
              "view_hip_image_only_max_deg": 90.0, "view_hip_world_only_min_deg": 91.0},
    "world": {"view_image_only_max_deg": -1.0, "view_world_only_min_deg": 0.0,
              "view_hip_image_only_max_deg": -1.0, "view_hip_world_only_min_deg": 0.0, "knee_more_bent_flag": 0.0},
}

# Signals judged by their range over a rep (against a running neutral), not by their absolute value.
RANGE_SIGNALS = frozenset({"spine_flexion_deg"})


@dataclass
class ClipScore:
    """One clip's comparison with its truth."""

    file: str
    exercise: str
    source: str
    view: str
    reps_true: float | None
    reps: int
    hold_true: float | None
    hold_s: float
    coverage: float
    error: str | None = None
    angle_errors: dict[str, list[float]] = field(default_factory=dict)
    fault_tp: dict[str, int] = field(default_factory=dict)
    fault_fp: dict[str, int] = field(default_factory=dict)
    fault_fn: dict[str, int] = field(default_factory=dict)
    # Of fault_fn, the misses the report itself listed as not checked (ClipReport.unjudged, or the rep's
    # RepEvent.unjudged): said, not missed.
    fault_unchecked: dict[str, int] = field(default_factory=dict)
    # The rendering camera (truth JSON "view"); None for real clips, and fov_deg None for a clip rendered
    # before the renderer had a camera (an orthographic side view).
    yaw_deg: float | None = None
    pitch_deg: float | None = None
    fov_deg: float | None = None
    # The same angle errors with joint angles from one source alone (ANGLE_SOURCES): source -> joint -> errors.
    source_errors: dict[str, dict[str, list[float]]] = field(default_factory=dict)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _match_reps(true_reps: list[dict], reps) -> list[tuple[int | None, int | None]]:
    """Pairs (truth index, our index) by greatest time overlap; unmatched sides get None."""
    pairs, used = [], set()
    for i, tr in enumerate(true_reps):
        best, best_ov = None, 0.0
        for j, r in enumerate(reps):
            ov = _overlap(tr["start_s"], tr["end_s"], r.start_s, r.end_s)
            if j not in used and ov > best_ov:
                best, best_ov = j, ov
        if best is not None:
            used.add(best)
        pairs.append((i, best))
    pairs += [(None, j) for j in range(len(reps)) if j not in used]
    return pairs


def _fault_counts(truth: dict, report: ClipReport, codes: tuple[str, ...]) -> tuple[dict, dict, dict]:
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    true_reps = truth.get("reps", [])
    # The truth lists short cycles among its reps; ours are partial reps, whose faults (the range fault among
    # them) count as much as a full rep's.
    attempts = sorted(report.reps + report.partial_reps, key=lambda r: r.start_s)
    for i, j in _match_reps(true_reps, attempts):
        want = set(true_reps[i]["faults"]) if i is not None else set()
        got = set(attempts[j].faults) if j is not None else set()
        for c in want & got:
            tp[c] += 1
        for c in got - want:
            fp[c] += 1
        for c in want - got:
            fn[c] += 1
    # Faults outside reps (during holds) are matched as time intervals.
    in_rep = [f for f in truth.get("faults", [])
              if not any(_overlap(f["start_s"], f["end_s"], r["start_s"], r["end_s"]) > 0 for r in true_reps)]
    ours = [e for e in report.episodes if not any(_overlap(e.start_s, e.end_s, r.start_s, r.end_s) > 0
                                                  for r in attempts)]
    for f in in_rep:
        hit = any(e.code == f["code"] and _overlap(e.start_s, e.end_s, f["start_s"], f["end_s"]) > 0 for e in ours)
        (tp if hit else fn)[f["code"]] += 1
    for e in ours:
        if not any(e.code == f["code"] and _overlap(e.start_s, e.end_s, f["start_s"], f["end_s"]) > 0 for f in in_rep):
            fp[e.code] += 1
    keep = set(codes)
    return ({k: v for k, v in d.items() if k in keep} for d in (tp, fp, fn))


def _unchecked_misses(truth: dict, report: ClipReport, fn: dict[str, int]) -> dict[str, int]:
    """Of the missed faults `fn`, those the report said it could not check: in the whole clip, or in the rep."""
    clip = {u.code for u in report.unjudged}
    said = {c: n for c, n in fn.items() if c in clip}
    true_reps = truth.get("reps", [])
    attempts = sorted(report.reps + report.partial_reps, key=lambda r: r.start_s)
    for i, j in _match_reps(true_reps, attempts):
        if i is not None and j is not None:
            for c in set(true_reps[i]["faults"]) - set(attempts[j].faults) - clip:
                if c in attempts[j].unjudged and c in fn:
                    said[c] = said.get(c, 0) + 1
    return said


def _angle_errors(truth: dict, report: ClipReport) -> dict[str, list[float]]:
    frames = truth.get("frames", {})
    t_true = np.asarray(frames.get("t_s", []), float)
    out = {}
    for true_name, ours in TRUTH_SIGNALS.get(report.exercise, {}).items():
        if true_name not in frames or ours not in report.series or t_true.size < 2:
            continue
        want = np.interp(report.t_s, t_true, np.asarray(frames[true_name], float), left=np.nan, right=np.nan)
        diff = report.series[ours] - want
        diff = diff[np.isfinite(diff)]
        out[true_name] = [float(e) for e in np.abs(diff)]
        if true_name in RANGE_SIGNALS and diff.size:
            # The back outline and the drawn skeleton put zero in different places for each body; what the checker
            # judges is the range, so also report the error once each clip's constant offset is removed.
            out[f"{true_name} (offset removed)"] = [float(e) for e in np.abs(diff - np.median(diff))]
    return out


def rendered_options(clip: Path, options: ScoreOptions) -> tuple[dict, ScoreOptions]:
    """A rendered clip's truth (`<stem>.truth.json`), and `options` narrowed to what that clip is scored with."""
    truth = json.loads(clip.with_suffix(".truth.json").read_text())
    # The truth's own "thresholds" are the generator's definitions of its faults, not ours; only a prescribed
    # target (what a therapist would set for this patient) is passed on as an override.
    overrides = dict((options.overrides or {}).get(truth["exercise"], {}))
    # Any exercise whose spec takes a knee target (the nerve glide, the seated knee extension) is scored against the
    # target the clip was drawn with, so its beyond-target fault is judged.
    target = truth.get("expected", {}).get("target_knee_deg")
    if target is not None and "knee_extension_target_deg" in get_exercise(truth["exercise"]).thresholds:
        overrides["knee_extension_target_deg"] = float(target)
    return truth, replace(options, exercise=truth["exercise"], overrides={truth["exercise"]: overrides})


def truth_view(truth: dict) -> tuple[float, float, float | None]:
    """(yaw_deg, pitch_deg, fov_deg) a rendered clip was filmed at; side-on, level and no lens when not recorded."""
    view = truth.get("view") or {}
    return float(view.get("yaw_deg", 0.0)), float(view.get("pitch_deg", 0.0)), view.get("fov_deg")


def compare_rendered(clip: Path, truth: dict, res: ClipResult) -> ClipScore:
    """Compare a rendered clip's scoring result with its truth."""
    expected = truth.get("expected", {})
    # The truth's hold of a rep exercise (cat-cow's end-range pause) is not the timed hold our report gives.
    times_holds = get_exercise(truth["exercise"]).hold is not None
    yaw, pitch, fov = truth_view(truth)
    # A rep the truth flags with the exercise's range fault (cat-cow's small cycle) is a partial rep, never a rep.
    short = get_exercise(truth["exercise"]).rep.partial_fault
    reps_true = expected.get("reps")
    if reps_true is not None and short:
        reps_true -= sum(1 for r in truth.get("reps", []) if short in r.get("faults", ()))
    s = ClipScore(str(clip), truth["exercise"], "rendered", "side", reps_true, 0,
                  expected.get("hold_s") if times_holds else None, 0.0, 0.0, res.error, yaw_deg=yaw, pitch_deg=pitch,
                  fov_deg=fov)
    if res.report:
        r = res.report
        s.reps, s.hold_s, s.coverage, s.view = r.rep_count, r.hold_s, r.pose_coverage, r.view
        s.angle_errors = _angle_errors(truth, r)
        s.fault_tp, s.fault_fp, s.fault_fn = _fault_counts(truth, r, get_exercise(r.exercise).fault_codes)
        s.fault_unchecked = _unchecked_misses(truth, r, s.fault_fn)
    return s


def score_rendered(clip: Path, options: ScoreOptions) -> ClipScore:
    """Score a rendered clip and compare it with its `<stem>.truth.json`, also with each angle source alone."""
    truth, opts = rendered_options(clip, options)
    score = compare_rendered(clip, truth, score_path(clip, opts))
    ex = truth["exercise"]
    if set(ANGLE_SOURCES["image"]) <= set(get_exercise(ex).thresholds):
        for source, overrides in ANGLE_SOURCES.items():
            res = score_path(clip, replace(opts, overrides={ex: {**opts.overrides[ex], **overrides}}))
            if res.report:
                score.source_errors[source] = _angle_errors(truth, res.report)
    return score


def manifest_rows(manifest: Path) -> list[dict[str, str]]:
    """The labelled rows (with a checker) of a real-clip manifest."""
    with open(manifest, encoding="utf-8") as f:
        return [row for row in csv.DictReader(f) if row["checker"]]


def compare_real(row: dict[str, str], res: ClipResult) -> ClipScore:
    """Compare a real clip's scoring result with its manifest row (a trailing `?` marks an uncertain label)."""
    num = lambda x: float(x.rstrip("?")) if x and x.strip() else None  # noqa: E731
    s = ClipScore(row["file"], row["checker"], "real", row["view"], num(row["reps"]), 0, num(row["hold_s"]),
                  0.0, 0.0, res.error)
    if res.report:
        s.reps, s.hold_s, s.coverage = res.report.rep_count, res.report.hold_s, res.report.pose_coverage
    return s


def score_manifest(manifest: Path, options: ScoreOptions) -> list[ClipScore]:
    """Score the labelled rows (with a checker) of a real-clip manifest."""
    return [compare_real(row, score_path(manifest.parent / row["file"], replace(options, exercise=row["checker"])))
            for row in manifest_rows(manifest)]


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else math.nan


def _figures(items: list[ClipScore]) -> dict:
    """Every figure of a group of clips: reps, holds, coverage, angle errors, faults per code and pooled."""
    rep_items = [s for s in items if s.reps_true is not None and not s.error]
    hold_items = [s for s in items if s.hold_true is not None and not s.error]
    diffs = [abs(s.reps - s.reps_true) for s in rep_items]
    g = {
        "clips": len(items),
        "reps_exact_rate": float(np.mean([d == 0 for d in diffs])) if diffs else math.nan,
        "reps_mae": float(np.mean(diffs)) if diffs else math.nan,
        "reps_off_by_one_acc": float(np.mean([d <= 1 for d in diffs])) if diffs else math.nan,
        "hold_abs_error_s": float(np.mean([abs(s.hold_s - s.hold_true) for s in hold_items])) if hold_items
        else math.nan,
        "pose_coverage_mean": float(np.mean([s.coverage for s in items])),
        "angles": {},
        "faults": {},
    }
    errs = defaultdict(list)
    for s in items:
        for joint, e in s.angle_errors.items():
            errs[joint] += e
    g["angles"] = {j: {"median_deg": _pct(e, 50), "p90_deg": _pct(e, 90), "frames": len(e)} for j, e in errs.items()}
    for source in ANGLE_SOURCES:
        by_joint = defaultdict(list)
        for s in items:
            for joint, e in s.source_errors.get(source, {}).items():
                by_joint[joint] += e
        g[f"angles_{source}"] = {j: {"median_deg": _pct(e, 50), "p90_deg": _pct(e, 90)} for j, e in by_joint.items()}
    codes = sorted({c for s in items for d in (s.fault_tp, s.fault_fp, s.fault_fn) for c in d})
    totals = {"tp": 0, "fp": 0, "fn": 0}
    for c in codes:
        tp = sum(s.fault_tp.get(c, 0) for s in items)
        fp = sum(s.fault_fp.get(c, 0) for s in items)
        fn = sum(s.fault_fn.get(c, 0) for s in items)
        g["faults"][c] = {"tp": tp, "fp": fp, "fn": fn, "fn_unchecked": sum(s.fault_unchecked.get(c, 0) for s in items),
                          "precision": tp / (tp + fp) if tp + fp else math.nan,
                          "recall": tp / (tp + fn) if tp + fn else math.nan}
        totals = {"tp": totals["tp"] + tp, "fp": totals["fp"] + fp, "fn": totals["fn"] + fn}
    # Pooled over every code, so a view's fault figures fit in one table cell.
    g["fault_precision"] = totals["tp"] / (totals["tp"] + totals["fp"]) if totals["tp"] + totals["fp"] else math.nan
    g["fault_recall"] = totals["tp"] / (totals["tp"] + totals["fn"]) if totals["tp"] + totals["fn"] else math.nan
    return g


def summarise_views(scores: list[ClipScore]) -> list[dict]:
    """The figures of the rendered clips per view: rows per exercise and yaw, per pitch band, and per both.

    Each row has ``exercise``, ``yaw_deg`` (None when pooled over yaws), ``pitch_band`` (``floor``, ``level``,
    ``table``; None when pooled over pitches), and every figure of a summary group.
    """
    rendered = [s for s in scores if s.source == "rendered" and s.yaw_deg is not None]
    keys = {"yaw": lambda s: (s.yaw_deg, None), "pitch": lambda s: (None, pitch_band(s.pitch_deg or 0.0)),
            "yaw+pitch": lambda s: (s.yaw_deg, pitch_band(s.pitch_deg or 0.0))}
    band_order = {band: i for i, band in enumerate(("floor", "level", "table"))}
    rows = []
    for group, key in keys.items():
        groups = defaultdict(list)
        for s in rendered:
            groups[(s.exercise, *key(s))].append(s)
        for (ex, yaw, band), items in groups.items():
            rows.append({"group": group, "exercise": ex, "yaw_deg": yaw, "pitch_band": band, **_figures(items)})
    order = list(keys)
    return sorted(rows, key=lambda r: (r["exercise"], order.index(r["group"]), r["yaw_deg"] or 0.0,
                                       band_order.get(r["pitch_band"], -1)))


def summarise(scores: list[ClipScore]) -> dict:
    """Aggregate figures per source and exercise, and for rendered clips per view (``views``)."""
    summary: dict = {"clips": len(scores), "errors": [s.file for s in scores if s.error], "groups": {}}
    groups = defaultdict(list)
    for s in scores:
        groups[(s.source, s.exercise)].append(s)
    for (source, ex), items in sorted(groups.items()):
        summary["groups"][f"{source}/{ex}"] = _figures(items)
    summary["views"] = summarise_views(scores)
    return summary


def _cell(value: float, fmt: str) -> str:
    return "-" if value is None or not math.isfinite(value) else format(value, fmt)


def format_views(summary: dict, group: str = "yaw") -> str:
    """The per-view figures as a table, one row per exercise and view.

    Args:
        summary: From ``summarise``.
        group: ``yaw``, ``pitch`` or ``yaw+pitch``: which per-view rows.

    Returns:
        The table (empty without rendered clips); angle errors are median/p90 in degrees per truth signal.
    """
    rows = [r for r in summary.get("views", []) if r["group"] == group]
    if not rows:
        return ""
    head = (f"{'exercise':<12} {'yaw':>4} {'pitch':<6} {'clips':>5} {'reps=':>5} {'MAE':>5} {'hold s':>6} "
            f"{'f.prec':>6} {'f.rec':>6} {'cover':>5}  angle error median/p90 deg")
    lines = [head]
    for r in rows:
        angles = "  ".join(f"{j.replace('_deg', '')} {_cell(a['median_deg'], '.1f')}/{_cell(a['p90_deg'], '.1f')}"
                           for j, a in r["angles"].items())
        yaw = "all" if r["yaw_deg"] is None else f"{r['yaw_deg']:g}"
        lines.append(f"{r['exercise']:<12} {yaw:>4} {r['pitch_band'] or 'all':<6} {r['clips']:>5} "
                     f"{_cell(r['reps_exact_rate'], '.2f'):>5} {_cell(r['reps_mae'], '.2f'):>5} "
                     f"{_cell(r['hold_abs_error_s'], '.2f'):>6} {_cell(r['fault_precision'], '.2f'):>6} "
                     f"{_cell(r['fault_recall'], '.2f'):>6} {_cell(r['pose_coverage_mean'], '.2f'):>5}  {angles}")
    return "\n".join(lines)


def format_sources(summary: dict, joints: tuple[str, ...] = ("knee_deg", "hip_deg")) -> str:
    """Joint-angle error per exercise and yaw from each source alone (ANGLE_SOURCES), and as chosen.

    Returns:
        The table (empty without rendered clips scored per source): median|p90 in degrees, sources in the order
        plain picture / picture as the spec reads it / world landmarks / chosen.
    """
    rows = [r for r in summary.get("views", []) if r["group"] == "yaw" and r.get("angles_image")]
    if not rows:
        return ""
    lines = [f"{'exercise':<12} {'yaw':>4} {'clips':>5} {'reps=':>5}  " + "  ".join(
        f"{j.replace('_deg', ''):<5} plain / image / world / chosen" for j in joints)]
    for r in rows:
        cells = []
        for j in joints:
            got = [r.get(k, {}).get(j) for k in ("angles_plain", "angles_image", "angles_world", "angles")]
            cells.append(" / ".join("-" if a is None else
                                    f"{_cell(a['median_deg'], '.1f')}|{_cell(a['p90_deg'], '.1f')}" for a in got))
        if any(c.replace("-", "").replace(" / ", "") for c in cells):
            reps = _cell(r["reps_exact_rate"], ".2f")
            lines.append(f"{r['exercise']:<12} {r['yaw_deg']:>4g} {r['clips']:>5} {reps:>5}  "
                         + "  ".join(f"{c:<36}" for c in cells))
    return "\n".join(lines)


def format_summary(summary: dict, scores: list[ClipScore]) -> str:
    """A human-readable report."""
    lines = [f"{'clip':<58} {'reps':>9} {'hold s':>13} {'cover':>6}"]
    for s in scores:
        reps = f"{s.reps}/{'-' if s.reps_true is None else f'{s.reps_true:g}'}"
        hold = f"{s.hold_s:.1f}/{'-' if s.hold_true is None else f'{s.hold_true:g}'}"
        lines.append(f"{Path(s.file).name[:58]:<58} {reps:>9} {hold:>13} {s.coverage:6.2f}"
                     + (f"  ERROR {s.error}" if s.error else ""))
    for name, g in summary["groups"].items():
        lines.append(f"\n== {name}: {g['clips']} clips; reps exact {g['reps_exact_rate']:.2f}, "
                     f"MAE {g['reps_mae']:.2f}, off-by-one {g['reps_off_by_one_acc']:.2f}; "
                     f"hold error {g['hold_abs_error_s']:.2f} s; "
                     f"coverage {g['pose_coverage_mean']:.3f}")
        for j, a in g["angles"].items():
            lines.append(f"   angle {j:<24} median {a['median_deg']:5.1f} deg  p90 {a['p90_deg']:5.1f} deg  "
                         f"({a['frames']} frames)")
        for c, f in g["faults"].items():
            lines.append(f"   fault {c:<26} precision {f['precision']:.2f} recall {f['recall']:.2f} "
                         f"(tp {f['tp']} fp {f['fp']} fn {f['fn']}"
                         + (f", {f['fn_unchecked']} of them reported not checked)" if f["fn_unchecked"] else ")"))
    if summary.get("views"):
        lines += ["", "== rendered clips by camera yaw (0 side-on, 90 front), all pitches",
                  format_views(summary, "yaw"),
                  "", "== rendered clips by camera pitch (floor camera looks up, table camera down), all yaws",
                  format_views(summary, "pitch")]
        sources = format_sources(summary)
        if sources:
            lines += ["", "== joint angles by source: plain picture / picture as read side-on / world landmarks / "
                      "as chosen (median|p90 deg)", sources]
    return "\n".join(lines)
