"""Fines: how many, how much money fined, paid and left in arrears, by group and record kind;
how many went to court and ended in a listing; and, against the truth, the fines levied and paid
for acts the citizen did not commit (a camera's false match fined the wrong face)."""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.engine.sets import union, unique
from credsim.metrics.groups import Groups
from credsim.metrics.wrong_records import WrongRecords

__all__ = ["FineMetrics"]

COUNTS = (
    "fines",
    "yuan",
    "yuan_paid",
    "yuan_surcharge",
    "yuan_in_arrears",
    "sent_to_court",
    "listed",
    "fines_wrongful",
    "yuan_wrongful",
    "yuan_paid_wrongful",
)
"""Per-group tallies (yuan_in_arrears is a stock; the rest add up over the run)."""
DAILY = ("fines", "yuan", "yuan_paid")
LEDGER = ("fined", "paid", "overdue", "paid_late", "surcharge", "to_court", "written_off")
"""The order of consequences.fines.LEDGER (metrics do not import consequences)."""


class FineParams(PluginParams):
    pass


class FineMetrics(Metric):
    """Fines levied, yuan fined, paid and in arrears, sent to court and listed, by group; the
    wrongful ones (the record's true actor is someone else, or nobody)."""

    Params = FineParams
    stock_columns = ("fines_yuan_in_arrears",)

    def init(self, world: World) -> None:
        self.world = world
        self.groups = Groups.build(world.traits)
        self.tally = {name: np.zeros(self.groups.size) for name in COUNTS}
        self.per_day = np.zeros((len(DAILY), world.days))
        self.by_kind: dict[str, dict[str, float]] = {}
        self.wrong = WrongRecords()
        self.to_court = np.empty(0, np.int64)
        self.listed = world.codes.code("action", "listed")

    def _ledgers(self, day: int) -> list[dict[str, np.ndarray]]:
        return [
            service.ledger_on(day).rows()
            for name, service in sorted(self.world.services.items())
            if name.startswith("fines:")
        ]

    def measure(self, day: Day) -> None:
        self.wrong.add(day.records)
        t, g = day.day, self.groups
        for rows in self._ledgers(t):
            who, yuan, rid = rows["citizen"], rows["yuan"], rows["record_id"]
            what = {name: rows["what"] == i for i, name in enumerate(LEDGER)}
            if not who.shape[0]:
                continue
            actor = self.wrong.true_actor(rid, who)
            wrong = actor != who
            fined = what["fined"]
            paid = what["paid"] | what["paid_late"] | what["surcharge"]
            self.tally["fines"] += g.count(who[fined])
            self.tally["yuan"] += g.count(who[fined], yuan[fined])
            self.tally["yuan_paid"] += g.count(who[paid], yuan[paid])
            self.tally["yuan_surcharge"] += g.count(who[what["surcharge"]], yuan[what["surcharge"]])
            arrears = np.where(what["overdue"], yuan, 0.0)
            arrears -= np.where(what["paid_late"] | what["written_off"], yuan, 0.0)
            moved = arrears != 0
            self.tally["yuan_in_arrears"] += g.count(who[moved], arrears[moved])
            self.tally["sent_to_court"] += g.count(who[what["to_court"]])
            self.tally["fines_wrongful"] += g.count(who[fined & wrong])
            self.tally["yuan_wrongful"] += g.count(who[fined & wrong], yuan[fined & wrong])
            self.tally["yuan_paid_wrongful"] += g.count(who[paid & wrong], yuan[paid & wrong])
            self.per_day[:, t] += (fined.sum(), yuan[fined].sum(), yuan[paid].sum())
            self._kinds(day, rid[fined], yuan[fined])
            if what["to_court"].any():
                self.to_court = union(self.to_court, rid[what["to_court"]])
        self._listings(day)

    def _kinds(self, day: Day, record_ids: np.ndarray, yuan: np.ndarray) -> None:
        """Fines and yuan by the kind of record fined (today's records)."""
        if not record_ids.shape[0]:
            return
        ids, kinds = day.records["record_id"], day.records["kind"]
        at = np.minimum(np.searchsorted(ids, record_ids), ids.shape[0] - 1)
        names = self.world.codes.names("record_kind")
        for code in unique(kinds[at]).tolist():
            mine = kinds[at] == code
            row = self.by_kind.setdefault(names[code], {"fines": 0.0, "yuan": 0.0})
            row["fines"] += float(mine.sum())
            row["yuan"] += float(yuan[mine].sum())

    def _listings(self, day: Day) -> None:
        """Listings whose record is a fine sent to court."""
        if not self.to_court.shape[0]:
            return
        s = day.sanctions
        listed = s["action"] == self.listed
        if not listed.any():
            return
        rid, who = s["record_id"][listed], s["citizen"][listed]
        at = np.minimum(np.searchsorted(self.to_court, rid), self.to_court.shape[0] - 1)
        fine = self.to_court[at] == rid
        self.tally["listed"] += self.groups.count(who[fine])

    def merge(self, parts: list) -> None:
        add_up(self, parts, "tally", "per_day", "by_kind")

    def _on(self) -> bool:
        return any(name.startswith("fines:") for name in self.world.services)

    def daily_totals(self) -> dict[str, np.ndarray]:
        if not self._on():
            return {}
        k = self.world.people_per_agent
        names = ("fines_total", "fines_yuan", "fines_yuan_paid")
        return {name: row * k for name, row in zip(names, self.per_day, strict=True)}

    def summary(self) -> dict:
        if not self._on():
            return {}
        k = self.world.people_per_agent
        for name, service in self.world.services.items():  # every kind fined, levied or not
            if name.startswith("fines:"):
                for kind in service.params.amounts:
                    self.by_kind.setdefault(kind, {"fines": 0.0, "yuan": 0.0})
        tally = {name: values * k for name, values in self.tally.items()}
        by: dict = {}
        for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
            by.setdefault(trait, {})[label] = {name: round(v[i]) for name, v in tally.items()}
        return {
            "fines_total": round(tally["fines"][0]),
            "fines_yuan": round(tally["yuan"][0]),
            "fines_yuan_paid": round(tally["yuan_paid"][0]),
            "fines_yuan_surcharge": round(tally["yuan_surcharge"][0]),
            "fines_yuan_in_arrears": round(tally["yuan_in_arrears"][0]),
            "fines_sent_to_court": round(tally["sent_to_court"][0]),
            "fines_listed": round(tally["listed"][0]),
            "fines_wrongful": round(tally["fines_wrongful"][0]),
            "fines_yuan_wrongful": round(tally["yuan_wrongful"][0]),
            "fines_yuan_paid_wrongful": round(tally["yuan_paid_wrongful"][0]),
            "fines_by_kind": {
                kind: {what: round(v * k) for what, v in row.items()}
                for kind, row in sorted(self.by_kind.items())
            },
            "fines_by_group": by,
        }
