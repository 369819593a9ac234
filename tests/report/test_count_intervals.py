"""Intervals on the identity, adversaries and appeals charts and tables: a single run's bars carry
95% Poisson (counts) or Wilson (people per group) intervals of its simulated agents, a run of
replicates the 90% interval across them, and each chart says which."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from interval_checks import blocks, make_run
from matplotlib.collections import PathCollection
from matplotlib.container import ErrorbarContainer

from credsim.report import figures_mechanisms as fm
from credsim.report.run import RunData
from credsim.report.sections_core import CORE_SECTIONS
from credsim.report.sections_harms import HARM_SECTIONS
from credsim.report.sections_mechanisms import MECHANISM_SECTIONS
from credsim.report.sections_time import TIME_SECTIONS
from credsim.report.spread import count_interval, counted_by_group, spread_of_counts
from credsim.results.rates import poisson_interval, wilson_interval

BY_GROUP = {
    "sex": {"female": {"citizens": 1000}, "male": {"citizens": 1100}},
    "income": {"q1": {"citizens": 1050}, "q2": {"citizens": 1050}},
}
SINGLE = {
    "citizens": 2100,
    "people_per_agent": 10,
    "by_group": BY_GROUP,
    "internet_access_denied": 50,
    "internet_access_denied_by_group": {
        "sex": {"female": 20, "male": 30},
        "income": {"q1": 40, "q2": 10},
    },
    "broker_people_exposed_by_group": {"sex": {"female": 500, "male": 450}},
    "lender_listings": 90,
    "breaches": 3,
    "appeals_filed": 40,
    "appeals_won": 12,
    "days_to_correction_mean": 31.5,
}


def test_single_run_people_by_group_carry_wilson_intervals_of_the_agents(tmp_path: Path) -> None:
    run = make_run(tmp_path, SINGLE)
    view = counted_by_group("internet_access_denied_by_group", "denied", "internet_access_denied")
    spread, which = spread_of_counts(run, view, "denied", 1e5, ("sex", "income"))
    assert which.startswith("95%")
    assert spread.mean["sex"]["female"] == pytest.approx(1e5 * 20 / 1000)
    low, high = wilson_interval(20 / 10, 1000 / 10)  # 2 of 100 agents, not 20 of 1000 people
    assert spread.bounds["sex"]["female"] == pytest.approx((1e5 * low, 1e5 * high))
    assert spread.overall == pytest.approx(1e5 * 50 / 2100)
    # A count of events: Poisson on agents, in people; breaches are not scaled by agents.
    low, high = poisson_interval(90 / 10)
    assert count_interval(run, "lender_listings") == pytest.approx((10 * low, 10 * high))
    assert count_interval(run, "breaches", scaled=False) == pytest.approx(poisson_interval(3))
    assert count_interval(run, "insider_edits") is None


def test_replicates_give_the_spread_across_them(tmp_path: Path) -> None:
    reps = []
    for female in (10, 20, 30, 40, 50):
        one = json.loads(json.dumps(SINGLE))
        one["internet_access_denied_by_group"]["sex"]["female"] = female
        one["internet_access_denied"] = female + 30
        reps.append(one)
    meta = {"count": 5}
    summary = {**SINGLE, "replicates": meta, "p5": {"lender_listings": 80}, "p95": {}}
    summary["p95"]["lender_listings"] = 100
    run = make_run(tmp_path, summary, reps)
    view = counted_by_group("internet_access_denied_by_group", "denied", "internet_access_denied")
    spread, which = spread_of_counts(run, view, "denied", 1e5, ("sex",))
    assert which.startswith("90%")
    assert spread.mean["sex"]["female"] == pytest.approx(1e5 * 30 / 1000)
    low, high = spread.bounds["sex"]["female"]
    assert 1e5 * 10 / 1000 <= low < high <= 1e5 * 50 / 1000
    assert count_interval(run, "lender_listings") == (80.0, 100.0)
    assert count_interval(run, "breaches") is None  # no interval across replicates: none drawn


def test_identity_chart_and_tables_show_intervals(tmp_path: Path) -> None:
    run = make_run(tmp_path, SINGLE)
    plot, *tables = blocks(run, HARM_SECTIONS, "identity")
    assert "95% intervals (Wilson)" in plot.caption
    fig = plot.draw()
    assert any(isinstance(c, ErrorbarContainer) for c in fig.axes[0].containers)
    assert "95% interval (Poisson)" in tables[-1]
    low, high = poisson_interval(5)  # 50 people are 5 agents
    assert f"{round(10 * low):,}–{round(10 * high):,}" in tables[-1]
    (appeals,) = blocks(run, HARM_SECTIONS, "appeals")
    low, high = poisson_interval(4)
    assert f"{round(10 * low):,}–{round(10 * high):,}" in appeals


def test_adversaries_chart_draws_whiskers_on_counts_and_groups(tmp_path: Path) -> None:
    run = make_run(tmp_path, SINGLE)
    plot, *_ = blocks(run, MECHANISM_SECTIONS, "adversaries")
    assert "95% Poisson intervals" in plot.caption and "Wilson" in plot.caption
    fig = plot.draw()
    counts, exposed = fig.axes
    for ax in (counts, exposed):
        (whiskers,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
        assert whiskers.lines[2][0].get_segments()  # one whisker per bar
    # Without bounds the figure is drawn as before: no whiskers.
    plain = fm.adversaries(SINGLE)
    assert not any(isinstance(c, ErrorbarContainer) for c in plain.axes[0].containers)


def _years(wrongful_new: tuple[int, ...]) -> dict:
    return {
        str(year): {"days": 365, "listed_new": 1000, "blocked_flights": 300,
                    "blocked_trains": 100, "listed_new_wrongful": n, "sanctioned_wrongful": 7,
                    "records_misattributed.cameras": 40}
        for year, n in zip((2016, 2017, 2018), wrongful_new, strict=True)
    }  # fmt: skip


def test_rollout_chart_draws_yearly_wrongful_listings_with_intervals(tmp_path: Path) -> None:
    """The roll-out's wrongful panel is the yearly flow of people newly wrongly listed (not the
    stock at the year's end), and every bar carries its interval."""
    summary = {"but_for": True, "people_per_agent": 10, "by_year": _years((20, 30, 40))}
    run = make_run(tmp_path / "one", summary)
    (plot,) = blocks(run, TIME_SECTIONS, "rollout")
    assert "newly on a list" in plot.caption and "Poisson" in plot.caption
    fig = plot.draw()
    wrongful = next(ax for ax in fig.axes if ax.get_title(loc="left") == "Newly wrongly on a list")
    year = 365.25 / 365  # a flow is drawn per year of 365.25 days
    assert [p.get_height() for p in wrongful.patches] == pytest.approx(
        [20 * year, 30 * year, 40 * year]
    )
    (whiskers,) = [c for c in wrongful.containers if isinstance(c, ErrorbarContainer)]
    low, high = poisson_interval(4)  # 40 people are 4 agents
    (segment,) = [s for s in whiskers.lines[2][0].get_segments() if s[0][0] == 2018.5]
    assert segment[:, 1] == pytest.approx([10 * low * year, 10 * high * year])
    # Replicates: the 90% interval of each replicate's own yearly figure.
    reps = [{**summary, "by_year": _years((n, n, n))} for n in (10, 20, 30, 40, 50)]
    meta = {**summary, "by_year": _years((30, 30, 30)), "replicates": {"count": 5}}
    (plot,) = blocks(make_run(tmp_path / "reps", meta, reps), TIME_SECTIONS, "rollout")
    assert "90% interval across 5 replicates" in plot.caption
    fig = plot.draw()
    wrongful = next(ax for ax in fig.axes if ax.get_title(loc="left") == "Newly wrongly on a list")
    (whiskers,) = [c for c in wrongful.containers if isinstance(c, ErrorbarContainer)]
    ends = whiskers.lines[2][0].get_segments()[0][:, 1] / year
    assert 10 <= ends[0] < 30 < ends[1] <= 50


def test_vital_rates_carry_poisson_intervals_of_the_simulated_births(tmp_path: Path) -> None:
    years = {
        str(y): {"days": 365, "births": 100, "deaths": 200, "births_expected": 100,
                 "deaths_expected": 200, "birth_rate_per_1000": 8.0, "death_rate_per_1000": 16.0}
        for y in (2020, 2021)
    }  # fmt: skip
    summary = {"people_per_agent": 10, "demography": {"by_year": years}}
    run = make_run(tmp_path, summary)
    plot = next(b for b in blocks(run, TIME_SECTIONS, "demography") if b.slug == "vital-rates")
    assert "Poisson" in plot.caption
    ax = plot.draw().axes[0]
    ends = sorted(
        tuple(seg[:, 1])
        for c in ax.containers
        if isinstance(c, ErrorbarContainer)
        for seg in c.lines[2][0].get_segments()
    )
    low, high = poisson_interval(10)  # 100 births are 10 agents: the rate moves with them
    assert ends[0] == pytest.approx((8.0 * low / 10, 8.0 * high / 10))


def test_grade_shares_sit_in_wilson_bands_of_the_policys_holders() -> None:
    from credsim.report.sections_core import _holders
    from credsim.results.rates import wilson_intervals

    summary = {
        "citizens": 20_000,
        "people_per_agent": 10,
        "by_group": {"sex": {"f": {"scored.rongcheng": 300}, "m": {"scored.rongcheng": 200}}},
    }
    assert _holders(summary, "rongcheng") == 50  # 500 holders are 50 agents
    assert _holders(summary, "sesame") == 2000  # a score everyone holds
    shares = np.array([0.1, 0.5])
    low, high = wilson_intervals(shares, 50)
    assert (low[0], high[0]) == pytest.approx(wilson_interval(5, 50))
    assert (low[1], high[1]) == pytest.approx(wilson_interval(25, 50))


def test_ties_cut_so_far_sit_in_a_band(tmp_path: Path) -> None:
    from credsim.report.sections_mechanisms import _cumulative_band
    from credsim.results.rates import poisson_intervals

    one = {"people_per_agent": 10, "ties_cut_by_day": [0, 50, 50, 100]}
    (low, high), which = _cumulative_band(make_run(tmp_path / "one", one), "ties_cut_by_day", 1)
    assert "Poisson" in which
    expected = poisson_intervals(np.array([5.0, 10.0, 20.0]))  # 50, 100, 200 people: agents
    np.testing.assert_allclose(low, 10 * expected[0])
    np.testing.assert_allclose(high, 10 * expected[1])
    assert poisson_intervals(np.array([9.0]))[1][0] == pytest.approx(poisson_interval(9)[1])
    reps = [{**one, "ties_cut_by_day": [0, n, n, n]} for n in (10, 20, 30, 40, 50)]
    meta = {**one, "replicates": {"count": 5}}
    (low, high), which = _cumulative_band(
        make_run(tmp_path / "r", meta, reps), "ties_cut_by_day", 1
    )
    assert "5 replicates" in which
    assert 10 <= low[0] < 30 < high[0] <= 50 and 30 <= low[-1] < 90 < high[-1] <= 150


def test_speech_enforcement_curves_sit_in_bands() -> None:
    from matplotlib.collections import PolyCollection

    from credsim.report.figures_enforcement import enforcement_and_fear
    from credsim.results.rates import poisson_intervals

    days = 40
    by_day = {
        "warned": [10] * days,
        "account_closed": [0] * days,
        "detained": [0] * days,
        "sensitive_meant": [100] * days,
        "sensitive_held": [20] * days,
    }
    fig = enforcement_and_fear(by_day, None, window=30, k=10.0)
    top, bottom = fig.axes
    (band,) = [c for c in top.collections if isinstance(c, PolyCollection)]
    ys = band.get_paths()[0].vertices[:, 1]
    low, high = poisson_intervals(np.array([30.0]))  # 300 warnings in 30 days: 30 agents
    assert ys.max() == pytest.approx(10 * high[0])
    assert np.isclose(ys, 10 * low[0]).any()
    (shade,) = [c for c in bottom.collections if isinstance(c, PolyCollection)]
    ys = shade.get_paths()[0].vertices[:, 1]
    low, high = wilson_interval(60, 300)  # 600 of 3,000 posts held back: 60 of 300 agents'
    assert np.isclose(ys, 100 * high).any() and np.isclose(ys, 100 * low).any()


def test_score_gaps_and_distributions_carry_their_intervals() -> None:
    import pandas as pd

    from credsim.report.figures import gap_half_width, score_by_group

    rng = np.random.default_rng(1)
    scores = np.concatenate([rng.normal(600, 50, 4000), rng.normal(620, 50, 1000)])
    mask = np.arange(5000) >= 4000
    half = gap_half_width(scores, mask)
    # The gap is 0.8 x (group mean - rest mean); its sd is 0.8 x sqrt(50^2/1000 + 50^2/4000).
    assert half == pytest.approx(1.96 * 0.8 * np.sqrt(2500 / 1000 + 2500 / 4000), rel=0.05)
    assert np.isnan(gap_half_width(scores, np.zeros(5000, bool)))
    df = pd.DataFrame({"score.p": scores, "sex": np.where(mask, "f", "m")})
    ax = score_by_group(df, ["p"], ["sex"]).axes[0]
    (whiskers,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    widths = sorted(np.ptp(seg[:, 0]) for seg in whiskers.lines[2][0].get_segments())
    assert widths[-1] == pytest.approx(2 * half)  # the smaller group, "f", the wider whisker


def test_the_age_pyramid_bars_carry_poisson_whiskers_both_sides() -> None:
    from credsim.report.figures_time import pyramid

    end = {"female": [100.0, 300.0], "male": [200.0, 50.0]}
    ax = pyramid(["0-4", "5-9"], end, end, ("2020", "2021"), k=10.0).axes[0]
    segments = [
        seg[:, 0]
        for c in ax.containers
        if isinstance(c, ErrorbarContainer)
        for seg in c.lines[2][0].get_segments()
    ]
    low, high = poisson_interval(20)  # 200 men are 20 agents, drawn to the left
    assert any(np.allclose(sorted(s), [-10 * high, -10 * low]) for s in segments)
    low, high = poisson_interval(30)
    assert any(np.allclose(sorted(s), [10 * low, 10 * high]) for s in segments)


def test_people_on_a_list_each_day_sit_in_poisson_bands(tmp_path: Path) -> None:
    from report_fixtures import make_run_dir

    from credsim.report.sections_core import _poisson_bands
    from credsim.results.rates import poisson_intervals

    run = RunData(make_run_dir(tmp_path))
    ts = run.timeseries
    low, high = _poisson_bands(run)
    k = float(run.summary.get("people_per_agent") or 1)
    a, b = poisson_intervals(ts["sanctioned"].to_numpy(float) / k)
    np.testing.assert_allclose(low["sanctioned"], a * k)
    np.testing.assert_allclose(high["sanctioned"], b * k)
    assert (low["sanctioned"] <= ts["sanctioned"]).all()
    (plot,) = [b for b in blocks(run, CORE_SECTIONS, "sanctions") if hasattr(b, "draw")]
    assert "Poisson" in plot.caption
    plot.draw()


def test_records_by_source_carry_wilson_and_planted_poisson_whiskers(tmp_path: Path) -> None:
    from credsim.report.figures_harms import misattribution_by_source
    from credsim.report.spread import source_bounds

    by_source = {
        "cameras": {"records": 100_000, "misattributed": 300, "fabricated": 0},
        "lenders": {"records": 400, "misattributed": 0, "fabricated": 400},
    }
    run = make_run(tmp_path, {"people_per_agent": 10, "records_by_source": by_source})
    bounds, which = source_bounds(run, by_source)
    low, high = wilson_interval(30, 10_000)  # 300 of 100,000 records are 30 of 10,000 agents'
    assert bounds["cameras"]["misattributed"] == pytest.approx((1e4 * low, 1e4 * high))
    low, high = poisson_interval(40)
    assert bounds["lenders"]["planted"] == pytest.approx((10 * low, 10 * high))
    assert "Wilson" in which
    fig = misattribution_by_source(by_source, {"lenders"}, bounds)
    for ax in fig.axes:
        assert any(isinstance(c, ErrorbarContainer) for c in ax.containers)


def test_calibrated_figures_carry_the_interval_of_what_was_simulated(tmp_path: Path) -> None:
    cal = {
        "refused_flights": {"model": 12_000_000, "published": 10_000_000, "ratio": 1.2,
                            "within_band": True, "simulated": 400, "read": "per year"},
    }  # fmt: skip
    run = make_run(tmp_path, {"calibration": cal, "people_per_agent": 1000})
    plot = next(b for b in blocks(run, CORE_SECTIONS, "calibration") if hasattr(b, "draw"))
    assert "Poisson" in plot.caption
    ax = plot.draw().axes[0]
    (whiskers,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    (segment,) = whiskers.lines[2][0].get_segments()
    low, high = poisson_interval(400)
    assert segment[:, 0] == pytest.approx([1.2 * low / 400, 1.2 * high / 400])


@pytest.mark.parametrize("holes", [True, False])
def test_score_figures_counted_in_chunks_equal_the_whole_column(monkeypatch, holes) -> None:
    """The score figures read the scores a chunk of rows at a time: whole-number scores give
    each group's gap exactly as the mean of its own rows minus everyone's, its whisker as the
    two-pass variance gives it (to rounding), and the distribution's vertices as sorting the
    scores whole does."""
    import pandas as pd

    from credsim.report import figures, score_counts
    from credsim.results.rates import Z95

    for module in (figures, score_counts):
        monkeypatch.setattr(module, "CHUNK", 997)  # many chunks, cut mid-group
    rng = np.random.default_rng(5)
    n = 20_000
    sex = rng.choice(["f", "m"], n)
    scores = np.where(sex == "f", rng.integers(550, 700, n), rng.integers(560, 720, n))
    df = pd.DataFrame({"score.p": scores.astype(np.int16), "sex": pd.Categorical(sex)})
    if holes:
        df.loc[::50, "score.p"] = np.nan  # some citizens hold no score (a float column)
    x = df["score.p"].to_numpy(dtype=np.float64)
    ax = figures.score_by_group(df, ["p"], ["sex"]).axes[0]
    (whiskers,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    segments = whiskers.lines[2][0].get_segments()
    (dots,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    for seg, gap_shown, label in zip(segments, dots.get_offsets()[:, 0], ["f", "m"], strict=True):
        mask = df["sex"].to_numpy() == label
        gap = np.nanmean(x[mask]) - np.nanmean(x)
        assert gap_shown == gap  # exactly: sums of whole numbers
        valid = ~np.isnan(x)
        mine, rest = x[valid & mask], x[valid & ~mask]
        share = mine.size / (mine.size + rest.size)
        var = mine.var(ddof=1) / mine.size + rest.var(ddof=1) / rest.size
        assert np.ptp(seg[:, 0]) / 2 == pytest.approx(Z95 * (1 - share) * np.sqrt(var), rel=1e-12)
    labels, order = score_counts.label_codes(df["sex"])
    whole = score_counts.sorted_counts(x, labels, list(zip(order, "ab", strict=True)))
    chunked = score_counts.integer_counts(df["score.p"], labels, len(order))
    assert whole is not None and chunked is not None
    held = chunked[1][-1] > 0
    np.testing.assert_array_equal(chunked[0][held], whole[0])
    np.testing.assert_array_equal(chunked[1][:, held], whole[1])


def test_poisson_intervals_of_many_counts_are_each_counts_own() -> None:
    """Quantiles are computed once per distinct count; each element still gets its own count's
    interval, a NaN's high end is NaN and the shape is the input's."""
    from credsim.results.rates import poisson_interval, poisson_intervals

    counts = np.array([[3.0, 0.0, 3.0], [np.nan, 7.4, 2.6]])
    low, high = poisson_intervals(counts)
    assert low.shape == high.shape == counts.shape
    assert low[1, 0] == 0.0 and np.isnan(high[1, 0])
    for at in [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2)]:
        assert (low[at], high[at]) == poisson_interval(counts[at])
    assert low[0, 0] == low[0, 2] and high[1, 2] == high[0, 0]  # 2.6 rounds to 3


def test_poisson_intervals_are_the_chi_squared_quantiles() -> None:
    """The Garwood interval: chi2.ppf(0.025, 2k) / 2 and chi2.ppf(0.975, 2k + 2) / 2."""
    from scipy.stats import chi2

    from credsim.results.rates import poisson_intervals

    k = np.concatenate([np.arange(0.0, 500.0), np.rint(np.geomspace(500, 1e9, 200))])
    low, high = poisson_intervals(k)
    np.testing.assert_allclose(low[1:], chi2.ppf(0.025, 2 * k[1:]) / 2, rtol=1e-12)
    np.testing.assert_allclose(high, chi2.ppf(0.975, 2 * k + 2) / 2, rtol=1e-12)
    assert low[0] == 0.0
