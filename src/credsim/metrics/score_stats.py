"""A day's statistics of a score's histograms by group: means, Ginis and grade shares.

Each policy's histogram (groups × score values) is summarised every day; the three figures come
from one pass over the bins in use. Sums of integer scores and counts are exact below 2**53 (runs
of a few million agents), and shares divide whole counts, so the figures do not depend on the
order of summing: a sharded run's merged histograms give the same bits.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["day_series", "gini_from_histogram", "ginis_from_histograms"]


def day_series(
    values: np.ndarray,
    hist: np.ndarray,
    low: int,
    bounds: list[int],
    span: tuple[int, int] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row of `hist` (citizens at each of the sorted `values`, the first being `low`): the
    mean (nan when empty), the Gini (`gini_from_histogram`'s formula) and the share in each band
    [bound_i, bound_{i-1}) of `bounds` (the first band has no top; the last takes everyone below
    the one before, whatever its bound). A bound above the top value makes an empty band.
    `span` = (first, end): the only bins any row uses, when the caller knows them; the rest are
    not visited (a score's range is often wide and its citizens few of its values)."""
    nbins = hist.shape[1]
    first, end = span if span is not None else (0, nbins)
    at = np.array([max(b, low) - low for b in bounds], np.int64)
    at = np.where(at < nbins, at, -1)
    groups = hist.shape[0]
    means, ginis = np.empty(groups), np.empty(groups)
    shares = np.empty((groups, at.shape[0]))
    _series(values, hist, at, means, ginis, shares, first, end)
    return means, ginis, shares


@njit(cache=True)
def _series(values, hist, at, means, ginis, shares, first, end):
    bands = at.shape[0]
    below = np.zeros(bands, np.int64)  # citizens in bins under each band's bound
    for g in range(hist.shape[0]):
        count = 0
        n = total = rank_sum = before = 0.0
        below[:] = 0
        for b in range(first, end):
            k = hist[g, b]
            if k == 0:
                continue
            c = np.float64(k)
            count += k
            n += c
            total += c * values[b]
            rank_sum += values[b] * (c * before + c * (c + 1.0) / 2.0)
            before += c
            for i in range(bands):
                if b < at[i]:
                    below[i] += k
        means[g] = total / n if n > 0 else np.nan
        if n == 0.0:
            ginis[g] = np.nan
        elif total == 0.0:
            ginis[g] = 0.0
        else:
            ginis[g] = 2.0 * rank_sum / (n * total) - (n + 1.0) / n
        above_before = 0
        for i in range(bands):
            if i == bands - 1:
                above = count
            elif at[i] >= 0:
                above = count - below[i]
            else:
                above = 0
            shares[g, i] = (above - above_before) / count if count > 0 else np.nan
            above_before = above


def ginis_from_histograms(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Gini coefficient of each row of `counts` (citizens at each of the sorted `values`): the
    formula of `gini_from_histogram`, one pass per row; empty bins are skipped, so a day's cost
    is that of the bins in use."""
    rows = counts.shape[0]
    means, ginis = np.empty(rows), np.empty(rows)
    empty = np.empty(0, np.int64)
    _series(values, counts, empty, means, ginis, np.empty((rows, 0)), 0, counts.shape[1])
    return ginis


def gini_from_histogram(values: np.ndarray, counts: np.ndarray) -> float:
    """Gini coefficient of a distribution given as counts at sorted values (exact)."""
    n = counts.sum()
    total = float(counts @ values)
    if n == 0 or total == 0:
        return float("nan") if n == 0 else 0.0
    below = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.float64)
    c = counts.astype(np.float64)
    rank_sum = values @ (c * below + c * (c + 1) / 2)
    return float(2.0 * rank_sum / (n * total) - (n + 1) / n)
