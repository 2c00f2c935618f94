"""The counting state machines on raw value traces (exercises.tracking): start zones, partial reps, hold gaps.

Values come every 0.1 s unless a row says otherwise; NaN is an unknown value (no reliable pose).
"""

import math

import pytest

from exercises.tracking import HoldTimer, RepCounter, ZoneTracker

NAN = math.nan
DT = 0.1


def _zones(values, start_zones=()):
    z = ZoneTracker(low_max=100, high_min=150, dwell_s=0.2, start_zones=start_zones)
    # (when the accepted zone was entered, zone, zone before)
    return [(round(c.entered_s, 6), c.zone, c.previous) for i, v in enumerate(values) if (c := z.step(i * DT, v))]


@pytest.mark.parametrize(
    "values, start_zones, expected",
    [
        # In the start zone from the first value: accepted at once, although it is left 0.1 s later.
        ([170, 160, 120, 90, 90, 90, 90], ("high",), [(0.0, "high", None), (0.3, "low", "high")]),
        # The same trace without a start zone: high is never held for its dwell time.
        ([170, 160, 120, 90, 90, 90, 90], (), [(0.3, "low", None)]),
        # The first known value decides, unknown values before it do not.
        ([NAN, NAN, 170, 120, 90, 90, 90, 90], ("high",), [(0.2, "high", None), (0.4, "low", "high")]),
        # Starting in the band between the zones, or in a zone that is not a start zone: the dwell applies.
        ([140, 170, 120, 90, 90, 90, 90], ("high",), [(0.3, "low", None)]),
        ([90, 170, 170, 170], ("high",), [(0.1, "high", None)]),
        # Entering the start zone later is not the clip's start: a one-frame spike is still ignored.
        ([140, 140, 170, 140, 140], ("high",), []),
    ],
)
def test_a_start_zone_held_from_the_first_value_needs_no_dwell(values, start_zones, expected):
    assert _zones(values, start_zones) == expected


def _count(mode, values, partial_ratio=0.5, band=(100.0, 150.0), dwell=0.2):
    counter = RepCounter(mode, *band, dwell, partial_ratio)
    found = []
    for i, v in enumerate(values):
        _, spans = counter.step(i * DT, v)
        found += spans
    found += counter.close()[1]
    return ["partial" if s.partial else "rep" for s in found], counter


def _trip(to, hold=5, back=170, stay=5):
    return [to] * hold + [back] * stay


@pytest.mark.parametrize(
    "values, expected",
    [
        pytest.param([170] * 5 + _trip(90) * 2, ["rep", "rep"], id="two_full_squats"),
        # Shallow edge at 125: halfway from rest (150) to the work zone (100).
        pytest.param([170] * 5 + _trip(120) * 2, ["partial", "partial"], id="two_partial"),
        pytest.param([170] * 5 + _trip(90) + _trip(120) + _trip(90), ["rep", "partial", "rep"], id="mixed"),
        pytest.param([170] * 5 + _trip(130) * 3, [], id="not_clearly_moving"),
        # Past the shallow edge for less than the dwell time: a spike, not an attempt.
        pytest.param([170] * 5 + _trip(120, hold=1) * 3, [], id="spike"),
        # A partial trip never returns to rest: not an attempt yet.
        pytest.param([170] * 5 + [120] * 10, [], id="unfinished"),
        # Deep for a frame, then back to partial depth: the attempt is partial (the work zone needs its dwell).
        pytest.param([170] * 5 + [120, 90, 120, 120, 120] + [170] * 5, ["partial"], id="touch_and_go"),
        # Unknown values inside a trip change nothing.
        pytest.param([170] * 5 + [120, NAN, NAN, 120, 120] + [170] * 5, ["partial"], id="unknown_inside"),
        # The clip begins as the first rep starts.
        pytest.param([170, 140] + [90] * 5 + [170] * 5, ["rep"], id="starts_at_the_top"),
        pytest.param([170, 140] + [120] * 5 + [170] * 5, ["partial"], id="starts_at_the_top_partial"),
        # Footage that begins half-way down: the start was never filmed, and that descent is no rep.
        pytest.param([140] + [90] * 5 + [170] * 5, [], id="starts_half_down"),
        # The person not found at first, then seen down (lying flat, the pose model finds some only as they rise):
        # they were at rest unseen, and coming back up completes that rep, its duration unknown.
        pytest.param([NAN] * 3 + [90] * 5 + [170] * 5, ["rep"], id="found_only_down"),
        pytest.param([NAN] * 3 + [140] + [90] * 5 + [170] * 5, ["rep"], id="found_only_half_down"),
        # Found part-way down and going back up without getting down: nothing to count.
        pytest.param([NAN] * 3 + [140] * 3 + [170] * 5, [], id="found_half_down_going_up"),
        # The footage ends on the way back up, out of the work zone for the dwell time: the rep was done.
        pytest.param([170] * 5 + [90] * 5 + [130] * 3, ["rep"], id="ends_on_the_way_back"),
        pytest.param([170] * 5 + [90] * 5 + [130, 160, 160], ["rep"], id="ends_back_at_rest_before_its_dwell"),
        # Still down, or up by a frame only, when the footage ends: maybe still holding, not counted.
        pytest.param([170] * 5 + [90] * 10, [], id="ends_down"),
        pytest.param([170] * 5 + [90] * 5 + [130, 130], [], id="ends_a_frame_after_leaving"),
        # A trip that never got down is not a rep at the end either.
        pytest.param([170] * 5 + [120] * 5 + [130] * 3, [], id="ends_after_a_partial_trip"),
    ],
)
def test_return_to_high_counts_full_and_partial_trips(values, expected):
    assert _count("return_to_high", values)[0] == expected


def test_a_rep_first_seen_under_way_starts_when_first_seen_and_says_so():
    counter = RepCounter("return_to_high", 100.0, 150.0, 0.2, 0.5)
    spans = [s for i, v in enumerate([NAN] * 3 + [90] * 5 + [170] * 5 + _trip(90)) for s in counter.step(i * DT, v)[1]]
    assert [(round(s.start_s, 6), s.start_seen) for s in spans] == [(0.3, False), (1.3, True)]


@pytest.mark.parametrize(
    "gap, after, expected",
    [
        # Lost on the way down, found again on the way up short of the work zone: two reps, the first ending where
        # the pose was lost (1.2 s), the second starting where it was next seen out of the rest (2.8 s), which is not
        # its start seen.
        pytest.param(15, 130, [(0.5, 1.2, True), (2.8, 4.0, False)], id="lost_1.5s_found_rising"),
        # Found again at rest: the rest is seen, and so is the next rep leaving it.
        pytest.param(15, 170, [(0.5, 1.2, True), (3.0, 4.0, True)], id="lost_1.5s_found_at_rest"),
        # A blink shorter than the limit: the counter keeps the work zone through it, one rep.
        pytest.param(5, 130, [(0.5, 3.0, True)], id="lost_0.5s"),
        # Found again still in the work zone: the work zone held through the gap, one rep.
        pytest.param(15, 90, [(0.5, 4.0, True)], id="lost_in_the_work_zone"),
    ],
)
def test_a_rep_lost_for_long_that_reappears_out_of_its_work_zone_ended_unseen(gap, after, expected):
    counter = RepCounter("return_to_high", 100.0, 150.0, 0.2, 0.5, unseen_rest_min_s=1.0)
    # Rest, down into the work zone, on the way back (still in it) when the pose is lost for `gap` values; seen again
    # at `after`, then back into the work zone and up to rest.
    values = [170] * 5 + [90] * 6 + [95] * 2 + [NAN] * gap + [after] * 2 + [90] * 10 + [170] * 5
    spans = [s for i, v in enumerate(values) for s in counter.step(i * DT, v)[1]] + counter.close()[1]
    assert [(round(s.start_s, 6), round(s.end_s, 6), s.start_seen) for s in spans if not s.partial] == expected
    assert not any(s.partial for s in spans)


@pytest.mark.parametrize(("rest_values", "held"), [(10, True), (1, False)])
def test_a_rep_says_whether_the_rest_it_left_was_held(rest_values, held):
    # A rest held for the dwell (1 s), or only the footage's first instant: the engine asks more of the second.
    counter = RepCounter("return_to_high", 100.0, 150.0, 0.5)
    spans = [s for i, v in enumerate([170] * rest_values + [90] * 10 + [170] * 10) for s in counter.step(i * 0.1, v)[1]]
    assert [s.rest_held for s in spans] == [held]


@pytest.mark.parametrize(("rest_values", "working_from_s"), [(10, 1.0), (3, None)])
def test_a_counter_says_since_when_a_rep_from_a_held_rest_holds_its_work_zone(rest_values, working_from_s):
    # A rest held for the dwell (1 s), then 2 s in the work zone: held from its first value there once accepted (the
    # engine keeps a neutral still through it). A rest of 0.3 s, as a first reading far off reads: none.
    counter = RepCounter("return_to_high", 100.0, 150.0, 0.5)
    values = [170] * rest_values + [90] * 20 + [170] * 10
    since = []
    for i, v in enumerate(values):
        counter.step(i * 0.1, v)
        since.append(counter.working_since_s)
    work = slice(rest_values + 5, rest_values + 20)  # accepted after the 0.5 s dwell, until it is left
    if working_from_s is None:
        assert all(math.isnan(s) for s in since)
    else:
        assert since[work] == pytest.approx([working_from_s] * 15)
        assert all(math.isnan(s) for s in since[:rest_values + 4] + since[rest_values + 25:])


@pytest.mark.parametrize("tail, end_s", [([130] * 3, 1.2), ([130, 160, 160], 1.1)])
def test_a_rep_the_footage_ends_on_ends_where_rest_was_entered_or_at_the_last_value(tail, end_s):
    counter = RepCounter("return_to_high", 100.0, 150.0, 0.2, 0.5)
    for i, v in enumerate([170] * 5 + [90] * 5 + tail):
        assert counter.step(i * DT, v)[1] == []
    change, spans = counter.close()
    assert ["partial" if s.partial else "rep" for s in spans] == ["rep"]
    span = spans[0]
    assert (round(span.start_s, 6), round(span.end_s, 6)) == (0.5, end_s)
    # The work zone was held from 0.5 s until left at 1.0 s.
    assert (change.zone, change.previous, round(change.previous_held_s, 6)) == ("high", "low", 0.5)


@pytest.mark.parametrize(
    "values, expected",
    [
        pytest.param([90] * 5 + [170] * 5 + [90] * 5, ["rep"], id="full"),
        # Shallow edge at 125.
        pytest.param([90] * 5 + ([130] * 5 + [90] * 5) * 2, ["partial", "partial"], id="partial"),
        pytest.param([90] * 5 + [120] * 5 + [90] * 5, [], id="not_clearly_moving"),
        pytest.param([90] * 5 + [170] * 5 + [120] * 3, ["rep"], id="ends_on_the_way_back"),
        pytest.param([90] * 5 + [170] * 8, [], id="ends_up"),
    ],
)
def test_return_to_low_counts_full_and_partial_trips(values, expected):
    assert _count("return_to_low", values)[0] == expected


def _ends(*offsets, hold=5, middle=3):
    """A cycle signal around a middle of 0 (band -15..15, shallow edges at +-7.5): still, then each end in turn."""
    values = [0.0] * 5
    for e in offsets:
        values += [e] * hold + [0.0] * middle
    return values


@pytest.mark.parametrize(
    "values, expected",
    [
        pytest.param(_ends(30, -30, 30, -30), ["rep", "rep"], id="full_cycles"),
        pytest.param(_ends(10, -10, 10, -10, 10, -10), ["partial"] * 3, id="small_cycles"),
        pytest.param(_ends(30, -10, 30, -10), ["partial", "partial"], id="one_end_short"),
        pytest.param(_ends(30, -30, 10, -10, 30, -30), ["rep", "partial", "rep"], id="mixed"),
        # A body read off its middle: a small cycle reaches the zone at one end only (rendered cat-cow seed 171).
        pytest.param(_ends(30, -30, 10, -30, 30, -30), ["rep", "partial", "rep"], id="small_cycle_one_end_full"),
        pytest.param(_ends(30, -30, 30, -10, 30, -30), ["rep", "partial", "rep"], id="small_cycle_second_end_short"),
        pytest.param(_ends(30, -10, 30, -30, 30, -30), ["partial", "rep", "rep"], id="first_cycle_short"),
        pytest.param(_ends(5, -5, 5, -5), [], id="not_clearly_moving"),
        # Ends pair from the first: a short end then full ones is a small first cycle (often how a set in pain
        # starts), not a stray to skip, so the later ends keep their partners.
        pytest.param(_ends(10, -30, 30, -30, 30, -30), ["partial", "rep", "rep"], id="small_first_cycle"),
        # Short, full, short: the first two were a partial cycle; the last end waits for a partner.
        pytest.param(_ends(10, -30, 10), ["partial"], id="short_full_short"),
        # A short end and a full one at the end of the set: a partial cycle, decided when the set ends.
        pytest.param(_ends(30, -30, 10, -30), ["rep", "partial"], id="decided_at_close"),
        # One end on its own is half a cycle.
        pytest.param(_ends(10), [], id="half"),
        # Back to the same side after a pause in the middle is the same end, deeper: it makes that end full.
        pytest.param(_ends(10, 30, -30), ["rep"], id="same_end_deeper"),
    ],
)
def test_cycles_count_full_and_partial(values, expected):
    assert _count("cycle", values, band=(-15.0, 15.0))[0] == expected


@pytest.mark.parametrize("mode, band", [("return_to_high", (100.0, 150.0)), ("cycle", (-15.0, 15.0))])
def test_without_a_partial_ratio_no_partial_rep_is_found(mode, band):
    values = _ends(30, -30, 10, -10, 30, -30) if mode == "cycle" else [170] * 5 + _trip(90) + _trip(120) + _trip(90)
    assert _count(mode, values, partial_ratio=None, band=band)[0] == ["rep", "rep"]


@pytest.mark.parametrize("ratio", [0.0, -0.5, 1.5, NAN])
def test_a_partial_ratio_outside_the_band_is_rejected(ratio):
    with pytest.raises(ValueError, match="partial_ratio"):
        RepCounter("cycle", -15.0, 15.0, 0.2, ratio)


def _holds(values, dt=DT, times=None):
    h = HoldTimer(60, 120, min_s=1.0, gap_max_s=1.5, settle_s=0.5, unseen_gap_max_s=3.0)
    times = times or [i * dt for i in range(len(values))]
    events = [e for t, v in zip(times, values) if (e := h.step(t, v, False))]
    events.append(h.close())
    return [round(e.good_s, 6) for e in events if e]


@pytest.mark.parametrize(
    "values, expected",
    [
        # 2.5 s unseen between in-band poses: one hold; the unseen time is bridged, not credited.
        pytest.param([90.0] * 50 + [NAN] * 25 + [90.0] * 50, [9.8], id="unseen_2.5s"),
        pytest.param([90.0] * 50 + [NAN] * 35 + [90.0] * 50, [4.9, 4.9], id="unseen_3.5s_splits"),
        # Out of the band: the shorter limit.
        pytest.param([90.0] * 50 + [140.0] * 10 + [90.0] * 50, [9.8], id="out_1s"),
        pytest.param([90.0] * 50 + [140.0] * 20 + [90.0] * 50, [4.9, 4.9], id="out_2s_splits"),
        # Unseen, and out of the band when seen again: the pose after the gap is not in the band.
        pytest.param([90.0] * 50 + [NAN] * 10 + [140.0] * 10 + [90.0] * 50, [4.9, 4.9], id="unseen_then_out"),
        pytest.param([90.0] * 50 + [140.0] * 2 + [NAN] * 20 + [90.0] * 50, [4.9, 4.9], id="out_then_unseen"),
    ],
)
def test_hold_gaps(values, expected):
    assert _holds(values) == pytest.approx(expected)


@pytest.mark.parametrize(
    "values, expected",
    [
        # The pose model loses the joint for 0.6 s mid-hold: credited, the person held through it.
        pytest.param([90.0] * 50 + [NAN] * 6 + [90.0] * 50, [10.5], id="unseen_0.6s_credited"),
        # 2 s unseen is longer than a moment: bridged as before, not credited.
        pytest.param([90.0] * 50 + [NAN] * 20 + [90.0] * 50, [9.8], id="unseen_2s_bridged"),
        # Seen out of the band, however briefly, or unseen and then out: the person moved; not credited.
        pytest.param([90.0] * 50 + [140.0] * 6 + [90.0] * 50, [9.8], id="out_0.6s"),
        pytest.param([90.0] * 50 + [NAN] * 3 + [140.0] * 1 + [NAN] * 2 + [90.0] * 50, [9.8], id="unseen_out_unseen"),
    ],
)
def test_a_moment_unseen_inside_a_hold_is_credited_only_with_a_credit_limit(values, expected):
    h = HoldTimer(60, 120, min_s=1.0, gap_max_s=1.5, settle_s=0.5, unseen_gap_max_s=3.0, unseen_credit_max_s=1.5)
    events = [e for i, v in enumerate(values) if (e := h.step(i * DT, v, False))] + [h.close()]
    assert [round(e.good_s, 6) for e in events if e] == pytest.approx(expected)
    # Without the limit every one of these is bridged, not credited.
    assert _holds(values) == pytest.approx([9.8])


@pytest.mark.parametrize(
    "values, blip_expected, plain_expected",
    [
        # A thrown joint reads out of the band for a frame before it reads unknown: the throw, not the person moving
        # out and back within 0.1 s. Credited as an unseen moment with out_blip_max_s; bridged without.
        pytest.param([90.0] * 50 + [140.0] + [NAN] * 5 + [90.0] * 50, [10.5], [9.8], id="blip_then_unseen"),
        pytest.param([90.0] * 50 + [NAN] * 4 + [140.0] * 2 + [90.0] * 50, [10.5], [9.8], id="unseen_then_two_frames"),
        # Out for longer, or at both ends of the gap half a second apart: the person may well have moved.
        pytest.param([90.0] * 50 + [140.0] * 3 + [NAN] * 3 + [90.0] * 50, [9.8], [9.8], id="out_0.2s"),
        pytest.param([90.0] * 50 + [140.0] + [NAN] * 4 + [140.0] + [90.0] * 50, [9.8], [9.8], id="out_at_both_ends"),
        # A blip and then 2.5 s unseen: the unseen limit (3 s) bridges it, not the out-of-band one (1.5 s).
        pytest.param([90.0] * 50 + [140.0] + [NAN] * 24 + [90.0] * 50, [9.8], [4.9, 4.9], id="blip_then_2.5s_unseen"),
    ],
)
def test_a_blip_out_of_the_band_before_an_unseen_moment_is_part_of_it(values, blip_expected, plain_expected):
    for blip_s, expected in ((0.1, blip_expected), (None, plain_expected)):
        h = HoldTimer(60, 120, min_s=1.0, gap_max_s=1.5, settle_s=0.5, unseen_gap_max_s=3.0, unseen_credit_max_s=1.5,
                      out_blip_max_s=blip_s)
        events = [e for i, v in enumerate(values) if (e := h.step(i * DT, v, False))] + [h.close()]
        assert [round(e.good_s, 6) for e in events if e] == pytest.approx(expected), blip_s


@pytest.mark.parametrize("stall_s, expected", [(2.5, [4.9 + 2.5 + 4.9]), (3.5, [4.9, 4.9])])
def test_a_stream_that_stalls_keeps_the_hold_only_within_the_unseen_limit(stall_s, expected):
    # No frames at all for stall_s: the two frames either side are consecutive, so the time between them is
    # credited when the hold survives (as anywhere between two frames), and the hold ends when it does not.
    times = [i * DT for i in range(50)] + [4.9 + stall_s + i * DT for i in range(50)]
    assert _holds([90.0] * 100, times=times) == pytest.approx(expected)
