"""A population of firms as a struct-of-arrays table: size class, sector and registered legal
representative per firm, allocated once; owners are drawn among the citizens, and a share of
firms register a relative of the owner as their (nominal) legal representative.

The count follows the census of enterprises, scaled to the run: 18.570 million corporate
enterprises at the end of 2018 (Fourth National Economic Census, Communique No. 2, NBS
2019-11-20) against the 2020 census's 1,411,778,724 people, about 0.0132 firms per person, so a
run of n agents has about 0.0132 n firm agents and each stands for `people_per_agent` firms as
each citizen stands for that many people. The self-employed (62.959 million, same communique) are
persons, not firms: their debts are their own and reach the court's list as any citizen's.

Firms are numbered over the whole run in their owners' order. A sharded run builds each shard's
firms from its own citizens: owner weights are whole numbers (`owner_weights`), so their sum over
the population is exact whatever the shard layout, and each shard's register starts where the
shards before it end (`FirmTable.number`); the firms, their numbers and every draw keyed by a firm
are then the ones a single process makes.
"""

from __future__ import annotations

import itertools

import numpy as np

from credsim.engine.rng import Stream
from credsim.engine.sealed import PublicService
from credsim.engine.traits import LabelTables
from credsim.population.households import household_members

__all__ = [
    "ENTERPRISES_2018",
    "PEOPLE_2020",
    "SECTORS",
    "SIZE_CLASSES",
    "WEIGHT_ONE",
    "FirmTable",
    "build_firms",
    "owner_weights",
]

ENTERPRISES_2018 = 18_570_000
"""Corporate enterprises (qiye faren), end of 2018: Fourth National Economic Census, NBS."""
PEOPLE_2020 = 1_411_778_724
"""The 2020 census population (facts), the base the presets scale to."""
SIZE_CLASSES = ("micro", "small", "medium", "large")
SECTORS = ("trade", "manufacturing", "business_services", "construction", "other")
_COLUMNS = ("size_class", "sector", "legal_rep")
WEIGHT_ONE = 1 << 31
"""The owner weight, in whole units, of a citizen with the largest weight anyone can have: below
2**31 citizens (their numbers are int32) the population's sum stays below 2**62."""


class FirmTable(PublicService):
    """The public register of firms: size class, sector and legal representative of each firm
    (what a registry publishes), and the firm each citizen represents (-1 for none).

    Firm numbers run over the whole run; a shard's register holds firms [first, first + n) of
    `total` (a single process's, all of them from 0). Its arrays are indexed by `local`."""

    def __init__(self, size_class: np.ndarray, sector: np.ndarray, legal_rep: np.ndarray) -> None:
        self.fill(size_class, sector, legal_rep)
        self.first = 0
        """The number of this register's first firm: the firms of the shards before it."""
        self.total = self.n
        """Firms in the whole run."""

    def fill(self, size_class: np.ndarray, sector: np.ndarray, legal_rep: np.ndarray) -> None:
        """Set the register's firms, in place: readers holding the register see them (it is
        offered before the firms are drawn, and widened by the merge)."""
        self.size_class = size_class.astype(np.uint8)
        self.sector = sector.astype(np.uint8)
        self.legal_rep = legal_rep.astype(np.int32)
        self._by_rep = np.argsort(self.legal_rep, kind="stable").astype(np.int32)
        self._reps_sorted = self.legal_rep[self._by_rep]

    @property
    def n(self) -> int:
        """Firms this register holds (a shard's own)."""
        return int(self.legal_rep.shape[0])

    @property
    def nbytes(self) -> int:
        """Resident bytes of the register."""
        parts = (self.size_class, self.sector, self.legal_rep, self._by_rep, self._reps_sorted)
        return sum(a.nbytes for a in parts)

    def number(self, first: int, total: int) -> None:
        """Number the firms from `first`, of `total` in the run (the sums over the shards)."""
        self.first, self.total = int(first), int(total)

    def local(self, firms: np.ndarray) -> np.ndarray:
        """Positions in this register's arrays of firms given by number (its own firms)."""
        return np.asarray(firms, np.int64) - self.first

    def firm_of(self, citizens: np.ndarray) -> np.ndarray:
        """The number of the firm each citizen is the registered legal representative of, -1 for
        none (among this register's firms)."""
        c = np.asarray(citizens, np.int64)
        if self.n == 0:
            return np.full(c.shape[0], -1, np.int64)
        at = np.minimum(np.searchsorted(self._reps_sorted, c), self.n - 1)
        found = self._reps_sorted[at] == c
        return np.where(found, self._by_rep[at].astype(np.int64) + self.first, -1)

    def extend(self, parts: list[FirmTable]) -> None:
        """Append the registers of the shards after this one, in shard order (the merge of a
        sharded run), in place: readers holding this register see every firm of the run."""
        tables = [self, *parts]
        for before, after in itertools.pairwise(tables):
            if after.first != before.first + before.n:
                raise ValueError(f"firms {after.first}.. do not follow {before.first}..")
        self.fill(*(np.concatenate([getattr(t, a) for t in tables]) for a in _COLUMNS))
        self.first = 0


def _cdf(shares: dict[str, float], labels: tuple[str, ...]) -> np.ndarray:
    weights = np.array([shares.get(label, 0.0) for label in labels], np.float64)
    return np.cumsum(weights) / weights.sum()


def owner_weights(
    state,
    traits: dict,
    citizens: np.ndarray,
    *,
    owner_ages: tuple[int, int],
    owner_by_trait: dict[str, dict[str, float]],
    alive=None,
    where: str = "firms",
) -> np.ndarray:
    """Each citizen's weight of owning a firm as a whole number: WEIGHT_ONE times its share of the
    largest weight anyone can have (0 outside `owner_ages`, or dead). Whole numbers, so that their
    sum over the population is exact in any order of addition, hence the same in any shard layout.
    """
    age = state["age"][citizens]
    weight = ((age >= owner_ages[0]) & (age <= owner_ages[1])).astype(np.float64)
    if alive is not None:
        weight *= alive(citizens)
    tables = LabelTables(owner_by_trait, traits, f"{where}.owner_by_trait")
    largest = tables.largest()
    if largest > 0:
        weight *= tables.factor(citizens) / largest
    else:
        weight[:] = 0.0
    return np.minimum(np.rint(weight * WEIGHT_ONE), WEIGHT_ONE).astype(np.int64)


def build_firms(
    state,
    citizens: np.ndarray,
    weights: np.ndarray,
    total_weight: int,
    n: int,
    seed: int,
    *,
    firms_per_person: float,
    size_shares: dict[str, float],
    sector_shares: dict[str, float],
    nominal_share: float,
    adult_age: int,
    alive=None,
) -> tuple[FirmTable, np.ndarray]:
    """The firms owned by `citizens` (whose `owner_weights` are `weights`, of `total_weight` over
    the run's `n` citizens) and each firm's owner (in citizen order: owners are sorted). Every draw
    is keyed by the citizen's number, so the same population gives the same firms, whatever part
    of it `citizens` is."""
    citizens = np.asarray(citizens, np.int64)
    target = firms_per_person * n
    chance = np.zeros(citizens.shape[0])
    if total_weight > 0:
        chance = np.minimum(weights * (target / total_weight), 1.0)
    owners = citizens[Stream(seed, "firms.owner").uniform(0, citizens) < chance]
    size = np.searchsorted(
        _cdf(size_shares, SIZE_CLASSES), Stream(seed, "firms.size").uniform(0, owners), "right"
    )
    sector = np.searchsorted(
        _cdf(sector_shares, SECTORS), Stream(seed, "firms.sector").uniform(0, owners), "right"
    )
    reps = owners.copy()
    nominal = Stream(seed, "firms.nominal").uniform(0, owners) < nominal_share
    if nominal.any():
        reps[nominal] = _relatives(
            state, owners[nominal], adult_age, Stream(seed, "firms.nominal_whom"), alive
        )
        # One firm per representative, and an owner represents their own firm: a relative who
        # owns or already represents a firm is not registered again (the owner stays). Relatives
        # share a household, so this never looks beyond the citizens given.
        named, count = np.unique(np.concatenate([owners, reps[nominal]]), return_counts=True)
        clash = nominal & (count[np.searchsorted(named, reps)] > 1)
        reps[clash] = owners[clash]
    table = FirmTable(np.minimum(size, 3), np.minimum(sector, len(SECTORS) - 1), reps)
    return table, owners.astype(np.int32)


def _relatives(state, owners: np.ndarray, adult_age: int, whom: Stream, alive) -> np.ndarray:
    """One other adult of each owner's household, drawn by a hash; the owner where none."""
    first, other = household_members(state["household"], owners)
    ok = state["age"][other] >= adult_age
    if alive is not None and other.shape[0]:
        ok &= alive(other)
    first, other = first[ok], other[ok]
    out = owners.copy()
    if other.shape[0] == 0:
        return out
    # The relative with the smallest hash of (owner, relative) is the one registered.
    key = whom.uniform(0, first * np.int64(64) + (other - first + 16))
    order = np.lexsort((key, first))
    first, other = first[order], other[order]
    lead = np.ones(first.shape[0], bool)
    lead[1:] = first[1:] != first[:-1]
    at = np.searchsorted(owners, first[lead])
    out[at] = other[lead]
    return out
