"""What the adversaries did: false lender reports, insider edits and deletions, records sold,
breaches, and the people exposed by brokers and breaches, by group; the listed who bought a
deletion from an insider, by group (who can buy a clean file)."""

from __future__ import annotations

import functools

import numpy as np

from credsim.adversaries import Breach, Brokers, Insiders
from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import added
from credsim.metrics.groups import CHUNK, Groups

__all__ = ["AdversaryMetrics"]


class AdversaryParams(PluginParams):
    pass


class AdversaryMetrics(Metric):
    """Counts of every adversary in the scenario; exposure by group for brokers and breaches."""

    Params = AdversaryParams

    def init(self, world: World) -> None:
        self.world = world
        self.groups = Groups.build(world.traits)

    def measure(self, day: Day) -> None:
        """Everything is counted by the adversaries themselves or read at the end."""

    def _adversaries(self) -> list:
        return [v for k, v in self.world.services.items() if k.startswith("adversary:")]

    def tally_end(self) -> None:
        """Per adversary (in service order), the people it exposed or served, by group."""
        self.exposed: list[dict[str, np.ndarray]] = []
        for adversary in self._adversaries():
            counts: dict[str, np.ndarray] = {}
            if isinstance(adversary, Brokers):
                counts["exposed"] = self.groups.count(adversary.exposed())
            if isinstance(adversary, Breach):
                counts["exposed"] = self._breached(adversary)
            if isinstance(adversary, Insiders) and adversary.params.deletion is not None:
                sought, bought = adversary.buyers()
                counts["sought"] = self.groups.count(sought)
                counts["deleted"] = self.groups.count(bought)
            self.exposed.append(counts)

    def merge(self, parts: list) -> None:
        for i, counts in enumerate(self.exposed):
            self.exposed[i] = functools.reduce(added, (p.exposed[i] for p in parts), counts)

    def summary(self) -> dict:
        out: dict = {}
        for adversary, counts in zip(self._adversaries(), self.exposed, strict=True):
            for name, value in adversary.counts().items():  # already in people, not agents
                out[name] = out.get(name, 0) + value
            if isinstance(adversary, Brokers):
                self._exposure(out, "broker", counts["exposed"])
            if isinstance(adversary, Breach):
                self._exposure(out, "breach", counts["exposed"])
            if isinstance(adversary, Insiders) and adversary.params.deletion is not None:
                self._deletions(out, counts)
        return out

    def _deletions(self, out: dict, counts: dict[str, np.ndarray]) -> None:
        """Listed citizens who looked for an insider and who paid for a deletion, by group."""
        counts = {"sought": counts["sought"], "deleted": counts["deleted"]}
        nested = self.groups.nested(counts, self.world.people_per_agent)
        mine = out.setdefault("insider_deletions_by_group", {})
        for trait, labels in nested.items():
            for label, row in labels.items():
                cell = mine.setdefault(trait, {}).setdefault(label, {"sought": 0, "deleted": 0})
                cell["sought"] += row["sought"]
                cell["deleted"] += row["deleted"]

    def _breached(self, breach: Breach) -> np.ndarray:
        counts = np.zeros(self.groups.size)
        for start in range(self.world.lo, self.world.hi, CHUNK):
            chunk = np.arange(start, min(start + CHUNK, self.world.hi))
            if self.world.alive is not None:
                chunk = chunk[self.world.alive(chunk)]
            counts += self.groups.count(chunk[breach.exposed_mask(chunk)])
        return counts

    def _exposure(self, out: dict, who: str, counts: np.ndarray) -> None:
        k = self.world.people_per_agent
        nested = self.groups.nested({"exposed": counts}, k)
        out[f"{who}_people_exposed"] = out.get(f"{who}_people_exposed", 0) + round(counts[0] * k)
        out[f"{who}_people_exposed_by_group"] = {
            trait: {label: row["exposed"] for label, row in labels.items()}
            for trait, labels in nested.items()
        }
