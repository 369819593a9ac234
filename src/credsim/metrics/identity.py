"""Identity harms: legitimate people refused a phone number (and so the internet) at face
verification after every try they made, the failed tries themselves, and numbers used in someone
else's name, found or still in use. Where the transfer ban is enforced, the transfers recorded
and those recorded against the victim of an impostor (the holder did not transfer the number)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.engine.sets import unique
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
        accounts = world.services.get("accounts")
        self.ban = getattr(accounts, "transfers", None) is not None
        if self.ban:
            self.transfer = code("record_kind", "sim_transfer")
            self.transfers = np.zeros((2, self.groups.size))  # recorded, against a non-seller
        self.pool = getattr(accounts, "pool", None)
        if self.pool is not None:
            self.pooled = np.zeros(self.groups.size)  # records naming a relative, by their group
            self.pooled_kinds: dict[int, int] = {}
            self.relatives: list[np.ndarray] = []  # relatives registered, day by day
            self.no_relative = 0
            self.read = 0  # days of the pool's log read so far

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
        if self.pool is not None:
            for relatives, none in self.pool.log[self.read :]:
                self.relatives.append(relatives)
                self.no_relative += none
            self.read = len(self.pool.log)
            on_kin = self.pool.is_pooled(actor, who)
            if on_kin.any():
                self.pooled += self.groups.count(who[on_kin])
                for code, n in zip(*np.unique(kind[on_kin], return_counts=True), strict=True):
                    self.pooled_kinds[int(code)] = self.pooled_kinds.get(int(code), 0) + int(n)
        if self.ban:
            mine = kind == self.transfer
            self.transfers[0] += self.groups.count(who[mine])
            self.transfers[1] += self.groups.count(who[mine & (who != actor)])

    def merge(self, parts: list) -> None:
        add_up(self, parts, "refused", "failed", "failed_by", "stolen", "found", "active")
        if self.ban:
            add_up(self, parts, "transfers")
        if self.pool is not None:
            add_up(self, parts, "pooled", "pooled_kinds", "pooled_ids", "no_relative", "exposed")

    def tally_end(self) -> None:
        accounts = self.world.services.get("accounts")
        world = self.world
        self.active = 0
        if accounts is not None:
            self.active = accounts.numbers_in_others_names(world.lo, world.hi)
        if self.pool is not None:  # relatives whose IDs were pooled, each once, by group
            registered = np.concatenate([np.empty(0, np.int64), *self.relatives])
            self.pooled_ids = registered.shape[0]
            self.exposed = self.groups.count(unique(registered))

    def summary(self) -> dict:
        k = self.k
        active = self.active
        by: dict = {}
        failed: dict = {}
        totals = self.refused.sum(axis=0)
        for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
            by.setdefault(trait, {})[label] = round(totals[i] * k)
            failed.setdefault(trait, {})[label] = round(self.failed_by[i] * k)
        out = {
            "internet_access_denied": round(totals[0] * k),
            "registration_attempts_failed": round(self.failed_by[0] * k),
            "registration_attempts_failed_by_group": failed,
            "internet_access_denied_by_group": by,
            "numbers_registered_by_impostors": self.stolen * k,
            "numbers_in_others_names_found": self.found * k,
            "numbers_in_others_names_active": active * k,
        }
        if self.ban:
            out.update(self._ban(k))
        if self.pool is not None:
            out.update(self._pooling(k))
        return out

    def _pooling(self, k: int) -> dict:
        """Relatives whose IDs their users pooled: how many, and the records of the users' acts
        that name them, by the relative's group and by record kind."""
        exposed = self.exposed
        by = self.groups.nested({"exposed": exposed, "records": self.pooled}, k)
        names = self.world.codes.names("record_kind")
        return {
            "pooled_ids": self.pooled_ids * k,
            "pooled_ids_no_relative": self.no_relative * k,
            "pooled_relatives_exposed": round(float(exposed[0]) * k),
            "pooled_records_on_relatives": round(float(self.pooled[0]) * k),
            "pooled_records_by_kind": {
                names[c]: n * k for c, n in sorted(self.pooled_kinds.items())
            },
            "pooled_by_group": by,
        }

    def _ban(self, k: int) -> dict:
        """Transfers recorded under the ban, and those whose holder did not transfer the number
        (an impostor registered it in their name), by group."""
        recorded, wrongly = self.transfers
        by: dict = {}
        for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
            by.setdefault(trait, {})[label] = {
                "recorded": round(recorded[i] * k),
                "recorded_wrongly": round(wrongly[i] * k),
            }
        return {
            "sim_transfers_recorded": round(recorded[0] * k),
            "sim_transfers_recorded_wrongly": round(wrongly[0] * k),
            "sim_transfers_by_group": by,
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
