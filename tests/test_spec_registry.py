"""Every name a spec holds is checked when the spec is built: a typo fails at import, naming the spec and field."""

import re
from dataclasses import replace

import numpy as np
import pytest

from exercises.body import FACING_RULES, facing_sign
from exercises.names import Registry
from exercises.registry import EXERCISES, get_exercise
from exercises.setup import POSTURES
from exercises.side import SIDE_RULES, side_votes
from exercises.signals import SIGNALS, get_signal
from exercises.spec import FaultInfo, FrameRule, HoldSpec

WALL, GLIDE, CATCOW = (get_exercise(n) for n in ("wall_squat", "nerve_glide", "cat_cow"))
TILT, FOUR, CALF = (get_exercise(n) for n in ("pelvic_tilt", "figure_four_stretch", "calf_stretch"))
SIGNAL_NAMES = ", ".join(SIGNALS.names())
# Postures may be added by the modules the registered specs import (e.g. exercises.signals_floor's prone).
POSTURE_NAMES = ", ".join(POSTURES.names())
# So may side rules (e.g. exercises.signals_prone_side's upper).
SIDE_RULE_NAMES = ", ".join(SIDE_RULES.names())


def _rule(spec, i, **changes):
    rules = list(spec.frame_rules)
    rules[i] = replace(rules[i], **changes)
    return tuple(rules)


@pytest.mark.parametrize(
    "spec, changes, error",
    [
        # Valid alternatives are accepted.
        (WALL, {"side_rule": "raised_leg"}, None),
        (WALL, {"facing_from": "head"}, None),
        (GLIDE, {"posture": "quadruped"}, None),
        (GLIDE, {"side_rule": "nearer"}, None),
        # Side rules.
        (WALL, {"side_rule": "neares"},
         f"exercise 'wall_squat': side_rule 'neares' is not a known side rule; expected one of {SIDE_RULE_NAMES}"),
        (GLIDE, {"side_rule": "raised leg"},
         f"exercise 'nerve_glide': side_rule 'raised leg' is not a known side rule; expected one of {SIDE_RULE_NAMES}"),
        (WALL, {"side_rule": None},
         f"exercise 'wall_squat': side_rule None is not a known side rule; expected one of {SIDE_RULE_NAMES}"),
        # A side rule's thresholds go with it.
        (WALL, {"side_rule": "raised_knee"}, "exercise 'wall_squat': rules refer to undefined thresholds "
         "['raised_knee_above_min_ratio', 'raised_knee_seen_below_other_max_ratio']"),
        # Facing rules.
        (WALL, {"facing_from": "nse"},
         "exercise 'wall_squat': facing_from 'nse' is not a known facing rule; expected one of head, knees, nose"),
        (CATCOW, {"facing_from": "Head"},
         "exercise 'cat_cow': facing_from 'Head' is not a known facing rule; expected one of head, knees, nose"),
        # Postures, and the posture signal that goes with each.
        (WALL, {"posture": "standin"},
         f"exercise 'wall_squat': posture 'standin' is not a known posture; expected one of {POSTURE_NAMES}"),
        (CATCOW, {"posture": "all_fours"},
         f"exercise 'cat_cow': posture 'all_fours' is not a known posture; expected one of {POSTURE_NAMES}"),
        (WALL, {"posture": "supine"},
         "exercise 'wall_squat': posture_signal 'trunk_from_vertical_deg' does not measure the 'supine' posture; "
         "expected 'trunk_from_horizontal_deg'"),
        (GLIDE, {"posture": "standing"},
         "exercise 'nerve_glide': posture_signal 'trunk_from_horizontal_deg' does not measure the 'standing' "
         "posture; expected 'trunk_from_vertical_deg'"),
        # Signals, wherever a spec names one.
        (WALL, {"posture_signal": "trunk_from_vertical"},
         f"exercise 'wall_squat': posture_signal 'trunk_from_vertical' is not a known signal; expected one of "
         f"{SIGNAL_NAMES}"),
        (WALL, {"signals": (*WALL.signals, "knee_angle")},
         f"exercise 'wall_squat': signals[{len(WALL.signals)}] 'knee_angle' is not a known signal; expected one of "
         f"{SIGNAL_NAMES}"),
        (WALL, {"rep": replace(WALL.rep, signal="suport_knee_deg")},
         f"exercise 'wall_squat': rep.signal 'suport_knee_deg' is not a known signal; expected one of "
         f"{SIGNAL_NAMES}"),
        (WALL, {"hold": replace(WALL.hold, signal="knee")},
         f"exercise 'wall_squat': hold.signal 'knee' is not a known signal; expected one of {SIGNAL_NAMES}"),
        (GLIDE, {"frame_rules": _rule(GLIDE, 2, signal="other_leg_deg")},
         f"exercise 'nerve_glide': frame_rules[2].signal 'other_leg_deg' is not a known signal; expected one of "
         f"{SIGNAL_NAMES}"),
        # Values of the spec's own fields.
        (CATCOW, {"rep": replace(CATCOW.rep, mode="cycles")},
         "exercise 'cat_cow': rep.mode 'cycles' is not a known rep mode; expected one of return_to_high, "
         "return_to_low, cycle"),
        (WALL, {"frame_rules": _rule(WALL, 1, during="reps")},
         "exercise 'wall_squat': frame_rules[1].during 'reps' is not a known rule context; expected one of rep, "
         "work, hold, rep_or_hold, always"),
        (WALL, {"faults": (*WALL.faults[:-1], FaultInfo("too_fast", "warning"))},
         f"exercise 'wall_squat': faults[{len(WALL.faults) - 1}].severity 'warning' is not a known severity; expected "
         "one of info, warn, stop"),
        # A rep timed from its rest needs a rest to time from: a cycle has none.
        (CATCOW, {"rep": replace(CATCOW.rep, start_from_rest_within="rep_rest_within_deg"),
                  "thresholds": {**CATCOW.thresholds, "rep_rest_within_deg": 5.0}},
         "exercise 'cat_cow': 'rep_rest_within_deg' times a rep from its rest: it needs a rep that returns to rest "
         "(not a cycle), no neutral_window_s, and a value of 0 or more"),
        # A return to a rest read off the one before moves a neutral: a cycle has no rest, and the three go together.
        (CATCOW, {"rep": replace(CATCOW.rep, rest_return_min_ratio="rest_return_min_ratio",
                                 rest_return_still_s="rest_return_still_s",
                                 rest_return_still_max="rest_return_still_max_deg"),
                  "thresholds": {**CATCOW.thresholds, "rest_return_min_ratio": 0.5, "rest_return_still_s": 0.5,
                                 "rest_return_still_max_deg": 1.0}},
         "exercise 'cat_cow': rest_return_min_ratio, rest_return_still_s and rest_return_still_max go together, on a "
         "rep that returns to rest (not a cycle) with neutral_window_s, and the ratio in (0, 1]"),
        (TILT, {"rep": replace(TILT.rep, rest_return_still_max=None)},
         "exercise 'pelvic_tilt': rest_return_min_ratio, rest_return_still_s and rest_return_still_max go together, on "
         "a rep that returns to rest (not a cycle) with neutral_window_s, and the ratio in (0, 1]"),
        # A neutral taken from the rest alone needs a neutral and a rest (a cycle's neutral is its middle).
        (CATCOW, {"rep": replace(CATCOW.rep, neutral_rest_edge="neutral_rest_edge_deg"),
                  "thresholds": {**CATCOW.thresholds, "neutral_rest_edge_deg": 5.0}},
         "exercise 'cat_cow': 'neutral_rest_edge_deg' is the rest's edge the neutral is taken from: it needs "
         "neutral_window_s and a rep that returns to rest (not a cycle)"),
        (WALL, {"rep": replace(WALL.rep, neutral_rest_edge="knee_rest_min_deg")},
         "exercise 'wall_squat': 'knee_rest_min_deg' is the rest's edge the neutral is taken from: it needs "
         "neutral_window_s and a rep that returns to rest (not a cycle)"),
        # A neutral kept near the rest through a rep held needs a neutral and a rest, a distance and a time.
        (CATCOW, {"rep": replace(CATCOW.rep, neutral_kept_in_rep=("rest_kept_within_deg", "rest_kept_max_s")),
                  "thresholds": {**CATCOW.thresholds, "rest_kept_within_deg": 1.0, "rest_kept_max_s": 60.0}},
         "exercise 'cat_cow': neutral_kept_in_rep ('rest_kept_within_deg', 'rest_kept_max_s') keeps the neutral near "
         "the rest before a rep held: it needs neutral_window_s, a rep that returns to rest (not a cycle), a distance "
         "of 0 or more and a time above 0"),
        (FOUR, {"thresholds": {**FOUR.thresholds, "rest_kept_in_stretch_max_s": 0.0}},
         "exercise 'figure_four_stretch': neutral_kept_in_rep ('rest_kept_within_ratio', 'rest_kept_in_stretch_max_s') "
         "keeps the neutral near the rest before a rep held: it needs neutral_window_s, a rep that returns to rest "
         "(not a cycle), a distance of 0 or more and a time above 0"),
        # Likewise a rule judged from the person's level at rest.
        (CATCOW, {"frame_rules": _rule(CATCOW, 0, from_rest_window_s="rest_window_s"),
                  "thresholds": {**CATCOW.thresholds, "rest_window_s": 30.0}},
         "exercise 'cat_cow': a rule judged from rest (from_rest_window_s) needs a rep that returns to rest, "
         "not a cycle"),
        # A rule judged from where the work settled needs a time, and not also a rest level.
        (CALF, {"frame_rules": _rule(CALF, 0, from_rest_window_s="shin_rest_window_s")},
         "exercise 'calf_stretch': rule 'back_heel_lifting' judged from its work's start (from_work_start_s) needs a "
         "time over 0 and no from_rest_window_s"),
        (CALF, {"rep": replace(CALF.rep, neutral_window_s=None, neutral_offset_max=None, neutral_below_max=None,
                               neutral_rest_edge=None)},
         "exercise 'calf_stretch': 'shin_rest_nominal_deg' is where the neutral reads before a rest is seen: it needs "
         "neutral_window_s"),
        (CATCOW, {"required_parts": ("shoulder", "hips")},
         "exercise 'cat_cow': required_parts[1] 'hips' is not a known body part; expected one of eye, ear, "
         "shoulder, elbow, wrist, index, hip, knee, ankle, heel, foot_index"),
    ],
)
def test_a_spec_with_a_bad_name_fails_when_built(spec, changes, error):
    if error is None:
        assert replace(spec, **changes) is not spec
        return
    with pytest.raises(ValueError, match=f"^{re.escape(error)}$"):
        replace(spec, **changes)


def test_the_registered_specs_build():
    # They are built at import; this names them, so a registry change that breaks one shows here first.
    assert {"wall_squat", "nerve_glide", "cat_cow", "walk"} <= set(EXERCISES)
    for spec in EXERCISES.values():
        assert spec.side_rule in SIDE_RULES.names()
        assert spec.facing_from in FACING_RULES.names()
        assert POSTURES.get(spec.posture) == spec.posture_signal


@pytest.mark.parametrize(
    "look_up, error",
    [
        (lambda: SIDE_RULES.get("left"), f"unknown side rule 'left'; expected one of {SIDE_RULE_NAMES}"),
        (lambda: side_votes("facing", np.zeros((1, 33, 2)), np.zeros((1, 33, 3)), np.ones((1, 33)), {}),
         f"unknown side rule 'facing'; expected one of {SIDE_RULE_NAMES}"),
        (lambda: facing_sign(np.zeros((1, 33, 2)), "feet"),
         "unknown facing rule 'feet'; expected one of head, knees, nose"),
        (lambda: POSTURES.get("sitting"), f"unknown posture 'sitting'; expected one of {POSTURE_NAMES}"),
        (lambda: get_signal("kne_deg"), f"unknown signal 'kne_deg'; expected one of {SIGNAL_NAMES}"),
        (lambda: get_signal(["knee_deg"]), f"unknown signal ['knee_deg']; expected one of {SIGNAL_NAMES}"),
        (lambda: get_exercise("squat"), f"unknown exercise 'squat'; expected one of {', '.join(EXERCISES)}"),
    ],
)
def test_looking_up_an_unknown_name_lists_the_valid_ones(look_up, error):
    with pytest.raises(ValueError, match=f"^{re.escape(error)}$"):
        look_up()


def test_a_name_cannot_be_registered_twice():
    things = Registry("thing")
    things.add("a", 1)
    with pytest.raises(ValueError, match="thing 'a' is registered twice"):
        things.register("a")(2)
    assert things.get("a") == 1 and things.names() == ("a",)


def test_a_spec_built_from_fields_fails_before_it_exists():
    # The same check on direct construction, not only on replace(): nothing half-built escapes.
    fields = {f: getattr(WALL, f) for f in WALL.__dataclass_fields__}
    with pytest.raises(ValueError, match="hold.signal 'knee_deg_' is not a known signal"):
        type(WALL)(**(fields | {"hold": HoldSpec("knee_deg_", "hold_knee_min_deg", "hold_knee_max_deg", "hold_min_s",
                                                 "hold_gap_max_s", "hold_settle_s")}))
    with pytest.raises(ValueError, match=r"frame_rules\[0\].signal 'lean' is not a known signal"):
        type(WALL)(**(fields | {"frame_rules": (FrameRule("back_off_wall", "lean", above="trunk_lean_max_deg"),)}))
