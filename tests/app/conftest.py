"""Fixtures for the app tests: tiny generated clips (no real footage, no bundled samples)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app's data, cache and samples folders into tmp_path; returns the samples folder."""
    samples = tmp_path / "samples"
    samples.mkdir()
    monkeypatch.setenv("FORMCHECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FORMCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("FORMCHECK_SAMPLES_DIR", str(samples))
    return samples
