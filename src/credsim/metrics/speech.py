"""Speech: posts made, and posts held back for fear of being watched, by group."""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.metrics.groups import Groups

__all__ = ["SpeechMetrics"]


class SpeechParams(PluginParams):
    pass


class SpeechMetrics(Metric):
    """`speech_acts` (posts made) and `speech_suppressed` (posts not made), by group."""

    Params = SpeechParams

    def init(self, world: World) -> None:
        self.world = world
        self.groups = Groups.build(world.traits)
        self.post = world.codes.code("act_kind", "post")
        self.made = np.zeros(self.groups.size)
        self.held = np.zeros(self.groups.size)
        self.per_day = np.zeros((2, world.days))  # posts made, held back

    def measure(self, day: Day) -> None:
        acts = day.acts
        made = self.groups.count(acts["actor"][acts["kind"] == self.post])
        self.made += made
        self.per_day[0, day.day] = made[0]
        censor = self.world.services.get("self_censorship")
        if censor is not None:
            held = self.groups.count(censor.suppressed_on(day.day))
            self.held += held
            self.per_day[1, day.day] = held[0]

    def merge(self, parts: list) -> None:
        add_up(self, parts, "made", "held", "per_day")

    def daily_totals(self) -> dict[str, np.ndarray]:
        k = self.world.people_per_agent
        return {"speech_acts": self.per_day[0] * k, "speech_suppressed": self.per_day[1] * k}

    def summary(self) -> dict:
        k = self.world.people_per_agent
        by: dict = {}
        for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
            by.setdefault(trait, {})[label] = {
                "speech_acts": round(self.made[i] * k),
                "speech_suppressed": round(self.held[i] * k),
            }
        return {
            "speech_acts": round(self.made[0] * k),
            "speech_suppressed": round(self.held[0] * k),
            "speech_by_group": by,
        }
