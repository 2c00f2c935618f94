"""Issue 16's batch of short real clips: 20 cuts of 5 s from the shared clips, the longer side scaled to 640 px.

The batch rows of `formcheck bench speed --side-by-side` are measured on these: 5 side-on and 1 oblique wall-sit
cuts, 3 squat, 3 cat-cow, 4 prone press-up, 2 hamstring-stretch and 2 pelvic-tilt cuts, about 2600 frames. The
first wall-sit, squat, cat-cow and press-up cuts are the 4-clip batch. The cuts are written to a folder of the
caller's (the shared clips are never copied into the repository):

    python -m bench.real_cuts --clips ../shared/clips --out /tmp/cuts
    .venv/bin/formcheck bench speed --side-by-side --jobs 2 --exercise wall_squat /tmp/cuts/*.mp4
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2

CUT_S = 5.0
LONG_SIDE_PX = 640

# (clip under the shared clips folder, start of each cut in seconds), in the order of the 4-clip batch first.
CUTS: tuple[tuple[str, tuple[float, ...]], ...] = (
    ("wall_squat/wall_sit_side_istock.mp4", (0.0, 4.5, 9.0, 13.5, 17.9)),
    ("squat/squat_side_istock.mp4", (0.0, 4.5, 8.5)),
    ("cat_cow/cat_cow_side_istock.mp4", (4.0,)),
    ("other/prone_press_up_cobra_then_downdog_istock.mp4", (0.0, 4.5, 9.0, 12.6)),
    ("cat_cow/cat_cow_side_polybag.mp4", (4.0,)),
    ("cat_cow/cat_cow_side_shvasa_instructional.mp4", (22.0,)),
    ("other/seated_hamstring_stretch_front_istock.mp4", (0.0, 5.0)),
    ("wall_squat/wall_sit_oblique_leapfitness.mp4", (2.0,)),
    ("other/pelvic_tilt_quadruped_side_bloomfit.mp4", (5.0,)),
    ("other/pelvic_tilt_supine_side_polybag.mp4", (5.0,)),
)


def cut(src: Path, start_s: float, out: Path) -> int:
    """Write `CUT_S` seconds of `src` from `start_s` to `out`, scaled to `LONG_SIDE_PX`; returns the frames written.

    Raises:
        ValueError: if the clip cannot be read or has no frame at `start_s`.
    """
    cap = cv2.VideoCapture(str(src))
    if not cap.isOpened():
        raise ValueError(f"{src}: cannot be read as a video")
    try:
        fps = cap.get(cv2.CAP_PROP_FPS)
        cap.set(cv2.CAP_PROP_POS_MSEC, start_s * 1000.0)
        writer, n = None, 0
        while n < round(CUT_S * fps):
            ok, frame = cap.read()
            if not ok:
                break
            if writer is None:
                h, w = frame.shape[:2]
                scale = LONG_SIDE_PX / max(h, w)
                size = (round(w * scale / 2) * 2, round(h * scale / 2) * 2)
                writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
            writer.write(cv2.resize(frame, size, interpolation=cv2.INTER_AREA))
            n += 1
    finally:
        cap.release()
        if writer is not None:
            writer.release()
    if n == 0:
        raise ValueError(f"{src}: no frame at {start_s} s")
    return n


def main(argv: list[str] | None = None) -> int:
    """Write the cuts; prints one line per cut and the total."""
    p = argparse.ArgumentParser(prog="python -m bench.real_cuts", description=__doc__.splitlines()[0])
    p.add_argument("--clips", type=Path, default=Path("../shared/clips"), help="the shared clips folder")
    p.add_argument("--out", type=Path, required=True, help="folder to write the cuts to")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    try:
        for rel, starts in CUTS:
            for start_s in starts:
                out = args.out / f"{Path(rel).stem}_{start_s:04.1f}s.mp4"
                n = cut(args.clips / rel, start_s, out)
                total += n
                print(f"{out}  {n} frames")
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"{total} frames in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
