"""Wall squat / wall sit: slide down a wall to about 90 degrees at knee and hip, back flat on the wall."""

from exercises.body import VIEW_THRESHOLDS
from exercises.spec import COMMON_THRESHOLDS, ExerciseSpec, FaultInfo, FrameRule, HoldSpec, RepRule, RepSpec

WALL_SQUAT = ExerciseSpec(
    name="wall_squat",
    title="Wall squat / wall sit",
    posture="standing",
    facing_from="nose",
    side_rule="nearer",
    posture_signal="trunk_from_vertical_deg",
    required_parts=("shoulder", "hip", "knee", "ankle"),
    signals=(
        "support_knee_deg", "hip_deg", "trunk_lean_deg", "support_shin_from_vertical_deg",
        "support_heel_lift_deg", "hand_thigh_gap_ratio", "thigh_drop_deg", "trunk_from_vertical_deg",
        "knee_valgus_ratio",
    ),
    rep=RepSpec("support_knee_deg", "return_to_high", low_max="knee_work_max_deg",
                high_min="knee_rest_min_deg", dwell_s="rep_dwell_s",
                partial_min_ratio="partial_rep_min_ratio", partial_fault="not_deep_enough"),
    hold=HoldSpec("support_knee_deg", low="hold_knee_min_deg", high="hold_knee_max_deg", min_s="hold_min_s",
                  gap_max_s="hold_gap_max_s", settle_s="hold_settle_s", unseen_gap_max_s="hold_unseen_gap_max_s"),
    frame_rules=(
        # The fault named for this exercise: the trunk tipping away from the wall behind it.
        FrameRule("back_off_wall", "trunk_lean_deg", above="trunk_lean_max_deg"),
        FrameRule("too_deep", "thigh_drop_deg", above="thigh_drop_max_deg", during="work"),
        FrameRule("knees_past_toes", "support_shin_from_vertical_deg", above="shin_forward_max_deg", during="work"),
        FrameRule("heels_lifting", "support_heel_lift_deg", above="heel_lift_max_deg"),
        FrameRule("hands_on_thighs", "hand_thigh_gap_ratio", below="hand_thigh_gap_min_ratio", during="work"),
        # Only the front shows it: elsewhere the signal is unknown and the rule stays silent.
        FrameRule("knee_valgus", "knee_valgus_ratio", above="knee_valgus_max_ratio", during="work"),
    ),
    rep_rules=(RepRule("too_fast", "duration_s", below="rep_duration_min_s"),),
    faults=(
        FaultInfo("back_off_wall", "warn"),
        FaultInfo("too_deep", "warn"),
        FaultInfo("knees_past_toes", "warn"),
        FaultInfo("heels_lifting", "warn"),
        FaultInfo("knee_valgus", "warn"),
        FaultInfo("hands_on_thighs", "info"),
        FaultInfo("too_fast", "info"),
        FaultInfo("not_deep_enough", "info"),
    ),
    thresholds={
        **COMMON_THRESHOLDS,
        # How the camera's view weighs image against world angles and sets each measurement's confidence.
        **VIEW_THRESHOLDS,
        # Standing tall vs squatted: the gap between them is the hysteresis band.
        "knee_rest_min_deg": 150.0,
        "knee_work_max_deg": 120.0,
        "rep_dwell_s": 0.2,
        # A slide down that passes this share of the way from standing (150) to the squat (120), i.e. 135
        # degrees, and comes back up without reaching the squat is a partial rep (not_deep_enough): 15 degrees
        # past the standing edge is well clear of standing sway, and still short of a squat.
        "partial_rep_min_ratio": 0.5,
        # A wall sit: thighs near parallel, knees about 90 degrees; shallower than 125 is not yet sitting.
        "hold_knee_min_deg": 55.0,
        "hold_knee_max_deg": 125.0,
        "hold_min_s": 3.0,
        # A hold survives this long out of the band (shifting, a brief rise), and this long with the legs not seen
        # at all (a camera cut, a close-up, an arm across the knee) when the knee is in the band before and after.
        "hold_gap_max_s": 1.5,
        "hold_unseen_gap_max_s": 3.0,
        "hold_settle_s": 1.5,
        # Back flat on the wall keeps the trunk within a few degrees of vertical.
        "trunk_lean_max_deg": 15.0,
        # "Hips below the knees": judged on the thigh, not the knee angle, so a deep knee bend with the
        # shins forward (a free squat at parallel) is not called too deep.
        "thigh_drop_max_deg": 12.0,
        "shin_forward_max_deg": 25.0,
        "heel_lift_max_deg": 25.0,
        "hand_thigh_gap_min_ratio": 0.12,
        # A knee a fifth of the shin length inside its straight hip-ankle line is about 11 degrees of inward
        # collapse (atan 0.2), well past the few degrees a knee tracking over the toes shows in landmark noise.
        "knee_valgus_max_ratio": 0.2,
        "rep_duration_min_s": 1.5,
    },
)
