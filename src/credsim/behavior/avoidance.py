"""Avoidance: a citizen refused at a counter stops trying there while they are listed.

Listed people learn of a travel ban when a ticket office refuses them (the seed reporting's
debtors find out at the counter). Once refused, many do not try again: they take a bus or a slow
train instead. A refusal of a record of act kind K (a `refused` notice naming a train purchase)
multiplies the citizen's chance of acts of kind K by `after_refusal[K]` from the next day on,
until the citizen is told they are off a list (a `delisted` notice). A citizen refused under a
list that never tells them is never told of a removal either, and keeps avoiding the counter.

The published refusals call for it: 5.22M refused rail purchases by September 2018 but only about
1M a year after (facts), while the list kept growing. Refusals that follow the people on the list
grow with the list; refusals that most people meet once follow the newly listed.

Memory: one uint8 column, `avoids` (a bit per act kind named, at most 8), only when enabled.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Behavior, Column, Day, PluginParams, World
from credsim.engine.checks import Probability
from credsim.vocab import ACT_KINDS, check_kind

__all__ = ["Avoidance", "AvoidanceParams"]


class AvoidanceParams(PluginParams):
    after_refusal: dict[str, Probability] = Field(
        default_factory=dict,
        description="act kind -> multiplier on its chance after the citizen was refused one "
        "(0: never again while listed; 1: no change)",
    )

    @field_validator("after_refusal")
    @classmethod
    def _kinds(cls, v: dict[str, float]) -> dict[str, float]:
        for kind in v:
            check_kind(kind, ACT_KINDS, "act kind")
        if len(v) > 8:
            raise ValueError(f"at most 8 act kinds (got {len(v)})")
        return v


class Avoidance(Behavior):
    """Citizens refused an act at a counter attempt it less while they are listed."""

    singleton = True  # the avoids column and the avoidance service
    Params = AvoidanceParams
    params: AvoidanceParams

    def columns(self) -> list[Column]:
        kinds = ", ".join(self.params.after_refusal) or "none"
        return [
            Column(
                "avoids",
                "uint8",
                owner=self.name,
                truth=True,
                doc=f"act kinds the citizen was refused and avoids, a bit each ({kinds})",
            )
        ]

    def init(self, world: World) -> None:
        self.world = world
        self.avoids = world.state["avoids"]
        self.bit = {kind: i for i, kind in enumerate(self.params.after_refusal)}
        self.factor_of = np.array(list(self.params.after_refusal.values()), np.float64)
        self.synced = -(1 << 62)
        self.by_record: np.ndarray | None = None
        world.offer("avoidance", self)

    def act(self, day: Day) -> None:
        self._sync(day.day)

    def factor(self, kind: str, citizens: np.ndarray, day: int) -> np.ndarray:
        """Chance multiplier of each citizen for acts of `kind` on `day`."""
        self._sync(day)
        bit = self.bit.get(kind)
        if bit is None:
            return np.ones(citizens.shape[0])
        avoided = (self.avoids[citizens] >> bit) & 1 == 1
        return np.where(avoided, self.factor_of[bit], 1.0)

    def _sync(self, day: int) -> None:
        """Learn from yesterday's notices, once a day, whichever plug-in asks first."""
        if self.synced == day:
            return
        self.synced = day
        notices = self.world.notices
        told = notices.yesterday if notices is not None else {}
        if not told or not told["citizen"].shape[0]:
            return
        kind, citizen = told["notice"], told["citizen"]
        off = citizen[kind == notices.code["delisted"]]
        if off.shape[0]:
            self.avoids[off] = 0
        refused = kind == notices.code["refused"]
        if not refused.any():
            return
        record_kind = told["record_kind"][refused].astype(np.int64)
        mask = np.where(record_kind >= 0, self._by_record()[np.maximum(record_kind, 0)], 0)
        some = mask > 0
        if some.any():
            np.bitwise_or.at(self.avoids, citizen[refused][some], mask[some].astype(np.uint8))

    def _by_record(self) -> np.ndarray:
        """The bits of each record kind (by code): those of the act kinds it records."""
        if self.by_record is None:
            codes, acts = self.world.codes, self.world.record_acts
            table = np.zeros(256, np.uint8)
            for record, kinds in acts.items():
                bits = sum(1 << self.bit[k] for k in kinds if k in self.bit)
                table[codes.code("record_kind", record)] = bits
            self.by_record = table
        return self.by_record
