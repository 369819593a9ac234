"""A kept copy of the friendship layer's ties: each citizen's place in its block's ring, who
stands at each place, which of its ring ties ahead and behind exist and which cross partners it
credits, in five uint16 columns (10 bytes a citizen; `FriendParams.ring_cache`).

Passing a changed score on to a citizen's friends (`add_to_friends`) otherwise recomputes the
block's order (a draw and a sort per member) for every block it touches, hashes every ring tie
of every changed citizen and finds each round's partner through a modular permutation. With the
columns it reads the ring mates from the kept order, the ring ties from the citizen's own bits
(both ways, so no mate's bits are read) and each cross partner from two bits (credited, and on
which side it lies: a round's partner is always `perm_step` places ahead or behind in the
province): the same friends, so the same sums, with no hash, no sort and no division. The
columns describe the graph as it was built, so a population whose ages or slots change
(demography) may not keep them.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from credsim.population.friend_credit import credit_short_ring, cross_partner
from credsim.population.friend_kernels import _kept, block_order

__all__ = ["add_to_friends_kept", "fill"]


@njit(parallel=True, cache=True)
def fill(
    age, segments, first, last, block_size, key_order, homophily, key_ring, ring_t, key_cross,
    cross_t, perm_a, perm_step, perm_b, pos, order, ahead, behind, cross,
):  # fmt: skip
    """Fill, for the citizens of segments first..last-1 (a segment a thread): `pos` (place in the
    block's ring), `order` (the block offset of the member at each place: order[start + p]),
    `ahead` and `behind` (bit k-1: the tie to the k-th member ahead, or behind, exists; 0 in a
    block too short for every ring, which is read the long way) and `cross` (bit 2r: round r's
    partner is credited, as `credit_cross` decides; bit 2r+1: it lies `perm_step` places ahead,
    not behind)."""
    nrings = ring_t.shape[0]
    rounds = cross_t.shape[0]
    for s in prange(last - first):
        prov = first + s
        prov_start = segments[prov]
        prov_len = segments[prov + 1] - prov_start
        partner = np.empty(rounds, np.int64)
        for start in range(prov_start, segments[prov + 1], block_size):
            length = min(start + block_size, segments[prov + 1]) - start
            block, place = block_order(age, start, length, key_order, homophily)
            for j in range(length):
                pos[start + j] = place[j]
                order[start + j] = block[j]
            for p in range(length):
                ahead[start + block[p]] = 0
                behind[start + block[p]] = 0
            for p in range(length):
                x = start + block[p]
                if length > 2 * nrings:  # else never read
                    for k in range(1, nrings + 1):
                        q = p + k if p + k < length else p + k - length
                        y = start + block[q]
                        if _kept(key_ring, 0, x, y, ring_t[k - 1]):
                            ahead[x] |= 1 << (k - 1)
                            behind[y] |= 1 << (k - 1)
                cross[x] = _cross_bits(
                    x, p, prov, prov_start, prov_len, start, length, place, key_ring, ring_t,
                    key_cross, cross_t, perm_a, perm_step, perm_b, partner,
                )  # fmt: skip


@njit(cache=True)
def _cross_bits(
    x, pos_x, prov, prov_start, prov_len, start, length, place, key_ring, ring_t, key_cross,
    cross_t, perm_a, perm_step, perm_b, partner,
):  # fmt: skip
    """x's `cross` bits: the rounds whose partner `credit_cross` credits, and their side."""
    bits = 0
    for r in range(cross_t.shape[0]):
        yl, ahead = cross_partner(
            x, r, prov, prov_start, prov_len, start, start + length, pos_x, place, start,
            key_ring, ring_t, key_cross, cross_t, perm_a, perm_step, perm_b, partner,
        )  # fmt: skip
        if yl >= 0:
            bits |= (1 | np.int64(ahead) << 1) << (2 * r)
    return bits


@njit(parallel=True, cache=True)
def add_to_friends_kept(
    citizens, deltas, sums, count_deltas, counts, pos, order, ahead, behind, cross, segments,
    block_size, key_ring, ring_t, perm_step,
):  # fmt: skip
    """`friend_credit.add_to_friends` reading the kept columns: the same friends credited.
    Provinces run in parallel (no tie leaves its province)."""
    nrings = ring_t.shape[0]
    rounds = perm_step.shape[0]
    cut = np.searchsorted(citizens, segments)
    with_counts = counts.shape[0] > 0
    for prov in prange(segments.shape[0] - 1):
        prov_start = segments[prov]
        prov_len = segments[prov + 1] - prov_start
        # The block's citizens in ring order with nrings wrapped round at each end, so that a
        # member's mates either side are contiguous (a short block: its order, for
        # credit_short_ring).
        ring = np.empty(block_size + 2 * nrings, np.int64)
        start = stop = length = np.int64(-1)
        whole = False
        for i in range(cut[prov], cut[prov + 1]):
            x = citizens[i]
            if not start <= x < stop:
                start = prov_start + ((x - prov_start) // block_size) * block_size
                stop = min(start + block_size, segments[prov + 1])
                length = stop - start
                whole = length > 2 * nrings
                if whole:
                    for j in range(length + 2 * nrings):
                        at = j - nrings
                        at = at + length if at < 0 else (at - length if at >= length else at)
                        ring[j] = start + np.int64(order[start + at])
                else:
                    for j in range(length):
                        ring[j] = order[start + j]
            pos_x = np.int64(pos[x])
            d = deltas[i]
            dc = count_deltas[i] if with_counts else 0
            if whole:
                up, down = np.int64(ahead[x]), np.int64(behind[x])
                _credit_ring(sums, d, up, down, pos_x, ring, nrings)
                if with_counts:
                    _credit_ring(counts, dc, up, down, pos_x, ring, nrings)
            else:
                credit_short_ring(
                    x, pos_x, start, length, ring[:length], key_ring, ring_t, sums, counts, d, dc
                )
            bits = np.int64(cross[x])
            if bits == 0:
                continue
            xl = x - prov_start
            for r in range(rounds):
                if (bits >> (2 * r)) & 1 == 0:
                    continue
                step = np.int64(perm_step[r, prov])
                if (bits >> (2 * r + 1)) & 1:
                    yl = xl + step
                    yl = yl - prov_len if yl >= prov_len else yl
                else:
                    yl = xl - step
                    yl = yl + prov_len if yl < 0 else yl
                sums[prov_start + yl] += d
                if with_counts:
                    counts[prov_start + yl] += dc


@njit(inline="always", cache=True)
def _credit_ring(out, d, up, down, pos_x, ring, nrings):
    """Add d at the ring mates of the citizen at place pos_x (`ring`: the wrapped block),
    without branches: bit k-1 of `up` (`down`) says whether the k-th mate ahead (behind) is a
    friend."""
    at = pos_x + nrings
    for k in range(1, nrings + 1):
        out[ring[at + k]] += d * ((up >> (k - 1)) & 1)
        out[ring[at - k]] += d * ((down >> (k - 1)) & 1)
