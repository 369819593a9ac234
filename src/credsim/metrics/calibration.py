"""Calibration against published national figures: the model's yearly counts and listed share,
scaled to the published population, next to the published values and whether they fall within
the band (default ±25%)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.checks import MAX_PEOPLE
from credsim.engine.merge import add_up
from credsim.errors import UserError, did_you_mean
from credsim.vocab import RECORD_KINDS, check_kind

__all__ = ["CalibrationMetrics"]

PEOPLE_2020 = 1_411_778_724
"""China, 7th national census (facts)."""


class Target(PluginParams):
    measure: Literal["refused_per_year", "listed"] = Field(
        description="refusals of a record kind per year, or people listed at the end"
    )
    record: str | None = Field(None, description="record kind refused (refused_per_year)")
    list: str | None = Field(None, description="the list counted (listed; default: any list)")
    published: float = Field(
        gt=0, le=1e12, description="the published figure, in people or attempts"
    )
    source: str = Field("", description="where the figure comes from")
    band: float = Field(0.25, gt=0, le=1, description="accepted relative distance")

    def model_post_init(self, __context) -> None:
        if self.record is not None:
            check_kind(self.record, RECORD_KINDS, "record kind")


class CalibrationParams(PluginParams):
    people: int = Field(
        PEOPLE_2020, gt=0, le=MAX_PEOPLE, description="population the figures refer to"
    )
    warmup_days: int | None = Field(
        None,
        ge=0,
        le=3650,
        description="days left out of yearly rates (default: the run's warm-up, summary.json's)",
    )
    targets: dict[str, Target] = Field(default_factory=dict)


class CalibrationMetrics(Metric):
    """Model figures scaled to the published population, beside the published ones."""

    Params = CalibrationParams
    params: CalibrationParams

    def init(self, world: World) -> None:
        self.world = world
        days = self.params.warmup_days
        self.warmup = world.warmup_days if days is None else days
        for name, target in self.params.targets.items():
            if target.list is not None and target.list not in world.sanctions:
                did = did_you_mean(target.list, world.sanctions)
                raise UserError(
                    f"metrics.{self.name}.targets.{name}.list: no list named {target.list!r} in "
                    f"this scenario{did}; lists: {', '.join(world.sanctions) or 'none'}."
                )
        codes = world.codes
        self.refused = codes.code("action", "refused")
        self.kinds = {
            name: codes.code("record_kind", t.record)
            for name, t in self.params.targets.items()
            if t.record is not None
        }
        self.counts = dict.fromkeys(self.kinds, 0)

    def measure(self, day: Day) -> None:
        if day.day < self.warmup:
            return
        s = day.sanctions
        refused = s["action"] == self.refused
        if not refused.any():
            return
        first = day.records["record_id"][:1]
        offset = first[0] if first.shape[0] else 0
        kinds = day.records["kind"][s["record_id"][refused] - offset]
        for name, code in self.kinds.items():
            self.counts[name] += int(np.count_nonzero(kinds == code))

    def merge(self, parts: list) -> None:
        add_up(self, parts, "counts")

    def summary(self) -> dict:
        p, world = self.params, self.world
        scale = p.people / world.n
        window = max(world.days - self.warmup, 1)
        out = {}
        for name, target in p.targets.items():
            if target.measure == "listed":
                lists = [target.list] if target.list else list(world.sanctions)
                listed = np.zeros(world.n, bool)
                for list_name in lists:
                    listed |= world.state[world.sanctions[list_name].column] >= 0
                simulated = int(np.count_nonzero(listed))
                model = simulated * scale
                read = "at the end"
            else:
                simulated = int(self.counts[name])
                model = simulated * scale * 365.0 / window
                read = f"per year, days {min(self.warmup, world.days - 1)}-{world.days - 1}"
            ratio = model / target.published
            out[name] = {
                "model": round(model),
                "published": target.published,
                "ratio": round(ratio, 4),
                "within_band": bool(abs(ratio - 1.0) <= target.band),
                "read": read,
                "simulated": simulated,
                "source": target.source,
            }
        return {"calibration": out}
