"""Write a Y4M file for Chromium's fake camera (--use-file-for-fake-video-capture) from a real clip."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from pose.video import iter_video


def clip_frames(src: Path, fps: float, longer_side_px: int = 640) -> tuple[list[np.ndarray], float]:
    """The clip resampled to `fps` by timestamp (latest frame at or before each tick), longer side scaled.

    Returns:
        (frames, duration_s): RGB frames with even sizes, and the clip's duration.
    """
    frames, times = [], []
    for vf in iter_video(src, max_side_px=longer_side_px):
        h, w = vf.rgb.shape[:2]
        frames.append(np.ascontiguousarray(vf.rgb[: h // 2 * 2, : w // 2 * 2]))
        times.append(vf.t_s)
    times_s = np.array(times) - times[0]
    ticks = np.arange(0.0, times_s[-1] + 1e-9, 1.0 / fps)
    idx = np.clip(np.searchsorted(times_s, ticks, side="right") - 1, 0, len(frames) - 1)
    return [frames[i] for i in idx], float(times_s[-1])


def write_y4m(path: Path, frames: list[np.ndarray], fps: int, lead_s: float, tail_s: float) -> None:
    """YUV4MPEG2 4:2:0: a still lead-in of the first frame, the clip once, then a long still tail.

    Chromium loops the file; the still tail keeps the movement from replaying inside the test window, and the
    lead-in covers the seconds the WebRTC connection takes to come up.
    """
    h, w = frames[0].shape[:2]

    def yuv(rgb: np.ndarray) -> bytes:
        return cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420).tobytes()

    first, last = yuv(frames[0]), yuv(frames[-1])
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(round(lead_s * fps)):
            f.write(b"FRAME\n" + first)
        for rgb in frames:
            f.write(b"FRAME\n" + yuv(rgb))
        for _ in range(round(tail_s * fps)):
            f.write(b"FRAME\n" + last)
