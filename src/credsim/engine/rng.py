"""Counter-based randomness: every draw is a pure function of (seed, stream name, day, index).

No generator carries state from one draw to the next, so results do not depend on thread count,
shard layout or the order in which plug-ins run, and two scenarios see the same draws wherever
they ask the same stream for the same (day, index): common random numbers for free.

The mixer is SplitMix64's finaliser applied to a key derived from the seed and stream name
(BLAKE2b), folded with the day and the index. Rare events are found by geometric skipping inside
fixed blocks of citizens, so the cost of a Bernoulli sweep grows with the number of hits, not with
the population.
"""

from __future__ import annotations

import hashlib

import numpy as np
from numba import njit, prange

from credsim.engine.threads import parallel_and_serial

__all__ = [
    "BLOCK",
    "Stream",
    "bernoulli_hits",
    "day_hash",
    "draw_hashed",
    "draw_u64",
    "event_key",
    "event_key_of",
    "stream_key",
]

BLOCK = 1 << 16
"""Citizens per randomness block. Part of the definition of every Bernoulli sweep: shards are unions
of whole blocks, which is what keeps a sharded run identical to a single-process one."""

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_DAY = np.uint64(0xD1B54A32D192ED03)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_BLOCK_STRIDE = np.uint64(1 << 40)
_INV53 = 1.0 / 9007199254740992.0


def stream_key(seed: int, name: str) -> np.uint64:
    """The 64-bit key of stream `name` under `seed`."""
    digest = hashlib.blake2b(f"{seed}\x1f{name}".encode(), digest_size=8).digest()
    return np.uint64(int.from_bytes(digest, "little"))


@njit(inline="always", cache=True)
def _mix(x):
    x = (x ^ (x >> _S30)) * _M1
    x = (x ^ (x >> _S27)) * _M2
    return x ^ (x >> _S31)


@njit(inline="always", cache=True)
def day_hash(key, day):
    """The part of draw_u64 that depends on (key, day) only: a kernel that draws for many indices
    on one day computes it once (`draw_hashed`)."""
    return _mix(key ^ (np.uint64(day) * _DAY))


@njit(inline="always", cache=True)
def draw_hashed(hashed, index):
    """draw_u64(key, day, index), given hashed = day_hash(key, day)."""
    return _mix(hashed + np.uint64(index) * _GOLDEN)


@njit(inline="always", cache=True)
def draw_u64(key, day, index):
    """64 random bits for (key, day, index)."""
    return draw_hashed(day_hash(key, day), index)


@njit(inline="always", cache=True)
def draw_uniform(key, day, index):
    """A uniform in the open interval (0, 1) for (key, day, index)."""
    return (np.float64(draw_u64(key, day, index) >> _S11) + 0.5) * _INV53


def _uniforms_py(key, day, indices):
    out = np.empty(indices.shape[0], np.float64)
    for i in prange(indices.shape[0]):
        out[i] = draw_uniform(key, day, indices[i])
    return out


@njit(cache=True)
def _uniforms_each(key, days, indices):
    out = np.empty(indices.shape[0], np.float64)
    for i in range(indices.shape[0]):
        out[i] = draw_uniform(key, days[i], indices[i])
    return out


@njit(cache=True)
def _thin(key, day, indices, weight):
    """The indices kept: each whose weight is at least 1, and each of weight in (0, 1) whose
    uniform for (day, index) falls below it (its draw is made only then), as int32, in order."""
    out = np.empty(indices.shape[0], np.int32)
    m = 0
    for i in range(indices.shape[0]):
        w = weight[i]
        if w >= 1.0 or (w > 0.0 and draw_uniform(key, day, indices[i]) < w):
            out[m] = indices[i]
            m += 1
    return out[:m].copy()


def _integers_py(key, day, indices, high):
    out = np.empty(indices.shape[0], np.int64)
    h = np.uint64(high)
    for i in prange(indices.shape[0]):
        # Multiply-shift on the top 32 bits: bias below 2**-32 * high, fine for high < 2**31.
        top = draw_u64(key, day, indices[i]) >> np.uint64(32)
        out[i] = np.int64((top * h) >> np.uint64(32))
    return out


@njit(cache=True)
def _scan_block(key, day, block, start, stop, log_q, out, offset):
    """Walk one block by geometric gaps; write hit positions from `offset` if out is non-empty
    (-1 if they do not all fit); the number of hits."""
    count = 0
    pos = start
    j = np.uint64(block) * _BLOCK_STRIDE
    while True:
        u = draw_uniform(key, day, j)
        j += np.uint64(1)
        gap = np.floor(np.log(u) / log_q)
        if gap >= stop - pos:
            return count
        pos += np.int64(gap)
        if out.shape[0] > 0:
            if offset + count >= out.shape[0]:
                return -1
            out[offset + count] = pos
        count += 1
        pos += 1


def _bernoulli_hits_py(key, day, n, p, first_block, last_block):
    if p <= 0.0 or n <= 0 or last_block <= first_block:
        return np.empty(0, np.int64)
    if p >= 1.0:
        return np.arange(first_block * BLOCK, min(last_block * BLOCK, n), dtype=np.int64)
    log_q = np.log1p(-p)
    nblocks = last_block - first_block
    counts = np.zeros(nblocks, np.int64)
    empty = np.empty(0, np.int64)
    for i in prange(nblocks):
        b = first_block + i
        start = b * BLOCK
        counts[i] = _scan_block(key, day, b, start, min(start + BLOCK, n), log_q, empty, 0)
    offsets = np.zeros(nblocks + 1, np.int64)
    for i in range(nblocks):
        offsets[i + 1] = offsets[i] + counts[i]
    out = np.empty(offsets[nblocks], np.int64)
    for i in prange(nblocks):
        b = first_block + i
        start = b * BLOCK
        _scan_block(key, day, b, start, min(start + BLOCK, n), log_q, out, offsets[i])
    return out


@njit(cache=True)
def _hits_one(key, day, n, p, first_block, last_block, room=-1):
    """`_bernoulli_hits_py` on one thread, walking each block once: the hits go into `room`
    slots (-1: well above as many as expected), doubled whenever full, the block then walked
    again (the same hits in the same order, half the draws of counting them first)."""
    if p <= 0.0 or n <= 0 or last_block <= first_block:
        return np.empty(0, np.int64)
    if p >= 1.0:
        return np.arange(first_block * BLOCK, min(last_block * BLOCK, n), dtype=np.int64)
    log_q = np.log1p(-p)
    span = min(last_block * BLOCK, n) - first_block * BLOCK
    expected = span * p
    if room < 1:
        room = np.int64(expected + 8.0 * np.sqrt(expected) + 64.0)
    out = np.empty(room, np.int64)
    count = 0
    for b in range(first_block, last_block):
        start = b * BLOCK
        found = _scan_block(key, day, b, start, min(start + BLOCK, n), log_q, out, count)
        while found < 0:  # full: twice the room, and the block walked again
            grown = np.empty(2 * out.shape[0], np.int64)
            grown[:count] = out[:count]
            out = grown
            found = _scan_block(key, day, b, start, min(start + BLOCK, n), log_q, out, count)
        count += found
    return out[:count]


PARALLEL_FROM = 1 << 18
"""Draws (or citizens scanned) from which a kernel runs on every thread. Below it the serial twin
runs: the same arithmetic, so the same numbers, without paying a thread barrier per call (which
costs a scheduler time slice per call on a machine busier than its cores)."""

_uniforms_par, _uniforms_one = parallel_and_serial(_uniforms_py)
_integers_par, _integers_one = parallel_and_serial(_integers_py)
_hits_par = njit(parallel=True, cache=True)(_bernoulli_hits_py)


def _uniforms(key, day, indices):
    kernel = _uniforms_par if indices.shape[0] >= PARALLEL_FROM else _uniforms_one
    return kernel(key, day, indices)


def _integers(key, day, indices, high):
    kernel = _integers_par if indices.shape[0] >= PARALLEL_FROM else _integers_one
    return kernel(key, day, indices, high)


def bernoulli_hits(
    key: np.uint64, day: int, n: int, p: float, lo: int = 0, hi: int | None = None
) -> np.ndarray:
    """Sorted indices in [0, n) each hit independently with probability p on this day; with
    `lo`/`hi`, only those in [lo, hi), drawn exactly as the whole sweep would draw them (the blocks
    overlapping the range are walked and the hits outside it dropped)."""
    hi = n if hi is None else min(hi, n)
    lo = max(lo, 0)
    if hi <= lo:
        return np.empty(0, np.int64)
    first, last = lo // BLOCK, (hi + BLOCK - 1) // BLOCK
    span = min(last * BLOCK, n) - first * BLOCK
    many = span * p >= PARALLEL_FROM or span >= PARALLEL_FROM * 512  # many hits, or many blocks
    kernel = _hits_par if many else _hits_one
    out = kernel(key, np.int64(day), np.int64(n), float(p), np.int64(first), np.int64(last))
    if lo % BLOCK or hi < min(last * BLOCK, n):
        out = out[(out >= lo) & (out < hi)]
    return out


class Stream:
    """A named random stream: draws are pure functions of (day, index)."""

    __slots__ = ("key", "name")

    def __init__(self, seed: int, name: str) -> None:
        self.name = name
        self.key = stream_key(seed, name)

    def uniform(self, day: int, indices: np.ndarray) -> np.ndarray:
        """One uniform in (0, 1) per index."""
        return _uniforms(self.key, np.int64(day), np.ascontiguousarray(indices, np.int64))

    def thin(self, day: int, indices: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """The indices kept when each is kept with chance `weight` (1 and above: always; 0,
        below or NaN: never), as int32: those of weight in (0, 1) whose `uniform(day, ...)` is
        below it. One compiled pass, the same draws as `uniform`."""
        idx = np.ascontiguousarray(indices, np.int64)
        return _thin(self.key, np.int64(day), idx, np.ascontiguousarray(weight, np.float64))

    def uniform_each(self, days: np.ndarray, indices: np.ndarray) -> np.ndarray:
        """One uniform per (day, index) pair: `uniform(days[i], [indices[i]])` for every i."""
        d = np.ascontiguousarray(days, np.int64)
        return _uniforms_each(self.key, d, np.ascontiguousarray(indices, np.int64))

    def integers(self, day: int, indices: np.ndarray, high: int) -> np.ndarray:
        """One integer in [0, high) per index."""
        if high <= 0 or high >= 2**31:
            raise ValueError(f"high must be in [1, 2**31), got {high}")
        idx = np.ascontiguousarray(indices, np.int64)
        return _integers(self.key, np.int64(day), idx, np.int64(high))

    def hits(self, day: int, n: int, p: float, lo: int = 0, hi: int | None = None) -> np.ndarray:
        """Indices in [0, n) hit with probability p each (geometric skipping, cost ~ hits); with
        `lo`/`hi`, the same hits restricted to [lo, hi) (a shard's citizens)."""
        return bernoulli_hits(self.key, day, n, p, lo, hi)

    def geometric(self, day: int, indices: np.ndarray, mean: float) -> np.ndarray:
        """Whole-day waiting times >= 1 with the given mean, one per index."""
        u = self.uniform(day, indices)
        if mean <= 1.0:
            return np.ones(u.shape[0], np.int64)
        q = 1.0 - 1.0 / mean
        return 1 + np.floor(np.log(u) / np.log(q)).astype(np.int64)


def event_key(day: np.ndarray | int, citizen: np.ndarray, kind: np.ndarray | int) -> np.ndarray:
    """A draw index for an event that stays the same in any scenario where the event happens:
    built from its day, its citizen and its kind, not from its position in the log (which
    shifts when another scenario's citizens act differently)."""
    d = (np.asarray(day, np.int64) + (1 << 19)) << 37
    return d | (np.asarray(citizen, np.int64) << 6) | np.asarray(kind, np.int64)


@njit(inline="always", cache=True)
def event_key_of(day, citizen, kind):
    """`event_key` of one event, inside a kernel (the same bits)."""
    return ((np.int64(day) + (1 << 19)) << 37) | (np.int64(citizen) << 6) | np.int64(kind)
