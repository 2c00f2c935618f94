"""Draws the cartoon mannequin.

Shaded tapered limbs, a torso along the back curve, shoes, hands and a head
with a profile face.

Why so much detail: MediaPipe's person detector keys on the head and on a
body-like silhouette. A stick figure of plain lines is found in only about a
third of poses; filled, outlined, shaded capsules with a face are found in
nearly every frame (measured, see ``synth.check_detection``).

Shapes are built in the canonical body frame and mapped to the image by an
``ImageTransform`` at the very end, so facing left is just a mirrored transform.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from synth.skeleton import BodyProportions, Skeleton, direction_deg, rotate, unit

#: Sub-pixel precision for cv2 polygon drawing (coordinates * 2**SHIFT).
_SHIFT = 4
#: Light comes from above: shading shifts highlights towards +y.
_LIGHT = np.array([0.0, 1.0])

BGR = tuple[int, int, int]


@dataclass(frozen=True)
class ImageTransform:
    """Maps canonical body-frame points to image pixels.

    Attributes:
        scale_px: Pixels per body height.
        origin_px: (2,) image position (x, y) of the canonical origin.
        mirror: True when the person faces image-left.
    """

    scale_px: float
    origin_px: tuple[float, float]
    mirror: bool = False

    def apply(self, points: np.ndarray) -> np.ndarray:
        """Map (..., 2) canonical points to (..., 2) image pixels (y down)."""
        p = np.asarray(points, dtype=float)
        sx = -self.scale_px if self.mirror else self.scale_px
        return np.stack([self.origin_px[0] + sx * p[..., 0], self.origin_px[1] - self.scale_px * p[..., 1]], axis=-1)


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

    Girths are radii in body heights (the half-thickness seen from the side).

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


# Each build wears different clothes and skin tone, so a suite varies both.
BODY_SHAPES: dict[str, BodyShape] = {
    "slim": BodyShape("slim", BodyProportions().scaled(legs=1.04, arms=1.03, trunk=0.97), girth=0.82,
                      palette=Palette(skin=(120, 160, 210), hair=(30, 70, 120), shirt=(60, 60, 190),
                                      trousers=(45, 45, 60), shoes=(215, 225, 230))),
    "average": BodyShape("average"),
    "broad": BodyShape("broad", BodyProportions(head_radius=0.066).scaled(legs=0.96, trunk=1.03), girth=1.25,
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
#: Fraction of the torso (from the bottom) covered by trousers.
_WAISTBAND_T = 0.22

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
        new = np.empty((2 * len(a), 2))
        new[0::2] = 0.75 * a + 0.25 * q
        new[1::2] = 0.25 * a + 0.75 * q
        p = new
    return p


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
    heading = float(direction_deg(d)) if length > 1e-9 else 0.0
    # Tangent lines of two circles meet the circles off the perpendicular.
    tilt = np.degrees(np.arcsin(np.clip((r0 - r1) / max(length, 1e-9), -0.9, 0.9)))
    a_cap1 = np.linspace(heading - 90 - tilt, heading + 90 + tilt, n)
    a_cap0 = np.linspace(heading + 90 + tilt, heading + 270 - tilt, n)
    cap1 = p1 + r1 * np.stack([np.cos(np.radians(a_cap1)), np.sin(np.radians(a_cap1))], axis=-1)
    cap0 = p0 + r0 * np.stack([np.cos(np.radians(a_cap0)), np.sin(np.radians(a_cap0))], axis=-1)
    return np.vstack([cap1, cap0])


class _Canvas:
    """Draws canonical-frame polygons on an image through a transform."""

    def __init__(self, image: np.ndarray, transform: ImageTransform):
        self.image = image
        self.t = transform
        self.line_px = max(1, int(round(transform.scale_px * 0.0045)))

    def _pts(self, poly: np.ndarray) -> np.ndarray:
        return np.round(self.t.apply(poly) * (1 << _SHIFT)).astype(np.int32).reshape(-1, 1, 2)

    def fill(self, poly: np.ndarray, colour: BGR) -> None:
        cv2.fillPoly(self.image, [self._pts(poly)], colour, cv2.LINE_AA, _SHIFT)

    def outline(self, poly: np.ndarray, colour: BGR, closed: bool = True, width: int | None = None) -> None:
        cv2.polylines(self.image, [self._pts(poly)], closed, colour, width or self.line_px, cv2.LINE_AA, _SHIFT)

    def circle(self, centre: np.ndarray, radius: float, colour: BGR) -> None:
        self.fill(capsule_polygon(centre, centre + 1e-6, radius, radius, n=18), colour)

    def shaded(self, poly: np.ndarray, centre: np.ndarray, size: float, colour: BGR) -> None:
        """Filled polygon with a shadowed rim, a lit core and a dark outline."""
        self.fill(poly, _shade(colour, 0.72))
        # The lit core is the shape shrunk towards its centre and nudged to the
        # light; shrinking by 0.75 and shifting by 0.2*size keeps it inside.
        core = centre + 0.78 * (poly - centre) + 0.18 * size * _LIGHT
        self.fill(core, colour)
        high = centre + 0.35 * (poly - centre) + 0.45 * size * _LIGHT
        self.fill(high, _shade(colour, 1.12))
        self.outline(poly, _shade(colour, 0.42))

    def limb(self, p0: np.ndarray, p1: np.ndarray, r0: float, r1: float, colour: BGR) -> None:
        poly = capsule_polygon(p0, p1, r0, r1)
        # Shade each capsule about its own axis so joints read as rounded.
        n = len(poly) // 2
        centres = np.vstack([np.repeat(p1[None], n, 0), np.repeat(p0[None], n, 0)])
        radii = np.concatenate([np.full(n, r1), np.full(n, r0)])
        self.fill(poly, _shade(colour, 0.72))
        self.fill(centres + 0.78 * (poly - centres) + 0.18 * radii[:, None] * _LIGHT, colour)
        self.fill(centres + 0.35 * (poly - centres) + 0.45 * radii[:, None] * _LIGHT, _shade(colour, 1.12))
        self.outline(poly, _shade(colour, 0.42))


def _torso_polygon(spine: np.ndarray, body: BodyShape, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Torso outline along the spine curve, plus the matching centre points.

    Args:
        spine: (n, 2) back curve from hip to shoulder.
        body: Body shape (girth, belly).
        scale: Shrink factor for the lit core (1 = full outline).

    Returns:
        (polygon (m, 2), centres (m, 2)) where each polygon point's centre is
        the spine point it was offset from.
    """
    seg = np.diff(spine, axis=0)
    cum = np.concatenate([[0.0], np.cumsum(np.hypot(seg[:, 0], seg[:, 1]))])
    length = cum[-1]
    ts = np.linspace(_PROFILE_T[0], _PROFILE_T[-1], 40)
    t_spine = cum / length
    # Beyond the ends the curve continues along its end tangents.
    t0_dir = seg[0] / np.hypot(*seg[0])
    t1_dir = seg[-1] / np.hypot(*seg[-1])
    centres, tangents = [], []
    for t in ts:
        if t < 0:
            centres.append(spine[0] + t * length * t0_dir)
            tangents.append(t0_dir)
        elif t > 1:
            centres.append(spine[-1] + (t - 1) * length * t1_dir)
            tangents.append(t1_dir)
        else:
            i = int(np.clip(np.searchsorted(t_spine, t) - 1, 0, len(seg) - 1))
            f = (t - t_spine[i]) / max(t_spine[i + 1] - t_spine[i], 1e-9)
            centres.append(spine[i] + f * seg[i])
            tangents.append(seg[i] / np.hypot(*seg[i]))
    c = np.array(centres)
    dorsal = rotate(np.array(tangents), 90.0)
    back = np.interp(ts, *_BACK_PROFILE) * body.girth
    belly = body.belly * np.exp(-(((ts - 0.35) / 0.2) ** 2))
    front = (np.interp(ts, *_FRONT_PROFILE) * body.girth + belly)
    poly = np.vstack([c + scale * dorsal * back[:, None], (c - scale * dorsal * front[:, None])[::-1]])
    cen = np.vstack([c, c[::-1]])
    return poly, cen


def _shoe_polygon(ankle: np.ndarray, heel: np.ndarray, toe: np.ndarray, props: BodyProportions) -> np.ndarray:
    along = (toe - heel) / np.hypot(*(toe - heel))
    up = rotate(along, 90.0)
    h = props.ankle_height
    pts = np.array([
        heel - 0.12 * props.foot * along - 0.004 * up,
        toe + 0.06 * props.foot * along - 0.004 * up,
        toe + 0.08 * props.foot * along + 0.45 * h * up,
        toe - 0.25 * props.foot * along + 0.95 * h * up,
        ankle + 0.22 * props.foot * along + 0.55 * h * up,
        ankle + 0.05 * props.foot * along + 0.85 * h * up,
        ankle - 0.20 * props.foot * along + 0.75 * h * up,
        heel - 0.14 * props.foot * along + 0.6 * h * up,
    ])
    return _chaikin(pts, 2)


def _draw_leg(cv: _Canvas, sk: Skeleton, side: str, body: BodyShape, dim: float) -> None:
    g, p = body.girth, body.proportions
    trousers = _shade(body.palette.trousers, dim)
    hip, knee, ankle = sk[f"{side}_hip"], sk[f"{side}_knee"], sk[f"{side}_ankle"]
    heel, toe = sk[f"{side}_heel"], sk[f"{side}_toe"]
    cv.limb(knee, ankle, _SHIN_R[0] * g, _SHIN_R[1] * g, trousers)
    cv.limb(hip, knee, _THIGH_R[0] * g, _THIGH_R[1] * g, trousers)
    shoe = _shoe_polygon(ankle, heel, toe, p)
    cv.shaded(shoe, shoe.mean(axis=0), 0.02, _shade(body.palette.shoes, dim))
    # A darker sole line makes the foot read as a shoe, not a blob.
    sole = _chaikin(np.array([heel - 0.12 * p.foot * (toe - heel) / np.hypot(*(toe - heel)), toe]), 0, closed=False)
    cv.outline(sole, _shade(body.palette.shoes, 0.35 * dim), closed=False, width=cv.line_px + 1)


def _draw_arm(cv: _Canvas, sk: Skeleton, side: str, body: BodyShape, dim: float, hand_style: str) -> None:
    g, p = body.girth, body.proportions
    shirt = _shade(body.palette.shirt, dim)
    skin = _shade(body.palette.skin, dim)
    shoulder, elbow, wrist = sk[f"{side}_shoulder"], sk[f"{side}_elbow"], sk[f"{side}_wrist"]
    fore_dir = (wrist - elbow) / max(np.hypot(*(wrist - elbow)), 1e-9)
    if hand_style == "flat":
        hand_dir = np.array([1.0, 0.0])  # palm on the floor, fingers forward
        hand_len = 0.8 * p.hand
    elif hand_style == "grip":
        hand_dir = fore_dir
        hand_len = 0.55 * p.hand
    else:
        hand_dir = rotate(fore_dir, 8.0)
        hand_len = 0.8 * p.hand
    hand_end = wrist + hand_len * hand_dir
    cv.limb(wrist, hand_end, 0.02 * g, 0.016 * g, skin)
    # Thumb: a short stub on the palm side helps it read as a hand.
    cv.limb(wrist + 0.01 * hand_dir, wrist + 0.35 * p.hand * rotate(hand_dir, 35.0), 0.009 * g, 0.008 * g, skin)
    # Skin forearm with a short shirt sleeve over the upper arm.
    cv.limb(elbow, wrist, _FOREARM_R[0] * g, _FOREARM_R[1] * g, skin)
    cv.limb(shoulder, elbow, _UPPER_ARM_R[0] * g, _UPPER_ARM_R[1] * g, skin)
    sleeve_end = shoulder + 0.55 * (elbow - shoulder)
    cv.limb(shoulder, sleeve_end, _UPPER_ARM_R[0] * g * 1.12, _UPPER_ARM_R[1] * g * 1.15, shirt)


def _draw_head(cv: _Canvas, sk: Skeleton, body: BodyShape) -> None:
    p, pal = body.proportions, body.palette
    r = p.head_radius
    axis = unit(sk.head_dir_deg)
    face = rotate(axis, -90.0)
    head, neck = sk["head"], sk["neck"]
    cv.limb(neck, head - 0.3 * r * axis, _NECK_R * body.girth ** 0.5, _NECK_R * 0.95, pal.skin)
    # Skull plus a jaw circle low and forward give a profile silhouette.
    skull = capsule_polygon(head, head + 1e-6, r, r, n=24)
    jaw_c = head + 0.42 * r * face - 0.45 * r * axis
    jaw = capsule_polygon(head - 0.2 * r * axis, jaw_c, 0.8 * r, 0.5 * r, n=16)
    for poly in (skull, jaw):
        cv.fill(poly, _shade(pal.skin, 0.75))
    cv.fill(head + 0.85 * (skull - head) + 0.1 * r * _LIGHT, pal.skin)
    cv.fill(jaw_c + 0.8 * (jaw - jaw_c) + 0.08 * r * _LIGHT, pal.skin)
    cv.outline(skull, _shade(pal.skin, 0.45))
    # Nose bump on the face side.
    nose_c = head + 0.98 * r * face - 0.1 * r * axis
    nose = capsule_polygon(nose_c + 0.1 * r * axis, nose_c - 0.12 * r * axis + 0.12 * r * face, 0.16 * r, 0.12 * r)
    cv.fill(nose, pal.skin)
    cv.outline(nose, _shade(pal.skin, 0.5))
    cv.fill(jaw, _shade(pal.skin, 0.9))
    cv.outline(jaw, _shade(pal.skin, 0.45))
    cv.fill(head + 0.85 * (skull - head) + 0.1 * r * _LIGHT, pal.skin)
    cv.fill(nose_c + 0.6 * (nose - nose_c), pal.skin)
    # Hair cap over the crown and the back of the head.
    ang = sk.head_dir_deg + np.linspace(-55.0, 125.0, 30)
    outer = head + 1.08 * r * np.stack([np.cos(np.radians(ang)), np.sin(np.radians(ang))], axis=-1)
    inner_ang = sk.head_dir_deg + np.linspace(125.0, -55.0, 30)
    inner = head + 0.05 * r * axis - 0.1 * r * face + 0.78 * r * np.stack(
        [np.cos(np.radians(inner_ang)), np.sin(np.radians(inner_ang))], axis=-1)
    hair = np.vstack([outer, inner])
    cv.fill(hair, pal.hair)
    cv.outline(outer, _shade(pal.hair, 0.6), closed=False)
    # Ear, eye, brow and mouth.
    ear = capsule_polygon(sk["ear"] + 0.12 * r * axis, sk["ear"] - 0.18 * r * axis, 0.18 * r, 0.15 * r)
    cv.fill(ear, _shade(pal.skin, 0.85))
    cv.outline(ear, _shade(pal.skin, 0.45))
    eye = head + 0.62 * r * face + 0.12 * r * axis
    cv.fill(capsule_polygon(eye - 0.05 * r * face, eye + 0.08 * r * face, 0.1 * r, 0.09 * r), (250, 250, 250))
    cv.circle(eye + 0.05 * r * face, 0.07 * r, (30, 25, 20))
    brow = np.array([eye + 0.2 * r * axis - 0.12 * r * face, eye + 0.26 * r * axis + 0.18 * r * face])
    cv.outline(brow, pal.hair, closed=False, width=cv.line_px + 1)
    mouth = np.array([head + 0.7 * r * face - 0.5 * r * axis, head + 0.92 * r * face - 0.48 * r * axis])
    cv.outline(mouth, (60, 60, 150), closed=False, width=cv.line_px + 1)


def draw_mannequin(image: np.ndarray, skeleton: Skeleton, body: BodyShape, transform: ImageTransform,
                   hand_style: str = "relaxed") -> np.ndarray:
    """Draw the mannequin onto ``image`` in place and return it.

    Far-side limbs go first and darker, then the torso and head, then the
    near-side leg and arm, so occlusion looks right in every pose.

    Args:
        image: (H, W, 3) uint8 BGR image.
        skeleton: Joint positions in the canonical frame.
        body: Body shape and colours.
        transform: Canonical -> image mapping (scale, position, mirror).
        hand_style: ``relaxed``, ``grip`` or ``flat``.

    Returns:
        The same image.
    """
    if hand_style not in ("relaxed", "grip", "flat"):
        raise ValueError(f"hand_style must be relaxed, grip or flat, got {hand_style!r}")
    cv = _Canvas(image, transform)
    _draw_arm(cv, skeleton, "far", body, 0.72, hand_style)
    _draw_leg(cv, skeleton, "far", body, 0.72)
    torso, centres = _torso_polygon(skeleton.spine, body)
    torso = _chaikin(torso, 1)
    centres = _chaikin(centres, 1)
    width = 0.06 * body.girth
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
    _draw_head(cv, skeleton, body)
    _draw_leg(cv, skeleton, "near", body, 1.0)
    _draw_arm(cv, skeleton, "near", body, 1.0, hand_style)
    return image
