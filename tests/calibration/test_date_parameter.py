"""A date fitted as a parameter: the day an agency joins joint punishment."""

from __future__ import annotations

import tomllib

import pandas as pd
from synthetic import SCENARIO

from credsim.calibration import calibrate, load_calibration, prepare_calibration
from credsim.experiments.ensemble import load_ensemble

TEXT = f"""
name = "debts-agency-date"
scenario = "{SCENARIO}"
set = ["consequences.court_blacklist.refuses=[]",
       "consequences.joint_punishment.plugin='joint_punishment'",
       "consequences.joint_punishment.agencies.banks.restricts=['loan_application']"]
seed = 2
replicates = 2
trials = 4
refine = 4
waves = 1
batch = 4
startup_trials = 4
published_scale = 100
tolerance = 10.0  # every point accepted: the ensemble replays them

[parameters.banks_from]
key = "consequences.joint_punishment.agencies.banks.acts_from"
low = 2018-01-10
high = 2018-02-20

[targets.listed]
metric = "listed_new"
kind = "cumulative"
start = 2018-01-01
end = 2018-03-01
published = 20000
source = "a round figure for the test"
"""


def test_a_date_parameter_is_run_shown_and_replayed_as_a_date(tmp_path, local_pool):
    prepared = prepare_calibration(load_calibration(tomllib.loads(TEXT)))
    result = calibrate(prepared, tmp_path / "cal", local_pool)
    trials = pd.read_parquet(tmp_path / "cal" / "trials.parquet")
    days = pd.to_datetime(trials["banks_from"])  # ISO dates, not day numbers
    assert days.between("2018-01-10", "2018-02-20").all() and days.nunique() > 1
    (entry,) = result.summary["parameters"]
    assert entry["low"] == "2018-01-10" and entry["high"] == "2018-02-20"
    assert pd.Timestamp(entry["best"]).year == 2018
    best = tomllib.loads((tmp_path / "cal" / "best.toml").read_text())
    agencies = best["consequences"]["joint_punishment"]["agencies"]
    assert str(agencies["banks"]["acts_from"]) == entry["best"]
    assert result.summary["accepted"] == len(trials)
    ensemble = load_ensemble(tmp_path / "cal")
    key = "consequences.joint_punishment.agencies.banks.acts_from"
    assert [s[key] for s in ensemble.settings] == list(trials.sort_values("trial")["banks_from"])


def test_the_search_can_start_from_the_scenarios_own_values(tmp_path, local_pool):
    from synthetic import calibration_text

    published = {"listed": 17000, "removed": 26000, "on_list": 13000}
    text = calibration_text(published, 1, trials=3, refine=1, waves=1)
    text = text.replace('sampler = "tpe"', 'sampler = "tpe"\nfirst_point = "scenario"', 1)
    prepared = prepare_calibration(load_calibration(tomllib.loads(text)))
    calibrate(prepared, tmp_path / "cal", local_pool)
    trials = pd.read_parquet(tmp_path / "cal" / "trials.parquet").set_index("trial")
    # debts.toml's own rate and repaid share, inside both ranges
    assert trials.loc[0, "default_rate"] == 4.0e-4
    assert trials.loc[0, "repaid_share"] == 0.45
    assert (trials.loc[1:, "default_rate"] != 4.0e-4).all()
