"""Lower trunk rotation: lying on the back, knees bent and together, roll them slowly to one side and the other."""

import exercises.signals_supine  # noqa: F401  (registers the hook-lying signals named below)
from exercises.spec import COMMON_THRESHOLDS, ExerciseSpec, FaultInfo, FrameRule, RepSpec

LOWER_TRUNK_ROTATION = ExerciseSpec(
    name="lower_trunk_rotation",
    title="Lower trunk rotation (knee rocking)",
    posture="supine",
    facing_from="head",
    side_rule="nearer",
    posture_signal="trunk_from_horizontal_deg",
    required_parts=("shoulder", "hip", "knee"),
    signals=("knee_roll_ratio", "shoulder_roll_deg", "knee_gap_ratio", "trunk_from_horizontal_deg"),
    # One rep is a roll to each side, in either order: the cycle mode.
    rep=RepSpec("knee_roll_ratio", "cycle", low_max="roll_right_max_ratio", high_min="roll_left_min_ratio",
                dwell_s="rep_dwell_s"),
    hold=None,
    frame_rules=(
        FrameRule("shoulders_lifting", "shoulder_roll_deg", above="shoulder_roll_max_deg", during="rep"),
        FrameRule("knees_apart", "knee_gap_ratio", above="knee_gap_max_ratio", during="rep"),
    ),
    rep_rules=(),
    faults=(FaultInfo("shoulders_lifting", "warn"), FaultInfo("knees_apart", "warn")),
    thresholds={
        **COMMON_THRESHOLDS,
        # Knees rolled 40-60 degrees each way read 0.07-0.12 trunk lengths of drop of one knee below the other;
        # at rest within 0.02. The band between -0.045 and +0.045 keeps the knees' sway in the middle from counting.
        "roll_left_min_ratio": 0.045,
        "roll_right_max_ratio": -0.045,
        "rep_dwell_s": 0.3,
        # The shoulder line stays within a few degrees of level lying flat; one shoulder peeling off the floor
        # tips it 20 or more.
        "shoulder_roll_max_deg": 14.0,
        # Knees together sit about hip-width apart (ratio about 1); falling apart they spread to twice that.
        "knee_gap_max_ratio": 1.7,
    },
)
