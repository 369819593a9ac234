"""The social graph: symmetric ties inside provinces, means that match the neighbour lists, the
degrees and mixing the parameters ask for, and the same graph for any thread count."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from credsim.population.graph import LAYERS, FriendParams, GraphParams, SocialGraph, WorkParams


def population(n: int, cuts: list[int], seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Provinces cut at `cuts` (may repeat: empty provinces), ages 0-100, households of 1-6
    contiguous citizens that never straddle a province boundary."""
    rng = np.random.default_rng(seed)
    segments = np.array([0, *sorted(cuts), n], np.int64)
    age = rng.integers(0, 101, n, dtype=np.uint8)
    household = np.zeros(n, np.uint8)
    for p in range(segments.size - 1):
        i = int(segments[p])
        while i < segments[p + 1]:
            size = min(int(rng.integers(1, 7)), int(segments[p + 1]) - i)
            household[i : i + size] = (size << 4) | np.arange(size)
            i += size
    return segments, age, household


def uneven(n: int) -> list[int]:
    """Three provinces of uneven sizes (about 50%, 15% and 35%)."""
    return [n // 2, n // 2 + (3 * n) // 20]


def graph(n: int, seed: int = 1, cuts: list[int] | None = None, **friends) -> SocialGraph:
    segments, age, household = population(n, uneven(n) if cuts is None else cuts, seed)
    params = GraphParams(friends=FriendParams(**friends))
    return SocialGraph(n, segments, age, household, seed=seed, params=params)


def province_of(g: SocialGraph, ids: np.ndarray) -> np.ndarray:
    return np.searchsorted(g.segments, ids, side="right") - 1


def test_public_names():
    import credsim.population.graph as module

    assert set(module.__all__) >= {"SocialGraph", "GraphParams", "LAYERS"}
    assert LAYERS == ("friends", "work", "family")


def test_params_are_strict_and_frozen():
    with pytest.raises(ValidationError, match="mean_degre"):
        GraphParams.model_validate({"friends": {"mean_degre": 3}})
    with pytest.raises(ValidationError):
        FriendParams(cross_share=1.5)
    with pytest.raises(ValidationError, match="min_age"):
        WorkParams(min_age=60, max_age=20)
    params = GraphParams()
    with pytest.raises(ValidationError):
        params.friends.mean_degree = 3.0  # type: ignore[misc]
    assert all(f.description for f in FriendParams.model_fields.values())
    assert all(f.description for f in WorkParams.model_fields.values())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32),
    n=st.integers(1, 260),
    cut_points=st.lists(st.floats(0, 1), max_size=4),
    block_size=st.integers(2, 60),
    district_size=st.integers(1, 120),
    mean_degree=st.floats(0, 30),
    cross_share=st.floats(0, 1),
    homophily=st.floats(0, 1),
    keep=st.floats(0.05, 1),
    work_degree=st.integers(0, 12),
)
def test_every_layer_is_symmetric_consistent_and_inside_provinces(
    seed,
    n,
    cut_points,
    block_size,
    district_size,
    mean_degree,
    cross_share,
    homophily,
    keep,
    work_degree,
):
    segments, age, household = population(n, [int(c * n) for c in cut_points], seed)
    params = GraphParams(
        friends=FriendParams(
            mean_degree=mean_degree,
            block_size=block_size,
            cross_share=cross_share,
            age_homophily=homophily,
            keep=keep,
        ),
        work=WorkParams(mean_degree=work_degree, district_size=district_size),
    )
    g = SocialGraph(n, segments, age, household, seed=seed, params=params)
    values = (np.arange(n) * 7919 % 1000).astype(np.int64)  # integers: every mean is exact
    for layer in LAYERS:
        lists = [g.neighbours(x, layer) for x in range(n)]
        mean, count = g.neighbour_mean(values, layer)
        assert count.dtype == np.int32 and mean.dtype == np.float64
        assert np.array_equal(g.degrees(layer), count)
        for x, mates in enumerate(lists):
            assert mates.dtype == np.int64
            assert np.all(np.diff(mates) > 0), "sorted, no duplicates"
            assert x not in mates
            assert np.all(province_of(g, mates) == province_of(g, np.array([x]))[0])
            for y in mates:
                assert x in lists[y], f"{layer}: {y} is a neighbour of {x} but not vice versa"
            assert count[x] == mates.size
            if mates.size:
                assert mean[x] == values[mates].sum() / mates.size
            else:
                assert np.isnan(mean[x])


def test_float_and_bool_values_match_the_neighbour_lists():
    g = graph(20_000, block_size=500)
    values = np.random.default_rng(3).normal(size=20_000)
    mean, count = g.neighbour_mean(values)
    flags, _ = g.neighbour_mean(values > 0)
    for x in np.random.default_rng(4).choice(20_000, 300, replace=False):
        mates = g.neighbours(int(x))
        assert count[x] == mates.size
        assert mean[x] == pytest.approx(values[mates].mean(), rel=1e-12, abs=1e-12)
        assert flags[x] == pytest.approx((values[mates] > 0).mean(), rel=1e-12)


@pytest.fixture(scope="module")
def big() -> SocialGraph:
    return graph(200_000, seed=5)


def test_mean_friend_degree_and_cross_block_share(big):
    degrees = big.degrees("friends")
    assert abs(degrees.mean() - 20.0) < 0.05 * 20.0
    assert degrees.std() > 1.0, "keep < 1 spreads the degrees"
    sample = np.random.default_rng(6).choice(big.n, 4000, replace=False)
    block = big.params.friends.block_size
    outside = total = 0
    for x in sample:
        mates = big.neighbours(int(x))
        start = big.segments[province_of(big, np.array([x]))[0]]
        outside += np.count_nonzero((mates - start) // block != (x - start) // block)
        total += mates.size
    assert abs(outside / total - 0.1) < 0.015


def friend_age_correlation(g: SocialGraph) -> float:
    pairs = [
        (g.age[x], g.age[y])
        for x in np.random.default_rng(7).choice(g.n, 3000, replace=False)
        for y in g.neighbours(int(x))
    ]
    return float(np.corrcoef(np.array(pairs, np.float64).T)[0, 1])


def test_age_homophily_makes_friends_of_an_age():
    similar = friend_age_correlation(graph(100_000, seed=8, age_homophily=0.9))
    mixed = friend_age_correlation(graph(100_000, seed=8, age_homophily=0.0))
    assert similar > 0.6
    assert abs(mixed) < 0.1
    assert similar > mixed + 0.5


def test_ties_stay_inside_provinces_even_with_empty_ones():
    n = 30_000
    g = graph(n, seed=9, cuts=[0, 7_000, 7_000, 7_001, 19_000, n], block_size=300)
    for layer in LAYERS:
        for x in np.random.default_rng(10).choice(n, 400, replace=False):
            mates = g.neighbours(int(x), layer)
            assert np.all(province_of(g, mates) == province_of(g, np.array([x]))[0])
    assert g.degrees("friends")[7_000] == 0, "a province of one citizen has no friendships"


def test_same_seed_same_graph_other_seed_other_graph():
    one, again, other = graph(30_000, seed=11), graph(30_000, seed=11), graph(30_000, seed=11)
    other = SocialGraph(
        other.n, other.segments, other.age, other.household, seed=12, params=other.params
    )
    values = np.arange(30_000, dtype=np.float64)
    for layer in ("friends", "work"):
        a, b, c = (g.neighbour_mean(values, layer)[0] for g in (one, again, other))
        assert np.array_equal(a, b, equal_nan=True)
        assert not np.array_equal(a, c, equal_nan=True)


CHILD = """
import hashlib, importlib.util, sys
import numpy as np
spec = importlib.util.spec_from_file_location("graph_test", sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
g = mod.graph(60_000, seed=13, block_size=700)
digest = hashlib.sha256()
for layer in ("friends", "work", "family"):
    mean, count = g.neighbour_mean(np.sin(np.arange(g.n)), layer)
    digest.update(mean.tobytes())
    digest.update(count.tobytes())
print(digest.hexdigest())
"""


def test_results_do_not_depend_on_the_thread_count():
    digests = []
    for threads in ("1", "2"):
        env = {**os.environ, "NUMBA_NUM_THREADS": threads}
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(Path(__file__))],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        digests.append(done.stdout.strip().splitlines()[-1])
    assert digests[0] == digests[1]
    g = graph(60_000, seed=13, block_size=700)
    digest = hashlib.sha256()
    for layer in LAYERS:
        mean, count = g.neighbour_mean(np.sin(np.arange(g.n)), layer)
        digest.update(mean.tobytes())
        digest.update(count.tobytes())
    assert digest.hexdigest() == digests[0]


def test_only_workers_work_in_workplaces_of_bounded_size(big):
    work = big.params.work
    size = work.mean_degree + 1
    worker = (big.age >= work.min_age) & (big.age <= work.max_age)
    degrees = big.degrees("work")
    assert np.all(degrees[~worker] == 0)
    assert np.all(degrees <= size - 1)
    assert np.mean(degrees[worker] == size - 1) > 0.99, "all but the last workplace are full"
    # Workplaces are complete graphs that partition a district's workers.
    start = int(big.segments[1])  # the second province: districts start at its first citizen
    district = np.arange(start, start + work.district_size)
    seen: set[int] = set()
    sizes = []
    for x in district[worker[district]]:
        if int(x) in seen:
            continue
        place = np.sort(np.append(big.neighbours(int(x), "work"), x))
        for y in place:
            assert np.array_equal(np.sort(np.append(big.neighbours(int(y), "work"), y)), place)
        assert not seen & set(place.tolist())
        seen |= set(place.tolist())
        sizes.append(place.size)
    assert seen == set(district[worker[district]].tolist())
    assert max(sizes) == size and sorted(sizes)[1] == size


def test_family_is_the_household(big):
    for x in np.random.default_rng(14).choice(big.n, 500, replace=False):
        code = int(big.household[x])
        first = x - (code & 15)
        expected = [y for y in range(first, first + (code >> 4)) if y != x]
        assert big.neighbours(int(x), "family").tolist() == expected
    assert np.array_equal(big.degrees("family"), (big.household >> 4).astype(np.int32) - 1)


def test_the_graph_holds_next_to_no_bytes(big):
    assert big.nbytes < 10_000
    assert graph(2_000, seed=5).nbytes == big.nbytes  # independent of the population size


def test_mistakes_are_reported_clearly(big):
    with pytest.raises(ValueError, match="friends, work, family"):
        big.neighbour_mean(np.zeros(big.n), layer="colleagues")
    with pytest.raises(ValueError, match="shape"):
        big.neighbour_mean(np.zeros(3))
    with pytest.raises(ValueError, match="citizen"):
        big.neighbours(big.n)
    segments, age, household = population(100, [50], 0)
    with pytest.raises(ValueError, match="segments"):
        SocialGraph(100, np.array([0, 60, 50, 100]), age, household, seed=0)
    with pytest.raises(ValueError, match="age"):
        SocialGraph(100, segments, age.astype(np.int64), household, seed=0)


def test_ring_cache_is_refused_where_it_cannot_hold_the_ring():
    with pytest.raises(ValidationError, match="block_size <= 65536"):
        FriendParams(ring_cache=True, block_size=100_000)
    with pytest.raises(ValidationError, match="at most 16 ring ties ahead"):
        FriendParams(ring_cache=True, mean_degree=40)
    with pytest.raises(ValidationError, match="at most 8 cross rounds"):
        FriendParams(ring_cache=True, cross_share=0.5)
    with pytest.raises(ValueError, match="5 columns"):
        g = graph(100, ring_cache=True)
        g.keep_ring(np.zeros(100, np.uint16), np.zeros(100, np.uint16))
    with pytest.raises(ValueError, match="ring_cache = true"):
        graph(100).keep_ring(*(np.zeros(100, np.uint16) for _ in range(5)))


def test_no_friends_means_nan():
    g = graph(5_000, mean_degree=0.0)
    mean, count = g.neighbour_mean(np.ones(5_000))
    assert np.all(count == 0) and np.all(np.isnan(mean))


@pytest.mark.parametrize(
    "friends",
    [
        {},
        {"block_size": 5},
        {"block_size": 2},
        {"mean_degree": 7, "cross_share": 0.5, "keep": 0.3},
        {"ring_cache": True},
        # Blocks of 30 hold every ring (12 each way); the provinces' last blocks (11, 19) do not.
        {"ring_cache": True, "block_size": 30},
        {"ring_cache": True, "block_size": 5},
        # Seven cross rounds, some partners repeated or also ring mates (credited once).
        {"ring_cache": True, "mean_degree": 7, "cross_share": 0.5, "keep": 0.5, "block_size": 40},
    ],
)
def test_sums_kept_up_to_date_match_a_fresh_pass(friends):
    """Adding each changed value's delta at its holder's friends gives the sums a full pass gives,
    and the friend counts, and no citizen has more friends than `max_degree`; reading the kept
    ring (`ring_cache`) instead of recomputing it too."""
    g = graph(6_000, seed=4, cuts=[1_500, 1_500, 4_001], **friends)
    if friends.get("ring_cache"):
        g.keep_ring(*(np.zeros(g.n, np.uint16) for _ in range(5)))
    rng = np.random.default_rng(4)
    values = rng.integers(0, 2000, g.n).astype(np.int16)
    sums, count = g.neighbour_sums(values)
    assert count.max() <= g.max_degree()
    sums = sums.astype(np.int32)
    counted = np.zeros(g.n, np.uint8)
    everyone, ones = np.arange(g.n), np.ones(g.n, np.int32)
    g.add_to_neighbours(everyone, ones, np.zeros(g.n, np.int32), ones.astype(np.int8), counted)
    assert (counted == count).all()
    for _ in range(3):
        changed = np.sort(rng.choice(g.n, g.n // 7, replace=False))
        new = values.copy()
        new[changed] = rng.integers(0, 2000, changed.shape[0])
        g.add_to_neighbours(changed, new[changed].astype(np.int32) - values[changed], sums)
        values = new
        assert (sums == g.neighbour_sums(values)[0]).all()


@pytest.mark.parametrize("n", [3_000, 40_000])  # the serial kernel and the parallel one
@pytest.mark.parametrize("shares", [(0.1, 0.2), (1.0, 0.5), (0.3, 1.0), (1.0, 1.0)])
@pytest.mark.parametrize("tiny", [False, True])
def test_shown_friend_pairs_are_friend_pairs_tested_afterwards(n, shares, tiny):
    """Filtering inside the kernel keeps exactly the pairs, in order, that testing every friend
    pair afterwards keeps: friend not the holder, shown the holder's score, with the motive.
    Holders other than the citizen (a low scorer's kin, judged by the low scorer's score) too;
    `tiny`: with a province of 15 citizens, too few for every ring."""
    from credsim.engine.rng import Stream
    from credsim.population.ties import pair_draws

    g = graph(n, seed=6, cuts=[n // 2, n // 2 + 15] if tiny else None)
    rng = np.random.default_rng(6)
    who = np.sort(rng.choice(n, n // 5, replace=False)).astype(np.int64)
    kin = (who + rng.integers(-2, 3, who.shape[0])).clip(0, n - 1)
    shown_to, motive_of = Stream(6, "shown"), Stream(6, "motive")
    shown, motive = (shown_to.key, shares[0], 7), (motive_of.key, shares[1], 9)
    for holders in (who, kin):
        at, friend = g.friend_pairs(who)
        holder = holders[at]
        keep = friend != holder
        keep &= pair_draws(shown_to.key, 7, holder, friend) < shares[0]
        keep &= motive_of.uniform(9, friend) < shares[1]
        got_at, got_friend = g.shown_friend_pairs(who, holders, shown, motive)
        assert got_at.shape[0] > 0
        np.testing.assert_array_equal(got_at, at[keep])
        np.testing.assert_array_equal(got_friend, friend[keep])
