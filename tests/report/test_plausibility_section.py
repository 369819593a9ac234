"""The report's plausibility section: shown when the summary holds a plausibility table, with
its figure, the anchored figures and their flags, and the figures without an anchor."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from report_page import Page

from credsim.metrics.anchor_file import parse_anchors
from credsim.metrics.plausibility import plausibility
from credsim.report import write_report

TABLE = """
settings = ["days"]
[[anchor]]
figure = "blocked_flights"
label = "Flight purchases refused"
published = 1000
unit = "attempts"
semantics = "flow_per_year"
date = "2018"
source = "a report"
[[no_anchor]]
figure = "ties_cut"
reason = "nobody counts them"
semantics = "flow_per_year"
"""


def test_plausibility_section_shows_flags_and_reasons(tmp_path: Path) -> None:
    summary = {"days": 10, "citizens": 100, "blocked_flights": 5000, "ties_cut": 3}
    flows = {"blocked_flights": np.full(10, 500.0), "ties_cut": np.full(10, 0.3)}
    table = plausibility(summary, flows, parse_anchors(TABLE, "t.toml"), 10)
    summary["plausibility"] = {"anchors": "t", **table}
    (tmp_path / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    text = write_report(tmp_path).read_text(encoding="utf-8")
    page = Page(text)
    assert "sec-plausibility" in page.sections
    assert page.figures["fig-plausibility"]["svg"]
    assert "&gt;10x off" in text and "nobody counts them" in text


def test_no_plausibility_no_section(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text(json.dumps({"days": 10}), encoding="utf-8")
    assert "sec-plausibility" not in Page(write_report(tmp_path).read_text()).sections


def test_each_ratio_carries_the_poisson_interval_of_what_was_simulated(tmp_path: Path) -> None:
    """5,000 refusals in 10 days by agents standing for 10 people each are 500 simulated
    refusals: the ratio's interval is the exact 95% Poisson interval of 500, scaled."""
    from credsim.report.run import RunData
    from credsim.report.sections_plausibility import ratio_bounds
    from credsim.results.rates import poisson_interval

    summary = {"days": 10, "citizens": 100, "people_per_agent": 10, "blocked_flights": 5000}
    flows = {"blocked_flights": np.full(10, 500.0)}
    table = plausibility(summary, flows, parse_anchors(TABLE, "t.toml"), 10)
    (row,) = [r for r in table["rows"] if r["figure"] == "blocked_flights"]
    assert row["simulated"] == 500
    summary["plausibility"] = {"anchors": "t", **table}
    (tmp_path / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    bounds, which = ratio_bounds(RunData(tmp_path), table["rows"][:1])
    low, high = poisson_interval(500)
    assert bounds["blocked_flights"] == pytest.approx(
        (row["ratio"] * low / 500, row["ratio"] * high / 500)
    )
    assert "Poisson" in which
    assert "×" in write_report(tmp_path).read_text(encoding="utf-8").split("Interval")[1][:2000]
