"""Which exercise a clip shows, among every registered spec, from posture and movement; or "unknown" and why.

Rules from the specs, not a trained model: each spec says its posture and how its reps and holds are counted, so
a clip is scored with every spec whose posture it shows, and the spec whose counting finds the clip's movement
(reps, partial reps, holds) over most of the clip wins. Some exercises also need a mark over the whole clip
(SIGNATURES), and one whose count also finds a lookalike's movement is ruled out when the lookalike's own stricter
count finds it (RIVALS). A close second, or no spec that finds anything, makes the clip "unknown": scoring it with the
wrong checker would tell the patient wrong things.

Posture, per frame, from landmark geometry in the picture (y down), the camera beside the person:
- trunk within 45 degrees of vertical: kneeling (a shin lies near level), seated (both thighs near level, legs
  ahead of the trunk), prone (thighs level but behind the trunk: a press-up's top), unknown (thighs level, the
  legs read pointing both ways), else standing; unknown too when the trunk reads short beside the legs (a body lying
  with its head away from the camera, the trunk foreshortened to a near-vertical stub);
- trunk near level: side-lying (one shoulder above the other), else quadruped (knees under the hips, shins on the
  floor, hands under the shoulders), supine (the face turned up), prone (the face level or down), else unknown.

Nobody turns over between face up and face down within a set, while the face is the least sure reading of a body
lying flat (the pose model reads some rendered bodies lying face down as face up at rest): lying frames read face up
and face down take whichever of the two most of them show.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from exercises.engine import score_sequence
from exercises.registry import EXERCISES
from exercises.results import ClipReport
from exercises.setup import POSTURES
from exercises.signals_supine import ankle_to_other_knee_ratio
from exercises.spec import ExerciseSpec
from pose.frames import LANDMARK_VISIBILITY_MIN_RATIO, PoseSequence, pixel_xy
from pose.geometry import elevation_deg, joint_angle_deg
from pose.landmarks import Landmark, sided
from pose.view import shoulder_width_ratio

UNKNOWN = "unknown"
POSTURE_LABELS = ("standing", "seated", "kneeling", "supine", "prone", "quadruped", "side_lying")
# Per spec posture, the frame postures that fit it: a wall sit or a squat's bottom looks seated, and a press-up's
# top looks like kneeling-height trunk over lying legs; side-lying is told from the side only by the shoulders, and
# lying on the back filmed from above (the figure four's raised camera) shows the shoulders one above the other as
# side-lying does (rendered seeds 511-516 and 9393: most frames read side-lying).
_FITS: dict[str, frozenset[str]] = {
    "standing": frozenset({"standing", "seated"}),
    "seated": frozenset({"seated"}),
    "kneeling": frozenset({"kneeling"}),
    "half_kneeling": frozenset({"kneeling"}),
    "supine": frozenset({"supine", "side_lying"}),
    "prone": frozenset({"prone"}),
    "quadruped": frozenset({"quadruped"}),
    "side_lying": frozenset({"side_lying", "supine", "prone"}),
}
# The fitting frame postures that fit only loosely (see posture_loose_fit_ratio). With supine specs fitting side-lying
# frames loosely, 24 rendered figure fours filmed from above, 9 open books and 15 other lying clips were recognised
# 39 right, 8 unknown, 1 wrong (a figure four whose crossing was never read, taken for a pelvic tilt); without, 27
# right, 17 unknown and 4 wrong (figure fours taken for open books).
_LOOSE_FITS: dict[str, frozenset[str]] = {"standing": frozenset({"seated"}),
                                          "side_lying": frozenset({"supine", "prone"}),
                                          "supine": frozenset({"side_lying"})}
_UPRIGHT = frozenset({"standing", "seated", "kneeling"})
_LYING = frozenset({"supine", "prone", "quadruped", "side_lying"})

# Recognition's own thresholds, in one table with the unit in each name. They are not a spec's: they say what a
# frame's posture is and how sure a choice between specs must be, the same for every patient, so they are not
# overridden per patient (a spec's thresholds are, and the specs are scored with their defaults here).
RECOGNITION_THRESHOLDS: Mapping[str, float] = MappingProxyType({
    # A trunk further than this from vertical is lying or on all fours (the engine's own posture gate is 45 too).
    "upright_max_deg": 45.0,
    # Beyond this from vertical the head is below the hips (a downward dog, a roll): no posture of a listed exercise.
    "inverted_min_deg": 135.0,
    # An upright trunk is upright in the picture from any side, so it is not foreshortened: shoulders to hips read
    # 0.91-1.38 of the longest leg segment in the picture (5th to 95th percentile of each clip's upright frames, the
    # upright exercises of fault sweep 7601, side-on to the front, and the real clips). A body lying with its head
    # away from a level camera, the trunk pointing into the picture, also reads it near vertical, but short:
    # 0.23-0.60 on a nerve glide filmed 53 degrees round (seed 7502), whose upright-looking frames made it a hip
    # flexor stretch. Such a frame's posture is left unknown.
    "upright_trunk_to_leg_min_ratio": 0.6,
    # A segment whose drop is below this share of its length is nearer level than 60 degrees from vertical.
    "level_drop_max_ratio": 0.5,
    # On all fours the knees sit about a thigh's length (0.6-0.9 trunks) below the hips and the wrists an arm's
    # length below the shoulders; lying, both are near the hips' and shoulders' height.
    "quadruped_knee_drop_min_ratio": 0.35,
    "quadruped_wrist_drop_min_ratio": 0.5,
    # The shins lie on the floor: level in the picture, or, filmed far round (50-60 degrees off side-on) where the
    # shin points at the camera and its short picture reads steep (0.47-0.8 of its length), the ankle within this
    # share of the knee's drop below the hips of the knee's height (0.12-0.38 over the cat-cows and bird dogs of the
    # fault sweeps of seeds 5611, 5717 and 5999).
    "quadruped_ankle_at_knee_max_ratio": 0.5,
    # Lying on the back the nose points at the ceiling, above the ears: about 0.1 trunks from a side camera
    # (0.09-0.12 measured on rendered supine clips), more with the head raised. Lying face down, or propped on the
    # elbows looking ahead, it is level with them or below (median 0.01 on a real press-up). Between the two the
    # face does not say which way the body lies, and the frame's posture is left unknown rather than guessed.
    "supine_nose_rise_min_ratio": 0.07,
    "prone_nose_rise_max_ratio": 0.04,
    # Lying on the side, seen from the front or back, the shoulders are stacked: a shoulder width (0.7 trunks) apart.
    "side_lying_shoulder_gap_min_ratio": 0.4,
    # A spec is tried on a clip when at least this share of its posed frames fit the spec's posture.
    "posture_share_min_ratio": 0.4,
    # A frame that fits a spec's posture only loosely (a seated-looking frame for a standing exercise, whose wall sit
    # looks seated; a supine or prone one for a side-lying exercise) counts this much: a spec done in exactly the
    # frames' posture (a seated knee extension) is preferred when both find their movement.
    "posture_loose_fit_ratio": 0.8,
    # Evidence of the spec's movement: completed reps or a hold are full evidence, partial reps only some: enough,
    # in the spec's own posture with no rival, to clear the confidence floor below, so that a patient whose every rep
    # falls short (small cat-cow cycles, knee straightenings short of the target) is told so rather than "unknown".
    "partial_only_evidence_ratio": 0.45,
    # A recognition with a confidence below this is reported unknown. On 228 rendered clips (the fault sweeps of
    # seeds 5611, 5717 and 5999, raised figure fours of 6201 and 6203, trunk rotations of 6202), partial reps at 0.4
    # and this floor at 0.45: 209 right and 1 wrong; 0.45 and 0.4: 215 right (the five clips of only partial reps and
    # an open book) and the same 1 wrong. Partial reps at 0.5 with the floor at 0.45 made two figure fours filmed 40
    # degrees round doubtful against an open book's partial turn (211 right).
    "confidence_min_ratio": 0.4,
    # The runner-up must score below this share of the winner's score, or the clip fits both: unknown.
    "runner_up_max_ratio": 0.85,
    # A cat-cow moves the head with the spine (chin tucked in cat, looking up in cow): the ears travel 0.34-0.58
    # trunk lengths up and down against the shoulders over real cat-cow clips (5th to 95th percentile), more on
    # rendered ones. A quadruped pelvic tilt rocks the pelvis alone (0.09): its cycles are no cat-cow.
    "cat_cow_head_travel_min_ratio": 0.2,
    # Lying face down with the chest up (trunk 12 degrees or more above level), a press-up's arms are straight
    # (elbow median 175-177 on a real and two rendered press-ups) and a sphinx rests on its forearms (97 on a
    # rendered one). Each lifts the chest as the other counts it, so the elbows tell them apart. Over the fault
    # sweeps (seeds 5611, 5717, 5999, 6204): press-ups 163-177 (the least with the arms not straightening), sphinxes
    # 90-129 and, with the elbows ahead of the shoulders opening the angle, up to 143, which a single edge of 140
    # took for a press-up. Between the two edges neither is named.
    "chest_up_min_deg": 12.0,
    "press_up_elbow_min_deg": 155.0,
    "sphinx_elbow_max_deg": 150.0,
    # A sphinx's forearms lie on the floor: level in the picture side-on (1-6 degrees on rendered sphinxes), up to 50
    # from 40 degrees round and a camera above the floor, where the picture foreshortens them. A press-up's hands are
    # on the floor and its forearms rise from them (30-71 over 75 rendered press-ups, 0-60 round); one pushed up on
    # bent arms reads its elbows as a sphinx's (135-147 on three of those) but its forearms at 60-71: no sphinx, and
    # not a press-up by its elbows either, so unknown (fault sweep seed 7103 scored one as a sphinx).
    "sphinx_forearm_rise_max_deg": 55.0,
    # A pelvic tilt and a trunk rotation keep both feet on the floor (hook lying): the higher ankle rises 0.01-0.08
    # trunk lengths above the hips (95th percentile) on rendered and real clips. A nerve glide lifts a foot 1.3-1.6
    # trunks, a knee to chest 0.8-0.9 and a figure four rests an ankle on the other knee, 0.5-0.6.
    "hook_lying_ankle_rise_max_ratio": 0.3,
    # The same rise tells the leg-raising exercises apart: a nerve glide straightens the raised leg, its ankle a thigh
    # and a shin above the hips (1.3-1.6); a figure four rests the ankle on the other knee (0.4-0.65), a knee to chest
    # hugs it in (0.8-0.9). A glide's rep and a figure four's cross can read alike in the raised knee's angle.
    "nerve_glide_ankle_rise_min_ratio": 1.0,
    # Filmed from above, a figure four's ankle hardly rises in the picture, so the rise above does not tell it from a
    # pelvic tilt, whose count finds the crossings too. In 3D it does: the nearer ankle's gap to the other knee
    # travels 0.03-0.25 thigh lengths (5th to 95th percentile) over rendered pelvic tilts (seeds 471, 9393, 541-543;
    # the most where the buttocks lift), 0.29-0.85 over most raised figure fours (0.17-0.19 on two whose crossing
    # MediaPipe barely sees; seeds 511-516, 531-536). 0.2 at first lost a fresh tilt of 0.25 (seed 542).
    "pelvic_tilt_ankle_knee_drop_max_ratio": 0.3,
    "figure_four_ankle_rise_max_ratio": 1.0,
    # An open book sweeps the top arm from in front of the chest over to the floor behind: a wrist travels 1.9-2.3
    # trunk lengths against the shoulders (world landmarks; 30 rendered open books, seed 7104, set "ob" and the fault
    # sweeps 6801, 7103, 7105 and 7401, 0-20 degrees round). A figure four's hands rest, or draw the crossed leg in:
    # 0.2-1.7 (92 rendered figure fours, seeds 7202-7304 and the same sweeps, 0-40 degrees round; the two over 1.5
    # filmed 40 round).
    # Filmed side-on, an open book reads as lying on the back, and its turn passed for a figure four's crossing
    # (seed 7401): this tells the two apart, just under what the sweep reads.
    "figure_four_wrist_travel_max_ratio": 1.8,
    # A wall squat bends the knees by lowering the hips: they travel 0.46-0.86 trunk lengths for each 90 degrees the
    # knees travel on rendered wall squats (side-on to 60 degrees off), 0.65 and 0.76 on a real wall sit and squat.
    # A seated knee extension straightens a knee with the hips still on the chair (0.03). Knees that travel less
    # than the minimum (a wall sit held from the first frame: 3 degrees on a real one) leave this unread.
    "squat_hip_drop_min_ratio": 0.2,
    "squat_knee_travel_min_deg": 30.0,
    # In a wall squat both knees bend together; a calf stretch bends the front knee with the back knee straight.
    # Over the frames with a knee bent past 150 degrees, the straighter knee reads 124-140 (75th percentile) on the
    # fault sweeps' wall squats (seeds 5611, 5717, 5999, 6204, side-on to 53 degrees off) and 173-180 on their calf
    # stretches, the back knee bent as a fault included. The calf stretch's front knee seldom bends past 120, the edge
    # at first, so the mark went unread on 9 of those 12 calf stretches and two tied with a wall squat. Fewer such
    # frames than the share say nothing (a squat half lost).
    "squat_knee_bent_max_deg": 150.0,
    "squat_bent_frames_min_ratio": 0.1,
    "squat_other_knee_max_deg": 155.0,
    # A single-leg stance is filmed from the front (its spec: the hip dropping is sideways): the shoulders read
    # 0.70-0.74 trunk lengths apart (median) on rendered stances. Side-on they overlap (0.02-0.22 on rendered and
    # real side views), 0.55 at 40 degrees off side-on, the most a calf stretch is filmed at; this is pose.view's
    # own front-view edge. A calf stretch's heel coming up lifts the back ankle the way a stance lifts a foot.
    "single_leg_shoulder_width_min_ratio": 0.6,
    # An open book is filmed from in front of the chest, its turn read from the shoulders' line seen end-on: lying on
    # the side they are stacked, 0.50-0.60 trunk lengths apart in height (median of the frames; 0.4 turned open) on
    # rendered open books. Side-on they overlap: at most 0.28 on the other exercises' 90 rendered clips (recognition
    # pools of seeds 7373, 7474, 7676 and older) and 0.27 on the real clips. A press-up filmed side-on, whose world
    # shoulders swing as it rises, counted open-book turns.
    "open_book_shoulder_stack_min_ratio": 0.35,
    # An open book keeps the knees stacked, so the nearer ankle's 3D gap to the other knee (as for the pelvic tilt
    # above) travels 0.07-0.21 thigh lengths over rendered open books (seeds 401, 431, 471, 9393; one 0.50, seed 401's
    # small rotation), and 0.35-0.85 over the raised figure fours that tied with one: from above, a person on the back
    # shows the shoulders stacked, and the open book's count finds a turn. Fresh open books (seeds 541-543): 0.12-0.39.
    "open_book_ankle_knee_drop_max_ratio": 0.55,
    # A figure four's count (the ankle's gap to the other knee dipping from its rest) also finds a trunk rotation's
    # rolls, filmed round or from off the floor: rendered trunk rotations (seeds 6103-6105, 54 clips) were recognised
    # 19 right, 33 unknown and 2 wrong, each a figure four. The trunk rotation's own count, both knees to one side
    # and then to the other, found no rep and no partial rep in any of 30 rendered figure fours (seeds 5611, 5717,
    # 5999, 6201); a patient crossing one leg, then the other, reads at most one such rep. Two or more rule the
    # figure four out.
    "figure_four_knee_rolls_max_count": 1.0,
})
_T = RECOGNITION_THRESHOLDS


@dataclass(frozen=True)
class Candidate:
    """How one spec fits a clip.

    Attributes:
        exercise: the spec's name.
        posture_ratio: share of the frames with a posture that fit the spec's posture.
        movement_ratio: how well the spec's counting finds movement: 1 for reps or a hold over the whole clip.
        score: posture_ratio, loose fits weighted down (posture_loose_fit_ratio), x movement_ratio.
        found: what the counting found, for the reason line ("3 reps", "hold 12 s", "nothing").
    """

    exercise: str
    posture_ratio: float
    movement_ratio: float
    score: float
    found: str


@dataclass(frozen=True)
class Recognition:
    """The exercise a clip shows, or UNKNOWN with a one-line reason.

    Attributes:
        exercise: a registered name, or UNKNOWN.
        confidence: 0-1; how clearly the winner beat the others and fit the clip.
        reason: one line saying why.
        posture: the clip's most common frame posture, or UNKNOWN.
        candidates: every spec tried, best first.
        report: the winner's report with default thresholds (None when unknown).
        doubt: why it is UNKNOWN, for wording: "no_posture", "no_movement", "tie" or "doubtful"; "" when found.
    """

    exercise: str
    confidence: float
    reason: str
    posture: str = UNKNOWN
    candidates: tuple[Candidate, ...] = ()
    report: ClipReport | None = field(default=None, compare=False, repr=False)
    doubt: str = ""


def _pick(xy: np.ndarray, part: str) -> np.ndarray:
    """(T, 2) each frame's left or right `part`, whichever is known; NaN where neither is."""
    left, right = xy[:, sided(part, "left")], xy[:, sided(part, "right")]
    return np.where(np.isfinite(left), left, right)


def _drop_ratio(upper: np.ndarray, lower: np.ndarray, scale: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return (lower[..., 1] - upper[..., 1]) / scale


def frame_postures(sequence: PoseSequence) -> np.ndarray:
    """(T,) each frame's posture, one of POSTURE_LABELS, or "" when the landmarks do not say.

    Args:
        sequence: the clip's poses.
    """
    xy = pixel_xy(sequence.xyz, sequence.visibility, sequence.image_size, LANDMARK_VISIBILITY_MIN_RATIO)
    raw = sequence.xyz[..., :2] * np.asarray(sequence.image_size, float)  # placed even when unsure
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        shoulder = np.nanmean(xy[:, [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]], axis=1)
        hip = np.nanmean(xy[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]], axis=1)
        trunk = np.hypot(*(shoulder - hip).T)
        tilt = np.degrees(np.arctan2(np.abs(shoulder[:, 0] - hip[:, 0]), hip[:, 1] - shoulder[:, 1]))
        ears = np.nanmean(xy[:, [Landmark.LEFT_EAR, Landmark.RIGHT_EAR]], axis=1)
        nose = xy[:, Landmark.NOSE]
        thigh_level, shin_level, knee_drop, legs_ahead, ankle_at_knee, leg_segments = [], [], [], [], [], []
        for side in ("left", "right"):
            h, k, a = (xy[:, sided(p, side)] for p in ("hip", "knee", "ankle"))
            thigh, shin = np.hypot(*(k - h).T), np.hypot(*(a - k).T)
            leg_segments += [thigh, shin]
            thigh_level.append(np.abs(_drop_ratio(h, k, thigh)) < _T["level_drop_max_ratio"])
            shin_level.append(np.where(np.isfinite(shin), np.abs(_drop_ratio(k, a, shin)) < _T["level_drop_max_ratio"],
                                       np.nan))
            knee_drop.append(_drop_ratio(hip, k, trunk))
            ankle_at_knee.append(np.abs(_drop_ratio(k, a, np.abs(k[:, 1] - hip[:, 1]))))
            # Facing from the nose ahead of the shoulders; the knee on that side of the hips is a leg in front.
            legs_ahead.append(np.sign(k[:, 0] - h[:, 0]) * np.sign(nose[:, 0] - shoulder[:, 0]))
        thigh_known = np.isfinite(np.stack(knee_drop))
        all_thighs_level = np.where(thigh_known, np.stack(thigh_level), True).all(axis=0) & thigh_known.any(axis=0)
        any_shin_level = np.nanmax(np.stack(shin_level), axis=0) > 0.5
        legs_ahead = np.nanmean(np.stack(legs_ahead), axis=0)
        knee_below = np.nanmax(np.stack(knee_drop), axis=0) > _T["quadruped_knee_drop_min_ratio"]
        shin_on_floor = any_shin_level | (np.nanmin(np.stack(ankle_at_knee), axis=0)
                                          < _T["quadruped_ankle_at_knee_max_ratio"])
        wrist_below = _drop_ratio(shoulder, _pick(xy, "wrist"), trunk) > _T["quadruped_wrist_drop_min_ratio"]
        nose_rise = (ears[:, 1] - nose[:, 1]) / trunk
        shoulder_gap = np.abs(raw[:, Landmark.LEFT_SHOULDER, 1] - raw[:, Landmark.RIGHT_SHOULDER, 1]) / trunk
        longest_leg = np.nanmax(np.stack(leg_segments), axis=0)
        foreshortened = trunk < _T["upright_trunk_to_leg_min_ratio"] * longest_leg  # False where no leg is seen
    out = np.full(len(sequence), "", dtype=object)
    known = sequence.found & np.isfinite(tilt) & (trunk > 0)
    upright = known & (tilt < _T["upright_max_deg"]) & ~foreshortened
    lying = known & (tilt >= _T["upright_max_deg"]) & (tilt <= _T["inverted_min_deg"])
    out[upright] = "standing"
    # Level thighs under an upright trunk are no standing: seated (legs ahead) or a press-up's top (legs behind).
    # Legs read pointing both ways (the pose model folding the far leg under a press-up) leave the frame unknown.
    out[upright & all_thighs_level] = ""
    out[upright & all_thighs_level & (legs_ahead > 0)] = "seated"
    out[upright & all_thighs_level & (legs_ahead < 0)] = "prone"
    out[upright & any_shin_level & ~all_thighs_level] = "kneeling"
    stacked = shoulder_gap > _T["side_lying_shoulder_gap_min_ratio"]
    with np.errstate(invalid="ignore"):
        out[lying & (nose_rise < _T["prone_nose_rise_max_ratio"])] = "prone"
        out[lying & (nose_rise > _T["supine_nose_rise_min_ratio"])] = "supine"
    # On all fours the shoulders are level, side by side or one behind the other whichever side the camera is on;
    # stacked, the trunk lies on its side, its knees bent forward and its hands on the floor in front of the chest
    # (an open book filmed from in front reads knees and wrists as low as on all fours).
    out[lying & knee_below & shin_on_floor & wrist_below & ~stacked] = "quadruped"
    out[lying & stacked] = "side_lying"
    flat = lying & ((out == "supine") | (out == "prone"))
    face_up, face_down = int(np.sum(out == "supine")), int(np.sum(out == "prone"))  # a press-up's top votes too
    if face_up != face_down:
        out[flat] = "supine" if face_up > face_down else "prone"
    return out


def fitting_postures(spec: ExerciseSpec) -> frozenset[str]:
    """The frame postures (POSTURE_LABELS) that fit a spec's posture.

    A posture name this module does not know is judged by its posture signal alone: upright or lying.
    """
    key = spec.posture.lower().replace("-", "_").replace(" ", "_")
    if key in _FITS:
        return _FITS[key]
    return _UPRIGHT if POSTURES.get(spec.posture) == "trunk_from_vertical_deg" else _LYING


def posture_fit(spec: ExerciseSpec, postures: np.ndarray) -> tuple[float, float]:
    """(share of the frames whose posture fits the spec's, that share with loose fits weighted down).

    Args:
        spec: the exercise.
        postures: (T,) frame postures (POSTURE_LABELS), unposed frames left out.
    """
    key = spec.posture.lower().replace("-", "_").replace(" ", "_")
    loose = np.isin(postures, list(_LOOSE_FITS.get(key, ())))
    fits = np.isin(postures, list(fitting_postures(spec)))
    if spec.events is not None:
        # Steps (an event detector's reps) are taken standing: a seated frame is no part of a walk, however loosely.
        fits &= ~loose
    weight = np.where(fits & ~loose, 1.0, np.where(fits, _T["posture_loose_fit_ratio"], 0.0))
    return float(fits.mean()), float(weight.mean())


def head_travel_ratio(sequence: PoseSequence) -> float:
    """How far the ears travel up and down against the shoulders over the clip, in trunk lengths (5th-95th pct).

    NaN when the ears, shoulders or hips are never seen.
    """
    xy = pixel_xy(sequence.xyz, sequence.visibility, sequence.image_size, LANDMARK_VISIBILITY_MIN_RATIO)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        shoulder = np.nanmean(xy[:, [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]], axis=1)
        hip = np.nanmean(xy[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]], axis=1)
        ears = np.nanmean(xy[:, [Landmark.LEFT_EAR, Landmark.RIGHT_EAR]], axis=1)
        rise = (shoulder[:, 1] - ears[:, 1]) / np.nanmedian(np.hypot(*(shoulder - hip).T))
        if not np.isfinite(rise).any():
            return float("nan")
        return float(np.nanpercentile(rise, 95) - np.nanpercentile(rise, 5))


def _chest_up_median(sequence: PoseSequence, per_side: Callable[[np.ndarray, str], np.ndarray]) -> float:
    """Median over the frames with the chest up (chest_up_min_deg) of the larger of an arm measure on the two sides.

    `per_side(xy, side)` gives the measure per frame from the picture's landmarks; NaN if no frame has it.
    """
    xy = pixel_xy(sequence.xyz, sequence.visibility, sequence.image_size, LANDMARK_VISIBILITY_MIN_RATIO)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        shoulder = np.nanmean(xy[:, [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]], axis=1)
        hip = np.nanmean(xy[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]], axis=1)
        up = elevation_deg(hip, shoulder) >= _T["chest_up_min_deg"]
        larger = np.nanmax(np.stack([per_side(xy, s) for s in ("left", "right")]), axis=0)[up]
        return float(np.nanmedian(larger)) if np.isfinite(larger).any() else float("nan")


def chest_up_elbow_deg(sequence: PoseSequence) -> float:
    """Median over the frames with the chest up (chest_up_min_deg) of the straighter elbow, degrees; NaN if none."""
    return _chest_up_median(sequence, lambda xy, s: joint_angle_deg(
        xy[:, sided("shoulder", s)], xy[:, sided("elbow", s)], xy[:, sided("wrist", s)]))


def chest_up_forearm_rise_deg(sequence: PoseSequence) -> float:
    """The steeper forearm's rise from level in the picture, wrist to elbow, in degrees.

    The median over the frames with the chest up (chest_up_min_deg); positive with the elbow above the wrist, NaN if
    no such frame.
    """
    return _chest_up_median(sequence, lambda xy, s: elevation_deg(xy[:, sided("wrist", s)], xy[:, sided("elbow", s)]))


def _hips_and_trunk(sequence: PoseSequence) -> tuple[np.ndarray, np.ndarray, float]:
    """(xy, hip, trunk): the picture's landmarks, the hips' midpoint per frame, and the median trunk length (px)."""
    xy = pixel_xy(sequence.xyz, sequence.visibility, sequence.image_size, LANDMARK_VISIBILITY_MIN_RATIO)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        shoulder = np.nanmean(xy[:, [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]], axis=1)
        hip = np.nanmean(xy[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]], axis=1)
        return xy, hip, float(np.nanmedian(np.hypot(*(shoulder - hip).T)))


def ankle_rise_ratio(sequence: PoseSequence) -> float:
    """How high the higher ankle rises above the hips over the clip, in trunk lengths (95th percentile of frames).

    Lying on the back, filmed from the side, "above" is up in the picture. NaN when the ankles or hips are never seen.
    """
    xy, hip, trunk = _hips_and_trunk(sequence)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        rise = np.nanmax(np.stack([hip[:, 1] - xy[:, sided("ankle", s), 1] for s in ("left", "right")]), axis=0)
        rise = rise / trunk
        return float(np.nanpercentile(rise, 95)) if np.isfinite(rise).any() else float("nan")


def ankle_to_other_knee_drop_ratio(sequence: PoseSequence) -> float:
    """How far an ankle comes towards the other knee over the clip, in thigh lengths, from the world landmarks (3D).

    The nearer of each ankle to the other leg's knee, its 95th percentile less its 5th over the frames: a figure four
    rests an ankle on the other knee, whichever way the camera looks. NaN when the legs are never seen.
    """
    return _travel(np.where(sequence.found, ankle_to_other_knee_ratio(sequence.world_xyz), np.nan))


def _knee_angles_deg(sequence: PoseSequence) -> tuple[np.ndarray, np.ndarray]:
    """(T,) each frame's more bent and straighter knee in the picture, degrees (NaN where neither leg is seen).

    Sorted frame by frame rather than by side, because the pose model swaps the legs' labels in runs.
    """
    xy = pixel_xy(sequence.xyz, sequence.visibility, sequence.image_size, LANDMARK_VISIBILITY_MIN_RATIO)
    knees = np.stack([joint_angle_deg(xy[:, sided("hip", s)], xy[:, sided("knee", s)], xy[:, sided("ankle", s)])
                      for s in ("left", "right")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmin(knees, axis=0), np.nanmax(knees, axis=0)


def _travel(values: np.ndarray) -> float:
    """5th to 95th percentile range of the known values; NaN when none is known."""
    known = values[np.isfinite(values)]
    return float(np.percentile(known, 95) - np.percentile(known, 5)) if known.size else float("nan")


def wrist_travel_ratio(sequence: PoseSequence) -> float:
    """How far a wrist travels against the shoulders over the clip, in trunk lengths, from the world landmarks (3D).

    For each wrist, its place relative to the shoulders' midpoint: the 5th to 95th percentile range along each axis,
    as one distance; the larger of the two wrists, over the trunk's median length. NaN when no wrist is seen.
    """
    world = np.where(sequence.found[:, None, None], sequence.world_xyz, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        shoulders = np.nanmean(world[:, [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]], axis=1)
        hips = np.nanmean(world[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]], axis=1)
        trunk = np.nanmedian(np.linalg.norm(shoulders - hips, axis=1))
    travels = [np.linalg.norm([_travel(axis) for axis in (world[:, wrist] - shoulders).T])
               for wrist in (Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST)]
    travels = [t for t in travels if np.isfinite(t)]
    return float(max(travels) / trunk) if travels and trunk > 0 else float("nan")


def squat_hip_drop_ratio(sequence: PoseSequence) -> float:
    """How far the hips travel up and down for each 90 degrees the knees travel (trunk lengths, 5th-95th pct).

    NaN when the knees travel less than squat_knee_travel_min_deg, or the hips are never seen.
    """
    _, hip, trunk = _hips_and_trunk(sequence)
    bent, straighter = _knee_angles_deg(sequence)
    knee_travel = max(_travel(bent), _travel(straighter))
    if not knee_travel >= _T["squat_knee_travel_min_deg"]:
        return float("nan")
    return _travel(hip[:, 1] / trunk) * 90.0 / knee_travel


def squat_other_knee_deg(sequence: PoseSequence) -> float:
    """The straighter knee over the frames with a knee bent past squat_knee_bent_max_deg, degrees (75th pct).

    NaN when fewer than squat_bent_frames_min_ratio of the posed frames have a knee bent that far.
    """
    bent, straighter = _knee_angles_deg(sequence)
    with np.errstate(invalid="ignore"):
        squatting = bent < _T["squat_knee_bent_max_deg"]
    posed = max(1, int(sequence.found.sum()))
    if squatting.sum() < _T["squat_bent_frames_min_ratio"] * posed:
        return float("nan")
    return float(np.percentile(straighter[squatting], 75))


def shoulder_stack_ratio(sequence: PoseSequence) -> float:
    """How far apart in height the shoulders are in the picture, over the trunk's length, median of the frames.

    Raw landmark places, as frame_postures reads side-lying: large with one shoulder above the other (lying on the
    side, filmed from in front), small side-on. NaN when no frame places the shoulders and hips.
    """
    _, _, trunk = _hips_and_trunk(sequence)
    raw = sequence.xyz[..., :2] * np.asarray(sequence.image_size, float)
    gap = np.abs(raw[:, Landmark.LEFT_SHOULDER, 1] - raw[:, Landmark.RIGHT_SHOULDER, 1]) / trunk
    return float(np.nanmedian(gap)) if np.isfinite(gap).any() else float("nan")


def shoulder_width_seen_ratio(sequence: PoseSequence) -> float:
    """The shoulders' width in the picture over the trunk's length, median of the frames: small side-on.

    Raw landmark places, as pose.view reads the view: side-on the far shoulder is placed but rated barely visible.
    NaN when no frame places the shoulders and hips.
    """
    ratio = shoulder_width_ratio(sequence.xyz[..., :2] * np.asarray(sequence.image_size, float))
    return float(np.nanmedian(ratio)) if np.isfinite(ratio).any() else float("nan")


# Exercises whose movement has a mark over the whole clip that their count alone does not check, so a lookalike in
# the same posture is not taken for them: name -> (measure of the clip, its threshold's name, what is missing).
# A threshold ending in _min_... is a floor, one ending in _max_... a ceiling; an unreadable measure (NaN) passes.
# An exercise may have several marks; it needs them all.
Signature = tuple[Callable[[PoseSequence], float], str, str]
SIGNATURES: dict[str, tuple[Signature, ...]] = {
    "cat_cow": ((head_travel_ratio, "cat_cow_head_travel_min_ratio", "the head hardly moves with the back"),),
    "prone_press_up": ((chest_up_elbow_deg, "press_up_elbow_min_deg", "the arms stay bent with the chest up"),),
    "prone_on_elbows": ((chest_up_elbow_deg, "sphinx_elbow_max_deg", "the arms straighten with the chest up"),
                        (chest_up_forearm_rise_deg, "sphinx_forearm_rise_max_deg",
                         "the forearms rise off the floor with the chest up")),
    "pelvic_tilt": ((ankle_rise_ratio, "hook_lying_ankle_rise_max_ratio", "a foot leaves the floor"),
                    (ankle_to_other_knee_drop_ratio, "pelvic_tilt_ankle_knee_drop_max_ratio",
                     "an ankle comes to the other knee")),
    "lower_trunk_rotation": ((ankle_rise_ratio, "hook_lying_ankle_rise_max_ratio", "a foot leaves the floor"),),
    "nerve_glide": ((ankle_rise_ratio, "nerve_glide_ankle_rise_min_ratio", "no leg is raised straight"),),
    "figure_four_stretch": ((ankle_rise_ratio, "figure_four_ankle_rise_max_ratio", "a foot rises above the knee"),
                            (wrist_travel_ratio, "figure_four_wrist_travel_max_ratio",
                             "an arm sweeps over, as in an open book")),
    # A seated knee extension and a calf stretch each bend a knee the way a wall squat does, in its posture.
    "wall_squat": ((squat_hip_drop_ratio, "squat_hip_drop_min_ratio", "the knees move with the hips still"),
                   (squat_other_knee_deg, "squat_other_knee_max_deg", "one knee stays straight as the other bends")),
    "single_leg_stance": ((shoulder_width_seen_ratio, "single_leg_shoulder_width_min_ratio",
                           "filmed side-on, not from the front"),),
    "open_book": ((shoulder_stack_ratio, "open_book_shoulder_stack_min_ratio",
                   "filmed side-on: the shoulders do not stack"),
                  (ankle_to_other_knee_drop_ratio, "open_book_ankle_knee_drop_max_ratio",
                   "an ankle comes to the other knee")),
}


# Exercises whose count also finds a lookalike's movement, ruled out when the lookalike's own stricter count finds
# its reps: name -> (the lookalike, the threshold of its reps, what is seen instead).
RIVALS: dict[str, tuple[str, str, str]] = {
    "figure_four_stretch": ("lower_trunk_rotation", "figure_four_knee_rolls_max_count",
                            "the knees roll to both sides in turn"),
}


def _rival_found(name: str, reports: Mapping[str, ClipReport]) -> str:
    """What a lookalike's count found that rules the exercise out (RIVALS), or "" when it found too little."""
    if name not in RIVALS:
        return ""
    rival, threshold, seen = RIVALS[name]
    report = reports.get(rival)
    if report is None or report.rep_count <= _T[threshold]:
        return ""
    return f"{seen} ({report.rep_count} {rival} reps)"


def _signature_missing(name: str, sequence: PoseSequence) -> str:
    """What the clip lacks of the exercise's mark (SIGNATURES), or "" when it has it or the mark cannot be read."""
    for measure, threshold, missing in SIGNATURES.get(name, ()):
        value, limit = measure(sequence), _T[threshold]
        if "_max_" in threshold and value > limit:
            return f"{missing} ({value:.3g} > {limit:g})"
        if "_min_" in threshold and value < limit:
            return f"{missing} ({value:.3g} < {limit:g})"
    return ""


def _movement(spec: ExerciseSpec, report: ClipReport) -> tuple[float, str]:
    """(evidence 0-1, what was found) of the spec's movement in its report."""
    spans = [(r.start_s, r.end_s) for r in report.reps] + [(h.start_s, h.end_s) for h in report.holds if h.good_s]
    found = []
    if report.rep_count:
        found.append(f"{report.rep_count} reps")
    if report.hold_s:
        found.append(f"hold {report.hold_s:.0f} s")
    if not spans:
        if report.partial_rep_count:
            return _T["partial_only_evidence_ratio"], f"{report.partial_rep_count} partial reps"
        return 0.0, "nothing"
    # The share of the clip the movement explains breaks ties between specs that both find something.
    covered = sum(max(0.0, min(e, report.t_s[-1]) - max(s, report.t_s[0])) for s, e in spans) if report.frames else 0
    share = min(1.0, covered / report.duration_s) if report.duration_s > 0 else 0.0
    return 0.7 + 0.3 * share, ", ".join(found)


def recognise(sequence: PoseSequence, exercises: dict[str, ExerciseSpec] | None = None) -> Recognition:
    """The exercise the clip shows among `exercises` (default: every registered one), or UNKNOWN and why.

    Args:
        sequence: the clip's poses.
        exercises: name -> spec to choose from.
    """
    specs = EXERCISES if exercises is None else exercises
    postures = frame_postures(sequence)
    posed = postures[postures != ""]
    if posed.size == 0:
        return Recognition(UNKNOWN, 0.0, "no frame shows enough of the body to tell its posture", doubt="no_posture")
    labels, counts = np.unique(posed.astype(str), return_counts=True)
    main = str(labels[np.argmax(counts)])
    fitting = {}
    for name, spec in specs.items():
        share, weighted = posture_fit(spec, posed.astype(str))
        if share >= _T["posture_share_min_ratio"]:
            fitting[name] = (share, weighted)
    reports = {name: score_sequence(sequence, specs[name]) for name in fitting}
    candidates = []
    for name, (share, weighted) in fitting.items():
        report = reports[name]
        evidence, found = _movement(specs[name], report)
        missing = (_signature_missing(name, sequence) or _rival_found(name, reports)) if evidence else ""
        if missing:
            evidence, found = 0.0, f"{found}, but {missing}"
        candidates.append((Candidate(name, share, evidence, weighted * evidence, found), report))
    candidates.sort(key=lambda c: -c[0].score)
    ranked = tuple(c for c, _ in candidates)
    if not ranked or ranked[0].score == 0:
        tried = ", ".join(c.exercise + ("" if c.found == "nothing" else f" ({c.found})") for c in ranked)
        tried = tried or "none fits it"
        return Recognition(UNKNOWN, 0.0, f"mostly {main}; no exercise's movement found (tried: {tried})", main, ranked,
                           doubt="no_movement")
    best, report = candidates[0]
    second = ranked[1].score if len(ranked) > 1 else 0.0
    # Confidence: the winner's fit, scaled down as the runner-up closes in (0 when they tie).
    margin = min(1.0, (best.score - second) / (best.score * (1 - _T["runner_up_max_ratio"]) * 2))
    confidence = round(best.score * margin, 3)
    if second >= _T["runner_up_max_ratio"] * best.score:
        return Recognition(UNKNOWN, confidence, f"fits {best.exercise} ({best.found}) and {ranked[1].exercise} "
                                                f"({ranked[1].found}) about as well", main, ranked, doubt="tie")
    if confidence < _T["confidence_min_ratio"]:
        return Recognition(UNKNOWN, confidence, f"doubtful: best {best.exercise} ({best.found}, "
                                                f"{best.posture_ratio:.0%} of frames in its posture)", main, ranked,
                           doubt="doubtful")
    posture = specs[best.exercise].posture
    reason = f"{best.exercise}: {best.found}, {best.posture_ratio:.0%} of frames fit {posture}"
    return Recognition(best.exercise, confidence, reason, main, ranked, report)


def guess_exercise(sequence: PoseSequence) -> str:
    """The recognised exercise's name, or UNKNOWN (see `recognise`)."""
    return recognise(sequence).exercise
