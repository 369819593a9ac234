"""A counterfactual stepped ahead of its run answers the metrics as one stepped beside it, day by
day, and a run that steps it ahead writes the same results as one that steps it beside."""

from __future__ import annotations

import numpy as np
import pytest

import credsim
from credsim.engine.but_for import Beside
from credsim.engine.but_for_ahead import step_ahead
from credsim.runner import build_simulation
from credsim.scenario import bundled_scenarios, load_scenario

WITH_COUNTERFACTUAL = [
    name
    for name in sorted(bundled_scenarios())
    if load_scenario(name, population=1_000, days=2).model.but_for
]

LARGER = {"default": (20_000, 60), "everything": (10_000, 60)}
"""Sizes at which the counterfactual lists, removes and refuses citizens."""


@pytest.mark.parametrize("name", WITH_COUNTERFACTUAL)
def test_every_answer_ahead_is_the_answer_beside_on_every_day(name):
    """Who is on some list (every citizen), who was listed or removed, who was refused for
    what, and who qualifies for each perk at the end: the same, day by day, for each bundled
    scenario with a counterfactual (its lists change only for citizens a day's sanctions name)."""
    population, days = LARGER.get(name, (3_000, 45))
    scenario = load_scenario(name, population=population, days=days, seed=5).without_errors()
    ahead = step_ahead(build_simulation(scenario))
    beside_sim = build_simulation(scenario)
    beside_sim.initialise()
    everyone = np.arange(beside_sim.world.lo, beside_sim.world.hi)
    beside = Beside(beside_sim.world)
    changed = refusals = 0
    for day in range(scenario.model.days):
        beside.day = beside_sim.step(day).kept("sanctions", "records")
        ahead.advance(day)
        assert (ahead.listed(everyone) == beside.listed(everyone)).all(), day
        assert (ahead.moved() == beside.moved()).all() and ahead.moved().size == beside.moved().size
        for got, want in zip(ahead.refused(), beside.refused(), strict=True):
            assert got.shape == want.shape and (got == want).all(), day
        changed += ahead.days[day].flipped.size
        refusals += ahead.refused()[0].size
    perks = beside_sim.world.services.get("perks")
    for perk in [] if perks is None else perks.offered:
        want = beside.perk_eligible(perk, everyone)
        assert (ahead.perk_eligible(perk, everyone) == want).all(), perk
    assert (perks is None) == (ahead.perks is None)
    if name in LARGER:
        assert changed > 0 and refusals > 0  # the check compared something


def test_a_run_stepping_its_counterfactual_ahead_writes_what_one_beside_it_writes(tmp_path):
    """`credsim.run` steps the counterfactual ahead; with checkpoints, beside (the run must be
    resumable): the summary, the time series and the citizens are the same bytes."""
    options = {"population": 4_000, "days": 40, "seed": 2, "overrides": ["output.report=false"]}
    ahead = credsim.run("everything", out=tmp_path / "ahead", **options)
    beside = credsim.run("everything", out=tmp_path / "beside", checkpoint_every=15, **options)
    for name in ("summary.json", "timeseries.parquet", "citizens.parquet"):
        assert (ahead.path / name).read_bytes() == (beside.path / name).read_bytes(), name
    assert ahead.summary["but_for"] and ahead.summary["sanctioned_wrongful"] is not None


def test_a_counterfactual_stepped_ahead_is_given_before_the_run_starts():
    scenario = load_scenario("default", population=1_000, days=3)
    ahead = step_ahead(build_simulation(scenario.without_errors()))
    sim = build_simulation(
        load_scenario("default", population=1_000, days=3, overrides=["but_for=false"])
    )
    sim.initialise()
    with pytest.raises(RuntimeError, match="before the run is initialised"):
        sim.compare_with(ahead)


def test_the_counterfactuals_days_are_told_first_then_the_runs(tmp_path):
    """A progress bar sees every day of the counterfactual, then every day of the run; the
    run's loop time counts both."""
    told: list[tuple[str, int]] = []
    results = credsim.run(
        "default",
        out=tmp_path / "run",
        population=2_000,
        days=6,
        overrides=["output.report=false"],
        on_day=lambda day: told.append(("run", day)),
        on_but_for_day=lambda day: told.append(("but_for", day)),
    )
    assert told == [("but_for", d) for d in range(6)] + [("run", d) for d in range(6)]
    info = results.run_info
    assert info["loop_seconds"] >= info["phase_seconds"]["but_for"] > 0
