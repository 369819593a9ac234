"""Figures of sanctions: lists over time, refused travel, who is wrongly listed, calibration."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from credsim.results.rates import poisson_interval

if TYPE_CHECKING:
    from .spread import GroupSpread

from .style import (
    ABOVE,
    DIM_NAMES,
    GREY,
    OKABE_ITO,
    PEOPLE,
    WHITE,
    figure,
    time_axis,
    time_of,
    top_text,
    whiskers,
)

__all__ = [
    "by_group_rates",
    "calibration",
    "refused_travel",
    "sanctions",
    "travel_bounds",
    "wrongful_by_group",
]

PALE = "#c8c8c8"  # a group its 90% interval does not separate from the whole population
BY_GROUP_DIMS = ("sex", "age_band", "urban", "group", "education", "income")


def sanctions(
    ts: pd.DataFrame,
    bands: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    band_label: str = "90% of replicates",
) -> Figure:
    """People on a list each day (top) and those of them wrongly listed (bottom): but-for where
    the run computed it, else those listed and touched by a wrong record. With `bands` (low and
    high, rows as `ts`: the 5th and 95th percentiles across replicates, or one run's own
    intervals), each line sits in its band, labelled `band_label`."""
    fig = figure(height=4.2)
    top, bottom = fig.subplots(2, 1, sharex=True)
    days = time_of(ts)
    top.plot(days, ts["sanctioned"], color=OKABE_ITO[0], linewidth=1.6)
    top.set_ylabel("On a list")
    top.set_title("People on a sanction list", loc="left", fontweight="bold")
    column, title = "sanctioned_wrongful", "Of whom on no list in the run without wrong records"
    if ts[column].isna().all() and "sanctioned_touched_by_wrong_record" in ts:
        column = "sanctioned_touched_by_wrong_record"
        title = "Of whom reached by a wrong record of the list's kind (but-for not computed)"
    wrong = ts[column]
    if bands is not None:
        low, high = bands
        top.fill_between(days, low["sanctioned"], high["sanctioned"], color=OKABE_ITO[0],
                         alpha=0.2, lw=0, label=band_label)  # fmt: skip
        bottom.fill_between(days, low[column], high[column], color=OKABE_ITO[3], alpha=0.2, lw=0)
        top.legend(loc="lower right", fontsize=7)
    else:
        bottom.fill_between(days, wrong, color=OKABE_ITO[3], alpha=0.15)
    bottom.plot(days, wrong, color=OKABE_ITO[3], linewidth=1.6)
    bottom.set_ylabel("Wrongly on a list")
    bottom.set_title(title, loc="left", fontweight="bold")
    for ax in (top, bottom):
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(PEOPLE)
        ax.yaxis.set_major_locator(MaxNLocator(5, integer=True))
    time_axis(bottom, days)
    return fig


def _months(ts: pd.DataFrame) -> pd.Series:
    """Each row's calendar month (its first day), else its 30-day period (1, 2, ...)."""
    if "date" in ts:
        return pd.to_datetime(ts["date"]).dt.to_period("M").dt.to_timestamp()
    return (ts["day"] - ts["day"].min()) // 30 + 1


def travel_bounds(
    ts: pd.DataFrame,
    people_per_agent: float = 1.0,
    bands: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """Each month's interval of refused flights and trains ("low", "high": months x columns):
    the month's sums of each day's 5th and 95th percentiles across replicates (`bands`), else
    the exact 95% Poisson interval of the month's simulated refusals, scaled to people."""
    columns = ["blocked_flights", "blocked_trains"]
    if bands is not None:
        low, high = (b.groupby(_months(b))[columns].sum() for b in bands)
        return {"low": low, "high": high}
    per = ts.groupby(_months(ts))[columns].sum()
    k = float(people_per_agent or 1)
    ends = {c: [poisson_interval(v / k) for v in per[c]] for c in columns}
    return {
        side: pd.DataFrame({c: [k * e[i] for e in ends[c]] for c in columns}, index=per.index)
        for i, side in enumerate(("low", "high"))
    }


def refused_travel(ts: pd.DataFrame, bounds: dict[str, pd.DataFrame] | None = None) -> Figure:
    """Flight and train ticket purchases refused per calendar month (per 30-day period for a
    run without dates); with `bounds` (`travel_bounds`), each bar carries its interval."""
    fig = figure()
    ax = fig.add_subplot()
    columns = ["blocked_flights", "blocked_trains"]
    per = ts.groupby(_months(ts))[columns].sum()

    def whisk(at, column: str) -> None:
        if bounds is not None:
            ends = list(zip(bounds["low"][column], bounds["high"][column], strict=True))
            whiskers(ax, at, list(per[column]), ends, horizontal=False)  # type: ignore[arg-type]

    if "date" in ts:
        x = per.index.to_numpy().astype("datetime64[D]")
        # Two bars in each month, left-aligned 4 and 15 days after its first day, 10 days wide.
        width = np.timedelta64(10, "D")
        for offset, column, color, label in (
            (4, "blocked_flights", OKABE_ITO[0], "Flights"),
            (15, "blocked_trains", OKABE_ITO[1], "Trains"),
        ):
            left = x + np.timedelta64(offset, "D")
            ax.bar(left, per[column], width=width, align="edge", color=color, label=label)
            whisk(left + np.timedelta64(5, "D"), column)
        time_axis(ax, x)
        ax.set_xlim(x.min(), x.max() + np.timedelta64(31, "D"))
        ax.set_xlabel("Calendar month")
    else:
        x = per.index.to_numpy()
        ax.bar(x - 0.2, per["blocked_flights"], width=0.4, color=OKABE_ITO[0], label="Flights")
        ax.bar(x + 0.2, per["blocked_trains"], width=0.4, color=OKABE_ITO[1], label="Trains")
        whisk(x - 0.2, "blocked_flights")
        whisk(x + 0.2, "blocked_trains")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("Month (30-day periods)")
        ax.set_xlim(x.min() - 0.6, x.max() + 0.6)
    ax.grid(axis="x", visible=False)
    ax.yaxis.set_major_formatter(PEOPLE)
    ax.set_ylabel("Ticket purchases refused")
    ax.legend(**ABOVE)
    return fig


def by_group_rates(
    by_group: dict, field: str, per: float, dims: tuple[str, ...] = BY_GROUP_DIMS
) -> dict[str, dict[str, float]]:
    """{dim: {label: field per `per` citizens}} for the groups that have both numbers."""
    rates: dict[str, dict[str, float]] = {}
    for dim in dims:
        rows = {
            str(label): per * v[field] / v["citizens"]
            for label, v in (by_group.get(dim) or {}).items()
            if isinstance(v, dict) and v.get("citizens") and isinstance(v.get(field), int | float)
        }
        if rows:
            rates[dim] = rows
    return rates


def group_bars(
    columns: list[tuple[str, dict[str, dict[str, float]], float | None, str]],
    spreads: list[GroupSpread | None] | None = None,
) -> Figure:
    """Horizontal bars by group: one panel per (x title, rates, overall, number format).

    Rows are the first column's groups ("Sex: female", ...), coloured by dimension; a dashed
    line marks the whole population's value. With a column's spread across replicates, bars
    carry their 90% intervals, the whole population's interval is shaded, and a group whose
    interval overlaps it is drawn pale grey: the replicates do not separate it from everyone.
    """
    first = columns[0][1]
    rows = [(dim, label) for dim in first for label in first[dim]]
    colors = {d: OKABE_ITO[i % len(OKABE_ITO)] for i, d in enumerate(first)}
    fig = figure(height=0.9 + 0.19 * len(rows))
    axes = fig.subplots(1, len(columns), sharey=True, squeeze=False)[0]
    y = np.arange(len(rows))[::-1]
    for i, (ax, (title, rates, overall, fmt)) in enumerate(zip(axes, columns, strict=True)):
        values = [rates.get(dim, {}).get(label, np.nan) for dim, label in rows]
        spread = spreads[i] if spreads else None
        shades = [colors[d] for d, _ in rows]
        tops: list[float] = []
        if spread is not None:
            shades = [
                c if spread.separated(*r) else PALE for c, r in zip(shades, rows, strict=True)
            ]
            low, high = _error_bars(spread, rows, values)
            tops = [v + h for v, h in zip(values, high, strict=True) if np.isfinite(v)]
            if spread.overall_bounds is not None:
                ax.axvspan(*spread.overall_bounds, color="#000000", alpha=0.07, lw=0)
        bars = ax.barh(y, values, color=shades, height=0.62)
        if spread is not None:
            ax.errorbar(values, y, xerr=[low, high], fmt="none", ecolor=GREY, lw=0.8, capsize=2)
        ax.bar_label(bars, fmt=fmt, padding=3, fontsize=7, bbox=WHITE)
        ax.grid(axis="y", visible=False)
        finite = [v for v in values if np.isfinite(v)] + tops
        right = max([*finite, overall or 0.0, 0.0])
        ax.set_xlim(0, 1.2 * right if right > 0 else 1.0)
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.set_xlabel(title)
        if overall is not None:
            ax.axvline(overall, color=GREY, linestyle="--", linewidth=0.8)
            top_text(ax, overall, f"all: {fmt.format(overall)} ", "right")
    axes[0].set_yticks(y, [f"{DIM_NAMES.get(d, d)}: {label}" for d, label in rows], fontsize=7.5)
    axes[0].set_ylim(-0.7, len(rows) - 0.3)
    return fig


def wrongful_by_group(
    summary: dict,
    field: str = "sanctioned_wrongful",
    days_field: str = "wrongful_sanction_days",
    spreads: tuple[GroupSpread | None, GroupSpread | None] = (None, None),
) -> Figure:
    """Wrongly sanctioned (but-for, or `field`) per 100,000 in each group at the end, and the
    days so listed per 1,000; with spreads across replicates, their means and intervals."""
    by_group, n = summary["by_group"], summary.get("citizens")
    what = (
        "Wrongly sanctioned"
        if field == "sanctioned_wrongful"
        else "Listed, touched by a wrong record"
    )
    columns = []
    rates = by_group_rates(by_group, field, 1e5)
    total = summary.get(field)
    overall = 1e5 * total / n if n and isinstance(total, int | float) else None
    if spreads[0] is not None:
        rates, overall = spreads[0].mean, spreads[0].overall
    columns.append((f"{what} at the end\n(people per 100,000)", rates, overall, "{:,.1f}"))
    used = [spreads[0]]
    days = by_group_rates(by_group, days_field, 1e3)
    if days and isinstance(summary.get(days_field), int | float):
        overall_days = 1e3 * summary[days_field] / n if n else None
        if spreads[1] is not None:
            days, overall_days = spreads[1].mean, spreads[1].overall
        columns.append(("Days so listed\n(per 1,000 people)", days, overall_days, "{:,.1f}"))
        used.append(spreads[1])
    return group_bars(columns, used)


def _error_bars(
    spread: GroupSpread, rows: list[tuple[str, str]], values: list[float]
) -> tuple[list[float], list[float]]:
    """Distances from each bar's end down to its interval's low end and up to its high end."""
    low, high = [], []
    for (dim, label), value in zip(rows, values, strict=True):
        bounds = spread.bounds.get(dim, {}).get(label)
        if bounds is None or not np.isfinite(value):
            low.append(0.0)
            high.append(0.0)
            continue
        low.append(max(value - bounds[0], 0.0))
        high.append(max(bounds[1] - value, 0.0))
    return low, high


def calibration(
    cal: dict, bands: dict[str, float], bounds: dict[str, tuple[float, float]] | None = None
) -> Figure:
    """Model over published for each calibrated figure, with the accepted band shaded; with
    `bounds` (figure -> interval of the ratio), each point carries its interval."""
    names = list(cal)
    ratios = [float(cal[k]["ratio"]) for k in names]
    fig = figure(height=0.9 + 0.45 * len(names))
    ax = fig.add_subplot()
    y = np.arange(len(names))[::-1]
    for yi, name in zip(y, names, strict=True):
        band = bands.get(name, 0.25)
        ax.fill_betweenx([yi - 0.35, yi + 0.35], 1 - band, 1 + band, color="#e8e8e8", lw=0)
    colors = [OKABE_ITO[2] if cal[k].get("within_band") else OKABE_ITO[3] for k in names]
    ax.scatter(ratios, y, color=colors, s=36, zorder=3)
    if bounds:
        whiskers(ax, y, ratios, [bounds.get(k) for k in names])
    for yi, name, ratio in zip(y, names, ratios, strict=True):
        model, published = cal[name]["model"], cal[name]["published"]
        text = f"×{ratio:.2f}  ({_short(model)} vs {_short(published)})"
        ax.annotate(text, (ratio, yi), xytext=(6, 5), textcoords="offset points", fontsize=8)
    ax.axvline(1, color=GREY, linewidth=0.8)
    ax.set_yticks(y, [n.replace("_", " ") for n in names])
    ax.set_ylim(-0.6, len(names) - 0.4)
    lo = min([*ratios, *(1 - bands.get(k, 0.25) for k in names)])
    hi = max([*ratios, *(1 + bands.get(k, 0.25) for k in names)])
    ax.set_xlim(min(lo, 0.7) - 0.05, max(hi, 1.3) + 0.35)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Model ÷ published (grey: accepted band)")
    return fig


def _short(x: float) -> str:
    """12,345,678 -> 12.35M; small numbers as they are."""
    x = float(x)
    for div, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= div:
            return f"{x / div:,.2f}{suffix}"
    return f"{x:,.0f}"
