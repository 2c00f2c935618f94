"""The Tasks API path (`--model file.task`), tested offline with a bundle built from the shipped weights."""

import numpy as np
import pytest

from pose.estimator import EstimatorSettings
from pose.extract import extract_poses
from pose.task_bundle import build_task_bundle
from tests.test_real_clips import CACHE, CLIPS, ROWS

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not ROWS, reason="../shared/clips is not present")]


def test_task_bundle_gives_the_same_poses_as_the_bundled_solution(tmp_path):
    from pose.cache import LandmarkCache

    clip = CLIPS / "cat_cow" / "cat_cow_side_polybag.mp4"
    task = build_task_bundle(tmp_path / "pose_full.task")
    via_task = extract_poses(clip, EstimatorSettings(task_model_path=str(task)))
    via_solution = extract_poses(clip, EstimatorSettings(), LandmarkCache(CACHE))
    assert via_task.found.mean() > 0.95
    both = via_task.found & via_solution.found
    gap = np.abs(via_task.xyz[both, :, :2] - via_solution.xyz[both, :, :2])
    # Same weights, different graph (no landmark smoothing in Tasks): close, not identical.
    assert np.median(gap) < 0.02


def test_bad_task_path_is_rejected_at_construction(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        EstimatorSettings(task_model_path=str(tmp_path / "missing.task"))
