"""Figures across replicates: the mean and the 90% interval (5th to 95th percentile) of every
number in a run's summary and time series, the same way wherever they are computed.

The percentiles use the Weibull plotting position (the k-th of K sorted values stands at
k / (K + 1)), so that the interval covers one more run with the same scenario and a fresh seed
with probability 0.9 once K >= 19. With fewer replicates the interval is the range of the
replicates, which covers a fresh run with probability (K - 1) / (K + 1): 82% at K = 10.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from credsim.results.timeseries import KEY_COLUMNS, with_current_names

__all__ = [
    "HIGH",
    "KEY_COLUMNS",
    "LOW",
    "aggregate_summaries",
    "aggregate_timeseries",
    "expected_coverage",
    "figure_rows",
    "interval",
    "intervals",
    "lookup",
]

LOW, HIGH = 0.05, 0.95
_METHOD = "weibull"


def intervals(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`interval` of each column of `rows` (one row per replicate), e.g. a series per day."""
    x = np.asarray(rows, dtype=np.float64)
    low, high = np.quantile(x, [LOW, HIGH], axis=0, method=_METHOD)
    return low, high


def interval(values: Any) -> tuple[float, float]:
    """The 5th and 95th percentiles of `values` (NaN ignored; NaNs when there are none)."""
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return float("nan"), float("nan")
    low, high = np.quantile(x, [LOW, HIGH], method=_METHOD)
    return float(low), float(high)


def expected_coverage(replicates: int) -> float:
    """The chance that the interval of `replicates` runs covers one fresh run (continuous
    figures; a count that ties with the ends is covered more often)."""
    k = replicates + 1
    low = min(max(LOW * k, 1.0), replicates)
    high = min(max(HIGH * k, 1.0), replicates)
    return round((high - low) / k, 4)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _tidy(x: float) -> float:
    """A float as JSON shows it: ten significant digits, so sums in another order read alike."""
    return float(f"{x:.10g}")


def _merge(values: list[Any]) -> tuple[Any, Any, Any, int]:
    """(mean, p5, p95, replicates reporting) of one node across replicates; p5/p95 are None
    where the node holds no number."""
    present = [v for v in values if v is not _MISSING]
    if any(isinstance(v, dict) for v in present):
        keys: dict[Any, None] = {}
        for v in present:
            if isinstance(v, dict):
                keys.update(dict.fromkeys(v))
        return _merge_children({k: [_child(v, k) for v in present] for k in keys})
    if any(isinstance(v, list) for v in present):
        width = max(len(v) for v in present if isinstance(v, list))
        merged = _merge_children({i: [_child(v, i) for v in present] for i in range(width)})
        mean, low, high = (_as_list(part, width) for part in merged[:3])
        return mean, low, high, merged[3]
    numbers = [float(v) for v in present if _is_number(v)]
    if numbers and all(v == present[0] for v in present):
        return present[0], present[0], present[0], len(present)
    if numbers:
        low, high = interval(numbers)
        mean = float(np.mean(numbers))
        return _tidy(mean), _tidy(low), _tidy(high), len(numbers)
    counts = Counter(repr(v) for v in present)  # the most common value; ties go to the first
    best = max(counts.values())
    return next(v for v in present if counts[repr(v)] == best), None, None, len(present)


_MISSING = object()


def _child(node: Any, key: Any) -> Any:
    if isinstance(node, dict):
        return node.get(key, _MISSING)
    if isinstance(node, list) and isinstance(key, int) and key < len(node):
        return node[key]
    return _MISSING


def _merge_children(children: dict[Any, list[Any]]) -> tuple[Any, Any, Any, int]:
    mean, low, high, fewest = {}, {}, {}, None
    for key, values in children.items():
        m, lo, hi, n = _merge(values)
        mean[key] = m
        if lo is not None:
            low[key], high[key] = lo, hi
        fewest = n if fewest is None else min(fewest, n)
    return mean, (low or None), (high or None), fewest or 0


def _as_list(part: Any, width: int) -> Any:
    if not isinstance(part, dict):
        return part
    return [part.get(i) for i in range(width)]


def aggregate_summaries(summaries: list[dict[str, Any]]) -> tuple[dict, dict, dict, dict]:
    """(mean, p5, p95, partial) of replicate summaries in replicate order: the mean keeps each
    summary's shape (a number equal in every replicate stays as it is, an int stays an int;
    text and flags take their most common value); p5 and p95 hold only the numbers; partial
    names the dotted figures that fewer than all replicates report (their mean and interval
    are over those that do)."""
    mean, low, high, _ = _merge(list(summaries))
    partial: dict[str, int] = {}
    for key, count in _counts(summaries).items():
        if count < len(summaries):
            partial[key] = count
    return mean, low or {}, high or {}, partial


def _counts(summaries: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for summary in summaries:
        for key, _ in figure_rows(summary):
            counts[key] = counts.get(key, 0) + 1
    return counts


def figure_rows(node: Any, prefix: str = "") -> list[tuple[str, float]]:
    """(dotted key, value) of every number in a summary (list items by index)."""
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return [(prefix, float(node))] if _is_number(node) else []
    rows = []
    for key, value in items:
        rows += figure_rows(value, f"{prefix}.{key}" if prefix else str(key))
    return rows


def lookup(tree: Any, *path: Any) -> Any:
    """tree[path[0]][path[1]]... or None where a step is missing."""
    for key in path:
        if isinstance(tree, dict):
            tree = tree.get(key)
        elif isinstance(tree, list) and isinstance(key, int) and key < len(tree):
            tree = tree[key]
        else:
            return None
    return tree


def aggregate_timeseries(frames: list[pd.DataFrame]) -> tuple[pd.DataFrame, ...]:
    """(mean, p5, p95) of replicate time series, row by row (day, and group where the series
    is by group): three frames with the same rows and columns; a row some replicates lack is
    aggregated over those that have it."""
    frames = [with_current_names(f) for f in frames]
    keys = [c for c in KEY_COLUMNS if c in frames[0].columns]
    index = pd.concat([f[keys] for f in frames], ignore_index=True).drop_duplicates()
    index = index.reset_index(drop=True)
    values = [c for c in frames[0].columns if c not in keys]
    numeric = [c for c in values if pd.api.types.is_numeric_dtype(frames[0][c])]
    numeric = [c for c in numeric if not pd.api.types.is_bool_dtype(frames[0][c])]
    stack = np.empty((len(frames), len(index), len(numeric)), dtype=np.float64)
    for i, frame in enumerate(frames):
        aligned = index.merge(frame, on=keys, how="left")
        stack[i] = aligned[numeric].to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a row no replicate has: NaN
            mean = np.nanmean(stack, axis=0)
            low, high = quantiles(stack, [LOW, HIGH])
    first = index.merge(frames[0], on=keys, how="left")
    out = []
    for data in (mean, low, high):
        frame = first.copy()
        frame[numeric] = data
        out.append(frame[[*keys, *values]])
    return tuple(out)


def quantiles(stack: np.ndarray, q: list[float]) -> np.ndarray:
    """`np.nanquantile(stack, q, axis=0)` with this module's method, vectorised: NumPy's goes
    cell by cell in Python once any value is NaN (minutes for a long run's time series by group),
    so only the cells that hold a NaN take that path; the others are the same numbers."""
    out = np.quantile(stack, q, axis=0, method=_METHOD)
    holes = np.isnan(stack).any(axis=0)
    if holes.any():
        out[:, holes] = np.nanquantile(stack[:, holes], q, axis=0, method=_METHOD)
    return out
