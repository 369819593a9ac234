"""Intervals on the exclusion, gaming and trust charts: a single run's bars carry 95% Poisson
(events) or Wilson (shares of people) intervals of its simulated agents, a run of replicates the
90% interval across them, and each caption says which."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from interval_checks import make_run, plot, segments, whisker_at

from credsim.report.sections_mechanisms import MECHANISM_SECTIONS
from credsim.results.intervals import interval
from credsim.results.rates import poisson_interval, wilson_interval

BY_GROUP = {"sex": {"female": {"citizens": 1000}, "male": {"citizens": 1100}}}
SUMMARY = {
    "citizens": 2100,
    "people_per_agent": 10,
    "by_group": BY_GROUP,
    "ties_cut": 70,
    "isolation": {"listed": 0.2, "family_of_listed": 0.1, "others": 0.01},
    "ties_cut_by_group": {"sex": {"female": 30, "male": 40}},
    "points_bought": 500,
    "gaming_by_income": {
        "q1": {"buyers": 20, "points_bought": 100, "yuan": 1000},
        "q2": {"buyers": 40, "points_bought": 400, "yuan": 2000},
    },
    "gaming_by_service": {"a": {"purchases": 60}, "b": {"purchases": 30}},
    "trust_index": 0.5,
    "help_requests": 400,
    "help_given": 200,
    "help_by_group": {
        "sex": {
            "female": {"help_requests": 200, "help_given": 120, "trust_index": 0.6},
            "male": {"help_requests": 200, "help_given": 80, "trust_index": 0.4},
        }
    },
}
SUMMARY["by_group"] = {**BY_GROUP, "income": {"q1": {"citizens": 1000}, "q2": {"citizens": 1100}}}
FEMALE_Y = 1  # two sex rows, female first: drawn top, at y = 1


def _replicates(tmp_path: Path) -> tuple:
    reps = []
    for i, n in enumerate((10, 20, 30, 40, 50)):
        one = copy.deepcopy(SUMMARY)
        one["ties_cut_by_group"]["sex"]["female"] = n
        one["isolation"]["listed"] = 0.1 + 0.05 * i
        one["gaming_by_income"]["q1"]["buyers"] = n
        one["gaming_by_income"]["q1"]["yuan"] = 1000 + 100 * i  # 10 to 14 yuan a point
        one["help_by_group"]["sex"]["female"]["help_given"] = 100 + n
        reps.append(one)
    summary = {**SUMMARY, "replicates": {"count": 5}}
    summary["p5"] = {"isolation": {"listed": 0.11}, "trust_index": 0.45}
    summary["p95"] = {"isolation": {"listed": 0.29}, "trust_index": 0.55}
    return make_run(tmp_path / "reps", summary, reps), reps


def test_exclusion_ties_by_group_single_and_replicates(tmp_path: Path) -> None:
    run = make_run(tmp_path / "one", SUMMARY)
    p = plot(run, MECHANISM_SECTIONS, "exclusion", "exclusion")
    assert "95% intervals (Poisson)" in p.caption and "carry no interval" in p.caption
    shares, groups = p.draw().axes
    low, high = poisson_interval(3)  # 30 ties are 3 agents' ties
    assert whisker_at(groups, FEMALE_Y) == pytest.approx(
        (1e3 * 10 * low / 1000, 1e3 * 10 * high / 1000)
    )
    assert not segments(shares)
    run, reps = _replicates(tmp_path)
    p = plot(run, MECHANISM_SECTIONS, "exclusion", "exclusion")
    assert "90% intervals across the replicates" in p.caption
    shares, groups = p.draw().axes
    expected = interval([1e3 * r["ties_cut_by_group"]["sex"]["female"] / 1000 for r in reps])
    assert whisker_at(groups, FEMALE_Y) == pytest.approx(expected)
    assert whisker_at(shares, 0, horizontal=False) == pytest.approx((11, 29))


def test_gaming_buyers_single_and_replicates(tmp_path: Path) -> None:
    run = make_run(tmp_path / "one", SUMMARY)
    p = plot(run, MECHANISM_SECTIONS, "gaming", "gaming-price")
    assert "Wilson" in p.caption and "carries no interval" in p.caption
    price, buyers = p.draw().axes
    low, high = wilson_interval(2, 100)
    assert whisker_at(buyers, 0, horizontal=False) == pytest.approx((100 * low, 100 * high))
    assert not segments(price)
    services = plot(run, MECHANISM_SECTIONS, "gaming", "gaming-services")
    assert "Poisson" in services.caption
    (ax,) = services.draw().axes
    low, high = poisson_interval(6)  # service a: 60 purchases, top bar (y = 1)
    assert whisker_at(ax, 1) == pytest.approx((10 * low, 10 * high))
    run, reps = _replicates(tmp_path)
    p = plot(run, MECHANISM_SECTIONS, "gaming", "gaming-price")
    assert "90% interval across 5 replicates" in p.caption
    price, buyers = p.draw().axes
    expected = interval([100 * r["gaming_by_income"]["q1"]["buyers"] / 1000 for r in reps])
    assert whisker_at(buyers, 0, horizontal=False) == pytest.approx(expected)
    assert whisker_at(price, 0, horizontal=False) == pytest.approx(interval([10, 11, 12, 13, 14]))


def test_trust_by_group_single_and_replicates(tmp_path: Path) -> None:
    run = make_run(tmp_path / "one", SUMMARY)
    p = plot(run, MECHANISM_SECTIONS, "trust", "trust")
    assert "Wilson" in p.caption
    index, groups = p.draw().axes
    assert whisker_at(groups, FEMALE_Y) == pytest.approx(wilson_interval(12, 20))
    assert whisker_at(index, 0, horizontal=False) == pytest.approx(wilson_interval(20, 40))
    run, reps = _replicates(tmp_path)
    p = plot(run, MECHANISM_SECTIONS, "trust", "trust")
    assert "90% interval across 5 replicates" in p.caption
    index, groups = p.draw().axes
    f = [r["help_by_group"]["sex"]["female"]["help_given"] / 200 for r in reps]
    assert whisker_at(groups, FEMALE_Y) == pytest.approx(interval(f))
    assert whisker_at(index, 0, horizontal=False) == pytest.approx((0.45, 0.55))
