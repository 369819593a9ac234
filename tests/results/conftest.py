"""A small finished run of the default scenario, for the tests that read its files back."""

from __future__ import annotations

import pytest

import credsim


@pytest.fixture(scope="session")
def outputs_run(tmp_path_factory) -> credsim.Results:
    """The default scenario at 3,000 citizens for 90 days (past its 61-day warm-up), with court
    judgments misattributed often enough that some people are wrongly listed, and lenders
    reporting good customers often enough that some records are fabricated; no report."""
    out = tmp_path_factory.mktemp("outputs") / "run"
    scenario = credsim.load_scenario(
        "default",
        population=3_000,
        days=90,
        overrides=[
            "output.report=false",
            "sources.courts.records.court_judgment.misattribution_rate=0.2",
            "behavior.citizens.acts.loan_default.rate=2e-4",
            "adversaries.lenders.rate=1e-4",
        ],
    )
    return credsim.run(scenario, out=out)
