"""The live path against the recorded one: a clip scored frame by frame through the Checker, and at once."""

from exercises.engine import Checker, score_sequence


def outcome(report):
    """What a row checks: each rep's faults, each partial rep's faults, and the fault counts."""
    return [r.faults for r in report.reps], [r.faults for r in report.partial_reps], report.fault_counts


def live_and_recorded_agree(seq, spec):
    """The live path (Checker.update frame by frame, no prepared entries) gives the recorded path's report."""
    from exercises.side import choose_side
    from pose.frames import pixel_xy

    batch = score_sequence(seq, spec)
    xy = pixel_xy(seq.xyz, seq.visibility, seq.image_size, spec.t("landmark_visibility_min_ratio"))
    side = choose_side(spec.side_rule, xy, seq.world_xyz, seq.visibility, spec.thresholds)
    fixed, live = Checker(spec, side), Checker(spec)
    counts = []
    for frame in seq:
        fixed.update(frame)
        result = live.update(frame)
        counts.append((result.reps, result.partial_reps))
        assert (result.partial_rep is not None) == (counts[-1][1] > (counts[-2][1] if len(counts) > 1 else 0))
    fixed_report, live_report = fixed.report(), live.report()
    assert fixed_report.reps == batch.reps and fixed_report.partial_reps == batch.partial_reps
    assert fixed_report.holds == batch.holds and fixed_report.episodes == batch.episodes
    assert fixed_report.fault_counts == batch.fault_counts
    # Side chosen on the fly: the same counts; the live counts never go down and end at the report's (a cycle's
    # last partial rep may be decided only when the set ends).
    assert outcome(live_report) == outcome(batch) and live_report.hold_s == batch.hold_s
    assert all(b >= a for pair in zip(counts, counts[1:]) for a, b in zip(*pair))
    assert counts[-1][0] == batch.rep_count and counts[-1][1] <= batch.partial_rep_count
    return batch
