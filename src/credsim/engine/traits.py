"""Traits: what a citizen is (sex, age band, province...) as labelled codes, decoded on demand.

A population packs several traits into one byte, or derives them from the citizen's number
(provinces and urban/rural areas are contiguous ranges), so a trait is a decoder, not a column.
Metrics report every figure by each trait; behaviour reads traits of the citizens it draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from credsim.errors import UserError, did_you_mean

__all__ = ["ColumnTrait", "LabelTables", "SegmentTrait", "Trait", "segment_at"]


class Trait:
    """Labelled codes for any set of citizens."""

    labels: list[str]

    def codes(self, citizens: np.ndarray) -> np.ndarray:
        """Code (index into `labels`) of each citizen given."""
        raise NotImplementedError

    def all_codes(self, n: int) -> np.ndarray:
        """Codes of citizens 0..n-1."""
        return self.codes(np.arange(n, dtype=np.int64))


@dataclass
class ColumnTrait(Trait):
    """Bits `shift`.. of a state column (masked), optionally mapped through a lookup table."""

    labels: list[str]
    column: np.ndarray
    shift: int = 0
    mask: int = 0xFF
    lookup: np.ndarray | None = None

    def codes(self, citizens: np.ndarray) -> np.ndarray:
        citizens = np.asarray(citizens)
        if self.lookup is None:
            out = np.empty(citizens.shape[0], self.column.dtype)
            _column_codes(self.column, citizens, self.shift, self.mask, _NO_LOOKUP, out)
        else:
            out = np.empty(citizens.shape[0], self.lookup.dtype)
            _column_codes(self.column, citizens, self.shift, self.mask, self.lookup, out)
        return out


@dataclass
class SegmentTrait(Trait):
    """A code per contiguous range of citizens: `starts` (sorted) and the code of each range."""

    labels: list[str]
    starts: np.ndarray
    segment_codes: np.ndarray

    def codes(self, citizens: np.ndarray) -> np.ndarray:
        out = np.empty(citizens.shape[0], self.segment_codes.dtype)
        _segment_codes(self.starts, self.segment_codes, np.asarray(citizens), out)
        return out


@njit(inline="always", cache=True)
def segment_at(starts, k, x):
    """The index of the last of the first `k` of `starts` (sorted) at or below `x`, and where
    that segment starts and stops (-1 and the lowest int64 below the first start)."""
    lo, hi = 0, k
    while lo < hi:
        mid = (lo + hi) >> 1
        if starts[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    first = starts[lo - 1] if lo > 0 else np.iinfo(np.int64).min
    return lo - 1, first, starts[lo] if lo < k else np.iinfo(np.int64).max


_NO_LOOKUP = np.empty(0, np.int64)


@njit(cache=True)
def _column_codes(column, citizens, shift, mask, lookup, out):
    """(column[citizens] >> shift) & mask, through `lookup` unless it is empty: one pass."""
    for j in range(citizens.shape[0]):
        raw = (np.int64(column[citizens[j]]) >> shift) & mask
        if lookup.shape[0] == 0:
            out[j] = raw
        elif raw < lookup.shape[0]:
            out[j] = lookup[raw]
        else:
            raise IndexError("a trait's raw value beyond its lookup table")


@njit(cache=True)
def _segment_codes(starts, segment_codes, citizens, out):
    """The code of the last segment starting at or below each citizen (`searchsorted(...,
    side="right") - 1`), the segment found last kept: citizens mostly come sorted, so most take
    one comparison instead of a binary search."""
    last, first, stop = np.int64(0), np.int64(1), np.int64(0)
    for j in range(citizens.shape[0]):
        x = np.int64(citizens[j])
        if not first <= x < stop:
            last, first, stop = segment_at(starts, starts.shape[0], x)
        out[j] = segment_codes[last]


class LabelTables:
    """Multipliers given by trait and label in a scenario (e.g. urban = { rural = 0.6 }),
    checked against the population's traits, applied to any set of citizens."""

    def __init__(self, tables: dict[str, dict[str, float]], traits: dict[str, Trait], what: str):
        self.tables: list[tuple[Trait, np.ndarray]] = []
        for name, by_label in tables.items():
            trait = traits.get(name)
            if trait is None:
                did = did_you_mean(name, traits)
                raise UserError(f"{what}: unknown trait {name!r}{did}; traits: {', '.join(traits)}")
            values = np.ones(len(trait.labels))
            for label, value in by_label.items():
                if label not in trait.labels:
                    did = did_you_mean(label, trait.labels)
                    raise UserError(
                        f"{what}: {name} has no label {label!r}{did}; "
                        f"labels: {', '.join(trait.labels)}"
                    )
                values[trait.labels.index(label)] = value
            self.tables.append((trait, values))

    def largest(self) -> float:
        """The largest multiplier any citizen can get (the product of each table's largest)."""
        return float(np.prod([values.max() for _, values in self.tables])) if self.tables else 1.0

    def factor(self, citizens: np.ndarray) -> np.ndarray:
        """The product of every table's multiplier for each citizen."""
        out = np.ones(citizens.shape[0])
        for trait, values in self.tables:
            out *= values[trait.codes(citizens)]
        return out
