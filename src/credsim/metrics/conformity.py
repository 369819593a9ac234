"""Conformity: purchases made only for the score (acts of a purchase kind with detail 1), and
what they cost, by income band."""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.metrics.groups import Groups

__all__ = ["ConformityMetrics"]


class ConformityMetricParams(PluginParams):
    pass


class ConformityMetrics(Metric):
    """`conformity_purchases` and `conformity_yuan`, by group."""

    Params = ConformityMetricParams

    def init(self, world: World) -> None:
        self.world = world
        self.groups = Groups.build(world.traits)
        self.service = world.services.get("conformity")
        self.count = np.zeros(self.groups.size)
        self.yuan = np.zeros(self.groups.size)
        if self.service is not None:
            prices = self.service.prices()
            self.price_of = np.full(256, np.nan)  # act kind code (uint8) -> price, NaN if none
            self.price_of[list(prices)] = list(prices.values())

    def measure(self, day: Day) -> None:
        if self.service is None:
            return
        acts = day.acts
        mine = ~np.isnan(self.price_of[acts["kind"]]) & (acts["detail"] == 1)
        if mine.any():
            price = self.price_of[acts["kind"][mine]]
            self.count += self.groups.count(acts["actor"][mine])
            self.yuan += self.groups.count(acts["actor"][mine], price)

    def merge(self, parts: list) -> None:
        add_up(self, parts, "count", "yuan")

    def summary(self) -> dict:
        if self.service is None:
            return {}
        k = self.world.people_per_agent
        return {
            "conformity_purchases": round(self.count[0] * k),
            "conformity_yuan": round(float(self.yuan[0]) * k, 2),
            "conformity_by_group": self.groups.nested(
                {"purchases": self.count, "yuan": self.yuan}, k
            ),
        }
