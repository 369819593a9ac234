"""The sort-based set operations give NumPy's answers, value for value and dtype for dtype."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from credsim.engine.sets import difference, union, unique

DTYPES = ("int8", "int32", "int64", "uint16", "bool", "float64")


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(DTYPES),
    st.lists(st.integers(-50, 50), max_size=300),
    st.lists(st.integers(-50, 50), max_size=100),
)
def test_unique_union_and_difference_are_numpys(dtype, xs, ys):
    a = np.array(xs).astype(dtype) if xs else np.empty(0, dtype)
    b = np.array(ys).astype(dtype) if ys else np.empty(0, dtype)
    for got, want in (
        (unique(a), np.unique(a)),
        (union(a, b), np.union1d(a, b)),
        (difference(a, b), np.setdiff1d(a, b)),
    ):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_unique_of_a_two_dimensional_array_is_flattened_as_numpy_does():
    a = np.array([[3, 1], [1, 2]], np.int32)
    np.testing.assert_array_equal(unique(a), np.unique(a))
