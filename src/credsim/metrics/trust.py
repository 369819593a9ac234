"""Help between strangers and a generalised trust index: the share of requests helped, by the
asker's group, with the help refused to people whose records are wrong."""

from __future__ import annotations

import numpy as np
import pandas as pd

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.metrics.groups import Groups

__all__ = ["TrustMetrics"]


class TrustParams(PluginParams):
    pass


class TrustMetrics(Metric):
    """`help_requests`, `help_given`, `trust_index` (given / requests) by group and day,
    `help_refused_wrongly_marked` (refused to askers holding a wrong record) and `welfare`."""

    stock_columns = ("trust_index",)

    Params = TrustParams

    def init(self, world: World) -> None:
        self.world = world
        self.groups = Groups.build(world.traits)
        size = self.groups.size
        self.requests = np.zeros((world.days, size))
        self.given = np.zeros((world.days, size))
        self.refused_marked = 0
        has_marks = "wrongful_basis" in world.state  # kept by the core metric, if it runs
        self.marked = world.state["wrongful_basis"] if has_marks else None

    def measure(self, day: Day) -> None:
        strangers = self.world.services.get("strangers")
        if strangers is None or strangers.today != day.day:
            return
        askers, helped = strangers.askers, strangers.helped
        self.requests[day.day] = self.groups.count(askers)
        self.given[day.day] = self.groups.count(askers[helped])
        if self.marked is not None:
            wrong = (self.marked[askers[~helped]] & np.uint8(0x1F)) > 0
            self.refused_marked += int(wrong.sum())

    def merge(self, parts: list) -> None:
        add_up(self, parts, "requests", "given", "refused_marked")

    def summary(self) -> dict:
        strangers = self.world.services.get("strangers")
        if strangers is None:
            return {}
        k = self.world.people_per_agent
        requests, given = self.requests.sum(axis=0), self.given.sum(axis=0)
        index = np.divide(given, requests, out=np.zeros_like(given), where=requests > 0)
        by = self.groups.nested({"help_requests": requests, "help_given": given}, k)
        for trait, labels in by.items():
            for label in labels:
                i = self.groups.keys.index((trait, label))
                labels[label]["trust_index"] = round(float(index[i]), 6)
        p = strangers.params
        return {
            "help_requests": round(requests[0] * k),
            "help_given": round(given[0] * k),
            "trust_index": round(float(index[0]), 6),
            "help_refused_wrongly_marked": self.refused_marked * k,
            "helping_welfare": round(float(given[0]) * k * (p.benefit - p.cost), 2),
            "help_by_group": by,
        }

    def timeseries(self) -> pd.DataFrame | None:
        if self.world.services.get("strangers") is None:
            return None
        days, groups = self.world.days, self.groups
        index = np.divide(
            self.given, self.requests, out=np.full_like(self.given, np.nan), where=self.requests > 0
        )
        return pd.DataFrame(
            {
                "day": np.repeat(np.arange(days, dtype=np.int32), groups.size),
                "dimension": np.tile([b for b, _ in groups.keys], days),
                "group_name": np.tile([label for _, label in groups.keys], days),
                "help_requests": (self.requests * self.world.people_per_agent).ravel(),
                "help_given": (self.given * self.world.people_per_agent).ravel(),
                "trust_index": index.ravel(),
            }
        )
