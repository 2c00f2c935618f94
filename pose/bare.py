"""The bare MediaPipe loop the speed benchmark compares formcheck with: cv2 decode -> RGB -> Pose.process.

Nothing else: no smoothing, no checker, no cache, no segmentation. Run as its own process
(`python -m pose.bare CLIP...`), so its start-up is counted as formcheck's is. Prints one line of JSON: frames
processed and seconds from the first decode to the last pose.
"""

from __future__ import annotations

import json
import sys
import time

from pose.models import MODEL_COMPLEXITY, require_model


def bare_loop(paths: list[str], complexity: int = 1) -> dict[str, float]:
    """Run MediaPipe Pose on every frame of each clip in turn, a new graph per clip (its tracking starts over).

    Returns:
        {"frames": frames processed, "seconds": wall time of the loop, imports excluded}.

    Raises:
        ValueError: a clip that cannot be opened (missing, or not a video): a loop that skipped it would be timed
            on less work than formcheck was.
    """
    import cv2
    import mediapipe as mp

    require_model(complexity)
    for path in paths:  # before any is run: a bad 20th clip must not cost the first 19 clips' time
        cap = cv2.VideoCapture(path)
        opened = cap.isOpened()
        cap.release()
        if not opened:
            raise ValueError(f"cannot open {path} as a video")
    frames = 0
    t0 = time.perf_counter()
    for path in paths:
        cap = cv2.VideoCapture(path)
        with mp.solutions.pose.Pose(model_complexity=complexity) as pose:
            while True:
                ok, bgr = cap.read()
                if not ok:
                    break
                pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
                frames += 1
        cap.release()
    return {"frames": frames, "seconds": time.perf_counter() - t0}


def main(argv: list[str] | None = None) -> int:
    """`python -m pose.bare [--model lite|full|heavy] CLIP...`: one JSON line on stdout."""
    argv = sys.argv[1:] if argv is None else argv
    model = "full"
    if argv[:1] == ["--model"]:
        model, argv = argv[1], argv[2:]
    if not argv or model not in MODEL_COMPLEXITY:
        print("usage: python -m pose.bare [--model lite|full|heavy] CLIP...", file=sys.stderr)
        return 2
    try:
        print(json.dumps(bare_loop(argv, MODEL_COMPLEXITY[model])))
    except ValueError as exc:
        print(f"pose.bare: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
