"""What perks are worth: people eligible and money saved per perk, by group; and, when the run
steps its counterfactual, the people who lost a perk to the wrong records (eligible in the same
run without them, not here)."""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.but_for import ButFor
from credsim.engine.merge import add_up
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

    def tally_end(self) -> None:
        """Per perk and group: citizens eligible at the end, and those eligible in the run
        without wrong records but not here."""
        self.eligible: dict[str, np.ndarray] = {}
        self.lost: dict[str, np.ndarray] = {}
        perks = self.world.services.get("perks")
        if perks is None:
            return
        for name in perks.offered:
            counts = np.zeros(self.groups.size, np.int64)
            lost = np.zeros(self.groups.size, np.int64)
            for start in range(self.world.lo, self.world.hi, CHUNK):
                chunk = np.arange(start, min(start + CHUNK, self.world.hi))
                if self.world.alive is not None:
                    chunk = chunk[self.world.alive(chunk)]
                here = perks.eligible(name, chunk)
                counts += self.groups.count(chunk[here])
                there = None if self.but_for is None else self.but_for.perk_eligible(name, chunk)
                if there is not None:
                    lost += self.groups.count(chunk[~here & there])
            self.eligible[name], self.lost[name] = counts, lost

    def merge(self, parts: list) -> None:
        add_up(self, parts, "eligible", "lost")

    def summary(self) -> dict:
        perks = self.world.services.get("perks")
        if perks is None:
            return {}
        k = self.world.people_per_agent
        out: dict = {}
        twin = self.but_for is not None
        for name, perk in perks.offered.items():
            counts = self.eligible[name].astype(np.float64)
            lost = self.lost[name].astype(np.float64)
            money = counts * k * perk.value_yuan * perk.uptake
            by: dict = {}
            for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
                by.setdefault(trait, {})[label] = {
                    "people": round(counts[i] * k),
                    "yuan": round(money[i]),
                    "lost_wrongfully": round(lost[i] * k) if twin else None,
                }
            out[name] = {
                "people": round(counts[0] * k),
                "yuan": round(money[0]),
                "per": perk.per,
                # Eligible in the run without wrong records, not here (None: not computed).
                "lost_wrongfully": round(lost[0] * k) if twin else None,
                "by_group": by,
            }
        return {"perks": out, "perks_skipped": perks.skipped}
