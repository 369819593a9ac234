"""Figures across replicates: means in the summary's own shape, 90% intervals beside them."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from credsim.results.intervals import (
    aggregate_summaries,
    aggregate_timeseries,
    expected_coverage,
    interval,
)


def test_every_number_gets_a_mean_and_an_interval_in_the_summary_shape():
    summaries = [
        {"scenario": "x", "citizens": 10, "acts": a, "by_group": {"sex": {"f": {"n": a // 2}}},
         "by_day": [a, 1], "within_band": a > 2, "kinds": {"theft": 1} if a > 1 else {}}
        for a in (1, 2, 3, 4, 5)
    ]  # fmt: skip
    mean, low, high, partial = aggregate_summaries(summaries)
    assert mean["scenario"] == "x" and mean["citizens"] == 10 and isinstance(mean["citizens"], int)
    assert mean["acts"] == 3.0 and (low["acts"], high["acts"]) == interval([1, 2, 3, 4, 5])
    assert low["by_group"]["sex"]["f"]["n"] <= mean["by_group"]["sex"]["f"]["n"]
    assert mean["by_day"] == [3.0, 1] and high["by_day"][0] == 5.0
    assert mean["within_band"] is True  # flags take their most common value
    assert partial == {"kinds.theft": 4}
    assert "scenario" not in low and "within_band" not in high


def test_interval_uses_weibull_positions_and_says_what_it_covers():
    values = np.arange(1, 20)  # 19 values: p5 at the 1st, p95 at the 19th
    assert interval(values) == (1.0, 19.0)
    assert expected_coverage(19) == 0.9
    assert expected_coverage(10) == round(9 / 11, 4)  # the range of 10 replicates
    assert all(np.isnan(interval([])))


def test_timeseries_rows_are_aligned_by_day_and_group():
    def frame(shift):
        acts = np.array([1, 2, 3, 4]) + shift
        keys = {
            "day": [0, 0, 1, 1],
            "dimension": ["all", "sex"] * 2,
            "group_name": ["all", "f"] * 2,
        }
        return pd.DataFrame({**keys, "acts": acts})

    later = frame(10).iloc[::-1].reset_index(drop=True)  # rows in another order
    mean, low, high = aggregate_timeseries([frame(0), later, frame(20)])
    assert list(mean["day"]) == [0, 0, 1, 1] and list(mean["group_name"]) == ["all", "f"] * 2
    assert list(mean["acts"]) == [11.0, 12.0, 13.0, 14.0]
    assert list(low["acts"]) == [1.0, 2.0, 3.0, 4.0] and list(high["acts"]) == [21, 22, 23, 24]


def test_replicate_quantiles_are_numpys_with_gaps_and_without():
    """The vectorised quantiles give NumPy's nanquantile to the last bit, cells with a missing
    replicate included (a row some replicates lack) and an all-missing cell staying NaN."""
    from credsim.results.intervals import _METHOD, HIGH, LOW, quantiles

    rng = np.random.default_rng(4)
    stack = rng.normal(size=(9, 120, 6))
    stack[rng.random(stack.shape) < 0.02] = np.nan
    stack[:, 3, 2] = np.nan
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanquantile(stack, [LOW, HIGH], axis=0, method=_METHOD)
        got = quantiles(stack, [LOW, HIGH])
    assert np.array_equal(got, expected, equal_nan=True)
    assert np.isnan(got[:, 3, 2]).all() and not np.isnan(got[:, 0, 0]).any()
