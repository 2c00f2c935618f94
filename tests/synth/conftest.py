"""Shared fixtures for the synth tests."""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # Registered here until pyproject.toml declares the marker.
    config.addinivalue_line("markers", "slow: renders video and runs MediaPipe (tens of seconds)")
