"""Per-group histograms of one policy's scores, moved by score changes: daily means, Ginis and grade
shares then cost nothing per citizen per day (credsim.metrics.score_stats)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from credsim.metrics.groups import CHUNK, FUSED_FROM, SORT_FROM, _groups_of
from credsim.metrics.score_stats import day_series, ginis_from_histograms

if TYPE_CHECKING:
    from credsim.metrics.groups import Groups

__all__ = ["ScoreHistogram"]


@njit(cache=True)
def _move(hist, groups, old_bin, new_bin):
    for j in range(old_bin.shape[0]):
        for r in range(groups.shape[0]):
            g = groups[r, j]
            hist[g, old_bin[j]] -= 1
            hist[g, new_bin[j]] += 1


@njit(cache=True)
def _move_targets(
    hist, citizens, old_bin, new_bin, columns, plan, starts, targets, segment_targets, size
):
    """`_move` with each citizen's groups found as it goes, every trait of a citizen at once
    (its bytes are read from memory once; `_count`'s tables): integer counts, so the same
    histogram as from an index of every citizen's groups."""
    traits = plan.shape[0]
    groups = np.zeros(traits + 1, np.int64)
    found = np.zeros((3, traits), np.int64)  # per segment trait: last segment, its start, stop
    for j in range(citizens.shape[0]):
        _groups_of(citizens[j], columns, plan, starts, targets, segment_targets, groups, found)
        before, after = old_bin[j], new_bin[j]
        for r in range(traits + 1):
            g = groups[r]
            if g >= size:
                raise ValueError("a trait code beyond its labels")
            hist[g, before] -= 1
            hist[g, after] += 1


@njit(cache=True)
def _ascending(citizens):
    """Whether the citizens come in ascending order (stops at the first that does not)."""
    j = 1
    while j < citizens.shape[0] and citizens[j] >= citizens[j - 1]:
        j += 1
    return j >= citizens.shape[0]


@njit(cache=True)
def _shift(hist, groups, bins, sign):
    for j in range(bins.shape[0]):
        for r in range(groups.shape[0]):
            hist[groups[r, j], bins[j]] += sign


class ScoreHistogram:
    """Per-group counts of citizens at each score value of one policy."""

    def __init__(
        self,
        groups: Groups,
        low: int,
        high: int,
        score: np.ndarray,
        lo: int = 0,
        hi: int | None = None,
        territory: tuple[tuple[int, int], ...] | None = None,
        keep=None,
    ) -> None:
        """Counts of citizens lo..hi-1 (all by default) at each score; only those in
        `territory` (ranges of citizens) if the policy scores only some regions, and only those
        `keep` (a predicate on citizens: by age, alive) holds for."""
        self.groups, self.low = groups, low
        self.values = np.arange(low, high + 1, dtype=np.float64)
        nbins = high - low + 1
        self.hist = np.zeros((groups.size, nbins), np.int64)
        hi = score.shape[0] if hi is None else hi
        spans = (
            [(lo, hi)]
            if territory is None
            else [(max(a, lo), min(b, hi)) for a, b in territory if min(b, hi) > max(a, lo)]
        )
        for first, last in spans:
            for start in range(first, last, CHUNK):
                chunk = np.arange(start, min(start + CHUNK, last))
                if keep is not None:
                    chunk = chunk[keep(chunk)]
                bins = score[chunk].astype(np.int64) - low
                for row in groups.index(chunk):
                    flat = np.bincount(row * nbins + bins, minlength=groups.size * nbins)
                    self.hist += flat.reshape(groups.size, nbins)

    def move(self, citizens: np.ndarray, old: np.ndarray, new: np.ndarray) -> None:
        """Citizens whose score went from `old` to `new`, in order."""
        if not citizens.shape[0]:
            return
        fused = self.groups._fused()
        if fused is None or citizens.shape[0] <= FUSED_FROM:
            _move(self.hist, self.groups.index(citizens), old - self.low, new - self.low)
            return
        c = np.ascontiguousarray(citizens)
        old, new = old - self.low, new - self.low
        columns, plan, _, starts, _, _ = fused
        if columns[0].shape[0] > SORT_FROM and not _ascending(c):
            # Integer counts do not depend on the order: in citizen order the trait columns are
            # read front to back, which the memory prefetches (a day's changes from records come
            # in one sorted run per kind of record, which merge cheaply); see `SORT_FROM`.
            order = np.argsort(c, kind="stable")
            c, old, new = c[order], old[order], new[order]
        bins = (np.ascontiguousarray(old), np.ascontiguousarray(new))
        targets = self.groups._group_targets()
        _move_targets(self.hist, c, *bins, columns, plan, starts, *targets, self.groups.size)

    def shift(self, citizens: np.ndarray, scores: np.ndarray, sign: int) -> None:
        """Add (sign +1) or remove (-1) citizens at their scores."""
        if citizens.shape[0]:
            _shift(self.hist, self.groups.index(citizens), scores - self.low, sign)

    def means(self) -> np.ndarray:
        """Every group's mean score (nan for an empty group)."""
        return self.series([])[0]

    def ginis(self) -> np.ndarray:
        """Every group's Gini at once (the same formula as `gini_from_histogram`)."""
        return ginis_from_histograms(self.values, self.hist)

    def shares_at_or_above(self, bounds: list[int]) -> np.ndarray:
        """Per group, the share of citizens in each band [bound_i, bound_{i-1}); last band open."""
        return self.series(bounds)[2]

    def series(self, bounds: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every group's mean, Gini and share in each band of `bounds` (`shares_at_or_above`)
        at once: one pass over the bins in use (credsim.metrics.score_stats), found in group 0,
        which counts everyone the other groups count."""
        used = np.flatnonzero(self.hist[0]) if self.hist.shape[0] else self.hist[:0, 0]
        span = (int(used[0]), int(used[-1]) + 1) if used.shape[0] else (0, 0)
        return day_series(self.values, self.hist, self.low, bounds, span)
