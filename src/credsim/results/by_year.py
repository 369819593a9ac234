"""Headline figures by calendar year, from a run's daily time series."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from credsim.engine.sets import unique
from credsim.results.timeseries import KEY_COLUMNS, whole_population

__all__ = ["by_year", "is_stock", "whole_flows"]


def is_stock(column: str, stocks: tuple[str, ...]) -> bool:
    """Whether `column` is a stock (a level on a day) rather than a flow (a count per day):
    it starts with one of the metrics' stock prefixes."""
    return column.startswith(stocks)


def by_year(
    frame: pd.DataFrame,
    start: dt.date,
    stocks: tuple[str, ...],
    daily: dict[str, np.ndarray] | None = None,
) -> dict[str, dict]:
    """{year: {"days": days of the run in that year, column: value}} for the whole population:
    flows summed over the year's days, stocks as they stood on its last day in the run. `daily`
    adds flows kept outside the time series (one value per day of the run)."""
    whole = whole_population(frame)
    if whole.empty:
        return {}
    whole = whole.assign(
        **{name: np.asarray(v)[whole["day"].to_numpy()] for name, v in (daily or {}).items()}
    )
    days = whole["day"].to_numpy().astype("timedelta64[D]")
    years = (np.datetime64(start, "D") + days).astype("datetime64[Y]").astype(np.int64) + 1970
    columns = [
        c for c in whole.columns if c not in KEY_COLUMNS and pd.api.types.is_numeric_dtype(whole[c])
    ]
    out: dict[str, dict] = {}
    for year in unique(years):
        rows = whole[years == year]
        entry: dict = {"days": len(rows)}
        for column in columns:
            values = rows[column].to_numpy(dtype=np.float64)
            value = values[-1] if is_stock(column, stocks) else np.nansum(values)
            if is_stock(column, stocks) or not np.isnan(values).all():
                entry[column] = _number(value)
            else:
                entry[column] = None
        out[str(int(year))] = entry
    return out


def whole_flows(
    frame: pd.DataFrame | None,
    days: int,
    stocks: tuple[str, ...],
    daily: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """{column: people per day of the run} for every whole-population flow of the time series,
    and the flows kept outside it (`daily`); stocks are left out."""
    out: dict[str, np.ndarray] = {}
    if frame is not None:
        whole = whole_population(frame)
        day = whole["day"].to_numpy()
        for column in whole.columns:
            if column in KEY_COLUMNS or is_stock(column, stocks):
                continue
            if not pd.api.types.is_numeric_dtype(whole[column]):
                continue
            series = np.zeros(days)
            series[day] = whole[column].to_numpy(dtype=np.float64)
            out[column] = series
    for name, values in (daily or {}).items():
        out[name] = np.asarray(values, np.float64)
    return out


def _number(x: float) -> int | float | None:
    """An int where the value is whole, a float to 10 significant digits, None for NaN."""
    x = float(x)
    if np.isnan(x):
        return None
    return int(x) if x.is_integer() else float(f"{x:.10g}")
