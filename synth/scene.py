"""Scene around the mannequin: background, floor, wall, mat and camera effects.

The static part of a scene (walls, floor, texture) is drawn once per clip;
per frame only the figure is drawn on a copy, then the camera effects (tilt,
blur, sensor noise) are applied to the whole frame.

The room is 3D and seen through the clip's camera: a floor (y = 0), a back
wall across the camera's view behind the person, and the prop: for the wall
squat a wall panel the person leans on (edge-on from the side, face-on from
the front), for the floor exercises a mat, for the seated ones a chair.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from synth.camera import ImageTransform, Projection
from synth.mannequin import BGR

#: The room's back wall stands this far (body heights) behind the person, across the camera's view.
ROOM_BACK_WALL = 1.2
#: The wall panel the person leans on: height, and how far it reaches to each side (body heights); its thickness
#: is the prop's x range.
WALL_PANEL = {"height": 2.5, "half_width": 0.5}
#: The exercise mat: thickness and half-width (body heights); its length follows the body.
MAT = {"thickness": 0.012, "half_width": 0.2}
#: A chair's seat board and legs: thickness, half-width across the body, leg width, backrest height and the depth of
#: the backrest's top rail (body heights).
CHAIR = {"seat_thickness": 0.025, "half_width": 0.13, "leg_width": 0.022, "backrest_height": 0.26, "rail_depth": 0.08}
#: Chair colours (BGR): wood, painted and plastic chairs and stools.
CHAIR_COLOURS: tuple[BGR, ...] = ((60, 100, 150), (40, 70, 110), (200, 200, 195), (60, 60, 60), (70, 120, 70),
                                  (150, 110, 60))


@dataclass(frozen=True)
class Chair:
    """The seat a seated exercise is done on, in the canonical body frame (x forward, y up, z across).

    Attributes:
        back_x: x of the seat's back edge (behind the buttocks).
        front_x: x of its front edge (the knees hang past it).
        seat_y: height of the seat's top, where the buttocks rest.
        backrest: whether it is a chair with a backrest or a stool.
        colour: BGR.
    """

    back_x: float
    front_x: float
    seat_y: float
    backrest: bool
    colour: BGR


def random_chair(hip_x: float, seat_y: float, buttock_depth: float, rng: np.random.Generator) -> Chair:
    """A chair or stool under a sitter whose hip joint is at ``hip_x``.

    The buttocks sit near the back edge; the seat carries most of the thighs but not the knees.
    """
    back_x = hip_x - buttock_depth - float(rng.uniform(0.0, 0.04))
    depth = float(rng.uniform(0.2, 0.25))
    return Chair(back_x, back_x + depth, seat_y, bool(rng.random() < 0.6),
                 tuple(int(c) for c in CHAIR_COLOURS[int(rng.integers(len(CHAIR_COLOURS)))]))


@dataclass(frozen=True)
class SceneStyle:
    """Look of one clip's scene and camera.

    Attributes:
        wall_colour: Back wall colour (BGR).
        floor_colour: Floor colour (BGR).
        prop_colour: Colour of the wall edge (wall squat) or the mat (floor
            exercises).
        floor_frac: Height of the floor line from the top, as a frame fraction.
        figure_frac: How much of the frame the figure's extent fills, (0, 1];
            stands in for camera distance.
        tilt_deg: Camera roll; the whole frame is rotated by this.
        noise_sigma: Std of per-pixel Gaussian noise, in 8-bit levels.
        blur_sigma_px: Gaussian blur sigma in pixels, 0 for none.
        texture: Strength of the low-frequency background mottling, 0-1.
    """

    wall_colour: BGR = (205, 210, 215)
    floor_colour: BGR = (120, 140, 160)
    prop_colour: BGR = (180, 185, 190)
    floor_frac: float = 0.82
    figure_frac: float = 0.75
    tilt_deg: float = 0.0
    noise_sigma: float = 2.0
    blur_sigma_px: float = 0.6
    texture: float = 0.3

    def __post_init__(self) -> None:
        if not 0.1 <= self.figure_frac <= 1.0:
            raise ValueError(f"figure_frac must be in [0.1, 1], got {self.figure_frac!r}")
        if not 0.3 <= self.floor_frac <= 0.98:
            raise ValueError(f"floor_frac must be in [0.3, 0.98], got {self.floor_frac!r}")
        if abs(self.tilt_deg) > 15:
            raise ValueError(f"tilt_deg must be within +-15, got {self.tilt_deg!r}")


def random_scene_style(rng: np.random.Generator, figure_frac: tuple[float, float] = (0.6, 0.85)) -> SceneStyle:
    """Draw a plausible random scene style.

    Args:
        rng: Random generator (seeded by the caller for reproducibility).
        figure_frac: Range of figure sizes (camera distances).

    Returns:
        A style with random colours, framing and camera effects.
    """
    wall = rng.choice([(205, 210, 215), (180, 200, 215), (200, 215, 200), (225, 220, 205), (160, 170, 180),
                       (215, 205, 225)])
    floor = rng.choice([(110, 135, 160), (90, 100, 110), (150, 160, 165), (70, 95, 130)])
    prop = rng.choice([(170, 120, 60), (80, 150, 90), (150, 90, 150), (60, 80, 170), (160, 160, 160)])
    return SceneStyle(
        wall_colour=tuple(int(c) for c in wall),
        floor_colour=tuple(int(c) for c in floor),
        prop_colour=tuple(int(c) for c in prop),
        floor_frac=float(rng.uniform(0.78, 0.9)),
        figure_frac=float(rng.uniform(*figure_frac)),
        tilt_deg=float(rng.uniform(-3.0, 3.0)),
        noise_sigma=float(rng.uniform(1.0, 4.0)),
        blur_sigma_px=float(rng.uniform(0.0, 1.0)),
        texture=float(rng.uniform(0.1, 0.5)),
    )


def fit_transform(points: np.ndarray, width: int, height: int, style: SceneStyle, mirror: bool,
                  min_y: float = 0.0) -> ImageTransform:
    """Choose scale and position so that all ``points`` fit the frame.

    The floor (canonical y = 0) lands on the floor line; the figure is centred
    horizontally and scaled so that its extent fills ``figure_frac`` of the
    frame width or of the space above the floor, whichever is tighter.

    Args:
        points: (n, 2) canonical points over the whole clip.
        width: Frame width, px.
        height: Frame height, px.
        style: Scene style (floor line, figure size).
        mirror: Person faces image-left.
        min_y: Lowest canonical y to keep in frame (the floor is 0).

    Returns:
        The transform.
    """
    lo = points.min(axis=0)
    hi = points.max(axis=0)
    # Head and limb radii stick out past the joints.
    pad = 0.08
    span_x = hi[0] - lo[0] + 2 * pad
    span_y = hi[1] + pad - min(lo[1], min_y)
    floor_y = style.floor_frac * height
    scale = style.figure_frac * min(width / span_x, floor_y / span_y)
    cx = (lo[0] + hi[0]) / 2.0
    ox = width / 2.0 + (cx * scale if mirror else -cx * scale)
    return ImageTransform(scale_px=float(scale), origin_px=(float(ox), float(floor_y)), mirror=mirror)


def _box_faces(lo: np.ndarray, hi: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The six faces of an axis-aligned box: (outward normal (3,), corners (4, 3))."""
    faces = []
    for axis in range(3):
        for sign, value in ((-1.0, lo[axis]), (1.0, hi[axis])):
            a, b = [i for i in range(3) if i != axis]
            corners = []
            for ua, ub in ((0, 0), (1, 0), (1, 1), (0, 1)):
                c = np.empty(3)
                c[axis], c[a], c[b] = value, (lo[a], hi[a])[ua], (lo[b], hi[b])[ub]
                corners.append(c)
            normal = np.zeros(3)
            normal[axis] = sign
            faces.append((normal, np.array(corners)))
    return faces


def _draw_box(img: np.ndarray, camera: Projection, lo: np.ndarray, hi: np.ndarray, colour: BGR,
              shades: dict[tuple[int, float], float]) -> None:
    """Fill the faces of a box that face the camera (a convex box needs no depth order), with dark edges.

    ``shades`` maps (axis, sign) of a face's normal to a brightness factor (1 by default).
    """
    for normal, corners in _box_faces(lo, hi):
        centre = corners.mean(axis=0)
        if float(np.dot(normal, camera.toward_camera(centre))) <= 1e-6:
            continue
        poly = camera.clip_polygon(corners)
        if len(poly) < 3:
            continue
        axis = int(np.flatnonzero(normal)[0])
        factor = shades.get((axis, float(normal[axis])), 1.0)
        px = camera.project(poly).astype(np.float32)
        pts = np.round(px * 16).astype(np.int32).reshape(-1, 1, 2)
        cv2.fillPoly(img, [pts], tuple(factor * float(c) for c in colour), cv2.LINE_AA, 4)
        cv2.polylines(img, [pts], True, tuple(0.6 * float(c) for c in colour), 1, cv2.LINE_AA, 4)


def _draw_chair(img: np.ndarray, camera: Projection, chair: Chair) -> None:
    """Seat, four legs and (for a chair) a backrest, the farthest box first so nearer ones cover it."""
    t, w, leg = CHAIR["seat_thickness"], CHAIR["half_width"], CHAIR["leg_width"]
    bottom = chair.seat_y - t
    boxes = [(np.array([chair.back_x, bottom, -w]), np.array([chair.front_x, chair.seat_y, w]))]
    for x in (chair.back_x, chair.front_x - leg):
        for z in (-w, w - leg):
            boxes.append((np.array([x, 0.0, z]), np.array([x + leg, bottom, z + leg])))
    if chair.backrest:
        top = chair.seat_y + CHAIR["backrest_height"]
        for z in (-w, w - leg):
            boxes.append((np.array([chair.back_x, chair.seat_y, z]), np.array([chair.back_x + leg, top, z + leg])))
        boxes.append((np.array([chair.back_x, top - CHAIR["rail_depth"], -w]), np.array([chair.back_x + leg, top, w])))
    centre = np.array([(chair.back_x + chair.front_x) / 2.0, chair.seat_y, 0.0])
    toward = camera.toward_camera(centre)
    for lo, hi in sorted(boxes, key=lambda b: float(np.dot((b[0] + b[1]) / 2.0, toward))):
        _draw_box(img, camera, lo, hi, chair.colour, {(1, 1.0): 1.1, (0, 1.0): 0.85, (0, -1.0): 0.85,
                                                      (2, 1.0): 0.95, (2, -1.0): 0.95})


def render_background(width: int, height: int, style: SceneStyle, transform: Projection, prop: str,
                      prop_x: tuple[float, float], rng: np.random.Generator,
                      chair: Chair | None = None) -> np.ndarray:
    """Static background: wall with gradient and texture, floor, wall panel, mat or chair.

    Args:
        width: Frame width, px.
        height: Frame height, px.
        style: Colours and camera look.
        transform: The clip's camera (``ImageTransform`` for the plain side
            view, or a ``synth.camera.PinholeCamera``).
        prop: ``"wall"`` (a wall panel the person leans on), ``"mat"``
            (exercise mat on the floor) or ``"chair"`` (``chair``, the seat).
        prop_x: Canonical x range of the prop: for the wall (surface, back)
            with the person on the surface side; for the mat its two ends.
        rng: Random generator for the texture.
        chair: The seat, for ``prop="chair"`` only.

    Returns:
        (H, W, 3) uint8 BGR image.
    """
    if prop not in ("wall", "mat", "chair"):
        raise ValueError(f"prop must be 'wall', 'mat' or 'chair', got {prop!r}")
    if (prop == "chair") != (chair is not None):
        raise ValueError("a chair is given exactly when prop is 'chair'")
    # Where the back wall meets the floor: a line across the view behind the person, so a level row of the
    # picture (the camera has no roll; a tilt is applied to the finished frame).
    anchor = np.array([(prop_x[0] + prop_x[1]) / 2.0, 0.0, 0.0])
    away = -transform.toward_camera(anchor) * np.array([1.0, 0.0, 1.0])
    back = anchor + ROOM_BACK_WALL * away / max(float(np.linalg.norm(away)), 1e-12)
    floor_px = int(np.clip(np.round(transform.project(back)[1]), 0, height))
    img = np.empty((height, width, 3), np.float32)
    img[:] = style.wall_colour
    # Light falls off towards the floor and the sides, as in a lit room.
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    vignette = 1.0 - 0.12 * (yy / height) - 0.08 * ((xx / width - 0.5) * 2) ** 2
    img *= vignette[..., None]
    img[floor_px:] = style.floor_colour
    img[floor_px:] *= (0.9 + 0.15 * (yy[floor_px:] - floor_px) / max(height - floor_px, 1))[..., None]
    # Low-frequency mottling: small random field, upsampled smoothly.
    small = rng.normal(0.0, 1.0, (max(2, height // 40), max(2, width // 40))).astype(np.float32)
    mottle = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
    img += (style.texture * 10.0 * mottle)[..., None]
    # Skirting line where wall meets floor.
    cv2.line(img, (0, floor_px), (width, floor_px), tuple(0.6 * c for c in style.floor_colour), 2, cv2.LINE_AA)
    if prop == "wall":
        # A panel behind the back: from the side its end shows as a slab beside the person, from the front its
        # face fills the space behind them. The face the back rests on is lit; the end is a little darker.
        surface, back_x = prop_x
        w = WALL_PANEL["half_width"]
        lo = np.array([min(surface, back_x), 0.0, -w])
        hi = np.array([max(surface, back_x), WALL_PANEL["height"], w])
        _draw_box(img, transform, lo, hi, style.prop_colour, {(0, 1.0): 1.05, (2, 1.0): 0.9, (2, -1.0): 0.9})
        # Only the part of the edge in front of the camera: a camera close beside the panel can have its top
        # behind it, whose projection is past any pixel OpenCV can take (seed 5502 crashed on it).
        edge = transform.clip_polygon(np.array([[surface, 0.0, w], [surface, WALL_PANEL["height"], w]]))
        if len(edge) >= 2:  # clipping a segment gives its ends in front first (and one end again)
            px = transform.project(edge[:2])
            cv2.line(img, tuple(int(round(v)) for v in px[0]), tuple(int(round(v)) for v in px[1]),
                     tuple(0.45 * c for c in style.prop_colour), 3, cv2.LINE_AA)
    elif chair is not None:
        # Drawn behind the whole figure: the body always covers it, as the near side of a real chair would not, but
        # the seat under the thighs and the legs beside the hanging shins are what the picture must show.
        _draw_chair(img, transform, chair)
    else:
        x0, x1 = sorted(prop_x)
        w = MAT["half_width"]
        _draw_box(img, transform, np.array([x0, 0.0, -w]), np.array([x1, MAT["thickness"], w]), style.prop_colour,
                  {(1, 1.0): 1.0, (2, 1.0): 0.8, (0, 1.0): 0.85, (0, -1.0): 0.85})
    return np.clip(img, 0, 255).astype(np.uint8)


def apply_camera(frame: np.ndarray, style: SceneStyle, rng: np.random.Generator) -> np.ndarray:
    """Camera effects on a finished frame: roll, blur and sensor noise.

    Roll keeps interior angles (knee, hip, ankle, spine flexion) but adds
    ``tilt_deg`` to angles measured from the image vertical; the truth JSON
    records angles in the room frame and the tilt separately.

    Args:
        frame: (H, W, 3) uint8 BGR.
        style: Camera settings.
        rng: Random generator for the noise.

    Returns:
        New (H, W, 3) uint8 frame.
    """
    h, w = frame.shape[:2]
    out = frame
    if abs(style.tilt_deg) > 1e-3:
        m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), style.tilt_deg, 1.0)
        out = cv2.warpAffine(out, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)
    if style.blur_sigma_px > 0.05:
        out = cv2.GaussianBlur(out, (0, 0), style.blur_sigma_px)
    if style.noise_sigma > 0:
        noise = rng.normal(0.0, style.noise_sigma, out.shape).astype(np.float32)
        out = np.clip(out.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    return out


def x264_options(crf: int, preset: str) -> dict[str, str]:
    """libx264 options for a rendered clip: the same frames always encode to the same bytes.

    x264's macroblock-tree rate control, on by default, encoded the same frames differently depending on what the
    process had run before (another clip rendered, MediaPipe run): a test clip rendered inside the suite was not
    the clip rendered alone, and read one rep short in CI only. Without it CRF still sets the quality.
    """
    return {"crf": str(crf), "preset": preset, "x264-params": "mbtree=0"}
