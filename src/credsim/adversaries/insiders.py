"""Insiders who edit records: staff with write access who add a damaging record against a
citizen (for a bribe, a grudge or a quota). The rate and the record kind are assumptions.

Each day a share `rate` of citizens is targeted; each edit is a record of kind `record` (by
default a court judgment, which lists the target after the warning period) with no act behind it,
written under the insiders' own source name.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.adversaries.forged import forge
from credsim.engine import Adversary, Day, PluginParams, World
from credsim.engine.merge import add_up
from credsim.vocab import RECORD_KINDS, check_kind

__all__ = ["Insiders"]


class InsidersParams(PluginParams):
    record: str = Field("court_judgment", description="record kind an edit adds")
    rate: float = Field(1.0e-7, ge=0, le=1, description="daily chance a citizen is targeted")

    @field_validator("record")
    @classmethod
    def _kind(cls, v: str) -> str:
        return check_kind(v, RECORD_KINDS, "record kind")


class Insiders(Adversary):
    """Insiders add damaging records against citizens who did nothing."""

    Params = InsidersParams
    params: InsidersParams

    def init(self, world: World) -> None:
        self.world = world
        self.source = world.codes.code("source", self.name)
        self.kind = world.codes.code("record_kind", self.params.record)
        self.pick = world.stream(f"adversary.{self.name}.pick")
        self.edits = 0
        world.offer(f"adversary:{self.name}", self)

    def act(self, day: Day) -> None:
        targets = self.world.hits(self.pick, day.day, self.params.rate).astype(np.int32)
        if targets.shape[0] == 0:
            return
        self.edits += int(targets.shape[0])
        forge(day, self.kind, self.source, targets)

    def merge(self, parts: list) -> None:
        add_up(self, parts, "edits")

    def counts(self) -> dict[str, int]:
        """Records edited (one per citizen targeted; people, not agents)."""
        return {"insider_edits": self.edits * self.world.people_per_agent}
