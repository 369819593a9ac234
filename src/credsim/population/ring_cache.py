"""A kept copy of the friendship layer's ring: each citizen's place in its block's ring and which of
its ring ties ahead exist, in two uint16 columns (4 bytes a citizen; `FriendParams.ring_cache`).

Passing a changed score on to a citizen's friends (`add_to_friends`) otherwise recomputes the
block's order (a draw and a sort per member) for every block it touches and hashes every ring
tie of every changed citizen. With the columns it rebuilds the order from the kept places and
reads the ties from bits: the same friends, so the same sums, about twice as fast. The columns
describe the graph as it was built, so a population whose ages or slots change (demography) may
not keep them.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from credsim.population.friend_credit import credit_cross, credit_short_ring
from credsim.population.friend_kernels import _kept, block_of, block_order

__all__ = ["add_to_friends_kept", "fill"]


@njit(parallel=True, cache=True)
def fill(age, segments, first, last, block_size, key_order, homophily, key_ring, ring_t, pos, ties):
    """Fill `pos` (place in the block's ring) and `ties` (bit k-1: the tie to the k-th member
    ahead exists) for the citizens of segments first..last-1, a segment a thread."""
    nrings = ring_t.shape[0]
    for s in prange(last - first):
        prov = first + s
        for start in range(segments[prov], segments[prov + 1], block_size):
            length = min(start + block_size, segments[prov + 1]) - start
            order, place = block_order(age, start, length, key_order, homophily)
            for j in range(length):
                pos[start + j] = place[j]
            if length <= 2 * nrings:  # a block too short for every ring: never read
                for j in range(length):
                    ties[start + j] = 0
                continue
            for p in range(length):
                x = start + order[p]
                bits = 0
                for k in range(1, nrings + 1):
                    q = p + k if p + k < length else p + k - length
                    if _kept(key_ring, 0, x, start + order[q], ring_t[k - 1]):
                        bits |= 1 << (k - 1)
                ties[x] = bits


@njit(parallel=True, cache=True)
def add_to_friends_kept(
    citizens, deltas, sums, count_deltas, counts, pos, ties, segments, block_size,
    key_ring, ring_t, key_cross, cross_t, perm_a, perm_step, perm_b,
):  # fmt: skip
    """`friend_credit.add_to_friends` reading the kept ring: the same friends credited."""
    nrings = ring_t.shape[0]
    rounds = cross_t.shape[0]
    cut = np.searchsorted(citizens, segments)
    with_counts = counts.shape[0] > 0
    for prov in prange(segments.shape[0] - 1):
        partner = np.empty(rounds, np.int64)
        order = np.empty(block_size, np.int64)
        ring = np.empty(block_size + 2 * nrings, np.int64)
        bits = np.empty(block_size + 2 * nrings, np.int64)
        start = stop = length = np.int64(-1)
        whole = False
        for i in range(cut[prov], cut[prov + 1]):
            x = citizens[i]
            if not start <= x < stop:
                _, start, stop = block_of(x, segments, block_size)
                length = stop - start
                for j in range(length):
                    order[pos[start + j]] = j
                whole = length > 2 * nrings
                if whole:  # the ring with nrings wrapped round at each end, and its bits
                    for j in range(length + 2 * nrings):
                        at = j - nrings
                        at = at + length if at < 0 else (at - length if at >= length else at)
                        ring[j] = start + order[at]
                        bits[j] = ties[start + order[at]]
            pos_x = np.int64(pos[x])
            d = deltas[i]
            dc = count_deltas[i] if with_counts else 0
            if whole:
                own = np.int64(ties[x])
                for k in range(nrings):  # ahead: x's own bits
                    y = ring[pos_x + nrings + 1 + k]
                    on = (own >> k) & 1
                    sums[y] += d * on
                    if with_counts:
                        counts[y] += dc * on
                for dist in range(1, nrings + 1):  # behind: the bits of the member behind
                    at = pos_x + nrings - dist
                    on = (bits[at] >> (dist - 1)) & 1
                    sums[ring[at]] += d * on
                    if with_counts:
                        counts[ring[at]] += dc * on
            else:
                credit_short_ring(
                    x, pos_x, start, length, order, key_ring, ring_t, sums, counts, d, dc
                )
            credit_cross(
                x, prov, start, stop, pos_x, pos, 0, segments, key_ring, ring_t, key_cross,
                cross_t, perm_a, perm_step, perm_b, partner, sums, counts, d, dc,
            )  # fmt: skip
