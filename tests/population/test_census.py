"""The census population: calibration to the 2020 census, households, determinism, bad input."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

from credsim.errors import UserError
from credsim.population.describe import build_population, describe_population
from credsim.population.preset import load_preset

CENSUS = {
    "urban_share": 0.6389,
    "sex_ratio": 105.07,
    "age_shares": {"0-14": 0.1795, "15-59": 0.6335, "60+": 0.1870},
}
PROVINCES_MILLIONS = {"Guangdong": 126.01, "Henan": 99.37, "Shanghai": 24.87, "Tibet": 3.65}


@pytest.fixture(scope="module")
def ten_million():
    return describe_population("china-2020", 10_000_000, seed=11)


def test_ten_million_citizens_match_the_census(ten_million):
    facts = ten_million
    assert abs(facts["urban_share"] - CENSUS["urban_share"]) < 0.005
    assert abs(facts["sex_ratio"] - CENSUS["sex_ratio"]) < 0.5
    for band, share in CENSUS["age_shares"].items():
        assert abs(facts["age_shares"][band] - share) < 0.005, band
    total = sum(load_preset("china-2020").data.provinces.values())
    for name, millions in PROVINCES_MILLIONS.items():
        assert abs(facts["province_shares"][name] - millions / total) < 0.002, name
    assert len(facts["province_shares"]) == 31
    assert abs(facts["household_size_mean"] - 2.62) < 0.05
    assert facts["bytes_per_citizen"] <= 16


def _population(size=200_000, seed=3, preset="china-2020"):
    return build_population(preset, size, seed)


def test_households_are_contiguous_runs_inside_one_segment():
    population, world, _ = _population()
    hh = world.state["household"]
    position, size = hh & 0x0F, hh >> 4
    starts = np.flatnonzero(position == 0)
    sizes = size[starts]
    assert np.array_equal(np.diff(np.append(starts, world.n)), sizes)
    # Members of a household share the size and count 0, 1, 2, ... within it.
    expected_position = np.arange(world.n) - np.repeat(starts, sizes)
    assert np.array_equal(position, expected_position)
    assert np.array_equal(size, np.repeat(sizes, sizes))
    segment_of = np.searchsorted(population.starts, np.arange(world.n), side="right") - 1
    assert np.array_equal(segment_of[starts], segment_of[starts + sizes - 1])


def test_children_are_youngest_and_grandparents_oldest():
    _, world, _ = _population()
    role = (world.state["traits"] >> 1) & 0b11
    age = world.state["age"].astype(float)
    child, adult, grand = (age[role == r].mean() for r in range(3))
    assert child < 18 < adult < grand
    assert (role <= 2).all()


def test_education_and_income_follow_place_and_age():
    _, world, _ = _population(500_000)
    traits = world.traits
    everyone = np.arange(world.n)
    urban = traits["urban"].codes(everyone) == 1
    education = traits["education"].codes(everyone)
    income = traits["income"].codes(everyone)
    age = world.state["age"]
    adults = age >= 25
    tertiary = education == 3
    assert tertiary[adults & urban].mean() > 2 * tertiary[adults & ~urban].mean()
    assert (education[age < 15] == 0).all() and (education[age >= 15] > 0).all()
    shares = np.bincount(income, minlength=5) / world.n
    assert np.all(np.abs(shares - 0.2) < 0.03)
    assert income[urban].mean() > income[~urban].mean()


def test_group_shares_are_configurable_and_shared_within_households():
    from credsim.population.census import CensusParams, CensusPopulation

    params = CensusParams(size=100_000, group_shares={"a": 0.5, "b": 0.3, "c": 0.2})
    population = CensusPopulation("p", params)
    from credsim.engine import Codebook, State, World

    state = State(population.size())
    state.declare(population.columns())
    world = World(1, 1, state.n, 1, state, Codebook())
    population.build(world)
    traits = population.traits(world)
    group = traits["group"].codes(np.arange(world.n))
    shares = np.bincount(group, minlength=3) / world.n
    assert np.allclose(shares, [0.5, 0.3, 0.2], atol=0.02)
    hh = state["household"]
    first = np.arange(world.n) - (hh & 0x0F)
    assert np.array_equal(group, group[first])


def test_city_preset_is_one_region():
    facts = describe_population("city", None, seed=1)
    assert facts["agents"] == 100_000
    assert list(facts["province_shares"]) == ["Rongcheng"]


def _digest(columns) -> str:
    h = hashlib.sha256()
    for name in ("age", "traits", "household", "ses"):
        h.update(columns[name].tobytes())
    return h.hexdigest()


CHILD = """
import hashlib
from credsim.population.describe import build_population
_, world, _ = build_population("china-2020", 300_000, 5)
h = hashlib.sha256()
for name in ("age", "traits", "household", "ses"):
    h.update(world.state[name].tobytes())
mean, count = world.graph.neighbour_mean(world.state["age"], "friends")
h.update(mean.tobytes()); h.update(count.tobytes())
print(h.hexdigest())
"""


def test_same_seed_same_population_and_graph_for_any_thread_count():
    digests = set()
    for threads in ("1", "2"):
        env = {**os.environ, "NUMBA_NUM_THREADS": threads}
        done = subprocess.run(
            [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True
        )
        digests.add(done.stdout.strip())
    assert len(digests) == 1
    a = _digest(_population(50_000, seed=1)[1].state)
    b = _digest(_population(50_000, seed=2)[1].state)
    assert a != b and a == _digest(_population(50_000, seed=1)[1].state)


@pytest.mark.parametrize(
    ("preset", "size", "needle"),
    [
        ("china-2021", 1000, "did you mean 'china-2020'"),
        ("china-2020", 0, "--size"),
        ("china-2020", -5, "--size"),
        ("china-2020", 2**31 - 1, "GiB"),
    ],
)
def test_bad_presets_and_sizes_are_user_errors(preset, size, needle):
    from credsim.engine.memory import memory_limit

    # 2**31 - 1 agents need about 22 GiB to build: under a limit of 16 GiB, refused on any
    # machine (this one has about 23 GiB available when nothing else runs).
    with memory_limit(16 * 2**30), pytest.raises(UserError, match=needle):
        build_population(preset, size, 1)


def test_cli_population_json_and_exit_codes(tmp_path):
    cli = [sys.executable, "-c", "from credsim.cli import main; main()", "population"]
    done = subprocess.run([*cli, "--size", "20000", "--json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    import json

    facts = json.loads(done.stdout)
    for key in (
        "citizens",
        "people_per_agent",
        "urban_share",
        "sex_ratio",
        "age_shares",
        "province_shares",
        "household_size_mean",
        "friend_degree_mean",
        "bytes_per_citizen",
        "build_seconds",
    ):
        assert key in facts
    assert set(facts["age_shares"]) == {"0-14", "15-59", "60+"}
    for args, needle in (
        (["--size", "0"], "--size"),
        (["--preset", "mars"], "preset"),
        (["--size", "2147483647", "--max-memory", "16G"], "GiB"),  # needs about 22 GiB
    ):
        bad = subprocess.run([*cli, *args], capture_output=True, text=True)
        assert bad.returncode == 2, bad.stderr
        assert needle in bad.stderr and "Traceback" not in bad.stderr


def test_the_ring_cache_leaves_every_result_as_it_is(tmp_path):
    """`graph.friends.ring_cache` keeps the friendship ring in two columns the plan shows; a run
    with it writes the same summary and time series, byte for byte, as a run without."""
    import credsim

    ring = "population.graph.friends.ring_cache"
    outs = []
    for on in ("false", "true"):
        out = tmp_path / on
        credsim.run("reference", out=out, population=4_000, days=60, overrides=[f"{ring}={on}"])
        outs.append(out)
    for name in ("summary.json", "timeseries.parquet"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    plan = subprocess.run(
        [sys.executable, "-m", "credsim", "run", "reference", "--plan", "--set", f"{ring}=true"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for column in ("pos", "order", "ahead", "behind", "cross"):
        assert f"friends_ring.{column}:uint16" in plan


def test_the_ring_cache_is_refused_with_demography():
    result = subprocess.run(
        [sys.executable, "-m", "credsim", "run", "reference", "--days", "2", "--set",
         "population.graph.friends.ring_cache=true", "--set",
         "population.demography.enabled=true"],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 2
    assert "demography changes ages" in result.stderr and "Traceback" not in result.stderr
