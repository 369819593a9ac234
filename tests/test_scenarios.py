"""Every bundled scenario runs (small), as users first try them."""

from __future__ import annotations

import pytest

import credsim
from credsim.scenario import bundled_scenarios


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_bundled_scenario_runs(tmp_path, name):
    results = credsim.run(name, out=tmp_path / name, population=3_000, days=30)
    summary = results.summary
    assert summary["citizens"] == 3_000 * summary["people_per_agent"]
    assert summary["acts_total"] > 0 and summary["records_total"] > 0
    assert sum(summary["grade_shares"].values()) == pytest.approx(1.0)
    # Every scenario's report draws all of its figures (a figure that fails becomes a note);
    # `reference`, a benchmark model, writes none.
    if name != "reference":
        page = (results.path / "report.html").read_text(encoding="utf-8")
        assert "<figure" in page and "Not drawn:" not in page
