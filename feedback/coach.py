"""Live coaching logic with no UI: which one cue to show (rate-limited), the set summary, the symptom advice.

Everything here runs on timestamps in seconds, never on frame counts, so a webcam that drops frames behaves
the same as one that does not.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from exercises.results import ClipReport
from exercises.spec import ExerciseSpec

# Higher is more urgent. Setup problems rank with "warn": the set cannot be judged until they are fixed.
SEVERITY_RANK: dict[str, int] = {"info": 0, "warn": 1, "stop": 2}

SymptomMove = Literal["down_the_leg", "towards_the_back", "same"]
SYMPTOM_MOVES: dict[str, str] = {
    "same": "Stayed the same",
    "towards_the_back": "Moved up, towards my back",
    "down_the_leg": "Moved down my leg",
}
# Pain at or above this (0-10 scale) after a set is worth a word with the therapist whatever else happened.
PAIN_HIGH_MIN_SCORE = 7


@dataclass(frozen=True)
class Cue:
    """The cue to show now.

    Attributes:
        code: fault or setup code.
        new: True on the one update at which it is first shown (or shown again after the repeat interval);
            a spoken cue is said only then.
    """

    code: str
    new: bool


class CueSelector:
    """Picks one cue at a time from what is wrong now, so the patient is not flooded.

    - The most severe candidate wins; ties go to the earlier one in the candidates' order.
    - A shown cue stays up for at least `min_show_s`, even if it flickers off, unless a strictly more severe
      one arrives; then it is cleared once it is no longer a candidate.
    - A cue that was announced is not announced again within `repeat_interval_s` (it may still be shown).
    """

    def __init__(self, min_show_s: float = 2.0, repeat_interval_s: float = 8.0) -> None:
        """Configure the rate limits.

        Raises:
            ValueError: if an interval is negative or not a number.
        """
        for name, value in (("min_show_s", min_show_s), ("repeat_interval_s", repeat_interval_s)):
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a number of seconds >= 0, got {value!r}")
        self.min_show_s = float(min_show_s)
        self.repeat_interval_s = float(repeat_interval_s)
        self._current: str | None = None
        self._current_rank = -1
        self._shown_at_s = -math.inf
        self._announced_at_s: dict[str, float] = {}

    def update(self, t_s: float, candidates: Iterable[tuple[str, str]]) -> Cue | None:
        """Choose the cue for this moment.

        Args:
            t_s: the time now, in seconds (frame time); earlier times than a previous call are treated as now.
            candidates: (code, severity) pairs active now, severity one of SEVERITY_RANK.

        Returns:
            The cue to show, or None for no cue.
        """
        ranked = [(code, SEVERITY_RANK[sev]) for code, sev in candidates]
        best = max(ranked, key=lambda cr: cr[1], default=None)  # max keeps the first of equal ranks
        active = {code for code, _ in ranked}
        current = self._current
        if current is not None:
            outranked = best is not None and best[1] > self._current_rank
            still_true = current in active
            fresh = t_s - self._shown_at_s < self.min_show_s
            if not outranked and (still_true or fresh):
                # Keep what is up: nothing more urgent, and it is still true or was only just shown.
                return Cue(current, False)
        if best is None:
            self._current, self._current_rank = None, -1
            return None
        return self._show(t_s, *best)

    def _show(self, t_s: float, code: str, rank: int) -> Cue:
        if code == self._current:
            return Cue(code, False)
        self._current, self._current_rank, self._shown_at_s = code, rank, t_s
        last = self._announced_at_s.get(code, -math.inf)
        new = t_s - last >= self.repeat_interval_s
        if new:
            self._announced_at_s[code] = t_s
        return Cue(code, new)


# Seen this long without the rep measurement readable, the person is told how to get into position: long enough
# to lie down, settle and place the hands, short enough that a patient is not left wondering why nothing counts.
NOT_IN_POSITION_MIN_S = 3.0
# Once told, measured this long without a break before the instruction goes, as long as it took to be told: out of
# position a measurement may still be read now and then (hands by the sides read as on the hip bones for 1.5-2 s
# of each rest on a rendered pelvic tilt), and the instruction should not come and go with it.
IN_POSITION_MIN_S = NOT_IN_POSITION_MIN_S


class PositionWatch:
    """Whether the person has been in the picture, but out of the exercise's measured position, for a while.

    Fed each frame's engine result (FrameResult.seen and .reliable): the body seen and its rep measurement unknown
    for `min_s` without a break is "not in position" (a pelvic tilt with the hands by the sides, where the tilt is
    read from the hands on the hip bones). It lasts until the measurement has been read for `clear_s` without a
    break, or the body is lost (then the camera is the fix).
    """

    def __init__(self, min_s: float = NOT_IN_POSITION_MIN_S, clear_s: float = IN_POSITION_MIN_S) -> None:
        for name, value in (("min_s", min_s), ("clear_s", clear_s)):
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a number of seconds >= 0, got {value!r}")
        self.min_s, self.clear_s = float(min_s), float(clear_s)
        self._unmeasured_since_s: float | None = None
        self._measured_since_s: float | None = None
        self._on = False

    def update(self, t_s: float, seen: bool, measured: bool) -> bool:
        """Whether the person is out of position at `t_s` (seconds), given this frame's result."""
        if not seen:
            self._unmeasured_since_s = self._measured_since_s = None
            self._on = False
        elif measured:
            self._unmeasured_since_s = None
            if self._measured_since_s is None:
                self._measured_since_s = t_s
            if t_s - self._measured_since_s >= self.clear_s:
                self._on = False
        else:
            self._measured_since_s = None
            if self._unmeasured_since_s is None:
                self._unmeasured_since_s = t_s
            if t_s - self._unmeasured_since_s >= self.min_s:
                self._on = True
        return self._on


@dataclass(frozen=True)
class SetSummary:
    """What the patient sees after a set."""

    reps: int
    best_hold_s: float
    has_hold: bool
    faults_per_rep: tuple[tuple[int, tuple[str, ...]], ...]
    range_low: float
    range_high: float
    signal: str
    duration_s: float
    pose_coverage: float
    # Attempts that moved clearly but fell short of the work zone, each flagged with the range fault
    # (faults_per_partial_rep, as (index among partial reps, faults)); never counted in `reps`.
    partial_reps: int = 0
    faults_per_partial_rep: tuple[tuple[int, tuple[str, ...]], ...] = ()


def count_text(reps: int, partial_reps: int) -> str:
    """The live count as the patient reads it: full reps, and partial ones when there were any ("3 reps, 1 partial")."""
    full = f"{reps} rep" + ("" if reps == 1 else "s")
    return f"{full}, {partial_reps} partial" if partial_reps else full


def summarise(report: ClipReport, spec: ExerciseSpec) -> SetSummary:
    """Sum up a live set from the engine's report (range: lowest and highest rep-signal value in any attempt).

    Attempts are the reps and the partial reps: a patient who only managed partial ones still sees their range.

    Args:
        report: Checker.report() of the set.
        spec: the exercise the set was checked against.
    """
    signal = spec.rep.signal
    attempts = (*report.reps, *report.partial_reps)
    lows = [r.low.get(signal, math.nan) for r in attempts]
    highs = [r.high.get(signal, math.nan) for r in attempts]
    if not attempts:
        # No complete rep: show the range reached while the pose was reliable, which is still useful.
        series = report.series.get(signal)
        lows = highs = list(series[report.reliable]) if series is not None and len(series) else []
    finite_lo = [v for v in lows if math.isfinite(v)]
    finite_hi = [v for v in highs if math.isfinite(v)]
    return SetSummary(
        reps=report.rep_count,
        best_hold_s=report.hold_s,
        has_hold=spec.hold is not None,
        faults_per_rep=tuple((r.index, r.faults) for r in report.reps),
        range_low=min(finite_lo) if finite_lo else math.nan,
        range_high=max(finite_hi) if finite_hi else math.nan,
        signal=signal,
        duration_s=report.duration_s,
        pose_coverage=report.pose_coverage,
        partial_reps=report.partial_rep_count,
        faults_per_partial_rep=tuple((r.index, r.faults) for r in report.partial_reps),
    )


def symptom_advice(move: SymptomMove, pain_0_to_10: int, emergency: bool = False) -> list[tuple[str, str]]:
    """Advice codes for the patient's answers after a set, most important first.

    Args:
        move: where the symptoms went during the set.
        pain_0_to_10: pain now on a 0-10 scale.
        emergency: saddle numbness or loss of bladder or bowel control reported.

    Returns:
        (advice code from feedback.wording.SYMPTOM_ADVICE, level) pairs; level is "error", "warning" or "ok".

    Raises:
        ValueError: for an unknown answer or a pain score outside 0-10.
    """
    if move not in SYMPTOM_MOVES:
        raise ValueError(f"unknown symptom answer {move!r}; expected one of {', '.join(SYMPTOM_MOVES)}")
    if not 0 <= pain_0_to_10 <= 10:
        raise ValueError(f"pain must be 0-10, got {pain_0_to_10}")
    out: list[tuple[str, str]] = []
    if emergency:
        out.append(("emergency", "error"))
    if move == "down_the_leg":
        out.append(("down_the_leg", "error"))
    if pain_0_to_10 >= PAIN_HIGH_MIN_SCORE:
        out.append(("high_pain", "warning"))
    if move != "down_the_leg":
        out.append((move, "ok"))
    return out
