"""Sections on mechanisms that are switched on per scenario: exclusion, gaming, trust, adversaries.

Each applies when the summary holds its keys (see docs/report.md for the keys each reads).
"""

from __future__ import annotations

import numpy as np

from credsim.results.intervals import intervals
from credsim.results.rates import poisson_intervals

from .figures_mechanisms import (
    ADVERSARY_COUNTS,
    DIMS,
    adversaries,
    exclusion,
    exclusion_over_time,
    gaming_price,
    gaming_services,
    point_price,
    service_measure,
    trust,
)
from .run import RunData
from .section import Block, Plot, Section
from .spread import (
    Interval,
    across_replicates,
    count_interval,
    counted_by_group,
    poisson_bounds,
    spread_of_counts,
    wilson_bounds,
)
from .tables import details, group_table, table

__all__ = ["ADVERSARY_KEYS", "MECHANISM_SECTIONS"]

ADVERSARY_KEYS = (
    "lender_listings",
    "lender_listings_detected",
    "broker_people_exposed_by_group",
    "breach_people_exposed",
    "insider_edits",
)


def _exclusion(run: RunData) -> list[Block]:
    s = run.summary
    view = counted_by_group("ties_cut_by_group", "ties", "ties_cut")
    spread, which = spread_of_counts(run, view, "ties", 1e3, DIMS, events=True)
    shares = {k: run.interval("isolation", k) for k in s.get("isolation") or {}}
    share_note = (
        f"with the 90% interval across {run.replicates} replicates"
        if run.replicates
        else "one run's means, which carry no interval"
    )
    caption = (
        "Mean share of a citizen's friend ties cut: for the listed, their families and everyone "
        f"else (left; {share_note}); ties cut in each group per 1,000 people, with {which} "
        "(right)."
    )
    out: list[Block] = [
        Plot("exclusion", caption, lambda: exclusion(s, spread.bounds, shares)),
        f"<p>{s['ties_cut']:,} friend ties were cut over the run{_reasons(s)}.</p>",
    ]
    by_day = s.get("ties_cut_by_day")
    first = run.warmup_days
    if isinstance(by_day, list) and len(by_day) > first:
        since = "the end of the warm-up" if first else "the start of the run"
        band, which = _cumulative_band(run, "ties_cut_by_day", first)
        caption = (
            f"Friend ties cut since {since}, day by day (band: {which})." + run.warmup_caption()
        )
        draw = lambda: exclusion_over_time(by_day[first:], first, band)  # noqa: E731
        out.insert(1, Plot("exclusion-over-time", caption, draw))
    by = s.get("ties_cut_by_group")
    if isinstance(by, dict) and by:
        rows = [
            [f"{dim}: {label}", n] for dim, labels in by.items() if isinstance(labels, dict)
            for label, n in labels.items()
        ]  # fmt: skip
        out.append(details("Ties cut by group", table(["Group", "Ties cut"], rows)))
    return out


def _cumulative_band(
    run: RunData, key: str, first: int
) -> tuple[tuple[np.ndarray, np.ndarray] | None, str]:
    """A daily series' running total from `first`, as a band: the 90% interval across the
    replicates' own running totals, or in one run the exact 95% Poisson interval of the
    simulated events so far (in people)."""
    series = [r.get(key) for r in run.replicate_summaries]
    if series and all(isinstance(v, list) and len(v) > first for v in series):
        totals = np.cumsum(np.asarray([v[first:] for v in series], np.float64), axis=1)
        return intervals(totals), f"90% of {run.replicates} replicates"
    values = run.summary.get(key)
    if not isinstance(values, list):
        return None, "none"
    k = float(run.summary.get("people_per_agent") or 1)
    low, high = poisson_intervals(np.cumsum(np.asarray(values[first:], np.float64)) / k)
    return (low * k, high * k), "the exact 95% Poisson interval of the simulated ties cut so far"


def _reasons(s: dict) -> str:
    """Why ties were cut, as a clause to the sentence on how many were."""
    why = s.get("ties_cut_by_reason")
    if not isinstance(why, dict) or not why:
        return ""
    own, kin = why.get("low_score", 0), why.get("family_of_low_scorer", 0)
    return (
        f": {own:,} by a friend who saw the other's low score, {kin:,} by a friend who saw the "
        "low score of someone in the other's household"
    )


def _gaming(run: RunData) -> list[Block]:
    s = run.summary
    out: list[Block] = [
        f"<p>{s['points_bought']:,} score points were bought for "
        f"{s.get('gaming_cost', 0):,.0f} yuan.</p>"
    ]
    if isinstance(s.get("gaming_by_income"), dict) and s["gaming_by_income"]:
        out.append(
            Plot(
                "gaming-price",
                "The price of a better score by income band: yuan paid per score point (left) "
                "and the share of each income quintile that bought points (right); "
                + _gaming_note(run),
                lambda: gaming_price(s, *_gaming_bounds(run)),
            )
        )
        fields = [("buyers", "Buyers"), ("purchases", "Purchases"), ("points_bought", "Points"),
                  ("yuan", "Yuan"), ("points_per_yuan", "Points per yuan"),
                  ("penalty_points", "Penalty points")]  # fmt: skip
        bands = {b: v for b, v in s["gaming_by_income"].items() if isinstance(v, dict)}
        have = [(k, h) for k, h in fields if any(k in v for v in bands.values())]
        rows = [[band, *(v.get(k) for k, _ in have)] for band, v in bands.items()]
        out.append(table(["Income quintile", *(h for _, h in have)], rows))
    if isinstance(s.get("gaming_by_service"), dict) and s["gaming_by_service"]:
        out.append(
            Plot(
                "gaming-services",
                "What each gaming service sold: score points bought (or purchases where points "
                "are not counted per service), with buyers, yuan paid and the share caught; "
                + _services_note(run),
                lambda: gaming_services(s, _service_bounds(run)),
            )
        )
    return out


def _buyer_shares(summary: dict) -> dict[str, float]:
    income = (summary.get("by_group") or {}).get("income") or {}
    return {
        band: 100 * row.get("buyers", 0) / income[band]["citizens"]
        for band, row in (summary.get("gaming_by_income") or {}).items()
        if isinstance(row, dict) and (income.get(band) or {}).get("citizens")
    }


def _gaming_bounds(run: RunData) -> tuple[dict[str, Interval], dict[str, Interval]]:
    """Intervals of the price per point and of the % who bought, by income band."""
    if run.replicates:
        prices = lambda r: {b: point_price(v) for b, v in r.get("gaming_by_income", {}).items()}  # noqa: E731
        return across_replicates(run, prices), across_replicates(run, _buyer_shares)
    k = float(run.summary.get("people_per_agent") or 1)
    income = (run.summary.get("by_group") or {}).get("income") or {}
    buyers = {}
    for band, row in run.summary["gaming_by_income"].items():
        n = (income.get(band) or {}).get("citizens")
        if n and isinstance(row, dict):
            low, high = wilson_bounds(row.get("buyers", 0), n, k)
            buyers[band] = (100 * low, 100 * high)
    return {}, buyers


def _gaming_note(run: RunData) -> str:
    if run.replicates:
        return f"whiskers: the 90% interval across {run.replicates} replicates."
    return (
        "whiskers on the buyers: 95% Wilson intervals of the simulated people; one run's price "
        "per point carries no interval."
    )


def _service_bounds(run: RunData) -> dict[str, Interval]:
    services = run.summary["gaming_by_service"]
    field, _ = service_measure(services)
    if run.replicates:
        return across_replicates(
            run, lambda r: {n: v.get(field, 0) for n, v in r.get("gaming_by_service", {}).items()}
        )
    if field != "purchases":
        return {}
    k = float(run.summary.get("people_per_agent") or 1)
    return {n: poisson_bounds(float(v.get(field, 0)), k) for n, v in services.items()}


def _services_note(run: RunData) -> str:
    if run.replicates:
        return f"whiskers: the 90% interval across {run.replicates} replicates."
    field, _ = service_measure(run.summary["gaming_by_service"])
    if field == "purchases":
        return "whiskers: 95% Poisson intervals of the simulated purchases."
    return "one run's points or yuan carry no interval (the replicates of a scenario give one)."


def _trust(run: RunData) -> list[Block]:
    has_ts = "trust_index" in run.timeseries_columns and "day" in run.timeseries_columns
    by_group = "; at the right, by the asker's group" if run.summary.get("help_by_group") else ""
    caption = (
        "The trust index (0 = nobody helps a stranger, 1 = everyone does) "
        + ("day by day" if has_ts else "at the end of the run")
        + f", with help given against help asked for{by_group}."
        + (run.warmup_caption() if has_ts else "")
    )
    view = lambda s: {**s, "by_group": s.get("help_by_group") or {}}  # noqa: E731
    spread, which = spread_of_counts(run, view, "help_given", 1, DIMS, of="help_requests")
    band = _trust_band(run, has_ts)
    if run.replicates:
        caption += f" Whiskers and band: the 90% interval across {run.replicates} replicates."
    else:
        day = "; the day-by-day index of one run carries no band" if has_ts else ""
        caption += f" Whiskers: {which} of help given per request, on the simulated people{day}."
    keys = {"help_requests": "Requests for help", "help_given": "Help given",
            "trust_index": "Trust index at the end"}  # fmt: skip
    rows = [[label, run.summary[k]] for k, label in keys.items() if k in run.summary]
    ts = run.timeseries if has_ts else None
    return [
        Plot("trust", caption, lambda: trust(ts, run.summary, spread.bounds, band)),
        table(["Helping strangers", "Value"], rows),
    ]


def _trust_band(run: RunData, has_ts: bool) -> tuple | None:
    """The trust index's interval: day by day across replicates, else the end value's."""
    if has_ts:
        low, high = run.timeseries_bound("p5"), run.timeseries_bound("p95")
        if low is None or high is None or "trust_index" not in low or "trust_index" not in high:
            return None
        return low["trust_index"].to_numpy(), high["trust_index"].to_numpy()
    if run.replicates:
        return run.interval("trust_index")
    s, k = run.summary, float(run.summary.get("people_per_agent") or 1)
    if not s.get("help_requests"):
        return None
    return wilson_bounds(s.get("help_given") or 0, s["help_requests"], k)


def _adversaries(run: RunData) -> list[Block]:
    s = run.summary
    bounds = {key: count_interval(run, key, key != "breaches") for key in ADVERSARY_COUNTS}
    view = counted_by_group("broker_people_exposed_by_group", "exposed", "broker_people_exposed")
    spread, which = spread_of_counts(run, view, "exposed", 1e5, DIMS)
    one = "90% intervals across the replicates" if run.replicates else "95% Poisson intervals"
    caption = (
        "What adversaries did over the run (left): listings planted by lenders and how many were "
        "detected, records sold by brokers, breaches, insider edits, with "
        f"{one}; people whose records brokers sold, per 100,000 in each group, with {which} "
        "(right)."
    )
    out: list[Block] = [Plot("adversaries", caption, lambda: adversaries(s, bounds, spread.bounds))]
    for key, what in (("broker_people_exposed_by_group", "Exposed by brokers"),
                      ("breach_people_exposed_by_group", "Exposed in breaches")):  # fmt: skip
        by = s.get(key)
        if isinstance(by, dict) and by:
            nested = {d: {k: {"n": v} for k, v in labels.items()} for d, labels in by.items()}
            rows = group_table(nested, [("n", "")], skip=())
            out.append(details(f"{what}, by group", table(["Group", "People"], rows)))
    return out


MECHANISM_SECTIONS = [
    Section(
        "exclusion",
        "Social exclusion",
        lambda run: isinstance(run.summary.get("ties_cut"), int | float),
        _exclusion,
        "Citizens drop friends whose scores or listings could cost them points.",
    ),
    Section(
        "gaming",
        "Buying a better score",
        lambda run: isinstance(run.summary.get("points_bought"), int | float),
        _gaming,
    ),
    Section(
        "trust",
        "Helping strangers",
        lambda run: isinstance(run.summary.get("trust_index"), int | float),
        _trust,
    ),
    Section(
        "adversaries",
        "Adversaries",
        lambda run: any(k in run.summary for k in ADVERSARY_KEYS),
        _adversaries,
    ),
]
