"""Pledges: removals from a list held until the citizen makes a public apology or credit-repair
pledge (a list's `pledge`), the pledges made and refused, who was still waiting at the end, and
the person-days on a list spent waiting, by list and by group.

It reads the sanctions table only: `pledge_required` opens a wait, `pledged` marks it made, and
the wait ends at the next removal (or death) on that list; a citizen who refused (`pledge_refused`)
waits until something else lifts the listing.
"""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.engine.sets import among
from credsim.metrics.groups import Groups

__all__ = ["PledgeMetrics"]

COUNTS = ("required", "pledged", "refused", "waiting", "wait_days")
"""Per-group tallies (`waiting` is a stock: held at the end)."""


class PledgeParams(PluginParams):
    pass


class PledgeMetrics(Metric):
    """Removals held for an apology or pledge, pledges made and refused, waits and the days
    they cost, by list and group."""

    Params = PledgeParams
    stock_columns = ()

    def init(self, world: World) -> None:
        self.world = world
        self.groups = Groups.build(world.traits)
        codes = world.codes
        self.action = {
            a: codes.code("action", a)
            for a in ("pledge_required", "pledged", "pledge_refused", "delisted", "died")
        }
        self.tally = {name: np.zeros(self.groups.size) for name in COUNTS}
        self.by_list: dict[str, dict[str, float]] = {}
        self.waiting: dict[tuple[int, int], int] = {}
        """(list code, citizen) -> the day their removal was held."""

    def measure(self, day: Day) -> None:
        s = day.sanctions
        action = s["action"]
        held = action == self.action["pledge_required"]
        ended = (action == self.action["delisted"]) | (action == self.action["died"])
        pledging = among(action, [self.action["pledged"], self.action["pledge_refused"]])
        if not (held.any() or pledging.any() or (self.waiting and ended.any())):
            self._wait_days()
            return
        names = self.world.codes.names("consequence")
        g = self.groups
        for what in ("pledge_required", "pledged", "pledge_refused"):
            rows = action == self.action[what]
            if not rows.any():
                continue
            key = {"pledge_required": "required", "pledge_refused": "refused"}.get(what, what)
            self.tally[key] += g.count(s["citizen"][rows])
            for code in s["consequence"][rows].tolist():
                row = self.by_list.setdefault(names[code], dict.fromkeys(COUNTS[:3], 0.0))
                row[key] += 1
        for code, citizen in zip(
            s["consequence"][held].tolist(), s["citizen"][held].tolist(), strict=True
        ):
            if (code, citizen) not in self.waiting:
                self.waiting[(code, citizen)] = day.day
                self.tally["waiting"] += g.count(np.array([citizen]))
        for code, citizen in zip(
            s["consequence"][ended].tolist(), s["citizen"][ended].tolist(), strict=True
        ):
            if self.waiting.pop((code, citizen), None) is not None:
                self.tally["waiting"] -= g.count(np.array([citizen]))
        self._wait_days()

    def _wait_days(self) -> None:
        """Each citizen still held adds a day (the stock, by group)."""
        self.tally["wait_days"] += self.tally["waiting"]

    def merge(self, parts: list) -> None:
        add_up(self, parts, "tally", "by_list")

    def summary(self) -> dict:
        k = self.world.people_per_agent
        whole = {name: round(v[0] * k) for name, v in self.tally.items()}
        return {
            "pledges_required": whole["required"],
            "pledges_made": whole["pledged"],
            "pledges_refused": whole["refused"],
            "pledges_waiting": whole["waiting"],
            "pledge_wait_days": whole["wait_days"],
            "pledges_by_list": {
                name: {f: round(v * k) for f, v in row.items()}
                for name, row in sorted(self.by_list.items())
            },
            "pledges_by_group": self.groups.nested(self.tally, k),
        }
