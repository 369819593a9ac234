"""Speech: posts made and posts held back, by group; the chill on ordinary posts apart from
sensitive posts held back, and what the credit system adds to the fear of posting."""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.metrics.groups import Groups

__all__ = ["SpeechMetrics"]

ROWS = ("made", "held", "sensitive_made", "sensitive_held", "ordinary_held", "held_by_credit")
"""Daily whole-population counts kept per day (posts)."""


class SpeechParams(PluginParams):
    pass


class SpeechMetrics(Metric):
    """`speech_acts` (posts made) and `speech_suppressed` (posts held back), by group; sensitive
    posts held back and ordinary posts chilled apart; posts held back because of the credit
    system (they would have been made under the background fear alone); citizens who know that
    a flagged post costs something."""

    Params = SpeechParams

    def init(self, world: World) -> None:
        self.world = world
        self.groups = Groups.build(world.traits)
        self.post = world.codes.code("act_kind", "post")
        self.made = np.zeros(self.groups.size)
        self.held = np.zeros(self.groups.size)
        self.sensitive_held = np.zeros(self.groups.size)
        self.per_day = np.zeros((len(ROWS), world.days))
        self.learned = 0

    def measure(self, day: Day) -> None:
        acts = day.acts
        post = acts.rows_of("kind", self.post)
        made = self.groups.count(acts["actor"][post])
        self.made += made
        row = self.per_day[:, day.day]
        row[0] = made[0]
        row[2] = np.count_nonzero(acts["detail"][post])
        censor = self.world.services.get("self_censorship")
        if censor is None:
            return
        if day.day == self.world.days - 1:
            self.learned = self._learned()
        held = censor.held_on(day.day)
        counts = self.groups.count(held.citizens)
        self.held += counts
        self.sensitive_held += self.groups.count(held.citizens[held.sensitive])
        row[1] = counts[0]
        row[3] = np.count_nonzero(held.sensitive)
        row[4] = held.citizens.shape[0] - row[3]
        row[5] = np.count_nonzero(held.by_credit)

    def merge(self, parts: list) -> None:
        add_up(self, parts, "made", "held", "sensitive_held", "per_day", "learned")

    def daily_totals(self) -> dict[str, np.ndarray]:
        k = self.world.people_per_agent
        d = dict(zip(ROWS, self.per_day * k, strict=True))
        return {
            "speech_acts": d["made"],
            "speech_suppressed": d["held"],
            "speech_sensitive_held_back": d["sensitive_held"],
            "speech_ordinary_held_back": d["ordinary_held"],
        }

    def summary(self) -> dict:
        k = self.world.people_per_agent
        by: dict = {}
        for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
            by.setdefault(trait, {})[label] = {
                "speech_acts": round(self.made[i] * k),
                "speech_suppressed": round(self.held[i] * k),
                "speech_sensitive_held_back": round(self.sensitive_held[i] * k),
            }
        total = self.per_day.sum(axis=1)
        t = dict(zip(ROWS, total, strict=True))
        out = {
            "speech_acts": round(t["made"] * k),
            "speech_suppressed": round(t["held"] * k),
            "speech_by_group": by,
        }
        if self.world.services.get("self_censorship") is None:
            return out
        meant_sensitive = t["sensitive_made"] + t["sensitive_held"]
        meant_ordinary = t["made"] - t["sensitive_made"] + t["ordinary_held"]
        out.update(
            {
                "speech_sensitive_held_back": round(t["sensitive_held"] * k),
                "speech_sensitive_held_back_share": _share(t["sensitive_held"], meant_sensitive),
                "speech_ordinary_held_back": round(t["ordinary_held"] * k),
                "speech_ordinary_held_back_share": _share(t["ordinary_held"], meant_ordinary),
                "speech_held_back_by_credit": round(t["held_by_credit"] * k),
                "speech_fear_learned": self.learned * k,
            }
        )
        return out

    def _learned(self) -> int:
        """Citizens of this process who believe, at the end, that a flagged post costs something."""
        state = self.world.state
        if "post_penalty_known" not in state:
            return 0
        known = state["post_penalty_known"][self.world.lo : self.world.hi]
        return int(np.count_nonzero(known))


def _share(part: float, whole: float) -> float | None:
    return round(float(part) / float(whole), 6) if whole else None
