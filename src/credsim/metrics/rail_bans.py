"""Rail bans: passengers listed for conduct on trains (the 2018 rule on "seriously dishonest"
passengers: smoking on a train, a wrong or invalid ticket), whether the record named the right
passenger, the rail tickets refused to them, and days under a ban, by list and by group.

The lists are ordinary `blacklist` consequences named in `lists`; the refusals are every refusal
of a `purchase` record (rail tickets) to a citizen on one of them, and `refused_rail_only` those
of citizens on no other list (refused because of their conduct on a train alone).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.engine.sets import among
from credsim.metrics.groups import Groups
from credsim.metrics.wrong_records import WrongRecords

__all__ = ["RailBanMetrics"]

COUNTS = ("listed", "listed_wrongly", "refused", "refused_rail_only", "ban_days")


class RailBanParams(PluginParams):
    lists: list[str] = Field(
        default_factory=lambda: ["rail_list"], description="the lists that bar passengers"
    )
    purchase: str = Field("train_purchase", description="record kind of a rail ticket purchase")


class RailBanMetrics(Metric):
    """Listings on the rail lists (and on a wrong record), rail tickets refused to those listed,
    and person-days under a rail ban, by list and group."""

    Params = RailBanParams
    stock_columns = ()

    def init(self, world: World) -> None:
        self.world = world
        self.groups = Groups.build(world.traits)
        self.lists = [name for name in self.params.lists if name in world.sanctions]
        codes = world.codes
        self.codes = {codes.code("consequence", name): name for name in self.lists}
        self.columns = [world.state[world.sanctions[name].column] for name in self.lists]
        self.others = [
            world.state[info.column]
            for name, info in world.sanctions.items()
            if name not in self.lists
        ]
        self.action = {
            a: codes.code("action", a) for a in ("listed", "delisted", "died", "refused")
        }
        self.purchase = codes.code("record_kind", self.params.purchase)
        self.tally = {name: np.zeros(self.groups.size) for name in COUNTS}
        self.stock = np.zeros(self.groups.size)
        self.by_list = {name: {"listed": 0.0, "listed_wrongly": 0.0} for name in self.lists}
        self.wrong = WrongRecords()

    def measure(self, day: Day) -> None:
        if not self.lists:
            return
        self.wrong.add(day.records)
        s, g = day.sanctions, self.groups
        action, who, rid = s["action"], s["citizen"], s["record_id"]
        mine = among(s["consequence"], list(self.codes))
        listed = mine & (action == self.action["listed"])
        if listed.any():
            actor = self.wrong.true_actor(rid[listed], who[listed])
            wrong = actor != who[listed]
            self.tally["listed"] += g.count(who[listed])
            self.tally["listed_wrongly"] += g.count(who[listed][wrong])
            self.stock += g.count(who[listed])
            for code, name in self.codes.items():
                here = s["consequence"][listed] == code
                self.by_list[name]["listed"] += float(here.sum())
                self.by_list[name]["listed_wrongly"] += float((here & wrong).sum())
        gone = mine & ((action == self.action["delisted"]) | (action == self.action["died"]))
        if gone.any():
            self.stock -= g.count(who[gone])
        self.tally["ban_days"] += self.stock
        refused = action == self.action["refused"]
        if refused.any():
            self._refusals(day, who[refused], rid[refused])

    def _refusals(self, day: Day, who: np.ndarray, record_ids: np.ndarray) -> None:
        """Rail tickets refused to citizens on a rail list (today's purchase records)."""
        ids, kinds = day.records["record_id"], day.records["kind"]
        if not ids.shape[0]:
            return
        at = np.minimum(np.searchsorted(ids, record_ids), ids.shape[0] - 1)
        rail = (ids[at] == record_ids) & (kinds[at] == self.purchase)
        on_rail = np.zeros(who.shape[0], bool)
        for column in self.columns:
            on_rail |= column[who] >= 0
        on_other = np.zeros(who.shape[0], bool)
        for column in self.others:
            on_other |= column[who] >= 0
        hit = rail & on_rail
        self.tally["refused"] += self.groups.count(who[hit])
        self.tally["refused_rail_only"] += self.groups.count(who[hit & ~on_other])

    def merge(self, parts: list) -> None:
        add_up(self, parts, "tally", "by_list")

    def summary(self) -> dict:
        k = self.world.people_per_agent
        whole = {name: round(v[0] * k) for name, v in self.tally.items()}
        return {
            "rail_listed": whole["listed"],
            "rail_listed_wrongly": whole["listed_wrongly"],
            "rail_refused": whole["refused"],
            "rail_refused_only_rail": whole["refused_rail_only"],
            "rail_ban_days": whole["ban_days"],
            "rail_by_list": {
                name: {f: round(v * k) for f, v in row.items()}
                for name, row in self.by_list.items()
            },
            "rail_by_group": self.groups.nested(self.tally, k),
        }
