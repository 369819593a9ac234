"""The warm-up: derived from a scenario's invented history and delays (or set), left out of
every flow after it, and none for a run that starts from an empty list."""

from __future__ import annotations

import numpy as np

from credsim.report.run import RunData
from credsim.scenario import load_scenario
from credsim.scenario.warmup import warmup_days


def _resolved(name: str, *sets: str) -> dict:
    return load_scenario(name, overrides=list(sets)).to_dict()


def test_the_default_scenario_leaves_out_its_history_arriving():
    warmup = warmup_days(_resolved("default"))
    # Day 0 brings ten years of debts; the court lists them 30 days on, banks act 30 days later.
    assert warmup["days"] == 30 + 30 + 1 and warmup["set_by"] == "derived"
    assert "10 years" in warmup["reason"]
    longer = warmup_days(_resolved("default", "consequences.court_blacklist.listing_delay_days=90"))
    assert longer["days"] == 90 + 30 + 1


def test_a_run_from_an_empty_list_needs_no_warm_up_and_a_scenario_can_set_one():
    assert warmup_days(_resolved("rollout"))["days"] == 0
    assert warmup_days(_resolved("default", "behavior.citizens.history_days=0"))["days"] == 0
    set_ = warmup_days(_resolved("default", "warmup_days=10"))
    assert set_ == {"days": 10, "set_by": "scenario", "reason": "set in the scenario (warmup_days)"}
    assert "warmup_days" not in _resolved("default")  # not set: derived, and not written


def test_national_reads_april_2018_to_march_2019_of_the_roll_out():
    """national is the roll-out (from an empty list in October 2013, no invented
    history) whose warm-up ends on 1 April 2018, so every yearly figure reads the 365 days up
    to 31 March 2019, the date of the published stock."""
    from datetime import date, timedelta

    window = load_scenario("national")
    resolved = window.to_dict()
    model = window.model
    first = date.fromisoformat(str(resolved["start"]))
    assert first == date(2013, 10, 1) and resolved["behavior"]["citizens"]["history_days"] == 0
    warmup = warmup_days(resolved)["days"]
    assert first + timedelta(days=warmup) == date(2018, 4, 1)
    assert first + timedelta(days=model.days - 1) == date(2019, 3, 31)
    assert model.days - warmup == 365
    metrics = resolved["metrics"]
    assert metrics["calibration"].get("enabled", True) and "plausibility" in metrics


def test_flows_split_at_the_warm_up_and_add_up_to_the_run(outputs_run):
    summary, ts = outputs_run.summary, outputs_run.timeseries
    warmup, after = summary["warmup"], summary["after_warmup"]
    assert warmup["days"] == after["first_day"] == 61 and after["days"] == 90 - 61
    for key in ("listed_total", "blocked_flights", "records_misattributed", "refused_wrongful"):
        assert warmup["during"][key] + after[key] == summary[key], key
    everyone = ts[ts["dimension"] == "all"]
    later = everyone[everyone["day"] >= 61]
    assert after["listed_total"] == later["listed_new"].sum()
    assert after["wrongful_sanction_days"] == later["sanctioned_wrongful"].sum()
    by_sex = after["by_group"]["sex"]
    assert sum(g["listed_total"] for g in by_sex.values()) == after["listed_total"]
    # The history arrives in the warm-up: most of the run's listings fall in it.
    assert warmup["during"]["listed_total"] > after["listed_total"]


def test_the_report_draws_curves_from_the_first_day_after_the_warm_up(outputs_run):
    run = RunData(outputs_run.path)
    assert run.warmup_days == 61
    assert run.timeseries["day"].min() == 61 and run.timeseries_all["day"].min() == 0
    assert np.array_equal(run.timeseries["day"], np.arange(61, 90))
    assert "Days 0–60 (the warm-up) are left out." in run.warmup_caption()
