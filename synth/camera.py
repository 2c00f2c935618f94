"""Cameras that turn canonical body-frame points into pixels.

Two projections share one small interface (``Projection``):

* ``ImageTransform``: an orthographic side view (x right, y up; z dropped).
  This is how every clip was drawn before the renderer had a camera; the
  hardening corpus still draws people with it.
* ``PinholeCamera``: a perspective camera at a ``View``: yaw around the body
  (0 = side-on, looking at the near side; 90 = from the front), pitch (+ a
  high camera looking down, - a low camera looking up) and the lens' field of
  view.

``place_camera`` puts a pinhole camera where the side-view framing of the clip
(``synth.scene.fit_transform``) says: at yaw 0 and pitch 0 every point of the
near leg's plane lands on exactly the pixel the orthographic side view gives it,
so clips rendered side-on keep their meaning. Points off that plane (shoulders,
far limbs, head) move by their perspective, as they do in a real side view.

Camera coordinates follow OpenCV: x right, y down, z along the optical axis.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

#: Yaw each exercise can be filmed at. A front view (90) shows a wall squat well. The nerve glide lies along x and
#: cat-cow kneels along x, so from the front (90) the camera looks along the body at the feet or the face: the
#: knee, hip and spine bend in a plane seen edge-on, and no one films them that way. 60 is the most they allow.
MAX_YAW_DEG: dict[str, float] = {"wall_squat": 90.0, "nerve_glide": 60.0, "cat_cow": 60.0}
#: Exercises filmed from a raised camera looking down (a phone on a chair or a shelf beside the person): the pitch
#: range, degrees down, that a suite draws each clip's camera from (synth.upright_scripts.suite_views).
RAISED_PITCH_DEG: dict[str, tuple[float, float]] = {}
#: Faults only a front view shows (knees collapsing inward move across the body, along a side view's line of
#: sight). The suite leaves them out of its rotation, which films every script from the side too; front-view benches
#: inject them (synth.suite.random_script with the fault, filmed at yaw 90).
FRONT_ONLY_FAULTS: frozenset[str] = frozenset({"knee_valgus"})
#: A camera within this pitch (degrees) of level is "level"; beyond it a "floor" camera looks up and a "table" (or
#: shelf) camera looks down.
LEVEL_PITCH_MAX_DEG = 5.0
#: Steepest camera: a phone on a high shelf looking down, or on the floor looking up.
PITCH_MAX_DEG = 45.0
#: Points nearer the camera than this (body heights) are cut off before projecting.
NEAR_PLANE = 0.05
#: The lowest a camera stands: a phone propped on the floor, lens a few centimetres up (body heights).
CAMERA_HEIGHT_MIN = 0.03
#: Half-size of a limb, hand or head beyond its joints (body heights), kept inside the frame.
FRAME_PAD = 0.08
#: How far below the bottom edge of a floor camera's picture the horizon must lie, in degrees: room for the feet
#: (on the floor, just below the lens) and their pad at a few body heights away.
FLOOR_VIEW_MARGIN_DEG = 4.0


def pitch_band(pitch_deg: float) -> str:
    """Name of the pitch band (``floor``, ``level`` or ``table``) a camera pitch falls in."""
    if pitch_deg < -LEVEL_PITCH_MAX_DEG:
        return "floor"
    return "table" if pitch_deg > LEVEL_PITCH_MAX_DEG else "level"


@dataclass(frozen=True)
class View:
    """Where the camera looks from, relative to the body.

    Attributes:
        yaw_deg: Turn around the body from side-on (0: looking at the near,
            working side) towards the front (90: looking at the face).
        pitch_deg: Tilt of the optical axis, positive looking down (a camera
            on a table or shelf), negative looking up (a phone on the floor).
        fov_deg: Lens field of view across the frame's longer side.
    """

    yaw_deg: float = 0.0
    pitch_deg: float = 0.0
    fov_deg: float = 60.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.yaw_deg <= 90.0:
            raise ValueError(f"yaw_deg must be in [0, 90] (0 side-on, 90 front), got {self.yaw_deg!r}")
        if abs(self.pitch_deg) > PITCH_MAX_DEG:
            raise ValueError(f"pitch_deg must be within +-{PITCH_MAX_DEG:g}, got {self.pitch_deg!r}")
        if not 20.0 <= self.fov_deg <= 100.0:
            raise ValueError(f"fov_deg must be in [20, 100], got {self.fov_deg!r}")

    def to_json(self) -> dict[str, float]:
        """The view as the truth JSON records it."""
        return {"yaw_deg": round(self.yaw_deg, 2), "pitch_deg": round(self.pitch_deg, 2),
                "fov_deg": round(self.fov_deg, 2)}


class Projection(Protocol):
    """What drawing needs from a camera; every argument is (..., 3) canonical points."""

    def project(self, points: np.ndarray) -> np.ndarray:
        """(..., 2) pixel positions (x right, y down)."""
        ...

    def depth(self, points: np.ndarray) -> np.ndarray:
        """(...) distance along the viewing direction, body heights; larger is farther."""
        ...

    def px_per_unit(self, points: np.ndarray) -> np.ndarray:
        """(...) pixels per body height for a small length at each point, seen face-on."""
        ...

    def toward_camera(self, points: np.ndarray) -> np.ndarray:
        """(..., 3) unit vectors from each point towards the camera."""
        ...

    def clip_polygon(self, polygon: np.ndarray) -> np.ndarray:
        """(m, 3) the part of a planar (n, 3) polygon in front of the camera (m may be 0)."""
        ...


def _xyz(points: np.ndarray) -> np.ndarray:
    p = np.asarray(points, dtype=float)
    if p.shape[-1] == 2:
        p = np.concatenate([p, np.zeros(p.shape[:-1] + (1,))], axis=-1)
    return p


@dataclass(frozen=True)
class ImageTransform:
    """Orthographic side view: canonical (x, y) to image pixels, z dropped.

    Attributes:
        scale_px: Pixels per body height.
        origin_px: (2,) image position (x, y) of the canonical origin.
        mirror: True when the person faces image-left.
    """

    scale_px: float
    origin_px: tuple[float, float]
    mirror: bool = False

    def apply(self, points: np.ndarray) -> np.ndarray:
        """Map (..., 2 or 3) canonical points to (..., 2) image pixels (y down)."""
        p = np.asarray(points, dtype=float)
        sx = -self.scale_px if self.mirror else self.scale_px
        return np.stack([self.origin_px[0] + sx * p[..., 0], self.origin_px[1] - self.scale_px * p[..., 1]], axis=-1)

    def project(self, points: np.ndarray) -> np.ndarray:
        """Same as ``apply``."""
        return self.apply(points)

    def depth(self, points: np.ndarray) -> np.ndarray:
        """The camera looks along -z from the near side: depth is -z."""
        return -_xyz(points)[..., 2]

    def px_per_unit(self, points: np.ndarray) -> np.ndarray:
        """The same scale everywhere."""
        return np.full(np.shape(points)[:-1], self.scale_px)

    def toward_camera(self, points: np.ndarray) -> np.ndarray:
        """+z everywhere."""
        out = np.zeros(np.shape(points)[:-1] + (3,))
        out[..., 2] = 1.0
        return out

    def clip_polygon(self, polygon: np.ndarray) -> np.ndarray:
        """Nothing is behind an orthographic camera."""
        return _xyz(polygon)


def view_rotation(yaw_deg: float, pitch_deg: float) -> np.ndarray:
    """World-to-camera rotation, (3, 3) with rows right, down, forward.

    Yaw 0 looks along -z (at the near side), with image-right = +x (the
    person's front); yaw 90 looks along -x (at the face), with image-right =
    -z (the person's far side, their left when the near side is their right).
    Positive pitch tips the optical axis down.
    """
    yaw, pitch = np.radians(yaw_deg), np.radians(pitch_deg)
    forward = np.array([-np.sin(yaw) * np.cos(pitch), -np.sin(pitch), -np.cos(yaw) * np.cos(pitch)])
    right = np.array([np.cos(yaw), 0.0, -np.sin(yaw)])
    down = np.cross(forward, right)
    return np.stack([right, down, forward])


def focal_px(fov_deg: float, width: int, height: int) -> float:
    """Focal length in pixels for a field of view across the frame's longer side."""
    return max(width, height) / 2.0 / float(np.tan(np.radians(fov_deg) / 2.0))


def floor_seen_pitch_deg(fov_deg: float, width: int, height: int) -> float:
    """The steepest upward pitch (negative) from which a camera on the floor still sees the floor it stands on.

    A phone on the floor sees nothing below its own horizon that is not right in front of the lens, and the feet
    stand on that floor. Tilted up further than the lens's vertical half field, the horizon leaves the bottom of
    the picture and the feet with it, from any distance; `FLOOR_VIEW_MARGIN_DEG` leaves room for them.
    """
    half_height_deg = float(np.degrees(np.arctan(height / 2.0 / focal_px(fov_deg, width, height))))
    return -max(half_height_deg - FLOOR_VIEW_MARGIN_DEG, 0.0)


def framable(view: View, width: int, height: int) -> View:
    """`view`, tilted up no further than a floor camera can while seeing the feet (floor_seen_pitch_deg)."""
    pitch_min = floor_seen_pitch_deg(view.fov_deg, width, height)
    return view if view.pitch_deg >= pitch_min else replace(view, pitch_deg=pitch_min)


@dataclass(frozen=True, eq=False)
class PinholeCamera:
    """A perspective camera with its principal point at the image centre and no roll.

    Attributes:
        view: Yaw, pitch and field of view.
        width: Frame width, px.
        height: Frame height, px.
        position: (3,) camera centre in the canonical body frame.
        mirror: True when the person faces image-left (the picture is flipped
            left-right, as for ``ImageTransform``).
    """

    view: View
    width: int
    height: int
    position: np.ndarray
    mirror: bool = False
    rotation: np.ndarray = field(init=False, repr=False)
    focal_px: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "position", np.asarray(self.position, dtype=float).reshape(3))
        object.__setattr__(self, "rotation", view_rotation(self.view.yaw_deg, self.view.pitch_deg))
        object.__setattr__(self, "focal_px", focal_px(self.view.fov_deg, self.width, self.height))

    def camera_xyz(self, points: np.ndarray) -> np.ndarray:
        """(..., 3) canonical points in camera coordinates (x right, y down, z forward)."""
        return (_xyz(points) - self.position) @ self.rotation.T

    def project(self, points: np.ndarray) -> np.ndarray:
        """Pinhole projection; points behind the camera give meaningless pixels (clip polygons first)."""
        c = self.camera_xyz(points)
        z = np.maximum(c[..., 2], 1e-9)
        u = self.focal_px * c[..., 0] / z
        v = self.height / 2.0 + self.focal_px * c[..., 1] / z
        return np.stack([self.width / 2.0 + (-u if self.mirror else u), v], axis=-1)

    def depth(self, points: np.ndarray) -> np.ndarray:
        """Distance along the optical axis."""
        return self.camera_xyz(points)[..., 2]

    def px_per_unit(self, points: np.ndarray) -> np.ndarray:
        """Focal length over depth."""
        return self.focal_px / np.maximum(self.depth(points), 1e-9)

    def toward_camera(self, points: np.ndarray) -> np.ndarray:
        """Unit vectors from the points to the camera centre."""
        d = self.position - _xyz(points)
        return d / np.maximum(np.linalg.norm(d, axis=-1, keepdims=True), 1e-12)

    def clip_polygon(self, polygon: np.ndarray) -> np.ndarray:
        """Sutherland-Hodgman clip of a planar polygon against the near plane."""
        poly = _xyz(polygon)
        z = self.depth(poly) - NEAR_PLANE
        out = []
        for i in range(len(poly)):
            j = (i + 1) % len(poly)
            if z[i] >= 0:
                out.append(poly[i])
            if (z[i] >= 0) != (z[j] >= 0):
                out.append(poly[i] + (poly[j] - poly[i]) * (z[i] / (z[i] - z[j])))
        return np.array(out).reshape(-1, 3)

    @classmethod
    def through(cls, view: View, width: int, height: int, point: np.ndarray, point_px: tuple[float, float],
                point_depth: float, mirror: bool = False) -> PinholeCamera:
        """The camera at ``view`` that sees ``point`` at ``point_px`` (unmirrored), ``point_depth`` away.

        Args:
            view: Orientation and lens.
            width: Frame width, px.
            height: Frame height, px.
            point: (3,) canonical point.
            point_px: Where it lands in the image before any mirroring.
            point_depth: Its distance along the optical axis, body heights.
            mirror: Flip the picture left-right.

        Returns:
            The camera.
        """
        f = focal_px(view.fov_deg, width, height)
        cam = np.array([(point_px[0] - width / 2.0) * point_depth / f, (point_px[1] - height / 2.0) * point_depth / f,
                        point_depth])
        position = np.asarray(point, dtype=float) - view_rotation(view.yaw_deg, view.pitch_deg).T @ cam
        return cls(view, width, height, position, mirror)


def _under_floor(cam: PinholeCamera) -> bool:
    # The tolerance keeps a camera just raised to the floor from being raised again for rounding.
    return bool(cam.position[1] < CAMERA_HEIGHT_MIN - 1e-9)


def _raised(cam: PinholeCamera, pivot: np.ndarray, centre: np.ndarray, f: float) -> tuple[float, np.ndarray]:
    """(depth, pivot pixel) of `cam` lifted straight up to the floor height, looking the same way."""
    raised = cam.position + np.array([0.0, CAMERA_HEIGHT_MIN - cam.position[1], 0.0])
    c = (pivot - raised) @ cam.rotation.T
    return float(c[2]), centre + f * c[:2] / c[2]


def place_camera(view: View, side: ImageTransform, width: int, height: int, pivot: np.ndarray, z_ref: float,
                 fit_points: np.ndarray, mirror: bool = False) -> PinholeCamera:
    """A pinhole camera at ``view`` that frames the clip as its side view ``side`` does.

    The camera turns around ``pivot`` (the centre of the clip's side-view
    extent, on the body's midline). Side-on and level, it sees the plane
    ``z = z_ref`` (the near leg's) exactly as ``side`` draws it. In other views
    the pivot keeps its place in the picture; when part of the body would leave
    the frame the camera steps back and re-centres, and it never goes below
    ``CAMERA_HEIGHT_MIN``.

    Args:
        view: Yaw, pitch and field of view.
        side: Unmirrored orthographic side view of the clip (from ``fit_transform``).
        width: Frame width, px.
        height: Frame height, px.
        pivot: (3,) point the camera turns around, body heights.
        z_ref: z of the plane that keeps the side view's pixels, body heights.
        fit_points: (n, 3) points of the whole clip that must stay in frame.
        mirror: Flip the picture left-right (person facing image-left).

    Returns:
        The camera.
    """
    pivot = np.asarray(pivot, dtype=float)
    f = focal_px(view.fov_deg, width, height)
    ref_depth = f / side.scale_px
    depth = ref_depth + z_ref - pivot[2]
    centre = np.array([width / 2.0, height / 2.0])
    # Side-on, the pivot's own pixel is the one that puts the z_ref plane on the side view's pixels.
    px = centre + ref_depth / depth * (side.apply(pivot) - centre)
    size = np.array([width, height], dtype=float)
    for _ in range(8):
        cam = PinholeCamera.through(view, width, height, pivot, (float(px[0]), float(px[1])), depth)
        if _under_floor(cam):
            depth, px = _raised(cam, pivot, centre, f)
            continue
        uv = cam.project(fit_points)
        pad = (FRAME_PAD * cam.px_per_unit(fit_points))[:, None]
        lo, hi = (uv - pad).min(axis=0), (uv + pad).max(axis=0)
        if np.all(lo >= 0.0) and np.all(hi <= size):
            break
        # Step back until the extent fits, then shift it inside the frame.
        k = float(min(1.0, *(0.98 * size / np.maximum(hi - lo, 1e-9))))
        depth /= k
        lo, hi = px + k * (lo - px), px + k * (hi - px)
        px = px + np.where(hi - lo <= size, np.maximum(-lo, 0.0) - np.maximum(hi - size, 0.0), size / 2 - (lo + hi) / 2)
    else:
        # Never fitted: the last shift may have put the camera under the floor, where no phone stands.
        cam = PinholeCamera.through(view, width, height, pivot, (float(px[0]), float(px[1])), depth)
        if _under_floor(cam):
            depth, px = _raised(cam, pivot, centre, f)
    return PinholeCamera.through(view, width, height, pivot, (float(px[0]), float(px[1])), depth, mirror)


#: A drawn pitch lands this close (degrees) to its band's nominal value: 0, -pitch_deg or +pitch_deg.
PITCH_JITTER_DEG = 2.0


@dataclass(frozen=True)
class ViewPlan:
    """Which cameras a suite is filmed from.

    Attributes:
        yaws_deg: Yaws every script is rendered at (each exercise keeps those
            up to its ``synth.camera.MAX_YAW_DEG``).
        pitch_deg: Nominal pitch of the floor (-) and table (+) cameras; 0
            films every script level. Scripts take the level, floor and table
            camera in turn, each within ``PITCH_JITTER_DEG`` of nominal.
        fov_deg: (low, high) field of view across the frame's longer side,
            drawn per script.
    """

    yaws_deg: tuple[float, ...] = (0.0,)
    pitch_deg: float = 0.0
    fov_deg: tuple[float, float] = (60.0, 60.0)

    def __post_init__(self) -> None:
        if not self.yaws_deg or len(set(self.yaws_deg)) != len(self.yaws_deg):
            raise ValueError(f"yaws_deg must be distinct and not empty, got {self.yaws_deg!r}")
        for yaw in self.yaws_deg:
            View(yaw_deg=yaw)
        if not 0.0 <= self.pitch_deg <= PITCH_MAX_DEG - PITCH_JITTER_DEG:
            raise ValueError(f"pitch_deg must be in [0, {PITCH_MAX_DEG - PITCH_JITTER_DEG:g}], got {self.pitch_deg!r}")
        if len(self.fov_deg) != 2 or self.fov_deg[0] > self.fov_deg[1]:
            raise ValueError(f"fov_deg must be (low, high), got {self.fov_deg!r}")
        for fov in self.fov_deg:
            View(fov_deg=fov)

    @property
    def varies(self) -> bool:
        """Whether the plan films anything but the one level side view (then clip names carry the view)."""
        return self != ViewPlan()

    def yaws_for(self, exercise: str) -> tuple[float, ...]:
        """The plan's yaws an exercise can be filmed at, in order."""
        return tuple(y for y in self.yaws_deg if y <= MAX_YAW_DEG[exercise])

    def views(self, exercise: str, index: int, rng: np.random.Generator) -> list[View]:
        """The views of one script: one per yaw, sharing a pitch (by band, round-robin on ``index``) and a lens."""
        if self.pitch_deg > 0:
            nominal = (0.0, -self.pitch_deg, self.pitch_deg)[index % 3]
            pitch = nominal + float(rng.uniform(-PITCH_JITTER_DEG, PITCH_JITTER_DEG))
        else:
            pitch = 0.0
        lo, hi = self.fov_deg
        fov = float(rng.uniform(lo, hi)) if hi > lo else lo
        return [View(yaw, pitch, fov) for yaw in self.yaws_for(exercise)]
