"""What every plug-in is given at start-up: size, seed, state, streams, codes and calendars."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from credsim.engine.notices import Notices
from credsim.engine.restraint import Restraints
from credsim.engine.schedule import Calendar
from credsim.engine.span import Span
from credsim.engine.state import State, StateView
from credsim.engine.traits import Trait

__all__ = ["Codebook", "SanctionInfo", "ScoreInfo", "World"]


@dataclass(frozen=True)
class ScoreInfo:
    """A policy's score column, bounds, grades (best first, with lower bounds), what a citizen is
    told of it (nothing, grade, score or an itemised report) and its network-term column."""

    column: str
    low: int
    high: int
    grades: tuple[tuple[str, int], ...] = ()
    opacity: str = "score"
    network_column: str | None = None
    territory: tuple[tuple[int, int], ...] | None = None
    """Ranges of citizens [lo, hi) the policy scores at all when it is limited to regions (a
    pilot city's scheme); None: everyone. Others have no score in it."""
    min_age: int = 0
    """The policy scores only citizens at least this old (a minor has no score in it)."""
    ages: np.ndarray | None = field(default=None, compare=False, repr=False)
    """The age column, given by the engine when `min_age` > 0."""

    def scored(self, citizens: np.ndarray) -> np.ndarray:
        """Whether each citizen has a score in this policy (by region and age)."""
        c = np.asarray(citizens)
        out = np.ones(c.shape[0], bool)
        if self.territory is not None:
            out[:] = False
            for lo, hi in self.territory:
                out |= (c >= lo) & (c < hi)
        if self.min_age > 0 and self.ages is not None:
            out &= self.ages[c] >= self.min_age
        return out


@dataclass(frozen=True)
class SanctionInfo:
    """A consequence's status column (day listed when >= 0: credsim.engine.listing), the record
    kinds it rests on, whether the column keeps the day of the last removal while a citizen is
    off the list, and whether listed citizens are told."""

    column: str
    basis: tuple[str, ...]
    keeps_removals: bool = False
    notified: bool = True


@dataclass
class Codebook:
    """Small integer codes for names written in events (kinds, rules, sources, actions)."""

    lists: dict[str, list[str]] = field(default_factory=dict)

    def code(self, domain: str, name: str) -> int:
        """The code of `name` in `domain`, adding it on first use."""
        names = self.lists.setdefault(domain, [])
        if name not in names:
            names.append(name)
        return names.index(name)

    def names(self, domain: str) -> list[str]:
        return list(self.lists.get(domain, []))


@dataclass
class World(Span):
    """The run as a plug-in sees it."""

    seed: int
    days: int
    n: int
    people_per_agent: int
    state: State | StateView
    codes: Codebook
    traits: dict[str, Trait] = field(default_factory=dict)
    graph: object | None = None
    source_errors: bool = True
    services: dict[str, object] = field(default_factory=dict)
    scores: dict[str, ScoreInfo] = field(default_factory=dict)
    sanctions: dict[str, SanctionInfo] = field(default_factory=dict)
    calendars: list[Calendar] = field(default_factory=list)
    notices: Notices | None = None
    """What citizens were told (credsim.engine.notices): the only way behaviour learns of scores
    and sanctions. Set by the engine once every plug-in is initialised."""
    yesterday_records: dict[str, np.ndarray] = field(default_factory=dict)
    """Yesterday's records as the database holds them (id and the citizen named): what a broker
    or an attacker can copy."""
    records_written: int = 0
    record_acts: dict[str, set[str]] = field(default_factory=dict)
    """Record kind -> the act kinds the sources make it from (filled as sources start): what a
    record says the citizen did, for behaviour that learns which conduct was punished."""
    """Records the system has written so far (in a sharded run: by every shard)."""
    lo: int = 0
    hi: int = -1
    """The citizens this process simulates, [lo, hi): all of them (hi = n) unless the run is
    sharded. Citizen numbers stay global; a shard's plug-ins act on, loop over and read only its
    own range (see credsim.experiments.sharding)."""
    start: dt.date = dt.date(2020, 1, 1)
    """The date of day 0."""
    warmup_days: int = 0
    """The first days the run's figures leave out while an invented history arrives
    (credsim.scenario.warmup); metrics that give yearly rates leave them out too."""
    alive: Callable[[np.ndarray], np.ndarray] | None = None
    """Whether each citizen given is alive, when the population has births and deaths
    (population.demography); None: every slot holds a living citizen throughout."""
    localities: np.ndarray | None = None
    """Starts of the localities, [0, ..., n]: contiguous ranges of citizens, the provinces (and
    carved cities) or parts of them (`population.locality_max_people`). Every choice of another
    citizen (a false match, a fabricated record's victim, a stranger met) stays within the
    locality, as every tie does, which is what lets a run be split between localities."""
    restraints: Restraints | None = None
    """Citizens held by a consequence (detention, a closed account: credsim.engine.restraint),
    who do not act meanwhile; None when no consequence holds anyone."""

    def acting(self, citizens: np.ndarray, day: int, kind: int) -> np.ndarray:
        """Those of `citizens`, drawn for an act of kind code `kind` on `day`, who are free to
        do it (not detained, their account not closed): all of them when nobody is held."""
        if self.restraints is None:
            return citizens
        return citizens[self.restraints.free(citizens, day, kind)]

    def free(self, citizens: np.ndarray, day: int, kind: int) -> np.ndarray:
        """Whether each citizen is free to do an act of kind code `kind` on `day`."""
        if self.restraints is None:
            return np.ones(citizens.shape[0], bool)
        return self.restraints.free(citizens, day, kind)

    def __post_init__(self) -> None:
        if self.hi < 0:
            self.hi = self.n

    def offer(self, name: str, service: object) -> None:
        """Register a service other plug-ins can read (record-only parts only if they declare it
        and it is public: see credsim.engine.sealed)."""
        self.services[name] = service
