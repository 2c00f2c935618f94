"""The lite and heavy pose models: installed offline from npm by hash, chosen with --model, refused when missing."""

import io
import stat
import tarfile

import numpy as np
import pytest

from cli.main import main
from pose import models
from pose.estimator import EstimatorSettings, PoseEstimator
from pose.video import iter_video
from tests.test_real_clips import CLIPS, ROWS


@pytest.fixture
def empty_model_dir(tmp_path, monkeypatch):
    folder = tmp_path / "pose_landmark"
    folder.mkdir()
    monkeypatch.setattr(models, "model_dir", lambda: folder)
    return folder


def test_a_missing_model_is_refused_in_one_line(empty_model_dir):
    with pytest.raises(models.ModelNotInstalled, match="heavy pose model is not installed; run `make`") as err:
        models.model_settings("heavy")
    assert "\n" not in str(err.value)
    models.require_model(1)  # the full model ships with the wheel: never refused


def test_score_with_a_missing_model_is_a_usage_error(empty_model_dir, tmp_path, capfd):
    with pytest.raises(SystemExit) as exit_:
        main(["score", "--model", "lite", str(tmp_path / "any.mp4")])
    assert exit_.value.code == 2
    assert "lite pose model is not installed" in capfd.readouterr().err


def test_model_names_and_task_files_map_to_settings(tmp_path):
    assert models.model_settings("full") == {"model_complexity": 1}
    assert models.model_settings(str(tmp_path / "x.task")) == {"task_model_path": str(tmp_path / "x.task")}
    assert set(models.MODEL_FOR_USE.values()) <= set(models.MODEL_COMPLEXITY)


def test_install_without_npm_says_so_and_installs_nothing(empty_model_dir, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(empty_model_dir))  # a PATH with no npm on it
    assert models.main(["install"]) == 1
    err = capsys.readouterr().err
    assert "NOT installed (npm not found)" in err and err.count("\n") == 1
    assert list(empty_model_dir.iterdir()) == []


def test_install_refuses_a_file_whose_hash_differs(empty_model_dir, tmp_path, monkeypatch):
    # A stand-in npm whose `pack` writes a package with the right names and the wrong bytes.
    tgz = tmp_path / "fake.tgz"
    with tarfile.open(tgz, "w:gz") as tar:
        for name in ("lite", "heavy"):
            data = b"not a model"
            info = tarfile.TarInfo(f"package/pose_landmark_{name}.tflite")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(f"#!/bin/sh\nexec /bin/cp {tgz} ./mediapipe-pose-0.tgz\n")
    npm.chmod(npm.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(RuntimeError, match="SHA-256 .* expected"):
        models.install()
    assert not models.is_installed("lite") and not models.is_installed("heavy")


@pytest.mark.slow
@pytest.mark.skipif(not (models.is_installed("lite") and models.is_installed("heavy")),
                    reason="lite/heavy pose models not installed (run `make`; needs npm and network)")
@pytest.mark.skipif(not ROWS, reason="../shared/clips is not present")
def test_lite_and_heavy_find_the_same_body_as_full():
    clip = CLIPS / "cat_cow" / "cat_cow_side_istock.mp4"
    frames = [f for _, f in zip(range(4), iter_video(clip, 256, start_s=5.0))]
    poses = {}
    for name, complexity in models.MODEL_COMPLEXITY.items():
        with PoseEstimator(EstimatorSettings(model_complexity=complexity, segmentation=False)) as est:
            poses[name] = [est.process(f.rgb, f.t_s) for f in frames]
    for name in ("lite", "heavy"):
        assert all(p.found for p in poses[name]), name
        gap = [np.abs(a.xyz[:, :2] - b.xyz[:, :2]) for a, b in zip(poses[name], poses["full"])]
        # Three sizes of one network on a body in full view: the same joints, within a few percent of the frame.
        assert np.median(gap) < 0.05, name
