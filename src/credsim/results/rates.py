"""How sure a count from one run is: Wilson intervals for shares of a group, exact Poisson
intervals for counts, and whether two intervals separate two groups.

Counts are of simulated people (agents): a run whose agents stand for `people_per_agent` people
each is as uncertain as its agents' counts, so intervals are computed on agents and scaled.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "Z95",
    "overlap",
    "poisson_interval",
    "poisson_intervals",
    "wilson_interval",
    "wilson_intervals",
]

Z95 = 1.959963984540054
"""The standard normal quantile of a two-sided 95% interval."""


def wilson_interval(successes: float, trials: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a share (95% by default): (low, high), both in [0, 1]."""
    if trials <= 0:
        return float("nan"), float("nan")
    p = min(max(successes / trials, 0.0), 1.0)
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(centre - half, 0.0), min(centre + half, 1.0)


def wilson_intervals(
    shares: np.ndarray, trials: float, z: float = Z95
) -> tuple[np.ndarray, np.ndarray]:
    """`wilson_interval` of many shares of the same number of trials at once (NaN stays NaN)."""
    p = np.clip(np.asarray(shares, np.float64), 0.0, 1.0)
    if trials <= 0:
        nan = np.full(p.shape, np.nan)
        return nan, nan.copy()
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return np.maximum(centre - half, 0.0), np.minimum(centre + half, 1.0)


def poisson_interval(count: float, level: float = 0.95) -> tuple[float, float]:
    """The exact (Garwood) interval of a Poisson mean from one observed count: the chi-squared
    quantiles chi2.ppf(q, 2k) / 2 as the inverse regularised gamma function gammaincinv(k, q),
    the same numbers without importing scipy.stats (half a second)."""
    from scipy.special import gammaincinv

    alpha = 1 - level
    k = max(round(count), 0)
    low = 0.0 if k == 0 else float(gammaincinv(k, alpha / 2))
    high = float(gammaincinv(k + 1, 1 - alpha / 2))
    return low, high


def poisson_intervals(counts: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """`poisson_interval` of many counts at once (a NaN count: low 0, high NaN). The quantiles
    are computed once per distinct count: a report's time series repeat a few hundred counts
    over thousands of days and groups."""
    from scipy.special import gammaincinv

    alpha = 1 - level
    all_k = np.maximum(np.rint(np.asarray(counts, np.float64)), 0.0)
    k, back = np.unique(all_k, return_inverse=True)
    with np.errstate(invalid="ignore"):
        low = np.where(k > 0, gammaincinv(np.maximum(k, 1), alpha / 2), 0.0)
    high = gammaincinv(k + 1, 1 - alpha / 2)
    return low[back].reshape(all_k.shape), high[back].reshape(all_k.shape)


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether two intervals share a point (then they do not separate what they measure)."""
    return a[0] <= b[1] and b[0] <= a[1]
