"""Every friendship of some citizens as (citizen, friend) pairs, recomputed from the friendship
layer's hashes (`friend_kernels`), optionally only the pairs where a friend can see a citizen's
score.

A plug-in that weighs each friend of a few citizens (exclusion, deterrence, naming) asks for their
pairs. Where most pairs are dropped at once by tests that are pure functions of the pair, such as
"has this citizen shown the friend their score" (exclusion: one pair in ten) and "does this friend
believe friends' scores move their own" (one in five), `shown_friend_pairs` applies them inside
the kernel, as each citizen's friends are found: the same pairs in the same order as filtering
`friend_pairs`' output afterwards, without the full list of pairs and a draw array of its length.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from credsim.engine.rng import draw_uniform
from credsim.engine.threads import parallel_and_serial
from credsim.population.friend_kernels import (
    _kept,
    block_of,
    block_order,
    cross_into,
    friends_into,
    short_ring_into,
    sort_friends,
    wrapped_ring,
)
from credsim.population.ties import pair_uniform

__all__ = ["PARALLEL_FROM", "friend_pairs", "shown_friend_pairs"]

PARALLEL_FROM = 4096
"""Citizens from which the kernels run on every thread (below it, their serial twins: the same
pairs without a thread barrier per call)."""


@njit(cache=True)
def _runs(citizens, segments, block_size):
    """Starts of the runs of consecutive citizens in one block, and the end: [0, ..., len]."""
    starts = np.empty(citizens.shape[0] + 1, np.int64)
    k = 0
    stop = start = np.int64(-1)
    for i in range(citizens.shape[0]):
        x = citizens[i]
        if not start <= x < stop:
            _, start, stop = block_of(x, segments, block_size)
            starts[k] = i
            k += 1
    starts[k] = citizens.shape[0]
    return starts[: k + 1]


@njit(inline="always", cache=True)
def _shown(y, holder, shown, motive):
    """Whether friend y is not `holder`, was shown what `holder` shows (a pair draw below the
    share) and has the motive (a draw per friend below the share). `shown` and `motive` are
    (key, share, day); shares of 1 draw nothing."""
    shown_key, shown_share, shown_day = shown
    motive_key, motive_share, motive_day = motive
    if y == holder:
        return False
    if shown_share < 1.0 and not pair_uniform(shown_key, shown_day, holder, y) < shown_share:
        return False
    return motive_share >= 1.0 or draw_uniform(motive_key, motive_day, y) < motive_share


@njit(inline="always", cache=True)
def _shown_into(
    x, holder, shown, motive, prov, start, stop, order, pos, segments, key_ring, ring_t,
    key_cross, cross_t, perm_a, perm_step, perm_b, out, at, ring, ring_back, partner,
):  # fmt: skip
    """Write the friends of x that `_shown` keeps to out[at:], unsorted; returns how many: the
    friends `friends_into` writes, then tested. A ring mate is tested before its tie is hashed
    (the tests keep a few mates in fifty, so most ties are never hashed); cross-round partners
    are found as `friends_into` finds them (a round's repeat depends on earlier rounds' ties),
    then tested."""
    nrings = ring_t.shape[0]
    pos_x = pos[x - start]
    m = at
    if ring.shape[0]:
        near = ring[pos_x + nrings + 1 : pos_x + 2 * nrings + 1]
        far = ring[pos_x : pos_x + nrings]
        for k in range(nrings):
            y = near[k]
            if _shown(y, holder, shown, motive) and _kept(key_ring, 0, x, y, ring_t[k]):
                out[m] = y
                m += 1
        for k in range(nrings):
            y = far[k]
            if _shown(y, holder, shown, motive) and _kept(key_ring, 0, x, y, ring_back[k]):
                out[m] = y
                m += 1
    else:  # a block too short for every ring
        m = short_ring_into(x, pos_x, start, stop - start, order, key_ring, ring_t, out, m)
        m = at + _keep(out, at, m, holder, shown, motive)
    first = m
    m = cross_into(
        x, pos_x, prov, start, stop, pos, segments, key_ring, ring_t, key_cross, cross_t,
        perm_a, perm_step, perm_b, out, m, partner,
    )  # fmt: skip
    return first - at + _keep(out, first, m, holder, shown, motive)


@njit(inline="always", cache=True)
def _keep(out, at, m, holder, shown, motive):
    """Keep, in order, the friends in out[at:m] that `_shown` keeps; returns how many."""
    k = at
    for i in range(at, m):
        if _shown(out[i], holder, shown, motive):
            out[k] = out[i]
            k += 1
    return k - at


def _pairs_py(
    citizens, holders, shown, motive, age, segments, block_size, key_order, homophily, key_ring,
    ring_t, key_cross, cross_t, perm_a, perm_step, perm_b,
):  # fmt: skip
    """(position of the citizen in `citizens`, friend) for every friend of each given citizen, in
    the citizens' order, kept by `_shown` when `holders` (one per citizen) is not empty;
    sorted citizens share their block's ordering, so the cost is one sort per block touched.
    Runs of citizens in one block are worked on in parallel, each citizen's friends in its own
    slots, then packed in order: the same pairs for any number of threads."""
    most = 2 * ring_t.shape[0] + cross_t.shape[0]
    n = citizens.shape[0]
    ring_back = ring_t[::-1].copy()
    slots = np.empty(n * most, np.int64)
    found = np.zeros(n + 1, np.int64)
    runs = _runs(citizens, segments, block_size)
    for r in prange(runs.shape[0] - 1):
        prov, start, stop = block_of(citizens[runs[r]], segments, block_size)
        order, pos = block_order(age, start, stop - start, key_order, homophily)
        ring = wrapped_ring(start, order, ring_t.shape[0])
        kept = np.empty(2 * ring_t.shape[0], np.bool_)
        partner = np.empty(cross_t.shape[0], np.int64)
        for i in range(runs[r], runs[r + 1]):
            # Tested first, then sorted: the same pairs, in the same order, as sorting every
            # friend and testing them afterwards (the tests keep a few in fifty).
            if holders.shape[0]:
                count = _shown_into(
                    citizens[i], holders[i], shown, motive, prov, start, stop, order, pos,
                    segments, key_ring, ring_t, key_cross, cross_t, perm_a, perm_step, perm_b,
                    slots, i * most, ring, ring_back, partner,
                )  # fmt: skip
            else:
                count = friends_into(
                    citizens[i], prov, start, stop, order, pos, segments, key_ring, ring_t,
                    key_cross, cross_t, perm_a, perm_step, perm_b, slots, i * most, ring,
                    ring_back, kept, partner, False,
                )  # fmt: skip
            sort_friends(slots, i * most, i * most + count)
            found[i + 1] = count
    for i in range(n):
        found[i + 1] += found[i]
    owner = np.empty(found[n], np.int64)
    friend = np.empty(found[n], np.int64)
    for i in prange(n):
        for k in range(found[i + 1] - found[i]):
            owner[found[i] + k] = i
            friend[found[i] + k] = slots[i * most + k]
    return owner, friend


_pairs_par, _pairs_one = parallel_and_serial(_pairs_py)
_NO_HOLDERS = np.empty(0, np.int64)
_NO_TEST = (np.uint64(0), 1.0, np.int64(0))


def friend_pairs(citizens, age, segments, block_size, *tables):
    """(position of the citizen in `citizens`, friend) for every friend of each given citizen;
    `tables` are the friendship layer's keys and tables (`SocialGraph._friend_tables`)."""
    kernel = _pairs_par if citizens.shape[0] >= PARALLEL_FROM else _pairs_one
    return kernel(citizens, _NO_HOLDERS, _NO_TEST, _NO_TEST, age, segments, block_size, *tables)


def shown_friend_pairs(citizens, holders, shown, motive, age, segments, block_size, *tables):
    """`friend_pairs`, keeping only the pairs whose friend is not holders[i] (the citizen whose
    score or name is shown), was shown it (`pair_draws(key, day, holder, friend) < share` for
    `shown` = (key, share, day)) and has the motive (`Stream.uniform(day, friend) < share` of
    the stream key in `motive` = (key, share, day))."""
    kernel = _pairs_par if citizens.shape[0] >= PARALLEL_FROM else _pairs_one
    holders = np.ascontiguousarray(holders, np.int64)
    if holders.shape[0] != citizens.shape[0]:
        raise ValueError("one holder per citizen")
    shown, motive = (_test(*shown), _test(*motive))
    return kernel(citizens, holders, shown, motive, age, segments, block_size, *tables)


def _test(key, share: float, day: int = 0) -> tuple:
    return (np.uint64(key), float(share), np.int64(day))
