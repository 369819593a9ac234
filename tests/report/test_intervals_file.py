"""Intervals on the secret-file and insider-deletion charts: a single run's unseen share is a
95% Wilson interval of the simulated records, unseen records per citizen and deletions exact 95%
Poisson intervals; replicates give the 90% interval across them."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from interval_checks import make_run, plot, whisker_at

from credsim.report.sections_file import FILE_SECTIONS
from credsim.results.intervals import interval
from credsim.results.rates import poisson_interval, wilson_interval

POLICY = {"opacity": "hidden", "records": 400, "unseen": 100, "unseen_share": 0.25}


def _group(unseen: int) -> dict:
    return {
        "citizens": 1000,
        "policies": {"p": {"unseen": unseen, "unseen_per_citizen": unseen / 1000}},
    }


SUMMARY = {
    "citizens": 2000,
    "people_per_agent": 10,
    "secret_file_records": 400,
    "secret_file_by_policy": {"p": POLICY},
    "secret_file_by_group": {"income": {"q1": _group(60), "q2": _group(40)}},
    "insider_deletions": 30,
    "insider_deletions_by_group": {
        "income": {"q1": {"sought": 50, "deleted": 10}, "q2": {"sought": 40, "deleted": 20}}
    },
}
Q1 = 1
N = (40, 50, 60, 70, 80)  # each replicate's count; the summary's figures lie among them


def _replicates(tmp_path: Path) -> tuple:
    reps = []
    for n in N:
        one = copy.deepcopy(SUMMARY)
        one["secret_file_by_policy"]["p"]["unseen_share"] = n / 240
        one["secret_file_by_group"]["income"]["q1"] = _group(n)
        one["insider_deletions_by_group"]["income"]["q1"]["sought"] = n
        reps.append(one)
    return make_run(tmp_path / "reps", {**SUMMARY, "replicates": {"count": 5}}, reps), reps


def test_secret_file(tmp_path: Path) -> None:
    run = make_run(tmp_path / "one", SUMMARY)
    p = plot(run, FILE_SECTIONS, "secret-file", "secret-file")
    assert "Wilson" in p.caption and "Poisson" in p.caption
    share, per = p.draw().axes
    low, high = wilson_interval(10, 40)  # 100 of 400 records: 10 of 40 agents'
    assert whisker_at(share, 0, horizontal=False) == pytest.approx((100 * low, 100 * high))
    low, high = poisson_interval(6)  # q1: 60 unseen records of 1,000 citizens
    assert whisker_at(per, Q1) == pytest.approx((10 * low / 1000, 10 * high / 1000))
    run, _ = _replicates(tmp_path)
    p = plot(run, FILE_SECTIONS, "secret-file", "secret-file")
    assert "90% interval across 5 replicates" in p.caption
    share, per = p.draw().axes
    assert whisker_at(share, 0, horizontal=False) == pytest.approx(interval([x / 2.4 for x in N]))
    assert whisker_at(per, Q1) == pytest.approx(interval([x / 1000 for x in N]))


def test_insider_deletions(tmp_path: Path) -> None:
    run = make_run(tmp_path / "one", SUMMARY)
    p = plot(run, FILE_SECTIONS, "insider-deletions", "insider-deletions")
    assert "95% Poisson" in p.caption
    (ax,) = p.draw().axes
    low, high = poisson_interval(5)  # q1 looked 50 times: 5 agents' tries
    assert whisker_at(ax, Q1 + 0.2) == pytest.approx((10 * low, 10 * high))
    run, _ = _replicates(tmp_path)
    p = plot(run, FILE_SECTIONS, "insider-deletions", "insider-deletions")
    assert "90% interval across 5 replicates" in p.caption
    (ax,) = p.draw().axes
    assert whisker_at(ax, Q1 + 0.2) == pytest.approx(interval(N))
