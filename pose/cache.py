"""Landmark cache: a clip's poses are estimated once, so re-scoring with new thresholds never re-runs MediaPipe."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from pose.frames import PoseSequence

# Bump when what is stored changes meaning (e.g. how the back outline is measured).
CACHE_FORMAT_VERSION = 2
_CHUNK_BYTES = 1 << 20


def default_cache_dir() -> Path:
    """$FORMCHECK_CACHE_DIR, else ~/.cache/formcheck/landmarks."""
    env = os.environ.get("FORMCHECK_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "formcheck" / "landmarks"


def file_digest(path: Path) -> str:
    """SHA-256 of a file's content, read in chunks (a clip is never loaded whole)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK_BYTES), b""):
            h.update(chunk)
    return h.hexdigest()


class LandmarkCache:
    """PoseSequences stored as .npz files keyed by clip content and estimator settings."""

    def __init__(self, directory: Path | None = None) -> None:
        """Use `directory` (created on first write), or the default cache folder."""
        self.directory = Path(directory) if directory is not None else default_cache_dir()

    def key(self, content_digest: str, settings_key: str) -> str:
        """The cache key for a clip digest and an estimator settings key."""
        return f"{content_digest[:32]}-{settings_key}-v{CACHE_FORMAT_VERSION}"

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.npz"

    def get(self, key: str) -> PoseSequence | None:
        """The stored sequence, or None if absent or unreadable (a damaged entry is simply recomputed)."""
        path = self._path(key)
        if not path.is_file():
            return None
        try:
            return PoseSequence.load(path)
        except (OSError, ValueError, KeyError, EOFError):
            return None

    def put(self, key: str, sequence: PoseSequence) -> None:
        """Store a sequence atomically: a crash mid-write never leaves a half file under the key."""
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".npz.tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                sequence.save(f)
            os.replace(tmp, self._path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
