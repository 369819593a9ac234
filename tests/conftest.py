"""Shared fixtures: one small run of the default scenario, reused by the read-only tests."""

from __future__ import annotations

import pytest

import credsim

SMALL = {"population": 20_000, "days": 200, "seed": 7}


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> credsim.Results:
    """The default scenario at 20,000 citizens for 200 days, with raised error rates so that
    misattribution, fabrication and wrongful listing all happen."""
    out = tmp_path_factory.mktemp("runs") / "small"
    scenario = credsim.load_scenario(
        "default",
        overrides=[
            "sources.courts.records.court_judgment.misattribution_rate=0.05",
            "sources.courts.records.court_judgment.fabrication_rate=2e-6",
            "sources.courts.records.court_judgment.delay_days=20",
            "behavior.citizens.acts.loan_default.rate=1e-4",
        ],
        **SMALL,
    )
    return credsim.run(scenario, out=out)


@pytest.fixture
def quick_summary(tmp_path):
    """A function running the default scenario small (20,000 citizens, 120 days, no event log,
    report or citizens table) with some keys set, returning its summary."""

    def run(name: str, *sets: str, population: int = 20_000, days: int = 120) -> dict:
        result = credsim.run(
            "default",
            out=tmp_path / name,
            population=population,
            days=days,
            overrides=[
                "output.events='none'",
                "output.report=false",
                "output.citizens='none'",
                *sets,
            ],
        )
        return result.summary

    return run
