"""Figures of scores: distributions by group for every policy, group gaps, grade shares over time.

Each function takes plain data (a citizens DataFrame, the per-day timeseries) and returns a
matplotlib Figure; the report's sections decide when to call them.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure

from credsim.results.rates import wilson_intervals

from .score_counts import CHUNK, integer_counts, is_label, label_codes, sorted_counts
from .score_gaps import gap_half_width, gaps_by_group
from .style import DIM_NAMES, GREY, OKABE_ITO, PERCENT, RIGHT, figure, time_axis, time_of, top_text

__all__ = [
    "gap_half_width",
    "grade_shares",
    "is_label",
    "score_by_group",
    "score_distribution",
]

GROUP_DIMS = ("sex", "age_band", "urban", "group", "education", "income")
"""Dimensions shown label by label (provinces are too many for a figure)."""


def _edges(scores: np.ndarray) -> np.ndarray:
    lo, hi = math.floor(scores.min()), math.ceil(scores.max())
    pad = max(1.0, 0.02 * (hi - lo))
    return np.array([lo - pad, hi + pad])


def score_distribution(df: pd.DataFrame, policies: list[str], dim: str | None) -> Figure:
    """One panel per policy: % of each group's citizens at or below each score, grade bounds dashed.

    df holds `score.<policy>`, optionally `grade.<policy>`, and the `dim` column. A panel where
    most citizens share one score uses a log scale, so that the lower tail stays visible.
    """
    fig = figure(height=0.6 + 2.1 * len(policies))
    axes = fig.subplots(len(policies), 1, squeeze=False)[:, 0]
    labels, order = label_codes(df[dim]) if dim else (np.zeros(len(df), np.int16), ["all"])
    shown = list(zip(order, OKABE_ITO, strict=False))
    for ax, policy in zip(axes, policies, strict=True):
        tally = integer_counts(df[f"score.{policy}"], labels, len(shown))
        if tally is None:  # scores that are not whole numbers: sorted as they are
            tally = sorted_counts(df[f"score.{policy}"].to_numpy(dtype=np.float64), labels, shown)
        if tally is None:
            ax.text(0.5, 0.5, "no citizen has a score", ha="center", transform=ax.transAxes)
            continue
        values, counts = tally
        everyone = counts[-1]
        held = everyone > 0
        edges = _edges(values[held])
        lowest = 100.0
        for code, (label, color) in enumerate(shown):
            mine = counts[code]
            seen = mine > 0
            if not seen.any():
                continue
            x, n = values[seen], int(mine.sum())
            y = 100 * np.cumsum(mine[seen]) / max(n, 1)  # % at or below each distinct score
            lowest = min(lowest, float(y[0]))
            x = np.concatenate([[edges[0]], x, [edges[1]]])
            y = np.concatenate([[0.0], y, [100.0]])
            name = f"{label} (n={n:,})"
            ax.step(x, y, where="post", color=color, linewidth=1.3, label=name)
            low, high = wilson_intervals(y / 100, n)
            low = np.where(low > 0, 100 * low, np.nan)  # a log scale shows no zero
            ax.fill_between(x, low, 100 * high, step="post", color=color, alpha=0.12, lw=0)
        if everyone.max() > 0.5 * everyone.sum():
            ax.set_yscale("log")
            ax.set_ylim(max(lowest / 2, 1e-3), 150)
        else:
            ax.set_ylim(0, 100)
        _grade_bounds(ax, df, policy, edges)
        ax.set_xlim(edges[0], edges[-1])
        ax.yaxis.set_major_formatter(PERCENT)
        ax.set_title(policy, loc="left", fontweight="bold")
        ax.set_ylabel("At or below (% of group)")
    axes[-1].set_xlabel("Score (points)")
    if dim:
        axes[0].legend(title=DIM_NAMES.get(dim, dim), **RIGHT)
    return fig


def _grade_bounds(ax, df: pd.DataFrame, policy: str, edges: np.ndarray) -> None:
    """Dashed lines at the lowest score of each grade seen, grade names above the axes."""
    grade_col = f"grade.{policy}"
    if grade_col not in df:
        return
    mins = None  # each grade's lowest score, a chunk of rows at a time (a min is exact)
    for start in range(0, len(df), CHUNK):
        part = df.iloc[start : start + CHUNK].groupby(grade_col, observed=True)
        low = part[f"score.{policy}"].min()
        mins = low if mins is None else pd.concat([mins, low]).groupby(level=0, observed=True).min()
    if mins is None:
        return
    mins = mins.dropna().sort_values()
    starts = [*mins.to_numpy(dtype=float)[1:] - 0.5, edges[-1]]
    left = edges[0]
    for (grade, _), right in zip(mins.items(), starts, strict=True):
        if right < edges[-1]:
            ax.axvline(right, color=GREY, linestyle="--", linewidth=0.8)
        if right - left > 0.05 * (edges[-1] - edges[0]):
            top_text(ax, (left + right) / 2, str(grade), "center")
        left = right


def score_by_group(df: pd.DataFrame, policies: list[str], dims: list[str]) -> Figure:
    """Mean score of each group minus the population's mean, one panel per policy."""
    rows, gaps, half, overall = gaps_by_group(df, policies, dims)
    n = len(rows)
    fig = figure(width=max(7.6, 2.2 + 1.9 * len(policies)), height=0.9 + 0.19 * n)
    axes = fig.subplots(1, len(policies), sharey=True, squeeze=False)[0]
    y = np.arange(n)[::-1]
    colors = {d: OKABE_ITO[i % len(OKABE_ITO)] for i, d in enumerate(dims)}
    for ax, policy in zip(axes, policies, strict=True):
        gap, width = gaps[policy], half[policy]
        ax.axvline(0, color=GREY, linewidth=0.8)
        ax.hlines(y, 0, gap, color=[colors[d] for d, *_ in rows], linewidth=1.2)
        ax.scatter(gap, y, color=[colors[d] for d, *_ in rows], s=14, zorder=3)
        ax.errorbar(gap, y, xerr=np.nan_to_num(width), fmt="none", ecolor=GREY, lw=0.8, capsize=2)
        reach = np.abs(np.asarray(gap)) + np.nan_to_num(width)
        span = np.nanmax(reach) if np.isfinite(gap).any() else 1.0
        ax.set_xlim(-1.15 * span - 1e-9, 1.15 * span + 1e-9)
        ax.set_title(f"{policy} (mean {overall[policy]:,.1f})", loc="left", fontweight="bold")
        ax.set_xlabel("Points from the mean")
        ax.grid(axis="y", visible=False)
    axes[0].set_yticks(y, [f"{DIM_NAMES.get(d, d)}: {label}" for d, label in rows])
    axes[0].set_ylim(-0.7, n - 0.3)
    return fig


def grade_shares(
    ts: pd.DataFrame,
    policies: list[str],
    grades: dict[str, list[str]],
    bounds: Callable[[str, np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
) -> Figure:
    """One panel per policy: share of citizens in each grade (best first), day by day, log scale;
    with `bounds` (column, shares -> low and high shares), each line in its band."""
    fig = figure(height=0.6 + 1.9 * len(policies))
    axes = fig.subplots(len(policies), 1, sharex=True, squeeze=False)[:, 0]
    days = time_of(ts)
    for ax, policy in zip(axes, policies, strict=True):
        names = grades[policy]
        colors = colormaps["viridis"](np.linspace(0.05, 0.85, max(len(names), 2)))[::-1]
        lowest = 100.0
        for grade, color in zip(names, colors, strict=False):
            share = 100 * ts[f"grade_share.{policy}.{grade}"].to_numpy(dtype=float)
            shown = np.where(share > 0, share, np.nan)
            seen = bool(np.isfinite(shown).any())
            if seen:
                lowest = min(lowest, float(np.nanmin(shown)))
            label = grade if seen else f"{grade} (nobody)"
            ax.plot(days, shown, color=color, linewidth=1.5, label=label)
            if bounds is not None and seen:
                low, high = bounds(f"grade_share.{policy}.{grade}", share / 100)
                low = np.where(100 * low > 0, 100 * low, np.nan)  # log scale: no zero
                ax.fill_between(days, low, 100 * high, color=color, alpha=0.2, lw=0)
        ax.set_yscale("log")
        ax.set_ylim(max(lowest / 2, 1e-4), 100 * 1.5)
        ax.yaxis.set_major_formatter(PERCENT)
        ax.set_title(policy, loc="left", fontweight="bold")
        ax.set_ylabel("Citizens (%)")
        ax.legend(title="Grade", **RIGHT)
    time_axis(axes[-1], days)
    return fig
