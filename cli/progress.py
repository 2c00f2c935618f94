"""A one-line progress bar on stderr, shown only when a person is watching."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    """Counts finished items; draws nothing when disabled (output piped or redirected)."""

    def __init__(self, total: int, enabled: bool, width: int = 30) -> None:
        """Prepare a bar for `total` items."""
        self.total, self.enabled, self.width = total, enabled, width
        self.done = 0
        self._t0 = time.monotonic()

    def advance(self, label: str = "") -> None:
        """Mark one more item done."""
        self.done += 1
        if not self.enabled:
            return
        filled = int(self.width * self.done / max(self.total, 1))
        elapsed = time.monotonic() - self._t0
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} "
                         f"{elapsed:5.0f}s {label[:40]:<40}")
        sys.stderr.flush()

    def close(self) -> None:
        """End the bar's line."""
        if self.enabled and self.done:
            sys.stderr.write("\n")
            sys.stderr.flush()
