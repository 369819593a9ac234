"""Intervals on the fines and naming charts: namings and those who saw them are events (95%
Poisson on the agents' in a single run); yuan per person carry the 90% interval across
replicates only, and a single run's caption says so."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from interval_checks import make_run, plot, segments, whisker_at

from credsim.report.sections_penalties import PENALTY_SECTIONS
from credsim.results.intervals import interval
from credsim.results.rates import poisson_interval

SUMMARY = {
    "citizens": 2000,
    "people_per_agent": 10,
    "by_group": {"income": {"q1": {"citizens": 1000}, "q2": {"citizens": 1000}}},
    "fines_total": 50,
    "fines_by_group": {
        "income": {
            "q1": {"yuan": 5000, "yuan_paid": 3000, "yuan_in_arrears": 2000},
            "q2": {"yuan": 4000, "yuan_paid": 4000, "yuan_in_arrears": 0},
        }
    },
    "named_total": 60,
    "naming_exposures_by_layer": {"friends": 300, "work": 100},
    "named_by_group": {
        "income": {
            "q1": {"named": 40, "named_wrongly": 10},
            "q2": {"named": 20, "named_wrongly": 0},
        }
    },
}
Q1 = 1  # two income rows, q1 drawn on top


def _replicates(tmp_path: Path) -> tuple:
    reps = []
    for n in (10, 20, 30, 40, 50):
        one = copy.deepcopy(SUMMARY)
        one["fines_by_group"]["income"]["q1"]["yuan"] = 100 * n
        one["named_by_group"]["income"]["q1"]["named"] = n
        one["naming_exposures_by_layer"]["friends"] = 10 * n
        reps.append(one)
    return make_run(tmp_path / "reps", {**SUMMARY, "replicates": {"count": 5}}, reps), reps


def test_fines_by_group(tmp_path: Path) -> None:
    run = make_run(tmp_path / "one", SUMMARY)
    p = plot(run, PENALTY_SECTIONS, "fines", "fines-by-group")
    assert "carry no interval" in p.caption
    assert not segments(p.draw().axes[0])
    run, reps = _replicates(tmp_path)
    p = plot(run, PENALTY_SECTIONS, "fines", "fines-by-group")
    assert "90% interval across 5 replicates" in p.caption
    (ax,) = p.draw().axes
    yuan = [r["fines_by_group"]["income"]["q1"]["yuan"] / 1000 for r in reps]
    assert whisker_at(ax, Q1 + 0.8 / 3) == pytest.approx(interval(yuan))


def test_naming_audience(tmp_path: Path) -> None:
    run = make_run(tmp_path / "one", SUMMARY)
    p = plot(run, PENALTY_SECTIONS, "naming", "naming-audience")
    assert "95% Poisson" in p.caption
    layers, groups = p.draw().axes
    low, high = poisson_interval(30)  # 300 saw it: 30 agents
    assert whisker_at(layers, 0, horizontal=False) == pytest.approx((10 * low, 10 * high))
    low, high = poisson_interval(4)  # 40 named in q1: 4 agents
    assert whisker_at(groups, Q1 + 0.2) == pytest.approx(
        (1e5 * 10 * low / 1000, 1e5 * 10 * high / 1000)
    )
    run, reps = _replicates(tmp_path)
    p = plot(run, PENALTY_SECTIONS, "naming", "naming-audience")
    assert "90% interval across 5 replicates" in p.caption
    layers, groups = p.draw().axes
    named = [r["named_by_group"]["income"]["q1"]["named"] for r in reps]
    assert whisker_at(groups, Q1 + 0.2) == pytest.approx(interval([100 * n for n in named]))
    seen = [r["naming_exposures_by_layer"]["friends"] for r in reps]
    assert whisker_at(layers, 0, horizontal=False) == pytest.approx(interval(seen))
