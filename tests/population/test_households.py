"""Household pairs come from the household byte: every other member of each citizen's household,
in order, and nothing for a household of one."""

from __future__ import annotations

import numpy as np

from credsim.population.households import household_members


def test_household_members_are_every_other_member_in_order():
    sizes = [3, 1, 4, 2]
    household = np.concatenate([(s << 4) | np.arange(s) for s in sizes]).astype(np.uint8)
    citizens = np.array([0, 3, 5, 7, 2], np.int32)
    owner, member = household_members(household, citizens)
    want = [(0, 1), (0, 2), (5, 4), (5, 6), (5, 7), (7, 4), (7, 5), (7, 6), (2, 0), (2, 1)]
    assert list(zip(owner.tolist(), member.tolist(), strict=True)) == want
    assert owner.dtype == np.int32 and member.dtype == np.int64
    none = household_members(household, np.array([3], np.int64))
    assert none[0].shape == (0,) and none[1].shape == (0,)


def _largest_by_sorting(citizens, values, owner, member):
    """The reference: pairs sorted by member, then value descending (stably); each member's
    first."""
    value = values[np.searchsorted(citizens, owner)]
    order = np.lexsort((-value, member))
    member, owner, value = member[order], owner[order], value[order]
    first = np.ones(member.shape[0], bool)
    first[1:] = member[1:] != member[:-1]
    return member[first], value[first], owner[first]


def test_largest_per_member_is_the_sorted_pairs_first():
    """Each member of the citizens' households with the largest value of a citizen of their
    household (the first citizen of equal values), members ascending, some pairs left out;
    exclusion's kin of low scorers."""
    from credsim.population.household_kin import largest_per_member

    rng = np.random.default_rng(3)
    sizes = rng.integers(1, 16, 3_000)
    household = np.concatenate([(s << 4) | np.arange(s) for s in sizes]).astype(np.uint8)
    n = household.shape[0]
    for share in (0.05, 0.3, 0.6):
        citizens = np.flatnonzero(rng.random(n) < share).astype(np.int64)
        values = rng.integers(0, 4, citizens.shape[0]).astype(np.float64)  # many equal values
        owner, member = household_members(household, citizens)
        keep = ~np.isin(member, citizens) & (rng.random(member.shape[0]) < 0.9)
        got = largest_per_member(household, citizens, values, owner[keep], member[keep])
        want = _largest_by_sorting(citizens, values, owner[keep], member[keep])
        assert got[0].shape[0] > 0
        for g, w in zip(got, want, strict=True):
            np.testing.assert_array_equal(g, w)
    empty = largest_per_member(household, citizens[:0], values[:0], owner[:0], member[:0])
    assert all(a.shape == (0,) for a in empty)
