"""Due process, measured: appeals filed and won, by group and by whether the appellant really
owed nothing, and the days from filing to correction."""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.metrics.groups import Groups

__all__ = ["AppealMetrics"]


class AppealParams(PluginParams):
    pass


class AppealMetrics(Metric):
    """Appeals filed, won (by innocent and by owing appellants), days to correction, by group."""

    Params = AppealParams

    def init(self, world: World) -> None:
        self.world = world
        self.groups = Groups.build(world.traits)
        self.appeal = world.codes.code("act_kind", "appeal")
        self.upheld = world.codes.code("record_kind", "appeal_upheld")
        self.filed = np.zeros(self.groups.size)
        self.won = np.zeros(self.groups.size)
        self.filed_on: dict[int, int] = {}
        self.won_innocent = self.won_owing = 0
        self.waits: list[int] = []

    def measure(self, day: Day) -> None:
        acts = day.acts
        mine = acts.rows_of("kind", self.appeal)
        if mine.shape[0]:
            self.filed += self.groups.count(acts["actor"][mine])
            self.filed_on.update(
                zip(acts["act_id"][mine].tolist(), acts["day"][mine].tolist(), strict=True)
            )
        recs = day.records
        won = recs["kind"] == self.upheld
        if won.any():
            self.won += self.groups.count(recs["attributed_to"][won])
            innocent = int(np.count_nonzero(recs["true_detail"][won] == 1))
            self.won_innocent += innocent
            self.won_owing += int(np.count_nonzero(won)) - innocent
            for act_id in recs["act_id"][won].tolist():
                if act_id in self.filed_on:
                    self.waits.append(day.day - self.filed_on.pop(act_id))

    def merge(self, parts: list) -> None:
        add_up(self, parts, "filed", "won", "won_innocent", "won_owing", "waits")

    def summary(self) -> dict:
        k = self.world.people_per_agent
        by: dict = {}
        for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
            by.setdefault(trait, {})[label] = {
                "filed": round(self.filed[i] * k),
                "won": round(self.won[i] * k),
            }
        return {
            "appeals_filed": round(self.filed[0] * k),
            "appeals_won": round(self.won[0] * k),
            "appeals_won_owing_nothing": self.won_innocent * k,
            "appeals_won_owing": self.won_owing * k,
            "days_to_correction_mean": float(np.mean(self.waits)) if self.waits else None,
            "appeals_by_group": by,
        }
