"""Figures of harms besides sanctions: wrong records by source, self-censorship, redlist perks."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .style import DIM_NAMES, GREY, OKABE_ITO, RIGHT, WHITE, figure, whiskers

__all__ = ["misattribution_by_source", "perks_by_income", "self_censorship"]


SourceBounds = dict[str, dict[str, tuple[float, float]]]
"""Writer -> field ("misattributed", "fabricated") -> interval of what its bar draws."""


def misattribution_by_source(
    by_source: dict, adversaries: set[str] | None = None, bounds: SourceBounds | None = None
) -> Figure:
    """Data sources (left): misattributed and fabricated records per 10,000 each wrote, counts
    labelled; adversaries (right, on their own scale): the records they planted, every one
    fabricated. A writer is an adversary when named in `adversaries`, or when every record it
    wrote is fabricated. With `bounds`, every bar carries its interval."""
    planted = {
        s for s, row in by_source.items()
        if s in (adversaries or set())
        or (row.get("records") and row.get("fabricated") == row.get("records"))
    }  # fmt: skip
    names = sorted(
        (s for s in by_source if s not in planted), key=lambda s: (-_rate(by_source[s]), s)
    )
    rows = max(len(names), len(planted), 1)
    fig = figure(height=1.0 + 0.32 * rows)
    if planted:
        ax, right = fig.subplots(1, 2, width_ratios=(2.2, 1))
        order = sorted(planted, key=lambda s: (-_count(by_source[s]), s))
        _planted(right, by_source, order, bounds)
    else:
        ax = fig.add_subplot()
    y = np.arange(len(names))[::-1]
    kinds = (
        ("misattributed", "Misattributed (named the wrong person)"),
        ("fabricated", "Fabricated"),
    )
    for i, (field, label) in enumerate(kinds):
        rates = [_per(by_source[s], field) for s in names]
        counts = [int(by_source[s].get(field, 0) or 0) for s in names]
        at = y + (0.2 - 0.4 * i)
        bars = ax.barh(at, rates, height=0.38, color=OKABE_ITO[3 - 2 * i])
        bars.set_label(label)
        if bounds:
            whiskers(ax, at, rates, [(bounds.get(s) or {}).get(field) for s in names])
        texts = [f"{c:,}" if c else "" for c in counts]
        ax.bar_label(bars, labels=texts, padding=3, fontsize=7.5, bbox=WHITE)
    ax.set_yticks(y, [f"{s} ({int(by_source[s].get('records', 0)):,})" for s in names])
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.15)
    ax.set_xlim(left=0)
    ax.set_xlabel("Records per 10,000 the source wrote (labels: records)")
    if planted:
        ax.set_title("Data sources", loc="left", fontweight="bold")
        ax.legend(loc="lower right", fontsize=7.5)
    else:
        ax.legend(**RIGHT)
    return fig


def _planted(ax, by_source: dict, names: list[str], bounds: SourceBounds | None = None) -> None:
    """Records adversaries planted against people who did nothing, as counts."""
    y = np.arange(len(names))[::-1]
    counts = [_count(by_source[s]) for s in names]
    bars = ax.barh(y, counts, height=0.38, color=OKABE_ITO[1])
    if bounds:
        whiskers(ax, y, counts, [(bounds.get(s) or {}).get("planted") for s in names])
    ax.bar_label(bars, labels=[f"{c:,}" for c in counts], padding=3, fontsize=7.5, bbox=WHITE)
    ax.set_yticks(y, names)
    ax.set_ylim(-0.8, max(len(names), 3) - 0.2)
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.25)
    ax.set_xlim(left=0)
    ax.set_title("Adversaries", loc="left", fontweight="bold")
    ax.set_xlabel("Records planted")


def _count(row: dict) -> int:
    return int(row.get("fabricated", 0) or 0)


def _per(row: dict, field: str) -> float:
    records = row.get("records") or 0
    return 1e4 * float(row.get(field, 0) or 0) / records if records else 0.0


def _rate(row: dict) -> float:
    return _per(row, "misattributed") + _per(row, "fabricated")


def self_censorship(
    groups: list[tuple[str, str, float, float]],
    overall: tuple[float, float],
    slope: float | None,
    bounds: list[tuple[float, float] | None] | None = None,
    overall_bounds: tuple[float, float] | None = None,
) -> Figure:
    """Posts held back against perceived surveillance: groups as points, the model as a line.
    With `bounds` (one per group) and `overall_bounds` (shares, 0-1), the bars by group carry
    their intervals and the population's is shaded.

    groups: (dim, label, perceived surveillance, share of intended posts held back); overall:
    the population's (surveillance, held share); slope: held share per unit of surveillance that
    the run's parameters imply, drawn as a dashed line through the origin.
    """
    fig = figure(width=7.6, height=3.6)
    left, right = fig.subplots(1, 2, width_ratios=(1, 1.15))
    dims = list(dict.fromkeys(d for d, *_ in groups))
    colors = {d: OKABE_ITO[i % len(OKABE_ITO)] for i, d in enumerate(dims)}
    if slope is not None:
        xs = np.linspace(0, 1, 11)
        left.plot(xs, 100 * slope * xs, color=GREY, linestyle="--", linewidth=1, label="model")
    for dim in dims:
        pts = [(s, h) for d, _, s, h in groups if d == dim]
        left.scatter(
            *zip(*[(s, 100 * h) for s, h in pts], strict=True),
            s=18,
            color=colors[dim],
            label=DIM_NAMES.get(dim, dim),
            alpha=0.85,
            zorder=3,
        )
    left.scatter(
        [overall[0]],
        [100 * overall[1]],
        marker="D",
        s=40,
        color="black",
        zorder=4,
        label="everyone",
    )
    left.set_xlim(0, 1)
    left.set_ylim(bottom=0)
    left.set_xlabel("Perceived surveillance (0–1)")
    left.set_ylabel("Intended posts held back (%)")
    left.legend(fontsize=7, loc="upper left")
    names = [f"{DIM_NAMES.get(d, d)}: {label}" for d, label, *_ in groups]
    held = [100 * h for *_, h in groups]
    y = np.arange(len(groups))[::-1]
    bars = right.barh(y, held, color=[colors[d] for d, *_ in groups], height=0.62)
    if bounds:
        ends = [(100 * b[0], 100 * b[1]) if b else None for b in bounds]
        whiskers(right, y, held, ends)
    if overall_bounds:
        lo, hi = overall_bounds
        right.axvspan(100 * lo, 100 * hi, color="#000000", alpha=0.07, lw=0)
    right.bar_label(bars, fmt="{:.1f}", padding=3, fontsize=7, bbox=WHITE)
    right.axvline(100 * overall[1], color=GREY, linestyle="--", linewidth=0.8)
    right.set_yticks(y, names, fontsize=7.5)
    right.grid(axis="y", visible=False)
    right.margins(x=0.15)
    right.set_xlim(left=0)
    right.set_xlabel("Intended posts held back (%)")
    return fig


def perk_totals(perks: dict, citizens_by_income: dict[str, float]) -> dict[str, float]:
    """Yuan of every drawn perk together per person in each income quintile."""
    out = dict.fromkeys(citizens_by_income, 0.0)
    for p in perks.values():
        if isinstance(p, dict) and p.get("yuan") and "income" in (p.get("by_group") or {}):
            for b, n in citizens_by_income.items():
                out[b] += (p["by_group"]["income"].get(b) or {}).get("yuan", 0) / n
    return out


def perks_by_income(
    perks: dict,
    citizens_by_income: dict[str, float],
    bounds: dict[str, tuple[float, float]] | None = None,
) -> Figure:
    """Yuan of redlist perks per person in each income quintile, stacked by perk; with `bounds`
    (quintile -> interval of the total), each stack carries its interval."""
    bands = list(citizens_by_income)
    names = [
        p
        for p in perks
        if isinstance(perks[p], dict)
        and perks[p].get("yuan")
        and "income" in (perks[p].get("by_group") or {})
    ]
    fig = figure()
    ax = fig.add_subplot()
    x = np.arange(len(bands))
    bottom = np.zeros(len(bands))
    for i, name in enumerate(names):
        income = perks[name]["by_group"]["income"]
        per = np.array(
            [(income.get(b) or {}).get("yuan", 0) / citizens_by_income[b] for b in bands],
            dtype=float,
        )
        color = OKABE_ITO[i % len(OKABE_ITO)]
        ax.bar(x, per, bottom=bottom, color=color, width=0.65, label=name.replace("_", " "))
        bottom += per
    if bounds:
        whiskers(ax, x, list(bottom), [bounds.get(b) for b in bands], horizontal=False)
    for xi, total in zip(x, bottom, strict=True):
        ax.annotate(
            f"{total:,.0f}",
            (xi, total),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    ax.set_xticks(x, bands)
    ax.grid(axis="x", visible=False)
    ax.set_xlabel("Income quintile (q1 poorest)")
    ax.set_ylabel("Yuan per person")
    ax.legend(title="Perk", **RIGHT)
    return fig
