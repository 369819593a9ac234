"""Baseline propensities by group: `by_trait` multiplies an act's rate for each label."""

from __future__ import annotations

import pytest

import credsim
from credsim.errors import ScenarioError, UserError


def test_rates_follow_the_group_multipliers(tmp_path):
    run = credsim.run(
        "default",
        out=tmp_path / "r",
        population=20_000,
        days=60,
        overrides=[
            "output.report=false",
            "behavior.citizens.acts.jaywalking.by_trait={ sex = { male = 2.0, female = 0.0 } }",
        ],
    )
    acts = run.events("acts")
    people = run.citizens[["citizen", "sex"]]
    walkers = acts[acts["kind"] == "jaywalking"].merge(people, left_on="actor", right_on="citizen")
    assert len(walkers) > 100
    assert set(walkers["sex"]) == {"male"}
    traffic = acts[acts["kind"] == "traffic_violation"].merge(
        people, left_on="actor", right_on="citizen"
    )
    by_sex = traffic["sex"].value_counts()
    assert by_sex["male"] > 2 * by_sex["female"]  # the default's 1.5 against 0.5


def test_an_unknown_trait_or_label_is_named():
    with pytest.raises((UserError, ScenarioError), match="no label 'men'"):
        credsim.run(
            "default",
            population=2_000,
            days=2,
            overrides=["behavior.citizens.acts.jaywalking.by_trait={ sex = { men = 2.0 } }"],
        )
