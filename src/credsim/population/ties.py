"""Ties that citizens have cut: a sorted set of friendships, subtracted from the implicit graph;
and ties added to it for a while (a rented high-score friend).

The social graph is recomputed from hashes and never stored, so a cut tie cannot be deleted from
it. Instead the cuts are kept as sorted 64-bit pair keys (smaller id in the high half), and any sum
over neighbours is corrected by taking the cut pairs' contributions back out. Added ties are kept
the same way, each with the day it ends, and their contributions are put in. Memory and time grow
with the number of ties cut or added, not with the population.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from credsim.engine.rng import draw_uniform
from credsim.engine.sealed import PublicService
from credsim.engine.sets import union

__all__ = ["CutTies", "pair_draws", "pair_keys", "pair_uniform"]


def pair_keys(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One uint64 per unordered pair {a, b}: min(a, b) << 32 | max(a, b)."""
    a64, b64 = np.asarray(a, np.uint64), np.asarray(b, np.uint64)
    return (np.minimum(a64, b64) << np.uint64(32)) | np.maximum(a64, b64)


@njit(inline="always", cache=True)
def pair_uniform(key, day, a, b):
    """The uniform of the unordered pair {a, b} on `day` from the stream `key` (in kernels)."""
    lo, hi = min(a, b), max(a, b)
    return draw_uniform(key, day, (np.uint64(lo) << np.uint64(32)) | np.uint64(hi))


@njit(cache=True)
def _pair_draws(key, day, a, b):
    out = np.empty(a.shape[0], np.float64)
    for i in range(a.shape[0]):
        out[i] = pair_uniform(key, day, a[i], b[i])
    return out


def pair_draws(key: np.uint64, day: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One uniform per unordered pair {a_i, b_i} on `day` from the stream `key`: the same
    number `Stream.uniform(day, pair_keys(a, b))` gives, without building the keys."""
    return _pair_draws(key, np.int64(day), np.asarray(a, np.int64), np.asarray(b, np.int64))


@njit(cache=True)
def _take_out(sums, counts, values, low, high, lo):
    for i in range(low.shape[0]):
        a, b = low[i], high[i]
        sums[a - lo] -= values[b]
        counts[a - lo] -= 1
        sums[b - lo] -= values[a]
        counts[b - lo] -= 1


@njit(cache=True)
def _put_in(sums, counts, values, low, high, lo):
    for i in range(low.shape[0]):
        a, b = low[i], high[i]
        sums[a - lo] += values[b]
        counts[a - lo] += 1
        sums[b - lo] += values[a]
        counts[b - lo] += 1


class CutTies(PublicService):
    """The friendships cut so far, by pair; each pair counted once however often it is cut. Also
    the ties added for a while (`add_ties`), which the friends' term counts like any friendship."""

    def __init__(self, n: int) -> None:
        self.n = int(n)
        self.keys = np.empty(0, np.uint64)
        self.added = np.empty(0, np.uint64)
        """Added ties (sorted pair keys) and the day each ends (`added_until`)."""
        self.added_until = np.empty(0, np.int32)

    def __len__(self) -> int:
        return int(self.keys.shape[0])

    @property
    def nbytes(self) -> int:
        return int(self.keys.nbytes + self.added.nbytes + self.added_until.nbytes)

    def add_ties(self, a: np.ndarray, b: np.ndarray, until: np.ndarray | int) -> np.ndarray:
        """Add the ties {a_i, b_i} until day `until` (a tie already added is extended); returns
        the mask of pairs that were not added before."""
        keys = pair_keys(a, b)
        until = np.broadcast_to(np.asarray(until, np.int32), keys.shape)
        keys, first = np.unique(keys, return_index=True)
        until = until[first]
        at = np.searchsorted(self.added, keys)
        known = np.zeros(keys.shape[0], bool)
        if self.added.shape[0]:
            inside = np.minimum(at, self.added.shape[0] - 1)
            known = self.added[inside] == keys
            self.added_until[inside[known]] = np.maximum(
                self.added_until[inside[known]], until[known]
            )
        if (~known).any():
            merged = np.concatenate([self.added, keys[~known]])
            order = np.argsort(merged, kind="stable")
            self.added = merged[order]
            self.added_until = np.concatenate([self.added_until, until[~known]])[order]
        fresh = np.isin(pair_keys(a, b), keys[~known])
        return fresh

    def end_ties(self, day: int) -> int:
        """Drop the added ties that end before `day`; how many ended."""
        keep = self.added_until >= day
        ended = int(keep.shape[0] - np.count_nonzero(keep))
        if ended:
            self.added, self.added_until = self.added[keep], self.added_until[keep]
        return ended

    def added_ends(self) -> tuple[np.ndarray, np.ndarray]:
        """Both ends of every added tie (int64)."""
        return (self.added >> np.uint64(32)).astype(np.int64), (
            self.added & np.uint64(0xFFFFFFFF)
        ).astype(np.int64)

    def add(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Cut the ties {a_i, b_i}; returns the mask of pairs that were not cut before."""
        keys = pair_keys(a, b)
        fresh = ~self.contains_keys(keys)
        if fresh.any():
            self.keys = union(self.keys, keys[fresh])
        return fresh

    def contains(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether each tie {a_i, b_i} has been cut."""
        return self.contains_keys(pair_keys(a, b))

    def contains_keys(self, keys: np.ndarray) -> np.ndarray:
        if self.keys.shape[0] == 0:
            return np.zeros(keys.shape[0], bool)
        at = np.minimum(np.searchsorted(self.keys, keys), self.keys.shape[0] - 1)
        return self.keys[at] == keys

    def ends(self) -> tuple[np.ndarray, np.ndarray]:
        """Both ends of every cut tie (int64)."""
        return (self.keys >> np.uint64(32)).astype(np.int64), (
            self.keys & np.uint64(0xFFFFFFFF)
        ).astype(np.int64)

    def per_citizen(self) -> np.ndarray:
        """Ties each citizen has lost (either end), int32."""
        low, high = self.ends()
        return np.bincount(np.concatenate([low, high]), minlength=self.n).astype(np.int32)

    def corrected_mean(
        self, mean: np.ndarray, count: np.ndarray, values: np.ndarray, lo: int = 0
    ) -> tuple[np.ndarray, np.ndarray]:
        """A neighbour mean and count over the full graph, with the cut ties taken out and the
        added ties put in. `mean` and `count` may cover only citizens lo.. (a shard's own, which
        hold all its cut and added ties); `values` covers every citizen."""
        if self.keys.shape[0] == 0 and self.added.shape[0] == 0:
            return mean, count
        counts = count.astype(np.int64)
        sums = np.where(counts > 0, mean * counts, 0.0)
        as_float = values.astype(np.float64)
        if self.keys.shape[0]:
            low, high = self.ends()
            _take_out(sums, counts, as_float, low, high, lo)
        if self.added.shape[0]:
            low, high = self.added_ends()
            _put_in(sums, counts, as_float, low, high, lo)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
        return out, counts.astype(np.int32)
