"""Figures over the years: how the system grew (with the dates of the scenario's timeline) and
how the population changed (the age pyramid, births and deaths)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from matplotlib.figure import Figure

from credsim.results.rates import poisson_intervals

from .style import GREY, OKABE_ITO, PEOPLE, figure, whiskers

__all__ = ["PANELS", "panel_value", "pyramid", "vital_rates", "yearly_growth"]

PANELS = (
    ("listed_new", "New listings"),
    ("refused", "Purchases refused (flights and trains)"),
    ("wrongful", "Wrongly on a list"),
    ("records_misattributed.cameras", "Camera records naming the wrong person"),
)
"""The four panels (field, title); `wrongful` is the figure the caller names."""
REFUSED = ("blocked_flights", "blocked_trains")

Bounds = dict[str, dict[str, tuple[float, float]]]
"""Panel field -> year -> interval (as the panel's figure: a year's flow or a stock)."""


def _year_fraction(date: dt.date) -> float:
    start = dt.date(date.year, 1, 1)
    return date.year + (date - start).days / 365.25


def panel_value(row: dict, field: str, wrongful: str) -> float | None:
    """A panel's figure in one year's row of `by_year` (None where the run has none)."""
    if field == "refused":
        values = [row.get(k) for k in REFUSED]
        return None if all(v is None for v in values) else sum(v or 0 for v in values)
    return row.get(wrongful if field == "wrongful" else field)


def yearly_growth(
    by_year: dict[str, dict],
    events: list[tuple[dt.date, str]],
    wrongful: tuple[str, str, bool],
    bounds: Bounds | None = None,
) -> Figure:
    """Four panels of yearly figures (bars at each year's middle), the timeline's dates as
    numbered vertical lines. `wrongful` is (by_year key, panel title, whether it is a flow). A
    partial first or last year's flow is scaled to a full year's, its interval too; with
    `bounds` the bars carry their intervals."""
    fig = figure(height=5.2)
    axes = fig.subplots(2, 2, sharex=True).ravel()
    years = sorted(by_year, key=int)
    key, wrong_title, wrong_flow = wrongful
    for ax, (field, title) in zip(axes, PANELS, strict=True):
        flow = wrong_flow if field == "wrongful" else True
        values, low, high = [], [], []
        for year in years:
            row = by_year[year]
            value = panel_value(row, field, key)
            scale = 365.25 / max(row.get("days", 365), 1) if flow else 1.0
            values.append(np.nan if value is None else value * scale)
            lo, hi = ((bounds or {}).get(field) or {}).get(year, (np.nan, np.nan))
            low.append(max(values[-1] - lo * scale, 0.0) if np.isfinite(lo) else 0.0)
            high.append(max(hi * scale - values[-1], 0.0) if np.isfinite(hi) else 0.0)
        x = np.array([int(y) + 0.5 for y in years])
        ax.bar(x, values, width=0.8, color=OKABE_ITO[0])
        if bounds and field in bounds:
            ax.errorbar(x, values, yerr=[low, high], fmt="none", ecolor=GREY, lw=0.8, capsize=2)
        for i, (date, _) in enumerate(events, start=1):
            at = _year_fraction(date)
            ax.axvline(at, color=OKABE_ITO[3], lw=0.8, ls="--")
            ax.text(at, 1.0, str(i), transform=ax.get_xaxis_transform(), ha="center",
                    va="bottom", fontsize=7, color=OKABE_ITO[3])  # fmt: skip
        ax.set_title(wrong_title if field == "wrongful" else title, loc="left", fontsize=9, pad=12)
        ax.yaxis.set_major_formatter(PEOPLE)
    note = (
        "Dashed lines: the timeline's dates (numbered as in the table). "
        "Flows of a partial year are scaled to a whole year."
    )
    fig.text(0.01, 0.005, note, color=GREY, fontsize=7)
    return fig


def pyramid(
    bands: list[str], start: dict, end: dict, dates: tuple[str, str], k: float | None = None
) -> Figure:
    """The age pyramid at the start (outline) and the end (filled), women right, men left; with
    `k` (people per agent), each end bar carries the exact 95% Poisson interval of its
    simulated citizens."""
    fig = figure(height=4.2)
    ax = fig.subplots()
    y = np.arange(len(bands))
    for side, sex, colour in ((-1, "male", OKABE_ITO[0]), (1, "female", OKABE_ITO[1])):
        counts = np.asarray(end[sex], np.float64)
        ax.barh(y, side * counts, color=colour, alpha=0.7, label=f"{sex}, {dates[1]}")
        if k:
            low, high = (k * b for b in poisson_intervals(counts / k))
            spans = sorted_bounds(side * low, side * high)
            whiskers(ax, y, list(side * counts), spans)
        ax.step(side * np.asarray(start[sex]), y, where="mid", color="black", lw=0.9)
    ax.plot([], [], color="black", lw=0.9, label=f"both, {dates[0]}")
    ax.set_yticks(y[::2], [bands[i] for i in y[::2]], fontsize=7)
    ax.xaxis.set_major_formatter(PEOPLE)
    ax.set_xlabel("people (men left, women right)")
    ax.legend(fontsize=7, loc="lower right")
    return fig


def sorted_bounds(a: np.ndarray, b: np.ndarray) -> list[tuple[float, float] | None]:
    """(low, high) pairs from two arrays of ends in either order."""
    return [(min(x, y), max(x, y)) for x, y in zip(a.tolist(), b.tolist(), strict=True)]


def vital_rates(by_year: dict[str, dict], bounds: Bounds | None = None) -> Figure:
    """Crude birth and death rates per 1,000 each year (years of 90 days or more in the run):
    credsim's, with their intervals where `bounds` ("birth"/"death" -> year -> interval) gives
    them, and the published ones (which credsim was not fitted to)."""
    fig = figure(height=3.2)
    ax = fig.subplots()
    years = sorted((y for y in by_year if by_year[y].get("days", 365) >= 90), key=int)
    x = np.array([int(y) for y in years])
    kinds = (("birth", "births", OKABE_ITO[2]), ("death", "deaths", OKABE_ITO[3]))
    for key, label, colour in kinds:
        rates = [by_year[y][f"{key}_rate_per_1000"] for y in years]
        ax.plot(x, rates, "o-", color=colour, label=f"{label}, credsim")
        mine = (bounds or {}).get(key) or {}
        whiskers(ax, x, rates, [mine.get(y) for y in years], horizontal=False)
        published = [by_year[y].get(f"published_{key}_rate_per_1000") for y in years]
        if any(p is not None for p in published):
            ax.plot(x, [np.nan if p is None else p for p in published], "s--", color=colour,
                    mfc="white", label=f"{label}, published (NBS)")  # fmt: skip
    ax.set_ylabel("per 1,000 people a year")
    ax.set_xticks(x, [str(v) for v in x])
    ax.legend(fontsize=7, ncols=2)
    return fig
