"""A run has dates: a start, an end (or a number of days), dated outputs and figures by year."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import credsim
from credsim.scenario import load_scenario

CLI = [sys.executable, "-c", "from credsim.cli import main; main()"]


def test_end_sets_the_days_and_a_resolved_scenario_names_both():
    s = load_scenario("default", population=1000, start="2019-07-01", end="2020-12-31")
    assert s.model.days == 550 and s.model.start == dt.date(2019, 7, 1)
    resolved = s.to_dict()
    assert resolved["start"] == dt.date(2019, 7, 1) and resolved["end"] == dt.date(2020, 12, 31)
    # --days replaces a file's end (here the bundled default has none, so end follows days).
    assert load_scenario("default", days=10).model.end == dt.date(2020, 1, 10)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--start", "2020-01-01", "--end", "2019-01-01"], "--end 2019-01-01"),
        (["--start", "2020-13-01"], "--start 2020-13-01"),
        (["--days", "5", "--end", "2020-02-01"], "give one of them, not both"),
    ],
)
def test_bad_dates_exit_2_and_write_nothing(tmp_path, args, needle):
    out = tmp_path / "run"
    done = subprocess.run(
        [*CLI, "run", *args, "--out", str(out)], capture_output=True, text=True, env=os.environ
    )
    assert done.returncode == 2 and needle in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


@pytest.fixture(scope="module")
def dated_run(tmp_path_factory):
    return credsim.run(
        "default",
        out=tmp_path_factory.mktemp("calendar") / "run",
        population=8000,
        overrides=["start=2019-10-01", "end=2021-01-31", "output.report=false"],
    )


def test_outputs_carry_real_dates(dated_run):
    ts = dated_run.timeseries
    start = pd.Timestamp("2019-10-01")
    assert (pd.to_datetime(ts["date"]) == start + pd.to_timedelta(ts["day"], "D")).all()
    sanctions = dated_run.events("sanctions")
    dates = pd.to_datetime(sanctions["date"])
    assert (dates == start + pd.to_timedelta(sanctions["day"], "D")).all()
    summary = dated_run.summary
    assert (summary["start"], summary["end"]) == ("2019-10-01", "2021-01-31")


def test_by_year_adds_up_flows_and_takes_stocks_at_the_year_end(dated_run):
    summary, ts = dated_run.summary, dated_run.timeseries
    years = summary["by_year"]
    assert list(years) == ["2019", "2020", "2021"]
    assert [y["days"] for y in years.values()] == [92, 366, 31]
    assert sum(y["acts"] for y in years.values()) == summary["acts_total"]
    # Headline flows kept outside the time series are there too.
    for name in ("speech_suppressed", "ties_cut", "points_bought", "gaming_purchases"):
        assert sum(y[name] for y in years.values()) == pytest.approx(summary[name]), name
    whole = ts[ts["dimension"] == "all"]
    last_2020 = whole[pd.to_datetime(whole["date"]) == pd.Timestamp("2020-12-31")]
    assert years["2020"]["sanctioned"] == int(last_2020["sanctioned"].iloc[0])
    assert years["2021"]["sanctioned"] == summary["sanctioned"]
    assert np.isclose(years["2021"]["trust_index"], whole["trust_index"].iloc[-1])
