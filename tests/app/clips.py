"""Tiny generated clips for the app tests (no real footage)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def write_clip(path: Path, seconds: float = 2.0, fps: int = 10, size: tuple[int, int] = (96, 64)) -> int:
    """Write an H.264 clip of a plain gradient with a moving square (no person); returns frames written."""
    w, h = size
    n = int(round(seconds * fps))
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        for i in range(n):
            img = np.zeros((h, w, 3), np.uint8)
            img[..., 0] = np.linspace(40, 200, w, dtype=np.uint8)[None, :]
            img[..., 1] = 90
            x = (i * 3) % (w - 10)
            img[10:20, x:x + 10] = 255
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return n
