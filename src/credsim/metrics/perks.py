"""What perks are worth: people eligible and money saved per perk, by group; and, when the run
steps its counterfactual, the people who lost a perk to the wrong records (eligible in the same
run without them, not here)."""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.but_for import ButFor
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
        self.but_for: ButFor | None = None

    def compare_with(self, but_for: ButFor) -> None:
        self.but_for = but_for

    def measure(self, day: Day) -> None:
        """Perks are counted at the end of the run."""

    def summary(self) -> dict:
        perks = self.world.services.get("perks")
        if perks is None:
            return {}
        k, n = self.world.people_per_agent, self.world.n
        out: dict = {}
        twin = self.but_for.world.services.get("perks") if self.but_for is not None else None
        for name, perk in perks.offered.items():
            counts = np.zeros(self.groups.size)
            lost = np.zeros(self.groups.size)
            for start in range(0, n, CHUNK):
                chunk = np.arange(start, min(start + CHUNK, n))
                if self.world.alive is not None:
                    chunk = chunk[self.world.alive(chunk)]
                here = perks.eligible(name, chunk)
                counts += self.groups.count(chunk[here])
                if twin is not None:
                    lost += self.groups.count(chunk[~here & twin.eligible(name, chunk)])
            money = counts * k * perk.value_yuan * perk.uptake
            by: dict = {}
            for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
                by.setdefault(trait, {})[label] = {
                    "people": round(counts[i] * k),
                    "yuan": round(money[i]),
                    "lost_wrongfully": round(lost[i] * k) if twin is not None else None,
                }
            out[name] = {
                "people": round(counts[0] * k),
                "yuan": round(money[0]),
                "per": perk.per,
                # Eligible in the run without wrong records, not here (None: not computed).
                "lost_wrongfully": round(lost[0] * k) if twin is not None else None,
                "by_group": by,
            }
        return {"perks": out, "perks_skipped": perks.skipped}
