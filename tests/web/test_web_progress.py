"""A dashboard run's progress: the days of its counterfactual without erroneous records, stepped
first, then its own."""

from __future__ import annotations

from multiprocessing import Pipe

import pytest

pytest.importorskip("fastapi")

from credsim.web.runs import RunManager, RunRecord


def test_a_run_counts_its_counterfactuals_days_first_then_its_own(tmp_path):
    """The worker steps the counterfactual first and says so day by day: the run's phase names
    it, and progress runs over both sets of days (half-way when the counterfactual is done)."""
    manager = RunManager(tmp_path / "runs")
    try:
        record = RunRecord("r1", "default", [], tmp_path / "runs" / "r1", status="running")
        manager._runs[record.id] = record
        ours, theirs = Pipe()
        theirs.send(("but_for_day", 5, 20))
        manager._read(record.id, ours)
        public = record.public()
        assert public["phase"] == "counterfactual: day 5 of 20"
        assert public["progress"] == 0.125 and public["but_for_day"] == 5
        theirs.send(("but_for_day", 20, 20))
        theirs.send(("day", 10, 20, 1234))
        manager._read(record.id, ours)
        public = record.public()
        assert public["phase"] == "day 10 of 20" and public["progress"] == 0.75
        assert public["events"] == 1234
    finally:
        manager.close()
