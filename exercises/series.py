"""A growing table of per-frame numbers kept in numpy blocks, so a long live set stays small in memory."""

from __future__ import annotations

import numpy as np

_BLOCK_ROWS = 4096


class SeriesRecorder:
    """Append-only float32 columns; about 4 bytes per value instead of a Python float and dict per frame."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        """Record the named columns."""
        self.columns = columns
        self._blocks: list[np.ndarray] = []
        self._n_in_last = _BLOCK_ROWS

    def append(self, row: list[float]) -> None:
        """Add one row (values in column order; NaN for unknown)."""
        if self._n_in_last == _BLOCK_ROWS:
            self._blocks.append(np.full((_BLOCK_ROWS, len(self.columns)), np.nan, np.float32))
            self._n_in_last = 0
        self._blocks[-1][self._n_in_last] = row
        self._n_in_last += 1

    def __len__(self) -> int:
        return max(0, (len(self._blocks) - 1) * _BLOCK_ROWS + self._n_in_last) if self._blocks else 0

    def column(self, name: str) -> np.ndarray:
        """(N,) float values of one column."""
        if not self._blocks:
            return np.zeros(0)
        i = self.columns.index(name)
        whole = np.concatenate([b[:, i] for b in self._blocks])
        return whole[: len(self)].astype(float)
