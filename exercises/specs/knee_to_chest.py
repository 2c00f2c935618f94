"""Knee-to-chest stretch: lying on the back, hug one knee (or both) towards the chest and hold, head down."""

import exercises.signals_floor  # noqa: F401  (registers the signals named below)
from exercises.body import VIEW_THRESHOLDS
from exercises.side import RAISED_KNEE_THRESHOLDS
from exercises.spec import COMMON_THRESHOLDS, ExerciseSpec, FaultInfo, FrameRule, HoldSpec, RepSpec

KNEE_TO_CHEST = ExerciseSpec(
    name="knee_to_chest",
    title="Knee-to-chest stretch (single or double)",
    posture="supine",
    facing_from="head",
    # The hugged knee is the higher one; in the double version either leg serves.
    side_rule="raised_knee",
    posture_signal="trunk_from_horizontal_deg",
    required_parts=("shoulder", "hip", "knee"),
    signals=("hip_deg", "other_leg_lift_deg", "trunk_rise_deg", "trunk_from_horizontal_deg"),
    rep=RepSpec("hip_deg", "return_to_high", low_max="hip_work_max_deg", high_min="hip_rest_min_deg",
                dwell_s="rep_dwell_s"),
    hold=HoldSpec("hip_deg", low="hold_hip_min_deg", high="hold_hip_max_deg", min_s="hold_min_s",
                  gap_max_s="hold_gap_max_s", settle_s="hold_settle_s", unseen_gap_max_s="hold_unseen_gap_max_s",
                  still_max_per_s="hold_still_max_deg_per_s", still_window_s="hold_still_window_s"),
    frame_rules=(
        FrameRule("other_leg_lifting", "other_leg_lift_deg", above="other_leg_lift_max_deg",
                  enabled_by="single_leg_flag"),
        FrameRule("head_shoulders_lifting", "trunk_rise_deg", above="trunk_rise_max_deg",
                  from_rest_window_s="trunk_rest_window_s"),
    ),
    rep_rules=(),
    faults=(
        FaultInfo("other_leg_lifting", "warn"),
        FaultInfo("head_shoulders_lifting", "warn"),
    ),
    thresholds={
        **COMMON_THRESHOLDS,
        **VIEW_THRESHOLDS,
        # The hip angle from the picture at any view: lying with the knee hugged in, MediaPipe's world hip reads too
        # open off side-on (its depth is shallow for a body lying down), the picture within a few degrees. Rendered
        # knee to chest clips (bench.accuracy, seed 7001, 24 clips, pitch -15..+15), hip median|p90 degrees picture
        # against world: side-on 3.3|8.6 / 8.0|17.4, a true 20 2.4|13.8 / 10.1|18.3, 40 4.4|30.0 / 20.8|68.2, 60
        # 9.7|41.6 / 21.7|49.7. Reading it so: reps exact 20 -> 21 of 24, hold error 2.3 -> 1.8 s (at 40, five
        # holds timed 0 -> three). The head lift's trunk line keeps the world's (view_trunk_*, exercises.body).
        "view_hip_image_only_max_deg": 90.0,
        "view_hip_world_only_min_deg": 91.0,
        # The far leg drawn up to the chest is half hidden behind the near thigh: the pose model places its knee
        # well but rates it 0.41-0.54 visible (rendered seed 1002, 13 degrees off side-on), and at the common 0.5
        # the frames were not judged: a held stretch timed 0 (seeds 871 and 1002), a rep lost. The press-up and the
        # calf stretch's back knee read their half-hidden knees from 0.3 for the same reason.
        "landmark_visibility_min_ratio": 0.3,
        # Which knee is the hugged one (exercises.side, side rule raised_knee).
        **RAISED_KNEE_THRESHOLDS,
        # ... but without the visibility test: a hugged far knee, pulled in behind the near thigh, is seen much less
        # well than the near leg lying out (rendered seed 871: 0.27-0.51 against 0.9-1.0), unlike a glide's raised
        # leg. With the test, that clip chose the near leg and counted nothing; over 69 knee to chest clips (seeds
        # 617-751, 821-836, 861-866, 871) it gained one near-leg clip and lost that far one. 1 is the whole range.
        "raised_knee_seen_below_other_max_ratio": 1.0,
        # Lying with the leg out straight the hip reads 170-180, with the foot on the floor and the knee bent
        # 120-140; a knee hugged to the chest 40-70. The gap between 100 and 80 is the hysteresis band.
        "hip_rest_min_deg": 100.0,
        "hip_work_max_deg": 80.0,
        "rep_dwell_s": 0.3,
        # The hold: the knee held in to the chest (40-70). Below 20 the landmarks have folded onto each other; the
        # upper edge is below the rep's work edge so that little of the way in and out is timed as holding.
        "hold_hip_min_deg": 20.0,
        "hold_hip_max_deg": 70.0,
        # Prescribed holds are 15-60 s; anything from about 5 s is reported, so a short hold shows as short (timed
        # still, a 5 s hold reads 4.7-4.9: the stillness is judged over the last hold_still_window_s).
        "hold_min_s": 4.5,
        # Shifting the grip moves the knee for a moment; a leg out of the picture for a few seconds (the hands
        # and the other leg cross it) does not end the hold when the knee is in before and after.
        "hold_gap_max_s": 1.5,
        "hold_unseen_gap_max_s": 3.0,
        "hold_settle_s": 1.0,
        # The hold is the time the knee is held in, still: the band starts partway through the pull, and the way in
        # and out timed as holding added 0.3-0.5 s (rendered seed 191: 0.1-0.3 s short timed still). A pull moves
        # the hip 100 degrees or more in a second or two; a held knee rocks with the breath and the grip, 2-3
        # degrees each way, at up to 5-6 a second (drawn and read): at 5 a whole clean 5.7 s hold went untimed
        # (rendered seed 347), so the limit sat at twice that. Filmed 19-40 degrees round the pose model's hip jitters
        # 8-9 degrees within 0.3 s while the knee is held (rendered seed 1191 at 19: 56, 48, 53; a 6.6 s hold timed
        # 0), so it sits at 30 (9 degrees in the window), still under half a pull's 50-100 a second. 93 knee to chest
        # clips (seeds 617-1191, up to 60 round), with trunk_rise_deg from the world landmarks off side-on: holds
        # within 1 s 84 -> 87, mean error 0.60 -> 0.54 s (none at all: 88, but 0.71 s, the way in and out timed).
        # The price: side-on a little of the way in and out counts, and holds there read 0.19 s long (0.01 before).
        "hold_still_max_deg_per_s": 30.0,
        "hold_still_window_s": 0.3,
        # The resting leg lies flat (hip->ankle within 5-10 degrees of level); one lifted 20 or more is helping.
        "other_leg_lift_max_deg": 20.0,
        # The resting leg's knee reads 120-180 (straight, or the foot on the floor) and stays straight as the leg
        # lifts (a fault clip: 172-179, seen at 0.9); read folded under this, or unseen, it is the pose model laying
        # it onto the hugged leg (head-lift clip, seed 141: 48-120 at 0.4-0.7 seen, a false 20-87 degree "lift"),
        # so its lift is unknown there.
        "other_knee_folded_max_deg": 100.0,
        # Off for the double knee-to-chest, where both legs come up.
        "single_leg_flag": 1,
        # Lying, the hip-shoulder line is within a few degrees of level (the pelvis rolls up a little as the knee
        # comes in, which tips it the other way); head and shoulders curled off the floor raise it 15-30. Judged as a
        # rise from the line lying at rest, not from level: MediaPipe's world axes turn with the camera, so a table
        # camera looking down 14 degrees, 40 round, read a body lying flat 13-15 up (rendered seed 7001), past the
        # limit for the whole clip, and the hold, every frame of it "faulted", timed 0. A pillow raises it too.
        "trunk_rise_max_deg": 12.0,
        # The rest level: the median of the trunk line over the last 20 s lying with the legs out.
        "trunk_rest_window_s": 20.0,
    },
)
