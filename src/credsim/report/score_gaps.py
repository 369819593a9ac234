"""Each group's mean score minus everyone's, and the 95% interval of that gap, from the counts
and sums of credsim.report.score_counts: what `score_by_group` draws."""

from __future__ import annotations

import numpy as np
import pandas as pd

from credsim.results.rates import Z95

from .score_counts import is_label, label_codes, label_counts, moments, moments_of, whole_span

__all__ = ["gap_half_width", "gaps_by_group"]


def gap_half_width(scores: np.ndarray, mask: np.ndarray, z: float = Z95) -> float:
    """Half the 95% normal interval of a group's mean score minus everyone's, from the simulated
    citizens (the group against the rest, independent: the gap is (1 - share) x their
    difference). NaN when either side has fewer than two scored citizens."""
    series = pd.Series(scores)
    centre = float(np.nanmean(scores)) if (~np.isnan(scores)).any() else 0.0
    everyone = moments(series, None, 1, centre)
    group = moments(series, np.where(mask, 0, -1).astype(np.int16), 1, centre)
    return _half_width(everyone, group, 0, centre, z)


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


def _by_label(
    scores: pd.Series, codes: np.ndarray, k: int, mean: float, span: tuple[float, int] | None
) -> tuple[tuple, tuple, float]:
    """`moments` of labels 0..k-1 and of everyone holding a score, about `mean` (NaN: not yet
    known), and that mean: from the counts of citizens by label and score where the scores are
    whole numbers (`span`, from `whole_span`), one count per chunk of rows; else summed over
    the rows (`mean` must then be known)."""
    if span is None:
        centre = 0.0 if np.isnan(mean) else mean
        return moments(scores, codes, k, centre), moments(scores, None, 1, centre), mean
    low, width = span
    values = low + np.arange(width, dtype=np.float64)
    counts = label_counts(scores, codes, k, low, width)
    n, total = counts[-1].sum(), (counts[-1] * values).sum()  # exact: whole numbers
    mean = float(total / n) if n else np.nan
    summed = moments_of(values, counts, 0.0 if np.isnan(mean) else mean)
    return tuple(m[:k] for m in summed), tuple(m[k:] for m in summed), mean


def gaps_by_group(
    df: pd.DataFrame, policies: list[str], dims: list[str]
) -> tuple[list[tuple[str, str]], dict, dict, dict]:
    """The rows (dimension, label) of `score_by_group` and, per policy, each row's gap to the
    mean, the gap's half width and the mean. Sums of whole-number scores are exact in any
    order, so each mean is the one of its own rows."""
    overall, spans = {}, {}
    for policy in policies:
        spans[policy] = whole_span(df[f"score.{policy}"])
        overall[policy] = np.nan  # counted with the first dimension's groups
        if spans[policy] is None:
            held, total, _ = moments(df[f"score.{policy}"], None, 1, 0.0)
            overall[policy] = total[0] / held[0] if held[0] else np.nan
    rows: list[tuple[str, str]] = []
    gaps: dict[str, list[float]] = {p: [] for p in policies}
    half: dict[str, list[float]] = {p: [] for p in policies}
    for dim in dims:
        codes, order = label_codes(df[dim], most=99)
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
