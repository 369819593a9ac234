"""Score lost by association: citizens with no record of their own whose score fell because
their friends' scores did (a policy's network term)."""

from __future__ import annotations

import numpy as np
from numba import njit

from credsim.engine import Column, Day, Metric, PluginParams, World
from credsim.engine.merge import add_up

__all__ = ["AssociationMetrics"]

MAX_POLICIES = 8


class AssociationParams(PluginParams):
    pass


class AssociationMetrics(Metric):
    """Who loses points only through friends, per policy with a network term."""

    Params = AssociationParams

    def columns(self) -> list[Column]:
        return [
            Column(
                "scored_by_record",
                "uint8",
                owner=self.name,
                doc="bit per policy: a record of this citizen's own has moved that score",
            )
        ]

    def init(self, world: World) -> None:
        self.world = world
        self.own = world.state["scored_by_record"]
        self.bits = {
            world.codes.code("policy", name): bit
            for bit, name in enumerate(list(world.scores)[:MAX_POLICIES])
        }
        self.flags: np.ndarray | None = None
        """The bit of each policy code (0 for a policy past the first MAX_POLICIES)."""

    def measure(self, day: Day) -> None:
        sc = day.score_changes
        if not self.bits or not sc["citizen"].shape[0]:
            return
        if getattr(self, "flags", None) is None:  # (a checkpoint of an earlier version has none)
            self.flags = np.zeros(max(256, max(self.bits) + 1), np.uint8)
            for code, bit in self.bits.items():
                self.flags[code] = 1 << bit
        rows, record_ids = sc.named("record_id")  # (a friends' term's moves name none)
        _mark(self.own, sc.take("citizen", rows), sc.take("policy", rows), record_ids, self.flags)

    def tally_end(self) -> None:
        """Per policy with a friends' term: citizens whose own records never moved the score
        but whose friends' term is negative, and the points it takes from them (agents)."""
        self.losses: dict[str, dict[str, int]] = {}
        names, lo, hi = list(self.world.scores), self.world.lo, self.world.hi
        for bit in self.bits.values():
            info = self.world.scores[names[bit]]
            if info.network_column is None:
                continue
            term = self.world.state[info.network_column][lo:hi]
            untouched = (self.own[lo:hi] & np.uint8(1 << bit)) == 0
            losers = untouched & (term < 0)
            self.losses[names[bit]] = {
                "citizens": int(np.count_nonzero(losers)),
                "points_lost": int(-term[losers].astype(np.int64).sum()),
            }

    def merge(self, parts: list) -> None:
        add_up(self, parts, "losses")

    def summary(self) -> dict:
        k = self.world.people_per_agent
        out = {
            name: {what: count * k for what, count in row.items()}
            for name, row in self.losses.items()
        }
        total = sum(v["citizens"] for v in out.values())
        return {"score_loss_by_association": total, "score_loss_by_association_by_policy": out}


@njit(cache=True)
def _mark(own, citizen, policy, record_id, flags):
    """own[citizen] |= the policy's bit, for each score change that names a record."""
    for i in range(citizen.shape[0]):
        if record_id[i] >= 0:
            own[citizen[i]] |= flags[policy[i]]
