"""Naming: who was displayed in public, whether for an act they did not commit (a camera's false
match, a misattributed or fabricated record: the metric compares with the truth), and how many of
the people who know them saw it, by layer (friends, co-workers, household, neighbours), by display
and by group."""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.metrics.groups import Groups
from credsim.metrics.wrong_records import WrongRecords

__all__ = ["NamingMetrics"]

LAYERS = ("friends", "work", "family", "neighbours")
"""The order of consequences.naming.LAYERS (metrics do not import consequences)."""
COUNTS = ("named", "named_wrongly", "exposures")
DAILY = ("named", "named_wrongly", "exposures")


class NamingParams(PluginParams):
    pass


class NamingMetrics(Metric):
    """Citizens named in public (`named_total`), named for an act of someone else or of nobody
    (`named_wrongly`), and the people who saw it (`naming_exposures`), by layer, display and
    group."""

    Params = NamingParams

    def init(self, world: World) -> None:
        self.world = world
        self.groups = Groups.build(world.traits)
        self.tally = {name: np.zeros(self.groups.size) for name in COUNTS}
        self.per_day = np.zeros((len(DAILY), world.days))
        self.by_layer = np.zeros(len(LAYERS))
        self.by_display: dict[str, dict[str, float]] = {}
        self.reasons = {"misattributed": 0.0, "fabricated": 0.0}
        self.wrong = WrongRecords()

    def _namings(self):
        return [
            service
            for name, service in sorted(self.world.services.items())
            if name.startswith("naming:")
        ]

    def measure(self, day: Day) -> None:
        self.wrong.add(day.records)
        t, g = day.day, self.groups
        for service in self._namings():
            today = service.seen_on(t)
            who = today.citizen
            if not who.shape[0]:
                continue
            actor = self.wrong.true_actor(today.record_id, who)
            wrong = actor != who
            seen = today.seen.sum(axis=0)
            self.tally["named"] += g.count(who)
            self.tally["named_wrongly"] += g.count(who[wrong])
            self.tally["exposures"] += g.count(who, seen.astype(np.float64))
            self.by_layer += today.seen.sum(axis=1)
            self.per_day[:, t] += (who.shape[0], wrong.sum(), seen.sum())
            self.reasons["fabricated"] += float(np.count_nonzero(wrong & (actor < 0)))
            self.reasons["misattributed"] += float(np.count_nonzero(wrong & (actor >= 0)))
            for index, key in enumerate(service.displays):
                mine = today.display == index
                row = self.by_display.setdefault(key, dict.fromkeys(COUNTS, 0.0))
                row["named"] += float(mine.sum())
                row["named_wrongly"] += float((mine & wrong).sum())
                row["exposures"] += float(seen[mine].sum())

    def merge(self, parts: list) -> None:
        add_up(self, parts, "tally", "per_day", "by_layer", "by_display", "reasons")

    def _on(self) -> bool:
        return any(name.startswith("naming:") for name in self.world.services)

    def daily_totals(self) -> dict[str, np.ndarray]:
        if not self._on():
            return {}
        k = self.world.people_per_agent
        names = ("named_total", "named_wrongly", "naming_exposures")
        return {name: row * k for name, row in zip(names, self.per_day, strict=True)}

    def summary(self) -> dict:
        if not self._on():
            return {}
        k = self.world.people_per_agent
        for service in self._namings():  # every display, shown or not
            for key in service.displays:
                self.by_display.setdefault(key, dict.fromkeys(COUNTS, 0.0))
        tally = {name: values * k for name, values in self.tally.items()}
        by: dict = {}
        for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
            by.setdefault(trait, {})[label] = {name: round(v[i]) for name, v in tally.items()}
        return {
            "named_total": round(tally["named"][0]),
            "named_wrongly": round(tally["named_wrongly"][0]),
            "named_wrongly_by_reason": {r: round(v * k) for r, v in self.reasons.items()},
            "naming_exposures": round(tally["exposures"][0]),
            "naming_exposures_by_layer": {
                layer: round(float(v) * k) for layer, v in zip(LAYERS, self.by_layer, strict=True)
            },
            "named_by_display": {
                key: {what: round(v * k) for what, v in row.items()}
                for key, row in sorted(self.by_display.items())
            },
            "named_by_group": by,
        }
