"""The social graph: friendship, workplace and family ties, recomputed from hashes, never stored.

Friends are a ring lattice over each neighbourhood block, ordered by age with some noise
(homophily), thinned by a symmetric hash of the pair, plus a few rounds of random matchings across
the whole province. Co-workers are complete graphs over hashed workplaces inside districts. Family
is the household, read from the household byte. The graph itself holds only a few per-province
numbers: at 1.4e9 citizens it costs nothing per citizen.

"Province" here is any contiguous range of citizens the graph is given: the population's
localities, which are its provinces and carved cities, or parts of them when a scenario sets
`population.locality_max_people`. No tie crosses one.
"""

from __future__ import annotations

from math import gcd

import numpy as np

from credsim.engine.rng import draw_u64, stream_key
from credsim.population import friend_credit, ring_cache, work_kernels
from credsim.population import friend_kernels as kern
from credsim.population import friend_pairs as pairs
from credsim.population.graph_params import FriendParams, GraphParams, WorkParams, tie_thresholds

__all__ = ["LAYERS", "FriendParams", "GraphParams", "SocialGraph", "WorkParams"]

LAYERS = ("friends", "work", "family")
"""Layer names accepted by `SocialGraph` methods."""

MAX_CITIZENS = 2**31 - 1


def _blocks_per_province(segments: np.ndarray, size: int) -> np.ndarray:
    """Cumulative block counts: blocks of province p are block_off[p] .. block_off[p+1]-1."""
    counts = (np.diff(segments) + size - 1) // size
    return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)


class SocialGraph:
    """Three layers of ties over citizens 0..n-1, each recomputed on demand from hashes.

    `segments` are province boundaries [0, e1, ..., n] (a province may be empty); `age` holds ages
    in years (uint8); `household` holds, per citizen, the position within its household (low 4
    bits) and the household size (high 4 bits), households being contiguous runs inside a
    province. The graph keeps references to these arrays, never copies of them.

    Limits: ties are symmetric only if every household byte agrees with its neighbours' (the
    graph trusts them and checks nothing per citizen). A cross round matches x with x + c or
    x - c (mod the province size) for one c per round and province, as follows from matching
    neighbouring positions of an affine permutation; the cross ties are random across the
    province but not independent of each other.
    """

    def __init__(
        self,
        n: int,
        segments: np.ndarray,
        age: np.ndarray,
        household: np.ndarray,
        seed: int,
        params: GraphParams | None = None,
        own: tuple[int, int] | None = None,
    ) -> None:
        self.n = int(n)
        self.params = params if params is not None else GraphParams()
        self.seed = int(seed)
        self.segments = _checked_segments(segments, self.n)
        self.age = _checked_column(age, "age", self.n)
        self.household = _checked_column(household, "household", self.n)
        fp, wp = self.params.friends, self.params.work
        self._key_order = stream_key(seed, "graph.friends.order")
        self._key_ring = stream_key(seed, "graph.friends.ring")
        self._key_cross = stream_key(seed, "graph.friends.cross")
        self._key_work = stream_key(seed, "graph.work.order")
        self._ring_t = tie_thresholds(fp.ring_ties_ahead(), fp.keep, fp.block_size // 2)
        cross = fp.mean_degree * fp.cross_share / fp.keep
        self._cross_t = tie_thresholds(cross, fp.keep, 1 << 16)
        self._perm_a, self._perm_step, self._perm_b = self._permutations()
        self._block_off = _blocks_per_province(self.segments, fp.block_size)
        self._dist_off = _blocks_per_province(self.segments, wp.district_size)
        self.lo, self.hi = own if own is not None else (0, self.n)
        first = int(np.searchsorted(self.segments, self.lo, side="left"))
        last = int(np.searchsorted(self.segments, self.hi, side="left"))
        if self.segments[first] != self.lo or self.segments[last] != self.hi:
            raise ValueError(f"own range [{self.lo}, {self.hi}) must be whole provinces")
        self._provinces = (first, last)
        self._ring: tuple[np.ndarray, ...] | None = None
        self._counted: np.ndarray | None = None

    def _permutations(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per (round, province): a (coprime to the province size), its inverse a^-1 and b."""
        rounds, provinces = self._cross_t.shape[0], self.segments.shape[0] - 1
        key = stream_key(self.seed, "graph.friends.permutation")
        tables = np.ones((3, rounds, provinces), np.uint64)
        sizes = np.diff(self.segments)
        for r in range(rounds):
            for p in range(provinces):
                size = int(sizes[p])
                if size < 2:
                    tables[2, r, p] = 0
                    continue
                a = 1 + int(draw_u64(key, r, 2 * p)) % (size - 1)
                while gcd(a, size) != 1:
                    a = a + 1 if a + 1 < size else 1
                tables[:, r, p] = (a, pow(a, -1, size), int(draw_u64(key, r, 2 * p + 1)) % size)
        return tables[0], tables[1], tables[2]

    def widen(self) -> None:
        """Cover every citizen again (a sharded run's shards merged into one)."""
        self.lo, self.hi = 0, self.n
        self._provinces = (0, self.segments.shape[0] - 1)

    @property
    def nbytes(self) -> int:
        """Bytes the graph holds itself (per-province tables; the input arrays are not counted)."""
        own = (
            self._ring_t,
            self._cross_t,
            self._perm_a,
            self._perm_step,
            self._perm_b,
            self._block_off,
            self._dist_off,
        )
        return int(sum(a.nbytes for a in own))

    def neighbour_mean(
        self, values: np.ndarray, layer: str = "friends"
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per citizen: mean of `values` over its neighbours in `layer` (NaN if it has none), and
        the number of neighbours (int32). Bit-identical for any number of Numba threads. Only the
        graph's own citizens (all but in a shard) are filled in."""
        values = np.asarray(values)
        if values.shape != (self.n,):
            raise ValueError(f"values must have shape ({self.n},), got {values.shape}")
        if values.dtype == np.bool_:
            values = values.view(np.uint8)
        elif values.dtype == np.float16:
            values = values.astype(np.float32)
        elif not (np.issubdtype(values.dtype, np.integer) or values.dtype.kind == "f"):
            raise ValueError(f"values must be boolean, integer or real, got dtype {values.dtype}")
        return self._pass(np.ascontiguousarray(values), layer, want_mean=True)

    def neighbour_sums(
        self, values: np.ndarray, layer: str = "friends"
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per citizen: the sum of integer `values` over its neighbours in `layer` (int64, exact:
        the pass adds whole numbers in float64, far below 2**53) and the number of neighbours
        (int32). Only the graph's own citizens are filled in."""
        values = np.asarray(values)
        if not (values.dtype == np.bool_ or np.issubdtype(values.dtype, np.integer)):
            raise ValueError(f"values must be boolean or integer, got dtype {values.dtype}")
        mean, count = self.neighbour_mean(values, layer)
        lo, hi = self.lo, self.hi
        # Citizens outside the graph's own range (another shard's) are not filled in: 0.
        total = np.zeros(self.n, np.int64)
        mean, own = mean[lo:hi], count[lo:hi]
        with np.errstate(invalid="ignore"):
            total[lo:hi] = np.rint(np.where((own > 0) & np.isfinite(mean), mean * own, 0.0))
        return total, count

    def max_degree(self, layer: str = "friends") -> int:
        """The most friends any citizen can have in the friendship layer (its rings both ways,
        one partner per cross round)."""
        if layer != "friends":
            raise ValueError(f"max_degree covers the friendship layer only, not {layer!r}")
        fp = self.params.friends
        return 2 * min(self._ring_t.shape[0], fp.block_size // 2) + self._cross_t.shape[0]

    def add_to_neighbours(
        self,
        citizens: np.ndarray,
        deltas: np.ndarray,
        sums: np.ndarray,
        count_deltas: np.ndarray | None = None,
        counts: np.ndarray | None = None,
    ) -> None:
        """Add deltas[i] to `sums` (and count_deltas[i] to `counts`) at every friend of
        citizens[i], in place: a neighbour sum kept up to date with the values that changed.
        `citizens` are sorted without repeats; `sums` and `counts` span every citizen. Integer
        arrays give the same result for any number of threads."""
        citizens = np.ascontiguousarray(citizens, np.int64)
        if citizens.shape[0] == 0:
            return
        if citizens[0] < 0 or citizens[-1] >= self.n or np.any(np.diff(citizens) <= 0):
            raise ValueError(f"citizens must be sorted, without repeats, in [0, {self.n})")
        if counts is None:
            counts = count_deltas = np.empty(0, np.int32)
        fp = self.params.friends
        if self._ring is not None:
            key_ring, ring_t = self._friend_tables()[2:4]
            ring_cache.add_to_friends_kept(
                citizens, np.ascontiguousarray(deltas), sums, np.ascontiguousarray(count_deltas),
                counts, *self._ring, self.segments, fp.block_size, key_ring, ring_t,
                self._perm_step,
            )  # fmt: skip
            return
        friend_credit.add_to_friends(
            citizens,
            np.ascontiguousarray(deltas),
            sums,
            np.ascontiguousarray(count_deltas),
            counts,
            self.age,
            self.segments,
            fp.block_size,
            *self._friend_tables(),
        )

    def keep_ring(self, *columns: np.ndarray) -> None:
        """Fill the ring cache's five uint16 columns (place, order, ring ties ahead and behind,
        cross partners; each spanning every citizen) for this graph's own citizens and read them
        from now on (`FriendParams.ring_cache`, credsim.population.ring_cache): the graph must
        not change after this (no demography)."""
        fp = self.params.friends
        if not fp.ring_cache:
            raise ValueError("keep_ring needs graph.friends.ring_cache = true")
        if len(columns) != 5:
            raise ValueError(
                f"keep_ring takes 5 columns (pos, order, ahead, behind, cross), not {len(columns)}"
            )
        for column in columns:
            if column.shape != (self.n,) or column.dtype != np.uint16:
                raise ValueError(f"ring columns must be uint16 of shape ({self.n},)")
        first, last = self._provinces
        ring_cache.fill(
            self.age, self.segments, first, last, fp.block_size, *self._friend_tables(), *columns
        )
        self._ring = columns

    def know_degrees(self, counts: np.ndarray) -> None:
        """Take `counts` (an integer column spanning every citizen) as the number of friends of
        the graph's own citizens, counted by a caller while it summed over friends (a policy's
        running friends' sums): `degrees("friends")` then reads them instead of a pass over the
        graph (seven seconds at 1e7 citizens). The graph keeps a reference, not a copy; it must
        not change after this (no demography)."""
        if counts.shape != (self.n,) or not np.issubdtype(counts.dtype, np.integer):
            raise ValueError(f"counts must be integers of shape ({self.n},)")
        self._counted = counts

    def degrees(self, layer: str = "friends") -> np.ndarray:
        """Number of neighbours of every citizen in `layer` (int32; only the graph's own
        citizens are filled in)."""
        if layer == "friends" and self._counted is not None:
            return self._counted.astype(np.int32)
        return self._pass(np.empty(0, np.float64), layer, want_mean=False)[1]

    def neighbours(self, citizen: int, layer: str = "friends") -> np.ndarray:
        """Sorted ids (int64) of one citizen's neighbours in `layer`, recomputed from its block."""
        _check_layer(layer)
        x = int(citizen)
        if not 0 <= x < self.n:
            raise ValueError(f"citizen must be in [0, {self.n}), got {citizen}")
        if layer == "friends":
            fp, tables = self.params.friends, self._friend_tables()
            one = np.array([x], np.int64)
            return pairs.friend_pairs(one, self.age, self.segments, fp.block_size, *tables)[1]
        if layer == "work":
            wp = self.params.work
            return work_kernels.coworkers_of(
                x,
                self.age,
                self.segments,
                wp.district_size,
                wp.min_age,
                wp.max_age,
                self._key_work,
                wp.mean_degree + 1,
            )
        code = int(self.household[x])
        first = x - (code & 15)
        members = np.arange(max(first, 0), min(first + (code >> 4), self.n), dtype=np.int64)
        return members[members != x]

    def friend_pairs(self, citizens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every friendship of the given citizens as int64 arrays (i, friend): `citizens[i]` is
        friends with `friend`. Sorted citizens are cheapest (one pass per block)."""
        citizens = self._checked(citizens)
        fp = self.params.friends
        return pairs.friend_pairs(
            citizens, self.age, self.segments, fp.block_size, *self._friend_tables()
        )

    def shown_friend_pairs(
        self, citizens: np.ndarray, holders: np.ndarray, shown: tuple, motive: tuple
    ) -> tuple[np.ndarray, np.ndarray]:
        """`friend_pairs`, keeping only the pairs whose friend is not `holders[i]`, was shown
        what holders[i] shows (a pair draw of the stream key `shown[0]` on day `shown[2]`, 0 if
        not given, below the share `shown[1]`) and has the motive (a draw of the stream key
        `motive[0]` per friend below `motive[1]`): the same pairs, in order, as testing
        `friend_pairs`' output afterwards."""
        citizens = self._checked(citizens)
        fp = self.params.friends
        return pairs.shown_friend_pairs(
            citizens, holders, shown, motive, self.age, self.segments, fp.block_size,
            *self._friend_tables(),
        )  # fmt: skip

    def _checked(self, citizens: np.ndarray) -> np.ndarray:
        """Citizens as int64, each one of this graph's."""
        citizens = np.asarray(citizens, np.int64)
        if citizens.shape[0] and (citizens.min() < 0 or citizens.max() >= self.n):
            raise ValueError(f"citizens must be in [0, {self.n})")
        return citizens

    def _friend_tables(self) -> tuple:
        """The friendship layer's keys and tables, in the order both kernels take them."""
        fp = self.params.friends
        return (
            self._key_order,
            fp.age_homophily,
            self._key_ring,
            self._ring_t,
            self._key_cross,
            self._cross_t,
            self._perm_a,
            self._perm_step,
            self._perm_b,
        )

    def _pass(
        self, values: np.ndarray, layer: str, want_mean: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        _check_layer(layer)
        mean = np.empty(self.n if want_mean else 0, np.float64)
        count = np.empty(self.n, np.int32)
        if layer == "friends":
            fp = self.params.friends
            kern.friends_pass(
                values,
                want_mean,
                self.age,
                self.segments,
                self._block_off,
                fp.block_size,
                *self._friend_tables(),
                mean,
                count,
                self._block_off[self._provinces[0]],
                self._block_off[self._provinces[1]],
            )
        elif layer == "work":
            wp = self.params.work
            work_kernels.work_pass(
                values,
                want_mean,
                self.age,
                self.segments,
                self._dist_off,
                wp.district_size,
                wp.min_age,
                wp.max_age,
                self._key_work,
                wp.mean_degree + 1,
                mean,
                count,
                self._dist_off[self._provinces[0]],
                self._dist_off[self._provinces[1]],
            )
        else:
            work_kernels.family_pass(
                values, want_mean, self.household, mean, count, self.lo, self.hi
            )
        return mean, count


def _check_layer(layer: str) -> None:
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}; layers are: {', '.join(LAYERS)}")


def _checked_segments(segments: np.ndarray, n: int) -> np.ndarray:
    if not 0 <= n <= MAX_CITIZENS:
        raise ValueError(f"n must be in [0, {MAX_CITIZENS}], got {n}")
    seg = np.asarray(segments)
    if seg.ndim != 1 or seg.shape[0] < 2 or not np.issubdtype(seg.dtype, np.integer):
        raise ValueError("segments must be a 1-D integer array [0, e1, ..., n]")
    seg = seg.astype(np.int64, copy=False)
    if seg[0] != 0 or seg[-1] != n or np.any(np.diff(seg) < 0):
        raise ValueError(f"segments must rise from 0 to n={n} without decreasing")
    return np.ascontiguousarray(seg)


def _checked_column(column: np.ndarray, name: str, n: int) -> np.ndarray:
    if not isinstance(column, np.ndarray) or column.dtype != np.uint8 or column.shape != (n,):
        got = getattr(column, "dtype", type(column).__name__), getattr(column, "shape", None)
        raise ValueError(f"{name} must be a uint8 array of shape ({n},), got {got}")
    if not column.flags.c_contiguous:
        raise ValueError(f"{name} must be C-contiguous")
    return column
