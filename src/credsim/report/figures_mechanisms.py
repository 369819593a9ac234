"""Figures of the behavioural and adversarial mechanisms: exclusion, gaming, trust, adversaries.

Each takes the summary dict (and the timeseries for trust) in the format of the metrics glossary
and draws what the keys say; the report calls them only when the keys are present.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from .style import (
    DIM_NAMES,
    GREY,
    OKABE_ITO,
    PEOPLE,
    WHITE,
    figure,
    time_axis,
    time_of,
    whiskers,
)

__all__ = [
    "adversaries",
    "exclusion",
    "exclusion_over_time",
    "gaming_price",
    "gaming_services",
    "point_price",
    "service_measure",
    "trust",
]

ISOLATION = {
    "listed": "Listed themselves",
    "family_of_listed": "Family of the listed",
    "others": "Everyone else",
}
DIMS = ("sex", "age_band", "urban", "group", "education", "income")


def _group_rows(counts: dict, by_group: dict, per: float) -> list[tuple[str, str, float]]:
    """(dim, label, count per `per` people, or the raw count when group sizes are unknown)."""
    rows = []
    for dim in [d for d in DIMS if d in counts] + sorted(set(counts) - set(DIMS) - {"province"}):
        for label, value in (counts[dim] or {}).items():
            size = ((by_group.get(dim) or {}).get(label) or {}).get("citizens")
            rows.append((dim, str(label), per * value / size if size else float(value)))
    return rows


def _group_barh(
    ax,
    rows: list[tuple[str, str, float]],
    xlabel: str,
    fmt: str = "{:,.1f}",
    bounds: dict[str, dict[str, tuple[float, float]]] | None = None,
) -> None:
    """Bars by group; with `bounds` (dim -> label -> interval), each bar carries its interval."""
    dims = list(dict.fromkeys(d for d, *_ in rows))
    colors = {d: OKABE_ITO[i % len(OKABE_ITO)] for i, d in enumerate(dims)}
    y = np.arange(len(rows))[::-1]
    bars = ax.barh(y, [v for *_, v in rows], color=[colors[d] for d, *_ in rows], height=0.62)
    if bounds:
        whiskers(ax, y, [v for *_, v in rows], [(bounds.get(d) or {}).get(g) for d, g, _ in rows])
    ax.bar_label(bars, fmt=fmt, padding=3, fontsize=7, bbox=WHITE)
    ax.set_yticks(y, [f"{DIM_NAMES.get(d, d)}: {label}" for d, label, _ in rows], fontsize=7.5)
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.18)
    ax.set_xlim(left=0)
    ax.set_ylim(-0.7, len(rows) - 0.3 if len(rows) > 4 else 3.7)
    ax.xaxis.set_major_formatter(PEOPLE)
    ax.set_xlabel(xlabel)


def exclusion(
    summary: dict,
    bounds: dict[str, dict[str, tuple[float, float]]] | None = None,
    share_bounds: dict[str, tuple[float, float] | None] | None = None,
) -> Figure:
    """Share of friend ties cut for the listed, their families and others; ties cut by group.
    With `bounds` (dim -> label -> interval of ties cut per 1,000) and `share_bounds` (isolation
    key -> interval of the share, 0-1), bars carry their intervals."""
    isolation = summary.get("isolation") or {}
    by = summary.get("ties_cut_by_group") or {}
    rows = _group_rows(by, summary.get("by_group") or {}, 1e3) if by else []
    fig = figure(width=7.6, height=max(3.0, 0.9 + 0.17 * len(rows)))
    ratios = (1, 1.3) if rows else (1,)
    axes = fig.subplots(1, len(ratios), squeeze=False, width_ratios=ratios)[0]
    keys = [k for k in ISOLATION if k in isolation] + sorted(set(isolation) - set(ISOLATION))
    x = np.arange(len(keys))
    shares = [100 * float(isolation[k]) if isolation[k] is not None else 0.0 for k in keys]
    colors = [*(OKABE_ITO[3], OKABE_ITO[1], OKABE_ITO[0]), *[GREY] * len(keys)][: len(keys)]
    bars = axes[0].bar(x, shares, color=colors, width=0.6)
    if share_bounds:
        scaled = [share_bounds.get(k) for k in keys]
        scaled = [(100 * b[0], 100 * b[1]) if b else None for b in scaled]
        whiskers(axes[0], x, shares, scaled, horizontal=False)
    texts = [
        f"{v:.1f}%" if isolation[k] is not None else "nobody"
        for k, v in zip(keys, shares, strict=True)
    ]
    axes[0].bar_label(bars, labels=texts, padding=2, fontsize=8)
    axes[0].set_xticks(x, [ISOLATION.get(k, k).replace(" ", "\n", 1) for k in keys])
    axes[0].grid(axis="x", visible=False)
    axes[0].set_ylim(0, max([*shares, 1]) * 1.2)
    axes[0].set_ylabel("Friend ties cut (mean % of a citizen's)")
    if rows:
        sized = bool(summary.get("by_group") or {})
        label = "Ties cut per 1,000 people" if sized else "Ties cut"
        _group_barh(axes[1], rows, label, bounds=bounds if sized else None)
    return fig


def exclusion_over_time(
    ties_by_day: list[float],
    first_day: int = 0,
    band: tuple[np.ndarray, np.ndarray] | None = None,
) -> Figure:
    """Friend ties cut, cumulated day by day from `first_day` (the day of the first value); with
    `band` (low and high cumulative counts), the line in its band."""
    fig = figure(height=2.6)
    ax = fig.add_subplot()
    days = first_day + np.arange(len(ties_by_day))
    ax.plot(days, np.cumsum(np.asarray(ties_by_day, dtype=float)), color=OKABE_ITO[3], lw=1.6)
    if band is not None:
        ax.fill_between(days, band[0], band[1], color=OKABE_ITO[3], alpha=0.2, lw=0)
    ax.set_xlim(first_day, max(days[-1] if len(days) else first_day, first_day + 1))
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(PEOPLE)
    ax.set_xlabel("Day")
    ax.set_ylabel("Friend ties cut so far")
    return fig


def _income_bands(gaming: dict) -> list[str]:
    return sorted(gaming, key=lambda b: (len(b), b))


def point_price(row: dict) -> float:
    """Yuan paid per score point in one income band's row of `gaming_by_income` (NaN: none)."""
    ppy = row.get("points_per_yuan")
    if not ppy and row.get("points_bought"):
        ppy = row["points_bought"] / row["yuan"] if row.get("yuan") else None
    return 1 / ppy if ppy else np.nan


def gaming_price(
    summary: dict,
    price_bounds: dict[str, tuple[float, float]] | None = None,
    buyer_bounds: dict[str, tuple[float, float]] | None = None,
) -> Figure:
    """The price of a better score by income band: yuan per point, and who buys; with bounds
    (band -> interval of the price, of the % who bought), bars carry their intervals."""
    gaming = summary["gaming_by_income"]
    bands = _income_bands(gaming)
    income = ((summary.get("by_group") or {}).get("income")) or {}
    x = np.arange(len(bands))
    fig = figure(width=7.6, height=3.2)
    price_ax, buyers_ax = fig.subplots(1, 2)
    price = [point_price(gaming[b]) for b in bands]
    bars = price_ax.bar(x, price, color=OKABE_ITO[0], width=0.62)
    if price_bounds:
        whiskers(price_ax, x, price, [price_bounds.get(b) for b in bands], horizontal=False)
    price_ax.bar_label(
        bars,
        labels=[f"{p:,.1f}" if np.isfinite(p) else "none" for p in price],
        padding=2,
        fontsize=8,
    )
    price_ax.set_ylabel("Yuan paid per score point")
    price_ax.set_title("What a point costs", loc="left", fontweight="bold")
    sizes = [(income.get(b) or {}).get("citizens") for b in bands]
    if all(sizes):
        share = [100 * gaming[b].get("buyers", 0) / s for b, s in zip(bands, sizes, strict=True)]
        ylabel = "Citizens who bought points (%)"
        fmt = "{:.2f}%"
    else:
        share = [gaming[b].get("buyers", 0) for b in bands]
        ylabel, fmt = "Citizens who bought points", "{:,.0f}"
    bars = buyers_ax.bar(x, share, color=OKABE_ITO[1], width=0.62)
    if buyer_bounds and all(sizes):
        whiskers(buyers_ax, x, share, [buyer_bounds.get(b) for b in bands], horizontal=False)
    buyers_ax.bar_label(bars, fmt=fmt, padding=2, fontsize=8)
    buyers_ax.set_ylabel(ylabel)
    buyers_ax.set_title("Who buys", loc="left", fontweight="bold")
    for ax in (price_ax, buyers_ax):
        ax.set_xticks(x, bands)
        ax.grid(axis="x", visible=False)
        ax.set_xlabel("Income quintile (q1 poorest)")
        ax.margins(y=0.15)
    return fig


SERVICE_MEASURES = (
    ("points_bought", "Score points bought"),
    ("purchases", "Purchases"),
    ("yuan", "Yuan paid"),
)


def service_measure(services: dict) -> tuple[str, str]:
    """The measure drawn per gaming service: points bought, else purchases, else yuan."""
    return next(
        (m for m in SERVICE_MEASURES if any(m[0] in v for v in services.values())),
        SERVICE_MEASURES[0],
    )


def gaming_services(summary: dict, bounds: dict[str, tuple[float, float]] | None = None) -> Figure:
    """Per gaming service: points bought (else purchases, else yuan), with what else is known;
    with `bounds` (service -> interval), bars carry their intervals."""
    services = summary["gaming_by_service"]
    field, xlabel = service_measure(services)
    names = sorted(services, key=lambda s: (-float(services[s].get(field, 0)), s))
    fig = figure(height=1.0 + 0.4 * len(names))
    ax = fig.add_subplot()
    y = np.arange(len(names))[::-1]
    values = [float(services[s].get(field, 0)) for s in names]
    bars = ax.barh(y, values, color=OKABE_ITO[2], height=0.6)
    if bounds:
        whiskers(ax, y, values, [bounds.get(s) for s in names])
    ax.bar_label(bars, labels=[_service_label(services[s]) for s in names], padding=3,
                 fontsize=7.5, bbox=WHITE)  # fmt: skip
    ax.set_yticks(y, [s.replace("_", " ") for s in names])
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.6)
    ax.set_xlim(left=0)
    ax.xaxis.set_major_formatter(PEOPLE)
    ax.set_xlabel(xlabel)
    return fig


def _service_label(row: dict) -> str:
    parts = []
    for key, unit in (("points_bought", "points"), ("buyers", "buyers"),
                      ("purchases", "purchases"), ("yuan", "yuan")):  # fmt: skip
        if isinstance(row.get(key), int | float):
            parts.append(f"{row[key]:,.0f} {unit}")
    if row.get("buyers") and isinstance(row.get("caught"), int | float):
        parts.append(f"{row['caught'] / row['buyers']:.0%} caught")
    return ", ".join(parts)


def trust(
    ts: pd.DataFrame | None,
    summary: dict,
    bounds: dict[str, dict[str, tuple[float, float]]] | None = None,
    band: tuple[pd.Series, pd.Series] | tuple[float, float] | None = None,
) -> Figure:
    """The trust index day by day (or at the end), with help given against help asked for;
    the index by group at the right when the summary has `help_by_group`. With `bounds`
    (dim -> label -> interval), group bars carry their intervals; with `band` (low, high: day by
    day, or the end value's), the index carries its interval."""
    by = summary.get("help_by_group") or {}
    rows = [
        (dim, str(label), float(v["trust_index"]))
        for dim in [d for d in DIMS if d in by]
        for label, v in (by[dim] or {}).items()
        if isinstance(v, dict) and isinstance(v.get("trust_index"), int | float)
    ]
    fig = figure(height=max(3.0, 0.9 + 0.17 * len(rows)) if rows else 3.0)
    axes = fig.subplots(
        1, 2 if rows else 1, squeeze=False, width_ratios=(1.3, 1)[: 2 if rows else 1]
    )[0]
    ax = axes[0]
    if ts is not None and "trust_index" in ts and len(ts):
        x = time_of(ts)
        ax.plot(x, ts["trust_index"], color=OKABE_ITO[0], linewidth=1.6)
        if band is not None and len(np.atleast_1d(band[0])) == len(x):
            ax.fill_between(x, band[0], band[1], color=OKABE_ITO[0], alpha=0.2, lw=0)
        time_axis(ax, x)
    else:
        ax.bar([0], [summary["trust_index"]], color=OKABE_ITO[0], width=0.4)
        if band is not None and np.ndim(band[0]) == 0:
            whiskers(ax, [0], [summary["trust_index"]], [band], horizontal=False)  # type: ignore[list-item]
        ax.set_xticks([0], ["end of run"])
    ax.set_ylim(0, 1)
    ax.set_ylabel("Trust index (0–1)")
    asked, given = summary.get("help_requests"), summary.get("help_given")
    if asked:
        ax.set_title(
            f"Strangers helped: {given or 0:,} of {asked:,} requests ({(given or 0) / asked:.0%})",
            loc="left",
            fontweight="bold",
        )
    if rows:
        _group_barh(axes[1], rows, "Trust index by the asker's group", "{:.2f}", bounds)
        axes[1].set_xlim(0, 1.15)
        axes[1].xaxis.set_major_formatter(StrMethodFormatter("{x:.1f}"))
    return fig


ADVERSARY_COUNTS = {
    "lender_listings": "Lender listings planted",
    "lender_listings_detected": "  of which detected",
    "broker_records_sold": "Records sold by brokers",
    "broker_people_exposed": "People exposed by brokers",
    "breaches": "Breaches",
    "breach_records_exposed": "Records exposed in breaches",
    "breach_people_exposed": "People exposed in breaches",
    "insider_edits": "Records edited by insiders",
}
"""The adversaries' counts drawn (summary key -> label)."""


def adversaries(
    summary: dict,
    bounds: dict[str, tuple[float, float] | None] | None = None,
    exposed_bounds: dict[str, dict[str, tuple[float, float]]] | None = None,
) -> Figure:
    """What the adversaries did (counts), and who the data brokers exposed, by group; with
    `bounds` (summary key -> interval) and `exposed_bounds` (dim -> label -> interval of the
    rate per 100,000), bars carry their intervals."""
    counts = {key: summary.get(key) for key in ADVERSARY_COUNTS}
    exposed = summary.get("broker_people_exposed_by_group") or {}
    if exposed and counts["broker_people_exposed"] is None:
        first = exposed.get("sex") or next(iter(exposed.values())) or {}
        counts["broker_people_exposed"] = sum(first.values())
    counts = {k: v for k, v in counts.items() if isinstance(v, int | float)}
    rows = _group_rows(exposed, summary.get("by_group") or {}, 1e5) if exposed else []
    fig = figure(width=7.6, height=max(2.8, 0.9 + 0.17 * len(rows), 0.9 + 0.35 * len(counts)))
    axes = fig.subplots(1, 2 if rows else 1, squeeze=False)[0]
    y = np.arange(len(counts))[::-1]
    bars = axes[0].barh(y, list(counts.values()), color=OKABE_ITO[3], height=0.6)
    if bounds:
        whiskers(axes[0], y, list(counts.values()), [bounds.get(k) for k in counts])
    axes[0].bar_label(bars, fmt="{:,.0f}", padding=3, fontsize=8, bbox=WHITE)
    axes[0].set_yticks(y, [ADVERSARY_COUNTS[k] for k in counts])
    axes[0].grid(axis="y", visible=False)
    axes[0].margins(x=0.25)
    axes[0].set_xlim(left=0)
    axes[0].xaxis.set_major_formatter(PEOPLE)
    axes[0].set_xlabel("Count over the run")
    if rows:
        sized = bool(summary.get("by_group"))
        label = "Exposed by brokers per 100,000" if sized else "Exposed"
        _group_barh(axes[1], rows, label, bounds=exposed_bounds if sized else None)
    return fig
