"""The sort-based set operations give NumPy's answers, value for value and dtype for dtype."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from credsim.engine.sets import CODES_UP_TO, among, difference, groups, union, unique

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


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(("int8", "int32", "int64", "uint16")),
    st.lists(st.integers(-128, 127), max_size=300),
    st.integers(0, 3),
)
def test_groups_are_numpys_unique_with_inverse(dtype, xs, spread):
    """Narrow ranges are marked in a table, wide ones sorted: both give NumPy's answer."""
    a = np.array(xs).astype(dtype) if xs else np.empty(0, dtype)
    if spread and a.shape[0] and dtype in ("int32", "int64"):
        a = a * np.array(10**spread * 1000, dtype)  # a range far wider than the values
    values, place = groups(a)
    want_values, want_place = np.unique(a, return_inverse=True)
    assert values.dtype == want_values.dtype
    np.testing.assert_array_equal(values, want_values)
    np.testing.assert_array_equal(place, want_place)


@settings(max_examples=120, deadline=None)
@given(
    st.sampled_from(DTYPES),
    st.lists(st.integers(-50, 50), max_size=300),
    st.one_of(
        st.lists(st.integers(-50, 50), max_size=8),
        st.lists(st.integers(0, 2 * CODES_UP_TO), max_size=3),  # past the table: NumPy's way
    ),
)
def test_among_is_numpys_isin(dtype, xs, members):
    """`among` marks codes in a table: the same answer as np.isin for any values and members,
    negative ones, members of another dtype or none at all included."""
    a = np.array(xs).astype(dtype) if xs else np.empty(0, dtype)
    got, want = among(a, members), np.isin(a, members)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)
