"""Checkpoints: police at stations and airports stop travellers whose face check raised an alert.

The watch list is the police's: everyone on the lists named in `lists` (the court's list, whose
names and ID numbers are published) and the people the police want (`wanted_share` of citizens,
drawn once from a hash: no column). The face search itself is a source (sources.checkpoints), which
searches this list and writes a `checkpoint_alert` record naming the traveller (whose ID is read at
the stop). Every alert stops the traveller for an ID check: a `stopped` sanction, which the
traveller is always told of. The stop takes `stop_hours`; the metrics count the stops of travellers
who are on no list (false alerts) and the hours they lose, by group (metrics.checkpoints).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Consequence, PluginParams, PublicDay, RecordWorld
from credsim.engine.checks import check_unique
from credsim.errors import UserError, did_you_mean

__all__ = ["Checkpoints"]


class CheckpointsParams(PluginParams):
    lists: list[str] = Field(
        default_factory=lambda: ["court_blacklist"],
        description="consequences whose listed people are on the watch list",
    )
    wanted_share: float = Field(
        1e-4, ge=0, le=1, description="share of citizens the police want (on the watch list)"
    )
    stop_hours: float = Field(
        1.0, ge=0, le=48, description="hours a traveller is held for an ID check after an alert"
    )
    record: str = Field("checkpoint_alert", description="record kind of an alert")

    @field_validator("lists")
    @classmethod
    def _once(cls, v: list[str]) -> list[str]:
        check_unique(v, "lists")
        return v


class Checkpoints(Consequence):
    """Stops travellers whose face check matched the watch list (the listed, the wanted)."""

    Params = CheckpointsParams
    params: CheckpointsParams
    live = ("wanted_share", "stop_hours")

    def init(self, world: RecordWorld) -> None:
        unknown = [name for name in self.params.lists if name not in world.sanctions]
        if unknown:
            did = did_you_mean(unknown[0], list(world.sanctions))
            raise UserError(
                f"consequences.{self.name}.lists: no list {unknown[0]!r}.{did} Lists: "
                f"{', '.join(world.sanctions) or 'none'}."
            )
        self.listed = [world.state[world.sanctions[n].column] for n in self.params.lists]
        codes = world.codes
        self.code = codes.code("consequence", self.name)
        self.agency = codes.code("agency", self.name)
        self.alert = codes.code("record_kind", self.params.record)
        self.stopped = codes.code("action", "stopped")
        self.wanted_stream = world.stream(f"consequence.{self.name}.wanted")
        world.offer(f"watchlist:{self.name}", self)

    def wanted(self, citizens: np.ndarray) -> np.ndarray:
        """Whether the police want each citizen (a fixed draw per citizen)."""
        return self.wanted_stream.uniform(0, citizens) < self.params.wanted_share

    def enrolled(self, citizens: np.ndarray) -> np.ndarray:
        """Whether each citizen's face is on the watch list today (listed, or wanted)."""
        out = self.wanted(citizens)
        for column in self.listed:
            out |= column[citizens] >= 0
        return out

    def respond(self, day: PublicDay) -> None:
        records = day.records
        alert = records["kind"] == self.alert
        if alert.any():
            day.sanctions.add(
                day=day.day,
                citizen=records["attributed_to"][alert],
                consequence=self.code,
                action=self.stopped,
                record_id=records["record_id"][alert],
                agency=self.agency,
            )
