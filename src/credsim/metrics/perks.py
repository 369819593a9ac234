"""What perks are worth: people eligible and money saved per perk, by group."""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, Metric, PluginParams, World
from credsim.metrics.groups import CHUNK, Groups

__all__ = ["PerkMetrics"]


class PerkParams(PluginParams):
    pass


class PerkMetrics(Metric):
    """People eligible for each perk at the end, and the money it is worth, by group."""

    Params = PerkParams

    def init(self, world: World) -> None:
        self.world = world
        self.groups = Groups.build(world.traits)

    def measure(self, day: Day) -> None:
        """Perks are counted at the end of the run."""

    def summary(self) -> dict:
        perks = self.world.services.get("perks")
        if perks is None:
            return {}
        k, n = self.world.people_per_agent, self.world.n
        out: dict = {}
        for name, perk in perks.active.items():
            counts = np.zeros(self.groups.size)
            for start in range(0, n, CHUNK):
                chunk = np.arange(start, min(start + CHUNK, n))
                counts += self.groups.count(chunk[perks.eligible(name, chunk)])
            money = counts * k * perk.value_yuan * perk.uptake
            by: dict = {}
            for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
                by.setdefault(trait, {})[label] = {
                    "people": round(counts[i] * k),
                    "yuan": round(money[i]),
                }
            out[name] = {
                "people": round(counts[0] * k),
                "yuan": round(money[0]),
                "per": perk.per,
                "by_group": by,
            }
        return {"perks": out, "perks_skipped": perks.skipped}
