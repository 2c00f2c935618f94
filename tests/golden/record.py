"""Record golden landmark files from the shared real clips, so engine tests run on real poses without MediaPipe.

Run: .venv/bin/python -m tests.golden.record [CLIP ...]
(needs ../shared/clips; writes tests/golden/<clip>.npz for the clips named, as paths under ../shared/clips, or for
every clip in RECORDED, and labels.json for all of RECORDED). Only landmarks (numbers we computed) are stored, never
the clips themselves. A row is labelled with its checker, or its target_checker when it has none.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np

from pose.cache import LandmarkCache
from pose.extract import extract_poses

HERE = Path(__file__).parent
CLIPS = HERE.parents[1].parent / "shared" / "clips"
RECORDED = ("wall_squat/wall_sit_side_istock.mp4", "wall_squat/wall_sit_oblique_leapfitness.mp4",
            "cat_cow/cat_cow_side_polybag.mp4", "cat_cow/cat_cow_side_istock.mp4",
            # A free squat scored as a wall squat; it begins as its first rep starts (issue 13).
            "squat/squat_side_istock.mp4")


def main(only: list[str] | None = None) -> None:
    """Write one .npz per recorded clip (or per clip in `only`) and the labels they are checked against."""
    unknown = set(only or ()) - set(RECORDED)
    if unknown:
        raise SystemExit(f"not in RECORDED: {', '.join(sorted(unknown))}; expected some of {', '.join(RECORDED)}")
    rows = {r["file"]: r for r in csv.DictReader(open(CLIPS / "manifest.csv", encoding="utf-8"))}
    labels = {}
    for rel in RECORDED:
        name = Path(rel).stem
        if not only or rel in only:
            seq = extract_poses(CLIPS / rel, cache=LandmarkCache())
            np.savez_compressed(
                HERE / f"{name}.npz", t_s=seq.t_s, xyz=seq.xyz.astype(np.float32),
                world_xyz=seq.world_xyz.astype(np.float32), visibility=seq.visibility.astype(np.float16),
                back_profile=seq.back_profile.astype(np.float32), image_size=np.array(seq.image_size),
            )
        r = rows[rel]
        labels[name] = {"checker": r["checker"] or r["target_checker"],
                        **{k: r[k] for k in ("reps", "reps_certain", "hold_s", "hold_certain")}}
    (HERE / "labels.json").write_text(json.dumps(labels, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
