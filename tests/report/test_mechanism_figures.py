"""Figures of exclusion, gaming, trust and adversaries drawn from a hand-made summary: the bars
and lines show the numbers the summary holds, and each section applies only with its keys."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import BarContainer
from report_fixtures import MECHANISMS

from credsim.report import figures_mechanisms as fm
from credsim.report.run import RunData
from credsim.report.sections_mechanisms import MECHANISM_SECTIONS

BY_GROUP = {
    "sex": {"female": {"citizens": 1000}, "male": {"citizens": 1100}},
    "income": {f"q{i}": {"citizens": 400 + 10 * i} for i in range(1, 6)},
}


def summary(**extra) -> dict:
    return {**copy.deepcopy(MECHANISMS), "by_group": copy.deepcopy(BY_GROUP), **extra}


def bars(ax) -> list[float]:
    out: list[float] = []
    for container in ax.containers:
        if isinstance(container, BarContainer):
            out += [
                p.get_width() if container.orientation == "horizontal" else p.get_height()
                for p in container.patches
            ]
    return out


def test_exclusion_bars_are_the_isolation_shares_and_ties_per_1000() -> None:
    s = summary()
    fig = fm.exclusion(s)
    left, right = fig.axes
    assert bars(left) == pytest.approx([31.0, 12.0, 1.0])
    female, male = 600 / 1000 * 1e3, 634 / 1100 * 1e3
    q1 = 400 / 410 * 1e3
    assert bars(right)[:3] == pytest.approx([female, male, q1])


def test_exclusion_names_a_standing_nobody_had() -> None:
    s = summary(isolation={"listed": None, "family_of_listed": 0.2, "others": 0.0})
    left = fm.exclusion(s).axes[0]
    labels = [t.get_text() for t in left.texts]
    assert "nobody" in labels and "20.0%" in labels


def test_gaming_price_is_yuan_per_point_and_share_buying_by_income() -> None:
    fig = fm.gaming_price(summary())
    price, buyers = fig.axes
    assert bars(price) == pytest.approx([1 / (0.05 * i) for i in range(1, 6)])
    assert bars(buyers) == pytest.approx([100 * 10 * i / (400 + 10 * i) for i in range(1, 6)])
    assert [t.get_text() for t in price.get_xticklabels()] == ["q1", "q2", "q3", "q4", "q5"]


def test_gaming_price_without_group_sizes_counts_buyers() -> None:
    s = summary()
    del s["by_group"]
    buyers = fm.gaming_price(s).axes[1]
    assert bars(buyers) == pytest.approx([10, 20, 30, 40, 50])
    assert buyers.get_ylabel() == "Citizens who bought points"


def test_gaming_services_sorted_by_points_with_share_caught() -> None:
    ax = fm.gaming_services(summary()).axes[0]
    assert bars(ax) == [3000, 2000]
    # Most points first, at the top.
    assert [t.get_text() for t in ax.get_yticklabels()] == ["score farm", "card swiping"]
    texts = [t.get_text() for t in ax.texts]
    assert any("10% caught" in t for t in texts)


def test_gaming_services_falls_back_to_purchases() -> None:
    s = summary(gaming_by_service={"click_farming": {"purchases": 589, "yuan": 17670.0}})
    ax = fm.gaming_services(s).axes[0]
    assert bars(ax) == [589]
    assert ax.get_xlabel() == "Purchases"


def test_trust_line_is_the_timeseries() -> None:
    ts = pd.DataFrame({"day": np.arange(5), "trust_index": [0.9, 0.8, 0.7, 0.65, 0.6]})
    ax = fm.trust(ts, summary()).axes[0]
    assert list(ax.lines[0].get_ydata()) == [0.9, 0.8, 0.7, 0.65, 0.6]
    assert "700 of 1,000 requests (70%)" in ax.get_title(loc="left")


def test_trust_by_group_is_the_askers_index() -> None:
    right = fm.trust(None, summary()).axes[1]
    assert bars(right) == pytest.approx([0.729167, 0.673077])


def test_trust_without_timeseries_shows_the_end_value() -> None:
    s = summary()
    del s["help_by_group"]
    fig = fm.trust(None, s)
    assert len(fig.axes) == 1
    assert bars(fig.axes[0]) == [0.62]


def test_adversaries_counts_and_exposure_per_100000() -> None:
    fig = fm.adversaries(summary())
    counts, exposed = fig.axes
    labels = [t.get_text() for t in counts.get_yticklabels()]
    values = dict(zip(labels, bars(counts), strict=True))
    assert values["Lender listings planted"] == 90
    assert values["  of which detected"] == 30
    assert values["People exposed in breaches"] == 2000
    assert values["Records edited by insiders"] == 12
    assert values["People exposed by brokers"] == 950  # summed over one dimension
    assert bars(exposed) == pytest.approx([500 / 1000 * 1e5, 450 / 1100 * 1e5])


@pytest.mark.parametrize(
    ("section", "keys"),
    [
        ("exclusion", ["ties_cut"]),
        ("gaming", ["points_bought"]),
        ("trust", ["trust_index"]),
        ("adversaries", ["lender_listings", "lender_listings_detected", "insider_edits",
                         "broker_people_exposed_by_group", "breach_people_exposed"]),
    ],
)  # fmt: skip
def test_each_section_applies_only_with_its_keys(
    tmp_path: Path, section: str, keys: list[str]
) -> None:
    (tmp_path / "summary.json").write_text('{"citizens": 10}')
    run = RunData(tmp_path)
    sec = next(s for s in MECHANISM_SECTIONS if s.id == section)
    assert not sec.applies(run)
    for key in keys:
        run = RunData(tmp_path)
        run.summary[key] = MECHANISMS[key]
        assert sec.applies(run), key
