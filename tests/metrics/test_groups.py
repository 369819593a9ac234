"""Score histograms: Gini, means and grade shares computed exactly from counts."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from credsim.engine.traits import ColumnTrait
from credsim.metrics.groups import Groups, gini_from_histogram
from credsim.metrics.score_histogram import ScoreHistogram


def _gini(x: np.ndarray) -> float:
    x = np.sort(x.astype(float))
    n = x.size
    return float((2 * np.arange(1, n + 1) @ x) / (n * x.sum()) - (n + 1) / n)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=200))
def test_gini_from_histogram_matches_the_direct_formula(values):
    x = np.array(values)
    counts = np.bincount(x, minlength=51)
    expected = 0.0 if x.sum() == 0 else _gini(x)
    assert np.isclose(gini_from_histogram(np.arange(51.0), counts), expected)


def test_histogram_moves_keep_means_and_grade_shares_by_group():
    sex = np.array([0, 0, 1, 1], np.uint8)
    groups = Groups.build({"sex": ColumnTrait(["f", "m"], sex)})
    score = np.array([1000, 1000, 1000, 1000], np.int16)
    hist = ScoreHistogram(groups, 0, 1500, score)
    hist.move(np.array([0, 2]), np.array([1000, 1000]), np.array([500, 900]))
    assert np.allclose(hist.means(), [850.0, 750.0, 950.0])
    shares = hist.shares_at_or_above([960, 850, 600, 0])
    assert np.allclose(shares[0], [0.5, 0.25, 0.0, 0.25])
    assert np.allclose(shares[2], [0.5, 0.5, 0.0, 0.0])


def test_the_compiled_count_gives_numpys_sums_exactly(monkeypatch):
    """Counts by group take one compiled pass; they equal bincount's, weights included, so
    every figure is the same to the last bit; and so do the group indices the score histograms
    move by, and the counts of many sets in one pass (`count_bits`), sorted first or not."""
    from credsim.metrics import groups as module
    from credsim.runner import build_simulation
    from credsim.scenario import load_scenario

    sim = build_simulation(load_scenario("default", population=20_000, days=2, seed=3))
    sim.initialise()
    groups = Groups.build(sim.world.traits)
    rng = np.random.default_rng(4)
    for size, ordered in [(0, True), (1, True), (7, False), (3_000, True), (100_005, False)]:
        citizens = rng.integers(0, 20_000, size).astype(np.int32)
        if ordered:
            citizens.sort()
        weights = rng.random(size)
        bits = rng.integers(0, 1 << 40, size).astype(np.uint64)
        by_bit = groups.count_bits(citizens, bits, 40)
        for j in (0, 1, 39):
            chosen = citizens[(bits >> np.uint64(j)) & np.uint64(1) > 0]
            np.testing.assert_array_equal(by_bit[j], groups.count(chosen))
        fused = groups.count(citizens), groups.count(citizens, weights), groups.index(citizens)
        monkeypatch.setattr(module, "SORT_FROM", 0)  # a population too large to count unsorted
        np.testing.assert_array_equal(groups.count(citizens), fused[0])
        monkeypatch.setattr(module, "SORT_FROM", 1 << 22)
        monkeypatch.setattr(module, "FUSED_FROM", 10**12)
        plain = groups.count(citizens), groups.count(citizens, weights), groups.index(citizens)
        monkeypatch.setattr(module, "FUSED_FROM", 0)
        for a, b in zip(fused, plain, strict=True):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)
    assert groups.count(citizens)[0] == 100_005


def test_every_groups_mean_and_gini_equal_the_one_histogram_formulas():
    """The daily means and Ginis of every group (one compiled pass per row) are, to the last bit,
    what the single-histogram formula and a plain mean give: empty groups nan, all-zero 0."""
    from credsim.metrics.groups import gini_from_histogram, ginis_from_histograms

    rng = np.random.default_rng(5)
    values = np.arange(350, 951, dtype=np.float64)
    counts = rng.integers(0, 40, (6, values.shape[0])) * (rng.random((6, 601)) < 0.3)
    counts[1] = 0  # an empty group
    zero = np.concatenate(([0.0], values[1:]))
    ginis = ginis_from_histograms(values, counts)
    for g in range(counts.shape[0]):
        want = gini_from_histogram(values, counts[g])
        assert ginis[g] == want or (np.isnan(ginis[g]) and np.isnan(want))
    assert ginis_from_histograms(zero, np.eye(1, 601, 0, np.int64) * 9)[0] == 0.0
    groups = Groups.build({"sex": ColumnTrait(["f", "m"], np.array([0, 1, 1, 0], np.uint8))})
    hist = ScoreHistogram(groups, 350, 950, np.full(4, 700, np.int16))
    # As every histogram holds them: group 0 (everyone) is the sum of a trait's groups.
    hist.hist = np.stack([counts[1] + counts[2], counts[1], counts[2]])
    with np.errstate(invalid="ignore"):
        want = (hist.hist @ values) / hist.hist.sum(1)
        np.testing.assert_array_equal(hist.means(), want)


def test_grade_shares_of_every_group_are_the_bands_counted_plainly():
    """Each group's share in each grade band [bound_i, bound_{i-1}), the last band open, bounds
    above the top or below the bottom included: the plain count divided by the group's size."""
    rng = np.random.default_rng(8)
    groups = Groups.build({"sex": ColumnTrait(["f", "m"], np.array([0, 1, 1, 0], np.uint8))})
    hist = ScoreHistogram(groups, 350, 950, np.full(4, 700, np.int16))
    hist.hist = rng.integers(0, 5, (3, 601)) * (rng.random((3, 601)) < 0.2)
    hist.hist[2] = 0
    scores = np.arange(350, 951)
    for bounds in ([700, 650, 600, 550, 350], [990, 800, 100]):
        got = hist.shares_at_or_above(bounds)
        for g in range(3):
            n = hist.hist[g].sum()
            edges = [np.inf, *bounds[:-1], -np.inf]
            for i in range(len(bounds)):
                inside = (scores >= edges[i + 1]) & (scores < edges[i])
                want = hist.hist[g][inside].sum() / n if n else np.nan
                assert got[g, i] == want or (np.isnan(want) and np.isnan(got[g, i]))


def test_moving_scores_gives_the_histogram_a_fresh_count_gives(monkeypatch):
    """Score changes moved into every group's histogram (traits found as it goes) leave the same
    histogram as counting the new scores afresh, and as moving them through the plain index,
    sorted first or not."""
    from credsim.metrics import groups as module
    from credsim.metrics import score_histogram as histogram_module
    from credsim.runner import build_simulation
    from credsim.scenario import load_scenario

    sim = build_simulation(load_scenario("default", population=20_000, days=2, seed=3))
    sim.initialise()
    groups = Groups.build(sim.world.traits)
    rng = np.random.default_rng(9)
    score = rng.integers(350, 951, 20_000).astype(np.int16)
    fused, plain, sorting = (ScoreHistogram(groups, 350, 950, score) for _ in range(3))
    for ordered in (True, False, False):  # as records come: sorted runs, or any order
        who = rng.choice(20_000, 5_000, replace=False)
        if ordered:
            who.sort()
        new = rng.integers(350, 951, who.shape[0]).astype(np.int64)
        old = score[who].astype(np.int64)
        fused.move(who, old, new)
        monkeypatch.setattr(histogram_module, "SORT_FROM", 0)  # sorted first, as at 1e7
        sorting.move(who, old, new)
        monkeypatch.setattr(histogram_module, "SORT_FROM", 1 << 22)
        monkeypatch.setattr(module, "FUSED_FROM", 10**12)
        plain.move(who, old, new)
        monkeypatch.setattr(module, "FUSED_FROM", 0)
        score[who] = new
    np.testing.assert_array_equal(fused.hist, ScoreHistogram(groups, 350, 950, score).hist)
    np.testing.assert_array_equal(plain.hist, fused.hist)
    np.testing.assert_array_equal(sorting.hist, fused.hist)


def test_a_code_beyond_its_labels_is_refused_not_counted_elsewhere():
    import pytest

    column = np.array([0, 1, 1, 3, 0], np.uint8)  # 3: no such label
    groups = Groups.build({"sex": ColumnTrait(["female", "male"], column)})
    np.testing.assert_array_equal(groups.count(np.array([0, 1, 2, 4])), [4, 2, 2])
    with pytest.raises(ValueError, match="beyond its labels"):
        groups.count(np.arange(5))


def test_groups_of_ranges_of_citizens_alone_are_counted():
    """Traits given by ranges of citizens (province, urban) and no column: counted all the same,
    in any order of the citizens."""
    from credsim.engine.traits import SegmentTrait

    trait = SegmentTrait(["a", "b", "c"], np.array([0, 10, 25, 40]), np.array([0, 2, 1, 2]))
    groups = Groups.build({"place": trait})
    citizens = np.array([45, 3, 12, 30, 9, 26, 0, 11], np.int64)
    expected = [8, *np.bincount(trait.codes(citizens), minlength=3)]
    np.testing.assert_array_equal(groups.count(citizens), expected)
    np.testing.assert_array_equal(groups.count(np.sort(citizens)), expected)
