"""Walking, filmed from the side (across the frame or on a treadmill): steps per leg, and the signs of foot drop.

Steps are found per leg by exercises.gait from the recorded foot trajectories (`events="gait"`), live too (over the
last seconds, exercises.gait.LiveSteps), and the replay counts the report's steps. The rep count on
`step_spread_ratio` (feet apart, then together, once per step) is only the engine's frame-by-frame counter, which
every spec needs; no view shows it.
"""

import exercises.signals_gait  # noqa: F401  (registers the gait signals this spec names)
from exercises.gait import GAIT_FAULTS
from exercises.signals_gait import GAIT_SIGNALS
from exercises.spec import COMMON_THRESHOLDS, ExerciseSpec, FaultInfo, RepSpec

WALK = ExerciseSpec(
    name="walk",
    title="Walking (gait check for foot drop)",
    posture="standing",
    facing_from="nose",
    side_rule="nearer",
    posture_signal="trunk_from_vertical_deg",
    required_parts=("hip", "knee", "ankle"),
    signals=("step_spread_ratio", "trunk_from_vertical_deg", *GAIT_SIGNALS),
    rep=RepSpec("step_spread_ratio", "return_to_low", low_max="feet_together_max_ratio",
                high_min="feet_apart_min_ratio", dwell_s="step_dwell_s"),
    hold=None,
    frame_rules=(),
    rep_rules=(),
    faults=tuple(FaultInfo(code, "info") for code in GAIT_FAULTS),
    events="gait",
    thresholds={
        **COMMON_THRESHOLDS,
        # Walking legs cross and hide each other every step; MediaPipe still places the far leg well, so its
        # landmarks are used down to a lower visibility than for the held exercises.
        "landmark_visibility_min_ratio": 0.5,
        # A swinging foot moves at 3-5 m/s: a causal filter (the engine's One Euro smoothing, at 10 Hz here before)
        # reads it late and turns the foot's angle. Walking is smoothed by the gait analysis instead, centred in
        # time so nothing lags: a Gaussian of this sigma over the landmark series. Through MediaPipe (rendered walks
        # past the camera and back, 3600-3639, near leg) the ankle as read was 4.9 degrees off with the engine's
        # filter, 4.3 with this instead, 4.0 with the flat-foot tilt below as well (fresh 3800-3839: 5.6 -> 4.7);
        # contacts a median 23 -> 29 ms from the truth.
        "smoothing_enabled_flag": 0,
        "gait_smoothing_sigma_s": 0.03,
        # ... and never under half a frame interval, so at a webcam's 10 frames/s it still reaches the neighbouring
        # frames (0.03 s there is one frame alone: late-swing foot pitch then read a single jittery frame, and three
        # normal swings of landmark-level walks 1300-1339 were flagged).
        "gait_smoothing_sigma_min_frame_ratio": 0.5,
        # The foot line's tilt with the foot flat is read over frames where both ends are within this of the floor
        # (about 8 cm) ...
        "flat_foot_height_max_ratio": 0.2,
        # ... and move with the floor, within this (still across the picture; with the belt on a treadmill): a foot
        # rolling onto its heel or off its toes is not flat though its ends are low. Height alone (the contact
        # margin, 0.06) picked 9-50 frames a pass and read tilts up to 9 degrees off (rendered walk 3613: -14.5 for
        # a foot whose ankle the landmarks read 6-7 degrees low throughout).
        "flat_foot_speed_max_ratio_per_s": 1.0,
        # Live step count: ankles passing (under 0.3 of a leg apart: at 30 fps a fast crossing is seen a frame or
        # two, never at 0) and then a step's spread (a slow 0.6 m/s step of 0.38 m is nearly half a 0.8 m leg).
        "feet_together_max_ratio": 0.3,
        "feet_apart_min_ratio": 0.4,
        "step_dwell_s": 0.03,
        # A step takes 0.45-0.75 s at 0.6-1.4 m/s: two contacts are never closer than 0.3 s.
        "step_min_interval_s": 0.3,
        # Legs alternate; a gap over this many median steps is a step not seen, after which the legs are
        # named afresh.
        "step_gap_max_ratio": 1.6,
        # The heel swings about 1.5 shank lengths forward relative to the hips (0.8 on a first step from
        # standing); half a shank tells a swing from landmark jitter.
        "swing_excursion_min_ratio": 0.5,
        # The rise of the heel's reach is looked for over one swing (0.35-0.5 s) and a little more.
        "swing_window_s": 0.7,
        # A foot this close to the picture's side edge (share of the width) is partly out: its step is cut there.
        "frame_edge_margin_ratio": 0.02,
        # A contact needs this much seen after it (the heel going back): a reach at the clip's last frame is cut.
        "event_confirm_s": 0.08,
        # The foot comes down to its stance height in the last part of swing, before the heel's furthest reach.
        "contact_search_s": 0.2,
        # The foot is down when its lowest point is within this of its own stance height (landmark jitter is
        # about a twentieth of a shank).
        "contact_height_margin_ratio": 0.06,
        # A foot point's floor level is its height's low percentile over the clip: a foot is down 60% of the time,
        # and the lowest few percent are landmark noise.
        "floor_level_percentile_ratio": 0.1,
        # A swing whose toe-off came before the clip started is measured over this much before contact.
        "swing_default_s": 0.4,
        # A swing lasts 0.35-0.5 s at 0.6-1.4 m/s (about 40% of a gait cycle), and toe-offs are read up to 0.15 s
        # late (0.21-0.25 s swings on the real walks): one read shorter than this (0.1 s on a real walker coming in
        # at the picture's side, its toe-off the model's first frames) was not seen, and is not judged.
        "swing_min_s": 0.2,
        # A frame's legs are taken as swapped (left labelled right) when the swapped labels fit where each leg
        # was heading at least this much better (the pose model swaps them from the side, often at a crossing).
        "leg_swap_cost_ratio": 0.5,
        # The model's swaps last a few frames; a longer swapped stretch is the comparison losing track.
        "leg_swap_max_s": 0.3,
        # Landmark gaps up to this long (one leg hiding the other) are bridged by interpolation.
        "gait_gap_fill_max_s": 0.15,
        # A walk past the camera and back is analysed pass by pass, each in its own direction. A pass may end where
        # no one is seen for this long (walked out of the picture to turn; a leg hidden behind the other is under
        # gait_gap_fill_max_s) ...
        "pass_gap_min_s": 0.5,
        # ... or where the hips' travel across the picture, measured over this window (about two steps, so the
        # sway within a step averages out), turns round ...
        "pass_turn_window_s": 1.0,
        # ... travelling at least this many shank lengths a second either way (0.6 m/s is about 1.4; a treadmill
        # walker drifts under 0.2). Pieces that walk the same way stay one pass.
        "pass_travel_min_ratio_per_s": 0.5,
        # The heel-toe landmark line is about 0.6 of a shank (foot 0.15, shank 0.25 of height); under 0.3 the foot
        # is seen end-on or its points have collapsed, and its angle is not judged.
        "foot_length_min_ratio": 0.3,
        # From the side the far leg is behind the near one, and the pose model places its foot from its idea of a
        # foot: a far foot drawn 16 degrees pointed read 1-3 degrees, a far normal foot anything from -6 to +21
        # (rendered walks), and on the real walks the far leg gave the one false foot drop. The model says which
        # leg is far: the mean visibility of its knee, ankle, heel and toe is 0.70-0.88 against the near leg's
        # 0.94-0.99 (clip medians of 3 real and 46 rendered side-view walks, gaps 0.11-0.25). A leg seen this much
        # less well than the other over its swing is the far leg, and its foot measures are unknown.
        "far_leg_visibility_gap_ratio": 0.05,
        # foot_drop: the ankle never comes back to neutral in swing (normal swing peaks at 0-10 degrees of
        # dorsiflexion; drop foot stays 10-25 plantarflexed) ...
        # Through MediaPipe a normal late swing reads -10 to +20 (real clips, 13 steps): only past -10 is the
        # ankle itself clearly pointed ...
        "swing_dorsiflexion_min_deg": -10.0,
        # ... or, past -5, when that leg's typical swing reads this much below the other leg's in the same walk
        # (foot drop from a nerve root is one-sided; the model reads the two feet of a normal walk within about
        # 6 degrees of each other on the rendered walks).
        "swing_dorsiflexion_asymmetric_min_deg": -5.0,
        "swing_dorsiflexion_asymmetry_min_deg": 6.0,
        # ... or, not past neutral, in a steppage swing (hip and knee lifted past the steppage limits below): the
        # lift is the compensation for a foot that does not come up, so an ankle that does not come up past square
        # with it is the drop (normal swings of the rendered walks, which never lift that high, read -6 to +10, so
        # the lift and not the angle tells them apart; a compensated drop through MediaPipe read -1 and -3.5, walk
        # 3518, where the model draws the pointed foot less pointed than it is).
        "swing_dorsiflexion_steppage_min_deg": 0.0,
        # ... or the foot, against the floor line over the last 40% of its swing, has its toes this far below its
        # heel. A foot reaching to land lifts its toes (10-25 degrees up at heel strike); normal late swings read
        # -7 or more on the rendered walks and -14 at worst on the real ones (a flip-flop's sole hangs from the
        # heel), while a drop foot whose knee the model puts over the ankle read -19 to -33 with its ankle angle
        # near neutral (rendered walks 2101, 3109). Read less the foot's flat tilt: against the floor alone it found
        # a treadmill drop that a 16-degree flat tilt hides (walk 3250), but on fresh treadmill walks it flagged 8 of
        # 47 normal steps (MediaPipe's foot lags 15-20 degrees toes-down as it lifts to land).
        "swing_foot_pitch_min_deg": -18.0,
        # ... or the late-swing ankle as read, its flat-foot tilt not taken out, is past this: through MediaPipe
        # normal swings read -14 at worst on rendered walks (89 steps; one other at -16 is flagged anyway) and -4 on
        # the real ones, drop feet -5 to -31; it finds a drop the tilt hides when the model tilts only a foot on
        # the floor (treadmill walk 3250: -14 to -16 as read, +1 to +2 less its 16-degree tilt).
        "swing_dorsiflexion_untilted_min_deg": -14.0,
        # ... or the toe passes the floor by less than this share of a shank over its stance height (normal
        # minimum toe clearance is 1-2 cm, a tenth of a shank is about 4 cm: only a drag falls under 0).
        "toe_clearance_min_ratio": -0.02,
        # Heel strike tilts the foot toes-up 15-25 degrees from its flat stance; under 5 the foot lands flat or
        # toes first (foot slap, forefoot contact).
        "contact_foot_pitch_min_deg": 5.0,
        # ... its largest within this of the contact found (contacts are found to about 30 ms, 80 ms in one in ten):
        # at the instant alone, normal heel strikes read under 5 on 3 of 105 rendered steps and 3 of 6 real ones.
        "contact_pitch_window_s": 0.1,
        # Steppage: hip and knee flexed well past normal swing peaks (about 30 and 60-65 degrees).
        "steppage_hip_flexion_min_deg": 42.0,
        "steppage_knee_flexion_min_deg": 78.0,
        # Front view only: the swing ankle swings out by more than half a hip width, or the swing side's hip
        # rises 5 degrees above its stance level.
        "circumduction_lateral_min_ratio": 0.5,
        "hip_hike_min_deg": 5.0,
        # ... each against its level over the first part of the following stance.
        "stance_level_window_s": 0.3,
        # Live: steps are found over the last 6 s (several steps, so legs alternate and the floor line holds)
        # once a second; a step's cue then comes at most about a second after its foot is down.
        "live_window_s": 6.0,
        "live_interval_s": 1.0,
        # The patient's height from their programme; 0 means unknown, and speed is then not reported.
        "patient_height_m": 0.0,
    },
)
