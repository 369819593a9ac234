"""Passing changed values on to friends: `add_to_friends` adds each changed citizen's delta at
every friend, recomputing the friendship layer's ties from its hashes (`friend_kernels`); the
credit of the short blocks and of the cross rounds is shared with the kernel that reads a kept
ring instead (`ring_cache`)."""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from credsim.population.friend_kernels import (
    _hash_edges_from,
    _in_ring,
    _kept,
    _matched,
    block_of,
    block_order,
    short_ring_into,
    wrapped_ring,
)

__all__ = ["add_to_friends", "credit_cross", "credit_short_ring", "cross_partner"]


@njit(parallel=True, cache=True)
def add_to_friends(
    citizens,
    deltas,
    sums,
    count_deltas,
    counts,
    age,
    segments,
    block_size,
    key_order,
    homophily,
    key_ring,
    ring_t,
    key_cross,
    cross_t,
    perm_a,
    perm_step,
    perm_b,
):
    """Add deltas[i] to sums[y], and count_deltas[i] to counts[y] when `counts` is not empty, for
    every friend y of citizens[i] (sorted, no repeats; same ties as friends_pass). Provinces run
    in parallel: no tie leaves its province, so no two threads write the same citizen."""
    nrings = ring_t.shape[0]
    rounds = cross_t.shape[0]
    ring_back = ring_t[::-1].copy()
    cut = np.searchsorted(citizens, segments)
    for prov in prange(segments.shape[0] - 1):
        partner = np.empty(rounds, np.int64)
        ahead = np.empty(nrings, np.int64)
        behind = np.empty(nrings, np.int64)
        start = stop = length = np.int64(-1)
        order = pos = ring = np.empty(0, np.int64)
        for i in range(cut[prov], cut[prov + 1]):
            x = citizens[i]
            if not start <= x < stop:
                _, start, stop = block_of(x, segments, block_size)
                length = stop - start
                order, pos = block_order(age, start, length, key_order, homophily)
                ring = wrapped_ring(start, order, nrings)
            pos_x = pos[x - start]
            d = deltas[i]
            dc = count_deltas[i] if counts.shape[0] else 0
            if ring.shape[0]:
                # The ring mates ahead of x and behind it are contiguous in the wrapped ring:
                # hash them in loops that vectorise, then add without branches.
                near = ring[pos_x + nrings + 1 : pos_x + 2 * nrings + 1]
                far = ring[pos_x : pos_x + nrings]
                _hash_edges_from(key_ring, x, near, ring_t, ahead)
                _hash_edges_from(key_ring, x, far, ring_back, behind)
                _credit(sums, near, ahead, d)
                _credit(sums, far, behind, d)
                if counts.shape[0]:
                    _credit(counts, near, ahead, dc)
                    _credit(counts, far, behind, dc)
            else:  # a block too short for every ring: as friends_into does
                credit_short_ring(
                    x, pos_x, start, length, order, key_ring, ring_t, sums, counts, d, dc
                )
            credit_cross(
                x, prov, start, stop, pos_x, pos, start, segments, key_ring, ring_t, key_cross,
                cross_t, perm_a, perm_step, perm_b, partner, sums, counts, d, dc,
            )  # fmt: skip


@njit(cache=True)
def credit_short_ring(x, pos_x, start, length, order, key_ring, ring_t, sums, counts, d, dc):
    """`add_to_friends` for x in a block too short for every ring (a province's last blocks)."""
    mates = np.empty(2 * ring_t.shape[0], np.int64)
    for y in mates[: short_ring_into(x, pos_x, start, length, order, key_ring, ring_t, mates, 0)]:
        sums[y] += d
        if counts.shape[0]:
            counts[y] += dc


@njit(inline="always", cache=True)
def credit_cross(
    x, prov, start, stop, pos_x, pos, pos_from, segments, key_ring, ring_t, key_cross, cross_t,
    perm_a, perm_step, perm_b, partner, sums, counts, d, dc,
):  # fmt: skip
    """`add_to_friends` for x's partners of the cross rounds (`partner`: scratch, one a round),
    x's block being [start, stop) and pos[y - pos_from] the ring place of its member y; a partner
    that is also a ring mate, or an earlier round's, is credited once."""
    prov_start = segments[prov]
    prov_len = segments[prov + 1] - prov_start
    for r in range(cross_t.shape[0]):
        yl, _ = cross_partner(
            x, r, prov, prov_start, prov_len, start, stop, pos_x, pos, pos_from, key_ring,
            ring_t, key_cross, cross_t, perm_a, perm_step, perm_b, partner,
        )  # fmt: skip
        if yl >= 0:
            sums[prov_start + yl] += d
            if counts.shape[0]:
                counts[prov_start + yl] += dc


@njit(inline="always", cache=True)
def cross_partner(
    x, r, prov, prov_start, prov_len, start, stop, pos_x, pos, pos_from, key_ring, ring_t,
    key_cross, cross_t, perm_a, perm_step, perm_b, partner,
):  # fmt: skip
    """x's partner in round r as an offset in its province, -1 when none is credited (unmatched,
    not kept, a ring mate or an earlier round's partner: `partner` holds those, rounds taken in
    order), and whether it lies ahead (`perm_step` places on) rather than behind."""
    xl = x - prov_start
    partner[r] = -1
    # _perm_position, written out: a call per citizen and round costs more than it
    p = np.int64((perm_a[r, prov] * np.uint64(xl) + perm_b[r, prov]) % np.uint64(prov_len))
    yl = _matched(xl, p, np.int64(perm_step[r, prov]), prov_len)
    if yl < 0 or not _kept(key_cross, r, x, prov_start + yl, cross_t[r]):
        return -1, False
    y = prov_start + yl
    dup = start <= y < stop and _in_ring(
        x, y, pos_x, np.int64(pos[y - pos_from]), stop - start, key_ring, ring_t
    )
    for r2 in range(r):
        dup |= partner[r2] == yl
    partner[r] = yl
    return (-1 if dup else yl), p & 1 == 0


@njit(inline="always", cache=True)
def _credit(out, at, kept, d):
    for k in range(at.shape[0]):
        out[at[k]] += d * kept[k]
