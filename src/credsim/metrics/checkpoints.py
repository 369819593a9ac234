"""Checkpoints: face checks of travellers, the alerts they raise, and the travellers stopped who
are on no watch list (false alerts), with the hours they lose, by group."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.metrics.groups import Groups

__all__ = ["CheckpointMetrics"]

COLUMNS = ("checks", "alerts", "stops", "stops_innocent")
KEYS = {
    "checks": "checkpoint_checks",
    "alerts": "checkpoint_alerts",
    "stops": "checkpoint_stops",
    "stops_innocent": "checkpoint_stops_innocent",
}


class CheckpointParams(PluginParams):
    source: str = Field("checkpoints", description="the checkpoints source (the face checks)")
    consequence: str = Field("checkpoints", description="the checkpoints consequence (stops)")


class CheckpointMetrics(Metric):
    """`checkpoint_checks`, `checkpoint_alerts`, `checkpoint_stops` and the stops of travellers on
    no watch list (`checkpoint_stops_innocent`) with the hours they lost, by group. Zero when the
    run has no checkpoints."""

    Params = CheckpointParams
    params: CheckpointParams

    def init(self, world: World) -> None:
        self.world = world
        self.k = world.people_per_agent
        self.groups = Groups.build(world.traits)
        self.tally = np.zeros((len(COLUMNS), self.groups.size))
        self.innocent_per_day = np.zeros(world.days)
        p = self.params
        self.checker = world.services.get(f"checkpoint_checks:{p.source}")
        self.police = world.services.get(f"watchlist:{p.consequence}")
        codes = world.codes
        if self.checker is not None:
            self.alert = codes.code("record_kind", self.checker.params.record)
        if self.police is not None:
            self.code = codes.code("consequence", p.consequence)
            self.stopped = codes.code("action", "stopped")

    @property
    def on(self) -> bool:
        return self.checker is not None or self.police is not None

    def measure(self, day: Day) -> None:
        if self.checker is not None:
            self.tally[0] += self.groups.count(self.checker.checked_on(day.day))
            records = day.records
            alert = records["kind"] == self.alert
            self.tally[1] += self.groups.count(records["attributed_to"][alert])
        if self.police is None:
            return
        s = day.sanctions
        mine = (s["consequence"] == self.code) & (s["action"] == self.stopped)
        if not mine.any():
            return
        who, rid = s["citizen"][mine], s["record_id"][mine]
        self.tally[2] += self.groups.count(who)
        innocent = who[~self._on_list(day, rid)]
        self.tally[3] += self.groups.count(innocent)
        self.innocent_per_day[day.day] = innocent.shape[0]

    def _on_list(self, day: Day, record_ids: np.ndarray) -> np.ndarray:
        """Whether the face of the traveller each alert record names really is on the watch list
        (the record's true detail)."""
        records = day.records
        ids = records["record_id"]
        if ids.shape[0] == 0:
            return np.zeros(record_ids.shape[0], bool)
        order = np.argsort(ids, kind="stable")
        at = order[np.minimum(np.searchsorted(ids, record_ids, sorter=order), ids.shape[0] - 1)]
        return (ids[at] == record_ids) & (records["true_detail"][at] > 0)

    def merge(self, parts: list) -> None:
        add_up(self, parts, "tally", "innocent_per_day")

    def daily_totals(self) -> dict[str, np.ndarray]:
        if not self.on:
            return {}
        return {"checkpoint_stops_innocent": self.innocent_per_day * self.k}

    def summary(self) -> dict:
        k = self.k
        hours = self.police.params.stop_hours if self.police is not None else 0.0
        total = {key: self.tally[i][0] for i, key in enumerate(KEYS.values())}
        out: dict = {key: round(v * k) for key, v in total.items()}
        innocent, alerts = total["checkpoint_stops_innocent"], total["checkpoint_alerts"]
        out["checkpoint_hours_lost"] = round(innocent * hours * k, 2)
        out["checkpoint_false_alert_share"] = (
            round(float(innocent / total["checkpoint_stops"]), 6)
            if total["checkpoint_stops"]
            else None
        )
        out["checkpoint_alerts_per_10000_checks"] = (
            round(float(1e4 * alerts / total["checkpoint_checks"]), 3)
            if total["checkpoint_checks"]
            else None
        )
        by = self.groups.nested({key: self.tally[i] for i, key in enumerate(KEYS.values())}, k)
        for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
            row = by[trait][label]
            row["checkpoint_hours_lost"] = round(float(self.tally[3][i]) * hours * k, 2)
            checks = self.tally[0][i]
            row["checkpoint_stops_innocent_per_10000_checks"] = (
                round(float(1e4 * self.tally[3][i] / checks), 3) if checks else None
            )
        out["checkpoint_by_group"] = by
        return out
