"""The review page's annotated replay measures the side its report measured, for every bundled sample clip.

A recorded clip's report chooses the working side by a vote over the whole clip; an engine left to choose fixes it
after its first seconds, so a replay drawn that way could show the other leg's angles. The page draws the replay
with the report's side (app_pages.review.draw_replay). MediaPipe runs twice per clip, so each clip is cut to its first
seconds at half size, and the report and the replay are both made from that cut.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import av
import pytest

from app_pages.review import draw_replay
from scoring.prescription import plan_set
from scoring.runner import ScoreOptions, score_path

pytestmark = pytest.mark.slow

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "sample_videos").glob("*.mp4"))
CUT_S = 2.5


def _cut(src: Path, dst: Path, seconds: float = CUT_S) -> None:
    """The first `seconds` of a clip at half size, as H.264."""
    with av.open(str(src)) as inp, av.open(str(dst), "w") as out:
        video = inp.streams.video[0]
        rate = Fraction(video.average_rate or 30).limit_denominator(1001)
        stream = out.add_stream("libx264", rate=rate)
        stream.width, stream.height = video.codec_context.width // 4 * 2, video.codec_context.height // 4 * 2
        stream.pix_fmt = "yuv420p"
        for n, frame in enumerate(inp.decode(video)):
            if frame.time is not None and frame.time >= seconds:
                break
            small = frame.reformat(width=stream.width, height=stream.height, format="yuv420p")
            small.pts, small.time_base = n, 1 / rate
            out.mux(stream.encode(small))
        out.mux(stream.encode(None))


@pytest.mark.skipif(not SAMPLES, reason="no sample clips rendered (make samples)")
@pytest.mark.parametrize("clip", SAMPLES, ids=lambda p: p.stem)
def test_the_replay_measures_the_side_of_the_report(clip: Path, isolated_dirs, tmp_path: Path):
    exercise = json.loads(clip.with_suffix(".truth.json").read_text(encoding="utf-8"))["exercise"]
    cut = tmp_path / clip.name
    _cut(clip, cut)
    plan = plan_set(exercise)
    result = score_path(cut, ScoreOptions(exercise=exercise))
    assert result.error is None and result.report is not None, result.error
    replay = draw_replay(str(cut), plan, result.report, tmp_path / "replay.mp4")
    assert replay.frames > 0
    assert replay.side == result.report.side

