"""Intervals on the firms chart: shares of firms listed and of tenders and loans refused carry
95% Wilson intervals of the simulated firms in a single run, the 90% interval across
replicates otherwise."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from interval_checks import make_run, plot, whisker_at

from credsim.report.sections_firms import FIRM_SECTIONS
from credsim.results.intervals import interval
from credsim.results.rates import wilson_interval

SUMMARY = {
    "people_per_agent": 10,
    "firms_listed": 30,
    "firms_by_size_detail": {
        "micro": {"firms": 1000, "on_list": 50, "bids": 200, "bids_refused": 20, "loans": 0},
        "small": {"firms": 500, "on_list": 10, "bids": 100, "bids_refused": 5, "loans": 0},
    },
}


def test_firms_by_size(tmp_path: Path) -> None:
    run = make_run(tmp_path / "one", SUMMARY)
    p = plot(run, FIRM_SECTIONS, "firms", "firms-by-size")
    assert "95% Wilson" in p.caption
    (ax,) = p.draw().axes
    low, high = wilson_interval(5, 100)  # micro firms on a list: 5 of 100 agents' firms
    assert whisker_at(ax, -0.27, horizontal=False) == pytest.approx((100 * low, 100 * high))
    reps = []
    for n in (30, 40, 50, 60, 70):
        one = copy.deepcopy(SUMMARY)
        one["firms_by_size_detail"]["micro"]["on_list"] = n
        reps.append(one)
    run = make_run(tmp_path / "reps", {**SUMMARY, "replicates": {"count": 5}}, reps)
    p = plot(run, FIRM_SECTIONS, "firms", "firms-by-size")
    assert "90% interval across 5 replicates" in p.caption
    (ax,) = p.draw().axes
    expected = interval([n / 10 for n in (30, 40, 50, 60, 70)])
    assert whisker_at(ax, -0.27, horizontal=False) == pytest.approx(expected)
