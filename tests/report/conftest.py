"""Run directories for the report tests: synthetic ones in the documented format, and real runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_fixtures import MECHANISMS, make_run_dir

import credsim


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """The synthetic run directory, without the optional mechanisms."""
    return make_run_dir(tmp_path)


@pytest.fixture
def mechanisms_run_dir(tmp_path: Path) -> Path:
    """The synthetic run directory with exclusion, gaming, trust and adversaries switched on."""
    return make_run_dir(tmp_path, extra=MECHANISMS)


@pytest.fixture(scope="session")
def default_run(tmp_path_factory) -> credsim.Results:
    """The default scenario, small: 20,000 citizens for 120 days (report written by the run)."""
    out = tmp_path_factory.mktemp("report-runs") / "default"
    scenario = credsim.load_scenario("default", population=20_000, days=120)
    return credsim.run(scenario, out=out)


@pytest.fixture(scope="session")
def national_run(tmp_path_factory) -> credsim.Results:
    """The calibrated national scenario, small: 20,000 agents over the roll-out's 2,008 days."""
    out = tmp_path_factory.mktemp("report-runs") / "national"
    scenario = credsim.load_scenario("national", population=20_000)
    return credsim.run(scenario, out=out)
