"""The daily time series as a run writes it (timeseries.parquet) and as readers find it: one row
per day and group, counts as integers, the group named by `dimension` and `group_name`.

Run directories written before the columns were renamed call them `by` and `group` (SQL keywords);
`with_current_names` renames them on reading.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from credsim.engine.events import dates

__all__ = [
    "DIMENSION",
    "GROUP_NAME",
    "KEY_COLUMNS",
    "RATIO_PREFIXES",
    "is_count",
    "timeseries_table",
    "whole_population",
    "with_current_names",
]

DIMENSION, GROUP_NAME = "dimension", "group_name"
"""The grouping (`all`, `sex`, `age_band`, ...) and the group within it (`all`, `female`, ...)."""
KEY_COLUMNS = ("day", "date", DIMENSION, GROUP_NAME)
RATIO_PREFIXES = ("score_mean.", "score_gini.", "grade_share.", "trust_index")
"""Columns of means, shares or indices; every other numeric column counts people or events."""
_OLD_NAMES = {"by": DIMENSION, "group": GROUP_NAME}


def is_count(column: str) -> bool:
    """Whether a value column of the time series counts people or events (not a mean or share)."""
    return column not in KEY_COLUMNS and not column.startswith(RATIO_PREFIXES)


def with_current_names(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with an older run's `by` and `group` columns renamed (unchanged otherwise)."""
    if DIMENSION in frame.columns or "by" not in frame.columns:
        return frame
    return frame.rename(columns=_OLD_NAMES)


def whole_population(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows for the whole population, in day order."""
    frame = with_current_names(frame)
    if DIMENSION not in frame.columns:
        return frame.sort_values("day", kind="stable")
    return frame[frame[DIMENSION] == "all"].sort_values("day", kind="stable")


def timeseries_table(frame: pd.DataFrame, start: np.datetime64) -> pa.Table:
    """timeseries.parquet's table: `day`, `date`, `dimension` and `group_name` (strings), then
    every value column; counts as int64 (null where not computed, e.g. but-for figures of a run
    without its counterfactual), means and shares as float64."""
    frame = with_current_names(frame)
    columns: dict[str, pa.Array] = {
        "day": pa.array(frame["day"].to_numpy(np.int32)),
        "date": dates(start, frame["day"].to_numpy()),
    }
    for key in (DIMENSION, GROUP_NAME):
        columns[key] = pa.array(frame[key].astype(str).to_numpy(object), pa.string())
    for name in frame.columns:
        if name in columns:
            continue
        values = frame[name]
        if is_count(name) and pd.api.types.is_numeric_dtype(values):
            columns[name] = _counts(values.to_numpy(np.float64)) or pa.array(values.to_numpy())
        else:
            columns[name] = pa.array(values.to_numpy())
    return pa.table(columns)


def _counts(values: np.ndarray) -> pa.Array | None:
    """int64 with nulls for NaN, or None when a value is not whole (then it stays a float)."""
    missing = np.isnan(values)
    present = values[~missing]
    if present.size and not np.array_equal(present, np.round(present)):
        return None
    whole = np.where(missing, 0, values).astype(np.int64)
    return pa.array(whole, pa.int64(), mask=missing if missing.any() else None)
