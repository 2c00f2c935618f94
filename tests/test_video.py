import numpy as np
import pytest

from pose.video import VideoError, iter_video, probe
from tests.media import write_clip


def test_timestamps_come_from_the_container(tmp_path):
    clip = write_clip(tmp_path / "a.mp4", n_frames=24, fps=24)
    times = [f.t_s for f in iter_video(clip)]
    assert len(times) == 24
    np.testing.assert_allclose(np.diff(times), 1 / 24, atol=1e-3)
    info = probe(clip)
    assert (info.width, info.height) == (160, 120) and info.fps == pytest.approx(24)


def test_large_frames_are_downscaled(tmp_path):
    clip = write_clip(tmp_path / "big.mp4", n_frames=3, size=(1920, 1080))
    frame = next(iter(iter_video(clip, max_side_px=640)))
    assert max(frame.rgb.shape[:2]) == 640 and frame.rgb.dtype == np.uint8


def test_rotation_metadata_turns_frames_upright(tmp_path):
    # A phone held upright records landscape pixels plus a rotation flag; people must come out upright.
    def frame(i):
        img = np.zeros((120, 160, 3), np.uint8)
        img[:, :20] = 255  # a white band on the left edge of the stored pixels
        return img

    clip = write_clip(tmp_path / "r.mp4", n_frames=2, frame=frame, rotate_deg=90)
    info = probe(clip)
    first = next(iter(iter_video(clip)))
    assert info.rotation_deg == 90
    assert first.rgb.shape[:2] == (160, 120)  # portrait after turning
    assert (info.width, info.height) == (120, 160)
    # Turned as ffmpeg's own autorotation turns it (checked against `ffmpeg -i clip out.png`): the stored
    # left edge ends up at the bottom.
    assert first.rgb[-15:].mean() > 200 and first.rgb[:15].mean() < 50


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.write_bytes(b""), "empty file"),
        (lambda p: p.write_text("not a video at all\n" * 50), "not a readable video"),
        (lambda p: None, "no such file"),
    ],
)
def test_unreadable_files_raise_one_line_errors(tmp_path, make, message):
    path = tmp_path / "bad.mp4"
    make(path)
    with pytest.raises(VideoError, match=message) as info:
        list(iter_video(path))
    assert "\n" not in str(info.value)


def test_truncated_clip_is_an_error_or_its_readable_part(tmp_path):
    clip = write_clip(tmp_path / "t.mp4", n_frames=60)
    data = clip.read_bytes()
    clip.write_bytes(data[: len(data) // 2])
    try:
        frames = list(iter_video(clip))
    except VideoError as exc:
        assert "\n" not in str(exc)
    else:
        assert 0 < len(frames) < 60


def test_segments_keep_the_whole_clip_clock(tmp_path):
    clip = write_clip(tmp_path / "s.mp4", n_frames=90, fps=30)
    whole = [f.t_s for f in iter_video(clip)]
    first = [f.t_s for f in iter_video(clip, end_s=1.5)]
    second = [f.t_s for f in iter_video(clip, start_s=1.5)]
    assert first + second == whole
