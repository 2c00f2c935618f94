"""Every user-facing word about a fault, in one table keyed by fault code."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from exercises.body import ViewLimits
from exercises.registry import EXERCISES, FILE_WORDING
from exercises.signals import signal_plane


@dataclass(frozen=True)
class FaultWording:
    """How a fault is said: a short calm cue for the patient, a precise description for the therapist."""

    cue: str
    description: str


WORDING: dict[str, FaultWording] = {
    "other_leg_lifting": FaultWording(
        "Let your other leg rest on the floor.",
        "The resting leg rose off the floor during the knee-to-chest stretch (hip-ankle line above "
        "other_leg_lift_max_deg): it is helping, or the pelvis is rolling.",
    ),
    "head_shoulders_lifting": FaultWording(
        "Keep your head and shoulders resting on the floor.",
        "Head and shoulders curled up off the floor (hip-shoulder line above trunk_rise_max_deg): the neck and "
        "trunk are working instead of relaxing into the stretch.",
    ),
    "hips_lifting": FaultWording(
        "Let your hips stay heavy on the floor as you push up.",
        "Pelvis came off the floor during the press-up (thigh tipped up past thigh_rise_max_deg above its "
        "lying rest): the lift came from the hips, not from extending the lower back.",
    ),
    "arms_not_straight": FaultWording(
        "Push up a little higher, towards straight arms, if it is comfortable.",
        "The press-up stopped with the elbows bent (straightest elbow below elbow_straight_min_deg, or the arm's "
        "reach, shoulder to wrist, under reach_share_of_others_min_ratio of the set's other reps): end range not "
        "reached; on a partial rep, the chest rose clearly but not to the work zone, not counted as a rep.",
    ),
    "elbows_ahead_of_shoulders": FaultWording(
        "Bring your elbows back under your shoulders.",
        "Prone on elbows with the elbows planted ahead of the shoulders (elbow ahead by more than "
        "elbow_ahead_max_ratio of the trunk length): the upper arms slope forward and stop supporting the chest.",
    ),
    "neck_extension": FaultWording(
        "Let your head rest in line with your back, eyes on the floor in front of you.",
        "Neck extended during the sphinx (head tipped back from the upper back's line beyond "
        "neck_extension_max_deg): the extension is coming from the neck rather than the lower back.",
    ),
    "small_reach": FaultWording(
        "Reach a little further, arm and leg out level with your back, if it is comfortable.",
        "Bird dog reach short of level (the raised leg under reach_work_min_deg from hanging; the arm is not "
        "measured, the pose model often losing an arm reached out past the head); on a partial rep, the leg came up "
        "clearly but not to the work zone, not counted as a rep.",
    ),
    "back_sagging": FaultWording(
        "Lift your leg only as high as your hips, keeping your back flat.",
        "Bird dog leg lifted past level (raised thigh above thigh_above_level_max_deg): the lower back extends and "
        "sags with it.",
    ),
    "hips_hiking": FaultWording(
        "Keep both hips level, as if balancing a cup on your lower back.",
        "The lifted leg's hip rose above the other during the bird dog (by more than hip_hike_max_ratio of the trunk "
        "length): the pelvis rolls and the trunk rotates with the leg.",
    ),
    "small_rotation": FaultWording(
        "Let your arm and chest open a little further, if it is comfortable.",
        "Open book turn short of open: the chest turned less than turn_open_min_deg above the patient's own rest, "
        "or less than turn_share_of_best_min_ratio of their largest turn in the set; counted as a partial rep.",
    ),
    "knees_separating": FaultWording(
        "Keep your knees resting together.",
        "Knees came apart during the open book (knee gap above knee_stack_gap_max_ratio of the trunk length): the "
        "pelvis turned with the chest, so the rotation did not come from the upper back.",
    ),
    "back_off_wall": FaultWording(
        "Keep your back against the wall.",
        "Trunk tipped away from the wall (hip-shoulder line leaning more than trunk_lean_max_deg from vertical).",
    ),
    "too_deep": FaultWording(
        "Not so low - stop with your thighs level.",
        "Hips dropped below the knees (thigh sloping down towards the hip), or the knee bent well past 90 degrees "
        "(under knee_too_deep_max_deg; the knee is not judged for it from the front, where it reads too bent).",
    ),
    "knees_past_toes": FaultWording(
        "Walk your feet a little further from the wall.",
        "Shins tilted forward more than shin_forward_max_deg from vertical: knees travelling past the toes, usually "
        "feet too close to the wall.",
    ),
    "heels_lifting": FaultWording("Keep your heels on the floor.", "Heel rose off the floor: toe-heel line tilted more "
                                 "than heel_lift_max_deg."),
    "knee_valgus": FaultWording(
        "Keep your knees in line with your toes.",
        "Knees collapsing inward (valgus), seen from the front: the knees came closer together than the ankles by "
        "more than knee_valgus_max_ratio of the ankles' distance apart. Not judged from the side, where it cannot "
        "be seen.",
    ),
    "hands_on_thighs": FaultWording(
        "Let your hands rest - no pushing on your thighs.",
        "Wrist on the knee half of the thigh during the squat (closer than hand_thigh_gap_min_ratio thigh lengths): "
        "hands pushing on the thighs.",
    ),
    "too_fast": FaultWording("Slow down - smooth and steady.",
                             "Repetition took less than rep_duration_min_s from leaving the start position to coming "
                             "back to it."),
    "not_deep_enough": FaultWording(
        "Slide a little lower, towards thighs level, if it is comfortable.",
        "Partial rep: the knee bent clearly but came back up before reaching the squat (knee angle stayed above "
        "knee_work_max_deg); not counted as a rep.",
    ),
    "thigh_drift": FaultWording(
        "Keep your thigh pointing at the ceiling.",
        "Hip angle left the band around 90 degrees (hip_min_deg to hip_max_deg): the held thigh drifted from vertical.",
    ),
    "beyond_target": FaultWording(
        "Not so far - stop at light tension.",
        "Knee extension went past the prescribed target angle (knee_extension_target_deg, with "
        "knee_extension_margin_deg allowed for the angle's error).",
    ),
    "short_of_target": FaultWording(
        "Straighten your knee a little further, only as far as light tension.",
        "Partial rep: the knee straightened clearly but bent back before reaching the extension zone "
        "(knee_extended_min_deg, or the prescribed target less its allowance); not counted as a rep.",
    ),
    "pelvis_lift": FaultWording(
        "Keep your other leg and hips resting on the floor.",
        "The resting leg rose from the floor by more than other_leg_lift_max_deg: the pelvis or the other leg lifting.",
    ),
    "trunk_not_slumped": FaultWording(
        "Let your back round and your chin drop to your chest as you straighten.",
        "Seated knee extension done sitting tall although the slump is prescribed (hip-ear line leaning forward "
        "less than slump_min_deg during the rep): the nerve is not tensioned as intended.",
    ),
    "ankle_not_dorsiflexed": FaultWording(
        "Pull your toes towards you as you straighten.",
        "Ankle not dorsiflexed at the end of the extension (its angle stayed above ankle_dorsiflexed_max_deg) although "
        "the prescription asks for it.",
    ),
    "small_range": FaultWording(
        "Round and arch your back a little more, if it is comfortable.",
        "Spinal flexion-extension range of the rep (back outline bend) below spine_range_min_deg, or below "
        "spine_range_share_of_best_min_ratio of the set's largest; on a partial rep, a cycle that did not reach the "
        "cat or the cow position, not counted as a rep.",
    ),
    "hands_not_under_shoulders": FaultWording(
        "Place your hands under your shoulders.",
        "Wrists well ahead of or behind the shoulders (outside wrist_offset_min_ratio to wrist_offset_max_ratio of "
        "the trunk length).",
    ),
    "knees_not_under_hips": FaultWording(
        "Place your knees under your hips.",
        "Knees well ahead of or behind the hips (outside knee_offset_min_ratio to knee_offset_max_ratio of the trunk "
        "length).",
    ),
    "end_hold_short": FaultWording(
        "Pause a moment at each end of the movement.",
        "An end position was held for less than end_hold_min_s, the prescribed pause.",
    ),
    "shoulders_shrugged": FaultWording(
        "Let your shoulders relax away from your ears.",
        "Ear-to-shoulder distance under neck_length_min_ratio of the trunk length: shoulders shrugged.",
    ),
    "foot_drop": FaultWording(
        "Lift your toes as you swing the leg forward.",
        "Foot drop in swing: the ankle stayed plantarflexed (late swing below swing_dorsiflexion_min_deg, or below "
        "swing_dorsiflexion_asymmetric_min_deg with that leg swing_dorsiflexion_asymmetry_min_deg lower than the "
        "other) or the toe passed the floor lower than toe_clearance_min_ratio shank lengths. From the side the far "
        "leg's foot is not seen: there only a steppage swing, the high lift that clears a dropped foot, is flagged.",
    ),
    "foot_slap_or_forefoot_contact": FaultWording(
        "Let your heel touch the floor first.",
        "Initial contact with the foot flat or toes first (foot pitch at contact below contact_foot_pitch_min_deg "
        "toes-up against the flat foot): foot slap or forefoot contact, a sign of weak ankle dorsiflexors.",
    ),
    "steppage": FaultWording(
        "Lift your toes as you swing the leg forward, rather than your knee.",
        "Steppage: hip and knee flexion in swing above steppage_hip_flexion_min_deg and "
        "steppage_knee_flexion_min_deg, lifting the foot high to clear a dropped forefoot.",
    ),
    "circumduction": FaultWording(
        "Swing your leg straight forward, lifting your toes.",
        "Circumduction, seen from the front: the swing ankle swung out sideways more than "
        "circumduction_lateral_min_ratio hip widths beyond its stance line to clear the foot.",
    ),
    "hip_hike": FaultWording(
        "Keep your hips level as you step, lifting your toes.",
        "Hip hike, seen from the front: the swing side's hip rose more than hip_hike_min_deg above its stance "
        "level to clear the foot.",
    ),
    "foot_touch_down": FaultWording(
        "Keep the lifted foot off the floor, if you can do so safely.",
        "The lifted foot touched down briefly during the stance (ankles level within foot_touch_max_ratio of the "
        "standing leg's length for a moment) and lifted again.",
    ),
    "hip_drop": FaultWording(
        "Keep your hips level.",
        "Pelvis dropped on the lifted leg's side by more than pelvis_drop_max_deg, seen from the front (Trendelenburg "
        "sign): the standing hip's abductors are not holding the pelvis level.",
    ),
    "arms_support": FaultWording(
        "Try to balance without holding on; keep a hand near the support in case you need it.",
        "A hand reached well out to the side (wrist more than hand_reach_max_ratio of the trunk length from the "
        "midline: holding a chair or a wall) during the stance.",
    ),
    "trunk_leaning_back": FaultWording(
        "Keep your chest tall and move your hips forward, not your back.",
        "Hip flexor stretch: the trunk leaned back (beyond trunk_lean_back_max_deg): lumbar extension standing in "
        "for hip extension, loading the low back instead of stretching the kneeling hip.",
    ),
    "front_knee_past_toes": FaultWording(
        "Keep your front knee above your ankle, not past your toes.",
        "Hip flexor stretch: the front knee went ahead of its toes (beyond front_knee_past_toes_max_ratio of the "
        "shin): the stretch became a lunge onto the front knee.",
    ),
    "back_heel_lifting": FaultWording(
        "Press your back heel into the floor.",
        "Calf stretch: the back heel rose off the floor (heel and ankle above the floor by more than "
        "back_heel_rise_max_ratio of the leg's length, from where they stood as the stretch settled), taking the "
        "stretch off the calf.",
    ),
    "back_knee_bent": FaultWording(
        "Keep your back knee straight.",
        "Calf stretch, gastrocnemius version: the back knee bent below back_knee_min_deg, moving the stretch off "
        "the gastrocnemius (set straight_knee_version_flag to 0 for the bent-knee soleus version).",
    ),
    "knees_bending": FaultWording(
        "Keep your knees straight as you lean back.",
        "Standing back extension: the knees bent during the lean, reading further below their own standing angle "
        "than knee_from_rest_min_deg (the median of the last knee_rest_window_s standing), so the lean came from "
        "the legs rather than the low back.",
    ),
    "hips_not_forward": FaultWording(
        "Push your hips gently forward as you lean back.",
        "Standing back extension: the hips stayed where they stood or moved back (forward by less than "
        "hips_forward_rise_min_ratio of a leg length): the body tipped back from the ankles instead of extending "
        "the low back.",
    ),
    "buttocks_lifting": FaultWording(
        "Keep your bottom resting on the floor; only your lower back moves.",
        "Buttocks lifted off the floor during the pelvic tilt (hips risen above the shoulder-heel line by more than "
        "hip_rise_max_ratio trunk lengths from where they rested): a small bridge, using the buttocks instead of "
        "tilting the pelvis.",
    ),
    "shoulders_lifting": FaultWording(
        "Keep both shoulders resting on the floor as your knees go over.",
        "A shoulder lifted off the floor during the lower trunk rotation (one hand more than arm_lift_max_ratio "
        "trunk lengths above the other, its arm coming up with the shoulder): the upper trunk turned with the knees.",
    ),
    "knees_apart": FaultWording(
        "Keep your knees together as they roll side to side.",
        "Knees fell apart during the lower trunk rotation (the lower knee dropped below the upper one by more than "
        "knees_parting_max_ratio of their heights): the legs moved on their own rather than the lower trunk rotating.",
    ),
    "pelvis_rotating": FaultWording(
        "Keep your hips level on the floor; let the crossed knee open gently instead.",
        "Pelvis rolled to one side during the figure-four stretch (hip line turned more than pelvis_roll_max_deg "
        "from the shoulders', or more than pelvis_roll_rise_max_deg further than where the hold began): the stretch "
        "moved away from the piriformis.",
    ),
}


def _file_words(code: str, exercise: str | None, kind: str) -> str | None:
    """A spec file's words for a code: the exercise's own first, else any file's (exercises a clinic wrote)."""
    files = FILE_WORDING.get(exercise) if exercise else None
    found = getattr(files, kind).get(code) if files else None
    return found or next((getattr(w, kind)[code] for w in FILE_WORDING.values() if code in getattr(w, kind)), None)


def cue(code: str, exercise: str | None = None) -> str:
    """The patient-facing cue for a fault code (the code itself if it has no wording yet).

    A spec file's own words for its exercise come first; this table next; any spec file's words last.
    """
    own = _file_words(code, exercise, "cues") if exercise in FILE_WORDING else None
    w = WORDING.get(code)
    return own or (w.cue if w else None) or _file_words(code, None, "cues") or code


def description(code: str, exercise: str | None = None) -> str:
    """The therapist-facing description of a fault code (found as `cue` finds a cue)."""
    own = _file_words(code, exercise, "descriptions") if exercise in FILE_WORDING else None
    w = WORDING.get(code)
    return own or (w.description if w else None) or _file_words(code, None, "descriptions") or code


# One plain instruction per setup status (exercises.setup), said to a patient who may be in pain: calm, short,
# one thing to do. An exercise's own line (key "code:exercise") wins over a posture's ("code:posture"), which wins
# over the general one.
SETUP_WORDING: dict[str, str] = {
    "no_person": "We can't see you yet. Move into the picture.",
    # Said before the first pass and while the walker is out of view, turning between passes.
    "no_person:walk": "Walk across in front of the camera, then turn round and walk back.",
    "too_close_feet_cut:walk": "Walk a little further from the camera, so your feet stay in the picture.",
    "head_cut:walk": "Walk a little further from the camera, so your head stays in the picture.",
    "too_far:walk": "Walk a little closer to the camera.",
    "too_close_feet_cut": "Step back until your feet are visible.",
    "too_close_feet_cut:supine": "Move the camera back until your feet are in the picture.",
    "too_close_feet_cut:quadruped": "Move the camera back until your feet are in the picture.",
    "head_cut": "Move back a little so your head is in the picture.",
    "too_close": "Move back a little so all of you fits in the picture.",
    "off_centre": "Move into the middle of the picture.",
    "too_far": "Come a little closer to the camera.",
    "not_side_view": "Turn so your side faces the camera.",
    "not_side_view:supine": "Place the camera beside you, at floor level, so it sees your side.",
    "not_side_view:quadruped": "Turn so your side faces the camera.",
    "not_side_view:side_lying": "Place the camera at floor level in front of you, so it sees your chest.",
    "ready": "Good, we can see you. Start when you are ready.",
    # Given by the live set, not the one-frame check: the body is seen, but for a few seconds the rep measurement
    # could not be read from it (feedback.coach.NOT_IN_POSITION_MIN_S). Said per exercise where the measurement needs
    # something the camera's placement does not give.
    "not_in_position": "I can see you, but not yet in this exercise's position. Check the steps under "
                       "\"How to do it\".",
    # Given by the live set too: the body seen for a few seconds, its trunk out of the exercise's posture. Said per
    # posture: how to get into it.
    "not_in_posture": "Get into the exercise's starting position, as under \"How to do it\".",
    "not_in_posture:supine": "Lie down on your back to start.",
    "not_in_posture:prone": "Lie face down to start.",
    "not_in_posture:quadruped": "Get down on your hands and knees to start.",
    "not_in_posture:side_lying": "Lie down on your side to start.",
    "not_in_posture:seated": "Sit down on a firm chair to start.",
    "not_in_posture:standing": "Stand up to start.",
    "not_in_posture:half_kneeling": "Kneel on one knee, the other foot in front, to start.",
    # The tilt is read from the hand resting on the hip bone (exercises.signals_supine.hand_pelvis_deg).
    "not_in_position:pelvic_tilt": "Rest your hands on the front of your hip bones, so I can see your pelvis tilt.",
}


# On the floor or on a chair the person stays put and the camera moves: "move back" or "come closer" asks someone
# lying on a mat to get up. (Postures with their own line for a code above keep it.)
_CAMERA_MOVES: dict[str, str] = {
    "too_close_feet_cut": "Move the camera back until your feet are in the picture.",
    "head_cut": "Move the camera back, or along towards your head, so your head is in the picture.",
    "too_close": "Move the camera further away, so all of you fits in the picture.",
    "off_centre": "Move the camera along, so you are in the middle of the picture.",
    "too_far": "Move the camera a little closer to you.",
    "not_side_view": "Place the camera beside you, so it sees your side.",
}
SETUP_WORDING.setdefault("not_side_view:prone", "Place the camera beside you, at floor level, so it sees your side.")
SETUP_WORDING.setdefault("head_cut:seated",
                         "Move the camera back a little, or raise it, so your head is in the picture.")
for _posture in ("supine", "prone", "side_lying", "quadruped", "seated"):
    for _code, _words in _CAMERA_MOVES.items():
        SETUP_WORDING.setdefault(f"{_code}:{_posture}", _words)


def setup_instruction(code: str, posture: str | None = None, exercise: str | None = None) -> str:
    """The patient-facing instruction for a setup status (the code itself if it has no wording yet)."""
    for key in (exercise, posture):
        if key and f"{code}:{key}" in SETUP_WORDING:
            return SETUP_WORDING[f"{code}:{key}"]
    return SETUP_WORDING.get(code, code)


# How to get into each exercise, for the patient, before the camera starts: short and calm (EXERCISES.md).
HOW_TO: dict[str, tuple[str, ...]] = {
    "knee_to_chest": (
        "Lie on your back with your legs straight, or with your knees bent and feet on the floor.",
        "Hold one knee with both hands and gently draw it towards your chest, until you feel a comfortable "
        "stretch. Keep the other leg resting on the floor (or draw both knees in, if your therapist said so).",
        "Keep your head and shoulders relaxed on the floor. Hold for as long as prescribed, then let go slowly.",
        "Place the camera beside you, at floor level, so it sees your side.",
    ),
    "prone_press_up": (
        "Lie face down, hands flat on the floor beside your head, elbows bent.",
        "Slowly straighten your arms to lift your chest, letting your hips and legs stay relaxed on the floor.",
        "Pause at the top for a breath, then lower yourself slowly.",
        "Place the camera beside you, at floor level, about 2 metres away, so it sees your side from head to feet.",
    ),
    "wall_squat": (
        "Stand with your back flat against a wall: head, shoulders and hips touching it.",
        "Feet hip-width apart, about one or two foot-lengths in front of the wall.",
        "Slide down slowly, as if sitting on a chair, no lower than thighs level with the floor. Then slide up.",
        "Place the camera to your side, about hip height, 2 to 3 metres away, so it sees you from head to feet. "
        "From the side formcheck also sees your back against the wall; from the front it sees your knees.",
    ),
    "nerve_glide": (
        "Lie on your back. Bend one hip so the thigh points at the ceiling, hands holding behind the thigh.",
        "Slowly straighten the knee until you feel a light stretch, not pain. Then bend it back.",
        "Pull your toes towards you as you straighten, if your therapist asked for it.",
        "Place the camera beside you, at floor level, so it sees your side.",
    ),
    "cat_cow": (
        "Kneel on hands and knees: hands under your shoulders, knees under your hips.",
        "Slowly round your back up towards the ceiling and tuck your chin (cat).",
        "Then let your belly sink gently and look up (cow). Move with your breath.",
        "Place the camera to your side, about 2 metres away, at the height of your back.",
    ),
    "prone_on_elbows": (
        "Lie face down and come up onto your forearms, elbows under your shoulders, forearms flat on the floor.",
        "Let your hips and legs relax on the floor and your lower back sag gently. Keep your head in line, "
        "looking at the floor just ahead.",
        "Breathe and hold for as long as prescribed, then lower yourself slowly.",
        "Place the camera beside you, at floor level, about 2 metres away, so it sees your side from head to feet.",
    ),
    "bird_dog": (
        "Kneel on hands and knees: hands under your shoulders, knees under your hips, back flat.",
        "Slowly reach one arm forward and the opposite leg back, until both are level with your back. Keep your "
        "hips level.",
        "Pause, come back to hands and knees, then do the other side.",
        "Place the camera to your side, about 2 metres away, at the height of your back.",
    ),
    "open_book": (
        "Lie on your side with your hips and knees bent, knees resting together, both arms straight out in front.",
        "Slowly lift the top arm and open it like a book, letting your chest and head turn towards the ceiling. "
        "Keep your knees together.",
        "Go as far as is comfortable, then bring the arm back to the other hand.",
        "Place the camera at floor level in front of you, about 2 metres away, so it sees you from head to knees.",
    ),
    "walk": (
        "Walk at your usual, comfortable pace, across the room or on a treadmill, with a support nearby if you "
        "need one.",
        "Wear your usual shoes, or go barefoot. If you can, wear shorts or roll up long trousers so your ankles show.",
        "Place the camera to your side at about knee height, 3 to 4 metres away, so it sees both feet for a few "
        "steps. It checks the foot nearer to it, so walk past it, turn round and walk back to check both feet "
        "(on a treadmill, film once from each side).",
    ),
    "seated_knee_extension": (
        "Sit on a firm chair, feet on the floor, hands resting on your thighs or behind your back.",
        "Let your back round and your chin drop towards your chest (the slump), unless your therapist said to sit "
        "tall.",
        "Slowly straighten one knee until you feel a light stretch, not pain, then bend it back. Slow and gentle.",
        "Place the camera beside you, at seat height, 2 to 3 metres away, with the leg that moves nearer to it.",
    ),
    "single_leg_stance": (
        "Stand tall beside a chair or a counter, hands on your hips, and look straight ahead.",
        "Lift one foot a little off the floor behind you and balance for up to 30 seconds, hips level.",
        "Put the foot down, rest, then do the same standing on the other leg.",
        "Place the camera in front of you, about hip height, 2 to 3 metres away, so it sees you face on.",
    ),
    "hip_flexor_stretch": (
        "Kneel on one knee on a soft mat, the other foot flat on the floor in front, knee above the ankle.",
        "Stand your trunk tall, tighten your tummy a little, and move your hips gently forward until you feel a "
        "stretch at the front of the kneeling hip. Keep your back from arching.",
        "Hold about 30 seconds, come back up, and repeat; then change legs.",
        "Place the camera beside you, at hip height, 2 to 3 metres away, so it sees your side from head to knees.",
    ),
    "calf_stretch": (
        "Stand facing a wall, hands on it at shoulder height. Step one foot back, toes pointing forward.",
        "Keep the back heel on the floor and the back knee straight, and bend the front knee to lean towards "
        "the wall until you feel a stretch in the calf of the back leg.",
        "Hold about 30 seconds, then ease off; then change legs. Bend the back knee only if your therapist asked.",
        "Place the camera beside you, at knee height, 2 to 3 metres away, so it sees both feet from the side.",
    ),
    "back_extension": (
        "Stand tall, feet hip-width apart, hands on your low back or hips, fingers pointing down.",
        "Push your hips gently forward and lean your upper body back, as far as is comfortable, knees straight.",
        "Pause for a breath, come back up to standing, and repeat about 10 times.",
        "Place the camera beside you, at hip height, 2 to 3 metres away, so it sees your side from head to feet.",
    ),
    "pelvic_tilt": (
        "Lie on your back, knees bent and feet flat on the floor. Rest your hands on the front of your hip bones: "
        "you will feel your pelvis tilt under them, and formcheck sees it there.",
        "Gently tighten your tummy and press the small of your back flat into the floor, tilting your pelvis. "
        "Keep your bottom on the floor.",
        "Hold for about 5 seconds, breathing normally, then relax. Slow and gentle.",
        "Place the camera beside you, at floor level, so it sees your side from head to feet.",
    ),
    "lower_trunk_rotation": (
        "Lie on your back with your knees bent and together, feet flat on the floor, arms out by your sides.",
        "Slowly let both knees roll to one side as far as is comfortable, then back through the middle to the "
        "other side.",
        "Keep your knees together and both shoulders resting on the floor.",
        "Place the camera beside you, at floor level, so it sees your side from head to feet.",
    ),
    "figure_four_stretch": (
        "Lie on your back with your knees bent and feet flat on the floor.",
        "Cross one ankle over the other knee, letting the crossed knee fall gently outwards, until you feel a "
        "stretch in the buttock. You may draw the lower leg towards you if your therapist said so.",
        "Keep your hips level on the floor. Hold for as long as prescribed, then put the foot down slowly.",
        "Place the camera beside you, raised on a chair or a low shelf and tilted down at you, so it sees you from "
        "head to feet from above.",
    ),
}

def how_to(exercise: str) -> tuple[str, ...]:
    """The steps into an exercise, camera placement last: HOW_TO, or the exercise's spec file; () if neither."""
    if exercise in HOW_TO:
        return HOW_TO[exercise]
    words = FILE_WORDING.get(exercise)
    return (*words.how_to, words.camera) if words else ()


def camera_advice(exercise: str) -> str:
    """Where to put the camera for an exercise, in one sentence: the last step of its how-to, or a general line."""
    steps = how_to(exercise)
    return steps[-1] if steps else "Place the camera so it sees your whole body."


# What the review's "View / side" figure is, for its help tooltip.
VIEW_HELP = ("Where the camera was: to your side, in front of you, or how many degrees round from your side; then the "
             "side of your body the checks followed.")


def view_name(view: str, view_deg: float, thresholds: Mapping[str, float] | None = None) -> str:
    """Where the camera was, in a word: "side", "front", or its turn ("55°") between; `view` where the turn is unknown.

    `view` is the clip's label from the shoulders' width (pose.view.classify_view); `view_deg` the turn read from the
    world landmarks (ClipReport.camera_view_deg), which the measurements' confidence follows. A cat-cow filmed 58
    degrees round was labelled "front" by its width; named by its turn it is "55°". Side within the view a
    measurement is reliable in, front from the view only the front shows: the exercise's own limits (`thresholds`,
    its spec's, which its measurements' confidence follows), VIEW_THRESHOLDS where it sets none.
    """
    if not math.isfinite(view_deg):
        return view
    limits = ViewLimits.from_thresholds(thresholds or {})
    if view_deg <= limits.reliable_max_deg:
        return "side"
    if view_deg >= limits.frontal_min_deg:
        return "front"
    return f"{view_deg:.0f}°"


def advice_once(exercise: str, messages: list[str]) -> list[str]:
    """`messages` with where to put the camera (camera_advice) kept in the first that ends with it only.

    Several camera warnings may each end with the same advice (the view too far round, one end of a cycle hidden);
    said once, the second reads as what it found.
    """
    advice, said, out = camera_advice(exercise), False, []
    for message in messages:
        ends = message.endswith(advice)
        out.append(message[: -len(advice)].rstrip() if ends and said else message)
        said = said or ends
    return out


# What the "Measured" figure of a clip (its pose_coverage) is, for the page's help tooltip.
COVERAGE_HELP = ("The share of the clip in which the exercise's movement could be measured: you in the picture, in "
                 "the exercise's position.")
# Measured in under this share of a clip's frames, its counts may be low and the review says why.
LOW_COVERAGE_MAX_RATIO = 0.5


def low_coverage_cause(pose_coverage: float, body_seen_ratio: float) -> str:
    """Why a clip was measured little, as a code the patient's and the therapist's words both follow.

    "" it was not; "position" the body seen in most frames, so the person was out of the exercise's measured
    position (the camera is not the fix); "unseen" the body itself hard to see; "unknown" no body_seen_ratio (a set
    saved before it was recorded).
    """
    if not pose_coverage < LOW_COVERAGE_MAX_RATIO:
        return ""
    if math.isnan(body_seen_ratio):
        return "unknown"
    return "position" if body_seen_ratio >= LOW_COVERAGE_MAX_RATIO else "unseen"


# Lost from view this long or longer in the middle of a set, the person may have lost reps or hold time there, and
# the review says so: a hold bridges gaps of 0.5-1.6 s (hold_gap_max_s), and unseen ones of up to 3 s in four
# exercises (hold_unseen_gap_max_s). Rendered lying exercises filmed 35-40 degrees round lost the person for 3-5 s at
# a time (MediaPipe's person detector), and a sphinx's hold of 5 s read 0 s.
UNSEEN_GAP_WARN_MIN_S = 2.0


def lost_from_view(exercise: str, duration_s: float) -> bool:
    """Whether a stretch mid-set this long with the person unseen is worth saying.

    From UNSEEN_GAP_WARN_MIN_S, and never for a walk, which leaves the picture at each turn by design. False for an
    unknown (NaN) duration.
    """
    spec = EXERCISES.get(exercise)
    return duration_s >= UNSEEN_GAP_WARN_MIN_S and not (spec is not None and spec.events == "gait")


def unseen_gap_warning(exercise: str, start_s: float, duration_s: float, within: str = "clip") -> str:
    """For the patient: the longest stretch mid-set in which they were not seen, with where to put the camera.

    `start_s` and `duration_s` as ClipReport.longest_unseen gives them; "" where not `lost_from_view`. `within`
    names what the time is counted in: an uploaded "clip", or a live "set".
    """
    if not lost_from_view(exercise, duration_s):
        return ""
    return (f"We lost sight of you for {duration_s:.0f} s, starting {start_s:.0f} s into the {within}, so reps or "
            f"hold time there may be missing. {camera_advice(exercise)}")


def unseen_gap_note(exercise: str, duration_s: float) -> str:
    """unseen_gap_warning for the therapist reading a saved set: third person, no camera advice."""
    if not lost_from_view(exercise, duration_s):
        return ""
    return f"The patient was lost from view for {duration_s:.0f} s mid-set: reps or hold time there may be missing."


# A clip measured little with the person seen in most of it says the camera may be why, not the position, when it was
# filmed at least this far round (degrees off side-on, as the view is read) and short of the front: lying flat in
# position, a press-up filmed 58 degrees round (read 74) had its legs misfit by the pose model in half its frames and
# was told to check the steps of how to do it (rendered seed 5801). Of 198 rendered clips (seeds 5611, 5717, 5801-5804,
# 5999), three were measured under half with the person seen, all filmed 39-58 degrees round (read 55-74).
POSITION_VIEW_ROUND_MIN_DEG = 45.0


def filmed_round(exercise: str, view_deg: float) -> bool:
    """Whether a clip was filmed far round from side-on, short of the front (the exercise's own front view limit)."""
    spec = EXERCISES.get(exercise)
    front = ViewLimits.from_thresholds(spec.thresholds if spec is not None else {}).frontal_min_deg
    return POSITION_VIEW_ROUND_MIN_DEG <= view_deg < front


def seen_unmeasured_round(exercise: str, pose_coverage: float, body_seen_ratio: float, view_deg: float) -> bool:
    """Whether the person was seen but little measured, filmed far round: the camera, not the position, may be why."""
    return low_coverage_cause(pose_coverage, body_seen_ratio) == "position" and filmed_round(exercise, view_deg)


def coverage_warning(exercise: str, pose_coverage: float, body_seen_ratio: float, view_deg: float = math.nan) -> str:
    """Why a clip's counts may be low, for the patient, with what to do; "" when the rep measurement was mostly read.

    `view_deg`: the clip's view, degrees off side-on (ClipReport.camera_view_deg); filmed far round (filmed_round), a
    person seen but not measured is told the camera may be why.
    """
    if seen_unmeasured_round(exercise, pose_coverage, body_seen_ratio, view_deg):
        return (f"You were in the picture, but from where the camera was, about {view_deg:.0f}° round from your side, "
                f"your position could not be measured in much of the clip, so counts may be low. "
                f"{camera_advice(exercise)}")
    cause = low_coverage_cause(pose_coverage, body_seen_ratio)
    if cause == "position":
        advice = SETUP_WORDING.get(f"not_in_position:{exercise}", "Check the steps of how to do it.")
        return ("You were in the picture, but in much of the clip not in the position this exercise is measured "
                f"from, so counts may be low. {advice}")
    if cause:
        return f"The body was hard to see in much of the clip, so counts may be low. {camera_advice(exercise)}"
    return ""


# The rep measurement unknown, because of where the camera was, in at least this share of the frames the person was
# seen in: their counts may be low and the review says so (exercises.judged.rep_view_hidden). Rendered cat-cows filmed
# 52-58 degrees round lost 38-40% of their frames this way and counted 0 of their 2 cycles, and a hip flexor stretch
# 39 degrees round (read 57) lost 55% and timed none of its 2 stretches (seed 5611); none of that seed's other 55
# clips, nor any labelled real clip, lost any.
VIEW_HIDDEN_WARN_MIN_RATIO = 0.25


def view_hidden_warning(exercise: str, share: float, view_deg: float, within: str = "clip") -> str:
    """For the patient: the movement could not be measured in much of the clip from where the camera was.

    Args:
        exercise: the spec's name.
        share: exercises.judged.rep_view_hidden's share, in [0, 1].
        view_deg: its median view, degrees off side-on (0 side-on, 90 facing the camera).
        within: what the share is of: an uploaded "clip", or a live "set".

    Returns:
        "" under VIEW_HIDDEN_WARN_MIN_RATIO.
    """
    if not share >= VIEW_HIDDEN_WARN_MIN_RATIO:
        return ""
    where = f"about {view_deg:.0f}° round from your side" if math.isfinite(view_deg) else "away from your side"
    return (f"The camera was {where}, and from there the movement could not be measured in {share:.0%} of the "
            f"{within}, so counts may be low. {camera_advice(exercise)}")


def view_hidden_note(share: float | None, view_deg: float | None) -> str:
    """view_hidden_warning for the therapist reading a saved set or a batch row: third person, no camera advice.

    "" under VIEW_HIDDEN_WARN_MIN_RATIO, and for a set saved before the share was recorded (None).
    """
    if share is None or not share >= VIEW_HIDDEN_WARN_MIN_RATIO:
        return ""
    where = f"about {view_deg:.0f}° off side-on" if view_deg is not None and math.isfinite(view_deg) else "off side-on"
    return (f"Filmed {where}: from there the movement could not be measured in {share:.0%} of the set, so counts may "
            "be low.")


# A cycle set whose movement was seen at one end only (exercises.one_sided), as the patient did it: the end seen, then
# the one not seen. "low" and "high" follow the spec's rep signal (the knees' roll is positive to the person's left;
# the back's flexion positive rounded up). "{Your}" and "{your}" are the patient's ("Your", "your") or, for the
# therapist, "The patient's" and "their".
ONE_END_SEEN_WORDING: dict[str, dict[str, str]] = {
    "lower_trunk_rotation": {"low": "{Your} knees were seen rolling to {your} right, but not to {your} left",
                             "high": "{Your} knees were seen rolling to {your} left, but not to {your} right"},
    "cat_cow": {"low": "{Your} back was seen dipping down (cow), but not rounding up (cat)",
                "high": "{Your} back was seen rounding up (cat), but not dipping down (cow)"},
}
ONE_END_SEEN_OTHERWISE = "Only one end of the movement was seen"


def _one_end_seen(exercise: str, end: str, your: str, whose: str) -> str:
    seen = ONE_END_SEEN_WORDING.get(exercise, {}).get(end, ONE_END_SEEN_OTHERWISE)
    return seen.format(Your=your, your=whose)


def one_end_warning(exercise: str, end: str) -> str:
    """Why a set of cycles counted no rep though the person moved, for the patient; "" unless one end only was seen.

    Args:
        exercise: the spec's name.
        end: exercises.one_sided.one_end_only's answer: "low", "high" or "".
    """
    if not end:
        return ""
    return (f"{_one_end_seen(exercise, end, 'Your', 'your')}, so no full rep could be counted: from where the camera "
            f"is, the movement away from it can be hidden. {camera_advice(exercise)}")


def one_end_note(exercise: str, end: str) -> str:
    """one_end_warning for the therapist reviewing a saved set or a batch row: third person, no camera advice."""
    if not end:
        return ""
    seen = _one_end_seen(exercise, end, "The patient's", "their")
    return f"{seen}, so no full rep was counted: from this camera position the movement away from it can be hidden."


# For the therapist: what an exercise's rep measurement needs beyond being seen, where that is something the patient
# can get wrong (the words after "the measurement needs").
POSITION_NEEDS: dict[str, str] = {
    "pelvic_tilt": "the hands resting on the front of the hip bones, knees bent",
}


def coverage_note(exercise: str, pose_coverage: float, body_seen_ratio: float) -> str:
    """coverage_warning for the therapist reviewing a saved set: third person, with the share measured."""
    cause = low_coverage_cause(pose_coverage, body_seen_ratio)
    measured = f"measured in {pose_coverage:.0%} of the set, so counts may be low"
    if cause == "position":
        needs = f" (the measurement needs {POSITION_NEEDS[exercise]})" if exercise in POSITION_NEEDS else ""
        return f"In the picture, but out of the exercise's measured position{needs}: {measured}."
    if cause == "unseen":
        return f"The body was hard to see: {measured}."
    if cause == "unknown":
        return f"{measured[0].upper()}{measured[1:]}."
    return ""


# What formcheck is known to miss in an exercise however it is filmed, measured on rendered clips (README, Accuracy),
# said before the set so that a patient is not puzzled and a therapist knows what to check by eye.
KNOWN_LIMITS: dict[str, str] = {
    # Filmed from above (how-to), drawn pelvis rolls of 24-32 degrees read 2-28 against the shoulders, under what a
    # clean hold reads (up to 22): rendered seeds 501-502 and 511-516 through MediaPipe found none. Judged also from
    # where each hold began (session 68), about half are found up to 20 degrees round and none from 40.
    "figure_four_stretch": "formcheck may miss the pelvis rolling to one side in this stretch: check it by eye.",
    # On the rendered mannequin the pose model's hips follow the trunk and show about a fifth of a drawn 15-18
    # degree drop: no hip-drop clip of any seed was flagged.
    "single_leg_stance": "formcheck may miss the hip dropping on the lifted leg's side (a Trendelenburg sign): "
                         "check it by eye.",
    # The reaches are counted from the side, which cannot show a hip hiking (it shows from in front or behind, where
    # the reaches are not counted: NOT_COUNTED_FROM).
    "bird_dog": "Filmed from the side, formcheck cannot see a hip hiking up as the leg lifts: check it by eye, or in "
                "a mirror.",
}

# Views an exercise's reps are not counted from, though some of its faults show only there: advising the patient to
# film from there would lose the count. A bird dog filmed from its head end (rendered seed 1041, yaw 90) counted 0 of
# 4 reaches, and 1 of 3 and 1 of 4 from 70 degrees round: the raised leg is hidden behind the body.
NOT_COUNTED_FROM: dict[str, frozenset[str]] = {"bird_dog": frozenset({"front"})}


def known_limit(exercise: str) -> str:
    """What formcheck is known to miss in this exercise, in one or two plain sentences; "" for none known."""
    return KNOWN_LIMITS.get(exercise, "")


# After a set: what the patient's symptom answer means for them.
SYMPTOM_ADVICE: dict[str, str] = {
    "down_the_leg": (
        "Symptoms spreading down your leg mean this exercise is not right for you today. Stop the exercise and "
        "tell your therapist before you do it again."
    ),
    "towards_the_back": (
        "Symptoms moving up towards your back is usually a good sign. Carry on as your therapist prescribed."
    ),
    "same": "Symptoms stayed the same. Carry on as prescribed, and mention it at your next visit.",
    "high_pain": "Your pain is high. Rest now, and talk to your therapist before the next set.",
    "emergency": (
        "Numbness in the saddle area or loss of bladder or bowel control needs help at once. "
        "Call your doctor or emergency services now."
    ),
}


# How a measurement's confidence (exercises.signals.signal_confidence) is said in reports.
MEASURE_NAMES: dict[str, str] = {
    "knee_deg": "knee angle", "support_knee_deg": "knee angle", "hip_deg": "hip angle", "ankle_deg": "ankle angle",
    "trunk_lean_deg": "trunk lean", "support_shin_from_vertical_deg": "shin angle",
    # Only the wall squat reads it, to judge too_deep: a therapist reading "not measured" learns depth was not judged.
    "thigh_drop_deg": "depth (thigh angle)",
    "support_heel_lift_deg": "heel", "spine_flexion_deg": "back bend", "knee_valgus_ratio": "knee alignment",
    "neck_deg": "neck angle", "other_leg_lift_deg": "resting leg",
    "slump_deg": "slump",
    "moving_knee_deg": "knee angle", "chest_turn_deg": "chest turn",
    # A rep's duration (RepSpec.timing_view_max), judged by too_fast.
    "duration_s": "rep speed",
    # What each of the other exercises' fault rules reads, so a rep's note and "not checked" can name it; each reads
    # after "I could not check your ..." for a patient.
    "hand_thigh_gap_ratio": "hands", "wrist_offset_ratio": "hand position", "knee_offset_ratio": "knee position",
    "neck_length_ratio": "neck", "thigh_rise_deg": "hip lift", "trunk_rise_deg": "head and shoulders",
    "foot_lift_ratio": "raised foot", "hand_reach_ratio": "hands", "pelvis_drop_deg": "hip level",
    "elbow_ahead_ratio": "elbow position", "hip_hike_ratio": "hip level", "raised_thigh_rise_deg": "leg height",
    "knee_stack_gap_ratio": "knee gap", "hip_lift_ratio": "hip lift",
    # A trunk rotation's rep measure: approximate on a rep whose roll one way was read from the knees' height alone.
    "knee_roll_ratio": "knee roll",
    # A bird dog's rep measure: approximate on a reach whose knee was hidden behind the body.
    "reach_deg": "leg reach",
    "knees_parting_ratio": "knee gap", "arm_lift_ratio": "shoulders",
    "pelvis_roll_deg": "pelvis", "front_knee_past_toes_ratio": "front knee", "trunk_lean_back_deg": "trunk lean",
    "back_knee_deg": "back knee", "back_heel_rise_ratio": "back heel", "hips_forward_ratio": "hip position",
    "arm_elbow_deg": "elbow angle", "arm_reach_ratio": "arm reach",
}
CONFIDENCE_WORDS: dict[str, str] = {"reliable": "reliable", "approximate": "approximate", "unknown": "not measured"}


def confidence_note(confidence: dict[str, str], view_deg: float) -> str:
    """How sure a rep's angles are, in one line, e.g. "knee angle approximate: camera about 40° off side-on".

    A measurement the camera's angle does not change is said with its own cause: "shoulders not measured: not seen
    clearly enough".

    Args:
        confidence: signal name -> "reliable", "approximate" or "unknown" (a RepEvent's `confidence`).
        view_deg: how far the camera was from side-on (degrees; NaN if unknown).

    Returns:
        The note; "" when every named measurement is reliable or none is named.
    """
    # A measurement the camera's angle does not change ("any" plane) is unsure because its parts were not seen
    # well: saying the camera's angle beside it would send the therapist to the wrong cause.
    by_view: dict[str, list[str]] = {}
    by_sight: dict[str, list[str]] = {}
    for name, level in confidence.items():
        words = MEASURE_NAMES.get(name)
        groups = by_sight if signal_plane(name) == "any" else by_view
        if words and level != "reliable" and words not in groups.get(level, []):
            groups.setdefault(level, []).append(words)

    def said(groups: dict[str, list[str]]) -> str:
        return "; ".join(f"{', '.join(names)} {CONFIDENCE_WORDS[level]}" for level, names in sorted(groups.items()))

    notes = []
    if by_view:
        if view_deg != view_deg:  # NaN: the camera's view was not known
            notes.append(said(by_view))
        else:
            where = "from the front" if view_deg >= 75 else f"camera about {10 * round(view_deg / 10):.0f}° off side-on"
            notes.append(f"{said(by_view)}: {where}")
    if by_sight:
        notes.append(f"{said(by_sight)}: not seen clearly enough")
    return "; ".join(notes)


# Why a fault could not be checked, by the plane its measurement is seen in (UnjudgedFault.plane), and what to do.
NOT_SEEN_FROM: dict[str, str] = {
    "front": "it shows only from in front or from behind",
    "side": "it shows only from the side",
    "timing": "the start and end of each rep were not seen from this camera angle",
    "rest": "it is judged against its own reading at rest, in the starting position, which the camera did not see "
            "clearly",
}
NOT_SEEN_OTHERWISE = "that part of the body was not seen clearly enough"
FILM_TO_CHECK: dict[str, str] = {
    "front": "film from in front or from behind",
    "side": "film from the side",
    "timing": "film from the side",
    "rest": "start filming before you get into position, with the camera placed as the how-to says",
}
FILM_OTHERWISE = "keep all of you in the picture, in good light"


def fault_words(code: str) -> str:
    """A fault code as words ("hips hiking"), where a short name is wanted rather than its description."""
    return code.replace("_", " ")


def measure_name(signal: str) -> str:
    """What a signal measures, as reports name it (MEASURE_NAMES; the signal's own name if it has none)."""
    return MEASURE_NAMES.get(signal, signal)


def not_seen_because(plane: str) -> str:
    """Why a measurement seen in `plane` could not be had (NOT_SEEN_FROM), e.g. "it shows only from the side"."""
    return NOT_SEEN_FROM.get(plane, NOT_SEEN_OTHERWISE)


def not_checked_line(code: str, signal: str, plane: str) -> str:
    """A fault the clip could not be checked for, for the therapist: which, the measurement it needs, and why.

    E.g. "Hips hiking (`hips_hiking`): hip level not measured, as it shows only from in front or from behind".
    """
    why = not_seen_because(plane)
    return f"{fault_words(code).capitalize()} (`{code}`): {measure_name(signal)} not measured, as {why}"


def partial_text(reps: int | str, partial_reps: int) -> str:
    """A rep count with the partial reps beside it, when there were any: "3", "0 + 2 partial", "3 of 5 + 1 partial"."""
    return f"{reps} + {partial_reps} partial" if partial_reps else f"{reps}"


def rep_numbers(indices: list[int], total: int | None = None) -> str:
    """Which reps, in words: "rep 4 of 4", "reps 2 and 4 of 5", "reps 1, 2 and 5" (no total given)."""
    listed = [str(i) for i in indices]
    said = listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} and {listed[-1]}"
    return f"rep{'s' if len(listed) > 1 else ''} {said}" + (f" of {total}" if total is not None else "")


def partly_checked_line(code: str, signal: str, plane: str, indices: list[int], total: int) -> str:
    """A fault checked on some reps but not on others, for the therapist: which reps, and why.

    E.g. "Pelvis lift (`pelvis_lift`): resting leg not measured in rep 4 of 4, as it shows only from the side".
    """
    where = rep_numbers(indices, total)
    return (f"{fault_words(code).capitalize()} (`{code}`): {measure_name(signal)} not measured in {where}, "
            f"as {not_seen_because(plane)}")


def not_checked_patient_line(unchecked: list[tuple[str, str]], where: str = "in this clip",
                             exercise: str = "") -> str:
    """The same for a patient: one calm sentence for all of them, and how to film so that they are checked.

    Args:
        unchecked: (signal, plane) of each fault not checked (exercises.results.UnjudgedFault).
        where: where in the set it could not be checked, e.g. "in rep 4" (default: in the whole clip).
        exercise: the spec's name: no advice to film from where its reps are not counted (NOT_COUNTED_FROM).

    Returns:
        E.g. "I could not check your knee alignment in this clip. To check it, film from in front or from
        behind."; the filming advice only when every one of them asks for the same, and "check it by eye" instead
        where one of them shows only from a view the exercise is not counted from; "" when there are none.
    """
    names = list(dict.fromkeys(measure_name(signal) for signal, _ in unchecked))
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    it, they = ("it", "it") if len(names) == 1 else ("them", "they")
    if any(plane in NOT_COUNTED_FROM.get(exercise, ()) for _, plane in unchecked):
        return (f"I could not check your {listed} {where}: from this camera position {they} cannot be seen. Check "
                f"{it} by eye, or in a mirror.")
    films = {FILM_TO_CHECK.get(plane, FILM_OTHERWISE) for _, plane in unchecked}
    advice = f" To check {it}, {films.pop()}." if len(films) == 1 else ""
    return f"I could not check your {listed} {where}.{advice}"


# Where recognition found the person, said to them (exercises.detect.POSTURE_LABELS).
POSTURE_WORDS: dict[str, str] = {
    "standing": "standing", "seated": "sitting", "kneeling": "kneeling", "supine": "lying on your back",
    "prone": "lying on your front", "quadruped": "on your hands and knees", "side_lying": "lying on your side",
}


def recognition_doubt(doubt: str, posture: str, titles: tuple[str, ...]) -> str:
    """Why formcheck could not tell the exercise, in one plain sentence for a patient.

    Args:
        doubt: an exercises.detect.Recognition's `doubt` ("no_posture", "no_movement", "tie", "doubtful").
        posture: its most common frame posture (a POSTURE_LABELS name, or anything else when not known).
        titles: the titles of the best-fitting exercises, best first (may be empty).

    Returns:
        The sentence.
    """
    where = POSTURE_WORDS.get(posture)
    if doubt == "no_posture" or (doubt == "no_movement" and where is None):
        return "I could not see enough of your body to tell. Check that all of you is in the picture."
    if doubt == "no_movement":
        return f"You seem to be {where}, but I did not see the movement of an exercise I know."
    if doubt == "tie" and len(titles) >= 2:
        return f"It could be {titles[0]} or {titles[1]}: this clip fits both about as well."
    if titles:
        return f"It looks most like {titles[0]}, but not clearly enough for me to be sure."
    return "I did not see the movement of an exercise I know."
