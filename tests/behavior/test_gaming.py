"""Gaming: cheaper services buy more points; the rich get more points per yuan; only adults who
know of the services and are near the target buy; off is zero."""

from __future__ import annotations

import numpy as np

from credsim import load_scenario
from credsim.runner import build_simulation

# Every adult below the target knows of the services, however far below: the most buyers.
EVERYONE = ["behavior.gaming.aware_share=1", "behavior.gaming.reach=1000"]


def test_points_bought_rise_as_the_price_falls(quick_summary):
    bought = {}
    for price in (150, 50, 5):
        summary = quick_summary(
            f"p{price}", f"behavior.gaming.services.card_swiping.price_yuan={price}", *EVERYONE
        )
        bought[price] = summary["points_bought"]
        assert summary["gaming_cost"] > 0
    assert 0 < bought[150] < bought[50] < bought[5]


def test_switched_off_buys_nothing(quick_summary):
    summary = quick_summary("off", "behavior.gaming.enabled=false")
    assert summary.get("points_bought", 0) == 0
    assert summary["acts_by_kind"].get("card_swiping", 0) == 0


def test_who_can_buy_a_better_score(quick_summary):
    summary = quick_summary("bands", *EVERYONE, days=200)
    bands = summary["gaming_by_income"]
    assert set(bands) == {"q1", "q2", "q3", "q4", "q5"}
    assert sum(b["yuan"] for b in bands.values()) == summary["gaming_cost"]
    # Every band below the target buys something, and every purchase is priced.
    assert all(b["purchases"] > 0 and b["yuan"] > 0 for b in bands.values())
    assert summary["gaming_caught"] > 0
    assert summary["gaming_penalty_points"] < 0


def test_only_adults_aware_of_the_services_and_near_the_target_want_points():
    scenario = load_scenario(
        "default",
        population=3_000,
        days=2,
        overrides=["but_for=false", "behavior.gaming.aware_share=1", "behavior.gaming.reach=50"],
    )
    sim = build_simulation(scenario)
    sim.initialise()
    gaming = sim.world.services["gaming"]
    age = sim.state["age"]
    adults = np.flatnonzero(age >= 30)[:4]
    child = np.flatnonzero(age < 18)[:1]
    who = np.concatenate([adults, child])
    score = sim.state[sim.world.scores["sesame"].column]
    score[who] = [640, 610, 599, 700, 640]  # near, near, too far, above; a child near
    assert gaming.wants(who).tolist() == [True, True, False, False, False]


def test_fewer_buy_when_fewer_know_of_the_services(quick_summary):
    some = quick_summary("some", "behavior.gaming.aware_share=0.1", "behavior.gaming.reach=1000")
    most = quick_summary("most", *EVERYONE)
    assert 0 < some["gaming_buyers"] < 0.25 * most["gaming_buyers"]
