"""Gaming and identity mechanisms (issue 21): the SIM-transfer ban enforced and deterring resale,
card swiping priced per point, rented friends as real ties, pooled relatives' IDs, Sesame's
rewards for app use and recruits, and three credit bureaus with their own files. Switched on with
nothing to act on they change no figure and count nothing; switched on they count."""

from __future__ import annotations

import numpy as np
import pytest

import credsim
from credsim.population.ties import CutTies

SIZE = {"population": 6_000, "days": 90, "seed": 4}
QUIET = [
    "but_for=false",
    "output.events='none'",
    "output.report=false",
    "output.citizens='none'",
]
NOTHING_TO_ACT_ON = [
    "behavior.gaming.aware_share=0",
    "behavior.citizens.acts.sim_resale.rate=0",
    "behavior.citizens.acts.identity_theft.rate=0",
]
MECHANISMS = """
[sources.identity]
transfer_detection = 0.5
transfer_detection_mean_days = 10
pooling = { days = 365 }

[consequences.sim_ban]
plugin = "blacklist"
judgment = "sim_transfer"
payment = ""
listing_delay_days = 0
warn = false
expires_days = 1825
refuses = []

[behavior.gaming]
rented_ties = { min_score = 700, days = 365, friends = 5 }
services.id_pooling = { act = "id_pooling", price_yuan = 20, demand = 0.01 }
[behavior.gaming.services.card_swiping]
act = "card_swiping"
price_yuan = 0
price_yuan_per_point = 10
points_expected = 3
demand = 0.002

[policies.sesame.dimensions.behaviour_and_preferences.points]
purchase_diapers = 2
purchase_curtains = 2
purchase_video_games = -2
late_night_browsing = -1
platform_activity = 2
payment_activity = 0.5
[policies.sesame.dimensions.connections]
points = { high_score_contact = 20, friend_joined = 20 }

[metrics.rewards]
plugin = "rewards"

[metrics.bureaus]
plugin = "bureaus"
""" + "".join(
    f"""
[sources.bureau_{b}]
plugin = "recorder"
{{off}}
records.credit_file_default = {{ act = "loan_default", share = {share} }}
records.credit_file_arrears.act = "card_arrears"
records.credit_file_arrears.share = {share}
records.credit_file_arrears.misattribution_rate = {err}
records.credit_file_paid = {{ act = "debt_repaid", share = {share} }}
[policies.bureau_{b}]
plugin = "financial"
min_age = 18
sources = ["bureau_{b}"]
dimensions.payment_history.points.credit_file_default = -50
dimensions.payment_history.points.credit_file_arrears = -15
dimensions.payment_history.points.credit_file_paid = 20
dimensions.amounts_owed.points = {{ credit_file_default = -20, credit_file_paid = 20 }}
"""
    for b, share, err in (("a", 0.9, 0.001), ("b", 0.75, 0.01), ("c", 0.6, 0.02))
)
PAYMENTS = """
[behavior.citizens]
acts.alipay_payment = { rate = 0.02, by_trait = { income = { q1 = 0.25, q4 = 1.5, q5 = 2.0 } } }
acts.recruit_friend = { rate = 1.0e-3 }

[sources.alipay]
plugin = "recorder"
records.payment_activity = { act = "alipay_payment", identify = "account" }
records.friend_joined = { act = "recruit_friend", identify = "account" }
"""
NEW = ("sim_transfers", "pooled", "friend_renting", "gaming_per_point", "reward", "bureau",
       "sim_ban")  # fmt: skip
"""Prefixes of the figures the mechanisms add (the bureau policies' entries too, and the SIM
ban list's own listings and removals: `listed_new.sim_ban`)."""


def _scenario(tmp_path, name: str, text: str):
    path = tmp_path / f"{name}.toml"
    path.write_text(f'base = "default"\nname = "{name}"\n{text}')
    return path


def _without_new(value):
    if isinstance(value, dict):
        # A policy's figures name it after a dot (`scored.bureau_a`, `grade_share.bureau_a.good`).
        return {
            k: _without_new(v)
            for k, v in value.items()
            if not any(part.startswith(NEW) for part in k.split("."))
        }
    return value


def test_on_with_nothing_to_act_on_they_change_no_figure_and_count_nothing(tmp_path):
    quiet = [*QUIET, *NOTHING_TO_ACT_ON]
    absent = credsim.run("default", out=tmp_path / "absent", overrides=quiet, **SIZE).summary
    text = MECHANISMS.replace("{off}", "enabled = false")
    idle = credsim.run(_scenario(tmp_path, "idle", text), out=tmp_path / "idle", overrides=quiet,
                       **SIZE).summary  # fmt: skip
    counts = ["sim_transfers_recorded", "sim_transfers_recorded_wrongly", "pooled_ids",
              "pooled_relatives_exposed", "pooled_records_on_relatives", "friend_renting_ties",
              "friend_renting_points", "friend_renting_yuan", "reward_points", "reward_records",
              "bureau_spread_mean", "bureau_decisions_split",
              "bureau_applications_split"]  # fmt: skip
    assert {k: idle[k] for k in counts} == dict.fromkeys(counts, 0)
    card = idle["gaming_per_point"]["card_swiping"]
    assert (card["buyers"], card["points"], card["yuan"]) == (0, 0, 0)
    assert idle.pop("scenario") == "idle" and absent.pop("scenario") == "default"
    assert _without_new(idle) == _without_new(absent)


@pytest.fixture(scope="module")
def on_runs(tmp_path_factory):
    """Every mechanism on and at work (8,000 citizens, 90 days, with the counterfactual); and
    the same without the deterrence family of SIM resale (no counterfactual)."""
    tmp = tmp_path_factory.mktemp("gaming-identity")
    sets = [
        "output.events='none'",
        "output.report=false",
        "output.citizens='none'",
        "behavior.gaming.aware_share=1",
        "behavior.gaming.reach=1000",
        "behavior.citizens.acts.sim_resale.rate=5e-3",
        "behavior.citizens.acts.identity_theft.rate=2e-4",
        "sources.identity.impostor_pass_rate=0.1",
        "behavior.deterrence.max_effect=1",
    ]
    size = {"population": 8_000, "days": 90, "seed": 4}
    # Sesame's friends' term moves every 10 days, so rented friends count within the run.
    text = MECHANISMS.replace("{off}", "") + PAYMENTS
    text += "\n[policies.sesame]\nnetwork_cadence_days = 10\n"
    deterred = text + '\n[behavior.deterrence]\nfamilies.telecom = ["sim_resale"]\n'
    deterred += 'hear_families = ["telecom"]\nhear_friends = 0.1\n'
    on = credsim.run(_scenario(tmp, "on", deterred), out=tmp / "on", overrides=sets, **size)
    plain = credsim.run(
        _scenario(tmp, "plain", text), out=tmp / "plain", overrides=[*sets, "but_for=false"], **size
    )
    return on.summary, plain.summary


def test_the_sim_ban_records_transfers_and_deters_resale(on_runs):
    on, plain = on_runs
    assert on["sim_transfers_recorded"] > 0
    # The carrier cannot tell a sale from a theft: impostors' victims are recorded too.
    assert on["sim_transfers_recorded_wrongly"] > 0
    income = on["sim_transfers_by_group"]["income"]
    assert sum(row["recorded"] for row in income.values()) == on["sim_transfers_recorded"]
    # A caught seller is listed and told; they and those who hear of it resell less.
    assert on["acts_by_kind"]["sim_resale"] < plain["acts_by_kind"]["sim_resale"]


def test_card_swiping_is_paid_per_point_gained(on_runs):
    card = on_runs[0]["gaming_per_point"]["card_swiping"]
    assert card["points"] > 0 and card["buyers"] > 0
    assert card["yuan"] == pytest.approx(10 * card["points"])
    # Nothing is paid up front: the service's takings are the points' price.
    assert on_runs[0]["gaming_by_service"]["card_swiping"]["yuan"] == pytest.approx(card["yuan"])
    bands = card["by_group"]["income"]
    assert sum(b["yuan"] for b in bands.values()) == pytest.approx(card["yuan"])
    assert sum(b["buyers"] for b in bands.values()) == card["buyers"]


def test_rented_friends_raise_the_friends_term(on_runs):
    on = on_runs[0]
    assert on["friend_renting_ties"] > 0
    assert on["friend_renting_points"] > 0
    assert on["friend_renting_yuan"] > 0
    assert on["friend_renting_yuan_per_point"] > 0
    # The renters' low scores pull their rented friends' terms down.
    assert on["friend_renting_points_to_friends"] <= 0


def test_pooled_ids_put_the_users_records_on_relatives(on_runs):
    on = on_runs[0]
    assert on["pooled_ids"] > 0
    assert on["pooled_relatives_exposed"] > 0
    assert on["pooled_records_on_relatives"] > 0
    assert sum(on["pooled_records_by_kind"].values()) == on["pooled_records_on_relatives"]
    kin = on["pooled_by_group"]["income"]
    assert sum(row["exposed"] for row in kin.values()) == on["pooled_relatives_exposed"]
    # Records with a true actor who is someone else: counted as misattributed, and the but-for
    # counterfactual (which makes none of them) was computed beside the run.
    assert on["records_misattributed"] >= on["pooled_records_on_relatives"]
    assert on["but_for"] is True and on["sanctioned_wrongful"] is not None


def test_sesame_rewards_app_use_more_for_the_better_off(on_runs):
    on = on_runs[0]
    assert on["reward_points_by_record"]["payment_activity"]["points"] > 0
    assert on["reward_points_by_record"]["friend_joined"]["points"] > 0
    income = on["reward_by_group"]["income"]
    assert income["q5"]["points_per_1000_people"] > 2 * income["q1"]["points_per_1000_people"]


def test_three_bureaus_disagree(on_runs):
    on = on_runs[0]
    assert on["bureau_spread_mean"] > 0
    assert on["bureau_decisions_split"] > 0
    assert 0 < on["bureau_decisions_split_share"] < 1
    assert on["bureau_applications"] > 0
    assert set(on["bureau_by_group"]["income"]) == {"q1", "q2", "q3", "q4", "q5"}


def test_an_added_tie_enters_the_friends_mean_until_it_ends():
    ties = CutTies(6)
    values = np.array([10.0, 20.0, 30.0, 40.0, 50.0, 60.0])
    mean, count = np.array([20.0, 10.0, np.nan, 0, 0, 0]), np.array([1, 1, 0, 0, 0, 0])
    ties.add_ties(np.array([0]), np.array([5]), until=3)
    out, n = ties.corrected_mean(mean, count, values)
    assert (out[0], n[0]) == (40.0, 2)  # (20 + 60) / 2
    assert (out[5], n[5]) == (10.0, 1)  # the rented friend counts the renter
    ties.add(np.array([0]), np.array([1]))  # a real tie cut meanwhile
    out, n = ties.corrected_mean(mean, count, values)
    assert (out[0], n[0]) == (60.0, 1)
    assert ties.end_ties(4) == 1
    out, n = ties.corrected_mean(mean, count, values)
    assert n[0] == 0 and np.isnan(out[0])
    assert len(ties) == 1  # added ties are not cut ties


def test_the_report_has_a_section_for_each_mechanism(on_runs):
    from types import SimpleNamespace

    from credsim.report.sections_gaming_identity import GAMING_IDENTITY_SECTIONS

    run = SimpleNamespace(summary=on_runs[0])
    for section in GAMING_IDENTITY_SECTIONS:
        assert section.applies(run), section.id
        text = " ".join(b for b in section.render(run) if isinstance(b, str))
        assert "<p>" in text and "<table" in text, section.id
    assert not any(s.applies(SimpleNamespace(summary={})) for s in GAMING_IDENTITY_SECTIONS)
