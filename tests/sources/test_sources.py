"""What the system sees: error rates as set, perfect data when errors are off, group differences."""

from __future__ import annotations

import numpy as np
import pytest

import credsim

CAMERA_GROUP_MULTIPLIER = 10.0


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    # The default year at its full size; these tests read records, not the report or but-for.
    return credsim.run(
        "default",
        out=tmp_path_factory.mktemp("d") / "r",
        overrides=["output.report=false", "but_for=false"],
    )


@pytest.fixture(scope="module")
def perfect_run(tmp_path_factory):
    return credsim.run(
        "default",
        out=tmp_path_factory.mktemp("p") / "r",
        population=50_000,
        # Adversaries forge records on purpose; perfect data switches them off too.
        overrides=[
            "output.report=false",
            "but_for=false",
            "sources.errors=false",
            "adversaries.lenders.enabled=false",
            "adversaries.insiders.enabled=false",
        ],
    )


def test_default_scenario_has_misattributed_and_fabricated_records(default_run):
    s = default_run.summary
    assert s["records_misattributed"] > 0 and s["records_fabricated"] > 0
    assert s["records_by_source"]["cameras"]["misattributed"] > 0
    assert s["internet_access_denied"] > 0
    assert s["numbers_in_others_names_found"] > 0


def test_with_errors_off_every_record_names_its_true_actor(perfect_run):
    s = perfect_run.summary
    assert s["records_misattributed"] == 0 and s["records_fabricated"] == 0
    assert s["internet_access_denied"] == 0 and s["numbers_registered_by_impostors"] == 0
    records = perfect_run.events("records")
    assert len(records) > 100_000
    assert (records["attributed_to"] == records["true_actor"]).all()
    assert "errors = false" in perfect_run.scenario_text()


def test_cameras_misidentify_groups_with_higher_multipliers_more_often(default_run):
    records = default_run.events("records")
    cams = records[records["source"].astype(str) == "cameras"]
    cams = cams[cams["true_actor"] >= 0]
    citizens = default_run.citizens.set_index("citizen")
    group = citizens.loc[cams["true_actor"], "synthetic_group"].astype(str).to_numpy()
    wrong = (cams["attributed_to"] != cams["true_actor"]).to_numpy()
    rate = {g: wrong[group == g].mean() for g in ("g0", "g1")}
    assert rate["g1"] > 3 * rate["g0"] > 0
    # A false match names someone of the same sex, age band and group.
    victims = cams[wrong]
    for trait in ("sex", "age_band", "synthetic_group"):
        a = citizens.loc[victims["true_actor"], trait].astype(str).to_numpy()
        b = citizens.loc[victims["attributed_to"], trait].astype(str).to_numpy()
        assert (a == b).all(), trait


def _within(observed: int, trials: int, p: float, sigmas: float = 4.0) -> bool:
    return abs(observed - trials * p) <= sigmas * np.sqrt(trials * p * (1 - p)) + 1


def test_measured_error_rates_match_the_parameters(tmp_path):
    sets = [
        "behavior.citizens.acts.card_arrears.rate=0.01",
        "sources.finance.records.card_arrears.misattribution_rate=0.05",
        "sources.finance.records.card_arrears.miss_rate=0.2",
        "sources.finance.records.card_arrears.delay_days=0",
        "sources.finance.records.card_arrears.coverage={}",
        "sources.online.records.post_flagged.detail_shares=[0.05, 0.6]",
        "behavior.citizens.acts.post.detail_share=0.3",
        "sources.identity.registered_share=1.0",
        "behavior.citizens.acts.identity_theft.rate=0",
        "behavior.citizens.acts.sim_resale.rate=0",
        "output.report=false",
    ]
    run = credsim.run("default", out=tmp_path / "r", population=30_000, days=60, overrides=sets)
    acts, records = run.events("acts"), run.events("records")
    arrears = acts[acts["kind"].astype(str) == "card_arrears"]
    recorded = records[records["kind"].astype(str) == "card_arrears"]
    assert _within(len(recorded), len(arrears), 0.8)
    wrong = int((recorded["attributed_to"] != recorded["true_actor"]).sum())
    assert _within(wrong, len(recorded), 0.05)
    posts = acts[acts["kind"].astype(str) == "post"]
    flagged = records[records["kind"].astype(str) == "post_flagged"]
    # Every adult holds a real-name number here, so every post can be attributed.
    for detail, p in ((0, 0.05), (1, 0.6)):
        trials = int((posts["detail"] == detail).sum())
        hits = int((flagged["true_detail"] == detail).sum())
        assert _within(hits, trials, p), (detail, hits, trials)
    # The record says only that a post was flagged; whether it really was sensitive is truth.
    assert (flagged["detail"] == 0).all()


def test_identity_refuses_more_legitimate_people_in_groups_with_higher_fnmr(default_run):
    # Failed tries: people finally refused after retrying are too few at this size to compare.
    by = default_run.summary["registration_attempts_failed_by_group"]["group"]
    sizes = {g: row["citizens"] for g, row in default_run.summary["by_group"]["group"].items()}
    assert by["g1"] / sizes["g1"] > 1.3 * by["g0"] / sizes["g0"]


def test_retries_leave_fewer_people_denied_than_single_tries_fail(tmp_path):
    def identity(name, *sets):
        run = credsim.run(
            "default",
            out=tmp_path / name,
            population=20_000,
            days=90,
            overrides=[
                "output.events='none'",
                "output.report=false",
                "output.citizens='none'",
                "but_for=false",
                "sources.identity.false_non_match_rate=0.2",
                *sets,
            ],
        )
        return run.summary["internet_access_denied"], run.summary["registration_attempts_failed"]

    once = identity("once", "sources.identity.max_attempts=1")
    retried = identity("retried")
    never_back = identity("never_back", "sources.identity.retry_share=0")
    # One try each: every failure is final.
    assert once[0] == once[1] > 0
    assert never_back == once
    # The same first tries fail; retries add failed tries and leave fewer people denied.
    assert retried[0] < 0.5 * once[0]
    assert retried[1] > once[1]


def test_posts_on_numbers_in_others_names_are_attributed_to_the_named_holder(tmp_path):
    sets = [
        "behavior.citizens.acts.sim_resale.rate=0.002",
        "sources.identity.check_share=0",
        "output.report=false",
    ]
    run = credsim.run("default", out=tmp_path / "r", population=20_000, days=60, overrides=sets)
    records = run.events("records")
    flagged = records[records["kind"].astype(str) == "post_flagged"]
    wrong = flagged[flagged["attributed_to"] != flagged["true_actor"]]
    assert len(wrong) > 0
    assert run.summary["numbers_in_others_names_active"] > 0
