"""Conformity (buying what the score rewards, when it pays) and help between strangers."""

from __future__ import annotations


def test_conformity_buys_only_when_it_pays(quick_summary):
    pays = quick_summary("pays")
    assert pays["conformity_purchases"] > 0 and pays["conformity_yuan"] > 0
    cheap = quick_summary("cheap", "behavior.conformity.yuan_per_point=1")
    assert cheap["conformity_purchases"] == 0
    off = quick_summary("off", "behavior.conformity.enabled=false")
    assert off.get("conformity_purchases", 0) == 0


def test_strangers_help_by_the_grade_they_see(quick_summary):
    graded = quick_summary("graded")
    assert graded["help_requests"] > 0
    assert 0 < graded["help_given"] < graded["help_requests"]
    unseen = quick_summary("unseen", "policies.rongcheng.opacity='nothing'")
    # With no grade in view strangers help at the base rate, 0.5.
    assert abs(unseen["trust_index"] - 0.5) < 0.02
    # Fewer people at grade A means less help: a harsher scheme lowers the trust index.
    harsh = quick_summary("harsh", "policies.rongcheng.points.jaywalking=-50")
    assert harsh["trust_index"] < graded["trust_index"]
    off = quick_summary("off", "behavior.strangers.enabled=false")
    assert off.get("help_requests", 0) == 0


def test_nobody_asks_an_empty_slot_for_help():
    """With births and deaths, slots not yet born (the reserve) or emptied by a death are nobody:
    no stranger asked is one, so help given and refused are between living citizens only."""
    import numpy as np

    from credsim.runner import build_simulation
    from credsim.scenario import load_scenario

    scenario = load_scenario(
        "default",
        population=6000,
        days=8,
        seed=2,
        overrides=[
            "but_for=false",
            "population.demography.enabled=true",
            "population.demography.reserve_share=0.2",  # many empty slots to draw
            "behavior.strangers.rate=0.2",
        ],
    )
    sim = build_simulation(scenario)
    sim.initialise()
    strangers = sim.world.services["strangers"]
    asked = 0
    for day in range(8):
        sim.step(day)
        helpers = strangers.helpers.astype(np.int64)
        assert sim.world.alive(helpers).all()
        asked += helpers.shape[0]
    assert asked > 1000
