"""Score lost by association: citizens with no record of their own whose score fell because
their friends' scores did (a policy's network term)."""

from __future__ import annotations

import numpy as np

from credsim.engine import Column, Day, Metric, PluginParams, World

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

    def measure(self, day: Day) -> None:
        sc = day.score_changes
        by_record = sc["record_id"] >= 0
        for code, bit in self.bits.items():
            mine = by_record & (sc["policy"] == code)
            self.own[sc["citizen"][mine]] |= np.uint8(1 << bit)

    def summary(self) -> dict:
        k, out = self.world.people_per_agent, {}
        names = list(self.world.scores)
        for bit in self.bits.values():
            info = self.world.scores[names[bit]]
            if info.network_column is None:
                continue
            term = self.world.state[info.network_column]
            untouched = (self.own & np.uint8(1 << bit)) == 0
            losers = untouched & (term < 0)
            out[names[bit]] = {
                "citizens": int(np.count_nonzero(losers)) * k,
                "points_lost": int(-term[losers].astype(np.int64).sum()) * k,
            }
        total = sum(v["citizens"] for v in out.values())
        return {"score_loss_by_association": total, "score_loss_by_association_by_policy": out}
