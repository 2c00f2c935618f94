"""The mannequin walking: a scripted walk drawn frame by frame into a video, with its truth as JSON.

The pixel level of the gait suite (synth/gait_render.py is the landmark level): the walk's joints become the
mannequin's skeleton, drawn side-on over a room with a walkway mat, so MediaPipe sees a walking figure.

    python -m synth.gait_video --out /tmp/walks --seed 3
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, replace
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from synth.camera import ImageTransform
from synth.gait_script import LEGS, WalkFrames, WalkScript, simulate_walk
from synth.mannequin import BODY_SHAPES, BodyShape, draw_mannequin, get_body_shape
from synth.poses import EAR_LATERAL_RATIO
from synth.scene import (
    SceneStyle,
    apply_camera,
    fit_transform,
    random_scene_style,
    render_background,
    x264_options,
)
from synth.skeleton import Skeleton, arc_points, head_points


def walk_skeletons(walk: WalkFrames, height_m: float, near_leg: str,
                   body: str | BodyShape = "average") -> list[Skeleton]:
    """One skeleton per frame, in body heights (x forward, y up, z towards the near side)."""
    props = (get_body_shape(body) if isinstance(body, str) else body).proportions
    far_leg = "left" if near_leg == "right" else "right"
    p = {k: v / height_m for k, v in walk.points.items()}
    half = {"shoulder": props.shoulder_width / 2.0, "elbow": props.shoulder_width / 2.0 + 0.01,
            "wrist": props.shoulder_width / 2.0 + 0.015}
    out = []
    for i in range(len(walk.t_s)):
        joints = {}
        for side, leg, sign in (("near", near_leg, 1.0), ("far", far_leg, -1.0)):
            for joint in ("hip", "knee", "ankle", "heel", "toe"):
                joints[f"{side}_{joint}"] = np.array([*p[f"{joint}_{leg}"][i], sign * props.hip_width / 2.0])
            joints[f"{side}_shoulder"] = np.array([*p["shoulder"][i], sign * half["shoulder"]])
            for joint in ("elbow", "wrist"):
                joints[f"{side}_{joint}"] = np.array([*p[f"{joint}_{leg}"][i], sign * half[joint]])
        hip, shoulder = p["pelvis"][i], p["shoulder"][i]
        trunk_dir = float(np.degrees(np.arctan2(shoulder[1] - hip[1], shoulder[0] - hip[0])))
        neck_base = shoulder + 0.02 * np.array([np.cos(np.radians(trunk_dir)), np.sin(np.radians(trunk_dir))])
        head = head_points(neck_base, trunk_dir, props)
        for name, point in head.items():
            z = EAR_LATERAL_RATIO * props.head_radius if name == "ear" else 0.0
            joints[name] = np.array([*point, z])
        spine = arc_points(hip, shoulder, 0.0)
        out.append(Skeleton(joints=joints, spine=np.column_stack([spine, np.zeros(len(spine))]),
                            head_dir_deg=trunk_dir))
    return out


# Everyday shoes (BGR): white and light trainers, black, brown and navy leather, grey, red. Walkers wear any of
# these, some barely apart from the floor mat, so the pose model is not handed one always-contrasting foot.
_SHOE_COLOURS = ((235, 235, 235), (30, 30, 35), (40, 70, 110), (90, 50, 30), (140, 140, 140), (50, 50, 180))


def random_walker(rng: np.random.Generator) -> BodyShape:
    """A walker's build and shoes: one of the mannequin's builds, in a random shoe colour and shoe length.

    The walk's heel and toe joints are fixed by the script; the shoe drawn around them is 0.9-1.15 times the build's
    foot (shoes are longer than the foot, and sizes vary), so the foot the pose model sees is not always the same.
    """
    body = BODY_SHAPES[str(rng.choice(sorted(BODY_SHAPES)))]
    shoes = tuple(int(c) for c in _SHOE_COLOURS[int(rng.integers(len(_SHOE_COLOURS)))])
    props = replace(body.proportions, foot=body.proportions.foot * float(rng.uniform(0.9, 1.15)))
    return replace(body, proportions=props, palette=replace(body.palette, shoes=shoes))


def walk_scene(script: WalkScript, walk: WalkFrames, seed: int, width: int = 480, height: int = 270,
               walks_right: bool = True, view_m: float = 3.5) -> tuple[np.random.Generator, SceneStyle, ImageTransform]:
    """A rendered walk's scene style and camera, from its seed (render_walk's arguments), without drawing it.

    Returns:
        (the seed's generator as rendering goes on to use it, the style, the camera).
    """
    rng = np.random.default_rng(seed)
    style = random_scene_style(rng, figure_frac=(0.9, 0.95))
    mid_x = float(np.median(walk.points["pelvis"][:, 0])) / script.height_m
    half = view_m / script.height_m / 2.0
    frame_pts = np.array([[mid_x - half, 0.0], [mid_x + half, 1.05]])
    return rng, style, fit_transform(frame_pts, width, height, style, mirror=not walks_right)


def foot_x_px(script: WalkScript, walk: WalkFrames, seed: int, width: int = 480, height: int = 270,
              walks_right: bool = True, view_m: float = 3.5) -> dict[str, np.ndarray]:
    """Where each foot's heel and toe are across the rendered picture: leg -> (T, 2) image x in pixels.

    What a bench needs to tell a step in the picture from one the clip's side edge cuts; the frame's roll
    (apply_camera) is included.
    """
    _, style, camera = walk_scene(script, walk, seed, width, height, walks_right, view_m)
    roll = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), style.tilt_deg, 1.0)
    out = {}
    for leg in LEGS:
        pts = np.stack([walk.points[f"{part}_{leg}"] / script.height_m for part in ("heel", "toe")], axis=1)
        px = camera.apply(pts)
        out[leg] = px[..., 0] * roll[0, 0] + px[..., 1] * roll[0, 1] + roll[0, 2]
    return out


def render_walk(script: WalkScript, out_dir: str | Path, name: str, seed: int, width: int = 480, height: int = 270,
                fps: float = 30.0, walks_right: bool = True, view_m: float = 3.5) -> tuple[Path, dict]:
    """Render a walk to out_dir/name.mp4 and name.truth.json.

    Args:
        script: the walk.
        out_dir: output folder (created if missing).
        name: file stem.
        seed: scene colours and camera noise.
        width: frame width in pixels.
        height: frame height in pixels.
        fps: frame rate.
        walks_right: walking towards image-right (the near leg is then the right).
        view_m: how much of the walkway the picture shows, centred on the middle of the walk (a walk longer than
            this enters and leaves the picture).

    Returns:
        (video path, truth).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t = np.arange(0.0, script.duration_s, 1.0 / fps)
    walk = simulate_walk(script, t)
    near = "right" if walks_right else "left"
    # Its own stream, so the scene and camera noise of a seed stay what they were before walkers varied.
    body = random_walker(np.random.default_rng([seed, 17]))
    skeletons = walk_skeletons(walk, script.height_m, near, body)
    rng, style, camera = walk_scene(script, walk, seed, width, height, walks_right, view_m)
    xs = np.concatenate([s.points()[:, 0] for s in skeletons])
    prop_x = (float(xs.min()) - 0.5, float(xs.max()) + 0.5)
    background = render_background(width, height, style, camera, "mat", prop_x, rng)
    video = out / f"{name}.mp4"
    with av.open(str(video), mode="w") as container:
        stream = container.add_stream("libx264", rate=Fraction(str(fps)).limit_denominator(1001))
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.options = x264_options(23, "veryfast")
        for skeleton in skeletons:
            img = background.copy()
            draw_mannequin(img, skeleton, body, camera, "relaxed")
            img = apply_camera(img, style, rng)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="bgr24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    truth = {
        "script": asdict(script), "fps": fps, "walks_right": walks_right, "near_leg": near,
        "contacts_s": {leg: [round(x, 4) for x in walk.contacts[leg]] for leg in LEGS},
        "toe_offs_s": {leg: [round(x, 4) for x in walk.toe_offs[leg]] for leg in LEGS},
        "contact_kind": walk.contact_kind,
        "clearance_m": {leg: [None if np.isnan(x) else round(x, 4) for x in walk.clearance_m[leg]] for leg in LEGS},
        "ankle_deg": {leg: np.round(walk.ankle_deg[leg], 2).tolist() for leg in LEGS},
        "t_s": np.round(t, 4).tolist(),
        "foot_drop_leg": script.drop_leg,
        "body": body.name, "shoes_bgr": list(body.palette.shoes), "shoe_length_ratio": body.proportions.foot,
    }
    (out / f"{name}.truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return video, truth


def main(argv: list[str] | None = None) -> int:
    """Render one random walk of the gait suite (synth.gait_suite.random_case) as a video with its truth."""
    from synth.gait_suite import random_case

    parser = argparse.ArgumentParser(prog="python -m synth.gait_video", description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    script, camera = random_case(args.seed)
    video, _ = render_walk(script, args.out, f"walk_{args.seed}", args.seed, fps=camera.fps,
                           walks_right=camera.walks_right)
    print(video)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
