"""Small video files made at test time (PyAV), for bad-input and pipeline tests."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def write_clip(path: Path, n_frames: int = 30, fps: int = 30, size: tuple[int, int] = (160, 120),
               frame: Callable[[int], np.ndarray] | None = None, rotate_deg: int | None = None) -> Path:
    """Write an H.264 mp4; `frame(i)` gives (h, w, 3) uint8 RGB, default a moving gradient (no person)."""
    w, h = size
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        if rotate_deg is not None:
            stream.set_display_rotation(rotate_deg)  # counter-clockwise, as PyAV reads it back
        for i in range(n_frames):
            img = frame(i) if frame else _gradient(i, w, h)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def _gradient(i: int, w: int, h: int) -> np.ndarray:
    x = np.linspace(0, 255, w, dtype=np.float32)[None, :, None]
    y = np.linspace(0, 255, h, dtype=np.float32)[:, None, None]
    return np.broadcast_to(((x + y + 8 * i) % 256).astype(np.uint8), (h, w, 3)).copy()
