"""Exclusion: friendships cut, and how isolated listed citizens and their families become."""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.metrics.groups import Groups
from credsim.population.households import household_members

__all__ = ["ExclusionMetrics"]


class ExclusionParams(PluginParams):
    pass


class ExclusionMetrics(Metric):
    """`ties_cut` by group (either end of a tie counts for its group) and `isolation`: the mean
    share of a citizen's friendships cut, for the listed, their households and everyone else."""

    Params = ExclusionParams

    def init(self, world: World) -> None:
        self.world = world
        self.groups = Groups.build(world.traits)
        self.daily = np.zeros(world.days, np.int64)
        self.seen = 0

    def measure(self, day: Day) -> None:
        cuts = self.world.services.get("cut_ties")
        now = 0 if cuts is None else len(cuts)
        self.daily[day.day] = now - self.seen
        self.seen = now

    def merge(self, parts: list) -> None:
        add_up(self, parts, "daily", "seen")

    def daily_totals(self) -> dict[str, np.ndarray]:
        if self.world.services.get("cut_ties") is None:
            return {}
        return {"ties_cut": self.daily * self.world.people_per_agent}

    def summary(self) -> dict:
        cuts = self.world.services.get("cut_ties")
        if cuts is None:
            return {}
        k = self.world.people_per_agent
        low, high = cuts.ends()
        ends = self.groups.count(np.concatenate([low, high]))
        by_group = self.groups.nested({"ties_cut": ends}, k)
        return {
            "ties_cut": round(len(cuts) * k),
            "ties_cut_by_group": {
                trait: {label: row["ties_cut"] for label, row in labels.items()}
                for trait, labels in by_group.items()
            },
            "ties_cut_by_day": (self.daily * k).tolist(),
            "ties_cut_by_reason": self._reasons(k),
            "isolation": self._isolation(cuts),
        }

    def _reasons(self, k: int) -> dict[str, int]:
        """Ties cut over the friend's own low score, and over a low scorer in their household."""
        behaviour = self.world.services.get("exclusion")
        reasons = getattr(behaviour, "cuts_by_reason", {})
        return {reason: count * k for reason, count in reasons.items()}

    def _isolation(self, cuts) -> dict:
        """Mean share of friendships cut per citizen, by standing at the end of the run."""
        world, n = self.world, self.world.n
        listed = np.zeros(n, bool)
        for info in world.sanctions.values():
            listed |= world.state[info.column] >= 0
        who = np.flatnonzero(listed)
        _, members = household_members(world.state["household"], who)
        family = np.zeros(n, bool)
        family[members] = True
        family &= ~listed
        lost = cuts.per_citizen().astype(np.float64)
        degree = world.graph.degrees("friends").astype(np.float64)
        share = np.divide(lost, degree, out=np.zeros(n), where=degree > 0)
        out = {}
        for name, mask in (
            ("listed", listed),
            ("family_of_listed", family),
            ("others", ~listed & ~family),
        ):
            out[name] = round(float(share[mask].mean()), 6) if mask.any() else None
        return out
