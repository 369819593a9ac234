"""Numba kernels of the work and family layers: complete workplaces hashed inside districts, and
households read from the household byte. Like the friendship kernels, each reads only its own
district or household, so results never depend on thread count.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from credsim.engine.rng import draw_u64
from credsim.population.friend_kernels import block_of

__all__ = ["coworkers_of", "family_pass", "work_pass"]


@njit(cache=True)
def _workplace_order(age, start, stop, min_age, max_age, key_work):
    """The district's workers in hash order: consecutive runs of `size` are workplaces."""
    m = 0
    for c in range(start, stop):
        if min_age <= age[c] <= max_age:
            m += 1
    ids = np.empty(m, np.int64)
    keys = np.empty(m, np.uint64)
    j = 0
    for c in range(start, stop):
        if min_age <= age[c] <= max_age:
            ids[j] = c
            keys[j] = draw_u64(key_work, 0, c)
            j += 1
    return ids[np.argsort(keys)]


@njit(parallel=True, cache=True)
def work_pass(
    values,
    want_mean,
    age,
    segments,
    dist_off,
    district_size,
    min_age,
    max_age,
    key_work,
    size,
    out_mean,
    out_count,
    first_dist,
    last_dist,
):
    """Co-worker count (and mean of values over co-workers) of every citizen of districts
    [first_dist, last_dist), by district."""
    for d in prange(last_dist - first_dist):
        dist = first_dist + d
        prov = np.searchsorted(dist_off, dist, side="right") - 1
        start = segments[prov] + (dist - dist_off[prov]) * district_size
        stop = min(start + district_size, segments[prov + 1])
        for c in range(start, stop):
            out_count[c] = 0
            if want_mean:
                out_mean[c] = np.nan
        ids = _workplace_order(age, start, stop, min_age, max_age, key_work)
        m = ids.shape[0]
        for g0 in range(0, m, size):
            g1 = min(g0 + size, m)
            for a in range(g0, g1):
                x = ids[a]
                out_count[x] = g1 - g0 - 1
                if want_mean and g1 - g0 > 1:
                    total = 0.0
                    for b in range(g0, g1):
                        if b != a:
                            total += values[ids[b]]
                    out_mean[x] = total / (g1 - g0 - 1)


@njit(cache=True)
def coworkers_of(x, age, segments, district_size, min_age, max_age, key_work, size):
    """Sorted co-workers of one citizen (empty for non-workers)."""
    if not (min_age <= age[x] <= max_age):
        return np.empty(0, np.int64)
    _, start, stop = block_of(x, segments, district_size)
    ids = _workplace_order(age, start, stop, min_age, max_age, key_work)
    a = 0
    while ids[a] != x:
        a += 1
    g0 = (a // size) * size
    g1 = min(g0 + size, ids.shape[0])
    out = np.empty(g1 - g0 - 1, np.int64)
    m = 0
    for b in range(g0, g1):
        if b != a:
            out[m] = ids[b]
            m += 1
    return np.sort(out)


@njit(parallel=True, cache=True)
def family_pass(values, want_mean, household, out_mean, out_count, lo, hi):
    """Household-member count (and mean of values over them) of citizens [lo, hi)."""
    n = household.shape[0]
    for k in prange(hi - lo):
        i = lo + k
        first = i - np.int64(household[i] & 15)
        last = min(first + np.int64(household[i] >> 4), n)
        total = 0.0
        c = 0
        for j in range(max(first, 0), last):
            if j != i:
                c += 1
                if want_mean:
                    total += values[j]
        out_count[i] = c
        if want_mean:
            out_mean[i] = total / c if c > 0 else np.nan
