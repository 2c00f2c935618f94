"""A corpus of bad, odd and hostile input files, generated at test time (nothing binary is checked in).

Every case is small and fast to make: people are drawn by the synth mannequin renderer at 192x144 and 12 fps,
and the expensive shapes are faked cheaply: the 8K case is three frames, the two-hour case one tiny frame a
minute. Each case states its defined outcome: scored (with bounds on what the report may say) or a one-line
error containing a given phrase.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from synth.mannequin import ImageTransform, draw_mannequin, get_body_shape
from synth.scene import SceneStyle, apply_camera, fit_transform, render_background
from synth.script import WallSquatScript

SIZE = (192, 144)  # (width, height): MediaPipe still finds the mannequin at this size (measured)
FPS = 12.0
EXERCISE = "wall_squat"
REPS = 2
SCORED, ERROR, SCORED_OR_NO_PERSON = "scored", "error", "scored or no person"
NO_PERSON = "no person found"
TOO_LONG = "formcheck scores clips of up to 30 min"
EIGHT_K = (7680, 4320)
EIGHT_K_FRAMES = 16

# Two squats with a long standing pause between them, so a person can leave and come back between the reps.
_SCRIPT = WallSquatScript(reps=REPS, rep_s=2.4, bottom_s=0.3, pause_s=3.0, lead_in_s=0.6, tail_s=0.6, seed=3)
_TIME_BASE = Fraction(1, 1000)


@dataclass(frozen=True)
class Case:
    """One corpus file and the outcome every entry point must give for it.

    Attributes:
        name: file name in the corpus folder (its suffix is part of the case).
        make: writes the file at the given path.
        expect: SCORED, ERROR or SCORED_OR_NO_PERSON.
        message: for errors, a phrase the one-line error must contain.
        reps: for scored cases, the (min, max) completed reps allowed.
        coverage: for scored cases, the (min, max) pose coverage allowed.
        uploadable: whether the app's uploader accepts the file type (mp4, mov, webm, m4v).
        max_seconds: longest the Python API may take over it (no hang).
    """

    name: str
    make: Callable[[Path], object]
    expect: str
    message: str = ""
    reps: tuple[int, int] = (0, REPS)
    coverage: tuple[float, float] = (0.0, 1.0)
    uploadable: bool = True
    max_seconds: float = 60.0


# --- drawing -----------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _session():
    return _SCRIPT.compile()


def duration_s() -> float:
    """Length of the scripted session in seconds."""
    return float(_session().duration_s)


def _scene(width: int, height: int, bodies: Sequence[str]) -> tuple[np.ndarray, list[ImageTransform]]:
    """Background and one transform per person, each in its own equal-width column of the frame."""
    session = _session()
    t = np.arange(0.0, session.duration_s, 0.25)
    props = get_body_shape(bodies[0]).proportions
    params = session.params(t)
    poses = [session.pose({k: float(v[i]) for k, v in params.items()}, props) for i in range(len(t))]
    surface = -get_body_shape(bodies[0]).pelvis_back_depth
    pts = np.vstack([p.skeleton.points() for p in poses] + [np.array([[surface - 0.07, 0.0]])])
    style = SceneStyle()
    col = width // len(bodies)
    transforms = []
    for i in range(len(bodies)):
        tr = fit_transform(pts, col, height, style, mirror=False)
        transforms.append(replace(tr, origin_px=(tr.origin_px[0] + i * col, tr.origin_px[1])))
    background = render_background(width, height, style, transforms[0], "wall", (surface, surface - 0.07),
                                   np.random.default_rng(0))
    return background, transforms


def person_frames(times_s: Sequence[float], size: tuple[int, int] = SIZE, bodies: Sequence[str] = ("average",),
                  present: Callable[[float], float] | None = None) -> list[np.ndarray]:
    """Frames of the scripted wall squat at the given times.

    Args:
        times_s: frame times in seconds.
        size: (width, height) in pixels.
        bodies: one body shape name per person, drawn side by side doing the same squats.
        present: maps a time to a horizontal shift in frame widths (0 = in place, >= 1 = out of the frame),
            for a person who walks out and back.

    Returns:
        (height, width, 3) uint8 RGB frames.
    """
    w, h = size
    session = _session()
    background, transforms = _scene(w, h, bodies)
    shapes = [get_body_shape(b) for b in bodies]
    rng = np.random.default_rng(1)
    style = SceneStyle()
    t = np.asarray(times_s, float)
    params = session.params(t)
    out = []
    for i, ti in enumerate(t):
        img = background.copy()
        shift = present(float(ti)) * w if present else 0.0
        for shape, tr in zip(shapes, transforms):
            pose = session.pose({k: float(v[i]) for k, v in params.items()}, shape.proportions)
            moved = replace(tr, origin_px=(tr.origin_px[0] + shift, tr.origin_px[1]))
            draw_mannequin(img, pose.skeleton, shape, moved, pose.hand_style)
        out.append(np.ascontiguousarray(apply_camera(img, style, rng)[..., ::-1]))
    return out


def uniform_times(fps: float = FPS) -> np.ndarray:
    """Frame times of the whole session at a constant rate."""
    return np.arange(int(duration_s() * fps)) / fps


@functools.lru_cache(maxsize=1)
def _base_frames() -> tuple[np.ndarray, ...]:
    return tuple(person_frames(uniform_times()))


def base_frames() -> list[np.ndarray]:
    """The plain person clip's frames (rendered once per process)."""
    return list(_base_frames())


# --- encoding ----------------------------------------------------------------------------------------------------


def encode(path: Path, frames: Sequence[np.ndarray], times_s: Sequence[float] | None = None, fps: float = FPS,
           codec: str = "libx264", fmt: str | None = None, rotate_deg: int | None = None,
           container_options: dict[str, str] | None = None, codec_options: dict[str, str] | None = None) -> Path:
    """Encode RGB frames; with `times_s`, each frame gets that presentation time (variable frame rate)."""
    h, w = frames[0].shape[:2]
    with av.open(str(path), "w", format=fmt, options=container_options or {}) as out:
        stream = out.add_stream(codec, rate=Fraction(fps).limit_denominator(1000))
        stream.width, stream.height = w, h
        stream.pix_fmt = "yuvj420p" if codec == "mjpeg" else "yuv420p"
        stream.options = {"preset": "ultrafast"} if codec == "libx264" else {}
        stream.options |= codec_options or {}
        if times_s is not None:
            stream.codec_context.time_base = _TIME_BASE
        if rotate_deg is not None:
            stream.set_display_rotation(rotate_deg)
        for i, img in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            if times_s is not None:
                frame.pts, frame.time_base = round(times_s[i] / _TIME_BASE), _TIME_BASE
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def _gradient(w: int, h: int, i: int = 0) -> np.ndarray:
    x = np.linspace(0, 255, w, dtype=np.float32)[None, :, None]
    y = np.linspace(0, 255, h, dtype=np.float32)[:, None, None]
    return np.broadcast_to(((x + y + 8 * i) % 256).astype(np.uint8), (h, w, 3)).copy()


# --- the cases -----------------------------------------------------------------------------------------------------


def _zero_byte(p: Path) -> None:
    p.write_bytes(b"")


def _text(p: Path) -> None:
    p.write_text("This is a shopping list, not a video.\n" * 40)


def _random_bytes(p: Path) -> None:
    p.write_bytes(np.random.default_rng(7).integers(0, 256, 50_000, dtype=np.uint8).tobytes())


def _person(p: Path) -> None:
    encode(p, base_frames())


def _truncated_moov_at_end(p: Path) -> None:
    # A default mp4 keeps its index (moov) at the end: cut anywhere and the whole file is unreadable.
    encode(p, base_frames())
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _truncated_faststart(p: Path) -> None:
    # With the index first (as phones and web exports write), a cut file still has its first part.
    encode(p, base_frames(), container_options={"movflags": "faststart"})
    p.write_bytes(p.read_bytes()[: p.stat().st_size * 6 // 10])


def _zeroed_middle(p: Path) -> None:
    encode(p, base_frames(), container_options={"movflags": "faststart"})
    data = bytearray(p.read_bytes())
    a, b = len(data) * 4 // 10, len(data) * 5 // 10
    data[a:b] = bytes(b - a)
    p.write_bytes(bytes(data))


def _unknown_fourcc(p: Path) -> None:
    # A codec tag no decoder knows: the container is fine, the stream cannot be decoded.
    encode(p, base_frames()[:12])
    p.write_bytes(p.read_bytes().replace(b"avc1", b"zzzz"))


def _h264_labelled_hevc(p: Path) -> None:
    encode(p, base_frames()[:12])
    p.write_bytes(p.read_bytes().replace(b"avc1", b"hvc1").replace(b"avcC", b"hvcC"))


def _vp9_webm(p: Path) -> None:
    encode(p, base_frames(), codec="libvpx-vp9", codec_options={"deadline": "realtime", "cpu-used": "8"})


def _mjpeg_avi(p: Path) -> None:
    encode(p, base_frames(), codec="mjpeg")


def _raw_h264(p: Path) -> None:
    # An elementary stream has no container and no timestamps of its own.
    encode(p, base_frames(), fmt="h264")


def _audio_only(p: Path) -> None:
    with av.open(str(p), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=8000)
        stream.layout = "mono"
        t = np.arange(1024 * 20) / 8000
        samples = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None]
        for i in range(20):
            frame = av.AudioFrame.from_ndarray(samples[:, i * 1024:(i + 1) * 1024], format="fltp", layout="mono")
            frame.sample_rate, frame.pts = 8000, i * 1024
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def _still_png(p: Path) -> None:
    cv2.imwrite(str(p), base_frames()[0][..., ::-1])


def _jpeg_renamed(p: Path) -> None:
    ok, data = cv2.imencode(".jpg", base_frames()[0][..., ::-1])
    p.write_bytes(data.tobytes())


def _one_frame(p: Path) -> None:
    encode(p, base_frames()[:1])


def _fps_1000(p: Path) -> None:
    # The whole session's frames a millisecond apart: a clip of a tenth of a second.
    encode(p, base_frames(), fps=1000.0)


def _fps_one_per_1000_s(p: Path) -> None:
    encode(p, base_frames()[:3], fps=0.001)


def _vfr(p: Path) -> None:
    # Frame gaps cycle through 40, 80 and 150 ms (a phone dropping frames under load).
    gaps = np.resize([0.04, 0.08, 0.15], int(duration_s() / 0.09))
    times = np.concatenate([[0.0], np.cumsum(gaps)])
    times = times[times < duration_s()]
    encode(p, person_frames(times), times_s=times)


def _rotated(deg: int) -> Callable[[Path], None]:
    def make(p: Path) -> None:
        # A phone held upright stores sideways pixels and a display rotation; turned back they are upright.
        turns = (deg // 90) % 4
        encode(p, [np.ascontiguousarray(np.rot90(f, k=-turns)) for f in base_frames()], rotate_deg=deg)

    return make


def _eight_k(p: Path) -> None:
    # 16 frames of 7680x4320 (standing, then at the bottom of the squat): decoded whole they would be 1.6 GB of
    # RGB, so a memory bound shows that frames are streamed and downscaled, not held. Converted to YUV once and
    # repeated, so encoding takes about a second.
    frames = base_frames()
    yuv = [cv2.cvtColor(cv2.resize(f, EIGHT_K, interpolation=cv2.INTER_LINEAR), cv2.COLOR_RGB2YUV_I420)
           for f in (frames[0], frames[int(1.9 * FPS)])]
    with av.open(str(p), "w") as out:
        stream = out.add_stream("libx264", rate=Fraction(int(FPS)))
        stream.width, stream.height, stream.pix_fmt = *EIGHT_K, "yuv420p"
        stream.options = {"preset": "ultrafast"}
        for i in range(EIGHT_K_FRAMES):
            out.mux(stream.encode(av.VideoFrame.from_ndarray(yuv[2 * i // EIGHT_K_FRAMES], format="yuv420p")))
        out.mux(stream.encode(None))


def _two_hours(p: Path) -> None:
    # One 64x64 frame a minute for two hours: the length of a long recording at almost no cost.
    encode(p, [_gradient(64, 64, i) for i in range(121)], fps=1 / 60)


def _two_hours_no_duration(p: Path) -> None:
    # The same as a raw H.264 stream: no container, so no duration to check up front; the frames' times tell.
    encode(p, [_gradient(64, 64, i) for i in range(121)], fps=1 / 60, fmt="h264")


def _no_person(p: Path) -> None:
    encode(p, [_gradient(*SIZE, i) for i in range(24)])


def _two_people(p: Path) -> None:
    # Two people side by side doing the same squats; MediaPipe follows one of them.
    encode(p, person_frames(uniform_times(), size=(2 * SIZE[0], SIZE[1]), bodies=("average", "slim")))


def _walk_out_and_back(p: Path) -> None:
    # Out of the frame during the standing pause between the reps, then back for the second rep.
    session = _session()
    gap0, gap1 = session.reps[0].end_s, session.reps[1].start_s

    def shift(t: float) -> float:
        walk = 0.5
        if t <= gap0 + 0.1 or t >= gap1 - 0.1:
            return 0.0
        return float(min(1.2, (t - gap0 - 0.1) / walk, (gap1 - 0.1 - t) / walk))

    encode(p, person_frames(uniform_times(), present=shift))


def _dark(p: Path) -> None:
    rng = np.random.default_rng(2)
    frames = [np.clip(f * 0.04 + rng.normal(0, 1.5, f.shape), 0, 255).astype(np.uint8) for f in base_frames()]
    encode(p, frames)


def _blurred(p: Path) -> None:
    encode(p, [cv2.GaussianBlur(f, (0, 0), 9.0) for f in base_frames()])


CASES: tuple[Case, ...] = (
    Case("zero_byte.mp4", _zero_byte, ERROR, "empty file"),
    Case("text_renamed.mp4", _text, ERROR, "not a readable video"),
    Case("random_bytes.mp4", _random_bytes, ERROR, "not a readable video"),
    Case("person.mp4", _person, SCORED, reps=(REPS, REPS), coverage=(0.95, 1.0)),
    Case("truncated_moov_at_end.mp4", _truncated_moov_at_end, ERROR, "not a readable video"),
    Case("truncated_faststart.mp4", _truncated_faststart, SCORED, reps=(0, REPS)),
    Case("zeroed_middle.mp4", _zeroed_middle, SCORED, reps=(0, REPS)),
    Case("unknown_fourcc.mp4", _unknown_fourcc, ERROR, "video codec not supported"),
    Case("h264_labelled_hevc.mp4", _h264_labelled_hevc, ERROR, "cannot decode video"),
    Case("vp9.webm", _vp9_webm, SCORED, reps=(REPS, REPS)),
    Case("mjpeg.avi", _mjpeg_avi, SCORED, reps=(REPS, REPS), uploadable=False),
    Case("raw_h264_stream.mp4", _raw_h264, SCORED, reps=(REPS, REPS)),
    Case("audio_only.mp4", _audio_only, ERROR, "has no video stream"),
    Case("still.png", _still_png, ERROR, "still image", uploadable=False),
    Case("jpeg_renamed.mp4", _jpeg_renamed, ERROR, "still image"),
    Case("one_frame.mp4", _one_frame, SCORED, reps=(0, 0)),
    Case("fps_1000.mp4", _fps_1000, SCORED, reps=(0, 0)),
    Case("fps_one_per_1000_s.mp4", _fps_one_per_1000_s, ERROR, TOO_LONG, max_seconds=5),
    Case("vfr.mp4", _vfr, SCORED, reps=(REPS, REPS), coverage=(0.95, 1.0)),
    Case("portrait_rotated_90.mp4", _rotated(90), SCORED, reps=(REPS, REPS), coverage=(0.95, 1.0)),
    Case("portrait_rotated_270.mov", _rotated(270), SCORED, reps=(REPS, REPS), coverage=(0.95, 1.0)),
    Case("8k.mp4", _eight_k, SCORED, reps=(0, 1)),
    Case("two_hours.mp4", _two_hours, ERROR, TOO_LONG, max_seconds=5),
    Case("two_hours_no_duration.mp4", _two_hours_no_duration, ERROR, TOO_LONG, max_seconds=15),
    Case("no_person.mp4", _no_person, ERROR, NO_PERSON),
    Case("two_people.mp4", _two_people, SCORED, reps=(0, REPS)),
    Case("walk_out_and_back.mp4", _walk_out_and_back, SCORED, reps=(1, REPS), coverage=(0.4, 0.95)),
    Case("dark.mp4", _dark, SCORED_OR_NO_PERSON),
    Case("blurred.mp4", _blurred, SCORED_OR_NO_PERSON),
)


def build(folder: Path, cases: Sequence[Case] = CASES) -> dict[str, Path]:
    """Write every case into `folder`; returns name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for case in cases:
        path = folder / case.name
        case.make(path)
        out[case.name] = path
    return out


def seed_clip(path: Path) -> Path:
    """A small valid mp4 for mutation fuzzing: 12 frames of the person at 96x72, H.264 with the index first."""
    frames = [cv2.resize(f, (96, 72), interpolation=cv2.INTER_AREA) for f in base_frames()[:12]]
    return encode(path, frames, container_options={"movflags": "faststart"})
