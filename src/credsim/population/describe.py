"""Build a population on its own and describe it: the figures to check against the census."""

from __future__ import annotations

import time

import numpy as np
from pydantic import ValidationError

from credsim.engine import Codebook, State, World
from credsim.errors import UserError
from credsim.population.census import AGE_BANDS, CensusParams, CensusPopulation
from credsim.scenario.errors import describe_validation_error

__all__ = ["build_population", "describe_population"]

FLAGS = {"preset": "--preset", "size": "--size", "people_per_agent": "--people-per-agent"}


def build_population(
    preset: str, size: int | None, seed: int, people_per_agent: int = 1
) -> tuple[CensusPopulation, World, float]:
    """A built population, its world and the seconds the build took (graph included)."""
    raw = {"preset": preset, "size": size, "people_per_agent": people_per_agent}
    try:
        params = CensusParams.model_validate(raw)
    except ValidationError as err:
        where = lambda loc: FLAGS.get(str(loc[0]), "population") if loc else "population"  # noqa: E731
        raise UserError(describe_validation_error(err, CensusParams, (), where)) from None
    population = CensusPopulation("population", params)
    started = time.perf_counter()
    state = State(population.size())
    state.declare(population.columns())
    world = World(seed, 1, state.n, params.people_per_agent, state, Codebook())
    population.build(world)
    world.traits = population.traits(world)
    world.graph = population.graph()
    return population, world, time.perf_counter() - started


def describe_population(preset: str, size: int | None, seed: int, people_per_agent: int = 1):
    """The figures `credsim population` prints: shares, household size, degree, bytes, time."""
    population, world, seconds = build_population(preset, size, seed, people_per_agent)
    n, state = world.n, world.state
    sex = np.bincount(state["traits"] & 1, minlength=2)
    age_hist = np.bincount(state["age"], minlength=101)
    age_shares = {band: float(age_hist[lo:hi].sum() / n) for band, (lo, hi) in AGE_BANDS.items()}
    provinces = np.diff(population.province_starts)
    urban = np.diff(population.starts)[::2].sum()
    households = int(np.count_nonzero((state["household"] & 0x0F) == 0))
    graph = world.graph
    degrees = graph.degrees("friends")
    return {
        "preset": preset,
        "seed": seed,
        "agents": n,
        "citizens": n * people_per_agent,
        "people_per_agent": people_per_agent,
        "urban_share": float(urban / n),
        "sex_ratio": float(100.0 * sex[1] / max(sex[0], 1)),
        "age_shares": age_shares,
        "province_shares": {
            name: float(count / n)
            for name, count in zip(population.preset.province_names, provinces, strict=True)
        },
        "household_size_mean": float(n / max(households, 1)),
        "friend_degree_mean": float(degrees.mean()),
        "work_degree_mean": float(graph.degrees("work").mean()),
        "bytes_per_citizen": float((state.nbytes + graph.nbytes) / n),
        "build_seconds": round(seconds, 3),
    }
