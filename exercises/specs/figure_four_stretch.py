"""Figure-four (piriformis) stretch: lying on the back, one ankle crossed over the other knee, held.

Filmed from above, a camera raised beside the mat and tilted down: from the side at floor level the crossed shin
points at the camera and the pose model puts its ankle on the floor, so no crossing is seen (README, Accuracy).
"""

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
    signals=("ankle_on_knee_world_ratio", "pelvis_roll_deg", "trunk_from_horizontal_deg"),
    # Measured from the person's own rest: with both feet down the world ankle-knee gap reads 0.95-1.2 thigh
    # lengths by body and view, the crossing 0.15-0.4 less, so the zones and the hold are drops from the rest value.
    rep=RepSpec("ankle_on_knee_world_ratio", "return_to_high", low_max="crossed_max_ratio",
                high_min="uncrossed_min_ratio", dwell_s="rep_dwell_s", neutral_window_s="rest_window_s",
                neutral_quantile_ratio="rest_quantile_ratio",
                neutral_kept_in_rep=("rest_kept_within_ratio", "rest_kept_in_stretch_max_s")),
    hold=HoldSpec("ankle_on_knee_world_ratio", low="hold_min_ratio", high="crossed_max_ratio", min_s="hold_min_s",
                  gap_max_s="hold_gap_max_s", settle_s="hold_settle_s", from_neutral=True,
                  plateau_ratio="hold_plateau_ratio", unseen_gap_max_s="hold_unseen_gap_max_s"),
    frame_rules=(FrameRule("pelvis_rotating", "pelvis_roll_deg", above="pelvis_roll_max_deg"),
                 FrameRule("pelvis_rotating", "pelvis_roll_deg", above="pelvis_roll_rise_max_deg",
                           from_work_start_s="pelvis_roll_settle_s", during="hold",
                           view_max="pelvis_roll_rise_view_max_deg")),
    rep_rules=(),
    faults=(FaultInfo("pelvis_rotating", "warn"),),
    thresholds={
        **COMMON_THRESHOLDS,
        **HOOK_LYING_THRESHOLDS,
        # The rest: the upper tenth of the last 90 s of the gap, not counting the stretches themselves (below). Holds
        # are most of the time (20-30 s each, the rests between a few seconds), so the median would sit in the hold.
        # Rendered at 0.75, the rest level sank into the holds and cut them short.
        "rest_window_s": 90.0,
        "rest_quantile_ratio": 0.9,
        # Kept through a stretch: taken from every reading, the upper tenth sank into a 30 s stretch once the rest
        # before it was less than a tenth of the window, and timed it 11 s (a 60 s one too, and lost its rep). While a
        # stretch is held it may sink 0.05 below the rest before it, so a rest read up to 0.13 lower after the
        # stretch still ends it (rendered: 0.06-0.09 lower); up to twice the longest stretch prescribed (60 s), then
        # it follows the readings again.
        "rest_kept_within_ratio": 0.05,
        "rest_kept_in_stretch_max_s": 120.0,
        # Drops from the rest (thigh lengths), filmed from above: the holds read 0.15-0.4 below rest (rendered seeds
        # 501-502 at yaw 0-40 and pitch 30-40, through MediaPipe), the rest itself 0.1 either way from frame to
        # frame; between the two edges is the hysteresis band. Chosen on those 12 clips: reps exact 10, holds
        # within 1 s 9 (0.12 and 0.06, or a 0.3 s dwell, counted dips of the rest as stretches).
        "crossed_max_ratio": -0.15,
        "uncrossed_min_ratio": -0.08,
        # A stretch is held 20-30 s: a second of crossing is the least that is one, not a dip of the reading.
        "rep_dwell_s": 1.0,
        # The hold band's other edge: none in practice (a gap cannot shrink by three thigh lengths).
        "hold_min_ratio": -3.0,
        # Stretches are held 20-30 s as prescribed; anything from 3 s is reported, so a short one shows as short.
        "hold_min_s": 3.0,
        # The band's edge sits near rest, so it times most of the crossing and uncrossing (rendered: +1.1-1.5 s on
        # 1.2-1.8 s crossings); timing only while the gap is still, as other holds do, lost whole holds to the
        # reading's jitter (0.1 a frame). So a hold is timed between its first and last frames at least 0.8 of the
        # way from rest to its own level (its median). Chosen on seeds 501-502 raised (12 clips): 0.7-0.9 all time 11
        # within 1 s, against 9 from the band's edge. The ends still read up to a second late: as the foot comes off
        # the knee it first rises, which hardly changes its distance from the knee.
        "hold_plateau_ratio": 0.8,
        "hold_gap_max_s": 1.0,
        # As other holds: a hold survives up to 3 s with the pose lost, the pose in the band before and after (filmed
        # 30 degrees round, the crossed leg hides: rendered seed 536 lost 1-2 s at a time in each hold).
        "hold_unseen_gap_max_s": 3.0,
        "hold_settle_s": 1.0,
        # Drawn, the hip line stays level with the shoulders' and a rolling pelvis tips it 24-32 degrees. Through
        # MediaPipe's world landmarks, filmed from above, a clean crossed hold reads up to 22 (95th percentile; the
        # crossed thigh pulls the hips' estimate round) and a drawn roll mostly less (2-28, rendered seeds 501-502),
        # so the limit sits above the clean holds and most rolls are missed: said as a known limit.
        "pelvis_roll_max_deg": 30.0,
        # So the roll is also judged within the hold, from where the hold began (the median of the first second of
        # the crossing's work; FrameRule.from_work_start_s): the crossed thigh's pull on the hips' estimate is there
        # from the start, a roll comes on top of it. Held 0.4 s, clean crossed holds rose at most 3.4 above that
        # filmed up to 20 degrees round, and a drawn roll of 24 degrees 0.2-14 (median 5.8), on rendered seeds
        # 7202-7203 and the sweeps 6801, 7103 and 7105 (21 rolls, 61 clean holds): at 5, 9 of 21 found where 1 was.
        # Only in the hold: crossing and uncrossing swing the reading as the thigh moves (judged through the whole
        # rep, 5 false flags on those clips where the hold alone had 2, before the view limit below).
        "pelvis_roll_rise_max_deg": 5.0,
        "pelvis_roll_settle_s": 1.0,
        # Filmed further round (the view as read: 1-15 from the side, 8-73 at 20 degrees round, mostly under 33; 35-84
        # at 40), the hips' world estimate swings more than a roll: clean holds rose 5 and 8 there, and no roll at 40
        # degrees round was found. From there only the limit above judges it.
        "pelvis_roll_rise_view_max_deg": 35.0,
    },
)
