"""Figure-four (piriformis) stretch: lying on the back, one ankle crossed over the other knee, held."""

import exercises.signals_supine  # noqa: F401  (registers the hook-lying signals named below)
from exercises.spec import (
    COMMON_THRESHOLDS,
    HOOK_LYING_THRESHOLDS,
    ExerciseSpec,
    FaultInfo,
    FrameRule,
    HoldSpec,
    RepSpec,
)

FIGURE_FOUR_STRETCH = ExerciseSpec(
    name="figure_four_stretch",
    title="Figure-four stretch (piriformis)",
    posture="supine",
    facing_from="head",
    # The crossed leg's ankle rests up on the other knee: the higher ankle.
    side_rule="raised_ankle",
    posture_signal="trunk_from_horizontal_deg",
    required_parts=("hip", "knee", "ankle"),
    signals=("ankle_on_knee_ratio", "pelvis_roll_deg", "trunk_from_horizontal_deg"),
    rep=RepSpec("ankle_on_knee_ratio", "return_to_high", low_max="crossed_max_ratio", high_min="uncrossed_min_ratio",
                dwell_s="rep_dwell_s"),
    hold=HoldSpec("ankle_on_knee_ratio", low="hold_min_ratio", high="crossed_max_ratio", min_s="hold_min_s",
                  gap_max_s="hold_gap_max_s", settle_s="hold_settle_s"),
    frame_rules=(FrameRule("pelvis_rotating", "pelvis_roll_deg", above="pelvis_roll_max_deg"),),
    rep_rules=(),
    faults=(FaultInfo("pelvis_rotating", "warn"),),
    thresholds={
        **COMMON_THRESHOLDS,
        **HOOK_LYING_THRESHOLDS,
        # The crossed ankle rests on the other thigh by its knee: drawn 0.2 thigh lengths away, read 0.4-0.6 through
        # MediaPipe (rendered side views). With both feet on the floor 0.8-1.1; the gap between is the hysteresis band.
        "crossed_max_ratio": 0.65,
        "uncrossed_min_ratio": 0.78,
        "rep_dwell_s": 0.3,
        "hold_min_ratio": 0.0,
        # Stretches are held 20-30 s as prescribed; anything from 3 s is reported, so a short one shows as short.
        "hold_min_s": 3.0,
        "hold_gap_max_s": 1.0,
        "hold_settle_s": 1.0,
        # Drawn, the hip line stays level and a rolling pelvis tips it 25 or more. Through MediaPipe's world
        # landmarks a clean crossed hold already reads 20-23 (the crossed thigh pulls the hips' estimate round),
        # so the limit sits above that, at the cost of missing small rolls.
        "pelvis_roll_max_deg": 30.0,
    },
)
