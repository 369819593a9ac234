"""Rows of a day's event table found without scanning it: the rows holding a value (a kind's
code), grouped once per field, and the row of a record id among the day's consecutive ids."""

from __future__ import annotations

import numpy as np

__all__ = ["rows_of_ids", "rows_with", "rows_with_any"]


def rows_with(
    cache: dict[str, tuple[np.ndarray, np.ndarray]], column: np.ndarray, name: str, value: int
) -> np.ndarray:
    """The rows (ascending) where `column`, small whole numbers such as a kind's code, holds
    `value`: `np.flatnonzero(column == value)`, with the column sorted once (kept in `cache`
    under `name`) for every value asked of it."""
    if name not in cache:
        order = np.argsort(column, kind="stable")
        bounds = np.zeros(1, np.int64)
        if column.shape[0]:
            bounds = np.concatenate([bounds, np.cumsum(np.bincount(column.astype(np.int64)))])
        cache[name] = (order, bounds)
    order, bounds = cache[name]
    if not 0 <= value < bounds.shape[0] - 1:
        return order[:0]
    return order[bounds[value] : bounds[value + 1]]


def rows_with_any(
    cache: dict[str, tuple[np.ndarray, np.ndarray]], column: np.ndarray, name: str, values
) -> np.ndarray:
    """The rows (ascending) where `column` holds any of `values`: `np.flatnonzero(np.isin(...))`."""
    parts = [rows_with(cache, column, name, int(v)) for v in values]
    rows = np.concatenate(parts) if parts else np.empty(0, np.int64)
    return np.sort(rows) if len(parts) > 1 else rows


def rows_of_ids(records, ids: np.ndarray) -> np.ndarray:
    """The row of today's `records` holding each record id, -1 for an id that is not today's
    (a day's record ids are consecutive): what `np.isin(ids, records["record_id"])` tests,
    without sorting either."""
    n = len(records)
    first = int(records["record_id"][0]) if n else 0
    rows = np.asarray(ids, np.int64) - first
    return np.where((rows >= 0) & (rows < n), rows, -1)
