"""The figures a run's warm-up leaves out (the warm-up itself: credsim.scenario.warmup).

`warmup_figures` splits every whole-population flow of the time series into the warm-up and the
days after it, and counts person-days on a list after it, by group too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from credsim.results.by_year import whole_flows
from credsim.results.timeseries import DIMENSION, GROUP_NAME, with_current_names

__all__ = ["SUMMARY_NAMES", "warmup_figures"]

SUMMARY_NAMES = {
    "acts": "acts_total",
    "records": "records_total",
    "listed_new": "listed_total",
    "delisted": "delisted_total",
}
"""Time-series flows whose whole-run total has another name in summary.json."""
PERSON_DAYS = {
    "sanctioned": "sanction_days",
    "sanctioned_wrongful": "wrongful_sanction_days",
    "sanctioned_touched_by_wrong_record": "touched_sanction_days",
}
"""Stocks of people whose sum over days is a count of person-days."""
BY_GROUP = (
    "listed_total",
    "records_misattributed",
    "refused_wrongful",
    "wrongful_sanction_days",
    "touched_sanction_days",
)
"""After-warm-up figures also given by group."""


def warmup_figures(
    frame: pd.DataFrame | None,
    days: int,
    warmup: dict[str, Any],
    stocks: tuple[str, ...],
    daily: dict[str, np.ndarray] | None = None,
) -> dict[str, Any]:
    """summary.json's `warmup` (days, how they were set, why, and every whole-population flow
    during them) and `after_warmup` (the days after it: every flow, person-days on a list, and
    some of them by group)."""
    first = min(int(warmup["days"]), days)
    flows = whole_flows(frame, days, stocks, daily)
    during: dict[str, Any] = {}
    after: dict[str, Any] = {"days": days - first, "first_day": first}
    for column, series in flows.items():
        name = SUMMARY_NAMES.get(column, column)
        during[name] = _total(series[:first])
        after[name] = _total(series[first:])
    groups = None if frame is None else with_current_names(frame)
    if groups is not None:
        whole = groups[groups[DIMENSION] == "all"]
        for column, name in PERSON_DAYS.items():
            if column in whole:
                values = whole[column].to_numpy(np.float64)[whole["day"].to_numpy() >= first]
                after[name] = _total(values)
        after["by_group"] = _by_group(groups, first)
    return {
        "warmup": {**warmup, "days": first, "during": during},
        "after_warmup": after,
    }


def _by_group(frame: pd.DataFrame, first: int) -> dict[str, dict[str, dict]]:
    later = frame[(frame["day"] >= first) & (frame[DIMENSION] != "all")]
    names = {**SUMMARY_NAMES, **PERSON_DAYS}
    columns = [c for c in later.columns if names.get(c, c) in BY_GROUP]
    out: dict[str, dict[str, dict]] = {}
    if not columns:
        return out
    sums = later.groupby([DIMENSION, GROUP_NAME], sort=False)[columns]
    totals = sums.sum(min_count=1)
    for (dim, label), row in totals.iterrows():
        out.setdefault(str(dim), {})[str(label)] = {
            names.get(c, c): _number(row[c]) for c in columns
        }
    return out


def _total(values: np.ndarray) -> int | float | None:
    """The sum of a series (None when every day is unknown, e.g. but-for not computed)."""
    values = np.asarray(values, np.float64)
    if values.size and np.isnan(values).all():
        return None
    return _number(float(np.nansum(values)))


def _number(x: float) -> int | float | None:
    x = float(x)
    if np.isnan(x):
        return None
    return int(x) if x.is_integer() else float(f"{x:.10g}")
