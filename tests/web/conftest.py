"""Fixtures of the dashboard tests: two small finished runs, an app over a copy of them, and a
real `credsim serve` for the server and browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import credsim

SMALL = {"population": 2000, "days": 20}
"""The size of every run these tests make: 2,000 citizens for 20 days."""


@pytest.fixture(scope="session")
def finished_runs(tmp_path_factory) -> Path:
    """A folder holding two finished runs that differ only in seed: `seed1` and `seed2`."""
    folder = tmp_path_factory.mktemp("finished")
    for seed in (1, 2):
        credsim.run("default", out=folder / f"seed{seed}", seed=seed, **SMALL)
    return folder


@pytest.fixture(scope="session")
def live_server(finished_runs, tmp_path_factory) -> Iterator[str]:
    """`credsim serve` over a copy of the finished runs, at most one run at a time."""
    from dashboard_server import copy_runs, serve

    runs = copy_runs(finished_runs, tmp_path_factory.mktemp("live"))
    with serve(runs, "--max-runs", "1") as base:
        yield base
