"""Balanced shards: provinces cut into localities (`population.locality_max_people`), shards cut
between localities inside a province, and still the single process's results."""

from __future__ import annotations

import numpy as np
import pytest

from credsim.errors import UserError
from credsim.experiments.sharding import run_sharded, split
from credsim.population.households import segment_starts
from credsim.runner import build_simulation, population_of, run
from credsim.scenario import load_scenario

OFF = ["output.report=false", "but_for=false"]


def test_a_large_region_becomes_equal_localities_with_its_urban_share():
    shares, urban = np.array([0.7, 0.05, 0.25]), np.array([0.6, 0.5, 0.3])
    whole, region_of = segment_starts(10_000, shares, urban)
    cut, cut_region = segment_starts(10_000, shares, urban, most=1_000)
    assert np.array_equal(region_of, [0, 1, 2])
    # The regions keep their citizens and their urban and rural counts.
    sizes = np.diff(cut[::2])
    assert sizes.max() <= 1_000 and sizes.sum() == 10_000
    for r in range(3):
        parts = np.diff(cut).reshape(-1, 2)[cut_region == r]
        assert np.array_equal(parts.sum(axis=0), np.diff(whole).reshape(-1, 2)[r])
        # Every locality of a region is the same size, give or take a citizen in each part.
        assert np.ptp(parts, axis=0).max() <= 1
    assert np.bincount(cut_region).tolist() == [7, 1, 3]  # the fewest localities that fit


def test_without_a_cap_regions_are_the_localities():
    scenario = load_scenario("default", population=5_000, days=5, overrides=OFF)
    population = population_of(scenario)
    assert np.array_equal(population.localities(), population.regions())


def test_households_and_ties_stay_inside_a_locality():
    over = [*OFF, "population.locality_max_people=400"]
    scenario = load_scenario("default", population=6_000, days=5, overrides=over)
    sim = build_simulation(scenario)
    sim.initialise()
    population, world = sim.population, sim.world
    localities, regions = population.localities(), population.regions()
    assert len(localities) > len(regions)  # provinces were cut
    assert np.array_equal(world.localities, localities)
    # Provinces are what they were: the named regions do not move.
    plain = population_of(load_scenario("default", population=6_000, days=5, overrides=OFF))
    assert np.array_equal(regions, plain.regions())
    inner = localities[(localities > 0) & (localities < world.n)]
    assert np.all(world.state["household"][inner] & 0x0F == 0)  # a household starts there
    everyone = np.arange(world.n, dtype=np.int64)
    at, friend = world.graph.friend_pairs(everyone)
    where = np.searchsorted(localities, everyone, side="right")
    assert at.shape[0] > world.n
    assert np.array_equal(where[at], np.searchsorted(localities, friend, side="right"))
    for x in np.concatenate([inner - 3, inner, inner + 2]).tolist():  # near each cut
        for layer in ("work", "family"):
            ties = world.graph.neighbours(x, layer)
            assert np.all(np.searchsorted(localities, ties, side="right") == where[x])


def test_a_national_population_splits_into_shards_within_10_percent():
    # 1:1 China in 16 shards, provinces cut into localities of at most 5 million people.
    over = ["population.people_per_agent=1", "population.locality_max_people=5000000"]
    scenario = load_scenario("national", population=1_411_778_724, days=5, overrides=over)
    parts = split(population_of(scenario).localities(), 16)
    sizes = np.array([p.hi - p.lo for p in parts])
    assert sizes.sum() == 1_411_778_724
    assert sizes.max() <= 1.1 * sizes.mean() and sizes.min() >= 0.9 * sizes.mean()


def test_more_shards_than_localities_is_refused_naming_the_cap():
    with pytest.raises(UserError, match="locality_max_people"):
        split(np.array([0, 10, 20]), 3)


def test_four_shards_two_inside_one_province_give_the_single_process_results(tmp_path):
    over = [*OFF, "population.locality_max_people=300"]
    scenario = load_scenario("default", population=12_000, days=60, overrides=over)
    population = population_of(scenario)
    parts = split(population.localities(), 4)
    inside = [p.lo for p in parts[1:] if p.lo not in population.regions()]
    assert inside, "no shard boundary falls inside a province"
    single = run(scenario, out=tmp_path / "single")
    sharded = run_sharded(scenario, tmp_path / "sharded", 4)
    assert (sharded.path / "summary.json").read_bytes() == (
        single.path / "summary.json"
    ).read_bytes()
    s = single.summary
    assert s["records_misattributed"] > 0 and s["help_given"] > 0
    a = single.citizens.sort_values("citizen").reset_index(drop=True)
    b = sharded.citizens.sort_values("citizen").reset_index(drop=True)
    assert a.equals(b)
