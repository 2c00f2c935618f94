"""One Euro filter (Casiez et al., CHI 2012) keyed on timestamps, so dropped frames do not distort it."""

from __future__ import annotations

import numpy as np


def _alpha(cutoff_hz: np.ndarray | float, dt_s: float) -> np.ndarray | float:
    tau = 1.0 / (2.0 * np.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)


class OneEuroFilter:
    """Adaptive low-pass filter: smooth when still, responsive when moving.

    Works element-wise on arrays of any fixed shape. A NaN input resets that element, so a
    landmark that disappears and comes back does not drag a stale value with it.
    """

    def __init__(self, min_cutoff_hz: float = 1.5, beta: float = 0.02, d_cutoff_hz: float = 1.0) -> None:
        """Configure the filter.

        Args:
            min_cutoff_hz: cutoff when the signal is still; lower is smoother but lags more.
            beta: how fast the cutoff rises with speed (per unit of signal per second).
            d_cutoff_hz: cutoff for the speed estimate.

        Raises:
            ValueError: if a cutoff is not positive or beta is negative.
        """
        if min_cutoff_hz <= 0 or d_cutoff_hz <= 0:
            raise ValueError(f"cutoffs must be > 0 Hz, got min_cutoff_hz={min_cutoff_hz}, d_cutoff_hz={d_cutoff_hz}")
        if beta < 0:
            raise ValueError(f"beta must be >= 0, got {beta}")
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self.d_cutoff_hz = d_cutoff_hz
        self._t_s: float | None = None
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None

    def __call__(self, t_s: float, x: np.ndarray) -> np.ndarray:
        """Filter one sample taken at time t_s (seconds); returns the smoothed sample."""
        x = np.asarray(x, float)
        if self._x is None or self._t_s is None or t_s <= self._t_s:
            # First sample, or time went backwards: restart rather than divide by a non-positive dt.
            self._t_s, self._x, self._dx = t_s, x.copy(), np.zeros_like(x)
            return x.copy()
        dt = t_s - self._t_s
        prev = np.where(np.isnan(self._x), x, self._x)
        dx = (x - prev) / dt
        dx_hat = self._dx + _alpha(self.d_cutoff_hz, dt) * (dx - self._dx)
        dx_hat = np.where(np.isnan(dx_hat), 0.0, dx_hat)
        cutoff = self.min_cutoff_hz + self.beta * np.abs(dx_hat)
        x_hat = prev + _alpha(cutoff, dt) * (x - prev)
        self._t_s, self._x, self._dx = t_s, x_hat, dx_hat
        return x_hat.copy()

