"""What a looking-back signal remembers (exercises.lookback): the lowest reading over the last few seconds."""

import numpy as np
import pytest

from exercises.lookback import Lookback, RecentLowest


def _brute_force(t_s, score, payload, window_s):
    out = np.full(payload.shape, np.nan)
    for i, t in enumerate(t_s):
        inside = [j for j in range(i + 1) if t_s[j] >= t - window_s and np.isfinite(score[j])]
        if inside:
            out[i] = payload[min(inside, key=lambda j: (score[j], -j))]
    return out


def test_the_lowest_in_the_window_is_kept_until_it_leaves_the_window():
    lowest = RecentLowest(2.0)
    assert lowest.push(0.0, 5.0, np.array([50.0])) == pytest.approx([50.0])
    assert lowest.push(1.0, 3.0, np.array([30.0])) == pytest.approx([30.0])
    assert lowest.push(2.5, 4.0, np.array([40.0])) == pytest.approx([30.0])  # 1.0 is still within 2 s
    assert lowest.push(3.5, np.nan, np.array([0.0])) == pytest.approx([40.0])  # 1.0 has left; NaN is no candidate
    assert lowest.push(4.4, np.nan, np.array([0.0])) == pytest.approx([40.0])
    assert lowest.push(4.6, np.nan, np.array([0.0])) is None  # nothing left within 2 s


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_clip_at_once_and_a_frame_at_a_time_remember_the_same(seed):
    # A recorded clip's signals see every frame at once, a live set's one at a time: both read the same.
    rng = np.random.default_rng(seed)
    t_s = np.cumsum(rng.uniform(0.02, 0.4, 200))
    score = np.where(rng.random(200) < 0.3, np.nan, rng.normal(size=200))
    score[80:140] = np.nan  # seconds with no candidate: the window empties
    payload = rng.normal(size=(200, 2))
    at_once = Lookback().recent_lowest("knee", t_s, score, payload, 3.0)
    live = Lookback()
    one_by_one = np.concatenate([live.recent_lowest("knee", t_s[i:i + 1], score[i:i + 1], payload[i:i + 1], 3.0)
                                 for i in range(200)])
    np.testing.assert_array_equal(at_once, one_by_one)
    np.testing.assert_array_equal(at_once, _brute_force(t_s, score, payload, 3.0))
    assert np.isfinite(at_once).any() and np.isnan(at_once).any()


def test_each_key_remembers_its_own_frames():
    memory = Lookback()
    memory.recent_lowest("a", np.array([0.0]), np.array([1.0]), np.array([[1.0]]), 10.0)
    got = memory.recent_lowest("b", np.array([1.0]), np.array([np.nan]), np.array([[2.0]]), 10.0)
    assert np.isnan(got).all()
