"""Due process and perks: warnings, notification, consent, appeals, grade lists, redlists."""

from __future__ import annotations

import numpy as np
import pytest

import credsim

NO_REPORT = "output.report=false"
"""These tests read the summary, citizens and events; the report has tests of its own."""
WRONG = [
    "sources.courts.records.court_judgment.misattribution_rate=0.1",
    "sources.courts.records.court_judgment.delay_days=5",
    "sources.courts.records.court_judgment.delay_extra_mean=0",
]


def test_appeals_shorten_wrongful_sanctions(tmp_path):
    runs = {
        on: credsim.run(
            "default",
            out=tmp_path / str(on),
            population=40_000,
            days=300,
            seed=2,
            overrides=[
                *WRONG,
                "output.events='none'",
                "output.report=false",
                f"consequences.appeals.enabled={str(on).lower()}",
            ],
        )
        for on in (True, False)
    }
    with_appeals, without = runs[True].summary, runs[False].summary
    assert with_appeals["appeals_filed"] > 0 and with_appeals["appeals_won"] > 0
    assert "appeals_filed" not in without or without["appeals_filed"] == 0
    assert with_appeals["wrongful_sanction_days"] < without["wrongful_sanction_days"]
    # Upheld appeals mostly come from people who owed nothing, as the courts source says.
    assert with_appeals["appeals_won_owing_nothing"] > with_appeals["appeals_won_owing"]
    assert with_appeals["days_to_correction_mean"] >= 60


def test_the_dossier_shows_warning_listing_agencies_and_removal(tmp_path):
    sets = [*WRONG, "behavior.citizens.repayment={share = 0.9, mean_days = 60}", NO_REPORT]
    run = credsim.run("default", out=tmp_path / "r", population=30_000, days=200, overrides=sets)
    sanctions = run.events("sanctions")
    delisted = sanctions[sanctions["action"].astype(str) == "delisted"]["citizen"]
    refused = set(sanctions[sanctions["action"].astype(str) == "refused"]["citizen"])
    who = (
        next(int(c) for c in delisted if int(c) in refused)
        if refused & set(delisted)
        else int(delisted.iloc[0])
    )
    story = run.statement(who)["sanctions"]
    actions = [e["action"] for e in story]
    assert "warned" in actions and "listed" in actions and "delisted" in actions
    assert actions.index("warned") < actions.index("listed") < actions.index("delisted")
    assert {e["by"] for e in story} >= {"court_blacklist"}


def test_citizens_who_do_not_consent_are_not_scored(tmp_path):
    run = credsim.run(
        "default",
        out=tmp_path / "r",
        population=40_000,
        days=90,
        overrides=["policies.rongcheng.consent_share=0.5", NO_REPORT],
    )
    changes = run.events("score_changes")
    mine = changes[(changes["policy"].astype(str) == "rongcheng") & (changes["record_id"] >= 0)]
    records = run.events("records")
    priced = records[records["kind"].astype(str).isin(["traffic_violation", "jaywalking"])]
    scored = priced["record_id"].isin(mine["record_id"])
    assert len(priced) > 1000
    assert 0.45 < scored.mean() < 0.55
    # Consent is per citizen: a citizen's records are all scored or none are.
    per_citizen = scored.groupby(priced["attributed_to"]).mean()
    assert per_citizen.isin([0.0, 1.0]).all()


def test_unnotified_citizens_do_not_change_their_travel(tmp_path):
    common = ["behavior.citizens.acts.train_attempt.listed_factor=0.0", "but_for=false", NO_REPORT]
    told = credsim.run("default", out=tmp_path / "t", population=30_000, days=120, overrides=common)
    untold = credsim.run(
        "default",
        out=tmp_path / "u",
        population=30_000,
        days=120,
        overrides=[*common, "consequences.court_blacklist.notify=false"],
    )
    assert told.summary["blocked_trains"] == 0
    assert untold.summary["blocked_trains"] > 0


def test_a_grade_list_lists_and_removes_by_grade(tmp_path):
    sets = [
        "consequences.grade_list.enabled=true",
        'consequences.grade_list.grades=["B"]',
        'consequences.joint_punishment.lists=["court_blacklist", "grade_list"]',
        "but_for=false",
        NO_REPORT,
    ]
    run = credsim.run("default", out=tmp_path / "g", population=20_000, days=150, overrides=sets)
    citizens = run.citizens
    on_grade_list = citizens["listed_since.grade_list"] >= 0
    assert on_grade_list.sum() > 0
    assert (citizens.loc[on_grade_list, "grade.rongcheng"].astype(str) == "B").all()
    assert run.summary["sanctioned"] == int(citizens["listed"].sum())


def test_perks_count_the_people_above_each_threshold(tmp_path):
    run = credsim.run(
        "default", out=tmp_path / "p", population=20_000, days=30, overrides=[NO_REPORT]
    )
    perks, citizens = run.summary["perks"], run.citizens
    adults = citizens[citizens["age"] >= 18]  # perks, like Sesame scores, are adults'
    for name, threshold in (("bike_deposit_free", 600), ("visa_paperwork", 750)):
        assert perks[name]["people"] == int((adults["score.sesame"] >= threshold).sum())
    assert perks["bike_deposit_free"]["by_group"]["age_band"]["0-14"]["people"] == 0
    by_income = perks["housing_deposit_free"]["by_group"]["income"]
    assert by_income["q5"]["people"] > by_income["q1"]["people"]
    assert perks["bike_deposit_free"]["yuan"] == pytest.approx(
        perks["bike_deposit_free"]["people"] * 299 * 0.3, rel=1e-6, abs=1
    )
    assert np.isfinite(perks["heating_discount"]["people"])
