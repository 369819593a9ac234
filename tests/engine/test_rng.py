"""Counter-based randomness: pure functions of (seed, stream, day, index)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credsim.engine import rng
from credsim.engine.rng import BLOCK, Stream, stream_key


def test_draws_are_pure_functions_of_their_key():
    a, b = Stream(1, "x"), Stream(1, "x")
    idx = np.arange(1000)
    assert np.array_equal(a.uniform(3, idx), b.uniform(3, idx))
    # Asking for a subset in another order gives the same value per index.
    assert np.array_equal(a.uniform(3, idx[::-7]), a.uniform(3, idx)[::-7])
    assert not np.array_equal(a.uniform(3, idx), a.uniform(4, idx))
    assert not np.array_equal(a.uniform(3, idx), Stream(2, "x").uniform(3, idx))
    assert not np.array_equal(a.uniform(3, idx), Stream(1, "y").uniform(3, idx))
    assert stream_key(1, "x") != stream_key(1, "x ")


def test_uniforms_are_uniform_in_the_open_interval():
    u = Stream(9, "u").uniform(0, np.arange(200_000))
    assert u.min() > 0.0 and u.max() < 1.0
    counts, _ = np.histogram(u, bins=20, range=(0, 1))
    expected = u.size / 20
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 45  # 19 degrees of freedom: p < 0.001 beyond 43.8


@pytest.mark.parametrize("p", [1e-4, 0.01, 0.3])
def test_hits_have_the_bernoulli_rate(p):
    stream, n, days = Stream(4, "hits"), 300_000, 5
    total = sum(stream.hits(d, n, p).size for d in range(days))
    mean, sd = n * days * p, np.sqrt(n * days * p * (1 - p))
    assert abs(total - mean) < 5 * sd


def test_hits_do_not_depend_on_population_size_inside_a_block():
    stream = Stream(4, "hits")
    big = stream.hits(2, 3 * BLOCK, 0.01)
    small = stream.hits(2, 2 * BLOCK, 0.01)
    assert np.array_equal(big[big < 2 * BLOCK], small)


@pytest.mark.parametrize("room", [-1, 1, 7])
@pytest.mark.parametrize("p", [0.0, 2e-5, 0.01, 0.3, 1.0])
def test_one_thread_walks_each_block_once_to_the_same_hits(p, room):
    """The serial kernel writes hits as it walks (growing its room when full: `room` 1 and 7
    force that); the parallel one counts, then writes: the same hits, for whole and part
    ranges of blocks."""
    key, n = stream_key(5, "both"), 5 * BLOCK + 123
    for first, last in [(0, 6), (2, 4), (5, 6)]:
        args = (key, np.int64(3), np.int64(n), p, np.int64(first), np.int64(last))
        assert np.array_equal(rng._hits_one(*args, room), rng._hits_par(*args))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 200_000), p=st.floats(0, 1), day=st.integers(0, 10_000))
def test_hits_are_sorted_unique_and_in_range(n, p, day):
    hits = Stream(0, "prop").hits(day, n, p)
    assert hits.size <= n
    if hits.size:
        assert hits[0] >= 0 and hits[-1] < n
        assert np.all(np.diff(hits) > 0)
    if p >= 1:
        assert hits.size == n


def test_integers_are_in_range_and_cover_it():
    x = Stream(1, "i").integers(0, np.arange(50_000), 7)
    assert x.min() == 0 and x.max() == 6
    with pytest.raises(ValueError):
        Stream(1, "i").integers(0, np.arange(3), 0)


def test_thinning_keeps_each_index_with_its_weight_using_the_streams_uniforms():
    """`Stream.thin` keeps what comparing `uniform` with the weights keeps (weights of 1 and
    above always, 0, negative and NaN never), and keeps about the weight's share."""
    s = Stream(11, "thin")
    idx = np.arange(0, 400_000, 2, dtype=np.int64)
    weight = np.random.default_rng(1).random(idx.shape[0]) * 1.4 - 0.2
    weight[::97] = np.nan
    want = idx[(weight >= 1.0) | ((weight > 0) & (s.uniform(5, idx) < weight))]
    got = s.thin(5, idx, weight)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, want)
    half = s.thin(6, idx, np.full(idx.shape[0], 0.25))
    assert abs(half.shape[0] / idx.shape[0] - 0.25) < 4 * np.sqrt(0.25 * 0.75 / idx.shape[0])


def test_geometric_waits_have_their_mean():
    waits = Stream(1, "g").geometric(0, np.arange(100_000), 30.0)
    assert waits.min() >= 1
    assert abs(waits.mean() - 30.0) < 0.5


CHILD = """
import numpy as np
from credsim.engine.rng import Stream
s = Stream(11, "threads")
h = s.hits(5, 1_000_000, 0.003)
u = s.uniform(5, np.arange(100_000))
print(h.sum(), h.size, repr(u.sum()))
"""


def test_draws_are_identical_for_any_thread_count():
    outputs = set()
    for threads in ("1", "2"):
        env = {**os.environ, "NUMBA_NUM_THREADS": threads}
        done = subprocess.run(
            [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
