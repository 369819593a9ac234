"""Key findings: sentences a reader can quote, every number of which is a figure of the summary
(or computed from its figures) and stands where the finding says."""

from __future__ import annotations

import copy

import pytest

from credsim.results.findings import derived_value, key_findings, problems
from credsim.results.rates import poisson_interval, wilson_interval


def _summary(**extra) -> dict:
    """A single run's summary by hand: 20 of 1,000 listed people wrongly, women and men apart."""
    group = {
        "female": {"citizens": 50_000, "sanctioned": 500, "sanctioned_wrongful": 8},
        "male": {"citizens": 50_000, "sanctioned": 500, "sanctioned_wrongful": 12},
    }
    summary = {
        "citizens": 100_000,
        "days": 365,
        "people_per_agent": 1,
        "but_for": True,
        "sanctioned": 1000,
        "sanctioned_wrongful": 20,
        "sanctioned_touched_by_wrong_record": 25,
        "listed_total": 1500,
        "records_total": 1_000_000,
        "records_misattributed": 800,
        "records_by_source": {
            "cameras": {"records": 30_000, "misattributed": 300, "fabricated": 5},
            "courts": {"records": 3_000, "misattributed": 7, "fabricated": 0},
            "lenders": {"records": 17, "misattributed": 0, "fabricated": 17},
        },
        "sanctioned_wrongful_reasons": {
            "wrong record under court_blacklist": 6,
            "wrong record under lender_blacklist": 14,
            "no wrong record of their own": 0,
        },
        "by_group": {"sex": group},
        "warmup": {"days": 61, "set_by": "derived", "reason": "a reason",
                   "during": {"listed_total": 1200}},
        "after_warmup": {"days": 304, "first_day": 61, "wrongful_sanction_days": 4000,
                         "refused_wrongful": 15},
    }  # fmt: skip
    summary.update(extra)
    summary["key_findings"] = key_findings(summary)
    return summary


def _texts(summary: dict) -> dict[str, str]:
    return {f["id"]: f["text"] for f in summary["key_findings"]}


def test_every_number_of_a_real_run_is_a_figure_of_its_summary(outputs_run):
    summary = outputs_run.summary
    assert summary["sanctioned_wrongful"] > 0  # the fixture's errors wrongly list some people
    assert problems(summary) == []
    first = summary["key_findings"][0]
    assert first["id"] == "wrongfully-sanctioned"
    assert first["text"].startswith(f"{summary['sanctioned_wrongful']:,} of the ")
    keys = {f["key"] for f in first["figures"]}
    assert {"sanctioned_wrongful", "sanctioned"} <= keys
    ids = [f["id"] for f in summary["key_findings"]]
    assert "warm-up" in ids and "harm-over-time" in ids


def test_a_single_run_says_how_sure_from_the_count_and_compares_groups_with_intervals():
    summary = _summary()
    assert problems(summary) == []
    text = _texts(summary)
    low, high = poisson_interval(20)
    assert f"could as well have been {round(low)} to {round(high)}" in text["wrongfully-sanctioned"]
    assert "20 of the 1,000 people" in text["wrongfully-sanctioned"]
    assert "(2.0%)" in text["wrongfully-sanctioned"]
    assert "24.0 per 100,000 men (12 of 50,000" in text["groups"]
    assert "not distinguishable in this run" in text["groups"]
    assert "4,000 person-days" in text["harm-over-time"]
    assert "304 days after the warm-up" in text["harm-over-time"]
    assert "cameras (300)" in text["records"] and "lenders 17" in text["records"]
    assert "1,200 of the run's 1,500 listings" in text["warm-up"]


def test_groups_apart_beyond_chance_are_said_to_be():
    summary = _summary()
    summary["by_group"]["sex"]["male"]["sanctioned_wrongful"] = 200
    summary["sanctioned_wrongful"] = 208
    summary["key_findings"] = key_findings(summary)
    assert problems(summary) == []
    assert "tells apart from chance" in _texts(summary)["groups"]


def test_replicates_quote_their_90_percent_interval():
    base = _summary()
    p5, p95 = copy.deepcopy(base), copy.deepcopy(base)
    p5["sanctioned_wrongful"], p95["sanctioned_wrongful"] = 11, 31
    for bound, (f, m) in ((p5, (4, 6)), (p95, (14, 20))):
        bound["by_group"]["sex"]["female"]["sanctioned_wrongful"] = f
        bound["by_group"]["sex"]["male"]["sanctioned_wrongful"] = m
    summary = _summary(replicates={"count": 20}, p5=p5, p95=p95, sanctioned_wrongful=20.4)
    assert problems(summary) == []
    text = _texts(summary)["wrongfully-sanctioned"]
    assert text.startswith("20.4 of the 1,000")
    assert "the mean of 20 runs with different seeds; 90% of them give 11 to 31." in text
    assert "90% of runs 12.0–40.0" in _texts(summary)["groups"]


def test_a_scaled_run_computes_intervals_on_its_simulated_people():
    summary = _summary(people_per_agent=1000, citizens=100_000_000)
    for row in summary["by_group"]["sex"].values():
        row["citizens"] *= 1000
        row["sanctioned_wrongful"] *= 1000
    summary["sanctioned_wrongful"] = 20_000
    summary["key_findings"] = key_findings(summary)
    assert problems(summary) == []
    key = "poisson95_high:sanctioned_wrongful"
    assert derived_value(summary, key) == pytest.approx(1000 * poisson_interval(20)[1])
    wilson = "wilson95_high:by_group.sex.male.sanctioned_wrongful/by_group.sex.male.citizens"
    assert derived_value(summary, wilson) == pytest.approx(1e5 * wilson_interval(12, 50_000)[1])
    assert "each simulated person stands for 1,000" in _texts(summary)["scale"]


def test_without_the_counterfactual_the_weaker_figure_is_named_as_such():
    summary = _summary(but_for=False, sanctioned_wrongful=None)
    assert problems(summary) == []
    text = _texts(summary)["wrongfully-sanctioned"]
    assert text.startswith("25 of the 1,000") and "is not known" in text
    assert "harm-over-time" not in _texts(summary) and "why" not in _texts(summary)


def test_a_run_shorter_than_its_warm_up_says_its_figures_are_not_findings():
    summary = _summary(days=40)
    summary["warmup"]["days"] = 40
    summary["key_findings"] = key_findings(summary)
    assert "not findings" in _texts(summary)["warm-up"]


def test_a_tampered_figure_is_caught():
    summary = _summary()
    summary["key_findings"][0]["figures"][0]["value"] = 21
    assert problems(summary) and "summary gives 20" in problems(summary)[0]


def test_intervals_match_known_values():
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert poisson_interval(0) == pytest.approx((0.0, 3.6889), abs=1e-4)
    assert poisson_interval(10) == pytest.approx((4.7954, 18.3904), abs=1e-4)
