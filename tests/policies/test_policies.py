"""Scores: every point explained, grades by group, association through friends, each policy."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

import credsim
from credsim import ScenarioError
from credsim.cli import app

POLICIES = ("rongcheng", "sesame", "state", "financial")


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """All four policies, with recovery and a daily cap on Rongcheng's to exercise both."""
    sets = [
        "policies.rongcheng.recovery_days=60",
        "policies.rongcheng.max_change_per_day=25",
        "policies.sesame.network_cadence_days=20",
        "sources.courts.records.court_judgment.delay_days=10",
        "behavior.citizens.acts.loan_default.rate=2e-4",
        # The state categories are not in the default scenario; add them beside the others.
        "policies.state.plugin='state'",
        "policies.state.opacity='nothing'",
        "output.report=false",
    ]
    return credsim.run(
        "default",
        out=tmp_path_factory.mktemp("s") / "r",
        population=20_000,
        days=150,
        seed=4,
        overrides=sets,
    )


def test_base_plus_every_change_is_the_final_score_for_everyone(scored):
    citizens = scored.citizens.set_index("citizen")
    changes = scored.events("score_changes")
    for policy in POLICIES:
        mine = changes[changes["policy"].astype(str) == policy]
        total = mine.groupby("citizen")["delta"].sum().reindex(citizens.index, fill_value=0)
        base = citizens[f"base.{policy}"].astype(np.int64)
        final = citizens[f"score.{policy}"].astype(np.int64)
        assert (base + total == final).all(), policy
        assert final.between(*_bounds(scored, policy)).all()


def _bounds(results, policy):
    text = results.scenario_text()
    import tomllib

    p = tomllib.loads(text)["policies"][policy]
    return p["floor"], p["ceiling"]


def test_the_dossier_json_adds_up_from_outside(scored):
    """The first dossier comes from a fresh interpreter through the installed entry point; the
    others through the same command line in this process (the same code, without a start-up
    each)."""
    citizens = scored.citizens
    listed = citizens[citizens["listed"]]["citizen"].head(2).tolist()
    for n, (citizen, policy) in enumerate((c, p) for c in [*listed, 0] for p in POLICIES):
        args = ["dossier", str(scored.path), "--citizen", str(citizen), "--policy", policy]
        args += ["--truth", "--json"]
        if n == 0:
            cli = [sys.executable, "-c", "from credsim.cli import main; main()"]
            out = subprocess.run([*cli, *args], capture_output=True, text=True, check=True).stdout
        else:
            done = CliRunner().invoke(app, args)
            assert done.exit_code == 0, done.output
            out = done.output
        d = json.loads(out)
        assert {"citizen", "policy", "base", "final", "items"} <= set(d)
        assert d["base"] + sum(i["points"] for i in d["items"]) == d["final"]
        for item in d["items"]:
            assert {"day", "source", "kind", "points", "truth"} <= set(item)


def test_deductions_recover_and_daily_changes_are_capped(scored):
    changes = scored.events("score_changes")
    mine = changes[changes["policy"].astype(str) == "rongcheng"]
    recovery = mine[mine["rule"].astype(str) == "rongcheng:recovery"]
    assert len(recovery) > 0 and (recovery["delta"] > 0).all()
    first = mine[mine["rule"].astype(str) != "rongcheng:recovery"]
    original = first.set_index("record_id").loc[recovery["record_id"]]
    assert (recovery["day"].to_numpy() - original["day"].to_numpy() == 60).all()
    assert (recovery["delta"].to_numpy() == -original["delta"].to_numpy()).all()
    per_day = first.groupby(["citizen", "day"])["delta"].sum()
    assert per_day.min() >= -25


def test_grade_shares_sum_to_one_overall_and_by_group(scored):
    s = scored.summary
    for policy in POLICIES:
        assert sum(s["policies"][policy]["grade_shares"].values()) == pytest.approx(1.0)
    for trait, groups in s["by_group"].items():
        for label, row in groups.items():
            if (trait, label) in (("age_band", "0-14"), ("education", "child")):
                assert all(v is None for v in row["grade_shares"].values())  # no score
                continue
            assert sum(row["grade_shares"].values()) == pytest.approx(1.0), (trait, label)


def test_commercial_habits_move_sesame_and_not_the_financial_score(scored):
    changes = scored.events("score_changes")
    rule = changes["rule"].astype(str)
    assert (changes[rule == "sesame:purchase_diapers"]["delta"] > 0).all()
    assert (changes[rule == "sesame:late_night_browsing"]["delta"] < 0).all()
    assert (rule == "sesame:purchase_diapers").any()
    records = scored.events("records").set_index("record_id")
    financial = changes[
        (changes["policy"].astype(str) == "financial") & (changes["record_id"] >= 0)
    ]
    sources = set(records.loc[financial["record_id"], "source"].astype(str))
    assert sources <= {"finance", "courts"}


def test_state_categories_add_up_to_the_overall_score(scored):
    citizens = scored.citizens
    categories = [c for c in citizens.columns if c.startswith("score.state.")]
    assert len(categories) == 4
    total = citizens[categories].astype(np.int64).sum(axis=1)
    assert (total == citizens["score.state"]).all()


def test_friends_scores_move_only_with_a_network_weight(tmp_path):
    base = [
        "behavior.citizens.acts.loan_default.rate=5e-4",
        "sources.courts.records.court_judgment.delay_days=5",
        "policies.sesame.network_cadence_days=10",
        "output.report=false",
    ]
    off = credsim.run(
        "sesame",
        out=tmp_path / "off",
        population=20_000,
        days=60,
        overrides=[*base, "policies.sesame.network_weight=0"],
    )
    on = credsim.run(
        "sesame",
        out=tmp_path / "on",
        population=20_000,
        days=60,
        overrides=[*base, "policies.sesame.network_weight=0.5"],
    )
    off_rules = off.events("score_changes")["rule"].astype(str)
    assert not (off_rules == "sesame:network").any()
    assert off.summary["score_loss_by_association"] == 0
    assert on.summary["score_loss_by_association"] > 0
    changes = on.events("score_changes")
    own = set(changes[changes["record_id"] >= 0]["citizen"])
    losers = changes[(changes["rule"].astype(str) == "sesame:network") & (changes["delta"] < 0)]
    assert len(set(losers["citizen"]) - own) > 0


def test_opacity_is_declared_per_policy():
    from credsim.runner import build_simulation
    from credsim.scenario import load_scenario

    sim = build_simulation(load_scenario("default", population=100, days=1))
    sim.initialise()
    opacity = {name: info.opacity for name, info in sim.world.scores.items()}
    assert opacity == {
        "rongcheng": "grade",
        "sesame": "score",
        "financial": "itemised",
    }


@pytest.mark.parametrize(
    ("override", "needle"),
    [
        ("policies.rongcheng.grades={A=800, B=900}", "fall from best to worst"),
        ("policies.sesame.dimensions.connections.weight=0.9", "must not exceed 1"),
        ("policies.rongcheng.opacity='everything'", "itemised"),
        ("policies.financial.plugin='fico'", "financial"),
    ],
)
def test_bad_policy_parameters_are_clear(override, needle):
    with pytest.raises(ScenarioError, match=needle):
        credsim.load_scenario("default", overrides=[override])
