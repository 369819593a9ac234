"""A population of firms as a struct-of-arrays table: size class, sector and registered legal
representative per firm, allocated once; owners are drawn among the citizens, and a share of
firms register a relative of the owner as their (nominal) legal representative.

The count follows the census of enterprises, scaled to the run: 18.570 million corporate
enterprises at the end of 2018 (Fourth National Economic Census, Communique No. 2, NBS
2019-11-20) against the 2020 census's 1,411,778,724 people, about 0.0132 firms per person, so a
run of n agents has about 0.0132 n firm agents and each stands for `people_per_agent` firms as
each citizen stands for that many people. The self-employed (62.959 million, same communique) are
persons, not firms: their debts are their own and reach the court's list as any citizen's.
"""

from __future__ import annotations

import numpy as np

from credsim.engine.rng import Stream
from credsim.engine.sealed import PublicService
from credsim.engine.traits import LabelTables
from credsim.population.households import household_members

__all__ = ["ENTERPRISES_2018", "PEOPLE_2020", "SECTORS", "SIZE_CLASSES", "FirmTable", "build_firms"]

ENTERPRISES_2018 = 18_570_000
"""Corporate enterprises (qiye faren), end of 2018: Fourth National Economic Census, NBS."""
PEOPLE_2020 = 1_411_778_724
"""The 2020 census population (facts), the base the presets scale to."""
SIZE_CLASSES = ("micro", "small", "medium", "large")
SECTORS = ("trade", "manufacturing", "business_services", "construction", "other")


class FirmTable(PublicService):
    """The public register of firms: size class, sector and legal representative of each firm
    (what a registry publishes), and the firm each citizen represents (-1 for none)."""

    def __init__(self, size_class: np.ndarray, sector: np.ndarray, legal_rep: np.ndarray) -> None:
        self.size_class = size_class.astype(np.uint8)
        self.sector = sector.astype(np.uint8)
        self.legal_rep = legal_rep.astype(np.int32)
        self._by_rep = np.argsort(self.legal_rep, kind="stable").astype(np.int32)
        self._reps_sorted = self.legal_rep[self._by_rep]

    @property
    def n(self) -> int:
        return int(self.legal_rep.shape[0])

    @property
    def nbytes(self) -> int:
        """Resident bytes of the register."""
        parts = (self.size_class, self.sector, self.legal_rep, self._by_rep, self._reps_sorted)
        return sum(a.nbytes for a in parts)

    def firm_of(self, citizens: np.ndarray) -> np.ndarray:
        """The firm each citizen is the registered legal representative of, -1 for none."""
        c = np.asarray(citizens, np.int64)
        if self.n == 0:
            return np.full(c.shape[0], -1, np.int64)
        at = np.minimum(np.searchsorted(self._reps_sorted, c), self.n - 1)
        return np.where(self._reps_sorted[at] == c, self._by_rep[at], -1).astype(np.int64)


def _cdf(shares: dict[str, float], labels: tuple[str, ...]) -> np.ndarray:
    weights = np.array([shares.get(label, 0.0) for label in labels], np.float64)
    return np.cumsum(weights) / weights.sum()


def build_firms(
    state,
    traits: dict,
    n: int,
    seed: int,
    *,
    firms_per_person: float,
    owner_ages: tuple[int, int],
    owner_by_trait: dict[str, dict[str, float]],
    size_shares: dict[str, float],
    sector_shares: dict[str, float],
    nominal_share: float,
    adult_age: int,
    alive=None,
    where: str = "firms",
) -> tuple[FirmTable, np.ndarray]:
    """The firm register and each firm's owner (in citizen order: owners are sorted). Every draw is
    keyed by the citizen's number, so the same population gives the same firms."""
    age = state["age"]
    citizens = np.arange(n, dtype=np.int64)
    weight = ((age >= owner_ages[0]) & (age <= owner_ages[1])).astype(np.float64)
    if alive is not None:
        weight *= alive(citizens)
    weight *= LabelTables(owner_by_trait, traits, f"{where}.owner_by_trait").factor(citizens)
    total = weight.sum()
    target = firms_per_person * n
    chance = np.minimum(weight * (target / total), 1.0) if total > 0 else weight
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
        # owns or already represents a firm is not registered again (the owner stays).
        taken = np.zeros(n, np.int32)
        np.add.at(taken, owners, 1)
        np.add.at(taken, reps[nominal], 1)
        clash = nominal & (taken[reps] > 1)
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
