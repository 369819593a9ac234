"""Data brokers: records leak out and are sold on open marketplaces (reported; the share sold is
an assumption). Each day the brokers obtain a share `share` of the records the system wrote that
day; the citizens those records name are exposed. Nothing in the system changes: exposure is a
harm measured by the adversaries metric.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from credsim.engine import Adversary, Day, PluginParams, World
from credsim.engine.merge import add_up
from credsim.engine.rng import event_key
from credsim.engine.sets import unique

__all__ = ["Brokers"]


class BrokersParams(PluginParams):
    share: float = Field(0.01, ge=0, le=1, description="share of each day's records sold")


class Brokers(Adversary):
    """Brokers sell a share of yesterday's records; the people they name are exposed."""

    Params = BrokersParams
    params: BrokersParams

    def init(self, world: World) -> None:
        self.world = world
        self.pick = world.stream(f"adversary.{self.name}.pick")
        self.sold: list[np.ndarray] = []
        self.records_sold = 0
        world.offer(f"adversary:{self.name}", self)

    def act(self, day: Day) -> None:
        """Records are read the day after they are written (the brokers' supply arrives late)."""
        yesterday = self.world.yesterday_records
        if not yesterday or self.params.share <= 0:
            return
        named = yesterday["attributed_to"]
        # Drawn by what a record is (its day, person and kind), not by its number, so the same
        # records are sold however the run is split into shards.
        keys = event_key(day.day - 1, named, yesterday["kind"])
        sold = self.pick.uniform(day.day, keys) < self.params.share
        self.records_sold += int(sold.sum())
        if sold.any():
            self.sold.append(named[sold].astype(np.int32))

    def merge(self, parts: list) -> None:
        add_up(self, parts, "records_sold", "sold")

    def exposed(self) -> np.ndarray:
        """Citizens named in any record sold (sorted, unique)."""
        return unique(np.concatenate([np.empty(0, np.int32), *self.sold]))

    def counts(self) -> dict[str, int]:
        """Records sold (scaled to people, as every record stands for `people_per_agent`)."""
        return {"broker_records_sold": self.records_sold * self.world.people_per_agent}
