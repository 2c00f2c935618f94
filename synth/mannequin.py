"""Draws the cartoon mannequin.

Shaded tapered limbs, a torso along the back curve, shoes, hands and a head
with a face.

Why so much detail: MediaPipe's person detector keys on the head and on a
body-like silhouette. A stick figure of plain lines is found in only about a
third of poses; filled, outlined, shaded capsules with a face are found in
nearly every frame (measured, see ``synth.check_detection``).

The body is 3D (``synth.skeleton``). Every shape is built in the canonical body
frame and projected by a camera (``synth.camera``), then filled in pixels:
limbs are tapered capsules, drawn as the 2D capsules their ends project to;
the torso is a loft of oval cross-sections (back and front depth, half-width)
along the back curve; the head is a skull with a jaw, nose, ears, eyes and a
hair cap. Parts are painted from far to near. Facing image-left is a mirrored
camera.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from synth.camera import ImageTransform, Projection
from synth.poses import EAR_LATERAL_RATIO
from synth.skeleton import BodyProportions, Skeleton, rotate, unit

__all__ = ["BODY_SHAPES", "BodyShape", "ImageTransform", "Palette", "capsule_polygon", "draw_mannequin",
           "get_body_shape"]

#: Sub-pixel precision for cv2 polygon drawing (coordinates * 2**SHIFT).
_SHIFT = 4
#: Light comes from above: shading shifts highlights towards the top of the image.
_LIGHT = np.array([0.0, -1.0])
#: Far-side parts are drawn this much darker when the camera looks straight at the near side.
_FAR_DIM = 0.72

BGR = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    """Colours of one mannequin, BGR uint8 triples."""

    skin: BGR = (140, 170, 215)
    hair: BGR = (40, 50, 70)
    shirt: BGR = (170, 90, 40)
    trousers: BGR = (70, 60, 55)
    shoes: BGR = (235, 235, 235)


@dataclass(frozen=True)
class BodyShape:
    """Build of one mannequin: proportions, girths and colours.

    Girths are radii in body heights (the half-thickness seen from the side;
    the torso's half-width seen from the front scales with them too).

    Attributes:
        name: Registry name (``slim``, ``average``, ``broad``, ...).
        proportions: Segment lengths.
        girth: Multiplier on every limb and torso radius.
        belly: Extra forward depth of the waist, body heights.
        palette: Colours.
    """

    name: str
    proportions: BodyProportions = field(default_factory=BodyProportions)
    girth: float = 1.0
    belly: float = 0.0
    palette: Palette = field(default_factory=Palette)

    def __post_init__(self) -> None:
        if not 0.5 <= self.girth <= 2.0:
            raise ValueError(f"BodyShape.girth must be in [0.5, 2.0], got {self.girth!r}")

    @property
    def pelvis_back_depth(self) -> float:
        """Distance from the hip joint back to the buttocks, body heights.

        The scene puts the wall surface here so the back touches the wall.
        """
        return _BACK_PROFILE[1][_BACK_PROFILE[0].index(0.0)] * self.girth

    @property
    def thigh_under_hip(self) -> float:
        """Distance from the hip joint down to the underside of the thigh, body heights: sitting, the seat's top."""
        return _THIGH_R[0] * self.girth


# Each build wears different clothes and skin tone, so a suite varies both.
BODY_SHAPES: dict[str, BodyShape] = {
    "slim": BodyShape("slim", BodyProportions(hip_width=0.10, shoulder_width=0.205).scaled(legs=1.04, arms=1.03,
                                                                                            trunk=0.97), girth=0.82,
                      palette=Palette(skin=(120, 160, 210), hair=(30, 70, 120), shirt=(60, 60, 190),
                                      trousers=(45, 45, 60), shoes=(215, 225, 230))),
    "average": BodyShape("average"),
    "broad": BodyShape("broad", BodyProportions(head_radius=0.066, hip_width=0.12, shoulder_width=0.245).scaled(
                           legs=0.96, trunk=1.03), girth=1.25,
                       belly=0.02, palette=Palette(skin=(70, 100, 140), hair=(20, 20, 25), shirt=(70, 140, 60),
                                                   trousers=(50, 50, 50), shoes=(200, 200, 200))),
    "long_legs": BodyShape("long_legs", BodyProportions().scaled(legs=1.08, trunk=0.93), girth=0.95,
                           palette=Palette(skin=(160, 190, 230), hair=(60, 120, 180), shirt=(40, 170, 220),
                                           trousers=(90, 70, 60), shoes=(60, 60, 160))),
}


def get_body_shape(name: str) -> BodyShape:
    """Look up a body shape by name.

    Args:
        name: One of ``BODY_SHAPES``.

    Returns:
        The shape.

    Raises:
        ValueError: Unknown name; the message lists the valid ones.
    """
    try:
        return BODY_SHAPES[name]
    except KeyError:
        raise ValueError(f"unknown body shape {name!r}; expected one of {sorted(BODY_SHAPES)}") from None


# Torso profiles along the back curve: t = 0 at the hip joint, 1 at the
# shoulder joint, beyond the ends for the seat and the shoulder cap. Values are
# the distance from the curve to the back (dorsal) and front (ventral) surface.
_PROFILE_T = [-0.20, -0.12, 0.0, 0.15, 0.35, 0.55, 0.75, 0.92, 1.04, 1.12]
_BACK_PROFILE = (_PROFILE_T, [0.035, 0.062, 0.068, 0.060, 0.050, 0.055, 0.062, 0.060, 0.045, 0.015])
_FRONT_PROFILE = (_PROFILE_T, [0.035, 0.052, 0.060, 0.058, 0.056, 0.064, 0.074, 0.066, 0.045, 0.015])
# Half-width of the torso seen from the front: seat between the thighs, pelvis, waist, chest, shoulders, the
# shoulder cap's slope towards the neck.
_WIDTH_PROFILE = (_PROFILE_T, [0.070, 0.092, 0.100, 0.093, 0.086, 0.090, 0.100, 0.112, 0.108, 0.060])
#: Points around each torso cross-section.
_SECTION_POINTS = 16
#: Fraction of the torso (from the bottom) covered by trousers.
_WAISTBAND_T = 0.22
#: A tilted pelvis (``Skeleton.pelvis_roll_deg``) straightens out by this fraction of the way up the trunk.
_PELVIS_ROLL_TOP_T = 0.3

# Limb radii, body heights, before the body's girth factor.
_THIGH_R = (0.052, 0.034)
_SHIN_R = (0.033, 0.022)
_UPPER_ARM_R = (0.030, 0.023)
_FOREARM_R = (0.023, 0.018)
_NECK_R = 0.028


def _shade(colour: BGR, factor: float) -> BGR:
    return tuple(int(np.clip(c * factor, 0, 255)) for c in colour)  # type: ignore[return-value]


def _chaikin(points: np.ndarray, iterations: int = 2, closed: bool = True) -> np.ndarray:
    """Corner-cutting smoothing so polygons read as soft body outlines."""
    p = np.asarray(points, dtype=float)
    for _ in range(iterations):
        q = np.roll(p, -1, axis=0) if closed else p[1:]
        a = p if closed else p[:-1]
        new = np.empty((2 * len(a), p.shape[1]))
        new[0::2] = 0.75 * a + 0.25 * q
        new[1::2] = 0.25 * a + 0.75 * q
        p = new
    return p


def _unit3(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-12)


def _sagittal(v2: np.ndarray) -> np.ndarray:
    """A (2,) sagittal direction as a (3,) vector."""
    return np.array([v2[0], v2[1], 0.0])


def _turn_sagittal(v: np.ndarray, angle_deg: float) -> np.ndarray:
    """Turn a (3,) vector about the lateral (z) axis: its sagittal part rotates, z stays."""
    xy = rotate(v[:2], angle_deg)
    return np.array([xy[0], xy[1], v[2]])


def _roll_x(v: np.ndarray, angle_deg: float) -> np.ndarray:
    """Turn a (3,) vector about the x axis: positive takes +y (up) towards +z (near)."""
    a = np.radians(angle_deg)
    return np.array([v[0], v[1] * np.cos(a) - v[2] * np.sin(a), v[1] * np.sin(a) + v[2] * np.cos(a)])


def capsule_polygon(p0: np.ndarray, p1: np.ndarray, r0: float, r1: float, n: int = 10) -> np.ndarray:
    """Outline of a tapered capsule (two circles joined by tangents).

    Args:
        p0: (2,) first end centre.
        p1: (2,) second end centre.
        r0: Radius at ``p0``.
        r1: Radius at ``p1``.
        n: Points per end cap.

    Returns:
        (2n, 2) polygon.
    """
    p0 = np.asarray(p0, dtype=float)
    p1 = np.asarray(p1, dtype=float)
    d = p1 - p0
    length = float(np.hypot(*d))
    heading = float(np.degrees(np.arctan2(d[1], d[0]))) if length > 1e-9 else 0.0
    # Tangent lines of two circles meet the circles off the perpendicular.
    tilt = np.degrees(np.arcsin(np.clip((r0 - r1) / max(length, 1e-9), -0.9, 0.9)))
    a_cap1 = np.linspace(heading - 90 - tilt, heading + 90 + tilt, n)
    a_cap0 = np.linspace(heading + 90 + tilt, heading + 270 - tilt, n)
    cap1 = p1 + r1 * np.stack([np.cos(np.radians(a_cap1)), np.sin(np.radians(a_cap1))], axis=-1)
    cap0 = p0 + r0 * np.stack([np.cos(np.radians(a_cap0)), np.sin(np.radians(a_cap0))], axis=-1)
    return np.vstack([cap1, cap0])


class _Canvas:
    """Draws pixel-space polygons on an image, and projects 3D shapes through a camera first."""

    def __init__(self, image: np.ndarray, camera: Projection, line_px: int):
        self.image = image
        self.cam = camera
        self.line_px = line_px

    def _pts(self, poly: np.ndarray) -> np.ndarray:
        return np.round(np.asarray(poly) * (1 << _SHIFT)).astype(np.int32).reshape(-1, 1, 2)

    def fill(self, poly: np.ndarray, colour: BGR) -> None:
        if len(poly) >= 3:
            cv2.fillPoly(self.image, [self._pts(poly)], colour, cv2.LINE_AA, _SHIFT)

    def outline(self, poly: np.ndarray, colour: BGR, closed: bool = True, width: int | None = None) -> None:
        if len(poly) >= 2:
            cv2.polylines(self.image, [self._pts(poly)], closed, colour, width or self.line_px, cv2.LINE_AA, _SHIFT)

    def circle(self, centre: np.ndarray, radius: float, colour: BGR) -> None:
        self.fill(capsule_polygon(centre, centre + 1e-6, radius, radius, n=18), colour)

    def shaded(self, poly: np.ndarray, centre: np.ndarray, size: float, colour: BGR) -> None:
        """Filled polygon with a shadowed rim, a lit core and a dark outline (``size`` in px)."""
        self.fill(poly, _shade(colour, 0.72))
        # The lit core is the shape shrunk towards its centre and nudged to the
        # light; shrinking by 0.75 and shifting by 0.2*size keeps it inside.
        core = centre + 0.78 * (poly - centre) + 0.18 * size * _LIGHT
        self.fill(core, colour)
        high = centre + 0.35 * (poly - centre) + 0.45 * size * _LIGHT
        self.fill(high, _shade(colour, 1.12))
        self.outline(poly, _shade(colour, 0.42))

    def limb(self, p0: np.ndarray, p1: np.ndarray, r0: float, r1: float, colour: BGR) -> None:
        """A shaded tapered capsule between canonical points ``p0`` and ``p1`` (3,), radii in body heights."""
        ends = np.stack([p0, p1])
        (q0, q1), (s0, s1) = self.cam.project(ends), self.cam.px_per_unit(ends)
        r0, r1 = r0 * s0, r1 * s1
        poly = capsule_polygon(q0, q1, r0, r1)
        # Shade each capsule about its own axis so joints read as rounded.
        n = len(poly) // 2
        centres = np.vstack([np.repeat(q1[None], n, 0), np.repeat(q0[None], n, 0)])
        radii = np.concatenate([np.full(n, r1), np.full(n, r0)])
        self.fill(poly, _shade(colour, 0.72))
        self.fill(centres + 0.78 * (poly - centres) + 0.18 * radii[:, None] * _LIGHT, colour)
        self.fill(centres + 0.35 * (poly - centres) + 0.45 * radii[:, None] * _LIGHT, _shade(colour, 1.12))
        self.outline(poly, _shade(colour, 0.42))

    def surface_disc(self, centre: np.ndarray, normal: np.ndarray, axis: np.ndarray, r_axis: float, r_across: float,
                     n: int = 16) -> np.ndarray:
        """Projected outline (n, 2) of an ellipse lying on a surface (eye, pupil, ear), foreshortened as seen."""
        a = _unit3(axis - np.dot(axis, normal) * normal)
        b = np.cross(normal, a)
        t = np.linspace(0.0, 2 * np.pi, n, endpoint=False)[:, None]
        return self.cam.project(centre + r_axis * np.cos(t) * a + r_across * np.sin(t) * b)


def _torso_polygon(cv: _Canvas, spine: np.ndarray, body: BodyShape,
                   pelvis_roll_deg: float = 0.0, trunk_roll_deg: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Torso outline in pixels along the projected back curve, plus the matching centre points.

    The torso is a loft of cross-sections along the spine curve: each is an
    oval with the back and front depths of the profiles (in the sagittal plane)
    and the half-width of the width profile (along z). Seen through the camera,
    the outline at each section is the section's two extreme points across the
    projected spine.

    Args:
        cv: Canvas (its camera projects).
        spine: (n, 3) back curve from mid-hip to mid-shoulder.
        body: Body shape (girth, belly).
        pelvis_roll_deg: Tilt of the pelvis seen from the front (``Skeleton.pelvis_roll_deg``).
        trunk_roll_deg: Roll of every section about the x axis (``Skeleton.trunk_roll_deg``, a body lying on its
            side), the pelvis's added to it.

    Returns:
        (polygon (m, 2), centres (m, 2)) in pixels, where each polygon point's
        centre is the projected spine point of its section.
    """
    sp = spine[:, :2]
    seg = np.diff(sp, axis=0)
    cum = np.concatenate([[0.0], np.cumsum(np.hypot(seg[:, 0], seg[:, 1]))])
    length = cum[-1]
    ts = np.linspace(_PROFILE_T[0], _PROFILE_T[-1], 40)
    # Beyond the ends the curve continues along its end tangents.
    t0_dir = seg[0] / np.hypot(*seg[0])
    t1_dir = seg[-1] / np.hypot(*seg[-1])
    t_spine = cum / length
    centres, tangents = [], []
    for t in ts:
        if t < 0:
            centres.append(sp[0] + t * length * t0_dir)
            tangents.append(t0_dir)
        elif t > 1:
            centres.append(sp[-1] + (t - 1) * length * t1_dir)
            tangents.append(t1_dir)
        else:
            i = int(np.clip(np.searchsorted(t_spine, t) - 1, 0, len(seg) - 1))
            f = (t - t_spine[i]) / max(t_spine[i + 1] - t_spine[i], 1e-9)
            centres.append(sp[i] + f * seg[i])
            tangents.append(seg[i] / np.hypot(*seg[i]))
    c = np.array(centres)
    dorsal = rotate(np.array(tangents), 90.0)
    back = np.interp(ts, *_BACK_PROFILE) * body.girth
    belly = body.belly * np.exp(-(((ts - 0.35) / 0.2) ** 2))
    front = np.interp(ts, *_FRONT_PROFILE) * body.girth + belly
    half_width = np.interp(ts, *_WIDTH_PROFILE) * body.girth
    theta = np.linspace(0.0, 2 * np.pi, _SECTION_POINTS, endpoint=False)
    sin, cos = np.sin(theta)[None, :], np.cos(theta)[None, :]
    reach = np.where(sin >= 0, back[:, None], front[:, None]) * sin  # (S, K) towards the back
    ring = np.empty((len(ts), _SECTION_POINTS, 3))
    ring[..., :2] = c[:, None, :] + reach[..., None] * dorsal[:, None, :]
    ring[..., 2] = half_width[:, None] * cos
    if pelvis_roll_deg or trunk_roll_deg:
        # The pelvis tilts about the forward axis through each section's centre, fully at the hips and not at all
        # from the waist up, so the hip line drops on one side while the chest stays level. A body lying along x
        # (side-lying) rolls every section as well.
        roll = np.radians(pelvis_roll_deg) * np.clip((_PELVIS_ROLL_TOP_T - ts) / _PELVIS_ROLL_TOP_T, 0.0, 1.0)
        roll = roll + np.radians(trunk_roll_deg)
        dy, z = ring[..., 1] - c[:, None, 1], ring[..., 2]
        ca, sa = np.cos(roll)[:, None], np.sin(roll)[:, None]
        ring[..., 1], ring[..., 2] = c[:, None, 1] + dy * ca - z * sa, dy * sa + z * ca
    c3 = np.column_stack([c, np.zeros(len(c))])
    c_px = cv.cam.project(c3)
    ring_px = cv.cam.project(ring)
    along = np.gradient(c_px, axis=0)
    norm = np.linalg.norm(along, axis=1, keepdims=True)
    along = np.where(norm > 1e-9, along / np.maximum(norm, 1e-9), np.array([1.0, 0.0]))
    across = rotate(along, 90.0)
    side = np.sum((ring_px - c_px[:, None, :]) * across[:, None, :], axis=-1)
    rows = np.arange(len(ts))
    left = ring_px[rows, np.argmax(side, axis=1)]
    right = ring_px[rows, np.argmin(side, axis=1)]
    return np.vstack([left, right[::-1]]), np.vstack([c_px, c_px[::-1]])


def _shoe_polygon(cv: _Canvas, ankle: np.ndarray, heel: np.ndarray, toe: np.ndarray,
                  props: BodyProportions) -> tuple[np.ndarray, np.ndarray]:
    """Outline of a shoe in pixels, and the projected sole line on the side facing the camera.

    The side profile (sole, toe cap, instep, heel counter) is extruded across
    the foot's width; the outline is the hull of both sides' projections.
    """
    a2, h2, t2 = ankle[:2], heel[:2], toe[:2]
    along = (t2 - h2) / np.hypot(*(t2 - h2))
    up = rotate(along, 90.0)
    h = props.ankle_height
    profile = _chaikin(np.array([
        h2 - 0.12 * props.foot * along - 0.004 * up,
        t2 + 0.06 * props.foot * along - 0.004 * up,
        t2 + 0.08 * props.foot * along + 0.45 * h * up,
        t2 - 0.25 * props.foot * along + 0.95 * h * up,
        a2 + 0.22 * props.foot * along + 0.55 * h * up,
        a2 + 0.05 * props.foot * along + 0.85 * h * up,
        a2 - 0.20 * props.foot * along + 0.75 * h * up,
        h2 - 0.14 * props.foot * along + 0.6 * h * up,
    ]), 2)
    half = 0.18 * props.foot
    sides = [np.column_stack([profile, np.full(len(profile), ankle[2] + s * half)]) for s in (-1.0, 1.0)]
    px = cv.cam.project(np.vstack(sides)).astype(np.float32)
    hull = cv2.convexHull(px).reshape(-1, 2).astype(float)
    facing = float(np.sign(cv.cam.toward_camera(ankle)[2]))
    sole = np.array([[*(h2 - 0.12 * props.foot * along), ankle[2] + facing * half],
                     [*t2, ankle[2] + facing * half]])
    return hull, cv.cam.project(sole)


def _draw_shin(cv: _Canvas, sk: Skeleton, side: str, body: BodyShape, dim: float) -> None:
    g = body.girth
    cv.limb(sk[f"{side}_knee"], sk[f"{side}_ankle"], _SHIN_R[0] * g, _SHIN_R[1] * g, _shade(body.palette.trousers, dim))


def _draw_thigh(cv: _Canvas, sk: Skeleton, side: str, body: BodyShape, dim: float) -> None:
    g = body.girth
    cv.limb(sk[f"{side}_hip"], sk[f"{side}_knee"], _THIGH_R[0] * g, _THIGH_R[1] * g,
            _shade(body.palette.trousers, dim))


def _draw_shoe(cv: _Canvas, sk: Skeleton, side: str, body: BodyShape, dim: float) -> None:
    ankle = sk[f"{side}_ankle"]
    shoe, sole = _shoe_polygon(cv, ankle, sk[f"{side}_heel"], sk[f"{side}_toe"], body.proportions)
    cv.shaded(shoe, shoe.mean(axis=0), 0.02 * float(cv.cam.px_per_unit(ankle)), _shade(body.palette.shoes, dim))
    # A darker sole line makes the foot read as a shoe, not a blob.
    cv.outline(sole, _shade(body.palette.shoes, 0.35 * dim), closed=False, width=cv.line_px + 1)


def _draw_forearm(cv: _Canvas, sk: Skeleton, side: str, body: BodyShape, dim: float, hand_style: str) -> None:
    g, p = body.girth, body.proportions
    skin = _shade(body.palette.skin, dim)
    elbow, wrist = sk[f"{side}_elbow"], sk[f"{side}_wrist"]
    fore_dir = _unit3(wrist - elbow)
    if hand_style == "flat":
        hand_dir = np.array([1.0, 0.0, 0.0])  # palm on the floor, fingers forward
        hand_len = 0.8 * p.hand
    elif hand_style == "grip":
        hand_dir = fore_dir
        hand_len = 0.55 * p.hand
    else:
        hand_dir = _turn_sagittal(fore_dir, 8.0)
        hand_len = 0.8 * p.hand
    cv.limb(wrist, wrist + hand_len * hand_dir, 0.02 * g, 0.016 * g, skin)
    # Thumb: a short stub on the palm side helps it read as a hand.
    cv.limb(wrist + 0.01 * hand_dir, wrist + 0.35 * p.hand * _turn_sagittal(hand_dir, 35.0), 0.009 * g, 0.008 * g,
            skin)
    cv.limb(elbow, wrist, _FOREARM_R[0] * g, _FOREARM_R[1] * g, skin)


def _draw_upper_arm(cv: _Canvas, sk: Skeleton, side: str, body: BodyShape, dim: float) -> None:
    g = body.girth
    shoulder, elbow = sk[f"{side}_shoulder"], sk[f"{side}_elbow"]
    cv.limb(shoulder, elbow, _UPPER_ARM_R[0] * g, _UPPER_ARM_R[1] * g, _shade(body.palette.skin, dim))
    # A short shirt sleeve over the upper arm.
    sleeve_end = shoulder + 0.55 * (elbow - shoulder)
    cv.limb(shoulder, sleeve_end, _UPPER_ARM_R[0] * g * 1.12, _UPPER_ARM_R[1] * g * 1.15,
            _shade(body.palette.shirt, dim))


def _draw_torso(cv: _Canvas, sk: Skeleton, body: BodyShape) -> None:
    torso, centres = _torso_polygon(cv, sk.spine, body, sk.pelvis_roll_deg, sk.trunk_roll_deg)
    torso = _chaikin(torso, 1)
    centres = _chaikin(centres, 1)
    width = 0.06 * body.girth * float(cv.cam.px_per_unit(sk.spine.mean(axis=0)))
    cv.fill(torso, _shade(body.palette.shirt, 0.72))
    cv.fill(centres + 0.8 * (torso - centres) + 0.2 * width * _LIGHT, body.palette.shirt)
    cv.fill(centres + 0.4 * (torso - centres) + 0.5 * width * _LIGHT, _shade(body.palette.shirt, 1.1))
    # Trousers cover the seat and pelvis up to the waistband.
    n_half = len(torso) // 2
    frac = (_WAISTBAND_T - _PROFILE_T[0]) / (_PROFILE_T[-1] - _PROFILE_T[0])
    k = int(round(frac * n_half))
    pants = np.vstack([torso[:k], torso[len(torso) - k:]])
    pants_c = np.vstack([centres[:k], centres[len(torso) - k:]])
    cv.fill(pants, _shade(body.palette.trousers, 0.72))
    cv.fill(pants_c + 0.8 * (pants - pants_c) + 0.2 * width * _LIGHT, body.palette.trousers)
    cv.outline(torso, _shade(body.palette.shirt, 0.42))
    cv.outline(pants, _shade(body.palette.trousers, 0.42))


def _hair_polygon(cv: _Canvas, centre: np.ndarray, radius: float, pole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The visible part of a hemispherical hair cap around ``pole``, and its outer (silhouette) arc, in pixels.

    The cap's rim is a great circle: the half of it facing the camera bounds
    the hair on the face's side, and the silhouette's half on the pole's side
    closes it.
    """
    v = cv.cam.toward_camera(centre)
    u1 = v - np.dot(v, pole) * pole
    if np.linalg.norm(u1) < 1e-6:  # looking straight along the pole: all hair, or none
        t = np.linspace(0.0, 2 * np.pi, 48, endpoint=False)[:, None]
        a = _unit3(np.cross(pole, [1.0, 0.0, 0.0]) if abs(pole[0]) < 0.9 else np.cross(pole, [0.0, 1.0, 0.0]))
        ring = cv.cam.project(centre + radius * (np.cos(t) * a + np.sin(t) * np.cross(pole, a)))
        return (ring, ring) if np.dot(v, pole) > 0 else (np.zeros((0, 2)), np.zeros((0, 2)))
    u1 = _unit3(u1)
    u2 = np.cross(pole, u1)
    w2 = _unit3(pole - np.dot(pole, v) * v)
    t = np.radians(np.linspace(-90.0, 90.0, 25))[:, None]
    rim = centre + radius * (np.cos(t) * u1 + np.sin(t) * u2)
    t2 = np.radians(np.linspace(0.0, 180.0, 25))[:, None]
    outer = centre + radius * (np.cos(t2) * u2 + np.sin(t2) * w2)
    outer_px = cv.cam.project(outer)
    return np.vstack([cv.cam.project(rim), outer_px[1:-1]]), outer_px


def _draw_head(cv: _Canvas, sk: Skeleton, body: BodyShape) -> None:
    p, pal = body.proportions, body.palette
    r = p.head_radius
    axis = _sagittal(unit(sk.head_dir_deg))
    face = _sagittal(rotate(unit(sk.head_dir_deg), -90.0))  # the face looks 90 degrees clockwise of the axis
    lateral = np.array([0.0, 0.0, 1.0])
    if sk.trunk_roll_deg:
        # Lying on the side the head rolls with the trunk, about the x axis.
        face, lateral = (_roll_x(v, sk.trunk_roll_deg) for v in (face, lateral))
    head, neck = sk["head"], sk["neck"]
    to_cam = cv.cam.toward_camera(head)
    scale = float(cv.cam.px_per_unit(head))
    rp = r * scale
    proj = cv.cam.project
    # Ears: one facing the camera goes over the skull; one at the outline (seen from the front) behind it, so
    # only its outer half shows; one facing away is hidden.
    ears = []
    for sign in (1.0, -1.0):
        centre = head - 0.05 * r * face + sign * EAR_LATERAL_RATIO * r * lateral - 0.03 * r * axis
        ears.append((sign * float(np.dot(to_cam, lateral)),
                     cv.surface_disc(centre, sign * lateral, axis, 0.3 * r, 0.17 * r)))

    def draw_ear(poly: np.ndarray) -> None:
        cv.fill(poly, _shade(pal.skin, 0.85))
        cv.outline(poly, _shade(pal.skin, 0.45))

    for facing, poly in ears:
        if -0.35 < facing <= 0.5:
            draw_ear(poly)
    cv.limb(neck, head - 0.3 * r * axis, _NECK_R * body.girth ** 0.5, _NECK_R * 0.95, pal.skin)
    # Skull plus a jaw low and forward give a head shape from any side.
    c = proj(head)
    skull = capsule_polygon(c, c + 1e-6, rp, rp, n=24)
    jaw_ends = np.stack([head - 0.2 * r * axis, head + 0.42 * r * face - 0.45 * r * axis])
    (j0, j1), (s0, s1) = proj(jaw_ends), cv.cam.px_per_unit(jaw_ends)
    jaw = capsule_polygon(j0, j1, 0.8 * r * s0, 0.5 * r * s1, n=16)
    for poly in (skull, jaw):
        cv.fill(poly, _shade(pal.skin, 0.75))
    cv.fill(c + 0.85 * (skull - c) + 0.1 * rp * _LIGHT, pal.skin)
    cv.fill(j1 + 0.8 * (jaw - j1) + 0.08 * rp * _LIGHT, pal.skin)
    cv.outline(skull, _shade(pal.skin, 0.45))
    cv.fill(jaw, _shade(pal.skin, 0.9))
    cv.outline(jaw, _shade(pal.skin, 0.45))
    cv.fill(c + 0.85 * (skull - c) + 0.1 * rp * _LIGHT, pal.skin)
    face_on = float(np.dot(face, to_cam))
    if face_on > -0.25:
        # Nose bump on the face.
        nose_c = head + 0.98 * r * face - 0.1 * r * axis
        nose_ends = np.stack([nose_c + 0.1 * r * axis, nose_c - 0.12 * r * axis + 0.12 * r * face])
        (n0, n1), (t0, t1) = proj(nose_ends), cv.cam.px_per_unit(nose_ends)
        nose = capsule_polygon(n0, n1, 0.16 * r * t0, 0.12 * r * t1)
        cv.fill(nose, pal.skin)
        cv.outline(nose, _shade(pal.skin, 0.5))
        nc = proj(nose_c)
        cv.fill(nc + 0.6 * (nose - nc), pal.skin)
    # Hair: a cap over the crown and the back of the head, tipped 35 degrees back from the crown.
    pole = _sagittal(unit(sk.head_dir_deg + 35.0))
    if sk.trunk_roll_deg:
        pole = _unit3(np.cos(np.radians(35.0)) * axis - np.sin(np.radians(35.0)) * face)
    hair, outer = _hair_polygon(cv, head, 1.08 * r, pole)
    cv.fill(hair, pal.hair)
    cv.outline(outer, _shade(pal.hair, 0.6), closed=False)
    for facing, poly in ears:
        if facing > 0.5:
            draw_ear(poly)
    # Eyes, brows and mouth, where they face the camera.
    for sign in (1.0, -1.0):
        d = _unit3(0.8 * face + 0.12 * axis + sign * 0.59 * lateral)
        if np.dot(d, to_cam) < 0.15:
            continue
        eye = head + r * d
        ahead = _unit3(face - np.dot(face, d) * d)
        cv.fill(cv.surface_disc(eye + 0.015 * r * ahead, d, ahead, 0.11 * r, 0.095 * r), (250, 250, 250))
        cv.fill(cv.surface_disc(eye + 0.05 * r * ahead, d, ahead, 0.07 * r, 0.07 * r), (30, 25, 20))
        brow = proj(np.stack([eye + 0.2 * r * axis - 0.12 * r * ahead, eye + 0.26 * r * axis + 0.18 * r * ahead]))
        cv.outline(brow, pal.hair, closed=False, width=cv.line_px + 1)
    if face_on > -0.1:
        s = np.linspace(-1.0, 1.0, 7)[:, None]
        mouth = head + (0.86 - 0.15 * s**2) * r * face - 0.5 * r * axis + 0.22 * s * r * lateral
        cv.outline(proj(mouth), (60, 60, 150), closed=False, width=cv.line_px + 1)


def draw_mannequin(image: np.ndarray, skeleton: Skeleton, body: BodyShape, transform: Projection,
                   hand_style: str = "relaxed") -> np.ndarray:
    """Draw the mannequin onto ``image`` in place and return it.

    Parts are painted far to near: each limb segment by its middle's depth,
    the torso by its centre's, and the head never behind the torso it sits on.
    Seen side-on this is the far arm and leg, the torso and head, then the
    near leg and arm; from the front, the arms and thighs come over the torso.
    Far-side parts are darker the more the camera looks at the near side.

    Args:
        image: (H, W, 3) uint8 BGR image.
        skeleton: Joint positions in the canonical frame.
        body: Body shape and colours.
        transform: Camera: ``ImageTransform`` (orthographic side view) or
            ``synth.camera.PinholeCamera``.
        hand_style: ``relaxed``, ``grip`` or ``flat``.

    Returns:
        The same image.
    """
    if hand_style not in ("relaxed", "grip", "flat"):
        raise ValueError(f"hand_style must be relaxed, grip or flat, got {hand_style!r}")
    sk = skeleton
    mid = sk.spine.mean(axis=0)
    cv = _Canvas(image, transform, max(1, int(round(float(transform.px_per_unit(mid)) * 0.0045))))
    depth = transform.depth

    def at(*names: str) -> float:
        return float(depth(np.mean([sk[n] for n in names], axis=0)))

    parts = []
    for side, sign in (("far", -1.0), ("near", 1.0)):
        # How squarely this side faces the camera: 1 side-on from this side, 0 from the front.
        facing = sign * float(transform.toward_camera(sk[f"{side}_hip"])[2])
        dim = 1.0 - (1.0 - _FAR_DIM) * (1.0 - facing) / 2.0
        parts += [
            (at(f"{side}_elbow", f"{side}_wrist"), lambda s=side, d=dim: _draw_forearm(cv, sk, s, body, d, hand_style)),
            (at(f"{side}_shoulder", f"{side}_elbow"), lambda s=side, d=dim: _draw_upper_arm(cv, sk, s, body, d)),
            (at(f"{side}_knee", f"{side}_ankle"), lambda s=side, d=dim: _draw_shin(cv, sk, s, body, d)),
            (at(f"{side}_hip", f"{side}_knee"), lambda s=side, d=dim: _draw_thigh(cv, sk, s, body, d)),
            (at(f"{side}_heel", f"{side}_toe", f"{side}_ankle"), lambda s=side, d=dim: _draw_shoe(cv, sk, s, body, d)),
        ]
    torso_depth = float(depth(mid))
    parts.append((torso_depth, lambda: _draw_torso(cv, sk, body)))
    # The head sits on the trunk: never drawn before it, and a little ahead of parts level with it.
    parts.append((min(float(depth(sk["head"])), torso_depth) - 0.01, lambda: _draw_head(cv, sk, body)))
    for _, draw in sorted(parts, key=lambda item: -item[0]):
        draw()
    return image
