"""Traits decode citizens to codes; a segment trait's compiled lookup is NumPy's searchsorted."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from credsim.engine.traits import SegmentTrait


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(1, 10**6), min_size=0, max_size=70, unique=True),
    st.lists(st.integers(-3, 10**6 + 5), max_size=400),
    st.booleans(),
    st.sampled_from([np.int32, np.int64]),
)
def test_segment_codes_are_those_of_the_last_start_at_or_below_each_citizen(
    more_starts, citizens, in_order, dtype
):
    """In any order (the segment found last is kept for the next citizen), of any integer type;
    a citizen below the first start takes the last segment's code, as NumPy's index -1 does."""
    starts = np.array(sorted([0, *more_starts]), np.int64)
    codes = (np.arange(starts.shape[0]) * 7 % 5).astype(np.uint8)
    trait = SegmentTrait([str(i) for i in range(5)], starts, codes)
    c = np.array(sorted(citizens) if in_order else citizens, dtype)
    expected = codes[np.searchsorted(starts, c, side="right") - 1]
    got = trait.codes(c)
    assert got.dtype == codes.dtype
    np.testing.assert_array_equal(got, expected)
