"""Two finished runs side by side: their headline figures and the scenario keys that differ.

Runs of different sizes (citizens or days) are compared as rates: counts of people per 100,000
citizens, counts of events per 100,000 citizens a year; means, shares and indices as they are.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from credsim.results import Results

__all__ = ["HEADLINES", "PER", "compare_runs", "flatten", "unit_of"]

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

PER = 100_000
"""Rates are per this many citizens."""

PEOPLE = f"per {PER:,} citizens"
EVENTS = f"per {PER:,} citizens a year"
LEVEL = "as is"
SIZE = "size of the run"

_SKIP = {"by_group"}
_SIZE = {"citizens", "days", "people_per_agent", "seed", "agents"}
# Counts of people (at the end, or ever reached during the run): a rate per citizen, no year.
_PEOPLE = re.compile(
    r"(^|\.)(sanctioned\w*|internet_access_denied|numbers_in_others_names_active"
    r"|score_loss_by_association|gaming_buyers|\w*people\w*|speech_fear_learned|citizens"
    r"|buyers|lost_wrongfully)$"
)
_PEOPLE_PARENTS = re.compile(r"(^|\.)(perks\.[^.]+|sanctioned_wrongful_reasons)\.[^.]+$")
# Means, shares, indices, ratios and the like: comparable whatever the size.
_LEVEL = re.compile(
    r"(^|\.)(\w*_mean|\w*_gini|\w*_share|\w*_index|\w*_per_\w+|ratio|\w*_ratio|share)$"
    r"|(^|\.)(grade_shares?|isolation|score_mean|score_gini|grade_share|trust_index)\."
    r"|^(calibration|plausibility)\."
)


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


def unit_of(figure: str) -> str:
    """How a figure is compared between runs of different sizes: SIZE, LEVEL (as it is),
    PEOPLE (per 100,000 citizens) or EVENTS (per 100,000 citizens a year)."""
    tail = figure
    if figure.startswith("by_year."):  # by_year.<year>.<figure>
        tail = figure.split(".", 2)[2] if figure.count(".") >= 2 else ""
    if tail in _SIZE:
        return SIZE
    if _LEVEL.search(tail):
        return LEVEL
    if _PEOPLE.search(tail) or _PEOPLE_PARENTS.search(tail):
        return PEOPLE
    return EVENTS


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _rate(summary: dict[str, Any], flat: dict[str, Any], figure: str, unit: str) -> float | None:
    """A figure of one run as the rate its unit names (None when it is not a number)."""
    value = _number(flat.get(figure))
    if value is None or unit in (SIZE, LEVEL):
        return value
    citizens = _number(summary.get("citizens")) or 0.0
    if citizens <= 0:
        return None
    rate = value / citizens * PER
    if unit == PEOPLE:
        return rate
    days = _number(summary.get("days")) or 0.0
    if figure.startswith("by_year."):  # a calendar year of the run: its own days
        days = _number(flat.get(".".join([*figure.split(".")[:2], "days"]))) or 0.0
    return rate * 365 / days if days > 0 else None


def _sizes(summary: dict[str, Any]) -> tuple[Any, Any]:
    return summary.get("citizens"), summary.get("days")


def compare_runs(a: Results, b: Results) -> dict[str, Any]:
    """Rows of (figure, unit, a, b, their rates, difference, ratio) and the scenario keys whose
    values differ. When the runs differ in citizens or days (`scaled`), the difference and ratio
    are of the rates; otherwise of the figures themselves. `note` says which, for the page."""
    left, right = flatten(a.summary), flatten(b.summary)
    order = [k for k in HEADLINES if k in left or k in right]
    order += sorted((set(left) | set(right)) - set(order))
    scaled = _sizes(a.summary) != _sizes(b.summary)
    rows = []
    for key in order:
        unit = unit_of(key)
        va, vb = left.get(key), right.get(key)
        ra, rb = _rate(a.summary, left, key, unit), _rate(b.summary, right, key, unit)
        na, nb = (ra, rb) if scaled and unit != SIZE else (_number(va), _number(vb))
        diff = None if na is None or nb is None else nb - na
        ratio = None if diff is None or not na else nb / na
        rows.append(
            {
                "figure": key,
                "unit": unit,
                "a": va,
                "b": vb,
                "a_rate": ra,
                "b_rate": rb,
                "difference": diff,
                "ratio": ratio,
            }
        )
    scen_a = flatten(tomllib.loads(a.scenario_text()))
    scen_b = flatten(tomllib.loads(b.scenario_text()))
    differs = [
        {"key": k, "a": scen_a.get(k), "b": scen_b.get(k)}
        for k in sorted(set(scen_a) | set(scen_b))
        if scen_a.get(k) != scen_b.get(k)
    ]
    return {
        "a": a.path.name,
        "b": b.path.name,
        "scaled": scaled,
        "note": _note(a.summary, b.summary, scaled),
        "figures": rows,
        "scenario_differences": differs,
    }


def _note(a: dict[str, Any], b: dict[str, Any], scaled: bool) -> str:
    def size(summary: dict[str, Any]) -> str:
        citizens, days = _sizes(summary)
        return f"{citizens:,} citizens over {days:,} days" if citizens and days else "?"

    if not scaled:
        return (
            f"Both runs have {size(a)}: figures are compared as they are "
            "(B − A and B / A of the counts themselves)."
        )
    return (
        f"A has {size(a)} and B {size(b)}: counts are compared as rates, so B − A and B / A are "
        f"of the rates. Counts of people (such as sanctioned) are {PEOPLE}; counts of events "
        f"(acts, records, listings, refusals, person-days) are {EVENTS} (by_year figures use "
        "the days of their year); means, shares and indices are compared as they are. "
        "A count of people over runs of different lengths is not adjusted for the length."
    )
