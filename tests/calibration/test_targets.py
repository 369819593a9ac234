"""A target's date semantics: a cumulative count sums the daily flow over its dates, a stock is
the level on its day, a yearly flow scales its sum; each curve ends at the model's figure."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from credsim.calibration.file import TargetSpec
from credsim.calibration.targets import Window

START = dt.date(2018, 1, 1)


@st.composite
def series_and_window(draw):
    days = draw(st.integers(1, 400))
    values = draw(st.lists(st.integers(0, 1000), min_size=days, max_size=days))
    first = draw(st.integers(0, days - 1))
    last = draw(st.integers(first, days - 1))
    kind = draw(st.sampled_from(["cumulative", "stock", "flow"]))
    per_year = kind == "flow" and draw(st.booleans())
    day = START + dt.timedelta(days=last)
    if kind == "stock":
        spec = TargetSpec(metric="m", kind=kind, date=day, published=1, source="s")
    else:
        begin = START + dt.timedelta(days=first)
        spec = TargetSpec(
            metric="m", kind=kind, start=begin, end=day, per_year=per_year, published=1, source="s"
        )
    return np.asarray(values, dtype=np.float64), Window.of("t", spec, START), first, last


@given(series_and_window())
def test_figure_and_curve_follow_the_date_semantics(case):
    series, window, first, last = case
    value = window.value(series)
    if window.kind == "stock":
        assert value == series[last]
    else:
        total = series[first : last + 1].sum()
        scale = 365 / (last - first + 1) if window.per_year else 1.0
        assert np.isclose(value, total * scale)
        assert np.isclose(window.curve(series)[-1], value)
    assert len(window.curve(series)) == len(window.curve_days(len(series)))
