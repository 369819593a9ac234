"""Adversaries: crooked lenders list people who did nothing; appeals clear some of them;
insiders, brokers and breaches do what their parameters say."""

from __future__ import annotations

import credsim

LENDERS = ["adversaries.lenders.rate=1e-4", "behavior.citizens.acts.loan_application.rate=0.01"]


def test_lender_poisoning_sanctions_people_with_no_bad_act(tmp_path):
    sets = ["output.report=false", *LENDERS]
    on = credsim.run("default", out=tmp_path / "on", population=30_000, days=240, overrides=sets)
    off = credsim.run(
        "default",
        out=tmp_path / "off",
        population=30_000,
        days=240,
        overrides=[*sets, "output.events='none'", "adversaries.lenders.enabled=false"],
    )
    assert on.summary["lender_listings"] > 0
    assert on.summary["sanctioned_wrongful"] > off.summary["sanctioned_wrongful"]
    records = on.events("records")
    lenders = records[records["source"] == "lenders"]
    assert len(lenders) == on.summary["lender_listings"]
    assert lenders["true_actor"].isna().all() and lenders["act_id"].isna().all()  # no act
    # The people they named did nothing that the list is about.
    acts = on.events("acts")
    victims = set(lenders["attributed_to"])
    defaulters = set(acts[acts["kind"] == "loan_default"]["actor"])
    assert len(victims - defaulters) > 0.95 * len(victims)


def test_appeals_clear_some_of_the_lenders_victims(quick_summary):
    with_appeals = quick_summary("appeals", *LENDERS, population=30_000, days=240)
    without = quick_summary(
        "none", *LENDERS, "consequences.appeals.enabled=false", population=30_000, days=240
    )
    assert with_appeals["lender_listings"] == without["lender_listings"]
    assert with_appeals["appeals_won"] > 0
    assert with_appeals["sanctioned_wrongful"] < without["sanctioned_wrongful"]


def test_insiders_brokers_and_breaches(quick_summary):
    summary = quick_summary(
        "adv",
        "adversaries.insiders.rate=1e-5",
        "adversaries.breach.chance_per_year=1.0",
        "adversaries.brokers.share=0.05",
    )
    assert summary["insider_edits"] > 0
    assert summary["records_by_source"]["insiders"]["fabricated"] == summary["insider_edits"]
    assert summary["breaches"] > 0
    assert 0.1 * 20_000 < summary["breach_people_exposed"] <= 20_000
    assert summary["broker_records_sold"] > 0
    assert 0 < summary["broker_people_exposed"] <= summary["broker_records_sold"]
    fewer = quick_summary("fewer", "adversaries.brokers.share=0.01")
    assert fewer["broker_people_exposed"] < summary["broker_people_exposed"]
    off = quick_summary(
        "off", *(f"adversaries.{a}.enabled=false" for a in ("insiders", "breach", "brokers"))
    )
    assert off.get("insider_edits", 0) == 0 and off.get("breaches", 0) == 0
