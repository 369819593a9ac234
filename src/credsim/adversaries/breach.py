"""A breach of the central database: on any day, with a chance that makes `chance_per_year` a
year, attackers copy a share `share` of it (the chance and share are assumptions). Everyone with a
real-name registration is in the database, so a breach exposes that share of citizens (chosen by
a hash per breach) and of the records written so far.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from credsim.engine import Adversary, Day, PluginParams, World

__all__ = ["Breach"]


class BreachParams(PluginParams):
    chance_per_year: float = Field(0.1, ge=0, le=1, description="chance of a breach in a year")
    share: float = Field(0.2, ge=0, le=1, description="share of the database copied")


class Breach(Adversary):
    """Occasional breaches of the central database expose a share of citizens and records."""

    Params = BreachParams
    params: BreachParams

    def init(self, world: World) -> None:
        self.world = world
        self.when = world.stream(f"adversary.{self.name}.when")
        self.whom = world.stream(f"adversary.{self.name}.whom")
        yearly = self.params.chance_per_year
        self.daily = 1.0 if yearly >= 1.0 else float(-np.expm1(np.log1p(-yearly) / 365.0))
        self.days: list[int] = []
        self.records_exposed = 0
        world.offer(f"adversary:{self.name}", self)

    def act(self, day: Day) -> None:
        if self.when.uniform(day.day, np.zeros(1, np.int64))[0] >= self.daily:
            return
        self.days.append(day.day)
        self.records_exposed += round(self.world.records_written * self.params.share)

    def merge(self, parts: list) -> None:
        """Every shard draws the same breaches of the same (whole) database: nothing to add."""

    def exposed_mask(self, citizens: np.ndarray) -> np.ndarray:
        """Whether each citizen was in some breach so far."""
        out = np.zeros(citizens.shape[0], bool)
        for d in self.days:
            out |= self.whom.uniform(d, citizens) < self.params.share
        return out

    def counts(self) -> dict[str, int]:
        """Breaches (events), and records copied (scaled to people's records)."""
        k = self.world.people_per_agent
        return {"breaches": len(self.days), "breach_records_exposed": self.records_exposed * k}
