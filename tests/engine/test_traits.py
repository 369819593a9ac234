"""Traits decode citizens to codes; a segment trait's compiled lookup is NumPy's searchsorted, a
column trait's compiled pass the shift, mask and lookup of the column's values."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from credsim.engine.traits import ColumnTrait, SegmentTrait


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


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([np.uint8, np.uint16, np.int16]),
    st.integers(0, 6),
    st.sampled_from([0x1, 0x3, 0x7, 0xFF]),
    st.booleans(),
    st.sampled_from([np.int32, np.int64]),
)
def test_column_codes_are_the_shifted_masked_and_looked_up_values(
    dtype, shift, mask, looked_up, citizen_type
):
    """The same codes, of the same type, as `(column[citizens] >> shift) & mask` and its lookup."""
    rng = np.random.default_rng(shift * 256 + mask)
    column = rng.integers(0, 256, 5_000).astype(dtype)
    citizens = rng.integers(0, column.shape[0], 3_000).astype(citizen_type)
    lookup = (np.arange(mask + 1) * 3 % 4).astype(np.int8) if looked_up else None
    trait = ColumnTrait(["a", "b", "c", "d"], column, shift, mask, lookup)
    raw = (column[citizens] >> shift) & mask
    expected = raw if lookup is None else lookup[raw]
    got = trait.codes(citizens)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
