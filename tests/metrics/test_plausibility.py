"""The plausibility table: every headline figure beside a published anchor or a reason why none
exists, flags computed from the ratio, and anchor tables that fail with a clear message."""

from __future__ import annotations

import numpy as np
import pytest

import credsim
from credsim.errors import UserError
from credsim.metrics.anchor_file import Anchor, anchor_tables, load_anchors, parse_anchors
from credsim.metrics.plausibility import headlines, judge, plausibility, read_figure

GOOD = """
settings = ["days"]
[[anchor]]
figure = "blocked_flights"
label = "Flight purchases refused"
published = 1000
unit = "attempts"
semantics = "flow_per_year"
date = "2018"
source = "a report"
[[anchor]]
figure = "sanctioned"
label = "On a list"
kind = "ceiling"
published = 100
unit = "people"
semantics = "cumulative"
date = "2019"
source = "a report"
[[no_anchor]]
figure = "ties_cut"
reason = "nobody counts them"
semantics = "flow_per_year"
"""


def _anchor(published: float, kind: str = "value") -> Anchor:
    return Anchor(
        figure="x",
        label="x",
        kind=kind,
        published=published,
        unit="people",
        semantics="stock",
        date="2020",
        source="s",
    )


def test_flags_follow_the_ratio():
    assert judge(9.9, _anchor(1)) == (9.9, "ok")
    assert judge(10.1, _anchor(1))[1] == ">10x off"
    assert judge(0.099, _anchor(1))[1] == ">10x off"
    assert judge(0.0, _anchor(1))[1] == ">10x off"
    assert judge(0.5, _anchor(1, "order_of_magnitude"))[1] == "ok"
    assert judge(0.001, _anchor(1, "ceiling"))[1] == "ok"
    assert judge(1.2, _anchor(1, "ceiling"))[1] == "above ceiling"


def test_synthetic_run_reads_flows_per_year_after_warm_up_and_stocks_at_the_end():
    days, warmup = 100, 20
    flights = np.zeros(days)
    flights[:warmup] = 1000.0  # a burst in the warm-up must not count
    flights[warmup:] = 100.0  # 8,000 over 80 days: 36,500 a year
    summary = {
        "days": days,
        "citizens": 1000,
        "blocked_flights": 28_000,
        "sanctioned": 150,
        "ties_cut": 365,
        "score_mean": 990.0,
        "but_for": True,
    }
    flows = {"blocked_flights": flights, "ties_cut": np.full(days, 1.0)}
    out = plausibility(summary, flows, parse_anchors(GOOD, "t.toml"), days, warmup)
    rows = {r["figure"]: r for r in out["rows"]}
    assert rows["blocked_flights"]["model"] == 36_500
    assert rows["blocked_flights"]["ratio"] == 36.5
    assert rows["blocked_flights"]["flag"] == ">10x off"
    assert rows["sanctioned"]["model"] == 150
    assert rows["sanctioned"]["flag"] == "above ceiling"
    assert rows["ties_cut"]["flag"] == "no anchor"
    assert rows["ties_cut"]["reason"] == "nobody counts them"
    assert rows["ties_cut"]["model"] == 365.0
    # a headline the table does not name is shown, flagged, and listed as unnamed
    assert rows["score_mean"]["flag"] == "no anchor"
    assert out["unnamed"] == ["citizens", "score_mean"]
    assert "days" not in rows and "but_for" not in rows
    assert out["flags"] == {"ok": 0, ">10x off": 1, "above ceiling": 1, "no anchor": 3}
    # rescaled to another population: counts scale, the ratio with them
    scaled = plausibility(summary, flows, parse_anchors(GOOD, "t.toml"), days, warmup, 2000)
    assert {r["figure"]: r for r in scaled["rows"]}["blocked_flights"]["model"] == 73_000


def test_read_figure_follows_dotted_keys_and_sums_stars():
    summary = {"by_group": {"sex": {"f": {"scored.sesame": 3}, "m": {"scored.sesame": 4}}}}
    assert read_figure(summary, "by_group.sex.*.scored.sesame") == 7.0
    assert read_figure(summary, "by_group.sex.f.scored.sesame") == 3.0
    assert read_figure(summary, "by_group.age") is None
    assert read_figure({"but_for": True}, "but_for") is None


def test_bundled_table_loads_and_names_each_figure_once():
    assert "china" in anchor_tables()
    table = load_anchors("china")
    assert {"blocked_flights", "blocked_trains", "sanctioned", "citizens"} <= {
        a.figure for a in table.anchor
    }
    assert all(a.source and a.date and a.unit for a in table.anchor)
    assert all(n.reason for n in table.no_anchor)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("[[anchor]]\nfigure = 'x'\nlable = 'x'\n", ["anchor[0] (figure 'x').lable", "'label'"]),
        (GOOD.replace("published = 1000", "published = -5"), ["anchor[0]", "published"]),
        (GOOD.replace('semantics = "cumulative"', 'semantics = "yearly"'), ["semantics"]),
        (GOOD + "[[no_anchor]]\nfigure = 'ties_cut'\nreason = 'again'\n", ["'ties_cut'", "twice"]),
        ("settings = [", ["not valid TOML"]),
    ],
)
def test_a_bad_anchor_table_names_the_entry_and_field(text, names):
    with pytest.raises(UserError) as err:
        parse_anchors(text, "bad.toml")
    message = str(err.value)
    assert "bad.toml" in message
    for name in names:
        assert name in message


def test_unknown_table_suggests_the_nearest():
    with pytest.raises(UserError, match="Did you mean 'china'"):
        load_anchors("chnia")
    with pytest.raises(UserError, match="anchors"):
        credsim.load_scenario("national", overrides=["metrics.plausibility.anchors='chnia'"])


def test_national_lists_every_headline_beside_an_anchor_or_a_reason(tmp_path):
    """National at 20,000 agents (its roll-out from October 2013 to March 2019), scaled to the
    whole population. A new headline figure fails here until metrics/anchors/china.toml names
    it: anchored, or with the reason there is no anchor. Yearly rates here and in the calibration
    table leave out the days before April 2018, the days summary.json's `after_warmup` starts
    from."""
    k = 1_411_778_724 // 20_000
    result = credsim.run(
        "national",
        out=tmp_path / "national",
        population=20_000,
        overrides=[
            f"population.people_per_agent={k}",
            "but_for=false",
            "output.events='none'",
            "output.report=false",
            "output.citizens='none'",
        ],
    )
    summary = result.summary
    p = summary["plausibility"]
    rows = {r["figure"]: r for r in p["rows"]}
    table = load_anchors("china")
    assert p["unnamed"] == []
    for figure in headlines(summary):
        assert figure in rows or figure in table.settings
    # every anchored figure is in the table but those of the demography metric (off in national)
    absent = {a.figure for a in table.anchor} - set(rows)
    assert absent <= set(p["missing"])
    assert absent <= {"demography.births", "demography.deaths"}
    for row in rows.values():
        assert row["flag"] in ("ok", ">10x off", "above ceiling", "no anchor")
        if row["flag"] != "no anchor":
            assert row["ratio"] == pytest.approx(row["model"] / row["published"], rel=1e-3)
    assert rows["citizens"]["flag"] == "ok"
    assert summary["warmup"]["days"] == summary["after_warmup"]["first_day"] == 1643
    assert p["warmup_days"] == 1643
    assert rows["blocked_flights"]["reads"] == "per year, days 1643-2007"
    assert summary["calibration"]["refused_flights"]["read"] == "per year, days 1643-2007"
