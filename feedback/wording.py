"""Every user-facing word about a fault, in one table keyed by fault code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FaultWording:
    """How a fault is said: a short calm cue for the patient, a precise description for the therapist."""

    cue: str
    description: str


WORDING: dict[str, FaultWording] = {
    "back_off_wall": FaultWording(
        "Keep your back against the wall.",
        "Trunk tipped away from the wall (hip-shoulder line beyond the allowed lean from vertical).",
    ),
    "too_deep": FaultWording(
        "Not so low - stop with your thighs level.",
        "Hips dropped below the knees (thigh sloping down towards the hip).",
    ),
    "knees_past_toes": FaultWording(
        "Walk your feet a little further from the wall.",
        "Shins tilted forward beyond the limit: knees travelling past the toes, usually feet too close to the wall.",
    ),
    "heels_lifting": FaultWording("Keep your heels on the floor.", "Heel rose off the floor (toe-heel line tilted)."),
    "hands_on_thighs": FaultWording(
        "Let your hands rest - no pushing on your thighs.",
        "Wrist on the lower thigh during the squat: hands pushing on the thighs.",
    ),
    "too_fast": FaultWording("Slow down - smooth and steady.", "Repetition shorter than the minimum duration."),
    "thigh_drift": FaultWording(
        "Keep your thigh pointing at the ceiling.",
        "Hip angle left the band around 90 degrees: the held thigh drifted from vertical.",
    ),
    "beyond_target": FaultWording(
        "Not so far - stop at light tension.",
        "Knee extension went past the prescribed target angle.",
    ),
    "pelvis_lift": FaultWording(
        "Keep your other leg and hips resting on the floor.",
        "The resting leg rose from the floor (pelvis or other leg lifting).",
    ),
    "ankle_not_dorsiflexed": FaultWording(
        "Pull your toes towards you as you straighten.",
        "Ankle not dorsiflexed at the end of the extension although the prescription asks for it.",
    ),
    "small_range": FaultWording(
        "Round and arch your back a little more, if it is comfortable.",
        "Spinal flexion-extension range of the rep below the minimum (back outline bend).",
    ),
    "hands_not_under_shoulders": FaultWording(
        "Place your hands under your shoulders.", "Wrists well ahead of or behind the shoulders.",
    ),
    "knees_not_under_hips": FaultWording(
        "Place your knees under your hips.", "Knees well ahead of or behind the hips.",
    ),
    "shoulders_shrugged": FaultWording(
        "Let your shoulders relax away from your ears.", "Ear-to-shoulder distance small: shoulders shrugged.",
    ),
}


def cue(code: str) -> str:
    """The patient-facing cue for a fault code (the code itself if it has no wording yet)."""
    w = WORDING.get(code)
    return w.cue if w else code


def description(code: str) -> str:
    """The therapist-facing description of a fault code."""
    w = WORDING.get(code)
    return w.description if w else code
