"""Running friends' sums for a policy's friends' term: each citizen's sum over friends of the
scores they hold, kept up to date by adding every changed score's delta at its holder's friends.

An update then costs the citizens whose score changed times their friends, not every citizen
times every friend. The term comes out exactly as a full pass over the graph gives it: the sums
are integers, and the mean, the cut and added ties and the rounding repeat the full pass's
floating-point steps one by one (`ScoringPolicy._friends_mean_by_pass` keeps that pass for what
the sums do not cover: other layers, and populations whose graph changes with births and deaths).

Seven bytes a citizen: one int32 word holds the sum (its upper 24 bits) and the number of friends
holding a score (its low byte), a byte the number of friends, and an int16 the citizen's score as
the sums hold it.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numba import njit

from credsim.engine import Column, RecordWorld

__all__ = ["FriendSums", "friend_sums_columns"]

NO_SCORE = -32768
"""What `seen` holds for a citizen without a score in the policy."""
MAX_FRIENDS = 255
"""Friend counts are kept in a byte: graphs that allow more friends use the full pass."""
SHIFT = 8
"""The sum sits above the count of friends holding a score, in one int32 word: with at most
255 friends and int16 scores, |sum| <= 255 x 32768 < 2**23, so the word never overflows."""
LOW = (1 << SHIFT) - 1
REBUILD_ROWS = 1 << 20
"""Citizens whose scores are added (or changes found) at a time (a few bytes each)."""


def _names(policy: str) -> dict[str, str]:
    return {k: f"friends_{k}.{policy}" for k in ("sum", "count", "seen")}


def friend_sums_columns(policy: str) -> list[Column]:
    """The columns of a policy's running friends' sums."""
    names = _names(policy)
    docs = {
        "sum": (
            "int32",
            "256 x the sum of the scores friends hold, plus how many friends hold one "
            "(cut and added ties aside)",
        ),
        "count": ("uint8", "friends in the graph (cut and added ties aside)"),
        "seen": ("int16", "the citizen's score as friends' sums hold it (-32768: none)"),
    }
    return [Column(names[k], d, owner=policy, doc=doc, shown=False) for k, (d, doc) in docs.items()]


class FriendSums:
    """A policy's running friends' sums over the friendship layer, in its declared columns."""

    def __init__(self, world: RecordWorld, policy: str) -> None:
        names = _names(policy)
        state = world.state
        self.graph = world.graph
        self.lo, self.hi = world.lo, world.hi
        self.sum = state[names["sum"]]
        self.count = state[names["count"]]
        self.seen = state[names["seen"]]
        self.fits = self.graph is not None and self.graph.max_degree() <= MAX_FRIENDS
        self.ready = False
        """Whether the columns hold the sums (built at the first update)."""
        self.by_holders = False
        """Whether they count only friends who hold a score (and the low bytes how many do)."""

    @classmethod
    def of(cls, world: RecordWorld, policy: str) -> FriendSums | None:
        """The policy's running sums, if it declared their columns."""
        return cls(world, policy) if _names(policy)["sum"] in world.state else None

    def refresh(self, scores: np.ndarray, held: np.ndarray | None) -> bool:
        """Bring the sums up to date with the scores held now (`held`: who holds a score, None:
        everyone); False if they cannot stand for a full pass (it must be run instead). A block
        of `REBUILD_ROWS` citizens at a time: the sums are integers, so the order in which
        changes are added does not matter."""
        lo, hi = self.lo, self.hi
        if not self.fits:
            return False
        if held is not None:
            for start in range(lo, hi, REBUILD_ROWS):
                end = min(start + REBUILD_ROWS, hi)
                if (held[start:end] & (scores[start:end] == NO_SCORE)).any():
                    self.ready = False  # a held score that reads as none
                    return False
        if not self.ready or self.by_holders != (held is not None):
            self._rebuild(scores, held)
            return True
        for start in range(lo, hi, REBUILD_ROWS):
            end = min(start + REBUILD_ROWS, hi)
            now = _now(scores, held, start, end)
            changed = np.flatnonzero(self.seen[start:end] != now)
            if changed.shape[0] == 0:
                continue
            old, new = self.seen[start + changed].astype(np.int32), now[changed].astype(np.int32)
            if held is None:
                word = (new - old) << SHIFT
            else:
                was, has = old != NO_SCORE, new != NO_SCORE
                delta = np.where(has, new, 0) - np.where(was, old, 0)
                word = (delta << SHIFT) + (has.astype(np.int32) - was.astype(np.int32))
            self.graph.add_to_neighbours(start + changed, word, self.sum)
            self.seen[start + changed] = now[changed]
        return True

    def _rebuild(self, scores: np.ndarray, held: np.ndarray | None) -> None:
        """Sum the scores in from nothing: every citizen's score added at its friends, a
        `REBUILD_ROWS` block of citizens at a time, straight into the 32-bit columns."""
        lo, hi = self.lo, self.hi
        self.sum[lo:hi] = 0
        self.count[lo:hi] = 0
        for start in range(lo, hi, REBUILD_ROWS):
            end = min(start + REBUILD_ROWS, hi)
            now = _now(scores, held, start, end)
            mine = now.astype(np.int32)
            if held is None:
                word = mine << SHIFT
            else:
                has = mine != NO_SCORE
                word = (np.where(has, mine, 0) << SHIFT) + has
            ones = np.ones(end - start, np.uint8)
            self.graph.add_to_neighbours(np.arange(start, end), word, self.sum, ones, self.count)
            self.seen[start:end] = now
        self.ready, self.by_holders = True, held is not None
        self.graph.know_degrees(self.count)  # the friends each own citizen has, counted

    def mean_and_count(self, cuts) -> tuple[np.ndarray, np.ndarray]:
        """Per own citizen: friends' mean score and how many friends count, exactly as
        `ScoringPolicy._friends_mean_by_pass` gives them (call `refresh` first)."""
        mean = np.empty(self.hi - self.lo, np.float64)
        count = np.empty(self.hi - self.lo, np.int32)
        unused = (np.empty(0, np.int32), np.empty(0, np.int32))
        _pass(*self._inputs(cuts), self.seen, 0.0, 0.0, True, mean, count, *unused)
        return mean, count

    def moving(
        self, cuts, term: np.ndarray, weight: float, reference: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Own citizens (int32) whose rounded term differs from `term`, and their new term: all
        of `moving_ranges` at once."""
        whole = max(self.hi - self.lo, 1)
        for citizens, targets in self.moving_ranges(cuts, term, weight, reference, whole):
            return citizens, targets
        return np.empty(0, np.int32), np.empty(0, np.int32)  # no own citizens

    def moving_ranges(
        self, cuts, term: np.ndarray, weight: float, reference: float, rows: int
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """`moving`, `rows` own citizens at a time: the same citizens and targets in the same
        order, with only a range's held at once (on a day most citizens' terms move). A range's
        targets do not depend on the moves before it: the sums and the views of cut ties stay as
        they are until the next `refresh`."""
        lo, hi, *rest, active, who, starts, other, sign = self._inputs(cuts)
        unused = (np.empty(0, np.float64), np.empty(0, np.int32))
        for a in range(lo, hi, rows):
            b = min(a + rows, hi)
            i, j = np.searchsorted(who, [a, b])
            citizens, targets = np.empty(b - a, np.int32), np.empty(b - a, np.int32)
            moved = _pass(
                a, b, *rest, active, who[i:j], starts[i : j + 1], other, sign, term,
                float(weight), float(reference), False, *unused, citizens, targets,
            )  # fmt: skip
            yield citizens[:moved], targets[:moved]

    def _inputs(self, cuts) -> tuple:
        empty = np.empty(0, np.int64)
        who, starts, other, sign = empty, np.zeros(1, np.int64), empty, empty
        active = cuts is not None and (cuts.keys.shape[0] > 0 or cuts.added.shape[0] > 0)
        if active:
            who, starts, other, sign = _by_citizen(cuts)
        return (self.lo, self.hi, self.sum, self.count, self.by_holders, self.seen,
                active, who, starts, other, sign)  # fmt: skip


def _now(scores: np.ndarray, held: np.ndarray | None, start: int, end: int) -> np.ndarray:
    """The scores of citizens start..end-1 as the sums hold them (`NO_SCORE`: none)."""
    if held is None:
        return scores[start:end]
    return np.where(held[start:end], scores[start:end], NO_SCORE).astype(np.int16)


def _by_citizen(cuts) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cut ties (sign -1), then added ties (+1), grouped by citizen in the order the full pass
    takes them out and puts them in: (citizens, group starts, other ends, signs)."""
    cut_low, cut_high = cuts.ends()
    add_low, add_high = cuts.added_ends()
    n_cut, n_add = cut_low.shape[0], add_low.shape[0]
    who = np.concatenate([cut_low, cut_high, add_low, add_high])
    other = np.concatenate([cut_high, cut_low, add_high, add_low])
    seq = np.concatenate([np.tile(np.arange(n_cut), 2), n_cut + np.tile(np.arange(n_add), 2)])
    sign = np.concatenate([np.full(2 * n_cut, -1, np.int64), np.ones(2 * n_add, np.int64)])
    order = np.lexsort((seq, who))
    who, other, sign = who[order], other[order], sign[order]
    first = np.flatnonzero(np.concatenate([[True], who[1:] != who[:-1]]))
    starts = np.concatenate([first, [who.shape[0]]]).astype(np.int64)
    return who[first], starts, other, sign


CHUNK = 1024
"""Citizens `_pass` works on at a time."""


@njit(cache=True, error_model="numpy")
def _pass(
    lo, hi, word, c, by_holders, seen, active, who, starts, other, sign,
    term, weight, ref, fill, mean_out, count_out, citizens_out, targets_out,
):  # fmt: skip
    """Each own citizen's friends' mean and count by the full pass's float steps on the integer
    sums (`word`: the sum above, the friends holding a score in the low byte): the mean over
    friends (or over the share holding a score), the cut ties taken out and the added ones put
    in (`active`: there are some, so every sum makes the round trip through mean * count), then
    (unless `fill`, which writes means and counts) the rounded term. Returns how many terms
    move, listing the first of them (as many as `citizens_out` holds). Chunks of citizens, so
    that the arithmetic vectorises (the numpy error model: a division by zero gives what the
    `if` then discards, no exception)."""
    total = np.empty(CHUNK, np.float64)
    share = np.empty(CHUNK, np.float64)
    count = np.empty(CHUNK, np.int64)
    mean = np.empty(CHUNK, np.float64)
    moved = np.empty(CHUNK, np.int64)
    moved_to = np.empty(CHUNK, np.int32)
    m = 0
    q = 0
    for base in range(lo, hi, CHUNK):
        size = min(CHUNK, hi - base)
        for j in range(size):
            count[j] = c[base + j]
        if not by_holders:
            for j in range(size):
                n = count[j]
                mu = (np.int64(word[base + j]) >> SHIFT) / n
                total[j] = mu * n if n > 0 else 0.0  # the round trip through mean * count
                mean[j] = mu if n > 0 else np.nan
        else:
            for j in range(size):
                n = count[j]
                w = np.int64(word[base + j])
                sh = (w & LOW) / n
                tot = (w >> SHIFT) / n
                share[j] = sh * n if n > 0 else 0.0
                total[j] = tot * n if n > 0 else 0.0
                mean[j] = (tot / sh if sh > 0 else np.nan) if n > 0 else np.nan
                if not active:
                    share[j] = sh if n > 0 else np.nan
        if active:
            while q < who.shape[0] and who[q] < base + size:
                j = who[q] - base
                for e in range(starts[q], starts[q + 1]):
                    value = np.int64(seen[other[e]])
                    if by_holders:
                        one = 1.0 if value != NO_SCORE else 0.0
                        score = np.float64(value) if value != NO_SCORE else 0.0
                    else:
                        one = 0.0
                        score = np.float64(value)
                    if sign[e] < 0:
                        share[j] -= one
                        total[j] -= score
                        count[j] -= 1
                    else:
                        share[j] += one
                        total[j] += score
                        count[j] += 1
                q += 1
            for j in range(size):
                n = count[j]
                div = np.float64(max(n, 1))
                if by_holders:
                    sh = share[j] / div if n > 0 else np.nan
                    tot = total[j] / div if n > 0 else np.nan
                    share[j] = sh
                    mean[j] = tot / sh if sh > 0 else np.nan
                else:
                    mean[j] = total[j] / div if n > 0 else np.nan
        if by_holders:
            for j in range(size):
                sh = share[j]
                count[j] = np.int64(np.rint((0.0 if np.isnan(sh) else sh) * count[j]))
        if fill:
            for j in range(size):
                mean_out[base - lo + j] = mean[j]
                count_out[base - lo + j] = count[j]
            continue
        k = 0
        for j in range(size):
            t = np.rint(weight * (mean[j] - ref)) if count[j] > 0 else 0.0
            t = 0.0 if np.isnan(t) else t
            target = np.int32(min(max(t, -32768.0), 32767.0))
            moved[k] = base + j
            moved_to[k] = target
            k += target != term[base + j]
        for j in range(k):
            if m + j < citizens_out.shape[0]:
                citizens_out[m + j] = moved[j]
                targets_out[m + j] = moved_to[j]
        m += k
    return m
