"""Groups every figure is reported by (all, and each label of each trait), and score histograms.

Group 0 is everyone; then each trait's labels in turn. A citizen belongs to one group per trait.
Score distributions by group are kept in credsim.metrics.score_histogram.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from credsim.engine.traits import ColumnTrait, SegmentTrait, Trait, segment_at
from credsim.metrics.score_stats import gini_from_histogram, ginis_from_histograms

__all__ = ["Groups", "gini_from_histogram", "ginis_from_histograms"]


CHUNK = 1 << 20
FUSED_FROM = 0
"""Counts and indices of more citizens than this take one compiled pass over them (the same
numbers)."""
SORT_FROM = 1 << 22
"""Citizens in the population from which `Groups.count` sorts those it counts first (the same
counts): at 1e6 citizens a day's counts took 0.3-0.6 ms unsorted against 0.4-1.1 ms sorted; at
1e7 the two were about even (a few long sorted runs, one per act kind, counted 2.2x faster merged;
many short runs 10-20% faster as they came)."""


@dataclass
class Groups:
    """Maps citizens to the flattened list of groups: ("all", "all"), (trait, label), ..."""

    traits: list[tuple[str, Trait, int]]  # (name, decoder, offset of its first label)
    keys: list[tuple[str, str]]
    _plan: tuple | None = field(default=None, repr=False, compare=False)
    _targets: tuple | None = field(default=None, repr=False, compare=False)

    @classmethod
    def build(cls, traits: dict[str, Trait]) -> Groups:
        keys = [("all", "all")]
        rows = []
        for name, trait in traits.items():
            rows.append((name, trait, len(keys)))
            keys.extend((name, label) for label in trait.labels)
        return cls(rows, keys)

    @property
    def size(self) -> int:
        return len(self.keys)

    def __getstate__(self) -> dict:
        # The compiled pass's plan holds the trait columns; rebuild it after a checkpoint.
        return {**self.__dict__, "_plan": None, "_targets": None}

    def index(self, citizens: np.ndarray) -> np.ndarray:
        """Group index per trait (rows: all, then each trait) for each citizen given."""
        out = np.zeros((1 + len(self.traits), citizens.shape[0]), np.int32)
        fused = self._fused()
        if fused is not None and citizens.shape[0] > FUSED_FROM:
            columns, plan, lookups, starts, segment_codes, offsets = fused
            c = np.ascontiguousarray(citizens)
            _index_fused(c, columns, plan, lookups, starts, segment_codes, offsets, out)
            return out
        for row, (_, trait, offset) in enumerate(self.traits, start=1):
            out[row] = trait.codes(citizens)
            out[row] += offset
        return out

    def count(self, citizens: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """How many of the given citizens (or weight) fall in each group: one count per trait,
        each bin summed in the citizens' order."""
        if citizens.shape[0] == 0:  # most days, for most flows: no work at all
            return np.zeros(self.size, np.int64 if weights is None else np.float64)
        fused = self._fused()
        if fused is not None and citizens.shape[0] > FUSED_FROM:
            columns, plan, lookups, starts, segment_codes, offsets = fused
            c = np.ascontiguousarray(citizens)
            if weights is None:
                # Integer counts do not depend on the order. Where the trait columns outgrow the
                # caches, citizens in order read them front to back, which the memory prefetches,
                # instead of at random (a day's acts or records are one sorted run per kind,
                # which merge cheaply); below that, the sort costs more than it saves.
                if columns[0].shape[0] > SORT_FROM:
                    c = np.sort(c, kind="stable")
                out = _count(c, columns, plan, starts, *self._group_targets(), self.size)
            else:
                out = np.zeros(self.size, np.float64)
                _weigh_fused(
                    c, np.ascontiguousarray(weights, np.float64), columns, plan, lookups, starts,
                    segment_codes, offsets, out,
                )  # fmt: skip
            return out
        everyone = np.zeros(citizens.shape[0], np.intp)
        parts = [np.bincount(everyone, weights=weights, minlength=1)]
        for name, trait, _ in self.traits:
            codes = trait.codes(citizens)
            parts.append(np.bincount(codes, weights=weights, minlength=len(trait.labels)))
            if parts[-1].shape[0] != len(trait.labels):
                raise ValueError(f"trait {name}: a code beyond its {len(trait.labels)} labels")
        return np.concatenate(parts)

    def count_bits(self, citizens: np.ndarray, bits: np.ndarray, k: int) -> np.ndarray:
        """(k, groups): row j counts the citizens whose bit j of `bits` (one per citizen) is set;
        one pass over the citizens for all k counts (the same numbers as k calls of `count`)."""
        fused = self._fused()
        if fused is None or citizens.shape[0] == 0:
            rows = [
                self.count(citizens[(bits >> np.uint64(j)) & np.uint64(1) > 0]) for j in range(k)
            ]
            return np.stack(rows) if rows else np.zeros((0, self.size), np.int64)
        columns, plan, _, starts, _, _ = fused
        c = np.ascontiguousarray(citizens)
        b = np.ascontiguousarray(bits, np.uint64)
        return _count_bits(c, b, k, columns, plan, starts, *self._group_targets(), self.size)

    def _fused(self) -> tuple | None:
        """The traits as arrays for one compiled pass (every column trait reading a uint8
        column), built once; None when some trait cannot be read that way."""
        if self._plan is not None:
            return self._plan or None
        columns: list[np.ndarray] = []
        rows, lookups, starts, seg_codes = [], [], [], []
        longest = max(
            (t.starts.shape[0] for _, t, _ in self.traits if isinstance(t, SegmentTrait)),
            default=1,
        )
        for _, trait, _ in self.traits:
            lookup = np.arange(256, dtype=np.int64)
            seg = np.full(longest, np.iinfo(np.int64).max, np.int64)
            seg_code = np.zeros(longest, np.int64)
            if isinstance(trait, ColumnTrait) and trait.column.shape[0] == 0:
                raise RuntimeError(
                    "citizens counted by group on a sharded run's head, which holds no "
                    "citizen's traits: count them in Plugin.tally_end"
                )
            if isinstance(trait, ColumnTrait) and trait.column.dtype == np.uint8:
                where = next((i for i, c in enumerate(columns) if c is trait.column), -1)
                if where < 0:
                    columns.append(trait.column)
                    where = len(columns) - 1
                if trait.lookup is not None:
                    lookup = np.zeros(256, np.int64)
                    lookup[: trait.lookup.shape[0]] = trait.lookup[:256]
                rows.append((where, trait.shift, trait.mask, len(trait.labels)))
            elif isinstance(trait, SegmentTrait):
                k = trait.starts.shape[0]
                seg[:k], seg_code[:k] = trait.starts, trait.segment_codes
                rows.append((-1, k, 0, len(trait.labels)))
            else:
                self._plan = ()
                return None
            lookups.append(lookup)
            starts.append(seg)
            seg_codes.append(seg_code)
        if not columns:
            columns.append(np.zeros(1, np.uint8))
        self._plan = (
            tuple(columns),
            np.array(rows, np.int64).reshape(-1, 4),
            np.array(lookups, np.int64).reshape(-1, 256),
            np.array(starts, np.int64).reshape(len(rows), -1),
            np.array(seg_codes, np.int64).reshape(len(rows), -1),
            np.array([o for _, _, o in self.traits], np.int64),
        )
        return self._plan

    def _group_targets(self) -> tuple[np.ndarray, np.ndarray]:
        """For `_count`: the group of each raw byte value of each column trait, and of each
        segment of each segment trait; `size` (one past the last group) for a code beyond its
        trait's labels."""
        if self._targets is None:
            _, plan, lookups, _, segment_codes, offsets = self._fused()
            labels = plan[:, 3:4]
            targets = []
            for codes in (lookups, segment_codes):
                valid = (codes >= 0) & (codes < labels)
                targets.append(np.where(valid, offsets[:, None] + codes, self.size))
            self._targets = (targets[0], targets[1])
        return self._targets

    def nested(self, values: dict[str, np.ndarray], scale: float = 1.0) -> dict:
        """{trait: {label: {name: value}}} from per-group arrays (group 0, everyone, left out);
        values are multiplied by `scale` (people per agent) and rounded to integers."""
        out: dict = {}
        for i, (trait, label) in enumerate(self.keys[1:], start=1):
            out.setdefault(trait, {})[label] = {
                name: round(float(array[i]) * scale) for name, array in values.items()
            }
        return out

    def sizes(self, n: int, alive=None, lo: int = 0) -> np.ndarray:
        """Citizens lo..n-1 in each group, counted in chunks (no per-citizen index is kept);
        only the living if `alive` (a predicate on citizens) is given."""
        total = np.zeros(self.size, np.int64)
        for start in range(lo, n, CHUNK):
            chunk = np.arange(start, min(start + CHUNK, n))
            if alive is not None:
                chunk = chunk[alive(chunk)]
            total += self.count(chunk).astype(np.int64)
        return total


@njit(cache=True)
def _segment(starts, r, a, x):
    """`segment_at` over trait r's `a` segment starts."""
    return segment_at(starts[r], a, x)


@njit(cache=True)
def _codes_into(r, citizens, columns, plan, lookups, starts, segment_codes, codes):
    """Codes of trait `r` for each citizen (one pass, the column chosen once)."""
    column, a, mask, labels = plan[r, 0], plan[r, 1], plan[r, 2], plan[r, 3]
    if column >= 0:
        values = columns[column]
        for j in range(citizens.shape[0]):
            codes[j] = lookups[r, (np.int64(values[citizens[j]]) >> a) & mask]
    else:  # segments: the last start at or below the citizen
        last, first, stop = np.int64(0), np.int64(1), np.int64(0)
        for j in range(citizens.shape[0]):
            x = np.int64(citizens[j])
            if not first <= x < stop:  # not in the last segment found (citizens mostly sorted)
                last, first, stop = _segment(starts, r, a, x)
            codes[j] = segment_codes[r, last]
    for j in range(citizens.shape[0]):
        if codes[j] < 0 or codes[j] >= labels:
            raise ValueError("a trait code beyond its labels")


@njit(cache=True)
def _count(citizens, columns, plan, starts, targets, segment_targets, size):
    """Citizens in each group. One pass over them counts each trait column's byte values (and
    each segment trait's segments: the one found last is kept, as citizens mostly come sorted);
    then each trait's groups take the counts of the values (segments) that map to them, 256 a
    column, whatever the number of citizens. A code beyond its labels counts in a slot past the
    groups, and raises. Serial on purpose: a day makes many counts, and a parallel region per
    count waits on a busy core whenever the machine has other work (a sweep's other runs),
    which costs far more than it gains."""
    traits = plan.shape[0]
    values = np.zeros((len(columns), 256), np.int64)
    in_segment = np.zeros((traits, starts.shape[1]), np.int64)
    first = np.zeros(traits, np.int64)
    stop = np.zeros(traits, np.int64)
    last = np.zeros(traits, np.int64)
    segmented = np.flatnonzero(plan[:, 0] < 0)
    read = plan[:, 0].max() + 1 if traits else 0  # columns some trait reads (none: a stand-in)
    for j in range(citizens.shape[0]):
        x = np.int64(citizens[j])
        for c in range(read):
            values[c, columns[c][x]] += 1
        for r in segmented:
            if not first[r] <= x < stop[r]:
                last[r], first[r], stop[r] = _segment(starts, r, plan[r, 1], x)
            in_segment[r, last[r]] += 1
    out = np.zeros(size + 1, np.int64)
    out[0] = citizens.shape[0]
    for r in range(traits):
        column, a = plan[r, 0], plan[r, 1]
        if column >= 0:
            for v in range(256):
                if values[column, v]:
                    out[targets[r, (v >> a) & plan[r, 2]]] += values[column, v]
        else:
            for k in range(a):
                out[segment_targets[r, k]] += in_segment[r, k]
    if out[size] > 0:
        raise ValueError("a trait code beyond its labels")
    return out[:size]


@njit(inline="always", cache=True)
def _groups_of(citizen, columns, plan, starts, targets, segment_targets, groups, found):
    """groups[1:] = the citizen's group in each trait (`_count`'s tables); `found` keeps the
    segment found last per segment trait, as citizens mostly come sorted."""
    x = np.int64(citizen)
    for r in range(plan.shape[0]):
        column, a = plan[r, 0], plan[r, 1]
        if column >= 0:
            groups[r + 1] = targets[r, (np.int64(columns[column][x]) >> a) & plan[r, 2]]
            continue
        if not found[1, r] <= x < found[2, r]:
            found[0, r], found[1, r], found[2, r] = _segment(starts, r, a, x)
        groups[r + 1] = segment_targets[r, found[0, r]]


@njit(cache=True)
def _count_bits(citizens, bits, k, columns, plan, starts, targets, segment_targets, size):
    """`_count` for k sets at once: row j counts the citizens whose bit j is set."""
    out = np.zeros((k, size + 1), np.int64)
    traits = plan.shape[0]
    groups = np.zeros(traits + 1, np.int64)
    found = np.zeros((3, traits), np.int64)  # per segment trait: last segment, its start, stop
    for j in range(citizens.shape[0]):
        b = bits[j]
        if b == 0:
            continue
        _groups_of(citizens[j], columns, plan, starts, targets, segment_targets, groups, found)
        for i in range(k):
            if (b >> np.uint64(i)) & np.uint64(1):
                for r in range(traits + 1):
                    out[i, groups[r]] += 1
    for i in range(k):
        if out[i, size] > 0:
            raise ValueError("a trait code beyond its labels")
    return out[:, :size].copy()


@njit(cache=True)
def _index_fused(citizens, columns, plan, lookups, starts, segment_codes, offsets, out):
    """Group index per trait (row 0: everyone, then each trait's) of each citizen, into out."""
    codes = np.empty(citizens.shape[0], np.int64)
    for r in range(plan.shape[0]):
        _codes_into(r, citizens, columns, plan, lookups, starts, segment_codes, codes)
        for j in range(citizens.shape[0]):
            out[r + 1, j] = offsets[r] + codes[j]


@njit(cache=True)
def _weigh_fused(citizens, weights, columns, plan, lookups, starts, segment_codes, offsets, out):
    for j in range(citizens.shape[0]):
        out[0] += weights[j]
    codes = np.empty(citizens.shape[0], np.int64)
    for r in range(plan.shape[0]):
        _codes_into(r, citizens, columns, plan, lookups, starts, segment_codes, codes)
        for j in range(citizens.shape[0]):
            out[offsets[r] + codes[j]] += weights[j]
