"""Intervals on the speech-enforcement and checkpoint charts by group: warnings are events (95%
Poisson on the agents' in a single run), innocent stops a share of face checks (95% Wilson),
hours lost in proportion to those stops; replicates give the 90% interval across them."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from interval_checks import make_run, plot, whisker_at

from credsim.report.sections_enforcement import ENFORCEMENT_SECTIONS
from credsim.results.intervals import interval
from credsim.results.rates import poisson_interval, wilson_interval

SUMMARY = {
    "citizens": 2100,
    "people_per_agent": 10,
    "by_group": {"sex": {"female": {"citizens": 1000}, "male": {"citizens": 1100}}},
    "speech_enforcement_by_day": {"sensitive_meant": [], "warned": []},
    "speech_warnings": 70,
    "speech_detention_days": 300,
    "speech_enforcement_by_group": {
        "sex": {
            "female": {"speech_warnings": 30, "speech_detention_days": 100},
            "male": {"speech_warnings": 40, "speech_detention_days": 200},
        }
    },
    "checkpoint_checks": 20000,
    "checkpoint_stops_innocent": 50,
    "checkpoint_hours_lost": 100.0,
    "checkpoint_by_group": {
        "sex": {
            "female": {"checkpoint_checks": 10000, "checkpoint_stops_innocent": 20,
                       "checkpoint_hours_lost": 40.0,
                       "checkpoint_stops_innocent_per_10000_checks": 20.0},
            "male": {"checkpoint_checks": 10000, "checkpoint_stops_innocent": 30,
                     "checkpoint_hours_lost": 60.0,
                     "checkpoint_stops_innocent_per_10000_checks": 30.0},
        }
    },
}  # fmt: skip
FEMALE_Y = 1


def _replicates(tmp_path: Path) -> tuple:
    reps = []
    for n in (10, 20, 30, 40, 50):
        one = copy.deepcopy(SUMMARY)
        one["speech_enforcement_by_group"]["sex"]["female"]["speech_warnings"] = n
        one["speech_enforcement_by_group"]["sex"]["female"]["speech_detention_days"] = 5 * n
        row = one["checkpoint_by_group"]["sex"]["female"]
        row["checkpoint_stops_innocent"], row["checkpoint_hours_lost"] = n, 2.0 * n
        reps.append(one)
    return make_run(tmp_path / "reps", {**SUMMARY, "replicates": {"count": 5}}, reps), reps


def test_speech_enforcement_by_group(tmp_path: Path) -> None:
    run = make_run(tmp_path / "one", SUMMARY)
    p = plot(run, ENFORCEMENT_SECTIONS, "speech-enforcement", "speech-enforcement-by-group")
    assert "95% intervals (Poisson)" in p.caption and "carry no interval" in p.caption
    warned, days = p.draw().axes
    low, high = poisson_interval(3)  # 30 warnings are 3 agents'
    assert whisker_at(warned, FEMALE_Y) == pytest.approx(
        (1e5 * 10 * low / 1000, 1e5 * 10 * high / 1000)
    )
    run, reps = _replicates(tmp_path)
    p = plot(run, ENFORCEMENT_SECTIONS, "speech-enforcement", "speech-enforcement-by-group")
    assert "90% intervals across the replicates" in p.caption
    warned, days = p.draw().axes
    n = [r["speech_enforcement_by_group"]["sex"]["female"]["speech_warnings"] for r in reps]
    assert whisker_at(warned, FEMALE_Y) == pytest.approx(interval([1e5 * x / 1000 for x in n]))
    assert whisker_at(days, FEMALE_Y) == pytest.approx(interval([1e5 * 5 * x / 1000 for x in n]))


def test_checkpoints_by_group(tmp_path: Path) -> None:
    run = make_run(tmp_path / "one", SUMMARY)
    p = plot(run, ENFORCEMENT_SECTIONS, "checkpoints", "checkpoints-by-group")
    assert "95% intervals (Wilson)" in p.caption
    stops, hours = p.draw().axes
    low, high = wilson_interval(2, 1000)  # 20 stops of 10,000 checks: 2 of 1,000 agents'
    assert whisker_at(stops, FEMALE_Y) == pytest.approx((1e4 * low, 1e4 * high))
    low, high = poisson_interval(2)  # 20 innocent stops of 2 hours each
    expected = (1e3 * 10 * 2 * low / 1000, 1e3 * 10 * 2 * high / 1000)
    assert whisker_at(hours, FEMALE_Y) == pytest.approx(expected)
    run, reps = _replicates(tmp_path)
    p = plot(run, ENFORCEMENT_SECTIONS, "checkpoints", "checkpoints-by-group")
    assert "90% intervals across the replicates" in p.caption
    stops, hours = p.draw().axes
    n = [r["checkpoint_by_group"]["sex"]["female"]["checkpoint_stops_innocent"] for r in reps]
    assert whisker_at(stops, FEMALE_Y) == pytest.approx(interval([x for x in n]))
    assert whisker_at(hours, FEMALE_Y) == pytest.approx(interval([2 * x for x in n]))
