"""Firms: the register (firms by size class, nominal representatives), what firms did and what
was recorded, listings on the corporate lists by size class, the firms' tenders and loans refused,
and the legal representatives the listings reached: listed, refused flights and trains, by group;
against the truth, representatives listed for an act of the owner (nominal ones) and firms listed
while owing nothing."""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.engine.sets import among, unique
from credsim.metrics.groups import Groups

__all__ = ["FirmMetrics"]

SIZES = ("micro", "small", "medium", "large")
"""The order of credsim.population.firms.SIZE_CLASSES."""
BY_SIZE = ("listed", "delisted", "bids", "bids_refused", "loans", "loans_refused")
"""Per size class flows."""
BY_GROUP = ("listed", "listed_nominal", "refused_travel")
"""Per citizen group flows of the representatives."""
DAILY = ("firms_listed", "firm_bids_refused", "firm_loans_refused", "firm_reps_refused_travel")
BIDS, LOANS = "firm_bid", "firm_loan_application"
TRAVEL = ("flight_purchase", "train_purchase")


class FirmMetricParams(PluginParams):
    pass


class FirmMetrics(Metric):
    """Firms listed and refused by size class; legal representatives listed and refused travel
    by group; nominal representatives and firms listed while owing nothing (truth)."""

    Params = FirmMetricParams

    def init(self, world: World) -> None:
        self.world = world
        self.firms = world.services.get("firms")
        self.owners = world.services.get("firm_owners")
        self.lists = [
            s for n, s in sorted(world.services.items()) if n.startswith("corporate_list:")
        ]
        codes = world.codes
        self.list_codes = np.array(
            [codes.code("consequence", s.name) for s in self.lists], np.int64
        )
        self.action = {a: codes.code("action", a) for a in ("listed", "delisted", "refused")}
        self.kind = {k: codes.code("record_kind", k) for k in (BIDS, LOANS, *TRAVEL)}
        self.act_codes = [
            (code, name)
            for code, name in enumerate(codes.names("act_kind"))
            if name.startswith("firm_")
        ]
        self.groups = Groups.build(world.traits)
        self.by_size = {name: np.zeros(len(SIZES)) for name in BY_SIZE}
        self.by_group = {name: np.zeros(self.groups.size) for name in BY_GROUP}
        self.acts: dict[str, float] = {}
        self.records: dict[str, float] = {}
        self.by_agency: dict[str, float] = {}
        self.owing_nothing = 0.0
        self.per_day = np.zeros((len(DAILY), world.days))

    def _on(self) -> bool:
        return self.firms is not None

    def measure(self, day: Day) -> None:
        if not self._on():
            return
        names = self.world.codes.names
        acts = day.acts["kind"]
        for code, name in self.act_codes:
            count = np.count_nonzero(acts == code)
            if count:
                self.acts[name] = self.acts.get(name, 0.0) + float(count)
        records = day.records
        about = records["firm"] >= 0
        kinds = records["kind"][about]
        for code in unique(kinds).tolist():
            name = names("record_kind")[code]
            self.records[name] = self.records.get(name, 0.0) + float(
                np.count_nonzero(kinds == code)
            )
        for what, kind in (("bids", BIDS), ("loans", LOANS)):
            made = records["firm"][about & (records["kind"] == self.kind[kind])]
            self.by_size[what] += self._sizes(made)
        self._listings(day)
        self._refusals(day)

    def _sizes(self, firms: np.ndarray) -> np.ndarray:
        """Firms given by number, counted by size class."""
        size = self.firms.size_class[self.firms.local(firms)]
        return np.bincount(size, minlength=len(SIZES)).astype(np.float64)

    def merge(self, parts: list[FirmMetrics]) -> None:
        """Add up the shards' tallies (whole numbers); the register and the lists are merged by
        their own plug-ins."""
        add_up(self, parts, "by_size", "by_group", "acts", "records", "by_agency")
        add_up(self, parts, "owing_nothing", "per_day")

    def _listings(self, day: Day) -> None:
        s = day.sanctions
        mine = among(s["consequence"], self.list_codes)
        if not mine.any():
            return
        action, reps = s["action"][mine], s["citizen"][mine].astype(np.int64)
        firms = self.firms.firm_of(reps)
        for what in ("listed", "delisted"):
            hit = (action == self.action[what]) & (firms >= 0)
            self.by_size[what] += self._sizes(firms[hit])
        listed = (action == self.action["listed"]) & (firms >= 0)
        reps, firms = reps[listed], firms[listed]
        self.by_group["listed"] += self.groups.count(reps)
        at = self.firms.local(firms)
        nominal = self.owners.owners[at] != reps
        self.by_group["listed_nominal"] += self.groups.count(reps[nominal])
        self.owing_nothing += float(np.count_nonzero(self.owners.owed[at] == 0))
        self.per_day[0, day.day] += reps.shape[0]

    def _refusals(self, day: Day) -> None:
        s = day.sanctions
        refused = s["action"] == self.action["refused"]
        if not refused.any():
            return
        rid, who = s["record_id"][refused], s["citizen"][refused].astype(np.int64)
        agency = s["agency"][refused]
        r = day.records
        ids = r["record_id"]
        if ids.shape[0] == 0:
            return
        at = np.minimum(np.searchsorted(ids, rid), ids.shape[0] - 1)
        found = ids[at] == rid
        kind = np.where(found, r["kind"][at], -1)
        firm = np.where(found, r["firm"][at], -1)
        agencies = self.world.codes.names("agency")
        for row, (what, code) in enumerate((("bids", BIDS), ("loans", LOANS)), start=1):
            hit = (kind == self.kind[code]) & (firm >= 0)
            self.by_size[f"{what}_refused"] += self._sizes(firm[hit])
            self.per_day[row, day.day] += np.count_nonzero(hit)
            for a in unique(agency[hit]).tolist():
                name = agencies[a]
                count = float(np.count_nonzero(hit & (agency == a)))
                self.by_agency[name] = self.by_agency.get(name, 0.0) + count
        travel = among(kind, [self.kind[k] for k in TRAVEL])
        # Refusals met while the citizen's firm was listed before today (a listing takes effect
        # at the counters from the next day).
        on_list = np.zeros(who.shape[0], bool)
        for lst in self.lists:
            since = lst.rep_since[who]
            on_list |= (since >= 0) & (since < day.day)
        hit = travel & on_list
        self.by_group["refused_travel"] += self.groups.count(who[hit])
        self.per_day[3, day.day] += np.count_nonzero(hit)

    def daily_totals(self) -> dict[str, np.ndarray]:
        if not self._on():
            return {}
        k = self.world.people_per_agent
        return {name: row * k for name, row in zip(DAILY, self.per_day, strict=True)}

    def summary(self) -> dict:
        if not self._on():
            return {}
        k = self.world.people_per_agent
        t = self.firms
        size = np.bincount(t.size_class, minlength=len(SIZES)) * k
        on_list = np.zeros(t.n, bool)
        for lst in self.lists:
            on_list |= lst.firm_since >= 0
        on_list_by_size = np.bincount(t.size_class[on_list], minlength=len(SIZES)) * float(k)
        nominal = int(np.count_nonzero(self.owners.owners != t.legal_rep)) * k
        by_size = {
            label: {
                "firms": int(size[i]),
                "on_list": round(on_list_by_size[i]),
                **{name: round(v[i] * k) for name, v in self.by_size.items()},
            }
            for i, label in enumerate(SIZES)
        }
        by_group: dict = {}
        for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
            by_group.setdefault(trait, {})[label] = {
                name: round(v[i] * k) for name, v in self.by_group.items()
            }
        return {
            "firms_total": int(t.n * k),
            "firms_by_size": {label: int(size[i]) for i, label in enumerate(SIZES)},
            "firms_nominal_reps": nominal,
            "firm_acts_by_kind": {n: round(v * k) for n, v in sorted(self.acts.items())},
            "firm_records_by_kind": {n: round(v * k) for n, v in sorted(self.records.items())},
            "firms_listed": round(self.by_size["listed"].sum() * k),
            "firms_delisted": round(self.by_size["delisted"].sum() * k),
            "firms_on_list": round(on_list_by_size.sum()),
            "firms_listed_owing_nothing": round(self.owing_nothing * k),
            "firm_bids": round(self.by_size["bids"].sum() * k),
            "firm_bids_refused": round(self.by_size["bids_refused"].sum() * k),
            "firm_loans": round(self.by_size["loans"].sum() * k),
            "firm_loans_refused": round(self.by_size["loans_refused"].sum() * k),
            "firm_refusals_by_agency": {n: round(v * k) for n, v in sorted(self.by_agency.items())},
            "firm_reps_listed": round(self.by_group["listed"][0] * k),
            "firm_reps_listed_nominal": round(self.by_group["listed_nominal"][0] * k),
            "firm_reps_refused_travel": round(self.by_group["refused_travel"][0] * k),
            "firms_by_size_detail": by_size,
            "firm_reps_by_group": by_group,
        }
