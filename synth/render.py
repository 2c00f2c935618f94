"""Render a scripted session to an H.264 mp4 plus a ``<name>.truth.json``.

Truth angles are recomputed from the joint positions that were drawn (not
copied from the script's requests), so they are exactly what the video shows,
jitter included. They are the body's own angles, in its sagittal plane (where
every exercise here bends), so they do not depend on the camera: the view
(yaw, pitch, field of view) is recorded beside them as ``view``, and a camera
roll, which rotates the image but not the truth, as ``camera_tilt_deg``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

from synth.camera import MAX_YAW_DEG, PinholeCamera, View, framable, place_camera
from synth.mannequin import draw_mannequin, get_body_shape
from synth.poses import Pose
from synth.scene import SceneStyle, apply_camera, fit_transform, random_chair, render_background, x264_options
from synth.script import (
    THRESHOLDS,
    TRUTH_SERIES,
    CatCowScript,
    NerveGlideScript,
    Session,
    WallSquatScript,
    fault_intervals,
)
from synth.skeleton import direction_deg, interior_angle_deg, turning_angle_deg

Script = WallSquatScript | NerveGlideScript | CatCowScript

SUPPORTED_FPS: tuple[float, ...] = (24.0, 30.0, 60.0)

#: Frame series written to the truth JSON, per exercise.
SERIES: dict[str, tuple[str, ...]] = {
    "wall_squat": ("knee_deg", "hip_deg", "trunk_lean_deg", "shin_from_vertical_deg", "ankle_deg",
                   "hand_thigh_gap_ratio", "knee_gap_loss_ratio"),
    "nerve_glide": ("knee_deg", "hip_deg", "ankle_deg", "thigh_from_vertical_deg", "other_leg_lift_deg"),
    "cat_cow": ("spine_flexion_deg", "neck_flexion_deg", "hip_deg", "knee_deg"),
}


@dataclass(frozen=True)
class ClipSpec:
    """Everything needed to render one clip reproducibly.

    Attributes:
        name: File stem; the clip is ``<name>.mp4``.
        script: Exercise script.
        width: Frame width, px (even, for yuv420p).
        height: Frame height, px (even).
        fps: Frames per second, one of ``SUPPORTED_FPS``.
        facing: ``"right"`` or ``"left"``: where the person's front points
            (for lying poses: the feet; on hands and knees: the head).
        body: Body shape name (see ``synth.mannequin.BODY_SHAPES``).
        style: Scene and camera look.
        seed: Seed for background texture and sensor noise.
        view: Camera yaw, pitch and field of view; the yaw is at most the
            exercise's ``synth.camera.MAX_YAW_DEG``. A floor camera tilted up
            further than its frame can show the feet from is tilted up only that
            far (``synth.camera.framable``), and the truth records the pitch used.
    """

    name: str
    script: Script
    width: int = 640
    height: int = 480
    fps: float = 30.0
    facing: str = "right"
    body: str = "average"
    style: SceneStyle = field(default_factory=SceneStyle)
    seed: int = 0
    view: View = field(default_factory=View)

    def __post_init__(self) -> None:
        if self.facing not in ("left", "right"):
            raise ValueError(f"facing must be 'left' or 'right', got {self.facing!r}")
        if self.fps not in SUPPORTED_FPS:
            raise ValueError(f"fps must be one of {SUPPORTED_FPS}, got {self.fps!r}")
        if self.width % 2 or self.height % 2 or min(self.width, self.height) < 64:
            raise ValueError(f"width and height must be even and >= 64 px, got {self.width}x{self.height}")
        get_body_shape(self.body)  # fail early on a bad name
        max_yaw = MAX_YAW_DEG[self.script.exercise]
        if self.view.yaw_deg > max_yaw:
            raise ValueError(f"{self.script.exercise} is filmed at yaw 0-{max_yaw:g} deg, got {self.view.yaw_deg:g}")
        # A truth that counts reps whose feet the picture cannot show is no truth: see synth.camera.framable.
        object.__setattr__(self, "view", framable(self.view, self.width, self.height))

    @property
    def working_side(self) -> str:
        """Anatomical side of the working leg: the one nearer the camera, unless the script raises the far leg.

        Seen from the side, a person facing image-right shows their RIGHT side
        to the camera (checked with MediaPipe: its RIGHT_* landmarks are the
        near ones, with smaller z, and are the visible ones).
        """
        near = "right" if self.facing == "right" else "left"
        if getattr(self.script, "raised_leg", "near") == "far":
            return "left" if near == "right" else "right"
        return near


def _signed_from_vertical(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Angle of lower->upper from straight up; positive when upper is at +x."""
    d = upper - lower
    return np.degrees(np.arctan2(d[..., 0], d[..., 1]))


def _point_segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance from points ``p`` (T, 2) to segments ``a``-``b`` (T, 2 each)."""
    ab = b - a
    f = np.clip(np.sum((p - a) * ab, axis=-1) / np.maximum(np.sum(ab * ab, axis=-1), 1e-12), 0.0, 1.0)
    return np.hypot(*(p - (a + f[:, None] * ab)).T)


def truth_series(exercise: str, poses: list[Pose], t_s: np.ndarray) -> dict[str, np.ndarray]:
    """Truth angle series recomputed from drawn joints (near side), in the body's sagittal plane.

    The legs and arms bend in planes parallel to the sagittal plane, so their
    3D angles are these; the trunk is the midline's (mid-hip to mid-shoulder),
    which lies in it. No camera enters: the truth is the same from every view.

    Args:
        exercise: Exercise name.
        poses: One pose per frame.
        t_s: (T,) frame times.

    Returns:
        ``t_s`` plus the exercise's ``SERIES`` -> (T,) arrays in degrees.
    """
    def j(name: str, side: str = "near") -> np.ndarray:
        return np.stack([p.skeleton[f"{side}_{name}"][:2] for p in poses])

    if exercise in TRUTH_SERIES:  # an exercise whose script module records its own truth
        return {"t_s": np.asarray(t_s, dtype=float), **TRUTH_SERIES[exercise](poses)}
    sh, hip, knee, ankle, toe = j("shoulder"), j("hip"), j("knee"), j("ankle"), j("toe")
    all_series = {
        "knee_deg": interior_angle_deg(hip, knee, ankle),
        "hip_deg": interior_angle_deg(sh, hip, knee),
        "ankle_deg": interior_angle_deg(knee, ankle, toe),
    }
    if exercise == "wall_squat":
        all_series["trunk_lean_deg"] = _signed_from_vertical(hip, sh)
        all_series["shin_from_vertical_deg"] = _signed_from_vertical(ankle, knee)
        # Nearer of the two wrists to the knee half of its own thigh, seen along the lateral axis, in thigh
        # lengths (0 = on it): the palm rests on the top and outer side of the thigh, not inside it.
        thigh = np.hypot(*(knee - hip).T)
        gaps = [_point_segment_distance(j("wrist", side), (j("hip", side) + j("knee", side)) / 2.0, j("knee", side))
                for side in ("near", "far")]
        all_series["hand_thigh_gap_ratio"] = np.minimum(*gaps) / thigh
        # Knees collapsing inward: how much closer together the knees are than the ankles, across the body (z).
        across = lambda name: np.array([abs(p.skeleton[f"near_{name}"][2] - p.skeleton[f"far_{name}"][2])  # noqa: E731
                                        for p in poses])
        all_series["knee_gap_loss_ratio"] = 1.0 - across("knee") / across("ankle")
    elif exercise == "nerve_glide":
        # Positive = thigh tipped towards the feet (hip angle above 90).
        all_series["thigh_from_vertical_deg"] = _signed_from_vertical(hip, knee)
        # The resting leg's hip->ankle line above the floor (pelvis_lift).
        d = j("ankle", "far") - j("hip", "far")
        all_series["other_leg_lift_deg"] = np.degrees(np.arctan2(d[:, 1], np.abs(d[:, 0])))
    elif exercise == "cat_cow":
        all_series["spine_flexion_deg"] = np.array([turning_angle_deg(p.skeleton.spine[:, :2]) for p in poses])
        end = np.array([float(direction_deg(p.skeleton.spine[-1, :2] - p.skeleton.spine[-2, :2])) for p in poses])
        head = np.array([p.skeleton.head_dir_deg for p in poses])
        all_series["neck_flexion_deg"] = (end - head + 180.0) % 360.0 - 180.0
    out = {"t_s": np.asarray(t_s, dtype=float)}
    out.update({k: all_series[k] for k in SERIES[exercise]})
    return out


def _intervals_json(intervals: list, with_faults: bool) -> list[dict[str, Any]]:
    rows = []
    for iv in intervals:
        row: dict[str, Any] = {"start_s": round(iv.start_s, 3), "end_s": round(iv.end_s, 3)}
        if with_faults:
            row["faults"] = list(iv.faults)
        if iv.label:
            row["position"] = iv.label
        rows.append(row)
    return rows


def build_truth(spec: ClipSpec, session: Session, frames: dict[str, np.ndarray], scale_px: float) -> dict[str, Any]:
    """Assemble the truth JSON document for a rendered clip.

    Args:
        spec: The clip spec.
        session: The compiled script.
        frames: Truth series from ``truth_series``.
        scale_px: Pixels per body height of the figure at the near hip.

    Returns:
        JSON-ready dict (schema in the package README / module docs).
    """
    faults = fault_intervals(session, frames)
    return {
        "exercise": session.exercise,
        "fps": float(spec.fps),
        "width": spec.width,
        "height": spec.height,
        "duration_s": round(len(frames["t_s"]) / spec.fps, 3),
        "facing": spec.facing,
        "working_side": spec.working_side,
        "body": spec.body,
        "camera_tilt_deg": round(spec.style.tilt_deg, 2),
        "view": spec.view.to_json(),
        "figure_px_per_height": round(scale_px, 1),
        # Times to 0.1 ms (60 fps needs more than 10 ms), angles to 0.01 deg.
        "frames": {k: np.round(v, 4 if k == "t_s" else 2).tolist() for k, v in frames.items()},
        "reps": _intervals_json(session.reps, with_faults=True),
        "holds": _intervals_json(session.holds, with_faults=False),
        "faults": [{"code": iv.faults[0], "start_s": round(iv.start_s, 3), "end_s": round(iv.end_s, 3)}
                   for iv in faults],
        "expected": session.expected,
        "thresholds": THRESHOLDS[session.exercise],
        # Round-tripped through JSON so the returned dict equals the file.
        "script": json.loads(json.dumps({"type": type(spec.script).__name__, **asdict(spec.script)})),
    }


def simulate(
    script: Script, body: str = "average", fps: float = 30.0
) -> tuple[Session, list[Pose], dict[str, np.ndarray]]:
    """Run a script without drawing: the poses and truth series of every frame.

    Args:
        script: Exercise script.
        body: Body shape name.
        fps: Frame rate.

    Returns:
        (compiled session, one pose per frame, truth frame series).
    """
    session = script.compile()
    props = get_body_shape(body).proportions
    n_frames = int(round(session.duration_s * fps))
    t_s = np.arange(n_frames) / fps
    params = session.params(t_s)
    poses = [session.pose({k: float(v[i]) for k, v in params.items()}, props) for i in range(n_frames)]
    return session, poses, truth_series(session.exercise, poses, t_s)


def clip_camera(spec: ClipSpec, poses: list[Pose], prop_x: tuple[float, float]) -> PinholeCamera:
    """The clip's camera: its view, placed so that side-on it frames the clip as the plain side view does.

    Args:
        spec: The clip spec (frame size, style, facing, view).
        poses: Every frame's pose (a subsample frames the clip).
        prop_x: Canonical x range of the prop, kept in frame for the wall.

    Returns:
        The camera.
    """
    sample = poses[:: max(1, len(poses) // 200)]
    pts = np.vstack([p.skeleton.points() for p in sample])
    if poses[0].prop == "wall":
        pts = np.vstack([pts, [[prop_x[1], 0.0]]])
    side = fit_transform(pts, spec.width, spec.height, spec.style, mirror=False)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pivot = np.array([(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0, 0.0])
    z_ref = float(poses[0].skeleton["near_hip"][2])
    fit = np.vstack([p.skeleton.points3d() for p in sample])
    return place_camera(spec.view, side, spec.width, spec.height, pivot, z_ref, fit, mirror=spec.facing == "left")


def render_clip(spec: ClipSpec, out_dir: str | Path, crf: int = 23) -> tuple[Path, dict[str, Any]]:
    """Render one clip to ``out_dir/<name>.mp4`` and ``<name>.truth.json``.

    Args:
        spec: What to render.
        out_dir: Output directory (created if missing).
        crf: x264 quality (lower = better, bigger).

    Returns:
        (video path, truth dict).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    body = get_body_shape(spec.body)
    session, poses, frames = simulate(spec.script, spec.body, spec.fps)
    n_frames = len(poses)

    prop = poses[0].prop
    chair = None
    if prop == "wall":
        surface = -body.pelvis_back_depth
        prop_x = (surface, surface - 0.07)
    else:
        xs = np.concatenate([p.skeleton.points()[:, 0] for p in poses[:: max(1, n_frames // 200)]])
        prop_x = (float(xs.min()) - 0.08, float(xs.max()) + 0.08)
    camera = clip_camera(spec, poses, prop_x)
    rng = np.random.default_rng(spec.seed)
    if prop == "chair":
        hip = poses[0].skeleton["near_hip"]
        chair = random_chair(float(hip[0]), float(hip[1]) - body.thigh_under_hip, body.pelvis_back_depth, rng)
    background = render_background(spec.width, spec.height, spec.style, camera, prop, prop_x, rng, chair)

    video_path = out / f"{spec.name}.mp4"
    with av.open(str(video_path), mode="w") as container:
        stream = container.add_stream("libx264", rate=Fraction(str(spec.fps)).limit_denominator(1001))
        stream.width, stream.height = spec.width, spec.height
        stream.pix_fmt = "yuv420p"
        stream.options = x264_options(crf, "medium")
        for pose in poses:
            img = background.copy()
            draw_mannequin(img, pose.skeleton, body, camera, pose.hand_style)
            img = apply_camera(img, spec.style, rng)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="bgr24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)

    truth = build_truth(spec, session, frames, float(camera.px_per_unit(poses[0].skeleton["near_hip"])))
    (out / f"{spec.name}.truth.json").write_text(json.dumps(truth, indent=1) + "\n")
    return video_path, truth


def rendered_clip(spec: ClipSpec, out_dir: str | Path) -> Path:
    """The clip's video in `out_dir`: the one already there with its truth, else rendered now (render_clip).

    Benches keep their folders between runs; a clip is deterministic for its spec, so one rendered before is reused.
    """
    video = Path(out_dir) / f"{spec.name}.mp4"
    if video.is_file() and video.with_suffix(".truth.json").is_file():
        return video
    return render_clip(spec, out_dir)[0]
