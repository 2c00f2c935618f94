"""Open book: lying on one side, knees bent and together, the top arm sweeps the chest open to the ceiling."""

import exercises.signals_prone_side  # noqa: F401  (registers the signals and the side-lying posture named below)
from exercises.spec import COMMON_THRESHOLDS, ExerciseSpec, FaultInfo, FrameRule, RepSpec

OPEN_BOOK = ExerciseSpec(
    name="open_book",
    title="Open book (side-lying rotation)",
    posture="side_lying",
    facing_from="head",
    # The top arm opens: the side whose shoulder is higher.
    side_rule="upper",
    posture_signal="trunk_from_horizontal_deg",
    required_parts=("shoulder", "hip"),
    signals=("shoulder_stack_ratio", "knee_stack_gap_ratio", "trunk_from_horizontal_deg"),
    # Seen from the front the shoulders are stacked at rest and their height split falls as the chest turns open,
    # so a rep leaves the high zone and comes back.
    rep=RepSpec("shoulder_stack_ratio", "return_to_high", low_max="stack_open_max_ratio",
                high_min="stack_rest_min_ratio", dwell_s="rep_dwell_s", partial_min_ratio="partial_rep_min_ratio",
                partial_fault="small_rotation"),
    hold=None,
    frame_rules=(
        FrameRule("knees_separating", "knee_stack_gap_ratio", above="knee_stack_gap_max_ratio"),
    ),
    rep_rules=(),
    faults=(
        FaultInfo("small_rotation", "warn"),
        FaultInfo("knees_separating", "warn"),
    ),
    thresholds={
        **COMMON_THRESHOLDS,
        # Stacked shoulders are about 0.75 trunk lengths apart (rendered bodies 0.7-0.85) and the split falls with
        # the cosine of the chest's turn: 0.6 is turned under 40 degrees (rest), 0.35 past 60 (open; a full open
        # book lays the shoulder blade near the floor, 80-90).
        "stack_rest_min_ratio": 0.6,
        "stack_open_max_ratio": 0.35,
        "rep_dwell_s": 0.3,
        # A turn that gets 30% of the way from rest to open (split 0.525: about 47 degrees) and goes back is a
        # partial rep: small rotation (the range fault).
        "partial_rep_min_ratio": 0.3,
        # Knees resting one on the other read 0.2-0.35 trunk lengths apart (joint centres); the top knee lifted or
        # slid off by a fist's width 0.55 and more, the pelvis turning with the chest.
        "knee_stack_gap_max_ratio": 0.5,
    },
)
