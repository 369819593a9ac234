"""The life course: children do not borrow, appeal, buy points or stand on a court's or lenders'
list; a child refused a school place because a parent is listed is counted, and a parent appeals."""

from __future__ import annotations

import pytest

import credsim
from credsim.scenario.load import bundled_scenarios

ADULT_ONLY_ACTS = {
    "appeal", "loan_application", "loan_default", "card_arrears", "contract_breach",
    "card_swiping", "friend_renting", "id_pooling", "click_farming",
}  # fmt: skip
LISTS = {"court_blacklist", "lender_blacklist", "passenger_list"}


# Every bundled scenario but `reference`, the framework-neutral benchmark model, whose rules read
# no trait by design (so that Mesa and Starsim versions of it compute the same thing).
@pytest.mark.parametrize("name", sorted(set(bundled_scenarios()) - {"reference"}))
def test_no_minor_borrows_appeals_buys_points_or_is_listed(tmp_path, name):
    sets = ["output.events='all'", "output.citizens='all'", "output.report=false", "but_for=false"]
    run = credsim.run(name, out=tmp_path / name, population=4_000, days=60, seed=7,
                      overrides=sets)  # fmt: skip
    age = run.citizens.set_index("citizen")["age"]
    acts = run.events("acts")
    adult_acts = acts[acts["kind"].astype(str).isin(ADULT_ONLY_ACTS)]
    assert (age.reindex(adult_acts["actor"]).to_numpy() >= 18).all()
    sanctions = run.events("sanctions")
    listed = sanctions[(sanctions["action"].astype(str) == "listed")
                       & sanctions["consequence"].astype(str).isin(LISTS)]  # fmt: skip
    assert (age.reindex(listed["citizen"]).to_numpy() >= 18).all()


def test_a_child_refused_school_is_counted_and_a_parent_appeals(tmp_path):
    sets = [
        "output.events='all'",
        "output.report=false",
        "but_for=false",
        # Many refusals, and every told parent appeals, so that the path shows at small size.
        "behavior.citizens.acts.school_application.entry_ages={6 = 0.999, 12 = 0.999}",
        "behavior.citizens.appeals.share=1.0",
        "behavior.citizens.appeals.innocent_share=1.0",
        "behavior.citizens.appeals.mean_days=2",
    ]
    run = credsim.run("default", out=tmp_path / "r", population=20_000, days=60, seed=3,
                      overrides=sets)  # fmt: skip
    assert run.summary["children_refused_school"] > 0
    people = run.citizens.set_index("citizen")
    sanctions = run.events("sanctions")
    refused = sanctions[sanctions["action"].astype(str) == "refused"]
    children = refused[people.reindex(refused["citizen"])["age"].to_numpy() < 18]["citizen"]
    assert len(children) > 0
    households = set(people.loc[children.unique(), "household"])
    acts = run.events("acts")
    appeals = acts[acts["kind"].astype(str) == "appeal"]
    appellants = people.reindex(appeals["actor"])
    assert (appellants["age"] >= 18).all()
    assert appellants["household"].isin(households).any()  # a parent of a refused child
