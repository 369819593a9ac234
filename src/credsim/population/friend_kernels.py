"""Numba kernels of the friendship layer: ties are recomputed from hashes inside one block.

Each kernel reads only the citizens of the block it is working on (cross-block friends are found
by an affine matching, not by a lookup), so a block's ties never depend on thread count or on the
order in which blocks are processed. Integer hashing is done in uint64 throughout. The work and
family layers are in `work_kernels`.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from credsim.engine.rng import draw_u64, draw_uniform

__all__ = [
    "block_of",
    "block_order",
    "cross_into",
    "friends_into",
    "friends_pass",
    "short_ring_into",
    "sort_friends",
    "wrapped_ring",
]

_S32 = np.uint64(32)
_S11 = np.uint64(11)
_KEY_SCALE = 6553.5
"""Friend order keys lie in [0, 10] (older ages are clamped): scaled to 16 bits."""


@njit(inline="always", cache=True)
def _pair(u, v):
    """One 64-bit index per unordered pair of citizens (both below 2**32)."""
    lo = min(u, v)
    hi = max(u, v)
    return (np.uint64(lo) << _S32) | np.uint64(hi)


@njit(cache=True)
def _friend_order(age, start, length, key_order, homophily):
    """Offsets of a block's members ordered by h*age/10 + (1-h)*10*u (u uniform per citizen):
    by age when h = 1, at random when h = 0. A stable two-pass radix sort on 16-bit keys."""
    q = np.empty(length, np.int64)
    for i in range(length):
        noise = 10.0 * draw_uniform(key_order, 0, start + i)
        key = homophily * age[start + i] / 10.0 + (1.0 - homophily) * noise
        q[i] = min(np.int64(key * _KEY_SCALE), 65535)
    tmp = np.empty(length, np.int64)
    order = np.empty(length, np.int64)
    count = np.zeros(257, np.int64)
    for i in range(length):
        count[(q[i] & 255) + 1] += 1
    for d in range(256):
        count[d + 1] += count[d]
    for i in range(length):
        d = q[i] & 255
        tmp[count[d]] = i
        count[d] += 1
    count[:] = 0
    for i in range(length):
        count[(q[i] >> 8) + 1] += 1
    for d in range(256):
        count[d + 1] += count[d]
    for j in range(length):
        i = tmp[j]
        d = q[i] >> 8
        order[count[d]] = i
        count[d] += 1
    return order


@njit(cache=True)
def block_of(x, segments, block_size):
    """(province, block start, block stop) of citizen x."""
    prov = np.searchsorted(segments, x, side="right") - 1
    start = segments[prov] + ((x - segments[prov]) // block_size) * block_size
    return prov, start, min(start + block_size, segments[prov + 1])


@njit(inline="always", cache=True)
def _kept(key, day, x, y, threshold):
    """Whether candidate tie (x, y) exists: symmetric in the pair, kept with threshold/2**53."""
    return (draw_u64(key, day, _pair(x, y)) >> _S11) < threshold


@njit(inline="always", cache=True)
def _in_ring(x, y, pos_x, pos_y, length, key_ring, ring_t):
    """Whether block mates x and y (ring positions pos_x, pos_y) are tied by the ring lattice."""
    d = abs(pos_x - pos_y)
    d = min(d, length - d)
    return d <= ring_t.shape[0] and _kept(key_ring, 0, x, y, ring_t[d - 1])


@njit(inline="always", cache=True)
def _matched(xl, p, step, prov_len):
    """Partner offset of xl, whose permuted position is p, in a round (-1 if unmatched).

    Positions p and p^1 are matched; as p = a*x + b (mod L), the partner is x + a^-1 when p is
    even and x - a^-1 when p is odd, so no division is needed.
    """
    if p & 1 == 0:
        if p + 1 >= prov_len:
            return -1
        yl = xl + step
        return yl - prov_len if yl >= prov_len else yl
    yl = xl - step
    return yl + prov_len if yl < 0 else yl


@njit(cache=True)
def _perm_position(xl, prov, r, prov_len, perm_a, perm_b):
    """Position of province offset xl in round r's affine permutation of its province."""
    big_l = np.uint64(prov_len)
    return np.int64((perm_a[r, prov] * np.uint64(xl) + perm_b[r, prov]) % big_l)


# The ring helpers take equal-length views and index them from 0: offset or negative-looking
# indices make Numba insert wrap-around checks that stop LLVM from vectorising the loop.


@njit(inline="always", cache=True)
def _hash_edges(key, ends, other_ends, threshold, kept):
    for e in range(kept.shape[0]):
        kept[e] = _kept(key, 0, ends[e], other_ends[e], threshold)


@njit(inline="always", cache=True)
def _credit_counts(cnt, kept):
    for d in range(kept.shape[0]):
        cnt[d] += kept[d]


@njit(inline="always", cache=True)
def _credit_values(sums, other_vals, kept):
    for d in range(kept.shape[0]):
        sums[d] += other_vals[d] if kept[d] else 0.0


@njit(cache=True)
def _ring(key_ring, ring_t, ids, vals, sums, cnt, kept, want_mean):
    """Hash every ring's edges (e, e+k mod L) in ring order and credit both ends, forward end
    first. The k = L/2 ring (even L) closes on itself: its L/2 edges are the unwrapped ones."""
    length = ids.shape[0]
    for k in range(1, min(ring_t.shape[0], length // 2) + 1):
        wrap = k if 2 * k < length else 0
        inner = length - k
        _hash_edges(key_ring, ids[:inner], ids[k:], ring_t[k - 1], kept[:inner])
        outer = kept[inner : inner + wrap]
        _hash_edges(key_ring, ids[inner : inner + wrap], ids[:wrap], ring_t[k - 1], outer)
        _credit_counts(cnt[:inner], kept[:inner])
        _credit_counts(cnt[inner : inner + wrap], outer)
        _credit_counts(cnt[k:], kept[:inner])
        _credit_counts(cnt[:wrap], outer)
        if want_mean:
            _credit_values(sums[:inner], vals[k:], kept[:inner])
            _credit_values(sums[inner : inner + wrap], vals[:wrap], outer)
            _credit_values(sums[k:], vals[:inner], kept[:inner])
            _credit_values(sums[:wrap], vals[inner : inner + wrap], outer)


@njit(parallel=True, cache=True)
def friends_pass(
    values,
    want_mean,
    age,
    segments,
    block_off,
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
    out_mean,
    out_count,
    first_block,
    last_block,
):
    """Friend count (and mean of values over friends) of every citizen of blocks
    [first_block, last_block), block by block."""
    rounds = cross_t.shape[0]
    for b in prange(last_block - first_block):
        blk = first_block + b
        prov = np.searchsorted(block_off, blk, side="right") - 1
        prov_start = segments[prov]
        prov_len = segments[prov + 1] - prov_start
        start = prov_start + (blk - block_off[prov]) * block_size
        length = min(start + block_size, segments[prov + 1]) - start
        order = _friend_order(age, start, length, key_order, homophily)
        # Ring part, in ring order: citizen ids and values are gathered once, so that every
        # loop over a ring runs over contiguous arrays and vectorises.
        ids = start + order
        vals = np.zeros(length if want_mean else 0, np.float64)
        for j in range(vals.shape[0]):
            vals[j] = values[ids[j]]
        sums = np.zeros(length, np.float64)
        cnt = np.zeros(length, np.int32)
        kept = np.empty(length, np.bool_)
        _ring(key_ring, ring_t, ids, vals, sums, cnt, kept, want_mean)
        # Cross part, round by round in citizen order: partners by walking the affine
        # permutation (p rises by a mod L per citizen), then the keep hashes, branch-free.
        partner = np.empty((rounds, length), np.int64)
        cross = np.empty((rounds, length), np.bool_)
        for r in range(rounds):
            step = np.int64(perm_step[r, prov])
            a = np.int64(perm_a[r, prov])
            xl0 = start - prov_start
            p = _perm_position(xl0, prov, r, prov_len, perm_a, perm_b)
            for i in range(length):
                partner[r, i] = _matched(xl0 + i, p, step, prov_len)
                p += a
                if p >= prov_len:
                    p -= prov_len
            thr = cross_t[r]
            for i in range(length):
                yl = partner[r, i]
                cross[r, i] = (yl >= 0) & _kept(key_cross, r, start + i, prov_start + yl, thr)
        pos = np.empty(length, np.int64)
        for j in range(length):
            pos[order[j]] = j
        for i in range(length):
            x = start + i
            j = pos[i]
            total = sums[j]
            c = cnt[j]
            for r in range(rounds):
                if not cross[r, i]:
                    continue
                y = prov_start + partner[r, i]
                dup = start <= y < start + length and _in_ring(
                    x, y, j, pos[y - start], length, key_ring, ring_t
                )
                for r2 in range(r):
                    dup |= cross[r2, i] and partner[r2, i] == partner[r, i]
                if not dup:
                    c += 1
                    if want_mean:
                        total += values[y]
            out_count[x] = c
            if want_mean:
                out_mean[x] = total / c if c > 0 else np.nan


@njit(cache=True)
def block_order(age, start, length, key_order, homophily):
    """The age order of one block and each member's position in it."""
    order = _friend_order(age, start, length, key_order, homophily)
    pos = np.empty(length, np.int64)
    for j in range(length):
        pos[order[j]] = j
    return order, pos


@njit(cache=True)
def friends_into(
    x, prov, start, stop, order, pos, segments, key_ring, ring_t, key_cross, cross_t,
    perm_a, perm_step, perm_b, out, at, ring, ring_back, kept, partner, ordered=True,
):  # fmt: skip
    """Write the friends of x to out[at:], sorted unless `ordered` is false (then
    `sort_friends` sorts them), given its block's order and wrapped ring (`wrapped_ring`; same
    rules as friends_pass); returns how many. `kept` (two slots per ring) and `partner` (one per
    cross round) are scratch."""
    length = stop - start
    nrings = ring_t.shape[0]
    m = at
    pos_x = pos[x - start]
    if ring.shape[0]:
        # The ring mates ahead of x and behind it are contiguous in the wrapped ring: hash them
        # in loops that vectorise, then write each and move on past those kept.
        near = ring[pos_x + nrings + 1 : pos_x + 2 * nrings + 1]
        far = ring[pos_x : pos_x + nrings]
        _hash_edges_from(key_ring, x, near, ring_t, kept[:nrings])
        _hash_edges_from(key_ring, x, far, ring_back, kept[nrings:])
        for k in range(nrings):
            out[m] = near[k]
            m += kept[k]
        for k in range(nrings):
            out[m] = far[k]
            m += kept[nrings + k]
    else:  # a block too short for every ring
        m = short_ring_into(x, pos_x, start, length, order, key_ring, ring_t, out, m)
    m = cross_into(
        x, pos_x, prov, start, stop, pos, segments, key_ring, ring_t, key_cross, cross_t,
        perm_a, perm_step, perm_b, out, m, partner,
    )  # fmt: skip
    if ordered:
        sort_friends(out, at, m)
    return m - at


@njit(inline="always", cache=True)
def cross_into(
    x, pos_x, prov, start, stop, pos, segments, key_ring, ring_t, key_cross, cross_t, perm_a,
    perm_step, perm_b, out, m, partner,
):  # fmt: skip
    """Write x's cross-round partners (`friends_into`'s rules: a partner already a ring mate,
    or met in an earlier round, is written once) to out[m:]; returns m past them. `partner`
    (one per cross round) is scratch."""
    length = stop - start
    prov_start = segments[prov]
    prov_len = segments[prov + 1] - prov_start
    xl = x - prov_start
    for r in range(cross_t.shape[0]):
        partner[r] = -1
        p = _perm_position(xl, prov, r, prov_len, perm_a, perm_b)
        yl = _matched(xl, p, np.int64(perm_step[r, prov]), prov_len)
        if yl < 0 or not _kept(key_cross, r, x, prov_start + yl, cross_t[r]):
            continue
        y = prov_start + yl
        dup = start <= y < stop and _in_ring(x, y, pos_x, pos[y - start], length, key_ring, ring_t)
        for r2 in range(r):
            dup |= partner[r2] == yl
        partner[r] = yl
        if not dup:
            out[m] = y
            m += 1
    return m


@njit(inline="always", cache=True)
def sort_friends(out, at, m):
    """Sort out[at:m] ascending in place (insertion sort: a few dozen friends at most)."""
    for i in range(at + 1, m):
        y = out[i]
        j = i - 1
        while j >= at and out[j] > y:
            out[j + 1] = out[j]
            j -= 1
        out[j + 1] = y


@njit(inline="always", cache=True)
def short_ring_into(x, pos_x, start, length, order, key_ring, ring_t, out, m):
    """Write x's ring mates in a block too short for every ring (`order`: the block's) to
    out[m:]; returns m past them."""
    for k in range(1, min(ring_t.shape[0], length // 2) + 1):
        for sign in (1, -1):
            if sign == -1 and 2 * k == length:
                continue
            j = pos_x + sign * k
            y = start + order[j - length if j >= length else (j + length if j < 0 else j)]
            if _kept(key_ring, 0, x, y, ring_t[k - 1]):
                out[m] = y
                m += 1
    return m


@njit(cache=True)
def wrapped_ring(start, order, nrings):
    """Citizen ids in ring order with `nrings` wrapped around at each end, so that every member's
    ring mates either side are contiguous; empty when the block is too short for every ring."""
    length = order.shape[0]
    if length <= 2 * nrings:
        return np.empty(0, np.int64)
    ring = np.empty(length + 2 * nrings, np.int64)
    for j in range(ring.shape[0]):
        at = j - nrings
        at = at + length if at < 0 else (at - length if at >= length else at)
        ring[j] = start + order[at]
    return ring


@njit(inline="always", cache=True)
def _hash_edges_from(key, x, others, thresholds, kept):
    for k in range(others.shape[0]):
        kept[k] = _kept(key, 0, x, others[k], thresholds[k])
