"""Seated knee extension (slump mobilisation of the sciatic nerve): sitting on a chair, the knee straightens slowly.

Each straightening from the hanging knee and back is one rep. The slump version, the default, is done with the back
rounded and the chin dropped, which tensions the nerve further; a therapist who prescribes the knee extension
sitting tall switches the slump check off (`slump_required_flag` 0). As in the lying nerve glide, the knee goes only
as far as light tension: the therapist sets `knee_extension_target_deg`, and a rep past it is `beyond_target`.

Filmed from the side, the working leg nearer the camera: the slump is a forward lean, seen only from the side. The
knee itself is read from the picture as a side-on camera would see it and from the world landmarks away from side-on,
so the reps count from an angle too.
"""

import exercises.signals_seated  # noqa: F401  (registers the seated posture and the slump signal)
from exercises.body import VIEW_THRESHOLDS
from exercises.spec import COMMON_THRESHOLDS, ExerciseSpec, FaultInfo, FrameRule, RepRule, RepSpec

SEATED_KNEE_EXTENSION = ExerciseSpec(
    name="seated_knee_extension",
    title="Seated knee extension (slump nerve mobility)",
    posture="seated",
    # Forward is where the knees point: a slumped sitter's dropped chin leaves the nose straight below the ears.
    facing_from="knees",
    side_rule="nearer",
    posture_signal="trunk_from_vertical_deg",
    required_parts=("hip", "knee", "ankle"),
    signals=("moving_knee_deg", "slump_deg", "hip_deg", "trunk_from_vertical_deg"),
    rep=RepSpec("moving_knee_deg", "return_to_low", low_max="knee_bent_max_deg", high_min="knee_extended_min_deg",
                dwell_s="rep_dwell_s",
                high_min_near_target=("knee_extension_target_deg", "knee_extended_short_of_target_deg"),
                partial_min_ratio="partial_rep_min_ratio", partial_fault="short_of_target",
                start_from_rest_within="rep_rest_within_deg"),
    hold=None,
    frame_rules=(
        FrameRule("trunk_not_slumped", "slump_deg", below="slump_min_deg", during="rep",
                  enabled_by="slump_required_flag"),
    ),
    rep_rules=(
        RepRule("too_fast", "duration_s", below="rep_duration_min_s"),
        RepRule("beyond_target", "max:moving_knee_deg", above="knee_extension_target_deg",
                margin="knee_extension_margin_deg"),
    ),
    faults=(
        FaultInfo("trunk_not_slumped", "warn"),
        FaultInfo("too_fast", "warn"),
        FaultInfo("beyond_target", "stop"),
        FaultInfo("short_of_target", "info"),
    ),
    thresholds={
        **COMMON_THRESHOLDS,
        # How the camera's view weighs image against world angles and sets each measurement's confidence.
        **VIEW_THRESHOLDS,
        # The knee from the picture as a side-on camera would see it: turned round, the picture shrinks the shin's
        # forward reach by the cosine of the turn and a straightening reads short (rendered, two clips 43-44 degrees
        # round: 11-21 short, 4 of their 8 reps called partial; taken as seen side-on, 2-16 short and 1 partial;
        # seed 6101 filmed 40 round: 11 short in the median, 6 now; fresh seed 6102: 7.5 short, 5.1 now).
        "joint_side_plane_flag": 1.0,
        # The slump is read up to a view of 65, not 55, as the back extension's lean is: sitting tall turns the
        # shoulder line the view is read from, and filmed 40 degrees round the view read 58-61 through every rep
        # sat tall, so the slump was unknown just there and not one was flagged (rendered seed 6101: 2 of 2
        # missed). Widened up to 1/cos 65, an upright trunk's few degrees stay short of the slump's 15.
        "view_sagittal_max_deg": 65.0,
        # The knee is the straighter of both legs (moving_knee_deg), and MediaPipe gives the straightening near leg
        # the far side's label, at visibility 0.15-0.4, in some frames of a slumped rep: both legs are read from 0.1.
        "landmark_visibility_min_ratio": 0.1,
        # The knee hangs at 80-100 degrees from the chair's edge; above that it has started to straighten.
        "knee_bent_max_deg": 110.0,
        # Slumped, the nerve's tension stops the knee well short of straight (light tension at 130-170 degrees), and
        # the pose model reads a slumped sitter's straightest knee short: 8 degrees or more in a tenth of reps
        # (rendered on a chair; 5-15 and at times with both legs hanging when the renderer drew no seat). A
        # straightening past 135 is a rep.
        "knee_extended_min_deg": 135.0,
        "rep_dwell_s": 0.2,
        # A straightening half the way from the bent zone to the extended one (122.5 degrees by default) that bends
        # back without getting there is a partial rep (short_of_target).
        "partial_rep_min_ratio": 0.5,
        # Set per patient: extension is limited by symptoms, not by the joint; 180 means no limit.
        "knee_extension_target_deg": 180.0,
        # Knee angles from landmarks carry a few degrees of error; past the target by more than this is real. The pose
        # model reads a seated knee straightening short far more often than long (rendered, 522 reps: the read peak
        # 1 short of the drawn in the median, 5 over at the 95th percentile, and the peak held 0.2 s less), so a
        # margin of 8 missed reps drawn 12-16 past the target that read 4-10 past it: 206 seated clips (seeds
        # 617-1191), beyond_target found 23 -> 30 of 42 at 3, false flags 1 -> 1 (at 0: 32 found, 10 false).
        "knee_extension_margin_deg": 3.0,
        # A straightening counts as a rep once it comes this close to a prescribed target below 155. The patient
        # stops at light tension, short of the target (the renderer draws 5-10 short), and the pose model reads the
        # slumped sitter's straightest knee 5-15 short again: at 10, rendered extensions to targets of 141-149
        # (seeds 8901-8902, 8 clips) counted 3 of 8 exactly, with 12 reps called partial; at 20, 7 of 8.
        "knee_extended_short_of_target_deg": 20.0,
        # A rep starts when the knee last left within this of its hanging rest, so it is timed over the whole
        # straightening, however far a prescribed target lets it go.
        "rep_rest_within_deg": 5.0,
        # Slow and gentle, as in the lying glide: a straighten-and-bend faster than this is jerking the nerve. Timed
        # from leaving rest to coming back into the bent zone.
        "rep_duration_min_s": 2.0,
        # The slump is prescribed by default (this is the slump mobilisation); 0 for the version sitting tall.
        "slump_required_flag": 1,
        # Sitting tall the hip-ear line leans 0-8 degrees; a slump with the chin down 25-40. Halfway-plus is
        # slumped enough; below it during a rep, the trunk was not slumped.
        "slump_min_deg": 15.0,
    },
)
