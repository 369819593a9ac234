"""But-for: the same run without its erroneous records, and what metrics may ask of it.

A citizen is wrongfully sanctioned when the run sanctions them and the same run without the
erroneous records does not. The counterfactual is a second simulation of the same scenario, seed,
population and graph with every source's errors off (no misattribution, fabrication or false
non-match) and no adversaries; counter-based draws give it the same acts wherever behaviour has
not diverged. It has no metrics and writes no events of its own.

Metrics ask it four things (`Metric.compare_with`): who is on some list in it at the end of today,
who was listed or removed in it today, who met which refusals in it today, and who qualifies for
a perk in it at the end. Two kinds of counterfactual answer them with the same numbers:

- `Beside`, a counterfactual the engine steps each day just before the run's own day (shards, and
  runs that keep checkpoints, step it so);
- `Ahead` (credsim.engine.but_for_ahead), a counterfactual stepped through every day before the
  run starts, of which only the answers are kept: a single-process run holds one of the two
  simulations at a time.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from credsim.engine.sets import among

if TYPE_CHECKING:
    from credsim.engine.day import Day
    from credsim.engine.world import Codebook, World

__all__ = ["Beside", "ButFor", "kinds_of", "listed_in", "moved_in", "refused_in"]


class ButFor(ABC):
    """What metrics may read of the counterfactual."""

    codes: Codebook
    """The counterfactual's codebook (its codes of actions and record kinds may differ)."""

    @abstractmethod
    def listed(self, citizens: np.ndarray) -> np.ndarray:
        """Whether each citizen is on some list in the counterfactual at the end of today."""

    @abstractmethod
    def moved(self) -> np.ndarray:
        """Citizens listed or removed from a list in the counterfactual today (one per row)."""

    @abstractmethod
    def refused(self) -> tuple[np.ndarray, np.ndarray]:
        """The citizens refused in the counterfactual today, and the record kind (in its codes)
        of the purchase each refusal met."""

    @abstractmethod
    def perk_eligible(self, name: str, citizens: np.ndarray) -> np.ndarray | None:
        """Whether each citizen qualifies for perk `name` in the counterfactual at the end of the
        run (None: it offers no perks)."""

    @abstractmethod
    def let_go(self) -> None:
        """Drop what is held of the counterfactual once the metrics have taken their end-of-run
        tallies (a shard, before it hands its simulation to the head)."""


@dataclass
class Beside(ButFor):
    """A counterfactual stepped beside the run: its world and the day it just stepped (its
    sanctions and records; its acts, score changes and notices are let go when it ends)."""

    world: World | None
    day: Day | None = None

    def __post_init__(self) -> None:
        assert self.world is not None
        self.codes = self.world.codes

    def listed(self, citizens: np.ndarray) -> np.ndarray:
        assert self.world is not None
        return listed_in(self.world, citizens)

    def moved(self) -> np.ndarray:
        if self.day is None:
            return np.empty(0, np.int32)
        return moved_in(self.codes, self.day)

    def refused(self) -> tuple[np.ndarray, np.ndarray]:
        assert self.day is not None
        return refused_in(self.codes, self.day)

    def perk_eligible(self, name: str, citizens: np.ndarray) -> np.ndarray | None:
        perks = None if self.world is None else self.world.services.get("perks")
        return None if perks is None else perks.eligible(name, citizens)

    def let_go(self) -> None:
        self.world = self.day = None


def listed_in(world: World, citizens: np.ndarray) -> np.ndarray:
    """Whether each citizen is on some list of `world` now."""
    out = np.zeros(citizens.shape[0], bool)
    for info in world.sanctions.values():
        out |= world.state[info.column][citizens] >= 0
    return out


def moved_in(codes: Codebook, day: Day) -> np.ndarray:
    """Citizens listed or removed from a list on `day`."""
    s = day.sanctions
    moved = among(s["action"], [codes.code("action", a) for a in ("listed", "delisted")])
    return s["citizen"][moved]


def refused_in(codes: Codebook, day: Day) -> tuple[np.ndarray, np.ndarray]:
    """Citizens refused on `day`, and the record kind of the purchase each refusal met."""
    s = day.sanctions
    there = s["action"] == codes.code("action", "refused")
    return s["citizen"][there], kinds_of(day.records, s["record_id"][there])


def kinds_of(records, record_ids: np.ndarray) -> np.ndarray:
    """The kinds of a day's records with these ids (ids of a day are consecutive)."""
    first = records["record_id"][:1]
    return records["kind"][record_ids - (first[0] if first.shape[0] else 0)]
