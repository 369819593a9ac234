"""Two finished runs side by side: their headline figures and the scenario keys that differ."""

from __future__ import annotations

import tomllib
from typing import Any

from credsim.results import Results

__all__ = ["HEADLINES", "compare_runs", "flatten"]

HEADLINES = [
    "citizens",
    "days",
    "acts_total",
    "records_total",
    "records_misattributed",
    "records_fabricated",
    "listed_total",
    "sanctioned",
    "sanctioned_wrongful",
    "wrongful_sanction_days",
    "sanctioned_touched_by_wrong_record",
    "refused_wrongful",
    "blocked_flights",
    "blocked_trains",
    "score_mean",
    "score_gini",
    "appeals_filed",
    "appeals_won",
    "speech_acts",
    "speech_suppressed",
]
"""Figures shown first, in this order (names from the metrics glossary)."""

_SKIP = {"by_group"}


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested tables -> dotted keys; breakdowns by group are left out (the report has them)."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key in _SKIP or key.endswith("_by_group"):
            continue
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{dotted}."))
        else:
            out[dotted] = value
    return out


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def compare_runs(a: Results, b: Results) -> dict[str, Any]:
    """Rows of (figure, a, b, b - a, b / a) and the scenario keys whose values differ."""
    left, right = flatten(a.summary), flatten(b.summary)
    order = [k for k in HEADLINES if k in left or k in right]
    order += sorted((set(left) | set(right)) - set(order))
    rows = []
    for key in order:
        va, vb = left.get(key), right.get(key)
        na, nb = _number(va), _number(vb)
        diff = None if na is None or nb is None else nb - na
        ratio = None if diff is None or not na else nb / na
        rows.append({"figure": key, "a": va, "b": vb, "difference": diff, "ratio": ratio})
    scen_a = flatten(tomllib.loads(a.scenario_text()))
    scen_b = flatten(tomllib.loads(b.scenario_text()))
    differs = [
        {"key": k, "a": scen_a.get(k), "b": scen_b.get(k)}
        for k in sorted(set(scen_a) | set(scen_b))
        if scen_a.get(k) != scen_b.get(k)
    ]
    return {"a": a.path.name, "b": b.path.name, "figures": rows, "scenario_differences": differs}
