"""How well `--exercise auto` recognises exercises: rendered clips (truth known) and the labelled real clips.

    python -m bench.recognition --manifest ../shared/clips/manifest.csv [--suite DIR] [--json out.json]
    python -m bench.recognition --suite DIR --render-seed SEED [--per-exercise K]   # render a fresh pool first

A rendered clip's truth is its `.truth.json` exercise; a real clip's is the manifest's `checker`, else its
`target_checker` (an exercise that may not be registered yet: then only `unknown` is right). Rows with neither
must not be called any exercise that is not registered under the name in their label, e.g. pelvic tilt.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from exercises.detect import UNKNOWN, recognise
from exercises.registry import EXERCISES
from pose.cache import LandmarkCache
from pose.estimator import EstimatorSettings
from pose.extract import extract_poses
from synth.render import rendered_clip
from synth.suite import FAULT_CODES, suite_specs


def _verdict(truth: str | None, label: str, got: str) -> str:
    """"right", "unknown" (safe: not scored) or "wrong"."""
    if got == UNKNOWN:
        return "right" if truth is not None and truth not in EXERCISES else "unknown"
    if truth:
        return "right" if got == truth else "wrong"
    # No checker named: only an exercise whose name is in the label could be right (e.g. pelvic_tilt).
    return "right" if got in label else "wrong"


def recognise_clip(path: Path, cache: LandmarkCache | None) -> dict[str, object]:
    """One clip's recognition as a row."""
    rec = recognise(extract_poses(path, EstimatorSettings(), cache))
    return {"file": str(path), "exercise": rec.exercise, "confidence": rec.confidence, "reason": rec.reason,
            "posture": rec.posture}


def real_rows(manifest: Path, cache: LandmarkCache | None) -> list[dict[str, object]]:
    """Every clip in a manifest, recognised and judged."""
    rows = []
    for m in csv.DictReader(manifest.open(encoding="utf-8")):
        truth = m["checker"] or m["target_checker"] or None
        row = recognise_clip(manifest.parent / m["file"], cache)
        row.update(truth=truth, verdict=_verdict(truth, m["exercise"], str(row["exercise"])))
        rows.append(row)
    return rows


def suite_rows(suite: Path, cache: LandmarkCache | None) -> list[dict[str, object]]:
    """Every rendered clip with a truth file in a folder, recognised and judged."""
    rows = []
    for truth_path in sorted(suite.glob("*.truth.json")):
        clip = truth_path.with_name(truth_path.name.replace(".truth.json", ".mp4"))
        if not clip.is_file():
            continue
        truth = json.loads(truth_path.read_text())["exercise"]
        row = recognise_clip(clip, cache)
        row.update(truth=truth, verdict=_verdict(truth, truth, str(row["exercise"])))
        rows.append(row)
    return rows


def render_pool(out: Path, seed: int, per_exercise: int, max_side_px: int = 0) -> list[Path]:
    """Render the first `per_exercise` scripts of each exercise of the rendered suite of `seed`.

    A clean clip comes first, then one per fault; clips already there are kept. A fresh seed gives clips no
    rule was tuned on. `max_side_px` (0: as the suite has it) scales each frame down, keeping its shape, so a
    pool costs less to render and to read.

    Returns:
        The pool's video paths.
    """
    need = max(len(v) for v in FAULT_CODES.values()) + 1
    taken: Counter[str] = Counter()
    paths = []
    for spec in suite_specs(need, seed):
        exercise = spec.script.exercise
        if taken[exercise] >= per_exercise:
            continue
        taken[exercise] += 1
        scale = max_side_px / max(spec.width, spec.height) if max_side_px else 1.0
        if scale < 1.0:
            spec = replace(spec, width=2 * round(spec.width * scale / 2), height=2 * round(spec.height * scale / 2))
        paths.append(rendered_clip(spec, out))
    return paths


def confusion_table(rows: list[dict[str, object]]) -> str:
    """Truth (rows) against the recognised exercise (columns), as aligned text; a row's truth None reads "none"."""
    pairs = Counter((str(r["truth"] or "none"), str(r["exercise"])) for r in rows)
    truths = sorted({t for t, _ in pairs})
    got = sorted({g for _, g in pairs} - {UNKNOWN}) + [UNKNOWN]
    width = max(len(n) for n in [*truths, *got, "truth \\ got"]) + 1
    lines = ["truth \\ got".ljust(width) + "".join(g[:12].rjust(13) for g in got)]
    lines += [t.ljust(width) + "".join(str(pairs.get((t, g), "")).rjust(13) for g in got) for t in truths]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print one line per clip and the totals; exit 1 if any clip was called the wrong exercise."""
    p = argparse.ArgumentParser(prog="python -m bench.recognition", description=__doc__.splitlines()[0])
    p.add_argument("--manifest", type=Path, help="real clips manifest.csv")
    p.add_argument("--suite", type=Path, help="folder of rendered clips with .truth.json files")
    p.add_argument("--cache-dir", type=Path, help="landmark cache (default ~/.cache/formcheck/landmarks)")
    p.add_argument("--json", type=Path, help="also write the rows here")
    p.add_argument("--render-seed", type=int, help="first render into --suite a pool from this suite seed")
    p.add_argument("--per-exercise", type=int, default=2, help="clips per exercise in that pool (default 2)")
    p.add_argument("--max-side", type=int, default=0, help="render that pool at most this many pixels wide or high")
    args = p.parse_args(argv)
    if args.render_seed is not None:
        if args.suite is None:
            p.error("--render-seed needs --suite, the folder to render into")
        render_pool(args.suite, args.render_seed, args.per_exercise, args.max_side)
    cache = LandmarkCache(args.cache_dir)
    rows = (suite_rows(args.suite, cache) if args.suite else []) + (real_rows(args.manifest, cache)
                                                                      if args.manifest else [])
    for r in rows:
        print(f"{r['verdict']:<8} {str(r['truth']):<20} -> {r['exercise']:<20} {r['confidence']:.2f}  "
              f"{Path(str(r['file'])).name}: {r['reason']}")
    print(confusion_table(rows))
    counts = Counter(str(r["verdict"]) for r in rows)
    print(f"{len(rows)} clips: right {counts['right']}, unknown {counts['unknown']}, wrong {counts['wrong']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 1 if counts["wrong"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
