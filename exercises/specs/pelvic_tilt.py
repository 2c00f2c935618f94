"""Pelvic tilt lying on the back, knees bent: press the lower back flat into the floor, hold about 5 s, let go."""

import exercises.signals_floor  # noqa: F401  (registers hip_lift_ratio)
import exercises.signals_supine  # noqa: F401  (registers the hook-lying signals named below)
from exercises.spec import COMMON_THRESHOLDS, ExerciseSpec, FaultInfo, FrameRule, HoldSpec, RepRule, RepSpec

PELVIC_TILT = ExerciseSpec(
    name="pelvic_tilt",
    title="Pelvic tilt (lying, knees bent)",
    posture="supine",
    facing_from="head",
    side_rule="nearer",
    posture_signal="trunk_from_horizontal_deg",
    required_parts=("shoulder", "hip", "knee", "ankle"),
    # spine_flexion_deg is listed so that pose estimation computes the outline hook_arch_deg reads.
    signals=("hook_arch_deg", "hip_lift_ratio", "spine_flexion_deg", "trunk_from_horizontal_deg"),
    rep=RepSpec("hook_arch_deg", "return_to_low", low_max="arch_rest_max_deg", high_min="arch_flat_min_deg",
                dwell_s="rep_dwell_s"),
    hold=HoldSpec("hook_arch_deg", low="hold_arch_min_deg", high="hold_arch_max_deg", min_s="hold_min_s",
                  gap_max_s="hold_gap_max_s", settle_s="hold_settle_s"),
    frame_rules=(FrameRule("buttocks_lifting", "hip_lift_ratio", above="hip_lift_max_ratio"),),
    rep_rules=(RepRule("too_fast", "duration_s", below="rep_duration_min_s"),),
    faults=(FaultInfo("buttocks_lifting", "warn"), FaultInfo("too_fast", "warn")),
    thresholds={
        **COMMON_THRESHOLDS,
        # The back's outline bend lying hook-lying: the natural arch reads about -20 to -30 (rendered clips through
        # MediaPipe), pressed flat about -5 to 0. The gap between -14 and -8 is the hysteresis band.
        "arch_rest_max_deg": -14.0,
        "arch_flat_min_deg": -8.0,
        "rep_dwell_s": 0.3,
        # The hold: the back pressed flat (a curl further, into flexion, is still flat on the floor).
        "hold_arch_min_deg": -8.0,
        "hold_arch_max_deg": 25.0,
        # Prescribed holds are about 5 s; from 2 s a hold is reported, so a short one shows as short.
        "hold_min_s": 2.0,
        "hold_gap_max_s": 0.6,
        "hold_settle_s": 0.5,
        # The hips sit about 0.1 trunk lengths above the shoulder-heel line lying hook-lying; a small bridge
        # (buttocks off the floor, 5 cm or more) raises them past 0.2.
        "hip_lift_max_ratio": 0.2,
        # Flatten, hold, let go takes 5 s or more; under 2 s there was no hold at all.
        "rep_duration_min_s": 2.0,
    },
)
