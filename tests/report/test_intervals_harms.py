"""Intervals on the self-censorship and perks charts: the share of intended posts held back is a
95% Wilson interval of the simulated posts in a single run; perks in yuan carry the 90% interval
across replicates only, and a single run's caption says so."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from interval_checks import make_run, plot, segments, whisker_at

from credsim.report.sections_harms import HARM_SECTIONS
from credsim.results.intervals import interval
from credsim.results.rates import wilson_interval

SCENARIO = 'name = "t"\n\n[behavior.self_censorship]\nplugin = "self_censorship"\n'
SUMMARY = {
    "citizens": 2000,
    "people_per_agent": 10,
    "by_group": {"income": {"q1": {"citizens": 1000}, "q2": {"citizens": 1000}}},
    "speech_acts": 1800,
    "speech_suppressed": 200,
    "speech_by_group": {
        "sex": {
            "female": {"speech_acts": 850, "speech_suppressed": 150},
            "male": {"speech_acts": 950, "speech_suppressed": 50},
        }
    },
    "perks": {
        "deposit": {"people": 100, "yuan": 9000,
                    "by_group": {"income": {"q1": {"yuan": 3000}, "q2": {"yuan": 6000}}}},
    },
}  # fmt: skip
FEMALE_Y = 1
N = (100, 125, 150, 175, 200)


def _run(path: Path, summary: dict, reps: list[dict] | None = None):
    run = make_run(path, summary, reps)
    (path / "scenario.toml").write_text(SCENARIO)
    return run


def _replicates(tmp_path: Path):
    reps = []
    for n in N:
        one = copy.deepcopy(SUMMARY)
        one["speech_by_group"]["sex"]["female"] = {"speech_acts": 1000 - n, "speech_suppressed": n}
        one["perks"]["deposit"]["by_group"]["income"]["q1"]["yuan"] = 20 * n
        reps.append(one)
    return _run(tmp_path / "reps", {**SUMMARY, "replicates": {"count": 5}}, reps)


def test_self_censorship(tmp_path: Path) -> None:
    p = plot(_run(tmp_path / "one", SUMMARY), HARM_SECTIONS, "self-censorship", "self-censorship")
    assert "95% Wilson" in p.caption
    _, bars = p.draw().axes
    low, high = wilson_interval(15, 100)  # 150 of 1,000 posts: 15 of 100 agents'
    assert whisker_at(bars, FEMALE_Y) == pytest.approx((100 * low, 100 * high))
    p = plot(_replicates(tmp_path), HARM_SECTIONS, "self-censorship", "self-censorship")
    assert "90% interval across 5 replicates" in p.caption
    _, bars = p.draw().axes
    assert whisker_at(bars, FEMALE_Y) == pytest.approx(interval([n / 10 for n in N]))


def test_perks_by_income(tmp_path: Path) -> None:
    p = plot(_run(tmp_path / "one", SUMMARY), HARM_SECTIONS, "perks", "perks-by-income")
    assert "carry no interval" in p.caption
    assert not segments(p.draw().axes[0])
    p = plot(_replicates(tmp_path), HARM_SECTIONS, "perks", "perks-by-income")
    assert "90% interval across 5 replicates" in p.caption
    (ax,) = p.draw().axes
    assert whisker_at(ax, 0, horizontal=False) == pytest.approx(interval([n / 50 for n in N]))
