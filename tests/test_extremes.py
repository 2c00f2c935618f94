"""A rep's extremes are what its signals held, not one misread frame (exercises.extremes); rep rules judge those."""

import math

import numpy as np
import pytest

from exercises.engine import score_sequence
from exercises.extremes import held_extremes
from exercises.registry import get_exercise
from tests import skeleton as sk

FPS = 30.0


def _rep_with_spike(spike_s: float, top: float = 150.0, spike: float = 178.0) -> tuple[np.ndarray, np.ndarray]:
    # Resting at 90 for half a second either side of a 4 s rep.
    t = np.arange(-0.5, 4.5, 1.0 / FPS)
    v = 90.0 + (top - 90.0) * np.sin(np.pi * np.clip(t, 0.0, 4.0) / 4.0)
    at = (t >= 2.0) & (t < 2.0 + spike_s - 1e-9)
    return t, np.where(at, spike, v)


@pytest.mark.parametrize("spike_s", [1 / FPS, 0.1, 0.17])
def test_a_spike_shorter_than_the_hold_time_is_not_the_reps_peak(spike_s):
    t, v = _rep_with_spike(spike_s)
    low, high = held_extremes(t, v, 0.0, 4.0, 0.2)
    assert high == pytest.approx(150.0, abs=0.5)
    assert low == pytest.approx(90.0, abs=0.5)


def test_a_value_held_as_long_as_the_hold_time_is_the_reps_peak():
    t, v = _rep_with_spike(0.24)
    assert held_extremes(t, v, 0.0, 4.0, 0.2)[1] == pytest.approx(178.0)
    # Without a hold time the plain extremes are the rep's.
    assert held_extremes(t, v, 0.0, 4.0, 0.0) == (pytest.approx(90.0), pytest.approx(178.0))


def test_a_spike_beside_unknown_frames_is_held_down_by_the_frames_either_side():
    t, v = _rep_with_spike(1 / FPS)
    v[(t > 2.0) & (t < 2.5)] = np.nan
    assert held_extremes(t, v, 0.0, 4.0, 0.2)[1] < 151.0


def test_a_rep_that_leaves_its_rest_keeps_the_rest_as_its_low():
    # The rep starts at 1.0 s, where the signal leaves 90; the 0.2 s before it hold 90 too.
    t = np.arange(0.0, 3.0, 1.0 / FPS)
    v = np.where(t < 1.0, 90.0, 90.0 + 40.0 * (t - 1.0))
    assert held_extremes(t, v, 1.0, 3.0, 0.2)[0] == pytest.approx(90.0)


def test_too_few_samples_for_a_stretch_give_the_plain_extremes_and_none_give_nan():
    t = np.array([0.0, 0.1])
    assert held_extremes(t, np.array([90.0, 120.0]), 0.0, 0.1, 0.2) == (90.0, 120.0)
    low, high = held_extremes(t, np.array([np.nan, np.nan]), 0.0, 0.1, 0.2)
    assert math.isnan(low) and math.isnan(high)


GLIDE = get_exercise("nerve_glide")


def _glide(spike_s: float):
    """Four slow glides to 145 (target 150); in the second the knee reads 178 for `spike_s` at its top."""
    keys, t = [(0.0, 90.0)], 0.0
    for i in range(4):
        keys += [(t + 0.5, 90.0), (t + 2.5, 145.0)]
        if i == 1 and spike_s:
            keys += [(t + 2.5 + 1e-3, 178.0), (t + 2.5 + spike_s, 178.0), (t + 2.5 + spike_s + 1e-3, 145.0)]
        keys += [(t + 4.5, 90.0)]
        t += 4.5
    keys.append((t + 1.0, 90.0))
    t, knee = sk.trace(keys, FPS)
    return sk.sequence([sk.nerve_glide_frame(ti, ki, 90.0, 1, "left", 0.0, False) for ti, ki in zip(t, knee)])


@pytest.mark.parametrize("spike_s, faults", [(0.0, {}), (0.1, {}), (0.6, {"beyond_target": 1})])
def test_a_misread_tenth_of_a_second_past_the_target_is_not_beyond_target_but_a_held_one_is(spike_s, faults):
    report = score_sequence(_glide(spike_s), GLIDE.with_thresholds({"knee_extension_target_deg": 150.0}))
    assert report.rep_count == 4
    assert report.fault_counts == faults
    peak = report.reps[1].high["knee_deg"]
    assert peak < 150.0 if spike_s < 0.2 else peak > 170.0
