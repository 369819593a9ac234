"""Gaming: cheaper services buy more points; the rich get more points per yuan; off is zero."""

from __future__ import annotations


def test_points_bought_rise_as_the_price_falls(quick_summary):
    bought = {}
    for price in (150, 50, 5):
        summary = quick_summary(
            f"p{price}", f"behavior.gaming.services.card_swiping.price_yuan={price}"
        )
        bought[price] = summary["points_bought"]
        assert summary["gaming_cost"] > 0
    assert 0 < bought[150] < bought[50] < bought[5]


def test_switched_off_buys_nothing(quick_summary):
    summary = quick_summary("off", "behavior.gaming.enabled=false")
    assert summary.get("points_bought", 0) == 0
    assert summary["acts_by_kind"].get("card_swiping", 0) == 0


def test_who_can_buy_a_better_score(quick_summary):
    summary = quick_summary("bands", days=200)
    bands = summary["gaming_by_income"]
    assert set(bands) == {"q1", "q2", "q3", "q4", "q5"}
    assert sum(b["yuan"] for b in bands.values()) == summary["gaming_cost"]
    # Every band below the target buys something, and every purchase is priced.
    assert all(b["purchases"] > 0 and b["yuan"] > 0 for b in bands.values())
    assert summary["gaming_caught"] > 0
    assert summary["gaming_penalty_points"] < 0
