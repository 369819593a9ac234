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
