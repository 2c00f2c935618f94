"""Check that MediaPipe Pose finds the mannequin and measures its angles.

A development tool, not part of the pipeline (which is why it may import
mediapipe outside ``pose/``). It runs ``mp.solutions.pose.Pose`` in video mode
on rendered clips and compares the raw 2D knee and hip angles of the
``working_side`` with the truth JSON.

Usage:
    python -m synth.check_detection CLIP.mp4 [CLIP.mp4 ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import av
import numpy as np

from synth.skeleton import interior_angle_deg

#: MediaPipe Pose landmark indices, by side.
LANDMARKS: dict[str, dict[str, int]] = {
    "left": {"shoulder": 11, "hip": 23, "knee": 25, "ankle": 27},
    "right": {"shoulder": 12, "hip": 24, "knee": 26, "ankle": 28},
}


def _errors(measured: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    err = np.abs(measured - truth)
    err = err[np.isfinite(err)]
    if err.size == 0:
        return {"median_deg": float("nan"), "p90_deg": float("nan")}
    return {"median_deg": float(np.median(err)), "p90_deg": float(np.percentile(err, 90))}


def check_clip(video_path: str | Path, model_complexity: int = 1) -> dict[str, Any]:
    """Run MediaPipe on one clip and score it against its truth JSON.

    Args:
        video_path: ``<name>.mp4`` with ``<name>.truth.json`` beside it.
        model_complexity: MediaPipe Pose model (1 = full).

    Returns:
        Dict with the clip name, exercise, facing, body, detection rate and
        knee/hip median and p90 absolute errors in degrees.
    """
    import mediapipe as mp  # heavy import, only for this tool

    video_path = Path(video_path)
    truth = json.loads(video_path.with_suffix(".truth.json").read_text())
    idx = LANDMARKS[truth["working_side"]]
    knee, hip, found = [], [], 0
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=model_complexity) as pose, \
            av.open(str(video_path)) as container:
        for frame in container.decode(video=0):
            rgb = frame.to_ndarray(format="rgb24")
            h, w = rgb.shape[:2]
            res = pose.process(rgb)
            if not res.pose_landmarks:
                knee.append(np.nan)
                hip.append(np.nan)
                continue
            found += 1
            lm = res.pose_landmarks.landmark
            p = {k: np.array([lm[i].x * w, lm[i].y * h]) for k, i in idx.items()}
            knee.append(float(interior_angle_deg(p["hip"], p["knee"], p["ankle"])))
            hip.append(float(interior_angle_deg(p["shoulder"], p["hip"], p["knee"])))
    n = min(len(knee), len(truth["frames"]["t_s"]))
    return {
        "clip": video_path.stem,
        "exercise": truth["exercise"],
        "facing": truth["facing"],
        "body": truth["body"],
        "frames": n,
        "detection_rate": found / max(len(knee), 1),
        "knee": _errors(np.array(knee[:n]), np.array(truth["frames"]["knee_deg"][:n])),
        "hip": _errors(np.array(hip[:n]), np.array(truth["frames"]["hip_deg"][:n])),
    }


def format_row(r: dict[str, Any]) -> str:
    """One table row for a ``check_clip`` result."""
    return (f"{r['clip']:<34} {r['exercise']:<12} {r['facing']:<6} {r['body']:<10} {r['detection_rate']:6.1%} "
            f"knee {r['knee']['median_deg']:5.1f}/{r['knee']['p90_deg']:5.1f}  "
            f"hip {r['hip']['median_deg']:5.1f}/{r['hip']['p90_deg']:5.1f}")


def main(argv: list[str] | None = None) -> int:
    """Check each clip given on the command line and print a table.

    Args:
        argv: Video paths (default: ``sys.argv[1:]``).

    Returns:
        Exit code: 0, or 1 when no clip was given.
    """
    paths = sys.argv[1:] if argv is None else argv
    if not paths:
        print(__doc__)
        return 1
    print(f"{'clip':<34} {'exercise':<12} {'facing':<6} {'body':<10} {'detect':>6} "
          "knee med/p90  hip med/p90 (deg)")
    for path in paths:
        print(format_row(check_clip(path)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
