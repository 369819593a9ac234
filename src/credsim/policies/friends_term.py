"""Running friends' sums for a policy's friends' term: each citizen's sum over friends of the
scores they hold, kept up to date by adding every changed score's delta at its holder's friends.

An update then costs the citizens whose score changed times their friends, not every citizen
times every friend. The term comes out exactly as a full pass over the graph gives it: the sums
are integers, and the mean, the cut and added ties and the rounding repeat the full pass's
floating-point steps one by one (`ScoringPolicy._friends_mean_by_pass` keeps that pass for what
the sums do not cover: other layers, and populations whose graph changes with births and deaths).

Five bytes a citizen: one int32 word holds the sum (its upper 24 bits) and the number of friends
holding a score (its low byte), and one byte the number of friends. The policy hands over every
score change (`note`); they wait, a list of (citizen, delta), for the next update, so that one
pass over the graph carries a week or a month of them, the term's own moves included. The list
is held to 2 bytes per citizen (`WAIT_SHARE`): beyond it, it is added up per citizen, and passed
on at once if even that is too long.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numba import njit

from credsim.engine import Column, RecordWorld

__all__ = ["FriendSums", "friend_sums_columns"]

MAX_FRIENDS = 255
"""Friend counts are kept in a byte: graphs that allow more friends use the full pass."""
SHIFT = 8
"""The sum sits above the count of friends holding a score, in one int32 word: with at most
255 friends and int16 scores, |sum| <= 255 x 32768 < 2**23, so the word never overflows."""
LOW = (1 << SHIFT) - 1
WAIT_SHARE = 4
"""Pending changes are held to one row (8 bytes) per this many citizens: beyond it they are
added up per citizen, and passed on at once if that still leaves more (`FriendSums.note`)."""


def _names(policy: str) -> dict[str, str]:
    return {k: f"friends_{k}.{policy}" for k in ("sum", "count")}


def friend_sums_columns(policy: str) -> list[Column]:
    """The columns of a policy's running friends' sums."""
    names = _names(policy)
    return [
        Column(
            names["sum"],
            "int32",
            owner=policy,
            doc="256 x the sum of the scores friends hold, plus how many friends hold one "
            "(cut and added ties aside)",
            shown=False,
        ),
        Column(
            names["count"],
            "uint8",
            owner=policy,
            doc="friends in the graph (cut and added ties aside)",
            shown=False,
        ),
    ]


class Holder(Protocol):
    """The policy whose scores the sums hold."""

    name: str
    scores: np.ndarray

    def holds(self, citizens: np.ndarray) -> np.ndarray:
        """Whether each of `citizens` holds a score now."""
        ...


class FriendSums:
    """A policy's running friends' sums over the friendship layer, in its declared columns.

    `some` says that not everyone holds a score (the policy's `holds` says who does); who does
    may change only where `refresh` is told so by a new `key` (a policy's regions switching
    on), which rebuilds the sums."""

    def __init__(self, world: RecordWorld, policy: Holder, some: bool) -> None:
        names = _names(policy.name)
        state = world.state
        self.graph = world.graph
        self.lo, self.hi = world.lo, world.hi
        self.sum = state[names["sum"]]
        self.count = state[names["count"]]
        self.policy = policy
        self.some = some
        self.fits = self.graph is not None and self.graph.max_degree() <= MAX_FRIENDS
        self.ready = False
        """Whether the columns hold the sums (built at the first update)."""
        self.by_holders = False
        """Whether they count only friends who hold a score (and the low bytes how many do)."""
        self.key: object = None
        """What `holds` depended on when the sums were built."""
        self.pending: list[tuple[np.ndarray, np.ndarray]] = []
        """Score changes (citizens, deltas) of holders not yet added at their friends."""
        self.waiting = 0
        """How many rows `pending` holds."""
        self.moved = 0
        """How many terms moved at the last update (room to list them the next time)."""

    @classmethod
    def of(cls, world: RecordWorld, policy: Holder, some: bool) -> FriendSums | None:
        """The policy's running sums, if it declared their columns."""
        return cls(world, policy, some) if _names(policy.name)["sum"] in world.state else None

    def note(self, citizens: np.ndarray, deltas: np.ndarray) -> None:
        """Score changes just applied; they reach the friends' sums at the next `flush`."""
        if not self.ready or citizens.shape[0] == 0:
            return
        if self.by_holders:
            keep = self.policy.holds(citizens)
            citizens, deltas = citizens[keep], deltas[keep]
        if citizens.shape[0]:
            self.pending.append((citizens.astype(np.int32), deltas.astype(np.int32)))
            self.waiting += citizens.shape[0]
            if self.waiting * WAIT_SHARE > self.hi - self.lo:
                self._coalesce()

    def _coalesce(self) -> None:
        """Hold at most one row per `WAIT_SHARE` citizens: one row per citizen (their changes
        added up) if that is few enough, else pass them on now."""
        citizens, deltas = self._net()
        if citizens.shape[0] * WAIT_SHARE > self.hi - self.lo:
            self.pending, self.waiting = [(citizens, deltas)], citizens.shape[0]
            self.flush()
        else:
            self.pending = [(citizens.astype(np.int32), deltas.astype(np.int32))]
            self.waiting = citizens.shape[0]

    def _net(self) -> tuple[np.ndarray, np.ndarray]:
        """The pending changes as one net delta per citizen (sorted, no repeats, none 0)."""
        citizens = np.concatenate([c for c, _ in self.pending]).astype(np.int64)
        deltas = np.concatenate([d for _, d in self.pending]).astype(np.int64)
        if np.any(citizens[1:] <= citizens[:-1]):  # not already sorted without repeats
            order = np.argsort(citizens)  # whole numbers: any order of a citizen's rows adds up
            citizens, deltas = citizens[order], deltas[order]
            first = np.flatnonzero(np.concatenate([[True], citizens[1:] != citizens[:-1]]))
            citizens, deltas = citizens[first], np.add.reduceat(deltas, first)
        moved = deltas != 0
        return citizens[moved], deltas[moved]

    def flush(self) -> None:
        """Add every pending change at the friends of its citizen: one pass over their ties."""
        if not self.pending:
            return
        citizens, deltas = self._net()
        self.pending, self.waiting = [], 0
        self.graph.add_to_neighbours(citizens, deltas << SHIFT, self.sum)

    def refresh(self, held: np.ndarray | None, key: object = None) -> bool:
        """Bring the sums up to date with the scores held now (`held`: who holds a score, None:
        everyone; `key`: what that depends on); False if they cannot stand for a full pass (it
        must be run instead)."""
        if not self.fits or (held is not None and not self.some):
            return False
        if not self.ready or self.by_holders != (held is not None) or key != self.key:
            self._rebuild(held, key)
        else:
            self.flush()
        return True

    def _rebuild(self, held: np.ndarray | None, key: object) -> None:
        lo, hi = self.lo, self.hi
        if held is None:
            total, count = self.graph.neighbour_sums(self.policy.scores)
            word = total[lo:hi] << SHIFT
        else:
            values = np.where(held, self.policy.scores, 0).astype(np.int32)
            total, count = self.graph.neighbour_sums(values)
            word = (total[lo:hi] << SHIFT) + self.graph.neighbour_sums(held)[0][lo:hi]
        self.sum[lo:hi] = word
        self.count[lo:hi] = count[lo:hi]
        self.pending, self.waiting = [], 0
        self.ready, self.by_holders, self.key = True, held is not None, key

    def mean_and_count(self, cuts) -> tuple[np.ndarray, np.ndarray]:
        """Per own citizen: friends' mean score and how many friends count, exactly as
        `ScoringPolicy._friends_mean_by_pass` gives them (call `refresh` first)."""
        mean = np.empty(self.hi - self.lo, np.float64)
        count = np.empty(self.hi - self.lo, np.int32)
        unused = (np.empty(0, np.int64), np.empty(0, np.int32))
        _pass(*self._inputs(cuts), np.empty(0, np.int32), 0.0, 0.0, True, mean, count, *unused)
        return mean, count

    def moving(
        self, cuts, term: np.ndarray, weight: float, reference: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Own citizens whose rounded term differs from `term`, and their new term (int32)."""
        inputs = (*self._inputs(cuts), term, float(weight), float(reference), False)
        unused = (np.empty(0, np.float64), np.empty(0, np.int32))
        room = max(4096, 2 * self.moved)  # about as many as last time; a second pass if more
        citizens, targets = np.empty(room, np.int64), np.empty(room, np.int32)
        self.moved = _pass(*inputs, *unused, citizens, targets)
        if self.moved > room:
            citizens, targets = np.empty(self.moved, np.int64), np.empty(self.moved, np.int32)
            _pass(*inputs, *unused, citizens, targets)
        return citizens[: self.moved], targets[: self.moved]

    def _inputs(self, cuts) -> tuple:
        """The kernel's inputs: the sums, and the cut and added ties grouped by citizen with the
        score (and whether one is held) at their other end."""
        who, starts = np.empty(0, np.int64), np.zeros(1, np.int64)
        value, one, sign = np.empty(0, np.float64), np.empty(0, np.float64), who
        active = cuts is not None and (cuts.keys.shape[0] > 0 or cuts.added.shape[0] > 0)
        if active:
            who, starts, other, sign = _by_citizen(cuts)
            value = self.policy.scores[other].astype(np.float64)
            one = np.zeros(other.shape[0])
            if self.by_holders:
                one = self.policy.holds(other).astype(np.float64)
                value *= one
        return (self.lo, self.hi, self.sum, self.count, self.by_holders,
                active, who, starts, value, one, sign)  # fmt: skip


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
    lo, hi, word, c, by_holders, active, who, starts, value, one, sign,
    term, weight, ref, fill, mean_out, count_out, citizens_out, targets_out,
):  # fmt: skip
    """Each own citizen's friends' mean and count by the full pass's float steps on the integer
    sums (`word`: the sum above, the friends holding a score in the low byte): the mean over
    friends (or over the share holding a score), the cut ties taken out and the added ones put
    in (`value` and `one` at each tie's other end; `active`: there are some, so every sum makes
    the round trip through mean * count), then (unless `fill`, which writes means and counts)
    the rounded term. Returns how many terms move, listing the first of them (as many as
    `citizens_out` holds). Chunks of citizens, so that the arithmetic vectorises (the numpy
    error model: a division by zero gives what the `if` then discards, no exception)."""
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
                    if sign[e] < 0:
                        share[j] -= one[e]
                        total[j] -= value[e]
                        count[j] -= 1
                    else:
                        share[j] += one[e]
                        total[j] += value[e]
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
