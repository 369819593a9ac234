"""Kin by household: for the members of some citizens' households, the citizen of their household
with the largest value (the low scorer whose score does a member the most harm, for exclusion).

Households are contiguous runs of citizen numbers (`credsim.population.households`), so the pairs
(citizen, member) of sorted citizens come one household after another: one pass over them finds
each member's largest value, in member order, without sorting the pairs.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["largest_per_member"]


def largest_per_member(
    household: np.ndarray,
    citizens: np.ndarray,
    values: np.ndarray,
    owner: np.ndarray,
    member: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(member, largest value, its citizen) for each distinct member, members ascending, given
    sorted `citizens` with one value each and (owner, member) pairs of their households in the
    order `household_members` gives them (some may be left out). Of equal values, the citizen
    first in `citizens` is named: the same as sorting the pairs by member, then by value
    descending (stably), and keeping each member's first."""
    citizens = np.ascontiguousarray(citizens, np.int64)
    if citizens.shape[0] > 1 and np.any(np.diff(citizens) <= 0):
        raise ValueError("citizens must be sorted, without repeats")
    return _largest(
        household,
        citizens,
        np.ascontiguousarray(values, np.float64),
        np.ascontiguousarray(owner, np.int64),
        np.ascontiguousarray(member, np.int64),
    )


@njit(cache=True)
def _largest(household, citizens, values, owner, member):
    n = member.shape[0]
    kin = np.empty(n, np.int64)
    best = np.empty(n, np.float64)
    source = np.empty(n, np.int64)
    top = np.empty(16, np.float64)  # per position in the household: largest value so far
    who = np.full(16, -1, np.int64)  # and its citizen (-1: no pair names this member yet)
    k = 0
    j = 0  # index of the pair's owner in `citizens` (owners come in their order)
    first = np.int64(-1)  # the household being read: its first citizen
    for i in range(n + 1):
        start = np.int64(-2)
        if i < n:
            m = member[i]
            start = m - (np.int64(household[m]) & 15)
        if start != first:  # a new household (or the end): write the last one's members
            for p in range(16):
                if who[p] >= 0:
                    kin[k], best[k], source[k] = first + p, top[p], who[p]
                    k += 1
                    who[p] = -1
            first = start
        if i == n:
            break
        while j < citizens.shape[0] and citizens[j] != owner[i]:
            j += 1
        if j == citizens.shape[0]:
            raise ValueError("a pair's citizen not among the citizens, or out of their order")
        p = m - first
        if who[p] < 0 or values[j] > top[p]:
            top[p], who[p] = values[j], owner[i]
    return kin[:k], best[:k], source[:k]
