"""Scores that read lists (a court listing drops Sesame into the poor band, removal gives the points
back) and friends' means over friends who hold a score."""

from __future__ import annotations

import numpy as np
import pytest

import credsim
from credsim import ScenarioError
from credsim.errors import UserError

POOR_TOP = 549  # Sesame's poor band is 350-549 (facts)


@pytest.fixture(scope="module")
def listed(tmp_path_factory):
    """The score-to-sanction scenario, small, with court listings that lapse after 20 days."""
    return credsim.run(
        "score-to-sanction",
        out=tmp_path_factory.mktemp("l") / "r",
        population=20_000,
        days=120,
        seed=2,
        overrides=[
            "but_for=false",
            "output.report=false",
            "consequences.court_blacklist.expires_days=20",
            # Any points policy can read lists, not only Sesame.
            "policies.rongcheng.lists.court_blacklist={points=-100}",
            "metrics.speech.enabled=false",
        ],
    )


def _rows(results, rule):
    changes = results.events("score_changes")
    return changes[changes["rule"].astype(str) == rule]


def test_a_court_listing_drops_a_sesame_score_to_350_as_the_students(listed):
    drops = _rows(listed, "sesame:listed.court_blacklist")
    assert len(drops) > 10
    assert (drops["delta"] < 0).all()
    assert (drops["score"] == 350).all()
    # The drop comes the day after the listing, and names the record the listing rests on.
    sanctions = listed.events("sanctions")
    listings = sanctions[
        (sanctions["action"].astype(str) == "listed")
        & (sanctions["consequence"].astype(str) == "court_blacklist")
    ]
    by_citizen = listings.groupby("citizen")
    for row in drops.head(20).itertuples(index=False):
        mine = by_citizen.get_group(row.citizen)
        assert ((mine["day"] == row.day - 1) & (mine["record_id"] == row.record_id)).any()


def test_removal_from_the_list_gives_back_exactly_the_points_taken(listed):
    drops = _rows(listed, "sesame:listed.court_blacklist").set_index("citizen")
    backs = _rows(listed, "sesame:delisted.court_blacklist")
    assert len(backs) > 5
    for row in backs.itertuples(index=False):
        taken = drops.loc[[row.citizen]]
        taken = taken[taken["day"] < row.day].iloc[-1]
        assert row.delta == -taken["delta"]
    # Nobody off the list holds points back in the policy's column.
    citizens = listed.citizens.set_index("citizen")
    held = citizens["list_points.sesame.court_blacklist"]
    assert (held[citizens["listed_since.court_blacklist"].isna()] == 0).all()  # null: not listed


def test_the_dossier_names_the_list_behind_a_drop(listed):
    from credsim.results.statement import statement

    backs = _rows(listed, "sesame:delisted.court_blacklist")
    citizen = int(backs["citizen"].iloc[0])
    items = statement(listed, citizen, "sesame")["items"]
    kinds = [i["kind"] for i in items]
    assert "listed on court_blacklist (court_judgment)" in kinds
    assert "delisted on court_blacklist (court_judgment)" in kinds


def test_to_grade_drops_a_score_to_the_top_of_the_band_at_most(tmp_path):
    # Sesame here does not price the judgment itself, so only the listing moves the score.
    results = credsim.run(
        "score-to-sanction",
        out=tmp_path / "r",
        population=20_000,
        days=40,
        seed=2,
        overrides=[
            "but_for=false",
            "output.report=false",
            "policies.sesame.lists.court_blacklist={to_grade='poor'}",
            "policies.sesame.dimensions.credit_history.points={loan_default=-60}",
            "metrics.speech.enabled=false",
        ],
    )
    drops = _rows(results, "sesame:listed.court_blacklist")
    assert len(drops) > 5
    assert (drops["score"] == POOR_TOP).all()
    assert (drops["delta"] < 0).all()


def test_points_still_add_up_with_listings(listed):
    citizens = listed.citizens.set_index("citizen")
    changes = listed.events("score_changes")
    for policy in ("sesame", "rongcheng"):
        mine = changes[changes["policy"].astype(str) == policy]
        total = mine.groupby("citizen")["delta"].sum().reindex(citizens.index, fill_value=0)
        base = citizens[f"base.{policy}"].astype(np.int64)
        assert (base + total == citizens[f"score.{policy}"]).all(), policy
    rules = set(changes["rule"].astype(str))
    assert {"sesame:listed.lender_blacklist", "sesame:network"} <= rules
    assert {"rongcheng:listed.court_blacklist", "rongcheng:delisted.court_blacklist"} <= rules
    drops = _rows(listed, "rongcheng:listed.court_blacklist")
    assert (drops["delta"] == -100).all()


def test_lists_a_policy_reads_must_exist_and_grades_must_be_its_own():
    with pytest.raises(UserError, match=r"court_blacklst.*did you mean 'court_blacklist'"):
        credsim.run(
            "default",
            population=300,
            days=2,
            overrides=["policies.sesame.lists.court_blacklst={points=-50}", "but_for=false"],
        )
    with pytest.raises(UserError, match="'D' is not a grade of sesame"):
        credsim.run(
            "default",
            population=300,
            days=2,
            overrides=["policies.sesame.lists.court_blacklist={to_grade='D'}", "but_for=false"],
        )
    with pytest.raises(ScenarioError, match="points"):
        credsim.load_scenario("default", overrides=["policies.sesame.lists.court_blacklist={}"])


def test_friends_means_count_only_friends_who_hold_a_score():
    from credsim.runner import build_simulation

    scenario = credsim.load_scenario(
        "default", population=3_000, days=1, overrides=["but_for=false"]
    )
    sim = build_simulation(scenario)
    sim.initialise()
    sesame = next(p for p in sim.policies if p.name == "sesame")
    age = sim.world.state["age"]
    assert (age < 18).any(), "the population needs children for this test"
    # Give children an extreme score: a mean that counted them would show it.
    sesame.scores[age < 18] = 350
    mean, count = sesame.friends_mean()
    graph = sim.world.graph
    checked = 0
    for citizen in range(0, 3_000, 7):
        friends = graph.neighbours(citizen, "friends")
        adults = friends[age[friends] >= 18]
        assert count[citizen] == adults.shape[0]
        if adults.shape[0]:
            expected = sesame.scores[adults].astype(np.float64).mean()
            assert mean[citizen] == pytest.approx(expected)
            checked += int(adults.shape[0] < friends.shape[0])
        else:
            assert np.isnan(mean[citizen])
    assert checked > 10  # citizens with both adult and child friends were compared
    # The reference the term measures against is the adults' mean starting score.
    base = sesame.base_scores(sim.world, np.arange(3_000))
    assert sesame.reference() == pytest.approx(base[age >= 18].mean())
