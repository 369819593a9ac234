"""Identity harms: legitimate people refused a phone number (and so the internet) at face
verification after every try they made, the failed tries themselves, and numbers used in someone
else's name, found or still in use."""

from __future__ import annotations

import numpy as np
import pandas as pd

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.metrics.groups import Groups

__all__ = ["IdentityMetrics"]


class IdentityParams(PluginParams):
    pass


class IdentityMetrics(Metric):
    """Internet access refused to legitimate people; numbers in others' names."""

    Params = IdentityParams

    def init(self, world: World) -> None:
        self.world = world
        self.groups = Groups.build(world.traits)
        self.k = world.people_per_agent
        code = world.codes.code
        self.denied, self.registered, self.closed = (
            code("record_kind", k) for k in ("sim_denied", "sim_registered", "sim_closed")
        )
        self.refused = np.zeros((world.days, self.groups.size))
        self.failed = np.zeros(world.days)
        self.failed_by = np.zeros(self.groups.size)
        self.stolen = 0
        self.found = 0

    def measure(self, day: Day) -> None:
        kind, who, actor, detail = (
            day.records[f] for f in ("kind", "attributed_to", "true_actor", "true_detail")
        )
        # True detail: 0 a legitimate applicant who will try again, 2 one who will not (finally
        # denied), 1 an impostor caught.
        legit_failure = (kind == self.denied) & (detail != 1)
        final = legit_failure & (detail == 2)
        self.refused[day.day] = self.groups.count(who[final])
        failed = self.groups.count(who[legit_failure])
        self.failed_by += failed
        self.failed[day.day] = failed[0]
        self.stolen += int(np.count_nonzero((kind == self.registered) & (who != actor)))
        self.found += int(np.count_nonzero(kind == self.closed))

    def merge(self, parts: list) -> None:
        add_up(self, parts, "refused", "failed", "failed_by", "stolen", "found")

    def summary(self) -> dict:
        k = self.k
        accounts = self.world.services.get("accounts")
        active = accounts.numbers_in_others_names() if accounts is not None else 0
        by: dict = {}
        failed: dict = {}
        totals = self.refused.sum(axis=0)
        for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
            by.setdefault(trait, {})[label] = round(totals[i] * k)
            failed.setdefault(trait, {})[label] = round(self.failed_by[i] * k)
        return {
            "internet_access_denied": round(totals[0] * k),
            "registration_attempts_failed": round(self.failed_by[0] * k),
            "registration_attempts_failed_by_group": failed,
            "internet_access_denied_by_group": by,
            "numbers_registered_by_impostors": self.stolen * k,
            "numbers_in_others_names_found": self.found * k,
            "numbers_in_others_names_active": active * k,
        }

    def daily_totals(self) -> dict[str, np.ndarray]:
        return {"registration_attempts_failed": self.failed * self.k}

    def timeseries(self) -> pd.DataFrame:
        days = self.world.days
        return pd.DataFrame(
            {
                "day": np.repeat(np.arange(days, dtype=np.int32), self.groups.size),
                "dimension": np.tile([b for b, _ in self.groups.keys], days),
                "group_name": np.tile([g for _, g in self.groups.keys], days),
                "internet_access_denied": (self.refused * self.k).ravel(),
            }
        )
