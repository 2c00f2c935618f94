"""Video files in, with real timestamps: PyAV decodes them, with the container's time stamps and rotation.

Frames are yielded one at a time so a clip is never held in memory whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np


class VideoError(ValueError):
    """A video that cannot be read; the message is one line meant for the user."""


@dataclass(frozen=True)
class VideoFrame:
    """One decoded frame.

    Attributes:
        t_s: presentation time in seconds from the first frame.
        rgb: (height, width, 3) uint8 RGB image, already turned upright.
    """

    t_s: float
    rgb: np.ndarray


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a clip (all sizes upright, after rotation)."""

    width: int
    height: int
    fps: float
    duration_s: float
    rotation_deg: int
    codec: str


# Demuxers that read a single picture: a photo renamed .mp4 is opened by these, and has nothing to score.
_STILL_IMAGE_FORMATS = ("image2",)
# Demuxers whose "video" is a list of other files or streams: an uploaded text file in one of these formats would
# make FFmpeg read other files beside it (other uploads) or fetch URLs. A clip is one self-contained file.
_REFERENCING_FORMATS = ("concat", "hls", "dash", "imf", "sdp", "rtp", "rtsp")
# Nested opens (a playlist's entries) may only be local files, never network protocols.
_OPEN_OPTIONS = {"protocol_whitelist": "file"}

# FFmpeg's own decoding threads ("AUTO"), or one. See decode_in_one_thread.
_decoding = {"one_thread": False}


def decode_in_one_thread() -> None:
    """Decode every later clip of this process in one thread: for workers that share the cores with others.

    FFmpeg's threads help a process that has the machine to itself; beside other workers they only contend. On
    this 2-core machine, `score --jobs 2` on 4 clips of 5 s (640x360) took 8.38 s against 8.76 s with FFmpeg's
    threads (medians of 3 runs each), and `--jobs 1` 13.55 against 13.73 s. Alone, one thread decoded a 720x1280
    clip in 2.75-3.63 ms a frame against 3.54-3.71 ms, with 0.8 times the CPU time.
    """
    _decoding["one_thread"] = True


def _one_line(exc: BaseException) -> str:
    # FFmpeg errors carry an errno and the file name; the reason alone is what the user needs.
    reason = getattr(exc, "strerror", None) if isinstance(exc, av.FFmpegError) else None
    if isinstance(exc, UnicodeDecodeError):
        reason = "damaged metadata"
    text = str(reason or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _open(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise VideoError(f"{path}: no such file")
    if path.is_dir():
        raise VideoError(f"{path}: is a folder, not a video")
    if path.stat().st_size == 0:
        raise VideoError(f"{path}: empty file")
    try:
        container = av.open(str(path), mode="r", options=_OPEN_OPTIONS)
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise VideoError(f"{path}: not a readable video ({_one_line(exc)})") from None
    if not container.streams.video:
        container.close()
        raise VideoError(f"{path}: has no video stream")
    stream = container.streams.video[0]
    fmt = container.format.name
    if fmt in _REFERENCING_FORMATS:
        container.close()
        raise VideoError(f"{path}: is a list of other files or streams ({fmt}), not a video")
    if fmt in _STILL_IMAGE_FORMATS or fmt.endswith("_pipe"):
        codec = stream.codec_context.name if stream.codec_context is not None else fmt
        container.close()
        raise VideoError(f"{path}: is a still image ({codec}), not a video")
    if stream.codec_context is None:
        container.close()
        raise VideoError(f"{path}: video codec not supported (no decoder for it)")
    return container


def _rotation_deg(frame: av.VideoFrame) -> int:
    # A damaged display matrix can give NaN; such a frame is shown as stored.
    rotation = frame.rotation or 0
    return int(round(rotation)) if np.isfinite(rotation) else 0


def _untimed_rate(stream: av.video.stream.VideoStream) -> float:
    # Frames without timestamps (a raw H.264 stream has none) are spaced at the codec's own rate, which the
    # encoder wrote into the stream; the demuxer's figure is FFmpeg's 25 fps guess.
    for rate in (stream.codec_context.framerate, stream.average_rate, stream.guessed_rate):
        if rate and 0 < float(rate) < np.inf:
            return float(rate)
    return 30.0


def _upright(rgb: np.ndarray, rotation_deg: int) -> np.ndarray:
    # PyAV reports the display matrix rotation counter-clockwise; undo it so people stand upright.
    turns = (rotation_deg // 90) % 4
    return np.ascontiguousarray(np.rot90(rgb, k=turns)) if turns else rgb


def probe(path: Path) -> VideoInfo:
    """Read a clip's size, frame rate, duration and rotation without decoding it.

    Raises:
        VideoError: if the file is missing, empty, not a video, or has no video stream.
    """
    container = _open(Path(path))
    try:
        stream = container.streams.video[0]
        rotation = 0
        try:
            first = next(container.decode(stream))
            rotation = _rotation_deg(first)
        except StopIteration:
            raise VideoError(f"{path}: contains no decodable video frame") from None
        except av.FFmpegError as exc:
            raise VideoError(f"{path}: cannot decode video ({_one_line(exc)})") from None
        w, h = stream.codec_context.width, stream.codec_context.height
        if (rotation // 90) % 2:
            w, h = h, w
        rate = float(stream.average_rate or stream.guessed_rate or 0.0)
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / av.time_base
        else:
            duration = float("nan")
        return VideoInfo(w, h, rate, duration, rotation, stream.codec_context.name)
    finally:
        container.close()


def iter_video(path: Path, max_side_px: int | None = None, start_s: float | None = None,
               end_s: float | None = None) -> Iterator[VideoFrame]:
    """Decode a clip frame by frame, with timestamps from the container.

    Timestamps come from each frame's presentation time, so variable frame rate clips keep their real
    timing. Frames whose time does not advance are dropped (duplicates would make speeds infinite).

    Args:
        path: the video file.
        max_side_px: if given, frames are downscaled so their longer side is at most this many pixels
            (the pose model works at 256 px anyway; this bounds the cost of 4K and 8K input).
        start_s: if given, seek and yield only frames at or after this time (for splitting long clips).
        end_s: if given, stop before this time.

    Yields:
        VideoFrame with upright RGB images.

    Raises:
        VideoError: if the file cannot be opened, or not one frame can be decoded. A clip that breaks off
            after some good frames ends there quietly, as a truncated upload should.
    """
    path = Path(path)
    container = _open(path)
    try:
        stream = container.streams.video[0]
        if _decoding["one_thread"]:
            stream.thread_count = 1
        else:
            stream.thread_type = "AUTO"
        # Times count from the stream's start, not the first decoded frame, so a segment read after a seek
        # keeps the same clock as the whole clip.
        t0: float | None = float(stream.start_time * stream.time_base) if stream.start_time is not None else None
        last_t = -np.inf
        n = 0
        fallback_rate = _untimed_rate(stream)
        if start_s:
            try:
                container.seek(int(((t0 or 0.0) + start_s) / stream.time_base), stream=stream, backward=True)
            except av.FFmpegError:
                pass  # not seekable (a raw stream, a damaged index): decode from the start; early frames are skipped
        try:
            for frame in container.decode(stream):
                t_abs = frame.time if frame.time is not None else n / fallback_rate
                t0 = t_abs if t0 is None else t0
                t_s = float(t_abs - t0)
                if not t_s > last_t or (start_s is not None and t_s < start_s):
                    continue
                if end_s is not None and t_s >= end_s:
                    break
                w, h = frame.width, frame.height
                scale = 1.0 if not max_side_px else min(1.0, max_side_px / max(w, h))
                if scale < 1.0:
                    # Even sizes keep swscale happy with chroma subsampling.
                    frame = frame.reformat(width=max(2, int(w * scale) // 2 * 2),
                                           height=max(2, int(h * scale) // 2 * 2))
                rgb = frame.to_ndarray(format="rgb24")
                last_t = t_s
                n += 1
                yield VideoFrame(t_s, _upright(rgb, _rotation_deg(frame)))
        except av.FFmpegError as exc:
            if n == 0:
                raise VideoError(f"{path}: cannot decode video ({_one_line(exc)})") from None
        if n == 0 and not start_s:
            raise VideoError(f"{path}: contains no decodable video frame")
    finally:
        container.close()

