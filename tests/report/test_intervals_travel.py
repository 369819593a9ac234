"""Intervals on refused travel per month: a single run's bars carry the exact 95% Poisson
interval of the month's simulated refusals; a run of replicates, the month's sums of each day's
5th and 95th percentiles across them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from interval_checks import blocks, whisker_at
from report_fixtures import make_run_dir

from credsim.report.run import RunData
from credsim.report.sections_core import CORE_SECTIONS
from credsim.results.rates import poisson_interval

FLIGHTS_FIRST_MONTH = sum(day % 7 for day in range(30))  # the fixture's days 0-29


def _travel_plot(run: RunData):
    (plot, *_) = blocks(run, CORE_SECTIONS, "travel")
    assert plot.slug == "refused-travel"
    return plot


def test_single_run_months_carry_poisson_intervals(tmp_path: Path) -> None:
    run_dir = make_run_dir(tmp_path)
    summary = json.loads((run_dir / "summary.json").read_text())
    (run_dir / "summary.json").write_text(json.dumps({**summary, "people_per_agent": 3}))
    plot = _travel_plot(RunData(run_dir))
    assert "95% Poisson" in plot.caption
    (ax,) = plot.draw().axes
    low, high = poisson_interval(FLIGHTS_FIRST_MONTH / 3)
    assert whisker_at(ax, 1 - 0.2, horizontal=False) == pytest.approx((3 * low, 3 * high))


def test_replicates_sum_each_days_percentiles(tmp_path: Path) -> None:
    run_dir = make_run_dir(tmp_path)
    summary = json.loads((run_dir / "summary.json").read_text())
    (run_dir / "summary.json").write_text(json.dumps({**summary, "replicates": {"count": 5}}))
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    for name, factor in (("p5", 0.5), ("p95", 2.0)):
        bound = ts.copy()
        bound[["blocked_flights", "blocked_trains"]] *= factor
        bound.to_parquet(run_dir / f"timeseries_{name}.parquet", index=False)
    plot = _travel_plot(RunData(run_dir))
    assert "means of 5 replicates" in plot.caption
    (ax,) = plot.draw().axes
    expected = (0.5 * FLIGHTS_FIRST_MONTH, 2.0 * FLIGHTS_FIRST_MONTH)
    assert whisker_at(ax, 1 - 0.2, horizontal=False) == pytest.approx(expected)
