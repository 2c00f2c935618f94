"""A segment's full length: the longest it held, so a pose model's collapse does not stretch it for the set."""

from __future__ import annotations

import numpy as np
import pytest

from exercises.segment_reference import HeldLongest


def _run(held: HeldLongest, t_s, lengths) -> np.ndarray:
    out = [held.step(float(t), np.atleast_1d(np.asarray(v, float))) for t, v in zip(t_s, lengths)]
    return np.array(out)


def test_a_length_read_for_less_than_the_hold_does_not_raise_the_full_length():
    t = np.arange(0.0, 3.0, 0.1)
    lengths = np.full(len(t), 60.0)
    lengths[10:14] = 75.0  # 0.4 s misread at 1.25 times
    full = _run(HeldLongest(1, 0.5), t, lengths)[:, 0]
    assert full.max() == pytest.approx(60.0)


def test_a_length_held_for_the_hold_becomes_the_full_length():
    t = np.arange(0.0, 3.0, 0.1)
    lengths = np.full(len(t), 50.0)
    lengths[10:17] = 62.0  # seen whole for 0.6 s
    full = _run(HeldLongest(1, 0.5), t, lengths)[:, 0]
    assert full[9] == pytest.approx(50.0)
    assert full[-1] == pytest.approx(62.0)
    # Raised once the 62 spans the hold, 0.5 s after it was first read.
    assert np.flatnonzero(full > 50.0)[0] == 15


def test_the_first_reading_stands_in_until_one_is_held():
    full = _run(HeldLongest(2, 0.5), [0.0, 0.1, 0.2], [[40.0, np.nan], [45.0, 30.0], [41.0, 31.0]])
    np.testing.assert_allclose(full[0], [40.0, np.nan])
    # The second segment's first reading comes a frame later and stands in from there.
    np.testing.assert_allclose(full[1], [40.0, 30.0])
    np.testing.assert_allclose(full[2], [40.0, 30.0])


def test_unknown_readings_are_skipped_and_a_gap_is_bridged_by_the_frame_before_it():
    t = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 2.0, 2.1]
    lengths = [50.0, 50.0, np.nan, 50.0, 50.0, 50.0, 50.0, 80.0, 50.0]
    full = _run(HeldLongest(1, 0.5), t, lengths)[:, 0]
    # The 80 just after a 1.4 s gap is held down by the 50 read before the gap.
    assert full.max() == pytest.approx(50.0)


def test_with_no_hold_it_is_the_longest_so_far():
    lengths = [50.0, 70.0, 55.0]
    full = _run(HeldLongest(1, 0.0), [0.0, 0.1, 0.2], lengths)[:, 0]
    np.testing.assert_allclose(full, [50.0, 70.0, 70.0])


def test_a_negative_hold_is_refused():
    with pytest.raises(ValueError, match="held_s"):
        HeldLongest(1, -0.1)
