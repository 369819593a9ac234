"""The import paths and objects users rely on from notebooks."""

from __future__ import annotations

import pandas as pd

import credsim


def test_public_names_are_pinned():
    from credsim import Results, load_scenario, run  # noqa: F401

    assert {"load_scenario", "run", "Results"} <= set(credsim.__all__)
    assert callable(credsim.run) and callable(credsim.load_scenario)


def test_run_returns_results_with_summary_and_timeseries(tmp_path):
    results = credsim.run("default", out=tmp_path / "r", population=2_000, days=20, seed=3)
    assert isinstance(results, credsim.Results)
    assert results.summary["citizens"] == 2_000
    assert results.summary["days"] == 20
    assert isinstance(results.timeseries, pd.DataFrame)
    everyone = results.timeseries[results.timeseries["dimension"] == "all"]
    assert list(everyone["day"]) == list(range(20))
    again = credsim.Results(tmp_path / "r")
    assert again.summary == results.summary


def test_load_scenario_accepts_overrides_and_flags():
    scenario = credsim.load_scenario(
        "default", population=1234, days=9, seed=5, overrides=["policies.rongcheng.start=900"]
    )
    assert scenario.model.days == 9 and scenario.model.seed == 5
    resolved = scenario.to_dict()
    assert resolved["population"]["size"] == 1234
    assert resolved["policies"]["rongcheng"]["start"] == 900
