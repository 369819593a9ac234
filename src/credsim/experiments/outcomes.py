"""Outcomes of a sweep: figures read from each run's summary.json by dotted key, and their
per-point means with 95% confidence intervals across replicates."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from credsim.errors import did_you_mean

__all__ = ["Outcome", "find_outcome_problem", "outcome_value", "point_summaries"]

Goal = Literal["maximize", "minimize", "info"]


@dataclass(frozen=True)
class Outcome:
    """A figure kept from every run: its column name, dotted summary key and whether more is
    better (EMA Workbench's ScalarOutcome kinds)."""

    name: str
    key: str
    goal: Goal = "info"


def _walk(summary: dict[str, Any], key: str) -> Any:
    node: Any = summary
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(key)
        node = node[part]
    return node


def outcome_value(summary: dict[str, Any], key: str) -> float | None:
    """The number at `key` in a run summary, as a float; None when the run has no such figure."""
    try:
        value = _walk(summary, key)
    except KeyError:
        return None
    if isinstance(value, bool | int | float):
        return float(value)
    return None


def _numeric_keys(node: dict[str, Any], prefix: str = "", limit: int = 12) -> list[str]:
    found: list[str] = []
    for name, value in node.items():
        if isinstance(value, bool | int | float):
            found.append(prefix + name)
        if len(found) >= limit:
            break
    return found


def find_outcome_problem(summary: dict[str, Any], key: str) -> str | None:
    """Why `key` names no number in `summary` (with the nearest valid key), or None if it does."""
    node: Any = summary
    parts = key.split(".")
    for depth, part in enumerate(parts):
        where = ".".join(parts[:depth])
        if not isinstance(node, dict):
            return f"{where!r} is a number, not a table, so it has no key {part!r}."
        if part not in node:
            did = did_you_mean(part, list(node), sentence=True)
            inside = f" in {where!r}" if where else ""
            shown = _numeric_keys(node, f"{where}." if where else "")
            listing = f" Figures here include: {', '.join(shown)}." if shown else ""
            return f"a run's summary.json has no {part!r}{inside}.{did}{listing}"
        node = node[part]
    if isinstance(node, dict):
        shown = _numeric_keys(node, f"{key}.") or [f"{key}.{k}" for k in list(node)[:6]]
        examples = ", ".join(shown)
        return f"{key!r} is a table, not a number; name one of its figures, e.g. {examples}."
    if not isinstance(node, bool | int | float):
        return f"{key!r} is {type(node).__name__} {node!r}, not a number."
    return None


def _interval(values: np.ndarray) -> dict[str, float | int | None]:
    from scipy import stats

    values = values[~np.isnan(values)]
    n = int(values.size)
    if n == 0:
        return {"n": 0, "mean": None, "std": None, "ci95_low": None, "ci95_high": None}
    mean = float(values.mean())
    if n == 1:
        return {"n": 1, "mean": mean, "std": None, "ci95_low": None, "ci95_high": None}
    std = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1)) * std / math.sqrt(n)
    return {"n": n, "mean": mean, "std": std, "ci95_low": mean - half, "ci95_high": mean + half}


def point_summaries(
    table: pd.DataFrame, parameters: list[str], outcomes: list[str]
) -> list[dict[str, Any]]:
    """Per design point: its parameter values, replicates, and for each outcome the mean, standard
    deviation and Student-t 95% confidence interval of the mean across replicates."""
    rows = []
    for point, group in table.sort_values(["point", "replicate"]).groupby("point", sort=True):
        first = group.iloc[0]
        rows.append(
            {
                "point": int(point),
                "parameters": {name: _plain(first[name]) for name in parameters},
                "replicates": len(group),
                "outcomes": {
                    name: _interval(group[name].to_numpy(dtype=np.float64)) for name in outcomes
                },
            }
        )
    return rows


def _plain(value: Any) -> Any:
    """A JSON-ready scalar from a pandas/numpy cell."""
    if isinstance(value, np.generic):
        return value.item()
    return value
