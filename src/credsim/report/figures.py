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

from credsim.results.rates import Z95, wilson_intervals

from .style import DIM_NAMES, GREY, OKABE_ITO, PERCENT, RIGHT, figure, time_axis, time_of, top_text

__all__ = [
    "gap_half_width",
    "grade_shares",
    "is_label",
    "score_by_group",
    "score_distribution",
]

CHUNK = 1 << 20
"""Rows of citizens a figure reads at a time."""
GROUP_DIMS = ("sex", "age_band", "urban", "group", "education", "income")
"""Dimensions shown label by label (provinces are too many for a figure)."""


def _labels(values: pd.Series, most: int = len(OKABE_ITO)) -> tuple[np.ndarray, list[str]]:
    """Each row's label, as its index in the labels (strings, in their natural order; -1: a row
    shown under none), the smallest folded into "other" when there are more than `most`. A
    category column is read by its codes, without a string per row, a chunk of rows at a time."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        names = [str(c) for c in values.cat.categories]
        codes = values.cat.codes.to_numpy()
        natural = list(names)
        if (codes < 0).any():  # a missing value reads as "nan", which no category is
            names.append("nan")
            codes = np.where(codes < 0, len(names) - 1, codes)
    else:
        text = values.astype(str).to_numpy()
        unique, codes = np.unique(text, return_inverse=True)
        names = natural = [str(x) for x in unique]
    counts = np.zeros(len(names), np.int64)
    for start in range(0, codes.shape[0], CHUNK):
        counts += np.bincount(codes[start : start + CHUNK].astype(np.intp), minlength=len(names))
    size = dict(zip(names, counts.tolist(), strict=True))
    order = [x for x in natural if size[x] > 0]
    rest = -1  # the rows of no label shown
    if len(order) > most:
        keep = set(sorted(order, key=lambda k: (-size[k], k))[: most - 1])
        order = [o for o in order if o in keep] + ["other"]
        rest = len(order) - 1
    index = {label: i for i, label in enumerate(order[: len(order) if rest < 0 else rest])}
    table = np.array([index.get(x, rest) for x in names], np.int16)
    out = np.empty(codes.shape[0], np.int16)
    for start in range(0, codes.shape[0], CHUNK):
        out[start : start + CHUNK] = table[codes[start : start + CHUNK].astype(np.intp)]
    return out, order


def _integer_counts(
    scores: pd.Series, labels: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Every whole score from the lowest held to the highest and, per label 0..k-1 (row k:
    every citizen with a score), how many citizens hold each, read a chunk of rows at a time
    (the scores are never copied whole); None when a score is not a whole number (then
    `_sorted_counts`) or none is held."""
    span = _whole_span(scores)
    if span is None:
        return None
    low, width = span
    return low + np.arange(width, dtype=np.float64), _label_counts(scores, labels, k, low, width)


def _whole_span(scores: pd.Series) -> tuple[float, int] | None:
    """The lowest score held and how many whole values reach the highest; None when a score is
    not a whole number, none is held, or they span more than 2**20 values."""
    low, high = np.inf, -np.inf
    whole = isinstance(scores.dtype, np.dtype) and np.issubdtype(scores.dtype, np.integer)
    for start in range(0, len(scores), CHUNK):
        if whole:  # a NumPy integer column: whole numbers, no NaN
            x = scores.iloc[start : start + CHUNK].to_numpy()
        else:
            x = scores.iloc[start : start + CHUNK].to_numpy(dtype=np.float64)
            x = x[~np.isnan(x)]
            if x.size and (x != np.rint(x)).any():
                return None
        if x.size:
            low, high = min(low, float(x.min())), max(high, float(x.max()))
    if low > high or high - low > 1 << 20:
        return None
    return low, int(high - low) + 1


def _label_counts(
    scores: pd.Series, labels: np.ndarray, k: int, low: float, width: int
) -> np.ndarray:
    """(k + 1, width): row j counts the citizens of label j (0..k-1; others are in no row but
    the last) at each whole score low, low + 1, ...; row k every citizen holding a score. One
    count of label and score together per chunk of rows."""
    counts = np.zeros((k + 1, width), np.int64)
    whole = isinstance(scores.dtype, np.dtype) and np.issubdtype(scores.dtype, np.integer)
    for start in range(0, len(scores), CHUNK):
        if whole:  # a NumPy integer column: every citizen holds a score, no NaN to drop
            at = scores.iloc[start : start + CHUNK].to_numpy().astype(np.intp) - int(low)
            code = labels[start : start + CHUNK].astype(np.intp)
        else:
            x = scores.iloc[start : start + CHUNK].to_numpy(dtype=np.float64)
            valid = ~np.isnan(x)
            at = (x[valid] - low).astype(np.intp)
            code = labels[start : start + CHUNK][valid].astype(np.intp)
        counts[k] += np.bincount(at, minlength=width)
        mine = (code >= 0) & (code < k)
        cell = code[mine] * width + at[mine]
        counts[:k] += np.bincount(cell, minlength=k * width).reshape(k, width)
    return counts


def _edges(scores: np.ndarray) -> np.ndarray:
    lo, hi = math.floor(scores.min()), math.ceil(scores.max())
    pad = max(1.0, 0.02 * (hi - lo))
    return np.array([lo - pad, hi + pad])


def _sorted_counts(
    scores: np.ndarray, labels: np.ndarray, shown: list
) -> tuple[np.ndarray, np.ndarray] | None:
    """`_integer_counts`'s table for any scores (the distinct scores held, in order): the whole
    column sorted at once."""
    valid = ~np.isnan(scores)
    if not valid.any():
        return None
    values = np.unique(scores[valid])
    counts = np.zeros((len(shown) + 1, values.shape[0]), np.int64)
    counts[-1] = np.bincount(np.searchsorted(values, scores[valid]), minlength=values.shape[0])
    for code in range(len(shown)):
        mine = scores[valid & (labels == code)]
        counts[code] = np.bincount(np.searchsorted(values, mine), minlength=values.shape[0])
    return values, counts


def score_distribution(df: pd.DataFrame, policies: list[str], dim: str | None) -> Figure:
    """One panel per policy: % of each group's citizens at or below each score, grade bounds dashed.

    df holds `score.<policy>`, optionally `grade.<policy>`, and the `dim` column. A panel where
    most citizens share one score uses a log scale, so that the lower tail stays visible.
    """
    fig = figure(height=0.6 + 2.1 * len(policies))
    axes = fig.subplots(len(policies), 1, squeeze=False)[:, 0]
    labels, order = _labels(df[dim]) if dim else (np.zeros(len(df), np.int16), ["all"])
    shown = list(zip(order, OKABE_ITO, strict=False))
    for ax, policy in zip(axes, policies, strict=True):
        tally = _integer_counts(df[f"score.{policy}"], labels, len(shown))
        if tally is None:  # scores that are not whole numbers: sorted as they are
            tally = _sorted_counts(df[f"score.{policy}"].to_numpy(dtype=np.float64), labels, shown)
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


def gap_half_width(scores: np.ndarray, mask: np.ndarray, z: float = Z95) -> float:
    """Half the 95% normal interval of a group's mean score minus everyone's, from the simulated
    citizens (the group against the rest, independent: the gap is (1 - share) x their
    difference). NaN when either side has fewer than two scored citizens."""
    series = pd.Series(scores)
    centre = float(np.nanmean(scores)) if (~np.isnan(scores)).any() else 0.0
    everyone = _moments(series, None, 1, centre)
    group = _moments(series, np.where(mask, 0, -1).astype(np.int16), 1, centre)
    return _half_width(everyone, group, 0, centre, z)


def _moments(
    scores: pd.Series, codes: np.ndarray | None, k: int, centre: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per code 0..k-1 (-1: none; `codes` None: everyone code 0), over the scores held (not
    NaN): how many, their sum and their squared distances from `centre` summed; a chunk of rows
    at a time."""
    n, total, squares = np.zeros(k), np.zeros(k), np.zeros(k)
    for start in range(0, len(scores), CHUNK):
        x = scores.iloc[start : start + CHUNK].to_numpy(dtype=np.float64)
        code = np.zeros(len(x), np.int16) if codes is None else codes[start : start + CHUNK]
        kept = ~np.isnan(x) & (code >= 0)
        x, at = x[kept], code[kept].astype(np.intp)
        n += np.bincount(at, minlength=k)
        total += np.bincount(at, x, minlength=k)
        squares += np.bincount(at, (x - centre) ** 2, minlength=k)
    return n, total, squares


def _half_width(everyone: tuple, group: tuple, j: int, centre: float, z: float = Z95) -> float:
    """`gap_half_width` of group j from the moments of everyone (code 0) and of the groups: each
    side's variance from its squared distances to the common centre, less its mean's."""
    n_all, total_all, squares_all = (float(a[0]) for a in everyone)
    n, total, squares = (float(a[j]) for a in group)
    rest = n_all - n
    if n < 2 or rest < 2:
        return float("nan")
    mean, mean_rest = total / n, (total_all - total) / rest
    var = (squares - n * (mean - centre) ** 2) / (n - 1)
    var_rest = ((squares_all - squares) - rest * (mean_rest - centre) ** 2) / (rest - 1)
    share = n / n_all
    return float(z * (1 - share) * np.sqrt(max(var, 0.0) / n + max(var_rest, 0.0) / rest))


def is_label(column: pd.Series, label: str) -> np.ndarray:
    """Whether each row's value, as text, is `label`: a category column is compared by its
    codes, without a string per row."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        out = np.zeros(codes.shape[0], bool)
        for code in np.flatnonzero(column.cat.categories.astype(str) == label):
            out |= codes == code
        return out
    return (column.astype(str) == label).to_numpy()


def _moments_of(values: np.ndarray, counts: np.ndarray, centre: float) -> tuple:
    """`_moments` of each row of a table of counts at whole `values`: how many, their sum (exact:
    whole numbers) and their squared distances from `centre` summed."""
    n = counts.sum(axis=1).astype(np.float64)
    total = (counts * values).sum(axis=1)
    squares = (counts * (values - centre) ** 2).sum(axis=1)
    return n, total, squares


def _by_label(
    scores: pd.Series, codes: np.ndarray, k: int, mean: float, span: tuple[float, int] | None
) -> tuple[tuple, tuple, float]:
    """`_moments` of labels 0..k-1 and of everyone holding a score, about `mean` (NaN: not yet
    known), and that mean: from the counts of citizens by label and score where the scores are
    whole numbers (`span`, from `_whole_span`), one count per chunk of rows; else summed over
    the rows (`mean` must then be known)."""
    if span is None:
        centre = 0.0 if np.isnan(mean) else mean
        return _moments(scores, codes, k, centre), _moments(scores, None, 1, centre), mean
    low, width = span
    values = low + np.arange(width, dtype=np.float64)
    counts = _label_counts(scores, codes, k, low, width)
    n, total = counts[-1].sum(), (counts[-1] * values).sum()  # exact: whole numbers
    mean = float(total / n) if n else np.nan
    moments = _moments_of(values, counts, 0.0 if np.isnan(mean) else mean)
    return tuple(m[:k] for m in moments), tuple(m[k:] for m in moments), mean


def _gaps(
    df: pd.DataFrame, policies: list[str], dims: list[str]
) -> tuple[list[tuple[str, str]], dict, dict, dict]:
    """The rows (dimension, label) of `score_by_group` and, per policy, each row's gap to the
    mean, the gap's half width and the mean. Sums of whole-number scores are exact in any
    order, so each mean is the one of its own rows."""
    overall, spans = {}, {}
    for policy in policies:
        spans[policy] = _whole_span(df[f"score.{policy}"])
        overall[policy] = np.nan  # counted with the first dimension's groups
        if spans[policy] is None:
            held, total, _ = _moments(df[f"score.{policy}"], None, 1, 0.0)
            overall[policy] = total[0] / held[0] if held[0] else np.nan
    rows: list[tuple[str, str]] = []
    gaps: dict[str, list[float]] = {p: [] for p in policies}
    half: dict[str, list[float]] = {p: [] for p in policies}
    for dim in dims:
        codes, order = _labels(df[dim], most=99)
        rows += [(dim, label) for label in order]
        for policy in policies:
            scores, span = df[f"score.{policy}"], spans[policy]
            by, whole, overall[policy] = _by_label(scores, codes, len(order), overall[policy], span)
            centre = 0.0 if np.isnan(overall[policy]) else float(overall[policy])
            for j, label in enumerate(order):
                mine, at = by, j
                if label in ("other", "nan"):  # folded or missing: the rows that read so
                    mask = np.where(is_label(df[dim], label), 0, -1).astype(np.int16)
                    mine, at = _by_label(scores, mask, 1, centre, span)[0], 0
                count, sums = mine[0][at], mine[1][at]
                gaps[policy].append(sums / count - overall[policy] if count else np.nan)
                half[policy].append(_half_width(whole, mine, at, centre))
        del codes
    return rows, gaps, half, overall


def score_by_group(df: pd.DataFrame, policies: list[str], dims: list[str]) -> Figure:
    """Mean score of each group minus the population's mean, one panel per policy."""
    rows, gaps, half, overall = _gaps(df, policies, dims)
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
