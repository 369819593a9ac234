"""Exclusion: friendships cut, and how isolated listed citizens and their families become."""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.metrics.groups import Groups
from credsim.population.households import household_members

__all__ = ["ExclusionMetrics"]

STANDINGS = ("listed", "family_of_listed", "others")
"""Standings at the end of the run, by code."""
LISTED, FAMILY, OTHERS = range(len(STANDINGS))
TALLY_ROWS = 1 << 20
"""Citizens tallied at a time at the end of the run (every citizen's friends and lost ties in
64-bit integers at once took about 40 bytes a citizen)."""


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
        add_up(self, parts, "daily", "seen", "isolated", "ends")

    def daily_totals(self) -> dict[str, np.ndarray]:
        if self.world.services.get("cut_ties") is None:
            return {}
        return {"ties_cut": self.daily * self.world.people_per_agent}

    def summary(self) -> dict:
        cuts = self.world.services.get("cut_ties")
        if cuts is None:
            return {}
        k = self.world.people_per_agent
        by_group = self.groups.nested({"ties_cut": self.ends}, k)
        return {
            "ties_cut": round(len(cuts) * k),
            "ties_cut_by_group": {
                trait: {label: row["ties_cut"] for label, row in labels.items()}
                for trait, labels in by_group.items()
            },
            "ties_cut_by_day": (self.daily * k).tolist(),
            "ties_cut_by_reason": self._reasons(k),
            "isolation": self._isolation(),
        }

    def _reasons(self, k: int) -> dict[str, int]:
        """Ties cut over the friend's own low score, and over a low scorer in their household."""
        behaviour = self.world.services.get("exclusion")
        reasons = getattr(behaviour, "cuts_by_reason", {})
        return {reason: count * k for reason, count in reasons.items()}

    def tally_end(self) -> None:
        """Cut ties' ends by group; and per standing at the end (listed, family of the listed,
        others), citizens and the friendships they lost by number of friends, whole counts from
        which the mean share of friendships cut follows."""
        self.isolated: dict[str, np.ndarray] = {}
        self.ends = np.zeros(self.groups.size, np.int64)
        cuts = self.world.services.get("cut_ties")
        if cuts is None:
            return
        low, high = cuts.ends()  # a tie lies inside one shard: both its ends are ours
        ends = np.concatenate([low, high])
        self.ends = self.groups.count(ends)
        ends.sort()
        world, lo, hi = self.world, self.world.lo, self.world.hi
        standing = np.full(hi - lo, OTHERS, np.uint8)
        for info in world.sanctions.values():
            standing[world.state[info.column][lo:hi] >= 0] = LISTED
        listed = lo + np.flatnonzero(standing == LISTED)
        _, members = household_members(world.state["household"], listed)
        kin = standing[members - lo] == OTHERS
        standing[members[kin] - lo] = FAMILY
        degrees = world.graph.degrees("friends")
        width = world.graph.max_degree("friends") + 1  # the same in every shard
        # Per standing, row 0: citizens by number of friends; row 1: friendships they lost.
        tally = np.zeros((len(STANDINGS), 2, width), np.int64)
        for start in range(lo, hi, TALLY_ROWS):
            end = min(start + TALLY_ROWS, hi)
            first, last = np.searchsorted(ends, [start, end])
            lost = np.bincount(ends[first:last] - start, minlength=end - start)
            degree = degrees[start:end].astype(np.int64)
            mine = standing[start - lo : end - lo]
            for code in range(len(STANDINGS)):
                rows = mine == code
                tally[code, 0] += np.bincount(degree[rows], minlength=width)
                tally[code, 1] += np.bincount(degree[rows], lost[rows], width).astype(np.int64)
        self.isolated = {name: tally[code] for code, name in enumerate(STANDINGS)}

    def _isolation(self) -> dict:
        """Mean share of friendships cut per citizen, by standing at the end of the run (a
        citizen without friends counts as losing none)."""
        out = {}
        for name, tally in self.isolated.items():
            people = int(tally[0].sum())
            degree = np.arange(1, tally.shape[1])
            shares = float(np.sum(tally[1, 1:] / degree))
            out[name] = round(shares / people, 6) if people else None
        return out
