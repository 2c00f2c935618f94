"""The person mask is computed only for exercises that read the back outline, and its poses serve the others."""

from dataclasses import replace

import cv2
import numpy as np
import pytest

import pose.extract as extract
from exercises.registry import EXERCISES
from pose.cache import LandmarkCache, file_digest
from pose.estimator import EstimatorSettings
from pose.frames import PoseFrame, PoseSequence
from scoring.runner import AUTO, _settings_for


def _tiny_clip(path, n_frames=6, size=(96, 64), fps=10.0):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    for i in range(n_frames):
        writer.write(np.full((size[1], size[0], 3), 20 * i, np.uint8))
    writer.release()
    return path


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_only_exercises_that_read_the_outline_ask_for_the_mask(name):
    settings = _settings_for(name, EstimatorSettings())
    assert settings.segmentation == EXERCISES[name].needs_outline
    assert replace(settings, segmentation=True) == EstimatorSettings()  # nothing else changes


def test_recognition_and_a_mask_already_turned_off_are_left_alone():
    assert _settings_for(AUTO, EstimatorSettings()).segmentation
    off = EstimatorSettings(segmentation=False)
    assert _settings_for("cat_cow", off) is off


def test_poses_cached_with_the_mask_serve_a_run_without_it(tmp_path, monkeypatch):
    clip = _tiny_clip(tmp_path / "clip.mp4")
    cache = LandmarkCache(tmp_path / "cache")
    with_mask = EstimatorSettings()
    stored = PoseSequence.from_frames([PoseFrame.empty(0.1 * i, (96, 64)) for i in range(3)])
    cache.put(cache.key(file_digest(clip), with_mask.cache_key()), stored)

    def _no_estimation(*args, **kwargs):
        raise AssertionError("the model ran although the cache had the poses")

    monkeypatch.setattr(extract, "_estimate", _no_estimation)
    got = extract.extract_poses(clip, replace(with_mask, segmentation=False), cache)
    np.testing.assert_array_equal(got.t_s, stored.t_s)


def test_poses_cached_without_the_mask_never_serve_an_outline_exercise(tmp_path, monkeypatch):
    clip = _tiny_clip(tmp_path / "clip.mp4")
    cache = LandmarkCache(tmp_path / "cache")
    without = EstimatorSettings(segmentation=False)
    stale = PoseSequence.from_frames([PoseFrame.empty(0.0, (96, 64))])
    cache.put(cache.key(file_digest(clip), without.cache_key()), stale)
    fresh = PoseSequence.from_frames([PoseFrame.empty(0.1 * i, (96, 64)) for i in range(5)])
    monkeypatch.setattr(extract, "_estimate", lambda *a, **k: fresh)
    got = extract.extract_poses(clip, EstimatorSettings(), cache)
    assert len(got) == len(fresh)
