"""bench.real_cuts: issue 16's short real clips are cut to 5 s at 640 px from any clip, and a bad one says why."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest

from bench.real_cuts import CUT_S, LONG_SIDE_PX, cut

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT / "sample_videos" / "wall_sit_hold_10s.mp4"


def test_a_cut_is_five_seconds_from_its_start_with_the_longer_side_640(tmp_path):
    out = tmp_path / "cut.mp4"
    n = cut(CLIP, 2.0, out)
    cap = cv2.VideoCapture(str(out))
    fps, w, h = cap.get(cv2.CAP_PROP_FPS), cap.get(cv2.CAP_PROP_FRAME_WIDTH), cap.get(cv2.CAP_PROP_FRAME_HEIGHT)
    frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    cap.release()
    assert n == frames == round(CUT_S * fps)
    assert max(w, h) == LONG_SIDE_PX


def test_a_cut_past_the_end_or_of_no_video_is_refused_in_one_line(tmp_path):
    with pytest.raises(ValueError, match="no frame at 60.0 s"):
        cut(CLIP, 60.0, tmp_path / "late.mp4")
    bad = tmp_path / "bad.mp4"
    bad.write_text("not a video")
    with pytest.raises(ValueError, match="bad.mp4: cannot be read as a video"):
        cut(bad, 0.0, tmp_path / "bad_cut.mp4")
