"""Counts and sums over every citizen's scores by group, a chunk of rows at a time: the tables the
score figures draw (credsim.report.figures) and the gaps by group (credsim.report.score_gaps)
are made from. Whole-number scores are counted by label and score in one count per chunk."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .style import OKABE_ITO

__all__ = [
    "CHUNK",
    "integer_counts",
    "is_label",
    "label_codes",
    "label_counts",
    "moments",
    "moments_of",
    "sorted_counts",
    "whole_span",
]

CHUNK = 1 << 20
"""Rows of citizens a figure reads at a time."""


def label_codes(values: pd.Series, most: int = len(OKABE_ITO)) -> tuple[np.ndarray, list[str]]:
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


def integer_counts(
    scores: pd.Series, labels: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Every whole score from the lowest held to the highest and, per label 0..k-1 (row k:
    every citizen with a score), how many citizens hold each, read a chunk of rows at a time
    (the scores are never copied whole); None when a score is not a whole number (then
    `sorted_counts`) or none is held."""
    span = whole_span(scores)
    if span is None:
        return None
    low, width = span
    return low + np.arange(width, dtype=np.float64), label_counts(scores, labels, k, low, width)


def whole_span(scores: pd.Series) -> tuple[float, int] | None:
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


def label_counts(
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


def sorted_counts(
    scores: np.ndarray, labels: np.ndarray, shown: list
) -> tuple[np.ndarray, np.ndarray] | None:
    """`integer_counts`'s table for any scores (the distinct scores held, in order): the whole
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


def moments(
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


def moments_of(values: np.ndarray, counts: np.ndarray, centre: float) -> tuple:
    """`moments` of each row of a table of counts at whole `values`: how many, their sum (exact:
    whole numbers) and their squared distances from `centre` summed."""
    n = counts.sum(axis=1).astype(np.float64)
    total = (counts * values).sum(axis=1)
    squares = (counts * (values - centre) ** 2).sum(axis=1)
    return n, total, squares
