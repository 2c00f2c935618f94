"""Standing back extension: hands on the low back, hips pushed forward, lean the trunk back, and return.

Each lean back and return is one rep (a clinic prescribes about 10, with a brief pause at the end of the range), for
patients whose symptoms ease in extension. A side view is needed: the lean, the hips and the knees move forward and
back.

The extension should come from the low back over hips pushed forward, knees straight: bending the knees, or leaning
back without moving the hips (tipping the whole body back from the ankles), skips the extension.
"""

import exercises.signals_stretch  # noqa: F401  (registers the signals this spec names)
from exercises.spec import COMMON_THRESHOLDS, ExerciseSpec, FaultInfo, FrameRule, RepRule, RepSpec

BACK_EXTENSION = ExerciseSpec(
    name="back_extension",
    title="Standing back extension",
    posture="standing",
    facing_from="nose",
    side_rule="nearer",
    posture_signal="trunk_from_vertical_deg",
    required_parts=("shoulder", "hip", "knee", "ankle"),
    signals=("trunk_lean_back_deg", "knee_deg", "hips_forward_ratio", "trunk_from_vertical_deg"),
    rep=RepSpec("trunk_lean_back_deg", "return_to_low", low_max="lean_rest_max_deg", high_min="lean_back_min_deg",
                dwell_s="rep_dwell_s"),
    hold=None,
    frame_rules=(
        FrameRule("knees_bending", "knee_deg", below="knee_min_deg", during="rep"),
    ),
    rep_rules=(
        RepRule("hips_not_forward", "rise:hips_forward_ratio", below="hips_forward_rise_min_ratio"),
    ),
    faults=(
        FaultInfo("knees_bending", "warn"),
        FaultInfo("hips_not_forward", "warn"),
    ),
    thresholds={
        **COMMON_THRESHOLDS,
        # Standing tall the trunk is within a few degrees of vertical; a back extension leans it 15-30 degrees
        # back. The gap between the edges is the hysteresis band.
        "lean_rest_max_deg": 6.0,
        "lean_back_min_deg": 13.0,
        "rep_dwell_s": 0.2,
        # Straight knees read 170-180; bending them to lean back drops them below 155 (a soft knee stays above).
        "knee_min_deg": 155.0,
        # Hips pushed forward move the hip mid-point a tenth of a leg length or more ahead of where it stood;
        # leaning back without them keeps it there or moves it back. Judged from where the person stood, not from
        # the ankles: the pose model places the hips -0.03 to 0.10 of a leg length off the ankles at rest, by build,
        # and reads a push at about half of it (rendered seeds 191-197, 21 clips: good reps rose 0.025-0.11, reps
        # tipping back from the ankles 0.00-0.02).
        "hips_forward_rise_min_ratio": 0.022,
    },
)
